//! The Kinesis Client Library (KCL) as a client-side state machine.
//!
//! A [`KclApp`] is one KCL application: a lease table (the KCL's DynamoDB
//! table, see [`Lease`]), the workers sharing it, and one record processor
//! per lease a worker holds. It lives beside the [`Simulation`], not inside
//! it: like a real application it only calls the public Kinesis operations
//! (`GetShardIterator`, `GetRecords`, `RegisterStreamConsumer`,
//! `SubscribeToShard`), so it meets the same limits and errors. It is
//! sans-IO: [`KclApp::tick`] does whatever is due at `sim.now()` and
//! [`KclApp::next_deadline`] says when it is next due, so a caller
//! interleaves `sim.advance` and `tick`:
//!
//! ```
//! use shardlab_core::kcl::{KclApp, KclConfig};
//! use shardlab_core::{CreateStreamInput, PutRecordInput, Simulation, limits};
//!
//! let mut sim = Simulation::new();
//! sim.create_stream(CreateStreamInput::provisioned("orders", 2)).unwrap();
//! sim.advance(limits::STREAM_CREATE_DELAY);
//! let mut app = KclApp::new(&mut sim, KclConfig::polling("billing", "orders")).unwrap();
//! app.add_worker(sim.now());
//! sim.put_record(PutRecordInput::new("orders", "user-1", b"paid".to_vec())).unwrap();
//! let until = sim.now() + shardlab_core::Duration::from_secs(5);
//! while sim.now() < until {
//!     app.tick(&mut sim);
//!     let next = app.next_deadline().map_or(until, |at| at.min(until));
//!     sim.advance(next.saturating_since(sim.now()));
//! }
//! assert_eq!(app.output()[0].data, b"paid");
//! ```
//!
//! What is modelled (KCL 1.x/2.x behaviour, defaults from `KinesisClientLibConfiguration`):
//! - Leases: a worker renews its leases every `failoverTimeMillis / 3`.
//!   Every `2 × failoverTimeMillis` a worker's taker scans the table and
//!   takes expired or unowned leases up to its fair share
//!   (`ceil(leases / workers)`), or, when none are free, steals from the most
//!   loaded worker (at most `maxLeasesToStealAtOneTime`). As in
//!   `DynamoDBLeaseTaker`, a taker cannot see when a lease was renewed, only
//!   its counter at each scan: a lease is expired once the taker has seen
//!   its counter unchanged for more than `failoverTimeMillis`, and a lease
//!   first seen owned counts as just renewed. A dead worker's leases are
//!   therefore taken 20 to 40 s after its last renewal with the defaults,
//!   not 10. Every write is conditional on the lease counter (see
//!   `lease.rs`), so a worker learns it lost a lease at its next renewal or
//!   checkpoint.
//! - Record processors: initialize (from the lease's checkpoint), process
//!   records, shut down with [`ShutdownReason`]. A child shard waits until
//!   every parent's lease reaches `SHARD_END`. A processor that lost its
//!   lease finishes the batch it holds, since `processRecords` cannot be
//!   interrupted, and then shuts down as a zombie; a checkpoint it attempts
//!   meanwhile is refused and ends the batch, as a processor catching the
//!   KCL's `ShutdownException` would.
//! - Retrieval: polling (`GetRecords` no sooner than
//!   `idleTimeBetweenReadsInMillis` after the last call, and only once the
//!   previous batch is processed, so the shared 5 calls/s and 2 MiB/s
//!   per shard apply), or enhanced fan-out (one registered consumer per
//!   application, one subscription per shard).
//! - KPL de-aggregation with sub-sequence numbers, and resuming inside an
//!   aggregated record from a checkpoint's sub-sequence number.
//! - The processor as data: time per record, a checkpoint policy, and an
//!   output log in which every redelivery is visible (at-least-once).
//!
//! Left out:
//! - Lease cleanup: a finished (`SHARD_END`) lease is released at once and
//!   never taken again, where the KCL keeps it until its cleanup deletes it.
//! - Shards trimmed by retention, `AT_TIMESTAMP` initial positions, and the
//!   `maxLeasesForWorker` cap.
//! - The taker's priority for "very old" leases (unchanged for
//!   3 × `failoverTimeMillis`, taken beyond the fair share), its random
//!   choice among available leases (here: by shard id), and its 25 ms
//!   clock-skew epsilon.
//! - Prefetching (`maxRecords` batches are read one at a time), the KCL's
//!   per-worker thread pool, and its CloudWatch metrics.
//! - After a reshard, the KCL drops the user records of an aggregated record
//!   whose hash keys fall outside the shard being read; here they are delivered.
//! - Push latency of enhanced fan-out is modelled by draining each
//!   subscription every [`EFO_DELIVERY_INTERVAL`], not by per-record pushes.

mod dedup;
mod lease;
mod snapshot_v1;

use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

pub use dedup::{DedupCounters, DedupKey, DedupOutcome, IdempotencyStore};
pub use lease::{Checkpoint, Lease, WorkerId};

use crate::error::{EfoError, GetRecordsError, NotFound};
use crate::iterator::StartingPosition;
use crate::kinesis::KinesisClient;
use crate::kinesis::ops_efo::SubscriptionId;
use crate::kinesis::ops_records::GetShardIteratorInput;
use crate::kinesis::ops_streams::ShardFilter;
use crate::kinesis::stream::ShardId;
use crate::kpl::{self, ClientRecord};
use crate::lineage::{self, Parent};
use crate::sequence::SequenceNumber;
use crate::sim::Simulation;
use crate::time::{Duration, Instant};
use lease::LeaseTable;

pub(crate) use snapshot_v1::KclAppV1;

/// `failoverTimeMillis` default: a lease not renewed for this long has expired.
pub const DEFAULT_FAILOVER_TIME: Duration = Duration::from_millis(10_000);
/// `idleTimeBetweenReadsInMillis` default.
pub const DEFAULT_IDLE_TIME_BETWEEN_READS: Duration = Duration::from_millis(1_000);
/// `shardSyncIntervalMillis` default: how often leases are created for new shards.
pub const SHARD_SYNC_INTERVAL: Duration = Duration::from_millis(60_000);
/// `parentShardPollIntervalMillis` default: how often a child shard's
/// processor checks whether its parents are done.
pub const PARENT_SHARD_POLL_INTERVAL: Duration = Duration::from_millis(10_000);
/// `maxLeasesToStealAtOneTime` default.
pub const DEFAULT_MAX_LEASES_TO_STEAL: usize = 1;
/// `maxRecords` default: the `Limit` of each `GetRecords` call.
pub const DEFAULT_MAX_RECORDS: u32 = 10_000;
/// How often an enhanced fan-out subscription is drained. AWS quotes an
/// average propagation delay of about 70 ms for enhanced fan-out.
pub const EFO_DELIVERY_INTERVAL: Duration = Duration::from_millis(70);

/// Where a shard without a checkpoint is read from (`initialPositionInStream`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InitialPosition {
    /// `TRIM_HORIZON`.
    TrimHorizon,
    /// `LATEST`.
    Latest,
}

/// How records are retrieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Retrieval {
    /// Shared-throughput `GetRecords` polling.
    Polling {
        /// `idleTimeBetweenReadsInMillis`.
        idle_time_between_reads: Duration,
    },
    /// Enhanced fan-out: the application registers a consumer named after
    /// itself and subscribes to each shard it holds.
    FanOut,
}

/// When a record processor checkpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckpointPolicy {
    /// After every `n` records.
    EveryNRecords(u32),
    /// At the end of every `processRecords` batch.
    EveryBatch,
    /// Only when [`KclApp::checkpoint`] is called.
    Manual,
}

/// An application's configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KclConfig {
    /// The application name: the lease table's and the EFO consumer's name.
    pub application_name: String,
    /// The stream read.
    pub stream_name: String,
    /// `initialPositionInStream`.
    pub initial_position: InitialPosition,
    /// Polling or enhanced fan-out.
    pub retrieval: Retrieval,
    /// `failoverTimeMillis`.
    pub failover_time: Duration,
    /// `maxLeasesToStealAtOneTime`.
    pub max_leases_to_steal_at_one_time: usize,
    /// `maxRecords`.
    pub max_records: u32,
    /// Processing time per user record for new workers.
    pub time_per_record: Duration,
    /// When processors checkpoint.
    pub checkpoint_policy: CheckpointPolicy,
}

impl KclConfig {
    /// A polling application with the KCL's defaults, reading from
    /// `TRIM_HORIZON`, processing instantly and checkpointing every batch.
    pub fn polling(application_name: impl Into<String>, stream_name: impl Into<String>) -> KclConfig {
        KclConfig {
            application_name: application_name.into(),
            stream_name: stream_name.into(),
            initial_position: InitialPosition::TrimHorizon,
            retrieval: Retrieval::Polling { idle_time_between_reads: DEFAULT_IDLE_TIME_BETWEEN_READS },
            failover_time: DEFAULT_FAILOVER_TIME,
            max_leases_to_steal_at_one_time: DEFAULT_MAX_LEASES_TO_STEAL,
            max_records: DEFAULT_MAX_RECORDS,
            time_per_record: Duration::ZERO,
            checkpoint_policy: CheckpointPolicy::EveryBatch,
        }
    }

    /// The same defaults with enhanced fan-out.
    pub fn fan_out(application_name: impl Into<String>, stream_name: impl Into<String>) -> KclConfig {
        KclConfig { retrieval: Retrieval::FanOut, ..KclConfig::polling(application_name, stream_name) }
    }

    /// The KCL renews a third of the way into the lease, so two renewals
    /// can fail before the lease expires.
    pub fn renewal_interval(&self) -> Duration {
        Duration::from_millis(self.failover_time.as_millis() / 3)
    }

    /// The KCL's `takerIntervalMillis` is `(failover + epsilon) × 2`; the
    /// 25 ms epsilon for clock skew is left out on one shared clock.
    fn taker_interval(&self) -> Duration {
        Duration::from_millis(self.failover_time.as_millis() * 2)
    }

    /// Whether a lease taker that has seen a lease's counter unchanged for
    /// `unchanged_for` judges the lease expired: past `failoverTimeMillis`.
    pub fn lease_expired(&self, unchanged_for: Duration) -> bool {
        unchanged_for > self.failover_time
    }

    /// How long after a crashed worker's last renewal another worker takes
    /// its leases: the other worker's taker runs every 2 × failover time and
    /// must see the counter unchanged for longer than the failover time, so
    /// the second run after the renewal takes it, whenever that falls.
    pub fn takeover_window(&self) -> TakeoverWindow {
        let interval = self.taker_interval();
        TakeoverWindow { earliest: interval, latest: Duration::from_millis(interval.as_millis() * 2) }
    }
}

/// When a crashed worker's leases move, counted from its last renewal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TakeoverWindow {
    /// At the soonest: the other taker ran just after the renewal.
    pub earliest: Duration,
    /// At the latest: it ran just before.
    pub latest: Duration,
}

/// A lease's age: since its owner last renewed it, and as the other
/// workers' lease takers judge it, who cannot see renewals, only counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeaseAgeing {
    /// Since the counter last rose (the simulation knows; no worker does).
    pub since_renewal: Duration,
    /// How the other workers' takers judge it; `None` for an unowned lease,
    /// which any taker may take.
    pub taker: Option<TakerJudgement>,
}

/// How the other workers' lease takers judge an owned lease.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TakerJudgement {
    /// No other running worker's taker has seen its current counter yet.
    NotSeen,
    /// A taker has seen the counter unchanged for `seen_for`, not yet
    /// longer than `failover_time`.
    Unexpired {
        /// Since the earliest scan that saw the current counter.
        seen_for: Duration,
        /// `failoverTimeMillis`: expired once `seen_for` passes it.
        failover_time: Duration,
    },
    /// Expired: taken at that taker's next run.
    Expired,
}

/// Why a record processor was shut down (`ShutdownReason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShutdownReason {
    /// `TERMINATE`: the shard ended and was checkpointed at `SHARD_END`.
    Terminate,
    /// `ZOMBIE`: the worker lost the lease; it must not checkpoint.
    Zombie,
    /// `REQUESTED`: the worker was stopped gracefully.
    Requested,
}

impl fmt::Display for ShutdownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ShutdownReason::Terminate => "TERMINATE",
            ShutdownReason::Zombie => "ZOMBIE",
            ShutdownReason::Requested => "REQUESTED",
        })
    }
}

/// Error returned by [`KclApp::checkpoint`] and [`KclApp::prepare_checkpoint`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckpointError {
    /// The worker no longer holds the lease: the conditional write failed.
    Shutdown,
    /// The worker has no processor for the shard, or it processed nothing yet.
    InvalidState,
}

impl CheckpointError {
    /// The KCL exception name.
    pub fn code(&self) -> &'static str {
        match self {
            CheckpointError::Shutdown => "ShutdownException",
            CheckpointError::InvalidState => "InvalidStateException",
        }
    }
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckpointError::Shutdown => f.write_str("can't update checkpoint - instance doesn't hold the lease"),
            CheckpointError::InvalidState => f.write_str("no processor has processed records of this shard"),
        }
    }
}

impl core::error::Error for CheckpointError {}

/// What happened in an application, for the UI's timeline and for tests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KclEvent {
    /// A worker took a lease, from `from` if it was owned (a steal or an expiry).
    LeaseTaken {
        /// When.
        at: Instant,
        /// The new owner.
        worker: WorkerId,
        /// The shard.
        shard: ShardId,
        /// The previous owner.
        from: Option<WorkerId>,
    },
    /// A renewal found the lease owned by someone else.
    LeaseLost {
        /// When.
        at: Instant,
        /// The former owner.
        worker: WorkerId,
        /// The shard.
        shard: ShardId,
    },
    /// A processor was initialized.
    Initialized {
        /// When.
        at: Instant,
        /// The worker.
        worker: WorkerId,
        /// The shard.
        shard: ShardId,
        /// Where it starts.
        checkpoint: Checkpoint,
        /// A prepared checkpoint left by a previous owner.
        pending_checkpoint: Option<Checkpoint>,
    },
    /// A checkpoint was written.
    Checkpointed {
        /// When.
        at: Instant,
        /// The worker.
        worker: WorkerId,
        /// The shard.
        shard: ShardId,
        /// The new checkpoint.
        checkpoint: Checkpoint,
    },
    /// A checkpoint was refused because the worker lost the lease.
    CheckpointRefused {
        /// When.
        at: Instant,
        /// The worker.
        worker: WorkerId,
        /// The shard.
        shard: ShardId,
        /// The checkpoint it tried to write.
        checkpoint: Checkpoint,
    },
    /// A processor shut down.
    Shutdown {
        /// When.
        at: Instant,
        /// The worker.
        worker: WorkerId,
        /// The shard.
        shard: ShardId,
        /// Why.
        reason: ShutdownReason,
    },
}

/// One user record as a processor handled it: the application's output log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessedRecord {
    /// The worker whose processor handled it.
    pub worker: WorkerId,
    /// The shard it was read from.
    pub shard: ShardId,
    /// The Kinesis record's sequence number.
    pub sequence_number: SequenceNumber,
    /// The user record's sub-sequence number.
    pub sub_sequence_number: u64,
    /// The user record's partition key.
    pub partition_key: String,
    /// The user record's data.
    pub data: Vec<u8>,
    /// How many times this application has processed this user record, this one included.
    pub delivery_count: u32,
    /// `ApproximateArrivalTimestamp` of the Kinesis record.
    pub arrival: Instant,
    /// When processing finished.
    pub processed_at: Instant,
}

/// A worker's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkerStatus {
    /// Renewing, taking and processing.
    Running,
    /// Frozen (a long GC pause, a partition) until the given instant.
    Paused {
        /// When it resumes.
        until: Instant,
    },
    /// Gone without a shutdown; its leases expire.
    Killed,
    /// Stopped gracefully; its leases were released.
    Stopped,
}

/// A processor's view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessorView {
    /// The shard.
    pub shard: ShardId,
    /// Whether it waits for parent shards to finish.
    pub waiting_on_parents: bool,
    /// Whether the worker has learned it lost the lease.
    pub lease_lost: bool,
    /// User records received and not yet processed.
    pub n_buffered: usize,
    /// The last user record processed.
    pub last_processed: Option<(SequenceNumber, u64)>,
}

/// A worker's view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerView {
    /// The worker.
    pub id: WorkerId,
    /// Its state.
    pub status: WorkerStatus,
    /// Its processing time per record.
    pub time_per_record: Duration,
    /// Its processors, by shard.
    pub processors: Vec<ProcessorView>,
}

/// An application's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KclCounters {
    /// User records processed, redeliveries included.
    pub n_processed: u64,
    /// Of those, redeliveries (`delivery_count > 1`).
    pub n_redelivered: u64,
    /// `GetRecords` calls and subscription drains.
    pub n_reads: u64,
    /// Reads refused with `ProvisionedThroughputExceededException`.
    pub n_throttled: u64,
    /// Checkpoints written.
    pub n_checkpoints: u64,
    /// Checkpoints refused.
    pub n_checkpoints_refused: u64,
}

/// How a processor reads its shard.
#[derive(Clone, Debug)]
enum Reader {
    /// Not yet positioned (just initialized, or after an error).
    Unpositioned,
    Polling(String),
    FanOut(SubscriptionId),
}

/// A user record received and not yet processed.
#[derive(Clone, Debug)]
struct Delivery {
    record: ClientRecord,
    arrival: Instant,
}

/// A record processor and the shard consumer that feeds it.
#[derive(Clone, Debug)]
struct Processor {
    shard: ShardId,
    /// The lease counter this worker last wrote: the condition of its next write.
    lease_counter: u64,
    waiting_on_parents: bool,
    /// Whether `initialize` ran (it runs once the parents are done).
    initialized: bool,
    lease_lost: bool,
    /// Where reading resumes: the last user record processed, or the
    /// checkpoint it started from. Records at or before it are skipped, which
    /// resumes inside an aggregated record.
    position: Checkpoint,
    reader: Reader,
    /// When the next read (or parent check) may happen.
    next_read: Instant,
    batch: VecDeque<Delivery>,
    /// When the record at the head of `batch` is done.
    next_done: Instant,
    n_since_checkpoint: u32,
    last_processed: Option<(SequenceNumber, u64)>,
    /// The reader reached the end of the closed shard.
    shard_end: bool,
}

#[derive(Clone, Debug)]
struct Worker {
    id: WorkerId,
    status: WorkerStatus,
    time_per_record: Duration,
    processors: BTreeMap<ShardId, Processor>,
    next_renewal: Instant,
    next_take: Instant,
    /// What this worker's lease taker saw at its scans, by shard.
    seen: BTreeMap<ShardId, SeenLease>,
}

/// One lease as a worker's lease taker last saw it: the KCL's `allLeases`
/// entry with its `lastCounterIncrementNanos`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SeenLease {
    counter: u64,
    /// The scan at which the taker first saw `counter`; `None` for a lease
    /// first seen unowned, which the KCL treats as never renewed.
    since: Option<Instant>,
}

/// A KCL application: its lease table, workers and output.
///
/// It serializes as a snapshot stores it, so that a caller driving an
/// application of its own can save it too.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(into = "KclAppV1", from = "KclAppV1")]
pub struct KclApp {
    config: KclConfig,
    consumer_arn: Option<String>,
    leases: LeaseTable,
    workers: Vec<Worker>,
    next_shard_sync: Instant,
    output: Vec<ProcessedRecord>,
    /// Deliveries per shard and user record (see `user_record_key`).
    deliveries: BTreeMap<ShardId, BTreeMap<u128, u32>>,
    millis_behind_latest: BTreeMap<ShardId, u64>,
    counters: KclCounters,
    events: Vec<KclEvent>,
}

impl KclApp {
    /// Starts an application on an existing stream: creates a lease for every
    /// shard and, for enhanced fan-out, registers the consumer (which stays
    /// `CREATING` for a few seconds; processors subscribe once it is active).
    /// Fails with `ResourceNotFound` if the stream does not exist, and with
    /// `RegisterStreamConsumer`'s errors for fan-out.
    pub fn new(sim: &mut Simulation, config: KclConfig) -> Result<KclApp, EfoError> {
        KclApp::start(&mut kinesis_client!(sim), config)
    }

    /// [`KclApp::new`], calling Kinesis through its client API only.
    pub(crate) fn start(kinesis: &mut KinesisClient<'_>, config: KclConfig) -> Result<KclApp, EfoError> {
        if kinesis.describe_stream_summary(&config.stream_name).is_err() {
            return Err(EfoError::ResourceNotFound(NotFound::Stream(config.stream_name.clone())));
        }
        let stream_arn = crate::stream_arn(&config.stream_name);
        let consumer_arn = match config.retrieval {
            Retrieval::FanOut => {
                Some(kinesis.register_stream_consumer(&stream_arn, &config.application_name)?.consumer_arn)
            }
            Retrieval::Polling { .. } => None,
        };
        let mut app = KclApp {
            config,
            consumer_arn,
            leases: LeaseTable::default(),
            workers: Vec::new(),
            next_shard_sync: kinesis.now(),
            output: Vec::new(),
            deliveries: BTreeMap::new(),
            millis_behind_latest: BTreeMap::new(),
            counters: KclCounters::default(),
            events: Vec::new(),
        };
        app.sync_shards(kinesis);
        Ok(app)
    }

    /// Adds a worker; it takes leases at its first tick.
    pub fn add_worker(&mut self, now: Instant) -> WorkerId {
        let id = WorkerId(self.workers.len() as u32);
        self.workers.push(Worker {
            id,
            status: WorkerStatus::Running,
            time_per_record: self.config.time_per_record,
            processors: BTreeMap::new(),
            next_renewal: now + self.config.renewal_interval(),
            next_take: now,
            seen: BTreeMap::new(),
        });
        id
    }

    /// Kills a worker: no shutdown, no release; its leases expire after the failover time.
    pub fn kill_worker(&mut self, worker: WorkerId) {
        if let Some(w) = self.worker_mut(worker) {
            w.status = WorkerStatus::Killed;
        }
    }

    /// Freezes a running worker for `duration`: it neither renews, takes nor processes.
    pub fn pause_worker(&mut self, now: Instant, worker: WorkerId, duration: Duration) {
        if let Some(w) = self.worker_mut(worker).filter(|w| w.status == WorkerStatus::Running) {
            w.status = WorkerStatus::Paused { until: now + duration };
        }
    }

    /// Sets a worker's processing time per record (the slow-processor fault).
    pub fn set_time_per_record(&mut self, worker: WorkerId, time_per_record: Duration) {
        if let Some(w) = self.worker_mut(worker) {
            w.time_per_record = time_per_record;
        }
    }

    /// Stops a worker gracefully: each processor checkpoints what it
    /// processed, shuts down with `REQUESTED` and releases its lease, so other
    /// workers take the leases at their next taker run without waiting for
    /// expiry. Records received and not processed are read again by the next owner.
    pub fn stop_worker(&mut self, now: Instant, worker: WorkerId) {
        let Some(idx) = self.workers.iter().position(|w| w.id == worker && w.status != WorkerStatus::Killed) else {
            return;
        };
        let shards: Vec<ShardId> = self.workers[idx].processors.keys().copied().collect();
        for shard in shards {
            let mut processor = self.workers[idx].processors.remove(&shard).expect("listed above");
            if processor.n_since_checkpoint > 0 {
                let position = processor.position;
                // A refused checkpoint is already in the events; the shutdown goes on.
                let _ = self.checkpoint_processor(now, worker, &mut processor, position);
            }
            self.leases.release(now, shard, worker, processor.lease_counter);
            self.events.push(KclEvent::Shutdown { at: now, worker, shard, reason: ShutdownReason::Requested });
        }
        self.workers[idx].status = WorkerStatus::Stopped;
    }

    /// Checkpoints a processor at the last record it processed (for
    /// [`CheckpointPolicy::Manual`], or at any time).
    pub fn checkpoint(&mut self, now: Instant, worker: WorkerId, shard: ShardId) -> Result<(), CheckpointError> {
        let idx = self.workers.iter().position(|w| w.id == worker).ok_or(CheckpointError::InvalidState)?;
        let mut processor = self.workers[idx].processors.remove(&shard).ok_or(CheckpointError::InvalidState)?;
        let result = match processor.last_processed {
            None => Err(CheckpointError::InvalidState),
            Some(_) => {
                let position = processor.position;
                self.checkpoint_processor(now, worker, &mut processor, position)
            }
        };
        self.workers[idx].processors.insert(shard, processor);
        result
    }

    /// The first phase of a two-phase checkpoint: records the last processed
    /// record as the lease's `pendingCheckpoint`.
    pub fn prepare_checkpoint(
        &mut self,
        now: Instant,
        worker: WorkerId,
        shard: ShardId,
    ) -> Result<(), CheckpointError> {
        let processor = self
            .workers
            .iter_mut()
            .find(|w| w.id == worker)
            .and_then(|w| w.processors.get_mut(&shard))
            .filter(|p| p.last_processed.is_some())
            .ok_or(CheckpointError::InvalidState)?;
        let counter = self
            .leases
            .prepare_checkpoint(now, shard, worker, processor.lease_counter, processor.position)
            .ok_or(CheckpointError::Shutdown)?;
        processor.lease_counter = counter;
        Ok(())
    }

    /// Does everything due at `sim.now()`: shard sync, then for each worker
    /// in id order its processors, lease renewal and lease taking.
    pub fn tick(&mut self, sim: &mut Simulation) {
        self.run(&mut kinesis_client!(sim));
    }

    /// [`KclApp::tick`], calling Kinesis through its client API only.
    pub(crate) fn run(&mut self, kinesis: &mut KinesisClient<'_>) {
        let now = kinesis.now();
        if now >= self.next_shard_sync {
            self.sync_shards(kinesis);
        }
        for idx in 0..self.workers.len() {
            match self.workers[idx].status {
                WorkerStatus::Killed | WorkerStatus::Stopped => continue,
                WorkerStatus::Paused { until } if now < until => continue,
                WorkerStatus::Paused { .. } => self.resume(idx, now),
                WorkerStatus::Running => {}
            }
            // Processors run before renewal, so a resumed zombie first
            // carries on with the batch it held, as a real paused JVM would.
            self.run_processors(idx, kinesis);
            if now >= self.workers[idx].next_renewal {
                self.renew(idx, now);
            }
            if now >= self.workers[idx].next_take {
                self.take(idx, now);
                // New leases start processing at once.
                self.run_processors(idx, kinesis);
            }
        }
    }

    /// When [`KclApp::tick`] must next run, if anything is scheduled.
    #[must_use]
    pub fn next_deadline(&self) -> Option<Instant> {
        let workers = self.workers.iter().filter_map(|w| match w.status {
            WorkerStatus::Killed | WorkerStatus::Stopped => None,
            WorkerStatus::Paused { until } => Some(until),
            WorkerStatus::Running => {
                let processors =
                    w.processors.values().map(|p| if p.batch.is_empty() { p.next_read } else { p.next_done });
                processors.chain([w.next_renewal, w.next_take]).min()
            }
        });
        workers.chain([self.next_shard_sync]).min()
    }

    /// The configuration.
    pub fn config(&self) -> &KclConfig {
        &self.config
    }

    /// The lease table, by shard.
    pub fn leases(&self) -> Vec<Lease> {
        self.leases.rows().cloned().collect()
    }

    /// How many unfinished leases each live worker holds, by worker.
    pub fn lease_counts(&self) -> BTreeMap<WorkerId, usize> {
        let mut counts: BTreeMap<WorkerId, usize> = self
            .workers
            .iter()
            .filter(|w| matches!(w.status, WorkerStatus::Running | WorkerStatus::Paused { .. }))
            .map(|w| (w.id, 0))
            .collect();
        for lease in self.leases.rows().filter(|l| !l.is_finished()) {
            if let Some(count) = lease.lease_owner.and_then(|owner| counts.get_mut(&owner)) {
                *count += 1;
            }
        }
        counts
    }

    /// The earliest scan since which a running worker other than the
    /// owner has seen this lease's counter unchanged: the clock by which its
    /// taker judges the lease expired. `None` if the lease is unowned or no
    /// such worker has seen its current counter yet.
    pub fn unchanged_since(&self, shard: ShardId) -> Option<Instant> {
        let lease = self.leases.get(shard)?;
        let owner = lease.lease_owner?;
        self.workers
            .iter()
            .filter(|w| w.id != owner && matches!(w.status, WorkerStatus::Running | WorkerStatus::Paused { .. }))
            .filter_map(|w| w.seen.get(&shard).filter(|s| s.counter == lease.lease_counter).and_then(|s| s.since))
            .min()
    }

    /// Shard `shard`'s lease's age at `now` (see [`LeaseAgeing`]); `None`
    /// if the table has no such lease.
    pub(crate) fn lease_ageing(&self, now: Instant, shard: ShardId) -> Option<LeaseAgeing> {
        let lease = self.leases.get(shard)?;
        let taker = lease.lease_owner.map(|_| match self.unchanged_since(shard) {
            None => TakerJudgement::NotSeen,
            Some(since) => {
                let seen_for = now.saturating_since(since);
                if self.config.lease_expired(seen_for) {
                    TakerJudgement::Expired
                } else {
                    TakerJudgement::Unexpired { seen_for, failover_time: self.config.failover_time }
                }
            }
        });
        Some(LeaseAgeing { since_renewal: now.saturating_since(lease.last_renewal), taker })
    }

    /// Every worker, by id.
    pub fn workers(&self) -> Vec<WorkerView> {
        self.workers
            .iter()
            .map(|w| WorkerView {
                id: w.id,
                status: w.status,
                time_per_record: w.time_per_record,
                processors: w
                    .processors
                    .values()
                    .map(|p| ProcessorView {
                        shard: p.shard,
                        waiting_on_parents: p.waiting_on_parents,
                        lease_lost: p.lease_lost,
                        n_buffered: p.batch.len(),
                        last_processed: p.last_processed,
                    })
                    .collect(),
            })
            .collect()
    }

    /// Every user record processed, in processing order.
    pub fn output(&self) -> &[ProcessedRecord] {
        &self.output
    }

    /// Lifecycle events, oldest first.
    pub fn events(&self) -> &[KclEvent] {
        &self.events
    }

    /// The counters.
    pub fn counters(&self) -> KclCounters {
        self.counters
    }

    /// `MillisBehindLatest` from each shard's last read, by shard.
    pub fn millis_behind_latest(&self) -> &BTreeMap<ShardId, u64> {
        &self.millis_behind_latest
    }

    fn worker_mut(&mut self, worker: WorkerId) -> Option<&mut Worker> {
        self.workers.iter_mut().find(|w| w.id == worker)
    }

    /// `ShardSyncer`: a lease for every shard of the stream that has none.
    /// A shard whose parent has a lease starts at `TRIM_HORIZON`, so that
    /// nothing written after the reshard is skipped.
    fn sync_shards(&mut self, kinesis: &mut KinesisClient<'_>) {
        self.next_shard_sync = kinesis.now() + SHARD_SYNC_INTERVAL;
        let Ok(shards) = kinesis.all_shards(&self.config.stream_name, ShardFilter::FromTrimHorizon) else { return };
        for shard in &shards {
            let parents: Vec<ShardId> = shard.parent.into_iter().chain(shard.adjacent_parent).collect();
            let start = if parents.iter().any(|p| self.leases.get(*p).is_some()) {
                Checkpoint::TrimHorizon
            } else {
                match self.config.initial_position {
                    InitialPosition::TrimHorizon => Checkpoint::TrimHorizon,
                    InitialPosition::Latest => Checkpoint::Latest,
                }
            };
            self.leases.create_if_absent(kinesis.now(), shard.id, parents, start);
        }
    }

    fn resume(&mut self, idx: usize, now: Instant) {
        let worker = &mut self.workers[idx];
        worker.status = WorkerStatus::Running;
        // The record in progress when the worker froze is finished afresh.
        for processor in worker.processors.values_mut() {
            processor.next_done = processor.next_done.max(now + worker.time_per_record);
        }
    }

    /// `LeaseRenewer`: one conditional write per held lease.
    fn renew(&mut self, idx: usize, now: Instant) {
        let worker = &mut self.workers[idx];
        worker.next_renewal = now + self.config.renewal_interval();
        for processor in worker.processors.values_mut().filter(|p| !p.lease_lost) {
            match self.leases.renew(now, processor.shard, worker.id, processor.lease_counter) {
                Some(counter) => processor.lease_counter = counter,
                None => {
                    processor.lease_lost = true;
                    self.events.push(KclEvent::LeaseLost { at: now, worker: worker.id, shard: processor.shard });
                }
            }
        }
    }

    /// The taker's scan (`updateAllLeases`): notes, for each lease, the scan
    /// at which this worker first saw its current counter.
    fn scan(&mut self, idx: usize, now: Instant) {
        let worker = &mut self.workers[idx];
        let seen: BTreeMap<ShardId, SeenLease> = self
            .leases
            .rows()
            .map(|lease| {
                let since = match worker.seen.get(&lease.lease_key) {
                    Some(before) if before.counter == lease.lease_counter => before.since,
                    Some(_) => Some(now),
                    // First seen owned: treated as just renewed, so a new worker
                    // waits a failover time before taking a dead worker's lease.
                    None if lease.lease_owner.is_some() => Some(now),
                    // First seen unowned: never renewed.
                    None => None,
                };
                (lease.lease_key, SeenLease { counter: lease.lease_counter, since })
            })
            .collect();
        worker.seen = seen;
    }

    /// `LeaseTaker`: scans the table, then takes expired or unowned leases up
    /// to the fair share, else steals from the most loaded worker.
    ///
    /// As in the KCL's `DynamoDBLeaseTaker`, expiry is judged from this
    /// worker's own scans, never from when a lease was really renewed (which
    /// no worker can see): a lease whose counter changed since the previous
    /// scan counts as renewed at this scan, one first seen owned counts as
    /// just renewed, and a lease is expired once its counter has stayed the
    /// same across scans for longer than the failover time. With scans every
    /// 2 × failover time, a dead worker's lease is taken at the second scan
    /// after its last renewal: 20 to 40 s with the defaults.
    fn take(&mut self, idx: usize, now: Instant) {
        let me = self.workers[idx].id;
        self.workers[idx].next_take = now + self.config.taker_interval();
        self.scan(idx, now);
        let seen = &self.workers[idx].seen;
        let expired = |l: &Lease| {
            l.lease_owner.is_none()
                || seen
                    .get(&l.lease_key)
                    .is_none_or(|s| s.since.is_none_or(|at| self.config.lease_expired(now.saturating_since(at))))
        };
        let live: Vec<&Lease> = self.leases.rows().filter(|l| !l.is_finished()).collect();
        // Workers count if they hold a lease that has not expired; this one counts regardless.
        let mut load: BTreeMap<WorkerId, usize> = BTreeMap::new();
        load.insert(me, 0);
        for lease in live.iter().filter(|l| !expired(l)) {
            *load.entry(lease.lease_owner.expect("unexpired leases are owned")).or_default() += 1;
        }
        let target = live.len().div_ceil(load.len());
        let mine = load[&me];
        let needed = target.saturating_sub(mine);
        if needed == 0 {
            return;
        }
        let available: Vec<(ShardId, u64)> = live
            .iter()
            .filter(|l| expired(l) && l.lease_owner != Some(me))
            .map(|l| (l.lease_key, l.lease_counter))
            .collect();
        let chosen: Vec<(ShardId, u64)> = if available.is_empty() {
            // The first of the most loaded workers, so ties break by id.
            let Some((&victim, &most)) =
                load.iter().filter(|(w, _)| **w != me).max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            else {
                return;
            };
            let mut n_steal = 0;
            if most >= target {
                n_steal = needed.min(most - target);
                // The KCL steals one even from a worker at target when it needs
                // more than one, or a newcomer would never reach its share.
                if needed > 1 && n_steal == 0 {
                    n_steal = 1;
                }
            }
            live.iter()
                .filter(|l| l.lease_owner == Some(victim) && !expired(l))
                .map(|l| (l.lease_key, l.lease_counter))
                .take(n_steal.min(self.config.max_leases_to_steal_at_one_time))
                .collect()
        } else {
            available.into_iter().take(needed).collect()
        };
        for (shard, counter) in chosen {
            // A failed take leaves the view stale; the next scan sees the new counter.
            let Some((new_counter, from)) = self.leases.take(now, shard, counter, me) else { continue };
            self.workers[idx].seen.insert(shard, SeenLease { counter: new_counter, since: Some(now) });
            let lease = self.leases.get(shard).expect("just taken");
            let waiting_on_parents = !lease.parent_shard_ids.is_empty();
            let processor = Processor {
                shard,
                lease_counter: new_counter,
                waiting_on_parents,
                initialized: false,
                lease_lost: false,
                position: lease.checkpoint,
                reader: Reader::Unpositioned,
                next_read: now,
                batch: VecDeque::new(),
                next_done: now,
                n_since_checkpoint: 0,
                last_processed: None,
                shard_end: false,
            };
            self.workers[idx].processors.insert(shard, processor);
            self.events.push(KclEvent::LeaseTaken { at: now, worker: me, shard, from });
        }
    }

    fn run_processors(&mut self, idx: usize, kinesis: &mut KinesisClient<'_>) {
        let shards: Vec<ShardId> = self.workers[idx].processors.keys().copied().collect();
        for shard in shards {
            let mut processor = self.workers[idx].processors.remove(&shard).expect("listed above");
            if let Some(reason) = self.step(idx, &mut processor, kinesis) {
                let worker = self.workers[idx].id;
                self.events.push(KclEvent::Shutdown { at: kinesis.now(), worker, shard, reason });
            } else {
                self.workers[idx].processors.insert(shard, processor);
            }
        }
    }

    /// Advances one processor as far as the client's clock allows; `Some` when it shut down.
    fn step(&mut self, idx: usize, p: &mut Processor, kinesis: &mut KinesisClient<'_>) -> Option<ShutdownReason> {
        let now = kinesis.now();
        let worker = self.workers[idx].id;
        let time_per_record = self.workers[idx].time_per_record;
        if p.waiting_on_parents {
            if p.lease_lost {
                return Some(ShutdownReason::Zombie);
            }
            if now < p.next_read {
                return None;
            }
            if !self.parents_done(p.shard) {
                p.next_read = now + PARENT_SHARD_POLL_INTERVAL;
                return None;
            }
            p.waiting_on_parents = false;
        }
        if !p.initialized {
            let lease = self.leases.get(p.shard).expect("a processor has a lease");
            self.events.push(KclEvent::Initialized {
                at: now,
                worker,
                shard: p.shard,
                checkpoint: lease.checkpoint,
                pending_checkpoint: lease.pending_checkpoint,
            });
            p.initialized = true;
        }
        let mut has_read = false;
        loop {
            // Process whatever is done by now, one record at a time.
            while !p.batch.is_empty() && p.next_done <= now {
                let done = p.next_done;
                let delivery = p.batch.pop_front().expect("not empty");
                self.record_output(worker, p.shard, &delivery, done);
                let record = &delivery.record;
                let position = Checkpoint::At {
                    sequence_number: record.sequence_number,
                    sub_sequence_number: record.sub_sequence_number,
                };
                p.position = position;
                p.last_processed = Some((record.sequence_number, record.sub_sequence_number));
                p.n_since_checkpoint += 1;
                p.next_done = done + time_per_record;
                let due = match self.config.checkpoint_policy {
                    CheckpointPolicy::EveryNRecords(n) => p.n_since_checkpoint >= n,
                    CheckpointPolicy::EveryBatch => p.batch.is_empty(),
                    CheckpointPolicy::Manual => false,
                };
                if due && self.checkpoint_processor(done, worker, p, position).is_err() {
                    // The processor gives up on the batch, as one catching
                    // `ShutdownException` would; the shard's new owner reads it.
                    p.batch.clear();
                    return Some(ShutdownReason::Zombie);
                }
            }
            if !p.batch.is_empty() {
                return None;
            }
            if p.lease_lost {
                return Some(ShutdownReason::Zombie);
            }
            if p.shard_end {
                return Some(match self.checkpoint_processor(now, worker, p, Checkpoint::ShardEnd) {
                    Ok(()) => {
                        self.leases.release(now, p.shard, worker, p.lease_counter);
                        // The KCL syncs shards on TERMINATE, so the children's leases appear at once.
                        self.sync_shards(kinesis);
                        ShutdownReason::Terminate
                    }
                    Err(_) => ShutdownReason::Zombie,
                });
            }
            if has_read || now < p.next_read {
                return None;
            }
            has_read = true;
            self.read(p, kinesis);
            p.next_done = now + time_per_record;
        }
    }

    /// `BlockOnParentShardTask`: a parent blocks while it has a lease not checkpointed at `SHARD_END`.
    fn parents_done(&self, shard: ShardId) -> bool {
        let lease = self.leases.get(shard).expect("a processor has a lease");
        let parent = |id: &ShardId| match self.leases.get(*id) {
            None => Parent::Untracked,
            Some(lease) if lease.is_finished() => Parent::Finished,
            Some(_) => Parent::Unfinished,
        };
        lineage::may_read(&lease.parent_shard_ids, parent)
    }

    fn record_output(&mut self, worker: WorkerId, shard: ShardId, delivery: &Delivery, processed_at: Instant) {
        let record = &delivery.record;
        let key = user_record_key(record.sequence_number, record.sub_sequence_number);
        let delivery_count = self.deliveries.entry(shard).or_default().entry(key).or_default();
        *delivery_count += 1;
        self.counters.n_processed += 1;
        if *delivery_count > 1 {
            self.counters.n_redelivered += 1;
        }
        self.output.push(ProcessedRecord {
            worker,
            shard,
            sequence_number: record.sequence_number,
            sub_sequence_number: record.sub_sequence_number,
            partition_key: record.user_record.partition_key.clone(),
            data: record.user_record.data.clone(),
            delivery_count: *delivery_count,
            arrival: delivery.arrival,
            processed_at,
        });
    }

    /// Writes a checkpoint conditional on the processor's lease counter.
    fn checkpoint_processor(
        &mut self,
        now: Instant,
        worker: WorkerId,
        p: &mut Processor,
        checkpoint: Checkpoint,
    ) -> Result<(), CheckpointError> {
        let shard = p.shard;
        match self.leases.checkpoint(now, shard, worker, p.lease_counter, checkpoint) {
            Some(counter) => {
                p.lease_counter = counter;
                p.n_since_checkpoint = 0;
                self.counters.n_checkpoints += 1;
                self.events.push(KclEvent::Checkpointed { at: now, worker, shard, checkpoint });
                Ok(())
            }
            None => {
                p.lease_lost = true;
                self.counters.n_checkpoints_refused += 1;
                self.events.push(KclEvent::CheckpointRefused { at: now, worker, shard, checkpoint });
                Err(CheckpointError::Shutdown)
            }
        }
    }

    /// Where a reader starts: the processor's position as a starting position.
    fn starting_position(position: Checkpoint) -> StartingPosition {
        match position {
            Checkpoint::TrimHorizon => StartingPosition::TrimHorizon,
            Checkpoint::Latest => StartingPosition::Latest,
            // At, not after: the rest of an aggregated record may be unprocessed.
            Checkpoint::At { sequence_number, .. } => StartingPosition::AtSequenceNumber(sequence_number.to_string()),
            Checkpoint::ShardEnd => unreachable!("finished leases are never taken"),
        }
    }

    /// One read: a `GetRecords` call or a subscription drain. Fills the batch
    /// with the de-aggregated user records past the processor's position.
    fn read(&mut self, p: &mut Processor, kinesis: &mut KinesisClient<'_>) {
        let now = kinesis.now();
        let records;
        let millis_behind_latest;
        match self.config.retrieval {
            Retrieval::Polling { idle_time_between_reads } => {
                p.next_read = now + idle_time_between_reads;
                let iterator = match &p.reader {
                    Reader::Polling(iterator) => iterator.clone(),
                    _ => {
                        let input = GetShardIteratorInput {
                            stream_name: self.config.stream_name.clone(),
                            shard_id: p.shard,
                            position: Self::starting_position(p.position),
                        };
                        match kinesis.get_shard_iterator(input) {
                            Ok(iterator) => iterator,
                            // The stream is gone or being changed: try again later.
                            Err(_) => return,
                        }
                    }
                };
                self.counters.n_reads += 1;
                match kinesis.get_records(&iterator, Some(self.config.max_records)) {
                    Ok(page) => {
                        p.shard_end = page.next_shard_iterator.is_none();
                        p.reader = page.next_shard_iterator.map_or(Reader::Unpositioned, Reader::Polling);
                        records = page.records;
                        millis_behind_latest = page.millis_behind_latest;
                    }
                    Err(GetRecordsError::ProvisionedThroughputExceeded(_)) => {
                        // The KCL backs off and retries with the same iterator.
                        self.counters.n_throttled += 1;
                        p.reader = Reader::Polling(iterator);
                        return;
                    }
                    Err(_) => {
                        // Expired iterator and the like: start again from the position.
                        p.reader = Reader::Unpositioned;
                        return;
                    }
                }
            }
            Retrieval::FanOut => {
                p.next_read = now + EFO_DELIVERY_INTERVAL;
                let subscription = match p.reader {
                    Reader::FanOut(id) => id,
                    _ => {
                        let arn = self.consumer_arn.as_deref().expect("fan-out applications register a consumer");
                        match kinesis.subscribe_to_shard(arn, p.shard, Self::starting_position(p.position)) {
                            Ok(id) => id,
                            // Not yet ACTIVE, or the previous owner's subscription
                            // is under 5 seconds old: try again at the next drain.
                            Err(_) => return,
                        }
                    }
                };
                self.counters.n_reads += 1;
                let Ok(read) = kinesis.read_subscription(subscription) else {
                    p.reader = Reader::Unpositioned;
                    return;
                };
                let at_end = read.ended && !read.event.child_shards.is_empty();
                p.shard_end = at_end;
                // An expired subscription is renewed from the processor's position.
                p.reader = if read.ended { Reader::Unpositioned } else { Reader::FanOut(subscription) };
                records = read.event.records;
                millis_behind_latest = read.event.millis_behind_latest;
            }
        }
        self.millis_behind_latest.insert(p.shard, millis_behind_latest);
        let after = match p.position {
            Checkpoint::At { sequence_number, sub_sequence_number } => {
                Some(user_record_key(sequence_number, sub_sequence_number))
            }
            _ => None,
        };
        for record in &records {
            let arrival = record.approximate_arrival();
            for user in kpl::deaggregate_record(record) {
                let at = user_record_key(user.sequence_number, user.sub_sequence_number);
                if after.is_none_or(|after| at > after) {
                    p.batch.push_back(Delivery { record: user, arrival });
                }
            }
        }
    }
}

/// A user record's position within its shard, ordered as the shard orders
/// them: the sequence counter, then the sub-sequence number.
fn user_record_key(sequence_number: SequenceNumber, sub_sequence_number: u64) -> u128 {
    (u128::from(sequence_number.counter()) << 64) | u128::from(sub_sequence_number)
}
