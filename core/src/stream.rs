//! Streams, shards and the records they hold.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

use crate::hash::{HashKey, HashKeyRange};
use crate::sequence::SequenceNumber;
use crate::time::Instant;

/// A shard's id within its stream; prints as `shardId-000000000000`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ShardId(u32);

impl ShardId {
    /// The shard with this index (`shardId-` followed by the index in 12 digits).
    pub const fn new(index: u32) -> ShardId {
        ShardId(index)
    }

    /// The numeric part of the id.
    pub const fn index(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ShardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shardId-{:012}", self.0)
    }
}

/// A data record as stored in a shard and returned by `GetRecords`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// `SequenceNumber`.
    pub sequence_number: SequenceNumber,
    /// `PartitionKey`, as the producer sent it.
    pub partition_key: String,
    /// The hash key the record was routed by: MD5 of the key, or `ExplicitHashKey`.
    pub hash_key: HashKey,
    /// `Data`: the payload bytes.
    pub data: Vec<u8>,
    /// `ApproximateArrivalTimestamp`.
    pub approximate_arrival: Instant,
}

/// One shard: a hash key range and the ordered records written to it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Shard {
    pub(crate) id: ShardId,
    pub(crate) range: HashKeyRange,
    // Invariant: records[i].sequence_number.counter() is strictly increasing,
    // and every record's hash key lies in `range`.
    records: Vec<Record>,
    // Invariant: greater than every stored record's counter.
    next_counter: u64,
}

impl Shard {
    pub(crate) fn new(id: ShardId, range: HashKeyRange) -> Shard {
        Shard { id, range, records: Vec::new(), next_counter: 0 }
    }

    pub(crate) fn records(&self) -> &[Record] {
        &self.records
    }

    /// The counter the next written record will get; the `LATEST` position.
    pub(crate) fn next_counter(&self) -> u64 {
        self.next_counter
    }

    pub(crate) fn append(
        &mut self,
        now: Instant,
        partition_key: String,
        hash_key: HashKey,
        data: Vec<u8>,
    ) -> SequenceNumber {
        debug_assert!(self.range.contains(hash_key), "shard={} key={hash_key}", self.id);
        let sequence_number = SequenceNumber::new(self.id, self.next_counter);
        self.next_counter += 1;
        self.records.push(Record { sequence_number, partition_key, hash_key, data, approximate_arrival: now });
        sequence_number
    }

    /// Index of the first stored record at or after `counter`.
    pub(crate) fn position_of(&self, counter: u64) -> usize {
        self.records.partition_point(|r| r.sequence_number.counter() < counter)
    }
}

/// A Kinesis data stream.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Stream {
    pub(crate) name: String,
    // Invariant: ordered by id; the ranges tile 0 ..= 2^128 - 1 without gaps.
    pub(crate) shards: Vec<Shard>,
}

impl Stream {
    pub(crate) fn new(name: String, shard_count: u32) -> Stream {
        let shards = HashKeyRange::uniform(shard_count)
            .into_iter()
            .enumerate()
            .map(|(idx, range)| Shard::new(ShardId::new(idx as u32), range))
            .collect();
        let stream = Stream { name, shards };
        stream.debug_check_invariants();
        stream
    }

    /// The shard whose range contains `key`.
    pub(crate) fn route(&mut self, key: HashKey) -> &mut Shard {
        // The ranges tile the key space in order, so the first shard whose
        // range does not end before `key` contains it.
        let idx = self.shards.partition_point(|s| s.range.end() < key);
        &mut self.shards[idx]
    }

    pub(crate) fn shard(&self, id: ShardId) -> Option<&Shard> {
        self.shards.iter().find(|s| s.id == id)
    }

    pub(crate) fn debug_check_invariants(&self) {
        if cfg!(debug_assertions) {
            let first = self.shards.first().expect("stream without shards");
            assert_eq!(first.range.start().0, 0, "stream={}", self.name);
            assert_eq!(self.shards.last().map(|s| s.range.end().0), Some(u128::MAX), "stream={}", self.name);
            for pair in self.shards.windows(2) {
                assert_eq!(
                    pair[0].range.end().0 + 1,
                    pair[1].range.start().0,
                    "stream={} gap after {}",
                    self.name,
                    pair[0].id
                );
            }
        }
    }
}

/// Read-only view of a stream, for the UI and for lesson goals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamView {
    /// `StreamName`.
    pub name: String,
    /// Every shard, in id order.
    pub shards: Vec<ShardView>,
}

/// Read-only view of one shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardView {
    /// `ShardId`.
    pub id: ShardId,
    /// `HashKeyRange`.
    pub range: HashKeyRange,
    /// How many records the shard holds.
    pub n_records: usize,
}

impl StreamView {
    /// The shard a record with hash key `key` would be written to.
    pub fn shard_for(&self, key: HashKey) -> Option<&ShardView> {
        self.shards.iter().find(|s| s.range.contains(key))
    }

    pub(crate) fn of(stream: &Stream) -> StreamView {
        StreamView {
            name: stream.name.clone(),
            shards: stream
                .shards
                .iter()
                .map(|s| ShardView { id: s.id, range: s.range, n_records: s.records.len() })
                .collect(),
        }
    }
}
