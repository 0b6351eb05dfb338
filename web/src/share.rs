//! Share links in the address bar: the fragment holds the whole simulation
//! (see `shardlab_core::share`), so a link restores exactly what the learner
//! saw, and fragments never reach a server.

use leptos::prelude::*;

use shardlab_core::Simulation;

use crate::sim_handle::SimHandle;

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
        match Simulation::from_share_fragment(&fragment) {
            Ok(shared) => {
                sim.replace(shared);
                link_problem.set(None);
            }
            Err(err) => link_problem.set(Some(format!("This share link could not be opened: {err}."))),
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
        let fragment = sim.with(|s| s.share_fragment());
        written_here.set_value(Some(fragment.clone()));
        let Some(window) = web_sys::window() else { return };
        if window.location().set_hash(&fragment).is_err() {
            show("This browser did not let the page change its address.".into());
            return;
        }
        let in_address_bar = format!("The address bar now holds this simulation ({} characters)", fragment.len());
        show(format!("{in_address_bar}: copy it from there to share."));
        // Copying needs the clipboard permission, which a page served over
        // plain http (other than localhost) or a sandboxed frame lacks; the
        // address bar is then the way.
        let Ok(href) = window.location().href() else { return };
        let copied = window.navigator().clipboard().write_text(&href);
        leptos::task::spawn_local(async move {
            if wasm_bindgen_futures::JsFuture::from(copied).await.is_ok() {
                show(format!("Link copied to the clipboard. {in_address_bar}."));
            }
        });
    };
    view! {
        <button class="share" title="Put this simulation in the address bar" on:click=share>"Share"</button>
        {move || status.get().map(|s| view! { <p class="share-status" role="status">{s}</p> })}
    }
}
