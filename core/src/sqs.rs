//! Amazon SQS standard queues, for contrast with Kinesis: a queue hands each
//! message to one receiver at a time, forgets it once deleted, and promises
//! neither order nor exactly-once delivery.
//!
//! Modelled after AWS: at-least-once delivery with a visibility timeout
//! (default 30 s, 0–12 h) that returns a received but undeleted message to
//! the queue; receive order drawn from the simulation's seeded generator, so
//! that it is unordered yet the same on every run; `ReceiveMessage` of 1–10
//! messages; receipt handles that change on every receive, where deleting
//! with an outdated one succeeds without deleting (as the `DeleteMessage`
//! reference says); `ChangeMessageVisibility` (as observed, see there);
//! `ApproximateReceiveCount`;
//! `DelaySeconds`; message retention; a redrive policy that moves a message
//! to its dead-letter queue when it would be received more than
//! `maxReceiveCount` times; `PurgeQueue` at most once a minute.
//!
//! FIFO queues (names ending `.fifo`, `FifoQueue` `true`) deliver each message
//! group in send order, hold a group back while any of its messages is in
//! flight, and drop a message whose deduplication id (given, or the body's
//! SHA-256 with `ContentBasedDeduplication`) was sent in the last 5 minutes.
//!
//! Left out: FIFO high throughput, per-message `DelaySeconds` on FIFO queues
//! (refused, as SQS refuses them), long polling (`WaitTimeSeconds`
//! is checked and then answered at once), short polling's sampling of a
//! subset of servers (every visible message is a candidate), message
//! attributes, batches, tags, queue deletion, the 12-hour cap on a message's
//! total visibility timeout, and the delay before a deleted queue's name may
//! be reused.

pub(crate) mod snapshot_v1;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::base64;
use crate::error::{ACCOUNT_ID, REGION};
use crate::rand::Rand;
use crate::time::{Duration, Instant};

/// Longest visibility timeout: 12 hours, in seconds.
pub const MAX_VISIBILITY_TIMEOUT: u32 = 43_200;
/// Most messages one `ReceiveMessage` returns.
pub const MAX_RECEIVE_MESSAGES: u32 = 10;
/// How often a queue may be purged: once every 60 seconds.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(60);
/// How long a FIFO queue remembers a deduplication id.
pub const DEDUPLICATION_INTERVAL: Duration = Duration::from_secs(300);
/// The seed of the generator behind receive order, message ids and
/// receipt handles. Fixed, so that a fresh simulation always shuffles alike.
const SQS_SEED: u64 = 0x5153_5f5f_5345_4544;

/// A queue's configuration, from `CreateQueue`'s `Attributes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueAttributes {
    /// `VisibilityTimeout` in seconds, 0–43200, default 30.
    pub visibility_timeout: u32,
    /// `DelaySeconds`, 0–900, default 0.
    pub delay_seconds: u32,
    /// `MessageRetentionPeriod` in seconds, 60–1209600, default 345600 (4 days).
    pub message_retention_period: u32,
    /// `MaximumMessageSize` in bytes, 1024–1048576, default 262144.
    pub maximum_message_size: u32,
    /// `ReceiveMessageWaitTimeSeconds`, 0–20, default 0 (kept, not modelled).
    pub receive_message_wait_time_seconds: u32,
    /// `RedrivePolicy`.
    pub redrive_policy: Option<RedrivePolicy>,
    /// `FifoQueue`: set at creation only.
    #[serde(default)]
    pub fifo_queue: bool,
    /// `ContentBasedDeduplication` (FIFO queues only).
    #[serde(default)]
    pub content_based_deduplication: bool,
}

impl Default for QueueAttributes {
    fn default() -> Self {
        QueueAttributes {
            visibility_timeout: 30,
            delay_seconds: 0,
            message_retention_period: 345_600,
            maximum_message_size: 262_144,
            receive_message_wait_time_seconds: 0,
            redrive_policy: None,
            fifo_queue: false,
            content_based_deduplication: false,
        }
    }
}

/// `RedrivePolicy`: where a message goes after too many receives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedrivePolicy {
    /// `deadLetterTargetArn`.
    pub dead_letter_target_arn: String,
    /// `maxReceiveCount`, 1–1000.
    pub max_receive_count: u32,
}

impl RedrivePolicy {
    /// The policy as the attribute's JSON text.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "deadLetterTargetArn": self.dead_letter_target_arn,
            "maxReceiveCount": self.max_receive_count,
        })
        .to_string()
    }
}

/// `SendMessage`'s input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessageInput {
    /// `QueueUrl`.
    pub queue_url: String,
    /// `MessageBody`.
    pub message_body: String,
    /// `DelaySeconds`, 0–900, instead of the queue's (standard queues only).
    pub delay_seconds: Option<u32>,
    /// `MessageGroupId` (required by FIFO queues, refused by standard ones).
    pub message_group_id: Option<String>,
    /// `MessageDeduplicationId` (FIFO queues only).
    pub message_deduplication_id: Option<String>,
}

impl SendMessageInput {
    /// A message with the queue's delay and no FIFO members.
    pub fn new(queue_url: impl Into<String>, message_body: impl Into<String>) -> SendMessageInput {
        SendMessageInput {
            queue_url: queue_url.into(),
            message_body: message_body.into(),
            delay_seconds: None,
            message_group_id: None,
            message_deduplication_id: None,
        }
    }
}

/// `SendMessage`'s output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessageOutput {
    /// `MessageId`.
    pub message_id: String,
    /// `MD5OfMessageBody`, in hex.
    pub md5_of_message_body: String,
    /// `SequenceNumber` (FIFO queues only): increasing within the queue.
    pub sequence_number: Option<String>,
}

/// `ReceiveMessage`'s input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiveMessageInput {
    /// `QueueUrl`.
    pub queue_url: String,
    /// `MaxNumberOfMessages`, 1–10, default 1.
    pub max_number_of_messages: Option<u32>,
    /// `VisibilityTimeout` for these messages, instead of the queue's.
    pub visibility_timeout: Option<u32>,
    /// `WaitTimeSeconds`, 0–20: checked, then ignored.
    pub wait_time_seconds: Option<u32>,
}

impl ReceiveMessageInput {
    /// Receives one message with the queue's settings.
    pub fn new(queue_url: impl Into<String>) -> ReceiveMessageInput {
        ReceiveMessageInput {
            queue_url: queue_url.into(),
            max_number_of_messages: None,
            visibility_timeout: None,
            wait_time_seconds: None,
        }
    }
}

/// One message of `ReceiveMessage`'s output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedMessage {
    /// `MessageId`.
    pub message_id: String,
    /// `ReceiptHandle`: for this receive only.
    pub receipt_handle: String,
    /// `MD5OfBody`, in hex.
    pub md5_of_body: String,
    /// `Body`.
    pub body: String,
    /// `ApproximateReceiveCount`, this receive included.
    pub approximate_receive_count: u32,
    /// `SentTimestamp`.
    pub sent_timestamp: Instant,
    /// `ApproximateFirstReceiveTimestamp`.
    pub approximate_first_receive_timestamp: Instant,
    /// `MessageGroupId` (FIFO queues only).
    pub message_group_id: Option<String>,
    /// `MessageDeduplicationId` (FIFO queues only).
    pub message_deduplication_id: Option<String>,
    /// `SequenceNumber` (FIFO queues only).
    pub sequence_number: Option<String>,
}

/// How many messages a queue holds, by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueStatus {
    /// `ApproximateNumberOfMessages`: ready to be received.
    pub visible: u64,
    /// `ApproximateNumberOfMessagesNotVisible`: received, not deleted, timeout running.
    pub in_flight: u64,
    /// `ApproximateNumberOfMessagesDelayed`: sent with a delay not yet over.
    pub delayed: u64,
}

/// Error of the SQS operations, named after SQS's errors. Each operation's
/// documentation says which it returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqsError {
    /// The queue URL, name or ARN names no queue.
    QueueDoesNotExist,
    /// `CreateQueue` of an existing name with different attributes.
    QueueNameExists(String),
    /// An attribute name SQS does not know.
    InvalidAttributeName(String),
    /// An attribute value outside its range or grammar, with the message.
    InvalidAttributeValue(String),
    /// A parameter outside its range, with the message.
    InvalidParameterValue(String),
    /// A required parameter is missing.
    MissingParameter(String),
    /// A receipt handle that is not one, or names no message of this queue.
    ReceiptHandleIsInvalid(String),
    /// A second `PurgeQueue` within 60 seconds.
    PurgeQueueInProgress(String),
}

impl SqsError {
    /// The SQS error name.
    pub fn code(&self) -> &'static str {
        match self {
            SqsError::QueueDoesNotExist => "QueueDoesNotExist",
            SqsError::QueueNameExists(_) => "QueueNameExists",
            SqsError::InvalidAttributeName(_) => "InvalidAttributeName",
            SqsError::InvalidAttributeValue(_) => "InvalidAttributeValue",
            SqsError::InvalidParameterValue(_) => "InvalidParameterValue",
            SqsError::MissingParameter(_) => "MissingParameter",
            SqsError::ReceiptHandleIsInvalid(_) => "ReceiptHandleIsInvalid",
            SqsError::PurgeQueueInProgress(_) => "PurgeQueueInProgress",
        }
    }

    /// `__type` in the JSON protocol: modelled errors carry SQS's Smithy
    /// namespace; the common errors (`InvalidParameterValue`,
    /// `MissingParameter`) are sent bare. The bare form is not confirmed
    /// in AWS's documentation.
    pub fn json_type(&self) -> &'static str {
        match self {
            SqsError::QueueDoesNotExist => "com.amazonaws.sqs#QueueDoesNotExist",
            SqsError::QueueNameExists(_) => "com.amazonaws.sqs#QueueNameExists",
            SqsError::InvalidAttributeName(_) => "com.amazonaws.sqs#InvalidAttributeName",
            SqsError::InvalidAttributeValue(_) => "com.amazonaws.sqs#InvalidAttributeValue",
            SqsError::InvalidParameterValue(_) => "InvalidParameterValue",
            SqsError::MissingParameter(_) => "MissingParameter",
            SqsError::ReceiptHandleIsInvalid(_) => "com.amazonaws.sqs#ReceiptHandleIsInvalid",
            SqsError::PurgeQueueInProgress(_) => "com.amazonaws.sqs#PurgeQueueInProgress",
        }
    }
}

impl fmt::Display for SqsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqsError::QueueDoesNotExist => f.write_str("The specified queue does not exist."),
            SqsError::QueueNameExists(attribute) => {
                write!(f, "A queue already exists with the same name and a different value for attribute {attribute}")
            }
            SqsError::InvalidAttributeName(name) => write!(f, "Unknown Attribute {name}."),
            SqsError::InvalidAttributeValue(message)
            | SqsError::InvalidParameterValue(message)
            | SqsError::MissingParameter(message) => f.write_str(message),
            SqsError::ReceiptHandleIsInvalid(handle) => {
                write!(f, "The input receipt handle \"{handle}\" is not a valid receipt handle.")
            }
            SqsError::PurgeQueueInProgress(name) => {
                write!(f, "Only one PurgeQueue operation on {name} is allowed every 60 seconds.")
            }
        }
    }
}

impl core::error::Error for SqsError {}

/// The URL of queue `name`.
pub fn queue_url(name: &str) -> String {
    format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{name}")
}

/// The ARN of queue `name`.
pub fn queue_arn(name: &str) -> String {
    format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}")
}

pub(crate) fn name_of_url(url: &str) -> Option<&str> {
    url.strip_prefix("https://sqs.")?
        .strip_prefix(REGION)?
        .strip_prefix(".amazonaws.com/")?
        .strip_prefix(ACCOUNT_ID)?
        .strip_prefix('/')
}

pub(crate) fn name_of_arn(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:aws:sqs:")?
        .strip_prefix(REGION)?
        .strip_prefix(':')?
        .strip_prefix(ACCOUNT_ID)?
        .strip_prefix(':')
}

/// One message in a queue.
#[derive(Clone, Debug)]
struct Message {
    id: String,
    body: String,
    md5_of_body: String,
    sent: Instant,
    // Invariant: `sent <= visible_at` until the message is first received.
    visible_at: Instant,
    // Invariant: `receipt` and `first_received` are set exactly when `receive_count > 0`.
    receive_count: u32,
    first_received: Option<Instant>,
    /// The handle of the latest receive: the only one that deletes.
    receipt: Option<String>,
    /// FIFO queues only: the group, deduplication id and sequence number.
    fifo: Option<FifoFields>,
}

#[derive(Clone, Debug)]
struct FifoFields {
    group_id: String,
    deduplication_id: String,
    sequence_number: u64,
}

/// A deduplication id a FIFO queue remembers, with what the first send answered.
#[derive(Clone, Debug)]
struct Sent {
    at: Instant,
    message_id: String,
    sequence_number: u64,
}

#[derive(Clone, Debug)]
struct Queue {
    name: String,
    created: Instant,
    attributes: QueueAttributes,
    // Invariant: in send order (messages moved in from a source queue come
    // after those already here), which FIFO delivery relies on.
    messages: Vec<Message>,
    last_purge: Option<Instant>,
    /// FIFO queues only: deduplication ids sent in the last 5 minutes.
    deduplication: BTreeMap<String, Sent>,
    /// FIFO queues only: the last sequence number handed out.
    last_sequence_number: u64,
}

impl Queue {
    /// Forgets messages older than the retention period.
    fn expire(&mut self, now: Instant) {
        let retention = Duration::from_secs(u64::from(self.attributes.message_retention_period));
        self.messages.retain(|m| now.saturating_since(m.sent) < retention);
    }

    fn status(&self, now: Instant) -> QueueStatus {
        let retention = Duration::from_secs(u64::from(self.attributes.message_retention_period));
        let mut status = QueueStatus::default();
        for m in self.messages.iter().filter(|m| now.saturating_since(m.sent) < retention) {
            match (m.visible_at <= now, m.receive_count) {
                (true, _) => status.visible += 1,
                (false, 0) => status.delayed += 1,
                (false, _) => status.in_flight += 1,
            }
        }
        status
    }
}

/// Every queue of the account, and the generator behind their randomness.
// Invariant: a message carries FIFO fields exactly when its queue is FIFO
// (a dead-letter queue has its source's type).
#[derive(Clone, Debug)]
pub(crate) struct Queues {
    queues: BTreeMap<String, Queue>,
    rand: Rand,
}

impl Default for Queues {
    fn default() -> Self {
        Queues { queues: BTreeMap::new(), rand: Rand::new(SQS_SEED) }
    }
}

impl Queues {
    /// `SendMessage` at `now` (see [`crate::Simulation::sqs_send`]).
    pub(crate) fn send(&mut self, now: Instant, input: SendMessageInput) -> Result<SendMessageOutput, SqsError> {
        let SendMessageInput {
            queue_url,
            message_body: body,
            delay_seconds,
            message_group_id,
            message_deduplication_id,
        } = input;
        let queue = self.queue_mut(&queue_url)?;
        if body.is_empty() {
            return Err(SqsError::MissingParameter("The request must contain the parameter MessageBody.".into()));
        }
        if body.len() > queue.attributes.maximum_message_size as usize {
            return Err(SqsError::InvalidParameterValue(format!(
                "One or more parameters are invalid. Reason: Message must be shorter than {} bytes.",
                queue.attributes.maximum_message_size
            )));
        }
        if let Some(delay) = delay_seconds {
            check_parameter("DelaySeconds", delay, 0, 900)?;
        }
        // Members the queue type does not take, refused as SQS refuses them.
        let not_for_this_queue = |parameter: &str, value: &str| {
            SqsError::InvalidParameterValue(format!(
                "Value {value} for parameter {parameter} is invalid. Reason: The request include parameter that is not valid for this queue type."
            ))
        };
        let md5_of_body = md5_hex(body.as_bytes());
        let fifo = if queue.attributes.fifo_queue {
            if let Some(delay) = delay_seconds {
                return Err(not_for_this_queue("DelaySeconds", &delay.to_string()));
            }
            let group_id = message_group_id.ok_or_else(|| {
                SqsError::MissingParameter("The request must contain the parameter MessageGroupId.".into())
            })?;
            // SQS hashes the body with SHA-256; MD5 stands in for it here,
            // which deduplicates the same bodies.
            let deduplication_id = match message_deduplication_id {
                Some(id) => id,
                None if queue.attributes.content_based_deduplication => md5_of_body.clone(),
                None => {
                    return Err(SqsError::InvalidParameterValue(
                        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly".into(),
                    ));
                }
            };
            queue.deduplication.retain(|_, sent| now.saturating_since(sent.at) < DEDUPLICATION_INTERVAL);
            if let Some(sent) = queue.deduplication.get(&deduplication_id) {
                return Ok(SendMessageOutput {
                    message_id: sent.message_id.clone(),
                    md5_of_message_body: md5_of_body,
                    sequence_number: Some(sent.sequence_number.to_string()),
                });
            }
            queue.last_sequence_number += 1;
            Some(FifoFields { group_id, deduplication_id, sequence_number: queue.last_sequence_number })
        } else {
            if let Some(group_id) = &message_group_id {
                return Err(not_for_this_queue("MessageGroupId", group_id));
            }
            if let Some(deduplication_id) = &message_deduplication_id {
                return Err(not_for_this_queue("MessageDeduplicationId", deduplication_id));
            }
            None
        };
        let delay = delay_seconds.unwrap_or(queue.attributes.delay_seconds);
        let id = self.uuid();
        let queue = self.queue_mut(&queue_url).expect("found above");
        let sequence_number = fifo.as_ref().map(|f| f.sequence_number);
        if let Some(fifo) = &fifo {
            let sent = Sent { at: now, message_id: id.clone(), sequence_number: fifo.sequence_number };
            queue.deduplication.insert(fifo.deduplication_id.clone(), sent);
        }
        queue.messages.push(Message {
            id: id.clone(),
            body,
            md5_of_body: md5_of_body.clone(),
            sent: now,
            visible_at: now + Duration::from_secs(u64::from(delay)),
            receive_count: 0,
            first_received: None,
            receipt: None,
            fifo,
        });
        Ok(SendMessageOutput {
            message_id: id,
            md5_of_message_body: md5_of_body,
            sequence_number: sequence_number.map(|n| n.to_string()),
        })
    }

    /// `SendMessage` to the queue `arn` names, at `now` (see
    /// [`crate::Simulation::sqs_send_message_to_arn`]).
    pub(crate) fn send_to_arn(&mut self, now: Instant, arn: &str, body: &str) -> Result<SendMessageOutput, SqsError> {
        let name = name_of_arn(arn).ok_or(SqsError::QueueDoesNotExist)?;
        self.send(now, SendMessageInput::new(&queue_url(name), body))
    }

    fn uuid(&mut self) -> String {
        let hex: String = (0..4).map(|_| format!("{:08x}", self.rand.rand_u32())).collect();
        format!("{}-{}-4{}-a{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
    }

    /// Every queue's name and redrive policy, in name order.
    pub(crate) fn redrive_policies(&self) -> impl Iterator<Item = (&str, Option<&RedrivePolicy>)> {
        self.queues.values().map(|q| (q.name.as_str(), q.attributes.redrive_policy.as_ref()))
    }

    fn queue_mut(&mut self, url: &str) -> Result<&mut Queue, SqsError> {
        name_of_url(url).and_then(|name| self.queues.get_mut(name)).ok_or(SqsError::QueueDoesNotExist)
    }

    /// See the invariants on [`Message`]'s fields.
    pub(crate) fn check_invariants(&self, now: Instant) -> Result<(), String> {
        for (name, queue) in &self.queues {
            if *name != queue.name {
                return Err(format!("queue {} is filed under the name {name}", queue.name));
            }
            for m in &queue.messages {
                if m.fifo.is_some() != queue.attributes.fifo_queue {
                    return Err(format!("message {} of queue {name} does not match the queue's type", m.id));
                }
                let received = m.receive_count > 0;
                if received != m.receipt.is_some() || received != m.first_received.is_some() {
                    return Err(format!(
                        "message {} of queue {name} has a receipt that does not match its receive count",
                        m.id
                    ));
                }
                if m.sent > now || (!received && m.visible_at < m.sent) {
                    return Err(format!("message {} of queue {name} has times out of order", m.id));
                }
            }
        }
        Ok(())
    }
}

/// A receipt handle: base64 of the queue name, the message id and a random
/// nonce, so that every receive hands out a different one.
fn receipt_handle(queue: &str, message_id: &str, nonce: u32) -> String {
    base64::encode(format!("{queue}\n{message_id}\n{nonce:08x}").as_bytes())
}

/// The message id in `handle`, if it is a handle of queue `queue`.
fn message_of_handle(handle: &str, queue: &str) -> Option<String> {
    let text = String::from_utf8(base64::decode(handle)?).ok()?;
    let mut parts = text.split('\n');
    let (name, id, _nonce) = (parts.next()?, parts.next()?, parts.next()?);
    (name == queue && parts.next().is_none()).then(|| id.to_string())
}

/// An attribute's value as a whole number in `range`, or SQS's refusal.
fn number_attribute(name: &str, value: &str, range: core::ops::RangeInclusive<u32>) -> Result<u32, SqsError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| SqsError::InvalidAttributeValue(format!("Invalid value for the parameter {name}.")))
}

/// An attribute's value as `true` or `false`, or SQS's refusal.
fn boolean_attribute(name: &str, value: &str) -> Result<bool, SqsError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(SqsError::InvalidAttributeValue(format!("Invalid value for the parameter {name}."))),
    }
}

/// A `ReceiveMessage` or `ChangeMessageVisibility` parameter outside its range.
fn check_parameter(name: &str, value: u32, min: u32, max: u32) -> Result<(), SqsError> {
    if (min..=max).contains(&value) {
        return Ok(());
    }
    Err(SqsError::InvalidParameterValue(format!(
        "Value {value} for parameter {name} is invalid. Reason: Must be between {min} and {max}, if provided."
    )))
}

// Documented where the simulation offers them, in `sim_sqs.rs`.
impl Queues {
    /// The queue's attributes from `CreateQueue`'s `Attributes` map.
    fn parse_queue_attributes(&self, given: &BTreeMap<String, String>) -> Result<QueueAttributes, SqsError> {
        let mut attributes = QueueAttributes::default();
        for (name, value) in given {
            match name.as_str() {
                "VisibilityTimeout" => {
                    attributes.visibility_timeout = number_attribute(name, value, 0..=MAX_VISIBILITY_TIMEOUT)?
                }
                "DelaySeconds" => attributes.delay_seconds = number_attribute(name, value, 0..=900)?,
                "MessageRetentionPeriod" => {
                    attributes.message_retention_period = number_attribute(name, value, 60..=1_209_600)?
                }
                // The upper bound rose from 262144 to 1048576 in 2025; the default stayed.
                "MaximumMessageSize" => {
                    attributes.maximum_message_size = number_attribute(name, value, 1024..=1_048_576)?
                }
                "ReceiveMessageWaitTimeSeconds" => {
                    attributes.receive_message_wait_time_seconds = number_attribute(name, value, 0..=20)?
                }
                "RedrivePolicy" => attributes.redrive_policy = Some(self.parse_redrive_policy(value)?),
                "FifoQueue" => attributes.fifo_queue = boolean_attribute(name, value)?,
                "ContentBasedDeduplication" => attributes.content_based_deduplication = boolean_attribute(name, value)?,
                _ => return Err(SqsError::InvalidAttributeName(name.clone())),
            }
        }
        Ok(attributes)
    }

    fn parse_redrive_policy(&self, text: &str) -> Result<RedrivePolicy, SqsError> {
        let invalid = |why: &str| {
            SqsError::InvalidParameterValue(format!(
                "Value {text} for parameter RedrivePolicy is invalid. Reason: {why}"
            ))
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|_| invalid("Redrive policy is not a valid JSON map."))?;
        let arn = value["deadLetterTargetArn"]
            .as_str()
            .ok_or_else(|| invalid("Redrive policy does not contain mandatory attribute: deadLetterTargetArn."))?;
        // SQS takes the count as a number or as a string of digits.
        let count = match &value["maxReceiveCount"] {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.parse().ok(),
            _ => return Err(invalid("Redrive policy does not contain mandatory attribute: maxReceiveCount.")),
        };
        let count = count
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| invalid("Invalid value for maxReceiveCount: must be between 1 and 1000."))?;
        if !name_of_arn(arn).is_some_and(|name| self.queues.contains_key(name)) {
            return Err(invalid("Dead letter target does not exist."));
        }
        Ok(RedrivePolicy { dead_letter_target_arn: arn.into(), max_receive_count: count as u32 })
    }

    pub(crate) fn create_queue(
        &mut self,
        now: Instant,
        name: &str,
        attributes: &BTreeMap<String, String>,
    ) -> Result<String, SqsError> {
        let parsed = self.parse_queue_attributes(attributes)?;
        let stem = if parsed.fifo_queue { name.strip_suffix(".fifo") } else { Some(name) };
        let name_ok = (1..=80).contains(&name.len())
            && stem.is_some_and(|stem| stem.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        if !name_ok {
            // SQS's two wordings; the FIFO one is not in the API reference.
            return Err(SqsError::InvalidParameterValue(if parsed.fifo_queue {
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.".into()
            } else {
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length".into()
            }));
        }
        if parsed.content_based_deduplication && !parsed.fifo_queue {
            return Err(SqsError::InvalidAttributeName("ContentBasedDeduplication".into()));
        }
        if let Some(policy) = &parsed.redrive_policy {
            let target = name_of_arn(&policy.dead_letter_target_arn).and_then(|name| self.queues.get(name));
            if target.is_some_and(|target| target.attributes.fifo_queue != parsed.fifo_queue) {
                // The rule is documented; this wording is not.
                return Err(SqsError::InvalidParameterValue(format!(
                    "Value {} for parameter RedrivePolicy is invalid. Reason: Dead-letter target must be a queue of the same type as the source queue.",
                    policy.to_json()
                )));
            }
        }
        if let Some(existing) = self.queues.get(name) {
            // SQS compares only the attributes given, and names one that differs.
            let differs = attributes.keys().find(|attribute| {
                attribute_value(&parsed, attribute) != attribute_value(&existing.attributes, attribute)
            });
            return match differs {
                Some(attribute) => Err(SqsError::QueueNameExists(attribute.clone())),
                None => Ok(queue_url(name)),
            };
        }
        let queue = Queue {
            name: name.into(),
            created: now,
            attributes: parsed,
            messages: Vec::new(),
            last_purge: None,
            deduplication: BTreeMap::new(),
            last_sequence_number: 0,
        };
        self.queues.insert(name.into(), queue);
        Ok(queue_url(name))
    }

    pub(crate) fn get_queue_url(&self, name: &str) -> Result<String, SqsError> {
        self.queues.get(name).map(|q| queue_url(&q.name)).ok_or(SqsError::QueueDoesNotExist)
    }

    pub(crate) fn list_queues(&self, prefix: &str) -> Vec<String> {
        self.queues.keys().filter(|name| name.starts_with(prefix)).map(|name| queue_url(name)).collect()
    }

    pub(crate) fn receive_message(
        &mut self,
        now: Instant,
        input: ReceiveMessageInput,
    ) -> Result<Vec<ReceivedMessage>, SqsError> {
        let max = input.max_number_of_messages.unwrap_or(1);
        check_parameter("MaxNumberOfMessages", max, 1, MAX_RECEIVE_MESSAGES)?;
        if let Some(timeout) = input.visibility_timeout {
            check_parameter("VisibilityTimeout", timeout, 0, MAX_VISIBILITY_TIMEOUT)?;
        }
        if let Some(wait) = input.wait_time_seconds {
            check_parameter("WaitTimeSeconds", wait, 0, 20)?;
        }
        let queue = self.queue_mut(&input.queue_url)?;
        queue.expire(now);
        let name = queue.name.clone();
        // Redrive first: those messages are not candidates.
        if let Some(policy) = queue.attributes.redrive_policy.clone() {
            let (moved, kept): (Vec<Message>, Vec<Message>) = core::mem::take(&mut queue.messages)
                .into_iter()
                .partition(|m| m.visible_at <= now && m.receive_count >= policy.max_receive_count);
            queue.messages = kept;
            let target = name_of_arn(&policy.dead_letter_target_arn).and_then(|n| self.queues.get_mut(n));
            match target {
                Some(dead_letter) => {
                    dead_letter.messages.extend(moved.into_iter().map(|m| Message { visible_at: now, ..m }))
                }
                // The dead-letter queue existed when the policy was set and
                // queues are never deleted, so this cannot happen; keep the
                // messages rather than lose them if it ever does.
                None => self.queue_mut(&input.queue_url).expect("found above").messages.extend(moved),
            }
        }
        let Queues { queues, rand } = self;
        let queue = queues.get_mut(&name).expect("found above");
        let (candidates, n_taken) = if queue.attributes.fifo_queue {
            let chosen = fifo_candidates(&queue.messages, now, max as usize);
            let n_taken = chosen.len();
            (chosen, n_taken)
        } else {
            let mut candidates: Vec<usize> =
                (0..queue.messages.len()).filter(|&i| queue.messages[i].visible_at <= now).collect();
            // Fisher–Yates on the first `max` places: a standard queue promises no order.
            let n_taken = candidates.len().min(max as usize);
            for i in 0..n_taken {
                let j = rand.rand_range(i as u32..candidates.len() as u32) as usize;
                candidates.swap(i, j);
            }
            (candidates, n_taken)
        };
        let timeout =
            Duration::from_secs(u64::from(input.visibility_timeout.unwrap_or(queue.attributes.visibility_timeout)));
        let mut received = Vec::with_capacity(n_taken);
        for &idx in &candidates[..n_taken] {
            let message = &mut queue.messages[idx];
            let handle = receipt_handle(&name, &message.id, rand.rand_u32());
            message.receive_count += 1;
            message.visible_at = now + timeout;
            let first_received = *message.first_received.get_or_insert(now);
            message.receipt = Some(handle.clone());
            received.push(ReceivedMessage {
                message_id: message.id.clone(),
                receipt_handle: handle,
                md5_of_body: message.md5_of_body.clone(),
                body: message.body.clone(),
                approximate_receive_count: message.receive_count,
                sent_timestamp: message.sent,
                approximate_first_receive_timestamp: first_received,
                message_group_id: message.fifo.as_ref().map(|f| f.group_id.clone()),
                message_deduplication_id: message.fifo.as_ref().map(|f| f.deduplication_id.clone()),
                sequence_number: message.fifo.as_ref().map(|f| f.sequence_number.to_string()),
            });
        }
        Ok(received)
    }

    pub(crate) fn delete_message(&mut self, queue_url: &str, receipt_handle: &str) -> Result<(), SqsError> {
        let queue = self.queue_mut(queue_url)?;
        message_of_handle(receipt_handle, &queue.name)
            .ok_or_else(|| SqsError::ReceiptHandleIsInvalid(receipt_handle.into()))?;
        queue.messages.retain(|m| m.receipt.as_deref() != Some(receipt_handle));
        Ok(())
    }

    // SQS documents `MessageNotInflight` for this operation, but users
    // observe `InvalidParameterValue` for a deleted message and success for
    // a timed-out one (aws/aws-sdk-net#1927, localstack/localstack#9632);
    // the simulation follows what is observed.
    pub(crate) fn change_message_visibility(
        &mut self,
        now: Instant,
        queue_url: &str,
        receipt_handle: &str,
        visibility_timeout: u32,
    ) -> Result<(), SqsError> {
        check_parameter("VisibilityTimeout", visibility_timeout, 0, MAX_VISIBILITY_TIMEOUT)?;
        let queue = self.queue_mut(queue_url)?;
        message_of_handle(receipt_handle, &queue.name)
            .ok_or_else(|| SqsError::ReceiptHandleIsInvalid(receipt_handle.into()))?;
        let message = queue.messages.iter_mut().find(|m| m.receipt.as_deref() == Some(receipt_handle)).ok_or_else(|| {
            SqsError::InvalidParameterValue(format!(
                "Value {receipt_handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change."
            ))
        })?;
        if message.visible_at > now {
            message.visible_at = now + Duration::from_secs(u64::from(visibility_timeout));
        }
        Ok(())
    }

    pub(crate) fn purge_queue(&mut self, now: Instant, queue_url: &str) -> Result<(), SqsError> {
        let queue = self.queue_mut(queue_url)?;
        if queue.last_purge.is_some_and(|at| now.saturating_since(at) < PURGE_INTERVAL) {
            return Err(SqsError::PurgeQueueInProgress(queue_arn(&queue.name)));
        }
        queue.messages.clear();
        queue.last_purge = Some(now);
        Ok(())
    }

    pub(crate) fn queue_status(&self, now: Instant, queue_url: &str) -> Result<QueueStatus, SqsError> {
        let queue = name_of_url(queue_url).and_then(|name| self.queues.get(name)).ok_or(SqsError::QueueDoesNotExist)?;
        Ok(queue.status(now))
    }

    pub(crate) fn get_queue_attributes(
        &self,
        now: Instant,
        queue_url: &str,
        names: &[String],
    ) -> Result<BTreeMap<String, String>, SqsError> {
        let queue = name_of_url(queue_url).and_then(|name| self.queues.get(name)).ok_or(SqsError::QueueDoesNotExist)?;
        let status = queue.status(now);
        let a = &queue.attributes;
        let fifo = |value: bool| a.fifo_queue.then(|| value.to_string());
        let every: [(&str, Option<String>); 14] = [
            ("ApproximateNumberOfMessages", Some(status.visible.to_string())),
            ("ApproximateNumberOfMessagesDelayed", Some(status.delayed.to_string())),
            ("ApproximateNumberOfMessagesNotVisible", Some(status.in_flight.to_string())),
            ("ContentBasedDeduplication", fifo(a.content_based_deduplication)),
            ("CreatedTimestamp", Some((queue.created.epoch_millis() / 1000).to_string())),
            ("DelaySeconds", Some(a.delay_seconds.to_string())),
            ("FifoQueue", fifo(true)),
            ("LastModifiedTimestamp", Some((queue.created.epoch_millis() / 1000).to_string())),
            ("MaximumMessageSize", Some(a.maximum_message_size.to_string())),
            ("MessageRetentionPeriod", Some(a.message_retention_period.to_string())),
            ("QueueArn", Some(queue_arn(&queue.name))),
            ("ReceiveMessageWaitTimeSeconds", Some(a.receive_message_wait_time_seconds.to_string())),
            ("RedrivePolicy", a.redrive_policy.as_ref().map(RedrivePolicy::to_json)),
            ("VisibilityTimeout", Some(a.visibility_timeout.to_string())),
        ];
        let mut out = BTreeMap::new();
        for name in names {
            if name == "All" {
                out.extend(every.iter().filter_map(|(k, v)| Some((k.to_string(), v.clone()?))));
                continue;
            }
            let (key, value) =
                every.iter().find(|(k, _)| k == name).ok_or_else(|| SqsError::InvalidAttributeName(name.clone()))?;
            if let Some(value) = value {
                out.insert(key.to_string(), value.clone());
            }
        }
        Ok(out)
    }
}

/// The messages a FIFO queue hands out now, at most `max`: from groups
/// with no message in flight, each group's messages in send order up to the
/// first that is not visible yet, and as many of one group as possible
/// before the next, groups taken by their oldest message (as the SQS
/// developer guide describes receiving from several groups).
fn fifo_candidates(messages: &[Message], now: Instant, max: usize) -> Vec<usize> {
    fn group_of(message: &Message) -> &str {
        message.fifo.as_ref().map_or("", |f| f.group_id.as_str())
    }
    let blocked: Vec<&str> =
        messages.iter().filter(|m| m.visible_at > now && m.receive_count > 0).map(group_of).collect();
    let mut groups: Vec<&str> = Vec::new();
    for message in messages {
        let group = group_of(message);
        if !groups.contains(&group) && !blocked.contains(&group) {
            groups.push(group);
        }
    }
    let mut chosen = Vec::new();
    for group in groups {
        let ready = messages
            .iter()
            .enumerate()
            .filter(|(_, m)| group_of(m) == group)
            .take_while(|(_, m)| m.visible_at <= now)
            .map(|(idx, _)| idx);
        chosen.extend(ready.take(max - chosen.len()));
        if chosen.len() == max {
            break;
        }
    }
    chosen
}

/// The value of configuration attribute `name` in `attributes`, for comparison.
fn attribute_value(attributes: &QueueAttributes, name: &str) -> Option<String> {
    Some(match name {
        "VisibilityTimeout" => attributes.visibility_timeout.to_string(),
        "DelaySeconds" => attributes.delay_seconds.to_string(),
        "MessageRetentionPeriod" => attributes.message_retention_period.to_string(),
        "MaximumMessageSize" => attributes.maximum_message_size.to_string(),
        "ReceiveMessageWaitTimeSeconds" => attributes.receive_message_wait_time_seconds.to_string(),
        "RedrivePolicy" => attributes.redrive_policy.as_ref()?.to_json(),
        "FifoQueue" => attributes.fifo_queue.to_string(),
        "ContentBasedDeduplication" => attributes.content_based_deduplication.to_string(),
        _ => return None,
    })
}

fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Simulation;

    /// A simulation with queue `q` created with `attributes`; answers its URL.
    fn sim_with_queue(attributes: &[(&str, &str)]) -> (Simulation, String) {
        let mut sim = Simulation::new();
        let attributes = attributes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let url = sim.sqs_create_queue("q", &attributes).unwrap();
        (sim, url)
    }

    fn receive(sim: &mut Simulation, url: &str, max: u32) -> Vec<ReceivedMessage> {
        sim.sqs_receive_message(ReceiveMessageInput {
            max_number_of_messages: Some(max),
            ..ReceiveMessageInput::new(url)
        })
        .unwrap()
    }

    #[test]
    fn urls_and_arns_name_the_account() {
        let (sim, url) = sim_with_queue(&[]);
        assert_eq!(url, "https://sqs.us-east-1.amazonaws.com/123456789012/q");
        assert_eq!(sim.sqs_get_queue_url("q").unwrap(), url);
        assert_eq!(sim.sqs_list_queues(""), [url.as_str()]);
        assert!(sim.sqs_list_queues("x").is_empty());
        let attributes = sim.sqs_get_queue_attributes(&url, &["QueueArn".into()]).unwrap();
        assert_eq!(attributes["QueueArn"], "arn:aws:sqs:us-east-1:123456789012:q");
    }

    #[test]
    fn unacknowledged_messages_come_back_after_the_visibility_timeout() {
        let (mut sim, url) = sim_with_queue(&[("VisibilityTimeout", "10")]);
        let sent = sim.sqs_send_message(&url, "hello", None).unwrap();
        assert_eq!(sent.md5_of_message_body, "5d41402abc4b2a76b9719d911017c592");
        let first = receive(&mut sim, &url, 1);
        assert_eq!((first[0].body.as_str(), first[0].approximate_receive_count), ("hello", 1));
        assert_eq!(sim.sqs_queue_status(&url).unwrap(), QueueStatus { visible: 0, in_flight: 1, delayed: 0 });
        sim.advance(Duration::from_millis(9_999));
        assert!(receive(&mut sim, &url, 1).is_empty(), "still invisible");
        sim.advance(Duration::from_millis(1));
        let second = receive(&mut sim, &url, 1);
        assert_eq!((second[0].message_id.as_str(), second[0].approximate_receive_count), (sent.message_id.as_str(), 2));
        assert_ne!(second[0].receipt_handle, first[0].receipt_handle);
        assert_eq!(second[0].approximate_first_receive_timestamp, Instant::SIMULATION_START);

        // The first receive's handle is out of date: it succeeds and deletes nothing.
        sim.sqs_delete_message(&url, &first[0].receipt_handle).unwrap();
        assert_eq!(sim.sqs_queue_status(&url).unwrap().in_flight, 1);
        sim.sqs_delete_message(&url, &second[0].receipt_handle).unwrap();
        assert_eq!(sim.sqs_queue_status(&url).unwrap(), QueueStatus::default());
        sim.advance(Duration::from_secs(60));
        assert!(receive(&mut sim, &url, 10).is_empty(), "deleted for good");
    }

    #[test]
    fn change_message_visibility() {
        let (mut sim, url) = sim_with_queue(&[]);
        sim.sqs_send_message(&url, "m", None).unwrap();
        let handle = receive(&mut sim, &url, 1)[0].receipt_handle.clone();
        sim.sqs_change_message_visibility(&url, &handle, 0).unwrap();
        assert_eq!(sim.sqs_queue_status(&url).unwrap().visible, 1);
        // The handle's timeout is over: the call succeeds and the message stays visible.
        sim.sqs_change_message_visibility(&url, &handle, 5).unwrap();
        assert_eq!(sim.sqs_queue_status(&url).unwrap().visible, 1);
        let handle = receive(&mut sim, &url, 1)[0].receipt_handle.clone();
        sim.sqs_change_message_visibility(&url, &handle, 100).unwrap();
        sim.advance(Duration::from_secs(99));
        assert_eq!(sim.sqs_queue_status(&url).unwrap().in_flight, 1);
        sim.advance(Duration::from_secs(1));
        assert_eq!(sim.sqs_queue_status(&url).unwrap().visible, 1);
        let handle = receive(&mut sim, &url, 1)[0].receipt_handle.clone();
        sim.sqs_delete_message(&url, &handle).unwrap();
        let error = sim.sqs_change_message_visibility(&url, &handle, 5).unwrap_err();
        assert_eq!(error.code(), "InvalidParameterValue");
        assert!(
            error
                .to_string()
                .ends_with("Reason: Message does not exist or is not available for visibility timeout change.")
        );
    }

    #[test]
    fn max_receive_count_moves_messages_to_the_dead_letter_queue() {
        let mut sim = Simulation::new();
        let dlq = sim.sqs_create_queue("dlq", &BTreeMap::new()).unwrap();
        let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":"2"}"#;
        let attributes = [("RedrivePolicy".to_string(), policy.to_string()), ("VisibilityTimeout".into(), "1".into())];
        let url = sim.sqs_create_queue("work", &attributes.into_iter().collect()).unwrap();
        sim.sqs_send_message(&url, "poison", None).unwrap();
        for count in 1..=2 {
            assert_eq!(receive(&mut sim, &url, 1)[0].approximate_receive_count, count);
            sim.advance(Duration::from_secs(1));
        }
        assert!(receive(&mut sim, &url, 1).is_empty(), "the third receive moves it instead");
        assert_eq!(sim.sqs_queue_status(&url).unwrap(), QueueStatus::default());
        let dead = receive(&mut sim, &dlq, 1);
        assert_eq!((dead[0].body.as_str(), dead[0].approximate_receive_count), ("poison", 3));
        let attributes = sim.sqs_get_queue_attributes(&url, &["RedrivePolicy".into()]).unwrap();
        assert_eq!(
            attributes["RedrivePolicy"],
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":2}"#
        );
    }

    #[test]
    fn receive_order_is_shuffled_but_the_same_every_run() {
        let run = || {
            let (mut sim, url) = sim_with_queue(&[]);
            for n in 0..10 {
                sim.sqs_send_message(&url, &n.to_string(), None).unwrap();
            }
            let received = receive(&mut sim, &url, 10);
            received.into_iter().map(|m| m.body).collect::<Vec<String>>()
        };
        let order = run();
        assert_eq!(order, run());
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, (0..10).map(|n| n.to_string()).collect::<Vec<_>>(), "every message once");
        assert_ne!(order, sorted, "not in send order");
    }

    #[test]
    fn receive_takes_at_most_max_and_delayed_messages_wait() {
        let (mut sim, url) = sim_with_queue(&[("DelaySeconds", "5")]);
        for n in 0..4 {
            sim.sqs_send_message(&url, &n.to_string(), None).unwrap();
        }
        sim.sqs_send_message(&url, "now", Some(0)).unwrap();
        assert_eq!(sim.sqs_queue_status(&url).unwrap(), QueueStatus { visible: 1, in_flight: 0, delayed: 4 });
        assert_eq!(receive(&mut sim, &url, 10).len(), 1);
        sim.advance(Duration::from_secs(5));
        assert_eq!(receive(&mut sim, &url, 3).len(), 3);
        assert_eq!(sim.sqs_queue_status(&url).unwrap(), QueueStatus { visible: 1, in_flight: 4, delayed: 0 });
    }

    #[track_caller]
    fn check_refused(result: Result<impl fmt::Debug, SqsError>, code: &str, message: &str) {
        let error = result.unwrap_err();
        assert_eq!((error.code(), error.to_string().as_str()), (code, message));
    }

    #[test]
    fn validation_errors() {
        let (mut sim, url) = sim_with_queue(&[]);
        let with = |max: Option<u32>, timeout: Option<u32>, wait: Option<u32>| ReceiveMessageInput {
            queue_url: url.clone(),
            max_number_of_messages: max,
            visibility_timeout: timeout,
            wait_time_seconds: wait,
        };
        let cases: [(ReceiveMessageInput, &str); 4] = [
            (
                with(Some(0), None, None),
                "Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.",
            ),
            (
                with(Some(11), None, None),
                "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.",
            ),
            (
                with(None, Some(43_201), None),
                "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.",
            ),
            (
                with(None, None, Some(21)),
                "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be between 0 and 20, if provided.",
            ),
        ];
        for (input, message) in cases {
            check_refused(sim.sqs_receive_message(input), "InvalidParameterValue", message);
        }
        let other = queue_url("nope");
        check_refused(
            sim.sqs_send_message(&other, "x", None),
            "QueueDoesNotExist",
            "The specified queue does not exist.",
        );
        check_refused(
            sim.sqs_send_message(&url, "", None),
            "MissingParameter",
            "The request must contain the parameter MessageBody.",
        );
        check_refused(
            sim.sqs_send_message(&url, &"x".repeat(262_145), None),
            "InvalidParameterValue",
            "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.",
        );
        check_refused(
            sim.sqs_delete_message(&url, "garbage"),
            "ReceiptHandleIsInvalid",
            "The input receipt handle \"garbage\" is not a valid receipt handle.",
        );
        check_refused(
            sim.sqs_change_message_visibility(&url, "garbage", 1),
            "ReceiptHandleIsInvalid",
            "The input receipt handle \"garbage\" is not a valid receipt handle.",
        );
        let attributes = |k: &str, v: &str| [(k.to_string(), v.to_string())].into_iter().collect::<BTreeMap<_, _>>();
        check_refused(
            sim.sqs_create_queue("bad name", &BTreeMap::new()),
            "InvalidParameterValue",
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        );
        check_refused(
            sim.sqs_create_queue("r", &attributes("VisibilityTimeout", "43201")),
            "InvalidAttributeValue",
            "Invalid value for the parameter VisibilityTimeout.",
        );
        check_refused(
            sim.sqs_create_queue("r", &attributes("Colour", "blue")),
            "InvalidAttributeName",
            "Unknown Attribute Colour.",
        );
        check_refused(
            sim.sqs_create_queue("q", &attributes("VisibilityTimeout", "31")),
            "QueueNameExists",
            "A queue already exists with the same name and a different value for attribute VisibilityTimeout",
        );
        assert_eq!(
            sim.sqs_create_queue("q", &attributes("VisibilityTimeout", "30")),
            Ok(url.clone()),
            "same attributes: same queue"
        );
        check_refused(
            sim.sqs_create_queue(
                "r",
                &attributes(
                    "RedrivePolicy",
                    r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:none","maxReceiveCount":3}"#,
                ),
            ),
            "InvalidParameterValue",
            r#"Value {"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:none","maxReceiveCount":3} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist."#,
        );
        sim.sqs_purge_queue(&url).unwrap();
        check_refused(
            sim.sqs_purge_queue(&url),
            "PurgeQueueInProgress",
            "Only one PurgeQueue operation on arn:aws:sqs:us-east-1:123456789012:q is allowed every 60 seconds.",
        );
        sim.advance(PURGE_INTERVAL);
        sim.sqs_purge_queue(&url).unwrap();
    }

    #[test]
    fn send_by_arn_reaches_the_queue() {
        let (mut sim, url) = sim_with_queue(&[]);
        sim.sqs_send_message_to_arn(&queue_arn("q"), r#"{"failed":true}"#).unwrap();
        assert_eq!(receive(&mut sim, &url, 1)[0].body, r#"{"failed":true}"#);
        assert_eq!(sim.sqs_send_message_to_arn(&queue_arn("nope"), "x"), Err(SqsError::QueueDoesNotExist));
    }

    #[test]
    fn snapshot_keeps_in_flight_messages() {
        let (mut sim, url) = sim_with_queue(&[]);
        sim.sqs_send_message(&url, "a", None).unwrap();
        sim.sqs_send_message(&url, "b", None).unwrap();
        let handle = receive(&mut sim, &url, 1)[0].receipt_handle.clone();
        let mut restored = Simulation::restore(&sim.snapshot()).unwrap();
        assert_eq!(restored.sqs_queue_status(&url).unwrap(), QueueStatus { visible: 1, in_flight: 1, delayed: 0 });
        restored.sqs_delete_message(&url, &handle).unwrap();
        assert_eq!(restored.sqs_queue_status(&url).unwrap(), QueueStatus { visible: 1, in_flight: 0, delayed: 0 });
        // The generator travels with the snapshot: both draw the same next receive.
        assert_eq!(receive(&mut restored, &url, 1), receive(&mut sim, &url, 1));
    }

    /// A FIFO queue `q.fifo` with `ContentBasedDeduplication` as given; answers its URL.
    fn sim_with_fifo_queue(content_based: bool) -> (Simulation, String) {
        let mut sim = Simulation::new();
        let attributes = [
            ("FifoQueue".to_string(), "true".to_string()),
            ("ContentBasedDeduplication".into(), content_based.to_string()),
        ];
        let url = sim.sqs_create_queue("q.fifo", &attributes.into_iter().collect()).unwrap();
        (sim, url)
    }

    fn send_fifo(sim: &mut Simulation, url: &str, group: &str, body: &str) -> SendMessageOutput {
        let input = SendMessageInput { message_group_id: Some(group.into()), ..SendMessageInput::new(url, body) };
        sim.sqs_send(input).unwrap()
    }

    fn bodies(messages: &[ReceivedMessage]) -> Vec<&str> {
        messages.iter().map(|m| m.body.as_str()).collect()
    }

    #[test]
    fn fifo_groups_come_in_order_and_wait_for_their_in_flight_messages() {
        let (mut sim, url) = sim_with_fifo_queue(true);
        for (group, body) in [("a", "a1"), ("b", "b1"), ("a", "a2"), ("b", "b2"), ("a", "a3")] {
            send_fifo(&mut sim, &url, group, body);
        }
        let first = receive(&mut sim, &url, 2);
        assert_eq!(bodies(&first), ["a1", "a2"], "send order, one group first");
        assert_eq!(first[0].message_group_id.as_deref(), Some("a"));
        let second = receive(&mut sim, &url, 10);
        assert_eq!(bodies(&second), ["b1", "b2"], "group a waits for its messages in flight");
        assert!(receive(&mut sim, &url, 10).is_empty(), "both groups have messages in flight");
        sim.sqs_delete_message(&url, &first[0].receipt_handle).unwrap();
        assert!(receive(&mut sim, &url, 10).is_empty(), "a2 is still in flight");
        sim.sqs_delete_message(&url, &first[1].receipt_handle).unwrap();
        assert_eq!(bodies(&receive(&mut sim, &url, 10)), ["a3"]);
        // Nothing else is deleted: after the timeout every group comes back,
        // the one with the oldest message first.
        sim.advance(Duration::from_secs(30));
        let again = receive(&mut sim, &url, 10);
        assert_eq!(bodies(&again), ["b1", "b2", "a3"]);
        assert_eq!(again[0].approximate_receive_count, 2);
        assert_eq!(again[0].sequence_number.as_deref(), Some("2"));
    }

    #[test]
    fn fifo_deduplicates_within_five_minutes() {
        let (mut sim, url) = sim_with_fifo_queue(true);
        let first = send_fifo(&mut sim, &url, "g", "same");
        let second = send_fifo(&mut sim, &url, "g", "same");
        assert_eq!(
            (first.message_id.as_str(), first.sequence_number.as_deref()),
            (second.message_id.as_str(), Some("1"))
        );
        assert_eq!(sim.sqs_queue_status(&url).unwrap().visible, 1);
        sim.advance(DEDUPLICATION_INTERVAL);
        let third = send_fifo(&mut sim, &url, "g", "same");
        assert_ne!(third.message_id, first.message_id);
        assert_eq!(third.sequence_number.as_deref(), Some("2"));
        let explicit = SendMessageInput {
            message_group_id: Some("g".into()),
            message_deduplication_id: Some("order-7".into()),
            ..SendMessageInput::new(&url, "other")
        };
        sim.sqs_send(explicit.clone()).unwrap();
        sim.sqs_send(SendMessageInput { message_body: "changed".into(), ..explicit }).unwrap();
        assert_eq!(sim.sqs_queue_status(&url).unwrap().visible, 3, "the id decides, not the body");
    }

    #[test]
    fn fifo_validation() {
        let (mut sim, url) = sim_with_fifo_queue(false);
        let no_group = sim.sqs_send(SendMessageInput::new(&url, "x"));
        check_refused(no_group, "MissingParameter", "The request must contain the parameter MessageGroupId.");
        let no_deduplication =
            sim.sqs_send(SendMessageInput { message_group_id: Some("g".into()), ..SendMessageInput::new(&url, "x") });
        check_refused(
            no_deduplication,
            "InvalidParameterValue",
            "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
        );
        let delayed = sim.sqs_send(SendMessageInput {
            message_group_id: Some("g".into()),
            message_deduplication_id: Some("d".into()),
            delay_seconds: Some(5),
            ..SendMessageInput::new(&url, "x")
        });
        check_refused(
            delayed,
            "InvalidParameterValue",
            "Value 5 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.",
        );
        let standard = sim.sqs_create_queue("plain", &BTreeMap::new()).unwrap();
        let grouped = sim
            .sqs_send(SendMessageInput { message_group_id: Some("g".into()), ..SendMessageInput::new(&standard, "x") });
        check_refused(
            grouped,
            "InvalidParameterValue",
            "Value g for parameter MessageGroupId is invalid. Reason: The request include parameter that is not valid for this queue type.",
        );
        let fifo = [("FifoQueue".to_string(), "true".to_string())].into_iter().collect();
        check_refused(
            sim.sqs_create_queue("nosuffix", &fifo),
            "InvalidParameterValue",
            "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
        );
        check_refused(
            sim.sqs_create_queue("plain.fifo", &BTreeMap::new()),
            "InvalidParameterValue",
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        );
        let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:plain","maxReceiveCount":1}"#;
        let mismatched: BTreeMap<String, String> =
            [("FifoQueue".to_string(), "true".to_string()), ("RedrivePolicy".into(), policy.into())]
                .into_iter()
                .collect();
        assert_eq!(sim.sqs_create_queue("dead.fifo", &mismatched).unwrap_err().code(), "InvalidParameterValue");
        let attributes = sim.sqs_get_queue_attributes(&url, &["All".into()]).unwrap();
        assert_eq!(
            (attributes["FifoQueue"].as_str(), attributes["ContentBasedDeduplication"].as_str()),
            ("true", "false")
        );
        let attributes = sim.sqs_get_queue_attributes(&standard, &["All".into()]).unwrap();
        assert!(!attributes.contains_key("FifoQueue"));
    }
}
