//! The Kinesis service as version 1 of the snapshot format holds it: its
//! streams, their shards and records, its metrics and its open fan-out
//! subscriptions. These types are the persisted form; the service's own
//! types are free to change shape, and a change to them needs a change here
//! only if it changes what is stored (then as a new version, with a
//! migration from this one). Field names, their order and the defaults for
//! fields older snapshots lack are the format: each `#[serde(default)]`
//! reads a snapshot written before its field existed.
//!
//! Converting back is unchecked beyond the shape: `Kinesis::check_restored`
//! judges the restored service.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::cost::{CapacityMode, CostMeterV1};
use crate::hash::HashKeyRange;
use crate::iterator::IteratorKeyV1;
use crate::kinesis::Kinesis;
use crate::kinesis::ops_efo::{ConsumerStatus, StreamConsumer, Subscription, SubscriptionId};
use crate::kinesis::reshard::Step;
use crate::kinesis::stream::{
    Change, Encryption, PendingChange, Record, RecordBytes, Shard, ShardId, Stream, StreamStatus,
};
use crate::kinesis::telemetry::{Combine, Scope, Tally};
use crate::kms::KeyId;
use crate::limits;
use crate::metrics::{MetricName, MetricStoreV1};
use crate::record_log::RecordLog;
use crate::sequence::StreamSerial;
use crate::throttle::TokenBucketV1;
use crate::time::{Duration, Instant};

/// The service's parts, each in its version 1 form. Not serialized as one
/// value: `SimulationV1` holds them among its own fields, in the order
/// version 1 has always written them.
pub(crate) struct KinesisV1 {
    pub(crate) streams: BTreeMap<String, StreamV1>,
    pub(crate) iterator_key: IteratorKeyV1,
    pub(crate) unsealed_iterators_until: Option<Instant>,
    pub(crate) next_stream_serial: StreamSerial,
    pub(crate) metrics: MetricStoreV1,
    pub(crate) subscriptions: Vec<SubscriptionV1>,
    pub(crate) next_subscription_id: u32,
}

impl From<Kinesis> for KinesisV1 {
    fn from(kinesis: Kinesis) -> KinesisV1 {
        let Kinesis {
            streams,
            iterator_key,
            unsealed_iterators_until,
            next_stream_serial,
            metrics,
            subscriptions,
            next_subscription_id,
        } = kinesis;
        KinesisV1 {
            streams: crate::maps::convert_values(streams),
            iterator_key: iterator_key.into(),
            unsealed_iterators_until,
            next_stream_serial,
            metrics: metrics.into(),
            subscriptions: subscriptions.into_iter().map(SubscriptionV1::from).collect(),
            next_subscription_id,
        }
    }
}

impl From<KinesisV1> for Kinesis {
    fn from(v1: KinesisV1) -> Kinesis {
        let KinesisV1 {
            streams,
            iterator_key,
            unsealed_iterators_until,
            next_stream_serial,
            metrics,
            subscriptions,
            next_subscription_id,
        } = v1;
        Kinesis {
            streams: crate::maps::convert_values(streams),
            iterator_key: iterator_key.into(),
            unsealed_iterators_until,
            next_stream_serial,
            metrics: metrics.into(),
            subscriptions: subscriptions.into_iter().map(Subscription::from).collect(),
            next_subscription_id,
        }
    }
}

#[derive(Serialize, Deserialize)]
pub(crate) struct StreamV1 {
    name: String,
    /// Older snapshots' streams are all serial 0.
    #[serde(default)]
    serial: StreamSerial,
    status: StreamStatus,
    created_at: Instant,
    mode: CapacityMode,
    retention: Duration,
    /// Older snapshots' streams have the default.
    #[serde(default = "default_max_record_size_kib")]
    max_record_size_kib: u32,
    shards: Vec<ShardV1>,
    next_shard_index: u32,
    tags: BTreeMap<String, String>,
    pending: Option<PendingChangeV1>,
    shard_count_updates: Vec<Instant>,
    keys: Vec<KeyId>,
    encryption_key: Option<u16>,
    tally: TallyV1,
    cost: CostMeterV1,
    consumers: Vec<StreamConsumerV1>,
}

fn default_max_record_size_kib() -> u32 {
    limits::DEFAULT_MAX_RECORD_SIZE_KIB
}

impl From<Stream> for StreamV1 {
    fn from(stream: Stream) -> StreamV1 {
        let Stream {
            name,
            serial,
            status,
            created_at,
            mode,
            retention,
            max_record_size_kib,
            shards,
            next_shard_index,
            tags,
            pending,
            shard_count_updates,
            keys,
            encryption_key,
            tally,
            cost,
            consumers,
        } = stream;
        StreamV1 {
            name,
            serial,
            status,
            created_at,
            mode,
            retention,
            max_record_size_kib,
            shards: shards.into_iter().map(ShardV1::from).collect(),
            next_shard_index,
            tags,
            pending: pending.map(PendingChangeV1::from),
            shard_count_updates,
            keys,
            encryption_key,
            tally: tally.into(),
            cost: cost.into(),
            consumers: consumers.into_iter().map(StreamConsumerV1::from).collect(),
        }
    }
}

impl From<StreamV1> for Stream {
    fn from(v1: StreamV1) -> Stream {
        let StreamV1 {
            name,
            serial,
            status,
            created_at,
            mode,
            retention,
            max_record_size_kib,
            shards,
            next_shard_index,
            tags,
            pending,
            shard_count_updates,
            keys,
            encryption_key,
            tally,
            cost,
            consumers,
        } = v1;
        Stream {
            name,
            serial,
            status,
            created_at,
            mode,
            retention,
            max_record_size_kib,
            shards: shards.into_iter().map(Shard::from).collect(),
            next_shard_index,
            tags,
            pending: pending.map(PendingChange::from),
            shard_count_updates,
            keys,
            encryption_key,
            tally: tally.into(),
            cost: cost.into(),
            consumers: consumers.into_iter().map(StreamConsumer::from).collect(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct ShardV1 {
    id: ShardId,
    /// Older snapshots' streams are all serial 0.
    #[serde(default)]
    stream: StreamSerial,
    range: HashKeyRange,
    parent: Option<ShardId>,
    adjacent_parent: Option<ShardId>,
    created_at: Instant,
    closed_at: Option<Instant>,
    records: RecordsV1,
    next_counter: u64,
    write_bytes: TokenBucketV1,
    write_records: TokenBucketV1,
    read_bytes: TokenBucketV1,
    read_calls: TokenBucketV1,
}

impl From<Shard> for ShardV1 {
    fn from(shard: Shard) -> ShardV1 {
        let Shard {
            id,
            stream,
            range,
            parent,
            adjacent_parent,
            created_at,
            closed_at,
            records,
            next_counter,
            write_bytes,
            write_records,
            read_bytes,
            read_calls,
        } = shard;
        ShardV1 {
            id,
            stream,
            range,
            parent,
            adjacent_parent,
            created_at,
            closed_at,
            records: RecordsV1(records),
            next_counter,
            write_bytes: write_bytes.into(),
            write_records: write_records.into(),
            read_bytes: read_bytes.into(),
            read_calls: read_calls.into(),
        }
    }
}

impl From<ShardV1> for Shard {
    fn from(v1: ShardV1) -> Shard {
        let ShardV1 {
            id,
            stream,
            range,
            parent,
            adjacent_parent,
            created_at,
            closed_at,
            records: RecordsV1(records),
            next_counter,
            write_bytes,
            write_records,
            read_bytes,
            read_calls,
        } = v1;
        Shard {
            id,
            stream,
            range,
            parent,
            adjacent_parent,
            created_at,
            closed_at,
            records,
            next_counter,
            write_bytes: write_bytes.into(),
            write_records: write_records.into(),
            read_bytes: read_bytes.into(),
            read_calls: read_calls.into(),
        }
    }
}

/// A shard's records, as a plain list of [`RecordV1`]. Written straight
/// from the shard's log, one record at a time and its bytes borrowed, so
/// that a snapshot of millions of records does not copy them first; read as
/// a list, then checked into a log (see [`RecordLog::restored`]).
struct RecordsV1(RecordLog);

impl Serialize for RecordsV1 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut records = serializer.serialize_seq(Some(self.0.len()))?;
        for record in self.0.iter() {
            records.serialize_element(&RecordV1::from(&record))?;
        }
        records.end()
    }
}

impl<'de> Deserialize<'de> for RecordsV1 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RecordsV1, D::Error> {
        let records = Vec::<RecordV1>::deserialize(deserializer)?;
        RecordLog::restored(records.into_iter().map(Record::from)).map(RecordsV1).map_err(serde::de::Error::custom)
    }
}

/// A record, wherever a snapshot holds one: in a shard, or in a client's
/// hands (a Lambda batch, a consumer's last read). Its sequence number is
/// held as its parts; `bytes` are the partition key, the data and, if
/// `explicit_hash_key`, the explicit hash key as 16 big-endian bytes.
/// `Record::check_restored` judges them once restored.
/// Written from a borrowed record's bytes (`RecordV1<&[u8]>`), read into
/// bytes of its own.
#[derive(Serialize, Deserialize)]
pub(crate) struct RecordV1<Bytes = Vec<u8>> {
    counter: u64,
    approximate_arrival: Instant,
    bytes: Bytes,
    shard: ShardId,
    key_len: u32,
    /// Zero is left out, which is every record of a snapshot taken before
    /// sequence numbers named their stream.
    #[serde(default, skip_serializing_if = "is_zero")]
    stream: StreamSerial,
    explicit_hash_key: bool,
    encryption: EncryptionV1,
}

fn is_zero(serial: &StreamSerial) -> bool {
    *serial == 0
}

impl<'a> From<&'a Record> for RecordV1<&'a [u8]> {
    fn from(record: &'a Record) -> RecordV1<&'a [u8]> {
        let Record { counter, approximate_arrival, ref bytes, shard, key_len, stream, explicit_hash_key, encryption } =
            *record;
        RecordV1 {
            counter,
            approximate_arrival,
            bytes,
            shard,
            key_len,
            stream,
            explicit_hash_key,
            encryption: encryption.into(),
        }
    }
}

impl From<Record> for RecordV1 {
    fn from(record: Record) -> RecordV1 {
        let RecordV1 { counter, approximate_arrival, bytes, shard, key_len, stream, explicit_hash_key, encryption } =
            RecordV1::from(&record);
        RecordV1 {
            counter,
            approximate_arrival,
            bytes: bytes.to_vec(),
            shard,
            key_len,
            stream,
            explicit_hash_key,
            encryption,
        }
    }
}

impl From<RecordV1> for Record {
    fn from(v1: RecordV1) -> Record {
        let RecordV1 { counter, approximate_arrival, bytes, shard, key_len, stream, explicit_hash_key, encryption } =
            v1;
        Record {
            counter,
            approximate_arrival,
            bytes: RecordBytes::whole(bytes),
            shard,
            key_len,
            stream,
            explicit_hash_key,
            encryption: encryption.into(),
        }
    }
}

#[derive(Serialize, Deserialize)]
enum EncryptionV1 {
    None,
    AtRest(u16),
    Decrypted,
}

impl From<Encryption> for EncryptionV1 {
    fn from(encryption: Encryption) -> EncryptionV1 {
        match encryption {
            Encryption::None => EncryptionV1::None,
            Encryption::AtRest(key) => EncryptionV1::AtRest(key),
            Encryption::Decrypted => EncryptionV1::Decrypted,
        }
    }
}

impl From<EncryptionV1> for Encryption {
    fn from(v1: EncryptionV1) -> Encryption {
        match v1 {
            EncryptionV1::None => Encryption::None,
            EncryptionV1::AtRest(key) => Encryption::AtRest(key),
            EncryptionV1::Decrypted => Encryption::Decrypted,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct PendingChangeV1 {
    due: Instant,
    change: ChangeV1,
}

impl From<PendingChange> for PendingChangeV1 {
    fn from(pending: PendingChange) -> PendingChangeV1 {
        let PendingChange { due, change } = pending;
        PendingChangeV1 { due, change: change.into() }
    }
}

impl From<PendingChangeV1> for PendingChange {
    fn from(v1: PendingChangeV1) -> PendingChange {
        let PendingChangeV1 { due, change } = v1;
        PendingChange { due, change: change.into() }
    }
}

#[derive(Serialize, Deserialize)]
enum ChangeV1 {
    Activate,
    Remove,
    Reshard(ReshardV1),
    SwitchMode(CapacityMode),
    SetEncryption(Option<KeyId>),
}

impl From<Change> for ChangeV1 {
    fn from(change: Change) -> ChangeV1 {
        match change {
            Change::Activate => ChangeV1::Activate,
            Change::Remove => ChangeV1::Remove,
            Change::Reshard(step) => ChangeV1::Reshard(step.into()),
            Change::SwitchMode(mode) => ChangeV1::SwitchMode(mode),
            Change::SetEncryption(key) => ChangeV1::SetEncryption(key),
        }
    }
}

impl From<ChangeV1> for Change {
    fn from(v1: ChangeV1) -> Change {
        match v1 {
            ChangeV1::Activate => Change::Activate,
            ChangeV1::Remove => Change::Remove,
            ChangeV1::Reshard(step) => Change::Reshard(step.into()),
            ChangeV1::SwitchMode(mode) => Change::SwitchMode(mode),
            ChangeV1::SetEncryption(key) => Change::SetEncryption(key),
        }
    }
}

/// A reshard waiting for its stream's `UPDATING` period to end.
#[derive(Serialize, Deserialize)]
enum ReshardV1 {
    Split { shard: ShardId, new_starting_hash_key: u128 },
    Merge { shard: ShardId, adjacent: ShardId },
    ScaleUniformly { target: u32 },
}

impl From<Step> for ReshardV1 {
    fn from(step: Step) -> ReshardV1 {
        match step {
            Step::Split { shard, new_starting_hash_key } => ReshardV1::Split { shard, new_starting_hash_key },
            Step::Merge { shard, adjacent } => ReshardV1::Merge { shard, adjacent },
            Step::ScaleUniformly { target } => ReshardV1::ScaleUniformly { target },
        }
    }
}

impl From<ReshardV1> for Step {
    fn from(v1: ReshardV1) -> Step {
        match v1 {
            ReshardV1::Split { shard, new_starting_hash_key } => Step::Split { shard, new_starting_hash_key },
            ReshardV1::Merge { shard, adjacent } => Step::Merge { shard, adjacent },
            ReshardV1::ScaleUniformly { target } => Step::ScaleUniformly { target },
        }
    }
}

/// The metric samples of the current simulated second.
#[derive(Serialize, Deserialize)]
struct TallyV1 {
    second: u64,
    entries: Vec<(MetricName, ScopeV1, CombineV1, f64)>,
}

#[derive(Serialize, Deserialize)]
enum ScopeV1 {
    Stream,
    Shard(ShardId),
    Consumer(String),
}

#[derive(Serialize, Deserialize)]
enum CombineV1 {
    Sum,
    Max,
}

impl From<Scope> for ScopeV1 {
    fn from(scope: Scope) -> ScopeV1 {
        match scope {
            Scope::Stream => ScopeV1::Stream,
            Scope::Shard(shard) => ScopeV1::Shard(shard),
            Scope::Consumer(name) => ScopeV1::Consumer(name),
        }
    }
}

impl From<ScopeV1> for Scope {
    fn from(v1: ScopeV1) -> Scope {
        match v1 {
            ScopeV1::Stream => Scope::Stream,
            ScopeV1::Shard(shard) => Scope::Shard(shard),
            ScopeV1::Consumer(name) => Scope::Consumer(name),
        }
    }
}

impl From<Combine> for CombineV1 {
    fn from(combine: Combine) -> CombineV1 {
        match combine {
            Combine::Sum => CombineV1::Sum,
            Combine::Max => CombineV1::Max,
        }
    }
}

impl From<CombineV1> for Combine {
    fn from(v1: CombineV1) -> Combine {
        match v1 {
            CombineV1::Sum => Combine::Sum,
            CombineV1::Max => Combine::Max,
        }
    }
}

impl From<Tally> for TallyV1 {
    fn from(tally: Tally) -> TallyV1 {
        let Tally { second, entries } = tally;
        let entries = entries
            .into_iter()
            .map(|(metric, scope, combine, value)| (metric, scope.into(), combine.into(), value))
            .collect();
        TallyV1 { second, entries }
    }
}

impl From<TallyV1> for Tally {
    fn from(v1: TallyV1) -> Tally {
        let TallyV1 { second, entries } = v1;
        let entries = entries
            .into_iter()
            .map(|(metric, scope, combine, value)| (metric, scope.into(), combine.into(), value))
            .collect();
        Tally { second, entries }
    }
}

/// A registered enhanced fan-out consumer.
#[derive(Serialize, Deserialize)]
struct StreamConsumerV1 {
    consumer_name: String,
    consumer_arn: String,
    consumer_status: ConsumerStatus,
    consumer_creation_timestamp: Instant,
    stream_arn: String,
    status_due: Option<Instant>,
}

impl From<StreamConsumer> for StreamConsumerV1 {
    fn from(consumer: StreamConsumer) -> StreamConsumerV1 {
        let StreamConsumer {
            consumer_name,
            consumer_arn,
            consumer_status,
            consumer_creation_timestamp,
            stream_arn,
            status_due,
        } = consumer;
        StreamConsumerV1 {
            consumer_name,
            consumer_arn,
            consumer_status,
            consumer_creation_timestamp,
            stream_arn,
            status_due,
        }
    }
}

impl From<StreamConsumerV1> for StreamConsumer {
    fn from(v1: StreamConsumerV1) -> StreamConsumer {
        let StreamConsumerV1 {
            consumer_name,
            consumer_arn,
            consumer_status,
            consumer_creation_timestamp,
            stream_arn,
            status_due,
        } = v1;
        StreamConsumer {
            consumer_name,
            consumer_arn,
            consumer_status,
            consumer_creation_timestamp,
            stream_arn,
            status_due,
        }
    }
}

/// An open `SubscribeToShard` push channel.
#[derive(Serialize, Deserialize)]
pub(crate) struct SubscriptionV1 {
    id: SubscriptionId,
    consumer_arn: String,
    stream: String,
    shard: ShardId,
    counter: u64,
    started: Instant,
    budget: TokenBucketV1,
    ended: bool,
}

impl From<Subscription> for SubscriptionV1 {
    fn from(subscription: Subscription) -> SubscriptionV1 {
        let Subscription { id, consumer_arn, stream, shard, counter, started, budget, ended } = subscription;
        SubscriptionV1 { id, consumer_arn, stream, shard, counter, started, budget: budget.into(), ended }
    }
}

impl From<SubscriptionV1> for Subscription {
    fn from(v1: SubscriptionV1) -> Subscription {
        let SubscriptionV1 { id, consumer_arn, stream, shard, counter, started, budget, ended } = v1;
        Subscription { id, consumer_arn, stream, shard, counter, started, budget: budget.into(), ended }
    }
}
