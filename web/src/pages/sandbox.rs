//! The sandbox: a stream of the learner's own and every control, with no goals.

use leptos::prelude::*;
use shardlab_lessons::{SANDBOX_STREAM, sandbox};

use shardlab_core::recipe::Start;

use crate::pages::{Footer, Playground, Topbar, fresh_recipe, initial_simulation, provide_simulation};
use crate::permissions::Permissions;
use crate::route::Route;
use crate::share::LinkStarts;

/// The sandbox page.
#[component]
pub fn SandboxPage() -> impl IntoView {
    let starts = LinkStarts(None);
    let initial = initial_simulation(&starts, || (sandbox(), fresh_recipe(Start::Sandbox)));
    let (sim, running, speed, link_problem) = provide_simulation(initial, Permissions::everything(), starts);
    view! {
        <Topbar running=running speed=speed on_reset=move || sim.replace(sandbox(), fresh_recipe(Start::Sandbox)) link_problem=link_problem />
        <nav class="lesson-nav" aria-label="Course"><a href=Route::CourseMap.href()>"Course map"</a></nav>
        <main class="layout sandbox">
            <aside class="panel lesson" aria-labelledby="sandbox-title">
                <p class="kicker">"Sandbox"</p>
                <h2 id="sandbox-title">"Your own stream"</h2>
                <p>
                    "The stream " <code>{SANDBOX_STREAM}</code> " has four shards. Put records, start consumers and generators, "
                    "split and merge shards, or send any request from the API console. Reset starts over; Share puts "
                    "the simulation in a link."
                </p>
            </aside>
            <Playground stream=SANDBOX_STREAM />
        </main>
        <Footer />
    }
}
