//! "Export as a script": the session's Kinesis calls (core's
//! [`CallLog`]), as an AWS CLI shell script or a boto3 script, to make the
//! same streams, shards and records on AWS, LocalStack or `shardlab-api
//! --listen`. Each script reads `ENDPOINT` (empty for AWS) and rewrites
//! the simulation's ARNs (account 123456789012, `us-east-1`) to `ACCOUNT`
//! and `REGION`.
//!
//! A call that leaves its stream `CREATING` or `UPDATING` is followed by
//! the CLI's `stream-exists` waiter (boto3's `stream_exists`), which polls
//! until the stream is `ACTIVE` again, as on AWS the next call needs.

use serde_json::Value;
use shardlab_core::call_log::CallLog;

use crate::cli;
use crate::format::plural;

/// Operations after which the stream is not `ACTIVE` for a while.
const CHANGES_STATUS: [&str; 7] = [
    "CreateStream",
    "SplitShard",
    "MergeShards",
    "UpdateShardCount",
    "UpdateStreamMode",
    "StartStreamEncryption",
    "StopStreamEncryption",
];

/// What every script says first.
fn preamble(calls: &CallLog, comment: &str) -> String {
    let mut lines = vec![
        format!(
            "{comment} The Kinesis calls of a Shardlab session ({}), to make the same streams,",
            plural(calls.len(), "call")
        ),
        format!("{comment} shards and records on AWS, LocalStack or `shardlab-api --listen`."),
        format!("{comment} ENDPOINT: empty for AWS; http://127.0.0.1:4567 for shardlab-api --listen."),
        format!("{comment} ARNs name the simulation's account in us-east-1: on AWS, set ACCOUNT and REGION."),
        format!("{comment} The simulation's own controls (traffic generators, the clock, simulated"),
        format!("{comment} functions, the KPL and the KCL) have no AWS call, so they are not here."),
    ];
    if calls.unlogged() > 0 {
        lines.push(format!(
            "{comment} The session made {} more calls than the log keeps; they are not here.",
            calls.unlogged()
        ));
    }
    lines.join("\n") + "\n"
}

/// A logged call, as both scripts read it.
struct Step<'a> {
    target: &'a str,
    /// `PutRecord`, from the target.
    operation: &'a str,
    body: Value,
    /// The stream the call leaves `CREATING` or `UPDATING`, as the member
    /// that names it (`StreamName` or `StreamARN`) and its value: a script
    /// waits for it to be `ACTIVE` before the next call.
    waits_for: Option<(&'static str, String)>,
}

/// The calls of `calls` whose body reads as JSON, which all do (the
/// simulation answered them).
fn steps(calls: &CallLog) -> impl Iterator<Item = Step<'_>> {
    calls.iter().filter_map(|call| {
        let body: Value = serde_json::from_str(&call.body).ok()?;
        let operation = call.target.rsplit('.').next().unwrap_or_default();
        let waits_for = CHANGES_STATUS.contains(&operation).then(|| {
            ["StreamName", "StreamARN"]
                .into_iter()
                .find_map(|member| Some((member, body.get(member)?.as_str()?.to_owned())))
        });
        Some(Step { target: &call.target, operation, body, waits_for: waits_for.flatten() })
    })
}

/// The session as a bash script of AWS CLI commands. Blobs go through files
/// (`fileb://`), which versions 1 and 2 of the CLI read alike; `PutRecords`
/// entries keep `Data` in base64, as version 2 reads it.
pub fn aws_cli_script(calls: &CallLog) -> String {
    let mut script = String::from("#!/usr/bin/env bash\n");
    script += &preamble(calls, "#");
    script += r#"# PutRecords passes each entry's Data in base64, as version 2 of the AWS CLI reads it.
set -euo pipefail
ENDPOINT="${ENDPOINT:-}"
REGION="${REGION:-us-east-1}"
ACCOUNT="${ACCOUNT:-123456789012}"
BLOBS=$(mktemp -d)
trap 'rm -rf "$BLOBS"' EXIT

# One AWS CLI command, sent to ENDPOINT, with the simulation's ARNs made the account's.
run() {
  local endpoint=()
  if [ -n "$ENDPOINT" ]; then endpoint=(--endpoint-url "$ENDPOINT"); fi
  aws --region "$REGION" "${endpoint[@]}" "${@//arn:aws:kinesis:us-east-1:123456789012:/arn:aws:kinesis:$REGION:$ACCOUNT:}"
}

# A file holding the bytes of base64 $1, as fileb:// names it.
blob() {
  local file
  file=$(mktemp "$BLOBS/XXXXXX")
  printf '%s' "$1" | base64 -d >"$file"
  printf 'fileb://%s' "$file"
}

"#;
    for Step { target, mut body, waits_for, .. } in steps(calls) {
        // A top-level blob through a file; the rest as the console shows it.
        let data = body.as_object_mut().and_then(|members| members.remove("Data"));
        let Some(line) = cli::command(target, &body) else { continue };
        let mut line = format!("run {}", line.trim_start_matches("aws "));
        if let Some(Value::String(data)) = data {
            line += &format!(" --data \"$(blob {})\"", cli::shell_quote(&data));
        }
        script += &line;
        script.push('\n');
        if let Some((member, stream)) = waits_for {
            script +=
                &format!("run kinesis wait stream-exists --{} {}\n", cli::kebab(member), cli::shell_quote(&stream));
        }
    }
    script
}

/// The session as a Python script for boto3.
pub fn boto3_script(calls: &CallLog) -> String {
    let mut script = String::from("#!/usr/bin/env python3\n");
    script += &preamble(calls, "#");
    script += r#"import base64
import json
import os

import boto3

ENDPOINT = os.environ.get("ENDPOINT") or None
REGION = os.environ.get("REGION", "us-east-1")
ACCOUNT = os.environ.get("ACCOUNT", "123456789012")
kinesis = boto3.client("kinesis", region_name=REGION, endpoint_url=ENDPOINT)


def params(text):
    """A request as the simulation logged it: JSON with blobs in base64, and ARNs of its account."""
    text = text.replace("arn:aws:kinesis:us-east-1:123456789012:", f"arn:aws:kinesis:{REGION}:{ACCOUNT}:")

    def blobs(value):
        if isinstance(value, dict):
            return {k: base64.b64decode(v) if k == "Data" else blobs(v) for k, v in value.items()}
        if isinstance(value, list):
            return [blobs(v) for v in value]
        return value

    return blobs(json.loads(text))


"#;
    for Step { operation, body, waits_for, .. } in steps(calls) {
        // A JSON string is a Python string literal too.
        let text = Value::String(body.to_string()).to_string();
        script += &format!("kinesis.{}(**params({text}))\n", cli::kebab(operation).replace('-', "_"));
        if let Some((member, stream)) = waits_for {
            let stream = Value::String(stream);
            script += &format!("kinesis.get_waiter(\"stream_exists\").wait({member}={stream})\n");
        }
    }
    script
}

#[cfg(test)]
mod tests {
    use shardlab_core::{Simulation, api};

    use super::*;

    /// A session of every kind of call the scripts treat apart: a stream
    /// created and split (waits), records with a key only, with an explicit
    /// hash key and in a batch (blobs), and reads, which are not logged.
    fn session() -> Simulation {
        let mut sim = Simulation::new();
        for (target, body) in [
            ("CreateStream", r#"{"StreamName": "orders", "ShardCount": 2}"#),
            ("Shardlab.AdvanceClock", r#"{"Millis": 5000}"#),
            ("PutRecord", r#"{"StreamName": "orders", "PartitionKey": "it's", "Data": "aGVsbG8="}"#),
            ("DescribeStreamSummary", r#"{"StreamName": "orders"}"#),
            (
                "SplitShard",
                r#"{"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1000"}"#,
            ),
            ("Shardlab.AdvanceClock", r#"{"Millis": 5000}"#),
            ("PutRecords", r#"{"StreamName": "orders", "Records": [{"PartitionKey": "a", "Data": "AAE="}]}"#),
        ] {
            let target = if target.contains('.') { target.to_owned() } else { format!("Kinesis_20131202.{target}") };
            assert_eq!(api::handle(&mut sim, &target, body).status, 200, "{target}");
        }
        sim
    }

    #[test]
    fn the_cli_script_replays_the_calls_that_changed_something_and_waits_for_active() {
        let script = aws_cli_script(session().kinesis_calls());
        let commands: Vec<&str> = script.lines().filter(|line| line.starts_with("run ")).collect();
        assert_eq!(
            commands,
            [
                "run kinesis create-stream --shard-count 2 --stream-name orders",
                "run kinesis wait stream-exists --stream-name orders",
                r#"run kinesis put-record --partition-key 'it'\''s' --stream-name orders --data "$(blob aGVsbG8=)""#,
                "run kinesis split-shard --new-starting-hash-key 1000 --shard-to-split shardId-000000000000 --stream-arn arn:aws:kinesis:us-east-1:123456789012:stream/orders",
                "run kinesis wait stream-exists --stream-arn arn:aws:kinesis:us-east-1:123456789012:stream/orders",
                r#"run kinesis put-records --records '[{"Data":"AAE=","PartitionKey":"a"}]' --stream-name orders"#,
            ]
        );
        assert!(
            script.starts_with("#!/usr/bin/env bash\n# The Kinesis calls of a Shardlab session (4 calls),"),
            "{script}"
        );
    }

    #[test]
    fn the_boto3_script_calls_the_same_operations_with_the_logged_bodies() {
        let script = boto3_script(session().kinesis_calls());
        let calls: Vec<&str> = script.lines().filter(|line| line.starts_with("kinesis.")).collect();
        assert_eq!(
            calls,
            [
                r#"kinesis.create_stream(**params("{\"ShardCount\":2,\"StreamName\":\"orders\"}"))"#,
                r#"kinesis.get_waiter("stream_exists").wait(StreamName="orders")"#,
                r#"kinesis.put_record(**params("{\"Data\":\"aGVsbG8=\",\"PartitionKey\":\"it's\",\"StreamName\":\"orders\"}"))"#,
                r#"kinesis.split_shard(**params("{\"NewStartingHashKey\":\"1000\",\"ShardToSplit\":\"shardId-000000000000\",\"StreamARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/orders\"}"))"#,
                r#"kinesis.get_waiter("stream_exists").wait(StreamARN="arn:aws:kinesis:us-east-1:123456789012:stream/orders")"#,
                r#"kinesis.put_records(**params("{\"Records\":[{\"Data\":\"AAE=\",\"PartitionKey\":\"a\"}],\"StreamName\":\"orders\"}"))"#,
            ]
        );
    }
}
