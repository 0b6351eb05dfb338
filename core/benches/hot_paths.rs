//! Throughput of the simulation's hot paths, in records per second.
//!
//! Run with `cargo bench -p shardlab-core`. A plain binary rather than a
//! framework: each case runs for a fixed number of records, best of five.

use std::hint::black_box;
use std::time::Instant as WallClock;

use shardlab_core::{
    CreateStreamInput, Duration, GetShardIteratorInput, HashKey, PutRecordInput, ShardId, Simulation, StartingPosition,
    limits,
};

const RECORDS: usize = 200_000;
const SHARDS: u32 = 4;

fn keys() -> Vec<String> {
    // 16-byte partition keys, distinct enough to spread over the shards.
    (0..RECORDS).map(|i| format!("key-{i:012}")).collect()
}

/// Puts every key, advancing the clock 1 ms per 2 records: 2,000 records/s
/// over 4 shards stays under the 1,000 records/s per-shard limit.
fn put_all(sim: &mut Simulation, keys: &[String], payload: &[u8]) {
    for (idx, key) in keys.iter().enumerate() {
        black_box(sim.put_record(PutRecordInput::new("bench", key.clone(), payload)).unwrap());
        if idx % 2 == 1 {
            sim.advance(Duration::from_millis(1));
        }
    }
}

fn read_all(sim: &mut Simulation) -> usize {
    let mut n_read = 0;
    for idx in 0..SHARDS {
        let input = GetShardIteratorInput {
            stream_name: "bench".into(),
            shard_id: ShardId::new(idx),
            position: StartingPosition::TrimHorizon,
        };
        let mut iterator = sim.get_shard_iterator(input).unwrap();
        loop {
            let page = sim.get_records(&iterator, Some(10_000)).unwrap();
            if page.records.is_empty() {
                break;
            }
            n_read += page.records.len();
            iterator = page.next_shard_iterator.unwrap();
            // A full page is about 1.2 MB: one call a second stays within 2 MiB/s.
            sim.advance(Duration::from_secs(1));
        }
    }
    n_read
}

fn best_of_five(name: &str, records: usize, mut run: impl FnMut()) {
    let best = (0..5)
        .map(|_| {
            let start = WallClock::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap();
    let per_sec = records as f64 / best.as_secs_f64();
    println!("{name:<40} {:>12.0} records/s  ({:.2} ms for {records})", per_sec, best.as_secs_f64() * 1e3);
}

fn main() {
    let keys = keys();
    let payload = [0xabu8; 100];

    best_of_five("md5 routing (HashKey::from_partition_key)", RECORDS, || {
        for key in &keys {
            black_box(HashKey::from_partition_key(key));
        }
    });
    best_of_five("PutRecord, 100 B, 4 shards", RECORDS, || {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("bench", SHARDS)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        put_all(&mut sim, &keys, &payload);
    });
    best_of_five("PutRecord + GetRecords, 100 B, 4 shards", RECORDS, || {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("bench", SHARDS)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        put_all(&mut sim, &keys, &payload);
        assert_eq!(read_all(&mut sim), RECORDS);
    });
}
