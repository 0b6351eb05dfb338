//! A polling consumer's version-1 snapshot form. A change to
//! [`PollingConsumer`] or [`ShardCursor`] needs no change here unless it
//! changes what is stored.
//!
//! The defaults read snapshots written before a field existed.

use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::{ConsumerId, IteratorExpiry, PollingConsumer, ShardCursor};
use crate::iterator::{ShardIteratorType, StartingPosition};
use crate::kinesis::RecordV1;
use crate::kinesis::stream::{Record, ShardId};
use crate::time::Instant;

#[derive(Serialize, Deserialize)]
pub(crate) struct PollingConsumerV1 {
    id: ConsumerId,
    stream: String,
    iterator_type: ShardIteratorType,
    shards: Vec<ShardCursorV1>,
    next_poll: Instant,
    #[serde(default)]
    paused_until: Option<Instant>,
}

/// A cursor as stored: the same fields as the [`ShardCursor`] a view shows,
/// held apart so that the view can change without changing snapshots.
#[derive(Serialize, Deserialize)]
struct ShardCursorV1 {
    shard: ShardId,
    iterator: Option<String>,
    records: Vec<RecordV1>,
    /// Older snapshots did not count: their `records` held every record
    /// received, which [`ShardCursor::records_read`] falls back on.
    #[serde(default)]
    records_read: u64,
    millis_behind_latest: u64,
    last_error: Option<String>,
    /// Older snapshots read as `TRIM_HORIZON`, which, used only while
    /// nothing has been read, can repeat no record.
    #[serde(default = "trim_horizon")]
    starting_position: StartingPosition,
    #[serde(default)]
    expired: Option<IteratorExpiry>,
}

fn trim_horizon() -> StartingPosition {
    StartingPosition::TrimHorizon
}

impl From<PollingConsumer> for PollingConsumerV1 {
    fn from(consumer: PollingConsumer) -> PollingConsumerV1 {
        let PollingConsumer { id, stream, iterator_type, shards, next_poll, paused_until } = consumer;
        PollingConsumerV1 {
            id,
            stream,
            iterator_type,
            shards: shards.into_iter().map(ShardCursorV1::from).collect(),
            next_poll,
            paused_until,
        }
    }
}

impl From<PollingConsumerV1> for PollingConsumer {
    fn from(v1: PollingConsumerV1) -> PollingConsumer {
        let PollingConsumerV1 { id, stream, iterator_type, shards, next_poll, paused_until } = v1;
        PollingConsumer {
            id,
            stream,
            iterator_type,
            shards: shards.into_iter().map(ShardCursor::from).collect(),
            next_poll,
            paused_until,
        }
    }
}

impl From<ShardCursor> for ShardCursorV1 {
    fn from(cursor: ShardCursor) -> ShardCursorV1 {
        let ShardCursor {
            shard,
            iterator,
            records,
            records_read,
            millis_behind_latest,
            last_error,
            starting_position,
            expired,
        } = cursor;
        ShardCursorV1 {
            shard,
            iterator,
            records: records.into_iter().map(RecordV1::from).collect(),
            records_read,
            millis_behind_latest,
            last_error,
            starting_position,
            expired,
        }
    }
}

impl From<ShardCursorV1> for ShardCursor {
    fn from(v1: ShardCursorV1) -> ShardCursor {
        let ShardCursorV1 {
            shard,
            iterator,
            records,
            records_read,
            millis_behind_latest,
            last_error,
            starting_position,
            expired,
        } = v1;
        ShardCursor {
            shard,
            iterator,
            records: records.into_iter().map(Record::from).collect(),
            records_read,
            millis_behind_latest,
            last_error,
            starting_position,
            expired,
        }
    }
}
