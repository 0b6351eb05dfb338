//! Lambda functions and event-source mappings through the simulation-only
//! `Shardlab.*` targets.

use serde_json::{Value, json};

use crate::{Api, arn, check_errors, error, invalid, null};

const DLQ: &str = "arn:aws:sqs:us-east-1:123456789012:dlq";

fn put(api: &mut Api, key: &str, data: &str) -> String {
    let data = shardlab_core::base64::encode(data.as_bytes());
    let put = api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": key, "Data": data}));
    put["SequenceNumber"].as_str().unwrap().to_owned()
}

#[test]
fn a_poison_pill_is_bisected_out_and_reported_to_the_destination() {
    let mut api = Api::with_stream(1);
    let created = api.ok("Shardlab.CreateFunction", json!({"FunctionName": "f", "PoisonDataContains": "poison"}));
    assert_eq!(
        created,
        json!({"FunctionName": "f", "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f"})
    );
    let seqs: Vec<String> =
        (0..4).map(|i| put(&mut api, &format!("k{i}"), if i == 2 { "poison" } else { "ok" })).collect();
    let mapping = api.ok(
        "Shardlab.CreateEventSourceMapping",
        json!({
            "EventSourceArn": arn("s"),
            "FunctionName": "f",
            "StartingPosition": "TRIM_HORIZON",
            "BisectBatchOnFunctionError": true,
            "MaximumRetryAttempts": 0,
            "DestinationConfig": {"OnFailure": {"Destination": DLQ}},
        }),
    );
    let uuid = mapping["UUID"].clone();
    assert_eq!(
        mapping,
        json!({
            "UUID": uuid,
            "EventSourceArn": arn("s"),
            "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "StartingPosition": "TRIM_HORIZON",
            "BatchSize": 100,
            "MaximumBatchingWindowInSeconds": 0,
            "ParallelizationFactor": 1,
            "BisectBatchOnFunctionError": true,
            "MaximumRetryAttempts": 0,
            "MaximumRecordAgeInSeconds": -1,
            // AWS shows it for every stream mapping, 0 without a window.
            "TumblingWindowInSeconds": 0,
            "FunctionResponseTypes": [],
            "DestinationConfig": {"OnFailure": {"Destination": DLQ}},
            "LastModified": 1_767_225_605.0,
            "LastProcessingResult": "No records processed",
            "State": "Enabled",
            "StateTransitionReason": "USER_INITIATED",
        })
    );
    api.advance(10_000);
    // 4 fails → [0,1] succeeds, [2,3] fails → [2] fails and is discarded, [3] succeeds.
    let log = api.ok("Shardlab.Invocations", json!({"UUID": uuid}));
    let steps: Vec<(u64, &str, &str)> = log["Invocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["BatchSize"].as_u64().unwrap(), i["Outcome"].as_str().unwrap(), i["Handling"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            (4, "FUNCTION_ERROR", "BISECTED"),
            (2, "SUCCEEDED", "CHECKPOINTED"),
            (2, "FUNCTION_ERROR", "BISECTED"),
            (1, "FUNCTION_ERROR", "DISCARDED"),
            (1, "SUCCEEDED", "CHECKPOINTED"),
        ]
    );
    assert_eq!(log["Next"], 5);
    assert_eq!(log["Invocations"][3]["FirstSequenceNumber"], seqs[2]);
    assert_eq!(log["Invocations"][0]["ShardId"], "shardId-000000000000");
    let later = api.ok("Shardlab.Invocations", json!({"UUID": uuid, "After": 4}));
    assert_eq!(later["Invocations"].as_array().unwrap().len(), 1);

    let messages = api.ok("Shardlab.DestinationMessages", json!({"Destination": DLQ}));
    let messages = messages["Messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    let record: Value = serde_json::from_str(messages[0].as_str().unwrap()).unwrap();
    assert_eq!(record["KinesisBatchInfo"]["startSequenceNumber"], seqs[2]);
    assert_eq!(record["KinesisBatchInfo"]["batchSize"], 1);

    let got = api.ok("Shardlab.GetEventSourceMapping", json!({"UUID": uuid}));
    assert_eq!(got["Progress"]["Concurrency"], 1);
    assert_eq!(got["Progress"]["DiscardedRecords"], 1);
    assert_eq!(got["Progress"]["Shards"][0]["Lanes"][0]["LastProcessedSequenceNumber"], seqs[3]);
    assert_eq!(got["LastProcessingResult"], "OK");

    let updated = api.ok(
        "Shardlab.UpdateEventSourceMapping",
        json!({"UUID": uuid, "ParallelizationFactor": 10, "DestinationConfig": {"OnFailure": {}}}),
    );
    assert_eq!(updated["ParallelizationFactor"], 10);
    assert_eq!(updated["DestinationConfig"], json!({"OnFailure": {}}));
    api.advance(1000);
    let got = api.ok("Shardlab.GetEventSourceMapping", json!({"UUID": uuid}));
    assert_eq!(got["Progress"]["Concurrency"], 10);
    let deleted = api.ok("Shardlab.DeleteEventSourceMapping", json!({"UUID": uuid}));
    assert_eq!(deleted["State"], "Deleting");
    check_errors(
        &mut api,
        &[(
            "Shardlab.GetEventSourceMapping",
            json!({"UUID": uuid}),
            error("ResourceNotFoundException", "The resource you requested does not exist."),
        )],
    );
}

#[test]
fn lambda_targets_refuse_bad_requests_with_aws_errors() {
    let mut api = Api::with_stream(1);
    api.ok("Shardlab.CreateFunction", json!({"FunctionName": "f"}));
    let mapping = |extra: Value| {
        let mut body = json!({"EventSourceArn": arn("s"), "FunctionName": "f", "StartingPosition": "LATEST"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    check_errors(
        &mut api,
        &[
            ("Shardlab.CreateEventSourceMapping", json!({"FunctionName": "f"}), invalid(&null("eventSourceArn"))),
            (
                "Shardlab.CreateEventSourceMapping",
                mapping(json!({"BatchSize": 0})),
                invalid(
                    "Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1",
                ),
            ),
            (
                "Shardlab.CreateEventSourceMapping",
                mapping(json!({"ParallelizationFactor": 11, "MaximumRetryAttempts": -2})),
                error(
                    "ValidationException",
                    "2 validation errors detected: Value '11' at 'parallelizationFactor' failed to satisfy constraint: Member must have value less than or equal to 10; Value '-2' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value greater than or equal to -1",
                ),
            ),
            (
                "Shardlab.CreateEventSourceMapping",
                mapping(json!({"StartingPosition": "EARLIEST"})),
                invalid(
                    "Value 'EARLIEST' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_TIMESTAMP]",
                ),
            ),
            (
                "Shardlab.CreateEventSourceMapping",
                mapping(json!({"MaximumRecordAgeInSeconds": 10})),
                error(
                    "InvalidParameterValueException",
                    "MaximumRecordAgeInSeconds must be -1 or between 60 and 604800, but was 10.",
                ),
            ),
            (
                "Shardlab.CreateEventSourceMapping",
                mapping(json!({"FunctionName": "g"})),
                error(
                    "ResourceNotFoundException",
                    "Function not found: arn:aws:lambda:us-east-1:123456789012:function:g",
                ),
            ),
            (
                "Shardlab.CreateFunction",
                json!({"FunctionName": "f"}),
                error("ResourceConflictException", "Function already exist: f"),
            ),
            (
                "Shardlab.CreateFunction",
                json!({"FunctionName": "g", "PoisonPartitionKey": "a", "PoisonDataContains": "b"}),
                error("InvalidParameterValueException", "Give PoisonPartitionKey or PoisonDataContains, not both."),
            ),
            (
                "Shardlab.CreateFunction",
                json!({"FunctionName": "g", "FailurePercent": 101}),
                error("InvalidParameterValueException", "A failure chance of 101% is more than 100%."),
            ),
        ],
    );
}
