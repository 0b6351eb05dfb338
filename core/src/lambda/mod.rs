//! AWS Lambda reading a Kinesis stream through an event-source mapping.
//!
//! A learner creates a scripted [function](FunctionScript) and maps it to a
//! stream. The mapping polls every shard with `GetShardIterator` and
//! `GetRecords` through the simulation's public operations, so it shares
//! each shard's read throughput with every other reader, and invokes the
//! function with batches as the simulated clock advances. Every invocation
//! is logged ([`Invocation`]), so that retries and bisection can be watched
//! step by step.
//!
//! What is modelled, with AWS's parameter names, ranges and defaults
//! ("Lambda parameters for Amazon Kinesis Data Streams event source mappings"):
//! - `StartingPosition` (`TRIM_HORIZON`, `LATEST`, `AT_TIMESTAMP` with
//!   `StartingPositionTimestamp`), `BatchSize` (1–10,000, default 100),
//!   `MaximumBatchingWindowInSeconds` (0–300, default 0) and the 6 MB
//!   invocation payload limit. A lane's batching window opens when records
//!   are read, but never before its previous invocation completes: records
//!   read while a batch is in flight wait a whole window from its end.
//! - Polling: once per second per shard while the shard is idle; while
//!   records keep coming, again after [`BUSY_POLL_INTERVAL`], which stays
//!   within the shared 5 `GetRecords` calls per second of a shard.
//! - `ParallelizationFactor` (1–10): each shard's records are split by the
//!   hash of their partition key into that many lanes, each invoking one
//!   batch at a time, so records of one key stay in order. The mapping's
//!   concurrency is the shards being read × the factor.
//! - Resharding: a child shard is read only once every parent shard is
//!   read to its end and all its records are processed.
//! - Errors: a function error retries the batch, `BisectBatchOnFunctionError`
//!   splits it in two first (splitting does not consume retries),
//!   `MaximumRetryAttempts` (-1 = infinite, default; up to 10,000) and
//!   `MaximumRecordAgeInSeconds` (-1 = infinite, default; 60 to 604,800)
//!   discard records, which then go to the `DestinationConfig.OnFailure`
//!   destination as AWS's invocation record (metadata, not the payload); an
//!   S3 bucket destination gets the invocation record with the batch's
//!   invocation payload as one object per discarded batch, under
//!   `aws/lambda/<ESM UUID>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>`.
//! - `FunctionResponseTypes: ["ReportBatchItemFailures"]`: the batch is
//!   checkpointed before the lowest sequence number the function reports
//!   and retried from it. Without it, a function's `batchItemFailures` are
//!   ignored and the batch counts as processed, as in AWS.
//! - Lambda's `IteratorAge` (the age of the last record of each batch when
//!   it is sent to the function), in every log entry and in [`MappingStatus`].
//!
//! - `FilterCriteria`: up to five patterns on the record's `data` (see
//!   [`filter`](self::filter) for the rule subset); a record matching none
//!   is not invoked and is checkpointed once the records before it are.
//!   `BatchSize` counts the records that pass.
//!
//! - The function's `Timeout` (1–900 s, default 3 s): an invocation that
//!   would run longer ends at the timeout as a function error
//!   ([`InvocationOutcome::TimedOut`]), retried and bisected like one.
//!
//! - An enhanced fan-out consumer as the source: `EventSourceArn` may be a
//!   stream consumer's ARN, which must exist and be `ACTIVE`. The mapping
//!   then reads each shard with `SubscribeToShard`, on the consumer's own
//!   2 MiB/s per shard, drained every [`FAN_OUT_DELIVERY_INTERVAL`] instead
//!   of polled once a second.
//! - `TumblingWindowInSeconds` (0–900): each record belongs to the window
//!   its arrival time falls in; the function receives the window, the
//!   `state` the previous invocation in it returned, `shardId`,
//!   `eventSourceARN`, `isFinalInvokeForWindow` and `isWindowTerminatedEarly`,
//!   and must return a `state`, or the invocation fails. A batch never
//!   spans two windows. Once a record of a later window is read, the shard
//!   ends, or [`WINDOW_CLOSE_WAIT`] passes after the window's end, the
//!   function gets a final invocation without records; its state is then
//!   dropped. A `state` over [`MAX_WINDOW_STATE_BYTES`] terminates the
//!   window early: a final invocation with the state before it, after which
//!   the same window continues with a fresh state.
//! - Concurrency: `PutFunctionConcurrency` reserves executions for a
//!   function and caps it there; other functions share what the account's
//!   [`ACCOUNT_CONCURRENCY`] leaves. An invocation beyond the limit is
//!   throttled (the function's `Throttles`): the mapping keeps the batch and
//!   tries again [`RETRY_DELAY`] later, and a throttle does not count
//!   against `MaximumRetryAttempts` ("Before invocation … it retries until
//!   the records expire or exceed the maximum age").
//!
//! Left out: `Enabled` and the `Creating`/`Enabling`/`Updating`
//! states (a mapping is `Enabled` at once and a change applies at once),
//! provisioned concurrency, cold starts, and
//! the back-off between retries, which AWS does not document: here a
//! failed (or throttled) batch is retried [`RETRY_DELAY`] later.

mod filter;
mod function;
mod mapping;
pub(crate) mod snapshot_v1;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

pub use filter::{MAX_FILTERS, MAX_PATTERN_LENGTH};
pub use function::{Aggregate, DEFAULT_TIMEOUT, FunctionScript, MAX_TIMEOUT_SECONDS, OnPoison, PoisonRule, Response};
pub use mapping::{
    Attempt, Handling, Invocation, InvocationOutcome, InvocationWindow, LaneStatus, MappingStatus, ShardStatus,
};

use crate::destinations::{BadDestination, Outbox, check_destination_arn};
use crate::error::{CreateFunctionError, EventSourceMappingError, FunctionConcurrencyError, Validator};
use crate::kinesis::ops_efo::ConsumerStatus;
use crate::policy::Caller;
use crate::sim::Simulation;
use crate::time::{Duration, Instant};
use crate::{ACCOUNT_ID, REGION};
use function::Function;
use mapping::EventSourceMapping;
use mapping::MappingServices;

/// `BatchSize` for Kinesis: default and bounds.
pub const DEFAULT_BATCH_SIZE: u32 = 100;
/// The largest `BatchSize` for a Kinesis source.
pub const MAX_BATCH_SIZE: u32 = 10_000;
/// The largest `MaximumBatchingWindowInSeconds`.
pub const MAX_BATCHING_WINDOW_SECONDS: u32 = 300;
/// The largest `ParallelizationFactor`.
pub const MAX_PARALLELIZATION_FACTOR: u32 = 10;
/// The largest `MaximumRetryAttempts`; -1 means infinite.
pub const MAX_RETRY_ATTEMPTS: i32 = 10_000;
/// The least finite `MaximumRecordAgeInSeconds`; -1 means infinite.
pub const MIN_RECORD_AGE_SECONDS: i32 = 60;
/// The largest `MaximumRecordAgeInSeconds` (one week).
pub const MAX_RECORD_AGE_SECONDS: i32 = 604_800;
/// The synchronous invocation payload limit, 6 MB, which caps a batch.
pub const MAX_PAYLOAD_BYTES: u64 = 6 * 1024 * 1024;
/// How often an idle shard is polled: AWS's "base rate of once per second".
pub const IDLE_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// How soon a shard that just returned records is polled again. AWS says
/// only that Lambda "keeps processing batches until the function catches
/// up"; 200 ms uses the whole of a shard's 5 `GetRecords` calls per second.
pub const BUSY_POLL_INTERVAL: Duration = Duration::from_millis(200);
/// The wait before a failed batch (or a bisected half) is invoked again.
/// AWS does not document its back-off; this is the simulation's choice.
pub const RETRY_DELAY: Duration = Duration::from_secs(1);
/// How often a mapping reading through an enhanced fan-out consumer drains
/// its subscriptions: the ~70 ms propagation delay Kinesis quotes for
/// enhanced fan-out, where a polling mapping waits up to a second.
pub const FAN_OUT_DELIVERY_INTERVAL: Duration = crate::kcl::EFO_DELIVERY_INTERVAL;
/// The largest `TumblingWindowInSeconds` (15 minutes).
pub const MAX_TUMBLING_WINDOW_SECONDS: u32 = 900;
/// How long after a tumbling window's end Lambda waits for more of its
/// records before the final invocation: "When no new records are being
/// added to the current window, Lambda waits for up to 2 minutes before
/// assuming that the window is over."
pub const WINDOW_CLOSE_WAIT: Duration = Duration::from_secs(120);
/// A tumbling window's largest `state`: "Your state can be a maximum of
/// 1 MB per shard. If it exceeds that size, Lambda terminates the window early."
pub const MAX_WINDOW_STATE_BYTES: usize = 1024 * 1024;
/// The account's concurrent executions in a Region, Lambda's default quota.
pub const ACCOUNT_CONCURRENCY: u32 = 1_000;
/// The executions `PutFunctionConcurrency` must leave unreserved: "as long
/// as you leave at least 100 simultaneous executions unreserved".
pub const MIN_UNRESERVED_CONCURRENCY: u32 = 100;
/// How many invocations a mapping's log keeps; older ones are dropped.
pub const MAX_LOGGED_INVOCATIONS: usize = 10_000;

/// The `FunctionResponseTypes` value that turns on partial batch responses.
pub const REPORT_BATCH_ITEM_FAILURES: &str = "ReportBatchItemFailures";

/// `StartingPosition` of a stream mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MappingStartingPosition {
    /// `TRIM_HORIZON`: the oldest record of each shard.
    TrimHorizon,
    /// `LATEST`: only records written after the mapping is created.
    Latest,
    /// `AT_TIMESTAMP`, with `StartingPositionTimestamp`.
    AtTimestamp,
}

impl MappingStartingPosition {
    /// The wire name, e.g. `TRIM_HORIZON`.
    pub fn as_str(self) -> &'static str {
        match self {
            MappingStartingPosition::TrimHorizon => "TRIM_HORIZON",
            MappingStartingPosition::Latest => "LATEST",
            MappingStartingPosition::AtTimestamp => "AT_TIMESTAMP",
        }
    }
}

/// A mapping's settings, after defaults and validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingConfig {
    /// `FunctionName`: the function invoked.
    pub function_name: String,
    /// `BatchSize`.
    pub batch_size: u32,
    /// `MaximumBatchingWindowInSeconds`.
    pub maximum_batching_window_in_seconds: u32,
    /// `ParallelizationFactor`.
    pub parallelization_factor: u32,
    /// `BisectBatchOnFunctionError`.
    pub bisect_batch_on_function_error: bool,
    /// `MaximumRetryAttempts`; -1 is infinite.
    pub maximum_retry_attempts: i32,
    /// `MaximumRecordAgeInSeconds`; -1 is infinite.
    pub maximum_record_age_in_seconds: i32,
    /// Whether `FunctionResponseTypes` holds `ReportBatchItemFailures`.
    pub report_batch_item_failures: bool,
    /// `DestinationConfig.OnFailure.Destination`.
    pub on_failure_destination: Option<String>,
    /// The `Pattern`s of `FilterCriteria.Filters`; empty: every record is invoked.
    #[serde(default)]
    pub filter_patterns: Vec<String>,
    /// `TumblingWindowInSeconds`; 0: no tumbling window.
    #[serde(default)]
    pub tumbling_window_in_seconds: u32,
}

impl MappingConfig {
    /// The tumbling window's length, if there is one.
    pub(crate) fn tumbling_window(&self) -> Option<Duration> {
        (self.tumbling_window_in_seconds > 0).then(|| Duration::from_secs(u64::from(self.tumbling_window_in_seconds)))
    }

    pub(crate) fn batching_window(&self) -> Duration {
        Duration::from_secs(u64::from(self.maximum_batching_window_in_seconds))
    }

    /// The age past which records are discarded, if any.
    pub(crate) fn maximum_record_age(&self) -> Option<Duration> {
        u64::try_from(self.maximum_record_age_in_seconds).ok().map(Duration::from_secs)
    }

    /// Whether a batch that has been retried `retries` times may be retried again.
    pub(crate) fn may_retry(&self, retries: u32) -> bool {
        u32::try_from(self.maximum_retry_attempts).map_or(true, |max| retries < max)
    }
}

/// `CreateEventSourceMapping`'s members for a Kinesis source. Numbers are
/// taken as given and checked against AWS's ranges; `None` takes the default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateEventSourceMappingInput {
    /// `EventSourceArn`: `arn:aws:kinesis:us-east-1:123456789012:stream/NAME`,
    /// or a stream consumer's ARN (`…:stream/NAME/consumer/CONSUMER:EPOCH`)
    /// to read through enhanced fan-out.
    pub event_source_arn: String,
    /// `FunctionName`: a function name or its ARN.
    pub function_name: String,
    /// `StartingPosition`, which a Kinesis source requires.
    pub starting_position: Option<MappingStartingPosition>,
    /// `StartingPositionTimestamp`, only with `AT_TIMESTAMP`.
    pub starting_position_timestamp: Option<Instant>,
    /// The settings `Create` and `Update` share.
    pub settings: MappingSettings,
}

impl CreateEventSourceMappingInput {
    /// A mapping of `function_name` to stream `stream_name` from `position`, with AWS's defaults.
    pub fn new(
        stream_name: &str,
        function_name: impl Into<String>,
        position: MappingStartingPosition,
    ) -> CreateEventSourceMappingInput {
        CreateEventSourceMappingInput {
            event_source_arn: crate::stream_arn(stream_name),
            function_name: function_name.into(),
            starting_position: Some(position),
            ..CreateEventSourceMappingInput::default()
        }
    }
}

/// `UpdateEventSourceMapping`'s members: `None` leaves a setting as it is.
/// An empty `on_failure_destination` removes the destination, as in AWS.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateEventSourceMappingInput {
    /// `UUID` of the mapping.
    pub uuid: String,
    /// `FunctionName`.
    pub function_name: Option<String>,
    /// The settings to change.
    pub settings: MappingSettings,
}

/// The settings `CreateEventSourceMapping` and `UpdateEventSourceMapping`
/// share, with AWS's member names; `None` takes the default on create and
/// leaves the setting as it is on update. Numbers are taken as given and
/// checked against AWS's ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappingSettings {
    /// `BatchSize`.
    pub batch_size: Option<i64>,
    /// `MaximumBatchingWindowInSeconds`.
    pub maximum_batching_window_in_seconds: Option<i64>,
    /// `ParallelizationFactor`.
    pub parallelization_factor: Option<i64>,
    /// `BisectBatchOnFunctionError`.
    pub bisect_batch_on_function_error: Option<bool>,
    /// `MaximumRetryAttempts`.
    pub maximum_retry_attempts: Option<i64>,
    /// `MaximumRecordAgeInSeconds`.
    pub maximum_record_age_in_seconds: Option<i64>,
    /// `FunctionResponseTypes`.
    pub function_response_types: Option<Vec<String>>,
    /// `DestinationConfig.OnFailure.Destination`.
    pub on_failure_destination: Option<String>,
    /// The `Pattern`s of `FilterCriteria.Filters`; `Some(empty)` removes the filters.
    pub filter_patterns: Option<Vec<String>>,
    /// `TumblingWindowInSeconds`.
    pub tumbling_window_in_seconds: Option<i64>,
}

/// A function's concurrency, as `GetFunctionConcurrency` and the
/// function's CloudWatch metrics show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionConcurrency {
    /// `ReservedConcurrentExecutions`; `None` when the function draws on
    /// the account's unreserved concurrency.
    pub reserved_concurrent_executions: Option<u32>,
    /// `ConcurrentExecutions` now.
    pub concurrent_executions: u32,
    /// `Throttles`: invocations refused for want of concurrency so far.
    pub throttles: u64,
}

/// Lambda's state in the simulation: functions by name and mappings.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lambda {
    pub(crate) functions: BTreeMap<String, Function>,
    /// Mappings in the order they were created. `None` once deleted.
    pub(crate) mappings: Vec<Option<EventSourceMapping>>,
}

/// Whether function `name` may start one more execution at `now`: under
/// its reservation if it has one, else while the account's unreserved
/// executions are not all running.
pub(crate) fn has_capacity(functions: &BTreeMap<String, Function>, name: &str, now: Instant) -> bool {
    let Some(function) = functions.get(name) else { return false };
    if let Some(reserved) = function.reserved_concurrency {
        return function.concurrent_executions(now) < reserved;
    }
    let reserved: u32 = functions.values().filter_map(|f| f.reserved_concurrency).sum();
    let running: u32 =
        functions.values().filter(|f| f.reserved_concurrency.is_none()).map(|f| f.concurrent_executions(now)).sum();
    running < ACCOUNT_CONCURRENCY.saturating_sub(reserved)
}

/// The ARN of function `name`.
pub fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}")
}

/// The function name `FunctionName` gives, whether a name or an ARN.
fn function_name_of(text: &str) -> &str {
    text.strip_prefix(&format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:")).unwrap_or(text)
}

/// The UUID of the mapping at `idx`: UUID-shaped and deterministic.
fn mapping_uuid(idx: usize) -> String {
    format!("00000000-0000-4000-8000-{idx:012}")
}

/// Collects the range violations of the numeric settings, in AWS's
/// `ValidationException` form (`Value '0' at 'batchSize' failed to satisfy …`).
fn check_range(v: &mut Validator, member: &str, value: Option<i64>, min: i64, max: i64) {
    if let Some(n) = value {
        v.check(n >= min, member, n.to_string(), format!("Member must have value greater than or equal to {min}"));
        v.check(n <= max, member, n.to_string(), format!("Member must have value less than or equal to {max}"));
    }
}

impl MappingSettings {
    /// Checks the settings given and applies them to `config`.
    fn apply(&self, config: &mut MappingConfig) -> Result<(), EventSourceMappingError> {
        let mut v = Validator::default();
        check_range(&mut v, "batchSize", self.batch_size, 1, i64::from(MAX_BATCH_SIZE));
        check_range(
            &mut v,
            "maximumBatchingWindowInSeconds",
            self.maximum_batching_window_in_seconds,
            0,
            i64::from(MAX_BATCHING_WINDOW_SECONDS),
        );
        check_range(
            &mut v,
            "parallelizationFactor",
            self.parallelization_factor,
            1,
            i64::from(MAX_PARALLELIZATION_FACTOR),
        );
        check_range(&mut v, "maximumRetryAttempts", self.maximum_retry_attempts, -1, i64::from(MAX_RETRY_ATTEMPTS));
        check_range(
            &mut v,
            "maximumRecordAgeInSeconds",
            self.maximum_record_age_in_seconds,
            -1,
            i64::from(MAX_RECORD_AGE_SECONDS),
        );
        for kind in self.function_response_types.as_deref().unwrap_or_default() {
            v.check(
                kind == REPORT_BATCH_ITEM_FAILURES,
                "functionResponseTypes",
                kind.clone(),
                format!("Member must satisfy enum value set: [{REPORT_BATCH_ITEM_FAILURES}]"),
            );
        }
        if let Some(arn) = self.on_failure_destination.as_deref().filter(|arn| !arn.is_empty()) {
            // AWS's model pattern for `Destination`, quoted in its violation message.
            v.check(
                check_destination_arn(arn) != Err(BadDestination::NotAnArn),
                "destinationConfig.onFailure.destination",
                arn.into(),
                r"Member must satisfy regular expression pattern: ^$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)",
            );
        }
        check_range(
            &mut v,
            "tumblingWindowInSeconds",
            self.tumbling_window_in_seconds,
            0,
            i64::from(MAX_TUMBLING_WINDOW_SECONDS),
        );
        for (idx, pattern) in self.filter_patterns.iter().flatten().enumerate() {
            let n = pattern.chars().count();
            v.check(
                n <= filter::MAX_PATTERN_LENGTH,
                &format!("filterCriteria.filters.{}.member.pattern", idx + 1),
                pattern.clone(),
                format!("Member must have length less than or equal to {}", filter::MAX_PATTERN_LENGTH),
            );
        }
        v.finish().map_err(EventSourceMappingError::Validation)?;
        if let Some(patterns) = &self.filter_patterns {
            if patterns.len() > filter::MAX_FILTERS {
                // The quota's wording is the simulation's (UNCONFIRMED).
                return Err(EventSourceMappingError::InvalidParameterValue(format!(
                    "The number of filters ({}) exceeds the quota of {} filters per event source mapping.",
                    patterns.len(),
                    filter::MAX_FILTERS
                )));
            }
            if patterns.iter().any(|p| filter::parse(p).is_err()) {
                return Err(EventSourceMappingError::InvalidParameterValue(filter::INVALID_PATTERN.into()));
            }
        }
        // Within the model's range (-1 to 604,800) but refused by the service:
        // a finite age under a minute. (The wording is the simulation's; AWS's
        // exact text for this case could not be confirmed.)
        if let Some(age) =
            self.maximum_record_age_in_seconds.filter(|&a| (0..i64::from(MIN_RECORD_AGE_SECONDS)).contains(&a))
        {
            return Err(EventSourceMappingError::InvalidParameterValue(format!(
                "MaximumRecordAgeInSeconds must be -1 or between {MIN_RECORD_AGE_SECONDS} and {MAX_RECORD_AGE_SECONDS}, but was {age}."
            )));
        }
        if let Some(arn) = self.on_failure_destination.as_deref().filter(|arn| !arn.is_empty())
            && check_destination_arn(arn) == Err(BadDestination::UnsupportedService)
        {
            // Unconfirmed wording: AWS accepts only SQS queues, SNS topics and S3 buckets here.
            return Err(EventSourceMappingError::InvalidParameterValue(format!(
                "Unsupported destination type for a Kinesis event source: {arn}. Use an Amazon SQS queue, Amazon SNS topic or Amazon S3 bucket."
            )));
        }
        // The ranges were checked, so these conversions are exact.
        if let Some(n) = self.batch_size {
            config.batch_size = n as u32;
        }
        if let Some(n) = self.maximum_batching_window_in_seconds {
            config.maximum_batching_window_in_seconds = n as u32;
        }
        if let Some(n) = self.parallelization_factor {
            config.parallelization_factor = n as u32;
        }
        if let Some(bisect) = self.bisect_batch_on_function_error {
            config.bisect_batch_on_function_error = bisect;
        }
        if let Some(n) = self.maximum_retry_attempts {
            config.maximum_retry_attempts = n as i32;
        }
        if let Some(n) = self.maximum_record_age_in_seconds {
            config.maximum_record_age_in_seconds = n as i32;
        }
        if let Some(kinds) = &self.function_response_types {
            config.report_batch_item_failures = !kinds.is_empty();
        }
        if let Some(arn) = &self.on_failure_destination {
            config.on_failure_destination = (!arn.is_empty()).then(|| arn.clone());
        }
        if let Some(patterns) = &self.filter_patterns {
            config.filter_patterns = patterns.clone();
        }
        if let Some(n) = self.tumbling_window_in_seconds {
            config.tumbling_window_in_seconds = n as u32;
        }
        Ok(())
    }
}

impl Simulation {
    /// `CreateFunction`, with a script in place of code. Returns the function's ARN.
    pub fn create_function(&mut self, name: &str, script: FunctionScript) -> Result<String, CreateFunctionError> {
        if name.is_empty()
            || name.len() > 64
            || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(CreateFunctionError::InvalidParameterValue(format!(
                "Function name {name} must be 1 to 64 letters, digits, hyphens or underscores."
            )));
        }
        if script.failure_percent > 100 {
            return Err(CreateFunctionError::InvalidParameterValue(format!(
                "A failure chance of {}% is more than 100%.",
                script.failure_percent
            )));
        }
        let timeout = script.timeout.as_millis();
        if timeout < 1_000 || timeout > MAX_TIMEOUT_SECONDS * 1_000 || timeout % 1_000 != 0 {
            // CreateFunction's `Timeout` is whole seconds, 1 to 900 (Lambda's model).
            return Err(CreateFunctionError::InvalidParameterValue(format!(
                "Timeout of {timeout} ms is not a whole number of seconds from 1 to {MAX_TIMEOUT_SECONDS}."
            )));
        }
        if self.lambda.functions.contains_key(name) {
            // AWS's own wording, grammar included.
            return Err(CreateFunctionError::ResourceConflict(format!("Function already exist: {name}")));
        }
        self.lambda.functions.insert(name.into(), Function::new(script));
        Ok(function_arn(name))
    }

    /// The script of function `name`, if it exists.
    pub fn function_script(&self, name: &str) -> Option<&FunctionScript> {
        self.lambda.functions.get(function_name_of(name)).map(|f| &f.script)
    }

    /// `PutFunctionConcurrency`: reserves `reserved` concurrent executions
    /// for the function and caps it there (0 throttles every invocation).
    pub fn put_function_concurrency(&mut self, name: &str, reserved: i64) -> Result<u32, FunctionConcurrencyError> {
        let mut v = Validator::default();
        v.check(
            reserved >= 0,
            "reservedConcurrentExecutions",
            reserved.to_string(),
            "Member must have value greater than or equal to 0",
        );
        v.finish().map_err(FunctionConcurrencyError::Validation)?;
        let name = self.concurrency_function(name)?;
        let others: u64 = self
            .lambda
            .functions
            .iter()
            .filter(|(other, _)| **other != name)
            .filter_map(|(_, f)| f.reserved_concurrency)
            .map(u64::from)
            .sum();
        if others + reserved as u64 + u64::from(MIN_UNRESERVED_CONCURRENCY) > u64::from(ACCOUNT_CONCURRENCY) {
            // AWS's wording, brackets included.
            return Err(FunctionConcurrencyError::InvalidParameterValue(format!(
                "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{MIN_UNRESERVED_CONCURRENCY}]."
            )));
        }
        let reserved = reserved as u32; // At most ACCOUNT_CONCURRENCY, checked above.
        self.lambda.functions.get_mut(&name).expect("found above").reserved_concurrency = Some(reserved);
        Ok(reserved)
    }

    /// `DeleteFunctionConcurrency`: the function draws on the account's
    /// unreserved concurrency again.
    pub fn delete_function_concurrency(&mut self, name: &str) -> Result<(), FunctionConcurrencyError> {
        let name = self.concurrency_function(name)?;
        self.lambda.functions.get_mut(&name).expect("found above").reserved_concurrency = None;
        Ok(())
    }

    /// `GetFunctionConcurrency`, with the function's `ConcurrentExecutions`
    /// and `Throttles` as CloudWatch would count them.
    pub fn function_concurrency(&self, name: &str) -> Result<FunctionConcurrency, FunctionConcurrencyError> {
        let name = self.concurrency_function(name)?;
        let function = &self.lambda.functions[&name];
        Ok(FunctionConcurrency {
            reserved_concurrent_executions: function.reserved_concurrency,
            concurrent_executions: function.concurrent_executions(self.now),
            throttles: function.throttles,
        })
    }

    fn concurrency_function(&self, text: &str) -> Result<String, FunctionConcurrencyError> {
        self.existing_function(text).map_err(|_| {
            FunctionConcurrencyError::ResourceNotFound(format!(
                "Function not found: {}",
                function_arn(function_name_of(text))
            ))
        })
    }

    /// The name of the function `text` names (a name or an ARN), if it exists.
    fn existing_function(&self, text: &str) -> Result<String, EventSourceMappingError> {
        let name = function_name_of(text);
        if self.lambda.functions.contains_key(name) {
            Ok(name.into())
        } else {
            Err(EventSourceMappingError::ResourceNotFound(format!("Function not found: {}", function_arn(name))))
        }
    }

    /// `CreateEventSourceMapping` from a Kinesis stream. Returns the mapping's status.
    pub fn create_event_source_mapping(
        &mut self,
        input: CreateEventSourceMappingInput,
    ) -> Result<MappingStatus, EventSourceMappingError> {
        let mut v = Validator::default();
        v.check(
            !input.function_name.is_empty(),
            "functionName",
            input.function_name.clone(),
            "Member must have length greater than or equal to 1",
        );
        v.finish().map_err(EventSourceMappingError::Validation)?;
        let mut config = MappingConfig {
            function_name: String::new(),
            batch_size: DEFAULT_BATCH_SIZE,
            maximum_batching_window_in_seconds: 0,
            parallelization_factor: 1,
            bisect_batch_on_function_error: false,
            maximum_retry_attempts: -1,
            maximum_record_age_in_seconds: -1,
            report_batch_item_failures: false,
            on_failure_destination: None,
            filter_patterns: Vec::new(),
            tumbling_window_in_seconds: 0,
        };
        input.settings.apply(&mut config)?;
        // The wordings of the following refusals are the simulation's: AWS's
        // exact texts for them could not be confirmed.
        let invalid = |message: String| Err(EventSourceMappingError::InvalidParameterValue(message));
        let arn_prefix = format!("arn:aws:kinesis:{REGION}:{ACCOUNT_ID}:stream/");
        let Some(source) = input.event_source_arn.strip_prefix(&arn_prefix) else {
            return invalid(format!("Unsupported event source ARN: {}", input.event_source_arn));
        };
        // A consumer's ARN is its stream's ARN, `/consumer/`, its name and creation time.
        let (stream_name, consumer_arn) = match source.split_once("/consumer/") {
            Some((stream_name, _)) => (stream_name, Some(input.event_source_arn.clone())),
            None => (source, None),
        };
        let position = match (input.starting_position, input.starting_position_timestamp) {
            (None, _) => return invalid("StartingPosition is required for a Kinesis event source.".into()),
            (Some(MappingStartingPosition::AtTimestamp), Some(at)) => crate::StartingPosition::AtTimestamp(at),
            (Some(MappingStartingPosition::AtTimestamp), None) => {
                return invalid("StartingPositionTimestamp is required with StartingPosition AT_TIMESTAMP.".into());
            }
            (Some(_), Some(_)) => {
                return invalid("StartingPositionTimestamp is only valid with StartingPosition AT_TIMESTAMP.".into());
            }
            (Some(MappingStartingPosition::TrimHorizon), None) => crate::StartingPosition::TrimHorizon,
            (Some(MappingStartingPosition::Latest), None) => crate::StartingPosition::Latest,
        };
        config.function_name = self.existing_function(&input.function_name)?;
        let stream = kinesis_client!(self, Caller::ROOT).describe_stream_summary(stream_name);
        if !stream.is_ok_and(|s| s.stream_status.is_usable()) {
            return invalid(format!("Stream not found: {}", input.event_source_arn));
        }
        if let Some(arn) = &consumer_arn {
            // Lambda checks the consumer with its own role, as it will read with it.
            let consumer = kinesis_client!(self, Caller::ROOT).describe_stream_consumer(arn);
            match consumer.map(|c| c.consumer_status) {
                Ok(ConsumerStatus::Active) => {}
                Ok(ConsumerStatus::Creating) => {
                    return invalid(format!("Stream consumer {arn} is not ACTIVE: it is CREATING."));
                }
                Ok(ConsumerStatus::Deleting) => {
                    return invalid(format!("Stream consumer {arn} is not ACTIVE: it is DELETING."));
                }
                Err(_) => return invalid(format!("Stream consumer not found: {arn}")),
            }
        }
        let existing =
            self.lambda.mappings.iter().flatten().find(|m| {
                m.event_source_arn() == input.event_source_arn && m.config.function_name == config.function_name
            });
        if let Some(existing) = existing {
            return Err(EventSourceMappingError::ResourceConflict(format!(
                "The event source arn ({}) and function ({}) provided mapping already exists. Please update or delete the existing mapping with UUID {}",
                input.event_source_arn, config.function_name, existing.uuid
            )));
        }
        let idx = self.lambda.mappings.len();
        let mapping = EventSourceMapping::new(
            &mut kinesis_client!(self, Caller::ROOT),
            mapping_uuid(idx),
            stream_name.into(),
            consumer_arn,
            input.starting_position.unwrap_or(MappingStartingPosition::TrimHorizon),
            position,
            config,
        );
        let status = mapping.status();
        self.lambda.mappings.push(Some(mapping));
        Ok(status)
    }

    fn mapping_idx(&self, uuid: &str) -> Result<usize, EventSourceMappingError> {
        self.lambda.mappings.iter().position(|m| m.as_ref().is_some_and(|m| m.uuid == uuid)).ok_or_else(|| {
            EventSourceMappingError::ResourceNotFound("The resource you requested does not exist.".into())
        })
    }

    /// `UpdateEventSourceMapping`: changes apply to the batches that follow.
    /// A new `ParallelizationFactor` applies to a shard once its lanes are idle.
    pub fn update_event_source_mapping(
        &mut self,
        input: UpdateEventSourceMappingInput,
    ) -> Result<MappingStatus, EventSourceMappingError> {
        let idx = self.mapping_idx(&input.uuid)?;
        let function_name = input.function_name.as_deref().map(|f| self.existing_function(f)).transpose()?;
        let now = self.now;
        let mapping = self.lambda.mappings[idx].as_mut().expect("found by mapping_idx");
        let mut config = mapping.config.clone();
        input.settings.apply(&mut config)?;
        if let Some(name) = function_name {
            config.function_name = name;
        }
        mapping.config = config;
        mapping.last_modified = now;
        Ok(mapping.status())
    }

    /// `DeleteEventSourceMapping`: the mapping stops at once, abandoning any
    /// batch in flight. Returns its last status.
    pub fn delete_event_source_mapping(&mut self, uuid: &str) -> Result<MappingStatus, EventSourceMappingError> {
        let idx = self.mapping_idx(uuid)?;
        let mapping = self.lambda.mappings[idx].take().expect("found by mapping_idx");
        Ok(mapping.status())
    }

    /// `GetEventSourceMapping`, with the simulation's view of its progress.
    pub fn event_source_mapping(&self, uuid: &str) -> Result<MappingStatus, EventSourceMappingError> {
        let idx = self.mapping_idx(uuid)?;
        Ok(self.lambda.mappings[idx].as_ref().expect("found by mapping_idx").status())
    }

    /// Every mapping, in the order they were created.
    pub fn event_source_mappings(&self) -> Vec<MappingStatus> {
        self.lambda.mappings.iter().flatten().map(|m| m.status()).collect()
    }

    /// The mapping's invocation log, oldest first (at most [`MAX_LOGGED_INVOCATIONS`]).
    pub fn invocations(&self, uuid: &str) -> Result<Vec<Invocation>, EventSourceMappingError> {
        let idx = self.mapping_idx(uuid)?;
        Ok(self.lambda.mappings[idx].as_ref().expect("found by mapping_idx").invocations())
    }

    /// Up to `n` invocations of mapping `uuid`, newest first, after the
    /// `skip` newest; and how many its log holds: what a display scrolled
    /// through the log needs without copying it.
    pub fn newest_invocations(
        &self,
        uuid: &str,
        skip: usize,
        n: usize,
    ) -> Result<(Vec<Invocation>, usize), EventSourceMappingError> {
        let idx = self.mapping_idx(uuid)?;
        Ok(self.lambda.mappings[idx].as_ref().expect("found by mapping_idx").newest_invocations(skip, n))
    }

    pub(crate) fn next_mapping_deadlines(&self) -> impl Iterator<Item = (Instant, usize)> + '_ {
        self.lambda.mappings.iter().enumerate().filter_map(|(idx, m)| Some((m.as_ref()?.next_deadline()?, idx)))
    }

    pub(crate) fn tick_mapping_at(&mut self, idx: usize) {
        // Lambda reads with the mapping's execution role, not as whoever the
        // learner is acting as.
        let kinesis = kinesis_client!(self, Caller::ROOT);
        let Simulation { now, lambda, destinations, sqs, s3, .. } = self;
        let Some(mapping) = lambda.mappings[idx].as_mut() else { return };
        let destinations = Outbox { now: *now, sent: destinations, sqs, s3 };
        mapping.tick(&mut MappingServices { kinesis, functions: &mut lambda.functions, destinations });
        mapping.debug_check_invariants(*now);
    }

    /// Lambda's invariants, for restored snapshots.
    pub(crate) fn check_lambda_invariants(&self) -> Result<(), String> {
        for mapping in self.lambda.mappings.iter().flatten() {
            if !self.lambda.functions.contains_key(&mapping.config.function_name) {
                return Err(format!("mapping {} invokes a function that does not exist", mapping.uuid));
            }
            mapping.check_invariants(self.now)?;
        }
        Ok(())
    }
}
