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
