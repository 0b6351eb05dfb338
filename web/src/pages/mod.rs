//! The site's pages, one per file, chosen by [`Route`](crate::route::Route).

pub mod course_map;
pub mod exam;
pub mod lesson;
pub mod sandbox;

use leptos::prelude::*;
use shardlab_core::Simulation;
use shardlab_core::recipe::{Recipe, Replay, Start};
use shardlab_lessons::Lesson;

use crate::components::api_console::ApiConsole;
use crate::components::batch_form::BatchForm;
use crate::components::clients_panel::ClientsPanel;
use crate::components::clock_bar::ClockBar;
use crate::components::consumer_panel::ConsumerPanel;
use crate::components::delivery_panel::DeliveryPanel;
use crate::components::export_panel::ExportPanel;
use crate::components::fault_panel::FaultPanel;
use crate::components::generator_panel::GeneratorPanel;
use crate::components::inspector::{Inspector, Selection};
use crate::components::kcl_panel::KclPanel;
use crate::components::lambda_panel::LambdaPanel;
use crate::components::metrics_panel::MetricsPanel;
use crate::components::put_form::{PutForm, routing_key};
use crate::components::sqs_panel::SqsPanel;
use crate::components::stream_view::StreamView;
use crate::components::task_forms::TaskForms;
use crate::hooks;
use crate::permissions::Permissions;
use crate::route::Route;
use crate::share::{self, LinkOpening, LinkStarts, Opened, ShareButton};
use crate::sim_handle::SimHandle;

/// What a page opens with: the simulation, the recipe that made it (if one
/// names it), why a share link in the address could not be opened, and the
/// rest of a link's replay if it takes longer than a moment.
pub struct Initial {
    sim: Simulation,
    recipe: Option<Recipe>,
    link_problem: Option<String>,
    replaying: Option<(Replay, Recipe)>,
}

/// What a page opens with: the simulation in a share link, if the address
/// holds one that can be opened, else `fresh()`. `starts` builds what a
/// recipe link starts from.
pub fn initial_simulation(starts: &LinkStarts, fresh: impl FnOnce() -> (Simulation, Option<Recipe>)) -> Initial {
    let fresh_page = |link_problem, replaying| {
        let (sim, recipe) = fresh();
        Initial { sim, recipe, link_problem, replaying }
    };
    match share::fragment().map(|fragment| share::open(&fragment, starts)) {
        None => fresh_page(None, None),
        Some(Ok(Opened::Ready(sim, recipe))) => Initial { sim, recipe, link_problem: None, replaying: None },
        // The page shows its start until the replay is done.
        Some(Ok(Opened::Replaying(replay, recipe))) => fresh_page(None, Some((replay, recipe))),
        Some(Err(err)) => fresh_page(Some(share::problem(&err)), None),
    }
}

/// A page's start as a recipe: `start` with no steps yet.
pub fn fresh_recipe(start: Start) -> Option<Recipe> {
    Some(Recipe::new(start))
}

/// `lesson`'s start, and the recipe naming it.
pub fn lesson_start(lesson: &Lesson) -> (Simulation, Option<Recipe>) {
    (lesson.start(), fresh_recipe(Start::Lesson { id: lesson.id.clone() }))
}

/// Puts the page's simulation and shared state in context, starts the
/// clock ticker and goes on replaying a link that is still opening.
/// Returns the handle, the clock's `running` and `speed` signals, and why a
/// share link could not be opened.
pub fn provide_simulation(
    initial: Initial,
    permissions: Permissions,
    starts: LinkStarts,
) -> (SimHandle, RwSignal<bool>, RwSignal<u32>, RwSignal<Option<String>>) {
    let Initial { sim, recipe, link_problem, replaying } = initial;
    let sim = SimHandle::new(sim, recipe);
    let link_problem = RwSignal::new(link_problem);
    let opening = RwSignal::new(None);
    provide_context(sim);
    provide_context(Selection(RwSignal::new(None)));
    provide_context(permissions);
    provide_context(starts);
    provide_context(LinkOpening(opening));
    if let Some((replay, recipe)) = replaying {
        share::finish_opening(sim, replay, recipe, opening, link_problem);
    }
    let running = RwSignal::new(false);
    // Percent of real time.
    let speed = RwSignal::new(100u32);
    let note = hooks::use_ticker(sim, running, speed.into());
    provide_context(note);
    (sim, running, speed, link_problem)
}

/// The site's header: the brand (a link to the course map), the page's
/// links, the clock and the share button. `embedded` drops the brand and links.
#[component]
pub fn Topbar(
    running: RwSignal<bool>,
    speed: RwSignal<u32>,
    #[prop(into)] on_reset: Callback<()>,
    link_problem: RwSignal<Option<String>>,
    #[prop(optional)] embedded: bool,
) -> impl IntoView {
    view! {
        <header class="topbar" class:embedded=embedded>
            <a class="skip-link" href="#playground" on:click=skip_to_playground>
                "Skip to the playground"
            </a>
            {(!embedded).then(|| view! { <Brand /> })}
            <ClockBar running=running speed=speed on_reset=on_reset />
            <ShareButton link_problem=link_problem embedded=embedded />
        </header>
        {move || link_problem.get().map(|problem| view! { <p class="link-problem" role="alert">{problem}</p> })}
    }
}

/// Moves focus to the playground, so that the next Tab reaches its first
/// control; the address keeps its fragment, which a share link uses.
fn skip_to_playground(event: leptos::ev::MouseEvent) {
    use wasm_bindgen::JsCast;
    event.prevent_default();
    let playground = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("playground"))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(playground) = playground {
        let _ = playground.focus();
    }
}

/// The logo and name, linking to the course map.
#[component]
pub fn Brand() -> impl IntoView {
    view! {
        // Named for phones, where only the mark shows.
        <a class="brand" href=Route::CourseMap.href() aria-label="Shardlab: the course map">
            <span class="brand-mark" aria-hidden="true"><i></i><i></i><i></i></span>
            <div>
                <h1>"Shardlab"</h1>
                <p>"Amazon Kinesis Data Streams, simulated in your browser"</p>
            </div>
        </a>
    }
}

/// The views and controls over the simulation, for `stream`; each control
/// shows only if the page's [`Permissions`] allow its action, and the
/// Lambda, Firehose and SQS views only once the simulation has such resources.
#[component]
pub fn Playground(stream: &'static str) -> impl IntoView {
    let permissions = expect_context::<Permissions>();
    let sim = expect_context::<SimHandle>();
    // The consumer panel shows where the learner may start consumers, and
    // wherever the lesson started some itself (a Memo, so that the panel is
    // drawn once, not on every tick).
    let may_start_consumers = permissions.allows("start_polling_consumer");
    let has_consumers = Memo::new(move |_| !sim.consumers(0).is_empty());
    let partition_key = RwSignal::new(String::from("user-42"));
    let explicit_hash_key = RwSignal::new(String::new());
    let typed = move || partition_key.with(|k| explicit_hash_key.with(|e| routing_key(k, e)));
    // The ring marks the record last picked in a lane, until the learner
    // types a key again: the mark follows whichever they touched last.
    let Selection(selected) = expect_context::<Selection>();
    let marks_pick = RwSignal::new(false);
    Effect::new(move |ran: Option<()>| {
        let picked = selected.with(Option::is_some);
        if ran.is_some() {
            marks_pick.set(picked);
        }
    });
    Effect::new(move |ran: Option<()>| {
        partition_key.track();
        explicit_hash_key.track();
        if ran.is_some() {
            marks_pick.set(false);
        }
    });
    let picked_key =
        Memo::new(move |_| selected.get().and_then(|seq| sim.record(stream, seq)).map(|(_, read)| read.hash_key()));
    let probe_picked = Signal::derive(move || marks_pick.get() && picked_key.with(Option::is_some));
    let probe = Signal::derive(move || if probe_picked.get() { picked_key.get() } else { typed() });
    view! {
        // Focusable by the skip link only.
        <div class="playground" id="playground" tabindex="-1">
            {permissions.allows("put_record").then(|| view! {
                <PutForm stream=stream partition_key=partition_key explicit_hash_key=explicit_hash_key on_put=|| () />
            })}
            {permissions.allows("Kinesis_20131202.PutRecords").then(|| view! { <BatchForm stream=stream /> })}
            {permissions.allows("Shardlab.StartGenerator").then(|| view! { <GeneratorPanel stream=stream /> })}
            <StreamView stream=stream probe=probe probe_picked=probe_picked />
            <FaultPanel stream=stream />
            <TaskForms stream=stream />
            <Inspector stream=stream />
            <MetricsPanel stream=stream />
            {move || (may_start_consumers || has_consumers.get()).then(|| view! { <ConsumerPanel stream=stream /> })}
            <KclPanel />
            <ClientsPanel stream=stream />
            <LambdaPanel />
            <DeliveryPanel />
            <SqsPanel />
            <ApiConsole stream=stream />
            <ExportPanel />
        </div>
    }
}

/// The site's footer.
#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            "Shardlab simulates the service's rules and limits; nothing leaves your browser."
        </footer>
    }
}

/// A stream name for components that take `&'static str`, so that every
/// closure can copy it. A page shows one stream for its whole life, so this
/// one short string is never freed.
pub fn leak_name(name: &str) -> &'static str {
    Box::leak(name.to_owned().into_boxed_str())
}
