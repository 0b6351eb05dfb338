//! Simulation-only targets (`Shardlab.*`): moving the simulated clock, which
//! a headless driver has no other way to do.
//!
//! Both answer `{"EpochMillis": now}` with the clock's reading afterwards.

use alloc::format;

use serde_json::json;

use super::Reply;
use super::decode::Decoder;
use super::error::ApiError;
use crate::{Duration, Instant, Simulation};

/// The longest step one call may take: the longest retention period, 365
/// days. The clock walks every simulated second while streams exist, so a
/// step is bounded to keep one request from running for minutes; nothing
/// about a stream is observable after more than its retention anyway.
pub(super) const MAX_STEP_MILLIS: u64 = 365 * 24 * 3_600_000;

/// `Shardlab.AdvanceClock {"Millis": N}`: moves the clock forward by N milliseconds.
pub(super) fn advance_clock(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let step = advance_clock_step(d)?;
    sim.advance(step);
    Ok(Some(reading(sim)))
}

/// How far `Shardlab.AdvanceClock` moves the clock.
pub(super) fn advance_clock_step(d: &mut Decoder<'_>) -> Result<Duration, ApiError> {
    let millis = d.required("Millis", |d, name| d.long_in(name, 0..=MAX_STEP_MILLIS))?;
    d.finish()?;
    Ok(Duration::from_millis(millis))
}

/// What both targets answer: the clock's reading.
pub(super) fn reading(sim: &Simulation) -> serde_json::Value {
    json!({"EpochMillis": sim.now().epoch_millis()})
}

/// `Shardlab.SetClock {"EpochMillis": N}`: moves the clock forward to N
/// milliseconds after the Unix epoch. Simulated time never goes back.
pub(super) fn set_clock(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let to = Instant::from_epoch_millis(d.required("EpochMillis", Decoder::non_negative_long)?);
    d.finish()?;
    let now = sim.now();
    if to < now {
        return Err(ApiError::invalid_argument(format!(
            "EpochMillis {} ({to}) is before the simulation's clock, {} ({now}); simulated time never goes backwards.",
            to.epoch_millis(),
            now.epoch_millis()
        )));
    }
    if to > Instant::LATEST {
        return Err(ApiError::invalid_argument(format!(
            "EpochMillis {} is after {}, the latest time the simulation's clock reads.",
            to.epoch_millis(),
            Instant::LATEST
        )));
    }
    let step = to.saturating_since(now);
    if step.as_millis() > MAX_STEP_MILLIS {
        return Err(ApiError::invalid_argument(format!(
            "EpochMillis {} is more than {MAX_STEP_MILLIS} milliseconds after the simulation's clock, {}; set it in smaller steps.",
            to.epoch_millis(),
            now.epoch_millis()
        )));
    }
    sim.advance(step);
    Ok(Some(reading(sim)))
}
