//! Client applications the simulation runs for the learner: KPL producers
//! and KCL applications, driven by [`Simulation::advance`] at their own
//! deadlines and saved in snapshots with everything else.
//!
//! Each is a sans-IO state machine from `kpl` or `kcl` that calls the
//! simulation's public operations; here they are only stored and scheduled.

use serde::{Deserialize, Serialize};

use crate::error::EfoError;
use crate::kcl::{KclApp, KclConfig};
use crate::kpl::{AddUserRecordError, KplConfig, KplProducer, UserRecordId};
use crate::sim::Simulation;
use crate::time::Instant;

/// Identifies a KPL producer within a simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProducerId(pub u32);

/// Identifies a KCL application within a simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ApplicationId(pub u32);

impl Simulation {
    /// Starts a KPL producer; `seed` drives its retry jitter.
    pub fn create_kpl_producer(&mut self, config: KplConfig, seed: u64) -> ProducerId {
        self.producers.push(KplProducer::new(config, seed));
        ProducerId(self.producers.len() as u32 - 1)
    }

    /// A producer, to read its counters and outcomes.
    pub fn kpl_producer(&self, id: ProducerId) -> Option<&KplProducer> {
        self.producers.get(id.0 as usize)
    }

    /// Hands a user record to a producer; it is sent when its buffer is due.
    /// `None` if there is no such producer.
    pub fn kpl_add_user_record(
        &mut self,
        id: ProducerId,
        stream: &str,
        partition_key: &str,
        data: alloc::vec::Vec<u8>,
        explicit_hash_key: Option<&str>,
    ) -> Option<Result<UserRecordId, AddUserRecordError>> {
        let now = self.now;
        let producer = self.producers.get_mut(id.0 as usize)?;
        Some(producer.add_user_record(now, stream, partition_key, data, explicit_hash_key))
    }

    /// Sends everything a producer buffers now, as the KPL's `flush()` does.
    /// Returns `false` if there is no such producer.
    pub fn kpl_flush(&mut self, id: ProducerId) -> bool {
        let Some(producer) = self.producers.get_mut(id.0 as usize) else { return false };
        producer.flush();
        self.poll_producer_at(id.0 as usize);
        true
    }

    pub(crate) fn poll_producer_at(&mut self, idx: usize) {
        self.producers[idx].run(&mut kinesis_client!(self));
    }

    /// Starts a KCL application (its lease table, and for fan-out its
    /// registered consumer); add workers to it with [`Simulation::with_kcl_application`].
    pub fn create_kcl_application(&mut self, config: KclConfig) -> Result<ApplicationId, EfoError> {
        let app = KclApp::start(&mut kinesis_client!(self), config)?;
        self.applications.push(app);
        Ok(ApplicationId(self.applications.len() as u32 - 1))
    }

    /// An application, to read its leases, workers and output.
    pub fn kcl_application(&self, id: ApplicationId) -> Option<&KclApp> {
        self.applications.get(id.0 as usize)
    }

    /// Runs `change` on an application at the simulation's clock, for the
    /// calls that need the time (adding, pausing or stopping a worker).
    pub fn with_kcl_application<R>(
        &mut self,
        id: ApplicationId,
        change: impl FnOnce(&mut KclApp, Instant) -> R,
    ) -> Option<R> {
        let now = self.now;
        Some(change(self.applications.get_mut(id.0 as usize)?, now))
    }

    pub(crate) fn tick_application_at(&mut self, idx: usize) {
        self.applications[idx].run(&mut kinesis_client!(self));
    }
}
