//! Versioned snapshots of a whole simulation: the base for share links,
//! saved sessions, undo and the timeline.
//!
//! A snapshot is JSON: `{"format": "shardlab-snapshot", "version": 1,
//! "simulation": {…}}`. Restoring checks the envelope, the version and then
//! every invariant of the restored state, so that a corrupted or hand-edited
//! snapshot is refused with a clear error instead of failing later.

use alloc::format;
use alloc::string::{String, ToString};

use serde::{Deserialize, Serialize};

use crate::sim::Simulation;
use crate::time::Instant;

mod v1;

/// The `format` every snapshot carries.
pub const SNAPSHOT_FORMAT: &str = "shardlab-snapshot";
/// The snapshot version this build writes and reads.
pub const SNAPSHOT_VERSION: u64 = 1;

/// Why a snapshot was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// Not JSON, or not a Shardlab snapshot at all.
    NotASnapshot(String),
    /// A snapshot from a version this build cannot read.
    UnsupportedVersion(u64),
    /// A snapshot of the right version whose content does not make sense.
    Corrupt(String),
}

impl core::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SnapshotError::NotASnapshot(why) => write!(f, "this is not a Shardlab snapshot: {why}"),
            SnapshotError::UnsupportedVersion(v) => {
                write!(f, "this snapshot is version {v}, and this Shardlab reads version {SNAPSHOT_VERSION}")
            }
            SnapshotError::Corrupt(why) => write!(f, "this snapshot is damaged: {why}"),
        }
    }
}

impl core::error::Error for SnapshotError {}

#[derive(Serialize)]
struct Envelope {
    format: &'static str,
    version: u64,
    simulation: v1::SimulationV1,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

#[derive(Deserialize)]
struct Body {
    simulation: v1::SimulationV1,
}

impl Simulation {
    /// The whole simulation as a versioned JSON snapshot. The same calls in
    /// the same order always give byte-identical snapshots.
    pub fn snapshot(&self) -> String {
        let simulation = v1::SimulationV1::from(self.clone());
        let envelope = Envelope { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, simulation };
        serde_json::to_string(&envelope).expect("a simulation always serializes")
    }

    /// Restores a simulation from [`Simulation::snapshot`]'s output.
    pub fn restore(snapshot: &str) -> Result<Simulation, SnapshotError> {
        // The envelope is read first, on its own, so that a snapshot of
        // another version is named as such rather than reported as damaged.
        let header: Header =
            serde_json::from_str(snapshot).map_err(|err| SnapshotError::NotASnapshot(err.to_string()))?;
        if header.format.as_deref() != Some(SNAPSHOT_FORMAT) {
            return Err(SnapshotError::NotASnapshot(format!("it has no \"format\": \"{SNAPSHOT_FORMAT}\"")));
        }
        match header.version {
            Some(SNAPSHOT_VERSION) => {}
            Some(other) => return Err(SnapshotError::UnsupportedVersion(other)),
            None => return Err(SnapshotError::NotASnapshot("it has no version number".into())),
        }
        let body: Body = serde_json::from_str(snapshot).map_err(|err| SnapshotError::Corrupt(err.to_string()))?;
        let sim = Simulation::try_from(body.simulation).map_err(SnapshotError::Corrupt)?;
        sim.check_invariants().map_err(SnapshotError::Corrupt)?;
        Ok(sim)
    }

    /// Every invariant of the state, checked in release builds too: used on
    /// restored snapshots, which may come from anywhere.
    ///
    /// Beyond the invariants, every field must be within the limits the API
    /// enforces and every schedule at or after the clock, so that a crafted
    /// snapshot cannot make a later call panic, loop or allocate without
    /// bound (issue 12, item 16).
    pub(crate) fn check_invariants(&self) -> Result<(), String> {
        if self.now > Instant::LATEST {
            return Err(format!("its clock reads {} ms, after {}", self.now.epoch_millis(), Instant::LATEST));
        }
        self.check_clock()?;
        self.kinesis.check_restored(self.now)?;
        self.kinesis_calls.check_restored(self.now)?;
        self.check_lambda_invariants()?;
        self.s3.check_invariants(self.now)?;
        for (name, delivery_stream) in &self.delivery_streams {
            delivery_stream.check_invariants(name)?;
            if !delivery_stream.has_its_function(&self.transform_functions) {
                return Err(format!("delivery stream {name} names a transformation function that does not exist"));
            }
            if delivery_stream.next_deadline().is_some_and(|due| due < self.now) {
                return Err(format!("delivery stream {name} has work due before the clock"));
            }
        }
        self.sqs.check_invariants(self.now)?;
        for consumer in &self.consumers {
            consumer.check_restored(self.now)?;
        }
        for (idx, generator) in self.generators.iter().enumerate() {
            generator.check_restored(self.now).map_err(|err| format!("generator {idx}: {err}"))?;
        }
        // Whatever else is scheduled: something due before the clock would
        // run late, or (a generator's tick at 0) replay every step since.
        if let Some(at) = self.next_deadline().filter(|at| *at < self.now) {
            return Err(format!("it has work due at {at}, before its clock"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
