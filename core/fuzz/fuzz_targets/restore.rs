//! Fuzzes restoring snapshots and opening share links (whole states and
//! recipes from a blank start): any input is
//! restored or refused, never a panic, and a restored simulation runs for
//! simulated seconds and snapshots again. A hang or an allocation past
//! libFuzzer's `-rss_limit_mb` (2048 by default) is a failure too.
//!
//! Each input is tried as a snapshot and, as text, as a share fragment. Run
//! from `core/`: `RUSTC_BOOTSTRAP=1 cargo fuzz run restore -- -max_total_time=300 -timeout=10`.
//! Seed it with real snapshots: `fuzz/corpus/restore/` (any `Shardlab.Snapshot` output).
#![no_main]

use libfuzzer_sys::fuzz_target;
use shardlab_core::{Duration, Simulation};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let restored = Simulation::restore(&text).ok().or_else(|| Simulation::from_share_fragment(&text).ok());
    if let Some(mut sim) = restored {
        sim.advance(Duration::from_secs(5));
        let again = Simulation::restore(&sim.snapshot());
        assert!(again.is_ok(), "a snapshot of a restored simulation is refused: {again:?}");
    }
});
