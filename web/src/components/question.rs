//! One quiz or exam question, of any kind: single choice (radio buttons and
//! a Check button), multiple choice (checkboxes and a Check button), or a number (a text
//! field and a Check button). Once answered it shows the feedback the
//! question carries, and for "predict, then run" what the simulation showed.

use std::collections::BTreeSet;
use std::sync::Arc;

use leptos::prelude::*;
use shardlab_core::Simulation;
use shardlab_lessons::{Answer, AnswerKey, Asked, Question};

use crate::components::markdown::{InlineProse, Prose};

/// Where a "predict, then run" question runs: the lesson's start, or an
/// empty account for the exam.
pub type StartState = Arc<dyn Fn() -> Simulation + Send + Sync>;

/// A question, its current answer, and a callback for a new answer.
#[component]
pub fn QuestionView(
    question: Arc<Question>,
    asked: Asked,
    /// The learner's saved answer.
    #[prop(into)]
    answer: Signal<Option<Answer>>,
    #[prop(into)] on_answer: Callback<Answer>,
    start: StartState,
    /// Whether the first answer is final (the exam, which scores it): the
    /// inputs are disabled once answered.
    #[prop(optional)]
    final_answer: bool,
    /// Whether an unanswered question shows its right answer and why (the
    /// exam, once handed in).
    #[prop(optional)]
    reveal_if_unanswered: bool,
) -> impl IntoView {
    let group = format!("question-{}", question.id);
    let asked = Arc::new(asked);
    let locked = move || final_answer && answer.with(Option::is_some);
    let input = match &question.answer {
        AnswerKey::Single(options) => {
            // Picking is not answering: arrow keys move through a radio
            // group, picking each option on the way, so the answer is the
            // one the learner checks.
            let picked = RwSignal::new(match answer.get_untracked() {
                Some(Answer::Choice(idx)) => Some(idx),
                _ => None,
            });
            view! {
                {options.iter().enumerate().map(|(idx, option)| view! {
                    <label class="quiz-option">
                        <input
                            type="radio"
                            name=group.clone()
                            prop:checked=move || picked.get() == Some(idx)
                            disabled=locked
                            on:change=move |_| picked.set(Some(idx))
                        />
                        <span><InlineProse text=option.text.clone() /></span>
                    </label>
                }).collect_view()}
                <button
                    class="check-answer"
                    disabled=move || { locked() || picked.with(Option::is_none) }
                    on:click=move |_| if let Some(idx) = picked.get() { on_answer.run(Answer::Choice(idx)) }
                >
                    "Check"
                </button>
            }
            .into_any()
        }
        AnswerKey::Multiple(options) => {
            let picked = RwSignal::new(match answer.get_untracked() {
                Some(Answer::Choices(chosen)) => chosen,
                _ => BTreeSet::new(),
            });
            view! {
                {options.iter().enumerate().map(|(idx, option)| view! {
                    <label class="quiz-option">
                        <input
                            type="checkbox"
                            prop:checked=move || picked.with(|p| p.contains(&idx))
                            disabled=locked
                            on:change=move |_| picked.update(|p| if !p.remove(&idx) { p.insert(idx); })
                        />
                        <span><InlineProse text=option.text.clone() /></span>
                    </label>
                }).collect_view()}
                <button class="check-answer" disabled=locked on:click=move |_| on_answer.run(Answer::Choices(picked.get()))>
                    "Check"
                </button>
            }
            .into_any()
        }
        AnswerKey::Numeric(key) => {
            let typed = RwSignal::new(match answer.get_untracked() {
                Some(Answer::Typed { typed }) => typed,
                _ => String::new(),
            });
            let unit = key.unit.clone();
            view! {
                <div class="numeric-answer">
                    <label>
                        <span class="visually-hidden">"Your answer"</span>
                        <input
                            type="text"
                            inputmode="decimal"
                            autocomplete="off"
                            prop:value=move || typed.get()
                            disabled=locked
                            on:input=move |ev| typed.set(event_target_value(&ev))
                            on:keydown=move |ev| if ev.key() == "Enter" && !locked() { on_answer.run(Answer::Typed { typed: typed.get() }) }
                        />
                    </label>
                    <span class="unit">{unit}</span>
                    <button class="check-answer" disabled=locked on:click=move |_| on_answer.run(Answer::Typed { typed: typed.get() })>
                        "Check"
                    </button>
                </div>
            }
            .into_any()
        }
    };
    let judged_question = question.clone();
    let judged_asked = asked.clone();
    let verdict = Memo::new(move |_| answer.get().map(|a| judged_question.judge(&judged_asked, &a)));
    // "Predict, then run": what the simulation shows, computed once answered.
    let observed_question = question.clone();
    let observed = Memo::new(move |_| {
        answer.with(Option::is_some).then(|| observed_question.observe(&mut start()))?.map(|result| match result {
            // As goal progress reads: "entries throttled: 5", never "5.0".
            Ok((label, value)) => format!("Run in the simulation: {}", shardlab_lessons::statement(&label, &value)),
            Err(err) => format!("The simulation could not run this: {err}"),
        })
    });
    let (revealed_question, revealed_asked) = (question.clone(), asked.clone());
    let missed_question = question.clone();
    view! {
        <fieldset class="quiz-question">
            <legend><Prose doc=asked.prompt.clone() /></legend>
            <div class="quiz-options">{input}</div>
            {move || verdict.get().map(|verdict| view! {
                <div class="feedback" class:right=verdict.correct class:wrong=!verdict.correct role="status">
                    <p class="verdict">{if verdict.correct { "Correct" } else { "Not quite" }}</p>
                    {(!verdict.correct).then(|| missed_options(&missed_question, &answer.get_untracked()?)).flatten().map(|missed| view! {
                        <p class="missed"><InlineProse text=format!("Also true, and not ticked: {missed}") /></p>
                    })}
                    {verdict.feedback.into_iter().map(|doc| view! { <Prose doc=doc /> }).collect_view()}
                    {move || observed.get().map(|text| view! { <p class="observed">{text}</p> })}
                </div>
            })}
            {move || (reveal_if_unanswered && answer.with(Option::is_none)).then(|| {
                let right = revealed_question.right_answer(&revealed_asked);
                let words = right_answer_words(&revealed_question, &right);
                let why = revealed_question.judge(&revealed_asked, &right).feedback;
                view! {
                    <div class="feedback unanswered" role="status">
                        <p class="verdict">"Not answered"</p>
                        <p><InlineProse text=format!("The right answer: {words}. Its feedback:") /></p>
                        {why.into_iter().map(|doc| view! { <Prose doc=doc /> }).collect_view()}
                    </div>
                }
            })}
        </fieldset>
    }
}

/// For a multiple-choice answer, the right options left unticked, in words.
fn missed_options(question: &Question, answer: &Answer) -> Option<String> {
    let (AnswerKey::Multiple(options), Answer::Choices(chosen)) = (&question.answer, answer) else { return None };
    let missed: Vec<&str> = options
        .iter()
        .enumerate()
        .filter(|(idx, option)| option.correct && !chosen.contains(idx))
        .map(|(_, option)| option.text.as_str())
        .collect();
    (!missed.is_empty()).then(|| missed.join("; "))
}

/// A right answer in words: the chosen options' texts, or the number and its unit.
fn right_answer_words(question: &Question, right: &Answer) -> String {
    match (right, &question.answer) {
        (Answer::Choice(idx), _) => question.options()[*idx].text.clone(),
        (Answer::Choices(chosen), _) => {
            chosen.iter().map(|&idx| question.options()[idx].text.as_str()).collect::<Vec<_>>().join("; ")
        }
        (Answer::Typed { typed }, AnswerKey::Numeric(key)) => format!("{typed} {}", key.unit).trim_end().to_string(),
        (Answer::Typed { typed }, _) => typed.clone(),
    }
}
