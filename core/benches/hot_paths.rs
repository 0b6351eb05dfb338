//! Throughput of the simulation's hot paths, in records per second, each
//! printed beside this machine's bound measured in the same process (see
//! `workload::machine_bound`), so that runs on different machines or under
//! different load compare.
//!
//! Run with `cargo bench -p shardlab-core --features workload`. A plain
//! binary rather than a framework: each case runs a fixed workload (from
//! `shardlab_core::workload`, which the wasm bench shares). Each case runs
//! in a process of its own (the binary runs itself with the case's name),
//! so that the peak resident memory it reports (`VmHWM`) is that case's
//! alone. `SHARDLAB_BENCH_DAY_HOURS` shortens the day-long run (24 hours).

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration as WallDuration, Instant as WallClock};

use shardlab_core::workload::{
    aggregate_all, deaggregate_all, generated_with_consumer, keys, machine_bound, put_batches, put_each, read_all,
    stream, user_records,
};
use shardlab_core::{Duration, HashKey};

const RECORDS: usize = 200_000;
const SHARDS: u32 = 4;
const PAYLOAD: [u8; 100] = [0xab; 100];

/// The cases, each run in its own process.
const CASES: [(&str, fn()); 4] =
    [("hot-paths", hot_paths), ("put-get", put_get), ("hour-5000", hour_at_5000), ("day-1000", day_at_1000)];

fn best_of_five(mut run: impl FnMut()) -> WallDuration {
    (0..5)
        .map(|_| {
            let start = WallClock::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap()
}

fn report(name: &str, records: usize, elapsed: WallDuration) {
    let per_sec = records as f64 / elapsed.as_secs_f64();
    println!("{name:<48} {per_sec:>12.0} records/s  ({:.2} ms for {records})", elapsed.as_secs_f64() * 1e3);
}

/// The machine's bound (MD5 of a 16-byte key + appending a 100-byte
/// record), best of five over `RECORDS` keys, printed before each case.
fn bound() {
    let keys = keys(RECORDS);
    let elapsed = best_of_five(|| {
        black_box(machine_bound(&keys, &PAYLOAD));
    });
    report("bound: md5(16 B key) + append 100 B record", RECORDS, elapsed);
}

/// The process's peak resident memory so far, in bytes (Linux `VmHWM`).
fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn hot_paths() {
    let keys = keys(RECORDS);
    report(
        "md5 routing (HashKey::from_partition_key)",
        RECORDS,
        best_of_five(|| {
            for key in &keys {
                black_box(HashKey::from_partition_key(key));
            }
        }),
    );
    report(
        "PutRecord, 100 B, 4 shards",
        RECORDS,
        best_of_five(|| {
            let mut sim = stream(SHARDS);
            put_each(&mut sim, &keys, &PAYLOAD);
            black_box(sim);
        }),
    );
    report(
        "PutRecords of 500, 100 B, 4 shards",
        RECORDS,
        best_of_five(|| {
            let mut sim = stream(SHARDS);
            put_batches(&mut sim, &keys, &PAYLOAD);
            black_box(sim);
        }),
    );
    let records = user_records(&keys, &PAYLOAD);
    let blobs = aggregate_all(&records);
    report(
        "KPL aggregation, 100 B user records",
        RECORDS,
        best_of_five(|| {
            black_box(aggregate_all(&records));
        }),
    );
    report(
        "KPL de-aggregation, 100 B user records",
        RECORDS,
        best_of_five(|| {
            assert_eq!(deaggregate_all(&blobs), RECORDS);
        }),
    );
}

/// Issue 13's target: PutRecord + GetRecords of client records (100 B,
/// 16-byte keys, 4 shards), at least 3 million records/s natively.
fn put_get() {
    let keys = keys(RECORDS);
    report(
        "PutRecord + GetRecords, 100 B, 4 shards",
        RECORDS,
        best_of_five(|| {
            let mut sim = stream(SHARDS);
            put_each(&mut sim, &keys, &PAYLOAD);
            assert_eq!(read_all(&mut sim, SHARDS), RECORDS);
        }),
    );
}

/// A generator and a polling consumer for `duration`, once: what it
/// stored and read, how long it took, and the process's peak memory.
fn generated(name: &str, records_per_second: u32, shards: u32, duration: Duration) {
    let start = WallClock::now();
    let (sim, read) = generated_with_consumer(records_per_second, shards, duration);
    let elapsed = start.elapsed();
    let counters = sim.generators()[0].counters;
    let retained = sim.retained();
    report(name, counters.stored as usize, elapsed);
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    println!(
        "    stored {} (throttled {}), consumer read {read}; retained {} records in {:.1} MiB; peak resident {:.1} MiB",
        counters.stored,
        counters.throttled,
        retained.records,
        mib(retained.record_bytes),
        peak_resident_bytes().map_or(f64::NAN, mib),
    );
}

/// Issue 13's target: an hour at 5,000 records/s on 8 shards with a
/// consumer, within 5 s and 256 MB natively.
fn hour_at_5000() {
    generated("generator 5,000/s, 8 shards, consumer, 1 hour", 5_000, 8, Duration::from_hours(1));
}

/// Issue 13's target: a day at 1,000 records/s on 4 shards with a polling
/// consumer (within 10 s and 256 MB in wasm).
fn day_at_1000() {
    let hours = std::env::var("SHARDLAB_BENCH_DAY_HOURS").ok().and_then(|h| h.parse().ok()).unwrap_or(24);
    generated(&format!("generator 1,000/s, 4 shards, consumer, {hours} h"), 1_000, 4, Duration::from_hours(hours));
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument names a case.
    let case = std::env::args().skip(1).find(|arg| arg != "--bench");
    match case {
        Some(name) => {
            let (_, run) = CASES.iter().find(|(case, _)| *case == name).expect("a known case");
            bound();
            run();
        }
        None => {
            let me = std::env::current_exe().expect("the bench binary");
            for (name, _) in CASES {
                println!("== {name}");
                let status = Command::new(&me).arg(name).status().expect("the bench runs itself");
                assert!(status.success(), "case {name} failed");
            }
        }
    }
}
