//! The `aws kinesis …` (or `aws firehose …`, `aws sqs …`, `aws lambda …`,
//! `aws s3api …`, `aws cloudwatch …`) command line equivalent to an API
//! request, so that every request a learner sends shows the command they
//! would type.
//!
//! The AWS CLI names each option after its request member in kebab case
//! (`StreamName` → `--stream-name`, `StreamARN` → `--stream-arn`, `UUID` →
//! `--uuid`), takes structures and lists as JSON, and booleans as a flag
//! (`--bisect-batch-on-function-error`, or `--no-…` for false). CLI v2 reads
//! blobs such as `Data` as base64, which is what the request carries, so
//! values pass through as is.

use serde_json::Value;
use shardlab_core::Instant;

/// The CLI's service name for each JSON target prefix it has.
const SERVICES: [(&str, &str); 3] =
    [("Kinesis_20131202.", "kinesis"), ("Firehose_20150804.", "firehose"), ("AmazonSQS.", "sqs")];

/// The simulation's targets that take the members of a real AWS operation
/// (under `Shardlab.` because that service does not speak this JSON
/// protocol), with the CLI command for it. Their bodies hold only that
/// operation's members, so they map to options as the others do. The
/// simulation's other targets (`Shardlab.CreateFunction`, a scripted fake
/// function; the clock, generators, KPL and KCL controls, …) have no CLI
/// equivalent.
const MIRRORS: [(&str, &str); 7] = [
    ("Shardlab.CreateEventSourceMapping", "lambda create-event-source-mapping"),
    ("Shardlab.UpdateEventSourceMapping", "lambda update-event-source-mapping"),
    ("Shardlab.GetEventSourceMapping", "lambda get-event-source-mapping"),
    ("Shardlab.DeleteEventSourceMapping", "lambda delete-event-source-mapping"),
    ("Shardlab.S3CreateBucket", "s3api create-bucket"),
    ("Shardlab.S3ListObjects", "s3api list-objects-v2"),
    // get-object also takes, after its options, the file to write the object to.
    ("Shardlab.S3GetObject", "s3api get-object"),
];

/// Members a request may carry that only the simulation reads, by target and
/// JSON pointer: the real service would refuse them, so the CLI line leaves
/// them out. `SimulatedFormatConversion` stands in for Firehose's
/// `DataFormatConversionConfiguration` (see `core/src/api/firehose.rs`).
const SIMULATION_ONLY: [(&str, &str); 1] =
    [("Firehose_20150804.CreateDeliveryStream", "/ExtendedS3DestinationConfiguration/SimulatedFormatConversion")];

/// The CLI command for `target` with JSON `body`, or `None` for targets the
/// AWS CLI has no equivalent of (the simulation's own `Shardlab.*` controls).
pub fn command(target: &str, body: &Value) -> Option<String> {
    if target == "Shardlab.GetMetricStatistics" {
        return Some(metric_statistics(body));
    }
    let service = SERVICES
        .iter()
        .find_map(|(prefix, service)| Some(format!("{service} {}", kebab(target.strip_prefix(prefix)?))));
    let command = service.or_else(|| MIRRORS.iter().find(|(t, _)| *t == target).map(|(_, c)| c.to_string()))?;
    let mut body = body.clone();
    for (_, pointer) in SIMULATION_ONLY.iter().filter(|(t, _)| *t == target) {
        if let Some((parent, member)) = pointer.rsplit_once('/')
            && let Some(Value::Object(members)) = body.pointer_mut(parent)
        {
            members.remove(member);
        }
    }
    let mut line = format!("aws {command}");
    if let Value::Object(members) = &body {
        for (name, value) in members {
            line.push_str(&option(name, value));
        }
    }
    if target == "Shardlab.S3GetObject" {
        // get-object's one positional argument: the file to write the body
        // to, here the terminal.
        line.push_str(" /dev/stdout");
    }
    Some(line)
}

/// ` --member value`, or for a boolean the flag alone (` --member`,
/// ` --no-member`).
fn option(name: &str, value: &Value) -> String {
    match value {
        Value::Bool(true) => format!(" --{}", kebab(name)),
        Value::Bool(false) => format!(" --no-{}", kebab(name)),
        value => format!(" --{} {}", kebab(name), argument(value)),
    }
}

/// `Shardlab.GetMetricStatistics` as CloudWatch's `get-metric-statistics`:
/// the same metric names in the `AWS/Kinesis` namespace, the stream and
/// shard as dimensions, and every statistic, since the simulation answers
/// them all. (The simulation also takes a `Period` under CloudWatch's 60
/// seconds, which on AWS only high-resolution metrics allow; the line shows
/// it as given.)
fn metric_statistics(body: &Value) -> String {
    let text = |name: &str| body.get(name).and_then(Value::as_str);
    let mut line = String::from("aws cloudwatch get-metric-statistics --namespace AWS/Kinesis");
    if let Some(metric) = body.get("MetricName") {
        line.push_str(&format!(" --metric-name {}", argument(metric)));
    }
    let stream =
        text("StreamName").or_else(|| text("StreamARN").and_then(|arn| arn.rsplit_once(":stream/")).map(|(_, n)| n));
    let dimensions: Vec<String> = [("StreamName", stream), ("ShardId", text("ShardId"))]
        .into_iter()
        .filter_map(|(name, value)| Some(shell_quote(&format!("Name={name},Value={}", value?))))
        .collect();
    if !dimensions.is_empty() {
        line.push_str(&format!(" --dimensions {}", dimensions.join(" ")));
    }
    for (member, option) in [("StartTime", "start-time"), ("EndTime", "end-time")] {
        if let Some(at) = body.get(member) {
            line.push_str(&format!(" --{option} {}", timestamp(at)));
        }
    }
    if let Some(period) = body.get("Period") {
        line.push_str(&format!(" --period {}", argument(period)));
    }
    line.push_str(" --statistics SampleCount Average Sum Minimum Maximum");
    line
}

/// A timestamp member (epoch seconds) as the CLI reads it, in ISO 8601:
/// `2026-01-01T00:00:00Z`.
fn timestamp(value: &Value) -> String {
    match value.as_f64() {
        Some(seconds) if seconds >= 0.0 => {
            let at = Instant::from_epoch_millis((seconds * 1000.0).round() as u64).to_string();
            at.replace(".000Z", "Z")
        }
        _ => argument(value),
    }
}

/// `StreamARN` → `stream-arn`, `NewStartingHashKey` → `new-starting-hash-key`.
pub(crate) fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (idx, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && idx > 0 {
            let after_lower = chars[idx - 1].is_ascii_lowercase() || chars[idx - 1].is_ascii_digit();
            let starts_word =
                chars[idx - 1].is_ascii_uppercase() && chars.get(idx + 1).is_some_and(|n| n.is_ascii_lowercase());
            if after_lower || starts_word {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A shell argument for a member's value.
fn argument(value: &Value) -> String {
    match value {
        Value::String(text) => shell_quote(text),
        Value::Number(_) | Value::Bool(_) => value.to_string(),
        other => shell_quote(&other.to_string()),
    }
}

/// `text` as one POSIX shell word: bare when that is safe, else single-quoted.
pub(crate) fn shell_quote(text: &str) -> String {
    let safe = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:/=+@,".contains(c));
    if safe { text.to_string() } else { format!("'{}'", text.replace('\'', r"'\''")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[track_caller]
    fn check(target: &str, body: Value, expected: Option<&str>) {
        assert_eq!(command(target, &body).as_deref(), expected);
    }

    #[test]
    fn requests_become_cli_commands() {
        check(
            "Kinesis_20131202.PutRecord",
            json!({"StreamName": "orders", "PartitionKey": "user-42", "Data": "aGVsbG8="}),
            Some("aws kinesis put-record --data aGVsbG8= --partition-key user-42 --stream-name orders"),
        );
        check(
            "Kinesis_20131202.GetShardIterator",
            json!({"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders", "ShardId": "shardId-000000000001", "ShardIteratorType": "TRIM_HORIZON"}),
            Some(
                "aws kinesis get-shard-iterator --shard-id shardId-000000000001 --shard-iterator-type TRIM_HORIZON --stream-arn arn:aws:kinesis:us-east-1:123456789012:stream/orders",
            ),
        );
        check(
            "Kinesis_20131202.ListShards",
            json!({"StreamName": "orders", "ShardFilter": {"Type": "AT_LATEST"}, "MaxResults": 2}),
            Some(
                r#"aws kinesis list-shards --max-results 2 --shard-filter '{"Type":"AT_LATEST"}' --stream-name orders"#,
            ),
        );
        check("Kinesis_20131202.DescribeLimits", json!({}), Some("aws kinesis describe-limits"));
        check(
            "AmazonSQS.SendMessage",
            json!({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", "MessageBody": "hi there"}),
            Some(
                "aws sqs send-message --message-body 'hi there' --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
            ),
        );
        check(
            "Firehose_20150804.PutRecord",
            json!({"DeliveryStreamName": "archive", "Record": {"Data": "aGk="}}),
            Some(r#"aws firehose put-record --delivery-stream-name archive --record '{"Data":"aGk="}'"#),
        );
        check("Shardlab.AdvanceClock", json!({"Millis": 5}), None);
        check("Shardlab.CreateFunction", json!({"FunctionName": "f", "DurationMillis": 200}), None);
        check(
            "Firehose_20150804.DeleteDeliveryStream",
            json!({"DeliveryStreamName": "archive", "AllowForceDelete": false}),
            Some("aws firehose delete-delivery-stream --no-allow-force-delete --delivery-stream-name archive"),
        );
        check(
            "Firehose_20150804.CreateDeliveryStream",
            json!({"DeliveryStreamName": "archive", "ExtendedS3DestinationConfiguration": {
                "BucketARN": "arn:aws:s3:::b", "RoleARN": "arn:aws:iam::123456789012:role/r",
                "SimulatedFormatConversion": {"Format": "CSV"}
            }}),
            Some(
                r#"aws firehose create-delivery-stream --delivery-stream-name archive --extended-s3-destination-configuration '{"BucketARN":"arn:aws:s3:::b","RoleARN":"arn:aws:iam::123456789012:role/r"}'"#,
            ),
        );
    }

    /// The simulation's Lambda and S3 targets, and its metrics, take the
    /// members of real operations, so they show the real commands.
    #[test]
    fn mirrored_targets_become_their_services_commands() {
        const UUID: &str = "00000000-0000-4000-8000-000000000000";
        let cases = [
            (
                "Shardlab.CreateEventSourceMapping",
                json!({
                    "EventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/orders",
                    "FunctionName": "process-orders",
                    "StartingPosition": "TRIM_HORIZON",
                    "BatchSize": 8,
                    "BisectBatchOnFunctionError": true,
                    "MaximumRetryAttempts": 2,
                    "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:orders-failures"}}
                }),
                concat!(
                    "aws lambda create-event-source-mapping --batch-size 8 --bisect-batch-on-function-error",
                    r#" --destination-config '{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:123456789012:orders-failures"}}'"#,
                    " --event-source-arn arn:aws:kinesis:us-east-1:123456789012:stream/orders",
                    " --function-name process-orders --maximum-retry-attempts 2 --starting-position TRIM_HORIZON",
                ),
            ),
            (
                "Shardlab.UpdateEventSourceMapping",
                json!({"UUID": UUID, "BisectBatchOnFunctionError": false, "ParallelizationFactor": 2, "FunctionResponseTypes": ["ReportBatchItemFailures"]}),
                concat!(
                    "aws lambda update-event-source-mapping --no-bisect-batch-on-function-error",
                    r#" --function-response-types '["ReportBatchItemFailures"]' --parallelization-factor 2"#,
                    " --uuid 00000000-0000-4000-8000-000000000000",
                ),
            ),
            (
                "Shardlab.GetEventSourceMapping",
                json!({"UUID": UUID}),
                "aws lambda get-event-source-mapping --uuid 00000000-0000-4000-8000-000000000000",
            ),
            (
                "Shardlab.DeleteEventSourceMapping",
                json!({"UUID": UUID}),
                "aws lambda delete-event-source-mapping --uuid 00000000-0000-4000-8000-000000000000",
            ),
            (
                "Shardlab.S3CreateBucket",
                json!({"Bucket": "orders-archive"}),
                "aws s3api create-bucket --bucket orders-archive",
            ),
            (
                "Shardlab.S3ListObjects",
                json!({"Bucket": "orders-archive", "Prefix": "orders/"}),
                "aws s3api list-objects-v2 --bucket orders-archive --prefix orders/",
            ),
            (
                "Shardlab.S3GetObject",
                json!({"Bucket": "orders-archive", "Key": "orders/2026/01/01/00/orders-archive-1-2026-01-01-00-01-00-0.gz"}),
                "aws s3api get-object --bucket orders-archive --key orders/2026/01/01/00/orders-archive-1-2026-01-01-00-01-00-0.gz /dev/stdout",
            ),
            (
                "Shardlab.GetMetricStatistics",
                json!({"StreamName": "orders", "MetricName": "IncomingRecords", "Period": 60, "StartTime": 1767225600, "EndTime": 1767229200}),
                concat!(
                    "aws cloudwatch get-metric-statistics --namespace AWS/Kinesis --metric-name IncomingRecords",
                    " --dimensions Name=StreamName,Value=orders --start-time 2026-01-01T00:00:00Z",
                    " --end-time 2026-01-01T01:00:00Z --period 60 --statistics SampleCount Average Sum Minimum Maximum",
                ),
            ),
            (
                "Shardlab.GetMetricStatistics",
                json!({
                    "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders", "ShardId": "shardId-000000000001",
                    "MetricName": "GetRecords.IteratorAgeMilliseconds", "Period": 300, "StartTime": 1767225600.5, "EndTime": 1767229200
                }),
                concat!(
                    "aws cloudwatch get-metric-statistics --namespace AWS/Kinesis",
                    " --metric-name GetRecords.IteratorAgeMilliseconds",
                    " --dimensions Name=StreamName,Value=orders Name=ShardId,Value=shardId-000000000001",
                    " --start-time 2026-01-01T00:00:00.500Z --end-time 2026-01-01T01:00:00Z --period 300",
                    " --statistics SampleCount Average Sum Minimum Maximum",
                ),
            ),
        ];
        for (target, body, expected) in cases {
            check(target, body, Some(expected));
        }
    }

    #[test]
    fn awkward_values_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("two words"), "'two words'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(kebab("NewStartingHashKey"), "new-starting-hash-key");
        assert_eq!(kebab("StreamARN"), "stream-arn");
    }
}
