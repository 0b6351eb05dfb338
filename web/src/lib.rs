//! The Shardlab site: a thin Leptos view over `shardlab-core`.
//!
//! Components render simulation state and send commands through
//! [`SimHandle`]; no rule of the service is implemented here.

pub mod cli;
pub mod components;
pub mod format;
pub mod hooks;
pub mod panic_hook;
pub mod share;
pub mod sim_handle;
pub mod storage;

use std::sync::Arc;

use leptos::prelude::*;
use shardlab_core::{HashKey, Simulation};
use shardlab_lessons::{Course, Lesson};

use crate::components::api_console::ApiConsole;
use crate::components::clock_bar::ClockBar;
use crate::components::consumer_panel::ConsumerPanel;
use crate::components::inspector::{Inspector, Selection};
use crate::components::lesson_panel::LessonPanel;
use crate::components::put_form::PutForm;
use crate::components::stream_view::StreamView;
use crate::share::ShareButton;
pub use crate::sim_handle::SimHandle;

/// The whole site.
#[component]
pub fn App() -> impl IntoView {
    match Course::load() {
        Ok(course) => match course.lessons.into_iter().next() {
            Some(lesson) => view! { <LessonPage lesson=Arc::new(lesson) /> }.into_any(),
            None => view! { <Fatal message="The course has no lessons.".to_string() /> }.into_any(),
        },
        Err(err) => view! { <Fatal message=err.to_string() /> }.into_any(),
    }
}

#[component]
fn Fatal(message: String) -> impl IntoView {
    view! {
        <main class="layout">
            <section class="panel" role="alert">
                <h2>"The course could not be loaded"</h2>
                <pre>{message}</pre>
            </section>
        </main>
    }
}

/// One lesson beside the playground it is solved in.
#[component]
fn LessonPage(lesson: Arc<Lesson>) -> impl IntoView {
    // A share link in the address opens the simulation it holds; a link that
    // cannot be opened is explained, and the lesson starts as usual.
    let (initial, link_problem) = match share::fragment() {
        None => (lesson.start(), None),
        Some(fragment) => match Simulation::from_share_fragment(&fragment) {
            Ok(shared) => (shared, None),
            Err(err) => (lesson.start(), Some(format!("This share link could not be opened: {err}."))),
        },
    };
    let link_problem = RwSignal::new(link_problem);
    let sim = SimHandle::new(initial);
    provide_context(sim);
    provide_context(Selection(RwSignal::new(None)));
    // Components take the stream name by `&'static str` so that every closure
    // can copy it. A page shows one lesson for its whole life, so this one
    // short string is never freed.
    let stream: &'static str = Box::leak(lesson.stream_name().to_owned().into_boxed_str());

    let running = RwSignal::new(false);
    // Percent of real time.
    let speed = RwSignal::new(100u32);
    hooks::use_ticker(sim, running.into(), speed.into());

    let partition_key = RwSignal::new(String::from("user-42"));
    let probe = Signal::derive(move || partition_key.with(|k| (!k.is_empty()).then(|| HashKey::from_partition_key(k))));
    let reset_lesson = lesson.clone();

    view! {
        <header class="topbar">
            <div class="brand">
                <span class="brand-mark" aria-hidden="true"><i></i><i></i><i></i></span>
                <div>
                    <h1>"Shardlab"</h1>
                    <p>"Amazon Kinesis Data Streams, simulated in your browser"</p>
                </div>
            </div>
            <ClockBar running=running speed=speed on_reset=move || sim.replace(reset_lesson.start()) />
            <ShareButton link_problem=link_problem />
        </header>
        {move || link_problem.get().map(|problem| view! { <p class="link-problem" role="alert">{problem}</p> })}
        <main class="layout">
            <LessonPanel lesson=lesson />
            <div class="playground" id="playground">
                <PutForm stream=stream partition_key=partition_key on_put=|| () />
                <StreamView stream=stream probe=probe />
                <Inspector stream=stream />
                <ConsumerPanel stream=stream />
                <ApiConsole stream=stream />
            </div>
        </main>
        <footer class="site-footer">
            "Shardlab simulates the service's rules and limits; nothing leaves your browser."
        </footer>
    }
}
