//! Enhanced fan-out: consumers, `SubscribeToShard` and `Shardlab.ReadSubscription`.

use serde_json::{Value, json};

use crate::{Api, START_MILLIS, arn, check_errors, error, first_sequence_number, invalid, null};

/// The ARN of consumer `name` of stream `s`, registered `secs` seconds after the start.
fn consumer_arn(name: &str, secs: u64) -> String {
    format!("{}/consumer/{name}:{}", arn("s"), START_MILLIS / 1000 + secs)
}

/// A stream `s` of `shard_count` shards with an `ACTIVE` consumer `app`,
/// registered five seconds after the start.
fn with_consumer(shard_count: u32) -> Api {
    let mut api = Api::with_stream(shard_count);
    api.ok("RegisterStreamConsumer", json!({"StreamARN": arn("s"), "ConsumerName": "app"}));
    api.advance(5000);
    api
}

/// Subscribes `app` to `shard` from `position` and returns the subscription id.
fn subscribe(api: &mut Api, shard: &str, position: Value) -> Value {
    let body = json!({"ConsumerARN": consumer_arn("app", 5), "ShardId": shard, "StartingPosition": position});
    let reply = api.ok("SubscribeToShard", body);
    assert_eq!(reply.as_object().unwrap().len(), 1, "{reply}");
    reply["SubscriptionId"].clone()
}

#[test]
fn consumers_are_registered_described_listed_and_deregistered() {
    let mut api = Api::with_stream(1);
    let consumer = |name: &str, status: &str| {
        json!({
            "ConsumerName": name,
            "ConsumerARN": consumer_arn(name, 5),
            "ConsumerStatus": status,
            "ConsumerCreationTimestamp": 1767225605.0,
        })
    };
    assert_eq!(
        api.ok("RegisterStreamConsumer", json!({"StreamARN": arn("s"), "ConsumerName": "app"})),
        json!({"Consumer": consumer("app", "CREATING")})
    );
    api.ok("RegisterStreamConsumer", json!({"StreamARN": arn("s"), "ConsumerName": "audit"}));
    api.advance(5000);

    let mut description = consumer("app", "ACTIVE");
    description["StreamARN"] = json!(arn("s"));
    for named in [json!({"ConsumerARN": consumer_arn("app", 5)}), json!({"StreamARN": arn("s"), "ConsumerName": "app"})]
    {
        let reply = api.ok("DescribeStreamConsumer", named.clone());
        assert_eq!(reply, json!({"ConsumerDescription": description}), "{named}");
    }

    let both = [consumer("app", "ACTIVE"), consumer("audit", "ACTIVE")];
    for (request, expected) in [
        (json!({"StreamARN": arn("s")}), json!({"Consumers": both})),
        (json!({"StreamARN": arn("s"), "MaxResults": 1}), json!({"Consumers": [both[0]]})),
    ] {
        assert_eq!(api.ok("ListStreamConsumers", request.clone()), expected, "{request}");
    }

    let deregistered =
        api.raw("DeregisterStreamConsumer", &json!({"StreamARN": arn("s"), "ConsumerName": "app"}).to_string());
    assert_eq!((deregistered.status, deregistered.body.as_str()), (200, ""));
    let status = |api: &mut Api| {
        api.ok("DescribeStreamConsumer", json!({"ConsumerARN": consumer_arn("app", 5)}))["ConsumerDescription"]
            ["ConsumerStatus"]
            .clone()
    };
    assert_eq!(status(&mut api), json!("DELETING"));
    api.advance(5000);
    assert_eq!(api.ok("ListStreamConsumers", json!({"StreamARN": arn("s")})), json!({"Consumers": [both[1]]}));
}

#[test]
fn a_subscription_delivers_records_put_after_it_began() {
    let mut api = with_consumer(1);
    api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": "YQ=="}));
    let subscription = subscribe(&mut api, "shardId-000000000000", json!({"Type": "LATEST"}));
    api.advance(250);
    api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": "Yg=="}));
    let read = |api: &mut Api| api.ok("Shardlab.ReadSubscription", json!({"SubscriptionId": subscription}));

    let second = format!("49{:012}{:042}", 0, 1);
    let first_read = read(&mut api);
    // Records are encoded exactly as GetRecords encodes them.
    let shard_iterator = api.ok(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": second}),
    )["ShardIterator"]
        .clone();
    let page = api.ok("GetRecords", json!({"ShardIterator": shard_iterator}));
    assert_eq!(
        first_read,
        json!({
            "SubscribeToShardEvent": {
                "Records": page["Records"],
                "ContinuationSequenceNumber": second,
                "MillisBehindLatest": 0,
            },
            "Ended": false,
        })
    );
    assert_eq!(page["Records"][0]["Data"], json!("Yg=="));

    // Nothing new: an empty event that still says where to continue.
    assert_eq!(read(&mut api)["SubscribeToShardEvent"]["Records"], json!([]));
    // A subscription lasts five minutes.
    api.advance(300_000);
    assert_eq!(read(&mut api)["Ended"], json!(true));
}

#[test]
fn a_subscription_ends_at_the_end_of_a_closed_shard_and_names_its_children() {
    let mut api = with_consumer(1);
    api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": "YQ=="}));
    let subscription = subscribe(&mut api, "0", json!({"Type": "TRIM_HORIZON"}));
    let split_at = "170141183460469231731687303715884105728";
    api.ok(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": split_at}),
    );
    api.advance(3000);
    let read = api.ok("Shardlab.ReadSubscription", json!({"SubscriptionId": subscription}));
    let event = &read["SubscribeToShardEvent"];
    assert_eq!(event["Records"][0]["SequenceNumber"], json!(first_sequence_number(0)));
    let children: Vec<&Value> = event["ChildShards"].as_array().unwrap().iter().map(|c| &c["ShardId"]).collect();
    assert_eq!(children, [&json!("shardId-000000000001"), &json!("shardId-000000000002")]);
    assert_eq!(read["Ended"], json!(true));
}

#[test]
fn fan_out_errors_keep_aws_names_and_messages() {
    let mut api = Api::with_stream(1);
    api.ok("RegisterStreamConsumer", json!({"StreamARN": arn("s"), "ConsumerName": "app"}));
    let subscribe = json!({
        "ConsumerARN": consumer_arn("app", 5),
        "ShardId": "shardId-000000000000",
        "StartingPosition": {"Type": "LATEST"},
    });
    check_errors(
        &mut api,
        &[(
            "SubscribeToShard",
            subscribe.clone(),
            error(
                "ResourceInUseException",
                "Consumer app with creation timestamp 1767225605 under stream: s , account 123456789012 is not in ACTIVE status.",
            ),
        )],
    );
    api.advance(5000);
    api.ok("SubscribeToShard", subscribe.clone());
    let bad_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/app";
    let cases = [
        (
            "SubscribeToShard",
            subscribe,
            error("ResourceInUseException", "Another active subscription exists for this consumer"),
        ),
        (
            "SubscribeToShard",
            json!({"ConsumerARN": consumer_arn("app", 5), "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "AT_SEQUENCE_NUMBER"}}),
            error(
                "InvalidArgumentException",
                "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.",
            ),
        ),
        (
            "SubscribeToShard",
            json!({"ConsumerARN": bad_arn, "ShardId": "shardId-000000000000"}),
            error(
                "ValidationException",
                &format!(
                    "2 validation errors detected: Value '{bad_arn}' at 'consumerARN' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(arn):aws.*:kinesis:.*:\\d{{12}}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+; {}",
                    null("startingPosition")
                ),
            ),
        ),
        (
            "RegisterStreamConsumer",
            json!({"StreamARN": arn("s"), "ConsumerName": "app"}),
            error("ResourceInUseException", "Consumer app under stream s already exists for account 123456789012."),
        ),
        ("RegisterStreamConsumer", json!({"StreamARN": arn("s")}), invalid(&null("consumerName"))),
        (
            "DescribeStreamConsumer",
            json!({"ConsumerName": "app"}),
            error("InvalidArgumentException", "Either ConsumerARN, or StreamARN and ConsumerName, must be given."),
        ),
        (
            "DescribeStreamConsumer",
            json!({"StreamARN": arn("s"), "ConsumerName": "nope"}),
            error("ResourceNotFoundException", "Consumer nope under stream s not found."),
        ),
        (
            "DeregisterStreamConsumer",
            json!({"StreamARN": arn("t"), "ConsumerName": "app"}),
            error("ResourceNotFoundException", "Stream t under account 123456789012 not found."),
        ),
        (
            "ListStreamConsumers",
            json!({"StreamARN": arn("s"), "NextToken": "abc"}),
            error("InvalidArgumentException", "Invalid NextToken abc."),
        ),
        (
            "ListStreamConsumers",
            json!({"StreamARN": arn("s"), "MaxResults": 10001}),
            invalid(
                "Value '10001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10000",
            ),
        ),
        (
            "Shardlab.ReadSubscription",
            json!({"SubscriptionId": 9}),
            error("ResourceNotFoundException", "Subscription 9 not found."),
        ),
    ];
    check_errors(&mut api, &cases);
}

/// A subscriber that stops reading is pushed no more than the consumer's
/// 2 MiB a second per shard: as an HTTP/2 reader that pauses, it finds about
/// one second's worth waiting, then the rest at 2 MiB a second, in order,
/// with nothing lost or repeated while the subscription lives.
#[test]
fn a_paused_subscriber_catches_up_at_two_mib_a_second_without_losing_a_record() {
    const MIB: usize = 1 << 20;
    let mut api = with_consumer(1);
    let subscription = subscribe(&mut api, "shardId-000000000000", json!({"Type": "LATEST"}));
    let read = |api: &mut Api| api.ok("Shardlab.ReadSubscription", json!({"SubscriptionId": subscription}));
    // 30 s of 500 records of 1,000 bytes a second (under the shard's 1 MiB/s), read by no one.
    // 999 bytes of data ("xxx" is "eHh4") and a 1-byte key: 1,000 bytes a record.
    let data = "eHh4".repeat(333);
    let mut written = Vec::new();
    for _ in 0..30 {
        let entries: Vec<Value> = (0..500).map(|_| json!({"PartitionKey": "k", "Data": data})).collect();
        let reply = api.ok("PutRecords", json!({"StreamName": "s", "Records": entries}));
        assert_eq!(reply["FailedRecordCount"], json!(0));
        written.extend(reply["Records"].as_array().unwrap().iter().map(|r| r["SequenceNumber"].clone()));
        api.advance(1000);
    }
    let event_bytes =
        |event: &Value| -> usize { event["SubscribeToShardEvent"]["Records"].as_array().unwrap().len() * 1_000 };
    let first = read(&mut api);
    let first_bytes = event_bytes(&first);
    assert!(first_bytes <= 2 * MIB && first_bytes > 2 * MIB - 2_000, "first read after the pause: {first_bytes} B");
    let sequence_numbers = |event: &Value| -> Vec<Value> {
        event["SubscribeToShardEvent"]["Records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["SequenceNumber"].clone())
            .collect()
    };
    let mut delivered = sequence_numbers(&first);
    let mut reads = 1;
    while delivered.len() < written.len() {
        api.advance(1000);
        let event = read(&mut api);
        assert!(event_bytes(&event) <= 2 * MIB, "a second's read");
        assert_eq!(event["Ended"], json!(false));
        delivered.extend(sequence_numbers(&event));
        reads += 1;
        assert!(reads < 20, "the backlog drains at 2 MiB a second");
    }
    assert_eq!(delivered, written, "every record once, in order");
    // 15,000,000 bytes at 2 MiB a second: eight reads, one second apart.
    assert_eq!(reads, 15_000_000usize.div_ceil(2 * MIB));
}
