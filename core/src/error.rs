//! Errors, one enum per operation, named after the AWS exceptions.
//!
//! Variant names are the exception names without the `Exception` suffix;
//! `code()` gives the full AWS name and `Display` the AWS message text, so
//! that what a learner reads is what the real service says.

use alloc::string::String;
use core::fmt;

use crate::stream::ShardId;
use crate::time::Instant;

/// The account every simulated resource belongs to (AWS's documentation account).
pub const ACCOUNT_ID: &str = "123456789012";

/// One violated request constraint, in AWS's `ValidationException` form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// The request member, in AWS's camelCase (`partitionKey`, `data`).
    pub member: &'static str,
    /// The offending value, or `None` for binary members AWS does not echo.
    pub value: Option<String>,
    /// The constraint as AWS words it.
    pub constraint: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("1 validation error detected: Value ")?;
        if let Some(value) = &self.value {
            write!(f, "'{value}' ")?;
        }
        write!(f, "at '{}' failed to satisfy constraint: {}", self.member, self.constraint)
    }
}

/// A stream or shard that does not exist (`ResourceNotFoundException`).
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
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotFound::Stream(stream) => write!(f, "Stream {stream} under account {ACCOUNT_ID} not found."),
            NotFound::Shard { stream, shard } => {
                write!(f, "Shard {shard} in stream {stream} under account {ACCOUNT_ID} does not exist")
            }
        }
    }
}

/// Implements `code()`, `Display` and `Error` for an operation's error enum
/// from one table of `Variant => "AwsExceptionName"`; every variant carries
/// one value whose `Display` is the AWS message.
macro_rules! aws_error {
    ($name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
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

/// Error returned by [`crate::Simulation::create_stream`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreateStreamError {
    /// A stream with this name already exists.
    ResourceInUse(StreamExists),
    /// The name or shard count breaks a constraint.
    Validation(ValidationError),
}
aws_error!(CreateStreamError { ResourceInUse => "ResourceInUseException", Validation => "ValidationException" });

/// The name of a stream that already exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamExists(pub String);

impl fmt::Display for StreamExists {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stream {} under account {ACCOUNT_ID} already exists.", self.0)
    }
}

/// Error returned by [`crate::Simulation::put_record`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PutRecordError {
    /// The stream does not exist.
    ResourceNotFound(NotFound),
    /// A well-formed value outside what the service accepts (an `ExplicitHashKey` ≥ 2^128).
    InvalidArgument(String),
    /// A request member breaks a constraint (empty or long key, data over 1 MiB).
    Validation(ValidationError),
}
aws_error!(PutRecordError {
    ResourceNotFound => "ResourceNotFoundException",
    InvalidArgument => "InvalidArgumentException",
    Validation => "ValidationException",
});

/// Error returned by [`crate::Simulation::get_shard_iterator`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GetShardIteratorError {
    /// The stream or shard does not exist.
    ResourceNotFound(NotFound),
}
aws_error!(GetShardIteratorError { ResourceNotFound => "ResourceNotFoundException" });

/// Error returned by [`crate::Simulation::get_records`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GetRecordsError {
    /// The iterator is older than five minutes.
    ExpiredIterator(IteratorExpired),
    /// The iterator is not one this service issued.
    InvalidArgument(String),
    /// The iterator's stream or shard no longer exists.
    ResourceNotFound(NotFound),
    /// `Limit` is outside 1 ..= 10,000.
    Validation(ValidationError),
}
aws_error!(GetRecordsError {
    ExpiredIterator => "ExpiredIteratorException",
    InvalidArgument => "InvalidArgumentException",
    ResourceNotFound => "ResourceNotFoundException",
    Validation => "ValidationException",
});

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
            self.issued.epoch_millis(),
            self.now.epoch_millis(),
            crate::iterator::ITERATOR_LIFETIME.as_millis()
        )
    }
}
