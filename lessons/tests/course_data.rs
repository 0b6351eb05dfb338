//! The embedded course, checked through the API the web app uses.
//!
//! Loading already refuses a lesson whose reference solution fails or whose
//! known-wrong solutions pass; these tests state the same properties
//! directly, and pin the facts the prose tells the learner.

use std::collections::BTreeMap;

use shardlab_core::Simulation;
use shardlab_lessons::markdown::{Block, Inline};
use shardlab_lessons::{Action, Course, EXAM_FILE, Exam, Lesson, Markdown, from_json, lesson_file};

/// The embedded course, loaded (and so replayed) once for every test here.
fn course() -> Course {
    static COURSE: std::sync::OnceLock<Course> = std::sync::OnceLock::new();
    COURSE
        .get_or_init(|| Course::load().unwrap_or_else(|err| panic!("the embedded course does not load: {err}")))
        .clone()
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

/// The course follows the outline: each lesson's first topic is at least
/// the one before it, ids are unique, and every lesson topic of the outline
/// (1 to 23; 24 is the exam) is taught by some lesson.
#[test]
fn lessons_follow_the_outline_and_cover_every_topic() {
    let course = course();
    let first_topics: Vec<u32> = course.lessons.iter().map(|lesson| lesson.topics[0]).collect();
    assert!(first_topics.is_sorted(), "first topics in index order: {first_topics:?}");
    let ids: std::collections::BTreeSet<&str> = course.lessons.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids.len(), course.lessons.len(), "lesson ids are unique");
    let covered: std::collections::BTreeSet<u32> =
        course.lessons.iter().flat_map(|l| l.topics.iter().copied()).collect();
    let missing: Vec<u32> = (1..shardlab_lessons::TOPIC_COUNT).filter(|t| !covered.contains(t)).collect();
    assert_eq!(missing, Vec::<u32>::new(), "topics without a lesson");
    assert!(course.exam.is_some(), "topic {} is the practice exam", shardlab_lessons::TOPIC_COUNT);
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
/// `data/answer_key.txt`, agrees with the quizzes, so that a flipped
/// `correct` flag or a changed number fails here.
#[test]
fn quizzes_mark_exactly_the_intended_answers() {
    course().check_answer_key(include_str!("../data/answer_key.txt")).unwrap_or_else(|err| panic!("{err}"));
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

/// Sends one JSON API request and returns the parsed answer, which must be a 200.
/// Sends one JSON API request and returns the answer, which must be a 200.
#[track_caller]
fn api(sim: &mut Simulation, target: &str, body: serde_json::Value) -> serde_json::Value {
    let response = shardlab_core::api::handle(sim, target, &body.to_string());
    assert_eq!(response.status, 200, "{target}: {}", response.body);
    if response.body.is_empty() { serde_json::json!({}) } else { serde_json::from_str(&response.body).unwrap() }
}

#[test]
fn on_demand_lesson_tells_the_truth_about_scaling_and_prices() {
    use shardlab_core::cost::{
        ON_DEMAND_DATA_IN_PER_GB, ON_DEMAND_RECORD_ROUNDING_BYTES, ON_DEMAND_STREAM_HOUR,
        PUT_PAYLOAD_UNITS_PER_MILLION, SHARD_HOUR,
    };
    let course = course();
    let lesson = course.lesson("on-demand-capacity").unwrap();
    // "the two shards became four"
    let mut sim = replay(lesson, &lesson.solution);
    let summary =
        api(&mut sim, "Kinesis_20131202.DescribeStreamSummary", serde_json::json!({"StreamName": "telemetry"}));
    assert_eq!(summary["StreamDescriptionSummary"]["OpenShardCount"], 4);
    // A provisioned stream took all 2,500 records only in its first seconds'
    // burst, which the `full-rate` goal's window leaves out.
    let mut provisioned = lesson.start();
    Action::Advance { millis: 60_000 }.apply(&mut provisioned).unwrap();
    assert!(unmet_goals(lesson, &mut provisioned).contains(&"full-rate".to_string()));

    // The monthly bills the explanation and the quiz quote: 2,500 records/s
    // of 100 bytes for 30 days, on demand and on four provisioned shards.
    let dollars = |money: shardlab_core::cost::Money| money.nanos() as f64 / 1e9;
    let (records, hours) = (2500.0 * 30.0 * 86_400.0, 720.0);
    let gb = records * ON_DEMAND_RECORD_ROUNDING_BYTES as f64 / f64::from(1u32 << 30);
    let data_in = gb * dollars(ON_DEMAND_DATA_IN_PER_GB);
    let stream_hours = hours * dollars(ON_DEMAND_STREAM_HOUR);
    let shard_hours = 4.0 * hours * dollars(SHARD_HOUR);
    let put_units = records / 1e6 * dollars(PUT_PAYLOAD_UNITS_PER_MILLION);
    assert_eq!([data_in, stream_hours, shard_hours, put_units].map(f64::round), [494.0, 29.0, 43.0, 91.0]);
    assert_eq!(((data_in + stream_hours).round(), (shard_hours + put_units).round()), (523.0, 134.0));
    for figure in ["$494", "$29", "$134", "$43", "$91"] {
        assert!(mentions(&lesson.explanation, figure), "{figure}");
    }
    // "more than five times as much" per 100-byte record.
    let per_record_on_demand =
        ON_DEMAND_RECORD_ROUNDING_BYTES as f64 / f64::from(1u32 << 30) * dollars(ON_DEMAND_DATA_IN_PER_GB);
    let per_record_provisioned = dollars(PUT_PAYLOAD_UNITS_PER_MILLION) / 1e6;
    assert!((5.0..6.0).contains(&(per_record_on_demand / per_record_provisioned)));
}

#[test]
fn kpl_lesson_tells_the_truth_about_keys() {
    let course = course();
    let lesson = course.lesson("kpl-aggregation").unwrap();
    assert_eq!((lesson.stream_name(), lesson.setup.shard_count), ("clicks", Some(2)));
    // "`user-1` and `user-8` to `user-10` go to one shard, `user-2` to `user-7` to the other"
    assert!(["user-8", "user-10", "user-7"].iter().all(|key| mentions(&lesson.hints[1], key)));
    for n in 1..=10 {
        let key = format!("user-{n}");
        let mut sim = lesson.start();
        Action::PutRecord {
            stream_name: "clicks".into(),
            partition_key: key.clone(),
            data: "click".into(),
            explicit_hash_key: None,
        }
        .apply(&mut sim)
        .unwrap();
        let stream = sim.stream("clicks").unwrap();
        let shard = stream.shards.iter().find(|shard| shard.n_records == 1).unwrap().id.index();
        assert_eq!(shard, u32::from(n == 1 || n >= 8), "key={key}");
    }
    // The solution: ten user records, two Kinesis records, one PutRecords call.
    let mut sim = replay(lesson, &lesson.solution);
    let status = api(&mut sim, "Shardlab.KplStatus", serde_json::json!({"ProducerId": 0}));
    assert_eq!(status["Counters"]["UserRecordsSucceeded"], 10);
    assert_eq!(status["Counters"]["KinesisRecordsSent"], 2);
    assert_eq!(status["Counters"]["PutRecordsCalls"], 1);
}

#[test]
fn kcl_lesson_tells_the_truth_about_workers_and_checkpoints() {
    let course = course();
    let lesson = course.lesson("kcl-leases").unwrap();
    let mut sim = lesson.start();
    // Version 1 checkpointed six orders and released both leases.
    let leases = api(&mut sim, "Shardlab.KclLeases", serde_json::json!({"ApplicationId": 0}));
    for lease in leases["Leases"].as_array().unwrap() {
        assert!(lease.get("leaseOwner").is_none_or(serde_json::Value::is_null), "{lease}");
        assert!(lease["checkpoint"].as_str().unwrap().starts_with("49"), "{lease}");
    }
    // "the first you start is `worker-1`"
    assert_eq!(api(&mut sim, "Shardlab.KclStartWorker", serde_json::json!({"ApplicationId": 0}))["WorkerId"], 1);
    // After the solution: ten processed, none redelivered.
    let mut sim = replay(lesson, &lesson.solution);
    let output = api(&mut sim, "Shardlab.KclOutput", serde_json::json!({"ApplicationId": 0}));
    assert_eq!(
        (output["Counters"]["Processed"].as_u64(), output["Counters"]["Redelivered"].as_u64()),
        (Some(10), Some(0))
    );
}

#[test]
fn idempotency_lesson_tells_the_truth_about_duplicates() {
    let course = course();
    let lesson = course.lesson("idempotent-consumers").unwrap();
    let mut sim = replay(lesson, &lesson.solution);
    let output = api(&mut sim, "Shardlab.KclOutput", serde_json::json!({"ApplicationId": 0}));
    let records = output["Records"].as_array().unwrap();
    let payment = |record: &serde_json::Value| {
        let data = shardlab_core::base64::decode(record["Data"].as_str().unwrap()).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&data).unwrap();
        json["payment_id"].as_str().unwrap().to_owned()
    };
    // Payments 6, 7 and 8 came twice, with their sequence numbers; the
    // producer's second pay-3 came once, under a new sequence number.
    let again: Vec<String> = records.iter().filter(|r| r["DeliveryCount"] == 2).map(payment).collect();
    assert_eq!(again, ["pay-6", "pay-7", "pay-8"]);
    let pay_3: Vec<&serde_json::Value> = records.iter().filter(|r| payment(r) == "pay-3").collect();
    assert_eq!(pay_3.len(), 2);
    assert!(pay_3.iter().all(|r| r["DeliveryCount"] == 1));
    assert_ne!(pay_3[0]["SequenceNumber"], pay_3[1]["SequenceNumber"]);
    assert_eq!(output["Counters"]["Redelivered"], 3);
}

#[test]
fn the_site_s_unreplayed_load_reads_the_same_course() {
    assert_eq!(Course::load_trusted().unwrap(), course());
}

/// The site carries the course's outline and fetches each lesson, and the
/// exam, as the build wrote it, in JSON: every file reads back as the part
/// of the course it was made from, and every lesson of the outline has one.
#[test]
fn the_site_s_files_round_trip_through_json() {
    let course = course().for_site();
    let files: BTreeMap<String, String> = course.site_files().into_iter().collect();
    let outline = course.outline();
    assert_eq!(outline.lessons.len(), course.lessons.len());
    for (entry, lesson) in outline.lessons.iter().zip(&course.lessons) {
        assert_eq!((&entry.id, &entry.title), (&lesson.id, &lesson.title));
        let file = lesson_file(&lesson.id);
        assert_eq!(&from_json::<Lesson>(&file, &files[&file]).unwrap(), lesson);
        assert!(lesson.wrong_solutions.is_empty(), "{file} carries known-wrong solutions");
    }
    let exam = course.exam.as_ref().unwrap();
    assert_eq!(outline.exam.as_ref().unwrap().questions, exam.questions.len());
    assert_eq!(&from_json::<Exam>(EXAM_FILE, &files[EXAM_FILE]).unwrap(), exam);
    assert_eq!(files.len(), course.lessons.len() + 1, "one file per lesson, and the exam");
    let json = &files[EXAM_FILE];
    let cut = from_json::<Exam>(EXAM_FILE, &json[..json.len() / 2]).unwrap_err();
    assert_eq!(cut.file, EXAM_FILE);
    assert!(cut.message.contains("EOF while parsing"), "{cut}");
}

/// The exam covers the course and its parametric questions compute what the
/// per-shard limits say: 1,000 records and 1 MiB written a second (whichever
/// needs more shards), and 5 `GetRecords` calls a second shared by every
/// consumer of a shard.
#[test]
fn exam_parametric_answers_follow_the_shard_limits() {
    use shardlab_lessons::probe::Probe;

    let course = course();
    let exam = course.exam.as_ref().expect("the course has an exam");
    assert!(exam.questions.len() >= 25, "the exam has {} questions", exam.questions.len());
    let parametric: Vec<_> = exam.questions.iter().filter(|question| question.probe.is_some()).collect();
    assert!(parametric.len() >= 4, "the exam has {} parametric questions", parametric.len());
    for seed in [0, 1, 7, 42, 2026] {
        for question in &parametric {
            let asked = question.ask(seed);
            let expected = match question.probe.as_ref().unwrap() {
                Probe::ShardsForWriteRate { records_per_second, record_bytes } => {
                    let (rate, bytes) = (asked.params[records_per_second], asked.params[record_bytes]);
                    rate.div_ceil(1000).max((rate * bytes).div_ceil(1024 * 1024))
                }
                Probe::ReadCallsPerConsumer { consumers } => 5 / asked.params[consumers],
            };
            assert_eq!(
                asked.numeric_answer,
                Some(expected as f64),
                "question={} seed={seed} params={:?}",
                question.id,
                asked.params
            );
        }
    }
}

/// What the throughput lesson's numeric question and prose say: 1,500 records
/// a second with 80% on one key throttle about 350 a second on two shards,
/// and the uniform replacement is never throttled.
#[test]
fn throughput_lesson_tells_the_truth_about_the_hot_shard() {
    let course = course();
    let lesson = course.lesson("throughput-errors").unwrap();
    let mut sim = lesson.start();
    let counters = |sim: &mut Simulation| -> (u64, u64) {
        let generators = sim.generators();
        (generators[0].counters.sent, generators[0].counters.throttled)
    };
    let (sent_before, throttled_before) = counters(&mut sim);
    Action::Advance { millis: 10_000 }.apply(&mut sim).unwrap();
    let (sent, throttled) = counters(&mut sim);
    assert_eq!(sent - sent_before, 15_000);
    let per_second = (throttled - throttled_before) as f64 / 10.0;
    assert!((300.0..=400.0).contains(&per_second), "{per_second} throttled a second");
}

/// What the monitoring lesson's explanation says about the reference path:
/// a consumer that starts at `TRIM_HORIZON` is first tens of seconds behind,
/// each shard holds about 24,000 records, and three polls catch it up.
#[test]
fn monitoring_lesson_tells_the_truth_about_catching_up() {
    let course = course();
    let lesson = course.lesson("monitoring-metrics").unwrap();
    // The burst and its end, then the consumer.
    let mut sim = replay(lesson, &lesson.solution[..4]);
    let behind = |sim: &Simulation| -> Vec<u64> {
        sim.consumers()[0].shards.iter().map(|shard| shard.millis_behind_latest).collect()
    };
    let read = |sim: &Simulation| -> Vec<u64> { sim.consumers()[0].shards.iter().map(|s| s.records_read()).collect() };
    Action::Advance { millis: 1000 }.apply(&mut sim).unwrap();
    assert!(behind(&sim).iter().all(|&ms| ms >= 30_000), "after one poll: {:?}", behind(&sim));
    Action::Advance { millis: 2000 }.apply(&mut sim).unwrap();
    assert_eq!(behind(&sim), [0, 0], "after three polls");
    assert!(read(&sim).iter().all(|&n| (20_000..=28_000).contains(&n)), "records per shard: {:?}", read(&sim));
}

#[test]
fn spike_lesson_tells_the_truth_about_capacity() {
    let course = course();
    let lesson = course.lesson("streaming-fundamentals").unwrap();
    assert_eq!((lesson.stream_name(), lesson.setup.shard_count), ("clicks", Some(2)));
    let mut sim = replay(lesson, &lesson.solution);
    // Twenty seconds at 1,500 a second is exactly 30,000 clicks, none throttled.
    let generators = api(&mut sim, "Shardlab.Generators", serde_json::json!({}));
    assert_eq!(generators["Generators"][1]["Stored"], 30000);
    assert_eq!(generators["Generators"][1]["Throttled"], 0);
    // The dashboard is never behind the tip of either shard.
    let consumers = api(&mut sim, "Shardlab.Consumers", serde_json::json!({}));
    for shard in consumers["Consumers"][0]["Shards"].as_array().unwrap() {
        assert_eq!(shard["MillisBehindLatest"], 0, "{shard}");
    }
    // The explanation says a spike of exactly 1,800 a second throttles a few.
    assert!(mentions(&lesson.explanation, "1,800"));
    let mut sim = lesson.start();
    let body =
        serde_json::json!({"StreamName": "clicks", "RecordsPerSecond": 1800, "Keys": {"Distribution": "UNIFORM"}});
    api(&mut sim, "Shardlab.StartGenerator", body);
    api(&mut sim, "Shardlab.AdvanceClock", serde_json::json!({"Millis": 30000}));
    let generators = api(&mut sim, "Shardlab.Generators", serde_json::json!({}));
    assert!(generators["Generators"][1]["Throttled"].as_u64().unwrap() > 0);
}

#[test]
fn putrecords_lesson_tells_the_truth_about_the_batch() {
    let course = course();
    let lesson = course.lesson("putrecords-partial-failures").unwrap();
    let mut sim = lesson.start();
    // The backfill stored 1,900 records, none throttled, all in shard 1.
    let generators = api(&mut sim, "Shardlab.Generators", serde_json::json!({}));
    assert_eq!(
        (generators["Generators"][0]["Stored"].as_u64(), generators["Generators"][0]["Throttled"].as_u64()),
        (Some(1900), Some(0))
    );
    let Action::Api { target, body } = &lesson.solution[0] else { panic!("the solution starts with PutRecords") };
    assert_eq!(target, "Kinesis_20131202.PutRecords");
    let answer = api(&mut sim, target, body.clone());
    assert_eq!(answer["FailedRecordCount"], 5);
    // The hint and the explanation name the entries that fail and where they go.
    let results = answer["Records"].as_array().unwrap();
    for (idx, result) in results.iter().enumerate() {
        let order = idx + 1;
        let throttled = [3, 5, 7, 8, 10].contains(&order);
        if throttled {
            assert_eq!(result["ErrorCode"], "ProvisionedThroughputExceededException", "order-{order}");
            assert!(result["ErrorMessage"].as_str().unwrap().contains("shardId-000000000001"));
        } else {
            assert_eq!(result["ShardId"], "shardId-000000000000", "order-{order}");
        }
    }
    assert!(mentions(&lesson.hints[2], "order-10") && mentions(&lesson.explanation, "shardId-000000000001"));
    // Retrying at once meets the same empty shard.
    let Action::Api { body: retry, .. } = &lesson.solution[2] else { panic!("the third step retries") };
    assert_eq!(api(&mut sim, target, retry.clone())["FailedRecordCount"], 5);
}

#[test]
fn replay_lesson_names_the_right_sequence_number() {
    let course = course();
    let lesson = course.lesson("when-to-use-data-streams").unwrap();
    let seq5 = "49000000000000000000000000000000000000000000000000000004";
    assert!(mentions(&lesson.intro, seq5) && mentions(&lesson.hints[2], seq5));
    let mut sim = lesson.start();
    let read_from = |sim: &mut Simulation, kind: &str| -> Vec<String> {
        let body = serde_json::json!({"StreamName": "payments", "ShardId": "shardId-000000000000", "ShardIteratorType": kind, "StartingSequenceNumber": seq5});
        let iterator = api(sim, "Kinesis_20131202.GetShardIterator", body)["ShardIterator"].clone();
        let records = api(sim, "Kinesis_20131202.GetRecords", serde_json::json!({"ShardIterator": iterator}));
        records["Records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["SequenceNumber"].as_str().unwrap().to_string())
            .collect()
    };
    // AT starts with payment 5 (payments 5 to 8); AFTER skips it.
    let at = read_from(&mut sim, "AT_SEQUENCE_NUMBER");
    assert_eq!((at.len(), at[0].as_str()), (4, seq5));
    assert_eq!(read_from(&mut sim, "AFTER_SEQUENCE_NUMBER").len(), 3);
}

/// The sizes of shard 1's invocations whose `Handling` is `handling`, in order.
fn shard1_batches(sim: &mut Simulation, handling: &str) -> Vec<u64> {
    let log = api(sim, "Shardlab.Invocations", serde_json::json!({"UUID": "00000000-0000-4000-8000-000000000000"}));
    log["Invocations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["ShardId"] == "shardId-000000000001" && i["Handling"] == handling)
        .map(|i| i["BatchSize"].as_u64().unwrap())
        .collect()
}

#[test]
fn lambda_lesson_tells_the_truth_about_the_poison_pill() {
    let course = course();
    let lesson = course.lesson("lambda-event-source-mapping").unwrap();
    let mapping = serde_json::json!({"UUID": "00000000-0000-4000-8000-000000000000"});
    // At the start, the same batch of 52 on shard 1 is retried again and again.
    let mut sim = lesson.start();
    let retried = shard1_batches(&mut sim, "RETRIED");
    assert!(retried.len() >= 5 && retried.iter().all(|&size| size == 52), "{retried:?}");
    assert!(mentions(&lesson.intro, "52") && mentions(&lesson.intro, "shardId-000000000001"));
    // The solution halves it down to the pill: failing pieces of 52, 26, 13, 6, 3, 2.
    let mut sim = replay(lesson, &lesson.solution);
    assert_eq!(shard1_batches(&mut sim, "BISECTED"), [52, 26, 13, 6, 3, 2]);
    assert_eq!(shard1_batches(&mut sim, "DISCARDED"), [1]);
    let progress = api(&mut sim, "Shardlab.GetEventSourceMapping", mapping.clone())["Progress"].clone();
    assert_eq!((progress["DiscardedRecords"].as_u64(), progress["Concurrency"].as_u64()), (Some(1), Some(4)));
    let dest = serde_json::json!({"Destination": "arn:aws:sqs:us-east-1:123456789012:orders-failures"});
    let messages = api(&mut sim, "Shardlab.DestinationMessages", dest)["Messages"].clone();
    assert_eq!(messages.as_array().unwrap().len(), 1);
    assert!(messages[0].as_str().unwrap().contains("KinesisBatchInfo"));
    // Capping retries without bisecting gives up all 52: 51 good orders with the pill.
    let wrong = lesson.wrong_solutions.iter().find(|w| w.name == "capping retries without bisecting").unwrap();
    let mut sim = replay(lesson, &wrong.actions);
    assert_eq!(api(&mut sim, "Shardlab.GetEventSourceMapping", mapping)["Progress"]["DiscardedRecords"], 52);
}

/// The one object under `prefix` after the lesson's solution: its key and its text.
fn only_object(lesson: &Lesson, bucket: &str, prefix: &str) -> (String, String) {
    let mut sim = replay(lesson, &lesson.solution);
    let list = api(&mut sim, "Shardlab.S3ListObjects", serde_json::json!({"Bucket": bucket, "Prefix": prefix}));
    assert_eq!(list["KeyCount"], 1, "lesson={}", lesson.id);
    let key = list["Contents"][0]["Key"].as_str().unwrap().to_string();
    let object = api(&mut sim, "Shardlab.S3GetObject", serde_json::json!({"Bucket": bucket, "Key": key}));
    let text = object["Text"].as_str().or(object["InflatedText"].as_str()).unwrap().to_string();
    (key, text)
}

#[test]
fn firehose_lessons_tell_the_truth_about_the_objects() {
    let course = course();
    // Three clicks, run together (Firehose adds no delimiter), in one object
    // named by the UTC hour.
    let lesson = course.lesson("streams-or-firehose").unwrap();
    let (key, text) = only_object(lesson, "clickstream-archive", "clicks/");
    assert!(key.starts_with("clicks/2026/01/01/00/clicks-archive-1-"), "{key}");
    assert!(mentions(&lesson.explanation, "clicks/2026/01/01/00/") && mentions(&lesson.explanation, &text));
    // Four clicks, no heartbeat, GZIP.
    let lesson = course.lesson("firehose-delivery").unwrap();
    let (key, text) = only_object(lesson, "events-lake", "events/");
    assert!(key.starts_with("events/2026/01/01/00/events-to-lake-1-") && key.ends_with(".gz"), "{key}");
    assert_eq!(text.lines().count(), 4);
    assert!(!text.contains("heartbeat"));
    // The archive of the hot-cold lesson, and what it misses: the clicks
    // written before the delivery stream existed (it reads from LATEST).
    let lesson = course.lesson("hot-cold-pattern").unwrap();
    let (key, _) = only_object(lesson, "clicks-archive", "raw/");
    assert!(key.starts_with("raw/2026/01/01/00/clicks-cold-1-"), "{key}");
    let mut sim = replay(lesson, &lesson.solution);
    let stored =
        api(&mut sim, "Shardlab.Generators", serde_json::json!({}))["Generators"][0]["Stored"].as_u64().unwrap();
    let status = api(&mut sim, "Shardlab.FirehoseStatus", serde_json::json!({"DeliveryStreamName": "clicks-cold"}));
    let incoming = status["Counters"]["IncomingRecords"].as_u64().unwrap();
    assert!(incoming + 20 <= stored, "incoming={incoming} stored={stored}");
}

#[test]
fn sqs_lesson_tells_the_truth_about_sharing_and_splitting() {
    let course = course();
    let lesson = course.lesson("kinesis-or-sqs").unwrap();
    let queue = "https://sqs.us-east-1.amazonaws.com/123456789012/order-tasks";
    // The two receives of the solution hand out different messages.
    let mut sim = lesson.start();
    let receive = serde_json::json!({"QueueUrl": queue, "MaxNumberOfMessages": 2});
    let bodies = |answer: serde_json::Value| -> Vec<String> {
        answer["Messages"].as_array().unwrap().iter().map(|m| m["Body"].as_str().unwrap().to_string()).collect()
    };
    let (a, b) = (
        bodies(api(&mut sim, "AmazonSQS.ReceiveMessage", receive.clone())),
        bodies(api(&mut sim, "AmazonSQS.ReceiveMessage", receive)),
    );
    assert_eq!((a.len(), b.len()), (2, 2));
    assert!(a.iter().all(|body| !b.contains(body)));
    // Both stream consumers read all four orders.
    let mut sim = replay(lesson, &lesson.solution);
    let consumers = api(&mut sim, "Shardlab.Consumers", serde_json::json!({}));
    assert_eq!(
        (consumers["Consumers"][0]["RecordsRead"].as_u64(), consumers["Consumers"][1]["RecordsRead"].as_u64()),
        (Some(4), Some(4))
    );
}

/// Sends one request through the JSON API and returns its 200 answer's text.
#[track_caller]
fn api_text(sim: &mut Simulation, target: &str, body: &str) -> String {
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
    assert!(api_text(&mut sim, "Kinesis_20131202.PutRecord", put).contains("shardId-000000000005"));
}

#[test]
fn starting_positions_lesson_names_the_right_checkpoint() {
    let course = course();
    let lesson = course.lesson("starting-positions").unwrap();
    let checkpoint = "49000000000000000000000000000000000000000000000000000004";
    assert!(mentions(&lesson.intro, checkpoint) && mentions(&lesson.hints[2], checkpoint));
    // The checkpoint is invoice 5's sequence number, and the record after it is invoice 6.
    let mut sim = lesson.start();
    let iterator = api_text(
        &mut sim,
        "Kinesis_20131202.GetShardIterator",
        &format!(
            r#"{{"StreamName":"billing","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"{checkpoint}"}}"#
        ),
    );
    let iterator: serde_json::Value = serde_json::from_str(&iterator).unwrap();
    let records = api_text(
        &mut sim,
        "Kinesis_20131202.GetRecords",
        &serde_json::json!({"ShardIterator": iterator["ShardIterator"], "Limit": 2}).to_string(),
    );
    let records: serde_json::Value = serde_json::from_str(&records).unwrap();
    let keys: Vec<&str> =
        records["Records"].as_array().unwrap().iter().map(|r| r["PartitionKey"].as_str().unwrap()).collect();
    assert_eq!(keys, ["customer-5", "customer-6"]);
}

#[test]
fn expired_iterators_lesson_tells_the_truth_about_the_stall() {
    let course = course();
    let lesson = course.lesson("expired-iterators").unwrap();
    let mut sim = lesson.start();
    // The learner reads "none yet", not a JSON pointer, before the iterator expires.
    let expired = &lesson.check(&mut sim)[0];
    assert_eq!(expired.detail, "where consumer 0 resumed on shardId-000000000000: none yet");

    // "while it was frozen: nothing": MillisBehindLatest keeps its last value, 0.
    lesson.solution[0].apply(&mut sim).unwrap();
    Action::Advance { millis: 180_000 }.apply(&mut sim).unwrap();
    let consumers = api(&mut sim, "Shardlab.Consumers", serde_json::json!({}));
    let behind: Vec<&serde_json::Value> =
        consumers["Consumers"][0]["Shards"].as_array().unwrap().iter().map(|s| &s["MillisBehindLatest"]).collect();
    assert_eq!(behind, [0, 0]);

    // "jumped past 300,000 ms", then caught up within the seven minutes.
    Action::Advance { millis: 240_000 }.apply(&mut sim).unwrap();
    let statuses = lesson.check(&mut sim);
    assert!(statuses.iter().all(|s| s.met), "{statuses:?}");
    assert_eq!(statuses[0].detail, "where consumer 0 resumed on shardId-000000000000: AFTER_SEQUENCE_NUMBER");

    // "90 MB a shard" is six minutes of the producer's 500 records of 1,000 bytes, over two shards.
    let generator = &api(&mut sim, "Shardlab.Generators", serde_json::json!({}))["Generators"][0];
    assert_eq!((&generator["RecordsPerSecond"], &generator["RecordBytes"]), (&500.into(), &1000.into()));
    assert_eq!(lesson.setup.shard_count, Some(2));
}
