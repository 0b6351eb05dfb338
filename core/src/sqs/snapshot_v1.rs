//! The queues in version 1 of the snapshot format. A change to [`Queues`]
//! or the types it holds needs no change here unless it changes what is
//! stored. The defaults read snapshots written before a field existed.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::{FifoFields, Message, Queue, QueueAttributes, Queues, Sent};
use crate::rand::RandV1;
use crate::time::Instant;

#[derive(Serialize, Deserialize)]
pub(crate) struct QueuesV1 {
    queues: BTreeMap<String, QueueV1>,
    rand: RandV1,
}

/// A snapshot without queues has the generator a fresh simulation has.
impl Default for QueuesV1 {
    fn default() -> QueuesV1 {
        Queues::default().into()
    }
}

#[derive(Serialize, Deserialize)]
struct QueueV1 {
    name: String,
    created: Instant,
    attributes: QueueAttributes,
    messages: Vec<MessageV1>,
    last_purge: Option<Instant>,
    #[serde(default)]
    deduplication: BTreeMap<String, SentV1>,
    #[serde(default)]
    last_sequence_number: u64,
}

#[derive(Serialize, Deserialize)]
struct MessageV1 {
    id: String,
    body: String,
    md5_of_body: String,
    sent: Instant,
    visible_at: Instant,
    receive_count: u32,
    first_received: Option<Instant>,
    receipt: Option<String>,
    #[serde(default)]
    fifo: Option<FifoFieldsV1>,
}

#[derive(Serialize, Deserialize)]
struct FifoFieldsV1 {
    group_id: String,
    deduplication_id: String,
    sequence_number: u64,
}

#[derive(Serialize, Deserialize)]
struct SentV1 {
    at: Instant,
    message_id: String,
    sequence_number: u64,
}

impl From<Queues> for QueuesV1 {
    fn from(queues: Queues) -> QueuesV1 {
        let Queues { queues, rand } = queues;
        QueuesV1 { queues: crate::maps::convert_values(queues), rand: rand.into() }
    }
}

impl From<QueuesV1> for Queues {
    fn from(v1: QueuesV1) -> Queues {
        let QueuesV1 { queues, rand } = v1;
        Queues { queues: crate::maps::convert_values(queues), rand: rand.into() }
    }
}

impl From<Queue> for QueueV1 {
    fn from(queue: Queue) -> QueueV1 {
        let Queue { name, created, attributes, messages, last_purge, deduplication, last_sequence_number } = queue;
        QueueV1 {
            name,
            created,
            attributes,
            messages: messages.into_iter().map(MessageV1::from).collect(),
            last_purge,
            deduplication: crate::maps::convert_values(deduplication),
            last_sequence_number,
        }
    }
}

impl From<QueueV1> for Queue {
    fn from(v1: QueueV1) -> Queue {
        let QueueV1 { name, created, attributes, messages, last_purge, deduplication, last_sequence_number } = v1;
        Queue {
            name,
            created,
            attributes,
            messages: messages.into_iter().map(Message::from).collect(),
            last_purge,
            deduplication: crate::maps::convert_values(deduplication),
            last_sequence_number,
        }
    }
}

impl From<Message> for MessageV1 {
    fn from(message: Message) -> MessageV1 {
        let Message { id, body, md5_of_body, sent, visible_at, receive_count, first_received, receipt, fifo } = message;
        MessageV1 {
            id,
            body,
            md5_of_body,
            sent,
            visible_at,
            receive_count,
            first_received,
            receipt,
            fifo: fifo.map(FifoFieldsV1::from),
        }
    }
}

impl From<MessageV1> for Message {
    fn from(v1: MessageV1) -> Message {
        let MessageV1 { id, body, md5_of_body, sent, visible_at, receive_count, first_received, receipt, fifo } = v1;
        Message {
            id,
            body,
            md5_of_body,
            sent,
            visible_at,
            receive_count,
            first_received,
            receipt,
            fifo: fifo.map(FifoFields::from),
        }
    }
}

impl From<FifoFields> for FifoFieldsV1 {
    fn from(fifo: FifoFields) -> FifoFieldsV1 {
        let FifoFields { group_id, deduplication_id, sequence_number } = fifo;
        FifoFieldsV1 { group_id, deduplication_id, sequence_number }
    }
}

impl From<FifoFieldsV1> for FifoFields {
    fn from(v1: FifoFieldsV1) -> FifoFields {
        let FifoFieldsV1 { group_id, deduplication_id, sequence_number } = v1;
        FifoFields { group_id, deduplication_id, sequence_number }
    }
}

impl From<Sent> for SentV1 {
    fn from(sent: Sent) -> SentV1 {
        let Sent { at, message_id, sequence_number } = sent;
        SentV1 { at, message_id, sequence_number }
    }
}

impl From<SentV1> for Sent {
    fn from(v1: SentV1) -> Sent {
        let SentV1 { at, message_id, sequence_number } = v1;
        Sent { at, message_id, sequence_number }
    }
}
