//! Simulation-only targets that save and restore the whole simulation.
//!
//! `Shardlab.Snapshot {}` answers `{"Snapshot": "…"}`: the simulation as a
//! versioned JSON snapshot (see [`snapshot`](crate::snapshot)), carried as a
//! string so that it can be stored and sent back unchanged.
//! `Shardlab.Restore {"Snapshot": "…"}` replaces the simulation with the one
//! the snapshot holds, its clock included, and answers `{"EpochMillis": now}`
//! with the restored clock. A snapshot that is not one, is of another
//! version, or is damaged is an `InvalidArgumentException` saying which, and
//! leaves the simulation as it was.

use alloc::string::ToString;

use serde_json::json;

use super::Reply;
use super::decode::Decoder;
use super::error::ApiError;
use crate::Simulation;

pub(super) fn snapshot(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    d.finish()?;
    Ok(Some(json!({"Snapshot": sim.snapshot()})))
}

pub(super) fn restore(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let snapshot = d.required("Snapshot", Decoder::string)?;
    d.finish()?;
    *sim = Simulation::restore(&snapshot).map_err(|err| ApiError::invalid_argument(err.to_string()))?;
    Ok(Some(json!({"EpochMillis": sim.now().epoch_millis()})))
}
