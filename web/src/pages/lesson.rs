//! A lesson beside the playground it is solved in; also the embedded form
//! of a lesson (`?embed=ID`), without the site's chrome. A lesson opens
//! where the learner left it (see [`resume`]), unless the address holds a
//! share link or a step of the walkthrough.

use std::sync::Arc;

use leptos::prelude::*;
use shardlab_lessons::{Lesson, Outline};

use crate::components::lesson_panel::{LessonPanel, NextStep};
use crate::embed;
use crate::pages::{Footer, Playground, Topbar, initial_simulation, leak_name, lesson_start, provide_simulation};
use crate::permissions::Permissions;
use crate::resume::{self, Resumed};
use crate::route::Route;
use crate::share::LinkStarts;

/// Where an embedded lesson reports completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embedding {
    /// The parent window's origin, if the embedding page gave it.
    pub origin: Option<String>,
}

/// `lesson`, number `index` of the course `outline` lists. `step` replays
/// that many steps of the reference solution on opening (a deep link into a
/// walkthrough).
#[component]
pub fn LessonPage(
    outline: Arc<Outline>,
    index: usize,
    lesson: Arc<Lesson>,
    #[prop(optional)] step: usize,
    #[prop(optional_no_strip)] embedding: Option<Embedding>,
) -> impl IntoView {
    let embedded = embedding.is_some();
    // An embedded lesson keeps no work: the embedding page owns it.
    let keeps_work = !embedded;
    let resumed = RwSignal::new(None::<Resumed>);
    let start_lesson = lesson.clone();
    let starts = LinkStarts(Some(lesson.clone()));
    let initial = initial_simulation(&starts, move || {
        // A share link wins over the saved work, and so does a deep link into the walkthrough.
        if keeps_work && step == 0 {
            let (saved, note) = resume::restore(&start_lesson.id);
            resumed.set(note);
            if let Some(saved) = saved {
                // Saved work is a whole state: no recipe names it.
                return (saved, None);
            }
        }
        let (mut sim, mut recipe) = lesson_start(&start_lesson);
        for action in start_lesson.solution.iter().take(step) {
            // The reference solution was proved when the course loaded.
            let _ = action.apply_in_steps(&mut sim, |step| recipe.iter_mut().for_each(|r| r.push(step.clone())));
        }
        (sim, recipe)
    });
    let (sim, running, speed, link_problem) = provide_simulation(initial, Permissions::of(lesson.clone()), starts);
    let stream = leak_name(lesson.stream_name());
    let start_over = keeps_work.then(|| resume::keep(sim, &lesson.id));
    let restored = resumed.get_untracked() == Some(Resumed::Restored);
    let reset_lesson = lesson.clone();
    let on_reset = Callback::new(move |()| {
        match start_over {
            Some(start_over) => start_over.run(lesson_start(&reset_lesson)),
            None => {
                let (start, recipe) = lesson_start(&reset_lesson);
                sim.replace(start, recipe);
            }
        }
        resumed.set(None);
    });

    let lesson_id = lesson.id.clone();
    let on_complete = Callback::new(move |score: u32| {
        if let Some(embedding) = &embedding {
            embed::post_completion(embedding.origin.as_deref(), &lesson_id, score);
        }
    });
    let n_lessons = outline.lessons.len();
    let neighbour = |idx: Option<usize>| {
        idx.and_then(|i| outline.lessons.get(i))
            .map(|entry| (Route::Lesson { id: entry.id.clone(), step: None }.href(), entry.title.clone()))
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
        {resumed.get_untracked().map(|note| view! {
            <div class="resume-note" role="status" hidden=move || resumed.get().is_none()>
                {note.message()}
                {restored.then(|| view! { <button on:click=move |_| on_reset.run(())>"Start the lesson over"</button> })}
            </div>
        })}
        {(!embedded).then(|| view! {
            <nav class="lesson-nav" aria-label="Course">
                <a href=Route::CourseMap.href()>"Course map"</a>
                {previous.map(|(href, title)| view! { <a href=href rel="prev">{format!("← {title}")}</a> })}
                {next.map(|(href, title)| view! { <a href=href rel="next">{format!("{title} →")}</a> })}
                <a href=Route::Sandbox.href()>"Sandbox"</a>
            </nav>
        })}
        <main class="layout">
            <LessonPanel lesson=lesson number=index + 1 total=n_lessons on_complete=on_complete next=next_step restored=restored />
            <Playground stream=stream />
        </main>
        {(!embedded).then(|| view! { <Footer /> })}
    }
}
