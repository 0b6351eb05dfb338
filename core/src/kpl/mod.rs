//! KPL aggregation: many user records packed into one Kinesis record.
//!
//! A shard takes at most 1,000 records per second, so producers of small
//! records run out of records long before they run out of bytes. The Kinesis
//! Producer Library (KPL) therefore packs many *user records* into the data
//! of one Kinesis record, and the Kinesis Client Library (KCL) unpacks them on
//! the consumer side. The format is the one the KPL documents in
//! `aggregation-format.md` (awslabs/amazon-kinesis-producer):
//!
//! ```text
//! F3 89 9A C2 | protobuf AggregatedRecord | MD5 of the protobuf bytes (16 bytes)
//!
//! message AggregatedRecord { repeated string partition_key_table = 1;
//!                            repeated string explicit_hash_key_table = 2;
//!                            repeated Record records = 3; }
//! message Tag    { required string key = 1; optional string value = 2; }
//! message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
//!                  required bytes data = 3; repeated Tag tags = 4; }
//! ```
//!
//! ```
//! use shardlab_core::kpl::{self, Deaggregated, UserRecord};
//!
//! let records = [UserRecord::new("user-1", b"click".to_vec()), UserRecord::new("user-1", b"view".to_vec())];
//! let blob = kpl::aggregate(&records).unwrap();
//! assert_eq!(blob[..4], kpl::MAGIC);
//! assert_eq!(kpl::deaggregate(&blob), Deaggregated::Aggregated(records.to_vec()));
//! ```
//!
//! What is modelled:
//! - Encoding as the KPL's `KinesisRecord` lays it out: each partition key and
//!   explicit hash key stored once, in its table, in order of first use; the
//!   tables before the records; each record's fields in field-number order.
//!   On the KPL's own test vectors the output is byte-for-byte the KPL's.
//! - The size limit (see [`MAX_AGGREGATED_BYTES`]) and the KPL's greedy,
//!   order-preserving packing ([`Aggregator`]).
//! - Decoding as the KCL's `AggregatorUtil.deaggregate` does it: anything that
//!   is not a well-formed aggregated record is one ordinary record
//!   ([`Deaggregated::NotAggregated`] says why), and each user record gets a
//!   sub-sequence number ([`deaggregate_record`]).
//!
//! Left out:
//! - The KPL sends a batch that holds a single user record as that record,
//!   unaggregated. Here every blob is aggregated; the KCL gives one user
//!   record back either way.
//! - The KPL keeps one aggregator per shard it predicts the records will reach,
//!   flushes on a deadline (`RecordMaxBufferedTime`) and can cap the user
//!   records per blob (`AggregationMaxCount`). Here the caller keeps one
//!   [`Aggregator`] per shard if it wants that and calls
//!   [`Aggregator::finish`] when its deadline passes.
//! - The KPL refuses a user record the service would refuse (an empty or
//!   overlong partition key, data over 1 MiB, a malformed explicit hash key).
//!   The format has no such limits, and this module checks none of them.
//! - After a reshard, the KCL drops the user records of an aggregated record
//!   whose hash keys fall outside the reading shard's range.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::limits::MAX_RECORD_DATA_BYTES;
use crate::{Record, SequenceNumber};

mod producer;
mod wire;

pub use producer::*;

/// The four bytes every aggregated record starts with.
pub const MAGIC: [u8; 4] = [0xF3, 0x89, 0x9A, 0xC2];

/// The MD5 digest that ends an aggregated record.
const DIGEST_LEN: usize = 16;

/// The largest aggregated record: 1 MiB, counting magic, protobuf message and
/// digest, which is every byte of the Kinesis record's data.
///
/// This is the service's limit on one record's data blob
/// ([`MAX_RECORD_DATA_BYTES`]) and the largest `AggregationMaxSize` the KPL
/// accepts. The KPL's size check (`KinesisRecord::accurate_size`) counts the
/// same bytes. The aggregated record's own partition key is not counted: it
/// is the one-byte [`AGGREGATED_PARTITION_KEY`], and Kinesis counts partition
/// keys against a shard's 1 MiB per second and a `PutRecords` call's limit,
/// not against the 1 MiB limit on one record's data.
pub const MAX_AGGREGATED_BYTES: usize = MAX_RECORD_DATA_BYTES;

/// The KPL's default `AggregationMaxSize`: 51,200 bytes, far below the 1 MiB
/// the service allows, to keep each record's buffering delay short.
pub const DEFAULT_AGGREGATION_MAX_SIZE: usize = 51_200;

/// The partition key the KPL puts an aggregated record under.
///
/// The KPL routes an aggregated record by its `ExplicitHashKey`, which it sets
/// to the first user record's hash key (its explicit hash key, or the MD5 of
/// its partition key, in decimal), so the outer partition key is never hashed
/// and one byte is enough (`KinesisRecord::partition_key` in the KPL).
pub const AGGREGATED_PARTITION_KEY: &str = "a";

// Field numbers, from `aggregation-format.md`.
const PARTITION_KEY_TABLE: u32 = 1;
const EXPLICIT_HASH_KEY_TABLE: u32 = 2;
const RECORDS: u32 = 3;
const PARTITION_KEY_INDEX: u32 = 1;
const EXPLICIT_HASH_KEY_INDEX: u32 = 2;
const DATA: u32 = 3;
const TAGS: u32 = 4;
const TAG_KEY: u32 = 1;
const TAG_VALUE: u32 = 2;

/// One record as the producer wrote it, before aggregation or after
/// de-aggregation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    /// The partition key.
    pub partition_key: String,
    /// The explicit hash key, a decimal string, if the producer gave one.
    pub explicit_hash_key: Option<String>,
    /// The data.
    pub data: Vec<u8>,
    /// Tags. The format has them, but neither the KPL nor the KCL API sets or
    /// shows them; they are kept so that decoding loses nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

impl UserRecord {
    /// A user record with a partition key and data, without explicit hash key or tags.
    pub fn new(partition_key: impl Into<String>, data: impl Into<Vec<u8>>) -> UserRecord {
        UserRecord { partition_key: partition_key.into(), explicit_hash_key: None, data: data.into(), tags: Vec::new() }
    }
}

/// A user record's tag (`message Tag`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value, which is optional.
    pub value: Option<String>,
}

/// Error returned by [`aggregate`] and [`Aggregator::push`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggregationError {
    /// There are no user records to aggregate.
    Empty,
    /// The aggregated record would be `size` bytes, over `limit`.
    TooLarge {
        /// Bytes the aggregated record would take.
        size: usize,
        /// The most it may take.
        limit: usize,
    },
}

impl fmt::Display for AggregationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AggregationError::Empty => f.write_str("an aggregated record needs at least one user record"),
            AggregationError::TooLarge { size, limit } => {
                write!(f, "the aggregated record would be {size} bytes, over the limit of {limit}")
            }
        }
    }
}

impl core::error::Error for AggregationError {}

/// Aggregates `records`, in order, into one aggregated record.
///
/// Fails if `records` is empty or the result would be over
/// [`MAX_AGGREGATED_BYTES`]; [`Aggregator`] splits records over as many
/// aggregated records as they need.
pub fn aggregate(records: &[UserRecord]) -> Result<Vec<u8>, AggregationError> {
    if records.is_empty() {
        return Err(AggregationError::Empty);
    }
    let mut builder = Builder::default();
    for record in records {
        builder.add(record, builder.place(record));
    }
    let size = builder.blob_len();
    if size > MAX_AGGREGATED_BYTES {
        return Err(AggregationError::TooLarge { size, limit: MAX_AGGREGATED_BYTES });
    }
    Ok(builder.finish())
}

/// Packs user records into aggregated records of at most a set size, as the
/// KPL does for each shard.
///
/// Packing is greedy and keeps order: a record joins the pending aggregated
/// record if the result still fits, and otherwise the pending one is emitted
/// and the record starts the next. The KPL packs the same way, but starts a
/// flush when an over-estimate of the size reaches the limit, so its
/// aggregated records can be a little less full.
///
/// Greedy packing gives the fewest aggregated records as long as dropping a
/// record from the front of one never makes it bigger. That fails only in
/// contrived cases: keys are numbered by first use, so dropping a record can
/// renumber a key that many later records use from 0 to 128 or more, one
/// varint byte to two, and then the fewest is not guaranteed.
#[derive(Clone, Debug)]
pub struct Aggregator {
    pending: Builder,
    max_size: usize,
}

impl Default for Aggregator {
    fn default() -> Aggregator {
        Aggregator::new()
    }
}

impl Aggregator {
    /// An aggregator that fills each aggregated record up to [`MAX_AGGREGATED_BYTES`].
    pub fn new() -> Aggregator {
        Aggregator::with_max_size(MAX_AGGREGATED_BYTES)
    }

    /// An aggregator whose aggregated records take at most `max_size` bytes,
    /// like the KPL's `AggregationMaxSize` (see [`DEFAULT_AGGREGATION_MAX_SIZE`]).
    /// Sizes over [`MAX_AGGREGATED_BYTES`] are lowered to it, since Kinesis
    /// would refuse a bigger record.
    pub fn with_max_size(max_size: usize) -> Aggregator {
        Aggregator { pending: Builder::default(), max_size: max_size.min(MAX_AGGREGATED_BYTES) }
    }

    /// The most bytes one aggregated record may take.
    pub fn max_size(&self) -> usize {
        self.max_size
    }

    /// User records waiting in the pending aggregated record.
    pub fn n_pending(&self) -> usize {
        self.pending.n_records
    }

    /// Bytes the pending aggregated record would take if finished now; 0 when none is pending.
    pub fn pending_size(&self) -> usize {
        if self.pending.n_records == 0 { 0 } else { self.pending.blob_len() }
    }

    /// Adds `record`. Returns the pending aggregated record, finished, if
    /// `record` does not fit in it; `record` then starts the next one.
    ///
    /// Fails, and changes nothing, if `record` would not fit even alone.
    pub fn push(&mut self, record: &UserRecord) -> Result<Option<Vec<u8>>, AggregationError> {
        let placement = self.pending.place(record);
        let (full, placement) = if self.pending.blob_len() + placement.size <= self.max_size {
            (None, placement)
        } else {
            // An empty builder costs nothing to create: neither `Vec` nor `BTreeMap` allocates until used.
            let alone = Builder::default().place(record);
            let size = MAGIC.len() + alone.size + DIGEST_LEN;
            if size > self.max_size {
                return Err(AggregationError::TooLarge { size, limit: self.max_size });
            }
            // The record fits alone but not with the pending ones, so some are pending.
            (Some(self.pending.finish()), alone)
        };
        self.pending.add(record, placement);
        self.debug_check_invariants();
        Ok(full)
    }

    /// Finishes the pending aggregated record, if any; the aggregator is then
    /// empty and can go on. The KPL does this when a record's buffering
    /// deadline passes.
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        let full = (self.pending.n_records > 0).then(|| self.pending.finish());
        self.debug_check_invariants();
        full
    }

    fn debug_check_invariants(&self) {
        if cfg!(debug_assertions) {
            let (n_records, size) = (self.pending.n_records, self.pending.blob_len());
            // Empty, the builder still counts the 20 bytes of framing, which a tiny `max_size` is below.
            assert!(n_records == 0 || size <= self.max_size, "pending={size} max_size={}", self.max_size);
            assert_eq!(n_records == 0, self.pending.message_len() == 0, "n_records={n_records} size={size}");
        }
    }
}

/// An aggregated record under construction, held as the bytes it will be
/// serialized as, so that its size is always known exactly.
#[derive(Clone, Debug, Default)]
struct Builder {
    partition_keys: KeyTable,
    explicit_hash_keys: KeyTable,
    // The encoded `records` fields, in order. Adding a record never changes
    // the ones before it: keys keep the table index they were given.
    records: Vec<u8>,
    n_records: usize,
}

impl Builder {
    /// Bytes of the aggregated record so far: magic, message and digest.
    fn blob_len(&self) -> usize {
        MAGIC.len() + self.message_len() + DIGEST_LEN
    }

    fn message_len(&self) -> usize {
        self.partition_keys.encoded.len() + self.explicit_hash_keys.encoded.len() + self.records.len()
    }

    /// Where `record` would go: its key indexes, and the bytes it would add
    /// (its `records` field and any new table entries).
    fn place(&self, record: &UserRecord) -> Placement {
        let pk = self.partition_keys.slot(&record.partition_key);
        let ehk = record.explicit_hash_key.as_deref().map(|key| self.explicit_hash_keys.slot(key));
        let size = pk.table_cost
            + ehk.map_or(0, |slot| slot.table_cost)
            + wire::len_field_len(record_len(pk.idx, ehk.map(|slot| slot.idx), record));
        Placement { pk, ehk, size }
    }

    /// Adds `record` where [`Builder::place`] said, with nothing added since.
    /// Placing and adding apart lets [`Aggregator::push`] look each key up once.
    fn add(&mut self, record: &UserRecord, placement: Placement) {
        let message_len = self.message_len();
        let Placement { pk, ehk, size } = placement;
        self.partition_keys.fill(pk, PARTITION_KEY_TABLE, &record.partition_key);
        if let (Some(slot), Some(key)) = (ehk, &record.explicit_hash_key) {
            self.explicit_hash_keys.fill(slot, EXPLICIT_HASH_KEY_TABLE, key);
        }
        let out = &mut self.records;
        wire::put_len_prefix(out, RECORDS, record_len(pk.idx, ehk.map(|slot| slot.idx), record));
        wire::put_varint_field(out, PARTITION_KEY_INDEX, pk.idx);
        if let Some(slot) = ehk {
            wire::put_varint_field(out, EXPLICIT_HASH_KEY_INDEX, slot.idx);
        }
        wire::put_len_field(out, DATA, &record.data);
        for tag in &record.tags {
            wire::put_len_prefix(out, TAGS, tag_len(tag));
            wire::put_len_field(out, TAG_KEY, tag.key.as_bytes());
            if let Some(value) = &tag.value {
                wire::put_len_field(out, TAG_VALUE, value.as_bytes());
            }
        }
        self.n_records += 1;
        debug_assert_eq!(self.message_len(), message_len + size, "n_records={}", self.n_records);
    }

    /// Serializes the aggregated record and leaves the builder empty.
    fn finish(&mut self) -> Vec<u8> {
        let size = self.blob_len();
        let Builder { partition_keys, explicit_hash_keys, records, .. } = core::mem::take(self);
        let mut blob = Vec::with_capacity(size);
        blob.extend_from_slice(&MAGIC);
        blob.extend_from_slice(&partition_keys.encoded);
        blob.extend_from_slice(&explicit_hash_keys.encoded);
        blob.extend_from_slice(&records);
        let digest = Md5::digest(&blob[MAGIC.len()..]);
        blob.extend_from_slice(&digest);
        debug_assert_eq!(blob.len(), size);
        blob
    }
}

/// Where a record would go in a [`Builder`], and the bytes it would add.
#[derive(Clone, Copy, Debug)]
struct Placement {
    pk: Slot,
    ehk: Option<Slot>,
    size: usize,
}

/// A key's index in its table, and the bytes adding the key takes: 0 if
/// the table already holds it, and at least 2 (field key and length) if not.
#[derive(Clone, Copy, Debug)]
struct Slot {
    idx: u64,
    table_cost: usize,
}

/// One of the two key tables: its encoded entries and each key's index.
#[derive(Clone, Debug, Default)]
struct KeyTable {
    encoded: Vec<u8>,
    index: BTreeMap<String, u64>,
}

impl KeyTable {
    fn slot(&self, key: &str) -> Slot {
        match self.index.get(key) {
            Some(&idx) => Slot { idx, table_cost: 0 },
            None => Slot { idx: self.index.len() as u64, table_cost: wire::len_field_len(key.len()) },
        }
    }

    /// Adds `key` if `slot` says the table lacks it.
    fn fill(&mut self, slot: Slot, field: u32, key: &str) {
        if slot.table_cost > 0 {
            debug_assert_eq!(slot.idx, self.index.len() as u64, "key={key}");
            wire::put_len_field(&mut self.encoded, field, key.as_bytes());
            self.index.insert(key.into(), slot.idx);
        }
    }
}

/// Bytes of the `Record` message for `record` with these table indexes.
fn record_len(pk_idx: u64, ehk_idx: Option<u64>, record: &UserRecord) -> usize {
    wire::varint_field_len(pk_idx)
        + ehk_idx.map_or(0, wire::varint_field_len)
        + wire::len_field_len(record.data.len())
        + record.tags.iter().map(|tag| wire::len_field_len(tag_len(tag))).sum::<usize>()
}

/// Bytes of the `Tag` message for `tag`.
fn tag_len(tag: &Tag) -> usize {
    wire::len_field_len(tag.key.len()) + tag.value.as_ref().map_or(0, |value| wire::len_field_len(value.len()))
}

/// What [`deaggregate`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deaggregated {
    /// An aggregated record holding these user records, in order. It can hold
    /// none: the format allows that, and the KCL then yields nothing for it.
    Aggregated(Vec<UserRecord>),
    /// Not an aggregated record, for this reason. The KCL hands such a record
    /// to the application as it is: one record, with the Kinesis record's
    /// partition key and data.
    NotAggregated(NotAggregated),
}

/// Why [`deaggregate`] treats a blob as an ordinary record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotAggregated {
    /// It does not start with [`MAGIC`].
    NoMagic,
    /// After the magic there is no room for both a message and a digest. The
    /// KCL wants at least one message byte, so even the magic followed by the
    /// digest of the empty message is an ordinary record.
    TooShort,
    /// The last 16 bytes are not the MD5 digest of the message before them.
    DigestMismatch,
    /// The message is not a valid `AggregatedRecord`: truncated, a malformed
    /// varint, or a record or tag without a required field.
    Malformed,
    /// A record's key index is past the end of its table. The KCL throws an
    /// exception here; a simulation that never panics passes the record on instead.
    KeyIndexOutOfRange,
}

impl fmt::Display for NotAggregated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NotAggregated::NoMagic => "the data does not start with the KPL magic number",
            NotAggregated::TooShort => "the data is too short for a message and its MD5 digest",
            NotAggregated::DigestMismatch => "the MD5 digest does not match the message",
            NotAggregated::Malformed => "the message is not a valid AggregatedRecord",
            NotAggregated::KeyIndexOutOfRange => "a record's key index is past the end of its table",
        })
    }
}

/// De-aggregates `blob`, the data of one Kinesis record, as the KCL does.
/// Never panics.
pub fn deaggregate(blob: &[u8]) -> Deaggregated {
    match parse(blob) {
        Ok(records) => Deaggregated::Aggregated(records),
        Err(reason) => Deaggregated::NotAggregated(reason),
    }
}

fn parse(blob: &[u8]) -> Result<Vec<UserRecord>, NotAggregated> {
    let rest = blob.strip_prefix(&MAGIC[..]).ok_or(NotAggregated::NoMagic)?;
    if rest.len() <= DIGEST_LEN {
        return Err(NotAggregated::TooShort);
    }
    let (message, digest) = rest.split_at(rest.len() - DIGEST_LEN);
    if Md5::digest(message).as_slice() != digest {
        return Err(NotAggregated::DigestMismatch);
    }
    let ParsedMessage { partition_keys, explicit_hash_keys, records } =
        ParsedMessage::parse(message).ok_or(NotAggregated::Malformed)?;
    // Indexes are resolved only once the whole message has parsed, as in the
    // KCL, so a malformed message is reported as such wherever the bad index is.
    records
        .into_iter()
        .map(|record| record.resolve(&partition_keys, &explicit_hash_keys))
        .collect::<Option<Vec<_>>>()
        .ok_or(NotAggregated::KeyIndexOutOfRange)
}

/// An `AggregatedRecord` message whose records still refer to the tables by index.
struct ParsedMessage<'a> {
    partition_keys: Vec<String>,
    explicit_hash_keys: Vec<String>,
    records: Vec<ParsedRecord<'a>>,
}

struct ParsedRecord<'a> {
    partition_key_index: u64,
    explicit_hash_key_index: Option<u64>,
    data: &'a [u8],
    tags: Vec<Tag>,
}

impl<'a> ParsedMessage<'a> {
    fn parse(message: &'a [u8]) -> Option<ParsedMessage<'a>> {
        let (mut partition_keys, mut explicit_hash_keys, mut records) = (Vec::new(), Vec::new(), Vec::new());
        // Fields may come in any order, so records are parsed after the tables are complete.
        wire::for_each_field(message, |field, value| match (field, value) {
            (PARTITION_KEY_TABLE, wire::Value::Bytes(key)) => partition_keys.push(string(key)),
            (EXPLICIT_HASH_KEY_TABLE, wire::Value::Bytes(key)) => explicit_hash_keys.push(string(key)),
            (RECORDS, wire::Value::Bytes(record)) => records.push(record),
            _ => {}
        })?;
        let records = records.into_iter().map(ParsedRecord::parse).collect::<Option<Vec<_>>>()?;
        Some(ParsedMessage { partition_keys, explicit_hash_keys, records })
    }
}

impl<'a> ParsedRecord<'a> {
    fn parse(message: &'a [u8]) -> Option<ParsedRecord<'a>> {
        let (mut pk_idx, mut ehk_idx, mut data, mut tags) = (None, None, None, Vec::new());
        // A field given twice keeps its last value, as protobuf specifies for singular fields.
        wire::for_each_field(message, |field, value| match (field, value) {
            (PARTITION_KEY_INDEX, wire::Value::Varint(idx)) => pk_idx = Some(idx),
            (EXPLICIT_HASH_KEY_INDEX, wire::Value::Varint(idx)) => ehk_idx = Some(idx),
            (DATA, wire::Value::Bytes(bytes)) => data = Some(bytes),
            (TAGS, wire::Value::Bytes(tag)) => tags.push(tag),
            _ => {}
        })?;
        let tags = tags.into_iter().map(parse_tag).collect::<Option<Vec<_>>>()?;
        Some(ParsedRecord { partition_key_index: pk_idx?, explicit_hash_key_index: ehk_idx, data: data?, tags })
    }

    fn resolve(self, partition_keys: &[String], explicit_hash_keys: &[String]) -> Option<UserRecord> {
        let key = |table: &[String], idx: u64| table.get(usize::try_from(idx).ok()?).cloned();
        let explicit_hash_key = match self.explicit_hash_key_index {
            Some(idx) => Some(key(explicit_hash_keys, idx)?),
            None => None,
        };
        Some(UserRecord {
            partition_key: key(partition_keys, self.partition_key_index)?,
            explicit_hash_key,
            data: self.data.to_vec(),
            tags: self.tags,
        })
    }
}

fn parse_tag(message: &[u8]) -> Option<Tag> {
    let (mut key, mut value) = (None, None);
    wire::for_each_field(message, |field, field_value| match (field, field_value) {
        (TAG_KEY, wire::Value::Bytes(bytes)) => key = Some(string(bytes)),
        (TAG_VALUE, wire::Value::Bytes(bytes)) => value = Some(string(bytes)),
        _ => {}
    })?;
    Some(Tag { key: key?, value })
}

/// A proto2 `string` field. protobuf-java does not check proto2 strings for
/// UTF-8 when parsing and replaces invalid sequences when they are read, so
/// invalid UTF-8 is replaced here too rather than refused.
fn string(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A user record as the KCL hands it to a record processor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRecord {
    /// The sequence number of the Kinesis record that carried it.
    pub sequence_number: SequenceNumber,
    /// Its position among the user records of that Kinesis record, from 0;
    /// 0 for a record that was not aggregated. A consumer can checkpoint at
    /// (sequence number, sub-sequence number).
    pub sub_sequence_number: u64,
    /// Whether it came out of an aggregated record.
    pub aggregated: bool,
    /// The user record. For a record that was not aggregated, this is the
    /// Kinesis record's partition key and data, and no explicit hash key,
    /// since `GetRecords` does not return one.
    pub user_record: UserRecord,
}

/// De-aggregates a record read from a shard into the user records the KCL
/// would hand on, numbered with sub-sequence numbers. An aggregated record
/// holding no user records yields none, as in the KCL.
pub fn deaggregate_record(record: &Record) -> Vec<ClientRecord> {
    let sequence_number = record.sequence_number();
    match deaggregate(record.data()) {
        Deaggregated::Aggregated(user_records) => user_records
            .into_iter()
            .zip(0..)
            .map(|(user_record, sub_sequence_number)| ClientRecord {
                sequence_number,
                sub_sequence_number,
                aggregated: true,
                user_record,
            })
            .collect(),
        Deaggregated::NotAggregated(_) => alloc::vec![ClientRecord {
            sequence_number,
            sub_sequence_number: 0,
            aggregated: false,
            user_record: UserRecord::new(record.partition_key(), record.data()),
        }],
    }
}

#[cfg(test)]
mod tests;
