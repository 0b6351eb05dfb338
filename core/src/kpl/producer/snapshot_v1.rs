//! A KPL producer's version-1 snapshot form. A change to [`KplProducer`] or
//! the state it holds needs no change here unless it changes what is stored.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::{
    Buffered, KinesisRecord, KplConfig, KplCounters, KplProducer, ShardLimiter, StreamBuffer, UserRecordId,
    UserRecordOutcome,
};
use crate::kinesis::stream::ShardId;
use crate::kpl::UserRecord;
use crate::rand::RandV1;
use crate::time::Instant;

#[derive(Serialize, Deserialize)]
pub(crate) struct KplProducerV1 {
    config: KplConfig,
    rand: RandV1,
    next_id: u64,
    next_seq: u64,
    buffers: BTreeMap<String, StreamBufferV1>,
    queue: Vec<KinesisRecordV1>,
    limiters: Vec<ShardLimiterV1>,
    outcomes: BTreeMap<UserRecordId, UserRecordOutcome>,
    counters: KplCounters,
    flush_before: UserRecordId,
}

#[derive(Serialize, Deserialize)]
struct BufferedV1 {
    id: UserRecordId,
    added: Instant,
    record: UserRecord,
}

#[derive(Serialize, Deserialize)]
struct StreamBufferV1 {
    records: Vec<BufferedV1>,
    n_bytes: usize,
}

#[derive(Serialize, Deserialize)]
struct KinesisRecordV1 {
    seq: u64,
    stream: String,
    shard: Option<ShardId>,
    partition_key: String,
    explicit_hash_key: Option<String>,
    data: Vec<u8>,
    members: Vec<UserRecordId>,
    ready_at: Instant,
    expires: Instant,
    attempts: u32,
    last_error_code: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ShardLimiterV1 {
    stream: String,
    shard: ShardId,
    records_milli: u64,
    bytes_milli: u64,
    updated: Instant,
}

impl From<KplProducer> for KplProducerV1 {
    fn from(producer: KplProducer) -> KplProducerV1 {
        let KplProducer { config, rand, next_id, next_seq, buffers, queue, limiters, outcomes, counters, flush_before } =
            producer;
        KplProducerV1 {
            config,
            rand: rand.into(),
            next_id,
            next_seq,
            buffers: crate::maps::convert_values(buffers),
            queue: queue.into_iter().map(KinesisRecordV1::from).collect(),
            limiters: limiters.into_iter().map(ShardLimiterV1::from).collect(),
            outcomes,
            counters,
            flush_before,
        }
    }
}

impl From<KplProducerV1> for KplProducer {
    fn from(v1: KplProducerV1) -> KplProducer {
        let KplProducerV1 {
            config,
            rand,
            next_id,
            next_seq,
            buffers,
            queue,
            limiters,
            outcomes,
            counters,
            flush_before,
        } = v1;
        KplProducer {
            config,
            rand: rand.into(),
            next_id,
            next_seq,
            buffers: crate::maps::convert_values(buffers),
            queue: queue.into_iter().map(KinesisRecord::from).collect(),
            limiters: limiters.into_iter().map(ShardLimiter::from).collect(),
            outcomes,
            counters,
            flush_before,
        }
    }
}

impl From<Buffered> for BufferedV1 {
    fn from(buffered: Buffered) -> BufferedV1 {
        let Buffered { id, added, record } = buffered;
        BufferedV1 { id, added, record }
    }
}

impl From<BufferedV1> for Buffered {
    fn from(v1: BufferedV1) -> Buffered {
        let BufferedV1 { id, added, record } = v1;
        Buffered { id, added, record }
    }
}

impl From<StreamBuffer> for StreamBufferV1 {
    fn from(buffer: StreamBuffer) -> StreamBufferV1 {
        let StreamBuffer { records, n_bytes } = buffer;
        StreamBufferV1 { records: records.into_iter().map(BufferedV1::from).collect(), n_bytes }
    }
}

impl From<StreamBufferV1> for StreamBuffer {
    fn from(v1: StreamBufferV1) -> StreamBuffer {
        let StreamBufferV1 { records, n_bytes } = v1;
        StreamBuffer { records: records.into_iter().map(Buffered::from).collect(), n_bytes }
    }
}

impl From<KinesisRecord> for KinesisRecordV1 {
    fn from(record: KinesisRecord) -> KinesisRecordV1 {
        let KinesisRecord {
            seq,
            stream,
            shard,
            partition_key,
            explicit_hash_key,
            data,
            members,
            ready_at,
            expires,
            attempts,
            last_error_code,
        } = record;
        KinesisRecordV1 {
            seq,
            stream,
            shard,
            partition_key,
            explicit_hash_key,
            data,
            members,
            ready_at,
            expires,
            attempts,
            last_error_code,
        }
    }
}

impl From<KinesisRecordV1> for KinesisRecord {
    fn from(v1: KinesisRecordV1) -> KinesisRecord {
        let KinesisRecordV1 {
            seq,
            stream,
            shard,
            partition_key,
            explicit_hash_key,
            data,
            members,
            ready_at,
            expires,
            attempts,
            last_error_code,
        } = v1;
        KinesisRecord {
            seq,
            stream,
            shard,
            partition_key,
            explicit_hash_key,
            data,
            members,
            ready_at,
            expires,
            attempts,
            last_error_code,
        }
    }
}

impl From<ShardLimiter> for ShardLimiterV1 {
    fn from(limiter: ShardLimiter) -> ShardLimiterV1 {
        let ShardLimiter { stream, shard, records_milli, bytes_milli, updated } = limiter;
        ShardLimiterV1 { stream, shard, records_milli, bytes_milli, updated }
    }
}

impl From<ShardLimiterV1> for ShardLimiter {
    fn from(v1: ShardLimiterV1) -> ShardLimiter {
        let ShardLimiterV1 { stream, shard, records_milli, bytes_milli, updated } = v1;
        ShardLimiter { stream, shard, records_milli, bytes_milli, updated }
    }
}
