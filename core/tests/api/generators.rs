//! `Shardlab.StartGenerator`, `Shardlab.StopGenerator`, `Shardlab.Generators`.

use serde_json::json;

use crate::Api;

#[test]
fn a_hot_key_generator_is_throttled_and_counted() {
    let mut api = Api::with_stream(2);
    let started = api.ok(
        "Shardlab.StartGenerator",
        json!({"StreamName": "s", "RecordsPerSecond": 2000, "Keys": {"Distribution": "HOT_KEY", "HotPercent": 100}}),
    );
    assert_eq!(started, json!({"GeneratorId": 0}));
    api.advance(2000);
    let listed = api.ok("Shardlab.Generators", json!({}));
    let generator = &listed["Generators"][0];
    assert_eq!(generator["Sent"], 4000);
    // One key, one shard: its bucket holds a second's burst of 1,000 and
    // refills 1,000 a second over the 1.9 s from the first batch to the last.
    assert_eq!(generator["Stored"], 2900, "{generator}");
    assert_eq!(generator["Throttled"], 1100, "{generator}");
    assert_eq!(generator["Distribution"], "HOT_KEY");
    api.ok("Shardlab.StopGenerator", json!({"GeneratorId": 0}));
    api.advance(1000);
    let listed = api.ok("Shardlab.Generators", json!({}));
    assert_eq!(
        (listed["Generators"][0]["Sent"].as_u64(), listed["Generators"][0]["Running"].as_bool()),
        (Some(4000), Some(false))
    );
}

#[test]
fn bad_generators_get_the_service_s_errors() {
    let mut api = Api::with_stream(1);
    let cases = [
        (
            json!({"StreamName": "s", "RecordsPerSecond": 0}),
            json!({"__type": "InvalidArgumentException", "message": "RecordsPerSecond must be from 1 to 200000, but was 0."}),
        ),
        (
            json!({"StreamName": "s", "RecordsPerSecond": 1, "Keys": {"Distribution": "NORMAL"}}),
            json!({"__type": "ValidationException", "message": "1 validation error detected: Value 'NORMAL' at 'keys.distribution' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM, ZIPF, HOT_KEY]"}),
        ),
        (
            json!({"StreamName": "s"}),
            json!({"__type": "ValidationException", "message": "1 validation error detected: Value null at 'recordsPerSecond' failed to satisfy constraint: Member must not be null"}),
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(api.call("Shardlab.StartGenerator", body.clone()), (400, expected), "{body}");
    }
    assert_eq!(
        api.call("Shardlab.StopGenerator", json!({"GeneratorId": 3})),
        (400, json!({"__type": "ResourceNotFoundException", "message": "Generator 3 not found."}))
    );
}

#[test]
fn polling_consumers_report_what_they_read_and_their_lag() {
    let mut api = Api::with_stream(2);
    for key in ["a", "b", "c"] {
        api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": key, "Data": "eA=="}));
    }
    let started =
        api.ok("Shardlab.StartPollingConsumer", json!({"StreamName": "s", "ShardIteratorType": "TRIM_HORIZON"}));
    assert_eq!(started, json!({"ConsumerId": 0}));
    api.advance(1000);
    let listed = api.ok("Shardlab.Consumers", json!({}));
    let consumer = &listed["Consumers"][0];
    assert_eq!(
        (consumer["RecordsRead"].as_u64(), consumer["ShardIteratorType"].as_str()),
        (Some(3), Some("TRIM_HORIZON"))
    );
    assert_eq!(consumer["Shards"].as_array().unwrap().len(), 2);
    assert_eq!(consumer["Shards"][0]["MillisBehindLatest"], 0);
    api.ok("Shardlab.StopConsumer", json!({"ConsumerId": 0}));
    assert_eq!(api.ok("Shardlab.Consumers", json!({})), json!({"Consumers": []}));
    assert_eq!(
        api.call("Shardlab.StartPollingConsumer", json!({"StreamName": "s", "ShardIteratorType": "AT_TIMESTAMP"})).0,
        400
    );
}
