//! A shard's records: a queue that is cheap to clone.
//!
//! The playground keeps earlier states of the whole simulation for undo and
//! the timeline, and a stream written at 1,000 records a second holds
//! hundreds of thousands. Copying them for every saved state would make
//! memory grow with the number of states, so records are kept in chunks of
//! [`CHUNK`]: a full chunk never changes again and is shared by every clone,
//! and a clone copies only the chunk pointers and the unfilled newest chunk.
//!
//! Invariant: every chunk in `chunks` holds exactly [`CHUNK`] records,
//! `skip < CHUNK` (and is 0 when `chunks` is empty), and `tail` holds fewer
//! than [`CHUNK`].

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::stream::Record;

/// Records per shared chunk (12 KiB). Smaller chunks make the unshared
/// newest chunk, which every clone copies, smaller; larger ones make the
/// list of chunks shorter.
const CHUNK: usize = 256;

/// An append-at-the-back, trim-at-the-front queue of records.
#[derive(Clone, Default)]
pub(crate) struct RecordLog {
    /// Full chunks, oldest first; shared between clones, never changed.
    chunks: VecDeque<Arc<Vec<Record>>>,
    /// How many of the first chunk's records have been trimmed.
    skip: usize,
    /// The newest records, owned.
    tail: Vec<Record>,
    /// The footprint of the records held (`Record::footprint`), kept as
    /// they come and go so that reading it costs nothing.
    bytes: usize,
}

impl RecordLog {
    pub(crate) fn len(&self) -> usize {
        self.chunks.len() * CHUNK - self.skip + self.tail.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The memory the records held take (see `Record::footprint`).
    pub(crate) fn footprint(&self) -> usize {
        self.bytes
    }

    pub(crate) fn push_back(&mut self, record: Record) {
        self.bytes += record.footprint();
        if self.tail.capacity() == 0 {
            self.tail.reserve_exact(CHUNK);
        }
        self.tail.push(record);
        if self.tail.len() == CHUNK {
            self.chunks.push_back(Arc::new(core::mem::take(&mut self.tail)));
        }
    }

    /// Drops the oldest record.
    pub(crate) fn pop_front(&mut self) {
        self.bytes -= self.front().map_or(0, Record::footprint);
        if self.chunks.is_empty() {
            if !self.tail.is_empty() {
                self.tail.remove(0);
            }
            return;
        }
        self.skip += 1;
        if self.skip == CHUNK {
            self.chunks.pop_front();
            self.skip = 0;
        }
    }

    pub(crate) fn get(&self, idx: usize) -> Option<&Record> {
        let at = idx + self.skip;
        let in_chunks = self.chunks.len() * CHUNK;
        if at < in_chunks { Some(&self.chunks[at / CHUNK][at % CHUNK]) } else { self.tail.get(at - in_chunks) }
    }

    pub(crate) fn front(&self) -> Option<&Record> {
        self.get(0)
    }

    /// The records from index `start` on, oldest first.
    pub(crate) fn iter_from(&self, start: usize) -> impl Iterator<Item = &Record> + '_ {
        let at = start + self.skip;
        let in_chunks = self.chunks.len() * CHUNK;
        let (first_chunk, offset) = (at / CHUNK, at % CHUNK);
        let chunked = self
            .chunks
            .range(first_chunk.min(self.chunks.len())..)
            .enumerate()
            .flat_map(move |(n, chunk)| chunk[if n == 0 { offset } else { 0 }..].iter());
        chunked.chain(self.tail[at.saturating_sub(in_chunks).min(self.tail.len())..].iter())
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Record> + '_ {
        self.iter_from(0)
    }

    /// The index of the first record for which `is_before` is false; the
    /// records must be partitioned by it (all `true`, then all `false`).
    pub(crate) fn partition_point(&self, is_before: impl Fn(&Record) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if is_before(self.get(mid).expect("mid < len")) {
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

impl<'de> Deserialize<'de> for RecordLog {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RecordLog, D::Error> {
        let mut log = RecordLog::default();
        for record in Vec::<Record>::deserialize(deserializer)? {
            log.push_back(record);
        }
        Ok(log)
    }
}

#[cfg(test)]
mod tests {
    use alloc::collections::VecDeque;

    use super::*;
    use crate::stream::Encryption;
    use crate::{Instant, SequenceNumber, ShardId};

    fn record(counter: u64) -> Record {
        let seq = SequenceNumber::new(0, ShardId::new(0), counter);
        Record::new(seq, Instant::SIMULATION_START, "k", None, b"d", Encryption::None)
    }

    fn counters<'a>(records: impl Iterator<Item = &'a Record>) -> Vec<u64> {
        records.map(|r| r.sequence_number().counter()).collect()
    }

    /// The log against a `VecDeque` through appends and trims across chunk
    /// boundaries, read whole, from every position and by binary search.
    #[test]
    fn behaves_as_a_queue_across_chunk_boundaries() {
        let mut log = RecordLog::default();
        let mut model: VecDeque<u64> = VecDeque::new();
        let mut next = 0;
        // (appends, trims) rounds that cross, fill and empty chunks.
        let c = CHUNK;
        for (appends, trims) in
            [(5, 2), (c + c / 2, 0), (0, c + 6), (3 * c, 2 * c + c / 2), (10, 2 * c), (0, 50), (2 * c, 0)]
        {
            for _ in 0..appends {
                log.push_back(record(next));
                model.push_back(next);
                next += 1;
            }
            for _ in 0..trims {
                log.pop_front();
                model.pop_front();
            }
            assert_eq!(log.len(), model.len());
            assert_eq!(log.footprint(), log.iter().map(Record::footprint).sum::<usize>());
            assert_eq!(log.is_empty(), model.is_empty());
            assert_eq!(counters(log.iter()), Vec::from(model.clone()));
            assert_eq!(log.front().map(|r| r.sequence_number().counter()), model.front().copied());
            for start in [0, 1, c - 1, c, c + 1, model.len() / 2, model.len().saturating_sub(1), model.len()] {
                let expected: Vec<u64> = model.iter().skip(start).copied().collect();
                assert_eq!(counters(log.iter_from(start)), expected, "from {start}");
                assert_eq!(log.get(start).map(|r| r.sequence_number().counter()), model.get(start).copied());
            }
            for target in [0, next / 3, next.saturating_sub(1), next] {
                let expected = model.partition_point(|&c| c < target);
                assert_eq!(log.partition_point(|r| r.sequence_number().counter() < target), expected);
            }
        }
    }

    #[test]
    fn a_clone_shares_full_chunks_and_diverges_on_write() {
        let mut log = RecordLog::default();
        let n = 3 * CHUNK as u64 + 7;
        for counter in 0..n {
            log.push_back(record(counter));
        }
        let mut earlier = log.clone();
        assert!(Arc::ptr_eq(&log.chunks[0], &earlier.chunks[0]));
        log.push_back(record(n));
        log.pop_front();
        assert_eq!(earlier.len(), n as usize);
        assert_eq!(earlier.front().map(|r| r.sequence_number().counter()), Some(0));
        assert_eq!(log.len(), n as usize);
        earlier.pop_front();
        assert_ne!(earlier, log, "same length, different records");
    }

    #[test]
    fn serializes_as_a_plain_list() {
        let mut log = RecordLog::default();
        for counter in 0..(CHUNK as u64 + 100) {
            log.push_back(record(counter));
        }
        log.pop_front();
        let json = serde_json::to_value(&log).unwrap();
        assert_eq!(json.as_array().map(Vec::len), Some(CHUNK + 99));
        let back: RecordLog = serde_json::from_value(json).unwrap();
        assert_eq!(back, log);
        assert_eq!(back.skip, 0, "re-chunked from the first record");
    }
}
