//! A polling consumer: the simplest Kinesis application.
//!
//! It gets one iterator per shard, then calls `GetRecords` on each shard once
//! per [`POLL_INTERVAL`] of simulated time, keeping what it receives in order.
//! It goes through the same public operations a real application would, so it
//! sees the same errors and limits.
//!
//! It can be paused, as if its host froze: it makes no calls meanwhile, so its
//! iterators keep ageing. A shard iterator is valid for five minutes after it
//! is issued ("Expired iterator exception errors", Kinesis Data Streams
//! Developer Guide), so one paused for longer meets
//! `ExpiredIteratorException` when it resumes. It then does what AWS
//! recommends, obtaining a new iterator: `AFTER_SEQUENCE_NUMBER` of the last
//! record it read from that shard, so that nothing is lost or read twice.
//! Left out: checkpoints (it keeps its position in memory only) and
//! refreshing iterators before they expire.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::error::{GetRecordsError, GetShardIteratorError, ListError, NotFound};
use crate::iterator::{ShardIteratorType, StartingPosition};
use crate::kinesis::KinesisClient;
use crate::kinesis::ops_records::GetShardIteratorInput;
use crate::kinesis::ops_streams::ShardFilter;
use crate::kinesis::stream::{Record, ShardId};
use crate::time::{Duration, Instant};

mod snapshot_v1;

pub(crate) use snapshot_v1::PollingConsumerV1;

/// How often a consumer polls each shard: once a second, the KCL's default
/// idle time between reads and well under the 5 calls/s per-shard limit.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// How many of the newest records received a consumer keeps per shard. It
/// counts every record, but keeping them all would hold a second copy of the
/// stream (and one more in every saved state of the playground).
pub(crate) const RECEIVED_KEPT: usize = 100;

/// Identifies a consumer within a simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConsumerId(pub u32);

#[derive(Clone, Debug)]
pub(crate) struct PollingConsumer {
    pub(crate) id: ConsumerId,
    stream: String,
    iterator_type: ShardIteratorType,
    shards: Vec<ShardCursor>,
    pub(crate) next_poll: Instant,
    /// Until when the consumer is stalled.
    paused_until: Option<Instant>,
}

/// A consumer's progress in one shard.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardCursor {
    /// The shard read.
    pub shard: ShardId,
    /// The iterator for the next call; `None` once the shard is finished.
    pub iterator: Option<String>,
    /// The newest records received from this shard, at most
    /// `RECEIVED_KEPT` (100), in the order received.
    pub records: Vec<Record>,
    /// How many records it has received from this shard.
    pub records_read: u64,
    /// `MillisBehindLatest` from the last `GetRecords` response.
    pub millis_behind_latest: u64,
    /// The last error, as `code: message`, if the last call failed.
    pub last_error: Option<String>,
    /// Where reading this shard began: the consumer's starting position, or
    /// `TRIM_HORIZON` for a child shard. `LATEST` is kept as `AT_TIMESTAMP`
    /// of the moment the first iterator was taken, so that a fresh iterator
    /// taken later starts at the same place rather than skipping what arrived
    /// meanwhile (it also takes in records that arrived in that millisecond
    /// before the consumer started: timestamps cannot tell them apart).
    pub starting_position: StartingPosition,
    /// The last `ExpiredIteratorException` met on this shard, kept after the
    /// consumer has recovered so that a display can still show it.
    pub expired: Option<IteratorExpiry>,
}

/// An `ExpiredIteratorException` a consumer met, and how it recovered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IteratorExpiry {
    /// When `GetRecords` refused the iterator.
    pub at: Instant,
    /// The exception's message.
    pub message: String,
    /// Where the consumer asked `GetShardIterator` to start the new iterator:
    /// after the last record read, or where reading began if none was. If
    /// that call failed, `last_error` says why, and the next poll tries again.
    pub resume_from: StartingPosition,
}

/// A failed call, as a cursor's `last_error` shows it.
fn describe(code: &str, err: impl core::fmt::Display) -> String {
    alloc::format!("{code}: {err}")
}

/// `ResourceNotFoundException`'s message for a polling consumer that does not exist.
pub(crate) fn not_found(id: ConsumerId) -> NotFound {
    NotFound::Other(alloc::format!("Consumer {} not found.", id.0))
}

impl PollingConsumer {
    /// The records it holds could have been read from a stream, checked on
    /// a restored snapshot before anything reads their bytes.
    pub(crate) fn check_restored(&self, now: Instant) -> Result<(), String> {
        // What `pause` keeps: no poll falls due while paused. A paused poll
        // does nothing, so one due then would fall due again and again.
        if let Some(until) = self.paused_until(now)
            && self.next_poll < until
        {
            return Err(alloc::format!("consumer {} polls while it is paused", self.id.0));
        }
        for cursor in &self.shards {
            for record in &cursor.records {
                // A consumer keeps records in plain text, as `GetRecords` hands them out.
                record.check_restored(0, now).map_err(|err| alloc::format!("consumer {}: {err}", self.id.0))?;
            }
        }
        Ok(())
    }
}

impl ShardCursor {
    /// A cursor for `shard` whose first iterator came from `starting_position`.
    fn new(
        shard: ShardId,
        starting_position: StartingPosition,
        iterator: Result<String, GetShardIteratorError>,
    ) -> ShardCursor {
        let (iterator, last_error) = match iterator {
            Ok(iterator) => (Some(iterator), None),
            Err(err) => (None, Some(describe(err.code(), err))),
        };
        ShardCursor {
            shard,
            iterator,
            records: Vec::new(),
            records_read: 0,
            millis_behind_latest: 0,
            last_error,
            starting_position,
            expired: None,
        }
    }

    /// Counts the `read` records received and keeps the newest
    /// [`RECEIVED_KEPT`], which are the newest of them in `records`.
    fn receive(&mut self, mut records: Vec<Record>, read: u64) {
        self.records_read = self.records_read.saturating_add(read);
        if records.len() >= RECEIVED_KEPT {
            // Newer than every record kept: the newest of them are kept
            // instead, in their own vector, with nothing moved.
            records.drain(..records.len() - RECEIVED_KEPT);
            self.records = records;
            return;
        }
        self.records.extend(records);
        let excess = self.records.len().saturating_sub(RECEIVED_KEPT);
        self.records.drain(..excess);
    }

    /// How many records it has received from this shard.
    pub fn records_read(&self) -> u64 {
        // Older snapshots did not count, and kept every record.
        self.records_read.max(self.records.len() as u64)
    }

    /// Where a new iterator picks up without losing or repeating a record.
    fn resume_position(&self) -> StartingPosition {
        match self.records.last() {
            Some(last) => StartingPosition::AfterSequenceNumber(last.sequence_number().to_string()),
            None => self.starting_position.clone(),
        }
    }

    /// Replaces an expired iterator with a new one from [`Self::resume_position`].
    fn renew_iterator(&mut self, kinesis: &mut KinesisClient<'_>, stream: &str, message: String) {
        let resume_from = self.resume_position();
        let input =
            GetShardIteratorInput { stream_name: stream.into(), shard_id: self.shard, position: resume_from.clone() };
        match kinesis.get_shard_iterator(input) {
            Ok(iterator) => self.iterator = Some(iterator),
            Err(err) => self.last_error = Some(describe(err.code(), err)),
        }
        self.expired = Some(IteratorExpiry { at: kinesis.now(), message, resume_from });
    }
}

impl PollingConsumer {
    pub(crate) fn start(
        kinesis: &mut KinesisClient<'_>,
        id: ConsumerId,
        stream: &str,
        position: StartingPosition,
    ) -> Result<PollingConsumer, GetShardIteratorError> {
        let open = kinesis.all_shards(stream, ShardFilter::AtLatest).map_err(|err| match err {
            ListError::AccessDenied(denied) => GetShardIteratorError::AccessDenied(denied),
            // The stream is missing or not yet listable: it cannot be read.
            _ => GetShardIteratorError::ResourceNotFound(crate::NotFound::Stream(stream.into())),
        })?;
        let iterator_type = position.iterator_type();
        let starting_position = match position {
            StartingPosition::Latest => StartingPosition::AtTimestamp(kinesis.now()),
            ref other => other.clone(),
        };
        let mut shards = Vec::with_capacity(open.len());
        for shard in open.iter().map(|s| s.id) {
            let input =
                GetShardIteratorInput { stream_name: stream.into(), shard_id: shard, position: position.clone() };
            let iterator = kinesis.get_shard_iterator(input)?;
            shards.push(ShardCursor::new(shard, starting_position.clone(), Ok(iterator)));
        }
        Ok(PollingConsumer {
            id,
            stream: stream.into(),
            iterator_type,
            shards,
            next_poll: kinesis.now() + POLL_INTERVAL,
            paused_until: None,
        })
    }

    /// Stalls the consumer for `duration` from `now`. Its next poll comes
    /// no sooner than planned, so a short pause never makes it poll early.
    pub(crate) fn pause(&mut self, now: Instant, duration: Duration) {
        let until = now + duration;
        self.paused_until = Some(until);
        self.next_poll = self.next_poll.max(until);
    }

    /// Until when the consumer is stalled, if it still is at `now`.
    pub(crate) fn paused_until(&self, now: Instant) -> Option<Instant> {
        self.paused_until.filter(|&until| now < until)
    }

    /// One `GetRecords` call per unfinished shard. A shard read to its end
    /// after a reshard hands over to its children, read from their start.
    /// Like a hand-written consumer, and unlike the KCL, it does not wait for
    /// a merged child's other parent to finish first. An expired iterator is
    /// replaced at once, and the new one is read at the next poll. A paused
    /// consumer makes no calls.
    pub(crate) fn poll(&mut self, kinesis: &mut KinesisClient<'_>) {
        if self.paused_until(kinesis.now()).is_some() {
            return;
        }
        self.paused_until = None;
        let mut children = Vec::new();
        for cursor in &mut self.shards {
            let Some(iterator) = cursor.iterator.take() else { continue };
            // It keeps only the newest records it receives, so the rest need not be assembled.
            match kinesis.get_records_keeping_newest(&iterator, RECEIVED_KEPT) {
                Ok((output, read)) => {
                    cursor.receive(output.records, read);
                    cursor.iterator = output.next_shard_iterator;
                    cursor.millis_behind_latest = output.millis_behind_latest;
                    cursor.last_error = None;
                    children.extend(output.child_shards.into_iter().map(|c| c.shard_id));
                }
                Err(err) => {
                    cursor.last_error = Some(describe(err.code(), &err));
                    cursor.iterator = Some(iterator);
                    if let GetRecordsError::ExpiredIterator(expired) = err {
                        cursor.renew_iterator(kinesis, &self.stream, expired.to_string());
                    }
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
            let iterator = kinesis.get_shard_iterator(input);
            self.shards.push(ShardCursor::new(child, StartingPosition::TrimHorizon, iterator));
        }
        self.next_poll = kinesis.now() + POLL_INTERVAL;
    }

    /// A view at `now` holding only the newest `newest` records of each
    /// shard, for displays that would otherwise copy every record ever read.
    pub(crate) fn summary(&self, now: Instant, newest: usize) -> ConsumerSummary {
        ConsumerSummary {
            id: self.id,
            stream: self.stream.clone(),
            iterator_type: self.iterator_type,
            paused_until: self.paused_until(now),
            shards: self
                .shards
                .iter()
                .map(|cursor| CursorSummary {
                    shard: cursor.shard,
                    records_read: cursor.records_read(),
                    newest: cursor.records[cursor.records.len().saturating_sub(newest)..].to_vec(),
                    millis_behind_latest: cursor.millis_behind_latest,
                    last_error: cursor.last_error.clone(),
                    expired: cursor.expired.clone(),
                })
                .collect(),
        }
    }

    pub(crate) fn view(&self, now: Instant) -> ConsumerView {
        ConsumerView {
            id: self.id,
            stream: self.stream.clone(),
            iterator_type: self.iterator_type,
            paused_until: self.paused_until(now),
            shards: self.shards.clone(),
        }
    }
}

/// Read-only view of a polling consumer.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerView {
    /// The consumer's id.
    pub id: ConsumerId,
    /// The stream it reads.
    pub stream: String,
    /// Where its iterators started.
    pub iterator_type: ShardIteratorType,
    /// Until when it is paused, if it is.
    pub paused_until: Option<Instant>,
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
    /// Until when it is paused, if it is.
    pub paused_until: Option<Instant>,
    /// Its progress in each shard, in shard order.
    pub shards: Vec<CursorSummary>,
}

/// A consumer's progress in one shard, with only the newest records.
#[derive(Clone, Debug, PartialEq)]
pub struct CursorSummary {
    /// The shard read.
    pub shard: ShardId,
    /// How many records it has received from this shard.
    pub records_read: u64,
    /// The newest records received, oldest first.
    pub newest: Vec<Record>,
    /// `MillisBehindLatest` from the last `GetRecords` response.
    pub millis_behind_latest: u64,
    /// The last error, as `code: message`, if the last call failed.
    pub last_error: Option<String>,
    /// The last `ExpiredIteratorException` met on this shard.
    pub expired: Option<IteratorExpiry>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinesis::stream::Encryption;
    use crate::sequence::SequenceNumber;

    /// Whatever the pages it receives, a cursor keeps the newest 100 of the
    /// records handed to it, in order, and counts every record read.
    #[test]
    fn a_cursor_keeps_the_newest_records_received() {
        let record = |counter| {
            let seq = SequenceNumber::new(0, ShardId::new(0), counter);
            Record::new(seq, Instant::SIMULATION_START, "k", None, b"d", Encryption::None)
        };
        for pages in [&[0, 3, 0][..], &[50, 60], &[100], &[99, 1, 100], &[150, 20], &[250, 100, 30], &[30, 250]] {
            let mut cursor = ShardCursor::new(ShardId::new(0), StartingPosition::TrimHorizon, Ok("it".into()));
            let (mut handed, mut read) = (Vec::new(), 0);
            for &page in pages {
                // Each page read 7 records more than it holds, and holds at
                // most the newest 100, as `get_records_keeping_newest` does.
                let page_read = page as u64 + 7;
                let held = read + page_read - page.min(RECEIVED_KEPT) as u64..read + page_read;
                handed.extend(held.clone());
                cursor.receive(held.map(record).collect(), page_read);
                read += page_read;
            }
            let newest = handed.split_off(handed.len().saturating_sub(RECEIVED_KEPT));
            let kept: Vec<u64> = cursor.records.iter().map(|r| r.sequence_number().counter()).collect();
            assert_eq!(kept, newest, "pages {pages:?}");
            assert_eq!(cursor.records_read(), read, "pages {pages:?}");
        }
    }
}
