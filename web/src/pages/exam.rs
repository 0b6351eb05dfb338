//! The practice exam: every question at once, parametric ones with numbers
//! drawn for this attempt; answers are judged only when handed in.

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
        <header class="topbar"><Brand /></header>
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
    let score = RwSignal::new(None::<u32>);
    let start: StartState = Arc::new(Simulation::new);
    let scoring = exam.clone();
    let hand_in = move |_| {
        let percent = answers.with_untracked(|a| scoring.score(seed, a));
        let (mut progress, _) = storage::load_progress();
        progress.record_exam(percent);
        // A refusal to save leaves the score on screen; it is only not kept.
        let _ = storage::save_progress(&progress);
        score.set(Some(percent));
    };
    let answered = move || answers.with(|a| a.iter().filter(|x| x.is_some()).count());
    let pass = exam.pass_percent;
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
                <section class="panel exam-question">
                    <p class="kicker">{format!("Question {} of {n}", idx + 1)}</p>
                    {move || {
                        // Re-rendered when handed in, to show the verdicts.
                        let handed_in = score.get().is_some();
                        view! {
                            <QuestionView
                                question=question.clone()
                                asked=asked.clone()
                                answer=answer
                                start=start.clone()
                                hide_verdict=!handed_in
                                on_answer=move |a: Answer| answers.update(|all| all[idx] = Some(a))
                            />
                        }
                    }}
                </section>
            }
        }).collect_view()}
        <section class="panel exam-result" aria-live="polite">
            {move || match score.get() {
                None => view! { <button class="primary" on:click=hand_in.clone()>"Hand in"</button> }.into_any(),
                Some(percent) => {
                    let passed = percent >= pass;
                    view! {
                    <p class="score" class:right=passed class:wrong=!passed>
                        {format!("Your score: {percent}% — {}", if passed { "passed" } else { "not yet a pass" })}
                    </p>
                    <p class="muted">"Each question now says why its answer is right or wrong."</p>
                    <button on:click=move |_| on_retry.run(())>"Try a new attempt"</button>
                }.into_any()
                }

            }}
        </section>
    }
}
