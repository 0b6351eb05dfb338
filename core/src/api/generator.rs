//! Simulation-only targets for traffic generators (see [`generator`](crate::generator)).
//!
//! - `Shardlab.StartGenerator {"StreamName", "RecordsPerSecond", "RecordBytes"?,
//!   "Keys"?: {"Distribution": "UNIFORM"|"ZIPF"|"HOT_KEY", "DistinctKeys"?,
//!   "HotPercent"?}, "Seed"?}` → `{"GeneratorId": N}`. `RecordBytes`
//!   defaults to 100, `Keys` to 1,000 uniform keys, `DistinctKeys` to 1,000
//!   and `HotPercent` to 90. A value out of range is an
//!   `InvalidArgumentException`.
//! - `Shardlab.StopGenerator {"GeneratorId"}` → `{}`; a generator that does
//!   not exist is a `ResourceNotFoundException`.
//! - `Shardlab.Generators {}` → `{"Generators": [{"GeneratorId", "StreamName",
//!   "RecordsPerSecond", "RecordBytes", "Distribution", "DistinctKeys",
//!   "HotPercent"?, "Running", "Sent", "Stored", "Throttled", "Failed",
//!   "LastError"?}]}`.

use alloc::format;
use alloc::vec::Vec;

use serde_json::{Value, json};

use super::Reply;
use super::decode::Decoder;
use super::error::ApiError;
use crate::Simulation;
use crate::generator::{GeneratorConfig, GeneratorId, KeyDistribution};

/// Defaults of the optional members.
const DEFAULT_RECORD_BYTES: u32 = 100;
const DEFAULT_DISTINCT_KEYS: u32 = 1000;
const DEFAULT_HOT_PERCENT: u32 = 90;

#[derive(Clone, Copy)]
enum Distribution {
    Uniform,
    Zipf,
    HotKey,
}

const DISTRIBUTIONS: &[(&str, Distribution)] =
    &[("UNIFORM", Distribution::Uniform), ("ZIPF", Distribution::Zipf), ("HOT_KEY", Distribution::HotKey)];

fn keys(d: &mut Decoder<'_>) -> Result<KeyDistribution, ApiError> {
    let distribution = d.enumeration("Distribution", DISTRIBUTIONS)?.unwrap_or(Distribution::Uniform);
    let distinct_keys = d.non_negative_integer("DistinctKeys")?.unwrap_or(DEFAULT_DISTINCT_KEYS);
    let hot_percent = d.non_negative_integer("HotPercent")?;
    Ok(match distribution {
        Distribution::Uniform => KeyDistribution::Uniform { distinct_keys },
        Distribution::Zipf => KeyDistribution::Zipf { distinct_keys },
        Distribution::HotKey => {
            KeyDistribution::HotKey { hot_percent: hot_percent.unwrap_or(DEFAULT_HOT_PERCENT), distinct_keys }
        }
    })
}

/// `Shardlab.StartGenerator`; see the module documentation.
pub(super) fn start_generator(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream_name = d.stream()?;
    let records_per_second = d.required("RecordsPerSecond", Decoder::non_negative_integer)?;
    let record_bytes = d.non_negative_integer("RecordBytes")?.unwrap_or(DEFAULT_RECORD_BYTES);
    let keys = d.structure("Keys", keys)?.unwrap_or(KeyDistribution::Uniform { distinct_keys: DEFAULT_DISTINCT_KEYS });
    let seed = d.non_negative_long("Seed")?.unwrap_or(0);
    d.finish()?;
    let config = GeneratorConfig { stream_name, records_per_second, record_bytes, keys };
    let GeneratorId(id) = sim.start_generator(config, seed).map_err(|invalid| ApiError::invalid_argument(invalid.0))?;
    Ok(Some(json!({"GeneratorId": id})))
}

/// `Shardlab.StopGenerator`.
pub(super) fn stop_generator(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let id = d.required("GeneratorId", Decoder::non_negative_integer)?;
    d.finish()?;
    if !sim.stop_generator(GeneratorId(id)) {
        return Err(ApiError::new("ResourceNotFoundException", format!("Generator {id} not found.")));
    }
    Ok(None)
}

/// `Shardlab.Generators`.
pub(super) fn generators(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    d.finish()?;
    let generators: Vec<Value> = sim
        .generators()
        .iter()
        .enumerate()
        .map(|(id, generator)| {
            let config = &generator.config;
            let (distribution, distinct_keys, hot_percent) = match config.keys {
                KeyDistribution::Uniform { distinct_keys } => ("UNIFORM", distinct_keys, None),
                KeyDistribution::Zipf { distinct_keys } => ("ZIPF", distinct_keys, None),
                KeyDistribution::HotKey { hot_percent, distinct_keys } => ("HOT_KEY", distinct_keys, Some(hot_percent)),
            };
            let counters = generator.counters;
            json!({
                "GeneratorId": id,
                "StreamName": config.stream_name,
                "RecordsPerSecond": config.records_per_second,
                "RecordBytes": config.record_bytes,
                "Distribution": distribution,
                "DistinctKeys": distinct_keys,
                "HotPercent": hot_percent,
                "Running": generator.running,
                "Sent": counters.sent,
                "Stored": counters.stored,
                "Throttled": counters.throttled,
                "Failed": counters.failed,
                "LastError": generator.last_error,
            })
        })
        .collect();
    Ok(Some(json!({"Generators": generators})))
}
