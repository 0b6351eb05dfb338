//! The only place that reads wall-clock time: a ticker that moves the
//! simulated clock while the learner has it playing.

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use shardlab_core::Duration;

use crate::sim_handle::SimHandle;

/// Wall-clock milliseconds between ticks: ten frames of simulation a second.
pub const TICK_MS: u32 = 100;

/// While `running` is true, advances `sim` by `TICK_MS × speed / 100`
/// simulated milliseconds (`speed` in percent of real time) every `TICK_MS`
/// real milliseconds.
pub fn use_ticker(sim: SimHandle, running: Signal<bool>, speed: Signal<u32>) {
    Effect::new(move |previous: Option<Option<Interval>>| {
        // Dropping the previous interval cancels it.
        drop(previous);
        if !running.get() {
            return None;
        }
        let step = Duration::from_millis(u64::from(TICK_MS) * u64::from(speed.get()) / 100);
        Some(Interval::new(TICK_MS, move || sim.advance(step)))
    });
}
