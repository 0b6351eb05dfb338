//! A KCL application's version-1 snapshot form. A change to [`KclApp`] or
//! the state it holds needs no change here unless it changes what is stored.
//!
//! The defaults read snapshots written before a field existed.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::lease::LeaseTableV1;
use super::{
    Checkpoint, Delivery, KclApp, KclConfig, KclCounters, KclEvent, ProcessedRecord, Processor, Reader, SeenLease,
    Worker, WorkerId, WorkerStatus,
};
use crate::kinesis::ops_efo::SubscriptionId;
use crate::kinesis::stream::ShardId;
use crate::kpl::ClientRecord;
use crate::sequence::SequenceNumber;
use crate::time::{Duration, Instant};

#[derive(Serialize, Deserialize)]
pub(crate) struct KclAppV1 {
    config: KclConfig,
    consumer_arn: Option<String>,
    leases: LeaseTableV1,
    workers: Vec<WorkerV1>,
    next_shard_sync: Instant,
    output: Vec<ProcessedRecord>,
    /// Keyed by `u128`, which JSON prints as a string key, where a tuple
    /// key would not serialize.
    deliveries: BTreeMap<ShardId, BTreeMap<u128, u32>>,
    millis_behind_latest: BTreeMap<ShardId, u64>,
    counters: KclCounters,
    events: Vec<KclEvent>,
}

#[derive(Serialize, Deserialize)]
struct WorkerV1 {
    id: WorkerId,
    status: WorkerStatus,
    time_per_record: Duration,
    processors: BTreeMap<ShardId, ProcessorV1>,
    next_renewal: Instant,
    next_take: Instant,
    #[serde(default)]
    seen: BTreeMap<ShardId, SeenLeaseV1>,
}

#[derive(Serialize, Deserialize)]
struct SeenLeaseV1 {
    counter: u64,
    since: Option<Instant>,
}

#[derive(Serialize, Deserialize)]
struct ProcessorV1 {
    shard: ShardId,
    lease_counter: u64,
    waiting_on_parents: bool,
    initialized: bool,
    lease_lost: bool,
    position: Checkpoint,
    reader: ReaderV1,
    next_read: Instant,
    batch: VecDeque<DeliveryV1>,
    next_done: Instant,
    n_since_checkpoint: u32,
    last_processed: Option<(SequenceNumber, u64)>,
    shard_end: bool,
}

#[derive(Serialize, Deserialize)]
enum ReaderV1 {
    Unpositioned,
    Polling(String),
    FanOut(SubscriptionId),
}

#[derive(Serialize, Deserialize)]
struct DeliveryV1 {
    record: ClientRecord,
    arrival: Instant,
}

impl From<KclApp> for KclAppV1 {
    fn from(app: KclApp) -> KclAppV1 {
        let KclApp {
            config,
            consumer_arn,
            leases,
            workers,
            next_shard_sync,
            output,
            deliveries,
            millis_behind_latest,
            counters,
            events,
        } = app;
        KclAppV1 {
            config,
            consumer_arn,
            leases: leases.into(),
            workers: workers.into_iter().map(WorkerV1::from).collect(),
            next_shard_sync,
            output,
            deliveries,
            millis_behind_latest,
            counters,
            events,
        }
    }
}

impl From<KclAppV1> for KclApp {
    fn from(v1: KclAppV1) -> KclApp {
        let KclAppV1 {
            config,
            consumer_arn,
            leases,
            workers,
            next_shard_sync,
            output,
            deliveries,
            millis_behind_latest,
            counters,
            events,
        } = v1;
        KclApp {
            config,
            consumer_arn,
            leases: leases.into(),
            workers: workers.into_iter().map(Worker::from).collect(),
            next_shard_sync,
            output,
            deliveries,
            millis_behind_latest,
            counters,
            events,
        }
    }
}

impl From<Worker> for WorkerV1 {
    fn from(worker: Worker) -> WorkerV1 {
        let Worker { id, status, time_per_record, processors, next_renewal, next_take, seen } = worker;
        WorkerV1 {
            id,
            status,
            time_per_record,
            processors: crate::maps::convert_values(processors),
            next_renewal,
            next_take,
            seen: crate::maps::convert_values(seen),
        }
    }
}

impl From<WorkerV1> for Worker {
    fn from(v1: WorkerV1) -> Worker {
        let WorkerV1 { id, status, time_per_record, processors, next_renewal, next_take, seen } = v1;
        Worker {
            id,
            status,
            time_per_record,
            processors: crate::maps::convert_values(processors),
            next_renewal,
            next_take,
            seen: crate::maps::convert_values(seen),
        }
    }
}

impl From<SeenLease> for SeenLeaseV1 {
    fn from(seen: SeenLease) -> SeenLeaseV1 {
        let SeenLease { counter, since } = seen;
        SeenLeaseV1 { counter, since }
    }
}

impl From<SeenLeaseV1> for SeenLease {
    fn from(v1: SeenLeaseV1) -> SeenLease {
        let SeenLeaseV1 { counter, since } = v1;
        SeenLease { counter, since }
    }
}

impl From<Processor> for ProcessorV1 {
    fn from(processor: Processor) -> ProcessorV1 {
        let Processor {
            shard,
            lease_counter,
            waiting_on_parents,
            initialized,
            lease_lost,
            position,
            reader,
            next_read,
            batch,
            next_done,
            n_since_checkpoint,
            last_processed,
            shard_end,
        } = processor;
        ProcessorV1 {
            shard,
            lease_counter,
            waiting_on_parents,
            initialized,
            lease_lost,
            position,
            reader: reader.into(),
            next_read,
            batch: batch.into_iter().map(DeliveryV1::from).collect(),
            next_done,
            n_since_checkpoint,
            last_processed,
            shard_end,
        }
    }
}

impl From<ProcessorV1> for Processor {
    fn from(v1: ProcessorV1) -> Processor {
        let ProcessorV1 {
            shard,
            lease_counter,
            waiting_on_parents,
            initialized,
            lease_lost,
            position,
            reader,
            next_read,
            batch,
            next_done,
            n_since_checkpoint,
            last_processed,
            shard_end,
        } = v1;
        Processor {
            shard,
            lease_counter,
            waiting_on_parents,
            initialized,
            lease_lost,
            position,
            reader: reader.into(),
            next_read,
            batch: batch.into_iter().map(Delivery::from).collect(),
            next_done,
            n_since_checkpoint,
            last_processed,
            shard_end,
        }
    }
}

impl From<Reader> for ReaderV1 {
    fn from(reader: Reader) -> ReaderV1 {
        match reader {
            Reader::Unpositioned => ReaderV1::Unpositioned,
            Reader::Polling(iterator) => ReaderV1::Polling(iterator),
            Reader::FanOut(subscription) => ReaderV1::FanOut(subscription),
        }
    }
}

impl From<ReaderV1> for Reader {
    fn from(v1: ReaderV1) -> Reader {
        match v1 {
            ReaderV1::Unpositioned => Reader::Unpositioned,
            ReaderV1::Polling(iterator) => Reader::Polling(iterator),
            ReaderV1::FanOut(subscription) => Reader::FanOut(subscription),
        }
    }
}

impl From<Delivery> for DeliveryV1 {
    fn from(delivery: Delivery) -> DeliveryV1 {
        let Delivery { record, arrival } = delivery;
        DeliveryV1 { record, arrival }
    }
}

impl From<DeliveryV1> for Delivery {
    fn from(v1: DeliveryV1) -> Delivery {
        let DeliveryV1 { record, arrival } = v1;
        Delivery { record, arrival }
    }
}
