//! `lesson-check DIR`: checks lesson files on disk with the loader the site
//! uses, so an author sees every problem before building.
//!
//! `DIR` is the data directory (holding `index.toml`) or the `lessons` crate
//! directory above it. Besides loading the course (and so replaying every
//! solution), it checks `answer_key.txt` against the quizzes. Problems are printed as `file:line: message` with
//! paths an editor can open; the exit status is non-zero if there is any.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

use shardlab_lessons::{ANSWER_KEY_FILE, Course, LessonError};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let [dir] = args.as_slice() else {
        eprintln!("usage: lesson-check DIR\n\nDIR is lessons/ or lessons/data/, the directory holding index.toml");
        return ExitCode::from(2);
    };
    let root = data_dir(Path::new(dir));
    let read = |path: &str| fs::read_to_string(root.join(path)).ok();
    let checked = Course::parse_files(read).and_then(|course| {
        let key = read(ANSWER_KEY_FILE).ok_or_else(|| LessonError {
            file: ANSWER_KEY_FILE.into(),
            line: None,
            message: "file not found; it lists every question's right answer (see AUTHORING.md)".into(),
        })?;
        course.check_answer_key(&key).map(|()| course)
    });
    match checked {
        Ok(course) => {
            let n_goals: usize = course.lessons.iter().map(|l| l.goals.len()).sum();
            let n_questions: usize = course.lessons.iter().map(|l| l.quiz.len()).sum();
            println!(
                "lesson-check: {}: ok (lessons: {}, goals: {n_goals}, quiz questions: {n_questions})",
                root.display(),
                course.lessons.len()
            );
            ExitCode::SUCCESS
        }
        Err(mut err) => {
            err.file = root.join(&err.file).display().to_string();
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

/// `dir` itself if it holds `index.toml`, else its `data` subdirectory.
fn data_dir(dir: &Path) -> PathBuf {
    if dir.join("index.toml").is_file() { dir.to_path_buf() } else { dir.join("data") }
}
