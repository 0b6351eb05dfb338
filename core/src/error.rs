//! Errors, one enum per operation, named after the AWS exceptions.
//!
//! Variant names are the exception names without the `Exception` suffix;
//! `code()` gives the full AWS name and `Display` the AWS message text, so
//! that what a learner reads is what the real service says.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::kms::InvalidKeyId;
use crate::policy::AccessDenied;
use crate::sequence::ShardId;
use crate::time::Instant;

/// The account every simulated resource belongs to (AWS's documentation account).
pub const ACCOUNT_ID: &str = "123456789012";
/// The region every simulated resource lives in.
pub const REGION: &str = "us-east-1";

/// One violated request constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The request member, in AWS's camelCase path (`partitionKey`, `records.1.member.data`).
    pub member: String,
    /// The offending value as AWS echoes it: text as given, a blob as the
    /// Java buffer that held it, a list or map as Java prints it.
    pub value: String,
    /// The constraint as AWS words it.
    pub constraint: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Value '{}' at '{}' failed to satisfy constraint: {}", self.value, self.member, self.constraint)
    }
}

/// Every violated constraint of a request, in AWS's `ValidationException` form:
/// `2 validation errors detected: Value … ; Value …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError(pub Vec<Violation>);

impl ValidationError {
    /// A single violation.
    pub fn one(member: impl Into<String>, value: String, constraint: impl Into<String>) -> ValidationError {
        ValidationError(alloc::vec![Violation { member: member.into(), value, constraint: constraint.into() }])
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_validation_errors(f, &self.0)
    }
}

/// Writes `items` in AWS's `ValidationException` framing. Shared with the
/// JSON API, whose decoder also reports members that are missing (`Value null`).
pub(crate) fn write_validation_errors(f: &mut fmt::Formatter<'_>, items: &[impl fmt::Display]) -> fmt::Result {
    // AWS reports at most ten violations and counts only those.
    let shown = &items[..items.len().min(10)];
    let n = shown.len();
    write!(f, "{n} validation error{} detected: ", if n == 1 { "" } else { "s" })?;
    for (idx, item) in shown.iter().enumerate() {
        if idx > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Collects violations while a request is checked.
#[derive(Default)]
pub(crate) struct Validator(Vec<Violation>);

impl Validator {
    pub(crate) fn check(&mut self, ok: bool, member: &str, value: String, constraint: impl Into<String>) {
        if !ok {
            self.0.push(Violation { member: member.into(), value, constraint: constraint.into() });
        }
    }

    /// A list member's length against AWS's `1..=max`. The list is rendered
    /// (`value`, as Java prints it) only when the length is out of range.
    pub(crate) fn list_length(&mut self, member: &str, len: usize, max: usize, value: impl FnOnce() -> String) {
        if (1..=max).contains(&len) {
            return;
        }
        let value = value();
        self.check(len >= 1, member, value.clone(), "Member must have length greater than or equal to 1");
        self.check(len <= max, member, value, alloc::format!("Member must have length less than or equal to {max}"));
    }

    pub(crate) fn finish(self) -> Result<(), ValidationError> {
        if self.0.is_empty() { Ok(()) } else { Err(ValidationError(self.0)) }
    }
}

/// The `ResourceInUseException` message for a stream in the wrong state.
pub(crate) fn not_active(stream: &str, status: crate::StreamStatus) -> String {
    alloc::format!("Stream {stream} under account {ACCOUNT_ID} not ACTIVE, instead in state {}", status.as_str())
}

/// A stream, shard or consumer that does not exist (`ResourceNotFoundException`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotFound {
    /// No stream has this name.
    Stream(String),
    /// The stream has no shard with this id.
    Shard {
        /// The stream asked for.
        stream: String,
        /// The shard asked for.
        shard: ShardId,
    },
    /// The stream has no shard with this id, in the wording `SplitShard` and
    /// `MergeShards` use.
    ShardToReshard {
        /// The stream asked for.
        stream: String,
        /// The shard asked for.
        shard: ShardId,
    },
    /// Any other resource, with the message AWS gives for it.
    Other(String),
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotFound::Stream(stream) => write!(f, "Stream {stream} under account {ACCOUNT_ID} not found."),
            NotFound::Shard { stream, shard } => {
                write!(f, "Shard {shard} in stream {stream} under account {ACCOUNT_ID} does not exist")
            }
            NotFound::ShardToReshard { stream, shard } => {
                write!(f, "Could not find shard {shard} in stream {stream} under account {ACCOUNT_ID}.")
            }
            NotFound::Other(message) => f.write_str(message),
        }
    }
}

/// A shard's write or read budget is spent (`ProvisionedThroughputExceededException`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThroughputExceeded {
    /// The stream written or read.
    pub stream: String,
    /// The shard whose limit was hit.
    pub shard: ShardId,
    /// Whether a read (`GetRecords`) rather than a write hit the limit.
    pub read: bool,
}

/// The two forms AWS uses: writes name shard, stream and account in a
/// sentence; reads use the newer `account/stream/shard` path form.
impl fmt::Display for ThroughputExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.read {
            write!(f, "Rate exceeded for Shard - {ACCOUNT_ID}/{}/{}", self.stream, self.shard)
        } else {
            write!(f, "Rate exceeded for shard {} in stream {} under account {ACCOUNT_ID}.", self.shard, self.stream)
        }
    }
}

/// When an expired iterator was issued and when it was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IteratorExpired {
    /// When `GetShardIterator` (or `GetRecords`) issued the iterator.
    pub issued: Instant,
    /// When it was presented.
    pub now: Instant,
}

impl fmt::Display for IteratorExpired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the future than the tolerated delay of {} milliseconds.",
            self.issued.java_date(),
            self.now.java_date(),
            crate::limits::ITERATOR_LIFETIME.as_millis()
        )
    }
}

/// Declares an operation's error enum from a table of
/// `Variant(Payload) => "AwsExceptionName"`, with `code()`, `Display` (the
/// payload's, which is the AWS message) and `Error`.
macro_rules! aws_error {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident($payload:ty) => $code:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum $name { $($(#[$vmeta])* $variant($payload)),+ }

        impl $name {
            /// The AWS exception name, for lesson text, badges and the JSON API.
            pub fn code(&self) -> &'static str {
                match self { $($name::$variant(_) => $code),+ }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $($name::$variant(inner) => fmt::Display::fmt(inner, f)),+ }
            }
        }
        impl core::error::Error for $name {}
    };
}

aws_error! {
    /// Error returned by [`crate::Simulation::create_stream`].
    pub enum CreateStreamError {
        /// A stream with this name already exists.
        ResourceInUse(String) => "ResourceInUseException",
        /// The account's shard quota would be exceeded.
        LimitExceeded(String) => "LimitExceededException",
        /// An argument is well-formed but not acceptable.
        InvalidArgument(String) => "InvalidArgumentException",
        /// A request member breaks a constraint.
        Validation(ValidationError) => "ValidationException",
        /// The caller's policies do not allow the call.
        AccessDenied(AccessDenied) => "AccessDeniedException",
    }
}

aws_error! {
    /// Error returned by stream-level operations that only need the stream to
    /// exist and be in a suitable state: `DeleteStream`, `DescribeStream`,
    /// `DescribeStreamSummary`, tagging and retention changes.
    pub enum StreamOpError {
        /// The stream does not exist.
        ResourceNotFound(NotFound) => "ResourceNotFoundException",
        /// The stream is not in a state that allows the operation.
        ResourceInUse(String) => "ResourceInUseException",
        /// An argument is well-formed but not acceptable.
        InvalidArgument(String) => "InvalidArgumentException",
        /// A quota would be exceeded.
        LimitExceeded(String) => "LimitExceededException",
        /// A request member breaks a constraint.
        Validation(ValidationError) => "ValidationException",
        /// The caller's policies do not allow the call.
        AccessDenied(AccessDenied) => "AccessDeniedException",
    }
}

aws_error! {
    /// Error returned by [`crate::Simulation::list_streams`] and [`crate::Simulation::list_shards`].
    pub enum ListError {
        /// The stream does not exist.
        ResourceNotFound(NotFound) => "ResourceNotFoundException",
        /// The stream is not yet (or no longer) listable.
        ResourceInUse(String) => "ResourceInUseException",
        /// The pagination token is older than 300 seconds.
        ExpiredNextToken(String) => "ExpiredNextTokenException",
        /// A malformed token or an argument combination AWS refuses.
        InvalidArgument(String) => "InvalidArgumentException",
        /// A request member breaks a constraint.
        Validation(ValidationError) => "ValidationException",
        /// The caller's policies do not allow the call.
        AccessDenied(AccessDenied) => "AccessDeniedException",
    }
}

aws_error! {
    /// Error returned by [`crate::Simulation::put_record`] and [`crate::Simulation::put_records`].
    pub enum PutRecordError {
        /// The stream does not exist or is not active.
        ResourceNotFound(NotFound) => "ResourceNotFoundException",
        /// A well-formed value outside what the service accepts.
        InvalidArgument(String) => "InvalidArgumentException",
        /// The shard's write budget is spent.
        ProvisionedThroughputExceeded(ThroughputExceeded) => "ProvisionedThroughputExceededException",
        /// A request member breaks a constraint.
        Validation(ValidationError) => "ValidationException",
        /// The caller's policies do not allow the call.
        AccessDenied(AccessDenied) => "AccessDeniedException",
    }
}

aws_error! {
    /// Error returned by [`crate::Simulation::get_shard_iterator`].
    pub enum GetShardIteratorError {
        /// The stream or shard does not exist.
        ResourceNotFound(NotFound) => "ResourceNotFoundException",
        /// A starting sequence number that is malformed or belongs to another shard.
        InvalidArgument(String) => "InvalidArgumentException",
        /// A request member breaks a constraint.
        Validation(ValidationError) => "ValidationException",
        /// The caller's policies do not allow the call.
        AccessDenied(AccessDenied) => "AccessDeniedException",
    }
}

aws_error! {
    /// Error returned by [`crate::Simulation::get_records`].
    pub enum GetRecordsError {
        /// The iterator is older than five minutes.
        ExpiredIterator(IteratorExpired) => "ExpiredIteratorException",
        /// The iterator is not one this service issued.
        InvalidArgument(String) => "InvalidArgumentException",
        /// The iterator's stream or shard no longer exists.
        ResourceNotFound(NotFound) => "ResourceNotFoundException",
        /// The shard's read budget (5 calls or 2 MiB per second) is spent.
        ProvisionedThroughputExceeded(ThroughputExceeded) => "ProvisionedThroughputExceededException",
        /// `Limit` is outside 1 ..= 10,000, or the iterator outside 1 ..= 512 characters.
        Validation(ValidationError) => "ValidationException",
        /// The caller's policies do not allow the call.
        AccessDenied(AccessDenied) => "AccessDeniedException",
    }
}

aws_error! {
    /// Error returned by [`crate::Simulation::pause_consumer`], a
    /// simulation-only fault, in the words of the KCL's worker faults.
    pub enum PauseConsumerError {
        /// No polling consumer has this id.
        ResourceNotFound(NotFound) => "ResourceNotFoundException",
        /// The consumer is already paused.
        InvalidArgument(String) => "InvalidArgumentException",
    }
}

aws_error! {
    /// Error returned by the resharding operations: `SplitShard`,
    /// `MergeShards`, `UpdateShardCount` and `UpdateStreamMode`.
    pub enum ReshardError {
        /// The stream or shard does not exist.
        ResourceNotFound(NotFound) => "ResourceNotFoundException",
        /// The stream is not `ACTIVE`.
        ResourceInUse(String) => "ResourceInUseException",
        /// The shards or hash key given cannot be resharded this way.
        InvalidArgument(String) => "InvalidArgumentException",
        /// A shard or scaling quota would be exceeded.
        LimitExceeded(String) => "LimitExceededException",
        /// A request member breaks a constraint.
        Validation(ValidationError) => "ValidationException",
        /// The operation is for provisioned streams and the stream is on-demand.
        OnDemandUnsupported(String) => "ValidationException",
        /// The caller's policies do not allow the call.
        AccessDenied(AccessDenied) => "AccessDeniedException",
    }
}

aws_error! {
    /// Error returned by [`crate::Simulation::start_stream_encryption`] and
    /// [`crate::Simulation::stop_stream_encryption`].
    pub enum EncryptionError {
        /// The stream does not exist.
        ResourceNotFound(NotFound) => "ResourceNotFoundException",
        /// The stream is not `ACTIVE`.
        ResourceInUse(String) => "ResourceInUseException",
        /// KMS cannot resolve the key id.
        KmsNotFound(InvalidKeyId) => "KMSNotFoundException",
        /// A request member breaks a constraint.
        Validation(ValidationError) => "ValidationException",
        /// The caller's policies do not allow the call.
        AccessDenied(AccessDenied) => "AccessDeniedException",
    }
}

aws_error! {
    /// Error returned by the enhanced fan-out operations.
    pub enum EfoError {
        /// The stream, consumer, shard or subscription does not exist.
        ResourceNotFound(NotFound) => "ResourceNotFoundException",
        /// The consumer or stream is not `ACTIVE`, or a subscription is already open.
        ResourceInUse(String) => "ResourceInUseException",
        /// An ARN or starting position that cannot be used.
        InvalidArgument(String) => "InvalidArgumentException",
        /// Too many consumers.
        LimitExceeded(String) => "LimitExceededException",
        /// A request member breaks a constraint.
        Validation(ValidationError) => "ValidationException",
        /// The caller's policies do not allow the call.
        AccessDenied(AccessDenied) => "AccessDeniedException",
    }
}

aws_error! {
    /// Error returned by the Lambda event-source mapping operations:
    /// [`crate::Simulation::create_event_source_mapping`], `update_…`,
    /// `delete_…` and `get_…`.
    pub enum EventSourceMappingError {
        /// A request member breaks a constraint of Lambda's API model.
        Validation(ValidationError) => "ValidationException",
        /// A parameter is well-formed but not acceptable for a Kinesis source.
        InvalidParameterValue(String) => "InvalidParameterValueException",
        /// The function or mapping does not exist.
        ResourceNotFound(String) => "ResourceNotFoundException",
        /// The function already has a mapping from this stream.
        ResourceConflict(String) => "ResourceConflictException",
    }
}

aws_error! {
    /// Error returned by [`crate::Simulation::put_function_concurrency`],
    /// `get_…` and `delete_…`.
    pub enum FunctionConcurrencyError {
        /// A request member breaks a constraint of Lambda's API model.
        Validation(ValidationError) => "ValidationException",
        /// The reservation would leave the account too little unreserved concurrency.
        InvalidParameterValue(String) => "InvalidParameterValueException",
        /// The function does not exist.
        ResourceNotFound(String) => "ResourceNotFoundException",
    }
}

aws_error! {
    /// Error returned by [`crate::Simulation::create_function`].
    pub enum CreateFunctionError {
        /// The script is not one the simulation can run.
        InvalidParameterValue(String) => "InvalidParameterValueException",
        /// A function with this name exists.
        ResourceConflict(String) => "ResourceConflictException",
    }
}
