//! An event-source mapping in version 1 of the snapshot format. A change to
//! [`EventSourceMapping`] or the types it holds needs no change here unless
//! it changes what is stored. The defaults read snapshots written before a
//! field existed.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::{
    Batch, CloseWindow, EventSourceMapping, InFlight, Invocation, InvocationWindow, Lane, Log, OpenWindow, ShardReader,
};
use crate::StartingPosition;
use crate::kinesis::RecordV1;
use crate::kinesis::ops_efo::SubscriptionId;
use crate::kinesis::stream::{Record, ShardId};
use crate::lambda::{MappingConfig, MappingStartingPosition, Response};
use crate::sequence::SequenceNumber;
use crate::time::{Duration, Instant};

#[derive(Serialize, Deserialize)]
pub(in crate::lambda) struct EventSourceMappingV1 {
    uuid: String,
    stream_name: String,
    #[serde(default)]
    consumer_arn: Option<String>,
    starting_position: MappingStartingPosition,
    config: MappingConfig,
    shards: Vec<ShardReaderV1>,
    log: LogV1,
    last_modified: Instant,
}

#[derive(Serialize, Deserialize)]
struct ShardReaderV1 {
    shard_id: ShardId,
    parents: [Option<ShardId>; 2],
    start: StartingPosition,
    read_after: Option<SequenceNumber>,
    iterator: Option<String>,
    read_to_end: bool,
    next_poll: Instant,
    lanes: Vec<LaneV1>,
    last_iterator_age: Duration,
    #[serde(default)]
    subscription: Option<SubscriptionId>,
}

#[derive(Serialize, Deserialize)]
struct LaneV1 {
    queue: Vec<RecordV1>,
    pending: VecDeque<BatchV1>,
    in_flight: Option<InFlightV1>,
    not_before: Instant,
    window_opened: Option<Instant>,
    #[serde(default)]
    last_completed: Option<Instant>,
    last_processed: Option<SequenceNumber>,
    #[serde(default)]
    filtered_through: Option<SequenceNumber>,
    #[serde(default)]
    window: Option<OpenWindowV1>,
}

#[derive(Serialize, Deserialize)]
struct BatchV1 {
    records: Vec<RecordV1>,
    retries: u32,
    #[serde(default)]
    closes_window: Option<CloseWindowV1>,
}

#[derive(Serialize, Deserialize)]
struct CloseWindowV1 {
    early: bool,
    after: SequenceNumber,
}

#[derive(Serialize, Deserialize)]
struct OpenWindowV1 {
    start: Instant,
    state: String,
    last: SequenceNumber,
}

#[derive(Serialize, Deserialize)]
struct InFlightV1 {
    batch: BatchV1,
    response: Response,
    started: Instant,
    ends: Instant,
    iterator_age: Duration,
    #[serde(default)]
    window: Option<InvocationWindow>,
}

#[derive(Serialize, Deserialize)]
struct LogV1 {
    entries: VecDeque<Invocation>,
    n_invocations: u64,
    discarded_records: u64,
    #[serde(default)]
    filtered_records: u64,
    #[serde(default)]
    throttles: u64,
    last_outcome_failed: Option<bool>,
}

impl From<EventSourceMapping> for EventSourceMappingV1 {
    fn from(mapping: EventSourceMapping) -> EventSourceMappingV1 {
        let EventSourceMapping {
            uuid,
            stream_name,
            consumer_arn,
            starting_position,
            config,
            shards,
            log,
            last_modified,
        } = mapping;
        EventSourceMappingV1 {
            uuid,
            stream_name,
            consumer_arn,
            starting_position,
            config,
            shards: shards.into_iter().map(ShardReaderV1::from).collect(),
            log: log.into(),
            last_modified,
        }
    }
}

impl From<EventSourceMappingV1> for EventSourceMapping {
    fn from(v1: EventSourceMappingV1) -> EventSourceMapping {
        let EventSourceMappingV1 {
            uuid,
            stream_name,
            consumer_arn,
            starting_position,
            config,
            shards,
            log,
            last_modified,
        } = v1;
        EventSourceMapping {
            uuid,
            stream_name,
            consumer_arn,
            starting_position,
            config,
            shards: shards.into_iter().map(ShardReader::from).collect(),
            log: log.into(),
            last_modified,
        }
    }
}

impl From<ShardReader> for ShardReaderV1 {
    fn from(reader: ShardReader) -> ShardReaderV1 {
        let ShardReader {
            shard_id,
            parents,
            start,
            read_after,
            iterator,
            read_to_end,
            next_poll,
            lanes,
            last_iterator_age,
            subscription,
        } = reader;
        ShardReaderV1 {
            shard_id,
            parents,
            start,
            read_after,
            iterator,
            read_to_end,
            next_poll,
            lanes: lanes.into_iter().map(LaneV1::from).collect(),
            last_iterator_age,
            subscription,
        }
    }
}

impl From<ShardReaderV1> for ShardReader {
    fn from(v1: ShardReaderV1) -> ShardReader {
        let ShardReaderV1 {
            shard_id,
            parents,
            start,
            read_after,
            iterator,
            read_to_end,
            next_poll,
            lanes,
            last_iterator_age,
            subscription,
        } = v1;
        ShardReader {
            shard_id,
            parents,
            start,
            read_after,
            iterator,
            read_to_end,
            next_poll,
            lanes: lanes.into_iter().map(Lane::from).collect(),
            last_iterator_age,
            subscription,
        }
    }
}

impl From<Lane> for LaneV1 {
    fn from(lane: Lane) -> LaneV1 {
        let Lane {
            queue,
            pending,
            in_flight,
            not_before,
            window_opened,
            last_completed,
            last_processed,
            filtered_through,
            window,
        } = lane;
        LaneV1 {
            queue: queue.into_iter().map(RecordV1::from).collect(),
            pending: pending.into_iter().map(BatchV1::from).collect(),
            in_flight: in_flight.map(InFlightV1::from),
            not_before,
            window_opened,
            last_completed,
            last_processed,
            filtered_through,
            window: window.map(OpenWindowV1::from),
        }
    }
}

impl From<LaneV1> for Lane {
    fn from(v1: LaneV1) -> Lane {
        let LaneV1 {
            queue,
            pending,
            in_flight,
            not_before,
            window_opened,
            last_completed,
            last_processed,
            filtered_through,
            window,
        } = v1;
        Lane {
            queue: queue.into_iter().map(Record::from).collect(),
            pending: pending.into_iter().map(Batch::from).collect(),
            in_flight: in_flight.map(InFlight::from),
            not_before,
            window_opened,
            last_completed,
            last_processed,
            filtered_through,
            window: window.map(OpenWindow::from),
        }
    }
}

impl From<Batch> for BatchV1 {
    fn from(batch: Batch) -> BatchV1 {
        let Batch { records, retries, closes_window } = batch;
        BatchV1 {
            records: records.into_iter().map(RecordV1::from).collect(),
            retries,
            closes_window: closes_window.map(CloseWindowV1::from),
        }
    }
}

impl From<BatchV1> for Batch {
    fn from(v1: BatchV1) -> Batch {
        let BatchV1 { records, retries, closes_window } = v1;
        Batch {
            records: records.into_iter().map(Record::from).collect(),
            retries,
            closes_window: closes_window.map(CloseWindow::from),
        }
    }
}

impl From<CloseWindow> for CloseWindowV1 {
    fn from(close: CloseWindow) -> CloseWindowV1 {
        let CloseWindow { early, after } = close;
        CloseWindowV1 { early, after }
    }
}

impl From<CloseWindowV1> for CloseWindow {
    fn from(v1: CloseWindowV1) -> CloseWindow {
        let CloseWindowV1 { early, after } = v1;
        CloseWindow { early, after }
    }
}

impl From<OpenWindow> for OpenWindowV1 {
    fn from(window: OpenWindow) -> OpenWindowV1 {
        let OpenWindow { start, state, last } = window;
        OpenWindowV1 { start, state, last }
    }
}

impl From<OpenWindowV1> for OpenWindow {
    fn from(v1: OpenWindowV1) -> OpenWindow {
        let OpenWindowV1 { start, state, last } = v1;
        OpenWindow { start, state, last }
    }
}

impl From<InFlight> for InFlightV1 {
    fn from(in_flight: InFlight) -> InFlightV1 {
        let InFlight { batch, response, started, ends, iterator_age, window } = in_flight;
        InFlightV1 { batch: batch.into(), response, started, ends, iterator_age, window }
    }
}

impl From<InFlightV1> for InFlight {
    fn from(v1: InFlightV1) -> InFlight {
        let InFlightV1 { batch, response, started, ends, iterator_age, window } = v1;
        InFlight { batch: batch.into(), response, started, ends, iterator_age, window }
    }
}

impl From<Log> for LogV1 {
    fn from(log: Log) -> LogV1 {
        let Log { entries, n_invocations, discarded_records, filtered_records, throttles, last_outcome_failed } = log;
        LogV1 { entries, n_invocations, discarded_records, filtered_records, throttles, last_outcome_failed }
    }
}

impl From<LogV1> for Log {
    fn from(v1: LogV1) -> Log {
        let LogV1 { entries, n_invocations, discarded_records, filtered_records, throttles, last_outcome_failed } = v1;
        Log { entries, n_invocations, discarded_records, filtered_records, throttles, last_outcome_failed }
    }
}
