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

    // Its answer key line, with the shipped lines of the other lesson.
    let shipped_key = fs::read_to_string(shipped.join("answer_key.txt")).unwrap();
    let other: String =
        shipped_key.lines().filter(|l| l.starts_with("shards-and-partition-keys ")).map(|l| format!("{l}\n")).collect();
    course.check_answer_key(&format!("{other}{}", example("answer_key.txt"))).unwrap_or_else(|err| panic!("{err}"));

    // The trace the guide shows is the example's, up to its ellipsis.
    let shown = GUIDE
        .split("--trace hot-keys lessons/\n   ```\n\n   ```text\n")
        .nth(1)
        .unwrap()
        .split("   …\n")
        .next()
        .unwrap();
    let shown: String = shown.lines().map(|line| format!("{}\n", line.strip_prefix("   ").unwrap_or(line))).collect();
    let trace = lesson.trace();
    assert!(trace.starts_with(&shown), "the guide shows:\n{shown}\nthe trace is:\n{trace}");
    assert!(trace.contains("  ends at 00:00:05: every goal met\n"), "{trace}");
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

/// The `[setup]` blocks under the guide's "Cookbook", by recipe heading.
fn recipes() -> Vec<(&'static str, &'static str)> {
    let cookbook = &GUIDE[GUIDE.find("\n## Cookbook\n").expect("a cookbook")..];
    let cookbook = &cookbook[..cookbook[1..].find("\n## ").expect("a section after the cookbook") + 1];
    cookbook
        .split("\n### ")
        .skip(1)
        .map(|recipe| {
            let (heading, body) = recipe.split_once('\n').unwrap();
            let block = body.split("```toml\n").nth(1).and_then(|rest| rest.split("```").next());
            (heading, block.unwrap_or_else(|| panic!("recipe {heading:?} has no toml block")))
        })
        .collect()
}

/// Each cookbook recipe stages what it says, read as its text says to read it.
#[test]
fn the_cookbook_s_recipes_stage_their_scenarios() {
    use serde_json::{Value, json};
    let metric = |stream: &str, name: &str| json!({"StreamName": stream, "MetricName": name, "Period": 86400, "StartTime": 1_767_225_600, "EndTime": 1_767_312_000});
    type Check = (&'static str, &'static str, Value, &'static str, fn(&Value) -> bool);
    let checks: Vec<Check> = vec![
        ("A hot key", "Shardlab.Generators", json!({}), "/Generators/0/Throttled", |v| v.as_u64() > Some(0)),
        (
            "A shared read budget that starves a poller",
            "Shardlab.GetMetricStatistics",
            metric("payments", "ReadProvisionedThroughputExceeded"),
            "/Datapoints/0/Sum",
            |v| v.as_f64() > Some(0.0),
        ),
        (
            "A paused consumer",
            "Shardlab.Consumers",
            json!({}),
            "/Consumers/0/Shards/0/IteratorExpired/ResumeFrom/ShardIteratorType",
            |v| v == "AFTER_SEQUENCE_NUMBER",
        ),
        (
            "A `TRIM_HORIZON` backlog",
            "Shardlab.Consumers",
            json!({}),
            "/Consumers/0/Shards/0/MillisBehindLatest",
            |v| v.as_u64() > Some(1000),
        ),
        (
            "A poison pill",
            "Shardlab.Invocations",
            json!({"UUID": "00000000-0000-4000-8000-000000000000"}),
            "/Invocations",
            |v| v.as_array().is_some_and(|i| i.iter().any(|i| i["Outcome"] == "FUNCTION_ERROR")),
        ),
        (
            "Counting in tumbling windows",
            "Shardlab.Invocations",
            json!({"UUID": "00000000-0000-4000-8000-000000000000"}),
            "/Invocations",
            |v| {
                v.as_array().is_some_and(|i| {
                    i.iter().any(|i| i["Window"]["IsFinalInvokeForWindow"] == true && i["Window"]["State"] != "{}")
                })
            },
        ),
        (
            "A throttled function",
            "Shardlab.GetFunctionConcurrency",
            json!({"FunctionName": "ship-orders"}),
            "/Throttles",
            |v| v.as_u64() > Some(0),
        ),
        (
            "A failing Firehose destination",
            "Shardlab.FirehoseStatus",
            json!({"DeliveryStreamName": "events-to-lake"}),
            "/Counters/FailedDeliveryAttempts",
            |v| v.as_u64() > Some(0),
        ),
    ];
    let recipes = recipes();
    let headings: Vec<&str> = recipes.iter().map(|(heading, _)| *heading).collect();
    assert_eq!(headings, checks.iter().map(|c| c.0).collect::<Vec<_>>());
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let index = "format_version = 1\nlessons = [\"02-hot-keys\"]\n";
    for ((heading, setup), (_, target, body, pointer, holds)) in recipes.into_iter().zip(checks) {
        let lesson_toml =
            example("02-hot-keys/lesson.toml").replace("[setup]\nstream_name = \"clicks\"\nshard_count = 2\n", setup);
        let course = Course::parse_files_trusted(|path| match path {
            "index.toml" => Some(index.to_string()),
            "02-hot-keys/lesson.toml" => Some(lesson_toml.clone()),
            path if path.starts_with("02-hot-keys/") => Some(example(path).to_string()),
            path => fs::read_to_string(shipped.join(path)).ok(),
        })
        .unwrap_or_else(|err| panic!("{heading}: {err}"));
        let mut sim = course.lessons[0].start();
        let answer = shardlab_core::api::handle(&mut sim, target, &body.to_string());
        let answer: Value = serde_json::from_str(&answer.body).unwrap();
        let value = answer.pointer(pointer).cloned().unwrap_or(Value::Null);
        assert!(holds(&value), "{heading}: {target} {pointer} = {value} in {answer}");
    }
}
