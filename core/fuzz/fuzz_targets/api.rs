//! Fuzzes the Kinesis JSON API: any sequence of (target, body) requests
//! against one simulation must produce responses, never a panic.
//!
//! The input is read as lines: a target, then its body, then the next
//! target, and so on. Run from `core/`:
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run api -- -max_total_time=300`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shardlab_core::Simulation;
use shardlab_core::api;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut sim = Simulation::new();
    let mut lines = text.lines();
    while let Some(target) = lines.next() {
        let body = lines.next().unwrap_or("");
        // Prefix bare operation names so the fuzzer reaches real handlers quickly.
        let target = if target.contains('.') { target.to_string() } else { format!("Kinesis_20131202.{target}") };
        let response = api::handle(&mut sim, &target, body);
        assert!(response.status == 200 || (400..600).contains(&response.status));
    }
});
