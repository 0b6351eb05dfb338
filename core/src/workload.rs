//! Reference workloads for the benchmarks, shared by the native bench
//! (`core/benches/hot_paths.rs`) and the wasm bench in headless Chromium
//! (`tests/benches/core_wasm.rs`), so both measure exactly the same work.
//! Compiled only with the `workload` feature.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::generator::{GeneratorConfig, KeyDistribution};
use crate::kpl::{Aggregator, Deaggregated, UserRecord, deaggregate};
use crate::{
    CreateStreamInput, Duration, GetShardIteratorInput, HashKey, PutRecordInput, PutRecordsEntry, PutRecordsInput,
    ShardId, Simulation, StartingPosition, limits,
};

/// The stream every workload uses.
pub const STREAM: &str = "bench";

/// `n` distinct 16-byte partition keys.
pub fn keys(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("key-{i:012}")).collect()
}

/// What this machine does at best per record the simulation stores: the
/// MD5 of a 16-byte key (routing) and appending a 100-byte record to a
/// `Vec`. The benches print it beside each workload, measured in the same
/// run, so that numbers taken on different machines or under different
/// load compare. Returns the bytes appended, for the caller to consume.
pub fn machine_bound(keys: &[String], payload: &[u8]) -> usize {
    let mut log: Vec<u8> = Vec::new();
    let mut hashes = 0u128;
    for key in keys {
        // Folded into the result so that the hash cannot be optimised away.
        hashes ^= HashKey::from_partition_key(key).0;
        log.extend_from_slice(payload);
    }
    log.len() + (hashes & 1) as usize
}

/// A simulation with an `ACTIVE` provisioned stream of `shards` shards.
pub fn stream(shards: u32) -> Simulation {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned(STREAM, shards)).expect("valid stream");
    sim.advance(limits::STREAM_CREATE_DELAY);
    sim
}

/// `PutRecord` of every key, advancing the clock 1 ms per 2 records: 2,000
/// records/s over 4 shards stays under the 1,000 records/s per-shard limit.
pub fn put_each(sim: &mut Simulation, keys: &[String], payload: &[u8]) {
    for (idx, key) in keys.iter().enumerate() {
        sim.put_record(PutRecordInput::new(STREAM, key.clone(), payload)).expect("within limits");
        if idx % 2 == 1 {
            sim.advance(Duration::from_millis(1));
        }
    }
}

/// `PutRecords` of every key in batches of 500, a quarter second apart.
pub fn put_batches(sim: &mut Simulation, keys: &[String], payload: &[u8]) {
    for batch in keys.chunks(limits::MAX_PUT_RECORDS_ENTRIES) {
        let records = batch
            .iter()
            .map(|key| PutRecordsEntry { data: payload.to_vec(), partition_key: key.clone(), explicit_hash_key: None })
            .collect();
        let out = sim.put_records(PutRecordsInput { stream_name: STREAM.into(), records }).expect("valid batch");
        assert_eq!(out.failed_record_count, 0, "within limits");
        sim.advance(Duration::from_millis(250));
    }
}

/// Reads every shard from `TRIM_HORIZON` to its end, one page a second (a
/// full page of 100-byte records is about 1.2 MB, within 2 MiB/s); returns
/// how many records were read.
pub fn read_all(sim: &mut Simulation, shards: u32) -> usize {
    let mut n_read = 0;
    for idx in 0..shards {
        let input = GetShardIteratorInput {
            stream_name: STREAM.into(),
            shard_id: ShardId::new(idx),
            position: StartingPosition::TrimHorizon,
        };
        let mut iterator = sim.get_shard_iterator(input).expect("shard exists");
        loop {
            let page = sim.get_records(&iterator, None).expect("within limits");
            if page.records.is_empty() {
                break;
            }
            n_read += page.records.len();
            iterator = page.next_shard_iterator.expect("open shard");
            sim.advance(Duration::from_secs(1));
        }
    }
    n_read
}

/// A traffic generator writing `records_per_second` records of 100 bytes
/// with keys drawn uniformly from 100,000, to a stream of `shards` shards,
/// and a polling consumer reading it all from `TRIM_HORIZON`, for
/// `duration` of simulated time (issue 13's reference runs: a day at
/// 1,000 records/s on 4 shards, an hour at 5,000 records/s on 8). Returns
/// the simulation and how many records the consumer read.
pub fn generated_with_consumer(records_per_second: u32, shards: u32, duration: Duration) -> (Simulation, u64) {
    let mut sim = stream(shards);
    let config = GeneratorConfig {
        stream_name: STREAM.into(),
        records_per_second,
        record_bytes: 100,
        keys: KeyDistribution::Uniform { distinct_keys: 100_000 },
    };
    sim.start_generator(config, 7).expect("a valid generator");
    sim.start_polling_consumer(STREAM, StartingPosition::TrimHorizon).expect("the stream exists");
    sim.advance(duration);
    let read = sim.consumer_summaries(0).iter().flat_map(|c| &c.shards).map(|s| s.records_read).sum();
    (sim, read)
}

/// One user record per key, each with `payload` as its data.
pub fn user_records(keys: &[String], payload: &[u8]) -> Vec<UserRecord> {
    keys.iter().map(|key| UserRecord::new(key.clone(), payload)).collect()
}

/// Packs the user records into KPL aggregated records of up to 1 MiB.
pub fn aggregate_all(records: &[UserRecord]) -> Vec<Vec<u8>> {
    let mut aggregator = Aggregator::new();
    let mut blobs: Vec<Vec<u8>> =
        records.iter().filter_map(|r| aggregator.push(r).expect("a 100-byte record fits")).collect();
    blobs.extend(aggregator.finish());
    blobs
}

/// De-aggregates every blob; returns how many user records came out.
pub fn deaggregate_all(blobs: &[Vec<u8>]) -> usize {
    blobs
        .iter()
        .map(|blob| match deaggregate(blob) {
            Deaggregated::Aggregated(records) => records.len(),
            Deaggregated::NotAggregated(_) => 1,
        })
        .sum()
}
