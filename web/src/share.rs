//! Share links in the address bar: the fragment holds the simulation (see
//! `shardlab_core::share`), so a link restores exactly what the learner
//! saw, and fragments never reach a server. A link is the recipe of the
//! simulation (`sim=2.`) when one names it, and the whole state (`sim=1.`)
//! otherwise. A recipe is replayed on opening, a frame at a time with its
//! progress shown when that takes longer than a moment.

use std::sync::Arc;

use leptos::prelude::*;

use shardlab_core::Simulation;
use shardlab_core::recipe::{Recipe, Replay, Start};
use shardlab_core::share::{Link, ShareError};
use shardlab_lessons::Lesson;

use crate::hooks::{TICK_BUDGET_MS, out_of_time_after};
use crate::sim_handle::SimHandle;

/// How long opening a link may hold the page before it shows its progress
/// and replays the rest a frame at a time.
const OPEN_AT_ONCE_MS: f64 = 100.0;

/// The starts a page can build for a recipe: the sandbox's, a blank
/// simulation, and the page's own lesson's, if it shows one. In context.
#[derive(Clone)]
pub struct LinkStarts(pub Option<Arc<Lesson>>);

impl LinkStarts {
    fn build(&self, start: &Start) -> Result<Simulation, ShareError> {
        shardlab_lessons::recipe_start(start, self.0.as_deref())
    }
}

/// A share link being opened.
pub enum Opened {
    /// Opened: the simulation, and the recipe that made it if it was one.
    Ready(Simulation, Option<Recipe>),
    /// A recipe whose replay took longer than [`OPEN_AT_ONCE_MS`]: the rest
    /// is for [`finish_opening`].
    Replaying(Replay, Recipe),
}

/// Opens the share link `fragment`: a whole state at once, a recipe for up
/// to [`OPEN_AT_ONCE_MS`] now.
pub fn open(fragment: &str, starts: &LinkStarts) -> Result<Opened, ShareError> {
    match Link::read(fragment)? {
        Link::Whole(snapshot) => Ok(Opened::Ready(Simulation::restore(&snapshot).map_err(ShareError::Snapshot)?, None)),
        Link::Recipe(recipe, fingerprint) => {
            let mut replay = Replay::new(recipe.clone(), starts.build(&recipe.start)?, fingerprint)?;
            if replay.run(out_of_time_after(OPEN_AT_ONCE_MS))? {
                return Ok(Opened::Ready(replay.finish()?, Some(recipe)));
            }
            Ok(Opened::Replaying(replay, recipe))
        }
    }
}

/// Replays the rest of a link a frame at a time, saying how far it has got
/// in `opening`, then shows its simulation (or says in `link_problem` why
/// it could not be opened).
pub fn finish_opening(
    sim: SimHandle,
    mut replay: Replay,
    recipe: Recipe,
    opening: RwSignal<Option<String>>,
    link_problem: RwSignal<Option<String>>,
) {
    let progress = replay.progress();
    let percent = progress.done.saturating_mul(100) / progress.total.max(1);
    opening.set(Some(format!("Opening link… {percent}%")));
    request_animation_frame(move || match replay.run(out_of_time_after(TICK_BUDGET_MS)) {
        Ok(false) => finish_opening(sim, replay, recipe, opening, link_problem),
        Ok(true) => {
            opening.set(None);
            match replay.finish() {
                Ok(shared) => sim.replace(shared, Some(recipe)),
                Err(err) => link_problem.set(Some(problem(&err))),
            }
        }
        Err(err) => {
            opening.set(None);
            link_problem.set(Some(problem(&err)));
        }
    });
}

/// Why a link could not be opened, in a sentence.
pub fn problem(err: &ShareError) -> String {
    format!("This share link could not be opened: {err}.")
}

/// The page's URL fragment without `#`, if it is a share link. Any other
/// fragment (`#playground`, an in-page anchor) is navigation, not a link.
pub fn fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    is_share_fragment(&hash).then(|| hash.trim_start_matches('#').to_string())
}

/// Whether an address's fragment (with or without its `#`) holds a share link.
pub fn is_share_fragment(hash: &str) -> bool {
    hash.trim_start_matches('#').starts_with(shardlab_core::share::PREFIX)
}

/// A link's replay in progress, as the share button shows it: in context.
#[derive(Clone, Copy)]
pub struct LinkOpening(pub RwSignal<Option<String>>);

/// Puts the current simulation in the address bar, ready to copy, and
/// follows a share link pasted into the open tab (which changes only the
/// fragment, so the page is not reloaded). `link_problem` says why a link
/// could not be opened. An `embedded` lesson follows no pasted link: its
/// address is the embedding page's to change, and a hostile parent could
/// otherwise navigate the frame to a link and replace the learner's work. It
/// opens only the link it was loaded with.
#[component]
pub fn ShareButton(link_problem: RwSignal<Option<String>>, #[prop(optional)] embedded: bool) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let starts = expect_context::<LinkStarts>();
    let LinkOpening(opening) = expect_context::<LinkOpening>();
    let status = RwSignal::new(None::<String>);
    // The fragment this page wrote itself, which it must not reload.
    let written_here = StoredValue::new(None::<String>);
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        if embedded {
            return;
        }
        let Some(fragment) = fragment() else { return };
        if written_here.get_value().as_deref() == Some(fragment.as_str()) {
            return;
        }
        match open(&fragment, &starts) {
            Ok(Opened::Ready(shared, recipe)) => {
                sim.replace(shared, recipe);
                link_problem.set(None);
            }
            Ok(Opened::Replaying(replay, recipe)) => {
                link_problem.set(None);
                finish_opening(sim, replay, recipe, opening, link_problem);
            }
            Err(err) => link_problem.set(Some(problem(&err))),
        }
    });
    on_cleanup(move || handle.remove());
    // The status is a toast: shown for a few seconds outside the sticky bar,
    // so it neither grows the bar nor moves the page.
    let shown = StoredValue::new(0u32);
    let show = move |text: String| {
        let n = shown.get_value().wrapping_add(1);
        shown.set_value(n);
        status.set(Some(text));
        set_timeout(
            move || {
                if shown.get_value() == n {
                    status.set(None);
                }
            },
            std::time::Duration::from_secs(6),
        );
    };
    let share = move |_| {
        let fragment = sim.share_fragment();
        written_here.set_value(Some(fragment.clone()));
        let Some(window) = web_sys::window() else { return };
        if window.location().set_hash(&fragment).is_err() {
            show("This browser did not let the page change its address.".into());
            return;
        }
        let Ok(href) = window.location().href() else { return };
        // The whole address's length, as the learner copies it, not the fragment's.
        let in_address_bar = format!("The address bar now holds this simulation ({} characters)", href.chars().count());
        // A learner who has stepped back and forth may expect the link to
        // carry the timeline; it carries the moment shown.
        let moments = sim.timeline().0.len();
        let at_this_moment = if moments > 1 { " It opens at this moment: the timeline stays here." } else { "" };
        show(format!("{in_address_bar}: copy it from there to share.{at_this_moment}"));
        // Copying needs the clipboard permission, which a page served over
        // plain http (other than localhost) or a sandboxed frame lacks; the
        // address bar is then the way.
        let copied = window.navigator().clipboard().write_text(&href);
        leptos::task::spawn_local(async move {
            if wasm_bindgen_futures::JsFuture::from(copied).await.is_ok() {
                show(format!("Link copied to the clipboard. {in_address_bar}.{at_this_moment}"));
            }
        });
    };
    view! {
        <button class="share" title="Put this simulation in the address bar" on:click=share>"Share"</button>
        {move || status.get().map(|s| view! { <p class="share-status" role="status">{s}</p> })}
        {move || opening.get().map(|s| view! { <p class="share-status opening" role="status">{s}</p> })}
    }
}
