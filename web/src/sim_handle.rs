//! `SimHandle`: the one way the UI reads and changes the simulation.
//!
//! Components get it with `expect_context::<SimHandle>()`. Reads go through
//! `with`-style projections so that a component only re-renders when the
//! simulation changes, and every mutation is a named method mirroring an AWS
//! operation, so no component re-implements a service rule.

use leptos::prelude::*;
use shardlab_core::api;
use shardlab_core::{
    ConsumerId, ConsumerView, Duration, GetShardIteratorError, Instant, Record, SequenceNumber, ShardId, Simulation,
    StartingPosition, StreamView,
};

/// A copyable handle to the page's simulation.
#[derive(Clone, Copy)]
pub struct SimHandle {
    sim: RwSignal<Simulation>,
}

impl SimHandle {
    /// Wraps `sim` in a reactive signal.
    pub fn new(sim: Simulation) -> SimHandle {
        SimHandle { sim: RwSignal::new(sim) }
    }

    /// Replaces the whole simulation (reset to a lesson's start).
    pub fn replace(&self, sim: Simulation) {
        self.sim.set(sim);
    }

    /// Reads the simulation, tracking it reactively.
    pub fn with<R>(&self, read: impl FnOnce(&Simulation) -> R) -> R {
        self.sim.with(read)
    }

    /// The simulated time.
    pub fn now(&self) -> Instant {
        self.sim.with(Simulation::now)
    }

    /// Moves the simulated clock forward.
    pub fn advance(&self, by: Duration) {
        self.sim.update(|s| s.advance(by));
    }

    /// A stream's shards and counts.
    pub fn stream(&self, name: &str) -> Option<StreamView> {
        self.sim.with(|s| s.stream(name))
    }

    /// The newest `n` records of a shard, oldest first.
    pub fn newest_records(&self, stream: &str, shard: ShardId, n: usize) -> Vec<Record> {
        self.sim.with(|s| {
            let Some(records) = s.shard_records(stream, shard) else { return Vec::new() };
            let skip = records.len().saturating_sub(n);
            records.skip(skip).cloned().collect()
        })
    }

    /// Replaces the page's consumer with a new one reading from `position`.
    pub fn restart_consumer(
        &self,
        stream: &str,
        position: StartingPosition,
    ) -> Result<ConsumerId, GetShardIteratorError> {
        self.sim
            .try_update(|s| {
                for consumer in s.consumers() {
                    s.stop_consumer(consumer.id);
                }
                s.start_polling_consumer(stream, position)
            })
            .expect("simulation signal disposed")
    }

    /// Makes a consumer poll now.
    pub fn poll_consumer(&self, id: ConsumerId) {
        self.sim.update(|s| {
            s.poll_consumer(id);
        });
    }

    /// A stored record, as stored (ciphertext if the stream encrypts) and as
    /// a reader would get it.
    pub fn record(&self, stream: &str, sequence_number: SequenceNumber) -> Option<(Record, Record)> {
        self.sim.with(|s| {
            let stored =
                s.shard_records(stream, sequence_number.shard())?.find(|r| r.sequence_number() == sequence_number)?;
            Some((stored.clone(), s.plaintext(stream, stored)))
        })
    }

    /// Sends one Kinesis JSON request, as the AWS SDK would over HTTP.
    pub fn api(&self, target: &str, body: &str) -> api::Response {
        self.sim.try_update(|s| api::handle(s, target, body)).expect("simulation signal disposed")
    }

    /// The running consumers.
    pub fn consumers(&self) -> Vec<ConsumerView> {
        self.sim.with(Simulation::consumers)
    }
}
