//! The course map: every lesson with the learner's progress, the practice
//! exam and the sandbox.

use std::sync::Arc;

use leptos::prelude::*;
use shardlab_lessons::Outline;

use crate::pages::{Brand, Footer};
use crate::route::Route;
use crate::storage;

/// The home page. `missing` names a lesson a link asked for that does not exist.
#[component]
pub fn CourseMap(outline: Arc<Outline>, #[prop(optional)] missing: Option<String>) -> impl IntoView {
    let (progress, note) = storage::load_progress();
    let n_done = outline.lessons.iter().filter(|l| progress.lesson(&l.id).is_some_and(|p| p.completed)).count();
    let n_lessons = outline.lessons.len();
    view! {
        <header class="topbar site-only"><Brand /></header>
        <main class="course-map">
            {missing.map(|id| view! {
                <p class="link-problem" role="alert">{format!("There is no lesson called “{id}”. Here is the whole course.")}</p>
            })}
            {note.map(|note| view! { <p class="storage-note" role="status">{note}</p> })}
            <section class="panel welcome" aria-labelledby="welcome-title">
                <h2 id="welcome-title">"Learn Amazon Kinesis Data Streams by running one"</h2>
                <p>
                    "Kinesis Data Streams is AWS's service for streaming data: producers write records into shards, "
                    "and consumers read them moments later, each at its own pace. Shardlab simulates it in your "
                    "browser, with AWS's limits, errors and timings, and nothing leaves your machine."
                </p>
                <ul class="site-parts">
                    <li>
                        <a href="#course-title">"The course"</a>
                        {format!(": {n_lessons} short lessons, each a task in a live simulation, with hints and a quiz.")}
                    </li>
                    <li>
                        <a href=Route::Sandbox.href()>"The sandbox"</a>
                        ": a stream of your own with every control, to try anything."
                    </li>
                    {outline.exam.as_ref().map(|exam| view! {
                        <li>
                            <a href=Route::Exam.href()>"The practice exam"</a>
                            {format!(": {} questions on the whole course, each explained.", exam.questions)}
                        </li>
                    })}
                </ul>
            </section>
            <section class="panel" aria-labelledby="course-title">
                <h2 id="course-title">"The course"</h2>
                <p class="muted">
                    {format!("{n_done} of {n_lessons} lessons complete. Each lesson runs a live simulation: meet its goals, then answer its quiz.")}
                </p>
                <ol class="lesson-list">
                    {outline.lessons.iter().enumerate().map(|(idx, lesson)| {
                        let state = progress.lesson(&lesson.id);
                        let (status, class) = match state {
                            Some(p) if p.completed => ("Completed", "complete"),
                            Some(p) if p.goals_met => ("Goals met, quiz to finish", "started"),
                            Some(_) => ("Started", "started"),
                            None => ("Not started", "new"),
                        };
                        view! {
                            <li class=format!("lesson-card {class}")>
                                <span class="lesson-number" aria-hidden="true">{idx + 1}</span>
                                <a href=Route::Lesson { id: lesson.id.clone(), step: None }.href()>{lesson.title.clone()}</a>
                                <span class="status">{status}</span>
                                <span class="summary muted">{format!("{} About {} min.", lesson.summary, lesson.minutes)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
            <section class="panel map-extras">
                {outline.exam.as_ref().map(|exam| {
                    let best = progress.exam.best_percent;
                    let attempts = progress.exam.attempts;
                    view! {
                        <div class="extra">
                            <h2><a href=Route::Exam.href()>{exam.title.clone()}</a></h2>
                            <p class="muted">
                                {format!("{} questions on every topic; {}% passes.", exam.questions, exam.pass_percent)}
                                {(attempts > 0).then(|| format!(" Best score {best}% in {attempts} attempt{}.", if attempts == 1 { "" } else { "s" }))}
                            </p>
                        </div>
                    }
                })}
                <div class="extra">
                    <h2><a href=Route::Sandbox.href()>"Sandbox"</a></h2>
                    <p class="muted">"A stream of your own with every control: no goals, no rules but the service's."</p>
                </div>
            </section>
        </main>
        <Footer />
    }
}
