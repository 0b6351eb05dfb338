//! The Kinesis Data Streams service: streams, shards and their records,
//! throttling, metrics, cost, encryption, resharding and enhanced fan-out.
//!
//! [`Kinesis`] owns that state and nothing else. Its operations (in
//! `ops_streams.rs`, `ops_records.rs`, `ops_efo.rs`, `ops_security.rs` and
//! `reshard.rs`, as further `impl Kinesis` blocks) are told when they run and
//! who calls them ([`Call`]); they never read a clock or an ambient identity.
//! The applications that use streams (polling consumers, Lambda mappings,
//! Firehose, the KCL, the KPL, generators) hold no `Kinesis`: they are lent a
//! [`KinesisClient`], which offers exactly the calls a real client makes.

mod client;
pub(crate) mod ops_efo;
pub(crate) mod ops_records;
pub(crate) mod ops_security;
pub(crate) mod ops_streams;
pub(crate) mod reshard;
pub(crate) mod snapshot_v1;
pub(crate) mod stream;
pub(crate) mod telemetry;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;

pub(crate) use client::KinesisClient;
pub(crate) use snapshot_v1::{KinesisV1, RecordV1};

use crate::error::NotFound;
use crate::iterator::IteratorKey;
use crate::kinesis::stream::{Change, Stream, StreamStatus};
use crate::metrics::MetricStore;
use crate::policy::{AccessDenied, Caller};
use crate::time::Instant;

/// When a call runs and who makes it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Call<'a> {
    pub(crate) now: Instant,
    pub(crate) caller: Caller<'a>,
}

impl Call<'_> {
    /// Checks that the caller may perform `action` on `resource`.
    pub(crate) fn authorize(&self, action: &str, resource: &str) -> Result<(), AccessDenied> {
        self.caller.authorize(action, resource)
    }

    /// Checks that the caller may perform `action` on stream `stream_name`.
    /// The stream's ARN is written only when a policy must judge it: the
    /// data-plane calls run often, and mostly as the account.
    pub(crate) fn authorize_on_stream(&self, action: &str, stream_name: &str) -> Result<(), AccessDenied> {
        if self.caller.is_account() {
            return Ok(());
        }
        self.authorize(action, &crate::stream_arn(stream_name))
    }
}

/// The state of the Kinesis service in one account and region.
#[derive(Clone, Debug)]
pub(crate) struct Kinesis {
    streams: BTreeMap<String, Stream>,
    /// The secret shard iterators are sealed with (`iterator.rs`).
    iterator_key: IteratorKey,
    /// Until when unsealed iterators are read: set, to the restored clock,
    /// only in a simulation restored from a snapshot taken before sealing,
    /// whose clients hold unsealed iterators.
    unsealed_iterators_until: Option<Instant>,
    /// The serial the next stream created gets (`sequence::StreamSerial`).
    next_stream_serial: crate::sequence::StreamSerial,
    /// CloudWatch-style metrics of every stream.
    metrics: MetricStore,
    /// Open enhanced fan-out subscriptions.
    subscriptions: alloc::vec::Vec<crate::kinesis::ops_efo::Subscription>,
    next_subscription_id: u32,
}

impl Kinesis {
    /// No streams, with iterators sealed by `iterator_key`.
    pub(crate) fn new(iterator_key: IteratorKey) -> Kinesis {
        Kinesis {
            streams: BTreeMap::new(),
            iterator_key,
            unsealed_iterators_until: None,
            next_stream_serial: 0,
            metrics: MetricStore::new(),
            subscriptions: alloc::vec::Vec::new(),
            next_subscription_id: 0,
        }
    }

    /// Every stream, in name order, read-only: outside the service a
    /// stream is read through its methods, never changed.
    pub(crate) fn streams(&self) -> impl Iterator<Item = &Stream> + '_ {
        self.streams.values()
    }

    /// Stream `name`, read-only, in whatever state it is.
    pub(crate) fn stream(&self, name: &str) -> Option<&Stream> {
        self.streams.get(name)
    }

    /// The metrics of every stream.
    pub(crate) fn metrics(&self) -> &MetricStore {
        &self.metrics
    }

    /// Whether a restored service could have been reached through its
    /// operations, as far as a snapshot can say: the account's limits, each
    /// stream's records and invariants, its bill, its metrics and its
    /// fan-out subscriptions, none of them after the clock (`now`).
    pub(crate) fn check_restored(&self, now: Instant) -> Result<(), String> {
        // The API refuses to open more shards than the account limit, and
        // the page draws every open shard.
        let open: u64 = self.streams.values().map(|s| u64::from(s.open_shard_count())).sum();
        if open > u64::from(crate::limits::ACCOUNT_SHARD_LIMIT) {
            return Err(format!(
                "it has {open} open shards, more than the account limit of {}",
                crate::limits::ACCOUNT_SHARD_LIMIT
            ));
        }
        let on_demand = self.streams.values().filter(|s| s.mode == crate::CapacityMode::OnDemand).count();
        if on_demand > crate::limits::ON_DEMAND_STREAM_COUNT_LIMIT as usize {
            return Err(format!("it has {on_demand} on-demand streams"));
        }
        for (name, stream) in &self.streams {
            if *name != stream.name {
                return Err(format!("stream {} is filed under the name {name}", stream.name));
            }
            // Before `check_invariants`, which reads records' hash keys out
            // of their bytes: this one checks that the bytes hold them.
            stream.check_restored(now)?;
            stream.check_invariants()?;
            if stream.cost.last_accrual() > now {
                return Err(format!("stream {name} was billed up to a time after the clock"));
            }
        }
        self.metrics.check_invariants().map_err(|err| format!("its metrics are damaged: {err}"))?;
        if self.metrics.newest_second() > now.epoch_millis() / 1000 {
            return Err("it has metrics from after its clock".into());
        }
        for subscription in &self.subscriptions {
            subscription.check_restored(now)?;
        }
        Ok(())
    }

    /// The stream, if it exists and is not being created or deleted: what
    /// the data-plane operations (and most others) may touch.
    pub(crate) fn usable_stream(&self, name: &str) -> Result<&Stream, NotFound> {
        self.streams.get(name).filter(|s| s.status.is_usable()).ok_or_else(|| NotFound::Stream(name.into()))
    }

    pub(crate) fn usable_stream_mut(&mut self, name: &str) -> Result<&mut Stream, NotFound> {
        self.streams.get_mut(name).filter(|s| s.status.is_usable()).ok_or_else(|| NotFound::Stream(name.into()))
    }

    /// When each stream's pending change lands, with the stream's name.
    pub(crate) fn pending_changes(&self) -> impl Iterator<Item = (Instant, &str)> + '_ {
        self.streams.values().filter_map(|s| Some((s.pending.as_ref()?.due, s.name.as_str())))
    }

    /// Whether no stream has metric samples waiting and no registered
    /// consumer is waiting to change state: the per-second flush has
    /// nothing to do.
    pub(crate) fn is_quiet(&self) -> bool {
        self.streams.values().all(|s| s.tally.is_empty() && s.consumers.iter().all(|c| c.status_due.is_none()))
    }

    /// Whether any stream is on demand: the per-minute scaler has work.
    pub(crate) fn has_on_demand_streams(&self) -> bool {
        self.streams.values().any(|s| s.mode == crate::CapacityMode::OnDemand)
    }

    /// Drops what the retention period no longer keeps, as of `now`.
    pub(crate) fn trim(&mut self, now: Instant) {
        for stream in self.streams.values_mut() {
            stream.trim(now);
        }
    }

    /// Lands the change `name` began, which is due now: the one place a
    /// stream change lands.
    pub(crate) fn land_stream_change(&mut self, now: Instant, name: &str) {
        let Some(stream) = self.streams.get_mut(name) else { return };
        let Some(pending) = stream.pending.take() else { return };
        stream.accrue_cost(now);
        match pending.change {
            Change::Activate => stream.status = StreamStatus::Active,
            Change::Remove => {
                self.streams.remove(name);
                return;
            }
            Change::Reshard(step) => {
                crate::kinesis::reshard::apply(stream, now, &step);
                stream.status = StreamStatus::Active;
            }
            Change::SwitchMode(mode) => {
                stream.mode = mode;
                stream.status = StreamStatus::Active;
            }
            Change::SetEncryption(key) => {
                stream.set_encryption(key);
                stream.status = StreamStatus::Active;
            }
        }
        stream.debug_check_invariants();
    }
}
