//! The lease table: the KCL's DynamoDB table, one row per shard.
//!
//! Every write the KCL makes to its lease table is conditional on the row's
//! `leaseCounter` (and, for checkpoints, its `leaseOwner`), and bumps the
//! counter. That is what makes leases safe without a lock service: a worker
//! that was paused or partitioned writes with a stale counter and is refused.
//! This module holds the rows and those conditional writes; which worker
//! calls them, and when, is decided in `mod.rs`.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

use crate::kinesis::stream::ShardId;
use crate::sequence::SequenceNumber;
use crate::time::Instant;

mod snapshot_v1;

pub(super) use snapshot_v1::LeaseTableV1;

/// Identifies a worker (a KCL `Scheduler`/`Worker` instance) within one application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct WorkerId(pub u32);

impl fmt::Display for WorkerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "worker-{}", self.0)
    }
}

/// A lease's `checkpoint` (with `checkpointSubSequenceNumber`): where the
/// next owner of the shard starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Checkpoint {
    /// `TRIM_HORIZON`: no checkpoint yet; start at the oldest record.
    TrimHorizon,
    /// `LATEST`: no checkpoint yet; start after the newest record.
    Latest,
    /// Every user record up to and including this one has been processed.
    At {
        /// The Kinesis record.
        sequence_number: SequenceNumber,
        /// The user record within it (0 unless it was KPL-aggregated).
        sub_sequence_number: u64,
    },
    /// `SHARD_END`: the shard is closed and every record in it was processed.
    ShardEnd,
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Checkpoint::TrimHorizon => f.write_str("TRIM_HORIZON"),
            Checkpoint::Latest => f.write_str("LATEST"),
            Checkpoint::At { sequence_number, sub_sequence_number } => {
                write!(f, "{sequence_number}/{sub_sequence_number}")
            }
            Checkpoint::ShardEnd => f.write_str("SHARD_END"),
        }
    }
}

/// One row of the lease table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// `leaseKey`: the shard id.
    pub lease_key: ShardId,
    /// `leaseOwner`: `None` until a worker takes the lease, and again once it
    /// is released (graceful shutdown, shard end).
    pub lease_owner: Option<WorkerId>,
    /// `leaseCounter`: bumped by every write; the condition of every write.
    pub lease_counter: u64,
    /// `checkpoint` and `checkpointSubSequenceNumber`.
    pub checkpoint: Checkpoint,
    /// `pendingCheckpoint`: set by a two-phase checkpoint's prepare step,
    /// cleared by the checkpoint itself.
    pub pending_checkpoint: Option<Checkpoint>,
    /// `ownerSwitchesSinceCheckpoint`: a rising value flags a shard that
    /// changes hands without making progress.
    pub owner_switches_since_checkpoint: u64,
    /// `parentShardId`: the parents, whose leases must reach `SHARD_END`
    /// before this shard is processed.
    pub parent_shard_ids: Vec<ShardId>,
    /// When the counter last changed, as the simulation knows it, for display.
    /// DynamoDB has no such attribute and no worker reads it: each worker's
    /// lease taker judges expiry from the counters it saw at its own scans
    /// (see `TakerView` in `mod.rs`).
    pub last_renewal: Instant,
}

impl Lease {
    /// Whether the shard is done and its lease is no longer worked on.
    pub(crate) fn is_finished(&self) -> bool {
        self.checkpoint == Checkpoint::ShardEnd
    }
}

/// The rows, by shard.
#[derive(Clone, Debug, Default)]
pub(crate) struct LeaseTable {
    rows: BTreeMap<ShardId, Lease>,
}

impl LeaseTable {
    pub(crate) fn get(&self, shard: ShardId) -> Option<&Lease> {
        self.rows.get(&shard)
    }

    pub(crate) fn rows(&self) -> impl Iterator<Item = &Lease> {
        self.rows.values()
    }

    /// `createLeaseIfNotExists`: a new, unowned row.
    pub(crate) fn create_if_absent(&mut self, now: Instant, shard: ShardId, parents: Vec<ShardId>, start: Checkpoint) {
        self.rows.entry(shard).or_insert(Lease {
            lease_key: shard,
            lease_owner: None,
            lease_counter: 0,
            checkpoint: start,
            pending_checkpoint: None,
            owner_switches_since_checkpoint: 0,
            parent_shard_ids: parents,
            last_renewal: now,
        });
    }

    /// `takeLease`: conditional on the counter the taker read. Returns the
    /// new counter and the previous owner.
    pub(crate) fn take(
        &mut self,
        now: Instant,
        shard: ShardId,
        expected_counter: u64,
        worker: WorkerId,
    ) -> Option<(u64, Option<WorkerId>)> {
        let lease = self.rows.get_mut(&shard).filter(|l| l.lease_counter == expected_counter)?;
        let previous = lease.lease_owner;
        if previous != Some(worker) {
            lease.owner_switches_since_checkpoint += 1;
        }
        lease.lease_owner = Some(worker);
        lease.lease_counter += 1;
        lease.last_renewal = now;
        Some((lease.lease_counter, previous))
    }

    /// The row if `worker` still owns it at `counter`: the condition of a
    /// renewal, a checkpoint and a release.
    fn held_mut(&mut self, shard: ShardId, worker: WorkerId, counter: u64) -> Option<&mut Lease> {
        self.rows.get_mut(&shard).filter(|l| l.lease_owner == Some(worker) && l.lease_counter == counter)
    }

    /// `renewLease`: the new counter, or `None` if the lease was lost.
    pub(crate) fn renew(&mut self, now: Instant, shard: ShardId, worker: WorkerId, counter: u64) -> Option<u64> {
        let lease = self.held_mut(shard, worker, counter)?;
        lease.lease_counter += 1;
        lease.last_renewal = now;
        Some(lease.lease_counter)
    }

    /// `checkpoint`: the new counter, or `None` if the lease was lost (the
    /// KCL's `ShutdownException`).
    pub(crate) fn checkpoint(
        &mut self,
        now: Instant,
        shard: ShardId,
        worker: WorkerId,
        counter: u64,
        checkpoint: Checkpoint,
    ) -> Option<u64> {
        let lease = self.held_mut(shard, worker, counter)?;
        lease.checkpoint = checkpoint;
        lease.pending_checkpoint = None;
        lease.owner_switches_since_checkpoint = 0;
        lease.lease_counter += 1;
        lease.last_renewal = now;
        Some(lease.lease_counter)
    }

    /// `prepareCheckpoint`: records where the processor is about to
    /// checkpoint, so a new owner can see a checkpoint that did not finish.
    pub(crate) fn prepare_checkpoint(
        &mut self,
        now: Instant,
        shard: ShardId,
        worker: WorkerId,
        counter: u64,
        pending: Checkpoint,
    ) -> Option<u64> {
        let lease = self.held_mut(shard, worker, counter)?;
        lease.pending_checkpoint = Some(pending);
        lease.lease_counter += 1;
        lease.last_renewal = now;
        Some(lease.lease_counter)
    }

    /// `evictLease`: gives the lease up, so any worker may take it at once.
    pub(crate) fn release(&mut self, now: Instant, shard: ShardId, worker: WorkerId, counter: u64) {
        if let Some(lease) = self.held_mut(shard, worker, counter) {
            lease.lease_owner = None;
            lease.lease_counter += 1;
            lease.last_renewal = now;
        }
    }
}
