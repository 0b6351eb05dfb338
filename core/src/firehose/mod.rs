//! Amazon Data Firehose delivery streams to the simulated S3 object store.
//!
//! A delivery stream takes records from producers (Direct PUT: `PutRecord`,
//! `PutRecordBatch`) or reads them from a Kinesis data stream as one more
//! consumer, once a second per shard and parents before children (the
//! "hot-cold" pattern: the stream serves live readers, Firehose archives).
//! It buffers them and delivers one S3 object when the buffer reaches its
//! size hint or has been open for its interval hint, whichever comes first.
//! On the way it can transform records with a scripted function
//! ([`transform`]), convert JSON records ([`format::RecordFormat`]) and
//! compress the object with GZIP.
//!
//! Firehose keeps nothing for replay: a buffered record cannot be read back
//! by anyone, and once delivered it exists only as bytes in an object. A
//! deleted delivery stream loses its buffer.
//!
//! Modelled after AWS: buffering hints (1–128 MiB, default 5; 0–900 s,
//! default 300), the 1,000 KiB record and 500-record / 4 MiB batch limits,
//! the Direct PUT throughput quota of us-east-1 (5 MiB/s, failed records
//! answered `ServiceUnavailableException` "Slow down."), object keys
//! `Prefix` + `YYYY/MM/DD/HH/` (UTC, of the oldest record in the object) +
//! `DeliveryStreamName-DeliveryStreamVersion-YYYY-MM-DD-HH-MM-SS-RandomString`,
//! records that fail processing written one JSON document per line under
//! `ErrorOutputPrefix` + `processing-failed/YYYY/MM/DD/HH/` (under `Prefix`
//! when there is no `ErrorOutputPrefix`), custom prefixes with `!{…}`
//! expressions (see the `prefix` module), and delivery to a bucket that does not
//! exist retried every 5 seconds for up to 24 hours.
//!
//! Dynamic partitioning (`DynamicPartitioningConfiguration`) groups records
//! by partition keys taken from the record with a jq query (the
//! `MetadataExtraction` processor, see the `jq` module) or from the transformation
//! function's `metadata.partitionKeys`. Each partition has a buffer of its
//! own, delivered when it reaches the size hint (at least 64 MiB) or has
//! been open for the interval hint; a record whose keys cannot be found goes
//! to the error output as `partitioning-failed`. Records are transformed as
//! they arrive, since their keys may come from the function.
//!
//! Left out: every destination but S3, Parquet and ORC (see [`format`]),
//! server-side encryption, the CREATING and DELETING states (a delivery
//! stream is ACTIVE at once and gone at once), tags, `UpdateDestination`,
//! Lambda's own buffering and invocation failures, dynamic partitioning's
//! 500-active-partition quota, `RetryOptions`, record de-aggregation and the
//! `AppendDelimiterToRecord` processor.

pub mod format;
pub(crate) mod jq;
pub(crate) mod prefix;
pub(crate) mod snapshot_v1;
pub mod transform;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};
use serde_json::json;

use self::format::{RecordFormat, gzip, hour_prefix, object_timestamp};
use self::jq::Query;
use self::prefix::{Context, ErrorOutputType, KeySource, PartitionKeys, Template};
use self::transform::{
    TransformFunction, TransformInput, TransformOutput, TransformResult, TransformStep, function_of_arn,
};
use crate::error::{ACCOUNT_ID, REGION, ValidationError, Validator};
use crate::iterator::StartingPosition;
use crate::kinesis::KinesisClient;
use crate::kinesis::ops_records::GetShardIteratorInput;
use crate::kinesis::ops_streams::ShardFilter;
use crate::kinesis::stream::ShardId;
use crate::lineage::{self, Parent};
use crate::policy::Caller;
use crate::rand::Rand;
use crate::s3::{ObjectStore, bucket_of_arn};
use crate::sim::Simulation;
use crate::time::{Duration, Instant};
use crate::{base64, stream_arn, validate};

/// One MiB, the unit of `SizeInMBs`.
const MIB: u64 = 1024 * 1024;
/// The largest record Firehose takes: 1,000 KiB of data before base64.
pub const MAX_RECORD_BYTES: usize = 1_024_000;
/// The most records one `PutRecordBatch` may carry.
pub const MAX_BATCH_RECORDS: usize = 500;
/// The most data one `PutRecordBatch` may carry: 4 MiB.
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;
/// Direct PUT throughput quota per delivery stream in us-east-1: 5 MiB/s.
pub const MAX_BYTES_PER_SECOND: u64 = 5 * MIB;
/// How often delivery to an unavailable bucket is retried.
pub const S3_RETRY_INTERVAL: Duration = Duration::from_secs(5);
/// How long Firehose keeps retrying delivery to S3 before it drops the data.
pub const S3_RETRY_LIMIT: Duration = Duration::from_hours(24);
/// How often Firehose reads each shard of a Kinesis source.
pub const KINESIS_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The only version a delivery stream has here: `UpdateDestination` is not modelled.
const DELIVERY_STREAM_VERSION: u32 = 1;
/// `errorCode` and `errorMessage` of a record a transformation function
/// answered `ProcessingFailed`.
// AWS's documentation shows neither; these are from error objects Firehose
// wrote to S3, as users have posted them (CloudSnorkel/CloudWatch2S3#9,
// floci-io/floci#3393), which also spell the ARN member `lambdaARN`.
const PROCESSING_FAILED: (&str, &str) = ("Lambda.ProcessingFailedStatus", "ProcessingFailed status set for record");
/// `ErrorCode` of a record that could not be converted.
// Not confirmed in AWS's docs, which list the document's fields only.
const CONVERSION_FAILED_CODE: &str = "DataFormatConversion.MalformedData";
/// `errorCode` of a record whose partition keys could not be found, as
/// users' integration tests against AWS find it in error objects.
const PARTITIONING_FAILED_CODE: &str = "DynamicPartitioning.MetadataExtractionFailed";
/// The smallest size hint with dynamic partitioning: CreateDeliveryStream
/// answers "BufferingHints.SizeInMBs must be at least 64 when Dynamic
/// Partitioning is enabled." below it.
pub const MIN_PARTITIONED_SIZE_IN_MBS: u32 = 64;
/// The shortest interval hint with dynamic partitioning, which has no zero
/// buffering (AWS Firehose Developer Guide, "Buffer data for dynamic
/// partitioning"); 60 s was the minimum before zero buffering existed.
pub const MIN_PARTITIONED_INTERVAL_SECONDS: u32 = 60;

/// Where a delivery stream's records come from: `DeliveryStreamType`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliverySource {
    /// `DirectPut`: producers call `PutRecord` and `PutRecordBatch`.
    DirectPut,
    /// `KinesisStreamAsSource`: read from the stream with this name, from `LATEST`.
    KinesisStream(String),
}

/// `CompressionFormat` of delivered objects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompressionFormat {
    /// `UNCOMPRESSED`.
    #[default]
    Uncompressed,
    /// `GZIP`: object keys end in `.gz`.
    Gzip,
}

/// `BufferingHints`: deliver when either is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BufferingHints {
    /// `SizeInMBs`, 1–128.
    pub size_in_mbs: u32,
    /// `IntervalInSeconds`, 0–900.
    pub interval_in_seconds: u32,
}

impl Default for BufferingHints {
    fn default() -> Self {
        BufferingHints { size_in_mbs: 5, interval_in_seconds: 300 }
    }
}

/// `ExtendedS3DestinationConfiguration`, the parts that are modelled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Destination {
    /// `BucketARN`: `arn:aws:s3:::NAME`.
    pub bucket_arn: String,
    /// `Prefix`: without expressions, before the `YYYY/MM/DD/HH/` time
    /// prefix; with them, evaluated in its place (see the `prefix` module).
    pub prefix: String,
    /// `ErrorOutputPrefix`: without expressions, before
    /// `processing-failed/YYYY/MM/DD/HH/`; with them, evaluated in its place.
    /// Empty means unset: failed records then go under `Prefix`.
    pub error_output_prefix: String,
    /// `BufferingHints`.
    pub buffering_hints: BufferingHints,
    /// `CompressionFormat`.
    pub compression: CompressionFormat,
    /// `ProcessingConfiguration`: the ARN of the transformation function, if enabled.
    pub processor: Option<String>,
    /// Record format conversion, if enabled (see [`format`]).
    pub record_format: Option<RecordFormat>,
    /// `DynamicPartitioningConfiguration.Enabled`.
    #[serde(default)]
    pub dynamic_partitioning: bool,
    /// The `MetadataExtraction` processor's `MetadataExtractionQuery`, if
    /// there is one (see the `jq` module).
    #[serde(default)]
    pub metadata_extraction_query: Option<String>,
}

impl S3Destination {
    /// A destination with AWS's defaults: no prefixes, 5 MiB or 300 s,
    /// uncompressed, no processing or conversion.
    pub fn new(bucket_arn: impl Into<String>) -> S3Destination {
        S3Destination {
            bucket_arn: bucket_arn.into(),
            prefix: String::new(),
            error_output_prefix: String::new(),
            buffering_hints: BufferingHints::default(),
            compression: CompressionFormat::Uncompressed,
            processor: None,
            record_format: None,
            dynamic_partitioning: false,
            metadata_extraction_query: None,
        }
    }
}

/// `CreateDeliveryStream`'s input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateDeliveryStreamInput {
    /// `DeliveryStreamName`.
    pub name: String,
    /// `DeliveryStreamType` and `KinesisStreamSourceConfiguration`.
    pub source: DeliverySource,
    /// `ExtendedS3DestinationConfiguration`.
    pub destination: S3Destination,
}

/// Counters of what a delivery stream has done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryCounters {
    /// Records accepted into the buffer.
    pub incoming_records: u64,
    /// Their bytes.
    pub incoming_bytes: u64,
    /// Data objects written to S3.
    pub delivered_objects: u64,
    /// Records in those objects.
    pub delivered_records: u64,
    /// Records a transformation function dropped on purpose.
    pub dropped_records: u64,
    /// Records that failed processing or conversion, written to the error output.
    pub failed_records: u64,
    /// Deliveries to S3 that failed and were (or will be) retried.
    pub failed_delivery_attempts: u64,
    /// Records lost after [`S3_RETRY_LIMIT`] of failed retries.
    pub expired_records: u64,
}

/// What a delivery stream's buffer and deliveries look like now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryStreamStatus {
    /// `DeliveryStreamName`.
    pub name: String,
    /// Records waiting in the buffer.
    pub buffered_records: u64,
    /// Their bytes, as received (with dynamic partitioning, as transformed).
    pub buffered_bytes: u64,
    /// Dynamic partitioning's partitions with records waiting.
    pub active_partitions: u64,
    /// How long the buffer (with dynamic partitioning, the oldest partition)
    /// has been open: since its oldest record arrived.
    pub buffer_age: Option<Duration>,
    /// When the interval hint will deliver the buffer, if it holds anything.
    pub interval_due: Option<Instant>,
    /// Objects whose delivery failed, waiting for a retry.
    pub undelivered_objects: u64,
    /// The next delivery retry.
    pub next_retry: Option<Instant>,
    /// A Kinesis source's last read error (`code: message`), cleared by a successful read.
    pub last_source_error: Option<String>,
    /// The counters.
    pub counters: DeliveryCounters,
}

/// `DescribeDeliveryStream`'s description.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryStreamDescription {
    /// `DeliveryStreamName`.
    pub name: String,
    /// `DeliveryStreamARN`.
    pub arn: String,
    /// `CreateTimestamp`.
    pub created: Instant,
    /// `VersionId`.
    pub version: u32,
    /// `DeliveryStreamType` and source.
    pub source: DeliverySource,
    /// The destination.
    pub destination: S3Destination,
}

/// One entry of `PutRecordBatch`'s `RequestResponses`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PutRecordBatchEntry {
    /// `RecordId` of a record taken.
    Ok(String),
    /// `ErrorCode` and `ErrorMessage` of a record refused.
    Failed {
        /// `ErrorCode`.
        error_code: String,
        /// `ErrorMessage`.
        error_message: String,
    },
}

/// `PutRecordBatch`'s output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutRecordBatchOutput {
    /// `FailedPutCount`.
    pub failed_put_count: u32,
    /// `RequestResponses`, one per record in request order.
    pub request_responses: Vec<PutRecordBatchEntry>,
}

/// `ListDeliveryStreams`'s output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDeliveryStreamsOutput {
    /// `DeliveryStreamNames`, in order.
    pub names: Vec<String>,
    /// `HasMoreDeliveryStreams`.
    pub has_more: bool,
}

/// The ARN of delivery stream `name`.
pub fn delivery_stream_arn(name: &str) -> String {
    format!("arn:aws:firehose:{REGION}:{ACCOUNT_ID}:deliverystream/{name}")
}

/// Error of the Firehose operations, named after AWS's exceptions. Each
/// operation's documentation says which it returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FirehoseError {
    /// No delivery stream (or transformation function) has this name.
    ResourceNotFound(String),
    /// A delivery stream with this name exists.
    ResourceInUse(String),
    /// A request AWS refuses as `InvalidArgumentException`, with its message.
    InvalidArgument(String),
    /// Request members outside their constraints.
    Validation(ValidationError),
    /// The delivery stream's throughput quota is spent for this second.
    ServiceUnavailable,
}

impl FirehoseError {
    /// The AWS exception name.
    pub fn code(&self) -> &'static str {
        match self {
            FirehoseError::ResourceNotFound(_) => "ResourceNotFoundException",
            FirehoseError::ResourceInUse(_) => "ResourceInUseException",
            FirehoseError::InvalidArgument(_) => "InvalidArgumentException",
            FirehoseError::Validation(_) => "ValidationException",
            FirehoseError::ServiceUnavailable => "ServiceUnavailableException",
        }
    }
}

impl fmt::Display for FirehoseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FirehoseError::ResourceNotFound(name) => write!(f, "Firehose {name} under account {ACCOUNT_ID} not found."),
            FirehoseError::ResourceInUse(name) => {
                write!(f, "Firehose {name} under accountId {ACCOUNT_ID} already exists")
            }
            FirehoseError::InvalidArgument(message) => f.write_str(message),
            FirehoseError::Validation(error) => write!(f, "{error}"),
            FirehoseError::ServiceUnavailable => f.write_str("Slow down."),
        }
    }
}

impl core::error::Error for FirehoseError {}

/// A record waiting in the buffer. It is not readable by anyone.
#[derive(Clone, Debug)]
struct BufferedRecord {
    record_id: String,
    data: Vec<u8>,
    arrival: Instant,
}

/// An object whose delivery failed, waiting for the next retry.
#[derive(Clone, Debug)]
struct UndeliveredObject {
    key: String,
    body: Vec<u8>,
    n_records: u64,
    /// Whether this holds failed records for the error output rather than data.
    is_error_output: bool,
    first_attempt: Instant,
}

/// One dynamic partition's buffer: records of data with the same partition
/// keys, or failed records of one error output type.
#[derive(Clone, Debug)]
struct Partition {
    /// `None` for data; for failed records, why they failed.
    error: Option<ErrorOutputType>,
    /// The keys the prefix names; empty for failed records.
    keys: PartitionKeys,
    // Invariant: not empty, and `bytes` is the sum of their lengths.
    /// Each record as it will be written: processed data, or an error document.
    records: Vec<Vec<u8>>,
    bytes: u64,
    /// When its oldest record arrived.
    opened: Instant,
}

/// What processing made of one record.
enum Processed {
    /// Data to deliver, with its partition keys (empty without dynamic partitioning).
    Data(Vec<u8>, PartitionKeys),
    /// A failed record's error document.
    Failed(ErrorOutputType, Vec<u8>),
}

/// Firehose's read position in one shard of a Kinesis source.
#[derive(Clone, Debug)]
struct SourceShard {
    shard: ShardId,
    /// Read only once every parent is finished or untracked (see `lineage`).
    parents: Vec<ShardId>,
    /// `None` before the first read of a child shard, or once finished.
    iterator: Option<String>,
    finished: bool,
}

/// Firehose as a consumer of a Kinesis stream.
#[derive(Clone, Debug)]
pub(crate) struct KinesisReader {
    stream: String,
    shards: Vec<SourceShard>,
    next_poll: Instant,
    /// The last read error, as `code: message`.
    last_error: Option<String>,
}

/// One delivery stream's state.
#[derive(Clone, Debug)]
pub(crate) struct DeliveryStream {
    name: String,
    created: Instant,
    source: DeliverySource,
    destination: S3Destination,
    // Invariant: the buffer is empty exactly when `buffer_opened` is `None`,
    // `buffer_bytes` is the sum of its records' lengths, and it never holds
    // the size hint or more after an operation returns.
    buffer: Vec<BufferedRecord>,
    buffer_bytes: u64,
    buffer_opened: Option<Instant>,
    /// Dynamic partitioning's buffers, in the order they opened; the buffer
    /// above stays empty when dynamic partitioning is enabled, and this one otherwise.
    partitions: Vec<Partition>,
    // Invariant: `next_retry` is set exactly when `undelivered` is not empty.
    undelivered: Vec<UndeliveredObject>,
    next_retry: Option<Instant>,
    /// `None` for Direct PUT.
    reader: Option<KinesisReader>,
    counters: DeliveryCounters,
    /// The whole second the throughput quota is counted in, and the bytes taken in it.
    quota_second: u64,
    quota_bytes: u64,
    /// Record ids and object names' random strings.
    rand: Rand,
}

impl DeliveryStream {
    pub(crate) fn size_limit(&self) -> u64 {
        u64::from(self.destination.buffering_hints.size_in_mbs) * MIB
    }

    pub(crate) fn interval(&self) -> Duration {
        Duration::from_secs(u64::from(self.destination.buffering_hints.interval_in_seconds))
    }

    /// The bytes of the buffer nearest the size hint: the buffer's, or with
    /// dynamic partitioning the fullest partition's, since each partition
    /// is delivered on reaching the hint alone.
    pub(crate) fn fullest_buffer_bytes(&self) -> u64 {
        self.partitions.iter().map(|p| p.bytes).fold(self.buffer_bytes, u64::max)
    }

    /// When the interval hint delivers the oldest open buffer or partition.
    fn interval_due(&self) -> Option<Instant> {
        let oldest = self.buffer_opened.into_iter().chain(self.partitions.iter().map(|p| p.opened)).min();
        oldest.map(|opened| opened + self.interval())
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let poll = self.reader.as_ref().map(|r| r.next_poll);
        [self.interval_due(), self.next_retry, poll].into_iter().flatten().min()
    }

    /// Random hex digits, `n_words` 32-bit words of them.
    fn random_hex(&mut self, n_words: usize) -> String {
        (0..n_words).map(|_| format!("{:08x}", self.rand.rand_u32())).collect()
    }

    /// A random string in the shape of a UUID, as in Firehose's object names.
    fn random_uuid(&mut self) -> String {
        let hex = self.random_hex(4);
        format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    }

    /// `!{firehose:random-string}`: "a random string of 11 characters"
    /// (AWS's example evaluates to `5abf82daaa5`), here hex digits.
    fn random_string(&mut self) -> String {
        let mut hex = self.random_hex(2);
        hex.truncate(11);
        hex
    }

    /// Takes one record into the buffer (with dynamic partitioning, processes
    /// it into its partition's buffer) and delivers what reaches the size hint.
    fn ingest(&mut self, now: Instant, data: Vec<u8>, store: &mut ObjectStore, functions: &Functions) -> String {
        let record_id = self.random_hex(7);
        self.counters.incoming_records += 1;
        self.counters.incoming_bytes += data.len() as u64;
        let record = BufferedRecord { record_id: record_id.clone(), data, arrival: now };
        if self.destination.dynamic_partitioning {
            self.partition(now, record, store, functions);
            return record_id;
        }
        self.buffer_bytes += record.data.len() as u64;
        self.buffer_opened.get_or_insert(now);
        self.buffer.push(record);
        if self.buffer_bytes >= self.size_limit() {
            self.deliver(now, store, functions);
        }
        record_id
    }

    /// Whether the Direct PUT quota has room for `bytes` more this second; takes them if so.
    fn take_quota(&mut self, now: Instant, bytes: u64) -> bool {
        let second = now.epoch_millis() / 1000;
        if second != self.quota_second {
            (self.quota_second, self.quota_bytes) = (second, 0);
        }
        let fits = self.quota_bytes + bytes <= MAX_BYTES_PER_SECOND;
        if fits {
            self.quota_bytes += bytes;
        }
        fits
    }

    /// Transformation, then (with dynamic partitioning) partition keys, then
    /// conversion: what becomes of each of `records`, in order. Records the
    /// function dropped are counted and left out.
    fn process(&mut self, now: Instant, records: &[BufferedRecord], functions: &Functions) -> Vec<Processed> {
        let outputs: Vec<(TransformResult, Vec<u8>, BTreeMap<String, String>)> = match &self.destination.processor {
            None => records.iter().map(|r| (TransformResult::Ok, r.data.clone(), BTreeMap::new())).collect(),
            Some(arn) => {
                let function = function_of_arn(arn)
                    .and_then(|name| functions.get(name))
                    .expect("a processor names a function: checked at creation and on restore");
                let batch: Vec<TransformInput> = records
                    .iter()
                    .map(|r| TransformInput { record_id: r.record_id.clone(), data: r.data.clone() })
                    .collect();
                let outputs = function.invoke(&batch);
                debug_assert!(
                    outputs.iter().zip(&batch).all(|(o, i)| o.record_id == i.record_id),
                    "function {arn} must answer every recordId in order"
                );
                outputs.into_iter().map(|o| (o.result, o.data, o.partition_keys)).collect()
            }
        };
        let lambda_arn = self.destination.processor.clone().unwrap_or_default();
        let partitioning = self.destination.dynamic_partitioning.then(|| {
            let prefix =
                Template::parse("Prefix", &self.destination.prefix).expect("checked at creation and on restore");
            let query = self.destination.metadata_extraction_query.as_deref().map(Query::parse);
            (prefix, query.transpose().expect("checked at creation and on restore"))
        });
        let mut processed = Vec::with_capacity(records.len());
        for (record, (result, data, lambda_keys)) in records.iter().zip(outputs) {
            let failed = |kind, code: &str, why: &str, arn: Option<&str>| {
                Processed::Failed(kind, error_document(record, now, code, why, arn))
            };
            processed.push(match result {
                TransformResult::Dropped => {
                    self.counters.dropped_records += 1;
                    continue;
                }
                TransformResult::ProcessingFailed => failed(
                    ErrorOutputType::Processing,
                    PROCESSING_FAILED.0,
                    PROCESSING_FAILED.1,
                    Some(lambda_arn.as_str()),
                ),
                TransformResult::Ok => {
                    let keys = match &partitioning {
                        None => Ok(PartitionKeys::default()),
                        Some((prefix, query)) => partition_keys(prefix, query.as_ref(), &data, &lambda_keys),
                    };
                    let converted = match &self.destination.record_format {
                        None => Ok(data),
                        Some(format) => format.convert(&data),
                    };
                    match (keys, converted) {
                        (Err(why), _) => failed(ErrorOutputType::Partitioning, PARTITIONING_FAILED_CODE, &why, None),
                        (Ok(_), Err(why)) => {
                            failed(ErrorOutputType::FormatConversion, CONVERSION_FAILED_CODE, &why, None)
                        }
                        (Ok(keys), Ok(line)) => Processed::Data(line, keys),
                    }
                }
            });
        }
        processed
    }

    /// Empties the buffer into S3: processing, compression, then one data
    /// object and, for failed records, one error object per error output type.
    fn deliver(&mut self, now: Instant, store: &mut ObjectStore, functions: &Functions) {
        let Some(opened) = self.buffer_opened.take() else { return };
        let records = core::mem::take(&mut self.buffer);
        self.buffer_bytes = 0;
        let mut body = Vec::new();
        let mut n_delivered = 0u64;
        // By error output type, in the order AWS's types are declared.
        let mut failed: BTreeMap<ErrorOutputType, Vec<Vec<u8>>> = BTreeMap::new();
        for outcome in self.process(now, &records, functions) {
            match outcome {
                Processed::Data(line, _) => {
                    body.extend(line);
                    n_delivered += 1;
                }
                Processed::Failed(kind, document) => failed.entry(kind).or_default().push(document),
            }
        }
        if n_delivered > 0 {
            self.write_object(now, store, opened, (None, &PartitionKeys::default()), body, n_delivered);
        }
        for (kind, documents) in failed {
            let n_records = documents.len() as u64;
            self.write_object(
                now,
                store,
                opened,
                (Some(kind), &PartitionKeys::default()),
                documents.concat(),
                n_records,
            );
        }
    }

    /// Processes one record into its partition's buffer and delivers that
    /// partition if it reaches the size hint.
    fn partition(&mut self, now: Instant, record: BufferedRecord, store: &mut ObjectStore, functions: &Functions) {
        for outcome in self.process(now, core::slice::from_ref(&record), functions) {
            let (error, keys, bytes) = match outcome {
                Processed::Data(line, keys) => (None, keys, line),
                Processed::Failed(kind, document) => (Some(kind), PartitionKeys::default(), document),
            };
            let idx = match self.partitions.iter().position(|p| p.error == error && p.keys == keys) {
                Some(idx) => idx,
                None => {
                    self.partitions.push(Partition { error, keys, records: Vec::new(), bytes: 0, opened: now });
                    self.partitions.len() - 1
                }
            };
            let partition = &mut self.partitions[idx];
            partition.bytes += bytes.len() as u64;
            partition.records.push(bytes);
            if partition.bytes >= self.size_limit() {
                let full = self.partitions.remove(idx);
                self.deliver_partition(now, store, full);
            }
        }
    }

    /// Delivers every partition that has been open for the interval hint.
    fn deliver_due_partitions(&mut self, now: Instant, store: &mut ObjectStore) {
        let interval = self.interval();
        let (due, open) = core::mem::take(&mut self.partitions).into_iter().partition(|p| p.opened + interval <= now);
        self.partitions = open;
        for partition in due {
            self.deliver_partition(now, store, partition);
        }
    }

    fn deliver_partition(&mut self, now: Instant, store: &mut ObjectStore, partition: Partition) {
        let n_records = partition.records.len() as u64;
        let target = (partition.error, &partition.keys);
        self.write_object(now, store, partition.opened, target, partition.records.concat(), n_records);
    }

    /// Names and writes one object of data (`error` is `None`; compressed
    /// as configured) or of failed records' error documents, whose oldest
    /// record arrived at `opened`.
    fn write_object(
        &mut self,
        now: Instant,
        store: &mut ObjectStore,
        opened: Instant,
        (error, keys): (Option<ErrorOutputType>, &PartitionKeys),
        body: Vec<u8>,
        n_records: u64,
    ) {
        let (body, extension) = match (error, self.destination.compression) {
            (None, CompressionFormat::Gzip) => (gzip(&body), ".gz"),
            _ => (body, ""),
        };
        // Failed records go under `ErrorOutputPrefix`, or `Prefix` when it is unset.
        let (member, prefix) = match error {
            Some(_) if !self.destination.error_output_prefix.is_empty() => {
                ("ErrorOutputPrefix", self.destination.error_output_prefix.clone())
            }
            _ => ("Prefix", self.destination.prefix.clone()),
        };
        let template = Template::parse(member, &prefix).expect("checked at creation and on restore");
        let context = Context { error_output_type: error, keys };
        let mut key = template.evaluate(opened, &context, &mut || self.random_string());
        // AWS's semantic rules: a prefix with no expressions is followed by
        // the error output type (for failed records) and `YYYY/MM/DD/HH/`;
        // a `Prefix` with no timestamp by `yyyy/MM/dd/HH/`. A dynamically
        // partitioned prefix is used as it is, as AWS's example shows.
        if !template.has_expressions() {
            if let Some(kind) = error {
                key.push_str(kind.as_str());
                key.push('/');
            }
            key.push_str(&hour_prefix(opened));
        } else if error.is_none() && !template.has_timestamp() && !self.destination.dynamic_partitioning {
            key.push_str(&hour_prefix(opened));
        }
        let random = self.random_uuid();
        let key =
            format!("{key}{}-{DELIVERY_STREAM_VERSION}-{}-{random}{extension}", self.name, object_timestamp(opened));
        self.write(now, store, key, body, n_records, error.is_some());
    }

    /// Writes one object, or keeps it for a retry if the bucket is missing.
    fn write(
        &mut self,
        now: Instant,
        store: &mut ObjectStore,
        key: String,
        body: Vec<u8>,
        n_records: u64,
        is_error_output: bool,
    ) {
        if is_error_output {
            self.counters.failed_records += n_records;
        }
        let object = UndeliveredObject { key, body, n_records, is_error_output, first_attempt: now };
        self.undelivered.push(object);
        // Objects go out in the order they were made, so an earlier failure holds later ones back.
        if self.next_retry.is_none() {
            self.retry(now, store);
        }
    }

    /// Tries every undelivered object again, in order; drops those that
    /// have failed for longer than [`S3_RETRY_LIMIT`].
    fn retry(&mut self, now: Instant, store: &mut ObjectStore) {
        let bucket = bucket_of_arn(&self.destination.bucket_arn).unwrap_or_default().to_string();
        if store.has_bucket(&bucket) {
            for object in core::mem::take(&mut self.undelivered) {
                store.put(&bucket, object.key, object.body, now).expect("the bucket exists");
                if !object.is_error_output {
                    self.counters.delivered_objects += 1;
                    self.counters.delivered_records += object.n_records;
                }
            }
            self.next_retry = None;
            return;
        }
        self.counters.failed_delivery_attempts += 1;
        let expired = |o: &UndeliveredObject| now.saturating_since(o.first_attempt) >= S3_RETRY_LIMIT;
        let n_expired: u64 = self.undelivered.iter().filter(|o| expired(o)).map(|o| o.n_records).sum();
        self.counters.expired_records += n_expired;
        self.undelivered.retain(|o| !expired(o));
        self.next_retry = (!self.undelivered.is_empty()).then_some(now + S3_RETRY_INTERVAL);
    }

    fn status(&self, now: Instant) -> DeliveryStreamStatus {
        let oldest = self.buffer_opened.into_iter().chain(self.partitions.iter().map(|p| p.opened)).min();
        DeliveryStreamStatus {
            name: self.name.clone(),
            buffered_records: (self.buffer.len() + self.partitions.iter().map(|p| p.records.len()).sum::<usize>())
                as u64,
            buffered_bytes: self.buffer_bytes + self.partitions.iter().map(|p| p.bytes).sum::<u64>(),
            active_partitions: self.partitions.len() as u64,
            buffer_age: oldest.map(|opened| now.saturating_since(opened)),
            interval_due: self.interval_due(),
            undelivered_objects: self.undelivered.len() as u64,
            next_retry: self.next_retry,
            last_source_error: self.reader.as_ref().and_then(|r| r.last_error.clone()),
            counters: self.counters,
        }
    }

    /// Whether the transformation function the destination names, if any, is one of `functions`.
    pub(crate) fn has_its_function(&self, functions: &Functions) -> bool {
        self.destination
            .processor
            .as_deref()
            .is_none_or(|arn| function_of_arn(arn).is_some_and(|name| functions.contains_key(name)))
    }

    /// See the invariants on the fields; `filed_under` is its key in the simulation.
    pub(crate) fn check_invariants(&self, filed_under: &str) -> Result<(), String> {
        let name = &self.name;
        if name != filed_under {
            return Err(format!("delivery stream {name} is filed under the name {filed_under}"));
        }
        let bytes: u64 = self.buffer.iter().map(|r| r.data.len() as u64).sum();
        if bytes != self.buffer_bytes {
            return Err(format!(
                "delivery stream {name} counts {} buffered bytes but holds {bytes}",
                self.buffer_bytes
            ));
        }
        if self.buffer.is_empty() != self.buffer_opened.is_none() {
            return Err(format!("delivery stream {name} has a buffer open time that does not match its buffer"));
        }
        if self.buffer_bytes >= self.size_limit() {
            return Err(format!("delivery stream {name} holds more than its size hint"));
        }
        if self.undelivered.is_empty() == self.next_retry.is_some() {
            return Err(format!("delivery stream {name} has a retry time that does not match its undelivered objects"));
        }
        if self.buffer.iter().any(|r| Some(r.arrival) < self.buffer_opened) {
            return Err(format!("delivery stream {name} has a record older than its buffer"));
        }
        if let Err(why) = check_destination(&self.destination) {
            return Err(format!("delivery stream {name} has a configuration AWS refuses: {why}"));
        }
        let partitioned = self.destination.dynamic_partitioning;
        if (partitioned && !self.buffer.is_empty()) || (!partitioned && !self.partitions.is_empty()) {
            return Err(format!("delivery stream {name} buffers in the wrong place for its dynamic partitioning"));
        }
        for partition in &self.partitions {
            let bytes: u64 = partition.records.iter().map(|r| r.len() as u64).sum();
            if partition.records.is_empty() || bytes != partition.bytes || bytes >= self.size_limit() {
                return Err(format!(
                    "delivery stream {name} has a partition that is empty, miscounted or over its size hint"
                ));
            }
        }
        Ok(())
    }
}

/// One line of an error object: the JSON document Firehose writes for a
/// failed record (`attemptsMade`, `arrivalTimestamp`, `errorCode`,
/// `errorMessage`, `attemptEndingTimestamp`, `rawData`, and `lambdaARN`
/// for processing failures), followed by a newline.
fn error_document(
    record: &BufferedRecord,
    now: Instant,
    code: &str,
    message: &str,
    lambda_arn: Option<&str>,
) -> Vec<u8> {
    let mut document = json!({
        "attemptsMade": 1,
        "arrivalTimestamp": record.arrival.epoch_millis(),
        "errorCode": code,
        "errorMessage": message,
        "attemptEndingTimestamp": now.epoch_millis(),
        "rawData": base64::encode(&record.data),
    });
    if let Some(arn) = lambda_arn {
        document["lambdaARN"] = arn.into();
    }
    let mut line = document.to_string().into_bytes();
    line.push(b'\n');
    line
}

/// The keys `prefix` names, from `query`'s answer for `data` and from the
/// transformation function's `metadata.partitionKeys`; or why the record has
/// none (the reason is the simulation's wording: AWS's is not documented).
fn partition_keys(
    prefix: &Template,
    query: Option<&Query>,
    data: &[u8],
    lambda: &BTreeMap<String, String>,
) -> Result<PartitionKeys, String> {
    let from_query = match query {
        Some(query) => query.evaluate(data)?,
        None => BTreeMap::new(),
    };
    let mut keys = PartitionKeys::default();
    for (source, name) in prefix.partition_keys() {
        let (found, into) = match source {
            KeySource::Query => (from_query.get(name), &mut keys.query),
            KeySource::Lambda => (lambda.get(name).filter(|value| !value.is_empty()), &mut keys.lambda),
        };
        let value = found.ok_or_else(|| format!("partitionKeys values must not be null or empty: {name}"))?;
        into.insert(name.into(), value.clone());
    }
    Ok(keys)
}

/// AWS's semantic rules for prefixes and dynamic partitioning, which
/// `CreateDeliveryStream` enforces with `InvalidArgumentException`; the error
/// is its message. Where AWS's wording is known it is used (see
/// docs/kinesis-reference.md §11); the rest is the simulation's.
fn check_destination(d: &S3Destination) -> Result<(), String> {
    let prefix = Template::parse("Prefix", &d.prefix)?;
    let error_prefix = Template::parse("ErrorOutputPrefix", &d.error_output_prefix)?;
    if prefix.has_error_output_type() {
        return Err("Prefix cannot contain !{firehose:error-output-type}.".into());
    }
    if prefix.has_expressions() && d.error_output_prefix.is_empty() {
        return Err("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions".into());
    }
    if error_prefix.has_expressions() && !error_prefix.has_error_output_type() {
        return Err("ErrorOutputPrefix must contain !{firehose:error-output-type} when it contains expressions.".into());
    }
    if error_prefix.partition_keys().next().is_some() {
        return Err(
            "ErrorOutputPrefix cannot contain partitionKeyFromQuery or partitionKeyFromLambda expressions.".into()
        );
    }
    let query = d.metadata_extraction_query.as_deref().map(Query::parse).transpose();
    let query = query.map_err(|why| format!("MetadataExtractionQuery is not valid: {why}."))?;
    if !d.dynamic_partitioning {
        if prefix.partition_keys().next().is_some() {
            return Err("Dynamic Partitioning Namespaces can only be part of a prefix expression when Dynamic Partitioning is enabled.".into());
        }
        if query.is_some() {
            return Err("class com.amazonaws.services.firehose.internal.model.MetadataExtractionProcessor can only be present when Dynamic Partitioning is enabled.".into());
        }
        return Ok(());
    }
    let hints = d.buffering_hints;
    if hints.size_in_mbs < MIN_PARTITIONED_SIZE_IN_MBS {
        return Err(format!(
            "BufferingHints.SizeInMBs must be at least {MIN_PARTITIONED_SIZE_IN_MBS} when Dynamic Partitioning is enabled."
        ));
    }
    if hints.interval_in_seconds < MIN_PARTITIONED_INTERVAL_SECONDS {
        return Err(format!(
            "BufferingHints.IntervalInSeconds must be at least {MIN_PARTITIONED_INTERVAL_SECONDS} when Dynamic Partitioning is enabled."
        ));
    }
    if prefix.partition_keys().next().is_none() {
        return Err(
            "S3 Prefix should contain Dynamic Partitioning namespaces when Dynamic Partitioning is enabled".into()
        );
    }
    for (source, name) in prefix.partition_keys() {
        match source {
            KeySource::Query if !query.as_ref().is_some_and(|q| q.defines(name)) => {
                return Err(format!(
                    "Prefix uses !{{partitionKeyFromQuery:{name}}}, which no MetadataExtractionQuery defines."
                ));
            }
            KeySource::Lambda if d.processor.is_none() => {
                return Err(format!("Prefix uses !{{partitionKeyFromLambda:{name}}}, which needs a Lambda processor."));
            }
            KeySource::Query | KeySource::Lambda => {}
        }
    }
    Ok(())
}

/// The scripted transformation functions, by name.
pub(crate) type Functions = BTreeMap<String, TransformFunction>;

/// `BufferingHints`' model constraints: `SizeInMBs` 1–128, `IntervalInSeconds` 0–900.
pub(crate) fn check_buffering_hints(v: &mut Validator, hints: BufferingHints) {
    let member = "extendedS3DestinationConfiguration.bufferingHints";
    v.check(
        (1..=128).contains(&hints.size_in_mbs),
        &format!("{member}.sizeInMBs"),
        hints.size_in_mbs.to_string(),
        if hints.size_in_mbs < 1 {
            "Member must have value greater than or equal to 1"
        } else {
            "Member must have value less than or equal to 128"
        },
    );
    v.check(
        hints.interval_in_seconds <= 900,
        &format!("{member}.intervalInSeconds"),
        hints.interval_in_seconds.to_string(),
        "Member must have value less than or equal to 900",
    );
}

/// `DeliveryStreamName`: 1 to 64 characters of `[a-zA-Z0-9_.-]`.
fn validate_name(v: &mut Validator, member: &str, name: &str) {
    let value = || String::from(name);
    v.check(!name.is_empty(), member, value(), "Member must have length greater than or equal to 1");
    v.check(name.len() <= 64, member, value(), "Member must have length less than or equal to 64");
    v.check(
        name.bytes().all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c)),
        member,
        value(),
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );
}

impl Simulation {
    /// Registers (or replaces) a scripted transformation function; returns
    /// its ARN, which a delivery stream's `processor` names.
    pub fn create_transform_function(&mut self, function: TransformFunction) -> Result<String, FirehoseError> {
        let mut v = Validator::default();
        validate_name(&mut v, "functionName", &function.name);
        v.finish().map_err(FirehoseError::Validation)?;
        for step in &function.steps {
            if let TransformStep::PartitionKeys(query) = step {
                // The simulation's wording: this is not an AWS operation.
                Query::parse(query).map_err(|why| {
                    FirehoseError::InvalidArgument(format!("The PARTITION_KEYS query is not valid: {why}."))
                })?;
            }
        }
        let arn = transform::function_arn(&function.name);
        self.transform_functions.insert(function.name.clone(), function);
        Ok(arn)
    }

    /// Runs transformation function `name` on `batch` as Firehose would, as
    /// the Lambda console's test event does; `None` if there is no such function.
    pub fn invoke_transform_function(&self, name: &str, batch: &[TransformInput]) -> Option<Vec<TransformOutput>> {
        Some(self.transform_functions.get(name)?.invoke(batch))
    }

    /// Every scripted transformation function, by name.
    pub fn transform_functions(&self) -> Vec<TransformFunction> {
        self.transform_functions.values().cloned().collect()
    }

    /// `CreateDeliveryStream`. Errors: `Validation` (name, buffering hints),
    /// `InvalidArgument` (bucket ARN, function, source stream),
    /// `ResourceInUse` (the name is taken).
    pub fn create_delivery_stream(&mut self, input: CreateDeliveryStreamInput) -> Result<(), FirehoseError> {
        let CreateDeliveryStreamInput { name, source, destination } = input;
        let mut v = Validator::default();
        validate_name(&mut v, "deliveryStreamName", &name);
        check_buffering_hints(&mut v, destination.buffering_hints);
        v.finish().map_err(FirehoseError::Validation)?;
        if bucket_of_arn(&destination.bucket_arn).is_none() {
            return Err(FirehoseError::InvalidArgument(format!(
                "BucketARN {} is not a valid S3 bucket ARN (arn:aws:s3:::NAME).",
                destination.bucket_arn
            )));
        }
        if let Some(arn) = &destination.processor
            && !function_of_arn(arn).is_some_and(|name| self.transform_functions.contains_key(name))
        {
            return Err(FirehoseError::InvalidArgument(format!("Lambda function {arn} does not exist.")));
        }
        check_destination(&destination).map_err(FirehoseError::InvalidArgument)?;
        if self.delivery_streams.contains_key(&name) {
            return Err(FirehoseError::ResourceInUse(name));
        }
        let reader = match &source {
            DeliverySource::DirectPut => None,
            DeliverySource::KinesisStream(stream) => Some(self.start_kinesis_reader(stream)?),
        };
        // FNV-1a of the name, so that two delivery streams never share a sequence of random strings.
        let name_hash =
            name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        let seed = name_hash ^ self.now.epoch_millis();
        let stream = DeliveryStream {
            name: name.clone(),
            created: self.now,
            source,
            destination,
            buffer: Vec::new(),
            buffer_bytes: 0,
            buffer_opened: None,
            partitions: Vec::new(),
            undelivered: Vec::new(),
            next_retry: None,
            reader,
            counters: DeliveryCounters::default(),
            quota_second: 0,
            quota_bytes: 0,
            rand: Rand::new(seed),
        };
        self.delivery_streams.insert(name, stream);
        Ok(())
    }

    /// Firehose's iterators at `LATEST` on every open shard of `stream`.
    fn start_kinesis_reader(&mut self, stream: &str) -> Result<KinesisReader, FirehoseError> {
        let not_found = || {
            FirehoseError::InvalidArgument(format!(
                "Kinesis stream {} does not exist or is not ACTIVE.",
                stream_arn(stream)
            ))
        };
        // Firehose reads its source with its own role, not as the learner.
        let mut client = kinesis_client!(self, Caller::ROOT);
        let open = client.all_shards(stream, ShardFilter::AtLatest).map_err(|_| not_found())?;
        let mut shards = Vec::new();
        for shard in open {
            let input = GetShardIteratorInput {
                stream_name: stream.into(),
                shard_id: shard.id,
                position: StartingPosition::Latest,
            };
            let iterator = client.get_shard_iterator(input).map_err(|_| not_found())?;
            shards.push(SourceShard {
                shard: shard.id,
                parents: Vec::new(),
                iterator: Some(iterator),
                finished: false,
            });
        }
        Ok(KinesisReader {
            stream: stream.into(),
            shards,
            next_poll: self.now + KINESIS_POLL_INTERVAL,
            last_error: None,
        })
    }

    /// `DeleteDeliveryStream`: the stream and everything in its buffer are gone.
    pub fn delete_delivery_stream(&mut self, name: &str) -> Result<(), FirehoseError> {
        self.delivery_streams.remove(name).map(drop).ok_or_else(|| FirehoseError::ResourceNotFound(name.into()))
    }

    /// `DescribeDeliveryStream`.
    pub fn describe_delivery_stream(&self, name: &str) -> Result<DeliveryStreamDescription, FirehoseError> {
        let stream = self.delivery_streams.get(name).ok_or_else(|| FirehoseError::ResourceNotFound(name.into()))?;
        Ok(DeliveryStreamDescription {
            name: stream.name.clone(),
            arn: delivery_stream_arn(&stream.name),
            created: stream.created,
            version: DELIVERY_STREAM_VERSION,
            source: stream.source.clone(),
            destination: stream.destination.clone(),
        })
    }

    /// `ListDeliveryStreams`: up to `limit` names after `exclusive_start`,
    /// of one source type if `direct_put` says which.
    pub fn list_delivery_streams(
        &self,
        limit: usize,
        direct_put: Option<bool>,
        exclusive_start: Option<&str>,
    ) -> ListDeliveryStreamsOutput {
        let mut names = self
            .delivery_streams
            .values()
            .filter(|s| direct_put.is_none_or(|direct| direct == (s.source == DeliverySource::DirectPut)))
            .filter(|s| exclusive_start.is_none_or(|start| s.name.as_str() > start))
            .map(|s| s.name.clone());
        let page: Vec<String> = names.by_ref().take(limit).collect();
        ListDeliveryStreamsOutput { names: page, has_more: names.next().is_some() }
    }

    /// The buffer and delivery state of a delivery stream.
    pub fn delivery_stream_status(&self, name: &str) -> Result<DeliveryStreamStatus, FirehoseError> {
        let stream = self.delivery_streams.get(name).ok_or_else(|| FirehoseError::ResourceNotFound(name.into()))?;
        Ok(stream.status(self.now))
    }

    /// The Direct PUT delivery stream `name`, or the error `PutRecord` gives.
    fn direct_put_stream(&mut self, name: &str) -> Result<&mut DeliveryStream, FirehoseError> {
        let stream = self.delivery_streams.get_mut(name).ok_or_else(|| FirehoseError::ResourceNotFound(name.into()))?;
        if stream.source != DeliverySource::DirectPut {
            // AWS's wording, as users of the AWS CLI have reported it (aws/aws-cli#7010).
            return Err(FirehoseError::InvalidArgument(
                "This operation is not permitted on KinesisStreamAsSource delivery stream type.".into(),
            ));
        }
        Ok(stream)
    }

    /// `PutRecord`: one record into the buffer; answers its `RecordId`.
    /// Errors: `ResourceNotFound`, `InvalidArgument` (a Kinesis-sourced
    /// stream), `Validation` (over 1,000 KiB), `ServiceUnavailable` (quota).
    pub fn firehose_put_record(&mut self, name: &str, data: Vec<u8>) -> Result<String, FirehoseError> {
        let mut v = Validator::default();
        check_record_size(&mut v, || "record.data".into(), data.len());
        v.finish().map_err(FirehoseError::Validation)?;
        let now = self.now;
        let stream = self.direct_put_stream(name)?;
        if !stream.take_quota(now, data.len() as u64) {
            return Err(FirehoseError::ServiceUnavailable);
        }
        let Simulation { delivery_streams, s3, transform_functions, .. } = self;
        let stream = delivery_streams.get_mut(name).expect("found above");
        let record_id = stream.ingest(now, data, s3, transform_functions);
        debug_assert_eq!(stream.check_invariants(name), Ok(()));
        Ok(record_id)
    }

    /// `PutRecordBatch`: up to 500 records and 4 MiB. Records beyond the
    /// throughput quota fail on their own, with `ErrorCode`
    /// `ServiceUnavailableException`; the others are taken.
    pub fn firehose_put_record_batch(
        &mut self,
        name: &str,
        records: Vec<Vec<u8>>,
    ) -> Result<PutRecordBatchOutput, FirehoseError> {
        let mut v = Validator::default();
        // Echoed as Kinesis echoes its own lists (`validate::object_value`).
        v.list_length("records", records.len(), MAX_BATCH_RECORDS, || {
            validate::list_value(records.iter().map(|data| {
                let hash = validate::java_hash(&[validate::java_bytes_hash(data)]);
                validate::object_value("com.amazonaws.firehose.v20150804.Record", hash)
            }))
        });
        for (idx, record) in records.iter().enumerate() {
            check_record_size(&mut v, || format!("records.{}.member.data", idx + 1), record.len());
        }
        v.finish().map_err(FirehoseError::Validation)?;
        let total: usize = records.iter().map(Vec::len).sum();
        if total > MAX_BATCH_BYTES {
            // The 4 MiB limit is documented; this wording is not.
            return Err(FirehoseError::InvalidArgument(format!(
                "Records size {total} bytes exceeds the {MAX_BATCH_BYTES} bytes limit of PutRecordBatch."
            )));
        }
        let now = self.now;
        self.direct_put_stream(name)?;
        let Simulation { delivery_streams, s3, transform_functions, .. } = self;
        let stream = delivery_streams.get_mut(name).expect("found above");
        let mut responses = Vec::with_capacity(records.len());
        let mut failed_put_count = 0;
        for data in records {
            if stream.take_quota(now, data.len() as u64) {
                responses.push(PutRecordBatchEntry::Ok(stream.ingest(now, data, s3, transform_functions)));
            } else {
                failed_put_count += 1;
                responses.push(PutRecordBatchEntry::Failed {
                    error_code: "ServiceUnavailableException".into(),
                    error_message: "Slow down.".into(),
                });
            }
        }
        debug_assert_eq!(stream.check_invariants(name), Ok(()));
        Ok(PutRecordBatchOutput { failed_put_count, request_responses: responses })
    }

    /// Runs what is due for delivery stream `name` now: its Kinesis read,
    /// its interval delivery, its retry.
    pub(crate) fn tick_delivery_stream(&mut self, name: &str) {
        let now = self.now;
        let mut kinesis = kinesis_client!(self, Caller::ROOT);
        let Simulation { delivery_streams, s3, transform_functions, .. } = self;
        let Some(stream) = delivery_streams.get_mut(name) else { return };
        if let Some(reader) = stream.reader.as_mut().filter(|r| r.next_poll <= now) {
            for data in reader.poll(&mut kinesis) {
                stream.ingest(now, data, s3, transform_functions);
            }
        }
        if stream.interval_due().is_some_and(|due| due <= now) {
            stream.deliver(now, s3, transform_functions);
            stream.deliver_due_partitions(now, s3);
        }
        if stream.next_retry.is_some_and(|at| at <= now) {
            stream.retry(now, s3);
        }
        debug_assert_eq!(stream.check_invariants(name), Ok(()));
    }
}

/// The record's size; the member path and the message are built only for a violation.
fn check_record_size(v: &mut Validator, member: impl FnOnce() -> String, len: usize) {
    if len > MAX_RECORD_BYTES {
        v.check(
            false,
            &member(),
            validate::blob_value(len),
            format!("Member must have length less than or equal to {MAX_RECORD_BYTES}"),
        );
    }
}

impl KinesisReader {
    /// What the reader knows of shard `id` as a parent.
    fn parent(&self, id: ShardId) -> Parent {
        match self.shards.iter().find(|s| s.shard == id) {
            None => Parent::Untracked,
            Some(shard) if shard.finished => Parent::Finished,
            Some(_) => Parent::Unfinished,
        }
    }

    /// One `GetRecords` call per shard that is ready: not finished, and
    /// with its parents read (`lineage::may_read`). Returns the records'
    /// data in shard order, KPL aggregates as the user records they hold.
    fn poll(&mut self, kinesis: &mut KinesisClient<'_>) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let ready: Vec<bool> = self
            .shards
            .iter()
            .map(|shard| !shard.finished && lineage::may_read(shard.parents.iter(), |&p| self.parent(p)))
            .collect();
        let mut resharded = false;
        for (shard, ready) in self.shards.iter_mut().zip(ready) {
            if !ready {
                continue;
            }
            let iterator = match shard.iterator.take() {
                Some(iterator) => iterator,
                None => {
                    let input = GetShardIteratorInput {
                        stream_name: self.stream.clone(),
                        shard_id: shard.shard,
                        position: StartingPosition::TrimHorizon,
                    };
                    match kinesis.get_shard_iterator(input) {
                        Ok(iterator) => iterator,
                        Err(err) => {
                            self.last_error = Some(format!("{}: {err}", err.code()));
                            continue;
                        }
                    }
                }
            };
            match kinesis.get_records(&iterator, None) {
                Ok(output) => {
                    self.last_error = None;
                    // Firehose de-aggregates KPL records before transformation
                    // and delivery, as the KCL does; other records pass as they are.
                    let user_records = output.records.iter().flat_map(crate::kpl::deaggregate_record);
                    out.extend(user_records.map(|client| client.user_record.data));
                    shard.finished = output.next_shard_iterator.is_none();
                    shard.iterator = output.next_shard_iterator;
                    resharded |= !output.child_shards.is_empty();
                }
                Err(err) => {
                    self.last_error = Some(format!("{}: {err}", err.code()));
                    shard.iterator = Some(iterator);
                }
            }
        }
        if resharded {
            self.track_descendants(kinesis);
        }
        self.next_poll = kinesis.now() + KINESIS_POLL_INTERVAL;
        out
    }

    /// Tracks every listed shard descended from a tracked one, read from its
    /// start, as the KCL's shard sync does when a shard ends. Not only the
    /// children `GetRecords` names: a merged child's other parent may descend
    /// from a shard not yet read to its end, and must be tracked, not
    /// untracked, for the child to wait for it. `ListShards` lists parents
    /// before children, so one pass finds every generation. A stream that
    /// cannot be listed cannot be read either; the next shard to end tries again.
    fn track_descendants(&mut self, kinesis: &mut KinesisClient<'_>) {
        let Ok(listed) = kinesis.all_shards(&self.stream, ShardFilter::FromTrimHorizon) else { return };
        for shard in listed {
            let parents: Vec<ShardId> = shard.parent.into_iter().chain(shard.adjacent_parent).collect();
            let tracked = |id: &ShardId| self.shards.iter().any(|s| s.shard == *id);
            if !tracked(&shard.id) && parents.iter().any(tracked) {
                self.shards.push(SourceShard { shard: shard.id, parents, iterator: None, finished: false });
            }
        }
    }
}

#[cfg(test)]
mod tests;
