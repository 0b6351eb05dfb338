//! The sandbox: a stream of the learner's own and every control, with no goals.

use leptos::prelude::*;
use shardlab_core::{Simulation, api, limits};

use crate::pages::{Footer, Playground, Topbar, initial_simulation, provide_simulation};
use crate::permissions::Permissions;
use crate::route::Route;

/// The sandbox's stream.
pub const SANDBOX_STREAM: &str = "sandbox";

/// A simulation with an `ACTIVE` four-shard stream, created through the
/// API so that a script exported from the sandbox begins with it.
fn fresh() -> Simulation {
    let mut sim = Simulation::new();
    let body = format!(r#"{{"StreamName": "{SANDBOX_STREAM}", "ShardCount": 4}}"#);
    let created = api::handle(&mut sim, "Kinesis_20131202.CreateStream", &body);
    debug_assert_eq!(created.status, 200, "{}", created.body);
    sim.advance(limits::STREAM_CREATE_DELAY);
    sim
}

/// The sandbox page.
#[component]
pub fn SandboxPage() -> impl IntoView {
    let (initial, link_problem) = initial_simulation(fresh);
    let link_problem = RwSignal::new(link_problem);
    let (sim, running, speed) = provide_simulation(initial, Permissions::everything());
    view! {
        <Topbar running=running speed=speed on_reset=move || sim.replace(fresh()) link_problem=link_problem />
        <nav class="lesson-nav" aria-label="Course"><a href=Route::CourseMap.href()>"Course map"</a></nav>
        <main class="layout sandbox">
            <aside class="panel lesson" aria-labelledby="sandbox-title">
                <p class="kicker">"Sandbox"</p>
                <h2 id="sandbox-title">"Your own stream"</h2>
                <p>
                    "The stream " <code>{SANDBOX_STREAM}</code> " has four shards. Put records, start consumers and generators, "
                    "split and merge shards, or send any request from the API console. Reset starts over; Share puts "
                    "the whole simulation in a link."
                </p>
            </aside>
            <Playground stream=SANDBOX_STREAM />
        </main>
        <Footer />
    }
}
