//! KPL producers, aggregation and KCL applications through the simulation-only
//! `Shardlab.Kpl*`, `Shardlab.Aggregate`, `Shardlab.Deaggregate` and
//! `Shardlab.Kcl*` targets.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::{Api, check_errors, error, invalid, null};

/// Base64 of `text`.
fn b64(text: &str) -> String {
    shardlab_core::base64::encode(text.as_bytes())
}

/// The owners of the application's leases, one per lease (`None` for an unowned one).
fn owners(api: &mut Api, app: &Value) -> Vec<Option<String>> {
    let leases = api.ok("Shardlab.KclLeases", json!({"ApplicationId": app}));
    leases["Leases"].as_array().unwrap().iter().map(|lease| lease["leaseOwner"].as_str().map(String::from)).collect()
}

/// The sequence and sub-sequence numbers of a KPL outcome or a KCL output record.
fn position(entry: &Value) -> (String, u64) {
    (entry["SequenceNumber"].as_str().unwrap().to_owned(), entry["SubSequenceNumber"].as_u64().unwrap())
}

#[test]
fn a_producer_writes_and_an_application_reads_through_a_worker_failure() {
    let mut api = Api::with_stream(2);
    let producer = api.ok("Shardlab.KplCreateProducer", json!({"Seed": 7}))["ProducerId"].clone();
    assert_eq!(producer, json!(0));
    for i in 0..50 {
        let put = json!({"ProducerId": producer, "StreamName": "s", "PartitionKey": format!("key-{i}"), "Data": b64(&format!("record {i}"))});
        assert_eq!(api.ok("Shardlab.KplPut", put), json!({"UserRecordId": i}));
    }
    let pending = api.ok("Shardlab.KplStatus", json!({"ProducerId": producer, "UserRecordIds": [0]}));
    assert_eq!(pending["Buffered"], json!(50), "{pending}");
    assert_eq!(pending["Outcomes"], json!([{"UserRecordId": 0, "Status": "PENDING", "Attempts": 0}]));

    api.advance(1000);
    let status = api.ok("Shardlab.KplStatus", json!({"ProducerId": producer}));
    assert_eq!((status["Buffered"].clone(), status["InFlight"].clone()), (json!(0), json!(0)), "{status}");
    assert_eq!(status["Counters"]["UserRecordsPut"], json!(50));
    assert_eq!(status["Counters"]["UserRecordsSucceeded"], json!(50));
    let outcomes = status["Outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 50);
    // Aggregated per shard: two Kinesis records, their user records numbered from 0.
    let mut sub_sequence_numbers = BTreeSet::new();
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome["UserRecordId"], json!(i));
        assert_eq!(outcome["Status"], json!("SUCCEEDED"), "{outcome}");
        assert_eq!(outcome["Attempts"], json!(1));
        assert!(outcome["ShardId"].as_str().unwrap().starts_with("shardId-"), "{outcome}");
        assert!(outcome["SequenceNumber"].is_string(), "{outcome}");
        sub_sequence_numbers.insert(position(outcome));
    }
    assert_eq!(sub_sequence_numbers.len(), 50, "every user record has its own position");
    assert!(sub_sequence_numbers.iter().any(|(_, sub)| *sub > 0), "records were aggregated");

    let created = api.ok("Shardlab.KclCreateApplication", json!({"ApplicationName": "app", "StreamName": "s"}));
    let app = created["ApplicationId"].clone();
    assert_eq!(app, json!(0));
    let leases = api.ok("Shardlab.KclLeases", json!({"ApplicationId": app}));
    assert_eq!(
        leases["Leases"][0],
        json!({
            "leaseKey": "shardId-000000000000",
            "leaseCounter": 0,
            "checkpoint": "TRIM_HORIZON",
            "checkpointSubSequenceNumber": 0,
            "ownerSwitchesSinceCheckpoint": 0,
            "parentShardId": [],
        })
    );
    assert_eq!(api.ok("Shardlab.KclStartWorker", json!({"ApplicationId": app})), json!({"WorkerId": 0}));
    assert_eq!(api.ok("Shardlab.KclStartWorker", json!({"ApplicationId": app})), json!({"WorkerId": 1}));
    api.advance(60_000);
    let both: BTreeSet<_> = owners(&mut api, &app).into_iter().collect();
    assert_eq!(both, BTreeSet::from([Some("worker-0".to_owned()), Some("worker-1".to_owned())]));

    assert_eq!(api.call("Shardlab.KclKillWorker", json!({"ApplicationId": app, "WorkerId": 0})), (200, Value::Null));
    api.advance(60_000);
    assert_eq!(owners(&mut api, &app), vec![Some("worker-1".to_owned()); 2]);

    let output = api.ok("Shardlab.KclOutput", json!({"ApplicationId": app}));
    let records = output["Records"].as_array().unwrap();
    assert_eq!(output["Next"], json!(records.len()));
    let seen: BTreeSet<(String, String)> = records
        .iter()
        .map(|r| (r["PartitionKey"].as_str().unwrap().to_owned(), r["Data"].as_str().unwrap().to_owned()))
        .collect();
    let sent: BTreeSet<(String, String)> = (0..50).map(|i| (format!("key-{i}"), b64(&format!("record {i}")))).collect();
    assert_eq!(seen, sent);
    let positions: BTreeSet<(String, u64)> = records.iter().map(position).collect();
    assert_eq!(positions, sub_sequence_numbers, "the KCL numbers user records as the KPL did");
    assert!(records.iter().all(|r| r["DeliveryCount"].as_u64().unwrap() >= 1));
    assert!(output["Counters"]["Processed"].as_u64().unwrap() >= 50, "{}", output["Counters"]);
    // Reading on from `Next` gives nothing new.
    let rest = api.ok("Shardlab.KclOutput", json!({"ApplicationId": app, "After": output["Next"]}));
    assert_eq!(rest["Records"], json!([]));
    // Checkpoints were written at batch ends.
    let leases = api.ok("Shardlab.KclLeases", json!({"ApplicationId": app}));
    for lease in leases["Leases"].as_array().unwrap() {
        assert!(lease["checkpoint"].as_str().unwrap().starts_with("49"), "{lease}");
        assert!(lease["leaseCounter"].as_u64().unwrap() > 0, "{lease}");
    }
}

#[test]
fn workers_are_paused_and_stopped() {
    let mut api = Api::with_stream(1);
    let body =
        json!({"ApplicationName": "app", "StreamName": "s", "Retrieval": "POLLING", "CheckpointEveryRecords": 10});
    let app = api.ok("Shardlab.KclCreateApplication", body)["ApplicationId"].clone();
    api.ok("Shardlab.KclStartWorker", json!({"ApplicationId": app}));
    api.advance(1000);
    assert_eq!(owners(&mut api, &app), vec![Some("worker-0".to_owned())]);
    let worker = json!({"ApplicationId": app, "WorkerId": 0});
    let mut pause = worker.clone();
    pause["Millis"] = json!(5000);
    assert_eq!(api.call("Shardlab.KclPauseWorker", pause.clone()), (200, Value::Null));
    check_errors(
        &mut api,
        &[(
            "Shardlab.KclPauseWorker",
            pause,
            error("InvalidArgumentException", "Worker 0 of application 0 is already paused until 1767225611000."),
        )],
    );
    api.advance(6000);
    assert_eq!(api.call("Shardlab.KclStopWorker", worker.clone()), (200, Value::Null));
    assert_eq!(owners(&mut api, &app), vec![None], "a stopped worker releases its leases");
    check_errors(
        &mut api,
        &[
            (
                "Shardlab.KclKillWorker",
                worker.clone(),
                error("InvalidArgumentException", "Worker 0 of application 0 was stopped; it cannot be killed."),
            ),
            (
                "Shardlab.KclStopWorker",
                worker,
                error("InvalidArgumentException", "Worker 0 of application 0 was stopped; it cannot be stopped."),
            ),
        ],
    );
}

#[test]
fn a_fan_out_application_registers_its_consumer() {
    let mut api = Api::with_stream(1);
    let body = json!({"ApplicationName": "efo-app", "StreamName": "s", "Retrieval": "FAN_OUT"});
    assert_eq!(api.ok("Shardlab.KclCreateApplication", body.clone()), json!({"ApplicationId": 0}));
    let consumers = api.ok("ListStreamConsumers", json!({"StreamARN": crate::arn("s")}));
    assert_eq!(consumers["Consumers"][0]["ConsumerName"], json!("efo-app"));
    // A second application of the same name cannot register the same consumer.
    let (status, reply) = api.call("Shardlab.KclCreateApplication", body);
    assert_eq!((status, reply["__type"].clone()), (400, json!("ResourceInUseException")), "{reply}");
}

#[test]
fn producer_configuration_is_read_and_checked() {
    let mut api = Api::with_stream(1);
    let config = json!({
        "RecordMaxBufferedTime": 0, "AggregationEnabled": false, "AggregationMaxSize": 64,
        "CollectionMaxCount": 1, "RateLimit": 100, "RecordTtl": 100, "Compression": "ZLIB",
    });
    let producer = api.ok("Shardlab.KplCreateProducer", json!({"Config": config}))["ProducerId"].clone();
    let put = json!({"ProducerId": producer, "StreamName": "s", "PartitionKey": "k", "Data": b64("hello"), "ExplicitHashKey": "0"});
    api.ok("Shardlab.KplPut", put);
    assert_eq!(api.call("Shardlab.KplFlush", json!({"ProducerId": producer})), (200, Value::Null));
    api.advance(1000);
    let status = api.ok("Shardlab.KplStatus", json!({"ProducerId": producer}));
    assert_eq!(status["Outcomes"][0]["Status"], json!("SUCCEEDED"), "{status}");
    assert_eq!(status["Outcomes"][0]["ShardId"], json!("shardId-000000000000"));
    // zlib's 2-byte header and 4-byte trailer around the stored or deflated data.
    let counters = &status["Counters"];
    assert_eq!(counters["BytesBeforeCompression"], json!(5));
    assert_ne!(counters["BytesAfterCompression"], json!(5), "{counters}");

    // A record for a stream that does not exist fails when its TTL passes, as in the KPL.
    let put = json!({"ProducerId": producer, "StreamName": "nope", "PartitionKey": "k", "Data": b64("x")});
    assert_eq!(api.ok("Shardlab.KplPut", put), json!({"UserRecordId": 1}));
    api.advance(5000);
    let failed = api.ok("Shardlab.KplStatus", json!({"ProducerId": producer, "UserRecordIds": [1]}));
    assert_eq!(failed["Outcomes"][0]["Status"], json!("FAILED"), "{failed}");
    assert!(failed["Outcomes"][0]["ErrorCode"].is_string(), "{failed}");
}

#[test]
fn aggregated_records_round_trip() {
    let mut api = Api::default();
    let records = json!([
        {"PartitionKey": "a", "Data": b64("first")},
        {"PartitionKey": "b", "ExplicitHashKey": "42", "Data": b64("second")},
        {"PartitionKey": "a", "Data": ""},
    ]);
    let blob = api.ok("Shardlab.Aggregate", json!({"Records": records}))["Data"].clone();
    assert!(blob.as_str().unwrap().starts_with("84ma"), "the KPL magic, F3 89 9A C2: {blob}");
    let back = api.ok("Shardlab.Deaggregate", json!({"Data": blob}));
    assert_eq!(back, json!({"Aggregated": true, "Records": records}));

    assert_eq!(
        api.ok("Shardlab.Deaggregate", json!({"Data": b64("plain")})),
        json!({"Aggregated": false, "Reason": "The data does not start with the KPL magic number."})
    );
}

#[test]
fn client_targets_refuse_bad_requests() {
    let mut api = Api::with_stream(1);
    api.ok("Shardlab.KplCreateProducer", json!({}));
    api.ok("Shardlab.KclCreateApplication", json!({"ApplicationName": "app", "StreamName": "s"}));
    api.ok("Shardlab.KclStartWorker", json!({"ApplicationId": 0}));
    let put = |producer: u32, key: &str| json!({"ProducerId": producer, "StreamName": "s", "PartitionKey": key, "Data": "aGk="});
    let not_found = |message: &str| error("ResourceNotFoundException", message);
    let bad = |message: &str| error("InvalidArgumentException", message);
    check_errors(
        &mut api,
        &[
            ("Shardlab.KplPut", put(3, "k"), not_found("Producer 3 not found.")),
            ("Shardlab.KplFlush", json!({"ProducerId": 3}), not_found("Producer 3 not found.")),
            ("Shardlab.KplStatus", json!({"ProducerId": 3}), not_found("Producer 3 not found.")),
            (
                "Shardlab.KplStatus",
                json!({"ProducerId": 0, "UserRecordIds": [5]}),
                not_found("User record 5 of producer 0 not found."),
            ),
            (
                "Shardlab.KplPut",
                put(0, ""),
                bad(
                    "The user record was refused: partition key must be 1 to 256 characters long, but was 0 characters.",
                ),
            ),
            (
                "Shardlab.KplPut",
                json!({"ProducerId": 0, "StreamName": "s", "PartitionKey": "k", "Data": "aGk=", "ExplicitHashKey": "x"}),
                bad("The user record was refused: explicit hash key must be a decimal number from 0 to 2^128-1."),
            ),
            (
                "Shardlab.KplPut",
                json!({"StreamName": "s", "PartitionKey": "k", "Data": "aGk="}),
                invalid(&null("producerId")),
            ),
            (
                "Shardlab.KplCreateProducer",
                json!({"Config": {"AggregationMaxSize": 10, "CollectionMaxCount": 501, "RecordTtl": 99}}),
                bad(
                    "AggregationMaxSize must be from 64 to 1048576 bytes, but was 10. CollectionMaxCount must be from 1 to 500, but was 501. RecordTtl must be at least 100 milliseconds, but was 99.",
                ),
            ),
            (
                "Shardlab.KplCreateProducer",
                json!({"Config": {"Compression": "LZ4"}}),
                invalid(
                    "Value 'LZ4' at 'config.compression' failed to satisfy constraint: Member must satisfy enum value set: [NONE, ZLIB]",
                ),
            ),
            (
                "Shardlab.KplCreateProducer",
                json!({"Config": {"AggregationEnabled": "yes"}}),
                json!({"__type": "SerializationException", "Message": "class java.lang.String can not be converted to an Boolean"}),
            ),
            (
                "Shardlab.Aggregate",
                json!({"Records": []}),
                bad("The records cannot be aggregated: an aggregated record needs at least one user record."),
            ),
            ("Shardlab.Aggregate", json!({}), invalid(&null("records"))),
            ("Shardlab.Deaggregate", json!({}), invalid(&null("data"))),
            (
                "Shardlab.KclCreateApplication",
                json!({"ApplicationName": "app2", "StreamName": "nope"}),
                not_found("Stream nope under account 123456789012 not found."),
            ),
            (
                "Shardlab.KclCreateApplication",
                json!({"ApplicationName": "app2", "StreamName": "s", "Retrieval": "PUSH"}),
                invalid(
                    "Value 'PUSH' at 'retrieval' failed to satisfy constraint: Member must satisfy enum value set: [POLLING, FAN_OUT]",
                ),
            ),
            ("Shardlab.KclStartWorker", json!({"ApplicationId": 4}), not_found("Application 4 not found.")),
            ("Shardlab.KclLeases", json!({"ApplicationId": 4}), not_found("Application 4 not found.")),
            ("Shardlab.KclOutput", json!({"ApplicationId": 4}), not_found("Application 4 not found.")),
            (
                "Shardlab.KclOutput",
                json!({"ApplicationId": 0, "After": 1}),
                bad("After 1 is past the end of application 0's output, which has 0 records."),
            ),
            (
                "Shardlab.KclKillWorker",
                json!({"ApplicationId": 0, "WorkerId": 9}),
                not_found("Worker 9 of application 0 not found."),
            ),
            ("Shardlab.KclPauseWorker", json!({"ApplicationId": 0, "WorkerId": 0}), invalid(&null("millis"))),
            ("Shardlab.KclStopWorker", json!({"ApplicationId": 0}), invalid(&null("workerId"))),
        ],
    );
}
