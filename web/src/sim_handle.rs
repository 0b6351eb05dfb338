//! `SimHandle`: the one way the UI reads and changes the simulation.
//!
//! Components get it with `expect_context::<SimHandle>()`. Reads go through
//! `with`-style projections so that a component only re-renders when the
//! simulation changes, and every mutation is a named method mirroring an AWS
//! operation, so no component re-implements a service rule.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shardlab_core::firehose::format::gunzip;
use shardlab_core::firehose::{DeliveryStreamDescription, DeliveryStreamStatus};
use shardlab_core::lambda::{Invocation, MappingStatus};
use shardlab_core::metrics::MetricName;
use shardlab_core::s3::ObjectSummary;
use shardlab_core::sqs::{QueueStatus, queue_arn};
use shardlab_core::{
    ConsumerId, ConsumerView, Duration, GetShardIteratorError, Instant, Record, SequenceNumber, ShardId, Simulation,
    StartingPosition, StreamView,
};
use shardlab_core::{api, limits};

/// A shard's load in one second, as fractions of its limits (1.0 = at the limit).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ShardLoad {
    /// Writes against 1 MiB/s and 1,000 records/s.
    pub write: f64,
    /// Shared reads against 2 MiB/s.
    pub read: f64,
    /// Writes refused with `ProvisionedThroughputExceededException`.
    pub write_throttled: u64,
    /// `GetRecords` calls refused.
    pub read_throttled: u64,
}

/// A page of a mapping's invocation log: the newest entries, newest first,
/// and how many the log holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InvocationPage {
    /// At most the number asked for, newest first.
    pub newest: Vec<Invocation>,
    /// Entries in the log (it keeps the last 10,000).
    pub total: usize,
}

/// What an on-failure destination has received.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DestinationMessages {
    /// Messages sent to it.
    pub count: usize,
    /// The newest message's body.
    pub last: Option<String>,
}

/// A delivery stream's configuration and the state of its buffer.
#[derive(Clone, Debug, PartialEq)]
pub struct DeliveryStreamView {
    /// `DescribeDeliveryStream`'s answer.
    pub description: DeliveryStreamDescription,
    /// The buffer and the counters.
    pub status: DeliveryStreamStatus,
}

/// An S3 object's body as a reader can see it.
#[derive(Clone, Debug, PartialEq)]
pub enum ObjectText {
    /// The body is UTF-8 text.
    Plain(String),
    /// The body is GZIP of UTF-8 text: the inflated text, and the stored size.
    Inflated {
        /// The text after inflating.
        text: String,
        /// The compressed size in bytes.
        stored_bytes: usize,
    },
    /// Neither: this many bytes that are not text.
    Binary(usize),
}

/// A queue as the SQS panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueView {
    /// The queue's name.
    pub name: String,
    /// `QueueUrl`.
    pub url: String,
    /// Messages by state.
    pub status: QueueStatus,
    /// `GetQueueAttributes` with `All`, as SQS's strings.
    pub attributes: BTreeMap<String, String>,
    /// The names of the queues whose redrive policy sends their messages here.
    pub dead_letter_queue_for: Vec<String>,
}

impl QueueView {
    /// `RedrivePolicy`'s dead-letter queue ARN and `maxReceiveCount`, if it has one.
    pub fn redrive(&self) -> Option<(String, String)> {
        let policy: serde_json::Value = serde_json::from_str(self.attributes.get("RedrivePolicy")?).ok()?;
        let target = policy.get("deadLetterTargetArn")?.as_str()?.to_string();
        let count = policy.get("maxReceiveCount").map(|c| c.as_str().map_or_else(|| c.to_string(), String::from))?;
        Some((target, count))
    }
}

/// A copyable handle to the page's simulation.
#[derive(Clone, Copy)]
pub struct SimHandle {
    sim: RwSignal<Simulation>,
}

impl SimHandle {
    /// Wraps `sim` in a reactive signal.
    pub fn new(sim: Simulation) -> SimHandle {
        SimHandle { sim: RwSignal::new(sim) }
    }

    /// Replaces the whole simulation (reset to a lesson's start).
    pub fn replace(&self, sim: Simulation) {
        self.sim.set(sim);
    }

    /// Reads the simulation, tracking it reactively.
    pub fn with<R>(&self, read: impl FnOnce(&Simulation) -> R) -> R {
        self.sim.with(read)
    }

    /// The simulated time.
    pub fn now(&self) -> Instant {
        self.sim.with(Simulation::now)
    }

    /// Moves the simulated clock forward.
    pub fn advance(&self, by: Duration) {
        self.sim.update(|s| s.advance(by));
    }

    /// A stream's shards and counts.
    pub fn stream(&self, name: &str) -> Option<StreamView> {
        self.sim.with(|s| s.stream(name))
    }

    /// The newest `n` records of a shard, oldest first.
    pub fn newest_records(&self, stream: &str, shard: ShardId, n: usize) -> Vec<Record> {
        self.sim.with(|s| {
            let Some(records) = s.shard_records(stream, shard) else { return Vec::new() };
            let skip = records.len().saturating_sub(n);
            records.skip(skip).cloned().collect()
        })
    }

    /// Replaces the page's consumer with a new one reading from `position`.
    pub fn restart_consumer(
        &self,
        stream: &str,
        position: StartingPosition,
    ) -> Result<ConsumerId, GetShardIteratorError> {
        self.sim
            .try_update(|s| {
                for consumer in s.consumers() {
                    s.stop_consumer(consumer.id);
                }
                s.start_polling_consumer(stream, position)
            })
            .expect("simulation signal disposed")
    }

    /// Makes a consumer poll now.
    pub fn poll_consumer(&self, id: ConsumerId) {
        self.sim.update(|s| {
            s.poll_consumer(id);
        });
    }

    /// A stored record, as stored (ciphertext if the stream encrypts) and as
    /// a reader would get it.
    pub fn record(&self, stream: &str, sequence_number: SequenceNumber) -> Option<(Record, Record)> {
        self.sim.with(|s| {
            let stored =
                s.shard_records(stream, sequence_number.shard())?.find(|r| r.sequence_number() == sequence_number)?;
            Some((stored.clone(), s.plaintext(stream, stored)))
        })
    }

    /// How busy a shard was in the last whole simulated second, against its
    /// limits: writes (the larger of bytes / 1 MiB and records / 1,000),
    /// reads (bytes / 2 MiB), and how many writes and reads were throttled.
    pub fn shard_load(&self, stream: &str, shard: ShardId) -> ShardLoad {
        self.sim.with(|s| {
            let second = s.now().epoch_millis() / 1000;
            let (from, to) =
                (Instant::from_epoch_millis((second - 1) * 1000), Instant::from_epoch_millis(second * 1000));
            let sum = |metric| -> f64 {
                s.metric_statistics(stream, Some(shard), metric, Duration::from_secs(1), from, to)
                    .iter()
                    // Not `sum()`: an empty f64 sum is -0.0, which prints as "-0".
                    .fold(0.0, |total, d| total + d.sum)
            };
            let write = (sum(MetricName::IncomingBytes) / limits::SHARD_WRITE_BYTES_PER_SEC as f64)
                .max(sum(MetricName::IncomingRecords) / limits::SHARD_WRITE_RECORDS_PER_SEC as f64);
            ShardLoad {
                write,
                read: sum(MetricName::OutgoingBytes) / limits::SHARD_READ_BYTES_PER_SEC as f64,
                write_throttled: sum(MetricName::WriteProvisionedThroughputExceeded) as u64,
                read_throttled: sum(MetricName::ReadProvisionedThroughputExceeded) as u64,
            }
        })
    }

    /// Sends one Kinesis JSON request, as the AWS SDK would over HTTP.
    pub fn api(&self, target: &str, body: &str) -> api::Response {
        self.sim.try_update(|s| api::handle(s, target, body)).expect("simulation signal disposed")
    }

    /// Performs a lesson action (a step of a reference solution); the
    /// service's error as `ExceptionName: message`.
    pub fn apply(&self, action: &shardlab_lessons::Action) -> Result<(), String> {
        self.sim.try_update(|s| action.apply(s)).unwrap_or_else(|| Err("the page is closing".into()))
    }

    /// Every goal of `lesson` and whether the simulation meets it, tracking
    /// the simulation. Goals only read, but they read through the JSON API,
    /// which takes the simulation mutably; the update is untracked, so
    /// checking does not count as a change.
    pub fn check_goals(&self, lesson: &shardlab_lessons::Lesson) -> Vec<shardlab_lessons::GoalStatus> {
        self.sim.track();
        self.sim.try_update_untracked(|s| lesson.check(s)).unwrap_or_default()
    }

    /// The running consumers.
    pub fn consumers(&self) -> Vec<ConsumerView> {
        self.sim.with(Simulation::consumers)
    }

    /// Every Lambda event-source mapping, in the order they were created.
    pub fn mappings(&self) -> Vec<MappingStatus> {
        self.sim.with(Simulation::event_source_mappings)
    }

    /// The newest `newest_n` invocations of mapping `uuid`, newest first.
    /// Empty for a mapping that no longer exists.
    pub fn invocations(&self, uuid: &str, newest_n: usize) -> InvocationPage {
        self.sim.with(|s| {
            let Ok(log) = s.invocations(uuid) else { return InvocationPage::default() };
            InvocationPage { total: log.len(), newest: log.into_iter().rev().take(newest_n).collect() }
        })
    }

    /// What the on-failure destination `arn` has received.
    pub fn destination_messages(&self, arn: &str) -> DestinationMessages {
        self.sim.with(|s| {
            let messages = s.destination_messages(arn);
            DestinationMessages { count: messages.len(), last: messages.last().cloned() }
        })
    }

    /// Every Firehose delivery stream, by name.
    pub fn delivery_streams(&self) -> Vec<DeliveryStreamView> {
        self.sim.with(|s| {
            s.list_delivery_streams(usize::MAX, None, None)
                .names
                .iter()
                .filter_map(|name| {
                    Some(DeliveryStreamView {
                        description: s.describe_delivery_stream(name).ok()?,
                        status: s.delivery_stream_status(name).ok()?,
                    })
                })
                .collect()
        })
    }

    /// Every S3 bucket, by name.
    pub fn s3_buckets(&self) -> Vec<String> {
        self.sim.with(Simulation::s3_buckets)
    }

    /// The objects of `bucket`, in key order; empty if there is no such bucket.
    pub fn s3_objects(&self, bucket: &str) -> Vec<ObjectSummary> {
        self.sim.with(|s| s.s3_list_objects(bucket, "").unwrap_or_default())
    }

    /// The body of an object as text, inflated if it is GZIP, as
    /// `Shardlab.S3GetObject` reads it; `None` if there is no such object.
    pub fn s3_object_text(&self, bucket: &str, key: &str) -> Option<ObjectText> {
        self.sim.with(|s| {
            let body = &s.s3_get_object(bucket, key).ok()?.body;
            if let Ok(text) = std::str::from_utf8(body) {
                return Some(ObjectText::Plain(text.to_string()));
            }
            Some(match gunzip(body).and_then(|inflated| String::from_utf8(inflated).ok()) {
                Some(text) => ObjectText::Inflated { text, stored_bytes: body.len() },
                None => ObjectText::Binary(body.len()),
            })
        })
    }

    /// Every SQS queue, by name, with its counts and attributes.
    pub fn queues(&self) -> Vec<QueueView> {
        self.sim.with(|s| {
            let all = [String::from("All")];
            let mut queues: Vec<QueueView> = s
                .sqs_list_queues("")
                .into_iter()
                .filter_map(|url| {
                    Some(QueueView {
                        name: url.rsplit('/').next()?.to_string(),
                        status: s.sqs_queue_status(&url).ok()?,
                        attributes: s.sqs_get_queue_attributes(&url, &all).ok()?,
                        url,
                        dead_letter_queue_for: Vec::new(),
                    })
                })
                .collect();
            let redrives: Vec<(String, String)> =
                queues.iter().filter_map(|q| Some((q.name.clone(), q.redrive()?.0))).collect();
            for queue in &mut queues {
                let arn = queue_arn(&queue.name);
                queue.dead_letter_queue_for =
                    redrives.iter().filter(|(_, target)| *target == arn).map(|(source, _)| source.clone()).collect();
            }
            queues
        })
    }
}
