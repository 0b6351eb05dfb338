//! Simulation-only targets for the simulation's own polling consumers (see
//! [`Simulation::start_polling_consumer`]): the readers the playground
//! starts, each polling every shard of a stream once a second.
//!
//! - `Shardlab.StartPollingConsumer {"StreamName", "ShardIteratorType":
//!   "TRIM_HORIZON"|"LATEST"}` → `{"ConsumerId": N}`.
//! - `Shardlab.Consumers {}` → `{"Consumers": [{"ConsumerId", "StreamName",
//!   "ShardIteratorType", "RecordsRead", "Shards": [{"ShardId",
//!   "RecordsRead", "MillisBehindLatest", "LastError"?}]}]}`.
//! - `Shardlab.StopConsumer {"ConsumerId"}` → `{}`.

use alloc::string::ToString;
use alloc::vec::Vec;

use serde_json::{Value, json};

use super::Reply;
use super::decode::Decoder;
use super::error::ApiError;
use crate::{ConsumerId, Simulation, StartingPosition};

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
pub(super) fn consumers(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
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
                        "RecordsRead": cursor.records.len(),
                        "MillisBehindLatest": cursor.millis_behind_latest,
                        "LastError": cursor.last_error,
                    })
                })
                .collect();
            json!({
                "ConsumerId": consumer.id.0,
                "StreamName": consumer.stream,
                "ShardIteratorType": consumer.iterator_type.as_str(),
                "RecordsRead": consumer.shards.iter().map(|c| c.records.len()).sum::<usize>(),
                "Shards": shards,
            })
        })
        .collect();
    Ok(Some(json!({"Consumers": consumers})))
}

/// `Shardlab.StopConsumer`.
pub(super) fn stop_consumer(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let id = d.required("ConsumerId", Decoder::non_negative_integer)?;
    d.finish()?;
    if !sim.consumers().iter().any(|c| c.id == ConsumerId(id)) {
        return Err(ApiError::new("ResourceNotFoundException", alloc::format!("Consumer {id} not found.")));
    }
    sim.stop_consumer(ConsumerId(id));
    Ok(None)
}
