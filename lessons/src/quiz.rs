//! A lesson's quiz: `quiz.toml`, single-choice questions with feedback on
//! every option.
//!
//! Feedback is required on wrong *and* right options: the quiz teaches by
//! saying why an answer is right or wrong, not only whether it is.

use serde::Deserialize;
use toml::Spanned;

use crate::error::{LessonError, Source, check_slug, check_text};
use crate::markdown::Markdown;

/// A single-choice question.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Unique within the lesson; the key of the learner's answer in saved progress.
    pub id: String,
    /// The question.
    pub prompt: Markdown,
    /// The choices, in the order shown; exactly one is correct.
    pub options: Vec<QuizOption>,
}

/// One choice of a [`Question`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizOption {
    /// The choice, as plain text.
    pub text: String,
    /// Whether this is the right answer.
    pub correct: bool,
    /// Shown once the learner picks this option: why it is right or wrong.
    pub feedback: Markdown,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizFile {
    // Checked by `Source::parse_toml` before this struct is read.
    #[serde(rename = "format_version")]
    _format_version: serde::de::IgnoredAny,
    questions: Vec<Spanned<Question>>,
}

pub(crate) fn parse(source: &Source) -> Result<Vec<Question>, LessonError> {
    let file: QuizFile = source.parse_toml()?;
    if file.questions.is_empty() {
        return Err(source.error("a quiz needs at least one `[[questions]]`"));
    }
    let mut questions: Vec<Question> = Vec::with_capacity(file.questions.len());
    for spanned in file.questions {
        let at = spanned.span().start;
        let question = spanned.into_inner();
        check_slug(source, at, "question id", &question.id)?;
        if questions.iter().any(|q| q.id == question.id) {
            return Err(source.error_at(at, format!("question id `{}` is used twice", question.id)));
        }
        check(source, at, &question)?;
        questions.push(question);
    }
    Ok(questions)
}

fn check(source: &Source, at: usize, question: &Question) -> Result<(), LessonError> {
    let error = |message: String| source.error_at(at, format!("question `{}`: {message}", question.id));
    if question.prompt.is_empty() {
        return Err(error("the prompt is empty".into()));
    }
    if question.options.len() < 2 {
        return Err(error(format!("{} option; a question needs at least 2", question.options.len())));
    }
    for (idx, option) in question.options.iter().enumerate() {
        check_text(source, at, &format!("question `{}`: option {} text", question.id, idx + 1), &option.text)?;
        if option.feedback.is_empty() {
            return Err(error(format!("option {} has no feedback; say why it is right or wrong", idx + 1)));
        }
    }
    match question.options.iter().filter(|o| o.correct).count() {
        1 => Ok(()),
        0 => Err(error("no option is marked `correct = true`".into())),
        n => Err(error(format!("{n} options are marked `correct = true`; a single-choice question has one"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_quiz(text: &str) -> Result<Vec<Question>, String> {
        parse(&Source { path: "quiz.toml".into(), text }).map_err(|e| e.to_string())
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
        assert_eq!(questions[0].options.len(), 2);
        assert!(!questions[0].options[0].correct && questions[0].options[1].correct);
    }

    #[track_caller]
    fn check_error(text: &str, expected: &str) {
        assert_eq!(parse_quiz(text).err().as_deref(), Some(expected));
    }

    #[test]
    fn malformed_questions_are_reported_with_their_line() {
        check_error(
            &quiz(&format!("{RIGHT}{RIGHT}")),
            "quiz.toml:3: question `q`: 2 options are marked `correct = true`; a single-choice question has one",
        );
        check_error(
            &quiz(&format!("{WRONG}{WRONG}")),
            "quiz.toml:3: question `q`: no option is marked `correct = true`",
        );
        check_error(&quiz(RIGHT), "quiz.toml:3: question `q`: 1 option; a question needs at least 2");
        check_error(
            &quiz(&format!("{WRONG}{}", RIGHT.replace("Yes.", " "))),
            "quiz.toml:3: question `q`: option 2 has no feedback; say why it is right or wrong",
        );
        check_error(
            &quiz(&format!("{WRONG}{}", RIGHT.replace("right", ""))),
            "quiz.toml:3: question `q`: option 2 text is empty",
        );
        check_error(
            &quiz(&format!("{WRONG}{}", RIGHT.replace("feedback = \"Yes.\"\n", ""))),
            "quiz.toml:10: missing field `feedback`",
        );
        check_error(
            &quiz(&format!("{WRONG}{RIGHT}")).replace("\"q\"", "\"Q 1\""),
            "quiz.toml:3: question id `Q 1` must be lower-case letters, digits and dashes",
        );
        check_error("format_version = 1\nquestions = []\n", "quiz.toml: a quiz needs at least one `[[questions]]`");
        let twice = format!(
            "{}\n[[questions]]\nid = \"q\"\nprompt = \"Again?\"\n{WRONG}{RIGHT}",
            quiz(&format!("{WRONG}{RIGHT}"))
        );
        check_error(&twice, "quiz.toml:15: question id `q` is used twice");
    }
}
