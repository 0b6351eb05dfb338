//! Each target's happy path, compared field by field with AWS's response shapes.

use serde_json::{Value, json};

use crate::{Api, START_MILLIS, arn, check_errors, error, first_sequence_number, invalid, null};

const MAX_HASH_KEY: &str = "340282366920938463463374607431768211455";

/// An open shard as `DescribeStream` and `ListShards` show it.
fn open_shard(index: u32, start: &str, end: &str) -> Value {
    json!({
        "ShardId": format!("shardId-{index:012}"),
        "HashKeyRange": {"StartingHashKey": start, "EndingHashKey": end},
        "SequenceNumberRange": {"StartingSequenceNumber": first_sequence_number(index)},
    })
}

fn iterator(api: &mut Api, shard: &str, position: Value) -> String {
    let mut body = json!({"StreamName": "s", "ShardId": shard});
    body.as_object_mut().unwrap().extend(position.as_object().unwrap().clone());
    let reply = api.ok("GetShardIterator", body);
    assert_eq!(reply.as_object().unwrap().len(), 1, "{reply}");
    reply["ShardIterator"].as_str().unwrap().to_owned()
}

#[test]
fn operations_without_output_answer_an_empty_body() {
    let mut api = Api::with_stream(2);
    let cases = [
        ("AddTagsToStream", json!({"StreamName": "s", "Tags": {"team": "data"}})),
        ("RemoveTagsFromStream", json!({"StreamName": "s", "TagKeys": ["team"]})),
        ("IncreaseStreamRetentionPeriod", json!({"StreamName": "s", "RetentionPeriodHours": 48})),
        ("DecreaseStreamRetentionPeriod", json!({"StreamName": "s", "RetentionPeriodHours": 24})),
        (
            "SplitShard",
            json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1000"}),
        ),
        ("Shardlab.AdvanceClock", json!({"Millis": 3000})),
        (
            "MergeShards",
            json!({"StreamName": "s", "ShardToMerge": "shardId-000000000002", "AdjacentShardToMerge": "shardId-000000000003"}),
        ),
        ("Shardlab.AdvanceClock", json!({"Millis": 3000})),
        ("UpdateStreamMode", json!({"StreamARN": arn("s"), "StreamModeDetails": {"StreamMode": "ON_DEMAND"}})),
        ("Shardlab.AdvanceClock", json!({"Millis": 5000})),
        ("CreateStream", json!({"StreamName": "t", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}})),
        ("DeleteStream", json!({"StreamName": "s"})),
    ];
    for (op, body) in cases {
        let response = api.raw(op, &body.to_string());
        if op.starts_with("Shardlab.") {
            assert_eq!(response.status, 200, "{op}: {}", response.body);
        } else {
            assert_eq!((response.status, response.body.as_str()), (200, ""), "{op} {body}");
        }
    }
}

#[test]
fn describe_stream_and_its_summary_use_aws_field_names() {
    let mut api = Api::with_stream(2);
    let half = "170141183460469231731687303715884105728";
    let below_half = "170141183460469231731687303715884105727";
    let common = json!({
        "StreamName": "s",
        "StreamARN": arn("s"),
        "StreamStatus": "ACTIVE",
        "StreamModeDetails": {"StreamMode": "PROVISIONED"},
        "RetentionPeriodHours": 24,
        "StreamCreationTimestamp": 1767225600.0,
        "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
        "EncryptionType": "NONE",
    });
    let with = |extra: Value| {
        let mut merged = common.clone();
        merged.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        merged
    };
    assert_eq!(
        api.ok("DescribeStream", json!({"StreamName": "s"})),
        json!({"StreamDescription": with(json!({
            "Shards": [open_shard(0, "0", below_half), open_shard(1, half, MAX_HASH_KEY)],
            "HasMoreShards": false,
        }))})
    );
    assert_eq!(
        api.ok("DescribeStream", json!({"StreamName": "s", "Limit": 1})),
        json!({"StreamDescription": with(json!({"Shards": [open_shard(0, "0", below_half)], "HasMoreShards": true}))})
    );
    assert_eq!(
        api.ok("DescribeStream", json!({"StreamName": "s", "ExclusiveStartShardId": "shardId-000000000000"})),
        json!({"StreamDescription": with(json!({"Shards": [open_shard(1, half, MAX_HASH_KEY)], "HasMoreShards": false}))})
    );
    assert_eq!(
        api.ok("DescribeStreamSummary", json!({"StreamName": "s"})),
        json!({"StreamDescriptionSummary": with(json!({"OpenShardCount": 2, "MaxRecordSizeInKiB": 1024}))})
    );
}

#[test]
fn list_streams_and_describe_limits() {
    let mut api = Api::with_stream(3);
    api.ok("CreateStream", json!({"StreamName": "t", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}));
    let summary = |name: &str, status: &str, mode: &str, created: f64| {
        json!({
            "StreamName": name,
            "StreamARN": arn(name),
            "StreamStatus": status,
            "StreamModeDetails": {"StreamMode": mode},
            "StreamCreationTimestamp": created,
        })
    };
    assert_eq!(
        api.ok("ListStreams", json!({})),
        json!({
            "StreamNames": ["s", "t"],
            "HasMoreStreams": false,
            "StreamSummaries": [
                summary("s", "ACTIVE", "PROVISIONED", 1767225600.0),
                summary("t", "CREATING", "ON_DEMAND", 1767225605.0),
            ],
        })
    );
    let first_page = api.ok("ListStreams", json!({"Limit": 1}));
    assert_eq!((&first_page["StreamNames"], &first_page["HasMoreStreams"]), (&json!(["s"]), &json!(true)));
    let next_token = first_page["NextToken"].as_str().unwrap();
    assert_eq!(api.ok("ListStreams", json!({"NextToken": next_token}))["StreamNames"], json!(["t"]));
    assert_eq!(
        api.ok("DescribeLimits", json!({})),
        json!({"ShardLimit": 20000, "OpenShardCount": 7, "OnDemandStreamCount": 1, "OnDemandStreamCountLimit": 50})
    );
}

#[test]
fn put_record_and_get_records_round_trip_data_as_base64() {
    let mut api = Api::with_stream(1);
    // Not UTF-8, so only base64 can carry it.
    let data = "AP8BAgM=";
    api.advance(123);
    let put = api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": data}));
    let sequence_number = first_sequence_number(0);
    // EncryptionType is left out for a stream that does not encrypt.
    assert_eq!(put, json!({"ShardId": "shardId-000000000000", "SequenceNumber": sequence_number}));

    let shard_iterator = iterator(&mut api, "shardId-000000000000", json!({"ShardIteratorType": "TRIM_HORIZON"}));
    let raw = api.raw("GetRecords", &json!({"ShardIterator": shard_iterator}).to_string()).body;
    assert!(raw.contains(r#""ApproximateArrivalTimestamp":1767225605.123"#), "{raw}");
    let page: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        page["Records"],
        json!([{
            "SequenceNumber": sequence_number,
            "ApproximateArrivalTimestamp": 1767225605.123,
            "Data": data,
            "PartitionKey": "k",
        }])
    );
    assert_eq!(page["MillisBehindLatest"], json!(0));
    assert!(page["NextShardIterator"].is_string(), "{page}");
    assert!(page.get("ChildShards").is_none(), "ChildShards is absent while the shard is open: {page}");
}

#[test]
fn every_iterator_type_starts_where_aws_says() {
    let mut api = Api::with_stream(1);
    for data in ["YQ==", "Yg==", "Yw=="] {
        api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": data}));
        api.advance(1000);
    }
    let second = format!("49{:012}{:042}", 0, 1);
    let cases = [
        (json!({"ShardIteratorType": "TRIM_HORIZON"}), vec!["YQ==", "Yg==", "Yw=="]),
        (json!({"ShardIteratorType": "LATEST"}), vec![]),
        (json!({"ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": second}), vec!["Yg==", "Yw=="]),
        (json!({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": second}), vec!["Yw=="]),
        // The second record arrived at 1767225606.000.
        (json!({"ShardIteratorType": "AT_TIMESTAMP", "Timestamp": 1767225605.5}), vec!["Yg==", "Yw=="]),
    ];
    for (position, expected) in cases {
        let shard_iterator = iterator(&mut api, "shardId-000000000000", position.clone());
        let page = api.ok("GetRecords", json!({"ShardIterator": shard_iterator}));
        let data: Vec<&str> = page["Records"].as_array().unwrap().iter().map(|r| r["Data"].as_str().unwrap()).collect();
        assert_eq!(data, expected, "{position}");
    }
}

#[test]
fn put_records_reports_each_entry_and_throttled_entries_have_no_sequence_number() {
    let mut api = Api::with_stream(1);
    let records =
        |n: usize| json!({"StreamName": "s", "Records": vec![json!({"Data": "eA==", "PartitionKey": "k"}); n]});
    // A shard takes 1,000 records a second; these 900 leave room for 100 more.
    for n in [500, 400] {
        assert_eq!(api.ok("PutRecords", records(n))["FailedRecordCount"], json!(0));
    }
    let reply = api.ok("PutRecords", records(500));
    assert_eq!(reply["FailedRecordCount"], json!(400));
    let entries = reply["Records"].as_array().unwrap();
    assert_eq!(entries.len(), 500);
    assert_eq!(
        entries[0],
        json!({"SequenceNumber": format!("49{:012}{:042}", 0, 900), "ShardId": "shardId-000000000000"})
    );
    assert_eq!(
        entries[100],
        json!({
            "ErrorCode": "ProvisionedThroughputExceededException",
            "ErrorMessage": "Rate exceeded for shard shardId-000000000000 in stream s under account 123456789012.",
        })
    );
    assert!(entries[..100].iter().all(|e| e.get("ErrorCode").is_none()));
    assert!(entries[100..].iter().all(|e| e.get("SequenceNumber").is_none() && e.get("ShardId").is_none()));
}

#[test]
fn resharding_shows_in_list_shards_and_at_the_end_of_a_closed_shard() {
    let mut api = Api::with_stream(1);
    api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": "eA=="}));
    let parent_iterator = iterator(&mut api, "shardId-000000000000", json!({"ShardIteratorType": "TRIM_HORIZON"}));
    let split_at = "170141183460469231731687303715884105728";
    api.ok(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": split_at}),
    );
    api.advance(3000);

    let child = |index: u32, start: &str, end: &str| {
        let mut shard = open_shard(index, start, end);
        shard["ParentShardId"] = json!("shardId-000000000000");
        shard
    };
    let children = [child(1, "0", "170141183460469231731687303715884105727"), child(2, split_at, MAX_HASH_KEY)];
    let mut parent = open_shard(0, "0", MAX_HASH_KEY);
    parent["SequenceNumberRange"]["EndingSequenceNumber"] = json!(format!("49{:012}{:042}", 0, 1));
    assert_eq!(api.ok("ListShards", json!({"StreamName": "s"})), json!({"Shards": [parent, children[0], children[1]]}));
    assert_eq!(
        api.ok("ListShards", json!({"StreamARN": arn("s"), "ShardFilter": {"Type": "AT_LATEST"}})),
        json!({"Shards": children})
    );
    assert_eq!(
        api.ok(
            "ListShards",
            json!({"StreamName": "s", "ShardFilter": {"Type": "AFTER_SHARD_ID", "ShardId": "shardId-000000000001"}})
        ),
        json!({"Shards": [children[1]]})
    );
    let first_page = api.ok("ListShards", json!({"StreamName": "s", "MaxResults": 2}));
    let next_token = first_page["NextToken"].as_str().unwrap();
    assert_eq!(api.ok("ListShards", json!({"NextToken": next_token})), json!({"Shards": [children[1]]}));

    // Reading the closed parent to its end names its children and ends the chain.
    let page = api.ok("GetRecords", json!({"ShardIterator": parent_iterator}));
    assert_eq!(page["Records"].as_array().unwrap().len(), 1);
    assert!(page.get("NextShardIterator").is_none(), "{page}");
    assert_eq!(
        page["ChildShards"],
        json!([
            {"ShardId": "shardId-000000000001", "ParentShards": ["shardId-000000000000"], "HashKeyRange": children[0]["HashKeyRange"]},
            {"ShardId": "shardId-000000000002", "ParentShards": ["shardId-000000000000"], "HashKeyRange": children[1]["HashKeyRange"]},
        ])
    );

    api.ok(
        "MergeShards",
        json!({"StreamName": "s", "ShardToMerge": "shardId-000000000001", "AdjacentShardToMerge": "shardId-000000000002"}),
    );
    api.advance(3000);
    let latest = api.ok("ListShards", json!({"StreamName": "s", "ShardFilter": {"Type": "AT_LATEST"}}));
    assert_eq!(latest["Shards"][0]["ShardId"], json!("shardId-000000000003"));
    assert_eq!(latest["Shards"][0]["ParentShardId"], json!("shardId-000000000001"));
    assert_eq!(latest["Shards"][0]["AdjacentParentShardId"], json!("shardId-000000000002"));
}

#[test]
fn update_shard_count_and_stream_mode() {
    let mut api = Api::with_stream(2);
    assert_eq!(
        api.ok("UpdateShardCount", json!({"StreamName": "s", "TargetShardCount": 4, "ScalingType": "UNIFORM_SCALING"})),
        json!({"StreamName": "s", "CurrentShardCount": 2, "TargetShardCount": 4, "StreamARN": arn("s")})
    );
    api.advance(3000);
    assert_eq!(
        api.ok("DescribeStreamSummary", json!({"StreamName": "s"}))["StreamDescriptionSummary"]["OpenShardCount"],
        json!(4)
    );

    api.ok("UpdateStreamMode", json!({"StreamARN": arn("s"), "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}));
    let summary = |api: &mut Api| {
        api.ok("DescribeStreamSummary", json!({"StreamARN": arn("s")}))["StreamDescriptionSummary"].clone()
    };
    assert_eq!(summary(&mut api)["StreamStatus"], json!("UPDATING"));
    api.advance(5000);
    assert_eq!(summary(&mut api)["StreamModeDetails"], json!({"StreamMode": "ON_DEMAND"}));
}

#[test]
fn retention_periods_change_both_ways() {
    let mut api = Api::with_stream(1);
    let hours = |api: &mut Api| {
        api.ok("DescribeStreamSummary", json!({"StreamName": "s"}))["StreamDescriptionSummary"]["RetentionPeriodHours"]
            .clone()
    };
    api.ok("IncreaseStreamRetentionPeriod", json!({"StreamName": "s", "RetentionPeriodHours": 168}));
    assert_eq!(hours(&mut api), json!(168));
    api.ok("DecreaseStreamRetentionPeriod", json!({"StreamARN": arn("s"), "RetentionPeriodHours": 48}));
    assert_eq!(hours(&mut api), json!(48));
}

#[test]
fn tags_are_listed_as_key_value_pairs_in_pages() {
    let mut api = Api::default();
    api.ok("CreateStream", json!({"StreamName": "s", "ShardCount": 1, "Tags": {"b": "2"}}));
    api.advance(5000);
    api.ok("AddTagsToStream", json!({"StreamName": "s", "Tags": {"a": "1", "c": "3"}}));
    let tag = |key: &str, value: &str| json!({"Key": key, "Value": value});
    let cases = [
        (
            json!({"StreamName": "s"}),
            json!({"Tags": [tag("a", "1"), tag("b", "2"), tag("c", "3")], "HasMoreTags": false}),
        ),
        (json!({"StreamName": "s", "Limit": 2}), json!({"Tags": [tag("a", "1"), tag("b", "2")], "HasMoreTags": true})),
        (
            json!({"StreamARN": arn("s"), "ExclusiveStartTagKey": "b"}),
            json!({"Tags": [tag("c", "3")], "HasMoreTags": false}),
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(api.ok("ListTagsForStream", request.clone()), expected, "{request}");
    }
    api.ok("RemoveTagsFromStream", json!({"StreamName": "s", "TagKeys": ["a", "c"]}));
    assert_eq!(
        api.ok("ListTagsForStream", json!({"StreamName": "s"})),
        json!({"Tags": [tag("b", "2")], "HasMoreTags": false})
    );
}

#[test]
fn create_stream_takes_up_to_ten_tags() {
    let mut api = Api::default();
    let tags =
        |n: usize| (0..n).map(|i| (format!("k{i:02}"), json!(format!("v{i}")))).collect::<serde_json::Map<_, _>>();
    api.ok("CreateStream", json!({"StreamName": "s", "ShardCount": 1, "Tags": tags(10)}));
    api.advance(5000);
    let listed = api.ok("ListTagsForStream", json!({"StreamName": "s"}));
    let expected: Vec<Value> = tags(10).into_iter().map(|(key, value)| json!({"Key": key, "Value": value})).collect();
    assert_eq!(listed, json!({"Tags": expected, "HasMoreTags": false}));
    assert_eq!(
        api.call("CreateStream", json!({"StreamName": "t", "ShardCount": 1, "Tags": tags(11)})),
        (
            400,
            json!({
                "__type": "ValidationException",
                "message": "1 validation error detected: Value '{k00=v0, k01=v1, k02=v2, k03=v3, k04=v4, k05=v5, k06=v6, k07=v7, k08=v8, k09=v9, k10=v10}' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 10",
            })
        )
    );
    assert_eq!(api.ok("ListStreams", json!({}))["StreamNames"], json!(["s"]));
}

#[test]
fn a_refused_tag_creates_no_stream() {
    let mut api = Api::default();
    let (status, reply) = api.call("CreateStream", json!({"StreamName": "s", "ShardCount": 1, "Tags": {"": "x"}}));
    assert_eq!((status, reply["__type"].as_str()), (400, Some("ValidationException")), "{reply}");
    assert_eq!(api.ok("ListStreams", json!({}))["StreamNames"], json!([]));
}

#[test]
fn streams_are_addressed_by_name_or_arn() {
    let mut api = Api::with_stream(1);
    let put = |stream: Value| {
        let mut body = json!({"PartitionKey": "k", "Data": "eA=="});
        body.as_object_mut().unwrap().extend(stream.as_object().unwrap().clone());
        body
    };
    api.ok("PutRecord", put(json!({"StreamARN": arn("s")})));
    api.ok("PutRecord", put(json!({"StreamARN": arn("s"), "StreamName": "s"})));
    let (status, reply) = api.call("PutRecord", put(json!({"StreamARN": arn("s"), "StreamName": "other"})));
    assert_eq!((status, reply["__type"].as_str()), (400, Some("InvalidArgumentException")), "{reply}");
    let foreign = "arn:aws:kinesis:eu-west-1:210987654321:stream/s";
    assert_eq!(
        api.call("PutRecord", put(json!({"StreamARN": foreign}))),
        (
            400,
            json!({"__type": "ResourceNotFoundException", "message": "Stream s under account 210987654321 not found."})
        )
    );
    let shard = &api.ok("DescribeStream", json!({"StreamARN": arn("s")}))["StreamDescription"]["Shards"][0];
    assert_eq!(shard["SequenceNumberRange"]["StartingSequenceNumber"], json!(first_sequence_number(0)));
}

#[test]
fn the_clock_moves_forward_only() {
    let mut api = Api::default();
    assert_eq!(api.ok("Shardlab.AdvanceClock", json!({"Millis": 1500})), json!({"EpochMillis": START_MILLIS + 1500}));
    assert_eq!(
        api.ok("Shardlab.SetClock", json!({"EpochMillis": START_MILLIS + 60_000})),
        json!({"EpochMillis": START_MILLIS + 60_000})
    );
    assert_eq!(
        api.call("Shardlab.SetClock", json!({"EpochMillis": START_MILLIS})),
        (
            400,
            json!({
                "__type": "InvalidArgumentException",
                "message": "EpochMillis 1767225600000 (2026-01-01T00:00:00.000Z) is before the simulation's clock, 1767225660000 (2026-01-01T00:01:00.000Z); simulated time never goes backwards.",
            })
        )
    );
}

/// A page moves the clock of a long `AdvanceClock` a frame at a time: it
/// learns the step the call would take, and answers as the call does.
#[test]
fn a_clock_move_can_be_taken_in_steps_and_answered_as_the_call_does() {
    use shardlab_core::{Duration, Simulation, api};

    let year = 365 * 24 * 3_600_000_u64;
    let cases = [
        (json!({"Millis": 1500}).to_string(), Some(Duration::from_millis(1500))),
        (json!({"Millis": year}).to_string(), Some(Duration::from_millis(year))),
        // Refused by the call itself, so not taken in steps either.
        (json!({"Millis": year + 1}).to_string(), None),
        (json!({"Millis": -1}).to_string(), None),
        // A member the call does not know is ignored, by both.
        (json!({"Millis": 1, "Extra": 2}).to_string(), Some(Duration::from_millis(1))),
        (json!({}).to_string(), None),
        ("[1]".to_owned(), None),
        ("not json".to_owned(), None),
    ];
    for (body, want) in cases {
        assert_eq!(api::advance_clock_step(&body), want, "{body}");
        let called = api::handle(&mut Simulation::new(), "Shardlab.AdvanceClock", &body);
        assert_eq!(called.status == 200, want.is_some(), "{body}: {}", called.body);
    }
    let mut called = Simulation::new();
    let answer = api::handle(&mut called, "Shardlab.AdvanceClock", r#"{"Millis": 90000}"#);
    let mut stepped = Simulation::new();
    for _ in 0..90 {
        stepped.advance(Duration::from_secs(1));
    }
    assert_eq!(api::clock_reading(&stepped), answer);
}

#[test]
fn max_record_size_in_kib_on_create_update_and_describe_stream_summary() {
    let mut api = Api::default();
    api.ok("CreateStream", json!({"StreamName": "big", "ShardCount": 1, "MaxRecordSizeInKiB": 10240}));
    api.ok("CreateStream", json!({"StreamName": "s", "ShardCount": 1}));
    api.advance(5000);
    let size = |api: &mut Api, name: &str| {
        api.ok("DescribeStreamSummary", json!({"StreamName": name}))["StreamDescriptionSummary"]["MaxRecordSizeInKiB"]
            .clone()
    };
    assert_eq!(size(&mut api, "big"), json!(10240));
    assert_eq!(size(&mut api, "s"), json!(1024));
    let two_mib = shardlab_core::base64::encode(&vec![0u8; 2 * 1024 * 1024]);
    let put = json!({"StreamName": "s", "PartitionKey": "k", "Data": two_mib});
    assert_eq!(
        api.call("PutRecord", put.clone()),
        (400, error("InvalidArgumentException", "Record size exceeds 1 MB limit"))
    );
    // An empty 200, like the other stream updates.
    let (status, body) = api.call("UpdateMaxRecordSize", json!({"StreamARN": arn("s"), "MaxRecordSizeInKiB": 4096}));
    assert_eq!((status, body), (200, Value::Null));
    assert_eq!(size(&mut api, "s"), json!(4096));
    api.ok("PutRecord", put);
    check_errors(
        &mut api,
        &[
            (
                "UpdateMaxRecordSize",
                json!({"StreamARN": arn("s"), "MaxRecordSizeInKiB": 10241}),
                invalid(
                    "Value '10241' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value less than or equal to 10240",
                ),
            ),
            ("UpdateMaxRecordSize", json!({"StreamARN": arn("s")}), invalid(&null("maxRecordSizeInKiB"))),
        ],
    );
}
