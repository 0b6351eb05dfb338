//! The course: `index.toml` and the lessons it lists, in order.
//!
//! The loader works on file contents handed to it by path, so the same code
//! reads the files embedded in the binary ([`Course::load`]), a directory on
//! disk (the `lesson-check` tool) and test fixtures.
//!
//! The site carries only the course's [`Outline`]; each lesson, and the
//! exam, is a JSON file ([`Course::site_files`], read by [`from_json`])
//! fetched when a page opens it. The build parses the course once, and the
//! site reads the result, carrying neither the TOML nor the Markdown parser.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{LessonError, Source};
use crate::exam::Exam;
use crate::lesson::{self, Lesson};

// `EMBEDDED: &[(&str, &str)]`: every file under `data/` by relative path,
// written by build.rs so that adding a lesson needs no Rust.
include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

fn read_embedded(path: &str) -> Option<String> {
    EMBEDDED.iter().find(|(p, _)| *p == path).map(|(_, text)| (*text).to_owned())
}

/// How much loading checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Checks {
    /// Everything, replaying solutions and runs in the simulation.
    Replay,
    /// Everything that needs no simulation to run.
    ParseOnly,
}

/// Every lesson, in teaching order, and the practice exam.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Course {
    /// The lessons in the order `index.toml` lists them; ids are unique.
    pub lessons: Vec<Lesson>,
    /// The practice exam, if `index.toml` names one.
    pub exam: Option<Exam>,
}

/// `index.toml`, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexFile {
    // Checked by `Source::parse_toml` before this struct is read.
    #[serde(rename = "format_version")]
    _format_version: serde::de::IgnoredAny,
    /// Lesson directories, relative to the data directory.
    lessons: Vec<Spanned<String>>,
    /// The exam file, relative to the data directory.
    #[serde(default)]
    exam: Option<Spanned<String>>,
}

impl Course {
    /// The course built into this crate, from `lessons/data`, checked in
    /// full: every solution, known-wrong solution and "predict, then run"
    /// question replayed in the simulation.
    pub fn load() -> Result<Course, LessonError> {
        Course::parse_files(read_embedded)
    }

    /// The course built into this crate, parsed and checked for everything
    /// but what needs the simulation to run. For the site: the build's
    /// tests replay the embedded course (`Course::load`), so replaying it
    /// again on every page load would only cost the learner seconds.
    pub fn load_trusted() -> Result<Course, LessonError> {
        Course::parse_files_with(read_embedded, Checks::ParseOnly)
    }

    /// Parses and checks a course whose files `read` returns by path relative
    /// to the data directory (`index.toml`, `01-intro/lesson.md`), or `None`
    /// if there is no such file. Stops at the first problem.
    pub fn parse_files(read: impl Fn(&str) -> Option<String>) -> Result<Course, LessonError> {
        Course::parse_files_with(read, Checks::Replay)
    }

    /// As [`Course::parse_files`], but without replaying solutions and runs
    /// in the simulation: for tracing a lesson whose replay fails.
    pub fn parse_files_trusted(read: impl Fn(&str) -> Option<String>) -> Result<Course, LessonError> {
        Course::parse_files_with(read, Checks::ParseOnly)
    }

    fn parse_files_with(read: impl Fn(&str) -> Option<String>, checks: Checks) -> Result<Course, LessonError> {
        let index_text = read("index.toml").ok_or_else(|| LessonError {
            file: "index.toml".into(),
            line: None,
            message: "file not found".into(),
        })?;
        let index = Source { path: "index.toml".into(), text: &index_text };
        let file: IndexFile = index.parse_toml()?;
        if file.lessons.is_empty() {
            return Err(index.error("`lessons` lists no lesson directory"));
        }
        let mut lessons: Vec<Lesson> = Vec::with_capacity(file.lessons.len());
        // Where each lesson id was defined, to name both files on a clash.
        let mut defined_in: BTreeMap<String, String> = BTreeMap::new();
        for (idx, dir) in file.lessons.iter().enumerate() {
            let at = dir.span().start;
            let dir = dir.get_ref();
            if file.lessons[..idx].iter().any(|earlier| earlier.get_ref() == dir) {
                return Err(index.error_at(at, format!("lesson directory `{dir}` is listed twice")));
            }
            let read_file = |name: &str| {
                let path = format!("{dir}/{name}");
                match read(&path) {
                    Some(text) => Ok((path, text)),
                    None => Err(index.error_at(at, format!("lesson directory `{dir}` has no {name}"))),
                }
            };
            let files = [read_file("lesson.toml")?, read_file("lesson.md")?, read_file("quiz.toml")?];
            let [mechanics, prose, quiz] = files.each_ref().map(|(path, text)| Source { path: path.clone(), text });
            let (lesson, id_at) = lesson::parse(&mechanics, &prose, &quiz, checks)?;
            if let Some(earlier) = defined_in.insert(lesson.id.clone(), mechanics.path.clone()) {
                return Err(
                    mechanics.error_at(id_at, format!("lesson id `{}` is already used by {earlier}", lesson.id))
                );
            }
            lessons.push(lesson);
        }
        let exam = match file.exam {
            None => None,
            Some(path) => {
                let at = path.span().start;
                let path = path.into_inner();
                let text = read(&path).ok_or_else(|| index.error_at(at, format!("exam file `{path}` not found")))?;
                Some(crate::exam::parse(&Source { path, text: &text }, checks)?)
            }
        };
        Ok(Course { lessons, exam })
    }

    /// The lesson with this id.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|lesson| lesson.id == id)
    }

    /// The course as the site ships it: without the known-wrong solutions,
    /// which only `lesson-check` replays, so they stay out of the download.
    pub fn for_site(mut self) -> Course {
        for lesson in &mut self.lessons {
            lesson.wrong_solutions.clear();
        }
        self
    }

    /// What the course map, and a lesson page's links to its neighbours,
    /// show of the course: no lesson's body.
    pub fn outline(&self) -> Outline {
        Outline {
            lessons: self
                .lessons
                .iter()
                .map(|lesson| LessonEntry {
                    id: lesson.id.clone(),
                    title: lesson.title.clone(),
                    summary: lesson.summary.clone(),
                    minutes: lesson.minutes,
                })
                .collect(),
            exam: self.exam.as_ref().map(|exam| ExamEntry {
                title: exam.title.clone(),
                questions: exam.questions.len(),
                pass_percent: exam.pass_percent,
            }),
        }
    }

    /// The files the site fetches when a page needs them, by path relative
    /// to the site ([`lesson_file`], [`EXAM_FILE`]), each JSON that
    /// [`from_json`] reads back.
    pub fn site_files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> =
            self.lessons.iter().map(|lesson| (lesson_file(&lesson.id), to_json(lesson))).collect();
        if let Some(exam) = &self.exam {
            files.push((EXAM_FILE.to_owned(), to_json(exam)));
        }
        files
    }
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("lessons have only string keys and finite numbers")
}

/// Where the site keeps lesson `id`'s file (see [`Course::site_files`]).
pub fn lesson_file(id: &str) -> String {
    format!("course/{id}.json")
}

/// Where the site keeps the practice exam's file (see [`Course::site_files`]).
pub const EXAM_FILE: &str = "course/exam.json";

/// Reads one of [`Course::site_files`]: a [`Lesson`] or the [`Exam`], as
/// `file` holds it. Nothing is checked again but the shape: the course was
/// checked when the site was built.
pub fn from_json<T: serde::de::DeserializeOwned>(file: &str, json: &str) -> Result<T, LessonError> {
    // serde_json's message already ends with the line and column.
    serde_json::from_str(json).map_err(|err| LessonError { file: file.into(), line: None, message: err.to_string() })
}

/// The course without the lessons' bodies: what every page of the site
/// carries, while a lesson's body is fetched when it is opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outline {
    /// The lessons, in teaching order.
    pub lessons: Vec<LessonEntry>,
    /// The practice exam, if the course has one.
    pub exam: Option<ExamEntry>,
}

/// A lesson, as the course map lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonEntry {
    /// As [`Lesson::id`].
    pub id: String,
    /// As [`Lesson::title`].
    pub title: String,
    /// As [`Lesson::summary`].
    pub summary: String,
    /// As [`Lesson::minutes`].
    pub minutes: u32,
}

/// The practice exam, as the course map lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamEntry {
    /// As [`Exam::title`].
    pub title: String,
    /// How many questions it asks.
    pub questions: usize,
    /// As [`Exam::pass_percent`].
    pub pass_percent: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "format_version = 1\nlessons = [\n  \"first\",\n]\n";

    const LESSON_TOML: &str = r#"format_version = 1
id = "first"
title = "First"
summary = "Two records."
minutes = 5
topics = [7]

[setup]
stream_name = "s"
shard_count = 2

[[goals]]
id = "two-records"
description = "Put two records."
condition = { kind = "total_records", at_least = 2 }

[[solution]]
action = "put_record"
partition_key = "a"
data = "1"

[[solution]]
action = "put_record"
partition_key = "b"
data = "2"

[[wrong_solutions]]
name = "one record"
actions = [{ action = "put_record", partition_key = "a", data = "1" }]
"#;

    const LESSON_MD: &str = "# Intro\nHello.\n# Hint\nOne.\n# Hint\nTwo.\n# Explanation\nDone.\n";

    const QUIZ: &str = r#"format_version = 1

[[questions]]
id = "q"
prompt = "Which?"

[[questions.options]]
text = "this"
correct = true
feedback = "Yes."

[[questions.options]]
text = "that"
correct = false
feedback = "No."
"#;

    fn fixture() -> BTreeMap<String, String> {
        [
            ("index.toml", INDEX),
            ("first/lesson.toml", LESSON_TOML),
            ("first/lesson.md", LESSON_MD),
            ("first/quiz.toml", QUIZ),
        ]
        .into_iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
    }

    fn parse(files: &BTreeMap<String, String>) -> Result<Course, LessonError> {
        Course::parse_files(|path| files.get(path).cloned())
    }

    /// The valid fixture with `edits` (file, text to find, replacement)
    /// applied; a file that does not exist yet starts empty.
    #[track_caller]
    fn edited(edits: &[(&str, &str, &str)]) -> BTreeMap<String, String> {
        let mut files = fixture();
        for &(path, from, to) in edits {
            let text = files.entry(path.to_string()).or_default();
            assert!(text.contains(from), "{path} does not contain {from:?}");
            *text = text.replacen(from, to, 1);
        }
        files
    }

    #[track_caller]
    fn check_error(edits: &[(&str, &str, &str)], expected: &str) {
        assert_eq!(parse(&edited(edits)).map(|_| ()).map_err(|e| e.to_string()), Err(expected.to_string()));
    }

    #[test]
    fn the_fixture_is_valid() {
        let course = parse(&fixture()).unwrap();
        assert_eq!(course.lessons.len(), 1);
        let lesson = course.lesson("first").unwrap();
        assert_eq!(lesson.title, "First");
        assert_eq!(lesson.hints.len(), 2);
        assert_eq!(lesson.quiz.len(), 1);
        // The loader fills in the stream that the file leaves out.
        assert!(matches!(&lesson.solution[0], crate::Action::PutRecord { stream_name, .. } if stream_name == "s"));
    }

    const SECOND_LESSON: [(&str, &str, &str); 4] = [
        ("index.toml", "  \"first\",\n", "  \"first\",\n  \"second\",\n"),
        ("second/lesson.toml", "", LESSON_TOML),
        ("second/lesson.md", "", LESSON_MD),
        ("second/quiz.toml", "", QUIZ),
    ];

    #[test]
    fn index_errors() {
        check_error(&[("index.toml", "lessons = [", "lessons = ")], "index.toml:3: key with no value, expected `=`");
        check_error(
            &[("index.toml", "format_version = 1", "format_version = 0")],
            "index.toml:1: format_version 0 is not supported; this version of Shardlab reads format_version 1",
        );
        check_error(
            &[("index.toml", "\"first\",\n", "\"frist\",\n")],
            "index.toml:3: lesson directory `frist` has no lesson.toml",
        );
        check_error(
            &[("index.toml", "\"first\",\n", "\"first\", \"first\",\n")],
            "index.toml:3: lesson directory `first` is listed twice",
        );
        check_error(&[("index.toml", "  \"first\",\n", "")], "index.toml: `lessons` lists no lesson directory");
        let mut files = fixture();
        files.remove("first/quiz.toml");
        assert_eq!(parse(&files).unwrap_err().to_string(), "index.toml:3: lesson directory `first` has no quiz.toml");
    }

    #[test]
    fn lesson_ids_are_unique_across_the_course() {
        check_error(&SECOND_LESSON, "second/lesson.toml:2: lesson id `first` is already used by first/lesson.toml");
        let mut distinct = SECOND_LESSON.to_vec();
        distinct.push(("second/lesson.toml", "id = \"first\"", "id = \"second\""));
        let ids: Vec<String> = parse(&edited(&distinct)).unwrap().lessons.into_iter().map(|l| l.id).collect();
        assert_eq!(ids, ["first", "second"]);
    }

    #[test]
    fn lesson_toml_errors() {
        let cases: &[(&str, &str, &str)] = &[
            ("title = \"First\"", "title = \"First", "first/lesson.toml:3: invalid basic string, expected `\"`"),
            (
                "format_version = 1",
                "format_version = 2",
                "first/lesson.toml:1: format_version 2 is not supported; this version of Shardlab reads format_version 1",
            ),
            (
                "id = \"first\"",
                "id = \"First Lesson\"",
                "first/lesson.toml:2: lesson id `First Lesson` must be lower-case letters, digits and dashes",
            ),
            (
                "shard_count = 2",
                "shard_count = 0",
                "first/lesson.toml:8: [setup] cannot create the stream: ValidationException: 1 validation error detected: \
                 Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
            ),
            (
                "action = \"put_record\"\npartition_key = \"b\"",
                "action = \"put_records\"\npartition_key = \"b\"",
                "first/lesson.toml:22: unknown action `put_records`; expected one of `put_record`, `advance`, `start_polling_consumer`, `api`",
            ),
            (
                "partition_key = \"b\"",
                "partition_key = \"b\"\npartition = \"c\"",
                "first/lesson.toml:22: unknown key `partition`; expected one of `stream_name`, `partition_key`, `data`, `explicit_hash_key`",
            ),
            (
                "kind = \"total_records\"",
                "kind = \"records_total\"",
                "first/lesson.toml:15: unknown condition kind `records_total`; expected one of `max_records_in_one_shard`, \
                 `shards_with_records`, `total_records`, `api`",
            ),
            (
                "\n[[solution]]",
                "\n[[goals]]\nid = \"two-records\"\ndescription = \"Again.\"\ncondition = { kind = \"total_records\", at_least = 1 }\n\n[[solution]]",
                "first/lesson.toml:17: goal id `two-records` is used twice",
            ),
            (
                "partition_key = \"b\"",
                "partition_key = \"b\"\nstream_name = \"other\"",
                "first/lesson.toml:22: the action names stream `other`, but the lesson's stream is `s`",
            ),
            (
                "at_least = 2",
                "at_least = 3",
                "first/lesson.toml:17: the solution does not meet goal `two-records` when it ends, at 00:00:05: \
                 the stream holds 2 of 3 records (lesson-check --trace first shows each step)",
            ),
            (
                "partition_key = \"b\"",
                "partition_key = \"\"",
                "first/lesson.toml:22: solution step 2 fails: ValidationException: 1 validation error detected: \
                 Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
            ),
            (
                "actions = [{",
                "actions = [{ action = \"put_record\", partition_key = \"b\", data = \"2\" }, {",
                "first/lesson.toml:27: wrong solution `one record` meets every goal; it must fail one",
            ),
            (
                "at_least = 2",
                "at_least = 0",
                "first/lesson.toml:12: goal `two-records` is met before the learner does anything (the stream holds 0 records): \
                 make it need the learner's action, or mark it `standing = true` if it is a condition to keep",
            ),
            (
                "description = \"Put two records.\"",
                "description = \"Put two records.\"\nstanding = true",
                "first/lesson.toml:12: standing goal `two-records` does not hold at the start (the stream holds 0 of 2 records): \
                 a condition to keep must hold until the learner breaks it",
            ),
            (
                "condition = { kind = \"total_records\", at_least = 2 }",
                "standing = true\ncondition = { kind = \"total_records\", at_least = 0 }",
                "first/lesson.toml: every goal is standing: a lesson needs at least one goal the learner must reach",
            ),
            (
                "description = \"Put two records.\"",
                "description = \"Put two records.\"\nrequires = [\"one-record\"]",
                "first/lesson.toml:12: goal `two-records` requires `one-record`, which is not a goal above it",
            ),
            (
                "data = \"1\" }]",
                "data = \"1\" },\n  { action = \"advance\", milis = 1 },\n]",
                "first/lesson.toml:29: unknown key `milis`; expected `millis`",
            ),
            (
                "at_least = 2 }",
                "at_least = 2, at_most = 3 }",
                "first/lesson.toml:15: unknown key `at_most`; expected `at_least`",
            ),
            (
                "topics = [7]",
                "topics = [24]",
                "first/lesson.toml:6: topic 24 is not a lesson topic: topics are 1 to 23 (24 is the exam)",
            ),
            ("topics = [7]", "topics = []", "first/lesson.toml:6: `topics` lists no topic"),
            (
                "topics = [7]",
                "topics = [7]\nallowed_actions = [\"put_record\", \"Kinesis_20131202.Split\"]",
                "first/lesson.toml:7: allowed action `Kinesis_20131202.Split` is neither an action \
                 (put_record, advance, start_polling_consumer, api) nor an API target",
            ),
            (
                "topics = [7]",
                "topics = [7]\nallowed_actions = [\"Kinesis_20131202.PutRecords\"]",
                "first/lesson.toml:18: solution: `put_record` is not in the lesson's `allowed_actions`",
            ),
            (
                "condition = { kind = \"total_records\", at_least = 2 }",
                "condition = { kind = \"api\", target = \"Kinesis_20131202.GetRecords\", pointer = \"/Records\", label = \"records\", at_least = 2 }",
                "first/lesson.toml:12: goal `two-records`: a condition may only read, and `Kinesis_20131202.GetRecords` is not a read-only target",
            ),
            (
                "condition = { kind = \"total_records\", at_least = 2 }",
                "condition = { kind = \"api\", target = \"Kinesis_20131202.DescribeStreamSummary\", body = { StreamName = \"s\" }, pointer = \"/StreamDescriptionSummary/OpenShardCount\", label = \"open shards\", at_least = 3 }",
                "first/lesson.toml:17: the solution does not meet goal `two-records` when it ends, at 00:00:05: \
                 open shards: 2, needs at least 3 (lesson-check --trace first shows each step)",
            ),
            (
                "kind = \"total_records\"",
                "kind = \"apii\"",
                "first/lesson.toml:15: unknown condition kind `apii`; expected one of `max_records_in_one_shard`, \
                 `shards_with_records`, `total_records`, `api`",
            ),
            (
                "condition = { kind = \"total_records\", at_least = 2 }",
                "condition = { kind = \"api\", target = \"Shardlab.Consumers\", pointer = \"/Consumers/0/RecordsRead\", label = \"records read\", at_least = 2 }",
                "first/lesson.toml:17: the solution does not meet goal `two-records` when it ends, at 00:00:05: \
                 records read: none yet; the answer has nothing at /Consumers/0/RecordsRead \
                 (lesson-check --trace first shows each step)",
            ),
            (
                "shard_count = 2",
                "shard_count = -2",
                "first/lesson.toml:10: invalid value: integer `-2`, expected a whole number",
            ),
            (
                "data = \"1\" }]",
                "data = \"1\" }, { action = \"advance\", millis = \"5000\" }]",
                "first/lesson.toml:29: invalid type: string \"5000\", expected a whole number",
            ),
            (
                "shard_count = 2",
                "shard_count = 2\ncapacity_mode = \"PROVISONED\"",
                "first/lesson.toml:11: unknown capacity mode `PROVISONED`; expected `PROVISIONED` or `ON_DEMAND`",
            ),
            (
                "data = \"1\" }]",
                "data = \"1\" }, { action = \"start_polling_consumer\", iterator_type = \"OLDEST\" }]",
                "first/lesson.toml:29: unknown iterator type `OLDEST`; expected one of `AT_SEQUENCE_NUMBER`, \
                 `AFTER_SEQUENCE_NUMBER`, `TRIM_HORIZON`, `LATEST`, `AT_TIMESTAMP`",
            ),
            (
                "shard_count = 2",
                "shard_count = 2\nsteps = [{ action = \"api\", target = \"Kinesis_20131202.SplitShard\", body = {} }]",
                "first/lesson.toml:8: [setup] step 1 fails: ValidationException: 3 validation errors detected: \
                 Value null at 'newStartingHashKey' failed to satisfy constraint: Member must not be null; \
                 Value null at 'streamName' failed to satisfy constraint: Member must not be null; \
                 Value null at 'shardToSplit' failed to satisfy constraint: Member must not be null",
            ),
        ];
        for &(from, to, expected) in cases {
            check_error(&[("first/lesson.toml", from, to)], expected);
        }
    }

    #[test]
    fn a_trace_shows_the_clock_and_every_goal_after_each_step() {
        // Tracing is for a lesson that does not load: here the solution misses the goal.
        let files = edited(&[("first/lesson.toml", "at_least = 2", "at_least = 3")]);
        assert!(parse(&files).is_err());
        let course = Course::parse_files_trusted(|path| files.get(path).cloned()).unwrap();
        let expected = "\
solution:
  00:00:05  start
              [ ] two-records: the stream holds 0 of 3 records
  00:00:05  step 1: Put a record with key a: 1
              [ ] two-records: the stream holds 1 of 3 records
  00:00:05  step 2: Put a record with key b: 2
              [ ] two-records: the stream holds 2 of 3 records
  ends at 00:00:05: unmet: two-records
wrong solution `one record`:
  00:00:05  start
              [ ] two-records: the stream holds 0 of 3 records
  00:00:05  step 1: Put a record with key a: 1
              [ ] two-records: the stream holds 1 of 3 records
  ends at 00:00:05: unmet: two-records
";
        assert_eq!(course.lesson("first").unwrap().trace(), expected);

        let files = edited(&[(
            "first/lesson.toml",
            "data = \"1\" }]",
            "data = \"1\" }, { action = \"advance\", millis = 1500 }, { action = \"put_record\", partition_key = \"\", data = \"2\" }]",
        )]);
        let course = Course::parse_files_trusted(|path| files.get(path).cloned()).unwrap();
        let trace = course.lesson("first").unwrap().trace();
        let wrong = &trace[trace.find("wrong solution").unwrap()..];
        assert_eq!(
            wrong,
            "\
wrong solution `one record`:
  00:00:05  start
              [ ] two-records: the stream holds 0 of 2 records
  00:00:05  step 1: Put a record with key a: 1
              [ ] two-records: the stream holds 1 of 2 records
  00:00:06.500  step 2: Let 1.5 s pass
              [ ] two-records: the stream holds 1 of 2 records
  00:00:06.500  step 3: Put a record with key : 2
              fails: ValidationException: 1 validation error detected: Value '' at 'partitionKey' failed to satisfy \
constraint: Member must have length greater than or equal to 1
  ends at 00:00:06.500: unmet: two-records
"
        );
    }

    /// A `GetMetricStatistics` window from the start to the first minute, as setup steps write it.
    const WINDOW_STEP: &str = "shard_count = 2\nsteps = [{ action = \"api\", target = \"Shardlab.GetMetricStatistics\", \
        body = { StreamName = \"s\", MetricName = \"IncomingRecords\", Period = 60, StartTime = \"00:00:00\", EndTime = \"00:01:00\" } }]";

    #[test]
    fn times_in_clock_words_become_epoch_seconds() {
        let course = parse(&edited(&[("first/lesson.toml", "shard_count = 2", WINDOW_STEP)])).unwrap();
        let lesson = course.lesson("first").unwrap();
        let crate::Action::Api { body, .. } = &lesson.setup.steps[0] else { panic!("{:?}", lesson.setup.steps) };
        assert_eq!((&body["StartTime"], &body["EndTime"]), (&1_767_225_600.into(), &1_767_225_660.into()));
        // The site reads each lesson as JSON, with the times converted.
        let (file, json) = &course.site_files()[0];
        assert_eq!(&from_json::<Lesson>(file, json).unwrap(), lesson);
        // What AUTHORING.md says: setup steps, and so the learner, begin at 00:00:05.
        assert_eq!(crate::clock::words(lesson.start().now()), "00:00:05");
        check_error(
            &[("first/lesson.toml", "shard_count = 2", &WINDOW_STEP.replace("\"00:01:00\"", "\"1:00\""))],
            "first/lesson.toml:11: `EndTime = \"1:00\"` is not a time: write it as the clock shows it, HH:MM:SS \
             from the simulation's start (\"00:01:00\"), or as epoch seconds",
        );
    }

    #[test]
    fn prose_and_quiz_errors_name_their_file() {
        check_error(
            &[("first/lesson.md", "# Hint\nTwo.\n", "")],
            "first/lesson.md: a lesson needs 2 to 4 `# Hint` sections, and this one has 1",
        );
        // A known section's heading with the wrong number of `#` would
        // otherwise be content: a hint shown in the intro.
        check_error(
            &[("first/lesson.md", "# Hint\nOne.", "## Hint\nOne.")],
            "first/lesson.md:3: `## Hint` is a section heading with 2 `#`; a section starts with one: `# Hint`",
        );
        check_error(
            &[("first/lesson.md", "# Explanation", "### Explanation")],
            "first/lesson.md:7: `### Explanation` is a section heading with 3 `#`; a section starts with one: `# Explanation`",
        );
        check_error(
            &[("first/quiz.toml", "feedback = \"No.\"\n", "")],
            "first/quiz.toml:12: question `q`: option 2: no `feedback`; say why it is right or wrong",
        );
        check_error(
            &[("first/quiz.toml", "correct = false", "correct = false\nfeedbak = \"?\"")],
            "first/quiz.toml:12: unknown key `feedbak`; expected one of `text`, `correct`, `feedback`, `value`",
        );
        check_error(
            &[("first/quiz.toml", "id = \"q\"", "id = \"q\"\nkind = \"multi\"")],
            "first/quiz.toml:3: unknown question kind `multi`; expected one of `single`, `multiple`, `numeric`",
        );
        check_error(
            &[("first/quiz.toml", "correct = false", "correct = true")],
            "first/quiz.toml:3: question `q`: 2 options are marked `correct = true`; a single-choice question has one \
             (use kind = \"multiple\")",
        );
    }
}
