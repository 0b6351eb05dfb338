//! Streams, shards and the records they hold.
//!
//! A stream keeps every shard it ever had: open shards, whose hash key
//! ranges tile the whole key space, and shards closed by resharding, which
//! stay readable until their records pass the retention period.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

use crate::generated::GeneratedCall;
use crate::hash::{HashKey, HashKeyRange};
use crate::kms::{EncryptionType, KeyId};
use crate::limits;
use crate::record_log::RecordLog;
use crate::sequence::{SequenceNumber, StreamSerial};
use crate::throttle::TokenBucket;
use crate::time::{Duration, Instant};

// A value, with the sequence numbers that carry it; the stream's types use it by this name.
pub use crate::sequence::ShardId;

/// `StreamStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamStatus {
    /// Being created; not yet readable or writable.
    Creating,
    /// Being deleted; no longer readable or writable.
    Deleting,
    /// Ready for every operation.
    Active,
    /// A reshard or mode change is in progress; reads and writes continue.
    Updating,
}

impl StreamStatus {
    /// The wire name, e.g. `ACTIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            StreamStatus::Creating => "CREATING",
            StreamStatus::Deleting => "DELETING",
            StreamStatus::Active => "ACTIVE",
            StreamStatus::Updating => "UPDATING",
        }
    }

    /// Whether records can be written and read (`ACTIVE` or `UPDATING`).
    pub fn is_usable(self) -> bool {
        matches!(self, StreamStatus::Active | StreamStatus::Updating)
    }
}

/// A data record as stored in a shard and returned by `GetRecords`.
///
/// The partition key, the data and, when the producer gave one, the explicit
/// hash key share one reference-counted allocation, so that copies of a
/// record handed out (to several consumers, or kept by one) share its bytes.
/// A shard does not store records in this form: its `RecordLog` keeps them
/// packed, and assembles a `Record` for each one read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    // The sequence number's three parts, stored apart so that the struct
    // packs into 64 bytes.
    pub(super) counter: u64,
    pub(super) approximate_arrival: Instant,
    // The partition key's UTF-8 bytes, then the data, then (if
    // `explicit_hash_key`) the explicit hash key as 16 big-endian bytes.
    pub(super) bytes: RecordBytes,
    pub(super) shard: ShardId,
    pub(super) key_len: u32,
    pub(super) stream: StreamSerial,
    pub(super) explicit_hash_key: bool,
    pub(super) encryption: Encryption,
}

/// A record's bytes: a range of a shared buffer, which may hold other
/// records' bytes too. A read assembles every record it hands out into one
/// buffer (see `RecordLog::read`), so that it allocates once rather than
/// once a record. Compared and printed as the bytes alone.
///
/// Invariant: `start <= end <= buffer.len()`.
#[derive(Clone)]
pub(super) struct RecordBytes {
    // A `Vec` rather than `[u8]`: a read's buffer becomes shared as it is,
    // where `Arc<[u8]>` would copy every byte the read handed out.
    buffer: Arc<Vec<u8>>,
    start: u32,
    end: u32,
}

impl RecordBytes {
    pub(super) fn whole(buffer: Vec<u8>) -> RecordBytes {
        let end = u32::try_from(buffer.len()).expect("a record is far smaller than 4 GiB");
        RecordBytes { buffer: Arc::new(buffer), start: 0, end }
    }
}

impl core::ops::Deref for RecordBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.buffer[self.start as usize..self.end as usize]
    }
}

impl PartialEq for RecordBytes {
    fn eq(&self, other: &RecordBytes) -> bool {
        **self == **other
    }
}

impl Eq for RecordBytes {}

impl fmt::Debug for RecordBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

/// Whether a record's data is encrypted, and how the caller sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encryption {
    /// Written while the stream was unencrypted.
    None,
    /// Stored as ciphertext under the stream's key at this index.
    AtRest(u16),
    /// Written encrypted and decrypted for the reader (`EncryptionType: KMS`).
    Decrypted,
}

impl Record {
    pub(crate) fn new(
        sequence_number: SequenceNumber,
        approximate_arrival: Instant,
        partition_key: &str,
        explicit_hash_key: Option<HashKey>,
        data: &[u8],
        encryption: Encryption,
    ) -> Record {
        let explicit = explicit_hash_key.map(|key| key.0.to_be_bytes());
        let parts: [&[u8]; 3] = [partition_key.as_bytes(), data, explicit.as_ref().map_or(&[], |k| &k[..])];
        let bytes = parts.concat();
        Record {
            counter: sequence_number.counter(),
            shard: sequence_number.shard(),
            stream: sequence_number.stream(),
            approximate_arrival,
            bytes: RecordBytes::whole(bytes),
            key_len: partition_key.len() as u32,
            explicit_hash_key: explicit_hash_key.is_some(),
            encryption,
        }
    }

    /// A record as a shard's `RecordLog` stored it: `bytes` are the
    /// partition key (`key_len` bytes), the data and, if
    /// `explicit_hash_key`, the explicit hash key.
    pub(crate) fn from_stored(
        sequence_number: SequenceNumber,
        approximate_arrival: Instant,
        bytes: &[u8],
        key_len: u32,
        explicit_hash_key: bool,
        encryption: Encryption,
    ) -> Record {
        Record {
            counter: sequence_number.counter(),
            shard: sequence_number.shard(),
            stream: sequence_number.stream(),
            approximate_arrival,
            bytes: RecordBytes::whole(bytes.to_vec()),
            key_len,
            explicit_hash_key,
            encryption,
        }
    }

    /// A record as [`Record::from_stored`] makes it, whose bytes are
    /// `range` of `buffer`, which other records share.
    pub(crate) fn from_shared(
        sequence_number: SequenceNumber,
        approximate_arrival: Instant,
        (buffer, range): (&Arc<Vec<u8>>, core::ops::Range<u32>),
        key_len: u32,
        explicit_hash_key: bool,
        encryption: Encryption,
    ) -> Record {
        debug_assert!(range.start <= range.end && range.end as usize <= buffer.len());
        Record {
            counter: sequence_number.counter(),
            shard: sequence_number.shard(),
            stream: sequence_number.stream(),
            approximate_arrival,
            bytes: RecordBytes { buffer: buffer.clone(), start: range.start, end: range.end },
            key_len,
            explicit_hash_key,
            encryption,
        }
    }

    /// What [`Record::from_stored`] takes, unchecked: for a record restored
    /// from a snapshot, whose bytes may not yet be what its key length says.
    pub(crate) fn stored_parts(&self) -> (SequenceNumber, Instant, &[u8], u32, bool, Encryption) {
        let Record { approximate_arrival, key_len, explicit_hash_key, encryption, .. } = *self;
        let bytes: &[u8] = &self.bytes;
        (self.sequence_number(), approximate_arrival, bytes, key_len, explicit_hash_key, encryption)
    }

    /// `SequenceNumber`.
    pub fn sequence_number(&self) -> SequenceNumber {
        SequenceNumber::new(self.stream, self.shard, self.counter)
    }

    /// `ApproximateArrivalTimestamp`.
    pub fn approximate_arrival(&self) -> Instant {
        self.approximate_arrival
    }

    /// `PartitionKey`, as the producer sent it.
    pub fn partition_key(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.key_len as usize]).expect("stored from a str")
    }

    /// `Data`. For a record read from the shard's storage of an encrypted
    /// stream (see [`crate::Simulation::shard_records`]) this is the ciphertext at rest.
    pub fn data(&self) -> &[u8] {
        let end = billed_len(self.bytes.len(), self.explicit_hash_key);
        &self.bytes[self.key_len as usize..end]
    }

    /// The hash key the record was routed by: `ExplicitHashKey` if the
    /// producer gave one, otherwise the MD5 of the partition key.
    pub fn hash_key(&self) -> HashKey {
        if self.explicit_hash_key {
            let tail: [u8; 16] = self.bytes[self.bytes.len() - 16..].try_into().expect("16 bytes");
            HashKey(u128::from_be_bytes(tail))
        } else {
            HashKey::from_partition_key(self.partition_key())
        }
    }

    /// `EncryptionType`: `KMS` if the record was written to an encrypted stream.
    pub fn encryption_type(&self) -> EncryptionType {
        match self.encryption {
            Encryption::None => EncryptionType::None,
            Encryption::AtRest(_) | Encryption::Decrypted => EncryptionType::Kms,
        }
    }

    pub(crate) fn encryption(&self) -> Encryption {
        self.encryption
    }

    /// Bytes the record counts against throughput limits: data plus partition key.
    pub fn billed_bytes(&self) -> u64 {
        billed_len(self.bytes.len(), self.explicit_hash_key) as u64
    }

    /// Whether `PutRecord` could have stored this record, checked on a
    /// restored snapshot before any accessor slices its bytes: the key and
    /// the explicit hash key fit in them, the key is UTF-8, and key and data
    /// pass the request's own checks; `keys` is how many keys its stream has.
    pub(crate) fn check_restored(&self, keys: usize, now: Instant) -> Result<(), String> {
        let counter = self.counter;
        let tail = if self.explicit_hash_key { 16 } else { 0 };
        let key_len = self.key_len as usize;
        if key_len.checked_add(tail).is_none_or(|needed| needed > self.bytes.len()) {
            return Err(alloc::format!(
                "record {counter} says its partition key has {key_len} bytes, but it holds {}",
                self.bytes.len()
            ));
        }
        let key = core::str::from_utf8(&self.bytes[..key_len])
            .map_err(|_| alloc::format!("record {counter}'s partition key is not UTF-8"))?;
        let data = &self.bytes[key_len..self.bytes.len() - tail];
        let mut v = crate::error::Validator::default();
        crate::kinesis::ops_records::validate_entry(&mut v, None, key, data, None);
        v.finish().map_err(|err| alloc::format!("record {counter}: {err}"))?;
        if key.len() + data.len() > limits::MAX_RECORD_DATA_BYTES {
            return Err(alloc::format!("record {counter} is larger than {} bytes", limits::MAX_RECORD_DATA_BYTES));
        }
        if let Encryption::AtRest(idx) = self.encryption
            && usize::from(idx) >= keys
        {
            return Err(alloc::format!("record {counter} is encrypted with key {idx}, which its stream does not have"));
        }
        if self.approximate_arrival > now {
            return Err(alloc::format!("record {counter} arrived after the clock"));
        }
        Ok(())
    }

    /// The same record with its data replaced, as decryption does.
    pub(crate) fn with_data(&self, data: &[u8], encryption: Encryption) -> Record {
        let explicit = self.explicit_hash_key.then(|| self.hash_key());
        Record::new(self.sequence_number(), self.approximate_arrival, self.partition_key(), explicit, data, encryption)
    }
}

/// Of a stored record's `len` bytes (partition key, data, then the 16-byte
/// `ExplicitHashKey` if the producer gave one), those that count against
/// throughput limits and bills: the key and the data.
pub(crate) fn billed_len(len: usize, explicit_hash_key: bool) -> usize {
    len - if explicit_hash_key { 16 } else { 0 }
}

/// One shard: a hash key range and the ordered records written to it.
#[derive(Clone, Debug)]
pub(crate) struct Shard {
    pub(super) id: ShardId,
    /// The serial of the stream the shard belongs to, which its sequence
    /// numbers carry.
    pub(super) stream: StreamSerial,
    pub(super) range: HashKeyRange,
    pub(super) parent: Option<ShardId>,
    pub(super) adjacent_parent: Option<ShardId>,
    pub(super) created_at: Instant,
    /// Set when a reshard closes the shard: its last sequence number position.
    pub(super) closed_at: Option<Instant>,
    // Invariant: sequence counters strictly increase front to back, every
    // record's hash key lies in `range`, and each counter < next_counter.
    pub(super) records: RecordLog,
    pub(super) next_counter: u64,
    pub(super) write_bytes: TokenBucket,
    pub(super) write_records: TokenBucket,
    pub(super) read_bytes: TokenBucket,
    pub(super) read_calls: TokenBucket,
}

impl Shard {
    pub(crate) fn new(
        now: Instant,
        stream: StreamSerial,
        id: ShardId,
        range: HashKeyRange,
        parents: [Option<ShardId>; 2],
    ) -> Shard {
        Shard {
            id,
            stream,
            range,
            parent: parents[0],
            adjacent_parent: parents[1],
            created_at: now,
            closed_at: None,
            records: RecordLog::default(),
            next_counter: 0,
            write_bytes: TokenBucket::new(now, limits::SHARD_WRITE_BYTES_PER_SEC),
            write_records: TokenBucket::new(now, limits::SHARD_WRITE_RECORDS_PER_SEC),
            read_bytes: TokenBucket::new(now, limits::SHARD_READ_BYTES_PER_SEC),
            read_calls: TokenBucket::new(now, limits::SHARD_READ_CALLS_PER_SEC),
        }
    }

    pub(crate) fn id(&self) -> ShardId {
        self.id
    }

    pub(crate) fn range(&self) -> HashKeyRange {
        self.range
    }

    pub(crate) fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }

    pub(crate) fn records(&self) -> &RecordLog {
        &self.records
    }

    /// The counter the next written record gets; the `LATEST` position.
    pub(crate) fn next_counter(&self) -> u64 {
        self.next_counter
    }

    /// The serial of the stream the shard belongs to.
    pub(crate) fn stream_serial(&self) -> StreamSerial {
        self.stream
    }

    /// The sequence number of the record at `counter` in this shard.
    pub(crate) fn sequence_number(&self, counter: u64) -> SequenceNumber {
        SequenceNumber::new(self.stream, self.id, counter)
    }

    /// The first sequence number the shard could hold.
    pub(crate) fn starting_sequence_number(&self) -> SequenceNumber {
        self.sequence_number(0)
    }

    /// For a closed shard, the position after its last record.
    pub(crate) fn ending_sequence_number(&self) -> Option<SequenceNumber> {
        self.closed_at.map(|_| self.sequence_number(self.next_counter))
    }

    /// Stores a record. `explicit_hash_key` is `Some` when the producer chose
    /// the hash key; `data` is already encrypted when `encryption` says so.
    pub(crate) fn append(
        &mut self,
        now: Instant,
        partition_key: &str,
        explicit_hash_key: Option<HashKey>,
        data: &[u8],
        encryption: Encryption,
    ) -> SequenceNumber {
        debug_assert!(self.is_open(), "append to closed shard={}", self.id);
        let sequence_number = self.sequence_number(self.next_counter);
        self.next_counter += 1;
        if cfg!(debug_assertions) {
            let key = explicit_hash_key.unwrap_or_else(|| HashKey::from_partition_key(partition_key));
            assert!(self.range.contains(key), "shard={} key={key}", self.id);
        }
        let key_len = partition_key.len() as u32;
        let explicit = explicit_hash_key.map(|key| key.0.to_be_bytes());
        let parts = [partition_key.as_bytes(), data, explicit.as_ref().map_or(&[], |k| &k[..])];
        self.records.push_back(sequence_number, now, (key_len, explicit.is_some()), encryption, &parts);
        sequence_number
    }

    /// Stores the `count` entries of a generator's `call` whose hash keys
    /// lie in the shard's range, the ones the service accepted, in call order.
    pub(crate) fn append_generated(&mut self, call: Arc<GeneratedCall>, count: usize, billed: u64) {
        debug_assert!(self.is_open(), "append to closed shard={}", self.id);
        let first = self.sequence_number(self.next_counter);
        self.next_counter += count as u64;
        self.records.push_generated(first, self.range, (call, count), billed);
    }

    /// The sequence number the next record will get: the nonce for its encryption.
    pub(crate) fn peek_sequence_number(&self) -> SequenceNumber {
        self.sequence_number(self.next_counter)
    }

    /// Index of the first stored record at or after `counter`.
    pub(crate) fn position_of(&self, counter: u64) -> usize {
        self.records.position_of_counter(counter)
    }

    /// The first stored record at or after `counter`: what a reader there gets next.
    pub(crate) fn next_unread(&self, counter: u64) -> Option<Record> {
        self.records.get(self.position_of(counter))
    }

    /// Index of the first stored record that arrived at or after `at`.
    pub(crate) fn position_at(&self, at: Instant) -> usize {
        self.records.position_of_arrival(at)
    }

    /// The counter of the oldest record still stored: the `TRIM_HORIZON` position.
    pub(crate) fn trim_horizon_counter(&self) -> u64 {
        self.records.counter(0).unwrap_or(self.next_counter)
    }

    /// Drops records that arrived before `horizon`.
    pub(crate) fn trim(&mut self, horizon: Instant) {
        while self.records.oldest_arrival().is_some_and(|arrival| arrival < horizon) {
            self.records.pop_front();
        }
    }

    pub(crate) fn close(&mut self, now: Instant) {
        self.closed_at = Some(now);
    }
}

/// A change a stream is `UPDATING` (or `CREATING`, `DELETING`) towards, and when it lands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PendingChange {
    pub(crate) due: Instant,
    pub(crate) change: Change,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    /// `CREATING` → `ACTIVE`.
    Activate,
    /// `DELETING` → gone.
    Remove,
    /// `UPDATING` → `ACTIVE` once the shards are reshaped.
    Reshard(crate::kinesis::reshard::Step),
    /// `UPDATING` → `ACTIVE` in the new capacity mode.
    SwitchMode(crate::CapacityMode),
    /// `UPDATING` → `ACTIVE`, encrypting new records with the key (or not).
    SetEncryption(Option<KeyId>),
}

/// A Kinesis data stream.
#[derive(Clone, Debug)]
pub(crate) struct Stream {
    pub(super) name: String,
    /// Which stream this is of all the simulation created (`StreamSerial`).
    pub(super) serial: StreamSerial,
    pub(super) status: StreamStatus,
    pub(super) created_at: Instant,
    pub(super) mode: crate::CapacityMode,
    pub(super) retention: Duration,
    /// `MaxRecordSizeInKiB`.
    pub(super) max_record_size_kib: u32,
    // Invariant: ordered by id; the open shards' ranges tile 0 ..= 2^128 - 1
    // without gaps or overlaps.
    pub(super) shards: Vec<Shard>,
    pub(super) next_shard_index: u32,
    pub(super) tags: BTreeMap<String, String>,
    pub(super) pending: Option<PendingChange>,
    /// When `UpdateShardCount` was called, for the rolling 24-hour limit.
    pub(super) shard_count_updates: Vec<Instant>,
    /// Every key the stream has encrypted with; records name theirs by index.
    pub(super) keys: Vec<KeyId>,
    /// The index in `keys` of the key new records are encrypted with.
    pub(super) encryption_key: Option<u16>,
    /// Metric samples of the current simulated second.
    pub(super) tally: crate::kinesis::telemetry::Tally,
    /// What the stream has cost so far.
    pub(super) cost: crate::cost::CostMeter,
    /// Registered enhanced fan-out consumers.
    pub(super) consumers: Vec<crate::kinesis::ops_efo::StreamConsumer>,
}

impl Stream {
    /// The largest record the stream takes, data and partition key together.
    pub(crate) fn max_record_bytes(&self) -> usize {
        self.max_record_size_kib as usize * 1024
    }

    /// `RetentionPeriodHours`.
    pub(crate) fn retention_hours(&self) -> u32 {
        (self.retention.as_millis() / 3_600_000) as u32
    }

    /// Encrypts records written from now on with `key`, or stops encrypting.
    pub(crate) fn set_encryption(&mut self, key: Option<KeyId>) {
        self.encryption_key = key.map(|key| match self.keys.iter().position(|k| *k == key) {
            Some(idx) => idx as u16,
            None => {
                self.keys.push(key);
                (self.keys.len() - 1) as u16
            }
        });
    }

    /// The key new records are encrypted with.
    pub(crate) fn encryption(&self) -> Option<&KeyId> {
        self.encryption_key.map(|idx| &self.keys[usize::from(idx)])
    }
}

impl Stream {
    pub(crate) fn new(
        now: Instant,
        name: String,
        serial: StreamSerial,
        shard_count: u32,
        mode: crate::CapacityMode,
    ) -> Stream {
        let shards = HashKeyRange::uniform(shard_count)
            .into_iter()
            .enumerate()
            .map(|(idx, range)| Shard::new(now, serial, ShardId::new(idx as u32), range, [None, None]))
            .collect();
        let mut stream = Stream {
            name,
            serial,
            status: StreamStatus::Creating,
            created_at: now,
            mode,
            retention: limits::DEFAULT_RETENTION,
            max_record_size_kib: limits::DEFAULT_MAX_RECORD_SIZE_KIB,
            shards,
            next_shard_index: shard_count,
            tags: BTreeMap::new(),
            pending: None,
            shard_count_updates: Vec::new(),
            keys: Vec::new(),
            encryption_key: None,
            tally: crate::kinesis::telemetry::Tally::starting(now),
            cost: crate::cost::CostMeter::new(now),
            consumers: Vec::new(),
        };
        stream.begin(now, Change::Activate, limits::STREAM_CREATE_DELAY);
        stream.debug_check_invariants();
        stream
    }

    /// Begins `change`, which lands `delay` after `now` (in
    /// `Kinesis::land_stream_change`), showing meanwhile the status AWS
    /// shows: the one place a stream change begins.
    pub(crate) fn begin(&mut self, now: Instant, change: Change, delay: Duration) {
        self.status = match change {
            Change::Activate => StreamStatus::Creating,
            Change::Remove => StreamStatus::Deleting,
            Change::Reshard(_) | Change::SwitchMode(_) | Change::SetEncryption(_) => StreamStatus::Updating,
        };
        self.pending = Some(PendingChange { due: now + delay, change });
    }

    /// Every shard still kept, open or closed, in id order.
    pub(crate) fn shards(&self) -> &[Shard] {
        &self.shards
    }

    /// The stream's enhanced fan-out consumers.
    pub(crate) fn consumers(&self) -> &[crate::kinesis::ops_efo::StreamConsumer] {
        &self.consumers
    }

    pub(crate) fn open_shards(&self) -> impl Iterator<Item = &Shard> {
        self.shards.iter().filter(|s| s.is_open())
    }

    pub(crate) fn open_shard_count(&self) -> u32 {
        self.open_shards().count() as u32
    }

    pub(crate) fn shard(&self, id: ShardId) -> Option<&Shard> {
        // Ids are assigned in increasing order and shards are never removed
        // from the middle, so the list is sorted by id.
        self.shards.binary_search_by_key(&id, |s| s.id).ok().map(|idx| &self.shards[idx])
    }

    pub(crate) fn shard_mut(&mut self, id: ShardId) -> Option<&mut Shard> {
        self.shards.binary_search_by_key(&id, |s| s.id).ok().map(|idx| &mut self.shards[idx])
    }

    /// Opens a new shard with the next id.
    pub(crate) fn add_shard(&mut self, now: Instant, range: HashKeyRange, parents: [Option<ShardId>; 2]) -> ShardId {
        let id = ShardId::new(self.next_shard_index);
        self.next_shard_index += 1;
        self.shards.push(Shard::new(now, self.serial, id, range, parents));
        id
    }

    /// Drops records older than the retention period, and closed shards that
    /// have no records left and closed longer ago than the retention period.
    pub(crate) fn trim(&mut self, now: Instant) {
        let Some(horizon) = now.checked_sub(self.retention) else { return };
        for shard in &mut self.shards {
            shard.trim(horizon);
        }
        self.shards.retain(|s| s.closed_at.is_none_or(|closed| closed >= horizon || !s.records.is_empty()));
    }

    pub(crate) fn debug_check_invariants(&self) {
        if cfg!(debug_assertions)
            && let Err(broken) = self.check_invariants()
        {
            panic!("{broken}");
        }
    }

    /// The stream's invariants: shards in id order, open shards tiling the
    /// key space, and each shard's records in sequence order within its range.
    pub(crate) fn check_invariants(&self) -> Result<(), String> {
        let name = &self.name;
        if !self.shards.windows(2).all(|p| p[0].id < p[1].id) {
            return Err(alloc::format!("stream={name}: shards out of id order"));
        }
        let mut open: Vec<&Shard> = self.open_shards().collect();
        open.sort_by_key(|s| s.range.start());
        let tiles = open.first().is_some_and(|s| s.range.start().0 == 0)
            && open.last().is_some_and(|s| s.range.end().0 == u128::MAX)
            && open.windows(2).all(|p| p[0].range.end().0.checked_add(1) == Some(p[1].range.start().0));
        if !tiles {
            return Err(alloc::format!("stream={name}: open shards do not cover the hash key space exactly once"));
        }
        for shard in &self.shards {
            let counters = (0..shard.records.len()).map(|idx| shard.records.counter(idx).expect("idx < len"));
            let ordered = counters.clone().zip(counters.skip(1)).all(|(a, b)| a < b);
            let in_shard = shard.stream == self.serial
                && shard.records.iter().all(|r| {
                    let seq = r.sequence_number();
                    seq.stream() == self.serial
                        && seq.shard() == shard.id
                        && seq.counter() < shard.next_counter
                        && shard.range.contains(r.hash_key())
                });
            if !ordered || !in_shard {
                return Err(alloc::format!("stream={name} shard={}: records out of order or misfiled", shard.id));
            }
        }
        Ok(())
    }
}

/// The highest per-shard record counter a restored snapshot may hold: 2^53,
/// so that counters stay exact as JavaScript numbers and the `+= 1` that
/// issues the next one never overflows. (A shard taking 1,000 records a
/// second reaches it in 285,000 years.)
pub(crate) const MAX_RESTORED_COUNTER: u64 = 1 << 53;
/// The highest next shard index a restored snapshot may hold: half the ids,
/// leaving two billion for resharding (at most 20,000 new shards a call) so
/// that `add_shard`'s `+= 1` does not overflow.
const MAX_RESTORED_SHARD_INDEX: u32 = u32::MAX / 2;

impl Stream {
    /// Every field within what the API lets a stream reach, checked on a
    /// restored snapshot on top of [`Stream::check_invariants`]: a stream
    /// built through the API always passes.
    pub(crate) fn check_restored(&self, now: Instant) -> Result<(), String> {
        let name = &self.name;
        let mut v = crate::error::Validator::default();
        crate::validate::stream_name(&mut v, name);
        v.finish().map_err(|err| alloc::format!("stream {name}: {err}"))?;
        let hours = self.retention_hours();
        if !(limits::MIN_RETENTION_HOURS..=limits::MAX_RETENTION_HOURS).contains(&hours)
            || self.retention != Duration::from_hours(u64::from(hours))
        {
            return Err(alloc::format!("stream {name} keeps records for {} ms", self.retention.as_millis()));
        }
        if self.tags.len() > limits::MAX_TAGS_PER_STREAM {
            return Err(alloc::format!("stream {name} has {} tags", self.tags.len()));
        }
        if self.consumers.len() > limits::MAX_CONSUMERS_PER_STREAM {
            return Err(alloc::format!("stream {name} has {} consumers", self.consumers.len()));
        }
        if self.encryption_key.is_some_and(|idx| usize::from(idx) >= self.keys.len()) {
            return Err(alloc::format!("stream {name} encrypts with a key it does not have"));
        }
        let in_past = |at: Instant| at <= now;
        if !in_past(self.created_at) || !self.shard_count_updates.iter().copied().all(in_past) {
            return Err(alloc::format!("stream {name} was created or updated after the clock"));
        }
        if !self.tally.fits_clock(now) || self.cost.last_accrual() > now {
            return Err(alloc::format!("stream {name} has measurements or a bill that do not fit the clock"));
        }
        if self.pending.as_ref().is_some_and(|p| p.due < now) {
            return Err(alloc::format!("stream {name} has a change due before the clock"));
        }
        let next_index = u64::from(self.next_shard_index);
        if self.next_shard_index > MAX_RESTORED_SHARD_INDEX
            || self.shards.last().is_some_and(|s| u64::from(s.id.index()) >= next_index)
        {
            return Err(alloc::format!("stream {name} would give a new shard an id it has already used"));
        }
        for shard in &self.shards {
            let id = shard.id;
            if !in_past(shard.created_at) || shard.closed_at.is_some_and(|at| !in_past(at)) {
                return Err(alloc::format!("stream {name} shard {id} was created or closed after the clock"));
            }
            if shard.next_counter > MAX_RESTORED_COUNTER {
                return Err(alloc::format!("stream {name} shard {id} has counted too many records"));
            }
            if let Some(newest) = shard.records.len().checked_sub(1).and_then(|idx| shard.records.counter(idx))
                && newest.checked_add(1) != Some(shard.next_counter)
            {
                return Err(alloc::format!(
                    "stream {name} shard {id} numbers its next record {}, but its newest record is {newest}",
                    shard.next_counter
                ));
            }
            for (bucket, budget, rate) in [
                ("write_bytes", &shard.write_bytes, limits::SHARD_WRITE_BYTES_PER_SEC),
                ("write_records", &shard.write_records, limits::SHARD_WRITE_RECORDS_PER_SEC),
                ("read_bytes", &shard.read_bytes, limits::SHARD_READ_BYTES_PER_SEC),
                ("read_calls", &shard.read_calls, limits::SHARD_READ_CALLS_PER_SEC),
            ] {
                budget
                    .check_restored(bucket, rate, now)
                    .map_err(|err| alloc::format!("stream {name} shard {id} {err}"))?;
            }
            for record in shard.records.iter() {
                record
                    .check_restored(self.keys.len(), now)
                    .map_err(|err| alloc::format!("stream {name} shard {id}: {err}"))?;
            }
        }
        Ok(())
    }
}

/// Read-only view of a stream, for the UI and for lesson goals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamView {
    /// `StreamName`.
    pub name: String,
    /// `StreamStatus`.
    pub status: StreamStatus,
    /// `StreamModeDetails.StreamMode`.
    pub mode: crate::CapacityMode,
    /// `RetentionPeriodHours`.
    pub retention_hours: u32,
    /// Every shard still listed, open and closed, in id order.
    pub shards: Vec<ShardView>,
}

/// Read-only view of one shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardView {
    /// `ShardId`.
    pub id: ShardId,
    /// `HashKeyRange`.
    pub range: HashKeyRange,
    /// `ParentShardId`.
    pub parent: Option<ShardId>,
    /// `AdjacentParentShardId`.
    pub adjacent_parent: Option<ShardId>,
    /// `SequenceNumberRange.StartingSequenceNumber`.
    pub starting_sequence_number: SequenceNumber,
    /// `SequenceNumberRange.EndingSequenceNumber`: set once the shard is closed.
    pub ending_sequence_number: Option<SequenceNumber>,
    /// How many records the shard holds.
    pub n_records: usize,
}

impl ShardView {
    /// Whether the shard still accepts records.
    pub fn is_open(&self) -> bool {
        self.ending_sequence_number.is_none()
    }
}

impl StreamView {
    /// The open shard a record with hash key `key` would be written to.
    pub fn shard_for(&self, key: HashKey) -> Option<&ShardView> {
        self.shards.iter().find(|s| s.is_open() && s.range.contains(key))
    }

    /// The open shards, in id order.
    pub fn open_shards(&self) -> impl Iterator<Item = &ShardView> {
        self.shards.iter().filter(|s| s.is_open())
    }

    pub(crate) fn of(stream: &Stream) -> StreamView {
        StreamView {
            name: stream.name.clone(),
            status: stream.status,
            mode: stream.mode,
            retention_hours: stream.retention_hours(),
            shards: stream.shards.iter().map(ShardView::of).collect(),
        }
    }
}

impl ShardView {
    pub(crate) fn of(shard: &Shard) -> ShardView {
        ShardView {
            id: shard.id,
            range: shard.range,
            parent: shard.parent,
            adjacent_parent: shard.adjacent_parent,
            starting_sequence_number: shard.starting_sequence_number(),
            ending_sequence_number: shard.ending_sequence_number(),
            n_records: shard.records.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn shard_ids_parse_in_both_forms() {
        assert_eq!("shardId-000000000007".parse(), Ok(ShardId::new(7)));
        assert_eq!("7".parse(), Ok(ShardId::new(7)));
        assert_eq!(ShardId::new(7).to_string(), "shardId-000000000007");
        for bad in ["", "shardId-", "shard-1", "shardId-x1", "-1"] {
            assert_eq!(bad.parse::<ShardId>(), Err(()), "{bad:?}");
        }
    }
}
