//! The lesson: prose, goals checked live against the simulation, a hint
//! ladder, the explanation once solved, and the quiz. Progress is saved in
//! `localStorage` as it is made.

use std::sync::Arc;

use leptos::prelude::*;
use shardlab_lessons::{Answer, Lesson, Progress, Question};

use crate::components::markdown::Prose;
use crate::components::question::{QuestionView, StartState};
use crate::sim_handle::SimHandle;
use crate::storage;

/// The lesson beside the playground.
#[component]
pub fn LessonPanel(lesson: Arc<Lesson>) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let (saved, load_note) = storage::load_progress();
    let progress = RwSignal::new(saved);
    let storage_note = RwSignal::new(load_note);
    let save = move || {
        if let Some(note) = progress.with_untracked(storage::save_progress) {
            storage_note.set(Some(note));
        }
    };

    let checked = lesson.clone();
    let statuses = Memo::new(move |_| sim.check_goals(&checked));
    let solved_now = move || statuses.with(|all| all.iter().all(|g| g.met));
    let recorded = lesson.clone();
    let goals_met_before = Memo::new(move |_| progress.with(|p| p.lesson(&recorded.id).is_some_and(|l| l.goals_met)));
    // Goals met once stay met in the saved progress, even after a reset.
    let recording = lesson.clone();
    Effect::new(move |_| {
        if solved_now() && !goals_met_before.get_untracked() {
            progress.update(|p| p.record_goals_met(&recording));
            save();
        }
    });
    let solved = move || solved_now() || goals_met_before.get();
    let completed_lesson = lesson.clone();
    let complete = move || progress.with(|p| p.is_complete(&completed_lesson));

    let hints_shown = RwSignal::new(0usize);
    let hints = lesson.hints.clone();
    let n_hints = hints.len();
    let explanation = lesson.explanation.clone();

    view! {
        <aside class="panel lesson" aria-labelledby="lesson-title">
            <p class="kicker">"Lesson 1"</p>
            <a class="skip-to-playground" href="#playground">"Skip to the playground"</a>
            <h2 id="lesson-title">{lesson.title.clone()}</h2>
            {move || complete().then(|| view! { <span class="badge complete">"Completed"</span> })}
            {move || storage_note.get().map(|note| view! { <p class="storage-note" role="status">{note}</p> })}
            <Prose doc=lesson.intro.clone() />

            <h3 class="section-title">"Goals"</h3>
            <ul class="goals" aria-live="polite">
                {move || statuses.get().into_iter().map(|g| view! {
                    <li class="goal" class:met=g.met>
                        <span class="tick" aria-hidden="true">{if g.met { "✓" } else { "" }}</span>
                        <span>
                            <span class="visually-hidden">{if g.met { "Done: " } else { "To do: " }}</span>
                            {g.description}
                        </span>
                        <span class="detail">{g.detail}</span>
                    </li>
                }).collect_view()}
            </ul>

            {move || {
                let shown = hints_shown.get();
                hints[..shown.min(n_hints)]
                    .iter()
                    .enumerate()
                    .map(|(i, hint)| view! {
                        <div class="hint">
                            <p class="kicker">{format!("Hint {} of {n_hints}", i + 1)}</p>
                            <Prose doc=hint.clone() />
                        </div>
                    })
                    .collect_view()
            }}
            <div class="lesson-actions">
                <button
                    class="hint-button"
                    disabled=move || hints_shown.get() >= n_hints
                    on:click=move |_| hints_shown.update(|n| *n += 1)
                >
                    {move || if hints_shown.get() == 0 { "Show a hint".to_string() } else { "Show the next hint".to_string() }}
                </button>
            </div>

            {move || solved().then(|| view! {
                <div class="explanation">
                    <p class="kicker">"Why it works"</p>
                    <Prose doc=explanation.clone() />
                </div>
            })}

            <h3 class="section-title">"Quiz"</h3>
            {lesson.quiz.iter().map(|q| view! {
                <QuizQuestion lesson=lesson.clone() question=q.clone() progress=progress on_answer=save />
            }).collect_view()}
        </aside>
    }
}

#[component]
fn QuizQuestion(
    lesson: Arc<Lesson>,
    question: Question,
    progress: RwSignal<Progress>,
    #[prop(into)] on_answer: Callback<()>,
) -> impl IntoView {
    let (lesson_id, question_id) = (lesson.id.clone(), question.id.clone());
    let answer =
        Signal::derive(move || progress.with(|p| p.lesson(&lesson_id).and_then(|l| l.quiz.get(&question_id).cloned())));
    // Lesson quizzes are asked with seed 0, as `Progress::is_complete` judges them.
    let asked = question.ask(0);
    let start_lesson = lesson.clone();
    let start: StartState = Arc::new(move || start_lesson.start());
    let question_id = question.id.clone();
    view! {
        <QuestionView
            question=Arc::new(question)
            asked=asked
            answer=answer
            start=start
            on_answer=move |answer: Answer| {
                progress.update(|p| p.record_quiz_answer(&lesson, &question_id, answer));
                on_answer.run(());
            }
        />
    }
}
