//! Quiz questions: `quiz.toml` of each lesson, and the practice exam.
//!
//! Three kinds of answer: a single choice, several choices, or a number
//! within a tolerance. Feedback is required on wrong *and* right answers:
//! the quiz teaches by saying why an answer is right or wrong.
//!
//! Two kinds of question are checked against the simulation rather than
//! trusted:
//!
//! - **predict, then run**: the question has a `[questions.run]` with
//!   actions and a value to observe; loading runs them and refuses the
//!   question unless the answer marked right is what the simulation shows,
//!   and the learner sees the observed value once they have answered;
//! - **parametric**: the question has `[questions.params]`, number ranges
//!   drawn afresh for each attempt into `{name}` placeholders of the prompt,
//!   and a `[questions.probe]` that computes the answer by simulating
//!   (see [`probe`](crate::probe)).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use shardlab_core::Simulation;
use shardlab_core::rand::Rand;
use toml::Spanned;

use crate::action::{Action, read};
use crate::error::{LessonError, Source, check_slug};
use crate::markdown::Markdown;
use crate::probe::Probe;

/// A question, loaded and checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Unique within its quiz; the key of the learner's answer in saved progress.
    pub id: String,
    /// The question, with `{name}` placeholders if it has parameters.
    pub prompt: Markdown,
    /// What kind of answer it takes, and which is right.
    pub answer: AnswerKey,
    /// For "predict, then run": what to run and what to observe.
    pub run: Option<Run>,
    /// For a parametric question: the ranges its parameters are drawn from.
    pub params: BTreeMap<String, ParamRange>,
    /// For a parametric question: how the simulation computes the answer.
    pub probe: Option<Probe>,
}

/// The kind of answer a question takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AnswerKey {
    /// Exactly one option is right.
    Single(Vec<QuizOption>),
    /// One or more options are right; the learner must pick exactly those.
    Multiple(Vec<QuizOption>),
    /// A number.
    Numeric(NumericKey),
}

/// One choice of a choice question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizOption {
    /// The choice, as plain text.
    pub text: String,
    /// Whether this is a right answer.
    pub correct: bool,
    /// Shown once the learner picks this option: why it is right or wrong.
    pub feedback: Markdown,
    /// For "predict, then run": the observed value this option predicts.
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

/// The right answer of a numeric question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NumericKey {
    /// The answer; ignored for a parametric question, whose probe computes it.
    pub answer: f64,
    /// How far from the answer still counts as right.
    pub tolerance: f64,
    /// Shown after the number: "shards", "MiB/s".
    pub unit: String,
    /// Shown when the answer is right: why.
    pub feedback_correct: Markdown,
    /// Shown when the answer is wrong: how to work it out.
    pub feedback_wrong: Markdown,
}

/// The inclusive range of a parameter, in steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamRange {
    /// The least value.
    pub from: u64,
    /// The greatest value.
    pub to: u64,
    /// The distance between values.
    #[serde(default = "one")]
    pub step: u64,
}

fn one() -> u64 {
    1
}

/// What a "predict, then run" question runs, and what it then reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// Applied to the lesson's start state (for the exam, to an empty account).
    pub actions: Vec<Action>,
    /// A read-only target, as for a goal's `api` condition.
    pub target: String,
    /// The request body; times may be written in clock words.
    #[serde(default = "empty_object", deserialize_with = "crate::clock::body")]
    pub body: serde_json::Value,
    /// Where the observed value is in the answer (a JSON pointer).
    pub pointer: String,
    /// With a list at `pointer`: the member to add up.
    #[serde(default)]
    pub sum_of: Option<String>,
    /// What the value is, for the learner: "records in shard 1".
    pub label: String,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// A learner's answer, as saved in their progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// The option chosen in a single-choice question.
    Choice(usize),
    /// The options chosen in a multiple-choice question.
    Choices(BTreeSet<usize>),
    /// What the learner typed for a numeric question.
    Typed {
        /// The text, as typed.
        typed: String,
    },
}

/// A question as asked in one attempt: parameters drawn and the answer computed.
#[derive(Clone, Debug, PartialEq)]
pub struct Asked {
    /// The prompt with the parameters filled in.
    pub prompt: Markdown,
    /// The drawn parameters, by name.
    pub params: BTreeMap<String, u64>,
    /// The right number, for a numeric question.
    pub numeric_answer: Option<f64>,
}

/// How an answer was judged, and what to tell the learner.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Whether it is right.
    pub correct: bool,
    /// Why, for each chosen option or for the number.
    pub feedback: Vec<Markdown>,
}

impl Question {
    /// The question for an attempt: parameters drawn from `seed`, and for a
    /// parametric question the answer computed by simulation.
    pub fn ask(&self, seed: u64) -> Asked {
        let mut rand = Rand::new(seed ^ fnv1a(&self.id));
        let params: BTreeMap<String, u64> = self
            .params
            .iter()
            .map(|(name, range)| {
                let n_values = (range.to - range.from) / range.step + 1;
                let pick = u64::from(rand.rand_range(0..n_values.min(u64::from(u32::MAX)) as u32));
                (name.clone(), range.from + pick * range.step)
            })
            .collect();
        let mut prompt = self.prompt.clone();
        for (name, value) in &params {
            prompt = prompt.replace(&format!("{{{name}}}"), &crate::words::number(*value as f64));
        }
        let numeric_answer = match (&self.answer, &self.probe) {
            (AnswerKey::Numeric(_), Some(probe)) => Some(probe.answer(&params)),
            (AnswerKey::Numeric(key), None) => Some(key.answer),
            _ => None,
        };
        Asked { prompt, params, numeric_answer }
    }

    /// Judges `answer` to the question as `asked`. An answer of the wrong
    /// kind, or naming an option the question does not have, is wrong.
    pub fn judge(&self, asked: &Asked, answer: &Answer) -> Verdict {
        match (&self.answer, answer) {
            (AnswerKey::Single(options), Answer::Choice(idx)) => match options.get(*idx) {
                Some(option) => Verdict { correct: option.correct, feedback: vec![option.feedback.clone()] },
                None => Verdict { correct: false, feedback: Vec::new() },
            },
            (AnswerKey::Multiple(options), Answer::Choices(chosen)) => {
                let right: BTreeSet<usize> =
                    options.iter().enumerate().filter(|(_, o)| o.correct).map(|(i, _)| i).collect();
                let feedback = chosen.iter().filter_map(|&idx| Some(options.get(idx)?.feedback.clone())).collect();
                Verdict { correct: *chosen == right, feedback }
            }
            (AnswerKey::Numeric(key), Answer::Typed { typed }) => {
                let expected = asked.numeric_answer.unwrap_or(key.answer);
                let correct = parse_number(typed).is_some_and(|n| (n - expected).abs() <= key.tolerance);
                let feedback = if correct { key.feedback_correct.clone() } else { key.feedback_wrong.clone() };
                Verdict { correct, feedback: vec![feedback] }
            }
            _ => Verdict { correct: false, feedback: Vec::new() },
        }
    }

    /// The options of a choice question; empty for a numeric one.
    pub fn options(&self) -> &[QuizOption] {
        match &self.answer {
            AnswerKey::Single(options) | AnswerKey::Multiple(options) => options,
            AnswerKey::Numeric(_) => &[],
        }
    }

    /// For "predict, then run": runs the question's actions on `sim` and
    /// returns the label and the observed value, as text.
    pub fn observe(&self, sim: &mut Simulation) -> Option<Result<(String, serde_json::Value), String>> {
        let run = self.run.as_ref()?;
        Some(observe(run, sim).map(|value| (run.label.clone(), value)))
    }

    /// A right answer, for tests and for "show me" in the exam review.
    pub fn right_answer(&self, asked: &Asked) -> Answer {
        let right = || self.options().iter().enumerate().filter(|(_, o)| o.correct).map(|(i, _)| i);
        match &self.answer {
            AnswerKey::Single(_) => Answer::Choice(right().next().expect("checked when loading")),
            AnswerKey::Multiple(_) => Answer::Choices(right().collect()),
            AnswerKey::Numeric(key) => {
                Answer::Typed { typed: format!("{}", asked.numeric_answer.unwrap_or(key.answer)) }
            }
        }
    }
}

fn observe(run: &Run, sim: &mut Simulation) -> Result<serde_json::Value, String> {
    for (idx, action) in run.actions.iter().enumerate() {
        action.apply(sim).map_err(|err| format!("run step {} fails: {err}", idx + 1))?;
    }
    let answer = read(sim, &run.target, &run.body)?;
    crate::lesson::measure(&answer, &run.pointer, run.sum_of.as_deref())
}

/// A number as a learner may type it: `3`, `3.5`, `1,000`, ` 12 `.
fn parse_number(typed: &str) -> Option<f64> {
    typed.trim().replace(',', "").parse().ok().filter(|n: &f64| n.is_finite())
}

/// FNV-1a of the question id, so that each question draws its own numbers
/// from one attempt seed.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3))
}

/// A question as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    id: String,
    #[serde(default)]
    kind: Kind,
    prompt: String,
    // Converted one by one, each at its own line (see `option_offsets`).
    #[serde(default)]
    options: Vec<toml::Table>,
    answer: Option<f64>,
    #[serde(default)]
    tolerance: f64,
    #[serde(default)]
    unit: String,
    feedback_correct: Option<Markdown>,
    feedback_wrong: Option<Markdown>,
    run: Option<Run>,
    #[serde(default)]
    params: BTreeMap<String, ParamRange>,
    probe: Option<Probe>,
}

#[derive(Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    #[default]
    Single,
    Multiple,
    Numeric,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizFile {
    // Checked by `Source::parse_toml` before this struct is read.
    #[serde(rename = "format_version")]
    _format_version: serde::de::IgnoredAny,
    questions: Vec<Spanned<toml::Table>>,
}

/// Parses `quiz.toml`. `start` gives the state a "predict, then run"
/// question runs from; without it, runs are not checked.
pub(crate) fn parse(
    source: &Source,
    stream_name: &str,
    start: Option<&dyn Fn() -> Simulation>,
) -> Result<Vec<Question>, LessonError> {
    let file: QuizFile = source.parse_toml()?;
    parse_questions(source, file.questions, Some(stream_name), start)
}

/// Parses and checks questions read as tables (so that each error has the
/// question's own line).
pub(crate) fn parse_questions(
    source: &Source,
    tables: Vec<Spanned<toml::Table>>,
    default_stream: Option<&str>,
    start: Option<&dyn Fn() -> Simulation>,
) -> Result<Vec<Question>, LessonError> {
    if tables.is_empty() {
        return Err(source.error("a quiz needs at least one `[[questions]]`"));
    }
    let option_offsets = option_offsets(source);
    let mut questions: Vec<Question> = Vec::with_capacity(tables.len());
    for (idx, spanned) in tables.into_iter().enumerate() {
        let at = spanned.span().start;
        let file: QuestionFile = source.convert(at, toml::Value::Table(spanned.into_inner()))?;
        check_slug(source, at, "question id", &file.id)?;
        if questions.iter().any(|q| q.id == file.id) {
            return Err(source.error_at(at, format!("question id `{}` is used twice", file.id)));
        }
        let mut question = build(source, at, option_offsets.get(idx).map_or(&[], Vec::as_slice), file)?;
        // As in lesson.toml, an action that leaves out its stream means the lesson's.
        if let (Some(run), Some(stream)) = (question.run.as_mut(), default_stream) {
            for name in run.actions.iter_mut().filter_map(Action::stream_name_mut).filter(|name| name.is_empty()) {
                *name = stream.to_owned();
            }
        }
        if let Some(start) = start {
            check_run(source, at, &question, start)?;
        }
        questions.push(question);
    }
    Ok(questions)
}

/// Where each option of each question starts in the file, by question:
/// the tables a question is read from no longer know their place, and an
/// option's mistake belongs at the option's own line.
fn option_offsets(source: &Source) -> Vec<Vec<usize>> {
    #[derive(Deserialize)]
    struct File {
        #[serde(default)]
        questions: Vec<QuestionOptions>,
    }
    #[derive(Deserialize)]
    struct QuestionOptions {
        #[serde(default)]
        options: Vec<Spanned<serde::de::IgnoredAny>>,
    }
    // A file that does not read this way has already failed to parse.
    let file: Option<File> = toml::from_str(source.text).ok();
    let questions = file.map(|file| file.questions).unwrap_or_default();
    questions.into_iter().map(|q| q.options.iter().map(|option| option.span().start).collect()).collect()
}

/// `file`'s options, each checked at its own offset (`offsets`, or the
/// question's `at` where unknown).
fn read_options(
    source: &Source,
    at: usize,
    offsets: &[usize],
    id: &str,
    tables: Vec<toml::Table>,
) -> Result<Vec<QuizOption>, LessonError> {
    let mut options = Vec::with_capacity(tables.len());
    for (idx, table) in tables.into_iter().enumerate() {
        let option_at = offsets.get(idx).copied().unwrap_or(at);
        let error =
            |message: String| source.error_at(option_at, format!("question `{id}`: option {}: {message}", idx + 1));
        if !table.contains_key("feedback") {
            return Err(error("no `feedback`; say why it is right or wrong".into()));
        }
        let option: QuizOption = source.convert(option_at, toml::Value::Table(table))?;
        if option.text.trim().is_empty() {
            return Err(error("the text is empty".into()));
        }
        if option.feedback.is_empty() {
            return Err(error("the feedback is empty; say why it is right or wrong".into()));
        }
        options.push(option);
    }
    Ok(options)
}

fn build(source: &Source, at: usize, option_offsets: &[usize], file: QuestionFile) -> Result<Question, LessonError> {
    let id = file.id.clone();
    let error = |message: String| source.error_at(at, format!("question `{id}`: {message}"));
    if file.prompt.trim().is_empty() {
        return Err(error("the prompt is empty".into()));
    }
    let answer = match file.kind {
        Kind::Single | Kind::Multiple => {
            if file.answer.is_some() || file.feedback_correct.is_some() || file.feedback_wrong.is_some() {
                return Err(error(
                    "`answer` and `feedback_correct`/`feedback_wrong` belong to numeric questions".into(),
                ));
            }
            let options = read_options(source, at, option_offsets, &id, file.options)?;
            check_options(source, at, &id, file.kind, &options)?;
            if file.kind == Kind::Single { AnswerKey::Single(options) } else { AnswerKey::Multiple(options) }
        }
        Kind::Numeric => {
            if !file.options.is_empty() {
                return Err(error("a numeric question has no options".into()));
            }
            let answer = match (file.answer, &file.probe) {
                (Some(answer), None) => answer,
                // Computed per attempt by the probe; never read.
                (None, Some(_)) => 0.0,
                (None, None) => return Err(error("a numeric question needs an `answer` or a `probe`".into())),
                (Some(_), Some(_)) => return Err(error("give `answer` or `probe`, not both".into())),
            };
            let feedback = |text: Option<Markdown>, name: &str| {
                text.filter(|t| !t.is_empty()).ok_or_else(|| error(format!("`{name}` is missing or empty")))
            };
            if file.tolerance.is_nan() || file.tolerance < 0.0 {
                return Err(error(format!("`tolerance` must not be negative, but is {}", file.tolerance)));
            }
            AnswerKey::Numeric(NumericKey {
                answer,
                tolerance: file.tolerance,
                unit: file.unit,
                feedback_correct: feedback(file.feedback_correct, "feedback_correct")?,
                feedback_wrong: feedback(file.feedback_wrong, "feedback_wrong")?,
            })
        }
    };
    for (name, range) in &file.params {
        if range.step == 0 || range.from > range.to {
            return Err(error(format!("parameter `{name}`: needs from <= to and a step of at least 1")));
        }
        if !file.prompt.contains(&format!("{{{name}}}")) {
            return Err(error(format!("parameter `{name}` does not appear in the prompt as {{{name}}}")));
        }
    }
    if let Some(probe) = &file.probe {
        if !matches!(answer, AnswerKey::Numeric(_)) {
            return Err(error("only a numeric question can have a `probe`".into()));
        }
        probe.check(&file.params).map_err(error)?;
    } else if !file.params.is_empty() {
        return Err(error("a question with `params` needs a `probe` to compute its answer".into()));
    }
    Ok(Question {
        id,
        prompt: Markdown::parse(&file.prompt),
        answer,
        run: file.run,
        params: file.params,
        probe: file.probe,
    })
}

fn check_options(source: &Source, at: usize, id: &str, kind: Kind, options: &[QuizOption]) -> Result<(), LessonError> {
    let error = |message: String| source.error_at(at, format!("question `{id}`: {message}"));
    if options.len() < 2 {
        return Err(error(format!("{} option; a question needs at least 2", options.len())));
    }
    match (kind, options.iter().filter(|o| o.correct).count()) {
        (_, 0) => Err(error("no option is marked `correct = true`".into())),
        (Kind::Single, 1) | (Kind::Multiple, _) => Ok(()),
        (_, n) => Err(error(format!(
            "{n} options are marked `correct = true`; a single-choice question has one (use kind = \"multiple\")"
        ))),
    }
}

/// Proves a "predict, then run" question: what it marks right is what the
/// simulation shows, and nothing marked wrong is.
fn check_run(
    source: &Source,
    at: usize,
    question: &Question,
    start: &dyn Fn() -> Simulation,
) -> Result<(), LessonError> {
    let error = |message: String| source.error_at(at, format!("question `{}`: {message}", question.id));
    let Some(run) = &question.run else {
        if question.options().iter().any(|o| o.value.is_some()) {
            return Err(error("options have a `value` but the question has no `[questions.run]`".into()));
        }
        return Ok(());
    };
    if !shardlab_core::api::is_read_only(&run.target) {
        return Err(error(format!("`{}` is not a read-only target", run.target)));
    }
    let observed = observe(run, &mut start()).map_err(|err| error(format!("the run fails: {err}")))?;
    let same = |value: &serde_json::Value| match (value.as_f64(), observed.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => *value == observed,
    };
    match &question.answer {
        AnswerKey::Numeric(key) => {
            let observed =
                observed.as_f64().ok_or_else(|| error(format!("the run observes {observed}, not a number")))?;
            if (observed - key.answer).abs() > key.tolerance {
                return Err(error(format!("the answer is {} but the simulation shows {observed}", key.answer)));
            }
        }
        AnswerKey::Single(options) | AnswerKey::Multiple(options) => {
            for (idx, option) in options.iter().enumerate() {
                let value = option.value.as_ref().ok_or_else(|| error(format!("option {} has no `value`", idx + 1)))?;
                if same(value) != option.correct {
                    let marked = if option.correct { "right" } else { "wrong" };
                    return Err(error(format!(
                        "option {} predicts {value} and is marked {marked}, but the simulation shows {observed}",
                        idx + 1
                    )));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_quiz(text: &str) -> Result<Vec<Question>, String> {
        parse(&Source { path: "quiz.toml".into(), text }, "s", Some(&Simulation::new)).map_err(|e| e.to_string())
    }

    /// A quiz with one question whose options are given as TOML lines.
    fn quiz(options: &str) -> String {
        format!("format_version = 1\n\n[[questions]]\nid = \"q\"\nprompt = \"Which?\"\n{options}")
    }

    const RIGHT: &str = "[[questions.options]]\ntext = \"right\"\ncorrect = true\nfeedback = \"Yes.\"\n";
    const WRONG: &str = "[[questions.options]]\ntext = \"wrong\"\ncorrect = false\nfeedback = \"No.\"\n";

    #[test]
    fn a_valid_question() {
        let questions = parse_quiz(&quiz(&format!("{WRONG}{RIGHT}"))).unwrap();
        assert_eq!(questions.len(), 1);
        assert_eq!(questions[0].options().len(), 2);
        let asked = questions[0].ask(0);
        assert!(!questions[0].judge(&asked, &Answer::Choice(0)).correct);
        assert!(questions[0].judge(&asked, &Answer::Choice(1)).correct);
        assert!(!questions[0].judge(&asked, &Answer::Choice(2)).correct);
        assert!(!questions[0].judge(&asked, &Answer::Typed { typed: "1".into() }).correct);
    }

    #[test]
    fn multiple_choice_needs_exactly_the_right_set() {
        let text = quiz(&format!("kind = \"multiple\"\n{RIGHT}{WRONG}{RIGHT}"));
        let question = &parse_quiz(&text).unwrap()[0];
        let asked = question.ask(0);
        let judge =
            |chosen: &[usize]| question.judge(&asked, &Answer::Choices(chosen.iter().copied().collect())).correct;
        assert!(judge(&[0, 2]));
        assert!(!judge(&[0]));
        assert!(!judge(&[0, 1, 2]));
        assert!(!judge(&[]));
        assert_eq!(question.right_answer(&asked), Answer::Choices([0, 2].into()));
    }

    #[test]
    fn numeric_answers_within_the_tolerance_are_right() {
        let text = "format_version = 1\n[[questions]]\nid = \"n\"\nkind = \"numeric\"\nprompt = \"How many?\"\n\
                    answer = 1000\ntolerance = 5\nunit = \"records\"\nfeedback_correct = \"Yes.\"\nfeedback_wrong = \"No.\"\n";
        let question = &parse_quiz(text).unwrap()[0];
        let asked = question.ask(0);
        for (typed, correct) in
            [("1000", true), ("1,004", true), (" 995 ", true), ("1006", false), ("lots", false), ("NaN", false)]
        {
            assert_eq!(question.judge(&asked, &Answer::Typed { typed: typed.into() }).correct, correct, "{typed}");
        }
    }

    #[test]
    fn predict_then_run_is_checked_against_the_simulation() {
        let run = "[questions.run]\nactions = [\n  { action = \"api\", target = \"Kinesis_20131202.CreateStream\", body = { StreamName = \"s\", ShardCount = 3 } },\n]\n\
                   target = \"Kinesis_20131202.DescribeStreamSummary\"\nbody = { StreamName = \"s\" }\npointer = \"/StreamDescriptionSummary/StreamStatus\"\nlabel = \"status\"\n";
        let option = |text: &str, value: &str, correct: bool| {
            format!(
                "[[questions.options]]\ntext = \"{text}\"\ncorrect = {correct}\nfeedback = \"Because.\"\nvalue = \"{value}\"\n"
            )
        };
        let good = quiz(&format!("{}{}{run}", option("creating", "CREATING", true), option("active", "ACTIVE", false)));
        let question = &parse_quiz(&good).unwrap()[0];
        let (label, value) = question.observe(&mut Simulation::new()).unwrap().unwrap();
        assert_eq!((label.as_str(), value), ("status", serde_json::json!("CREATING")));
        let bad = quiz(&format!("{}{}{run}", option("creating", "CREATING", false), option("active", "ACTIVE", true)));
        assert_eq!(
            parse_quiz(&bad).unwrap_err(),
            "quiz.toml:3: question `q`: option 1 predicts \"CREATING\" and is marked wrong, but the simulation shows \"CREATING\""
        );
    }

    #[test]
    fn parameters_fill_the_prompt_and_the_probe_computes_the_answer() {
        let text = "format_version = 1\n[[questions]]\nid = \"p\"\nkind = \"numeric\"\n\
                    prompt = \"{rate} records/s of {size} bytes: how many shards?\"\nunit = \"shards\"\n\
                    feedback_correct = \"Yes.\"\nfeedback_wrong = \"No.\"\n\
                    params = { rate = { from = 2500, to = 2500 }, size = { from = 100, to = 100 } }\n\
                    probe = { probe = \"shards_for_write_rate\", records_per_second = \"rate\", record_bytes = \"size\" }\n";
        let question = &parse_quiz(text).unwrap()[0];
        let asked = question.ask(7);
        assert_eq!(asked.prompt, Markdown::parse("2,500 records/s of 100 bytes: how many shards?"));
        assert_eq!(asked.numeric_answer, Some(3.0));
        assert!(question.judge(&asked, &Answer::Typed { typed: "3".into() }).correct);
    }

    #[track_caller]
    fn check_error(text: &str, expected: &str) {
        assert_eq!(parse_quiz(text).err().as_deref(), Some(expected));
    }

    #[test]
    fn malformed_questions_are_reported_with_their_line() {
        check_error(
            &quiz(&format!("{RIGHT}{RIGHT}")),
            "quiz.toml:3: question `q`: 2 options are marked `correct = true`; a single-choice question has one (use kind = \"multiple\")",
        );
        check_error(
            &quiz(&format!("{WRONG}{WRONG}")),
            "quiz.toml:3: question `q`: no option is marked `correct = true`",
        );
        check_error(&quiz(RIGHT), "quiz.toml:3: question `q`: 1 option; a question needs at least 2");
        check_error(
            &quiz(&format!("{WRONG}{}", RIGHT.replace("Yes.", " "))),
            "quiz.toml:10: question `q`: option 2: the feedback is empty; say why it is right or wrong",
        );
        check_error(
            &quiz(&format!("{WRONG}{}", RIGHT.replace("right", ""))),
            "quiz.toml:10: question `q`: option 2: the text is empty",
        );
        check_error(
            &quiz(&format!("{WRONG}{}", RIGHT.replace("feedback = \"Yes.\"\n", ""))),
            "quiz.toml:10: question `q`: option 2: no `feedback`; say why it is right or wrong",
        );
        check_error(
            &quiz(&format!("{WRONG}{}", RIGHT.replace("correct = true", "correct = true\nfeedbak = \"Yes.\""))),
            "quiz.toml:10: unknown key `feedbak`; expected one of `text`, `correct`, `feedback`, `value`",
        );
        check_error(
            &quiz(&format!("{WRONG}{RIGHT}")).replace("\"q\"", "\"Q 1\""),
            "quiz.toml:3: question id `Q 1` must be lower-case letters, digits and dashes",
        );
        check_error("format_version = 1\nquestions = []\n", "quiz.toml: a quiz needs at least one `[[questions]]`");
        check_error(
            &quiz("kind = \"numeric\"\nfeedback_correct = \"a\"\nfeedback_wrong = \"b\"\n"),
            "quiz.toml:3: question `q`: a numeric question needs an `answer` or a `probe`",
        );
        check_error(
            &quiz("kind = \"numeric\"\nanswer = \"3\"\nfeedback_correct = \"a\"\nfeedback_wrong = \"b\"\n"),
            "quiz.toml:3: invalid type: string \"3\", expected a number",
        );
        check_error(
            &quiz("kind = \"numeric\"\nanswer = 3\nfeedback_correct = \"a\"\n"),
            "quiz.toml:3: question `q`: `feedback_wrong` is missing or empty",
        );
        check_error(
            &quiz(&format!("params = {{ n = {{ from = 1, to = 2 }} }}\n{WRONG}{RIGHT}")),
            "quiz.toml:3: question `q`: parameter `n` does not appear in the prompt as {n}",
        );
        let twice = format!(
            "{}\n[[questions]]\nid = \"q\"\nprompt = \"Again?\"\n{WRONG}{RIGHT}",
            quiz(&format!("{WRONG}{RIGHT}"))
        );
        check_error(&twice, "quiz.toml:15: question id `q` is used twice");
    }

    #[test]
    fn saved_answers_keep_their_shape() {
        for (answer, json) in [
            (Answer::Choice(2), "2"),
            (Answer::Choices([0, 3].into()), "[0,3]"),
            (Answer::Typed { typed: "1,000".into() }, r#"{"typed":"1,000"}"#),
        ] {
            assert_eq!(serde_json::to_string(&answer).unwrap(), json);
            assert_eq!(serde_json::from_str::<Answer>(json).unwrap(), answer);
        }
    }
}
