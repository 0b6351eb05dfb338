//! The simulation façade: owns simulated time and every simulated resource.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::consumer::{ConsumerId, ConsumerView, PollingConsumer};
use crate::error::{
    CreateStreamError, GetRecordsError, GetShardIteratorError, IteratorExpired, NotFound, PutRecordError, StreamExists,
    ValidationError,
};
use crate::hash::HashKey;
use crate::iterator::{ITERATOR_LIFETIME, IteratorToken, ShardIteratorType};
use crate::sequence::SequenceNumber;
use crate::stream::{Record, ShardId, Stream, StreamView};
use crate::time::{Duration, Instant};

/// The largest record payload Kinesis accepts: 1 MiB.
pub const MAX_RECORD_DATA_BYTES: usize = 1024 * 1024;
/// Partition keys are 1 to 256 Unicode characters.
pub const MAX_PARTITION_KEY_CHARS: usize = 256;
/// The most records one `GetRecords` call returns, and its default `Limit`.
pub const MAX_GET_RECORDS_LIMIT: u32 = 10_000;
/// Stream names are 1 to 128 characters of `[a-zA-Z0-9_.-]`.
pub const MAX_STREAM_NAME_LEN: usize = 128;

/// `PutRecord` request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutRecordInput {
    /// `StreamName`.
    pub stream_name: String,
    /// `PartitionKey`: hashed with MD5 to choose the shard.
    pub partition_key: String,
    /// `Data`.
    pub data: Vec<u8>,
    /// `ExplicitHashKey`: a decimal hash key that overrides the partition key's hash.
    pub explicit_hash_key: Option<String>,
}

/// `PutRecord` response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutRecordOutput {
    /// `ShardId`: where the record was stored.
    pub shard_id: ShardId,
    /// `SequenceNumber`: its position in that shard.
    pub sequence_number: SequenceNumber,
}

/// `GetRecords` response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetRecordsOutput {
    /// `Records`, in sequence order.
    pub records: Vec<Record>,
    /// `NextShardIterator`: where the following call continues.
    pub next_shard_iterator: Option<String>,
    /// `MillisBehindLatest`: how far the response is from the tip of the shard.
    pub millis_behind_latest: u64,
}

/// A simulated AWS account holding Kinesis streams and the applications that use them.
///
/// Time moves only when the caller says so, through [`Simulation::advance`]:
/// nothing here sleeps or reads a clock, so the same calls always produce the
/// same state.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Simulation {
    now: Instant,
    streams: BTreeMap<String, Stream>,
    consumers: Vec<PollingConsumer>,
    next_consumer_id: u32,
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation::new()
    }
}

impl Simulation {
    /// An empty account whose clock reads [`Instant::SIMULATION_START`].
    pub fn new() -> Simulation {
        Simulation {
            now: Instant::SIMULATION_START,
            streams: BTreeMap::new(),
            consumers: Vec::new(),
            next_consumer_id: 0,
        }
    }

    /// The current simulated time.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Moves the clock forward by `by`, letting every consumer poll when due.
    pub fn advance(&mut self, by: Duration) {
        let target = self.now + by;
        while let Some((idx, due)) = self.next_consumer_poll().filter(|&(_, due)| due <= target) {
            self.now = self.now.max(due);
            self.poll_consumer_at(idx);
        }
        self.now = target;
    }

    fn next_consumer_poll(&self) -> Option<(usize, Instant)> {
        self.consumers.iter().enumerate().map(|(idx, c)| (idx, c.next_poll)).min_by_key(|&(idx, due)| (due, idx))
    }

    fn poll_consumer_at(&mut self, idx: usize) {
        // The consumer calls back into the simulation's public API, so it is
        // taken out while it runs.
        let mut consumer = self.consumers.remove(idx);
        consumer.poll(self);
        self.consumers.insert(idx, consumer);
    }

    /// `CreateStream` in provisioned mode with `shard_count` shards.
    pub fn create_stream(&mut self, name: &str, shard_count: u32) -> Result<(), CreateStreamError> {
        let name_is_valid = name.bytes().all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c));
        let name_constraint = if name.is_empty() {
            Some("Member must have length greater than or equal to 1".to_string())
        } else if name.len() > MAX_STREAM_NAME_LEN {
            Some(alloc::format!("Member must have length less than or equal to {MAX_STREAM_NAME_LEN}"))
        } else if !name_is_valid {
            Some("Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+".to_string())
        } else {
            None
        };
        if let Some(constraint) = name_constraint {
            return Err(CreateStreamError::Validation(ValidationError {
                member: "streamName",
                value: Some(name.into()),
                constraint,
            }));
        }
        if shard_count == 0 {
            return Err(CreateStreamError::Validation(ValidationError {
                member: "shardCount",
                value: Some("0".into()),
                constraint: "Member must have value greater than or equal to 1".into(),
            }));
        }
        if self.streams.contains_key(name) {
            return Err(CreateStreamError::ResourceInUse(StreamExists(name.into())));
        }
        self.streams.insert(name.into(), Stream::new(name.into(), shard_count));
        Ok(())
    }

    /// `PutRecord`: stores one record in the shard its hash key falls in.
    pub fn put_record(&mut self, input: PutRecordInput) -> Result<PutRecordOutput, PutRecordError> {
        let PutRecordInput { stream_name, partition_key, data, explicit_hash_key } = input;
        let key_chars = partition_key.chars().count();
        if key_chars == 0 || key_chars > MAX_PARTITION_KEY_CHARS {
            let constraint = if key_chars == 0 {
                "Member must have length greater than or equal to 1".into()
            } else {
                alloc::format!("Member must have length less than or equal to {MAX_PARTITION_KEY_CHARS}")
            };
            return Err(PutRecordError::Validation(ValidationError {
                member: "partitionKey",
                value: Some(partition_key),
                constraint,
            }));
        }
        if data.len() > MAX_RECORD_DATA_BYTES {
            return Err(PutRecordError::Validation(ValidationError {
                member: "data",
                value: None,
                constraint: alloc::format!("Member must have length less than or equal to {MAX_RECORD_DATA_BYTES}"),
            }));
        }
        let hash_key = match explicit_hash_key {
            None => HashKey::from_partition_key(&partition_key),
            Some(text) => parse_explicit_hash_key(&text)?,
        };
        let stream = self
            .streams
            .get_mut(&stream_name)
            .ok_or(PutRecordError::ResourceNotFound(NotFound::Stream(stream_name)))?;
        let shard = stream.route(hash_key);
        let sequence_number = shard.append(self.now, partition_key, hash_key, data);
        Ok(PutRecordOutput { shard_id: shard.id, sequence_number })
    }

    /// `GetShardIterator` for one shard of a stream.
    pub fn get_shard_iterator(
        &self,
        stream_name: &str,
        shard_id: ShardId,
        iterator_type: ShardIteratorType,
    ) -> Result<String, GetShardIteratorError> {
        let stream = self
            .streams
            .get(stream_name)
            .ok_or_else(|| GetShardIteratorError::ResourceNotFound(NotFound::Stream(stream_name.into())))?;
        let shard = stream.shard(shard_id).ok_or_else(|| {
            GetShardIteratorError::ResourceNotFound(NotFound::Shard { stream: stream_name.into(), shard: shard_id })
        })?;
        let counter = match iterator_type {
            ShardIteratorType::TrimHorizon => 0,
            ShardIteratorType::Latest => shard.next_counter(),
        };
        Ok(IteratorToken { stream: stream_name.into(), shard: shard_id, counter, issued: self.now }.encode())
    }

    /// `GetRecords`: up to `limit` (default and maximum 10,000) records from
    /// the iterator's position, and the iterator to continue from.
    pub fn get_records(
        &mut self,
        shard_iterator: &str,
        limit: Option<u32>,
    ) -> Result<GetRecordsOutput, GetRecordsError> {
        let limit = limit.unwrap_or(MAX_GET_RECORDS_LIMIT);
        if !(1..=MAX_GET_RECORDS_LIMIT).contains(&limit) {
            let constraint = if limit == 0 {
                "Member must have value greater than or equal to 1".into()
            } else {
                alloc::format!("Member must have value less than or equal to {MAX_GET_RECORDS_LIMIT}")
            };
            return Err(GetRecordsError::Validation(ValidationError {
                member: "limit",
                value: Some(limit.to_string()),
                constraint,
            }));
        }
        let token = IteratorToken::decode(shard_iterator)
            .ok_or_else(|| GetRecordsError::InvalidArgument("Invalid ShardIterator.".into()))?;
        if self.now.saturating_since(token.issued) > ITERATOR_LIFETIME {
            return Err(GetRecordsError::ExpiredIterator(IteratorExpired { issued: token.issued, now: self.now }));
        }
        let stream = self
            .streams
            .get(&token.stream)
            .ok_or_else(|| GetRecordsError::ResourceNotFound(NotFound::Stream(token.stream.clone())))?;
        let shard = stream.shard(token.shard).ok_or_else(|| {
            GetRecordsError::ResourceNotFound(NotFound::Shard { stream: token.stream.clone(), shard: token.shard })
        })?;
        let stored = shard.records();
        let from = shard.position_of(token.counter);
        let to = stored.len().min(from + limit as usize);
        let records = stored[from..to].to_vec();
        let millis_behind_latest = match stored.get(to) {
            // Records remain unread: the response is as far behind as the oldest of them.
            Some(next_unread) => self.now.saturating_since(next_unread.approximate_arrival).as_millis(),
            None => 0,
        };
        let next_counter = stored.get(to).map_or(shard.next_counter(), |r| r.sequence_number.counter());
        let next = IteratorToken { counter: next_counter, issued: self.now, ..token };
        Ok(GetRecordsOutput { records, next_shard_iterator: Some(next.encode()), millis_behind_latest })
    }

    /// Starts a polling consumer that reads every shard of `stream` from
    /// `iterator_type` and then polls as the clock advances.
    pub fn start_polling_consumer(
        &mut self,
        stream: &str,
        iterator_type: ShardIteratorType,
    ) -> Result<ConsumerId, GetShardIteratorError> {
        let id = ConsumerId(self.next_consumer_id);
        let consumer = PollingConsumer::start(self, id, stream, iterator_type)?;
        self.next_consumer_id += 1;
        self.consumers.push(consumer);
        Ok(id)
    }

    /// Makes consumer `id` poll now instead of waiting for its next turn.
    /// Returns `false` if there is no such consumer.
    pub fn poll_consumer(&mut self, id: ConsumerId) -> bool {
        match self.consumers.iter().position(|c| c.id == id) {
            Some(idx) => {
                self.poll_consumer_at(idx);
                true
            }
            None => false,
        }
    }

    /// Stops and forgets consumer `id`.
    pub fn stop_consumer(&mut self, id: ConsumerId) {
        self.consumers.retain(|c| c.id != id);
    }

    /// Every stream, by name.
    pub fn streams(&self) -> Vec<StreamView> {
        self.streams.values().map(StreamView::of).collect()
    }

    /// One stream, if it exists.
    pub fn stream(&self, name: &str) -> Option<StreamView> {
        self.streams.get(name).map(StreamView::of)
    }

    /// The records a shard holds, oldest first.
    pub fn shard_records(&self, stream: &str, shard: ShardId) -> Option<&[Record]> {
        Some(self.streams.get(stream)?.shard(shard)?.records())
    }

    /// Every consumer, in the order they were started.
    pub fn consumers(&self) -> Vec<ConsumerView> {
        self.consumers.iter().map(PollingConsumer::view).collect()
    }
}

/// Parses an `ExplicitHashKey`: decimal digits (`0|([1-9]\d{0,38})`) for a
/// value in `0 ..= 2^128 - 1`.
fn parse_explicit_hash_key(text: &str) -> Result<HashKey, PutRecordError> {
    let well_formed = text == "0"
        || (!text.is_empty() && text.len() <= 39 && !text.starts_with('0') && text.bytes().all(|c| c.is_ascii_digit()));
    if !well_formed {
        return Err(PutRecordError::Validation(ValidationError {
            member: "explicitHashKey",
            value: Some(text.into()),
            constraint: "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})".into(),
        }));
    }
    text.parse::<u128>().map(HashKey).map_err(|_| {
        PutRecordError::InvalidArgument(alloc::format!(
            "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {text}"
        ))
    })
}
