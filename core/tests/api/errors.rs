//! Error envelopes and request decoding: AWS's exception names, messages and quirks.

use serde_json::{Value, json};

use crate::{Api, check_errors, error, invalid, null};

/// A `SerializationException`, whose key is `Message`.
fn serialization(message: &str) -> Value {
    json!({"__type": "SerializationException", "Message": message})
}

#[test]
fn bodies_that_are_not_requests_and_unknown_targets() {
    let mut api = Api::default();
    let cases = [
        ("ListStreams", "", r#"{"__type":"SerializationException"}"#),
        ("ListStreams", "hello", r#"{"__type":"SerializationException"}"#),
        ("ListStreams", "[]", r#"{"__type":"SerializationException"}"#),
        ("Nope", "", r#"{"__type":"UnknownOperationException"}"#),
        ("Nope", "{}", r#"{"__type":"UnknownOperationException"}"#),
        // The operation name is case-sensitive, and so is the API version.
        ("listStreams", "{}", r#"{"__type":"UnknownOperationException"}"#),
        ("Kinesis_20131203.ListStreams", "{}", r#"{"__type":"UnknownOperationException"}"#),
    ];
    for (op, body, expected) in cases {
        let response = api.raw(op, body);
        assert_eq!((response.status, response.body.as_str()), (400, expected), "{op} {body:?}");
    }
}

#[test]
fn members_of_the_wrong_type_are_serialization_exceptions() {
    let mut api = Api::with_stream(1);
    let number = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to";
    let cases = [
        (
            "DescribeStream",
            json!({"StreamName": true}),
            serialization("class java.lang.Boolean can not be converted to an String"),
        ),
        ("DescribeStream", json!({"StreamName": 23}), serialization(&format!("{number} an String"))),
        ("DescribeStream", json!({"StreamName": []}), serialization("Start of list found where not expected")),
        (
            "DescribeStream",
            json!({"StreamName": {}}),
            serialization("Start of structure or map found where not expected."),
        ),
        (
            "DescribeStream",
            json!({"StreamName": "s", "Limit": "2"}),
            serialization("class java.lang.String can not be converted to an Integer"),
        ),
        (
            "CreateStream",
            json!({"StreamName": "t", "ShardCount": true}),
            serialization("class java.lang.Boolean can not be converted to an Integer"),
        ),
        ("CreateStream", json!({"StreamName": "t", "StreamModeDetails": "ON_DEMAND"}), serialization("Expected null")),
        (
            "CreateStream",
            json!({"StreamName": "t", "Tags": ["a"]}),
            serialization("Start of list found where not expected"),
        ),
        ("AddTagsToStream", json!({"StreamName": "s", "Tags": 1}), serialization("Expected map or null")),
        (
            "AddTagsToStream",
            json!({"StreamName": "s", "Tags": {"a": 1}}),
            serialization(&format!("{number} an String")),
        ),
        ("PutRecords", json!({"StreamName": "s", "Records": "x"}), serialization("Expected list or null")),
        ("PutRecords", json!({"StreamName": "s", "Records": [1]}), serialization("Expected null")),
        (
            "PutRecord",
            json!({"StreamName": "s", "PartitionKey": "k", "Data": 5}),
            serialization(&format!("{number} a Blob")),
        ),
        (
            "PutRecord",
            json!({"StreamName": "s", "PartitionKey": "k", "Data": "23456"}),
            serialization(
                "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5",
            ),
        ),
        (
            "PutRecord",
            json!({"StreamName": "s", "PartitionKey": "k", "Data": "=+/="}),
            serialization("'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"),
        ),
        (
            "PutRecord",
            json!({"StreamName": "s", "PartitionKey": "k", "Data": "+/+="}),
            serialization("'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"),
        ),
        (
            "GetShardIterator",
            json!({"StreamName": "s", "ShardId": "0", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": "2026-01-01"}),
            serialization("class java.lang.String can not be converted to milliseconds since epoch"),
        ),
        (
            "Shardlab.AdvanceClock",
            json!({"Millis": "5"}),
            serialization("class java.lang.String can not be converted to an Long"),
        ),
    ];
    check_errors(&mut api, &cases);
}

#[test]
fn missing_members_and_bad_enum_values_are_validation_exceptions() {
    let mut api = Api::with_stream(1);
    let cases = [
        ("DescribeStreamSummary", json!({}), invalid(&null("streamName"))),
        ("CreateStream", json!({"ShardCount": 1}), invalid(&null("streamName"))),
        (
            "GetShardIterator",
            json!({}),
            error(
                "ValidationException",
                &format!(
                    "3 validation errors detected: {}; {}; {}",
                    null("shardId"),
                    null("shardIteratorType"),
                    null("streamName")
                ),
            ),
        ),
        (
            "PutRecords",
            json!({"StreamName": "s", "Records": [{"Data": "eA==", "PartitionKey": "k"}, {"Data": "eA=="}]}),
            invalid(&null("records.2.member.partitionKey")),
        ),
        (
            "UpdateStreamMode",
            json!({"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s"}),
            invalid(&null("streamModeDetails")),
        ),
        // Unknown members are ignored, as AWS ignores them.
        ("DeleteStream", json!({"Name": "s"}), invalid(&null("streamName"))),
        (
            "GetShardIterator",
            json!({"StreamName": "s", "ShardId": "0", "ShardIteratorType": "OLDEST"}),
            invalid(
                "Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]",
            ),
        ),
        (
            "CreateStream",
            json!({"StreamName": "t", "StreamModeDetails": {"StreamMode": "SERVERLESS"}}),
            invalid(
                "Value 'SERVERLESS' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
            ),
        ),
        (
            "UpdateShardCount",
            json!({"StreamName": "s", "TargetShardCount": 2, "ScalingType": "BY_HASH"}),
            invalid(
                "Value 'BY_HASH' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]",
            ),
        ),
        (
            "ListShards",
            json!({"StreamName": "s", "ShardFilter": {"Type": "NEWEST"}}),
            invalid(
                "Value 'NEWEST' at 'shardFilter.type' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]",
            ),
        ),
        (
            "CreateStream",
            json!({"StreamName": "t", "ShardCount": -3}),
            invalid(
                "Value '-3' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
            ),
        ),
        (
            "GetShardIterator",
            json!({"StreamName": "s", "ShardId": "shard/0", "ShardIteratorType": "LATEST"}),
            invalid(
                "Value 'shard/0' at 'shardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
            ),
        ),
        (
            "DescribeStream",
            json!({"StreamARN": "orders"}),
            invalid(
                "Value 'orders' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
            ),
        ),
        (
            "Shardlab.AdvanceClock",
            json!({"Millis": -1}),
            invalid(
                "Value '-1' at 'millis' failed to satisfy constraint: Member must have value greater than or equal to 0",
            ),
        ),
    ];
    check_errors(&mut api, &cases);
}

#[test]
fn misused_iterator_arguments_get_aws_texts() {
    let mut api = Api::with_stream(1);
    let either = "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber.";
    let request = |shard: &str, position: Value| {
        let mut body = json!({"StreamName": "s", "ShardId": shard});
        body.as_object_mut().unwrap().extend(position.as_object().unwrap().clone());
        body
    };
    let seq = format!("49{:012}{:042}", 0, 0);
    let cases = [
        (
            "GetShardIterator",
            request("shardId-000000000000", json!({"ShardIteratorType": "AT_SEQUENCE_NUMBER"})),
            error(
                "InvalidArgumentException",
                &format!("{either} Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber."),
            ),
        ),
        (
            "GetShardIterator",
            request("shardId-000000000000", json!({"ShardIteratorType": "LATEST", "StartingSequenceNumber": seq})),
            error(
                "InvalidArgumentException",
                &format!("{either} Request specified LATEST and also a StartingSequenceNumber."),
            ),
        ),
        (
            "GetShardIterator",
            request("shardId-000000000000", json!({"ShardIteratorType": "AT_TIMESTAMP"})),
            error(
                "InvalidArgumentException",
                "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.",
            ),
        ),
        // A missing shard is reported before a misused StartingSequenceNumber.
        (
            "GetShardIterator",
            request("shardId-9", json!({"ShardIteratorType": "LATEST", "StartingSequenceNumber": seq})),
            error(
                "ResourceNotFoundException",
                "Shard shardId-000000000009 in stream s under account 123456789012 does not exist",
            ),
        ),
        (
            "GetShardIterator",
            request("2147483648", json!({"ShardIteratorType": "LATEST"})),
            error(
                "ResourceNotFoundException",
                "Could not find shard 2147483648 in stream s under account 123456789012.",
            ),
        ),
        (
            "GetRecords",
            json!({"ShardIterator": "bm90IGFuIGl0ZXJhdG9y"}),
            error("InvalidArgumentException", "Invalid ShardIterator."),
        ),
        (
            "ListShards",
            json!({"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s", "NextToken": "x"}),
            error("InvalidArgumentException", "NextToken and StreamARN cannot be provided together."),
        ),
    ];
    check_errors(&mut api, &cases);
}

#[test]
fn simulation_errors_keep_their_aws_names_and_messages() {
    let mut api = Api::with_stream(1);
    let cases = [
        (
            "DescribeStream",
            json!({"StreamName": "nope"}),
            error("ResourceNotFoundException", "Stream nope under account 123456789012 not found."),
        ),
        (
            "CreateStream",
            json!({"StreamName": "s", "ShardCount": 1}),
            error("ResourceInUseException", "Stream s under account 123456789012 already exists."),
        ),
        (
            "PutRecord",
            json!({"StreamName": "s", "PartitionKey": "", "Data": "eA=="}),
            invalid(
                "Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
            ),
        ),
        (
            "DescribeStream",
            json!({"StreamName": "s", "Limit": 10001}),
            invalid(
                "Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
            ),
        ),
        (
            "ListShards",
            json!({"StreamName": "s", "MaxResults": 10001}),
            invalid(
                "Value '10001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10000",
            ),
        ),
        (
            "IncreaseStreamRetentionPeriod",
            json!({"StreamName": "s", "RetentionPeriodHours": 23}),
            error(
                "InvalidArgumentException",
                "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.",
            ),
        ),
    ];
    check_errors(&mut api, &cases);
}
