//! The data plane: `PutRecord`, `PutRecords`, `GetShardIterator`, `GetRecords`.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::CapacityMode;
use crate::cost::CostMeter;
use crate::error::{
    GetRecordsError, GetShardIteratorError, IteratorExpired, NotFound, PutRecordError, ThroughputExceeded, Validator,
};
use crate::generated::{self, GeneratedBatch, GeneratedCall};
use crate::hash::{HashKey, HashKeyRange};
use crate::iterator::{IteratorToken, StartingPosition};
use crate::kinesis::stream::{Encryption, Record, Shard, ShardId, Stream};
use crate::kinesis::telemetry::Tally;
use crate::kinesis::{Call, Kinesis};
use crate::kms::{self, EncryptionType, KeyId};
use crate::limits::{
    ITERATOR_LIFETIME, MAX_DATA_MEMBER_BYTES, MAX_GET_RECORDS_BYTES, MAX_GET_RECORDS_LIMIT, MAX_PARTITION_KEY_CHARS,
    MAX_PUT_RECORDS_BYTES, MAX_PUT_RECORDS_ENTRIES, MAX_RECORD_DATA_BYTES, MAX_SHARD_ITERATOR_LEN,
};
use crate::metrics::MetricName;
use crate::record_log::Admit;
use crate::sequence::SequenceNumber;
use crate::time::Instant;
use crate::validate;

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
    /// `SequenceNumberForOrdering`: the sequence number of the producer's
    /// previous record for this key. Sequence numbers already increase
    /// strictly within a shard here, so it is only validated.
    pub sequence_number_for_ordering: Option<String>,
}

impl PutRecordInput {
    /// A request with just a stream, a partition key and data.
    pub fn new(stream_name: impl Into<String>, partition_key: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        PutRecordInput {
            stream_name: stream_name.into(),
            partition_key: partition_key.into(),
            data: data.into(),
            explicit_hash_key: None,
            sequence_number_for_ordering: None,
        }
    }
}

/// `PutRecord` response, and a successful `PutRecords` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutRecordOutput {
    /// `ShardId`: where the record was stored.
    pub shard_id: ShardId,
    /// `SequenceNumber`: its position in that shard.
    pub sequence_number: SequenceNumber,
    /// `EncryptionType`: `KMS` when the stream encrypts records at rest.
    pub encryption_type: EncryptionType,
}

/// One record of a `PutRecords` request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutRecordsEntry {
    /// `Data`.
    pub data: Vec<u8>,
    /// `PartitionKey`.
    pub partition_key: String,
    /// `ExplicitHashKey`.
    pub explicit_hash_key: Option<String>,
}

/// `PutRecords` request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutRecordsInput {
    /// `StreamName`.
    pub stream_name: String,
    /// `Records`: 1 to 500 entries.
    pub records: Vec<PutRecordsEntry>,
}

/// The result of one `PutRecords` entry, in request order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PutRecordsResultEntry {
    /// Stored: `ShardId` and `SequenceNumber`.
    Success(PutRecordOutput),
    /// Not stored: `ErrorCode` and `ErrorMessage`, and no sequence number.
    Failure {
        /// `ErrorCode`: `ProvisionedThroughputExceededException` or `InternalFailure`.
        error_code: String,
        /// `ErrorMessage`.
        error_message: String,
    },
}

/// `PutRecords` response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutRecordsOutput {
    /// `FailedRecordCount`.
    pub failed_record_count: u32,
    /// `Records`: one result per request entry, in request order.
    pub records: Vec<PutRecordsResultEntry>,
}

/// `GetShardIterator` request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetShardIteratorInput {
    /// `StreamName`.
    pub stream_name: String,
    /// `ShardId`.
    pub shard_id: ShardId,
    /// `ShardIteratorType` with its `StartingSequenceNumber` or `Timestamp`.
    pub position: StartingPosition,
}

/// A shard created from the shard being read, listed when a reader reaches
/// the end of a closed shard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildShard {
    /// `ShardId`.
    pub shard_id: ShardId,
    /// `ParentShards`: one after a split, two after a merge.
    pub parent_shards: Vec<ShardId>,
    /// `HashKeyRange`.
    pub hash_key_range: HashKeyRange,
}

/// `GetRecords` response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetRecordsOutput {
    /// `Records`, in sequence order.
    pub records: Vec<Record>,
    /// `NextShardIterator`: where the following call continues; `None` once a
    /// closed shard has been read to its end.
    pub next_shard_iterator: Option<String>,
    /// `MillisBehindLatest`: how far the response is from the tip of the shard.
    pub millis_behind_latest: u64,
    /// `ChildShards`: set when the end of a closed shard is reached.
    pub child_shards: Vec<ChildShard>,
}

/// Checks the members a `PutRecord` and each `PutRecords` entry share;
/// `entry` is the entry's 0-based index in a `PutRecords` request, which AWS
/// names in the member path (`records.3.member.partitionKey`, 1-based).
pub(crate) fn validate_entry(
    v: &mut Validator,
    entry: Option<usize>,
    partition_key: &str,
    data: &[u8],
    explicit_hash_key: Option<&str>,
) {
    let key_chars = partition_key.chars().count();
    let key_ok = (1..=MAX_PARTITION_KEY_CHARS).contains(&key_chars);
    let data_ok = data.len() <= MAX_DATA_MEMBER_BYTES;
    let hash_ok = explicit_hash_key.is_none_or(|text| validate::is_decimal(text, 39));
    // The common case allocates nothing: messages are built only for violations.
    if key_ok && data_ok && hash_ok {
        return;
    }
    let member = |name: &str| match entry {
        Some(idx) => format!("records.{}.member.{name}", idx + 1),
        None => name.into(),
    };
    v.check(
        key_chars >= 1,
        &member("partitionKey"),
        partition_key.into(),
        "Member must have length greater than or equal to 1",
    );
    v.check(
        key_chars <= MAX_PARTITION_KEY_CHARS,
        &member("partitionKey"),
        partition_key.into(),
        format!("Member must have length less than or equal to {MAX_PARTITION_KEY_CHARS}"),
    );
    v.check(
        data_ok,
        &member("data"),
        validate::blob_value(data.len()),
        format!("Member must have length less than or equal to {MAX_DATA_MEMBER_BYTES}"),
    );
    if let Some(text) = explicit_hash_key {
        v.check(
            hash_ok,
            &member("explicitHashKey"),
            text.into(),
            "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
        );
    }
}

/// The record-size limit, once each member is within its own: data and
/// partition key together at most the stream's `MaxRecordSizeInKiB`
/// (`max_bytes`). AWS's wording is not recorded; this follows its
/// `PutRecords` message for the request as a whole, in whole MB.
fn check_record_size(max_bytes: usize, partition_key: &str, data: &[u8]) -> Result<(), PutRecordError> {
    if partition_key.len() + data.len() > max_bytes {
        let limit = if max_bytes % (1024 * 1024) == 0 {
            format!("{} MB", max_bytes / (1024 * 1024))
        } else {
            format!("{} KB", max_bytes / 1024)
        };
        return Err(PutRecordError::InvalidArgument(format!("Record size exceeds {limit} limit")));
    }
    Ok(())
}

/// A `PutRecords` entry as AWS echoes it in a `ValidationException`.
fn entry_value(entry: &PutRecordsEntry) -> String {
    let hash = validate::java_hash(&[
        validate::java_bytes_hash(&entry.data),
        entry.explicit_hash_key.as_deref().map_or(0, validate::java_string_hash),
        validate::java_string_hash(&entry.partition_key),
    ]);
    validate::object_value("com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry", hash)
}

/// The hash key a record is routed by, once its members are known to be
/// well-formed, and the explicit hash key if that is where it came from.
fn hash_key_of(partition_key: &str, explicit_hash_key: Option<&str>) -> Result<(HashKey, Option<HashKey>), String> {
    let key = HashKey::of_record(partition_key, explicit_hash_key)?;
    Ok((key, explicit_hash_key.map(|_| key)))
}

/// Stores a record, encrypted if the stream is, if the shard's write budget allows it.
fn write(
    stream: &mut Stream,
    now: crate::Instant,
    partition_key: &str,
    (hash_key, explicit_hash_key): (HashKey, Option<HashKey>),
    data: &[u8],
) -> Result<PutRecordOutput, ThroughputExceeded> {
    let Stream { name, shards, keys, encryption_key, tally, cost, mode, .. } = stream;
    let tally = tally.at(now);
    let shard =
        shards.iter_mut().find(|s| s.is_open() && s.range.contains(hash_key)).expect("open shards tile the key space");
    let bytes = (data.len() + partition_key.len()) as u64;
    if !(shard.write_bytes.has(now, bytes) && shard.write_records.has(now, 1)) {
        tally.add(MetricName::WriteProvisionedThroughputExceeded, Some(shard.id), 1.0);
        return Err(ThroughputExceeded { stream: name.clone(), shard: shard.id, read: false });
    }
    count_write(now, shard, tally, (cost, *mode), (partition_key.len(), data.len()));
    let sequence_number = match *encryption_key {
        None => shard.append(now, partition_key, explicit_hash_key, data, Encryption::None),
        Some(idx) => {
            let nonce = shard.peek_sequence_number().to_string();
            let ciphertext = kms::encrypt(&keys[usize::from(idx)], nonce.as_bytes(), data);
            shard.append(now, partition_key, explicit_hash_key, &ciphertext, Encryption::AtRest(idx))
        }
    };
    let encryption_type = if encryption_key.is_some() { EncryptionType::Kms } else { EncryptionType::None };
    Ok(PutRecordOutput { shard_id: shard.id, sequence_number, encryption_type })
}

/// Counts a write of a `(key, data)`-byte record that the shard's budget
/// allows: against the budget, in the tally and on the bill.
fn count_write(
    now: Instant,
    shard: &mut Shard,
    tally: &mut Tally,
    (cost, mode): (&mut CostMeter, CapacityMode),
    (key_len, data_len): (usize, usize),
) {
    tally_writes(tally, shard.id, 1, (key_len + data_len) as u64);
    charge_write(now, shard, (cost, mode), (key_len, data_len));
}

/// Adds `records` stored writes of `bytes` in all to `shard`'s series.
fn tally_writes(tally: &mut Tally, shard: ShardId, records: u64, bytes: u64) {
    tally.add(MetricName::IncomingBytes, Some(shard), bytes as f64);
    tally.add(MetricName::IncomingRecords, Some(shard), records as f64);
}

/// Each shard's share of a generator's call (shard index, entries, billed
/// bytes, in the order the shards first appear in the call) and the call's
/// bytes, if every shard's budget holds its whole share now: then charging
/// entry by entry would store every one, as each entry finds its budget
/// holding at least what is left of the share. `None` if one does not.
fn whole_call(
    stream: &mut Stream,
    router: &generated::Router<'_>,
    (plan, keys): (&generated::GeneratorPlan, &[generated::KeyIndex]),
    now: Instant,
) -> Option<(Vec<(usize, usize, u64)>, u64)> {
    // Entries and bytes per router slot, and the slots in the order they first appear.
    let mut by_slot = alloc::vec![(0usize, 0u64); router.slots()];
    let mut order = Vec::with_capacity(router.slots());
    let mut total = 0;
    for &key in keys {
        let bytes = (plan.key_len(key) + plan.record_bytes()) as u64;
        total += bytes;
        let slot = router.route(key);
        let (n, share_bytes) = &mut by_slot[slot];
        if *n == 0 {
            order.push(slot);
        }
        (*n, *share_bytes) = (*n + 1, *share_bytes + bytes);
    }
    let shares: Vec<(usize, usize, u64)> =
        order.into_iter().map(|slot| (router.shard_index(slot), by_slot[slot].0, by_slot[slot].1)).collect();
    let holds = |&(shard_idx, n, bytes): &(usize, usize, u64)| {
        let shard = &mut stream.shards[shard_idx];
        shard.write_bytes.holds(now, bytes) && shard.write_records.holds(now, n as u64)
    };
    shares.iter().all(holds).then_some((shares, total))
}

/// The part of [`count_write`] that is not the tally: the budget and the bill.
fn charge_write(
    now: Instant,
    shard: &mut Shard,
    (cost, mode): (&mut CostMeter, CapacityMode),
    (key_len, data_len): (usize, usize),
) {
    let bytes = (key_len + data_len) as u64;
    cost.record_put(mode, data_len as u64);
    shard.write_bytes.take(now, bytes);
    shard.write_records.take(now, 1);
}

/// Each of `records` as [`plaintext`] gives it.
pub(crate) fn decrypt_all(records: &mut [Record], keys: &[KeyId]) {
    for record in records.iter_mut().filter(|r| matches!(r.encryption(), Encryption::AtRest(_))) {
        *record = plaintext(record, keys);
    }
}

/// A stored record as a reader sees it: decrypted if it was stored encrypted.
pub(crate) fn plaintext(record: &Record, keys: &[KeyId]) -> Record {
    match record.encryption() {
        Encryption::AtRest(idx) => {
            let nonce = record.sequence_number().to_string();
            let data = kms::decrypt(&keys[usize::from(idx)], nonce.as_bytes(), record.data());
            record.with_data(&data, Encryption::Decrypted)
        }
        Encryption::None | Encryption::Decrypted => record.clone(),
    }
}

// Documented where the simulation offers them, in `sim_kinesis.rs`.
impl Kinesis {
    /// The largest record `stream_name` takes; the default for a stream
    /// that does not exist, whose error comes later, after the size checks.
    fn max_record_bytes(&self, stream_name: &str) -> usize {
        self.streams.get(stream_name).map_or(MAX_RECORD_DATA_BYTES, Stream::max_record_bytes)
    }

    pub(crate) fn put_record(
        &mut self,
        cx: Call<'_>,
        input: PutRecordInput,
    ) -> Result<PutRecordOutput, PutRecordError> {
        let PutRecordInput { stream_name, partition_key, data, explicit_hash_key, sequence_number_for_ordering } =
            input;
        cx.authorize_on_stream("kinesis:PutRecord", &stream_name).map_err(PutRecordError::AccessDenied)?;
        let mut v = Validator::default();
        validate::stream_name(&mut v, &stream_name);
        validate_entry(&mut v, None, &partition_key, &data, explicit_hash_key.as_deref());
        if let Some(text) = &sequence_number_for_ordering {
            v.check(
                validate::is_decimal(text, 129),
                "sequenceNumberForOrdering",
                text.clone(),
                "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
            );
        }
        v.finish().map_err(PutRecordError::Validation)?;
        check_record_size(self.max_record_bytes(&stream_name), &partition_key, &data)?;
        let routing =
            hash_key_of(&partition_key, explicit_hash_key.as_deref()).map_err(PutRecordError::InvalidArgument)?;
        if let Some(text) = sequence_number_for_ordering.filter(|t| SequenceNumber::parse(t).is_none()) {
            return Err(PutRecordError::InvalidArgument(format!(
                "ExclusiveMinimumSequenceNumber {text} used in PutRecord on stream {stream_name} under account {} is invalid.",
                crate::ACCOUNT_ID
            )));
        }
        let now = cx.now;
        let stream = self.usable_stream_mut(&stream_name).map_err(PutRecordError::ResourceNotFound)?;
        let written = write(stream, now, &partition_key, routing, &data);
        if written.is_ok() {
            let tally = stream.tally.at(now);
            tally.add(MetricName::PutRecordSuccess, None, 1.0);
            tally.add(MetricName::PutRecordBytes, None, (data.len() + partition_key.len()) as f64);
        }
        written.map_err(PutRecordError::ProvisionedThroughputExceeded)
    }

    pub(crate) fn put_records(
        &mut self,
        cx: Call<'_>,
        input: PutRecordsInput,
    ) -> Result<PutRecordsOutput, PutRecordError> {
        let PutRecordsInput { stream_name, records } = input;
        cx.authorize_on_stream("kinesis:PutRecords", &stream_name).map_err(PutRecordError::AccessDenied)?;
        // In AWS's order: the list, its entries, then the stream.
        let mut v = Validator::default();
        v.list_length("records", records.len(), MAX_PUT_RECORDS_ENTRIES, || {
            validate::list_value(records.iter().map(entry_value))
        });
        for (idx, entry) in records.iter().enumerate() {
            validate_entry(&mut v, Some(idx), &entry.partition_key, &entry.data, entry.explicit_hash_key.as_deref());
        }
        validate::stream_name(&mut v, &stream_name);
        v.finish().map_err(PutRecordError::Validation)?;
        // One entry over the limit refuses the whole request: an entry's
        // own result can only be a throttle or an internal failure.
        let max_bytes = self.max_record_bytes(&stream_name);
        for entry in &records {
            check_record_size(max_bytes, &entry.partition_key, &entry.data)?;
        }
        let total: usize = records.iter().map(|r| r.data.len() + r.partition_key.len()).sum();
        if total > MAX_PUT_RECORDS_BYTES {
            return Err(PutRecordError::InvalidArgument(format!(
                "Records size exceeds {} MB limit",
                MAX_PUT_RECORDS_BYTES / (1024 * 1024)
            )));
        }
        let routings = records
            .iter()
            .map(|r| hash_key_of(&r.partition_key, r.explicit_hash_key.as_deref()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(PutRecordError::InvalidArgument)?;
        let now = cx.now;
        let stream = self.usable_stream_mut(&stream_name).map_err(PutRecordError::ResourceNotFound)?;
        let results: Vec<PutRecordsResultEntry> = records
            .into_iter()
            .zip(routings)
            .map(|(entry, routing)| match write(stream, now, &entry.partition_key, routing, &entry.data) {
                Ok(out) => PutRecordsResultEntry::Success(out),
                Err(throttled) => PutRecordsResultEntry::Failure {
                    error_code: "ProvisionedThroughputExceededException".into(),
                    error_message: throttled.to_string(),
                },
            })
            .collect();
        let failed_record_count =
            results.iter().filter(|r| matches!(r, PutRecordsResultEntry::Failure { .. })).count() as u32;
        let succeeded = results.len() as f64 - f64::from(failed_record_count);
        let tally = stream.tally.at(now);
        tally.add(MetricName::PutRecordsTotalRecords, None, results.len() as f64);
        tally.add(MetricName::PutRecordsSuccessfulRecords, None, succeeded);
        tally.add(MetricName::PutRecordsThrottledRecords, None, f64::from(failed_record_count));
        tally.add(MetricName::PutRecordsBytes, None, total as f64);
        tally.add(MetricName::PutRecordsSuccess, None, if succeeded > 0.0 { 1.0 } else { 0.0 });
        Ok(PutRecordsOutput { failed_record_count, records: results })
    }

    /// `PutRecords` as a traffic generator sends it: the same checks in the
    /// same order, the same throttling, stored records, metrics and cost, but
    /// answered with counts (stored, throttled) rather than one result per
    /// entry. A throttled entry costs its routing and a budget check, with no
    /// allocation, and its count reaches the tally once per shard per call
    /// rather than once per entry: a generator far above what the stream
    /// accepts does not pay for every refusal as if it were a write.
    ///
    /// The entries a stream stores unencrypted are kept as the call that
    /// makes them (see [`crate::generated`]): one shared description, and
    /// for each shard how many it stored. An encrypted stream stores each
    /// entry's ciphertext as `PutRecords` does.
    pub(crate) fn put_generated(
        &mut self,
        cx: Call<'_>,
        batch: GeneratedBatch<'_>,
    ) -> Result<(u64, u64), PutRecordError> {
        let GeneratedBatch { stream_name, plan, rand, first_serial, keys } = batch;
        cx.authorize_on_stream("kinesis:PutRecords", stream_name).map_err(PutRecordError::AccessDenied)?;
        let count = keys.len();
        let data_bytes = plan.record_bytes();
        debug_assert!((1..=MAX_PUT_RECORDS_ENTRIES).contains(&count) && data_bytes <= MAX_RECORD_DATA_BYTES);
        let mut v = Validator::default();
        validate::stream_name(&mut v, stream_name);
        v.finish().map_err(PutRecordError::Validation)?;
        // Each entry is measured only when the longest key could pass a limit.
        let largest = plan.longest_key_len() + data_bytes;
        if largest > MAX_RECORD_DATA_BYTES
            && keys.iter().any(|&key| plan.key_len(key) + data_bytes > MAX_RECORD_DATA_BYTES)
        {
            return Err(PutRecordError::InvalidArgument("Record size exceeds 1 MB limit".into()));
        }
        if count * largest > MAX_PUT_RECORDS_BYTES
            && keys.iter().map(|&key| plan.key_len(key) + data_bytes).sum::<usize>() > MAX_PUT_RECORDS_BYTES
        {
            return Err(PutRecordError::InvalidArgument("Records size exceeds 5 MB limit".into()));
        }
        let mut total = 0;
        let now = cx.now;
        let stream = self.usable_stream_mut(stream_name).map_err(PutRecordError::ResourceNotFound)?;
        let encrypted = stream.encryption_key.is_some();
        let router =
            plan.router(stream.shards.iter().enumerate().filter(|(_, s)| s.is_open()).map(|(i, s)| (i, s.range)));
        // Throttled entries per shard, added to the tally after the loop.
        let mut throttled: Vec<(ShardId, u64)> = Vec::new();
        // Entries kept as the call, per shard (by index) with their bytes,
        // and those refused.
        let mut kept: Vec<(usize, usize, u64)> = Vec::new();
        let mut refused: Option<Box<[u64]>> = None;
        let mut stored = 0u64;
        let mut record = Vec::new();
        // Most calls fit each shard's budget whole; their entries are only routed.
        let whole = (!encrypted).then(|| whole_call(stream, &router, (plan, keys), now)).flatten();
        let by_entry = if whole.is_some() { 0 } else { count };
        if let Some((shares, bytes)) = whole {
            let Stream { shards, tally, cost, mode, .. } = &mut *stream;
            for &(shard_idx, n, share_bytes) in &shares {
                let shard = &mut shards[shard_idx];
                // What one charge_write per entry would have charged.
                shard.write_bytes.take(now, share_bytes);
                shard.write_records.take(now, n as u64);
                cost.record_puts(*mode, data_bytes as u64, n as u64);
                // Opens the shard's series in the order entry by entry would.
                tally_writes(tally.at(now), shard.id, 0, 0);
            }
            (kept, stored, total) = (shares, count as u64, bytes);
        }
        for (idx, &key) in keys.iter().enumerate().take(by_entry) {
            let key_len = plan.key_len(key);
            let bytes = (key_len + data_bytes) as u64;
            total += bytes;
            let shard_idx = router.shard_index(router.route(key));
            let Stream { shards, tally, cost, mode, .. } = &mut *stream;
            let shard = &mut shards[shard_idx];
            if shard.write_bytes.has(now, bytes) && shard.write_records.has(now, 1) {
                stored += 1;
                if encrypted {
                    record.clear();
                    plan.write_record(key, first_serial.saturating_add(idx as u64), &mut record);
                    let (key_text, data) = record.split_at(key_len);
                    let key_text = core::str::from_utf8(key_text).expect("generated keys are ASCII");
                    write(stream, now, key_text, (plan.hash_key(key), None), data)
                        .expect("the shard's budget was just checked");
                    continue;
                }
                charge_write(now, shard, (cost, *mode), (key_len, data_bytes));
                match kept.iter_mut().find(|kept| kept.0 == shard_idx) {
                    Some((_, n, stored_bytes)) => {
                        *n += 1;
                        *stored_bytes += bytes;
                    }
                    None => {
                        // Opens the shard's series where a one-by-one count
                        // would have (see the throttled entries below); the
                        // call's totals reach them after the loop.
                        tally_writes(tally.at(now), shard.id, 0, 0);
                        kept.push((shard_idx, 1, bytes));
                    }
                }
                continue;
            }
            generated::mark_refused(refused.get_or_insert_with(|| generated::refusal_bitmap(count)), idx);
            let id = shard.id;
            match throttled.iter_mut().find(|(shard, _)| *shard == id) {
                Some((_, n)) => *n += 1,
                None => {
                    // Opens the shard's series in the tally where a one-by-one
                    // count would have, so that a snapshot taken within the
                    // second lists the tally in the same order.
                    tally.at(now).add(MetricName::WriteProvisionedThroughputExceeded, Some(id), 0.0);
                    throttled.push((id, 1));
                }
            }
        }
        let tally = stream.tally.at(now);
        if !kept.is_empty() {
            let call = Arc::new(GeneratedCall::new(plan.clone(), (rand, first_serial), now, count, refused));
            for (shard_idx, n, bytes) in kept {
                let shard = &mut stream.shards[shard_idx];
                tally_writes(tally, shard.id, n as u64, bytes);
                shard.append_generated(call.clone(), n, bytes);
            }
        }
        for &(shard, n) in &throttled {
            tally.add(MetricName::WriteProvisionedThroughputExceeded, Some(shard), n as f64);
        }
        let refused = count as u64 - stored;
        tally.add(MetricName::PutRecordsTotalRecords, None, count as f64);
        tally.add(MetricName::PutRecordsSuccessfulRecords, None, stored as f64);
        tally.add(MetricName::PutRecordsThrottledRecords, None, refused as f64);
        tally.add(MetricName::PutRecordsBytes, None, total as f64);
        tally.add(MetricName::PutRecordsSuccess, None, if stored > 0 { 1.0 } else { 0.0 });
        Ok((stored, refused))
    }

    pub(crate) fn get_shard_iterator(
        &self,
        cx: Call<'_>,
        input: GetShardIteratorInput,
    ) -> Result<String, GetShardIteratorError> {
        let GetShardIteratorInput { stream_name, shard_id, position } = input;
        cx.authorize_on_stream("kinesis:GetShardIterator", &stream_name)
            .map_err(GetShardIteratorError::AccessDenied)?;
        let mut v = Validator::default();
        validate::stream_name(&mut v, &stream_name);
        v.finish().map_err(GetShardIteratorError::Validation)?;
        // AWS names the shard even when it is the stream that is missing.
        let shard = self.usable_stream(&stream_name).ok().and_then(|s| s.shard(shard_id)).ok_or_else(|| {
            GetShardIteratorError::ResourceNotFound(NotFound::Shard { stream: stream_name.clone(), shard: shard_id })
        })?;
        let parse = |text: &str| -> Result<SequenceNumber, GetShardIteratorError> {
            let refuse = |why: &str| {
                GetShardIteratorError::InvalidArgument(format!(
                    "StartingSequenceNumber {text} used in GetShardIterator on shard {shard_id} in stream {stream_name} under account {} is invalid{why}.",
                    crate::ACCOUNT_ID
                ))
            };
            let seq = SequenceNumber::parse(text).ok_or_else(|| refuse(""))?;
            // Another stream's number, or one of a deleted stream of the same name.
            if seq.stream() != shard.stream_serial() {
                return Err(refuse(" because it did not come from this stream"));
            }
            if seq.shard() != shard_id {
                return Err(GetShardIteratorError::InvalidArgument(format!(
                    "Invalid StartingSequenceNumber. It encodes {}, while it was used in a call to a shard with {shard_id}",
                    seq.shard()
                )));
            }
            Ok(seq)
        };
        let counter = match &position {
            StartingPosition::TrimHorizon => shard.trim_horizon_counter(),
            StartingPosition::Latest => shard.next_counter(),
            StartingPosition::AtSequenceNumber(text) => parse(text)?.counter(),
            StartingPosition::AfterSequenceNumber(text) => parse(text)?.counter() + 1,
            StartingPosition::AtTimestamp(at) if *at > cx.now => {
                return Err(GetShardIteratorError::InvalidArgument(format!(
                    "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {}, currentTimestampInMillis: {}",
                    at.epoch_millis(),
                    cx.now.epoch_millis()
                )));
            }
            StartingPosition::AtTimestamp(at) => shard
                .records()
                .get(shard.position_at(*at))
                .map_or(shard.next_counter(), |r| r.sequence_number().counter()),
        };
        let serial = shard.stream_serial();
        Ok(IteratorToken { stream: stream_name, serial, shard: shard_id, counter, issued: cx.now }
            .encode(&self.iterator_key))
    }

    pub(crate) fn get_records(
        &mut self,
        cx: Call<'_>,
        shard_iterator: &str,
        limit: Option<u32>,
    ) -> Result<GetRecordsOutput, GetRecordsError> {
        self.read_records(cx, shard_iterator, limit, None).map(|(output, _)| output)
    }

    /// `GetRecords` for a caller that keeps only the newest `keep` of the
    /// records it receives (a polling consumer): the same call, whose
    /// output holds only those, and how many records it read. Assembling a
    /// record writes its bytes, and the rest would be dropped unread.
    pub(crate) fn get_records_keeping_newest(
        &mut self,
        cx: Call<'_>,
        shard_iterator: &str,
        keep: usize,
    ) -> Result<(GetRecordsOutput, u64), GetRecordsError> {
        self.read_records(cx, shard_iterator, None, Some(keep.max(1)))
    }

    /// `GetRecords`, whose output holds the newest `keep` records read, or
    /// all of them; and how many it read.
    fn read_records(
        &mut self,
        cx: Call<'_>,
        shard_iterator: &str,
        limit: Option<u32>,
        keep: Option<usize>,
    ) -> Result<(GetRecordsOutput, u64), GetRecordsError> {
        let limit = limit.unwrap_or(MAX_GET_RECORDS_LIMIT);
        let mut v = Validator::default();
        v.check(limit >= 1, "limit", limit.to_string(), "Member must have value greater than or equal to 1");
        v.check(
            limit <= MAX_GET_RECORDS_LIMIT,
            "limit",
            limit.to_string(),
            format!("Member must have value less than or equal to {MAX_GET_RECORDS_LIMIT}"),
        );
        let iterator_len = shard_iterator.chars().count();
        v.check(
            iterator_len >= 1,
            "shardIterator",
            shard_iterator.into(),
            "Member must have length greater than or equal to 1",
        );
        v.check(
            iterator_len <= MAX_SHARD_ITERATOR_LEN,
            "shardIterator",
            shard_iterator.into(),
            format!("Member must have length less than or equal to {MAX_SHARD_ITERATOR_LEN}"),
        );
        v.finish().map_err(GetRecordsError::Validation)?;
        let (now, iterator_key) = (cx.now, self.iterator_key);
        // An iterator this simulation did not seal, or one stamped after
        // now (from a later moment of a timeline since rewound), was not
        // issued here.
        let token = IteratorToken::decode(shard_iterator, &self.iterator_key, self.unsealed_iterators_until)
            .filter(|token| token.issued <= now)
            .ok_or_else(|| GetRecordsError::InvalidArgument("Invalid ShardIterator.".into()))?;
        cx.authorize_on_stream("kinesis:GetRecords", &token.stream).map_err(GetRecordsError::AccessDenied)?;
        if now.saturating_since(token.issued) > ITERATOR_LIFETIME {
            return Err(GetRecordsError::ExpiredIterator(IteratorExpired { issued: token.issued, now }));
        }
        // A deleted stream's shards are gone, even if a stream of its name exists again.
        let gone =
            || GetRecordsError::ResourceNotFound(NotFound::Shard { stream: token.stream.clone(), shard: token.shard });
        let stream =
            self.usable_stream_mut(&token.stream).ok().filter(|s| s.serial == token.serial).ok_or_else(gone)?;
        let shard_idx = stream.shards.iter().position(|s| s.id == token.shard).ok_or_else(gone)?;
        let Stream { shards, keys, tally, cost, mode, .. } = stream;
        let tally = tally.at(now);
        let shard = &mut shards[shard_idx];
        if !(shard.read_calls.has(now, 1) && shard.read_bytes.is_positive(now)) {
            tally.add(MetricName::ReadProvisionedThroughputExceeded, Some(shard.id), 1.0);
            return Err(GetRecordsError::ProvisionedThroughputExceeded(ThroughputExceeded {
                stream: token.stream.clone(),
                shard: token.shard,
                read: true,
            }));
        }
        let (records, read, bytes) = read_from(shard, keys, token.counter, limit, keep);
        shard.read_calls.take(now, 1);
        shard.read_bytes.take(now, bytes);
        let iterator_age = records.last().map_or(0, |r| now.saturating_since(r.approximate_arrival()).as_millis());
        tally.add(MetricName::OutgoingBytes, Some(shard.id), bytes as f64);
        tally.add(MetricName::OutgoingRecords, Some(shard.id), read as f64);
        tally.max(MetricName::IteratorAgeMilliseconds, Some(shard.id), iterator_age as f64);
        tally.add(MetricName::GetRecordsSuccess, None, 1.0);
        cost.record_read(*mode, bytes, false);

        let next_counter =
            records.last().map_or(token.counter, |r| r.sequence_number().counter() + 1).max(token.counter);
        let next_unread = shard.next_unread(next_counter);
        let millis_behind_latest = millis_behind_latest(now, next_unread.as_ref());
        let at_end = !shard.is_open() && next_unread.is_none();
        let next_shard_iterator = (!at_end)
            .then(|| IteratorToken { counter: next_counter, issued: now, ..token.clone() }.encode(&iterator_key));
        // Only a reader at the end of a closed shard is told about its children.
        let child_shards = if at_end { child_shards(shards, token.shard) } else { Vec::new() };
        Ok((GetRecordsOutput { records, next_shard_iterator, millis_behind_latest, child_shards }, read))
    }
}

/// `MillisBehindLatest` for a reader whose next record is `next_unread`: how
/// long that record has waited, or 0 for a reader at the tip of the shard.
pub(crate) fn millis_behind_latest(now: Instant, next_unread: Option<&Record>) -> u64 {
    next_unread.map_or(0, |r| now.saturating_since(r.approximate_arrival()).as_millis())
}

/// Up to `limit` records and 10 MiB from `counter` on, decrypted (only
/// the newest `keep` of them when `keep` is given); how many were read, and
/// their billed bytes.
fn read_from(shard: &Shard, keys: &[KeyId], counter: u64, limit: u32, keep: Option<usize>) -> (Vec<Record>, u64, u64) {
    let (log, start) = (shard.records(), shard.position_of(counter));
    let mut page = Page { limit, taken: 0, bytes: 0 };
    let mut records = match keep {
        None => log.read(start, &mut page),
        Some(keep) => {
            let read = log.count(start, &mut page);
            let mut left = read.min(keep);
            let from = start + (read - left);
            let newest = |_| {
                if left == 0 {
                    return false;
                }
                left -= 1;
                true
            };
            log.read(from, newest)
        }
    };
    decrypt_all(&mut records, keys);
    (records, u64::from(page.taken), page.bytes)
}

/// What one `GetRecords` call takes: up to `limit` records and 10 MiB.
struct Page {
    limit: u32,
    taken: u32,
    bytes: u64,
}

impl Admit for &mut Page {
    fn record(&mut self, billed: u64) -> bool {
        self.records(1, billed)
    }

    fn records(&mut self, n: usize, billed: u64) -> bool {
        // Records each within both limits take them together within both.
        let taken = u64::from(self.taken) + n as u64;
        if taken > u64::from(self.limit) || self.bytes + billed > MAX_GET_RECORDS_BYTES {
            return false;
        }
        (self.taken, self.bytes) = (taken as u32, self.bytes + billed);
        true
    }
}

/// The shards whose parent or adjacent parent is `parent`.
pub(crate) fn child_shards(shards: &[Shard], parent: ShardId) -> Vec<ChildShard> {
    shards
        .iter()
        .filter(|s| s.parent == Some(parent) || s.adjacent_parent == Some(parent))
        .map(|s| ChildShard {
            shard_id: s.id,
            parent_shards: s.parent.into_iter().chain(s.adjacent_parent).collect(),
            hash_key_range: s.range,
        })
        .collect()
}
