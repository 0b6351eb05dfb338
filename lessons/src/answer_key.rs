//! The answer key: `data/answer_key.txt`, every question's right answer
//! written down a second time, apart from the quizzes.
//!
//! A quiz marks its right answers with `correct = true`, one flag among
//! many; an edit that flips one, or reorders options, or changes a number,
//! still loads. The key is the second entry of double-entry bookkeeping: it
//! is checked against the quizzes (by `lesson-check` and the tests), so such
//! an edit is caught and named by its line.
//!
//! One line a question, in any order; blank lines and `#` comments are
//! ignored:
//!
//! ```text
//! shards-and-partition-keys what-picks-the-shard 1
//! producers-stream-consumers buffer-properties 0,1,4
//! data-streams-essentials shards-for-the-fleet =6
//! polling-read-limits calls-per-consumer =probe
//! ```
//!
//! The first word is the lesson id (`exam` for the practice exam), the
//! second the question id, the third the answer: the right option's index
//! (from 0), the right options' indexes joined by commas, `=N` for a
//! number, or `=probe` for a parametric question, whose answer its probe
//! computes per attempt.

use std::collections::BTreeMap;
use std::fmt;

use crate::course::Course;
use crate::error::{LessonError, Source};
use crate::quiz::{AnswerKey, Question};

/// The file's name in the data directory.
pub const ANSWER_KEY_FILE: &str = "answer_key.txt";

/// A right answer, as the key writes it or as a quiz marks it.
#[derive(Clone, Debug, PartialEq)]
enum Answer {
    Options(Vec<usize>),
    Number(f64),
    Probe,
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Options(indexes) if indexes.len() == 1 => write!(f, "option {}", indexes[0]),
            Answer::Options(indexes) => {
                let indexes: Vec<String> = indexes.iter().map(usize::to_string).collect();
                write!(f, "options {}", indexes.join(","))
            }
            Answer::Number(n) => write!(f, "={n}"),
            Answer::Probe => f.write_str("=probe"),
        }
    }
}

impl Answer {
    /// What `question` marks right.
    fn of(question: &Question) -> Answer {
        match &question.answer {
            AnswerKey::Single(options) | AnswerKey::Multiple(options) => {
                Answer::Options(options.iter().enumerate().filter(|(_, o)| o.correct).map(|(idx, _)| idx).collect())
            }
            AnswerKey::Numeric(_) if question.probe.is_some() => Answer::Probe,
            AnswerKey::Numeric(key) => Answer::Number(key.answer),
        }
    }

    /// The key's third word.
    fn parse(word: &str) -> Option<Answer> {
        match word.strip_prefix('=') {
            Some("probe") => Some(Answer::Probe),
            Some(number) => number.parse().ok().filter(|n: &f64| n.is_finite()).map(Answer::Number),
            None => {
                let indexes: Option<Vec<usize>> = word.split(',').map(|idx| idx.parse().ok()).collect();
                indexes.filter(|indexes| indexes.is_sorted_by(|a, b| a < b)).map(Answer::Options)
            }
        }
    }
}

impl Course {
    /// Checks `key`, the text of `answer_key.txt`, against the quizzes and
    /// the exam: every question has exactly one line, and each line gives
    /// the answer its quiz marks right. Stops at the first difference.
    pub fn check_answer_key(&self, key: &str) -> Result<(), LessonError> {
        let source = Source { path: ANSWER_KEY_FILE.into(), text: key };
        let quizzes = self.lessons.iter().map(|lesson| (lesson.id.as_str(), "its quiz.toml", &lesson.quiz[..]));
        let exam = self.exam.iter().map(|exam| ("exam", "exam.toml", &exam.questions[..]));
        // (lesson id, question id) → (the file that marks it, its answer).
        let mut marked: BTreeMap<(&str, &str), (&str, Answer)> = BTreeMap::new();
        let mut order = Vec::new();
        for (owner, file, questions) in quizzes.chain(exam) {
            for question in questions {
                marked.insert((owner, &question.id), (file, Answer::of(question)));
                order.push((owner, question.id.as_str()));
            }
        }

        // Each listed question's line number, to name both lines of a repeat.
        let mut listed: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let mut offset = 0;
        for (line_idx, line) in key.split_inclusive('\n').enumerate() {
            let at = offset + (line.len() - line.trim_start().len());
            offset += line.len();
            let content = line.trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = content.split_whitespace().collect();
            let &[owner, question, written] = words.as_slice() else {
                return Err(source.error_at(
                    at,
                    "expected `lesson-id question-id answer`, the answer being an option index, \
                     indexes joined by commas, `=N` or `=probe`",
                ));
            };
            let Some(written) = Answer::parse(written) else {
                return Err(source.error_at(
                    at,
                    format!(
                        "`{}` is not an answer: write an option index (from 0), indexes in increasing order \
                         joined by commas, `=N` or `=probe`",
                        words[2]
                    ),
                ));
            };
            let Some((file, right)) = marked.get(&(owner, question)) else {
                return Err(source.error_at(at, format!("lesson `{owner}` has no question `{question}`")));
            };
            if let Some(earlier) = listed.insert((owner, question), line_idx + 1) {
                return Err(source.error_at(at, format!("`{owner} {question}` is already listed on line {earlier}")));
            }
            if written != *right {
                return Err(
                    source.error_at(at, format!("`{owner} {question}`: {file} says {right}, the key says {written}"))
                );
            }
        }
        match order.into_iter().find(|question| !listed.contains_key(question)) {
            None => Ok(()),
            Some((owner, question)) => Err(source.error(format!(
                "no line for `{owner} {question}`; add `{owner} {question} ANSWER` with the answer you intend"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_as_written() {
        let cases = [
            ("1", Some(Answer::Options(vec![1]))),
            ("0,1,4", Some(Answer::Options(vec![0, 1, 4]))),
            ("1,0", None),
            ("1,1", None),
            ("=6", Some(Answer::Number(6.0))),
            ("=0.5", Some(Answer::Number(0.5))),
            ("=probe", Some(Answer::Probe)),
            ("=", None),
            ("one", None),
        ];
        for (word, expected) in cases {
            assert_eq!(Answer::parse(word), expected, "{word}");
        }
        assert_eq!(Answer::Options(vec![0, 2]).to_string(), "options 0,2");
        assert_eq!(Answer::Number(6.0).to_string(), "=6");
    }

    const KEY: &str = include_str!("../data/answer_key.txt");
    const LINE: &str = "shards-and-partition-keys what-picks-the-shard 1\n";

    /// The line number of `LINE` in the shipped key.
    fn line_no() -> usize {
        KEY[..KEY.find(LINE).unwrap()].matches('\n').count() + 1
    }

    #[track_caller]
    fn check_key(key: &str, expected: Result<(), String>) {
        let course = Course::load_trusted().unwrap();
        assert_eq!(course.check_answer_key(key).map_err(|err| err.to_string()), expected);
    }

    #[test]
    fn the_key_is_read_in_any_order() {
        check_key(KEY, Ok(()));
        let moved = format!("{}\n{LINE}", KEY.replacen(LINE, "", 1));
        check_key(&moved, Ok(()));
    }

    #[test]
    fn each_difference_is_reported_at_its_line() {
        let n = line_no();
        let cases = [
            (
                "shards-and-partition-keys what-picks-the-shard 0\n".to_string(),
                format!(
                    "answer_key.txt:{n}: `shards-and-partition-keys what-picks-the-shard`: \
                     its quiz.toml says option 1, the key says option 0"
                ),
            ),
            (
                String::new(),
                "answer_key.txt: no line for `shards-and-partition-keys what-picks-the-shard`; \
                 add `shards-and-partition-keys what-picks-the-shard ANSWER` with the answer you intend"
                    .to_string(),
            ),
            (
                format!("{LINE}{LINE}"),
                format!(
                    "answer_key.txt:{}: `shards-and-partition-keys what-picks-the-shard` is already listed on line {n}",
                    n + 1
                ),
            ),
            (
                format!("{LINE}shards-and-partition-keys what-picks-the-key 1\n"),
                format!(
                    "answer_key.txt:{}: lesson `shards-and-partition-keys` has no question `what-picks-the-key`",
                    n + 1
                ),
            ),
            (
                "shards-and-partition-keys what-picks-the-shard\n".to_string(),
                format!(
                    "answer_key.txt:{n}: expected `lesson-id question-id answer`, the answer being an option index, \
                     indexes joined by commas, `=N` or `=probe`"
                ),
            ),
            (
                "shards-and-partition-keys what-picks-the-shard b\n".to_string(),
                format!(
                    "answer_key.txt:{n}: `b` is not an answer: write an option index (from 0), indexes in increasing \
                     order joined by commas, `=N` or `=probe`"
                ),
            ),
        ];
        for (replacement, expected) in cases {
            check_key(&KEY.replacen(LINE, &replacement, 1), Err(expected));
        }
        check_key(
            &KEY.replacen(
                "data-streams-essentials shards-for-the-fleet =6",
                "data-streams-essentials shards-for-the-fleet =5",
                1,
            ),
            Err(format!(
                "answer_key.txt:{}: `data-streams-essentials shards-for-the-fleet`: its quiz.toml says =6, the key says =5",
                KEY[..KEY.find("data-streams-essentials shards-for-the-fleet").unwrap()].matches('\n').count() + 1
            )),
        );
    }
}
