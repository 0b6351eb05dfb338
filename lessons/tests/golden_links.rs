//! Share links made by an earlier build open in every later one.
//!
//! `data/golden/` holds, for a few lessons, the share fragment of the
//! simulation at the end of the lesson's reference solution, made by the
//! build named in that directory's README, and beside it what a client saw in
//! that simulation (`.seen`). The fragments are never regenerated: a change to
//! the snapshot's layout must keep them opening, through a migration if need
//! be, and the restored simulation must show a client the same streams,
//! shards, records and clock. Only a missing fixture is written, by
//! `SHARDLAB_BLESS=1 cargo test -p shardlab-lessons --test golden_links`.

use std::fmt::Write;
use std::path::PathBuf;
use std::{env, fs};

use serde_json::{Value, json};
use shardlab_core::{Simulation, api};
use shardlab_lessons::Course;

/// Lessons whose end state is pinned: between them polling and fan-out
/// consumers, a split, a Lambda mapping with a destination queue, Firehose
/// into S3, SQS, KCL leases and a KPL producer. Lessons whose end state holds
/// hundreds of thousands of records are left out: their links are megabytes
/// (issue 13 makes links recipes). [`SANDBOX`] adds what these lack.
const PINNED: &[&str] = &[
    "producers-stream-consumers",
    "shards-and-partition-keys",
    "putrecords-partial-failures",
    "enhanced-fan-out",
    "lambda-event-source-mapping",
    "firehose-delivery",
    "hot-cold-pattern",
    "kinesis-or-sqs",
    "kpl-aggregation",
    "kcl-leases",
    "idempotent-consumers",
];

/// A sandbox state built through the API: an on-demand stream encrypted with
/// KMS, a policy, a caller that is not the account, a stopped generator.
const SANDBOX: &str = "sandbox-on-demand-encrypted";

fn sandbox() -> Simulation {
    let mut sim = Simulation::default();
    let stream = "arn:aws:kinesis:us-east-1:123456789012:stream/vault";
    let producer = "arn:aws:iam::123456789012:user/producer";
    let calls = [
        (
            "Kinesis_20131202.CreateStream",
            json!({"StreamName": "vault", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        ),
        ("Shardlab.AdvanceClock", json!({"Millis": 5000})),
        (
            "Kinesis_20131202.StartStreamEncryption",
            json!({"StreamName": "vault", "EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}),
        ),
        ("Shardlab.AdvanceClock", json!({"Millis": 5000})),
        ("Kinesis_20131202.IncreaseStreamRetentionPeriod", json!({"StreamName": "vault", "RetentionPeriodHours": 48})),
        ("Shardlab.AdvanceClock", json!({"Millis": 5000})),
        (
            "Shardlab.AttachPolicy",
            json!({"Principal": producer, "Policy": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["kinesis:PutRecord", "kinesis:PutRecords"], "Resource": stream}]}}),
        ),
        (
            "Shardlab.StartGenerator",
            json!({"StreamName": "vault", "RecordsPerSecond": 40, "RecordBytes": 120,
            "Keys": {"Distribution": "UNIFORM", "DistinctKeys": 50}}),
        ),
        ("Shardlab.AdvanceClock", json!({"Millis": 7000})),
        ("Shardlab.StopGenerator", json!({"GeneratorId": 0})),
        ("Shardlab.SetCaller", json!({"Principal": producer})),
        ("Kinesis_20131202.PutRecord", json!({"StreamName": "vault", "PartitionKey": "k", "Data": "aGVsbG8="})),
        ("Shardlab.AdvanceClock", json!({"Millis": 1500})),
    ];
    for (target, body) in calls {
        let response = api::handle(&mut sim, target, &body.to_string());
        assert_eq!(response.status, 200, "{target}: {}", response.body);
    }
    sim
}

/// The snapshot a link holds, as JSON.
fn snapshot_value(link: &str) -> Value {
    serde_json::from_str(&shardlab_core::share::snapshot_of_share_fragment(link.trim()).unwrap()).unwrap()
}

/// Checks that `new` holds everything `old` does, unchanged: the same
/// values, arrays of the same length, objects with at least the same fields.
#[track_caller]
fn keeps(old: &Value, new: &Value, path: &str) {
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => {
            for (field, value) in old {
                let Some(now) = new.get(field) else { panic!("{path}.{field} is no longer written") };
                keeps(value, now, &format!("{path}.{field}"));
            }
        }
        (Value::Array(old), Value::Array(new)) => {
            assert_eq!(old.len(), new.len(), "{path} holds another number of items");
            for (idx, (old, new)) in old.iter().zip(new).enumerate() {
                keeps(old, new, &format!("{path}[{idx}]"));
            }
        }
        _ => assert_eq!(old, new, "{path} is written differently now"),
    }
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden")
}

/// The answer to a call that must succeed (`null` for an empty body).
fn read(sim: &mut Simulation, target: &str, body: Value) -> Value {
    let response = api::handle(sim, target, &body.to_string());
    assert_eq!(response.status, 200, "{target} {body}: {}", response.body);
    if response.body.is_empty() { Value::Null } else { serde_json::from_str(&response.body).unwrap() }
}

/// What a client sees of `sim`, one fact a line, read as the account (the
/// restored caller is set aside first): the clock, and for each
/// stream its status, mode, retention, encryption and shards, and for each
/// shard the records readable from its trim horizon (count and last sequence
/// number, as one `GetRecords` of up to 10,000 returns them).
fn seen(sim: &mut Simulation) -> String {
    read(sim, "Shardlab.SetCaller", json!({}));
    let mut out = format!("clock {}\n", sim.now().epoch_millis());
    let streams = read(sim, "Kinesis_20131202.ListStreams", json!({}));
    for name in streams["StreamNames"].as_array().unwrap() {
        let name = name.as_str().unwrap();
        let summary = read(sim, "Kinesis_20131202.DescribeStreamSummary", json!({"StreamName": name}));
        let s = &summary["StreamDescriptionSummary"];
        writeln!(
            out,
            "stream {name} {} {} retention={}h encryption={}",
            s["StreamStatus"].as_str().unwrap(),
            s["StreamModeDetails"]["StreamMode"].as_str().unwrap(),
            s["RetentionPeriodHours"],
            s["EncryptionType"].as_str().unwrap_or("NONE"),
        )
        .unwrap();
        let shards = read(sim, "Kinesis_20131202.ListShards", json!({"StreamName": name}));
        for shard in shards["Shards"].as_array().unwrap() {
            let id = shard["ShardId"].as_str().unwrap();
            let iterator = read(
                sim,
                "Kinesis_20131202.GetShardIterator",
                json!({"StreamName": name, "ShardId": id, "ShardIteratorType": "TRIM_HORIZON"}),
            );
            let records = read(
                sim,
                "Kinesis_20131202.GetRecords",
                json!({"ShardIterator": iterator["ShardIterator"], "Limit": 10000}),
            );
            let records = records["Records"].as_array().unwrap();
            let last = records.last().map_or("-", |r| r["SequenceNumber"].as_str().unwrap());
            let parent = shard["ParentShardId"].as_str().unwrap_or("-");
            writeln!(out, "  shard {id} parent={parent} records={} last={last}", records.len()).unwrap();
        }
    }
    out
}

#[test]
fn share_links_made_by_an_earlier_build_open_and_show_the_same_streams() {
    let course = Course::load().unwrap();
    let bless = env::var_os("SHARDLAB_BLESS").is_some();
    let mut missing = Vec::new();
    for id in PINNED.iter().chain([&SANDBOX]) {
        let link_path = golden_dir().join(format!("{id}.link"));
        let seen_path = golden_dir().join(format!("{id}.seen"));
        if !link_path.exists() {
            if !bless {
                missing.push(*id);
                continue;
            }
            let mut sim = match course.lesson(id) {
                Some(lesson) => {
                    let mut sim = lesson.start();
                    for action in &lesson.solution {
                        action.apply(&mut sim).unwrap();
                    }
                    sim
                }
                None => sandbox(),
            };
            fs::create_dir_all(golden_dir()).unwrap();
            fs::write(&link_path, sim.share_fragment()).unwrap();
            fs::write(&seen_path, seen(&mut sim)).unwrap();
        }
        let link = fs::read_to_string(&link_path).unwrap();
        let mut sim = Simulation::from_share_fragment(link.trim())
            .unwrap_or_else(|err| panic!("{id}.link no longer opens: {err}"));
        // Written again, the snapshot keeps every field the earlier build
        // wrote, unchanged, whatever the services' own layout has become
        // (fields added since may join them).
        keeps(&snapshot_value(&link), &snapshot_value(&sim.share_fragment()), id);
        assert_eq!(seen(&mut sim), fs::read_to_string(&seen_path).unwrap(), "{id}.link opens to another state");
    }
    assert!(missing.is_empty(), "no fixture for {missing:?}; write it with SHARDLAB_BLESS=1");
}
