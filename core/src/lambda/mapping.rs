//! One event-source mapping at work: its shard readers, their lanes, the
//! batches in flight and the invocation log.
//!
//! A mapping keeps one [`ShardReader`] per shard of its stream. A reader
//! polls its shard into `ParallelizationFactor` lanes, by partition key
//! hash; a lane invokes one batch at a time, so records of one key are
//! processed in order. A failed batch waits in its lane's `pending` queue
//! (bisected halves first half first, or the batch again for a retry)
//! until it succeeds or is discarded, and nothing behind it in the lane
//! runs meanwhile: that is how one poison pill blocks its shard (or lane).
//! A throttled batch waits there too, without using up a retry.
//!
//! Under a tumbling window a lane also keeps its [`OpenWindow`]: the state
//! the function last returned, carried into the next invocation, until a
//! final invocation (a [`Batch`] without records) closes the window.

pub(super) mod snapshot_v1;

use alloc::collections::{BTreeMap, VecDeque};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::filter::Filters;
use super::function::Function;
use super::function::Response;
use super::{
    BUSY_POLL_INTERVAL, FAN_OUT_DELIVERY_INTERVAL, IDLE_POLL_INTERVAL, MAX_LOGGED_INVOCATIONS, MAX_PAYLOAD_BYTES,
    MAX_WINDOW_STATE_BYTES, MappingConfig, MappingStartingPosition, RETRY_DELAY, WINDOW_CLOSE_WAIT, function_arn,
};
use crate::StartingPosition;
use crate::destinations::Outbox;
use crate::error::GetRecordsError;
use crate::hash::HashKey;
use crate::kinesis::KinesisClient;
use crate::kinesis::ops_efo::SubscriptionId;
use crate::kinesis::ops_records::GetShardIteratorInput;
use crate::kinesis::ops_streams::ShardFilter;
use crate::kinesis::stream::{Record, ShardId};
use crate::lineage::{self, Parent};
use crate::sequence::SequenceNumber;
use crate::time::{Duration, Instant};

/// What the function's response said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvocationOutcome {
    /// It returned, with no `batchItemFailures` the mapping heeds.
    Succeeded,
    /// It returned `batchItemFailures`; `lowest` is the lowest sequence number listed.
    BatchItemFailures {
        /// Where the mapping resumes.
        lowest: SequenceNumber,
    },
    /// It threw.
    FunctionError,
    /// It ran out of its `Timeout` ("Task timed out"): a function error.
    TimedOut,
}

/// What the mapping did with the batch afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Handling {
    /// Every record is done; the lane moves on.
    Checkpointed,
    /// The batch (from the lowest failure, for a partial one) will be invoked again.
    Retried,
    /// The batch was split in two halves, each to be invoked on its own.
    Bisected,
    /// Retries ran out: the records were discarded (and reported to the
    /// on-failure destination, if there is one).
    Discarded,
}

/// One invocation of the function, as the log shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invocation {
    /// Numbered from 0 over the mapping's life, in the order they ended.
    pub number: u64,
    /// The shard the batch came from.
    pub shard_id: ShardId,
    /// The lane (0 to `ParallelizationFactor` - 1) that invoked it.
    pub lane: u32,
    /// The batch's first record.
    pub first_sequence_number: SequenceNumber,
    /// The batch's last record.
    pub last_sequence_number: SequenceNumber,
    /// Records in the batch.
    pub batch_size: u32,
    /// 1 for the first invocation with these records, then one more per retry.
    pub attempt: u32,
    /// When the mapping invoked the function.
    pub started: Instant,
    /// When the function's response came back.
    pub ended: Instant,
    /// Lambda's `IteratorAge`: how old the batch's last record was when invoked.
    pub iterator_age: Duration,
    /// The response.
    pub outcome: InvocationOutcome,
    /// What came of it.
    pub handling: Handling,
    /// Under a tumbling window, the window members of the event and the
    /// `state` the function returned. A final invocation has no records:
    /// its sequence numbers are the window's last record processed, and its
    /// `batch_size` is 0.
    #[serde(default)]
    pub window: Option<InvocationWindow>,
}

/// The tumbling-window members of an invocation's event, and its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvocationWindow {
    /// `window.start`.
    pub start: Instant,
    /// `window.end`.
    pub end: Instant,
    /// `state`: what the window's previous invocation returned (`{}` at first).
    pub state: String,
    /// `isFinalInvokeForWindow`.
    pub is_final_invoke_for_window: bool,
    /// `isWindowTerminatedEarly`.
    pub is_window_terminated_early: bool,
    /// The `state` the function returned, if any.
    pub returned_state: Option<String>,
}

/// A lane, as [`MappingStatus`] shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneStatus {
    /// Records read and waiting for an invocation (including failed batches awaiting a retry).
    pub waiting_records: u32,
    /// The size of the batch being processed, if one is.
    pub in_flight_batch_size: Option<u32>,
    /// The last record processed or discarded.
    pub last_processed: Option<SequenceNumber>,
    /// How many times the batch in flight, or else the failed batch next in
    /// line, has been retried; 0 when the lane is not retrying.
    pub retries: u32,
}

impl LaneStatus {
    /// Which attempt at the lane's batch is under way, or next if none is,
    /// under `maximum_retry_attempts` (-1: no limit). A limit lowered below
    /// the retries a batch has had makes that attempt the last (`fail`
    /// retries only while the retries are below the limit).
    pub fn attempt(&self, maximum_retry_attempts: i32) -> Attempt {
        let limit = u32::try_from(maximum_retry_attempts).ok();
        match limit {
            Some(limit) if self.retries > limit => Attempt::LastAfterLimitLowered { retries_made: self.retries, limit },
            _ if self.retries == 0 => Attempt::First,
            _ => Attempt::Retry { number: self.retries + 1, of: limit.map(|limit| limit + 1) },
        }
    }
}

/// Which attempt at a batch a lane makes (see [`LaneStatus::attempt`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The first: the batch has not failed.
    First,
    /// A retry: attempt `number`, of at most `of` (`None` without a retry limit).
    Retry {
        /// The retries made so far, plus one.
        number: u32,
        /// `MaximumRetryAttempts` + 1.
        of: Option<u32>,
    },
    /// The last, whatever its number: `MaximumRetryAttempts` was lowered
    /// below the retries already made.
    LastAfterLimitLowered {
        /// The retries made so far.
        retries_made: u32,
        /// `MaximumRetryAttempts` now.
        limit: u32,
    },
}

/// A shard, as [`MappingStatus`] shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardStatus {
    /// The shard.
    pub shard_id: ShardId,
    /// Whether the mapping reads it now: its parents are done, and it is not done itself.
    pub active: bool,
    /// Read to its end and every record processed.
    pub finished: bool,
    /// The last record read from the shard.
    pub read_after: Option<SequenceNumber>,
    /// `IteratorAge` of the shard's last invocation.
    pub iterator_age: Duration,
    /// Its lanes.
    pub lanes: Vec<LaneStatus>,
}

/// `GetEventSourceMapping`'s answer, with the simulation's view of progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappingStatus {
    /// `UUID`.
    pub uuid: String,
    /// `EventSourceArn`.
    pub event_source_arn: String,
    /// `FunctionArn`.
    pub function_arn: String,
    /// `State`: always `Enabled` here.
    pub state: &'static str,
    /// `StartingPosition`.
    pub starting_position: MappingStartingPosition,
    /// `StartingPositionTimestamp`.
    pub starting_position_timestamp: Option<Instant>,
    /// The settings.
    pub config: MappingConfig,
    /// `LastModified`.
    pub last_modified: Instant,
    /// `LastProcessingResult`: `No records processed`, `OK` or `PROBLEM: Function call failed`.
    pub last_processing_result: &'static str,
    /// Batches that may run at once: active shards × `ParallelizationFactor`.
    pub concurrency: u32,
    /// Batches running now.
    pub in_flight: u32,
    /// The largest `IteratorAge` of the active shards' last invocations.
    pub iterator_age: Duration,
    /// Invocations so far.
    pub invocations: u64,
    /// Records discarded after retries or by age.
    pub discarded_records: u64,
    /// Records `FilterCriteria` filtered out: checkpointed, never invoked.
    pub filtered_records: u64,
    /// Invocations the function's concurrency refused; each was tried again.
    pub throttles: u64,
    /// Every shard the mapping knows, by shard id.
    pub shards: Vec<ShardStatus>,
}

/// Records handed to the function together.
#[derive(Clone, Debug)]
struct Batch {
    // Invariant: in sequence order; empty only for a final invocation.
    records: Vec<Record>,
    /// Times these records were retried (bisection does not count).
    retries: u32,
    /// Set for a tumbling window's final invocation, which has no records.
    closes_window: Option<CloseWindow>,
}

/// A final invocation: the window it closes ends early, or for good.
#[derive(Clone, Copy, Debug)]
struct CloseWindow {
    /// `isWindowTerminatedEarly`: the window goes on with a fresh state.
    early: bool,
    /// The window's last record processed, to log the invocation by.
    after: SequenceNumber,
}

impl Batch {
    fn new(records: Vec<Record>, retries: u32) -> Batch {
        Batch { records, retries, closes_window: None }
    }

    fn closing(window: &OpenWindow, early: bool) -> Batch {
        Batch { records: Vec::new(), retries: 0, closes_window: Some(CloseWindow { early, after: window.last }) }
    }

    /// The first record of a batch with records.
    fn first(&self) -> &Record {
        &self.records[0]
    }

    /// The last record of a batch with records.
    fn last(&self) -> &Record {
        &self.records[self.records.len() - 1]
    }

    /// The first and last sequence numbers, as the log shows them.
    fn bounds(&self) -> (SequenceNumber, SequenceNumber) {
        match (self.records.first(), self.records.last(), self.closes_window) {
            (Some(first), Some(last), _) => (first.sequence_number(), last.sequence_number()),
            (_, _, Some(close)) => (close.after, close.after),
            _ => unreachable!("a batch without records closes a window"),
        }
    }
}

/// A lane's tumbling window, from its first batch to its final invocation.
#[derive(Clone, Debug)]
struct OpenWindow {
    start: Instant,
    /// The `state` the last successful invocation returned (JSON).
    state: String,
    /// The last record of the window invoked.
    last: SequenceNumber,
}

/// The window `at` falls in: windows of `length` follow one another from
/// the epoch, so every shard's windows share their boundaries.
fn window_start(at: Instant, length: Duration) -> Instant {
    let length = length.as_millis();
    Instant::from_epoch_millis(at.epoch_millis() / length * length)
}

#[derive(Clone, Debug)]
struct InFlight {
    batch: Batch,
    response: Response,
    started: Instant,
    ends: Instant,
    iterator_age: Duration,
    /// The window members the function was invoked with.
    window: Option<InvocationWindow>,
}

#[derive(Clone, Debug)]
struct Lane {
    /// Records read, in sequence order, not yet in a batch.
    queue: VecDeque<Record>,
    /// Failed batches (or bisected halves) to invoke before anything in `queue`.
    pending: VecDeque<Batch>,
    in_flight: Option<InFlight>,
    /// No invocation starts before this (the retry delay).
    not_before: Instant,
    /// When the batching window of the records in `queue` opened.
    window_opened: Option<Instant>,
    /// When the lane's last invocation completed: a batching window never
    /// opens before the previous invocation completes.
    last_completed: Option<Instant>,
    last_processed: Option<SequenceNumber>,
    /// The last record `FilterCriteria` filtered out while records before
    /// it were still unprocessed: it is checkpointed once they are.
    filtered_through: Option<SequenceNumber>,
    /// The tumbling window being aggregated, if any.
    window: Option<OpenWindow>,
}

impl Lane {
    fn new() -> Lane {
        Lane {
            queue: VecDeque::new(),
            pending: VecDeque::new(),
            in_flight: None,
            not_before: Instant::from_epoch_millis(0),
            window_opened: None,
            last_completed: None,
            last_processed: None,
            filtered_through: None,
            window: None,
        }
    }

    fn waiting_records(&self) -> usize {
        self.queue.len() + self.pending.iter().map(|b| b.records.len()).sum::<usize>()
    }

    /// Nothing in flight, pending or aggregated: the lane can be rebalanced.
    fn is_idle(&self) -> bool {
        self.in_flight.is_none() && self.pending.is_empty() && self.window.is_none()
    }

    fn is_empty(&self) -> bool {
        self.is_idle() && self.queue.is_empty()
    }

    /// Checkpoints a filtered-out record once nothing before it is left to
    /// process, as Lambda commits records its filters dropped.
    fn settle_filtered(&mut self) {
        let Some(filtered) = self.filtered_through else { return };
        let passed = self.last_processed.is_some_and(|done| done.counter() >= filtered.counter());
        if !passed && self.is_empty() {
            self.last_processed = Some(filtered);
        }
        if passed || self.is_empty() {
            self.filtered_through = None;
        }
    }

    /// When the lane next has something to do: a response due, a retry,
    /// or a batch whose window closes.
    fn deadline(&self, config: &MappingConfig, shard_read_to_end: bool) -> Option<Instant> {
        if let Some(in_flight) = &self.in_flight {
            return Some(in_flight.ends);
        }
        if !self.pending.is_empty() {
            return Some(self.not_before);
        }
        if let Some(window) = &self.window {
            // The window closes once a record of another window is read, its
            // shard ends, or nothing more of it has come for a while after its
            // end; and at once if an update turned tumbling windows off.
            let Some(length) = config.tumbling_window() else { return Some(self.not_before) };
            let other =
                self.queue.front().is_some_and(|r| window_start(r.approximate_arrival(), length) != window.start);
            if other || (self.queue.is_empty() && shard_read_to_end) {
                return Some(self.not_before);
            }
            if self.queue.is_empty() {
                return Some((window.start + length + WINDOW_CLOSE_WAIT).max(self.not_before));
            }
        }
        if self.queue.is_empty() {
            return None;
        }
        // A batch ends at a window boundary, so records of a later window cut
        // it. (A lane's records arrived in order: the last is the latest.)
        let cut = config.tumbling_window().is_some_and(|length| {
            let window_of = |r: &Record| window_start(r.approximate_arrival(), length);
            self.queue.front().map(window_of) != self.queue.back().map(window_of)
        });
        let full = cut || self.queue.len() >= config.batch_size as usize;
        // Records read while a batch was in flight start their window when it completes.
        let opened = self.window_opened.unwrap_or(self.not_before).max(self.last_completed.unwrap_or(self.not_before));
        let ready = if full || shard_read_to_end { opened } else { opened + config.batching_window() };
        Some(ready.max(self.not_before))
    }

    /// The next batch to invoke at `now`, if one is ready.
    fn take_batch(&mut self, now: Instant, config: &MappingConfig, shard_read_to_end: bool) -> Option<Batch> {
        if now < self.not_before {
            return None;
        }
        if let Some(batch) = self.pending.pop_front() {
            return Some(batch);
        }
        if self.deadline(config, shard_read_to_end)? > now {
            return None;
        }
        let length = config.tumbling_window();
        let window_of = |record: &Record| length.map(|length| window_start(record.approximate_arrival(), length));
        if let Some(window) = &self.window
            && self.queue.front().is_none_or(|r| window_of(r) != Some(window.start))
        {
            return Some(Batch::closing(window, false));
        }
        let mut records = Vec::new();
        let mut bytes = 0;
        while let Some(record) = self.queue.front() {
            let full = records.len() == config.batch_size as usize;
            let next_window = records.first().is_some_and(|first| window_of(first) != window_of(record));
            if full || next_window || (!records.is_empty() && bytes + record.billed_bytes() > MAX_PAYLOAD_BYTES) {
                break;
            }
            bytes += record.billed_bytes();
            records.extend(self.queue.pop_front());
        }
        self.window_opened = (!self.queue.is_empty()).then_some(now);
        if let Some(start) = window_of(&records[0])
            && self.window.is_none()
        {
            self.window = Some(OpenWindow { start, state: "{}".into(), last: records[0].sequence_number() });
        }
        Some(Batch::new(records, 0))
    }
}

#[derive(Clone, Debug)]
struct ShardReader {
    shard_id: ShardId,
    parents: [Option<ShardId>; 2],
    /// Where reading starts until a record has been read.
    start: StartingPosition,
    read_after: Option<SequenceNumber>,
    iterator: Option<String>,
    /// The shard is closed and every record of it has been read.
    read_to_end: bool,
    next_poll: Instant,
    // Invariant: not empty.
    lanes: Vec<Lane>,
    last_iterator_age: Duration,
    /// The open `SubscribeToShard` of a mapping reading through a consumer.
    subscription: Option<SubscriptionId>,
}

impl ShardReader {
    fn new(
        now: Instant,
        shard_id: ShardId,
        parents: [Option<ShardId>; 2],
        start: StartingPosition,
        lanes: u32,
    ) -> ShardReader {
        ShardReader {
            shard_id,
            parents,
            start,
            read_after: None,
            iterator: None,
            read_to_end: false,
            next_poll: now,
            lanes: (0..lanes).map(|_| Lane::new()).collect(),
            last_iterator_age: Duration::ZERO,
            subscription: None,
        }
    }

    fn is_drained(&self) -> bool {
        self.read_to_end && self.lanes.iter().all(Lane::is_empty)
    }

    fn waiting_records(&self) -> usize {
        self.lanes.iter().map(Lane::waiting_records).sum()
    }

    /// The mapping reads ahead at most a batch per lane.
    fn has_room(&self, config: &MappingConfig) -> bool {
        self.waiting_records() < (config.batch_size * config.parallelization_factor) as usize
    }

    fn position(&self) -> StartingPosition {
        self.read_after.map_or_else(|| self.start.clone(), |seq| StartingPosition::AfterSequenceNumber(seq.to_string()))
    }

    /// Moves to a new `ParallelizationFactor` once no batch is in flight or
    /// pending, so that no key's records are ever in two lanes at once.
    fn rebalance(&mut self, now: Instant, factor: u32) {
        if self.lanes.len() == factor as usize || !self.lanes.iter().all(Lane::is_idle) {
            return;
        }
        let last_processed = self.lanes.iter().filter_map(|l| l.last_processed).max_by_key(|seq| seq.counter());
        let filtered_through = self.lanes.iter().filter_map(|l| l.filtered_through).max_by_key(|seq| seq.counter());
        let mut records: Vec<Record> = self.lanes.iter_mut().flat_map(|l| l.queue.drain(..)).collect();
        records.sort_by_key(|r| r.sequence_number().counter());
        self.lanes = (0..factor).map(|_| Lane { last_processed, filtered_through, ..Lane::new() }).collect();
        // These records passed the filters when they were read.
        self.distribute(now, records, &Filters::new(&[]));
    }

    /// Puts records into lanes by partition key hash, keeping their order.
    /// Records `filters` reject are not queued: they are checkpointed
    /// without an invocation. Returns how many were filtered out.
    fn distribute(&mut self, now: Instant, records: Vec<Record>, filters: &Filters) -> u64 {
        let n_lanes = self.lanes.len() as u128;
        let mut filtered = 0;
        for record in records {
            let lane = &mut self.lanes[(HashKey::from_partition_key(record.partition_key()).0 % n_lanes) as usize];
            if !filters.matches(record.data()) {
                filtered += 1;
                lane.filtered_through = Some(record.sequence_number());
                lane.settle_filtered();
                continue;
            }
            if lane.queue.is_empty() {
                lane.window_opened = Some(now);
            }
            lane.queue.push_back(record);
        }
        filtered
    }
}

/// The log and the counters a mapping keeps.
#[derive(Clone, Debug, Default)]
struct Log {
    entries: VecDeque<Invocation>,
    n_invocations: u64,
    discarded_records: u64,
    /// Records `FilterCriteria` dropped.
    filtered_records: u64,
    /// Invocations the function's concurrency refused.
    throttles: u64,
    last_outcome_failed: Option<bool>,
}

/// An event-source mapping from a stream to a function.
#[derive(Clone, Debug)]
pub(crate) struct EventSourceMapping {
    pub(crate) uuid: String,
    pub(crate) stream_name: String,
    /// The enhanced fan-out consumer read through, if the source is one.
    consumer_arn: Option<String>,
    starting_position: MappingStartingPosition,
    pub(crate) config: MappingConfig,
    // Invariant: shard ids are unique.
    shards: Vec<ShardReader>,
    log: Log,
    pub(crate) last_modified: Instant,
}

/// Why records were discarded, as the invocation record's `condition` says.
#[derive(Clone, Copy)]
enum Condition {
    RetryAttemptsExhausted,
    // AWS's name for this condition could not be confirmed in its
    // documentation; `RecordAgeExceeded` is the simulation's.
    RecordAgeExceeded,
}

impl Condition {
    fn as_str(self) -> &'static str {
        match self {
            Condition::RetryAttemptsExhausted => "RetryAttemptsExhausted",
            Condition::RecordAgeExceeded => "RecordAgeExceeded",
        }
    }
}

/// What a lane needs from its mapping while it works.
struct Context<'a> {
    uuid: &'a str,
    stream_name: &'a str,
    config: &'a MappingConfig,
    log: &'a mut Log,
    shard_id: ShardId,
    read_to_end: bool,
}

/// What a mapping works with while it runs, and nothing more: Kinesis
/// through its client API (calling with the mapping's execution role), the
/// account's functions, and the destinations of what it gives up on.
pub(crate) struct MappingServices<'a> {
    pub(crate) kinesis: KinesisClient<'a>,
    pub(crate) functions: &'a mut BTreeMap<String, Function>,
    pub(crate) destinations: Outbox<'a>,
}

impl EventSourceMapping {
    pub(crate) fn new(
        kinesis: &mut KinesisClient<'_>,
        uuid: String,
        stream_name: String,
        consumer_arn: Option<String>,
        starting_position: MappingStartingPosition,
        start: StartingPosition,
        config: MappingConfig,
    ) -> EventSourceMapping {
        let now = kinesis.now();
        let mut mapping = EventSourceMapping {
            uuid,
            stream_name,
            consumer_arn,
            starting_position,
            config,
            shards: Vec::new(),
            log: Log::default(),
            last_modified: now,
        };
        let shards = kinesis.all_shards(&mapping.stream_name, ShardFilter::FromTrimHorizon).unwrap_or_default();
        for shard in shards {
            let (shard_id, parents, open) = (shard.id, [shard.parent, shard.adjacent_parent], shard.is_open());
            let mut reader =
                ShardReader::new(now, shard_id, parents, start.clone(), mapping.config.parallelization_factor);
            // From LATEST, a closed shard has nothing left to read, but its
            // children must still know it is done.
            reader.read_to_end = !open && starting_position == MappingStartingPosition::Latest;
            // LATEST means the tip when the mapping is created, not when it
            // first polls: the iterator is taken (or the subscription opened) now.
            if starting_position == MappingStartingPosition::Latest && open {
                match &mapping.consumer_arn {
                    Some(arn) => reader.subscription = kinesis.subscribe_to_shard(arn, shard_id, start.clone()).ok(),
                    None => {
                        reader.iterator = kinesis
                            .get_shard_iterator(GetShardIteratorInput {
                                stream_name: mapping.stream_name.clone(),
                                shard_id,
                                position: start.clone(),
                            })
                            .ok();
                    }
                }
            }
            mapping.shards.push(reader);
        }
        mapping
    }

    /// `EventSourceArn`: the consumer's ARN, or else the stream's.
    pub(crate) fn event_source_arn(&self) -> String {
        self.consumer_arn.clone().unwrap_or_else(|| crate::stream_arn(&self.stream_name))
    }

    pub(crate) fn invocations(&self) -> Vec<Invocation> {
        self.log.entries.iter().cloned().collect()
    }

    /// The newest `n` invocations, newest first, and how many the log holds.
    pub(crate) fn newest_invocations(&self, skip: usize, n: usize) -> (Vec<Invocation>, usize) {
        (self.log.entries.iter().rev().skip(skip).take(n).cloned().collect(), self.log.entries.len())
    }

    /// A shard is read once its parents are read and processed (the mapping
    /// tracks every shard the stream lists), until it is itself.
    fn is_active(&self, idx: usize) -> bool {
        let parent = |id: &ShardId| match self.shards.iter().find(|s| s.shard_id == *id) {
            None => Parent::Untracked,
            Some(shard) if shard.is_drained() => Parent::Finished,
            Some(_) => Parent::Unfinished,
        };
        lineage::may_read(self.shards[idx].parents.iter().flatten(), parent) && !self.shards[idx].is_drained()
    }

    /// When the mapping next has something to do. Never before its last
    /// update: an update can make work due that was not (room to poll again
    /// under a larger `ParallelizationFactor`, a window now shorter), and that
    /// work runs from the update on, not at an instant already past.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let at = (0..self.shards.len())
            .filter(|&idx| self.is_active(idx))
            .flat_map(|idx| {
                let shard = &self.shards[idx];
                let poll = (!shard.read_to_end && shard.has_room(&self.config)).then_some(shard.next_poll);
                let lanes = shard.lanes.iter().filter_map(|l| l.deadline(&self.config, shard.read_to_end));
                poll.into_iter().chain(lanes)
            })
            .min();
        at.map(|at| at.max(self.last_modified))
    }

    /// Does whatever is due now: finds new shards, completes and
    /// starts invocations, and polls.
    pub(crate) fn tick(&mut self, services: &mut MappingServices<'_>) {
        let now = services.kinesis.now();
        self.discover(services);
        for idx in 0..self.shards.len() {
            // Parents come before their children, so a child whose parents
            // finish in this pass starts in it too.
            if !self.is_active(idx) {
                continue;
            }
            self.shards[idx].rebalance(now, self.config.parallelization_factor);
            self.work_lanes(idx, services);
            let shard = &self.shards[idx];
            if !shard.read_to_end && shard.next_poll <= now && shard.has_room(&self.config) {
                self.poll(idx, services);
                self.work_lanes(idx, services);
            }
        }
    }

    /// Starts reading shards a reshard created since the mapping last looked;
    /// they are read from `TRIM_HORIZON`, once their parents are done.
    fn discover(&mut self, services: &mut MappingServices<'_>) {
        let Ok(shards) = services.kinesis.all_shards(&self.stream_name, ShardFilter::FromTrimHorizon) else { return };
        for shard in &shards {
            if !self.shards.iter().any(|s| s.shard_id == shard.id) {
                self.shards.push(ShardReader::new(
                    services.kinesis.now(),
                    shard.id,
                    [shard.parent, shard.adjacent_parent],
                    StartingPosition::TrimHorizon,
                    self.config.parallelization_factor,
                ));
            }
        }
    }

    fn poll(&mut self, idx: usize, services: &mut MappingServices<'_>) {
        if self.consumer_arn.is_some() {
            return self.drain_subscription(idx, services);
        }
        let now = services.kinesis.now();
        let capacity = (self.config.batch_size * self.config.parallelization_factor) as usize;
        let shard = &mut self.shards[idx];
        shard.next_poll = now + IDLE_POLL_INTERVAL;
        if shard.iterator.is_none() {
            let input = GetShardIteratorInput {
                stream_name: self.stream_name.clone(),
                shard_id: shard.shard_id,
                position: shard.position(),
            };
            match services.kinesis.get_shard_iterator(input) {
                Ok(iterator) => shard.iterator = Some(iterator),
                Err(_) => return,
            }
        }
        let iterator = shard.iterator.take().expect("taken just above");
        let limit =
            capacity.saturating_sub(shard.waiting_records()).clamp(1, crate::limits::MAX_GET_RECORDS_LIMIT as usize);
        match services.kinesis.get_records(&iterator, Some(limit as u32)) {
            Ok(page) => {
                if let Some(last) = page.records.last() {
                    shard.read_after = Some(last.sequence_number());
                    shard.next_poll = now + BUSY_POLL_INTERVAL;
                }
                shard.read_to_end = page.next_shard_iterator.is_none();
                shard.iterator = page.next_shard_iterator;
                let filters = Filters::new(&self.config.filter_patterns);
                self.log.filtered_records += shard.distribute(now, page.records, &filters);
            }
            // An iterator expires after five minutes of a blocked lane; a
            // new one is taken from the last record read, at once.
            Err(GetRecordsError::ExpiredIterator(_)) => shard.next_poll = now,
            // Throttled, or the stream is gone: try again at the idle rate.
            Err(_) => shard.iterator = Some(iterator),
        }
    }

    /// Reads what Kinesis pushed to the shard's subscription since the last
    /// drain, subscribing (again) from the last record read when there is
    /// no open subscription: the first time, or after five minutes.
    fn drain_subscription(&mut self, idx: usize, services: &mut MappingServices<'_>) {
        let now = services.kinesis.now();
        let arn = self.consumer_arn.as_deref().expect("called for a fan-out source");
        let shard = &mut self.shards[idx];
        shard.next_poll = now + FAN_OUT_DELIVERY_INTERVAL;
        let subscription = match shard.subscription {
            Some(id) => id,
            // Refused while the consumer is not ACTIVE or a subscription is
            // under 5 seconds old: tried again at the next drain.
            None => match services.kinesis.subscribe_to_shard(arn, shard.shard_id, shard.position()) {
                Ok(id) => id,
                Err(_) => return,
            },
        };
        let Ok(read) = services.kinesis.read_subscription(subscription) else {
            shard.subscription = None;
            return;
        };
        shard.subscription = (!read.ended).then_some(subscription);
        shard.read_to_end = read.ended && !read.event.child_shards.is_empty();
        // The continuation is where a renewed subscription must resume, even
        // when nothing came: a LATEST subscription renewed at LATEST would
        // skip what arrived in between.
        shard.read_after = read.event.continuation_sequence_number.or(shard.read_after);
        let filters = Filters::new(&self.config.filter_patterns);
        self.log.filtered_records += shard.distribute(now, read.event.records, &filters);
    }

    fn work_lanes(&mut self, idx: usize, services: &mut MappingServices<'_>) {
        let EventSourceMapping { uuid, stream_name, config, log, shards, .. } = self;
        let shard = &mut shards[idx];
        let mut cx =
            Context { uuid, stream_name, config, log, shard_id: shard.shard_id, read_to_end: shard.read_to_end };
        let mut iterator_age = shard.last_iterator_age;
        for (lane_idx, lane) in shard.lanes.iter_mut().enumerate() {
            // Each turn completes or starts one invocation; zero-time
            // functions run several in one instant.
            loop {
                let now = services.kinesis.now();
                if lane.in_flight.as_ref().is_some_and(|f| f.ends <= now) {
                    let in_flight = lane.in_flight.take().expect("checked just above");
                    complete(&mut cx, services, lane, lane_idx as u32, in_flight);
                } else if lane.in_flight.is_some() {
                    break;
                } else if let Some(batch) = lane.take_batch(now, cx.config, cx.read_to_end) {
                    if let Some(age) = start(&mut cx, services, lane, batch) {
                        iterator_age = age;
                    }
                } else {
                    break;
                }
            }
            lane.settle_filtered();
        }
        shard.last_iterator_age = iterator_age;
    }

    pub(crate) fn status(&self) -> MappingStatus {
        let active: Vec<bool> = (0..self.shards.len()).map(|idx| self.is_active(idx)).collect();
        let shards: Vec<ShardStatus> = self
            .shards
            .iter()
            .zip(&active)
            .map(|(shard, &active)| ShardStatus {
                shard_id: shard.shard_id,
                active,
                finished: shard.is_drained(),
                read_after: shard.read_after,
                iterator_age: shard.last_iterator_age,
                lanes: shard
                    .lanes
                    .iter()
                    .map(|lane| LaneStatus {
                        waiting_records: lane.waiting_records() as u32,
                        in_flight_batch_size: lane.in_flight.as_ref().map(|f| f.batch.records.len() as u32),
                        last_processed: lane.last_processed,
                        retries: lane
                            .in_flight
                            .as_ref()
                            .map(|f| &f.batch)
                            .or(lane.pending.front())
                            .map_or(0, |batch| batch.retries),
                    })
                    .collect(),
            })
            .collect();
        let active_shards = shards.iter().filter(|s| s.active);
        MappingStatus {
            uuid: self.uuid.clone(),
            event_source_arn: self.event_source_arn(),
            function_arn: function_arn(&self.config.function_name),
            state: "Enabled",
            starting_position: self.starting_position,
            starting_position_timestamp: match self.shards.first().map(|s| &s.start) {
                Some(StartingPosition::AtTimestamp(at)) => Some(*at),
                _ => None,
            },
            config: self.config.clone(),
            last_modified: self.last_modified,
            last_processing_result: match self.log.last_outcome_failed {
                None => "No records processed",
                Some(false) => "OK",
                Some(true) => "PROBLEM: Function call failed",
            },
            concurrency: active_shards.clone().map(|s| s.lanes.len() as u32).sum(),
            in_flight: shards.iter().flat_map(|s| &s.lanes).filter(|l| l.in_flight_batch_size.is_some()).count() as u32,
            iterator_age: active_shards.map(|s| s.iterator_age).max().unwrap_or(Duration::ZERO),
            invocations: self.log.n_invocations,
            discarded_records: self.log.discarded_records,
            filtered_records: self.log.filtered_records,
            throttles: self.log.throttles,
            shards,
        }
    }

    /// Every invariant, checked in release builds too (for restored snapshots).
    pub(crate) fn check_invariants(&self, now: Instant) -> Result<(), String> {
        let uuid = &self.uuid;
        if self.last_modified > now {
            return Err(format!("mapping {uuid} was last changed at {}, after the clock", self.last_modified));
        }
        for (idx, shard) in self.shards.iter().enumerate() {
            let id = shard.shard_id;
            if self.shards[..idx].iter().any(|s| s.shard_id == id) {
                return Err(format!("mapping {uuid} reads {id} twice"));
            }
            if shard.lanes.is_empty() {
                return Err(format!("mapping {uuid} has no lanes for {id}"));
            }
            for lane in &shard.lanes {
                let batches = lane.pending.iter().chain(lane.in_flight.as_ref().map(|f| &f.batch));
                if batches.clone().any(|b| b.records.is_empty() && b.closes_window.is_none()) {
                    return Err(format!("mapping {uuid} holds an empty batch of {id}"));
                }
                let records = batches.flat_map(|b| &b.records).chain(&lane.queue);
                if records.clone().any(|r| r.sequence_number().shard() != id) {
                    return Err(format!("mapping {uuid} holds a record of another shard in a lane of {id}"));
                }
                let in_order = |records: &mut dyn Iterator<Item = &Record>| {
                    let counters: Vec<u64> = records.map(|r| r.sequence_number().counter()).collect();
                    counters.windows(2).all(|w| w[0] < w[1])
                };
                if !in_order(&mut lane.queue.iter()) || !lane.pending.iter().all(|b| in_order(&mut b.records.iter())) {
                    return Err(format!("mapping {uuid} holds records of {id} out of order"));
                }
                if let Some(f) = lane.in_flight.as_ref().filter(|f| !(f.started <= now && f.started <= f.ends)) {
                    return Err(format!("mapping {uuid} has an invocation of {id} from {} to {}", f.started, f.ends));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn debug_check_invariants(&self, now: Instant) {
        if cfg!(debug_assertions)
            && let Err(problem) = self.check_invariants(now)
        {
            panic!("{problem}");
        }
    }
}

/// Invokes the function with `batch` after discarding records past their
/// maximum age, unless the function's concurrency is spent: then the batch
/// is throttled and waits a retry delay, without using up a retry. Returns
/// the batch's iterator age, if the function was invoked with records.
fn start(
    cx: &mut Context<'_>,
    services: &mut MappingServices<'_>,
    lane: &mut Lane,
    mut batch: Batch,
) -> Option<Duration> {
    let now = services.kinesis.now();
    if let Some(max_age) = cx.config.maximum_record_age() {
        let expired =
            batch.records.iter().take_while(|r| now.saturating_since(r.approximate_arrival()) > max_age).count();
        if expired > 0 {
            let rest = batch.records.split_off(expired);
            let old = Batch::new(core::mem::replace(&mut batch.records, rest), batch.retries);
            discard(cx, services, lane, &old, Condition::RecordAgeExceeded, false);
            if batch.records.is_empty() {
                return None;
            }
        }
    }
    let has_capacity = super::has_capacity(services.functions, &cx.config.function_name, now);
    let Some(function) = services.functions.get_mut(&cx.config.function_name) else {
        // Unreachable while the invariant holds that every mapping's function exists.
        lane.pending.push_front(batch);
        return None;
    };
    if !has_capacity {
        function.throttles += 1;
        cx.log.throttles += 1;
        lane.pending.push_front(batch);
        lane.not_before = now + RETRY_DELAY;
        return None;
    }
    let length = cx.config.tumbling_window().unwrap_or(Duration::ZERO);
    let window = lane.window.as_ref().map(|open| InvocationWindow {
        start: open.start,
        end: open.start + length,
        state: open.state.clone(),
        is_final_invoke_for_window: batch.closes_window.is_some(),
        is_window_terminated_early: batch.closes_window.is_some_and(|close| close.early),
        returned_state: None,
    });
    let (duration, response) = function.invoke(&batch.records, window.as_ref().map(|w| w.state.as_str()));
    function.running_until.retain(|&end| end > now);
    function.running_until.push(now + duration);
    let iterator_age = batch.records.last().map(|r| now.saturating_since(r.approximate_arrival()));
    lane.in_flight = Some(InFlight {
        batch,
        response,
        started: now,
        ends: now + duration,
        iterator_age: iterator_age.unwrap_or(Duration::ZERO),
        window,
    });
    iterator_age
}

/// Handles the response of an invocation that has ended.
fn complete(
    cx: &mut Context<'_>,
    services: &mut MappingServices<'_>,
    lane: &mut Lane,
    lane_idx: u32,
    in_flight: InFlight,
) {
    let InFlight { batch, response, started, ends, iterator_age, mut window } = in_flight;
    lane.last_completed = Some(ends);
    let shard_id = cx.shard_id;
    let (first, last) = batch.bounds();
    let (batch_size, attempt) = (batch.records.len() as u32, batch.retries + 1);
    if let (Some(window), Response::Returned { state, .. }) = (&mut window, &response) {
        window.returned_state = state.clone();
    }
    let windowed_state = window.as_ref().map(|w| w.returned_state.as_deref());
    let (outcome, handling) = match (response, windowed_state) {
        (Response::Returned { .. }, _) if batch.closes_window.is_some() => {
            close_window(lane, batch.closes_window.is_some_and(|close| close.early));
            (InvocationOutcome::Succeeded, Handling::Checkpointed)
        }
        // "If the response does not contain a state property, Lambda
        // considers this a failed invocation."
        (Response::Returned { .. }, Some(None)) => {
            (InvocationOutcome::FunctionError, fail(cx, services, lane, batch, true))
        }
        // A state too large even from a fresh start cannot be helped by
        // ending the window early: the invocation fails (the simulation's
        // choice; AWS does not say).
        (Response::Returned { .. }, Some(Some(state)))
            if state.len() > MAX_WINDOW_STATE_BYTES && lane.window.as_ref().is_none_or(|w| w.state == "{}") =>
        {
            (InvocationOutcome::FunctionError, fail(cx, services, lane, batch, true))
        }
        (Response::Returned { .. }, Some(Some(state))) if state.len() > MAX_WINDOW_STATE_BYTES => {
            // The window ends early with the state from before this batch,
            // and goes on with a fresh state, starting with this batch again.
            let open = lane.window.as_ref().expect("a windowed invocation has its window");
            let close = Batch::closing(open, true);
            lane.pending.push_front(batch);
            lane.pending.push_front(close);
            (InvocationOutcome::Succeeded, Handling::Retried)
        }
        (Response::Returned { batch_item_failures, state }, _) => {
            if let (Some(state), Some(open)) = (state, lane.window.as_mut()) {
                open.state = state;
                open.last = last;
            }
            returned(cx, services, lane, batch, &batch_item_failures)
        }
        (Response::Threw, _) => (InvocationOutcome::FunctionError, fail(cx, services, lane, batch, true)),
        // A timeout is retried and bisected like any function error.
        (Response::TimedOut, _) => (InvocationOutcome::TimedOut, fail(cx, services, lane, batch, true)),
    };
    cx.log.last_outcome_failed = Some(outcome != InvocationOutcome::Succeeded);
    let number = cx.log.n_invocations;
    cx.log.n_invocations += 1;
    cx.log.entries.push_back(Invocation {
        number,
        shard_id,
        lane: lane_idx,
        first_sequence_number: first,
        last_sequence_number: last,
        batch_size,
        attempt,
        started,
        ended: ends,
        iterator_age,
        outcome,
        handling,
        window,
    });
    if cx.log.entries.len() > MAX_LOGGED_INVOCATIONS {
        cx.log.entries.pop_front();
    }
}

/// Handles a batch the function returned from: done, or, with
/// `ReportBatchItemFailures`, done up to its lowest failure.
fn returned(
    cx: &mut Context<'_>,
    services: &mut MappingServices<'_>,
    lane: &mut Lane,
    batch: Batch,
    batch_item_failures: &[SequenceNumber],
) -> (InvocationOutcome, Handling) {
    let lowest = batch_item_failures.iter().min_by_key(|seq| seq.counter()).copied();
    match lowest.filter(|_| cx.config.report_batch_item_failures) {
        None => {
            lane.last_processed = Some(batch.last().sequence_number());
            (InvocationOutcome::Succeeded, Handling::Checkpointed)
        }
        Some(lowest) => {
            // Records before the lowest failure are done; the batch is
            // retried from it. (A function names only records of its batch.)
            let at = batch.records.iter().position(|r| r.sequence_number() == lowest).unwrap_or(0);
            if at > 0 {
                lane.last_processed = Some(batch.records[at - 1].sequence_number());
            }
            let rest = Batch::new(batch.records[at..].to_vec(), batch.retries);
            (InvocationOutcome::BatchItemFailures { lowest }, fail(cx, services, lane, rest, false))
        }
    }
}

/// Ends the lane's window after its final invocation: for good, dropping
/// its state, or early, going on in the same window with a fresh state.
fn close_window(lane: &mut Lane, early: bool) {
    match lane.window.as_mut() {
        Some(open) if early => open.state = "{}".into(),
        _ => lane.window = None,
    }
}

/// Decides what follows a failed batch: bisect it, retry it or discard it.
fn fail(
    cx: &mut Context<'_>,
    services: &mut MappingServices<'_>,
    lane: &mut Lane,
    mut batch: Batch,
    threw: bool,
) -> Handling {
    let now = services.kinesis.now();
    if threw && cx.config.bisect_batch_on_function_error && batch.records.len() > 1 {
        // The first half is the larger, and is invoked first.
        let second = batch.records.split_off(batch.records.len().div_ceil(2));
        lane.pending.push_front(Batch::new(second, batch.retries));
        lane.pending.push_front(batch);
        lane.not_before = now + RETRY_DELAY;
        Handling::Bisected
    } else if cx.config.may_retry(batch.retries) {
        batch.retries += 1;
        lane.pending.push_front(batch);
        lane.not_before = now + RETRY_DELAY;
        Handling::Retried
    } else if let Some(close) = batch.closes_window {
        // A final invocation out of retries has no records to discard: the
        // window's state is dropped.
        close_window(lane, close.early);
        Handling::Discarded
    } else {
        discard(cx, services, lane, &batch, Condition::RetryAttemptsExhausted, threw);
        Handling::Discarded
    }
}

/// Gives up on `batch`: counts it processed and reports it to the on-failure
/// destination, as AWS's invocation record: metadata only, not the records.
fn discard(
    cx: &mut Context<'_>,
    services: &mut MappingServices<'_>,
    lane: &mut Lane,
    batch: &Batch,
    why: Condition,
    threw: bool,
) {
    lane.last_processed = Some(batch.last().sequence_number());
    cx.log.discarded_records += batch.records.len() as u64;
    let Some(destination) = cx.config.on_failure_destination.clone() else { return };
    let invoke_count = match why {
        Condition::RetryAttemptsExhausted => batch.retries + 1,
        Condition::RecordAgeExceeded => batch.retries,
    };
    // The request id is UUID-shaped and unique per mapping and message.
    let request_id = format!("{}-0000-4000-a000-{:012}", &cx.uuid[cx.uuid.len() - 8..], cx.log.n_invocations);
    let mut record = json!({
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn(&cx.config.function_name),
            "condition": why.as_str(),
            "approximateInvokeCount": invoke_count,
        },
        "version": "1.0",
        "timestamp": services.kinesis.now().to_string(),
        "KinesisBatchInfo": {
            "shardId": cx.shard_id.to_string(),
            "startSequenceNumber": batch.first().sequence_number().to_string(),
            "endSequenceNumber": batch.last().sequence_number().to_string(),
            "approximateArrivalOfFirstRecord": batch.first().approximate_arrival().to_string(),
            "approximateArrivalOfLastRecord": batch.last().approximate_arrival().to_string(),
            "batchSize": batch.records.len(),
            "streamArn": crate::stream_arn(cx.stream_name),
        },
    });
    // Records discarded by age before any invocation have no response.
    if invoke_count > 0 {
        let mut response = json!({"statusCode": 200, "executedVersion": "$LATEST"});
        if threw {
            response["functionError"] = "Unhandled".into();
        }
        record["responseContext"] = response;
    }
    if destination.starts_with("arn:aws:s3:") {
        // An S3 destination also gets the invocation payload, the batch's
        // records as the function would have received them.
        record["payload"] = invocation_payload(cx, &batch.records).to_string().into();
        let iso = services.kinesis.now().to_string(); // 2026-01-01T13:05:09.000Z
        let key = format!(
            "aws/lambda/{}/{}/{}/{}/{}/{}T{}.{}.{}-{request_id}",
            cx.uuid,
            cx.shard_id,
            &iso[0..4],
            &iso[5..7],
            &iso[8..10],
            &iso[0..10],
            &iso[11..13],
            &iso[14..16],
            &iso[17..19],
        );
        services.destinations.send_to_bucket(&destination, key, record.to_string());
        return;
    }
    services.destinations.send(&destination, record.to_string());
}

/// The event Lambda invokes a function with for `records`: AWS's Kinesis
/// event, `{"Records": [{"kinesis": {…}, "eventSource": "aws:kinesis", …}]}`.
fn invocation_payload(cx: &Context<'_>, records: &[Record]) -> serde_json::Value {
    let stream_arn = crate::stream_arn(cx.stream_name);
    let records: Vec<serde_json::Value> = records
        .iter()
        .map(|r| {
            let arrival = r.approximate_arrival().epoch_millis();
            json!({
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": r.partition_key(),
                    "sequenceNumber": r.sequence_number().to_string(),
                    "data": crate::base64::encode(r.data()),
                    // Seconds with milliseconds, as in AWS's sample event.
                    "approximateArrivalTimestamp": arrival as f64 / 1000.0,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("{}:{}", cx.shard_id, r.sequence_number()),
                "eventName": "aws:kinesis:record",
                "awsRegion": crate::REGION,
                "eventSourceARN": stream_arn,
            })
        })
        .collect();
    json!({ "Records": records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_counts_attempts_within_the_retry_limit() {
        let lane =
            |retries| LaneStatus { waiting_records: 0, in_flight_batch_size: None, last_processed: None, retries };
        let retry = |number, of| Attempt::Retry { number, of };
        let last = |retries_made, limit| Attempt::LastAfterLimitLowered { retries_made, limit };
        // (retries made, MaximumRetryAttempts, the attempt under way or next)
        let cases = [
            (0, 2, Attempt::First),
            (0, -1, Attempt::First),
            (1, 2, retry(2, Some(3))),
            (2, 2, retry(3, Some(3))),
            (29, -1, retry(30, None)),
            // The limit lowered below the retries made: this attempt is the last.
            (3, 2, last(3, 2)),
            (29, 2, last(29, 2)),
            (1, 0, last(1, 0)),
        ];
        for (retries, max, expected) in cases {
            assert_eq!(lane(retries).attempt(max), expected, "{retries} retries, limit {max}");
        }
    }
}
