//! A lesson beside the playground it is solved in; also the embedded form
//! of a lesson (`?embed=ID`), without the site's chrome.

use std::sync::Arc;

use leptos::prelude::*;
use shardlab_lessons::Course;

use crate::components::lesson_panel::{LessonPanel, NextStep};
use crate::embed;
use crate::pages::{Footer, Playground, Topbar, initial_simulation, leak_name, provide_simulation};
use crate::permissions::Permissions;
use crate::route::Route;

/// Where an embedded lesson reports completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embedding {
    /// The parent window's origin, if the embedding page gave it.
    pub origin: Option<String>,
}

/// Lesson number `index` of `course`. `step` replays that many steps of the
/// reference solution on opening (a deep link into a walkthrough).
#[component]
pub fn LessonPage(
    course: Arc<Course>,
    index: usize,
    #[prop(optional)] step: usize,
    #[prop(optional)] embedding: Option<Embedding>,
) -> impl IntoView {
    let lesson = Arc::new(course.lessons[index].clone());
    let start_lesson = lesson.clone();
    let (initial, link_problem) = initial_simulation(move || {
        let mut sim = start_lesson.start();
        for action in start_lesson.solution.iter().take(step) {
            // The reference solution was proved when the course loaded.
            let _ = action.apply(&mut sim);
        }
        sim
    });
    let link_problem = RwSignal::new(link_problem);
    let (sim, running, speed) = provide_simulation(initial, Permissions::of(lesson.clone()));
    let stream = leak_name(lesson.stream_name());
    let reset_lesson = lesson.clone();
    let on_reset = move || sim.replace(reset_lesson.start());

    let embedded = embedding.is_some();
    let lesson_id = lesson.id.clone();
    let on_complete = Callback::new(move |score: u32| {
        if let Some(embedding) = &embedding {
            embed::post_completion(embedding.origin.as_deref(), &lesson_id, score);
        }
    });
    let n_lessons = course.lessons.len();
    let neighbour = |idx: Option<usize>| {
        idx.filter(|&i| i < n_lessons).map(|i| {
            (Route::Lesson { id: course.lessons[i].id.clone(), step: None }.href(), course.lessons[i].title.clone())
        })
    };
    let previous = neighbour(index.checked_sub(1));
    let next = neighbour(Some(index + 1));
    let next_step = (!embedded).then(|| match &next {
        Some((href, title)) => NextStep { href: href.clone(), label: format!("Next lesson: {title} →") },
        None => {
            NextStep { href: Route::Exam.href(), label: "That was the last lesson. Try the practice exam →".into() }
        }
    });

    view! {
        <Topbar running=running speed=speed on_reset=on_reset link_problem=link_problem embedded=embedded />
        {(!embedded).then(|| view! {
            <nav class="lesson-nav" aria-label="Course">
                <a href=Route::CourseMap.href()>"Course map"</a>
                {previous.map(|(href, title)| view! { <a href=href rel="prev">{format!("← {title}")}</a> })}
                {next.map(|(href, title)| view! { <a href=href rel="next">{format!("{title} →")}</a> })}
                <a href=Route::Sandbox.href()>"Sandbox"</a>
            </nav>
        })}
        <main class="layout">
            <LessonPanel lesson=lesson number=index + 1 total=n_lessons on_complete=on_complete next=next_step />
            <Playground stream=stream />
        </main>
        {(!embedded).then(|| view! { <Footer /> })}
    }
}
