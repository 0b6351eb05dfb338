//! Delivery streams in version 1 of the snapshot format. A change to
//! [`DeliveryStream`] or the types it holds needs no change here unless it
//! changes what is stored. The default reads snapshots written before a
//! field existed.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::prefix::{ErrorOutputType, PartitionKeys};
use super::{
    BufferedRecord, DeliveryCounters, DeliverySource, DeliveryStream, KinesisReader, Partition, S3Destination,
    SourceShard, UndeliveredObject,
};
use crate::kinesis::stream::ShardId;
use crate::rand::RandV1;
use crate::time::Instant;

#[derive(Serialize, Deserialize)]
pub(crate) struct DeliveryStreamV1 {
    name: String,
    created: Instant,
    source: DeliverySource,
    destination: S3Destination,
    buffer: Vec<BufferedRecordV1>,
    buffer_bytes: u64,
    buffer_opened: Option<Instant>,
    #[serde(default)]
    partitions: Vec<PartitionV1>,
    undelivered: Vec<UndeliveredObjectV1>,
    next_retry: Option<Instant>,
    reader: Option<KinesisReaderV1>,
    counters: DeliveryCounters,
    quota_second: u64,
    quota_bytes: u64,
    rand: RandV1,
}

#[derive(Serialize, Deserialize)]
struct BufferedRecordV1 {
    record_id: String,
    data: Vec<u8>,
    arrival: Instant,
}

#[derive(Serialize, Deserialize)]
struct UndeliveredObjectV1 {
    key: String,
    body: Vec<u8>,
    n_records: u64,
    is_error_output: bool,
    first_attempt: Instant,
}

#[derive(Serialize, Deserialize)]
struct PartitionV1 {
    error: Option<ErrorOutputTypeV1>,
    keys: PartitionKeysV1,
    records: Vec<Vec<u8>>,
    bytes: u64,
    opened: Instant,
}

#[derive(Serialize, Deserialize)]
enum ErrorOutputTypeV1 {
    Processing,
    FormatConversion,
    Partitioning,
}

#[derive(Serialize, Deserialize)]
struct PartitionKeysV1 {
    query: BTreeMap<String, String>,
    lambda: BTreeMap<String, String>,
}

#[derive(Serialize, Deserialize)]
struct KinesisReaderV1 {
    stream: String,
    shards: Vec<SourceShardV1>,
    next_poll: Instant,
    last_error: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct SourceShardV1 {
    shard: ShardId,
    parents: Vec<ShardId>,
    iterator: Option<String>,
    finished: bool,
}

impl From<DeliveryStream> for DeliveryStreamV1 {
    fn from(stream: DeliveryStream) -> DeliveryStreamV1 {
        let DeliveryStream {
            name,
            created,
            source,
            destination,
            buffer,
            buffer_bytes,
            buffer_opened,
            partitions,
            undelivered,
            next_retry,
            reader,
            counters,
            quota_second,
            quota_bytes,
            rand,
        } = stream;
        DeliveryStreamV1 {
            name,
            created,
            source,
            destination,
            buffer: buffer.into_iter().map(BufferedRecordV1::from).collect(),
            buffer_bytes,
            buffer_opened,
            partitions: partitions.into_iter().map(PartitionV1::from).collect(),
            undelivered: undelivered.into_iter().map(UndeliveredObjectV1::from).collect(),
            next_retry,
            reader: reader.map(KinesisReaderV1::from),
            counters,
            quota_second,
            quota_bytes,
            rand: rand.into(),
        }
    }
}

impl From<DeliveryStreamV1> for DeliveryStream {
    fn from(v1: DeliveryStreamV1) -> DeliveryStream {
        let DeliveryStreamV1 {
            name,
            created,
            source,
            destination,
            buffer,
            buffer_bytes,
            buffer_opened,
            partitions,
            undelivered,
            next_retry,
            reader,
            counters,
            quota_second,
            quota_bytes,
            rand,
        } = v1;
        DeliveryStream {
            name,
            created,
            source,
            destination,
            buffer: buffer.into_iter().map(BufferedRecord::from).collect(),
            buffer_bytes,
            buffer_opened,
            partitions: partitions.into_iter().map(Partition::from).collect(),
            undelivered: undelivered.into_iter().map(UndeliveredObject::from).collect(),
            next_retry,
            reader: reader.map(KinesisReader::from),
            counters,
            quota_second,
            quota_bytes,
            rand: rand.into(),
        }
    }
}

impl From<BufferedRecord> for BufferedRecordV1 {
    fn from(record: BufferedRecord) -> BufferedRecordV1 {
        let BufferedRecord { record_id, data, arrival } = record;
        BufferedRecordV1 { record_id, data, arrival }
    }
}

impl From<BufferedRecordV1> for BufferedRecord {
    fn from(v1: BufferedRecordV1) -> BufferedRecord {
        let BufferedRecordV1 { record_id, data, arrival } = v1;
        BufferedRecord { record_id, data, arrival }
    }
}

impl From<UndeliveredObject> for UndeliveredObjectV1 {
    fn from(object: UndeliveredObject) -> UndeliveredObjectV1 {
        let UndeliveredObject { key, body, n_records, is_error_output, first_attempt } = object;
        UndeliveredObjectV1 { key, body, n_records, is_error_output, first_attempt }
    }
}

impl From<UndeliveredObjectV1> for UndeliveredObject {
    fn from(v1: UndeliveredObjectV1) -> UndeliveredObject {
        let UndeliveredObjectV1 { key, body, n_records, is_error_output, first_attempt } = v1;
        UndeliveredObject { key, body, n_records, is_error_output, first_attempt }
    }
}

impl From<Partition> for PartitionV1 {
    fn from(partition: Partition) -> PartitionV1 {
        let Partition { error, keys, records, bytes, opened } = partition;
        PartitionV1 { error: error.map(ErrorOutputTypeV1::from), keys: keys.into(), records, bytes, opened }
    }
}

impl From<PartitionV1> for Partition {
    fn from(v1: PartitionV1) -> Partition {
        let PartitionV1 { error, keys, records, bytes, opened } = v1;
        Partition { error: error.map(ErrorOutputType::from), keys: keys.into(), records, bytes, opened }
    }
}

impl From<ErrorOutputType> for ErrorOutputTypeV1 {
    fn from(kind: ErrorOutputType) -> ErrorOutputTypeV1 {
        match kind {
            ErrorOutputType::Processing => ErrorOutputTypeV1::Processing,
            ErrorOutputType::FormatConversion => ErrorOutputTypeV1::FormatConversion,
            ErrorOutputType::Partitioning => ErrorOutputTypeV1::Partitioning,
        }
    }
}

impl From<ErrorOutputTypeV1> for ErrorOutputType {
    fn from(v1: ErrorOutputTypeV1) -> ErrorOutputType {
        match v1 {
            ErrorOutputTypeV1::Processing => ErrorOutputType::Processing,
            ErrorOutputTypeV1::FormatConversion => ErrorOutputType::FormatConversion,
            ErrorOutputTypeV1::Partitioning => ErrorOutputType::Partitioning,
        }
    }
}

impl From<PartitionKeys> for PartitionKeysV1 {
    fn from(keys: PartitionKeys) -> PartitionKeysV1 {
        let PartitionKeys { query, lambda } = keys;
        PartitionKeysV1 { query, lambda }
    }
}

impl From<PartitionKeysV1> for PartitionKeys {
    fn from(v1: PartitionKeysV1) -> PartitionKeys {
        let PartitionKeysV1 { query, lambda } = v1;
        PartitionKeys { query, lambda }
    }
}

impl From<KinesisReader> for KinesisReaderV1 {
    fn from(reader: KinesisReader) -> KinesisReaderV1 {
        let KinesisReader { stream, shards, next_poll, last_error } = reader;
        KinesisReaderV1 { stream, shards: shards.into_iter().map(SourceShardV1::from).collect(), next_poll, last_error }
    }
}

impl From<KinesisReaderV1> for KinesisReader {
    fn from(v1: KinesisReaderV1) -> KinesisReader {
        let KinesisReaderV1 { stream, shards, next_poll, last_error } = v1;
        KinesisReader { stream, shards: shards.into_iter().map(SourceShard::from).collect(), next_poll, last_error }
    }
}

impl From<SourceShard> for SourceShardV1 {
    fn from(shard: SourceShard) -> SourceShardV1 {
        let SourceShard { shard, parents, iterator, finished } = shard;
        SourceShardV1 { shard, parents, iterator, finished }
    }
}

impl From<SourceShardV1> for SourceShard {
    fn from(v1: SourceShardV1) -> SourceShard {
        let SourceShardV1 { shard, parents, iterator, finished } = v1;
        SourceShard { shard, parents, iterator, finished }
    }
}
