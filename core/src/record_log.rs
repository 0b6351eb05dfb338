//! A shard's records: a queue that is cheap to clone and compact to hold.
//!
//! The playground keeps earlier states of the whole simulation for undo and
//! the timeline, and a stream written at 1,000 records a second holds
//! hundreds of thousands. Copying them for every saved state would make
//! memory grow with the number of states, so records are kept in chunks of
//! [`CHUNK`]: a full chunk never changes again and is shared by every clone,
//! and a clone copies only the chunk pointers and the unfilled newest chunk.
//!
//! A stored record is not a heap object of its own. A chunk keeps its
//! records' bytes (partition key, data, explicit hash key) back to back in
//! one buffer, and their metadata in columns of [`COLUMN_BYTES`] a record;
//! the stream and shard, the same for every record of a log, are kept once.
//! Reading a record assembles a [`Record`] (one allocation, for its bytes).
//!
//! Invariant: every chunk in `chunks` holds exactly [`CHUNK`] records,
//! `skip < CHUNK` (and is 0 when `chunks` is empty), and `tail` holds fewer
//! than [`CHUNK`]; every record belongs to the log's `stream` and `shard`;
//! `sealed_bytes` is the heap memory of the chunks in `chunks`.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::sequence::{SequenceNumber, StreamSerial};
use crate::stream::{Encryption, Record, ShardId};
use crate::time::Instant;

/// Records per shared chunk. Smaller chunks make the unshared newest
/// chunk, which every clone copies, smaller; larger ones make the list of
/// chunks shorter and spread each chunk's fixed cost over more records.
const CHUNK: usize = 256;

/// The metadata a stored record takes beyond its bytes, one entry in each
/// of a chunk's columns: counter, arrival, end offset, key length,
/// encryption, explicit-hash-key flag.
const COLUMN_BYTES: usize = core::mem::size_of::<u64>()
    + core::mem::size_of::<Instant>()
    + core::mem::size_of::<u32>()
    + core::mem::size_of::<u32>()
    + core::mem::size_of::<Encryption>()
    + core::mem::size_of::<bool>();

// Issue 13: a record put by a client costs at most 32 bytes beyond its
// partition key and data; the columns leave the rest for each chunk's
// fixed cost, spread over its records (checked with it by
// `a_stored_record_costs_at_most_32_bytes_beyond_its_key_and_data`).
const _: () = assert!(COLUMN_BYTES <= 30, "a record's metadata grew past the 32-byte bound");

/// The most bytes (key, data and explicit hash key) one record may hold, so
/// that a full chunk's offsets fit in `u32`: 16 MiB, above the 10 MiB
/// largest record a stream takes.
const MAX_STORED_RECORD_BYTES: usize = u32::MAX as usize / CHUNK;

/// Up to [`CHUNK`] records of one shard, oldest first.
///
/// Invariant: the columns all have one length, `ends` is non-decreasing and
/// its last entry is `bytes.len()`.
#[derive(Clone, Default)]
struct Chunk {
    /// Each record's partition key, data and explicit hash key (16
    /// big-endian bytes, when the producer gave one), back to back.
    bytes: Vec<u8>,
    /// Where each record's bytes end in `bytes`.
    ends: Vec<u32>,
    counters: Vec<u64>,
    arrivals: Vec<Instant>,
    key_lens: Vec<u32>,
    encryptions: Vec<Encryption>,
    explicit_hash_keys: Vec<bool>,
}

impl Chunk {
    fn len(&self) -> usize {
        self.counters.len()
    }

    /// Appends a record whose bytes are `parts`, concatenated.
    fn push(&mut self, meta: Meta, parts: &[&[u8]]) {
        if self.counters.capacity() == 0 {
            self.ends.reserve_exact(CHUNK);
            self.counters.reserve_exact(CHUNK);
            self.arrivals.reserve_exact(CHUNK);
            self.key_lens.reserve_exact(CHUNK);
            self.encryptions.reserve_exact(CHUNK);
            self.explicit_hash_keys.reserve_exact(CHUNK);
        }
        for part in parts {
            self.bytes.extend_from_slice(part);
        }
        self.ends.push(u32::try_from(self.bytes.len()).expect("a chunk's records fit in 4 GiB"));
        self.counters.push(meta.counter);
        self.arrivals.push(meta.arrival);
        self.key_lens.push(meta.key_len);
        self.encryptions.push(meta.encryption);
        self.explicit_hash_keys.push(meta.explicit_hash_key);
    }

    /// The bytes of record `idx`.
    fn bytes_of(&self, idx: usize) -> &[u8] {
        let start = if idx == 0 { 0 } else { self.ends[idx - 1] as usize };
        &self.bytes[start..self.ends[idx] as usize]
    }

    /// Record `idx`, assembled.
    fn record(&self, idx: usize, stream: StreamSerial, shard: ShardId) -> Record {
        Record::from_stored(
            SequenceNumber::new(stream, shard, self.counters[idx]),
            self.arrivals[idx],
            self.bytes_of(idx),
            self.key_lens[idx],
            self.explicit_hash_keys[idx],
            self.encryptions[idx],
        )
    }

    /// Drops the oldest record, moving the others down: only the unshared
    /// newest chunk of a log shorter than a chunk does this.
    fn remove_first(&mut self) {
        let first_end = self.ends.remove(0);
        self.bytes.drain(..first_end as usize);
        for end in &mut self.ends {
            *end -= first_end;
        }
        self.counters.remove(0);
        self.arrivals.remove(0);
        self.key_lens.remove(0);
        self.encryptions.remove(0);
        self.explicit_hash_keys.remove(0);
    }

    /// The chunk, full, made immutable and shareable, without spare capacity.
    fn seal(mut self) -> Arc<Chunk> {
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.counters.shrink_to_fit();
        self.arrivals.shrink_to_fit();
        self.key_lens.shrink_to_fit();
        self.encryptions.shrink_to_fit();
        self.explicit_hash_keys.shrink_to_fit();
        Arc::new(self)
    }

    /// The heap memory of the buffer and columns, by capacity.
    fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
            + self.ends.capacity() * core::mem::size_of::<u32>()
            + self.counters.capacity() * core::mem::size_of::<u64>()
            + self.arrivals.capacity() * core::mem::size_of::<Instant>()
            + self.key_lens.capacity() * core::mem::size_of::<u32>()
            + self.encryptions.capacity() * core::mem::size_of::<Encryption>()
            + self.explicit_hash_keys.capacity() * core::mem::size_of::<bool>()
    }

    /// The memory a shared chunk takes: its `Arc` allocation (two counts
    /// and the struct) and what its columns hold.
    fn shared_bytes(&self) -> usize {
        2 * core::mem::size_of::<usize>() + core::mem::size_of::<Chunk>() + self.heap_bytes()
    }
}

/// A record's metadata, as a chunk's columns keep it.
struct Meta {
    counter: u64,
    arrival: Instant,
    key_len: u32,
    explicit_hash_key: bool,
    encryption: Encryption,
}

/// An append-at-the-back, trim-at-the-front queue of one shard's records.
#[derive(Clone)]
pub(crate) struct RecordLog {
    /// The stream and shard every record belongs to: set by the first
    /// record, and checked for every later one.
    stream: StreamSerial,
    shard: ShardId,
    /// Full chunks, oldest first; shared between clones, never changed.
    chunks: VecDeque<Arc<Chunk>>,
    /// How many of the first chunk's records have been trimmed.
    skip: usize,
    /// The newest records, owned.
    tail: Chunk,
    /// The memory the chunks in `chunks` take, kept as they come and go so
    /// that reading the footprint costs nothing.
    sealed_bytes: usize,
}

impl Default for RecordLog {
    fn default() -> RecordLog {
        RecordLog {
            stream: 0,
            shard: ShardId::new(0),
            chunks: VecDeque::new(),
            skip: 0,
            tail: Chunk::default(),
            sealed_bytes: 0,
        }
    }
}

impl RecordLog {
    pub(crate) fn len(&self) -> usize {
        self.chunks.len() * CHUNK - self.skip + self.tail.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The memory the records held take: every chunk's buffer and columns
    /// by capacity, and the shared chunks' allocations. Records trimmed
    /// from a chunk still shared count until the whole chunk goes; a chunk
    /// shared by clones is counted once per holder, an upper bound.
    pub(crate) fn footprint(&self) -> usize {
        self.sealed_bytes + self.tail.heap_bytes()
    }

    /// Whether a record of sequence number `seq` may join the log: any may
    /// join an empty log, and the rest must be of the same stream and shard.
    fn accepts(&self, seq: SequenceNumber) -> bool {
        self.is_empty() || (seq.stream(), seq.shard()) == (self.stream, self.shard)
    }

    /// Appends a record whose stored bytes are `parts` concatenated: the
    /// partition key (`key_len` bytes), the data, and the explicit hash key
    /// as 16 big-endian bytes if `explicit_hash_key`.
    pub(crate) fn push_back(
        &mut self,
        sequence_number: SequenceNumber,
        arrival: Instant,
        (key_len, explicit_hash_key): (u32, bool),
        encryption: Encryption,
        parts: &[&[u8]],
    ) {
        debug_assert!(self.accepts(sequence_number), "{sequence_number} into shard={}", self.shard);
        debug_assert!(parts.iter().map(|p| p.len()).sum::<usize>() <= MAX_STORED_RECORD_BYTES);
        (self.stream, self.shard) = (sequence_number.stream(), sequence_number.shard());
        let meta = Meta { counter: sequence_number.counter(), arrival, key_len, explicit_hash_key, encryption };
        self.tail.push(meta, parts);
        if self.tail.len() == CHUNK {
            let sealed = core::mem::take(&mut self.tail).seal();
            self.sealed_bytes += sealed.shared_bytes();
            self.chunks.push_back(sealed);
        }
    }

    /// Drops the oldest record.
    pub(crate) fn pop_front(&mut self) {
        if self.chunks.is_empty() {
            match self.tail.len() {
                0 => {}
                // An emptied log gives its memory back.
                1 => self.tail = Chunk::default(),
                _ => self.tail.remove_first(),
            }
            return;
        }
        self.skip += 1;
        if self.skip == CHUNK {
            let dropped = self.chunks.pop_front().expect("not empty");
            self.sealed_bytes -= dropped.shared_bytes();
            self.skip = 0;
        }
    }

    /// The chunk holding record `idx` and its index there.
    fn locate(&self, idx: usize) -> Option<(&Chunk, usize)> {
        let at = idx + self.skip;
        let in_chunks = self.chunks.len() * CHUNK;
        if at < in_chunks {
            Some((&self.chunks[at / CHUNK], at % CHUNK))
        } else {
            let at = at - in_chunks;
            (at < self.tail.len()).then_some((&self.tail, at))
        }
    }

    pub(crate) fn get(&self, idx: usize) -> Option<Record> {
        self.locate(idx).map(|(chunk, at)| chunk.record(at, self.stream, self.shard))
    }

    /// The sequence counter of record `idx`, without assembling it.
    pub(crate) fn counter(&self, idx: usize) -> Option<u64> {
        self.locate(idx).map(|(chunk, at)| chunk.counters[at])
    }

    /// The arrival time of record `idx`, without assembling it.
    pub(crate) fn arrival(&self, idx: usize) -> Option<Instant> {
        self.locate(idx).map(|(chunk, at)| chunk.arrivals[at])
    }

    /// The records from index `start` on, oldest first.
    pub(crate) fn iter_from(&self, start: usize) -> impl Iterator<Item = Record> + '_ {
        let (stream, shard) = (self.stream, self.shard);
        let at = start + self.skip;
        let in_chunks = self.chunks.len() * CHUNK;
        let chunked =
            self.chunks.range((at / CHUNK).min(self.chunks.len())..).enumerate().flat_map(move |(n, chunk)| {
                let from = if n == 0 { at % CHUNK } else { 0 };
                (from..CHUNK).map(move |idx| chunk.record(idx, stream, shard))
            });
        let tail_from = at.saturating_sub(in_chunks).min(self.tail.len());
        chunked.chain((tail_from..self.tail.len()).map(move |idx| self.tail.record(idx, stream, shard)))
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Record> + '_ {
        self.iter_from(0)
    }

    /// The index of the first record whose counter is `counter` or more.
    pub(crate) fn position_of_counter(&self, counter: u64) -> usize {
        self.partition_point(|chunk, idx| chunk.counters[idx] < counter)
    }

    /// The index of the first record that arrived at or after `at`.
    pub(crate) fn position_of_arrival(&self, at: Instant) -> usize {
        self.partition_point(|chunk, idx| chunk.arrivals[idx] < at)
    }

    /// The index of the first record for which `is_before` is false; the
    /// records must be partitioned by it (all `true`, then all `false`).
    fn partition_point(&self, is_before: impl Fn(&Chunk, usize) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            let (chunk, at) = self.locate(mid).expect("mid < len");
            if is_before(chunk, at) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }
}

/// Equal when they hold the same records, however they are chunked.
impl PartialEq for RecordLog {
    fn eq(&self, other: &RecordLog) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for RecordLog {}

impl fmt::Debug for RecordLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A plain sequence of records, as snapshots have always stored them.
impl Serialize for RecordLog {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// Refuses, rather than stores differently, a list the log cannot hold as
/// it was written: records of more than one shard, or a record past
/// [`MAX_STORED_RECORD_BYTES`]. Neither could pass `Stream::check_restored`
/// or `check_invariants` anyway; the rest of a record's checks run there,
/// on the records as read back, which are the records as written.
impl<'de> Deserialize<'de> for RecordLog {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RecordLog, D::Error> {
        let mut log = RecordLog::default();
        for record in Vec::<Record>::deserialize(deserializer)? {
            let (seq, arrival, bytes, key_len, explicit, encryption) = record.stored_parts();
            let refuse = |why: &str| {
                let message: String = alloc::format!("record {}: {why}", seq.counter());
                serde::de::Error::custom(message)
            };
            if !log.accepts(seq) {
                return Err(refuse("its sequence number names another shard than the records before it"));
            }
            if bytes.len() > MAX_STORED_RECORD_BYTES {
                return Err(refuse("it is too large"));
            }
            log.push_back(seq, arrival, (key_len, explicit), encryption, &[bytes]);
        }
        Ok(log)
    }
}

#[cfg(test)]
mod tests {
    use alloc::collections::VecDeque;

    use super::*;
    use crate::HashKey;

    fn seq(counter: u64) -> SequenceNumber {
        SequenceNumber::new(0, ShardId::new(0), counter)
    }

    /// A record of `counter`, with a key and data that say which it is, an
    /// explicit hash key on every third and encryption on every fifth, so
    /// that what is read back tells records apart.
    fn record(counter: u64) -> Record {
        let key = alloc::format!("k{counter}");
        let data = alloc::format!("data of {counter}");
        let explicit = counter.is_multiple_of(3).then_some(HashKey(u128::from(counter) << 64));
        let encryption = if counter.is_multiple_of(5) { Encryption::AtRest(1) } else { Encryption::None };
        let arrival = Instant::from_epoch_millis(Instant::SIMULATION_START.epoch_millis() + counter / 2);
        Record::new(seq(counter), arrival, &key, explicit, data.as_bytes(), encryption)
    }

    fn push(log: &mut RecordLog, record: &Record) {
        let (seq, arrival, bytes, key_len, explicit, encryption) = record.stored_parts();
        log.push_back(seq, arrival, (key_len, explicit), encryption, &[bytes]);
    }

    fn counters(records: impl Iterator<Item = Record>) -> Vec<u64> {
        records.map(|r| r.sequence_number().counter()).collect()
    }

    /// The log against a `VecDeque` of the records through appends and
    /// trims across chunk boundaries, read whole, from every position, by
    /// index and by binary search.
    #[test]
    fn behaves_as_a_queue_across_chunk_boundaries() {
        let mut log = RecordLog::default();
        let mut model: VecDeque<Record> = VecDeque::new();
        let mut next = 0;
        // (appends, trims) rounds that cross, fill and empty chunks.
        let c = CHUNK;
        for (appends, trims) in
            [(5, 2), (c + c / 2, 0), (0, c + 6), (3 * c, 2 * c + c / 2), (10, 2 * c), (0, 50), (2 * c, 0)]
        {
            for _ in 0..appends {
                push(&mut log, &record(next));
                model.push_back(record(next));
                next += 1;
            }
            for _ in 0..trims {
                log.pop_front();
                model.pop_front();
            }
            assert_eq!(log.len(), model.len());
            assert_eq!(log.is_empty(), model.is_empty());
            assert!(log.iter().eq(model.iter().cloned()), "records differ");
            for start in [0, 1, c - 1, c, c + 1, model.len() / 2, model.len().saturating_sub(1), model.len()] {
                let expected: Vec<u64> = counters(model.iter().skip(start).cloned());
                assert_eq!(counters(log.iter_from(start)), expected, "from {start}");
                assert_eq!(log.get(start).as_ref(), model.get(start));
                assert_eq!(log.counter(start), model.get(start).map(|r| r.sequence_number().counter()));
                assert_eq!(log.arrival(start), model.get(start).map(Record::approximate_arrival));
            }
            for target in [0, next / 3, next.saturating_sub(1), next] {
                let expected = model.partition_point(|r| r.sequence_number().counter() < target);
                assert_eq!(log.position_of_counter(target), expected);
                let at = record(target).approximate_arrival();
                let expected = model.partition_point(|r| r.approximate_arrival() < at);
                assert_eq!(log.position_of_arrival(at), expected);
            }
        }
    }

    /// Issue 13: a record put by a client costs at most 32 bytes beyond its
    /// partition key and data (and its explicit hash key's 16, if it has
    /// one), counted by the log's own footprint, chunk costs included.
    #[test]
    fn a_stored_record_costs_at_most_32_bytes_beyond_its_key_and_data() {
        for (key, data_bytes) in [("k", 0), ("key-000000000001", 100), ("a-longer-key", 1000)] {
            let mut log = RecordLog::default();
            let n = 4 * CHUNK as u64;
            for counter in 0..n {
                log.push_back(
                    seq(counter),
                    Instant::SIMULATION_START,
                    (key.len() as u32, false),
                    Encryption::None,
                    &[key.as_bytes(), &alloc::vec![7; data_bytes]],
                );
            }
            let overhead = (log.footprint() - n as usize * (key.len() + data_bytes)) / n as usize;
            assert!(overhead <= 32, "key={key} data={data_bytes}: {overhead} bytes a record");
        }
    }

    #[test]
    fn the_footprint_follows_records_in_and_out() {
        let mut log = RecordLog::default();
        assert_eq!(log.footprint(), 0);
        for counter in 0..(3 * CHUNK as u64) {
            push(&mut log, &record(counter));
        }
        let full = log.footprint();
        assert!(full > 3 * CHUNK * COLUMN_BYTES, "{full}");
        for _ in 0..CHUNK - 1 {
            log.pop_front();
        }
        assert_eq!(log.footprint(), full, "a chunk goes only once all its records have");
        log.pop_front();
        assert!(log.footprint() < full);
        while !log.is_empty() {
            log.pop_front();
        }
        assert_eq!(log.footprint(), 0, "an emptied log holds nothing");
    }

    #[test]
    fn a_clone_shares_full_chunks_and_diverges_on_write() {
        let mut log = RecordLog::default();
        let n = 3 * CHUNK as u64 + 7;
        for counter in 0..n {
            push(&mut log, &record(counter));
        }
        let mut earlier = log.clone();
        assert!(Arc::ptr_eq(&log.chunks[0], &earlier.chunks[0]));
        push(&mut log, &record(n));
        log.pop_front();
        assert_eq!(earlier.len(), n as usize);
        assert_eq!(earlier.counter(0), Some(0));
        assert_eq!(log.len(), n as usize);
        earlier.pop_front();
        assert_ne!(earlier, log, "same length, different records");
    }

    #[test]
    fn serializes_as_a_plain_list() {
        let mut log = RecordLog::default();
        let records: Vec<Record> = (0..(CHUNK as u64 + 100)).map(record).collect();
        for record in &records {
            push(&mut log, record);
        }
        log.pop_front();
        let json = serde_json::to_value(&log).unwrap();
        assert_eq!(json, serde_json::to_value(&records[1..]).unwrap(), "as a list of the records");
        let back: RecordLog = serde_json::from_value(json).unwrap();
        assert_eq!(back, log);
        assert_eq!(back.skip, 0, "re-chunked from the first record");
    }

    /// Records of two shards in one list are refused when it is read,
    /// naming the record. (A record past `MAX_STORED_RECORD_BYTES` is too,
    /// but its 16 MiB list would make the test slow.)
    #[test]
    fn refuses_records_of_two_shards() {
        let other_shard = Record::new(
            SequenceNumber::new(0, ShardId::new(1), 9),
            Instant::SIMULATION_START,
            "k",
            None,
            b"d",
            Encryption::None,
        );
        let json = serde_json::to_value([record(1), other_shard]).unwrap();
        let err = alloc::string::ToString::to_string(&serde_json::from_value::<RecordLog>(json).unwrap_err());
        assert!(err.starts_with("record 9: its sequence number names another shard"), "{err}");
    }
}
