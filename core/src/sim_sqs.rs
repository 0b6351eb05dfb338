//! Amazon SQS as the simulation offers it: each call at its clock. The
//! queues themselves are a service of their own (`sqs.rs`), told the time.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::sim::Simulation;
use crate::sqs::{QueueStatus, ReceiveMessageInput, ReceivedMessage, SendMessageInput, SendMessageOutput, SqsError};

impl Simulation {
    /// `CreateQueue`: a standard queue with `attributes` (SQS's names and
    /// string values); answers its URL. Creating an existing queue with the
    /// same attributes answers the same URL. Errors: `InvalidParameterValue`
    /// (name), `InvalidAttributeName`, `InvalidAttributeValue`,
    /// `QueueNameExists`.
    pub fn sqs_create_queue(&mut self, name: &str, attributes: &BTreeMap<String, String>) -> Result<String, SqsError> {
        self.sqs.create_queue(self.now, name, attributes)
    }

    /// `GetQueueUrl`. Errors: `QueueDoesNotExist`.
    pub fn sqs_get_queue_url(&self, name: &str) -> Result<String, SqsError> {
        self.sqs.get_queue_url(name)
    }

    /// `ListQueues`: the URLs of queues whose names start with `prefix`.
    pub fn sqs_list_queues(&self, prefix: &str) -> Vec<String> {
        self.sqs.list_queues(prefix)
    }

    /// `SendMessage` of `body` with `delay_seconds` overriding the queue's
    /// `DelaySeconds`: [`Simulation::sqs_send`] for a standard queue.
    pub fn sqs_send_message(
        &mut self,
        queue_url: &str,
        body: &str,
        delay_seconds: Option<u32>,
    ) -> Result<SendMessageOutput, SqsError> {
        self.sqs_send(SendMessageInput { delay_seconds, ..SendMessageInput::new(queue_url, body) })
    }

    /// `SendMessage`. A FIFO queue answers a deduplication id it saw in the
    /// last 5 minutes with the first message's id and enqueues nothing.
    /// Errors: `QueueDoesNotExist`, `MissingParameter` (empty body, no group
    /// id for a FIFO queue), `InvalidParameterValue` (too long, delay out of
    /// range, a member the queue type does not take, no deduplication id).
    pub fn sqs_send(&mut self, input: SendMessageInput) -> Result<SendMessageOutput, SqsError> {
        self.sqs.send(self.now, input)
    }

    /// Sends `body` to the queue `arn` names
    /// (`arn:aws:sqs:us-east-1:123456789012:NAME`): for services that
    /// address queues by ARN, such as a Lambda event source mapping's
    /// on-failure destination. Errors as [`Simulation::sqs_send_message`].
    pub fn sqs_send_message_to_arn(&mut self, arn: &str, body: &str) -> Result<SendMessageOutput, SqsError> {
        self.sqs.send_to_arn(self.now, arn, body)
    }

    /// `ReceiveMessage`: up to `MaxNumberOfMessages` visible messages, in an
    /// order drawn from the seeded generator. A message already received
    /// `maxReceiveCount` times moves to the dead-letter queue instead.
    /// Errors: `QueueDoesNotExist`, `InvalidParameterValue`.
    pub fn sqs_receive_message(&mut self, input: ReceiveMessageInput) -> Result<Vec<ReceivedMessage>, SqsError> {
        self.sqs.receive_message(self.now, input)
    }

    /// `DeleteMessage`. A handle from an earlier receive of a message
    /// received again since, or of a message already deleted, succeeds and
    /// deletes nothing. Errors: `QueueDoesNotExist`, `ReceiptHandleIsInvalid`.
    pub fn sqs_delete_message(&mut self, queue_url: &str, receipt_handle: &str) -> Result<(), SqsError> {
        self.sqs.delete_message(queue_url, receipt_handle)
    }

    /// `ChangeMessageVisibility`: the message becomes visible
    /// `visibility_timeout` seconds from now (0: at once). A handle whose
    /// timeout has already run out changes nothing and succeeds, as SQS
    /// does. Errors: `QueueDoesNotExist`, `ReceiptHandleIsInvalid`, and
    /// `InvalidParameterValue` for a timeout out of range or a message that
    /// was deleted or received again since.
    pub fn sqs_change_message_visibility(
        &mut self,
        queue_url: &str,
        receipt_handle: &str,
        visibility_timeout: u32,
    ) -> Result<(), SqsError> {
        self.sqs.change_message_visibility(self.now, queue_url, receipt_handle, visibility_timeout)
    }

    /// `PurgeQueue`: deletes every message. Errors: `QueueDoesNotExist`,
    /// `PurgeQueueInProgress` (purged less than 60 seconds ago).
    pub fn sqs_purge_queue(&mut self, queue_url: &str) -> Result<(), SqsError> {
        self.sqs.purge_queue(self.now, queue_url)
    }

    /// The counts of a queue's messages by state. Errors: `QueueDoesNotExist`.
    pub fn sqs_queue_status(&self, queue_url: &str) -> Result<QueueStatus, SqsError> {
        self.sqs.queue_status(self.now, queue_url)
    }

    /// `GetQueueAttributes`: the named attributes, or every one for `All`,
    /// as SQS's strings. Errors: `QueueDoesNotExist`, `InvalidAttributeName`.
    pub fn sqs_get_queue_attributes(
        &self,
        queue_url: &str,
        names: &[String],
    ) -> Result<BTreeMap<String, String>, SqsError> {
        self.sqs.get_queue_attributes(self.now, queue_url, names)
    }
}
