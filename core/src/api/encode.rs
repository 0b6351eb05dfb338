//! Response shapes shared by several operations, in AWS's field names.
//!
//! Optional fields are written as `null` here and removed by
//! [`remove_nulls`] before the response leaves: AWS omits absent fields and
//! never sends `null`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Map, Value, json};

use crate::kms::EncryptionType;
use crate::{ChildShard, HashKeyRange, Instant, Record, ShardView, StreamSummary, base64};

/// A timestamp as the JSON protocol writes it: epoch seconds with the
/// milliseconds as a fraction, e.g. `1767225600.123`.
pub(super) fn timestamp(at: Instant) -> Value {
    // Epoch milliseconds stay below 2^53, so the quotient is the nearest
    // double to the decimal, which prints as exactly that decimal.
    Value::from(at.epoch_millis() as f64 / 1000.0)
}

/// `EncryptionType` of written or read records: AWS includes it in
/// data-plane responses only for encrypted data.
pub(super) fn record_encryption(encryption_type: EncryptionType) -> Value {
    match encryption_type {
        EncryptionType::None => Value::Null,
        EncryptionType::Kms => encryption_type.as_str().into(),
    }
}

/// `HashKeyRange`: decimal strings, as the keys do not fit a JSON number.
pub(super) fn hash_key_range(range: HashKeyRange) -> Value {
    json!({"StartingHashKey": range.start().to_string(), "EndingHashKey": range.end().to_string()})
}

/// The `Records` of `GetRecords` and of a `SubscribeToShardEvent`.
pub(super) fn records(records: &[Record]) -> Value {
    let records: Vec<Value> = records
        .iter()
        .map(|record| {
            json!({
                "SequenceNumber": record.sequence_number().to_string(),
                "ApproximateArrivalTimestamp": timestamp(record.approximate_arrival()),
                "Data": base64::encode(record.data()),
                "PartitionKey": record.partition_key(),
                "EncryptionType": record_encryption(record.encryption_type()),
            })
        })
        .collect();
    records.into()
}

/// `ChildShards` of `GetRecords` and of a `SubscribeToShardEvent`: present
/// only when the reader has reached the end of a closed shard.
pub(super) fn child_shards(children: &[ChildShard]) -> Value {
    if children.is_empty() {
        return Value::Null;
    }
    let children: Vec<Value> = children
        .iter()
        .map(|child| {
            json!({
                "ShardId": child.shard_id.to_string(),
                "ParentShards": child.parent_shards.iter().map(|id| id.to_string()).collect::<Vec<_>>(),
                "HashKeyRange": hash_key_range(child.hash_key_range),
            })
        })
        .collect();
    children.into()
}

/// A `Shard` of `DescribeStream` and `ListShards`.
pub(super) fn shard(shard: &ShardView) -> Value {
    json!({
        "ShardId": shard.id.to_string(),
        "ParentShardId": shard.parent.map(|id| id.to_string()),
        "AdjacentParentShardId": shard.adjacent_parent.map(|id| id.to_string()),
        "HashKeyRange": hash_key_range(shard.range),
        "SequenceNumberRange": {
            "StartingSequenceNumber": shard.starting_sequence_number.to_string(),
            "EndingSequenceNumber": shard.ending_sequence_number.map(|n| n.to_string()),
        },
    })
}

/// A list of shards.
pub(super) fn shards(shards: &[ShardView]) -> Value {
    shards.iter().map(shard).collect::<Vec<_>>().into()
}

/// A `StreamSummary` entry of `ListStreams`.
pub(super) fn stream_entry(summary: &StreamSummary) -> Map<String, Value> {
    let mut entry = Map::new();
    entry.insert("StreamName".into(), summary.stream_name.as_str().into());
    entry.insert("StreamARN".into(), summary.stream_arn.as_str().into());
    entry.insert("StreamStatus".into(), summary.stream_status.as_str().into());
    entry.insert("StreamModeDetails".into(), json!({"StreamMode": summary.mode.as_str()}));
    entry.insert("StreamCreationTimestamp".into(), timestamp(summary.stream_creation_timestamp));
    entry
}

/// What `DescribeStream` and `DescribeStreamSummary` both say about a stream.
pub(super) fn stream_details(summary: &StreamSummary) -> Map<String, Value> {
    let mut details = stream_entry(summary);
    details.insert("RetentionPeriodHours".into(), summary.retention_period_hours.into());
    // Enhanced (shard-level) monitoring is not modelled: no metric is ever enabled.
    details.insert("EnhancedMonitoring".into(), json!([{"ShardLevelMetrics": []}]));
    details.insert("EncryptionType".into(), summary.encryption_type.as_str().into());
    details.insert("KeyId".into(), summary.key_id.as_deref().into());
    details
}

/// Removes every `null` member of every object in `value`.
pub(super) fn remove_nulls(value: &mut Value) {
    match value {
        Value::Object(members) => {
            members.retain(|_, member| !member.is_null());
            members.values_mut().for_each(remove_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(remove_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_fractional_epoch_seconds() {
        let at = |millis| timestamp(Instant::from_epoch_millis(millis)).to_string();
        assert_eq!(at(1_767_225_600_123), "1767225600.123");
        assert_eq!(at(1_767_225_600_000), "1767225600.0");
        assert_eq!(at(1_767_225_600_001), "1767225600.001");
    }

    #[test]
    fn nulls_are_removed_at_every_depth() {
        let mut value = json!({"a": null, "b": [{"c": null, "d": 1}], "e": {"f": null}});
        remove_nulls(&mut value);
        assert_eq!(value, json!({"b": [{"d": 1}], "e": {}}));
    }
}
