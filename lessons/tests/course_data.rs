//! The embedded course, checked through the API the web app uses.
//!
//! Loading already refuses a lesson whose reference solution fails or whose
//! known-wrong solutions pass; these tests state the same properties
//! directly, and pin the facts the prose tells the learner.

use shardlab_core::Simulation;
use shardlab_lessons::markdown::{Block, Inline};
use shardlab_lessons::{Action, AnswerKey, Course, Lesson, Markdown};

fn course() -> Course {
    Course::load().unwrap_or_else(|err| panic!("the embedded course does not load: {err}"))
}

#[track_caller]
fn replay(lesson: &Lesson, actions: &[Action]) -> Simulation {
    let mut sim = lesson.start();
    for (idx, action) in actions.iter().enumerate() {
        action.apply(&mut sim).unwrap_or_else(|err| panic!("lesson={} step {}: {err}", lesson.id, idx + 1));
    }
    sim
}

fn unmet_goals(lesson: &Lesson, sim: &mut Simulation) -> Vec<String> {
    lesson.check(sim).into_iter().filter(|status| !status.met).map(|status| status.goal_id).collect()
}

#[test]
fn lessons_are_in_index_order() {
    let ids: Vec<String> = course().lessons.into_iter().map(|lesson| lesson.id).collect();
    assert_eq!(ids, ["shards-and-partition-keys", "polling-read-limits", "starting-positions", "enhanced-fan-out", "resharding-hot-shards", "provisioned-capacity"]);
}

#[test]
fn no_lesson_is_solved_at_the_start() {
    for lesson in course().lessons {
        assert!(!unmet_goals(&lesson, &mut lesson.start()).is_empty(), "lesson={}", lesson.id);
    }
}

#[test]
fn reference_solutions_meet_every_goal() {
    for lesson in course().lessons {
        let mut sim = replay(&lesson, &lesson.solution);
        assert_eq!(unmet_goals(&lesson, &mut sim), Vec::<String>::new(), "lesson={}", lesson.id);
        assert!(lesson.goals_met(&mut sim));
    }
}

#[test]
fn known_wrong_solutions_fail_a_goal() {
    for lesson in course().lessons {
        assert!(!lesson.wrong_solutions.is_empty(), "lesson={} has no known-wrong solution", lesson.id);
        for wrong in &lesson.wrong_solutions {
            // A wrong attempt may be refused part-way, as the learner's would be.
            let mut sim = lesson.start();
            for action in &wrong.actions {
                if action.apply(&mut sim).is_err() {
                    break;
                }
            }
            assert!(
                !unmet_goals(&lesson, &mut sim).is_empty(),
                "lesson={} wrong solution `{}` passes",
                lesson.id,
                wrong.name
            );
        }
    }
}

#[test]
fn hint_ladders_have_two_to_four_steps() {
    for lesson in course().lessons {
        assert!((2..=4).contains(&lesson.hints.len()), "lesson={} has {} hints", lesson.id, lesson.hints.len());
        assert!(!lesson.intro.is_empty() && !lesson.explanation.is_empty(), "lesson={}", lesson.id);
    }
}

/// Every question's right answer, written down a second time in
/// `answer_key.txt` (`lesson-id question-id answer`, where the answer is an
/// option index, indexes joined by commas, or `=N` for a number), so that a
/// flipped `correct` flag or a changed number fails here. The exam's
/// questions are listed under the lesson id `exam`.
#[test]
fn quizzes_mark_exactly_the_intended_answers() {
    let key = include_str!("answer_key.txt");
    let intended: Vec<String> = key
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(String::from)
        .collect();
    let course = course();
    let quizzes = course.lessons.iter().map(|lesson| (lesson.id.as_str(), &lesson.quiz));
    let exam = course.exam.iter().map(|exam| ("exam", &exam.questions));
    let mut actual = Vec::new();
    for (owner, questions) in quizzes.chain(exam) {
        for question in questions.iter() {
            for option in question.options() {
                assert!(!option.feedback.is_empty(), "question={} option {:?}", question.id, option.text);
            }
            let answer = match &question.answer {
                AnswerKey::Single(options) | AnswerKey::Multiple(options) => {
                    let right: Vec<String> =
                        options.iter().enumerate().filter(|(_, o)| o.correct).map(|(idx, _)| idx.to_string()).collect();
                    right.join(",")
                }
                // Parametric questions are checked by their probe's tests.
                AnswerKey::Numeric(_) if question.probe.is_some() => "=probe".into(),
                AnswerKey::Numeric(key) => format!("={}", key.answer),
            };
            actual.push(format!("{owner} {} {answer}", question.id));
        }
    }
    assert_eq!(actual, intended);
}

fn put(key: &str) -> Action {
    Action::PutRecord {
        stream_name: "orders".into(),
        partition_key: key.into(),
        data: "x".into(),
        explicit_hash_key: None,
    }
}

/// The index of the shard a record with `key` lands in, from the lesson's start.
fn shard_of(lesson: &Lesson, key: &str) -> u32 {
    let mut sim = lesson.start();
    put(key).apply(&mut sim).unwrap();
    let stream = sim.stream(lesson.stream_name()).unwrap();
    stream.shards.iter().find(|shard| shard.n_records == 1).unwrap().id.index()
}

/// Whether some text or code span of `markdown` contains `needle`.
fn mentions(markdown: &Markdown, needle: &str) -> bool {
    fn inline(node: &Inline, needle: &str) -> bool {
        match node {
            Inline::Text(text) | Inline::Code(text) => text.contains(needle),
            Inline::Emphasis(children) | Inline::Strong(children) | Inline::Link { children, .. } => {
                children.iter().any(|child| inline(child, needle))
            }
        }
    }
    fn block(node: &Block, needle: &str) -> bool {
        match node {
            Block::Paragraph(children) | Block::Heading { children, .. } => children.iter().any(|c| inline(c, needle)),
            Block::List { items, .. } => items.iter().flatten().any(|b| block(b, needle)),
            Block::CodeBlock(text) => text.contains(needle),
            Block::Quote(blocks) => blocks.iter().any(|b| block(b, needle)),
        }
    }
    markdown.0.iter().any(|node| block(node, needle))
}

#[test]
fn shards_lesson_tells_the_truth_about_routing() {
    let course = course();
    let lesson = course.lesson("shards-and-partition-keys").unwrap();
    assert_eq!((lesson.stream_name(), lesson.setup.shard_count), ("orders", Some(4)));

    // The last hint and the explanation say where these keys land.
    assert_eq!(lesson.hints.len(), 3);
    assert!(mentions(&lesson.hints[2], "user-42") && mentions(&lesson.hints[2], "shardId-000000000001"));
    assert!(mentions(&lesson.explanation, "user-7"));
    for (key, shard_idx) in [("user-42", 1), ("user-7", 1), ("user-1", 3)] {
        assert_eq!(shard_of(lesson, key), shard_idx, "key={key}");
    }
}

#[test]
fn shards_lesson_goals_explain_what_is_missing() {
    let course = course();
    let lesson = course.lesson("shards-and-partition-keys").unwrap();
    let details = |sim: &mut Simulation| -> Vec<(bool, String)> {
        lesson.check(sim).into_iter().map(|status| (status.met, status.detail)).collect()
    };
    let mut sim = lesson.start();
    put("user-42").apply(&mut sim).unwrap();
    put("user-42").apply(&mut sim).unwrap();
    assert_eq!(
        details(&mut sim),
        [(false, "the fullest shard holds 2 of 3 records".into()), (false, "records are in 1 of 2 shards".into())]
    );
    // A different key is not enough: user-7 shares user-42's shard.
    put("user-7").apply(&mut sim).unwrap();
    assert_eq!(
        details(&mut sim),
        [(true, "the fullest shard holds 3 records".into()), (false, "records are in 1 of 2 shards".into())]
    );
    put("user-1").apply(&mut sim).unwrap();
    assert!(lesson.goals_met(&mut sim));
}

/// Sends one request through the JSON API and returns its 200 answer.
#[track_caller]
fn api(sim: &mut Simulation, target: &str, body: &str) -> String {
    let response = shardlab_core::api::handle(sim, target, body);
    assert_eq!(response.status, 200, "{target}: {}", response.body);
    response.body
}

#[test]
fn resharding_lesson_tells_the_truth_about_the_hot_key() {
    let course = course();
    let lesson = course.lesson("resharding-hot-shards").unwrap();
    let put = r#"{"StreamName":"clicks","PartitionKey":"hot-key","Data":"eA=="}"#;
    // At the start, hot-key lands in the third quarter, as the hints say.
    // That shard is over its limit, so the answer may be a throttle naming it.
    let mut sim = lesson.start();
    let answer = shardlab_core::api::handle(&mut sim, "Kinesis_20131202.PutRecord", put);
    assert!(answer.body.contains("shardId-000000000002"), "{}", answer.body);
    assert!(mentions(&lesson.hints[1], "shardId-000000000002"));
    // The hint's split key is the middle of shard 2's range, and after the
    // reference solution hot-key lands in the upper child, shard 5.
    let middle: u128 = (1u128 << 127) + (1u128 << 125);
    assert!(mentions(&lesson.hints[2], &middle.to_string()));
    let mut sim = replay(lesson, &lesson.solution);
    assert!(api(&mut sim, "Kinesis_20131202.PutRecord", put).contains("shardId-000000000005"));
}

#[test]
fn starting_positions_lesson_names_the_right_checkpoint() {
    let course = course();
    let lesson = course.lesson("starting-positions").unwrap();
    let checkpoint = "49000000000000000000000000000000000000000000000000000004";
    assert!(mentions(&lesson.intro, checkpoint) && mentions(&lesson.hints[2], checkpoint));
    // The checkpoint is invoice 5's sequence number, and the record after it is invoice 6.
    let mut sim = lesson.start();
    let iterator = api(
        &mut sim,
        "Kinesis_20131202.GetShardIterator",
        &format!(
            r#"{{"StreamName":"billing","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"{checkpoint}"}}"#
        ),
    );
    let iterator: serde_json::Value = serde_json::from_str(&iterator).unwrap();
    let records = api(
        &mut sim,
        "Kinesis_20131202.GetRecords",
        &serde_json::json!({"ShardIterator": iterator["ShardIterator"], "Limit": 2}).to_string(),
    );
    let records: serde_json::Value = serde_json::from_str(&records).unwrap();
    let keys: Vec<&str> =
        records["Records"].as_array().unwrap().iter().map(|r| r["PartitionKey"].as_str().unwrap()).collect();
    assert_eq!(keys, ["customer-5", "customer-6"]);
}
