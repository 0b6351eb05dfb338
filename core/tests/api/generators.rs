//! `Shardlab.StartGenerator`, `Shardlab.StopGenerator`, `Shardlab.Generators`,
//! and the polling consumers: `Shardlab.StartPollingConsumer`,
//! `Shardlab.Consumers`, `Shardlab.PauseConsumer`, `Shardlab.StopConsumer`.

use serde_json::{Value, json};

use crate::{Api, START_MILLIS, check_errors, error, first_sequence_number, invalid, null};

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

#[test]
fn a_consumer_paused_for_six_minutes_shows_the_expired_iterator_it_recovered_from() {
    let mut api = Api::with_stream(1);
    api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "a", "Data": "eA=="}));
    api.ok("Shardlab.StartPollingConsumer", json!({"StreamName": "s", "ShardIteratorType": "TRIM_HORIZON"}));
    api.advance(1000);
    assert_eq!(api.ok("Shardlab.PauseConsumer", json!({"ConsumerId": 0, "Millis": 360_000})), Value::Null);
    // Paused 6 s after the start, for 360 s.
    let paused_until = (START_MILLIS + 366_000) as f64 / 1000.0;
    assert_eq!(api.ok("Shardlab.Consumers", json!({}))["Consumers"][0]["PausedUntil"], paused_until);
    api.advance(360_000);
    let listed = api.ok("Shardlab.Consumers", json!({}));
    let shard = &listed["Consumers"][0]["Shards"][0];
    assert_eq!(listed["Consumers"][0].get("PausedUntil"), None);
    assert_eq!(shard["IteratorExpired"]["At"], paused_until);
    assert_eq!(
        shard["IteratorExpired"]["ResumeFrom"],
        json!({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": first_sequence_number(0)})
    );
    let message = shard["IteratorExpired"]["Message"].as_str().unwrap();
    assert!(message.starts_with("Iterator expired. The iterator was created at time Thu Jan 01 00:00:06 UTC 2026"));
    assert!(shard["LastError"].as_str().unwrap().starts_with("ExpiredIteratorException: Iterator expired."));
    api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "b", "Data": "eQ=="}));
    api.advance(1000);
    let listed = api.ok("Shardlab.Consumers", json!({}));
    assert_eq!(listed["Consumers"][0]["RecordsRead"], 2, "the record after the first, once");
    assert_eq!(listed["Consumers"][0]["Shards"][0].get("LastError"), None);
}

#[test]
fn bad_pauses_get_the_service_s_errors() {
    let mut api = Api::with_stream(1);
    api.ok("Shardlab.StartPollingConsumer", json!({"StreamName": "s", "ShardIteratorType": "LATEST"}));
    let millis = |value: &str, constraint: &str| {
        invalid(&format!(
            "Value '{value}' at 'millis' failed to satisfy constraint: Member must have value {constraint}"
        ))
    };
    let pause = "Shardlab.PauseConsumer";
    let cases = [
        (pause, json!({"ConsumerId": 4, "Millis": 1000}), error("ResourceNotFoundException", "Consumer 4 not found.")),
        (pause, json!({"ConsumerId": 0, "Millis": 0}), millis("0", "greater than or equal to 1")),
        (pause, json!({"ConsumerId": 0, "Millis": -360_000}), millis("-360000", "greater than or equal to 1")),
        (
            pause,
            json!({"ConsumerId": 0, "Millis": 31_536_000_001_u64}),
            millis("31536000001", "less than or equal to 31536000000"),
        ),
        (pause, json!({"ConsumerId": 0}), invalid(&null("millis"))),
        (pause, json!({"Millis": 1000}), invalid(&null("consumerId"))),
        (
            pause,
            json!({"ConsumerId": 0, "Millis": "6 minutes"}),
            json!({"__type": "SerializationException", "Message": "class java.lang.String can not be converted to an Long"}),
        ),
    ];
    check_errors(&mut api, &cases);
    api.ok(pause, json!({"ConsumerId": 0, "Millis": 1000}));
    check_errors(
        &mut api,
        &[(
            pause,
            json!({"ConsumerId": 0, "Millis": 1000}),
            error("InvalidArgumentException", "Consumer 0 is already paused until 1767225606000."),
        )],
    );
}
