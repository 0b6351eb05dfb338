//! The service's limits and timings, each as AWS documents it.
//!
//! Source: Amazon Kinesis Data Streams Developer Guide, "Quotas and limits",
//! and the API Reference for each operation.

use crate::time::Duration;

/// Largest record of a stream with the default maximum record size: 1 MiB
/// before base64 encoding, counting the data blob and the partition key
/// together ("The record size limit applies to the total size of the
/// partition key and data blob", API Reference, `PutRecords`). Also the
/// KPL's limit for an aggregated record.
pub const MAX_RECORD_DATA_BYTES: usize = 1024 * 1024;
/// The `Data` member's own constraint since large records (2025): 10 MiB
/// (API Reference, `PutRecordsRequestEntry`: "Maximum length of 10485760").
/// The stream's `MaxRecordSizeInKiB` then limits data and partition key together.
pub const MAX_DATA_MEMBER_BYTES: usize = 10 * 1024 * 1024;
/// `MaxRecordSizeInKiB` of a stream created without it, and of every stream
/// created before large records: 1,024 KiB.
pub const DEFAULT_MAX_RECORD_SIZE_KIB: u32 = 1024;
/// `MaxRecordSizeInKiB` is 1,024 to 10,240 (API Reference, `UpdateMaxRecordSize`).
pub const MIN_MAX_RECORD_SIZE_KIB: u32 = 1024;
/// See [`MIN_MAX_RECORD_SIZE_KIB`].
pub const MAX_MAX_RECORD_SIZE_KIB: u32 = 10_240;
/// Partition keys are 1 to 256 Unicode characters.
pub const MAX_PARTITION_KEY_CHARS: usize = 256;
/// `PutRecords` takes 1 to 500 records.
pub const MAX_PUT_RECORDS_ENTRIES: usize = 500;
/// `PutRecords` takes at most 10 MiB, counting data and partition keys
/// (API Reference, `PutRecords`, since large records; 5 MiB before).
pub const MAX_PUT_RECORDS_BYTES: usize = 10 * 1024 * 1024;
/// The most records one `GetRecords` call returns, and its default `Limit`.
pub const MAX_GET_RECORDS_LIMIT: u32 = 10_000;
/// The most data one `GetRecords` call returns: 10 MiB.
pub const MAX_GET_RECORDS_BYTES: u64 = 10 * 1024 * 1024;
/// A `ShardIterator` is 1 to 512 characters (API Reference, `GetRecords`).
pub const MAX_SHARD_ITERATOR_LEN: usize = 512;
/// Stream names are 1 to 128 characters of `[a-zA-Z0-9_.-]`.
pub const MAX_STREAM_NAME_LEN: usize = 128;

/// Per-shard write limit: 1 MiB of data and partition keys per second.
pub const SHARD_WRITE_BYTES_PER_SEC: u64 = 1024 * 1024;
/// Per-shard write limit: 1,000 records per second.
pub const SHARD_WRITE_RECORDS_PER_SEC: u64 = 1000;
/// Per-shard read limit shared by polling consumers: 2 MiB per second.
pub const SHARD_READ_BYTES_PER_SEC: u64 = 2 * 1024 * 1024;
/// Per-shard read limit shared by polling consumers: 5 `GetRecords` calls per second.
pub const SHARD_READ_CALLS_PER_SEC: u64 = 5;

/// A shard iterator is valid for 5 minutes after it is issued.
pub const ITERATOR_LIFETIME: Duration = Duration::from_secs(300);
/// Retention of a new stream: 24 hours.
pub const DEFAULT_RETENTION: Duration = Duration::from_hours(24);
/// Shortest retention period: 24 hours.
pub const MIN_RETENTION_HOURS: u32 = 24;
/// Longest retention period: 8,760 hours (365 days).
pub const MAX_RETENTION_HOURS: u32 = 8760;

/// Open shards allowed per account: the default quota in us-east-1,
/// us-west-2 and eu-west-1 (other regions have 1,000 or 6,000).
pub const ACCOUNT_SHARD_LIMIT: u32 = 20_000;
/// Open shards `UpdateShardCount` may scale a stream to.
pub const MAX_SHARDS_PER_STREAM: u32 = 10_000;
/// On-demand streams allowed per account.
pub const ON_DEMAND_STREAM_COUNT_LIMIT: u32 = 50;
/// Shards a new on-demand stream starts with (4 MiB/s of write capacity).
pub const ON_DEMAND_INITIAL_SHARDS: u32 = 4;
/// `UpdateShardCount` calls allowed per stream in a rolling 24 hours.
pub const SHARD_COUNT_UPDATES_PER_DAY: usize = 10;
/// `ListShards` and `ListStreams` pagination tokens expire after 300 seconds.
pub const NEXT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
/// `ListShards` `MaxResults`: 1 to 10,000, default 1,000.
pub const MAX_LIST_SHARDS_RESULTS: u32 = 10_000;
/// Default page size of `ListShards`.
pub const DEFAULT_LIST_SHARDS_RESULTS: u32 = 1000;
/// Default page size of `ListStreams`.
pub const DEFAULT_LIST_STREAMS_RESULTS: u32 = 100;
/// Tags per stream.
pub const MAX_TAGS_PER_STREAM: usize = 50;

/// How long a stream stays `CREATING`. Real streams take tens of seconds;
/// the simulation keeps the state visible without making learners wait.
pub const STREAM_CREATE_DELAY: Duration = Duration::from_secs(5);
/// How long a stream stays `DELETING`.
pub const STREAM_DELETE_DELAY: Duration = Duration::from_secs(5);
/// How long a split, merge or shard count update keeps a stream `UPDATING`.
pub const RESHARD_DELAY: Duration = Duration::from_secs(3);
/// How long a capacity mode switch keeps a stream `UPDATING`.
pub const MODE_SWITCH_DELAY: Duration = Duration::from_secs(5);
/// How long starting or stopping encryption keeps a stream `UPDATING`.
pub const ENCRYPTION_CHANGE_DELAY: Duration = Duration::from_secs(2);
/// Registered enhanced fan-out consumers per stream.
pub const MAX_CONSUMERS_PER_STREAM: usize = 20;
/// Consumers that may be `CREATING` at once per stream.
pub const MAX_CONSUMERS_CREATING: usize = 5;
/// Each enhanced fan-out consumer reads up to 2 MiB per second per shard.
pub const EFO_BYTES_PER_SEC: u64 = 2 * 1024 * 1024;
/// A `SubscribeToShard` subscription lasts up to 5 minutes.
pub const SUBSCRIPTION_LIFETIME: Duration = Duration::from_secs(300);
/// A consumer may resubscribe to a shard 5 seconds after its last subscription began.
pub const RESUBSCRIBE_WAIT: Duration = Duration::from_secs(5);
/// How long `RegisterStreamConsumer` leaves a consumer `CREATING`.
pub const CONSUMER_CREATE_DELAY: Duration = Duration::from_secs(5);
/// How long `DeregisterStreamConsumer` leaves a consumer `DELETING`.
pub const CONSUMER_DELETE_DELAY: Duration = Duration::from_secs(5);
