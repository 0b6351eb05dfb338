//! What a learner has done, as the web app saves it in `localStorage`.
//!
//! The JSON schema is versioned:
//!
//! ```json
//! {"version":2,"lessons":{"shards-and-partition-keys":
//!   {"goals_met":true,"quiz":{"what-picks-the-shard":0,"which-shards":[0,2],"how-many":{"typed":"3"}},
//!    "completed":false}},
//!  "exam":{"attempts":1,"best_percent":84}}
//! ```
//!
//! A quiz answer is an option index (single choice), a list of them
//! (multiple choice) or the text typed (numeric). Version 1, which knew only
//! single-choice answers and no exam, is migrated on reading: its answers
//! are version 2's single-choice answers. Saved progress that cannot be read
//! (not JSON, the wrong shape, or an unknown version) is an error rather
//! than a guess; the app then starts afresh and tells the learner. Progress
//! for lessons that no longer exist is kept, as it is harmless.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::lesson::Lesson;
use crate::quiz::Answer;

/// The schema version this crate reads and writes.
pub const PROGRESS_VERSION: u64 = 2;

/// The oldest schema version this crate migrates.
const OLDEST_MIGRATED_VERSION: u64 = 1;

/// A learner's progress through the course.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    // Always `PROGRESS_VERSION`; `from_json` rejects anything else.
    version: u64,
    /// Progress by lesson id.
    pub lessons: BTreeMap<String, LessonProgress>,
    /// Practice exam attempts.
    #[serde(default)]
    pub exam: ExamProgress,
    /// The version the progress was migrated from when read, to tell the
    /// learner; never saved.
    #[serde(skip)]
    pub migrated_from: Option<u64>,
    /// What could not be read when the rest was kept (`from_json`), to tell
    /// the learner; never saved.
    #[serde(skip)]
    pub partly_unreadable: Option<String>,
}

/// A learner's practice exam attempts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamProgress {
    /// How many attempts were finished.
    pub attempts: u32,
    /// The best score, in percent.
    pub best_percent: u32,
}

/// A learner's progress in one lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonProgress {
    /// Whether the learner has met every goal at some point. Resetting the
    /// simulation does not take that back.
    pub goals_met: bool,
    /// The learner's last answer, by question id.
    pub quiz: BTreeMap<String, Answer>,
    /// Whether the lesson has been complete at some point, so that the course
    /// map keeps its tick when the learner retries a question.
    pub completed: bool,
}

/// Saved progress that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProgressError {
    /// Not JSON, or not the shape of this version's schema.
    Malformed(String),
    /// Written under another schema version.
    UnsupportedVersion(u64),
}

impl fmt::Display for ProgressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgressError::Malformed(why) => write!(f, "saved progress is malformed: {why}"),
            ProgressError::UnsupportedVersion(version) => write!(
                f,
                "saved progress has schema version {version}, and this version of Shardlab reads version {PROGRESS_VERSION}"
            ),
        }
    }
}

impl std::error::Error for ProgressError {}

impl Default for Progress {
    fn default() -> Progress {
        Progress {
            version: PROGRESS_VERSION,
            lessons: BTreeMap::new(),
            exam: ExamProgress::default(),
            migrated_from: None,
            partly_unreadable: None,
        }
    }
}

impl Progress {
    /// Reads saved progress.
    pub fn from_json(json: &str) -> Result<Progress, ProgressError> {
        let malformed = ProgressError::Malformed;
        let mut value: serde_json::Value = serde_json::from_str(json).map_err(|err| malformed(err.to_string()))?;
        // The version is read on its own first: another version may have
        // another shape, and that is not "malformed".
        let version = match value.get("version") {
            None => return Err(malformed("no `version` field".into())),
            Some(version) => version.as_u64().ok_or_else(|| malformed(format!("`version` is {version}")))?,
        };
        if !(OLDEST_MIGRATED_VERSION..=PROGRESS_VERSION).contains(&version) {
            return Err(ProgressError::UnsupportedVersion(version));
        }
        // Version 1's shape is a subset of version 2's: a single-choice
        // answer was, and is, an option index.
        value["version"] = PROGRESS_VERSION.into();
        let mut progress: Progress = match serde_json::from_value(value.clone()) {
            Ok(progress) => progress,
            // One odd field must not cost the learner every lesson: keep each
            // lesson, and the exam, that reads on its own.
            Err(err) => Progress::salvage(&value).ok_or_else(|| malformed(err.to_string()))?,
        };
        progress.migrated_from = (version != PROGRESS_VERSION).then_some(version);
        Ok(progress)
    }

    /// The lessons and exam record of `value` that read on their own, or
    /// `None` if it has no `lessons` object at all.
    fn salvage(value: &serde_json::Value) -> Option<Progress> {
        let mut progress = Progress::default();
        let mut unreadable = Vec::new();
        for (id, lesson) in value.get("lessons")?.as_object()? {
            match serde_json::from_value::<LessonProgress>(lesson.clone()) {
                Ok(lesson) => {
                    progress.lessons.insert(id.clone(), lesson);
                }
                Err(err) => unreadable.push(format!("lesson {id}: {err}")),
            }
        }
        if let Some(exam) = value.get("exam") {
            match serde_json::from_value::<ExamProgress>(exam.clone()) {
                Ok(exam) => progress.exam = exam,
                Err(err) => unreadable.push(format!("exam: {err}")),
            }
        }
        if unreadable.is_empty() {
            unreadable.push("a field outside the lessons and the exam".into());
        }
        progress.partly_unreadable = Some(unreadable.join("; "));
        Some(progress)
    }

    /// The version of saved progress `json` if a newer Shardlab wrote it:
    /// such progress is never overwritten, so that going back to an older
    /// version of the site (a cached page, say) loses nothing.
    pub fn newer_version_in(json: &str) -> Option<u64> {
        let value: serde_json::Value = serde_json::from_str(json).ok()?;
        value.get("version")?.as_u64().filter(|version| *version > PROGRESS_VERSION)
    }

    /// The JSON to save.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("string keys and plain values always serialize")
    }

    /// The learner's progress in `lesson_id`, if they have started it.
    pub fn lesson(&self, lesson_id: &str) -> Option<&LessonProgress> {
        self.lessons.get(lesson_id)
    }

    /// Records that the learner met every goal of `lesson`.
    pub fn record_goals_met(&mut self, lesson: &Lesson) {
        self.entry(lesson).goals_met = true;
        self.update_completed(lesson);
    }

    /// Records the learner's answer to question `question_id`.
    pub fn record_quiz_answer(&mut self, lesson: &Lesson, question_id: &str, answer: Answer) {
        self.entry(lesson).quiz.insert(question_id.to_owned(), answer);
        self.update_completed(lesson);
    }

    /// Records a finished exam attempt and its score.
    pub fn record_exam(&mut self, percent: u32) {
        self.exam.attempts += 1;
        self.exam.best_percent = self.exam.best_percent.max(percent);
    }

    /// Whether the learner has met the goals of `lesson` and their current
    /// answer to every question of its quiz is correct.
    pub fn is_complete(&self, lesson: &Lesson) -> bool {
        let Some(progress) = self.lesson(&lesson.id) else { return false };
        // Lesson quizzes are asked with seed 0: the same numbers every time.
        let answered_correctly = |question: &crate::Question| {
            progress.quiz.get(&question.id).is_some_and(|answer| question.judge(&question.ask(0), answer).correct)
        };
        progress.goals_met && lesson.quiz.iter().all(answered_correctly)
    }

    fn entry(&mut self, lesson: &Lesson) -> &mut LessonProgress {
        self.lessons.entry(lesson.id.clone()).or_default()
    }

    fn update_completed(&mut self, lesson: &Lesson) {
        if self.is_complete(lesson) {
            self.entry(lesson).completed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Course;

    fn lesson() -> Lesson {
        Course::load_trusted().unwrap().lessons.remove(0)
    }

    fn correct_idx(question: &crate::Question) -> usize {
        question.options().iter().position(|o| o.correct).unwrap()
    }

    #[test]
    fn an_unknown_field_costs_only_what_holds_it() {
        let json = r#"{"version":2,"lessons":{
            "a":{"goals_met":true,"quiz":{},"completed":true},
            "b":{"goals_met":true,"quiz":{},"completed":false,"stars":3}},
            "exam":{"attempts":2,"best_percent":80}}"#;
        let progress = Progress::from_json(json).unwrap();
        assert!(progress.lessons["a"].completed);
        assert!(!progress.lessons.contains_key("b"));
        assert_eq!(progress.exam.best_percent, 80);
        let why = progress.partly_unreadable.unwrap();
        assert!(why.starts_with("lesson b: unknown field `stars`"), "{why}");
        // An unknown top-level field keeps everything else.
        let progress = Progress::from_json(
            r#"{"version":2,"lessons":{"a":{"goals_met":true,"quiz":{},"completed":true}},"theme":"dark"}"#,
        )
        .unwrap();
        assert!(progress.lessons["a"].goals_met);
        assert!(progress.partly_unreadable.is_some());
        assert!(Progress::from_json(r#"{"version":2,"lessons":[]}"#).is_err());
    }

    #[test]
    fn progress_of_a_newer_version_is_recognised() {
        assert_eq!(Progress::newer_version_in(r#"{"version":3,"lessons":{}}"#), Some(3));
        assert_eq!(Progress::newer_version_in(&Progress::default().to_json()), None);
        assert_eq!(Progress::newer_version_in("not json"), None);
    }

    #[test]
    fn round_trips_through_the_documented_schema() {
        let lesson = lesson();
        let mut progress = Progress::default();
        progress.record_goals_met(&lesson);
        progress.record_quiz_answer(&lesson, &lesson.quiz[0].id, Answer::Choice(2));
        progress.record_exam(64);
        let json = progress.to_json();
        let expected = format!(
            r#"{{"version":2,"lessons":{{"{}":{{"goals_met":true,"quiz":{{"{}":2}},"completed":false}}}},"exam":{{"attempts":1,"best_percent":64}}}}"#,
            lesson.id, lesson.quiz[0].id
        );
        assert_eq!(json, expected);
        assert_eq!(Progress::from_json(&json), Ok(progress));
        assert_eq!(Progress::from_json(&Progress::default().to_json()), Ok(Progress::default()));
    }

    #[track_caller]
    fn check_malformed(json: &str, reason: &str) {
        let err = Progress::from_json(json).unwrap_err();
        assert!(matches!(err, ProgressError::Malformed(_)), "{err:?}");
        let message = err.to_string();
        assert!(message.starts_with("saved progress is malformed: ") && message.contains(reason), "{message}");
    }

    #[test]
    fn unreadable_progress_is_rejected_with_a_reason() {
        check_malformed("", "EOF while parsing");
        check_malformed("{\"version\":1,", "EOF while parsing");
        check_malformed("[1, {}]", "no `version` field");
        check_malformed(r#"{"lessons":{}}"#, "no `version` field");
        check_malformed(r#"{"version":"1","lessons":{}}"#, "`version` is \"1\"");
        check_malformed(r#"{"version":2}"#, "missing field `lessons`");
        check_malformed(r#"{"version":2,"lessons":[]}"#, "invalid type: sequence");
        // A lesson that does not read is dropped, with its reason, and the rest kept.
        for (json, why) in [
            (
                r#"{"version":2,"lessons":{"x":{"goals_met":"yes","quiz":{},"completed":false}}}"#,
                "lesson x: invalid type: string \"yes\", expected a boolean",
            ),
            (
                r#"{"version":2,"lessons":{"x":{"goals_met":true,"quiz":{"q":-1},"completed":false}}}"#,
                "lesson x: data did not match any variant of untagged enum Answer",
            ),
        ] {
            let progress = Progress::from_json(json).unwrap();
            assert!(progress.lessons.is_empty());
            assert!(progress.partly_unreadable.as_deref().unwrap().starts_with(why), "{json}");
        }
    }

    #[test]
    fn other_versions_are_rejected_as_such() {
        // Version 0 had another shape; the version, not the shape, is the reason.
        let old = r#"{"version":0,"done":["shards-and-partition-keys"]}"#;
        assert_eq!(Progress::from_json(old), Err(ProgressError::UnsupportedVersion(0)));
        assert_eq!(
            Progress::from_json(r#"{"version":3,"lessons":{}}"#).unwrap_err().to_string(),
            "saved progress has schema version 3, and this version of Shardlab reads version 2"
        );
    }

    #[test]
    fn version_1_is_migrated() {
        let lesson = lesson();
        let v1 = format!(
            r#"{{"version":1,"lessons":{{"{}":{{"goals_met":true,"quiz":{{"{}":1}},"completed":false}}}}}}"#,
            lesson.id, lesson.quiz[0].id
        );
        let progress = Progress::from_json(&v1).unwrap();
        assert_eq!(progress.migrated_from, Some(1));
        assert_eq!(progress.lesson(&lesson.id).unwrap().quiz[&lesson.quiz[0].id], Answer::Choice(1));
        assert_eq!(progress.exam, ExamProgress::default());
        // Saved again, it is version 2 and reads back without a migration.
        let saved = Progress::from_json(&progress.to_json()).unwrap();
        assert_eq!((saved.migrated_from, saved.lessons), (None, progress.lessons));
    }

    #[test]
    fn complete_means_goals_met_and_every_answer_right() {
        let lesson = lesson();
        let mut progress = Progress::default();
        for question in &lesson.quiz {
            assert!(!progress.is_complete(&lesson));
            progress.record_quiz_answer(&lesson, &question.id, Answer::Choice(correct_idx(question)));
        }
        assert!(!progress.is_complete(&lesson), "the goals are not met yet");
        progress.record_goals_met(&lesson);
        assert!(progress.is_complete(&lesson));
        assert!(progress.lesson(&lesson.id).unwrap().completed);

        // A wrong answer makes the quiz incomplete again, but the lesson
        // stays completed in the record.
        let last = lesson.quiz.last().unwrap();
        progress.record_quiz_answer(&lesson, &last.id, Answer::Choice((correct_idx(last) + 1) % last.options().len()));
        assert!(!progress.is_complete(&lesson));
        assert!(progress.lesson(&lesson.id).unwrap().completed);

        // An answer index the question does not have is not correct.
        progress.record_quiz_answer(&lesson, &last.id, Answer::Choice(last.options().len()));
        assert!(!progress.is_complete(&lesson));
    }
}
