//! The learner's work on a lesson, kept in `localStorage` so that reloading
//! the page, or closing the tab and opening the lesson again, resumes it.
//!
//! Each lesson has its own key, `shardlab.work.<lesson id>`, so one lesson's
//! work is never opened in another. It holds the simulation as a share link
//! does (`Simulation::share_fragment`) and is read back through the same
//! checks (`Simulation::from_share_fragment`): what cannot be read is
//! removed, and the lesson starts fresh with a note. `localStorage`, not
//! `sessionStorage`, because a learner who closes the tab expects the lesson
//! to open where they left it.
//!
//! Saved when the page is hidden or left (`visibilitychange`, `pagehide`)
//! and, for all but the largest states, once the simulation has been still
//! for a few seconds; never on each tick of a running clock. A state too
//! large to keep is not written: the key then says so, and the next visit
//! tells the learner. Progress (`storage.rs`) has a key of its own, which
//! this never writes.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use leptos::prelude::*;
use shardlab_core::Simulation;
use shardlab_core::recipe::Recipe;

use crate::sim_handle::SimHandle;
use crate::storage::local_storage;

/// What every lesson's key starts with.
pub const KEY_PREFIX: &str = "shardlab.work.";
/// The most text one lesson's work may take: 1 MiB, a fifth of the usual
/// 5 MB of `localStorage` (the largest lesson end state kept takes about 900 KB).
pub const MAX_CHARS: usize = 1 << 20;
/// The most text all lessons' work may take together, so that progress
/// always has room; other lessons' work is dropped to stay within it.
const ALL_LESSONS_CHARS: usize = 2 << 20;
/// Records and metrics (core's estimate) past which a snapshot would be
/// beyond the 32 MiB a share link may inflate to (it is about 2.7 times
/// this), so the state is not even serialized.
const MAX_RETAINED_BYTES: u64 = 12 << 20;
/// What a key holds instead of a state that was too large to keep.
const TOO_LARGE: &str = "too-large";
/// How long the simulation stays unchanged before it is saved.
const SAVE_AFTER: Duration = Duration::from_secs(3);
/// Records and metrics (core's estimate) up to which a state is saved while
/// the page is shown: a save costs up to about a second of the page's time
/// for the largest states, which wait until the page is hidden or left.
const SAVE_SHOWN_BYTES: u64 = 512 << 10;

/// What became of a lesson's saved work when the lesson opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resumed {
    /// The simulation is the saved one.
    Restored,
    /// The last state was too large to keep; the lesson starts fresh.
    TooLarge,
    /// The saved state could not be read and was removed; the lesson starts fresh.
    Unreadable,
}

impl Resumed {
    /// The note for the learner.
    pub fn message(self) -> &'static str {
        match self {
            Resumed::Restored => "Your work on this lesson was restored.",
            Resumed::TooLarge => "Your last session was too large to keep in this browser, so the lesson starts fresh.",
            Resumed::Unreadable => "Your saved work on this lesson could not be read, so the lesson starts fresh.",
        }
    }
}

/// Set once the page has panicked: nothing is saved after that.
static STOPPED: AtomicBool = AtomicBool::new(false);
/// The key of the lesson whose work this page keeps, if any.
static KEPT: Mutex<String> = Mutex::new(String::new());

fn key(lesson_id: &str) -> String {
    format!("{KEY_PREFIX}{lesson_id}")
}

/// After a panic: removes the work saved for the lesson this page keeps
/// and saves nothing more, so that reloading starts the lesson afresh
/// rather than reopening what may have caused the panic.
pub fn forget_after_panic() {
    STOPPED.store(true, Ordering::Relaxed);
    if let (Ok(key), Some(storage)) = (KEPT.try_lock(), local_storage()) {
        let _ = storage.remove_item(&key);
    }
}

/// The work saved for `lesson_id`, if it can be opened, and what to tell the
/// learner. Anything else saved there is removed.
pub fn restore(lesson_id: &str) -> (Option<Simulation>, Option<Resumed>) {
    let key = key(lesson_id);
    let Some(storage) = local_storage() else { return (None, None) };
    let Some(saved) = storage.get_item(&key).ok().flatten() else { return (None, None) };
    match Simulation::from_share_fragment(&saved) {
        Ok(sim) => (Some(sim), Some(Resumed::Restored)),
        Err(_) => {
            let _ = storage.remove_item(&key);
            (None, Some(if saved == TOO_LARGE { Resumed::TooLarge } else { Resumed::Unreadable }))
        }
    }
}

/// Writes `sim` under `key`, or [`TOO_LARGE`] if it is too large to keep or
/// the browser refuses it: an older state is never left to be restored.
fn save(storage: &web_sys::Storage, key: &str, sim: &Simulation) {
    let fragment =
        (sim.retained().estimated_bytes() <= MAX_RETAINED_BYTES).then(|| sim.share_fragment_within(MAX_CHARS));
    let value = fragment.flatten().unwrap_or_else(|| TOO_LARGE.into());
    // Other lessons' work makes room, so that all of it stays within ALL_LESSONS_CHARS.
    let others: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|idx| storage.key(idx).ok().flatten())
        .filter(|other| other.starts_with(KEY_PREFIX) && other != key)
        .collect();
    let mut total = value.len();
    for other in others {
        let len = storage.get_item(&other).ok().flatten().map_or(0, |saved| saved.len());
        if total + len > ALL_LESSONS_CHARS {
            let _ = storage.remove_item(&other);
        } else {
            total += len;
        }
    }
    if storage.set_item(key, &value).is_err() {
        let _ = storage.remove_item(key);
        let _ = storage.set_item(key, TOO_LARGE);
    }
}

/// Keeps the page's simulation as the work on `lesson_id` from now on.
/// Returns the way to start the lesson over from a given state (and the
/// recipe naming it): undoable
/// like any reset, and the saved work is removed until the learner acts again.
pub fn keep(sim: SimHandle, lesson_id: &str) -> Callback<(Simulation, Option<Recipe>)> {
    let key = key(lesson_id);
    if let Ok(mut kept) = KEPT.lock() {
        kept.clone_from(&key);
    }
    let key = StoredValue::new(key);
    // Whether the simulation changed since it was opened or saved.
    let unsaved = StoredValue::new(false);
    // Changes seen; a save waits for SAVE_AFTER without a new one.
    let changes = StoredValue::new(0u32);
    // The next change is a start over, which is not the learner's work.
    let starting_over = StoredValue::new(false);
    let save_now = move || {
        if !STOPPED.load(Ordering::Relaxed)
            && unsaved.get_value()
            && let Some(storage) = local_storage()
        {
            unsaved.set_value(false);
            key.with_value(|key| sim.with(|s| save(&storage, key, s)));
        }
    };
    Effect::new(move |opened: Option<()>| {
        sim.with(|_| ());
        if opened.is_none() || starting_over.get_value() {
            starting_over.set_value(false);
            return;
        }
        unsaved.set_value(true);
        let change = changes.get_value().wrapping_add(1);
        changes.set_value(change);
        set_timeout(
            move || {
                // (Nothing to do once the page is gone.)
                if !STOPPED.load(Ordering::Relaxed)
                    && changes.try_get_value() == Some(change)
                    && sim.retained_bytes() <= SAVE_SHOWN_BYTES
                {
                    save_now();
                }
            },
            SAVE_AFTER,
        );
    });
    let on_leave = move |event: web_sys::Event| {
        if event.type_() == "pagehide" || document().hidden() {
            save_now();
        }
    };
    let left = window_event_listener_untyped("pagehide", on_leave);
    let hidden = window_event_listener_untyped("visibilitychange", on_leave);
    on_cleanup(move || {
        left.remove();
        hidden.remove();
    });
    Callback::new(move |(start, recipe): (Simulation, Option<Recipe>)| {
        sim.replace(start, recipe);
        starting_over.set_value(true);
        unsaved.set_value(false);
        changes.set_value(changes.get_value().wrapping_add(1));
        if let Some(storage) = local_storage() {
            key.with_value(|key| storage.remove_item(key).ok());
        }
    })
}
