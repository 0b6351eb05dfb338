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

/// A goal's text, with its `backticked` names set as code (goal
/// descriptions are plain text that may name API members).
fn with_code_spans(text: &str) -> impl IntoView + use<> {
    text.split('`')
        .enumerate()
        .map(|(idx, part)| {
            let part = part.to_string();
            if idx % 2 == 1 { view! { <code>{part}</code> }.into_any() } else { part.into_any() }
        })
        .collect_view()
}

/// The link a completed lesson offers.
#[derive(Clone, Debug)]
pub struct NextStep {
    pub href: String,
    pub label: String,
}

/// The lesson beside the playground.
#[component]
pub fn LessonPanel(
    lesson: Arc<Lesson>,
    /// The lesson's place in the course, from 1.
    number: usize,
    /// How many lessons the course has.
    total: usize,
    /// Called once when the lesson becomes complete in this visit, with the
    /// score: the percent of quiz questions answered right at the first try.
    #[prop(into)]
    on_complete: Callback<u32>,
    /// Where to go once the lesson is complete: the next lesson, or the
    /// exam after the last one; `None` in an embedded lesson.
    #[prop(default = None)]
    next: Option<NextStep>,
    /// Whether the simulation opened as the learner's saved work, not afresh.
    #[prop(optional)]
    restored: bool,
) -> impl IntoView {
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
    // Whether the goals were met on an earlier visit: the saved progress says
    // so, but this visit's simulation (afresh, or the work restored) has
    // its goals read To do.
    let met_earlier = progress.with_untracked(|p| p.lesson(&lesson.id).is_some_and(|l| l.goals_met));
    let met_before_not_now = move || goals_met_before.get() && !solved_now();
    let completed_lesson = lesson.clone();
    let complete = Memo::new(move |_| progress.with(|p| p.is_complete(&completed_lesson)));
    // Whether each question was right at the learner's first answer in this visit.
    let first_tries = RwSignal::new(std::collections::BTreeMap::<String, bool>::new());
    let n_questions = lesson.quiz.len().max(1);
    Effect::new(move |was_complete: Option<bool>| {
        let now_complete = complete.get();
        if now_complete && was_complete == Some(false) {
            let right_first = first_tries.with_untracked(|tries| tries.values().filter(|&&right| right).count());
            on_complete.run((right_first * 100 / n_questions) as u32);
        }
        now_complete
    });

    let hints_shown = RwSignal::new(0usize);
    let hint_button = NodeRef::<leptos::html::Button>::new();
    let hints = lesson.hints.clone();
    let n_hints = hints.len();
    let explanation = lesson.explanation.clone();

    view! {
        <aside class="panel lesson" aria-labelledby="lesson-title">
            <p class="kicker">{format!("Lesson {number} of {total}")}</p>
            <a class="skip-to-playground" href="#playground">"Skip to the playground"</a>
            <h2 id="lesson-title">{lesson.title.clone()}</h2>
            {move || complete.get().then(|| view! { <span class="badge complete">"Completed"</span> })}
            {move || storage_note.get().map(|note| view! { <p class="storage-note" role="status">{note}</p> })}
            <Prose doc=lesson.intro.clone() />

            <h3 class="section-title">"Goals"</h3>
            {move || met_before_not_now().then(|| view! {
                <p class="goals-met-before" role="status">{if met_earlier && restored {
                    "You met these goals on an earlier visit; the simulation here does not meet them now. Do them again to practise, or go on to the quiz."
                } else if met_earlier {
                    "You met these goals on an earlier visit; the simulation starts afresh. Do them again to practise, or go on to the quiz."
                } else {
                    "You met these goals before the simulation was reset. Do them again to practise, or go on to the quiz."
                }}</p>
            })}
            <ul class="goals" aria-live="polite">
                {move || {
                let all_met = solved_now();
                statuses.get().into_iter().map(|g| {
                    // A standing goal holds from the start: it is kept or
                    // broken, never "done" before the learner acts.
                    let (tick, state) = match (g.standing, g.met) {
                        (false, true) => ("✓", "Done: "),
                        (false, false) => ("", "To do: "),
                        (true, true) if all_met => ("✓", "Done, kept: "),
                        (true, true) => ("✓", "Keep, holding: "),
                        (true, false) => ("✗", "Keep, broken: "),
                    };
                    view! {
                        // Once every goal is met, a kept standing goal is
                        // met too, and looks it; before, it is only holding.
                        <li class="goal" class:met={g.met && (!g.standing || all_met)} class:standing=g.standing class:broken={g.standing && !g.met}>
                            <span class="tick" aria-hidden="true">{tick}</span>
                            <span>
                                <span class="visually-hidden">{state}</span>
                                {g.standing.then(|| view! { <span class="keep" aria-hidden="true">"Keep: "</span> })}
                                {with_code_spans(&g.description)}
                            </span>
                            <span class="detail">{g.detail}</span>
                        </li>
                    }
                }).collect_view()
                }}
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
                // After the last hint the button stays focusable (aria-disabled,
                // not disabled), so a keyboard user's focus is not thrown to the page.
                <button
                    class="hint-button"
                    node_ref=hint_button
                    aria-disabled=move || { (hints_shown.get() >= n_hints).to_string() }
                    on:click=move |_| {
                        hints_shown.update(|n| *n = (*n + 1).min(n_hints));
                        // The new hint lands above the button, which keeps
                        // the focus: bring both into view once drawn, or a
                        // keyboard user is left below the visible column.
                        request_animation_frame(move || {
                            if let Some(button) = hint_button.get_untracked() {
                                button.scroll_into_view_with_bool(false);
                            }
                        });
                    }
                >
                    {move || match hints_shown.get() {
                        0 => "Show a hint".to_string(),
                        shown if shown >= n_hints => format!("All {n_hints} hints shown"),
                        _ => "Show the next hint".to_string(),
                    }}
                </button>
            </div>

            <SolutionWalkthrough lesson=lesson.clone() restored=restored />

            {move || solved().then(|| view! {
                <div class="explanation">
                    <p class="kicker">"Why it works"</p>
                    <Prose doc=explanation.clone() />
                </div>
            })}

            <h3 class="section-title">"Quiz"</h3>
            {lesson.quiz.iter().map(|q| view! {
                <QuizQuestion lesson=lesson.clone() question=q.clone() progress=progress first_tries=first_tries on_answer=save />
            }).collect_view()}
            {move || complete.get().then(|| {
                let next = next.clone();
                view! {
                    <div class="lesson-complete" role="status">
                        <p class="kicker">"Lesson complete"</p>
                        // Said as it is: the goals above may read To do in a
                        // simulation started afresh since they were met.
                        <p>{move || if met_before_not_now() && restored {
                            "You met every goal earlier, and answered every question right. The goals above show the simulation as it is now."
                        } else if met_before_not_now() {
                            "You met every goal earlier, and answered every question right. The goals above show this fresh simulation."
                        } else {
                            "Every goal met and every question answered right."
                        }}</p>
                        {next.map(|step| view! { <a class="next-step" href=step.href>{step.label}</a> })}
                    </div>
                }
            })}
        </aside>
    }
}

#[component]
fn QuizQuestion(
    lesson: Arc<Lesson>,
    question: Question,
    progress: RwSignal<Progress>,
    first_tries: RwSignal<std::collections::BTreeMap<String, bool>>,
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
    let question = Arc::new(question);
    let judged = question.clone();
    let judged_asked = asked.clone();
    view! {
        <QuestionView
            question=question
            asked=asked
            answer=answer
            start=start
            on_answer=move |answer: Answer| {
                let right = judged.judge(&judged_asked, &answer).correct;
                first_tries.update(|tries| {
                    tries.entry(question_id.clone()).or_insert(right);
                });
                progress.update(|p| p.record_quiz_answer(&lesson, &question_id, answer));
                on_answer.run(());
            }
        />
    }
}

/// "Show the solution": resets the simulation to the lesson's start and
/// replays the reference solution one step per click, saying what each does.
///
/// Starting over replaces the learner's own work, so when there is any (an
/// action taken, the clock moved since the lesson opened, or work restored
/// from an earlier visit) the learner is asked first and told that Undo
/// brings the work back.
#[component]
fn SolutionWalkthrough(lesson: Arc<Lesson>, restored: bool) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    // `None` until the learner asks; then how many steps are done.
    let done = RwSignal::new(None::<usize>);
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let n_steps = lesson.solution.len();
    let steps: Vec<String> = lesson.solution.iter().map(|a| a.describe()).collect();
    // Whether the walkthrough replaced work of the learner's own.
    let replaced_work = RwSignal::new(false);
    let opened_at = sim.now_untracked();
    let has_own_work = move || restored || sim.can_undo_untracked() || sim.now_untracked() != opened_at;
    let start_lesson = lesson.clone();
    let start_over = Callback::new(move |()| {
        if done.get_untracked().is_none() && has_own_work() {
            replaced_work.set(true);
        }
        let (start, recipe) = crate::pages::lesson_start(&start_lesson);
        sim.replace(start, recipe);
        error.set(None);
        confirming.set(false);
        done.set(Some(0));
    });
    let begin = move |_: leptos::ev::MouseEvent| {
        if done.get_untracked().is_none() && has_own_work() {
            confirming.set(true);
        } else {
            start_over.run(());
        }
    };
    let next_lesson = lesson.clone();
    let next = move |_: leptos::ev::MouseEvent| {
        let Some(idx) = done.get_untracked() else { return };
        if let Some(action) = next_lesson.solution.get(idx) {
            match sim.apply(action) {
                Ok(()) => done.set(Some(idx + 1)),
                Err(err) => error.set(Some(err)),
            }
        }
    };
    view! {
        <div class="walkthrough">
            {move || match done.get() {
                None if confirming.get() => view! {
                    <div class="confirm" role="alertdialog" aria-labelledby="solution-confirm">
                        <p id="solution-confirm">
                            "The solution starts from the lesson's beginning, so it replaces what you have done here. "
                            "Your work is not lost: Undo (U) brings it back."
                        </p>
                        <div class="lesson-actions">
                            <button class="primary" on:click=move |_| start_over.run(())>"Start the solution"</button>
                            <button on:click=move |_| confirming.set(false)>"Keep my work"</button>
                        </div>
                    </div>
                }.into_any(),
                None => view! {
                    <button class="solution-button" on:click=begin>"Show the solution step by step"</button>
                }.into_any(),
                Some(n_done) => {
                    let finished = n_done >= n_steps;
                    view! {
                    <p class="kicker">{format!("Solution: {n_done} of {n_steps} steps done")}</p>
                    {move || replaced_work.get().then(|| view! {
                        <p class="muted small">"Undo (U) steps back through the solution to the work you had before."</p>
                    })}
                    <ol class="solution-steps">
                        {steps.clone().into_iter().enumerate().map(|(idx, words)| {
                            let (is_done, is_next) = (idx < n_done, idx == n_done);
                            view! {
                                <li class:done=is_done class:next=is_next>
                                    <span class="visually-hidden">{if is_done { "Done: " } else { "" }}</span>
                                    <code>{words}</code>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    <div class="lesson-actions">
                        <button class="primary" disabled=finished on:click=next.clone()>"Do the next step"</button>
                        <button on:click=move |_| start_over.run(())>"Start over"</button>
                    </div>
                }.into_any()
                }
            }}
            {move || error.get().map(|e| view! { <p class="result error" role="alert">{e}</p> })}
        </div>
    }
}
