//! The Kinesis calls that changed the simulation, in the order they were
//! answered: what "Export as a script" turns into AWS CLI or boto3 calls to
//! make the same streams, shards and records on AWS. Recorded by
//! [`crate::api::handle`] for the targets [`crate::api::is_logged`] names;
//! read with [`crate::Simulation::kinesis_calls`].
//!
//! Undo, the timeline and share links clone or serialize the simulation, so
//! the log always matches the state it is kept with. It is stored in shared
//! chunks, so that cloning a simulation (a snapshot before every action)
//! copies at most one chunk's worth.

pub(crate) mod snapshot_v1;

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::time::Instant;

/// The most calls kept; later ones are counted, not kept, so that a long
/// session cannot grow the log without bound.
pub const MAX_LOGGED_CALLS: usize = 10_000;

/// Calls per shared chunk.
const CHUNK: usize = 64;

/// One call, as it was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoggedCall {
    /// When it was answered, by the simulated clock.
    pub at: Instant,
    /// `X-Amz-Target`, e.g. `Kinesis_20131202.PutRecord`.
    pub target: String,
    /// The request body, as sent.
    pub body: String,
}

/// The calls, oldest first.
#[derive(Clone, Debug, Default)]
pub struct CallLog {
    chunks: Vec<Arc<Vec<LoggedCall>>>,
    /// Calls answered after the log was full.
    unlogged: u64,
}

impl CallLog {
    /// Adds `call`, unless the log holds [`MAX_LOGGED_CALLS`] already.
    pub(crate) fn push(&mut self, call: LoggedCall) {
        if self.len() >= MAX_LOGGED_CALLS {
            self.unlogged += 1;
            return;
        }
        match self.chunks.last_mut() {
            // Copies the chunk only if an earlier clone still shares it.
            Some(chunk) if chunk.len() < CHUNK => Arc::make_mut(chunk).push(call),
            _ => self.chunks.push(Arc::new(alloc::vec![call])),
        }
    }

    /// The calls, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &LoggedCall> {
        self.chunks.iter().flat_map(|chunk| chunk.iter())
    }

    /// How many calls are kept.
    pub fn len(&self) -> usize {
        self.chunks.iter().map(|chunk| chunk.len()).sum()
    }

    /// Whether no call is kept.
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// Calls answered after the log was full, and so not kept.
    pub fn unlogged(&self) -> u64 {
        self.unlogged
    }

    /// The log's invariants, for a restored snapshot: within the cap, in
    /// the order of the clock, none after `now`, each of a logged target.
    pub(crate) fn check_restored(&self, now: Instant) -> Result<(), String> {
        let len = self.len();
        if len > MAX_LOGGED_CALLS {
            return Err(alloc::format!("its call log holds {len} calls, more than {MAX_LOGGED_CALLS}"));
        }
        let mut previous = Instant::from_epoch_millis(0);
        for call in self.iter() {
            if call.at < previous || call.at > now {
                return Err(alloc::format!("its call log has a {} out of the clock's order", call.target));
            }
            if !crate::api::is_logged(&call.target) {
                return Err(alloc::format!("its call log holds {}, which is never logged", call.target));
            }
            previous = call.at;
        }
        Ok(())
    }
}

/// Two logs are equal when they hold the same calls, however they are chunked.
impl PartialEq for CallLog {
    fn eq(&self, other: &CallLog) -> bool {
        self.unlogged == other.unlogged && self.iter().eq(other.iter())
    }
}

impl Eq for CallLog {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Duration;

    fn call(n: u64) -> LoggedCall {
        LoggedCall {
            at: Instant::SIMULATION_START + Duration::from_millis(n),
            target: "Kinesis_20131202.PutRecord".into(),
            body: alloc::format!("{n}"),
        }
    }

    #[test]
    fn a_clone_shares_full_chunks_and_a_push_leaves_the_clone_as_it_was() {
        let mut log = CallLog::default();
        for n in 0..(CHUNK as u64 + 3) {
            log.push(call(n));
        }
        let saved = log.clone();
        log.push(call(1_000));
        assert!(Arc::ptr_eq(&log.chunks[0], &saved.chunks[0]), "a full chunk is shared, not copied");
        assert_eq!((log.len(), saved.len()), (CHUNK + 4, CHUNK + 3));
        assert_eq!(saved.iter().last(), Some(&call(CHUNK as u64 + 2)));
        assert_eq!(log.iter().last(), Some(&call(1_000)));
    }

    #[test]
    fn the_log_stops_at_its_cap_and_counts_the_rest() {
        let mut log = CallLog::default();
        for n in 0..(MAX_LOGGED_CALLS as u64 + 5) {
            log.push(call(n));
        }
        assert_eq!((log.len(), log.unlogged()), (MAX_LOGGED_CALLS, 5));
        assert_eq!(log.iter().count(), MAX_LOGGED_CALLS);
    }

    #[test]
    fn it_round_trips_through_json_as_a_plain_list() {
        let mut log = CallLog::default();
        for n in 0..100 {
            log.push(call(n));
        }
        let json = serde_json::to_string(&snapshot_v1::CallLogV1::from(log.clone())).unwrap();
        assert!(json.starts_with(r#"{"Calls":[{"At":"#), "{json}");
        assert_eq!(CallLog::from(serde_json::from_str::<snapshot_v1::CallLogV1>(&json).unwrap()), log);
    }
}
