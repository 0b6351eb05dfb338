//! The `lesson-check` author tool, run as an author would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::{env, fs};

fn lesson_check(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lesson-check")).args(args).output().expect("run lesson-check")
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_shipped_lessons_pass_with_a_one_line_summary() {
    for dir in [crate_dir(), crate_dir().join("data")] {
        let out = lesson_check(&[&dir]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(stdout.lines().count(), 1, "{stdout}");
        // The counts grow with the course; the format is what is checked.
        let summary = stdout.split_once(": ok (lessons: ").map(|(_, rest)| rest);
        assert!(summary.is_some_and(|rest| rest.contains(", goals: ") && rest.ends_with(")\n")), "{stdout}");
    }
}

/// A copy of the shipped data directory in a fresh temporary directory.
struct DataCopy(PathBuf);

impl DataCopy {
    fn new(name: &str) -> DataCopy {
        let root = env::temp_dir().join(format!("lesson-check-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        copy_dir(&crate_dir().join("data"), &root);
        DataCopy(root)
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.0.join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} does not contain {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

impl Drop for DataCopy {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() { copy_dir(&path, &target) } else { fs::copy(&path, &target).map(drop).unwrap() }
    }
}

#[test]
fn a_broken_lesson_is_reported_as_file_line_message() {
    let data = DataCopy::new("broken");
    let quiz = data.0.join("03-shards-and-partition-keys/quiz.toml");
    // The first question's first option is wrong; marking it correct too
    // gives the question two right answers.
    data.edit("03-shards-and-partition-keys/quiz.toml", "correct = false", "correct = true");
    let question_line = fs::read_to_string(&quiz).unwrap().lines().position(|l| l == "[[questions]]").unwrap() + 1;
    let out = lesson_check(&[&data.0]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let expected = format!(
        "{}:{question_line}: question `what-picks-the-shard`: 2 options are marked `correct = true`; \
         a single-choice question has one (use kind = \"multiple\")\n",
        quiz.display()
    );
    assert_eq!(String::from_utf8(out.stderr).unwrap(), expected);
}

#[test]
fn a_wrong_answer_key_line_is_reported_with_the_quiz_s_answer() {
    let data = DataCopy::new("answer-key");
    let line = "shards-and-partition-keys one-hot-key 1\n";
    let key = fs::read_to_string(data.0.join("answer_key.txt")).unwrap();
    let line_no = key[..key.find(line).unwrap()].matches('\n').count() + 1;
    data.edit("answer_key.txt", line, "shards-and-partition-keys one-hot-key 2\n");
    let out = lesson_check(&[&data.0]);
    assert_eq!(out.status.code(), Some(1));
    let expected = format!(
        "{}:{line_no}: `shards-and-partition-keys one-hot-key`: its quiz.toml says option 1, the key says option 2\n",
        data.0.join("answer_key.txt").display()
    );
    assert_eq!(String::from_utf8(out.stderr).unwrap(), expected);

    fs::remove_file(data.0.join("answer_key.txt")).unwrap();
    let out = lesson_check(&[&data.0]);
    let expected = format!(
        "{}: file not found; it lists every question's right answer (see AUTHORING.md)\n",
        data.0.join("answer_key.txt").display()
    );
    assert_eq!(String::from_utf8(out.stderr).unwrap(), expected);
}

#[test]
fn trace_prints_the_clock_and_goals_after_each_step() {
    for args in
        [["--trace", "shards-and-partition-keys", "lessons"], ["lessons", "--trace", "shards-and-partition-keys"]]
    {
        let dir = crate_dir();
        let args = args.map(|arg| if arg == "lessons" { dir.as_os_str() } else { arg.as_ref() });
        let out = Command::new(env!("CARGO_BIN_EXE_lesson-check")).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8(out.stdout).unwrap();
        let start = "solution:\n  00:00:05  start\n              [ ] three-in-one-shard: the fullest shard holds 0 of 3 records\n";
        assert!(stdout.starts_with(start), "{stdout}");
        assert!(
            stdout.contains("  ends at 00:00:05: every goal met\nwrong solution `a different key for every record`:\n"),
            "{stdout}"
        );
    }
    let out = lesson_check(&[Path::new("--trace"), Path::new("nope"), &crate_dir()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let prefix = format!(
        "{}: no lesson has the id `nope`; the ids are streaming-fundamentals, ",
        crate_dir().join("data/index.toml").display()
    );
    assert!(stderr.starts_with(&prefix), "{stderr}");
}

#[test]
fn trace_needs_only_the_lesson_toml() {
    let data = DataCopy::new("trace-new");
    let dir = data.0.join("99-new");
    fs::create_dir(&dir).unwrap();
    let mechanics = fs::read_to_string(data.0.join("03-shards-and-partition-keys/lesson.toml")).unwrap();
    fs::write(dir.join("lesson.toml"), mechanics.replace("id = \"shards-and-partition-keys\"", "id = \"new\""))
        .unwrap();
    data.edit("index.toml", "lessons = [\n", "lessons = [\n  \"99-new\",\n");
    let out = lesson_check(&[Path::new("--trace"), Path::new("new"), &data.0]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().starts_with("solution:\n  00:00:05  start\n"));
    // Checking, unlike tracing, needs every file.
    let out = lesson_check(&[&data.0]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.ends_with("lesson directory `99-new` has no lesson.md\n"), "{stderr}");
}

#[test]
fn usage_errors_exit_with_status_2() {
    let out = lesson_check(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().starts_with("usage: lesson-check [--trace LESSON-ID] DIR"));
    let out = lesson_check(&[Path::new("--trace"), &crate_dir()]);
    assert_eq!(out.status.code(), Some(2));
}
