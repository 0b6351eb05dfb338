//! The only place that reads wall-clock time: a ticker that moves the
//! simulated clock while the learner has it playing.

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use shardlab_core::Duration;

use crate::sim_handle::SimHandle;

/// Wall-clock milliseconds between ticks: ten frames of simulation a second.
pub const TICK_MS: u32 = 100;

/// The most wall-clock time one tick may spend simulating, so that a click
/// (Pause above all) is answered within about this long however much work a
/// fast clock asks for.
pub const TICK_BUDGET_MS: f64 = 40.0;

/// The most memory the simulation's records and metrics may hold in the
/// page, by core's estimate: past it the clock stops, well before the
/// browser's 4 GiB limit for a wasm module (undo and the timeline share
/// records with the live simulation, so they add little).
pub const MEMORY_BUDGET_BYTES: u64 = 1 << 30;

/// Whether `budget_ms` of wall-clock time have passed since it was made:
/// the `out_of_time` of [`SimHandle::advance_within`].
pub fn out_of_time_after(budget_ms: f64) -> impl Fn() -> bool {
    let began = js_sys::Date::now();
    move || js_sys::Date::now() - began >= budget_ms
}

/// Why the clock runs slower than asked, or stopped; shown by the clock bar.
#[derive(Clone, Copy)]
pub struct ClockNote(pub RwSignal<Option<String>>);

/// While `running` is true, advances `sim` by `TICK_MS × speed / 100`
/// simulated milliseconds (`speed` in percent of real time) every `TICK_MS`
/// real milliseconds, within [`TICK_BUDGET_MS`]: what does not fit is
/// dropped, and the note says how fast the clock really runs. Stops the
/// clock, with a note, once the simulation holds [`MEMORY_BUDGET_BYTES`].
pub fn use_ticker(sim: SimHandle, running: RwSignal<bool>, speed: Signal<u32>) -> ClockNote {
    let note = ClockNote(RwSignal::new(None));
    Effect::new(move |previous: Option<Option<Interval>>| {
        // Dropping the previous interval cancels it.
        drop(previous);
        if !running.get() {
            // How fast the clock ran no longer applies; why it stopped does.
            if note.0.get_untracked().is_some_and(|text| !is_memory_note(&text)) {
                note.0.set(None);
            }
            return None;
        }
        note.0.set(None);
        let percent = speed.get();
        let step = Duration::from_millis(u64::from(TICK_MS) * u64::from(percent) / 100);
        Some(Interval::new(TICK_MS, move || {
            if sim.retained_bytes() >= MEMORY_BUDGET_BYTES {
                running.set(false);
                note.0.set(Some(memory_note()));
                return;
            }
            let moved = sim.advance_within(step, out_of_time_after(TICK_BUDGET_MS));
            let wanted = note.0.get_untracked();
            let now_note = (moved < step).then(|| slower_note(moved, percent));
            if wanted != now_note {
                note.0.set(now_note);
            }
        }))
    });
    note
}

/// The clock's real speed when a tick could not do all it was asked.
fn slower_note(moved: Duration, asked_percent: u32) -> String {
    let real = moved.as_millis() as f64 / f64::from(TICK_MS);
    format!(
        "Running at about {}× of the {}× asked: this device cannot simulate this much traffic faster.",
        format_speed(real),
        format_speed(f64::from(asked_percent) / 100.0)
    )
}

fn memory_note() -> String {
    format!(
        "Paused: the simulation holds about {} MiB of records and metrics, the most this page keeps. \
         Stop a generator or lower the retention period, then play on.",
        MEMORY_BUDGET_BYTES >> 20
    )
}

fn is_memory_note(text: &str) -> bool {
    text == memory_note()
}

fn format_speed(times: f64) -> String {
    if times >= 10.0 { format!("{times:.0}") } else { format!("{times:.1}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_gives_the_real_and_the_asked_speed() {
        // 3.7 simulated seconds in a 100 ms tick is 37×.
        assert_eq!(
            slower_note(Duration::from_millis(3_700), 100_000),
            "Running at about 37× of the 1000× asked: this device cannot simulate this much traffic faster."
        );
        assert!(slower_note(Duration::from_millis(50), 100).starts_with("Running at about 0.5× of the 1.0× asked"));
        assert!(memory_note().contains("1024 MiB"));
    }
}
