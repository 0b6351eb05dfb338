//! A shard's records: a queue that is cheap to clone and compact to hold.
//!
//! The playground keeps earlier states of the whole simulation for undo and
//! the timeline, and a stream written at 1,000 records a second holds
//! hundreds of thousands. Copying them for every saved state would make
//! memory grow with the number of states, so records are kept in blocks: a
//! full block never changes again and is shared by every clone, and a clone
//! copies only the block pointers and the unfilled newest block.
//!
//! A block is one of two kinds:
//! - a [`Chunk`] of up to [`CHUNK`] records put by clients. A stored record
//!   is not a heap object of its own: a chunk keeps its records' bytes
//!   (partition key, data, explicit hash key) back to back in one buffer,
//!   and their metadata in columns of [`COLUMN_BYTES`] a record;
//! - [`Runs`]: up to [`RUNS`] of a traffic generator's `PutRecords` calls,
//!   kept as the calls that make the records again when they are read (see
//!   [`crate::generated`]), with how many of each call's entries this shard
//!   stored.
//!
//! The stream and shard, the same for every record of a log, are kept once;
//! so is each record's counter, which is the block's first counter plus the
//! record's place in it, since a shard numbers its records one by one.
//! A read ([`RecordLog::read`]) assembles the [`Record`]s it hands out
//! into one buffer they share: one allocation a read, not one a record.
//!
//! Invariant: counters run without gaps from the oldest record to the
//! newest; `skip` records of the oldest block (the first of `sealed`, or
//! `tail` when `sealed` is empty) have been trimmed, fewer than it holds
//! (and `skip` is 0 when the log is empty); every block in `sealed` holds at
//! least one record and `tail` fewer than a full block; every record belongs
//! to the log's `stream` and `shard`, and a generated run's members to
//! `range`; `sealed_bytes` is the memory the blocks in `sealed` take.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use crate::generated::GeneratedCall;
use crate::hash::HashKeyRange;
use crate::kinesis::stream::{Encryption, Record, ShardId};
use crate::sequence::{SequenceNumber, StreamSerial};
use crate::time::Instant;

/// Records per chunk of client records. Smaller chunks make the unshared
/// newest chunk, which every clone copies, smaller; larger ones make the
/// list of blocks shorter and spread each chunk's fixed cost over more records.
const CHUNK: usize = 256;

/// Generator calls per block of runs: at 1,000 records a second on four
/// shards, about 1,600 records.
const RUNS: usize = 64;

/// The metadata a stored record takes beyond its bytes, one entry in each
/// of a chunk's columns: arrival, end offset, key length, encryption,
/// explicit-hash-key flag.
const COLUMN_BYTES: usize = core::mem::size_of::<Instant>()
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

/// What every record of a log shares: its stream, its shard and the
/// shard's hash key range.
#[derive(Clone, Copy)]
struct Place {
    stream: StreamSerial,
    shard: ShardId,
    range: HashKeyRange,
}

impl Place {
    fn sequence_number(self, counter: u64) -> SequenceNumber {
        SequenceNumber::new(self.stream, self.shard, counter)
    }
}

/// Up to [`CHUNK`] records put by clients, oldest first.
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
    arrivals: Vec<Instant>,
    key_lens: Vec<u32>,
    encryptions: Vec<Encryption>,
    explicit_hash_keys: Vec<bool>,
}

impl Chunk {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Appends a record whose bytes are `parts`, concatenated.
    fn push(&mut self, meta: Meta, parts: &[&[u8]]) {
        if self.ends.capacity() == 0 {
            self.ends.reserve_exact(CHUNK);
            self.arrivals.reserve_exact(CHUNK);
            self.key_lens.reserve_exact(CHUNK);
            self.encryptions.reserve_exact(CHUNK);
            self.explicit_hash_keys.reserve_exact(CHUNK);
        }
        for part in parts {
            self.bytes.extend_from_slice(part);
        }
        self.ends.push(u32::try_from(self.bytes.len()).expect("a chunk's records fit in 4 GiB"));
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
    fn record(&self, idx: usize, sequence_number: SequenceNumber) -> Record {
        Record::from_stored(
            sequence_number,
            self.arrivals[idx],
            self.bytes_of(idx),
            self.key_lens[idx],
            self.explicit_hash_keys[idx],
            self.encryptions[idx],
        )
    }

    /// Adds records from `from` on to `assembly` while `admit` takes them.
    /// Returns whether `admit` took them all.
    fn read(&self, from: usize, first: u64, admit: &mut impl Admit, assembly: &mut Assembly) -> bool {
        for idx in from..self.len() {
            let (bytes, explicit_hash_key) = (self.bytes_of(idx), self.explicit_hash_keys[idx]);
            if !admit.record(crate::kinesis::stream::billed_len(bytes.len(), explicit_hash_key) as u64) {
                return false;
            }
            assembly.push(first + idx as u64, |out| {
                out.extend_from_slice(bytes);
                Meta {
                    arrival: self.arrivals[idx],
                    key_len: self.key_lens[idx],
                    explicit_hash_key,
                    encryption: self.encryptions[idx],
                }
            });
        }
        true
    }

    /// The chunk without spare capacity.
    fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.arrivals.shrink_to_fit();
        self.key_lens.shrink_to_fit();
        self.encryptions.shrink_to_fit();
        self.explicit_hash_keys.shrink_to_fit();
    }

    /// The heap memory of the buffer and columns, by capacity.
    fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
            + self.ends.capacity() * core::mem::size_of::<u32>()
            + self.arrivals.capacity() * core::mem::size_of::<Instant>()
            + self.key_lens.capacity() * core::mem::size_of::<u32>()
            + self.encryptions.capacity() * core::mem::size_of::<Encryption>()
            + self.explicit_hash_keys.capacity() * core::mem::size_of::<bool>()
    }
}

/// A record's metadata, as a chunk's columns keep it.
struct Meta {
    arrival: Instant,
    key_len: u32,
    explicit_hash_key: bool,
    encryption: Encryption,
}

/// Up to [`RUNS`] generator calls, oldest first, how many records this
/// shard stored from each, and their billed bytes.
///
/// Invariant: `calls`, `ends` and `billed` have one length; `ends[i]` is
/// the number of records from calls `0..=i`, and strictly increases;
/// `billed[i]` is the billed bytes (keys and data) of call `i`'s records.
#[derive(Clone, Default)]
struct Runs {
    calls: Vec<Arc<GeneratedCall>>,
    ends: Vec<u32>,
    billed: Vec<u32>,
}

impl Runs {
    fn len(&self) -> usize {
        self.ends.last().map_or(0, |&end| end as usize)
    }

    /// The run holding record `idx`, and where that run's records start.
    fn run_of(&self, idx: usize) -> (usize, usize) {
        let run = self.ends.partition_point(|&end| end as usize <= idx);
        (run, if run == 0 { 0 } else { self.ends[run - 1] as usize })
    }

    /// The records from `from` on, numbered from `first` + `from`.
    fn records_from(&self, from: usize, first: u64, place: Place) -> impl Iterator<Item = Record> + '_ {
        let (run, run_start) = self.run_of(from);
        let mut bytes = Vec::new();
        self.calls[run.min(self.calls.len())..]
            .iter()
            .flat_map(move |call| call.members(place.range).map(move |member| (call, member)))
            .skip(from - run_start)
            .zip(first + from as u64..)
            .map(move |((call, member), counter)| {
                bytes.clear();
                let key_len = call.write_member(member, &mut bytes);
                Record::from_stored(
                    place.sequence_number(counter),
                    call.arrival(),
                    &bytes,
                    key_len,
                    false,
                    Encryption::None,
                )
            })
    }

    /// Adds records from `from` on to `assembly` while `admit` takes them.
    /// Returns whether `admit` took them all.
    fn read(
        &self,
        from: usize,
        first: u64,
        range: HashKeyRange,
        admit: &mut impl Admit,
        assembly: &mut Assembly,
    ) -> bool {
        let (run, run_start) = self.run_of(from);
        let mut skip = from - run_start;
        let mut counter = first + from as u64;
        for (idx, call) in self.calls.iter().enumerate().skip(run) {
            // A count takes a whole run at once when it can, without drawing its keys.
            if skip == 0 && assembly.counting {
                let n = (self.ends[idx] - if idx == 0 { 0 } else { self.ends[idx - 1] }) as usize;
                if admit.records(n, u64::from(self.billed[idx])) {
                    assembly.counted += n;
                    counter += n as u64;
                    continue;
                }
            }
            for member in call.members(range) {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                if !admit.record(call.billed_bytes(member)) {
                    return false;
                }
                assembly.push(counter, |out| Meta {
                    arrival: call.arrival(),
                    key_len: call.write_member(member, out),
                    explicit_hash_key: false,
                    encryption: Encryption::None,
                });
                counter += 1;
            }
        }
        true
    }

    fn arrival(&self, idx: usize) -> Instant {
        self.calls[self.run_of(idx).0].arrival()
    }

    fn shrink(&mut self) {
        self.calls.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.billed.shrink_to_fit();
    }

    /// The memory the runs take, each call's counted in full: an upper
    /// bound, as the call's other shards count it too.
    fn heap_bytes(&self) -> usize {
        self.calls.capacity() * core::mem::size_of::<Arc<GeneratedCall>>()
            + (self.ends.capacity() + self.billed.capacity()) * core::mem::size_of::<u32>()
            + self.calls.iter().map(|call| call.heap_bytes()).sum::<usize>()
    }
}

/// Records of one kind, oldest first.
#[derive(Clone)]
enum Block {
    Stored(Chunk),
    Generated(Runs),
}

impl Default for Block {
    fn default() -> Block {
        Block::Stored(Chunk::default())
    }
}

impl Block {
    fn len(&self) -> usize {
        match self {
            Block::Stored(chunk) => chunk.len(),
            Block::Generated(runs) => runs.len(),
        }
    }

    fn is_full(&self) -> bool {
        match self {
            Block::Stored(chunk) => chunk.len() == CHUNK,
            Block::Generated(runs) => runs.calls.len() == RUNS,
        }
    }

    fn arrival(&self, idx: usize) -> Instant {
        match self {
            Block::Stored(chunk) => chunk.arrivals[idx],
            Block::Generated(runs) => runs.arrival(idx),
        }
    }

    fn get(&self, idx: usize, first: u64, place: Place) -> Record {
        match self {
            Block::Stored(chunk) => chunk.record(idx, place.sequence_number(first + idx as u64)),
            Block::Generated(runs) => runs.records_from(idx, first, place).next().expect("idx < len"),
        }
    }

    /// The records from `from` on, numbered from `first` + `from`.
    fn records_from(&self, from: usize, first: u64, place: Place) -> Box<dyn Iterator<Item = Record> + '_> {
        match self {
            Block::Stored(chunk) => Box::new(
                (from.min(chunk.len())..chunk.len())
                    .map(move |idx| chunk.record(idx, place.sequence_number(first + idx as u64))),
            ),
            Block::Generated(runs) => Box::new(runs.records_from(from.min(runs.len()), first, place)),
        }
    }

    /// The block, made immutable and shareable, without spare capacity.
    fn seal(mut self) -> Arc<Block> {
        match &mut self {
            Block::Stored(chunk) => chunk.shrink(),
            Block::Generated(runs) => runs.shrink(),
        }
        Arc::new(self)
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Block::Stored(chunk) => chunk.heap_bytes(),
            Block::Generated(runs) => runs.heap_bytes(),
        }
    }

    /// The memory a shared block takes: its `Arc` allocation (two counts
    /// and the block) and what it holds.
    fn shared_bytes(&self) -> usize {
        2 * core::mem::size_of::<usize>() + core::mem::size_of::<Block>() + self.heap_bytes()
    }
}

/// What a read takes: asked about each record's billed bytes (data and
/// partition key) in order, it says whether the read goes on and takes it.
pub(crate) trait Admit {
    /// Whether the read takes the next record, of `billed` bytes.
    fn record(&mut self, billed: u64) -> bool;

    /// Whether the read takes the next `n` records, of `billed` bytes in
    /// all, at once. Only when asking [`Admit::record`] of each would have
    /// taken them all; `false` is always right, and the read then asks
    /// record by record.
    fn records(&mut self, n: usize, billed: u64) -> bool {
        let _ = (n, billed);
        false
    }
}

impl<F: FnMut(u64) -> bool> Admit for F {
    fn record(&mut self, billed: u64) -> bool {
        self(billed)
    }
}

/// The records one read hands out, as it gathers them: their bytes back
/// to back in one buffer, which becomes the one allocation they share,
/// and each one's counter, metadata and where its bytes end.
/// When only `counting`, it counts the records and neither writes nor keeps them.
#[derive(Default)]
struct Assembly {
    counting: bool,
    counted: usize,
    bytes: Vec<u8>,
    records: Vec<(u64, Meta, u32)>,
}

impl Assembly {
    /// Adds record `counter`, whose bytes `write` appends and whose metadata it returns.
    fn push(&mut self, counter: u64, write: impl FnOnce(&mut Vec<u8>) -> Meta) {
        self.counted += 1;
        if self.counting {
            return;
        }
        if self.records.capacity() == 0 {
            // Room for a page of small records: fewer reallocations, and
            // copies, as the buffer grows. A polling consumer or a Lambda
            // mapping keeps 100 at most; `finish` gives back what is spare.
            self.records.reserve(128);
            self.bytes.reserve(128 * 128);
        }
        let meta = write(&mut self.bytes);
        let end = u32::try_from(self.bytes.len()).expect("a read hands out far less than 4 GiB");
        self.records.push((counter, meta, end));
    }

    fn finish(mut self, place: Place) -> Vec<Record> {
        // Shared as it is, without a copy; the spare room is given back, as
        // a consumer may keep the records long after the read.
        self.bytes.shrink_to_fit();
        let buffer = Arc::new(self.bytes);
        let mut start = 0;
        self.records
            .into_iter()
            .map(|(counter, meta, end)| {
                let record = Record::from_shared(
                    place.sequence_number(counter),
                    meta.arrival,
                    (&buffer, start..end),
                    meta.key_len,
                    meta.explicit_hash_key,
                    meta.encryption,
                );
                start = end;
                record
            })
            .collect()
    }
}

/// A full (or interrupted) block and the counter of its first record.
#[derive(Clone)]
struct Sealed {
    first: u64,
    block: Arc<Block>,
}

/// An append-at-the-back, trim-at-the-front queue of one shard's records.
#[derive(Clone)]
pub(crate) struct RecordLog {
    /// The stream, shard and range every record belongs to: the stream and
    /// shard set by the first record and checked for every later one, the
    /// range by the first generated run.
    place: Place,
    /// Blocks no longer written to, oldest first; shared between clones.
    sealed: VecDeque<Sealed>,
    /// The newest records, owned, and the counter of the first of them.
    tail: Block,
    tail_first: u64,
    /// How many of the oldest block's records have been trimmed.
    skip: usize,
    /// The memory the blocks in `sealed` take, kept as they come and go so
    /// that reading the footprint costs nothing.
    sealed_bytes: usize,
}

impl Default for RecordLog {
    fn default() -> RecordLog {
        RecordLog {
            place: Place { stream: 0, shard: ShardId::new(0), range: HashKeyRange::new(0, u128::MAX) },
            sealed: VecDeque::new(),
            tail: Block::default(),
            tail_first: 0,
            skip: 0,
            sealed_bytes: 0,
        }
    }
}

impl RecordLog {
    /// The counter of the oldest record held (of the next, when empty).
    fn first_counter(&self) -> u64 {
        self.sealed.front().map_or(self.tail_first, |s| s.first) + self.skip as u64
    }

    /// The counter the next record appended gets.
    fn end_counter(&self) -> u64 {
        self.tail_first + self.tail.len() as u64
    }

    pub(crate) fn len(&self) -> usize {
        (self.end_counter() - self.first_counter()) as usize
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The memory the records held take: every block's buffer and columns
    /// by capacity, and the shared blocks' allocations. Records trimmed
    /// from a block still shared count until the whole block goes; a block
    /// shared by clones, or a generator call by shards, is counted once per
    /// holder, an upper bound.
    pub(crate) fn footprint(&self) -> usize {
        self.sealed_bytes + self.tail.heap_bytes()
    }

    /// Whether a record of sequence number `seq` may join the log: any may
    /// join an empty log, and the rest must be of the same stream and shard
    /// and follow the newest record.
    fn accepts(&self, seq: SequenceNumber) -> bool {
        self.is_empty()
            || ((seq.stream(), seq.shard()) == (self.place.stream, self.place.shard)
                && seq.counter() == self.end_counter())
    }

    /// Makes room in `tail` for a record of the kind `is_kind` accepts,
    /// sealing a tail of the other kind (or a full one); `empty` is an
    /// empty block of the wanted kind. An empty log starts at `counter`.
    fn prepare_tail(&mut self, counter: u64, is_kind: fn(&Block) -> bool, empty: fn() -> Block) {
        if self.is_empty() {
            // An emptied log gives its memory back and starts afresh.
            for sealed in self.sealed.drain(..) {
                self.sealed_bytes -= sealed.block.shared_bytes();
            }
            (self.tail, self.tail_first, self.skip) = (empty(), counter, 0);
            return;
        }
        if is_kind(&self.tail) && !self.tail.is_full() {
            return;
        }
        if self.tail.len() == 0 {
            // A tail just sealed, of the other kind: nothing to keep.
            self.tail = empty();
            return;
        }
        let block = core::mem::replace(&mut self.tail, empty()).seal();
        self.sealed_bytes += block.shared_bytes();
        self.sealed.push_back(Sealed { first: self.tail_first, block });
        self.tail_first = self.end_counter_of_last_sealed();
    }

    fn end_counter_of_last_sealed(&self) -> u64 {
        self.sealed.back().map_or(self.tail_first, |s| s.first + s.block.len() as u64)
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
        debug_assert!(self.accepts(sequence_number), "{sequence_number} into shard={}", self.place.shard);
        debug_assert!(parts.iter().map(|p| p.len()).sum::<usize>() <= MAX_STORED_RECORD_BYTES);
        (self.place.stream, self.place.shard) = (sequence_number.stream(), sequence_number.shard());
        self.prepare_tail(
            sequence_number.counter(),
            |b| matches!(b, Block::Stored(_)),
            || Block::Stored(Chunk::default()),
        );
        let Block::Stored(chunk) = &mut self.tail else { unreachable!("prepared for a stored record") };
        chunk.push(Meta { arrival, key_len, explicit_hash_key, encryption }, parts);
    }

    /// Appends the `count` records this shard, of hash key `range`, stored
    /// from a generator's `call`, the first numbered `first`, of `billed`
    /// bytes in all.
    pub(crate) fn push_generated(
        &mut self,
        first: SequenceNumber,
        range: HashKeyRange,
        (call, count): (Arc<GeneratedCall>, usize),
        billed: u64,
    ) {
        debug_assert!(self.accepts(first), "{first} into shard={}", self.place.shard);
        debug_assert!(count > 0 && call.members(range).count() == count, "the call's members in the shard");
        debug_assert_eq!(call.members(range).map(|m| call.billed_bytes(m)).sum::<u64>(), billed);
        self.place = Place { stream: first.stream(), shard: first.shard(), range };
        self.prepare_tail(first.counter(), |b| matches!(b, Block::Generated(_)), || Block::Generated(Runs::default()));
        let Block::Generated(runs) = &mut self.tail else { unreachable!("prepared for a generated run") };
        let end = runs.len() + count;
        runs.calls.push(call);
        runs.ends.push(u32::try_from(end).expect("at most 64 calls of 500 entries"));
        runs.billed.push(u32::try_from(billed).expect("a call carries at most 5 MiB"));
    }

    /// Drops the oldest record.
    pub(crate) fn pop_front(&mut self) {
        if self.is_empty() {
            return;
        }
        self.skip += 1;
        match self.sealed.front() {
            Some(oldest) if self.skip == oldest.block.len() => {
                self.sealed_bytes -= oldest.block.shared_bytes();
                self.sealed.pop_front();
                self.skip = 0;
            }
            Some(_) => {}
            // An emptied log gives its memory back.
            None if self.skip == self.tail.len() => {
                (self.tail_first, self.tail, self.skip) = (self.end_counter(), Block::default(), 0);
            }
            None => {}
        }
    }

    /// The block holding the record of `counter`, its first counter, and
    /// the record's index there; `None` past either end.
    fn locate(&self, counter: u64) -> Option<(&Block, u64, usize)> {
        if counter < self.first_counter() || counter >= self.end_counter() {
            return None;
        }
        if counter >= self.tail_first {
            return Some((&self.tail, self.tail_first, (counter - self.tail_first) as usize));
        }
        let at = self.sealed.partition_point(|s| s.first <= counter) - 1;
        let Sealed { first, block } = &self.sealed[at];
        Some((block, *first, (counter - first) as usize))
    }

    pub(crate) fn get(&self, idx: usize) -> Option<Record> {
        let counter = self.first_counter() + idx as u64;
        self.locate(counter).map(|(block, first, at)| block.get(at, first, self.place))
    }

    /// The sequence counter of record `idx`, without assembling it.
    pub(crate) fn counter(&self, idx: usize) -> Option<u64> {
        (idx < self.len()).then(|| self.first_counter() + idx as u64)
    }

    /// The arrival time of record `idx`, without assembling it.
    /// `arrival(0)`, without looking the record up: what trimming asks
    /// after every clock move.
    pub(crate) fn oldest_arrival(&self) -> Option<Instant> {
        let oldest = self.sealed.front().map_or(&self.tail, |s| &*s.block);
        (!self.is_empty()).then(|| oldest.arrival(self.skip))
    }

    pub(crate) fn arrival(&self, idx: usize) -> Option<Instant> {
        let counter = self.first_counter() + idx as u64;
        self.locate(counter).map(|(block, _, at)| block.arrival(at))
    }

    /// The records from index `start` on, oldest first.
    pub(crate) fn iter_from(&self, start: usize) -> impl Iterator<Item = Record> + '_ {
        let counter = self.first_counter() + start.min(self.len()) as u64;
        let place = self.place;
        let from_sealed = self.sealed.partition_point(|s| s.first + s.block.len() as u64 <= counter);
        self.sealed
            .range(from_sealed..)
            .map(|s| (s.first, &*s.block))
            .chain(core::iter::once((self.tail_first, &self.tail)))
            .flat_map(move |(first, block)| block.records_from(counter.saturating_sub(first) as usize, first, place))
    }

    /// The records from index `start` on, oldest first, for as long as
    /// `admit` takes each one's billed bytes (data and partition key): what
    /// one `GetRecords` call or fan-out event hands out. They share one
    /// buffer, so a read allocates twice however many records it holds.
    pub(crate) fn read(&self, start: usize, admit: impl Admit) -> Vec<Record> {
        self.walk(start, admit, Assembly::default()).finish(self.place)
    }

    /// How many records [`RecordLog::read`] would hand out, without assembling them.
    pub(crate) fn count(&self, start: usize, admit: impl Admit) -> usize {
        self.walk(start, admit, Assembly { counting: true, ..Assembly::default() }).counted
    }

    /// Adds the records from index `start` on to `assembly` while `admit` takes them.
    fn walk(&self, start: usize, mut admit: impl Admit, mut assembly: Assembly) -> Assembly {
        let counter = self.first_counter() + start.min(self.len()) as u64;
        let from_sealed = self.sealed.partition_point(|s| s.first + s.block.len() as u64 <= counter);
        let blocks = self
            .sealed
            .range(from_sealed..)
            .map(|s| (s.first, &*s.block))
            .chain(core::iter::once((self.tail_first, &self.tail)));
        for (first, block) in blocks {
            let from = counter.saturating_sub(first) as usize;
            let took_all = match block {
                Block::Stored(chunk) => chunk.read(from, first, &mut admit, &mut assembly),
                Block::Generated(runs) => runs.read(from, first, self.place.range, &mut admit, &mut assembly),
            };
            if !took_all {
                break;
            }
        }
        assembly
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Record> + '_ {
        self.iter_from(0)
    }

    /// The index of the first record whose counter is `counter` or more.
    pub(crate) fn position_of_counter(&self, counter: u64) -> usize {
        (counter.clamp(self.first_counter(), self.end_counter()) - self.first_counter()) as usize
    }

    /// The index of the first record that arrived at or after `at`.
    pub(crate) fn position_of_arrival(&self, at: Instant) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if self.arrival(mid).expect("mid < len") < at {
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

impl RecordLog {
    /// The log of `records`, read from a snapshot. Refuses, rather than
    /// stores differently, a list the log cannot hold as it was written:
    /// records of more than one shard, or a record past
    /// [`MAX_STORED_RECORD_BYTES`]. Neither could pass
    /// `Stream::check_restored` or `check_invariants` anyway; the rest of a
    /// record's checks run there, on the records as read back, which are the
    /// records as written.
    pub(crate) fn restored(records: impl IntoIterator<Item = Record>) -> Result<RecordLog, String> {
        let mut log = RecordLog::default();
        for record in records {
            let (seq, arrival, bytes, key_len, explicit, encryption) = record.stored_parts();
            let refuse = |why: &str| alloc::format!("record {}: {why}", seq.counter());
            if seq.counter() > crate::kinesis::stream::MAX_RESTORED_COUNTER {
                return Err(refuse("its sequence number is past any a shard reaches"));
            }
            if !log.accepts(seq) {
                return Err(refuse("its sequence number does not follow the record before it in the same shard"));
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
        let arrival = arrival_of(counter);
        Record::new(seq(counter), arrival, &key, explicit, data.as_bytes(), encryption)
    }

    /// The arrival of the record of `counter` in these tests: two a millisecond.
    fn arrival_of(counter: u64) -> Instant {
        Instant::from_epoch_millis(Instant::SIMULATION_START.epoch_millis() + counter / 2)
    }

    /// That `log` holds `model`'s records, read whole, from the ends, the
    /// middle and `starts`, by index, and found by counter and arrival up to
    /// `next`, the counter after the newest record ever written.
    fn assert_reads_as(log: &RecordLog, model: &VecDeque<Record>, starts: &[usize], next: u64) {
        assert_eq!(log.len(), model.len());
        assert_eq!(log.is_empty(), model.is_empty());
        assert!(log.iter().eq(model.iter().cloned()), "records differ");
        let ends = [0, 1, model.len() / 2, model.len().saturating_sub(1), model.len()];
        for start in ends.into_iter().chain(starts.iter().copied()) {
            let expected: Vec<u64> = counters(model.iter().skip(start).cloned());
            assert_eq!(counters(log.iter_from(start)), expected, "from {start}");
            assert_reads_from(log, model, start);
            assert_eq!(log.get(start).as_ref(), model.get(start));
            assert_eq!(log.counter(start), model.get(start).map(|r| r.sequence_number().counter()));
            assert_eq!(log.arrival(start), model.get(start).map(Record::approximate_arrival));
            assert_eq!(log.oldest_arrival(), model.front().map(Record::approximate_arrival));
        }
        for target in [0, next / 3, next.saturating_sub(1), next] {
            let expected = model.partition_point(|r| r.sequence_number().counter() < target);
            assert_eq!(log.position_of_counter(target), expected);
            let at = arrival_of(target);
            let expected = model.partition_point(|r| r.approximate_arrival() < at);
            assert_eq!(log.position_of_arrival(at), expected);
        }
    }

    /// Takes up to `left` records, whole runs at once where they fit.
    struct Bulk {
        left: usize,
        bytes: u64,
    }

    impl Admit for &mut Bulk {
        fn record(&mut self, billed: u64) -> bool {
            self.records(1, billed)
        }

        fn records(&mut self, n: usize, billed: u64) -> bool {
            if n > self.left {
                return false;
            }
            (self.left, self.bytes) = (self.left - n, self.bytes + billed);
            true
        }
    }

    /// A read from `start` hands out the model's records, asking `admit`
    /// about each one's billed bytes in order, and stops where it says no.
    fn assert_reads_from(log: &RecordLog, model: &VecDeque<Record>, start: usize) {
        let rest: Vec<Record> = model.iter().skip(start).cloned().collect();
        let mut asked = Vec::new();
        let all = log.read(start, |billed| {
            asked.push(billed);
            true
        });
        assert_eq!(all, rest, "a whole read from {start}");
        assert_eq!(log.count(start, |_| true), rest.len());
        assert_eq!(asked, rest.iter().map(Record::billed_bytes).collect::<Vec<_>>());
        for cut in [0, 1, rest.len() / 2, rest.len().saturating_sub(1)] {
            let mut taken = 0;
            let part = log.read(start, |_| {
                taken += 1;
                taken <= cut
            });
            assert_eq!(part, rest[..cut.min(rest.len())], "{cut} records from {start}");
            let mut counted = 0;
            let count = log.count(start, |_| {
                counted += 1;
                counted <= cut
            });
            assert_eq!(count, part.len(), "{cut} records counted from {start}");
            let mut bulk = Bulk { left: cut, bytes: 0 };
            assert_eq!(log.count(start, &mut bulk), part.len(), "{cut} records counted by runs from {start}");
            assert_eq!(bulk.bytes, part.iter().map(Record::billed_bytes).sum::<u64>());
        }
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
            assert_reads_as(&log, &model, &[c - 1, c, c + 1], next);
        }
    }

    /// Client records and generated runs mixed, against a model whose
    /// generated records are written out as a generator wrote them before
    /// they were kept as calls: the key drawn, its MD5 in the shard's
    /// range, the data `"{key} #{serial} "` padded with dots.
    #[test]
    fn behaves_as_a_queue_with_generated_runs_between_client_records() {
        use crate::generated::{GeneratedCall, GeneratorPlan, mark_refused, refusal_bitmap};
        use crate::generator::KeyDistribution;
        use crate::rand::Rand;

        let range = HashKeyRange::uniform(2)[0];
        let plan = Arc::new(GeneratorPlan::new(KeyDistribution::Zipf { distinct_keys: 300 }, 20));
        let mut rand = Rand::new(5);
        let mut log = RecordLog::default();
        let mut model: VecDeque<Record> = VecDeque::new();
        let mut next = 0u64;
        let mut serial = 0u64;
        // (client records, generator calls, trims), rounds that fill and
        // seal blocks of both kinds, interrupt them, and empty the log.
        for (clients, calls, trims) in
            [(3, 2, 1), (0, 70, 0), (CHUNK + 5, 1, 100), (0, 3, 4000), (10, 0, 0), (0, 130, 9000), (1, 1, 0)]
        {
            for _ in 0..clients {
                push(&mut log, &record(next));
                model.push_back(record(next));
                next += 1;
            }
            for call_idx in 0..calls {
                let arrival = arrival_of(next);
                let start = rand.clone();
                let entries = 100;
                let mut refused = refusal_bitmap(entries);
                let mut members = Vec::new();
                for entry in 0..entries {
                    let key = plan.draw(&mut rand);
                    let text =
                        if key == crate::generated::HOT_KEY { "hot-key".into() } else { alloc::format!("key-{key}") };
                    if (entry + call_idx) % 7 == 0 {
                        mark_refused(&mut refused, entry);
                        continue;
                    }
                    if range.contains(HashKey::from_partition_key(&text)) {
                        let mut data = alloc::format!("{text} #{} ", serial + entry as u64).into_bytes();
                        data.resize(20, b'.');
                        members.push(Record::new(
                            seq(next + members.len() as u64),
                            arrival,
                            &text,
                            None,
                            &data,
                            Encryption::None,
                        ));
                    }
                }
                let call = GeneratedCall::new(plan.clone(), (start, serial), arrival, entries, Some(refused));
                serial += entries as u64;
                if members.is_empty() {
                    continue;
                }
                let billed = members.iter().map(Record::billed_bytes).sum();
                log.push_generated(seq(next), range, (Arc::new(call), members.len()), billed);
                next += members.len() as u64;
                model.extend(members);
            }
            for _ in 0..trims.min(model.len()) {
                log.pop_front();
                model.pop_front();
            }
            assert_reads_as(&log, &model, &[49, 50, 51, CHUNK], next);
        }
        assert!(next > 5000, "the rounds wrote {next} records");
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
        assert!(Arc::ptr_eq(&log.sealed[0].block, &earlier.sealed[0].block));
        push(&mut log, &record(n));
        log.pop_front();
        assert_eq!(earlier.len(), n as usize);
        assert_eq!(earlier.counter(0), Some(0));
        assert_eq!(log.len(), n as usize);
        earlier.pop_front();
        assert_ne!(earlier, log, "same length, different records");
    }

    #[test]
    fn is_restored_from_its_records() {
        let mut log = RecordLog::default();
        let records: Vec<Record> = (0..(CHUNK as u64 + 100)).map(record).collect();
        for record in &records {
            push(&mut log, record);
        }
        log.pop_front();
        let back = RecordLog::restored(log.iter()).unwrap();
        assert_eq!(back, log);
        assert_eq!(back.skip, 0, "re-chunked from the first record");
    }

    /// Records of two shards in one list are refused when it is restored,
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
        let err = RecordLog::restored([record(1), other_shard]).unwrap_err();
        assert!(err.starts_with("record 9: its sequence number does not follow"), "{err}");
    }
}
