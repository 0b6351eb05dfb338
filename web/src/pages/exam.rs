//! The practice exam: every question at once, parametric ones with numbers
//! drawn for this attempt. Each answer is judged as soon as it is given,
//! and the first answer to a question is the one scored at hand-in.

use std::sync::Arc;

use leptos::prelude::*;
use shardlab_core::Simulation;
use shardlab_lessons::{Answer, Exam};

use crate::components::question::{QuestionView, StartState};
use crate::pages::{Brand, Footer};
use crate::route::Route;
use crate::storage;

/// A seed for a new attempt, different each time.
fn attempt_seed() -> u64 {
    js_sys::Date::now() as u64
}

/// The exam page.
#[component]
pub fn ExamPage(exam: Arc<Exam>) -> impl IntoView {
    let seed = RwSignal::new(attempt_seed());
    view! {
        <header class="topbar site-only"><Brand /></header>
        <nav class="lesson-nav" aria-label="Course"><a href=Route::CourseMap.href()>"Course map"</a></nav>
        <main class="exam">
            {move || {
                let seed_now = seed.get();
                view! { <Attempt exam=exam.clone() seed=seed_now on_retry=move || seed.set(attempt_seed()) /> }
            }}
        </main>
        <Footer />
    }
}

#[component]
fn Attempt(exam: Arc<Exam>, seed: u64, #[prop(into)] on_retry: Callback<()>) -> impl IntoView {
    let n = exam.questions.len();
    let answers = RwSignal::new(vec![None::<Answer>; n]);
    let tally = RwSignal::new(None::<Tally>);
    // Handing in with questions unanswered asks first.
    let confirming = RwSignal::new(false);
    let start: StartState = Arc::new(Simulation::new);
    let scoring = exam.clone();
    let hand_in = move || {
        let result = answers.with_untracked(|a| Tally::of(&scoring, seed, a));
        let (mut progress, _) = storage::load_progress();
        progress.record_exam(result.percent);
        // A refusal to save leaves the score on screen; it is only not kept.
        let _ = storage::save_progress(&progress);
        confirming.set(false);
        tally.set(Some(result));
        // The score is at the foot of a long page: bring it into view.
        if let Some(result) =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("exam-result"))
        {
            result.scroll_into_view();
        }
    };
    let answered = move || answers.with(|a| a.iter().filter(|x| x.is_some()).count());
    let pass = exam.pass_percent;
    let hand_in_asked = hand_in.clone();
    view! {
        <section class="panel">
            <h2>{exam.title.clone()}</h2>
            <crate::components::markdown::Prose doc=exam.intro.clone() />
            <p class="muted">{move || format!("{} of {n} answered. Numbers in some questions are drawn afresh for each attempt.", answered())}</p>
        </section>
        {exam.questions.clone().into_iter().enumerate().map(|(idx, question)| {
            let asked = question.ask(seed);
            let question = Arc::new(question);
            let start = start.clone();
            let answer = Signal::derive(move || answers.with(|a| a[idx].clone()));
            view! {
                <section class="panel exam-question" id=format!("question-{}", idx + 1)>
                    <p class="kicker">{format!("Question {} of {n}", idx + 1)}</p>
                    {move || {
                        // Re-rendered when handed in, to explain the unanswered.
                        let handed_in = tally.get().is_some();
                        view! {
                            <QuestionView
                                question=question.clone()
                                asked=asked.clone()
                                answer=answer
                                start=start.clone()
                                final_answer=true
                                reveal_if_unanswered=handed_in
                                on_answer=move |a: Answer| answers.update(|all| {
                                    // The first answer is the one judged and scored.
                                    if all[idx].is_none() {
                                        all[idx] = Some(a);
                                    }
                                })
                            />
                        }
                    }}
                </section>
            }
        }).collect_view()}
        <section class="panel exam-result" id="exam-result" aria-live="polite">
            {move || match tally.get() {
                None if confirming.get() => {
                    let unanswered = n - answered();
                    let hand_in = hand_in_asked.clone();
                    view! {
                        <p class="confirm">{format!(
                            "{unanswered} of {n} questions are unanswered, and each counts as not right. Hand in anyway?"
                        )}</p>
                        <div class="lesson-actions">
                            <button class="primary" on:click=move |_| hand_in()>"Hand in anyway"</button>
                            <button on:click=move |_| confirming.set(false)>"Keep answering"</button>
                        </div>
                    }.into_any()
                }
                None => {
                    let hand_in = hand_in.clone();
                    view! {
                        <button class="primary" on:click=move |_| {
                            if answered() < n { confirming.set(true) } else { hand_in() }
                        }>"Hand in"</button>
                    }.into_any()
                }
                Some(result) => {
                    let passed = result.percent >= pass;
                    view! {
                    <p class="score" class:right=passed class:wrong=!passed>
                        {format!(
                            "Your score: {}% — {}",
                            result.percent,
                            if passed { "passed".to_string() } else { format!("not yet a pass ({pass}% passes)") },
                        )}
                    </p>
                    <p class="tally">{result.words(n)}</p>
                    <p class="muted">"Every question now says why its answer is right, the unanswered ones too."</p>
                    <button on:click=move |_| on_retry.run(())>"Try a new attempt"</button>
                }.into_any()
                }
            }}
        </section>
    }
}

/// How an attempt went, question by question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tally {
    right: usize,
    wrong: usize,
    unanswered: usize,
    /// As `Exam::score` computes it, so the saved best score agrees.
    percent: u32,
}

impl Tally {
    fn of(exam: &Exam, seed: u64, answers: &[Option<Answer>]) -> Tally {
        let mut tally = Tally { right: 0, wrong: 0, unanswered: 0, percent: exam.score(seed, answers) };
        for (question, answer) in exam.questions.iter().zip(answers) {
            match answer {
                None => tally.unanswered += 1,
                Some(answer) if question.judge(&question.ask(seed), answer).correct => tally.right += 1,
                Some(_) => tally.wrong += 1,
            }
        }
        tally
    }

    /// `12 right, 3 wrong and 21 unanswered of 36.`
    fn words(&self, n: usize) -> String {
        format!("{} right, {} wrong and {} unanswered of {n}.", self.right, self.wrong, self.unanswered)
    }
}
