//! Shardlab's lessons: the lesson file format, its loader and checks, and
//! the learner's saved progress.
//!
//! Lessons are data, written without Rust, in `lessons/data/` (see
//! `lessons/AUTHORING.md`). They are embedded in the crate at build time and
//! checked when loaded: a lesson whose reference solution fails, or whose quiz
//! marks two answers correct, does not load. This crate knows nothing of the
//! browser; the web app renders what it returns.
//!
//! ```
//! use shardlab_lessons::{Course, Progress};
//!
//! let course = Course::load().unwrap();
//! let lesson = course.lesson("shards-and-partition-keys").unwrap();
//!
//! // The learner starts from the lesson's setup: an empty stream.
//! let mut sim = lesson.start();
//! assert!(!lesson.goals_met(&sim));
//!
//! // Whatever they do is an `Action`; the reference solution is a list of them.
//! for action in &lesson.solution {
//!     action.apply(&mut sim).unwrap();
//! }
//! assert!(lesson.check(&sim).iter().all(|goal| goal.met));
//!
//! // Progress is saved as versioned JSON.
//! let mut progress = Progress::default();
//! progress.record_goals_met(lesson);
//! let saved = progress.to_json();
//! assert_eq!(Progress::from_json(&saved).unwrap(), progress);
//! ```

#![forbid(unsafe_code)]

mod action;
mod answer_key;
mod clock;
mod course;
mod error;
mod exam;
mod lesson;
pub mod markdown;
pub mod probe;
mod progress;
mod prose;
mod quiz;
mod start;
mod words;

pub use action::Action;
pub use answer_key::ANSWER_KEY_FILE;
pub use course::{Course, EXAM_FILE, ExamEntry, LessonEntry, Outline, from_json, lesson_file};
pub use error::{FORMAT_VERSION, LessonError};
pub use exam::Exam;
pub use lesson::{Condition, Goal, GoalStatus, Lesson, Setup, TOPIC_COUNT, WrongSolution, statement};
pub use markdown::Markdown;
pub use progress::{ExamProgress, LessonProgress, PROGRESS_VERSION, Progress, ProgressError};
pub use quiz::{Answer, AnswerKey, Asked, NumericKey, ParamRange, Question, QuizOption, Run, Verdict};
pub use start::{SANDBOX_STREAM, recipe_start, sandbox};
