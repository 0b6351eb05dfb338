//! Error responses and their envelope.

use alloc::string::{String, ToString};

use serde_json::{Map, Value};

use crate::error::{
    CreateFunctionError, CreateStreamError, EfoError, EncryptionError, EventSourceMappingError,
    FunctionConcurrencyError, GetRecordsError, GetShardIteratorError, ListError, PauseConsumerError, PutRecordError,
    ReshardError, StreamOpError,
};
use crate::firehose::FirehoseError;
use crate::s3::S3Error;

/// An error response: the AWS exception name (`__type`) and, for most, a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    code: &'static str,
    message: Option<String>,
}

impl ApiError {
    /// An error of type `code` saying `message`.
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { code, message: Some(message.into()) }
    }

    /// A target that names no operation. AWS sends no message with it.
    pub(crate) fn unknown_operation() -> ApiError {
        ApiError { code: "UnknownOperationException", message: None }
    }

    /// A body that is empty, not JSON, or not a JSON object. AWS sends no message with it.
    pub(crate) fn malformed_body() -> ApiError {
        ApiError { code: "SerializationException", message: None }
    }

    /// A member of the wrong JSON type, or a blob that is not base64.
    pub(crate) fn serialization(message: impl Into<String>) -> ApiError {
        ApiError::new("SerializationException", message)
    }

    /// `InvalidArgumentException`.
    pub(crate) fn invalid_argument(message: impl Into<String>) -> ApiError {
        ApiError::new("InvalidArgumentException", message)
    }

    #[cfg(test)]
    pub(crate) fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The HTTP status: 500 for AWS's own failures, 400 for everything the caller did.
    pub(crate) fn status(&self) -> u16 {
        if self.code == "InternalFailure" { 500 } else { 400 }
    }

    /// The JSON body: `{"__type": …, "message": …}`. `SerializationException`
    /// alone spells its key `Message`, as AWS does.
    pub(crate) fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("__type".into(), self.code.into());
        if let Some(message) = &self.message {
            let key = if self.code == "SerializationException" { "Message" } else { "message" };
            body.insert(key.into(), message.as_str().into());
        }
        Value::Object(body)
    }
}

/// Each operation's error enum becomes its `code()` and `Display` text, which
/// are the AWS exception name and message. A new operation whose error enum
/// is not listed here needs only its name added.
macro_rules! from_core_errors {
    ($($error:ty),+ $(,)?) => {
        $(impl From<$error> for ApiError {
            fn from(error: $error) -> ApiError {
                ApiError::new(error.code(), error.to_string())
            }
        })+
    };
}

from_core_errors!(
    CreateStreamError,
    StreamOpError,
    ListError,
    PutRecordError,
    GetShardIteratorError,
    GetRecordsError,
    PauseConsumerError,
    ReshardError,
    EfoError,
    EncryptionError,
    EventSourceMappingError,
    CreateFunctionError,
    FunctionConcurrencyError,
    FirehoseError,
    S3Error,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_envelope(error: ApiError, status: u16, json: &str) {
        assert_eq!((error.status(), error.to_json().to_string().as_str()), (status, json));
    }

    #[test]
    fn envelopes_follow_aws() {
        check_envelope(
            ApiError::invalid_argument("Invalid ShardIterator."),
            400,
            r#"{"__type":"InvalidArgumentException","message":"Invalid ShardIterator."}"#,
        );
        check_envelope(
            ApiError::serialization("Expected null"),
            400,
            r#"{"Message":"Expected null","__type":"SerializationException"}"#,
        );
        check_envelope(ApiError::unknown_operation(), 400, r#"{"__type":"UnknownOperationException"}"#);
        check_envelope(ApiError::malformed_body(), 400, r#"{"__type":"SerializationException"}"#);
        // Nothing in the simulation fails this way yet; the envelope is AWS's.
        check_envelope(ApiError { code: "InternalFailure", message: None }, 500, r#"{"__type":"InternalFailure"}"#);
    }
}
