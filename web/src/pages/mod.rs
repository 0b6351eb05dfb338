//! The site's pages, one per file, chosen by [`Route`](crate::route::Route).

pub mod course_map;
pub mod exam;
pub mod lesson;
pub mod sandbox;

use leptos::prelude::*;
use shardlab_core::Simulation;

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
use crate::share::{self, ShareButton};
use crate::sim_handle::SimHandle;

/// The simulation a page opens with: the one in a share link, if the address
/// holds one that can be opened, else `fresh()`; and why a link could not be opened.
pub fn initial_simulation(fresh: impl FnOnce() -> Simulation) -> (Simulation, Option<String>) {
    match share::fragment() {
        None => (fresh(), None),
        Some(fragment) => match Simulation::from_share_fragment(&fragment) {
            Ok(shared) => (shared, None),
            Err(err) => (fresh(), Some(format!("This share link could not be opened: {err}."))),
        },
    }
}

/// Puts `sim` and the page's shared state in context, and starts the clock
/// ticker. Returns the clock's `running` and `speed` signals.
pub fn provide_simulation(sim: Simulation, permissions: Permissions) -> (SimHandle, RwSignal<bool>, RwSignal<u32>) {
    let sim = SimHandle::new(sim);
    provide_context(sim);
    provide_context(Selection(RwSignal::new(None)));
    provide_context(permissions);
    let running = RwSignal::new(false);
    // Percent of real time.
    let speed = RwSignal::new(100u32);
    let note = hooks::use_ticker(sim, running, speed.into());
    provide_context(note);
    (sim, running, speed)
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
            {(!embedded).then(|| view! { <Brand /> })}
            <ClockBar running=running speed=speed on_reset=on_reset />
            <ShareButton link_problem=link_problem embedded=embedded />
        </header>
        {move || link_problem.get().map(|problem| view! { <p class="link-problem" role="alert">{problem}</p> })}
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
    let probe = Signal::derive(move || partition_key.with(|k| explicit_hash_key.with(|e| routing_key(k, e))));
    view! {
        <div class="playground" id="playground">
            {permissions.allows("put_record").then(|| view! {
                <PutForm stream=stream partition_key=partition_key explicit_hash_key=explicit_hash_key on_put=|| () />
            })}
            {permissions.allows("Kinesis_20131202.PutRecords").then(|| view! { <BatchForm stream=stream /> })}
            {permissions.allows("Shardlab.StartGenerator").then(|| view! { <GeneratorPanel stream=stream /> })}
            <StreamView stream=stream probe=probe />
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
