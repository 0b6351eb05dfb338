//! Simulation-only targets for the simulation's own polling consumers (see
//! [`Simulation::start_polling_consumer`]): the readers the playground
//! starts, each polling every shard of a stream once a second.
//!
//! - `Shardlab.StartPollingConsumer {"StreamName", "ShardIteratorType":
//!   "TRIM_HORIZON"|"LATEST"}` → `{"ConsumerId": N}`.
//! - `Shardlab.Consumers {}` → `{"Consumers": [{"ConsumerId", "StreamName",
//!   "ShardIteratorType", "PausedUntil"?, "RecordsRead", "Shards":
//!   [{"ShardId", "RecordsRead", "MillisBehindLatest", "LastError"?,
//!   "IteratorExpired"?: {"At", "Message", "ResumeFrom":
//!   {"ShardIteratorType", "StartingSequenceNumber"?, "Timestamp"?}}}]}]}`.
//!   `IteratorExpired` is the last `ExpiredIteratorException` met on the
//!   shard, and `ResumeFrom` the `GetShardIterator` members the consumer
//!   then took a new iterator with.
//! - `Shardlab.PauseConsumer {"ConsumerId", "Millis"}` → `{}`: the consumer
//!   stalls (its host freezes) for `Millis`, from 1 to a year, making no
//!   calls; an unknown consumer is a `ResourceNotFoundException`, one
//!   already paused an `InvalidArgumentException`.
//! - `Shardlab.StopConsumer {"ConsumerId"}` → `{}`.

use alloc::string::ToString;
use alloc::vec::Vec;

use serde_json::{Value, json};

use super::Reply;
use super::clock::MAX_STEP_MILLIS;
use super::decode::Decoder;
use super::encode;
use super::error::ApiError;
use crate::{ConsumerId, Duration, IteratorExpiry, Simulation, StartingPosition};

/// The iterator types that need no sequence number or timestamp.
const POSITIONS: &[(&str, bool)] = &[("TRIM_HORIZON", true), ("LATEST", false)];

/// `Shardlab.StartPollingConsumer`.
pub(super) fn start_polling_consumer(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream_name = d.stream()?;
    let from_trim_horizon = d.required_enum("ShardIteratorType", POSITIONS)?;
    d.finish()?;
    let position = if from_trim_horizon { StartingPosition::TrimHorizon } else { StartingPosition::Latest };
    let ConsumerId(id) = sim.start_polling_consumer(&stream_name, position)?;
    Ok(Some(json!({"ConsumerId": id})))
}

/// `Shardlab.Consumers`.
pub(super) fn consumers(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    d.finish()?;
    let consumers: Vec<Value> = sim
        .consumers()
        .into_iter()
        .map(|consumer| {
            let shards: Vec<Value> = consumer
                .shards
                .iter()
                .map(|cursor| {
                    json!({
                        "ShardId": cursor.shard.to_string(),
                        "RecordsRead": cursor.records_read(),
                        "MillisBehindLatest": cursor.millis_behind_latest,
                        "LastError": cursor.last_error,
                        "IteratorExpired": cursor.expired.as_ref().map(iterator_expired),
                    })
                })
                .collect();
            json!({
                "ConsumerId": consumer.id.0,
                "StreamName": consumer.stream,
                "ShardIteratorType": consumer.iterator_type.as_str(),
                "PausedUntil": consumer.paused_until.map(encode::timestamp),
                "RecordsRead": consumer.shards.iter().map(|c| c.records_read()).fold(0, u64::saturating_add),
                "Shards": shards,
            })
        })
        .collect();
    Ok(Some(json!({"Consumers": consumers})))
}

/// An expiry with the `GetShardIterator` members of the recovery.
fn iterator_expired(expiry: &IteratorExpiry) -> Value {
    let (sequence_number, timestamp) = match &expiry.resume_from {
        StartingPosition::AtSequenceNumber(seq) | StartingPosition::AfterSequenceNumber(seq) => (Some(seq), None),
        StartingPosition::AtTimestamp(at) => (None, Some(encode::timestamp(*at))),
        StartingPosition::TrimHorizon | StartingPosition::Latest => (None, None),
    };
    json!({
        "At": encode::timestamp(expiry.at),
        "Message": expiry.message,
        "ResumeFrom": {
            "ShardIteratorType": expiry.resume_from.iterator_type().as_str(),
            "StartingSequenceNumber": sequence_number,
            "Timestamp": timestamp,
        },
    })
}

/// `Shardlab.PauseConsumer`. A pause is bounded like a clock step, by the
/// longest retention period: a consumer stalled longer comes back to a
/// stream that has forgotten everything it missed either way.
pub(super) fn pause_consumer(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let id = d.required("ConsumerId", Decoder::non_negative_integer)?;
    let millis = d.required("Millis", |d, name| d.long_in(name, 1..=MAX_STEP_MILLIS))?;
    d.finish()?;
    sim.pause_consumer(ConsumerId(id), Duration::from_millis(millis))?;
    Ok(None)
}

/// `Shardlab.StopConsumer`.
pub(super) fn stop_consumer(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let id = d.required("ConsumerId", Decoder::non_negative_integer)?;
    d.finish()?;
    if !sim.consumers().iter().any(|c| c.id == ConsumerId(id)) {
        let not_found = crate::consumer::not_found(ConsumerId(id));
        return Err(ApiError::new("ResourceNotFoundException", not_found.to_string()));
    }
    sim.stop_consumer(ConsumerId(id));
    Ok(None)
}
