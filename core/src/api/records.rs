//! The data plane: `PutRecord`, `PutRecords`, `GetShardIterator`, `GetRecords`.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Value, json};

use super::decode::Decoder;
use super::encode::{child_shards, record_encryption, records};
use super::error::ApiError;
use super::{Reply, shard_id};
use crate::{
    GetShardIteratorInput, Instant, PutRecordInput, PutRecordsEntry, PutRecordsInput, PutRecordsResultEntry,
    ShardIteratorType, Simulation, StartingPosition,
};

/// `ShardIteratorType`, in the order AWS lists the set in its `ValidationException`.
pub(super) const ITERATOR_TYPES: &[(&str, ShardIteratorType)] = &[
    ("AFTER_SEQUENCE_NUMBER", ShardIteratorType::AfterSequenceNumber),
    ("LATEST", ShardIteratorType::Latest),
    ("AT_TIMESTAMP", ShardIteratorType::AtTimestamp),
    ("AT_SEQUENCE_NUMBER", ShardIteratorType::AtSequenceNumber),
    ("TRIM_HORIZON", ShardIteratorType::TrimHorizon),
];

pub(super) fn put_record(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    // Read in the order AWS lists their violations.
    let partition_key = d.required("PartitionKey", Decoder::string)?;
    let data = d.required("Data", Decoder::blob)?;
    let stream_name = d.stream()?;
    let explicit_hash_key = d.string("ExplicitHashKey")?;
    let sequence_number_for_ordering = d.string("SequenceNumberForOrdering")?;
    d.finish()?;
    let input = PutRecordInput { stream_name, partition_key, data, explicit_hash_key, sequence_number_for_ordering };
    let out = sim.put_record(input)?;
    Ok(Some(json!({
        "ShardId": out.shard_id.to_string(),
        "SequenceNumber": out.sequence_number.to_string(),
        "EncryptionType": record_encryption(out.encryption_type),
    })))
}

pub(super) fn put_records(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let records = d.required("Records", |d, name| {
        d.structures(name, |d| {
            let data = d.required("Data", Decoder::blob)?;
            let partition_key = d.required("PartitionKey", Decoder::string)?;
            let explicit_hash_key = d.string("ExplicitHashKey")?;
            Ok(PutRecordsEntry { data, partition_key, explicit_hash_key })
        })
    })?;
    let stream_name = d.stream()?;
    d.finish()?;
    let out = sim.put_records(PutRecordsInput { stream_name, records })?;
    let results: Vec<Value> = out
        .records
        .iter()
        .map(|result| match result {
            PutRecordsResultEntry::Success(ok) => {
                json!({"SequenceNumber": ok.sequence_number.to_string(), "ShardId": ok.shard_id.to_string()})
            }
            PutRecordsResultEntry::Failure { error_code, error_message } => {
                json!({"ErrorCode": error_code, "ErrorMessage": error_message})
            }
        })
        .collect();
    // One call writes to one stream, so every stored entry has the same encryption.
    let encryption_type = out.records.iter().find_map(|result| match result {
        PutRecordsResultEntry::Success(ok) => Some(ok.encryption_type),
        PutRecordsResultEntry::Failure { .. } => None,
    });
    Ok(Some(json!({
        "FailedRecordCount": out.failed_record_count,
        "Records": results,
        "EncryptionType": record_encryption(encryption_type.unwrap_or_default()),
    })))
}

pub(super) fn get_shard_iterator(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let shard = d.required("ShardId", Decoder::name)?;
    let iterator_type = d.required_enum("ShardIteratorType", ITERATOR_TYPES)?;
    let stream_name = d.stream()?;
    let starting_sequence_number = d.sequence_number("StartingSequenceNumber")?;
    let at = d.timestamp("Timestamp")?;
    d.finish()?;
    let shard_id = shard_id(&shard, &stream_name)?;
    let input = |position| GetShardIteratorInput { stream_name: stream_name.clone(), shard_id, position };
    let position = match starting_position(iterator_type, starting_sequence_number, at) {
        Ok(position) => position,
        Err(refusal) => {
            // AWS reports a missing stream or shard before a misused
            // StartingSequenceNumber. Issuing an iterator changes nothing, so
            // asking for a TRIM_HORIZON one surfaces exactly those errors.
            sim.get_shard_iterator(input(StartingPosition::TrimHorizon))?;
            return Err(refusal);
        }
    };
    let iterator = sim.get_shard_iterator(input(position))?;
    Ok(Some(json!({"ShardIterator": iterator})))
}

/// The position a `GetShardIterator` request asks for, or AWS's refusal of
/// a `StartingSequenceNumber` or `Timestamp` that does not go with its type.
/// `SubscribeToShard`'s `StartingPosition` is refused in the same words.
pub(super) fn starting_position(
    iterator_type: ShardIteratorType,
    starting_sequence_number: Option<String>,
    at: Option<Instant>,
) -> Result<StartingPosition, ApiError> {
    use ShardIteratorType as Type;
    let either = "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber.";
    match (iterator_type, starting_sequence_number, at) {
        (Type::AtSequenceNumber, Some(text), _) => Ok(StartingPosition::AtSequenceNumber(text)),
        (Type::AfterSequenceNumber, Some(text), _) => Ok(StartingPosition::AfterSequenceNumber(text)),
        (Type::AtSequenceNumber | Type::AfterSequenceNumber, None, _) => Err(ApiError::invalid_argument(format!(
            "{either} Request specified {iterator_type} and no StartingSequenceNumber."
        ))),
        (Type::TrimHorizon | Type::Latest, Some(_), _) => Err(ApiError::invalid_argument(format!(
            "{either} Request specified {iterator_type} and also a StartingSequenceNumber."
        ))),
        (Type::TrimHorizon, None, _) => Ok(StartingPosition::TrimHorizon),
        (Type::Latest, None, _) => Ok(StartingPosition::Latest),
        (Type::AtTimestamp, _, Some(at)) => Ok(StartingPosition::AtTimestamp(at)),
        (Type::AtTimestamp, _, None) => Err(ApiError::invalid_argument(
            "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.",
        )),
    }
}

pub(super) fn get_records(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let shard_iterator = d.required("ShardIterator", Decoder::string)?;
    let limit = d.positive_integer("Limit")?;
    // AWS uses StreamARN only to authorize the call; the iterator names the stream.
    d.string("StreamARN")?;
    d.finish()?;
    let page = sim.get_records(&shard_iterator, limit)?;
    Ok(Some(json!({
        "Records": records(&page.records),
        "NextShardIterator": page.next_shard_iterator,
        "MillisBehindLatest": page.millis_behind_latest,
        "ChildShards": child_shards(&page.child_shards),
    })))
}
