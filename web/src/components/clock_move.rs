//! A long `Shardlab.AdvanceClock` from the API console (a year, say), taken
//! a frame at a time with its progress shown and a Cancel, so that the page
//! answers throughout. Core says how far the call moves the clock, and what
//! it answers once there (`api::advance_clock_step`, `api::clock_reading`);
//! the page only chooses the pace. A move that fits in one frame is answered
//! at once, as any other call.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use shardlab_core::{Duration, api};

use crate::format::duration;
use crate::hooks::{MEMORY_BUDGET_BYTES, TICK_BUDGET_MS, out_of_time_after};
use crate::sim_handle::SimHandle;

/// A clock move in progress, if any, and how the last one ended.
#[derive(Clone, Copy)]
pub struct ClockMove {
    progress: RwSignal<Option<Progress>>,
    /// Counts the moves started, so that a cancelled move's next frame,
    /// already scheduled, knows it is no longer wanted.
    started: StoredValue<u64>,
    stopped: RwSignal<Option<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Progress {
    moved: Duration,
    total: Duration,
}

impl ClockMove {
    /// No move in progress.
    pub fn new() -> ClockMove {
        ClockMove { progress: RwSignal::new(None), started: StoredValue::new(0), stopped: RwSignal::new(None) }
    }

    /// Whether a move is in progress, without tracking it.
    pub fn running_untracked(self) -> bool {
        self.progress.with_untracked(Option::is_some)
    }

    /// Moves the clock `total`, an undoable step, a frame at a time; `done`
    /// receives the call's answer once the clock has arrived.
    pub fn start(self, sim: SimHandle, total: Duration, done: Callback<api::Response>) {
        sim.checkpoint();
        self.stopped.set(None);
        self.started.update_value(|n| *n += 1);
        self.progress.set(Some(Progress { moved: Duration::ZERO, total }));
        self.frame(sim, self.started.get_value(), done);
    }

    /// Stops the move where the clock is; the call gets no answer.
    pub fn cancel(self) {
        self.stop("Cancelled");
    }

    fn stop(self, why: &str) {
        if let Some(Progress { moved, total }) = self.progress.get_untracked() {
            self.progress.set(None);
            self.stopped.set(Some(format!(
                "{why}: the clock moved {} of the {} asked, and stays there.",
                duration(moved),
                duration(total)
            )));
        }
    }

    fn frame(self, sim: SimHandle, move_number: u64, done: Callback<api::Response>) {
        let Some(Progress { moved, total }) = self.progress.get_untracked() else { return };
        if self.started.get_value() != move_number {
            return;
        }
        if sim.retained_bytes() >= MEMORY_BUDGET_BYTES {
            let held = format!(
                "Stopped at about {} MiB of records and metrics, the most this page keeps (stop a generator or lower \
                 the retention period, then move on)",
                MEMORY_BUDGET_BYTES >> 20
            );
            return self.stop(&held);
        }
        let moved = moved + sim.advance_within(total - moved, out_of_time_after(TICK_BUDGET_MS));
        if moved >= total {
            self.progress.set(None);
            done.run(sim.clock_reading());
        } else {
            self.progress.set(Some(Progress { moved, total }));
            // The next frame after the browser has drawn this one and
            // handled any click (Cancel among them).
            Timeout::new(0, move || self.frame(sim, move_number, done)).forget();
        }
    }
}

impl Default for ClockMove {
    fn default() -> ClockMove {
        ClockMove::new()
    }
}

/// The move's progress bar and Cancel, or how the last move ended. Cancel
/// goes with the move, so it hands focus to `after_cancel`.
#[component]
pub fn ClockMoveStatus(clock_move: ClockMove, after_cancel: NodeRef<leptos::html::Button>) -> impl IntoView {
    let cancel = move |_| {
        clock_move.cancel();
        if let Some(button) = after_cancel.get_untracked() {
            let _ = button.focus();
        }
    };
    move || match clock_move.progress.get() {
        Some(Progress { moved, total }) => {
            let share = moved.as_millis() as f64 / total.as_millis().max(1) as f64;
            view! {
                <div class="clock-move" role="status">
                    <progress max="1" value=share aria-label="Clock move"></progress>
                    <span>{format!("Moving the clock: {} of {} ({:.0} %)", duration(moved), duration(total), share * 100.0)}</span>
                    <button type="button" on:click=cancel>"Cancel"</button>
                </div>
            }
            .into_any()
        }
        None => clock_move
            .stopped
            .get()
            .map(|note| view! { <p class="clock-move muted" role="status">{note}</p> })
            .into_any(),
    }
}
