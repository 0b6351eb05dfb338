//! CloudWatch metrics for the simulated streams, as the `AWS/Kinesis` namespace shows them.
//!
//! The simulation records one sample per event (a `PutRecord` call, a
//! throttled request, a `GetRecords` response) under the metric's exact
//! Kinesis name and its dimensions, and the UI asks for a series of
//! [`Datapoint`]s the way `GetMetricStatistics` returns them: `Sum`,
//! `Minimum`, `Maximum`, `SampleCount` and `Average` per period.
//!
//! Modelled:
//! - the metric names and units of the Kinesis Developer Guide's
//!   [metrics tables][kds-metrics];
//! - stream-level dimensions, shard-level ("enhanced") dimensions and the
//!   consumer dimension of enhanced fan-out metrics, each a separate series;
//! - period buckets aligned to multiples of the period since the epoch, so a
//!   60-second period starts on a whole minute, and a start time rounded down
//!   to that boundary, as [`GetMetricStatistics`][gms] does; the end time is
//!   exclusive, as there;
//! - periods without samples are left out rather than reported as zero, as
//!   CloudWatch does.
//!
//! Left out: percentiles, metric math, alarms and the coarser 5-minute and
//! 1-hour rollups CloudWatch keeps for older data. Real Kinesis metrics
//! arrive at one-minute resolution; the simulation stores one-second buckets
//! so that lessons can show a burst within a minute.
//!
//! Memory is bounded: one-second buckets older than [`RETENTION`] (three
//! hours, the retention CloudWatch gives data with a period under 60 seconds,
//! per [`GetMetricStatistics`][gms]) are dropped as time moves on.
//!
//! [kds-metrics]: https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html
//! [gms]: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html

use alloc::borrow::Borrow;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt;
use core::ops::Add;

use serde::{Deserialize, Serialize};

use crate::limits::{SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC};
use crate::time::{Duration, Instant};

/// How long one-second samples are kept after the newest sample.
pub const RETENTION: Duration = Duration::from_secs(3 * 60 * 60);

const RETENTION_SECS: u64 = RETENTION.as_millis() / 1000;

/// A metric in the `AWS/Kinesis` namespace.
///
/// Serialized, and printed by `Display`, under its CloudWatch name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MetricName {
    /// Bytes successfully put to the stream or shard.
    IncomingBytes,
    /// Records successfully put to the stream or shard.
    IncomingRecords,
    /// Successful `PutRecord` calls.
    #[serde(rename = "PutRecord.Success")]
    PutRecordSuccess,
    /// Bytes put with `PutRecord`.
    #[serde(rename = "PutRecord.Bytes")]
    PutRecordBytes,
    /// Successful `PutRecords` calls (at least one record in the batch succeeded).
    #[serde(rename = "PutRecords.Success")]
    PutRecordsSuccess,
    /// Bytes put with `PutRecords`.
    #[serde(rename = "PutRecords.Bytes")]
    PutRecordsBytes,
    /// Successful records in a `PutRecords` call. The developer guide lists
    /// this name as deprecated in favour of `PutRecords.SuccessfulRecords`;
    /// both are still published.
    #[serde(rename = "PutRecords.Records")]
    PutRecordsRecords,
    /// Records in a `PutRecords` call, successful or not.
    #[serde(rename = "PutRecords.TotalRecords")]
    PutRecordsTotalRecords,
    /// Successful records in a `PutRecords` call.
    #[serde(rename = "PutRecords.SuccessfulRecords")]
    PutRecordsSuccessfulRecords,
    /// Records a `PutRecords` call rejected for an internal failure.
    #[serde(rename = "PutRecords.FailedRecords")]
    PutRecordsFailedRecords,
    /// Records a `PutRecords` call rejected for throttling.
    #[serde(rename = "PutRecords.ThrottledRecords")]
    PutRecordsThrottledRecords,
    /// Records rejected because a shard's write budget was spent.
    WriteProvisionedThroughputExceeded,
    /// `GetRecords` calls throttled because a shard's read budget was spent.
    ReadProvisionedThroughputExceeded,
    /// Bytes returned by `GetRecords`.
    #[serde(rename = "GetRecords.Bytes")]
    GetRecordsBytes,
    /// Records returned by `GetRecords`.
    #[serde(rename = "GetRecords.Records")]
    GetRecordsRecords,
    /// Successful `GetRecords` calls.
    #[serde(rename = "GetRecords.Success")]
    GetRecordsSuccess,
    /// Age of the last record returned by `GetRecords` (stream level).
    #[serde(rename = "GetRecords.IteratorAgeMilliseconds")]
    GetRecordsIteratorAgeMilliseconds,
    /// How far an enhanced fan-out consumer's events trail the shard's tip.
    #[serde(rename = "SubscribeToShardEvent.MillisBehindLatest")]
    SubscribeToShardEventMillisBehindLatest,
    /// Records delivered in `SubscribeToShard` events.
    #[serde(rename = "SubscribeToShardEvent.Records")]
    SubscribeToShardEventRecords,
    /// Bytes delivered in `SubscribeToShard` events.
    #[serde(rename = "SubscribeToShardEvent.Bytes")]
    SubscribeToShardEventBytes,
    /// Bytes read from a shard (shard level).
    OutgoingBytes,
    /// Records read from a shard (shard level).
    OutgoingRecords,
    /// Age of the last record returned by `GetRecords` (shard level).
    IteratorAgeMilliseconds,
}

impl MetricName {
    /// Every metric, in declaration order, for pickers in the UI.
    pub const ALL: [MetricName; 23] = [
        MetricName::IncomingBytes,
        MetricName::IncomingRecords,
        MetricName::PutRecordSuccess,
        MetricName::PutRecordBytes,
        MetricName::PutRecordsSuccess,
        MetricName::PutRecordsBytes,
        MetricName::PutRecordsRecords,
        MetricName::PutRecordsTotalRecords,
        MetricName::PutRecordsSuccessfulRecords,
        MetricName::PutRecordsFailedRecords,
        MetricName::PutRecordsThrottledRecords,
        MetricName::WriteProvisionedThroughputExceeded,
        MetricName::ReadProvisionedThroughputExceeded,
        MetricName::GetRecordsBytes,
        MetricName::GetRecordsRecords,
        MetricName::GetRecordsSuccess,
        MetricName::GetRecordsIteratorAgeMilliseconds,
        MetricName::SubscribeToShardEventMillisBehindLatest,
        MetricName::SubscribeToShardEventRecords,
        MetricName::SubscribeToShardEventBytes,
        MetricName::OutgoingBytes,
        MetricName::OutgoingRecords,
        MetricName::IteratorAgeMilliseconds,
    ];

    /// The CloudWatch metric name.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricName::IncomingBytes => "IncomingBytes",
            MetricName::IncomingRecords => "IncomingRecords",
            MetricName::PutRecordSuccess => "PutRecord.Success",
            MetricName::PutRecordBytes => "PutRecord.Bytes",
            MetricName::PutRecordsSuccess => "PutRecords.Success",
            MetricName::PutRecordsBytes => "PutRecords.Bytes",
            MetricName::PutRecordsRecords => "PutRecords.Records",
            MetricName::PutRecordsTotalRecords => "PutRecords.TotalRecords",
            MetricName::PutRecordsSuccessfulRecords => "PutRecords.SuccessfulRecords",
            MetricName::PutRecordsFailedRecords => "PutRecords.FailedRecords",
            MetricName::PutRecordsThrottledRecords => "PutRecords.ThrottledRecords",
            MetricName::WriteProvisionedThroughputExceeded => "WriteProvisionedThroughputExceeded",
            MetricName::ReadProvisionedThroughputExceeded => "ReadProvisionedThroughputExceeded",
            MetricName::GetRecordsBytes => "GetRecords.Bytes",
            MetricName::GetRecordsRecords => "GetRecords.Records",
            MetricName::GetRecordsSuccess => "GetRecords.Success",
            MetricName::GetRecordsIteratorAgeMilliseconds => "GetRecords.IteratorAgeMilliseconds",
            MetricName::SubscribeToShardEventMillisBehindLatest => "SubscribeToShardEvent.MillisBehindLatest",
            MetricName::SubscribeToShardEventRecords => "SubscribeToShardEvent.Records",
            MetricName::SubscribeToShardEventBytes => "SubscribeToShardEvent.Bytes",
            MetricName::OutgoingBytes => "OutgoingBytes",
            MetricName::OutgoingRecords => "OutgoingRecords",
            MetricName::IteratorAgeMilliseconds => "IteratorAgeMilliseconds",
        }
    }

    /// The unit CloudWatch reports the metric in.
    pub fn unit(self) -> Unit {
        match self {
            MetricName::IncomingBytes
            | MetricName::PutRecordBytes
            | MetricName::PutRecordsBytes
            | MetricName::GetRecordsBytes
            | MetricName::SubscribeToShardEventBytes
            | MetricName::OutgoingBytes => Unit::Bytes,
            MetricName::GetRecordsIteratorAgeMilliseconds
            | MetricName::SubscribeToShardEventMillisBehindLatest
            | MetricName::IteratorAgeMilliseconds => Unit::Milliseconds,
            MetricName::IncomingRecords
            | MetricName::PutRecordSuccess
            | MetricName::PutRecordsSuccess
            | MetricName::PutRecordsRecords
            | MetricName::PutRecordsTotalRecords
            | MetricName::PutRecordsSuccessfulRecords
            | MetricName::PutRecordsFailedRecords
            | MetricName::PutRecordsThrottledRecords
            | MetricName::WriteProvisionedThroughputExceeded
            | MetricName::ReadProvisionedThroughputExceeded
            | MetricName::GetRecordsRecords
            | MetricName::GetRecordsSuccess
            | MetricName::SubscribeToShardEventRecords
            | MetricName::OutgoingRecords => Unit::Count,
        }
    }
}

impl fmt::Display for MetricName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CloudWatch unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// Bytes.
    Bytes,
    /// A count of calls or records.
    Count,
    /// Milliseconds.
    Milliseconds,
}

impl Unit {
    /// The CloudWatch unit name.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Bytes => "Bytes",
            Unit::Count => "Count",
            Unit::Milliseconds => "Milliseconds",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The dimensions a sample is recorded under. Each combination is its own
/// series: a stream-level series never includes shard-level samples.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Dimensions {
    /// `StreamName`: the basic, stream-level metrics.
    Stream {
        /// The stream's name.
        stream_name: String,
    },
    /// `StreamName` and `ShardId`: the enhanced, shard-level metrics.
    Shard {
        /// The stream's name.
        stream_name: String,
        /// The shard id as Kinesis prints it, `shardId-000000000000`.
        shard_id: String,
    },
    /// `StreamName` and `ConsumerName`: the enhanced fan-out metrics.
    Consumer {
        /// The stream's name.
        stream_name: String,
        /// The registered consumer's name.
        consumer_name: String,
    },
}

impl Dimensions {
    /// Stream-level dimensions.
    pub fn stream(stream_name: &str) -> Dimensions {
        Dimensions::Stream { stream_name: stream_name.into() }
    }

    /// Shard-level dimensions.
    pub fn shard(stream_name: &str, shard_id: &str) -> Dimensions {
        Dimensions::Shard { stream_name: stream_name.into(), shard_id: shard_id.into() }
    }

    /// Enhanced fan-out consumer dimensions.
    pub fn consumer(stream_name: &str, consumer_name: &str) -> Dimensions {
        Dimensions::Consumer { stream_name: stream_name.into(), consumer_name: consumer_name.into() }
    }

    fn as_ref(&self) -> DimensionsRef<'_> {
        match self {
            Dimensions::Stream { stream_name } => DimensionsRef::Stream { stream_name },
            Dimensions::Shard { stream_name, shard_id } => DimensionsRef::Shard { stream_name, shard_id },
            Dimensions::Consumer { stream_name, consumer_name } => {
                DimensionsRef::Consumer { stream_name, consumer_name }
            }
        }
    }
}

/// [`Dimensions`] borrowed, for finding a series without building its key:
/// the per-second flush records every series of every stream. Its variants
/// and fields are in `Dimensions`' order, so the two order alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DimensionsRef<'a> {
    Stream { stream_name: &'a str },
    Shard { stream_name: &'a str, shard_id: &'a str },
    Consumer { stream_name: &'a str, consumer_name: &'a str },
}

impl DimensionsRef<'_> {
    fn to_owned(self) -> Dimensions {
        match self {
            DimensionsRef::Stream { stream_name } => Dimensions::stream(stream_name),
            DimensionsRef::Shard { stream_name, shard_id } => Dimensions::shard(stream_name, shard_id),
            DimensionsRef::Consumer { stream_name, consumer_name } => Dimensions::consumer(stream_name, consumer_name),
        }
    }
}

/// A series' key, stored or borrowed for a lookup, ordered as the stored
/// `(MetricName, Dimensions)` orders (the standard library's way to look a
/// map up by a borrowed form of a compound key).
trait SeriesKey {
    fn parts(&self) -> (MetricName, DimensionsRef<'_>);
}

impl SeriesKey for (MetricName, Dimensions) {
    fn parts(&self) -> (MetricName, DimensionsRef<'_>) {
        (self.0, self.1.as_ref())
    }
}

impl SeriesKey for (MetricName, DimensionsRef<'_>) {
    fn parts(&self) -> (MetricName, DimensionsRef<'_>) {
        *self
    }
}

impl<'a> Borrow<dyn SeriesKey + 'a> for (MetricName, Dimensions) {
    fn borrow(&self) -> &(dyn SeriesKey + 'a) {
        self
    }
}

impl PartialEq for dyn SeriesKey + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn SeriesKey + '_ {}

impl PartialOrd for dyn SeriesKey + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn SeriesKey + '_ {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// One period's statistics, as `GetMetricStatistics` returns them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Datapoint {
    /// The start of the period.
    pub timestamp: Instant,
    /// The sum of the samples.
    pub sum: f64,
    /// The smallest sample.
    pub minimum: f64,
    /// The largest sample.
    pub maximum: f64,
    /// How many samples there were; never zero, since empty periods are left out.
    pub sample_count: u64,
    /// The metric's unit.
    pub unit: Unit,
}

impl Datapoint {
    /// The mean sample: `sum / sample_count`.
    pub fn average(&self) -> f64 {
        self.sum / self.sample_count as f64
    }
}

/// Writes accepted over a span of time, by a shard or into a range of hash
/// keys: what `IncomingBytes` and `IncomingRecords` sum to.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Writes {
    /// Bytes of data and partition keys.
    pub bytes: f64,
    /// Records.
    pub records: f64,
}

/// One of a shard's two write limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteLimit {
    /// 1 MiB of data and partition keys a second.
    Bytes,
    /// 1,000 records a second.
    Records,
}

impl Writes {
    /// How close these writes, spread over `span`, come to one shard's write
    /// limits (1.0 = at the limit), and which limit that is: a shard refuses
    /// writes once either limit is spent, so the nearer one is its load.
    /// Bytes on a tie, which is also what an idle shard reports.
    ///
    /// # Panics
    /// If `span` is zero.
    pub fn load(self, span: Duration) -> (f64, WriteLimit) {
        assert!(span.as_millis() > 0, "a load over no time");
        let secs = span.as_millis() as f64 / 1000.0;
        let bytes = self.bytes / (SHARD_WRITE_BYTES_PER_SEC as f64 * secs);
        let records = self.records / (SHARD_WRITE_RECORDS_PER_SEC as f64 * secs);
        if records > bytes { (records, WriteLimit::Records) } else { (bytes, WriteLimit::Bytes) }
    }

    /// `share` of these writes, 0.0 to 1.0.
    pub(crate) fn scaled(self, share: f64) -> Writes {
        Writes { bytes: self.bytes * share, records: self.records * share }
    }
}

impl Add for Writes {
    type Output = Writes;
    fn add(self, other: Writes) -> Writes {
        Writes { bytes: self.bytes + other.bytes, records: self.records + other.records }
    }
}

/// The statistics of the samples in one bucket.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Stats {
    sum: f64,
    min: f64,
    max: f64,
    // Invariant: at least 1; a bucket exists only once a sample lands in it.
    count: u64,
}

impl Stats {
    fn one(value: f64) -> Stats {
        Stats { sum: value, min: value, max: value, count: 1 }
    }

    fn merge(&mut self, other: Stats) {
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.count += other.count;
    }
}

/// One series' one-second buckets, keyed by whole seconds since the epoch,
/// in blocks of a minute. Only the current minute's block changes; older
/// blocks are shared between clones of the store, so that the playground's
/// saved states do not each copy hours of metrics.
#[derive(Clone, Debug, Default, PartialEq)]
struct Series(BTreeMap<u64, Arc<BTreeMap<u64, Stats>>>);

impl Series {
    fn add(&mut self, second: u64, stats: Stats) {
        let block = Arc::make_mut(self.0.entry(second / 60).or_default());
        match block.get_mut(&second) {
            Some(existing) => existing.merge(stats),
            None => {
                block.insert(second, stats);
            }
        }
    }

    /// The buckets from `start` to `end` inclusive, oldest first.
    fn range(&self, start: u64, end: u64) -> impl Iterator<Item = (u64, Stats)> + '_ {
        self.0
            .range(start / 60..=end / 60)
            .flat_map(move |(_, block)| block.range(start..=end).map(|(&s, &st)| (s, st)))
    }

    fn iter(&self) -> impl Iterator<Item = (u64, Stats)> + '_ {
        self.0.values().flat_map(|block| block.iter().map(|(&s, &st)| (s, st)))
    }

    /// Drops the buckets before `oldest`.
    ///
    /// Runs for every series each simulated second, so it looks at the
    /// oldest block alone: a day holds 1,440 blocks of a minute.
    fn prune(&mut self, oldest: u64) {
        if self.first_and_last().is_none_or(|(first, _)| first >= oldest) {
            return;
        }
        self.0 = self.0.split_off(&(oldest / 60));
        if let Some(mut first) = self.0.first_entry()
            && first.get().first_key_value().is_some_and(|(&second, _)| second < oldest)
        {
            // Once the window is full this runs every second, for a second or two.
            let block = Arc::make_mut(first.get_mut());
            while block.first_key_value().is_some_and(|(&second, _)| second < oldest) {
                block.pop_first();
            }
            if block.is_empty() {
                first.remove();
            }
        }
    }

    fn bucket_count(&self) -> usize {
        self.0.values().map(|block| block.len()).sum()
    }

    fn first_and_last(&self) -> Option<(u64, u64)> {
        let first = *self.0.values().next()?.first_key_value()?.0;
        let last = *self.0.values().next_back()?.last_key_value()?.0;
        Some((first, last))
    }
}

/// Every recorded series, in one-second buckets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricStore {
    // Invariant: every bucket lies in the retention window ending at
    // `newest_second`, and no series (nor block of one) is empty.
    series: BTreeMap<(MetricName, Dimensions), Series>,
    // The second of the newest sample recorded; 0 before any.
    newest_second: u64,
}

impl MetricStore {
    /// An empty store.
    pub fn new() -> MetricStore {
        MetricStore::default()
    }

    /// Records one sample of `metric` at `now`.
    ///
    /// When `now` enters a new second, buckets that have fallen out of the
    /// retention window are dropped from every series. A sample that is
    /// itself older than the window is dropped too.
    pub fn record(&mut self, now: Instant, metric: MetricName, dimensions: Dimensions, value: f64) {
        self.record_under(now, metric, dimensions.as_ref(), value);
    }

    /// [`MetricStore::record`], with the dimensions borrowed: their key is
    /// built only for a series' first sample.
    pub(crate) fn record_under(&mut self, now: Instant, metric: MetricName, dimensions: DimensionsRef<'_>, value: f64) {
        let second = now.epoch_millis() / 1000;
        if second > self.newest_second {
            self.newest_second = second;
            self.prune();
        }
        if second >= self.oldest_kept_second() {
            let stats = Stats::one(value);
            match self.series.get_mut(&(metric, dimensions) as &dyn SeriesKey) {
                Some(series) => series.add(second, stats),
                None => self.series.entry((metric, dimensions.to_owned())).or_default().add(second, stats),
            }
        }
        self.debug_check_invariants();
    }

    /// The statistics of `metric` under `dimensions`, one [`Datapoint`] per
    /// `period` that has samples, oldest first.
    ///
    /// `from` is rounded down to a multiple of `period` since the epoch, so a
    /// 60-second period starts on a whole minute; `to` is exclusive. Only
    /// samples still within [`RETENTION`] are seen.
    ///
    /// # Panics
    /// If `period` is not a positive whole number of seconds.
    pub fn series(
        &self,
        metric: MetricName,
        dimensions: &Dimensions,
        period: Duration,
        from: Instant,
        to: Instant,
    ) -> Vec<Datapoint> {
        let period_ms = period.as_millis();
        assert!(period_ms > 0 && period_ms.is_multiple_of(1000), "period must be whole seconds, got {period_ms} ms");
        let period_secs = period_ms / 1000;
        let start = from.epoch_millis() / 1000 / period_secs * period_secs;
        // The last second that starts before `to`.
        let Some(end) = to.epoch_millis().div_ceil(1000).checked_sub(1) else { return Vec::new() };
        let Some(buckets) = self.series.get(&(metric, dimensions.as_ref()) as &dyn SeriesKey) else {
            return Vec::new();
        };
        if end < start {
            return Vec::new();
        }

        let mut periods: Vec<(u64, Stats)> = Vec::new();
        for (second, stats) in buckets.range(start, end) {
            let period_start = second / period_secs * period_secs;
            match periods.last_mut() {
                Some((last_start, last)) if *last_start == period_start => last.merge(stats),
                _ => periods.push((period_start, stats)),
            }
        }
        periods
            .into_iter()
            .map(|(period_start, stats)| Datapoint {
                timestamp: Instant::from_epoch_millis(period_start * 1000),
                sum: stats.sum,
                minimum: stats.min,
                maximum: stats.max,
                sample_count: stats.count,
                unit: metric.unit(),
            })
            .collect()
    }

    /// How many one-second buckets are held across all series; bounded by
    /// the number of series times the seconds in [`RETENTION`].
    pub fn bucket_count(&self) -> usize {
        self.series.values().map(Series::bucket_count).sum()
    }

    fn oldest_kept_second(&self) -> u64 {
        self.newest_second.saturating_add(1).saturating_sub(RETENTION_SECS)
    }

    fn prune(&mut self) {
        let oldest = self.oldest_kept_second();
        for buckets in self.series.values_mut() {
            buckets.prune(oldest);
        }
        self.series.retain(|_, buckets| buckets.first_and_last().is_some());
    }

    fn debug_check_invariants(&self) {
        if cfg!(debug_assertions)
            && let Err(broken) = self.check_invariants()
        {
            panic!("{broken}");
        }
    }

    /// Every series non-empty and within the retention window ending at
    /// `newest_second`; checked in release builds too on restored snapshots.
    pub(crate) fn check_invariants(&self) -> Result<(), alloc::string::String> {
        let oldest = self.oldest_kept_second();
        for ((metric, dimensions), buckets) in &self.series {
            let Some((first, last)) = buckets.first_and_last() else {
                return Err(alloc::format!("empty series metric={metric} dimensions={dimensions:?}"));
            };
            if !buckets.0.values().all(|block| !block.is_empty()) {
                return Err(alloc::format!("empty block metric={metric}"));
            }
            if !(oldest <= first && last <= self.newest_second) {
                return Err(alloc::format!(
                    "bucket outside retention metric={metric} first={first} last={last} newest={}",
                    self.newest_second
                ));
            }
        }
        Ok(())
    }

    /// The newest second measured: never after the clock.
    pub(crate) fn newest_second(&self) -> u64 {
        self.newest_second
    }
}

/// A [`MetricStore`] as version 1 of the snapshot format holds it: a list
/// of series, since JSON object keys must be strings.
#[derive(Serialize, Deserialize)]
pub(crate) struct MetricStoreV1 {
    newest_second: u64,
    series: Vec<SeriesV1>,
}

#[derive(Serialize, Deserialize)]
struct SeriesV1 {
    metric: MetricName,
    dimensions: Dimensions,
    buckets: Vec<(u64, StatsV1)>,
}

#[derive(Serialize, Deserialize)]
struct StatsV1 {
    sum: f64,
    min: f64,
    max: f64,
    count: u64,
}

impl From<MetricStore> for MetricStoreV1 {
    fn from(store: MetricStore) -> MetricStoreV1 {
        let MetricStore { series, newest_second } = store;
        let stats = |(second, Stats { sum, min, max, count })| (second, StatsV1 { sum, min, max, count });
        let series = series
            .into_iter()
            .map(|((metric, dimensions), buckets)| SeriesV1 {
                metric,
                dimensions,
                buckets: buckets.iter().map(stats).collect(),
            })
            .collect();
        MetricStoreV1 { newest_second, series }
    }
}

impl From<MetricStoreV1> for MetricStore {
    fn from(v1: MetricStoreV1) -> MetricStore {
        let MetricStoreV1 { newest_second, series } = v1;
        let mut store = MetricStore { series: BTreeMap::new(), newest_second };
        for SeriesV1 { metric, dimensions, buckets } in series {
            let series = store.series.entry((metric, dimensions)).or_default();
            for (second, StatsV1 { sum, min, max, count }) in buckets {
                series.add(second, Stats { sum, min, max, count });
            }
        }
        // A hand-edited snapshot could hold stale or empty series; pruning restores the invariant.
        store.prune();
        store
    }
}

/// The state of a CloudWatch alarm on one statistic of a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlarmState {
    /// The last `evaluation_periods` periods all breached the threshold.
    #[serde(rename = "ALARM")]
    Alarm,
    /// At least one of them did not.
    #[serde(rename = "OK")]
    Ok,
    /// Fewer periods have data than the alarm evaluates.
    #[serde(rename = "INSUFFICIENT_DATA")]
    InsufficientData,
}

/// A CloudWatch alarm `GreaterThanOrEqualToThreshold` on the `Sum` (or
/// `Maximum`, for ages) of consecutive periods, evaluated as CloudWatch
/// does with missing data treated as missing: over the last
/// `evaluation_periods` periods up to `now`, each with `period` length.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    /// The value a period's statistic must reach to breach.
    pub threshold: f64,
    /// How many periods are evaluated; all must breach (`DatapointsToAlarm` = this).
    pub evaluation_periods: u32,
    /// Whether the statistic is the `Maximum` rather than the `Sum`.
    pub use_maximum: bool,
}

impl Alarm {
    /// The alarm's state given a series' datapoints, oldest first, where the
    /// newest complete period ends at `newest_period_start + period`.
    pub fn evaluate(&self, datapoints: &[Datapoint], newest_period_start: Instant, period: Duration) -> AlarmState {
        let n = self.evaluation_periods.max(1) as u64;
        let statistic = |d: &Datapoint| if self.use_maximum { d.maximum } else { d.sum };
        let mut breaching = 0;
        for back in 0..n {
            let Some(start) = newest_period_start.checked_sub(Duration::from_millis(period.as_millis() * back)) else {
                return AlarmState::InsufficientData;
            };
            match datapoints.iter().find(|d| d.timestamp == start) {
                None => return AlarmState::InsufficientData,
                Some(d) if statistic(d) >= self.threshold => breaching += 1,
                Some(_) => {}
            }
        }
        if breaching == n { AlarmState::Alarm } else { AlarmState::Ok }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn alarms_need_every_evaluated_period_to_breach() {
        let at = |secs: u64| Instant::SIMULATION_START + Duration::from_secs(secs);
        let point = |secs: u64, sum: f64| Datapoint {
            timestamp: at(secs),
            sum,
            minimum: sum,
            maximum: sum,
            sample_count: 1,
            unit: Unit::Count,
        };
        let series = [point(0, 5.0), point(1, 12.0), point(2, 15.0)];
        let alarm = |threshold, evaluation_periods| Alarm { threshold, evaluation_periods, use_maximum: false };
        let second = Duration::from_secs(1);
        let cases = [
            (alarm(10.0, 2), at(2), AlarmState::Alarm),
            (alarm(10.0, 3), at(2), AlarmState::Ok),
            (alarm(16.0, 1), at(2), AlarmState::Ok),
            (alarm(10.0, 2), at(3), AlarmState::InsufficientData),
            (alarm(1.0, 4), at(2), AlarmState::InsufficientData),
        ];
        for (alarm, newest, state) in cases {
            assert_eq!(alarm.evaluate(&series, newest, second), state, "{alarm:?} at {newest}");
        }
    }

    use super::*;

    #[test]
    fn a_clone_shares_every_minute_but_the_current_one() {
        let mut store = MetricStore::new();
        let dims = Dimensions::stream("s");
        for second in 0..600 {
            let now = Instant::SIMULATION_START + Duration::from_secs(second);
            store.record(now, MetricName::IncomingRecords, dims.clone(), 1.0);
        }
        let saved = store.clone();
        let key = (MetricName::IncomingRecords, dims.clone());
        let shared = |a: &MetricStore, b: &MetricStore| {
            a.series[&key].0.values().zip(b.series[&key].0.values()).filter(|(x, y)| Arc::ptr_eq(x, y)).count()
        };
        assert_eq!(shared(&store, &saved), 10, "ten minutes, all shared");
        store.record(
            Instant::SIMULATION_START + Duration::from_secs(599),
            MetricName::IncomingRecords,
            dims.clone(),
            1.0,
        );
        assert_eq!(shared(&store, &saved), 9, "writing copies only the current minute");
        let later = Instant::SIMULATION_START + Duration::from_secs(599);
        let sum = |s: &MetricStore| {
            s.series(
                MetricName::IncomingRecords,
                &dims,
                Duration::from_secs(60),
                Instant::SIMULATION_START,
                later + Duration::from_secs(1),
            )
            .iter()
            .map(|d| d.sum)
            .sum::<f64>()
        };
        assert_eq!((sum(&saved), sum(&store)), (600.0, 601.0));
    }

    /// 2026-01-01T00:00:00Z, a whole minute.
    const T0: Instant = Instant::SIMULATION_START;

    fn at(secs: u64, millis: u64) -> Instant {
        T0 + Duration::from_millis(secs * 1000 + millis)
    }

    fn orders() -> Dimensions {
        Dimensions::stream("orders")
    }

    /// `(seconds after T0, sum, min, max, count)` for each datapoint.
    type Expected = [(u64, f64, f64, f64, u64)];

    #[track_caller]
    fn check_series(
        store: &MetricStore,
        dimensions: &Dimensions,
        period_secs: u64,
        from: Instant,
        to: Instant,
        expected: &Expected,
    ) {
        let got: Vec<(u64, f64, f64, f64, u64)> = store
            .series(MetricName::IncomingBytes, dimensions, Duration::from_secs(period_secs), from, to)
            .iter()
            .map(|d| {
                let offset = d.timestamp.saturating_since(T0).as_millis() / 1000;
                (offset, d.sum, d.minimum, d.maximum, d.sample_count)
            })
            .collect();
        assert_eq!(got, expected, "period={period_secs}s");
    }

    #[test]
    fn a_load_is_against_the_nearer_write_limit() {
        let second = Duration::from_secs(1);
        let cases = [
            (Writes::default(), second, (0.0, WriteLimit::Bytes)),
            (Writes { bytes: 512.0 * 1024.0, records: 100.0 }, second, (0.5, WriteLimit::Bytes)),
            (Writes { bytes: 1000.0, records: 1900.0 }, second, (1.9, WriteLimit::Records)),
            // A minute of 600 records a second is 60 % of the limit, not 3,600 %.
            (Writes { bytes: 36_000.0, records: 36_000.0 }, Duration::from_secs(60), (0.6, WriteLimit::Records)),
            (Writes { bytes: 1024.0 * 1024.0, records: 1000.0 }, second, (1.0, WriteLimit::Bytes)),
        ];
        for (writes, span, expected) in cases {
            assert_eq!(writes.load(span), expected, "{writes:?} over {span:?}");
        }
    }

    #[test]
    fn names_and_units_match_cloudwatch() {
        assert_eq!(MetricName::PutRecordsThrottledRecords.as_str(), "PutRecords.ThrottledRecords");
        assert_eq!(MetricName::GetRecordsIteratorAgeMilliseconds.unit(), Unit::Milliseconds);
        assert_eq!(MetricName::SubscribeToShardEventBytes.unit(), Unit::Bytes);
        assert_eq!(MetricName::WriteProvisionedThroughputExceeded.unit(), Unit::Count);
        // Every name is distinct and has no stray whitespace.
        for (i, a) in MetricName::ALL.iter().enumerate() {
            assert_eq!(a.as_str().trim(), a.as_str());
            for b in &MetricName::ALL[i + 1..] {
                assert_ne!(a.as_str(), b.as_str());
            }
        }
    }

    #[test]
    fn samples_aggregate_within_and_across_buckets() {
        let mut store = MetricStore::new();
        for (secs, millis, value) in [(0, 0, 100.0), (0, 999, 50.0), (1, 0, 10.0), (59, 500, 5.0), (60, 0, 7.0)] {
            store.record(at(secs, millis), MetricName::IncomingBytes, orders(), value);
        }
        check_series(
            &store,
            &orders(),
            1,
            at(0, 0),
            at(61, 0),
            &[(0, 150.0, 50.0, 100.0, 2), (1, 10.0, 10.0, 10.0, 1), (59, 5.0, 5.0, 5.0, 1), (60, 7.0, 7.0, 7.0, 1)],
        );
        check_series(&store, &orders(), 60, at(0, 0), at(120, 0), &[(0, 165.0, 5.0, 100.0, 4), (60, 7.0, 7.0, 7.0, 1)]);
        let one_minute =
            store.series(MetricName::IncomingBytes, &orders(), Duration::from_secs(60), at(0, 0), at(60, 0));
        assert_eq!(one_minute[0].average(), 165.0 / 4.0);
        assert_eq!(one_minute[0].unit, Unit::Bytes);
    }

    #[test]
    fn periods_align_to_the_period_like_cloudwatch() {
        let mut store = MetricStore::new();
        store.record(at(150, 0), MetricName::IncomingBytes, orders(), 1.0);
        store.record(at(170, 0), MetricName::IncomingBytes, orders(), 2.0);
        // A start at 00:02:34 rounds down to 00:02:00; the datapoint is stamped there.
        check_series(&store, &orders(), 60, at(154, 0), at(180, 0), &[(120, 3.0, 1.0, 2.0, 2)]);
        // Five-minute periods start on multiples of five minutes.
        check_series(&store, &orders(), 300, at(299, 0), at(600, 0), &[(0, 3.0, 1.0, 2.0, 2)]);
        // `to` is exclusive: a sample at exactly `to` is not included.
        check_series(&store, &orders(), 1, at(0, 0), at(170, 0), &[(150, 1.0, 1.0, 1.0, 1)]);
        // ...but one in the same second as a `to` that is not on a second boundary is.
        check_series(&store, &orders(), 1, at(0, 0), at(170, 1), &[(150, 1.0, 1.0, 1.0, 1), (170, 2.0, 2.0, 2.0, 1)]);
        // An empty or inverted window has no datapoints.
        check_series(&store, &orders(), 60, at(180, 0), at(120, 0), &[]);
    }

    #[test]
    fn empty_periods_are_omitted() {
        let mut store = MetricStore::new();
        store.record(at(5, 0), MetricName::IncomingBytes, orders(), 1.0);
        store.record(at(185, 0), MetricName::IncomingBytes, orders(), 2.0);
        check_series(&store, &orders(), 60, at(0, 0), at(240, 0), &[(0, 1.0, 1.0, 1.0, 1), (180, 2.0, 2.0, 2.0, 1)]);
        check_series(&store, &Dimensions::stream("nobody"), 60, at(0, 0), at(240, 0), &[]);
        let other_metric =
            store.series(MetricName::IncomingRecords, &orders(), Duration::from_secs(60), at(0, 0), at(240, 0));
        assert!(other_metric.is_empty());
    }

    #[test]
    fn stream_shard_and_consumer_series_are_kept_apart() {
        let mut store = MetricStore::new();
        let shard0 = Dimensions::shard("orders", "shardId-000000000000");
        let shard1 = Dimensions::shard("orders", "shardId-000000000001");
        store.record(at(0, 0), MetricName::IncomingBytes, orders(), 30.0);
        store.record(at(0, 0), MetricName::IncomingBytes, shard0.clone(), 10.0);
        store.record(at(0, 0), MetricName::IncomingBytes, shard1.clone(), 20.0);
        store.record(at(0, 0), MetricName::IncomingBytes, Dimensions::consumer("orders", "app"), 99.0);
        store.record(at(0, 0), MetricName::IncomingBytes, Dimensions::stream("payments"), 5.0);
        check_series(&store, &orders(), 60, at(0, 0), at(60, 0), &[(0, 30.0, 30.0, 30.0, 1)]);
        check_series(&store, &shard0, 60, at(0, 0), at(60, 0), &[(0, 10.0, 10.0, 10.0, 1)]);
        check_series(&store, &shard1, 60, at(0, 0), at(60, 0), &[(0, 20.0, 20.0, 20.0, 1)]);
    }

    /// Borrowed keys order as stored keys do: a map of many series, filled
    /// in a scrambled order, finds each of them by its borrowed key, and a
    /// second sample lands in the series the first one opened.
    #[test]
    fn series_are_found_by_borrowed_dimensions() {
        let mut store = MetricStore::new();
        let names = ["a", "orders", "orders-2", "payments", "z"];
        let mut all = Vec::new();
        for name in names {
            all.push(Dimensions::stream(name));
            for id in ["shardId-000000000000", "shardId-000000000001", "shardId-000000000010"] {
                all.push(Dimensions::shard(name, id));
            }
            for consumer in ["app", "b"] {
                all.push(Dimensions::consumer(name, consumer));
            }
        }
        let metrics = [MetricName::IncomingBytes, MetricName::IncomingRecords, MetricName::GetRecordsBytes];
        let keys: Vec<(MetricName, &Dimensions)> =
            all.iter().flat_map(|dims| metrics.iter().map(move |&metric| (metric, dims))).collect();
        for step in [0, 1] {
            for idx in (0..keys.len()).map(|i| (i * 37) % keys.len()) {
                let (metric, dims) = keys[idx];
                store.record_under(at(0, 0), metric, dims.as_ref(), (idx + step) as f64);
            }
        }
        assert_eq!(store.series.len(), keys.len());
        for (idx, &(metric, dims)) in keys.iter().enumerate() {
            let points = store.series(metric, dims, Duration::from_secs(60), at(0, 0), at(60, 0));
            assert_eq!(points.len(), 1, "{metric} {dims:?}");
            assert_eq!((points[0].sample_count, points[0].sum), (2, (2 * idx + 1) as f64), "{metric} {dims:?}");
        }
    }

    #[test]
    fn buckets_older_than_retention_are_dropped() {
        let mut store = MetricStore::new();
        let retention_secs = RETENTION.as_millis() / 1000;
        // Four hours of one sample a second, in two series.
        for second in 0..4 * 3600 {
            store.record(at(second, 0), MetricName::IncomingBytes, orders(), 1.0);
            store.record(at(second, 0), MetricName::IncomingRecords, orders(), 1.0);
        }
        assert_eq!(store.bucket_count(), 2 * retention_secs as usize);
        // The first hour is gone; the last three hours are all there.
        let all =
            store.series(MetricName::IncomingBytes, &orders(), Duration::from_secs(3600), at(0, 0), at(4 * 3600, 0));
        let hours: Vec<(u64, u64)> =
            all.iter().map(|d| (d.timestamp.saturating_since(T0).as_millis() / 3_600_000, d.sample_count)).collect();
        assert_eq!(hours, [(1, 3600), (2, 3600), (3, 3600)]);
        // A sample from before the window is not stored.
        store.record(at(0, 0), MetricName::IncomingBytes, orders(), 1.0);
        assert_eq!(store.bucket_count(), 2 * retention_secs as usize);
        // A series that falls entirely out of the window disappears.
        store.record(at(8 * 3600, 0), MetricName::IncomingRecords, orders(), 1.0);
        assert_eq!(store.bucket_count(), 1);
    }
}
