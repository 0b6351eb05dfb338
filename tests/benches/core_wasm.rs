//! The core's hot paths compiled to wasm and run in headless Chromium: the
//! same workloads as the native bench (`core/benches/hot_paths.rs`).
//!
//! Run with `scripts/bench-wasm.sh`; divide the workload's record count by
//! the reported time per iteration for records/s, and compare with the
//! bound measured in the same run.
#![cfg(target_arch = "wasm32")]

use shardlab_core::Duration;
use shardlab_core::workload::{
    aggregate_all, deaggregate_all, generated_with_consumer, keys, machine_bound, put_batches, put_each, read_all,
    stream, user_records,
};
use wasm_bindgen_test::{Criterion, console_log, wasm_bindgen_bench, wasm_bindgen_test_configure};

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

/// Issue 13's target: a simulated day of a generator at 1,000 records/s on 4
/// shards with a polling consumer reading everything, within 10 s and 256 MB
/// of wasm memory. One run timed by the clock, as the native bench's day is:
/// a day is too long to sample repeatedly. Linear memory never shrinks, so
/// its size after the run is the run's peak. `SHARDLAB_BENCH_DAY_HOURS` is
/// read at build time (the browser has no environment) to shorten the day.
#[wasm_bindgen_bench]
fn simulated_day_at_1000_records_a_second(_: &mut Criterion) {
    let hours = option_env!("SHARDLAB_BENCH_DAY_HOURS").and_then(|h| h.parse().ok()).unwrap_or(24);
    let bound_keys = keys(200_000);
    let bound_start = js_sys::Date::now();
    let _ = core::hint::black_box(machine_bound(&bound_keys, &PAYLOAD));
    let bound_per_sec = 200_000.0 / ((js_sys::Date::now() - bound_start) / 1000.0);
    let start = js_sys::Date::now();
    let (sim, read) = generated_with_consumer(1_000, SHARDS, Duration::from_hours(hours));
    let seconds = (js_sys::Date::now() - start) / 1000.0;
    let stored = sim.generators()[0].counters.stored;
    let memory_mib = core::arch::wasm32::memory_size(0) * 65_536 / (1024 * 1024);
    console_log!(
        "generator 1,000/s, 4 shards, consumer, {hours} h: {seconds:.1} s for {stored} records ({:.2} M/s), \
         consumer read {read}, wasm memory {memory_mib} MiB; bound md5+append {:.2} M/s",
        stored as f64 / seconds / 1e6,
        bound_per_sec / 1e6,
    );
}
