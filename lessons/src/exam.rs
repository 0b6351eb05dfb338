//! The practice exam: `exam.toml`, questions drawing on every topic, some
//! parametric (numbers drawn per attempt, answers computed by simulation).

use serde::{Deserialize, Serialize};
use shardlab_core::Simulation;
use toml::Spanned;

use crate::course::Checks;
use crate::error::{LessonError, Source, check_text};
use crate::markdown::Markdown;
use crate::quiz::{self, Answer, Question};

/// The practice exam, loaded and checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exam {
    /// Shown as the exam's heading.
    pub title: String,
    /// Shown before the first question.
    pub intro: Markdown,
    /// The score, in percent, that passes.
    pub pass_percent: u32,
    /// Every question, in order.
    pub questions: Vec<Question>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExamFile {
    // Checked by `Source::parse_toml` before this struct is read.
    #[serde(rename = "format_version")]
    _format_version: serde::de::IgnoredAny,
    title: Spanned<String>,
    intro: Markdown,
    pass_percent: Spanned<u32>,
    questions: Vec<Spanned<toml::Table>>,
}

impl Exam {
    /// The score of `answers` (by question, in order; `None` unanswered) to
    /// the attempt with `seed`, in whole percent, rounded down.
    pub fn score(&self, seed: u64, answers: &[Option<Answer>]) -> u32 {
        let right = self
            .questions
            .iter()
            .zip(answers.iter().chain(std::iter::repeat(&None)))
            .filter(|(question, answer)| {
                answer.as_ref().is_some_and(|answer| question.judge(&question.ask(seed), answer).correct)
            })
            .count();
        (right * 100 / self.questions.len().max(1)) as u32
    }
}

/// Parses and checks `exam.toml`. "Predict, then run" questions run from
/// an empty account.
pub(crate) fn parse(source: &Source, checks: Checks) -> Result<Exam, LessonError> {
    let file: ExamFile = source.parse_toml()?;
    check_text(source, file.title.span().start, "title", file.title.get_ref())?;
    let pass_at = file.pass_percent.span().start;
    let pass_percent = file.pass_percent.into_inner();
    if !(1..=100).contains(&pass_percent) {
        return Err(source.error_at(pass_at, format!("`pass_percent` must be from 1 to 100, but is {pass_percent}")));
    }
    let new_account = Simulation::new;
    let start = (checks == Checks::Replay).then_some(&new_account as &dyn Fn() -> Simulation);
    let questions = quiz::parse_questions(source, file.questions, None, start)?;
    Ok(Exam { title: file.title.into_inner(), intro: file.intro, pass_percent, questions })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAM: &str = r#"format_version = 1
title = "Exam"
intro = "Good luck."
pass_percent = 50

[[questions]]
id = "a"
prompt = "Which?"
[[questions.options]]
text = "right"
correct = true
feedback = "Yes."
[[questions.options]]
text = "wrong"
correct = false
feedback = "No."

[[questions]]
id = "b"
kind = "numeric"
prompt = "{n} consumers share a shard: how many GetRecords calls a second can each make?"
unit = "calls"
feedback_correct = "Yes."
feedback_wrong = "No."
params = { n = { from = 1, to = 5 } }
probe = { probe = "read_calls_per_consumer", consumers = "n" }
"#;

    fn exam() -> Exam {
        parse(&Source { path: "exam.toml".into(), text: EXAM }, Checks::Replay).unwrap()
    }

    #[test]
    fn scores_count_right_answers_to_this_attempt_s_numbers() {
        let exam = exam();
        for seed in 0..5 {
            let asked = exam.questions[1].ask(seed);
            let right = exam.questions[1].right_answer(&asked);
            assert_eq!(asked.numeric_answer, Some((5 / asked.params["n"]) as f64), "seed={seed}");
            assert_eq!(exam.score(seed, &[Some(Answer::Choice(0)), Some(right.clone())]), 100);
            assert_eq!(exam.score(seed, &[Some(Answer::Choice(1)), Some(right)]), 50);
            assert_eq!(exam.score(seed, &[Some(Answer::Choice(0))]), 50);
            assert_eq!(exam.score(seed, &[]), 0);
        }
    }

    #[test]
    fn attempts_draw_different_numbers() {
        let exam = exam();
        let drawn: std::collections::BTreeSet<u64> =
            (0..20).map(|seed| exam.questions[1].ask(seed).params["n"]).collect();
        assert!(drawn.len() >= 4, "{drawn:?}");
    }

    #[test]
    fn a_bad_pass_mark_is_refused() {
        let text = EXAM.replace("pass_percent = 50", "pass_percent = 0");
        assert_eq!(
            parse(&Source { path: "exam.toml".into(), text: &text }, Checks::Replay).unwrap_err().to_string(),
            "exam.toml:4: `pass_percent` must be from 1 to 100, but is 0"
        );
    }
}
