//! What the simulation measures about itself: CloudWatch-style metrics, the
//! cost meter, and the on-demand scaler that acts on the metrics.
//!
//! Operations add to a per-stream [`Tally`] for the current simulated second
//! (a few additions, no allocation on the hot path). When the clock leaves
//! that second, [`Simulation::advance`] flushes the tally into the
//! [`MetricStore`]: one sample per series per second, summed (or, for
//! iterator age, the maximum). So a metric's `Sum` over a period is exact,
//! and its `SampleCount` counts the seconds that had activity rather than
//! the API calls, as CloudWatch would.
//!
//! ## On-demand scaling model
//! AWS says an on-demand stream accommodates up to double its previous peak
//! write throughput and scales out as traffic grows. The simulation checks
//! every on-demand stream at each whole minute: it takes the peak one-second
//! demand of the last minute (records written plus records throttled, and
//! their bytes) and, if twice that needs more shards than are open (at
//! 1 MiB/s and 1,000 records/s each, never fewer than four), scales the
//! stream uniformly towards that count, at most doubling per step. The stream
//! stays `ACTIVE`: on-demand scaling is the service's business, not an
//! `UpdateShardCount` call. Scaling in is not modelled.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

use crate::cost::{CapacityMode, CostMeter};
use crate::hash::HashKeyRange;
use crate::kinesis::Kinesis;
use crate::kinesis::stream::{ShardId, Stream};
use crate::limits::{ON_DEMAND_INITIAL_SHARDS, SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC};
use crate::metrics::{Dimensions, DimensionsRef, MetricName, MetricStore};
use crate::time::{Duration, Instant};

/// How a tallied value combines within a second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Combine {
    Sum,
    Max,
}

/// Which dimensions a tallied sample belongs under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    Stream,
    Shard(ShardId),
    /// An enhanced fan-out consumer, by name.
    Consumer(String),
}

impl From<Option<ShardId>> for Scope {
    fn from(shard: Option<ShardId>) -> Scope {
        shard.map_or(Scope::Stream, Scope::Shard)
    }
}

/// Samples gathered during one simulated second, before they reach the store.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Tally {
    pub(super) second: u64,
    // Few distinct series are touched in a second, so a linear scan beats a map.
    pub(super) entries: Vec<(MetricName, Scope, Combine, f64)>,
}

impl Tally {
    /// An empty tally for the second `now` falls in.
    pub(crate) fn starting(now: Instant) -> Tally {
        Tally { second: now.epoch_millis() / 1000, entries: Vec::new() }
    }

    /// Whether the tally can be the one the clock is in, checked on a
    /// restored snapshot: one with samples belongs to the clock's own second
    /// (it is flushed before the clock leaves its second, see [`Tally::at`]);
    /// an empty one may still carry an earlier second, never a later one.
    pub(crate) fn fits_clock(&self, now: Instant) -> bool {
        let second = now.epoch_millis() / 1000;
        if self.entries.is_empty() { self.second <= second } else { self.second == second }
    }

    /// The tally for the second `now` falls in. The clock can skip quiet
    /// seconds without flushing, so an empty tally may still be labelled
    /// with an earlier second; it is relabelled here. A tally with samples
    /// is always flushed before the clock leaves its second.
    pub(crate) fn at(&mut self, now: Instant) -> &mut Tally {
        let second = now.epoch_millis() / 1000;
        if self.entries.is_empty() {
            self.second = second;
        }
        debug_assert_eq!(self.second, second, "a tally with samples outlived its second");
        self
    }

    /// Whether nothing has been tallied this second.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn add_with(&mut self, metric: MetricName, scope: Scope, combine: Combine, value: f64) {
        match self.entries.iter_mut().find(|(m, s, _, _)| *m == metric && *s == scope) {
            Some(entry) => match combine {
                Combine::Sum => entry.3 += value,
                Combine::Max => entry.3 = entry.3.max(value),
            },
            None => self.entries.push((metric, scope, combine, value)),
        }
    }

    /// Adds `value` to a stream-level (`shard` = `None`) or shard-level series.
    pub(crate) fn add(&mut self, metric: MetricName, shard: Option<ShardId>, value: f64) {
        self.add_with(metric, shard.into(), Combine::Sum, value);
    }

    /// Keeps the largest `value` seen this second.
    pub(crate) fn max(&mut self, metric: MetricName, shard: Option<ShardId>, value: f64) {
        self.add_with(metric, shard.into(), Combine::Max, value);
    }

    /// Records an enhanced fan-out event for `consumer`: its records, bytes
    /// and how far behind the tip it was.
    pub(crate) fn subscription_event(&mut self, consumer: &str, records: usize, bytes: u64, millis_behind: u64) {
        let scope = || Scope::Consumer(consumer.into());
        self.add_with(MetricName::SubscribeToShardEventRecords, scope(), Combine::Sum, records as f64);
        self.add_with(MetricName::SubscribeToShardEventBytes, scope(), Combine::Sum, bytes as f64);
        self.add_with(MetricName::SubscribeToShardEventMillisBehindLatest, scope(), Combine::Max, millis_behind as f64);
    }
}

/// The stream-level series a shard-level metric also feeds.
fn stream_level(metric: MetricName) -> Option<MetricName> {
    match metric {
        MetricName::IncomingBytes
        | MetricName::IncomingRecords
        | MetricName::WriteProvisionedThroughputExceeded
        | MetricName::ReadProvisionedThroughputExceeded => Some(metric),
        MetricName::OutgoingBytes => Some(MetricName::GetRecordsBytes),
        MetricName::OutgoingRecords => Some(MetricName::GetRecordsRecords),
        MetricName::IteratorAgeMilliseconds => Some(MetricName::GetRecordsIteratorAgeMilliseconds),
        _ => None,
    }
}

/// Moves a stream's tally for a past second into the store.
fn flush(stream: &mut Stream, store: &mut MetricStore, now: Instant) {
    let current = now.epoch_millis() / 1000;
    if stream.tally.second == current {
        return;
    }
    let tally = core::mem::replace(&mut stream.tally, Tally::starting(now));
    let at = Instant::from_epoch_millis(tally.second * 1000);
    let mut stream_totals = Tally::default();
    let stream_name = stream.name.as_str();
    let mut shard_id = String::new();
    for (metric, scope, combine, value) in &tally.entries {
        let dimensions = match scope {
            Scope::Stream => DimensionsRef::Stream { stream_name },
            Scope::Shard(id) => {
                shard_id.clear();
                write!(shard_id, "{id}").expect("a String takes any text");
                DimensionsRef::Shard { stream_name, shard_id: &shard_id }
            }
            Scope::Consumer(consumer_name) => DimensionsRef::Consumer { stream_name, consumer_name },
        };
        store.record_under(at, *metric, dimensions, *value);
        if let (Scope::Shard(_), Some(total)) = (scope, stream_level(*metric)) {
            stream_totals.add_with(total, Scope::Stream, *combine, *value);
        }
    }
    for (metric, _, _, value) in stream_totals.entries {
        store.record_under(at, metric, DimensionsRef::Stream { stream_name }, value);
    }
}

impl Stream {
    /// Charges the time since the last accrual at the configuration that
    /// held during it. Called before every configuration change.
    pub(crate) fn accrue_cost(&mut self, now: Instant) {
        self.cost = self.cost_until(now);
    }

    /// The meter as it would read once charged up to `now`.
    pub(crate) fn cost_until(&self, now: Instant) -> CostMeter {
        let mut meter = self.cost.clone();
        meter.accrue(now, self.mode, self.open_shard_count(), self.retention_hours(), self.active_consumer_count());
        meter
    }
}

impl Kinesis {
    /// Flushes finished seconds into the metric store, charges elapsed time,
    /// and lets on-demand streams scale: run by [`Simulation::advance`].
    pub(crate) fn measure(&mut self, now: Instant) {
        let Kinesis { streams, metrics, .. } = self;
        for stream in streams.values_mut() {
            flush(stream, metrics, now);
            stream.accrue_cost(now);
            stream.update_consumers(now);
        }
    }

    /// Scales every active on-demand stream to twice its recent peak demand.
    pub(crate) fn scale_on_demand_streams(&mut self, now: Instant) {
        let minute_ago = now.checked_sub(Duration::from_secs(60)).unwrap_or(now);
        let Kinesis { streams, metrics, .. } = self;
        for stream in streams.values_mut() {
            if stream.mode != CapacityMode::OnDemand || stream.status != crate::StreamStatus::Active {
                continue;
            }
            let dims = Dimensions::stream(&stream.name);
            let peak = |metric: MetricName| -> f64 {
                metrics
                    .series(metric, &dims, Duration::from_secs(1), minute_ago, now)
                    .iter()
                    .map(|d| d.sum)
                    .fold(0.0, f64::max)
            };
            let records = peak(MetricName::IncomingRecords) + peak(MetricName::WriteProvisionedThroughputExceeded);
            let bytes = peak(MetricName::IncomingBytes);
            // Counts and bytes are whole numbers, so integer division is exact.
            let needed = ((2 * records as u64).div_ceil(SHARD_WRITE_RECORDS_PER_SEC) as u32)
                .max((2 * bytes as u64).div_ceil(SHARD_WRITE_BYTES_PER_SEC) as u32)
                .max(ON_DEMAND_INITIAL_SHARDS);
            let open = stream.open_shard_count();
            if needed > open {
                stream.accrue_cost(now);
                crate::kinesis::reshard::apply(
                    stream,
                    now,
                    &crate::kinesis::reshard::Step::ScaleUniformly { target: needed.min(open * 2) },
                );
                stream.debug_check_invariants();
            }
        }
    }
}

/// The share of `source`'s hash keys that `target` owns too, 0.0 to 1.0.
pub(crate) fn share_within(source: HashKeyRange, target: HashKeyRange) -> f64 {
    let (start, end) = (source.start().max(target.start()), source.end().min(target.end()));
    if start > end {
        return 0.0;
    }
    // Counted as width less one: the whole key space, 2^128 keys, does not fit a u128.
    ((end.0 - start.0) as f64 + 1.0) / ((source.end().0 - source.start().0) as f64 + 1.0)
}
