//! Amazon SQS's JSON protocol (`AmazonSQS.*`, AWS JSON 1.0) over the
//! simulation's standard queues (see [`crate::sqs`]).
//!
//! - `AmazonSQS.CreateQueue {"QueueName", "Attributes"?: {name: value}}` → `{"QueueUrl"}`.
//! - `AmazonSQS.GetQueueUrl {"QueueName"}` → `{"QueueUrl"}`.
//! - `AmazonSQS.ListQueues {"QueueNamePrefix"?}` → `{"QueueUrls"}` (absent when none).
//! - `AmazonSQS.SendMessage {"QueueUrl", "MessageBody", "DelaySeconds"?,
//!   "MessageGroupId"?, "MessageDeduplicationId"?}` → `{"MessageId",
//!   "MD5OfMessageBody", "SequenceNumber"?}` (the last for FIFO queues).
//! - `AmazonSQS.ReceiveMessage {"QueueUrl", "MaxNumberOfMessages"?,
//!   "VisibilityTimeout"?, "WaitTimeSeconds"?, "MessageSystemAttributeNames"?,
//!   "AttributeNames"?}` → `{"Messages": [{"MessageId", "ReceiptHandle",
//!   "MD5OfBody", "Body", "Attributes"?}]}` (absent when none); `Attributes`
//!   holds the system attributes asked for (`All`, `ApproximateReceiveCount`,
//!   `SentTimestamp`, `ApproximateFirstReceiveTimestamp`, and for FIFO queues
//!   `MessageGroupId`, `MessageDeduplicationId`, `SequenceNumber`) as strings.
//! - `AmazonSQS.DeleteMessage {"QueueUrl", "ReceiptHandle"}`,
//!   `AmazonSQS.ChangeMessageVisibility {"QueueUrl", "ReceiptHandle",
//!   "VisibilityTimeout"}` and `AmazonSQS.PurgeQueue {"QueueUrl"}` answer an
//!   empty body.
//! - `AmazonSQS.GetQueueAttributes {"QueueUrl", "AttributeNames"?}` →
//!   `{"Attributes": {name: value}}`.
//!
//! Errors: `__type` is `com.amazonaws.sqs#QueueDoesNotExist` and so on for
//! SQS's modelled errors. Missing members and members of the wrong JSON type
//! are refused as for Kinesis (`ValidationException`,
//! `SerializationException`); SQS's own wording for those is not modelled.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Map, Value, json};

use super::Reply;
use super::decode::Decoder;
use super::error::ApiError;
use crate::Simulation;
use crate::sqs::{ReceiveMessageInput, ReceivedMessage, SendMessageInput, SqsError};

impl From<SqsError> for ApiError {
    fn from(error: SqsError) -> ApiError {
        ApiError::new(error.json_type(), error.to_string())
    }
}

pub(super) fn create_queue(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("QueueName", Decoder::string)?;
    let attributes = d.string_map("Attributes")?.unwrap_or_default();
    let _tags = d.string_map("tags")?;
    d.finish()?;
    let url = sim.sqs_create_queue(&name, &attributes)?;
    Ok(Some(json!({"QueueUrl": url})))
}

pub(super) fn get_queue_url(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("QueueName", Decoder::string)?;
    let _owner = d.string("QueueOwnerAWSAccountId")?;
    d.finish()?;
    Ok(Some(json!({"QueueUrl": sim.sqs_get_queue_url(&name)?})))
}

pub(super) fn list_queues(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let prefix = d.string("QueueNamePrefix")?.unwrap_or_default();
    d.finish()?;
    let urls = sim.sqs_list_queues(&prefix);
    Ok(Some(if urls.is_empty() { json!({}) } else { json!({"QueueUrls": urls}) }))
}

pub(super) fn send_message(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let queue_url = d.required("QueueUrl", Decoder::string)?;
    let message_body = d.required("MessageBody", Decoder::string)?;
    let delay_seconds = d.non_negative_integer("DelaySeconds")?;
    let message_group_id = d.string("MessageGroupId")?;
    let message_deduplication_id = d.string("MessageDeduplicationId")?;
    d.finish()?;
    let input = SendMessageInput { queue_url, message_body, delay_seconds, message_group_id, message_deduplication_id };
    let sent = sim.sqs_send(input)?;
    Ok(Some(json!({
        "MessageId": sent.message_id,
        "MD5OfMessageBody": sent.md5_of_message_body,
        "SequenceNumber": sent.sequence_number,
    })))
}

/// The system attributes of `message` that `names` asks for.
fn message_attributes(message: &ReceivedMessage, names: &[String]) -> Value {
    let every = [
        ("ApproximateReceiveCount", Some(message.approximate_receive_count.to_string())),
        (
            "ApproximateFirstReceiveTimestamp",
            Some(message.approximate_first_receive_timestamp.epoch_millis().to_string()),
        ),
        ("SentTimestamp", Some(message.sent_timestamp.epoch_millis().to_string())),
        ("MessageGroupId", message.message_group_id.clone()),
        ("MessageDeduplicationId", message.message_deduplication_id.clone()),
        ("SequenceNumber", message.sequence_number.clone()),
    ];
    let all = names.iter().any(|n| n == "All");
    let chosen: Map<String, Value> = every
        .into_iter()
        .filter(|(name, _)| all || names.iter().any(|n| n == name))
        .filter_map(|(name, value)| Some((name.into(), value?.into())))
        .collect();
    if chosen.is_empty() { Value::Null } else { Value::Object(chosen) }
}

pub(super) fn receive_message(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let queue_url = d.required("QueueUrl", Decoder::string)?;
    let max_number_of_messages = d.non_negative_integer("MaxNumberOfMessages")?;
    let visibility_timeout = d.non_negative_integer("VisibilityTimeout")?;
    let wait_time_seconds = d.non_negative_integer("WaitTimeSeconds")?;
    let mut names = d.strings("MessageSystemAttributeNames")?.unwrap_or_default();
    names.extend(d.strings("AttributeNames")?.unwrap_or_default());
    let _ = d.strings("MessageAttributeNames")?;
    d.finish()?;
    let input = ReceiveMessageInput { queue_url, max_number_of_messages, visibility_timeout, wait_time_seconds };
    let messages = sim.sqs_receive_message(input)?;
    if messages.is_empty() {
        return Ok(Some(json!({})));
    }
    let messages: Vec<Value> = messages
        .iter()
        .map(|m| {
            json!({
                "MessageId": m.message_id,
                "ReceiptHandle": m.receipt_handle,
                "MD5OfBody": m.md5_of_body,
                "Body": m.body,
                "Attributes": message_attributes(m, &names),
            })
        })
        .collect();
    Ok(Some(json!({"Messages": messages})))
}

pub(super) fn delete_message(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let url = d.required("QueueUrl", Decoder::string)?;
    let handle = d.required("ReceiptHandle", Decoder::string)?;
    d.finish()?;
    sim.sqs_delete_message(&url, &handle)?;
    Ok(None)
}

pub(super) fn change_message_visibility(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let url = d.required("QueueUrl", Decoder::string)?;
    let handle = d.required("ReceiptHandle", Decoder::string)?;
    let timeout = d.required("VisibilityTimeout", Decoder::non_negative_integer)?;
    d.finish()?;
    sim.sqs_change_message_visibility(&url, &handle, timeout)?;
    Ok(None)
}

pub(super) fn purge_queue(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let url = d.required("QueueUrl", Decoder::string)?;
    d.finish()?;
    sim.sqs_purge_queue(&url)?;
    Ok(None)
}

pub(super) fn get_queue_attributes(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let url = d.required("QueueUrl", Decoder::string)?;
    let names = d.strings("AttributeNames")?.unwrap_or_default();
    d.finish()?;
    let attributes: BTreeMap<String, String> = sim.sqs_get_queue_attributes(&url, &names)?;
    Ok(Some(if attributes.is_empty() { json!({}) } else { json!({"Attributes": attributes}) }))
}
