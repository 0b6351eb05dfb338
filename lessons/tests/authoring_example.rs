//! The complete example in AUTHORING.md loads, so the guide cannot drift
//! from the format.

use std::fs;
use std::path::Path;

use shardlab_lessons::Course;

const GUIDE: &str = include_str!("../AUTHORING.md");

/// The first fenced block after the heading "### `file`".
fn example(file: &str) -> &'static str {
    let heading = format!("### `{file}`\n");
    let after_heading = &GUIDE[GUIDE.find(&heading).unwrap_or_else(|| panic!("no example for {file}"))..];
    let fence_start = after_heading.find("```").unwrap();
    let block = &after_heading[fence_start..];
    let body_start = block.find('\n').unwrap() + 1;
    let body_end = block[body_start..].find("\n```").unwrap() + body_start + 1;
    &block[body_start..body_end]
}

#[test]
fn the_guide_s_example_lesson_loads() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let index = GUIDE.split("`index.toml`:\n\n```toml\n").nth(1).and_then(|rest| rest.split("```").next()).unwrap();
    let course = Course::parse_files(|path| match path {
        "index.toml" => Some(index.to_string()),
        path if path.starts_with("02-hot-keys/") => Some(example(path).to_string()),
        path => fs::read_to_string(shipped.join(path)).ok(),
    })
    .unwrap_or_else(|err| panic!("{err}"));
    let lesson = course.lesson("hot-keys").unwrap();
    assert_eq!(course.lessons.len(), 2);
    assert_eq!((lesson.goals.len(), lesson.hints.len(), lesson.quiz.len()), (2, 2, 1));
}

/// Counts in prose drift as the course grows: the README and the guide state
/// none, and the outline's topic numbers the guide gives are the crate's.
#[test]
fn the_prose_states_no_count_that_can_drift() {
    let readme = include_str!("../../README.md");
    for (file, text) in [("README.md", readme), ("AUTHORING.md", GUIDE)] {
        // Prose only: `format_version = 1` above `lessons = [` is no count.
        let mut in_code = false;
        let prose: Vec<&str> = text
            .lines()
            .filter(|line| {
                in_code ^= line.trim_start().starts_with("```");
                !in_code && !line.trim_start().starts_with("```")
            })
            .collect();
        let words: Vec<&str> = prose.iter().flat_map(|line| line.split_whitespace()).collect();
        for pair in words.windows(2) {
            let counted = ["lessons", "lessons,", "questions", "goals"].contains(&pair[1]);
            assert!(!(counted && pair[0].parse::<u32>().is_ok()), "{file} counts: {} {}", pair[0], pair[1]);
        }
    }
    let topics = shardlab_lessons::TOPIC_COUNT;
    let outline = format!("1 to {}; {topics} is the exam", topics - 1);
    assert!(GUIDE.contains(&outline), "AUTHORING.md should give the topics as {outline:?}");
}
