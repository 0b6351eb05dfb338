//! The `aws kinesis …` (or `aws firehose …`, `aws sqs …`) command line
//! equivalent to an API request, so that every request a learner sends
//! shows the command they would type.
//!
//! The AWS CLI names each option after its request member in kebab case
//! (`StreamName` → `--stream-name`, `StreamARN` → `--stream-arn`) and takes
//! structures and lists as JSON. CLI v2 reads blobs such as `Data` as
//! base64, which is what the request carries, so values pass through as is.

use serde_json::Value;

/// The CLI's service name for each JSON target prefix it has.
const SERVICES: [(&str, &str); 3] =
    [("Kinesis_20131202.", "kinesis"), ("Firehose_20150804.", "firehose"), ("AmazonSQS.", "sqs")];

/// The CLI command for `target` with JSON `body`, or `None` for targets the
/// AWS CLI does not have (the simulation's own `Shardlab.*` ones).
pub fn command(target: &str, body: &Value) -> Option<String> {
    let (service, operation) =
        SERVICES.iter().find_map(|(prefix, service)| Some((service, target.strip_prefix(prefix)?)))?;
    let mut line = format!("aws {service} {}", kebab(operation));
    if let Value::Object(members) = body {
        for (name, value) in members {
            line.push_str(&format!(" --{} {}", kebab(name), argument(value)));
        }
    }
    Some(line)
}

/// `StreamARN` → `stream-arn`, `NewStartingHashKey` → `new-starting-hash-key`.
fn kebab(name: &str) -> String {
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
fn shell_quote(text: &str) -> String {
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
