//! A polling consumer: the simplest Kinesis application.
//!
//! It gets one iterator per shard, then calls `GetRecords` on each shard once
//! per [`POLL_INTERVAL`] of simulated time, keeping what it receives in order.
//! It goes through the same public operations a real application would, so it
//! sees the same errors and limits.

use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::error::GetShardIteratorError;
use crate::iterator::{ShardIteratorType, StartingPosition};
use crate::ops_records::GetShardIteratorInput;
use crate::sim::Simulation;
use crate::stream::{Record, ShardId};
use crate::time::{Duration, Instant};

/// How often a consumer polls each shard: once a second, the KCL's default
/// idle time between reads and well under the 5 calls/s per-shard limit.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Identifies a consumer within a simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConsumerId(pub u32);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PollingConsumer {
    pub(crate) id: ConsumerId,
    stream: String,
    iterator_type: ShardIteratorType,
    shards: Vec<ShardCursor>,
    pub(crate) next_poll: Instant,
}

/// A consumer's progress in one shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardCursor {
    /// The shard read.
    pub shard: ShardId,
    /// The iterator for the next call; `None` once the shard is finished.
    pub iterator: Option<String>,
    /// Every record received from this shard, in the order received.
    pub records: Vec<Record>,
    /// `MillisBehindLatest` from the last `GetRecords` response.
    pub millis_behind_latest: u64,
    /// The last error, as `code: message`, if the last call failed.
    pub last_error: Option<String>,
}

impl PollingConsumer {
    pub(crate) fn start(
        sim: &mut Simulation,
        id: ConsumerId,
        stream: &str,
        position: StartingPosition,
    ) -> Result<PollingConsumer, GetShardIteratorError> {
        let shard_ids: Vec<ShardId> = match sim.stream(stream) {
            Some(view) => view.open_shards().map(|s| s.id).collect(),
            None => return Err(GetShardIteratorError::ResourceNotFound(crate::NotFound::Stream(stream.into()))),
        };
        let iterator_type = position.iterator_type();
        let mut shards = Vec::with_capacity(shard_ids.len());
        for shard in shard_ids {
            let input =
                GetShardIteratorInput { stream_name: stream.into(), shard_id: shard, position: position.clone() };
            let iterator = sim.get_shard_iterator(input)?;
            shards.push(ShardCursor {
                shard,
                iterator: Some(iterator),
                records: Vec::new(),
                millis_behind_latest: 0,
                last_error: None,
            });
        }
        Ok(PollingConsumer { id, stream: stream.into(), iterator_type, shards, next_poll: sim.now() + POLL_INTERVAL })
    }

    /// One `GetRecords` call per unfinished shard. A shard read to its end
    /// after a reshard hands over to its children, read from their start.
    /// Like a hand-written consumer, and unlike the KCL, it does not wait for
    /// a merged child's other parent to finish first.
    pub(crate) fn poll(&mut self, sim: &mut Simulation) {
        let mut children = Vec::new();
        for cursor in &mut self.shards {
            let Some(iterator) = cursor.iterator.take() else { continue };
            match sim.get_records(&iterator, None) {
                Ok(output) => {
                    cursor.records.extend(output.records);
                    cursor.iterator = output.next_shard_iterator;
                    cursor.millis_behind_latest = output.millis_behind_latest;
                    cursor.last_error = None;
                    children.extend(output.child_shards.into_iter().map(|c| c.shard_id));
                }
                Err(err) => {
                    cursor.last_error = Some(alloc::format!("{}: {err}", err.code()));
                    cursor.iterator = Some(iterator);
                }
            }
        }
        for child in children {
            if self.shards.iter().any(|c| c.shard == child) {
                continue;
            }
            let input = GetShardIteratorInput {
                stream_name: self.stream.clone(),
                shard_id: child,
                position: StartingPosition::TrimHorizon,
            };
            let (iterator, last_error) = match sim.get_shard_iterator(input) {
                Ok(iterator) => (Some(iterator), None),
                Err(err) => (None, Some(alloc::format!("{}: {err}", err.code()))),
            };
            self.shards.push(ShardCursor {
                shard: child,
                iterator,
                records: Vec::new(),
                millis_behind_latest: 0,
                last_error,
            });
        }
        self.next_poll = sim.now() + POLL_INTERVAL;
    }

    /// A view holding only the newest `newest` records of each shard, for
    /// displays that would otherwise copy every record ever read.
    pub(crate) fn summary(&self, newest: usize) -> ConsumerSummary {
        ConsumerSummary {
            id: self.id,
            stream: self.stream.clone(),
            iterator_type: self.iterator_type,
            shards: self
                .shards
                .iter()
                .map(|cursor| CursorSummary {
                    shard: cursor.shard,
                    records_read: cursor.records.len(),
                    newest: cursor.records[cursor.records.len().saturating_sub(newest)..].to_vec(),
                    millis_behind_latest: cursor.millis_behind_latest,
                    last_error: cursor.last_error.clone(),
                })
                .collect(),
        }
    }

    pub(crate) fn view(&self) -> ConsumerView {
        ConsumerView {
            id: self.id,
            stream: self.stream.clone(),
            iterator_type: self.iterator_type,
            shards: self.shards.clone(),
        }
    }
}

/// Read-only view of a polling consumer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsumerView {
    /// The consumer's id.
    pub id: ConsumerId,
    /// The stream it reads.
    pub stream: String,
    /// Where its iterators started.
    pub iterator_type: ShardIteratorType,
    /// Its progress in each shard, in shard order.
    pub shards: Vec<ShardCursor>,
}

/// A polling consumer's progress with only its newest records: what a
/// display needs, cheap to take many times a second.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerSummary {
    /// The consumer's id.
    pub id: ConsumerId,
    /// The stream it reads.
    pub stream: String,
    /// Where its iterators started.
    pub iterator_type: ShardIteratorType,
    /// Its progress in each shard, in shard order.
    pub shards: Vec<CursorSummary>,
}

/// A consumer's progress in one shard, with only the newest records.
#[derive(Clone, Debug, PartialEq)]
pub struct CursorSummary {
    /// The shard read.
    pub shard: ShardId,
    /// How many records it has received from this shard.
    pub records_read: usize,
    /// The newest records received, oldest first.
    pub newest: Vec<Record>,
    /// `MillisBehindLatest` from the last `GetRecords` response.
    pub millis_behind_latest: u64,
    /// The last error, as `code: message`, if the last call failed.
    pub last_error: Option<String>,
}
