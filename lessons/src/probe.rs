//! Probes: answers to parametric questions, computed by running the
//! simulation rather than by a formula, so that a question is right exactly
//! when the simulated service behaves as the question claims.
//!
//! In a question, a probe names its parameters by the names of the
//! question's `params`:
//!
//! ```toml
//! probe = { probe = "shards_for_write_rate", records_per_second = "rate", record_bytes = "size" }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shardlab_core::{
    CreateStreamInput, Duration, PutRecordInput, PutRecordsEntry, PutRecordsInput, Simulation, limits,
};

/// The most shards `shards_for_write_rate` tries before giving up.
const MAX_PROBED_SHARDS: u32 = 64;

/// How a parametric question's answer is computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "probe", rename_all = "snake_case", deny_unknown_fields)]
pub enum Probe {
    /// The fewest shards that take a steady write rate, spread evenly over
    /// the hash key space, for three seconds without one throttled record.
    ShardsForWriteRate {
        /// The parameter holding the records per second.
        records_per_second: String,
        /// The parameter holding the bytes per record.
        record_bytes: String,
    },
    /// How many `GetRecords` calls per second each of several consumers
    /// sharing a shard can make before the shard's 5 calls per second are
    /// used up: the calls that succeed in a second, divided by the consumers,
    /// rounded down.
    ReadCallsPerConsumer {
        /// The parameter holding the number of consumers.
        consumers: String,
    },
}

impl Probe {
    /// Checks that every parameter the probe names is one of `params`.
    pub(crate) fn check<T>(&self, params: &BTreeMap<String, T>) -> Result<(), String> {
        let names: Vec<&String> = match self {
            Probe::ShardsForWriteRate { records_per_second, record_bytes } => vec![records_per_second, record_bytes],
            Probe::ReadCallsPerConsumer { consumers } => vec![consumers],
        };
        match names.into_iter().find(|name| !params.contains_key(*name)) {
            Some(name) => Err(format!("the probe names parameter `{name}`, which is not in `params`")),
            None => Ok(()),
        }
    }

    /// The answer for the drawn `params`.
    pub fn answer(&self, params: &BTreeMap<String, u64>) -> f64 {
        match self {
            Probe::ShardsForWriteRate { records_per_second, record_bytes } => {
                f64::from(shards_for_write_rate(params[records_per_second], params[record_bytes]))
            }
            Probe::ReadCallsPerConsumer { consumers } => read_calls_per_consumer(params[consumers]) as f64,
        }
    }
}

/// Simulates a steady write of `rate` records a second of `bytes` each,
/// spread evenly over `shards` shards, for three seconds after each shard's
/// burst allowance is spent; whether any record was throttled.
fn is_throttled(shards: u32, rate: u64, bytes: u64) -> bool {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("probe", shards)).expect("a valid stream");
    sim.advance(limits::STREAM_CREATE_DELAY);
    let view = sim.stream("probe").expect("just created");
    // The middle of each shard's range, so that records are spread exactly evenly.
    let targets: Vec<String> = view
        .shards
        .iter()
        .map(|shard| {
            let (start, end) = (shard.range.start().0, shard.range.end().0);
            (start + (end - start) / 2).to_string()
        })
        .collect();
    // A shard takes a second's worth at once; spend it, so that only the
    // steady rate is measured: large records until the byte allowance is
    // spent, then small ones until the record allowance is.
    let large = (limits::SHARD_WRITE_BYTES_PER_SEC / limits::SHARD_WRITE_RECORDS_PER_SEC + 1) as usize;
    for target in &targets {
        for size in [large, 1] {
            let put = |sim: &mut Simulation| {
                let mut input = PutRecordInput::new("probe", "probe", vec![b'f'; size]);
                input.explicit_hash_key = Some(target.clone());
                sim.put_record(input)
            };
            while put(&mut sim).is_ok() {}
        }
    }
    let data = vec![b'x'; bytes as usize];
    let per_call = (limits::MAX_PUT_RECORDS_BYTES / (bytes as usize).max(1)).clamp(1, limits::MAX_PUT_RECORDS_ENTRIES);
    let ticks_per_second = 10;
    let mut sent = 0u64;
    for tick in 0..3 * ticks_per_second {
        sim.advance(Duration::from_millis(1000 / ticks_per_second));
        let due = rate * (tick + 1) / ticks_per_second - rate * tick / ticks_per_second;
        let mut entries: Vec<PutRecordsEntry> = (0..due)
            .map(|n| PutRecordsEntry {
                data: data.clone(),
                partition_key: "probe".into(),
                explicit_hash_key: Some(targets[((sent + n) % u64::from(shards)) as usize].clone()),
            })
            .collect();
        sent += due;
        while !entries.is_empty() {
            let rest = entries.split_off(entries.len().min(per_call));
            let out = sim
                .put_records(PutRecordsInput { stream_name: "probe".into(), records: entries })
                .expect("a valid batch");
            if out.failed_record_count > 0 {
                return true;
            }
            entries = rest;
        }
    }
    false
}

fn shards_for_write_rate(rate: u64, bytes: u64) -> u32 {
    (1..=MAX_PROBED_SHARDS).find(|&shards| !is_throttled(shards, rate, bytes)).unwrap_or(MAX_PROBED_SHARDS)
}

/// Simulates `consumers` readers polling one shard as often as they can in
/// one second, in turn; the calls that succeeded, per consumer.
fn read_calls_per_consumer(consumers: u64) -> u64 {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("probe", 1)).expect("a valid stream");
    sim.advance(limits::STREAM_CREATE_DELAY);
    let mut iterators: Vec<String> = (0..consumers)
        .map(|_| {
            let input = shardlab_core::GetShardIteratorInput {
                stream_name: "probe".into(),
                shard_id: shardlab_core::ShardId::new(0),
                position: shardlab_core::StartingPosition::TrimHorizon,
            };
            sim.get_shard_iterator(input).expect("the shard exists")
        })
        .collect();
    // Spend the burst allowance, then count a steady second's successes.
    while let Ok(page) = sim.get_records(&iterators[0], None) {
        iterators[0] = page.next_shard_iterator.expect("an open shard");
    }
    let mut succeeded = 0;
    for _ in 0..1000 / 20 {
        sim.advance(Duration::from_millis(20));
        for iterator in &mut iterators {
            if let Ok(page) = sim.get_records(iterator, None) {
                succeeded += 1;
                *iterator = page.next_shard_iterator.expect("an open shard");
            }
        }
    }
    succeeded / consumers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_follow_the_per_shard_write_limits() {
        // Whichever of 1,000 records/s and 1 MiB/s per shard binds first.
        for (rate, bytes) in [(500u64, 100u64), (1000, 100), (1001, 100), (4500, 200), (1000, 2048), (3000, 1024)] {
            let by_records = rate.div_ceil(1000);
            let by_bytes = (rate * bytes).div_ceil(1024 * 1024);
            assert_eq!(
                u64::from(shards_for_write_rate(rate, bytes)),
                by_records.max(by_bytes),
                "rate={rate} bytes={bytes}"
            );
        }
    }

    #[test]
    fn consumers_share_five_reads_a_second() {
        for (consumers, calls) in [(1, 5), (2, 2), (5, 1), (6, 0)] {
            assert_eq!(read_calls_per_consumer(consumers), calls, "consumers={consumers}");
        }
    }
}
