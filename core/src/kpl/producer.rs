//! The Kinesis Producer Library's producer: buffering, aggregation,
//! collection into `PutRecords` calls, rate limiting and retries.
//!
//! [`KplProducer`] is a client-side, sans-IO state machine in the shape of
//! quinn-proto's `Connection`: [`KplProducer::add_user_record`] is an input,
//! [`KplProducer::poll`] does the work that is due against a [`Simulation`],
//! and [`KplProducer::next_deadline`] says when `poll` must run next. Like a
//! real producer it is an application that calls the service: one driven by
//! hand, as below, lives outside the simulation; one the simulation runs
//! (`Simulation::create_kpl_producer`) is held, and scheduled, beside it.
//!
//! ```
//! use shardlab_core::kpl::{KplConfig, KplProducer, UserRecordOutcome};
//! use shardlab_core::{CreateStreamInput, Simulation, limits};
//!
//! let mut sim = Simulation::new();
//! sim.create_stream(CreateStreamInput::provisioned("clicks", 1)).unwrap();
//! sim.advance(limits::STREAM_CREATE_DELAY);
//!
//! let mut producer = KplProducer::new(KplConfig::default(), 42);
//! let id = producer.add_user_record(sim.now(), "clicks", "user-1", b"click".to_vec(), None).unwrap();
//! // Nothing is sent before `RecordMaxBufferedTime` (100 ms) has passed.
//! let due = producer.next_deadline().unwrap();
//! sim.advance(due.saturating_since(sim.now()));
//! producer.poll(&mut sim);
//! assert!(matches!(producer.outcome(id), Some(UserRecordOutcome::Succeeded(_))));
//! ```
//!
//! What is modelled, with the KPL's configuration names and defaults
//! (`default_config.properties` in awslabs/amazon-kinesis-producer):
//! - Buffering for `RecordMaxBufferedTime`, then aggregation per predicted
//!   shard (`AggregationEnabled`, `AggregationMaxSize`, `AggregationMaxCount`)
//!   under [`AGGREGATED_PARTITION_KEY`] with the first user record's hash key
//!   as `ExplicitHashKey`; a Kinesis record holding a single user record is
//!   sent as that record, unaggregated, as the KPL does.
//! - Collection into `PutRecords` calls (`CollectionMaxCount`,
//!   `CollectionMaxSize`), sent early when a stream's buffer fills one.
//! - The per-shard client-side rate limit (`RateLimit`, a percentage of the
//!   shard's 1,000 records and 1 MiB per second), as token buckets; what it
//!   holds back is sent at its drains, every 25 ms, as the KPL's `Limiter` does.
//! - Retries of failed entries and `RecordTtl`: a user record not written
//!   within its TTL fails with the KPL's error code `Expired`.
//! - Outcomes per user record, and counters a learner can watch. Outcomes
//!   are kept for the producer's life: a lesson sends thousands of records,
//!   not billions.
//!
//! Differences from the KPL, and what is left out:
//! - The KPL re-queues a failed record at once and lets its rate limiter
//!   pace it. Here a failed Kinesis record waits an exponential backoff with
//!   "equal jitter" (AWS Architecture Blog, "Exponential Backoff and
//!   Jitter", 2015): attempt `n` waits between `d/2` and `d`, where
//!   `d = min(BACKOFF_CAP, BACKOFF_BASE * 2^(n-1))`. Half of `d` is never
//!   random so that a retry never lands in the millisecond that failed.
//! - The KPL times each shard's aggregator separately; here the oldest
//!   buffered record of a stream flushes that stream's whole buffer. The two
//!   agree when records arrive at a steady rate.
//! - A failed Kinesis record is retried whole, on the shard predicted when
//!   it was built, and all its user records expire when its oldest one does.
//!   The KPL re-aggregates what is left and refreshes its shard map.
//! - Retries can reorder the records of one key, as in the KPL: a retried
//!   record lands after records sent while it waited.
//!   `SequenceNumberForOrdering` and the KPL's `FailIfThrottled` are not modelled.
//! - Call-level errors (a missing or `CREATING` stream, denied access) are
//!   retried like throttled entries until the TTL, where the KPL gives up at
//!   once on errors it knows cannot succeed.
//! - Compression is not a KPL feature (see [`Compression`]); metrics upload
//!   to CloudWatch, credentials and the native child process are left out.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

use super::{AGGREGATED_PARTITION_KEY, Aggregator, DEFAULT_AGGREGATION_MAX_SIZE, UserRecord};
use crate::kinesis::KinesisClient;
use crate::kinesis::ops_streams::ShardFilter;
use crate::limits::{
    MAX_PARTITION_KEY_CHARS, MAX_PUT_RECORDS_BYTES, MAX_PUT_RECORDS_ENTRIES, MAX_RECORD_DATA_BYTES,
    SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC,
};
use crate::rand::Rand;
use crate::{
    Duration, HashKey, Instant, PutRecordsEntry, PutRecordsInput, PutRecordsResultEntry, SequenceNumber, ShardId,
    ShardView, Simulation,
};

mod snapshot_v1;

pub(crate) use snapshot_v1::KplProducerV1;

/// The first retry waits between half of this and all of it; each further
/// failed attempt doubles the wait, up to [`BACKOFF_CAP`].
pub const BACKOFF_BASE: Duration = Duration::from_millis(100);
/// No retry waits longer than this.
pub const BACKOFF_CAP: Duration = Duration::from_secs(4);
/// The KPL's default `CollectionMaxSize`: 5 MiB, `PutRecords`'s limit when
/// the KPL was written. `PutRecords` now takes 10 MiB; the default stays.
pub const DEFAULT_COLLECTION_MAX_SIZE: usize = 5 * 1024 * 1024;
/// The error code of a user record whose `RecordTtl` passed, as the KPL's retrier reports it.
pub const EXPIRED: &str = "Expired";

/// How user-record data is compressed before aggregation.
///
/// The KPL does not compress; producers that want it compress each record's
/// data themselves, which is what this models. The contract with consumers:
/// with [`Compression::Zlib`], the data of **every** user record the
/// producer writes is a zlib stream (RFC 1950: deflate with a 2-byte header
/// and an Adler-32 trailer), so a consumer de-aggregates first and then
/// inflates each user record, with `java.util.zip.Inflater`, Python's
/// `zlib.decompress`, Node's `zlib.inflateSync` or `miniz_oxide`. zlib is
/// chosen over LZ4 or Snappy because every language a KCL application is
/// written in inflates it with its standard library. Data is compressed even
/// when that makes it bigger (tiny records grow by the 6 bytes of framing),
/// so that a consumer never has to guess.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Compression {
    /// Data is sent as given.
    #[default]
    None,
    /// zlib at `level`, 0 (store) to 10 (slowest; higher levels act as 10); 6 is zlib's default.
    Zlib {
        /// The compression level.
        level: u8,
    },
}

/// The producer's configuration, with the KPL's names and defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KplConfig {
    /// `RecordMaxBufferedTime`: how long a user record may wait to be sent (default 100 ms).
    pub record_max_buffered_time: Duration,
    /// `AggregationEnabled` (default true).
    pub aggregation_enabled: bool,
    /// `AggregationMaxSize`: bytes of one aggregated record (default 51,200; at most 1 MiB).
    pub aggregation_max_size: usize,
    /// `AggregationMaxCount`: user records in one aggregated record (default 4,294,967,295).
    pub aggregation_max_count: u64,
    /// `CollectionMaxCount`: Kinesis records in one `PutRecords` call (default and maximum 500).
    pub collection_max_count: usize,
    /// `CollectionMaxSize`: bytes in one `PutRecords` call (default 5 MiB, the
    /// KPL's, from before `PutRecords` took 10 MiB; at most `PutRecords`'s limit).
    pub collection_max_size: usize,
    /// `RateLimit`: the client-side limit per shard, as a percentage of the
    /// shard's write limits (default 150, so that one producer alone can
    /// saturate a shard and let the service do the final throttling).
    pub rate_limit: u64,
    /// `RecordTtl`: how long a user record may take to be written before it fails (default 30 s).
    pub record_ttl: Duration,
    /// Compression of user-record data (not a KPL setting; default none).
    pub compression: Compression,
}

impl Default for KplConfig {
    fn default() -> KplConfig {
        KplConfig {
            record_max_buffered_time: Duration::from_millis(100),
            aggregation_enabled: true,
            aggregation_max_size: DEFAULT_AGGREGATION_MAX_SIZE,
            aggregation_max_count: u64::from(u32::MAX),
            collection_max_count: MAX_PUT_RECORDS_ENTRIES,
            collection_max_size: DEFAULT_COLLECTION_MAX_SIZE,
            rate_limit: 150,
            record_ttl: Duration::from_secs(30),
            compression: Compression::None,
        }
    }
}

/// Identifies a user record given to [`KplProducer::add_user_record`]; ids increase from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UserRecordId(pub u64);

/// Where a user record was written (the KPL's `UserRecordResult`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecordResult {
    /// The shard that took it.
    pub shard_id: ShardId,
    /// The sequence number of the Kinesis record that carried it.
    pub sequence_number: SequenceNumber,
    /// Its position among that record's user records, from 0; 0 when it was
    /// sent unaggregated. The KCL numbers user records the same way.
    pub sub_sequence_number: u64,
    /// `PutRecords` attempts it took, the successful one included.
    pub attempts: u32,
}

/// Why a user record was not written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecordFailure {
    /// The KPL's error code: [`EXPIRED`] when `RecordTtl` passed.
    pub error_code: String,
    /// The error message.
    pub error_message: String,
    /// `PutRecords` attempts made for it.
    pub attempts: u32,
    /// The error code of its last attempt, if it was sent at all
    /// (`ProvisionedThroughputExceededException` when throttled).
    pub last_attempt_error_code: Option<String>,
}

/// What became of a user record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserRecordOutcome {
    /// Buffered, or waiting to be sent again.
    Pending,
    /// Written.
    Succeeded(UserRecordResult),
    /// Given up on.
    Failed(UserRecordFailure),
}

/// Error returned by [`KplProducer::add_user_record`] for a record Kinesis
/// would refuse; the KPL throws `IllegalArgumentException` for these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddUserRecordError {
    /// The partition key is empty or longer than 256 characters.
    InvalidPartitionKey {
        /// Its length in characters.
        chars: usize,
    },
    /// The data, after compression, is over 1 MiB.
    DataTooLarge {
        /// Its size in bytes.
        size: usize,
    },
    /// The explicit hash key is not a decimal number in `0 ..= 2^128 - 1`.
    InvalidExplicitHashKey,
}

impl fmt::Display for AddUserRecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddUserRecordError::InvalidPartitionKey { chars } => write!(
                f,
                "partition key must be 1 to {MAX_PARTITION_KEY_CHARS} characters long, but was {chars} characters"
            ),
            AddUserRecordError::DataTooLarge { size } => {
                write!(f, "data must be at most {MAX_RECORD_DATA_BYTES} bytes, but was {size} bytes")
            }
            AddUserRecordError::InvalidExplicitHashKey => {
                f.write_str("explicit hash key must be a decimal number from 0 to 2^128-1")
            }
        }
    }
}

impl core::error::Error for AddUserRecordError {}

/// Counters a learner can watch. All count from the producer's creation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KplCounters {
    /// User records accepted by [`KplProducer::add_user_record`].
    pub n_user_records_put: u64,
    /// User records written.
    pub n_user_records_succeeded: u64,
    /// User records failed because their `RecordTtl` passed.
    pub n_user_records_expired: u64,
    /// Kinesis records (aggregated or not) sent, counting each attempt.
    pub n_kinesis_records_sent: u64,
    /// `PutRecords` calls made.
    pub n_put_records_calls: u64,
    /// Kinesis records sent again after a failed attempt.
    pub n_retries: u64,
    /// User-record data bytes before compression.
    pub n_bytes_before_compression: u64,
    /// User-record data bytes after compression (equal to the above without compression).
    pub n_bytes_after_compression: u64,
}

/// A user record waiting in a stream's buffer.
#[derive(Clone, Debug)]
struct Buffered {
    id: UserRecordId,
    added: Instant,
    record: UserRecord,
}

/// A stream's user records not yet aggregated, oldest first.
#[derive(Clone, Debug, Default)]
struct StreamBuffer {
    records: Vec<Buffered>,
    // Data and partition-key bytes of `records`, to tell when they fill a `PutRecords` call.
    n_bytes: usize,
}

/// A Kinesis record built from one or more user records, waiting to be sent.
#[derive(Clone, Debug)]
struct KinesisRecord {
    // Creation order: the queue is kept in it, so retries keep their place.
    seq: u64,
    stream: String,
    // `None` when the stream could not be seen; such records are not rate limited.
    shard: Option<ShardId>,
    partition_key: String,
    explicit_hash_key: Option<String>,
    data: Vec<u8>,
    // The user records it carries, in sub-sequence order.
    members: Vec<UserRecordId>,
    // When it may be sent: now, after a backoff, or when the rate limiter has tokens.
    ready_at: Instant,
    // When its oldest user record's TTL passes.
    expires: Instant,
    attempts: u32,
    last_error_code: Option<String>,
}

impl KinesisRecord {
    /// Bytes `PutRecords` counts against its request limit and the shard's 1 MiB/s.
    fn size(&self) -> usize {
        self.data.len() + self.partition_key.len()
    }
}

/// A token bucket per shard with a burst of one second, like the service's
/// (`throttle.rs`), but able to say how long until a record fits, so that
/// [`KplProducer::next_deadline`] can name the moment.
#[derive(Clone, Debug)]
struct ShardLimiter {
    stream: String,
    shard: ShardId,
    // Thousandths of a unit, so that refill per millisecond is exact:
    // `rate` units per second is `rate` thousandths per millisecond.
    records_milli: u64,
    bytes_milli: u64,
    updated: Instant,
}

impl ShardLimiter {
    fn refill(&mut self, now: Instant, (record_rate, byte_rate): (u64, u64)) {
        let elapsed = now.saturating_since(self.updated).as_millis();
        self.records_milli = (self.records_milli + elapsed * record_rate).min(record_rate * 1000);
        self.bytes_milli = (self.bytes_milli + elapsed * byte_rate).min(byte_rate * 1000);
        self.updated = self.updated.max(now);
    }

    /// How long until one record of `bytes` fits; zero if it fits now. A
    /// record bigger than a second's bytes needs a full bucket, so it is never refused forever.
    fn wait(&mut self, now: Instant, bytes: u64, rates @ (record_rate, byte_rate): (u64, u64)) -> Duration {
        self.refill(now, rates);
        let missing = |level: u64, need: u64, rate: u64| (need * 1000).saturating_sub(level).div_ceil(rate);
        let records = missing(self.records_milli, 1, record_rate);
        let bytes = missing(self.bytes_milli, bytes.min(byte_rate), byte_rate);
        Duration::from_millis(records.max(bytes))
    }

    /// Spends one record of `bytes`; only after [`ShardLimiter::wait`] said zero.
    fn take(&mut self, bytes: u64) {
        self.records_milli -= 1000;
        self.bytes_milli = self.bytes_milli.saturating_sub(bytes * 1000);
    }
}

/// How often the KPL's rate limiter drains what it holds back: its `Limiter`
/// runs a drain every 25 ms (`limiter.h`, `kDrainDelayMillis` in
/// awslabs/amazon-kinesis-producer), rather than the moment a token returns.
const DRAIN_INTERVAL_MILLIS: u64 = 25;

/// The first drain of the rate limiter at or after `at`; drains fall on
/// multiples of 25 ms of the simulated clock.
fn next_drain(at: Instant) -> Instant {
    Instant::from_epoch_millis(at.epoch_millis().div_ceil(DRAIN_INTERVAL_MILLIS) * DRAIN_INTERVAL_MILLIS)
}

/// The KPL's producer as a sans-IO state machine. See the [`kpl`](crate::kpl) module docs.
///
/// It serializes as a snapshot stores it, so that an application driving a
/// producer of its own can save it too.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(into = "KplProducerV1", from = "KplProducerV1")]
pub struct KplProducer {
    config: KplConfig,
    rand: Rand,
    next_id: u64,
    next_seq: u64,
    buffers: BTreeMap<String, StreamBuffer>,
    // Invariant: in `seq` order.
    queue: Vec<KinesisRecord>,
    limiters: Vec<ShardLimiter>,
    outcomes: BTreeMap<UserRecordId, UserRecordOutcome>,
    counters: KplCounters,
    // Records with lower ids are due now: `flush` sets it to the next id.
    flush_before: UserRecordId,
}

impl KplProducer {
    /// A producer with `config` whose retry jitter is drawn from `seed`.
    pub fn new(config: KplConfig, seed: u64) -> KplProducer {
        KplProducer {
            config,
            rand: Rand::new(seed),
            next_id: 0,
            next_seq: 0,
            buffers: BTreeMap::new(),
            queue: Vec::new(),
            limiters: Vec::new(),
            outcomes: BTreeMap::new(),
            counters: KplCounters::default(),
            flush_before: UserRecordId(0),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &KplConfig {
        &self.config
    }

    /// The counters.
    pub fn counters(&self) -> KplCounters {
        self.counters
    }

    /// User records buffered and not yet sent.
    pub fn n_buffered(&self) -> usize {
        self.buffers.values().map(|b| b.records.len()).sum()
    }

    /// User records aggregated into Kinesis records that are waiting to be
    /// sent: for the rate limiter, or for a retry after a failed attempt.
    pub fn n_in_flight(&self) -> usize {
        self.queue.iter().map(|r| r.members.len()).sum()
    }

    /// What became of user record `id`; `None` for an id this producer never gave out.
    pub fn outcome(&self, id: UserRecordId) -> Option<&UserRecordOutcome> {
        self.outcomes.get(&id)
    }

    /// Buffers a user record for `stream` (the KPL's `addUserRecord`).
    /// Its data is compressed now if the configuration says so.
    pub fn add_user_record(
        &mut self,
        now: Instant,
        stream: &str,
        partition_key: &str,
        data: Vec<u8>,
        explicit_hash_key: Option<&str>,
    ) -> Result<UserRecordId, AddUserRecordError> {
        let chars = partition_key.chars().count();
        if !(1..=MAX_PARTITION_KEY_CHARS).contains(&chars) {
            return Err(AddUserRecordError::InvalidPartitionKey { chars });
        }
        // Kinesis takes only canonical decimals: no sign, no leading zeros.
        if let Some(key) = explicit_hash_key
            && (key.parse::<u128>().is_err() || key.starts_with('+') || (key.len() > 1 && key.starts_with('0')))
        {
            return Err(AddUserRecordError::InvalidExplicitHashKey);
        }
        let n_before = data.len();
        let data = match self.config.compression {
            Compression::None => data,
            Compression::Zlib { level } => miniz_oxide::deflate::compress_to_vec_zlib(&data, level),
        };
        if data.len() > MAX_RECORD_DATA_BYTES {
            return Err(AddUserRecordError::DataTooLarge { size: data.len() });
        }
        self.counters.n_user_records_put += 1;
        self.counters.n_bytes_before_compression += n_before as u64;
        self.counters.n_bytes_after_compression += data.len() as u64;
        let id = UserRecordId(self.next_id);
        self.next_id += 1;
        let record = UserRecord {
            partition_key: partition_key.into(),
            explicit_hash_key: explicit_hash_key.map(Into::into),
            data,
            tags: Vec::new(),
        };
        let buffer = self.buffers.entry(stream.into()).or_default();
        buffer.n_bytes += record.data.len() + record.partition_key.len();
        buffer.records.push(Buffered { id, added: now, record });
        self.outcomes.insert(id, UserRecordOutcome::Pending);
        Ok(id)
    }

    /// Makes every buffered record due now (the KPL's `flush`). Records
    /// waiting for a retry keep their backoff, and the rate limit still applies.
    pub fn flush(&mut self) {
        self.flush_before = UserRecordId(self.next_id);
    }

    /// When [`KplProducer::poll`] must run next: the earliest buffer
    /// deadline, retry, rate-limiter refill or TTL expiry; `None` when idle.
    /// It can be in the past, after [`KplProducer::flush`] or when a buffer
    /// fills a `PutRecords` call: poll at once then.
    #[must_use]
    pub fn next_deadline(&self) -> Option<Instant> {
        let buffers = self.buffers.values().filter_map(|b| {
            let oldest = b.records.first()?;
            Some(if self.is_flushed_or_full(b) {
                oldest.added
            } else {
                oldest.added + self.config.record_max_buffered_time
            })
        });
        let queue = self.queue.iter().map(|r| r.ready_at.min(r.expires));
        buffers.chain(queue).min()
    }

    /// Does what is due at `sim.now()`: fails expired records, aggregates due
    /// buffers into Kinesis records, and sends what the rate limit allows in
    /// `PutRecords` calls, scheduling retries for failed entries.
    pub fn poll(&mut self, sim: &mut Simulation) {
        self.run(&mut kinesis_client!(sim));
    }

    /// [`Self::poll`], calling Kinesis through its client API only.
    pub(crate) fn run(&mut self, kinesis: &mut KinesisClient<'_>) {
        let now = kinesis.now();
        self.aggregate_due(now, kinesis);
        self.expire(now);
        self.send_ready(now, kinesis);
        self.debug_check_invariants();
    }

    /// Whether `buffer` is due regardless of its age: flushed, or holding
    /// enough to fill a `PutRecords` call.
    fn is_flushed_or_full(&self, buffer: &StreamBuffer) -> bool {
        buffer.records.first().is_some_and(|oldest| oldest.id < self.flush_before)
            || buffer.n_bytes >= self.config.collection_max_size
            || (!self.config.aggregation_enabled && buffer.records.len() >= self.config.collection_max_count)
    }

    /// Turns each due stream buffer into Kinesis records, one aggregator per predicted shard.
    fn aggregate_due(&mut self, now: Instant, kinesis: &KinesisClient<'_>) {
        let due: Vec<String> = self
            .buffers
            .iter()
            .filter(|(_, b)| {
                b.records.first().is_some_and(|oldest| {
                    self.is_flushed_or_full(b) || oldest.added + self.config.record_max_buffered_time <= now
                })
            })
            .map(|(name, _)| name.clone())
            .collect();
        for stream in due {
            let buffer = self.buffers.remove(&stream).unwrap_or_default();
            // The shard map, from `ListShards` as the KPL keeps it.
            let open = kinesis.all_shards(&stream, ShardFilter::AtLatest).ok();
            let mut groups: BTreeMap<Option<ShardId>, Group> = BTreeMap::new();
            for buffered in buffer.records {
                let shard = predict_shard(open.as_deref(), &buffered.record);
                if self.config.aggregation_enabled {
                    let group = groups.entry(shard).or_insert_with(|| Group::new(&self.config));
                    for built in group.push(buffered, self.config.aggregation_max_count) {
                        self.enqueue(now, &stream, shard, built);
                    }
                } else {
                    self.enqueue(now, &stream, shard, Built { members: alloc::vec![buffered], blob: None });
                }
            }
            for (shard, group) in groups {
                if let Some(built) = group.finish() {
                    self.enqueue(now, &stream, shard, built);
                }
            }
        }
    }

    /// Queues one Kinesis record: aggregated if it carries several user
    /// records, and the user record itself if it carries one, as the KPL does.
    fn enqueue(&mut self, now: Instant, stream: &str, shard: Option<ShardId>, built: Built) {
        let Built { mut members, blob } = built;
        let oldest = members.iter().map(|m| m.added).min().expect("a Kinesis record has members");
        let ids = members.iter().map(|m| m.id).collect();
        let (partition_key, explicit_hash_key, data) = if members.len() == 1 {
            let UserRecord { partition_key, explicit_hash_key, data, .. } = members.remove(0).record;
            (partition_key, explicit_hash_key, data)
        } else {
            let blob = blob.expect("several user records are sent aggregated");
            (AGGREGATED_PARTITION_KEY.into(), Some(hash_key(&members[0].record).0.to_string()), blob)
        };
        self.queue.push(KinesisRecord {
            seq: self.next_seq,
            stream: stream.into(),
            shard,
            partition_key,
            explicit_hash_key,
            data,
            members: ids,
            ready_at: now,
            expires: oldest + self.config.record_ttl,
            attempts: 0,
            last_error_code: None,
        });
        self.next_seq += 1;
    }

    /// Fails the user records of every queued Kinesis record whose TTL has passed.
    fn expire(&mut self, now: Instant) {
        let (expired, kept) = core::mem::take(&mut self.queue).into_iter().partition(|r| r.expires <= now);
        self.queue = kept;
        for record in expired {
            for id in record.members {
                self.counters.n_user_records_expired += 1;
                self.outcomes.insert(
                    id,
                    UserRecordOutcome::Failed(UserRecordFailure {
                        error_code: EXPIRED.into(),
                        error_message: "Record has reached expiration".into(),
                        attempts: record.attempts,
                        last_attempt_error_code: record.last_error_code.clone(),
                    }),
                );
            }
        }
    }

    /// Sends every ready Kinesis record the rate limit allows, in `PutRecords`
    /// calls of at most `CollectionMaxCount` entries and `CollectionMaxSize` bytes.
    fn send_ready(&mut self, now: Instant, kinesis: &mut KinesisClient<'_>) {
        let rates = (
            SHARD_WRITE_RECORDS_PER_SEC * self.config.rate_limit / 100,
            SHARD_WRITE_BYTES_PER_SEC * self.config.rate_limit / 100,
        );
        let mut to_send: BTreeMap<String, Vec<KinesisRecord>> = BTreeMap::new();
        let mut kept = Vec::new();
        // Shards whose limiter ran dry in this poll, and when it has tokens
        // again: later records for them wait too, so one shard's order is kept.
        let mut blocked: Vec<(String, ShardId, Instant)> = Vec::new();
        for mut record in core::mem::take(&mut self.queue) {
            if record.ready_at > now {
                kept.push(record);
                continue;
            }
            if let Some(shard) = record.shard {
                if let Some((_, _, until)) = blocked.iter().find(|(s, id, _)| *s == record.stream && *id == shard) {
                    record.ready_at = *until;
                    kept.push(record);
                    continue;
                }
                let limiter = limiter(&mut self.limiters, now, &record.stream, shard, rates);
                let size = record.size() as u64;
                let wait = limiter.wait(now, size, rates);
                if wait > Duration::ZERO {
                    record.ready_at = next_drain(now + wait);
                    blocked.push((record.stream.clone(), shard, record.ready_at));
                    kept.push(record);
                    continue;
                }
                limiter.take(size);
            }
            to_send.entry(record.stream.clone()).or_default().push(record);
        }
        let max_count = self.config.collection_max_count.min(MAX_PUT_RECORDS_ENTRIES);
        let max_bytes = self.config.collection_max_size.min(MAX_PUT_RECORDS_BYTES);
        for (stream, records) in to_send {
            let mut batch: Vec<KinesisRecord> = Vec::new();
            let mut batch_bytes = 0;
            for record in records {
                if !batch.is_empty() && (batch.len() >= max_count || batch_bytes + record.size() > max_bytes) {
                    kept.extend(self.put_records(now, kinesis, &stream, core::mem::take(&mut batch)));
                    batch_bytes = 0;
                }
                batch_bytes += record.size();
                batch.push(record);
            }
            if !batch.is_empty() {
                kept.extend(self.put_records(now, kinesis, &stream, batch));
            }
        }
        kept.sort_by_key(|r| r.seq);
        self.queue = kept;
    }

    /// Makes one `PutRecords` call and records its outcomes; returns the
    /// Kinesis records that failed, scheduled for a retry.
    fn put_records(
        &mut self,
        now: Instant,
        kinesis: &mut KinesisClient<'_>,
        stream: &str,
        batch: Vec<KinesisRecord>,
    ) -> Vec<KinesisRecord> {
        let entries = batch
            .iter()
            .map(|r| PutRecordsEntry {
                data: r.data.clone(),
                partition_key: r.partition_key.clone(),
                explicit_hash_key: r.explicit_hash_key.clone(),
            })
            .collect();
        self.counters.n_put_records_calls += 1;
        self.counters.n_kinesis_records_sent += batch.len() as u64;
        self.counters.n_retries += batch.iter().filter(|r| r.attempts > 0).count() as u64;
        let results: Vec<Result<_, String>> =
            match kinesis.put_records(PutRecordsInput { stream_name: stream.into(), records: entries }) {
                Ok(output) => output
                    .records
                    .into_iter()
                    .map(|entry| match entry {
                        PutRecordsResultEntry::Success(out) => Ok(out),
                        PutRecordsResultEntry::Failure { error_code, .. } => Err(error_code),
                    })
                    .collect(),
                // The whole call failed: every entry failed with its error.
                Err(err) => batch.iter().map(|_| Err(err.code().into())).collect(),
            };
        let mut failed = Vec::new();
        for (mut record, result) in batch.into_iter().zip(results) {
            record.attempts += 1;
            match result {
                Ok(out) => {
                    let aggregated = record.members.len() > 1;
                    for (id, sub) in record.members.iter().zip(0..) {
                        self.counters.n_user_records_succeeded += 1;
                        let result = UserRecordResult {
                            shard_id: out.shard_id,
                            sequence_number: out.sequence_number,
                            sub_sequence_number: if aggregated { sub } else { 0 },
                            attempts: record.attempts,
                        };
                        self.outcomes.insert(*id, UserRecordOutcome::Succeeded(result));
                    }
                }
                Err(code) => {
                    record.last_error_code = Some(code);
                    record.ready_at = now + self.backoff(record.attempts);
                    failed.push(record);
                }
            }
        }
        failed
    }

    /// The wait before retrying after failed attempt `attempt` (from 1):
    /// between `d/2` and `d`, `d = min(BACKOFF_CAP, BACKOFF_BASE * 2^(attempt-1))`.
    fn backoff(&mut self, attempt: u32) -> Duration {
        let doubled = BACKOFF_BASE.as_millis().saturating_mul(1u64 << (attempt - 1).min(32));
        let d = doubled.min(BACKOFF_CAP.as_millis()) as u32;
        Duration::from_millis(u64::from(d / 2 + self.rand.rand_range(0..d - d / 2 + 1)))
    }

    fn debug_check_invariants(&self) {
        if cfg!(debug_assertions) {
            assert!(self.queue.windows(2).all(|w| w[0].seq < w[1].seq), "queue out of creation order");
            for buffer in self.buffers.values() {
                let n_bytes: usize =
                    buffer.records.iter().map(|b| b.record.data.len() + b.record.partition_key.len()).sum();
                assert_eq!(buffer.n_bytes, n_bytes, "n_records={}", buffer.records.len());
            }
        }
    }
}

/// The user records of one Kinesis record, and their aggregated record if they were aggregated.
struct Built {
    members: Vec<Buffered>,
    blob: Option<Vec<u8>>,
}

/// The user records being aggregated for one predicted shard.
struct Group {
    aggregator: Aggregator,
    members: Vec<Buffered>,
}

impl Group {
    fn new(config: &KplConfig) -> Group {
        Group { aggregator: Aggregator::with_max_size(config.aggregation_max_size), members: Vec::new() }
    }

    /// Adds `buffered`; returns the Kinesis records this completes, in order.
    fn push(&mut self, buffered: Buffered, max_count: u64) -> Vec<Built> {
        let mut done = Vec::new();
        if !self.members.is_empty() && self.members.len() as u64 >= max_count {
            done.push(Built { blob: self.aggregator.finish(), members: core::mem::take(&mut self.members) });
        }
        match self.aggregator.push(&buffered.record) {
            Ok(None) => self.members.push(buffered),
            Ok(Some(full)) => {
                done.push(Built { members: core::mem::take(&mut self.members), blob: Some(full) });
                self.members.push(buffered);
            }
            // Too big to aggregate even alone: the KPL sends such a record
            // unaggregated. What is pending goes first, to keep the shard's order.
            Err(_) => {
                done.extend(self.take());
                done.push(Built { members: alloc::vec![buffered], blob: None });
            }
        }
        done
    }

    fn take(&mut self) -> Option<Built> {
        let blob = self.aggregator.finish()?;
        Some(Built { members: core::mem::take(&mut self.members), blob: Some(blob) })
    }

    fn finish(mut self) -> Option<Built> {
        self.take()
    }
}

/// The hash key Kinesis will route `record` by. Its explicit hash key was checked when it was added.
fn hash_key(record: &UserRecord) -> HashKey {
    match &record.explicit_hash_key {
        Some(key) => HashKey(key.parse().expect("checked by add_user_record")),
        None => HashKey::from_partition_key(&record.partition_key),
    }
}

/// The shard `record` should reach, as the KPL predicts it from its shard
/// map; `None` if the stream cannot be seen.
fn predict_shard(open_shards: Option<&[ShardView]>, record: &UserRecord) -> Option<ShardId> {
    let key = hash_key(record);
    open_shards?.iter().find(|shard| shard.range.contains(key)).map(|shard| shard.id)
}

/// The limiter of `stream`'s `shard`, created full on first use.
fn limiter<'a>(
    limiters: &'a mut Vec<ShardLimiter>,
    now: Instant,
    stream: &str,
    shard: ShardId,
    (record_rate, byte_rate): (u64, u64),
) -> &'a mut ShardLimiter {
    let idx = match limiters.iter().position(|l| l.stream == stream && l.shard == shard) {
        Some(idx) => idx,
        None => {
            limiters.push(ShardLimiter {
                stream: stream.into(),
                shard,
                records_milli: record_rate * 1000,
                bytes_milli: byte_rate * 1000,
                updated: now,
            });
            limiters.len() - 1
        }
    };
    &mut limiters[idx]
}
