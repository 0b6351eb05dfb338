//! Simulation-only targets for observing and saving the simulation: metrics,
//! cost, snapshots.

use serde_json::{Value, json};

use crate::{Api, START_MILLIS, error};

/// Epoch seconds of the start, as request timestamps give them.
const START_SECS: u64 = START_MILLIS / 1000;

#[test]
fn metric_statistics_show_puts_once_their_second_is_over() {
    let mut api = Api::with_stream(1);
    for _ in 0..3 {
        api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": "eA=="}));
    }
    let request = |shard: Option<&str>, metric: &str, period: u64, end: u64| {
        json!({
            "StreamName": "s",
            "ShardId": shard,
            "MetricName": metric,
            "Period": period,
            "StartTime": START_SECS,
            "EndTime": START_SECS + end,
        })
    };
    let datapoint = |at: f64, value: f64, unit: &str| {
        json!({
            "Timestamp": at,
            "Sum": value,
            "Minimum": value,
            "Maximum": value,
            "SampleCount": 1.0,
            "Average": value,
            "Unit": unit,
        })
    };
    // The current second is not visible until the clock leaves it.
    let unfinished = api.ok("Shardlab.GetMetricStatistics", request(None, "IncomingRecords", 60, 3600));
    assert_eq!(unfinished, json!({"Label": "IncomingRecords", "Datapoints": []}));

    api.advance(1000);
    let at_start = START_SECS as f64;
    let cases = [
        (request(None, "IncomingRecords", 60, 3600), json!([datapoint(at_start, 3.0, "Count")])),
        (request(None, "PutRecord.Success", 60, 3600), json!([datapoint(at_start, 3.0, "Count")])),
        // Each record is one byte of data and one of partition key.
        (
            request(Some("shardId-000000000000"), "IncomingBytes", 1, 3600),
            json!([datapoint(at_start + 5.0, 6.0, "Bytes")]),
        ),
        // The end is exclusive: the puts happened in the fifth second.
        (request(None, "IncomingRecords", 1, 5), json!([])),
    ];
    for (request, datapoints) in cases {
        let metric = request["MetricName"].clone();
        let reply = api.ok("Shardlab.GetMetricStatistics", request.clone());
        assert_eq!(reply, json!({"Label": metric, "Datapoints": datapoints}), "{request}");
    }
}

#[test]
fn the_bill_lists_shard_hours() {
    let mut api = Api::with_stream(2);
    // One hour after the stream was created.
    api.advance(3_600_000 - 5000);
    let bill = api.ok("Shardlab.Cost", json!({"StreamName": "s"}));
    assert_eq!(
        bill["Items"][0],
        json!({"Name": "Shard hours", "Quantity": 2.0, "Unit": "shard-hours", "CostUsd": "0.0300"})
    );
    let names: Vec<&str> =
        bill["Items"].as_array().unwrap().iter().map(|item| item["Name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 9, "every kind of charge is listed: {names:?}");
    assert_eq!(bill["TotalUsd"], json!("0.0300"));
    assert_eq!(
        api.call("Shardlab.Cost", json!({"StreamName": "nope"})),
        (400, error("ResourceNotFoundException", "Stream nope under account 123456789012 not found."))
    );
}

#[test]
fn a_snapshot_restores_the_simulation_it_was_taken_of() {
    let mut api = Api::with_stream(2);
    api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": "eA=="}));
    let summary = |api: &mut Api| api.ok("DescribeStreamSummary", json!({"StreamName": "s"}));
    let before = summary(&mut api);
    let snapshot = api.ok("Shardlab.Snapshot", json!({}))["Snapshot"].as_str().unwrap().to_owned();

    api.ok("UpdateShardCount", json!({"StreamName": "s", "TargetShardCount": 4, "ScalingType": "UNIFORM_SCALING"}));
    api.advance(60_000);
    assert_ne!(summary(&mut api), before);

    let restored = api.ok("Shardlab.Restore", json!({"Snapshot": snapshot}));
    assert_eq!(restored, json!({"EpochMillis": START_MILLIS + 5000}));
    assert_eq!(summary(&mut api), before);
    // The same state gives the same snapshot, byte for byte.
    assert_eq!(api.ok("Shardlab.Snapshot", json!({}))["Snapshot"], json!(snapshot));

    let damaged = [
        ("{".to_owned(), "this is not a Shardlab snapshot: EOF while parsing an object at line 1 column 1"),
        (
            snapshot.replace("\"version\":1", "\"version\":2"),
            "this snapshot is version 2, and this Shardlab reads version 1",
        ),
        (
            snapshot.replace("\"streams\":{\"s\":", "\"streams\":{\"t\":"),
            "this snapshot is damaged: stream s is filed under the name t",
        ),
    ];
    for (text, message) in damaged {
        let refused: (u16, Value) = api.call("Shardlab.Restore", json!({"Snapshot": text}));
        assert_eq!(refused, (400, error("InvalidArgumentException", message)));
        // A refused snapshot leaves the simulation as it was.
        assert_eq!(summary(&mut api), before);
    }
}
