//! `lesson-check [--trace ID] DIR`: checks lesson files on disk with the
//! loader the site uses, so an author sees every problem before building.
//!
//! `DIR` is the data directory (holding `index.toml`) or the `lessons` crate
//! directory above it. Besides loading the course (and so replaying every
//! solution), it checks `answer_key.txt` against the quizzes. Problems are
//! printed as `file:line: message` with paths an editor can open; the exit
//! status is non-zero if there is any.
//!
//! `--trace ID` prints, instead, the clock and every goal of lesson `ID` at
//! the start and after each step of its solution and of each wrong
//! solution. It replays nothing at load, so it works on the lesson whose
//! check fails, to see where the timing goes wrong, and needs only the
//! lesson's `lesson.toml`: its prose and quiz may not be written yet.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

use shardlab_lessons::{ANSWER_KEY_FILE, Course, LessonError};

const USAGE: &str = "usage: lesson-check [--trace LESSON-ID] DIR\n\n\
DIR is lessons/ or lessons/data/, the directory holding index.toml";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let (trace, dir) = match args.as_slice() {
        [dir] => (None, dir),
        [flag, id, dir] | [dir, flag, id] if flag == "--trace" => (Some(id.as_str()), dir),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let root = data_dir(Path::new(dir));
    let read = |path: &str| fs::read_to_string(root.join(path)).ok();
    let result = match trace {
        Some(id) => trace_lesson(read, id),
        None => check(read).map(|course| {
            let n_goals: usize = course.lessons.iter().map(|l| l.goals.len()).sum();
            let n_questions: usize = course.lessons.iter().map(|l| l.quiz.len()).sum();
            format!(
                "lesson-check: {}: ok (lessons: {}, goals: {n_goals}, quiz questions: {n_questions})\n",
                root.display(),
                course.lessons.len()
            )
        }),
    };
    match result {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(mut err) => {
            err.file = root.join(&err.file).display().to_string();
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

/// Loads and replays the course, then checks the answer key.
fn check(read: impl Fn(&str) -> Option<String>) -> Result<Course, LessonError> {
    let course = Course::parse_files(&read)?;
    let key = read(ANSWER_KEY_FILE).ok_or_else(|| LessonError {
        file: ANSWER_KEY_FILE.into(),
        line: None,
        message: "file not found; it lists every question's right answer (see AUTHORING.md)".into(),
    })?;
    course.check_answer_key(&key)?;
    Ok(course)
}

/// Stand-ins for a `lesson.md` and a `quiz.toml` not written yet: the
/// trace shows mechanics only, which an author tunes before the prose.
const PROSE_NOT_YET: &str = "# Intro\n.\n# Hint\n.\n# Hint\n.\n# Explanation\n.\n";
const QUIZ_NOT_YET: &str = "format_version = 1\n[[questions]]\nid = \"q\"\nprompt = \".\"\n\
    [[questions.options]]\ntext = \"a\"\ncorrect = true\nfeedback = \".\"\n\
    [[questions.options]]\ntext = \"b\"\ncorrect = false\nfeedback = \".\"\n";

/// The trace of lesson `id`, from files parsed but not replayed.
fn trace_lesson(read: impl Fn(&str) -> Option<String>, id: &str) -> Result<String, LessonError> {
    let read_or_stand_in = |path: &str| {
        read(path).or_else(|| {
            let (dir, file) = path.rsplit_once('/')?;
            let stand_in = match file {
                "lesson.md" => PROSE_NOT_YET,
                "quiz.toml" => QUIZ_NOT_YET,
                _ => return None,
            };
            read(&format!("{dir}/lesson.toml")).map(|_| stand_in.to_owned())
        })
    };
    let course = Course::parse_files_trusted(read_or_stand_in)?;
    match course.lesson(id) {
        Some(lesson) => Ok(lesson.trace()),
        None => {
            let ids: Vec<&str> = course.lessons.iter().map(|lesson| lesson.id.as_str()).collect();
            Err(LessonError {
                file: "index.toml".into(),
                line: None,
                message: format!("no lesson has the id `{id}`; the ids are {}", ids.join(", ")),
            })
        }
    }
}

/// `dir` itself if it holds `index.toml`, else its `data` subdirectory.
fn data_dir(dir: &Path) -> PathBuf {
    if dir.join("index.toml").is_file() { dir.to_path_buf() } else { dir.join("data") }
}
