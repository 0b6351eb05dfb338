//! Enhanced fan-out: registered consumers and `SubscribeToShard`.
//!
//! Each registered consumer gets its own 2 MiB/s per shard, separate from the
//! shared `GetRecords` budget. A subscription is a push channel: instead of
//! HTTP/2 event frames, the caller drains it with
//! [`Simulation::read_subscription`], which delivers everything that arrived
//! since the last drain (within the consumer's budget) as one
//! `SubscribeToShardEvent`. A subscription ends after five minutes, or when a
//! closed shard has been read to its end, and must then be renewed.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::error::{EfoError, NotFound, Validator};
use crate::iterator::StartingPosition;
use crate::kinesis::ops_records::{ChildShard, GetShardIteratorInput, millis_behind_latest};
use crate::kinesis::stream::{Record, Shard, ShardId, Stream};
use crate::kinesis::{Call, Kinesis};
use crate::limits::{
    CONSUMER_CREATE_DELAY, CONSUMER_DELETE_DELAY, EFO_BYTES_PER_SEC, MAX_CONSUMERS_CREATING, MAX_CONSUMERS_PER_STREAM,
    RESUBSCRIBE_WAIT, SUBSCRIPTION_LIFETIME,
};
use crate::metrics::MetricName;
use crate::sequence::SequenceNumber;
use crate::throttle::TokenBucket;
use crate::time::Instant;
use crate::{ACCOUNT_ID, stream_arn};

/// `ConsumerStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsumerStatus {
    /// Being registered; cannot subscribe yet.
    Creating,
    /// Being deregistered.
    Deleting,
    /// Ready to subscribe.
    Active,
}

/// A registered enhanced fan-out consumer (`Consumer` / `ConsumerDescription`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamConsumer {
    /// `ConsumerName`.
    pub consumer_name: String,
    /// `ConsumerARN`: the stream's ARN, `/consumer/NAME:` and the creation time in epoch seconds.
    pub consumer_arn: String,
    /// `ConsumerStatus`.
    pub consumer_status: ConsumerStatus,
    /// `ConsumerCreationTimestamp`.
    pub consumer_creation_timestamp: Instant,
    /// `StreamARN`.
    pub stream_arn: String,
    /// When the status next changes (`CREATING` → `ACTIVE`, `DELETING` → gone).
    pub(crate) status_due: Option<Instant>,
}

/// Identifies a subscription within a simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SubscriptionId(pub u32);

/// An open `SubscribeToShard` push channel.
#[derive(Clone, Debug)]
pub(crate) struct Subscription {
    pub(crate) id: SubscriptionId,
    pub(super) consumer_arn: String,
    pub(super) stream: String,
    pub(super) shard: ShardId,
    /// The counter of the next record to push.
    pub(super) counter: u64,
    pub(super) started: Instant,
    pub(super) budget: TokenBucket,
    pub(super) ended: bool,
}

impl Subscription {
    /// What a restored subscription must hold: a fan-out budget of the
    /// rate every subscription has, and a start no later than the clock.
    pub(crate) fn check_restored(&self, now: Instant) -> Result<(), String> {
        let id = self.id.0;
        self.budget
            .check_restored("fan-out", EFO_BYTES_PER_SEC, now)
            .map_err(|err| alloc::format!("subscription {id} {err}"))?;
        if self.started > now {
            return Err(alloc::format!("subscription {id} started after the clock"));
        }
        Ok(())
    }

    /// `ContinuationSequenceNumber`: just before the next record to push,
    /// where a renewed subscription resumes with `AFTER_SEQUENCE_NUMBER`.
    fn continuation_sequence_number(&self, shard: &Shard) -> Option<SequenceNumber> {
        self.counter.checked_sub(1).map(|counter| shard.sequence_number(counter))
    }
}

/// A registered fan-out consumer and where its subscriptions stand, for a
/// display of its progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FanOutConsumerSummary {
    /// The consumer, as `ListStreamConsumers` describes it.
    pub consumer: StreamConsumer,
    /// Its newest subscription to each shard, in shard order: one per shard
    /// it has subscribed to, open or ended and not yet replaced.
    pub shards: Vec<SubscriptionPosition>,
}

/// Where a fan-out consumer's subscription to one shard stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionPosition {
    /// The subscription, as `SubscribeToShard` answered it (what
    /// `Shardlab.ReadSubscription` reads).
    pub id: SubscriptionId,
    /// The shard subscribed to.
    pub shard: ShardId,
    /// The `ContinuationSequenceNumber` the subscription's next event would
    /// carry: the last record pushed, or, before any, just before its
    /// starting position. `None` before the shard's first record.
    pub continuation_sequence_number: Option<SequenceNumber>,
    /// `MillisBehindLatest` now: how long the next record to push has waited,
    /// 0 when the subscription has caught up.
    pub millis_behind_latest: u64,
    /// Whether the subscription is over (five minutes passed, shard end, or
    /// the consumer was deregistered) and must be renewed to read on.
    pub ended: bool,
}

/// One pushed `SubscribeToShardEvent`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscribeToShardEvent {
    /// `Records`.
    pub records: Vec<Record>,
    /// `ContinuationSequenceNumber`: where a renewed subscription resumes (`AFTER_SEQUENCE_NUMBER`).
    pub continuation_sequence_number: Option<SequenceNumber>,
    /// `MillisBehindLatest`.
    pub millis_behind_latest: u64,
    /// `ChildShards`: set when the end of a closed shard is reached.
    pub child_shards: Vec<ChildShard>,
}

/// What draining a subscription gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionRead {
    /// The event pushed since the last drain.
    pub event: SubscribeToShardEvent,
    /// Whether the subscription is over (five minutes passed, or shard end).
    pub ended: bool,
}

fn consumer_arn(stream: &str, name: &str, created: Instant) -> String {
    format!("{}/consumer/{name}:{}", stream_arn(stream), created.epoch_millis() / 1000)
}

/// The stream name in a stream ARN of this account and region.
fn stream_of_arn(arn: &str) -> Option<&str> {
    arn.strip_prefix(&format!("arn:aws:kinesis:{}:{ACCOUNT_ID}:stream/", crate::REGION)).filter(|n| !n.contains('/'))
}

impl Stream {
    pub(crate) fn active_consumer_count(&self) -> u32 {
        self.consumers.iter().filter(|c| c.consumer_status == ConsumerStatus::Active).count() as u32
    }

    /// Lands consumer status changes due by `now`.
    pub(crate) fn update_consumers(&mut self, now: Instant) {
        for consumer in &mut self.consumers {
            if consumer.status_due.is_some_and(|due| due <= now) && consumer.consumer_status == ConsumerStatus::Creating
            {
                consumer.consumer_status = ConsumerStatus::Active;
                consumer.status_due = None;
            }
        }
        self.consumers
            .retain(|c| !(c.consumer_status == ConsumerStatus::Deleting && c.status_due.is_some_and(|d| d <= now)));
    }
}

// Documented where the simulation offers them, in `sim_kinesis.rs`.
impl Kinesis {
    fn stream_by_arn_mut(&mut self, arn: &str) -> Result<&mut Stream, EfoError> {
        let name = stream_of_arn(arn).ok_or_else(|| {
            EfoError::InvalidArgument(format!(
                "StreamARN {arn} is not a stream ARN of account {ACCOUNT_ID} in {}.",
                crate::REGION
            ))
        })?;
        self.streams.get_mut(name).ok_or_else(|| EfoError::ResourceNotFound(NotFound::Stream(name.into())))
    }

    pub(crate) fn register_stream_consumer(
        &mut self,
        cx: Call<'_>,
        stream_arn: &str,
        consumer_name: &str,
    ) -> Result<StreamConsumer, EfoError> {
        cx.authorize("kinesis:RegisterStreamConsumer", stream_arn).map_err(EfoError::AccessDenied)?;
        let mut v = Validator::default();
        v.check(
            (1..=128).contains(&consumer_name.len())
                && consumer_name.bytes().all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c)),
            "consumerName",
            consumer_name.into(),
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        );
        v.finish().map_err(EfoError::Validation)?;
        let now = cx.now;
        let stream = self.stream_by_arn_mut(stream_arn)?;
        if !stream.status.is_usable() {
            return Err(EfoError::ResourceInUse(format!(
                "Stream {} under account {ACCOUNT_ID} not ACTIVE or UPDATING, instead in state {}",
                stream.name,
                stream.status.as_str()
            )));
        }
        if stream.consumers.iter().any(|c| c.consumer_name == consumer_name) {
            return Err(EfoError::ResourceInUse(format!(
                "Consumer {consumer_name} under stream {} already exists for account {ACCOUNT_ID}.",
                stream.name
            )));
        }
        if stream.consumers.len() >= MAX_CONSUMERS_PER_STREAM {
            return Err(EfoError::LimitExceeded(format!(
                "Consumer limit of {MAX_CONSUMERS_PER_STREAM} exceeded for stream {} under account {ACCOUNT_ID}.",
                stream.name
            )));
        }
        if stream.consumers.iter().filter(|c| c.consumer_status == ConsumerStatus::Creating).count()
            >= MAX_CONSUMERS_CREATING
        {
            return Err(EfoError::LimitExceeded(format!(
                "No more than {MAX_CONSUMERS_CREATING} consumers can be in CREATING status at once for stream {} under account {ACCOUNT_ID}.",
                stream.name
            )));
        }
        stream.accrue_cost(now);
        let consumer = StreamConsumer {
            consumer_name: consumer_name.into(),
            consumer_arn: consumer_arn(&stream.name, consumer_name, now),
            consumer_status: ConsumerStatus::Creating,
            consumer_creation_timestamp: now,
            stream_arn: stream_arn.into(),
            status_due: Some(now + CONSUMER_CREATE_DELAY),
        };
        stream.consumers.push(consumer.clone());
        Ok(consumer)
    }

    fn find_consumer(&self, consumer_arn: &str) -> Result<(&Stream, &StreamConsumer), EfoError> {
        let not_found = || EfoError::ResourceNotFound(NotFound::Other(format!("Consumer {consumer_arn} not found.")));
        let stream_arn = consumer_arn.split("/consumer/").next().ok_or_else(not_found)?;
        let stream = stream_of_arn(stream_arn).and_then(|name| self.streams.get(name)).ok_or_else(not_found)?;
        let consumer = stream.consumers.iter().find(|c| c.consumer_arn == consumer_arn).ok_or_else(not_found)?;
        Ok((stream, consumer))
    }

    pub(crate) fn describe_stream_consumer(
        &self,
        cx: Call<'_>,
        consumer_arn: &str,
    ) -> Result<StreamConsumer, EfoError> {
        cx.authorize("kinesis:DescribeStreamConsumer", consumer_arn).map_err(EfoError::AccessDenied)?;
        self.find_consumer(consumer_arn).map(|(_, c)| c.clone())
    }

    pub(crate) fn list_stream_consumers(
        &mut self,
        cx: Call<'_>,
        stream_arn: &str,
    ) -> Result<Vec<StreamConsumer>, EfoError> {
        cx.authorize("kinesis:ListStreamConsumers", stream_arn).map_err(EfoError::AccessDenied)?;
        Ok(self.stream_by_arn_mut(stream_arn)?.consumers.clone())
    }

    pub(crate) fn deregister_stream_consumer(&mut self, cx: Call<'_>, consumer_arn: &str) -> Result<(), EfoError> {
        cx.authorize("kinesis:DeregisterStreamConsumer", consumer_arn).map_err(EfoError::AccessDenied)?;
        let stream_name = self.find_consumer(consumer_arn)?.0.name.clone();
        let now = cx.now;
        let stream = self.streams.get_mut(&stream_name).expect("found above");
        stream.accrue_cost(now);
        let consumer = stream.consumers.iter_mut().find(|c| c.consumer_arn == consumer_arn).expect("found above");
        consumer.consumer_status = ConsumerStatus::Deleting;
        consumer.status_due = Some(now + CONSUMER_DELETE_DELAY);
        for subscription in self.subscriptions.iter_mut().filter(|s| s.consumer_arn == consumer_arn) {
            subscription.ended = true;
        }
        Ok(())
    }

    pub(crate) fn subscribe_to_shard(
        &mut self,
        cx: Call<'_>,
        consumer_arn: &str,
        shard_id: ShardId,
        position: StartingPosition,
    ) -> Result<SubscriptionId, EfoError> {
        cx.authorize("kinesis:SubscribeToShard", consumer_arn).map_err(EfoError::AccessDenied)?;
        let (stream, consumer) = self.find_consumer(consumer_arn)?;
        if consumer.consumer_status != ConsumerStatus::Active {
            return Err(EfoError::ResourceInUse(format!(
                "Consumer {} with creation timestamp {} under stream: {} , account {ACCOUNT_ID} is not in ACTIVE status.",
                consumer.consumer_name,
                consumer.consumer_creation_timestamp.epoch_millis() / 1000,
                stream.name
            )));
        }
        let stream_name = stream.name.clone();
        let now = cx.now;
        let previous =
            self.subscriptions.iter().position(|s| !s.ended && s.consumer_arn == consumer_arn && s.shard == shard_id);
        if let Some(idx) = previous {
            if now.saturating_since(self.subscriptions[idx].started) < RESUBSCRIBE_WAIT {
                return Err(EfoError::ResourceInUse("Another active subscription exists for this consumer".into()));
            }
            self.subscriptions[idx].ended = true;
        }
        // The starting position resolves exactly as GetShardIterator's does.
        let iterator = self
            .get_shard_iterator(cx, GetShardIteratorInput { stream_name: stream_name.clone(), shard_id, position })
            .map_err(|err| match err {
                crate::GetShardIteratorError::ResourceNotFound(nf) => EfoError::ResourceNotFound(nf),
                crate::GetShardIteratorError::InvalidArgument(m) => EfoError::InvalidArgument(m),
                crate::GetShardIteratorError::Validation(v) => EfoError::Validation(v),
                crate::GetShardIteratorError::AccessDenied(a) => EfoError::AccessDenied(a),
            })?;
        let counter =
            crate::iterator::IteratorToken::decode(&iterator, &self.iterator_key, None).expect("just issued").counter;
        let id = SubscriptionId(self.next_subscription_id);
        self.next_subscription_id += 1;
        self.subscriptions.retain(|s| !s.ended);
        self.subscriptions.push(Subscription {
            id,
            consumer_arn: consumer_arn.into(),
            stream: stream_name,
            shard: shard_id,
            counter,
            started: now,
            budget: TokenBucket::new(now, EFO_BYTES_PER_SEC),
            ended: false,
        });
        Ok(id)
    }

    pub(crate) fn fan_out_consumer_summaries(&self, cx: Call<'_>, stream: &str) -> Vec<FanOutConsumerSummary> {
        let Some(stream) = self.streams.get(stream) else { return Vec::new() };
        let summary = |consumer: &StreamConsumer| {
            // Subscriptions are kept in the order they were opened, so the
            // last one for a shard is its newest.
            let mut newest = BTreeMap::new();
            for subscription in self.subscriptions.iter().filter(|s| s.consumer_arn == consumer.consumer_arn) {
                newest.insert(subscription.shard, subscription);
            }
            let shards = newest
                .into_values()
                .filter_map(|subscription| {
                    let shard = stream.shard(subscription.shard)?;
                    Some(SubscriptionPosition {
                        id: subscription.id,
                        shard: shard.id,
                        continuation_sequence_number: subscription.continuation_sequence_number(shard),
                        millis_behind_latest: millis_behind_latest(
                            cx.now,
                            shard.next_unread(subscription.counter).as_ref(),
                        ),
                        ended: subscription.ended,
                    })
                })
                .collect();
            FanOutConsumerSummary { consumer: consumer.clone(), shards }
        };
        stream.consumers.iter().map(summary).collect()
    }

    pub(crate) fn read_subscription(&mut self, cx: Call<'_>, id: SubscriptionId) -> Result<SubscriptionRead, EfoError> {
        let now = cx.now;
        let Kinesis { streams, subscriptions, .. } = self;
        let gone = || EfoError::ResourceNotFound(NotFound::Other(format!("Subscription {} not found.", id.0)));
        let subscription = subscriptions.iter_mut().find(|s| s.id == id).ok_or_else(gone)?;
        let stream = streams.get_mut(&subscription.stream).ok_or_else(gone)?;
        let Stream { shards, keys, tally, cost, mode, .. } = stream;
        let tally = tally.at(now);
        let shard = shards.iter().find(|s| s.id == subscription.shard).ok_or_else(gone)?;
        let mut records = Vec::new();
        let mut bytes = 0;
        if !subscription.ended {
            let budget = &mut subscription.budget;
            let admit = |billed| {
                if !budget.has(now, billed) {
                    return false;
                }
                budget.take(now, billed);
                bytes += billed;
                true
            };
            records = shard.records().read(shard.position_of(subscription.counter), admit);
            if let Some(last) = records.last() {
                subscription.counter = last.sequence_number().counter() + 1;
            }
            crate::kinesis::ops_records::decrypt_all(&mut records, keys);
        }
        let next_unread = shard.next_unread(subscription.counter);
        let millis_behind_latest = millis_behind_latest(now, next_unread.as_ref());
        let at_end = !shard.is_open() && next_unread.is_none();
        let expired = now.saturating_since(subscription.started) >= SUBSCRIPTION_LIFETIME;
        subscription.ended |= at_end || expired;
        tally.add(MetricName::OutgoingBytes, Some(shard.id), bytes as f64);
        tally.add(MetricName::OutgoingRecords, Some(shard.id), records.len() as f64);
        let consumer_name =
            subscription.consumer_arn.rsplit('/').next().and_then(|n| n.split(':').next()).unwrap_or_default();
        tally.subscription_event(consumer_name, records.len(), bytes, millis_behind_latest);
        cost.record_read(*mode, bytes, true);
        Ok(SubscriptionRead {
            event: SubscribeToShardEvent {
                records,
                continuation_sequence_number: subscription.continuation_sequence_number(shard),
                millis_behind_latest,
                child_shards: if at_end {
                    crate::kinesis::ops_records::child_shards(shards, subscription.shard)
                } else {
                    Vec::new()
                },
            },
            ended: subscription.ended,
        })
    }
}
