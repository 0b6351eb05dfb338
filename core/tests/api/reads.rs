//! Targets that only read: which they are, and that `api::handle_read`
//! answers them over a shared simulation exactly as `api::handle` does.

use serde_json::json;
use shardlab_core::api;

use crate::{Api, arn};

#[test]
fn the_read_only_targets_are_those_that_change_nothing() {
    for (target, read_only) in [
        ("Kinesis_20131202.DescribeStreamSummary", true),
        ("Kinesis_20131202.ListShards", true),
        // A shard iterator is a sealed token: issuing one records nothing.
        ("Kinesis_20131202.GetShardIterator", true),
        // Spends the shard's read budget.
        ("Kinesis_20131202.GetRecords", false),
        ("Kinesis_20131202.SubscribeToShard", false),
        ("Kinesis_20131202.PutRecord", false),
        ("Firehose_20150804.DescribeDeliveryStream", true),
        ("Firehose_20150804.PutRecord", false),
        ("AmazonSQS.GetQueueAttributes", true),
        ("AmazonSQS.ReceiveMessage", false),
        ("Shardlab.GetMetricStatistics", true),
        ("Shardlab.GetFunctionConcurrency", true),
        ("Shardlab.S3ListObjects", true),
        ("Shardlab.Snapshot", true),
        ("Shardlab.ReadSubscription", false),
        ("Shardlab.AdvanceClock", false),
        ("Kinesis_20131202.Nope", false),
    ] {
        assert_eq!(api::is_read_only(target), read_only, "{target}");
    }
}

#[test]
fn a_read_answers_as_handle_does_and_changes_nothing() {
    let mut api = Api::with_stream(2);
    for key in ["a", "b", "c"] {
        api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": key, "Data": "eA=="}));
    }
    api.ok("AmazonSQS.CreateQueue", json!({"QueueName": "q"}));
    api.advance(2000);
    let metric = json!({"StreamName": "s", "MetricName": "IncomingRecords", "Period": 60, "StartTime": 1_767_225_600, "EndTime": 1_767_229_200});
    let iterator = json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"});
    let requests = [
        ("Kinesis_20131202.DescribeStreamSummary", json!({"StreamARN": arn("s")}).to_string()),
        ("Kinesis_20131202.ListShards", json!({"StreamName": "s"}).to_string()),
        ("Kinesis_20131202.GetShardIterator", iterator.to_string()),
        ("Kinesis_20131202.DescribeStream", json!({"StreamName": "missing"}).to_string()),
        ("Kinesis_20131202.ListStreams", String::new()),
        ("Shardlab.Consumers", "not JSON".into()),
        ("Shardlab.GetMetricStatistics", metric.to_string()),
        ("Shardlab.Cost", json!({"StreamName": "s"}).to_string()),
        ("Shardlab.Snapshot", "{}".into()),
        ("AmazonSQS.ListQueues", "{}".into()),
    ];
    for (target, body) in requests {
        let before = api.0.snapshot();
        let read = api::handle_read(&api.0, target, &body).unwrap_or_else(|| panic!("{target} only reads"));
        assert_eq!(api::handle(&mut api.0, target, &body), read, "{target} {body}");
        assert_eq!(api.0.snapshot(), before, "{target} changed the simulation");
    }
}

#[test]
fn handle_read_refuses_what_may_change_the_simulation() {
    let api = Api::with_stream(1);
    for target in ["Kinesis_20131202.PutRecord", "Kinesis_20131202.GetRecords", "Shardlab.AdvanceClock", "Nope.Nope"] {
        assert_eq!(api::handle_read(&api.0, target, "{}"), None, "{target}");
    }
}

#[test]
fn the_call_log_keeps_the_kinesis_calls_that_change_something() {
    for (target, logged) in [
        ("Kinesis_20131202.PutRecord", true),
        ("Kinesis_20131202.CreateStream", true),
        ("Kinesis_20131202.SplitShard", true),
        ("Kinesis_20131202.DescribeStream", false),
        ("Kinesis_20131202.GetShardIterator", false),
        // Reads a script need not replay.
        ("Kinesis_20131202.GetRecords", false),
        ("Kinesis_20131202.SubscribeToShard", false),
        ("Kinesis_20131202.ListStreamConsumers", false),
        // Not Kinesis.
        ("Shardlab.AdvanceClock", false),
        ("AmazonSQS.SendMessage", false),
    ] {
        assert_eq!(api::is_logged(target), logged, "{target}");
    }
}
