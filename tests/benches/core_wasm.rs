//! The core's hot paths compiled to wasm and run in headless Chromium: the
//! same workloads as the native bench (`core/benches/hot_paths.rs`).
//!
//! Run with `scripts/bench-wasm.sh`; divide the workload's record count by
//! the reported time per iteration for records/s, and compare with the
//! bound measured in the same run.
#![cfg(target_arch = "wasm32")]

use shardlab_core::workload::{
    aggregate_all, deaggregate_all, keys, machine_bound, put_batches, put_each, read_all, stream, user_records,
};
use wasm_bindgen_test::{Criterion, wasm_bindgen_bench, wasm_bindgen_test_configure};

// In a dedicated worker, so that the page's main thread stays free: the
// runner reads the output by running a script in the page, which waits for
// the main thread, and a bench running there for longer than chromedriver's
// script timeout turned that read into an error ("missing field `chunk`").
wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Records per iteration: small enough for a quick run, large enough to
/// amortise creating the stream.
const RECORDS: usize = 1_000;
const SHARDS: u32 = 4;
const PAYLOAD: [u8; 100] = [0xab; 100];

/// This machine's bound in the same run, to report the others beside:
/// MD5 of a 16-byte key plus appending a 100-byte record.
#[wasm_bindgen_bench]
fn machine_bound_md5_and_append(c: &mut Criterion) {
    let keys = keys(RECORDS);
    c.bench_function("bound: md5(16 B key) + append 100 B record x 1000", |b| {
        b.iter(|| machine_bound(&keys, &PAYLOAD))
    });
}

#[wasm_bindgen_bench]
fn put_record_100_bytes_4_shards(c: &mut Criterion) {
    let keys = keys(RECORDS);
    c.bench_function("PutRecord x 1000, 100 B, 4 shards", |b| {
        b.iter(|| {
            let mut sim = stream(SHARDS);
            put_each(&mut sim, &keys, &PAYLOAD);
            sim
        })
    });
}

#[wasm_bindgen_bench]
fn put_records_500_100_bytes_4_shards(c: &mut Criterion) {
    let keys = keys(RECORDS);
    c.bench_function("PutRecords of 500 x 2, 100 B, 4 shards", |b| {
        b.iter(|| {
            let mut sim = stream(SHARDS);
            put_batches(&mut sim, &keys, &PAYLOAD);
            sim
        })
    });
}

#[wasm_bindgen_bench]
fn put_and_get_100_bytes_4_shards(c: &mut Criterion) {
    let keys = keys(RECORDS);
    c.bench_function("PutRecord + GetRecords x 1000, 100 B, 4 shards", |b| {
        b.iter(|| {
            let mut sim = stream(SHARDS);
            put_each(&mut sim, &keys, &PAYLOAD);
            read_all(&mut sim, SHARDS)
        })
    });
}

#[wasm_bindgen_bench]
fn kpl_aggregate_and_deaggregate_100_bytes(c: &mut Criterion) {
    let records = user_records(&keys(RECORDS), &PAYLOAD);
    c.bench_function("KPL aggregate + deaggregate x 1000, 100 B", |b| {
        b.iter(|| deaggregate_all(&aggregate_all(&records)))
    });
}
