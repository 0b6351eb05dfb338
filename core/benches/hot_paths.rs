//! Throughput of the simulation's hot paths, in records per second.
//!
//! Run with `cargo bench -p shardlab-core --features workload`. A plain
//! binary rather than a framework: each case runs a fixed workload (from
//! `shardlab_core::workload`, which the wasm bench shares), best of five.

use std::hint::black_box;
use std::time::Instant as WallClock;

use shardlab_core::HashKey;
use shardlab_core::workload::{
    aggregate_all, deaggregate_all, keys, put_batches, put_each, read_all, stream, user_records,
};

const RECORDS: usize = 200_000;
const SHARDS: u32 = 4;

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
    println!("{name:<44} {per_sec:>12.0} records/s  ({:.2} ms for {records})", best.as_secs_f64() * 1e3);
}

fn main() {
    let keys = keys(RECORDS);
    let payload = [0xabu8; 100];

    best_of_five("md5 routing (HashKey::from_partition_key)", RECORDS, || {
        for key in &keys {
            black_box(HashKey::from_partition_key(key));
        }
    });
    best_of_five("PutRecord, 100 B, 4 shards", RECORDS, || {
        let mut sim = stream(SHARDS);
        put_each(&mut sim, &keys, &payload);
        black_box(sim);
    });
    best_of_five("PutRecords of 500, 100 B, 4 shards", RECORDS, || {
        let mut sim = stream(SHARDS);
        put_batches(&mut sim, &keys, &payload);
        black_box(sim);
    });
    let records = user_records(&keys, &payload);
    let blobs = aggregate_all(&records);
    best_of_five("KPL aggregation, 100 B user records", RECORDS, || {
        black_box(aggregate_all(&records));
    });
    best_of_five("KPL de-aggregation, 100 B user records", RECORDS, || {
        assert_eq!(deaggregate_all(&blobs), RECORDS);
    });
    best_of_five("PutRecord + GetRecords, 100 B, 4 shards", RECORDS, || {
        let mut sim = stream(SHARDS);
        put_each(&mut sim, &keys, &payload);
        assert_eq!(read_all(&mut sim, SHARDS), RECORDS);
    });
}
