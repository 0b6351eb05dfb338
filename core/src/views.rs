//! Read-only views: answers a page or a lesson shows that follow from the
//! services' rules, computed here so that nothing outside `core` repeats a
//! rule or a limit.
//!
//! Each view takes `&self` and reads through the same state and limits the
//! operations use: a shard's load against its throughput limits, the queues
//! an SQS queue's redrive policy links it with, a Firehose buffer against
//! its buffering hints, a Lambda mapping's concurrency against its settings,
//! and a KCL lease's age as the lease takers judge it. Which API targets only read is the `api`
//! module's to say ([`crate::api::is_read_only`]), since its table knows.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::clients::ApplicationId;
use crate::error::EventSourceMappingError;
use crate::firehose::FirehoseError;
use crate::kcl::LeaseAgeing;
use crate::kinesis::stream::ShardId;
use crate::limits::SHARD_READ_BYTES_PER_SEC;
use crate::metrics::{MetricName, WriteLimit};
use crate::sim::Simulation;
use crate::sqs::{SqsError, name_of_arn, name_of_url, queue_arn};
use crate::time::Duration;

/// A shard's load in the last whole second, as fractions of its limits
/// (1.0 = at the limit; a full token bucket lets a second go past it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShardLoad {
    /// Writes against the nearer of the two write limits (see [`crate::metrics::Writes::load`]).
    pub write: f64,
    /// Which of the two that is.
    pub write_limit: WriteLimit,
    /// `OutgoingBytes` against the 2 MiB/s read limit polling consumers share.
    /// `OutgoingBytes` also counts enhanced fan-out reads, which have their
    /// own 2 MiB/s per consumer, so with a fan-out consumer this overstates
    /// the shared limit's use.
    pub read: f64,
    /// Writes refused with `ProvisionedThroughputExceededException`.
    pub write_throttled: u64,
    /// `GetRecords` calls refused.
    pub read_throttled: u64,
}

/// Where an SQS queue's messages go after too many receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadLetterTarget {
    /// The dead-letter queue's name.
    pub queue: String,
    /// `maxReceiveCount`: receives after which a message moves there.
    pub max_receive_count: u32,
}

/// An SQS queue's place in redrive, from the queues' parsed redrive policies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeadLetters {
    /// Its own `RedrivePolicy`, if it has one.
    pub target: Option<DeadLetterTarget>,
    /// The names of the queues whose redrive policy sends their messages
    /// here, in name order (what `ListDeadLetterSourceQueues` lists).
    pub sources: Vec<String>,
}

/// A Firehose delivery stream's buffer against its buffering hints: it is
/// delivered when either is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeliveryBuffer {
    /// The size hint in bytes: `SizeInMBs` MiB.
    pub size_limit: u64,
    /// The bytes of the buffer nearest the size hint: the buffer's or, with
    /// dynamic partitioning, the fullest partition's (each is delivered on
    /// reaching the hint by itself).
    pub fullest_bytes: u64,
    /// The interval hint.
    pub interval: Duration,
    /// How long the oldest buffer (or partition) has been open, if any is.
    pub age: Option<Duration>,
}

/// How many batches a Lambda event-source mapping runs at once, against
/// what its settings allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MappingConcurrency {
    /// Batches running now.
    pub running: u32,
    /// Shards read now: not finished, and not waiting for their parents.
    pub active_shards: u32,
    /// `ParallelizationFactor`: batches one shard may run at once.
    pub parallelization_factor: u32,
    /// What the settings allow: active shards × `ParallelizationFactor`.
    /// After the factor changes, a shard's lanes follow it only as their
    /// batches finish, so for a while `running` may exceed it.
    pub allowed: u32,
}

impl Simulation {
    /// Every message sent to on-failure destination `arn`, oldest first
    /// (empty for an ARN nothing was sent to).
    pub fn destination_messages(&self, arn: &str) -> &[String] {
        self.destinations.sent_to(arn)
    }

    /// How busy `shard` of `stream` was in the last whole simulated second
    /// (the current one is still being counted), against its limits. All
    /// zero for a stream or shard with no metrics.
    pub fn shard_load(&self, stream: &str, shard: ShardId) -> ShardLoad {
        const SECOND: Duration = Duration::from_secs(1);
        let (from, to) = self.last_whole_seconds(SECOND);
        let sum = |metric| -> f64 {
            self.metric_statistics(stream, Some(shard), metric, SECOND, from, to)
                .iter()
                // Not `sum()`: an empty f64 sum is -0.0, which prints as "-0".
                .fold(0.0, |total, d| total + d.sum)
        };
        let (write, write_limit) = self.shard_writes(stream, shard, SECOND).load(SECOND);
        ShardLoad {
            write,
            write_limit,
            read: sum(MetricName::OutgoingBytes) / SHARD_READ_BYTES_PER_SEC as f64,
            write_throttled: sum(MetricName::WriteProvisionedThroughputExceeded) as u64,
            read_throttled: sum(MetricName::ReadProvisionedThroughputExceeded) as u64,
        }
    }

    /// The queue at `queue_url`'s dead-letter queue and the queues whose
    /// dead-letter queue it is. Errors: `QueueDoesNotExist`.
    pub fn sqs_dead_letters(&self, queue_url: &str) -> Result<DeadLetters, SqsError> {
        let name = name_of_url(queue_url).ok_or(SqsError::QueueDoesNotExist)?;
        let (_, policy) =
            self.sqs.redrive_policies().find(|&(queue, _)| queue == name).ok_or(SqsError::QueueDoesNotExist)?;
        let target = policy.map(|p| DeadLetterTarget {
            // Creating the queue checked that its target exists here, so the ARN is this account's.
            queue: name_of_arn(&p.dead_letter_target_arn).unwrap_or(&p.dead_letter_target_arn).to_string(),
            max_receive_count: p.max_receive_count,
        });
        let arn = queue_arn(name);
        let sources = self
            .sqs
            .redrive_policies()
            .filter(|(_, policy)| policy.is_some_and(|p| p.dead_letter_target_arn == arn))
            .map(|(source, _)| source.to_string())
            .collect();
        Ok(DeadLetters { target, sources })
    }

    /// Mapping `uuid`'s batches running now against what its settings allow.
    /// Errors: `ResourceNotFound`.
    pub fn mapping_concurrency(&self, uuid: &str) -> Result<MappingConcurrency, EventSourceMappingError> {
        let status = self.event_source_mapping(uuid)?;
        let active_shards = status.shards.iter().filter(|s| s.active).count() as u32;
        let parallelization_factor = status.config.parallelization_factor;
        Ok(MappingConcurrency {
            running: status.in_flight,
            active_shards,
            parallelization_factor,
            allowed: active_shards * parallelization_factor,
        })
    }

    /// The age of KCL application `app`'s lease on `shard` (see
    /// [`LeaseAgeing`]); `None` if there is no such application or lease.
    pub fn kcl_lease_ageing(&self, app: ApplicationId, shard: ShardId) -> Option<LeaseAgeing> {
        self.kcl_application(app)?.lease_ageing(self.now(), shard)
    }

    /// Delivery stream `name`'s buffer against its buffering hints.
    /// Errors: `ResourceNotFound`.
    pub fn delivery_buffer(&self, name: &str) -> Result<DeliveryBuffer, FirehoseError> {
        let stream = self.delivery_streams.get(name).ok_or_else(|| FirehoseError::ResourceNotFound(name.into()))?;
        Ok(DeliveryBuffer {
            size_limit: stream.size_limit(),
            fullest_bytes: stream.fullest_buffer_bytes(),
            interval: stream.interval(),
            age: self.delivery_stream_status(name)?.buffer_age,
        })
    }
}

#[cfg(test)]
mod tests {
    use alloc::collections::BTreeMap;
    use alloc::{format, vec};

    use super::*;
    use crate::firehose::{BufferingHints, CreateDeliveryStreamInput, DeliverySource, S3Destination};
    use crate::limits::{SHARD_WRITE_BYTES_PER_SEC, STREAM_CREATE_DELAY};
    use crate::sqs::queue_url;
    use crate::{CreateStreamInput, GetShardIteratorInput, PutRecordInput, StartingPosition};

    const IDLE: ShardLoad =
        ShardLoad { write: 0.0, write_limit: WriteLimit::Bytes, read: 0.0, write_throttled: 0, read_throttled: 0 };

    /// A second of traffic on a one-shard stream: `writes` records of
    /// `data_bytes` bytes (key `k`), then `reads` `GetRecords` calls from
    /// the shard's start, all at the second's start; the load is read
    /// during the second (the one before, idle) and once it is over.
    #[track_caller]
    fn check_load(writes: usize, data_bytes: usize, reads: usize, expected: ShardLoad) {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("s", 1)).unwrap();
        sim.advance(STREAM_CREATE_DELAY);
        let shard = ShardId::new(0);
        for _ in 0..writes {
            let _ = sim.put_record(PutRecordInput::new("s", "k", vec![b'x'; data_bytes]));
        }
        let position = StartingPosition::TrimHorizon;
        let iterator = sim
            .get_shard_iterator(GetShardIteratorInput { stream_name: "s".into(), shard_id: shard, position })
            .unwrap();
        for _ in 0..reads {
            let _ = sim.get_records(&iterator, None);
        }
        assert_eq!(sim.shard_load("s", shard), IDLE, "the current second is not counted yet");
        sim.advance(Duration::from_secs(1));
        assert_eq!(sim.shard_load("s", shard), expected);
    }

    #[test]
    fn shard_load_is_the_last_whole_second_against_the_limits() {
        let mib = SHARD_WRITE_BYTES_PER_SEC as f64;
        check_load(0, 0, 0, IDLE);
        // 100 records of 10 bytes and a 1-byte key: the record limit is the nearer.
        check_load(100, 10, 0, ShardLoad { write: 0.1, write_limit: WriteLimit::Records, ..IDLE });
        // Two records of 256 KiB: the byte limit is.
        check_load(2, 256 * 1024, 0, ShardLoad { write: 2.0 * (256.0 * 1024.0 + 1.0) / mib, ..IDLE });
        // Each of three reads returns the ten records of 101 bytes.
        let read = 3.0 * 10.0 * 101.0 / SHARD_READ_BYTES_PER_SEC as f64;
        check_load(10, 100, 3, ShardLoad { write: 0.01, write_limit: WriteLimit::Records, read, ..IDLE });
        // Five calls a second: the sixth is refused.
        check_load(0, 0, 6, ShardLoad { read_throttled: 1, ..IDLE });
        // A full bucket holds a second of records: the 1,001st at once is refused.
        let at_limit = ShardLoad { write: 1.0, write_limit: WriteLimit::Records, write_throttled: 1, ..IDLE };
        check_load(1001, 1, 0, at_limit);
    }

    #[test]
    fn shard_load_of_what_does_not_exist_is_idle() {
        let sim = Simulation::new();
        assert_eq!(sim.shard_load("nope", ShardId::new(3)), IDLE);
    }

    #[test]
    fn dead_letters_come_from_the_parsed_redrive_policies() {
        let mut sim = Simulation::new();
        let redrive = |target: &str, count: u32| {
            let policy = serde_json::json!({"deadLetterTargetArn": queue_arn(target), "maxReceiveCount": count});
            BTreeMap::from([("RedrivePolicy".to_string(), policy.to_string())])
        };
        // Created in an order where each target exists first; a dead-letter queue may have its own.
        let queues = [
            ("last-resort", BTreeMap::new()),
            ("dlq", redrive("last-resort", 2)),
            ("work", redrive("dlq", 3)),
            ("other", redrive("dlq", 5)),
            ("lone", BTreeMap::new()),
        ];
        for (name, attributes) in &queues {
            sim.sqs_create_queue(name, attributes).unwrap();
        }
        let target = |queue: &str, max_receive_count| Some(DeadLetterTarget { queue: queue.into(), max_receive_count });
        let names = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let cases = [
            ("last-resort", DeadLetters { target: None, sources: names(&["dlq"]) }),
            ("dlq", DeadLetters { target: target("last-resort", 2), sources: names(&["other", "work"]) }),
            ("work", DeadLetters { target: target("dlq", 3), sources: vec![] }),
            ("other", DeadLetters { target: target("dlq", 5), sources: vec![] }),
            ("lone", DeadLetters::default()),
        ];
        for (queue, expected) in cases {
            assert_eq!(sim.sqs_dead_letters(&queue_url(queue)), Ok(expected), "{queue}");
        }
        assert_eq!(sim.sqs_dead_letters(&queue_url("nope")), Err(SqsError::QueueDoesNotExist));
        assert_eq!(sim.sqs_dead_letters("not a url"), Err(SqsError::QueueDoesNotExist));
    }

    #[test]
    fn mapping_concurrency_is_the_active_shards_times_the_factor() {
        use crate::lambda::{
            CreateEventSourceMappingInput, FunctionScript, MappingSettings, MappingStartingPosition,
            UpdateEventSourceMappingInput,
        };
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("s", 2)).unwrap();
        sim.advance(STREAM_CREATE_DELAY);
        for key in 0..200 {
            sim.put_record(PutRecordInput::new("s", format!("user-{key}"), b"x".to_vec())).unwrap();
        }
        let script = FunctionScript { duration_per_batch: Duration::from_millis(300), ..FunctionScript::default() };
        sim.create_function("f", script).unwrap();
        let mut input = CreateEventSourceMappingInput::new("s", "f", MappingStartingPosition::TrimHorizon);
        input.settings.batch_size = Some(5);
        input.settings.parallelization_factor = Some(10);
        let uuid = sim.create_event_source_mapping(input).unwrap().uuid;
        sim.advance(Duration::from_millis(1));
        let busy = MappingConcurrency { running: 20, active_shards: 2, parallelization_factor: 10, allowed: 20 };
        assert_eq!(sim.mapping_concurrency(&uuid), Ok(busy));
        // A lower factor applies at once to what is allowed, and to the
        // lanes only as their batches finish.
        let settings = MappingSettings { parallelization_factor: Some(1), ..Default::default() };
        sim.update_event_source_mapping(UpdateEventSourceMappingInput {
            uuid: uuid.clone(),
            settings,
            ..Default::default()
        })
        .unwrap();
        let lowered = MappingConcurrency { parallelization_factor: 1, allowed: 2, ..busy };
        assert_eq!(sim.mapping_concurrency(&uuid), Ok(lowered));
        sim.advance(Duration::from_secs(120));
        assert_eq!(sim.mapping_concurrency(&uuid), Ok(MappingConcurrency { running: 0, ..lowered }));
        assert_eq!(sim.mapping_concurrency("nope").unwrap_err().code(), "ResourceNotFoundException");
    }

    #[test]
    fn lease_expiry_and_the_takeover_window_follow_the_failover_time() {
        use crate::kcl::{KclConfig, TakeoverWindow};
        let config = KclConfig { failover_time: Duration::from_secs(10), ..KclConfig::polling("app", "s") };
        let cases = [(0, false), (9_999, false), (10_000, false), (10_001, true)];
        for (unchanged_ms, expired) in cases {
            assert_eq!(config.lease_expired(Duration::from_millis(unchanged_ms)), expired, "{unchanged_ms} ms");
        }
        let window = TakeoverWindow { earliest: Duration::from_secs(20), latest: Duration::from_secs(40) };
        assert_eq!(config.takeover_window(), window);
    }

    #[test]
    fn a_dead_workers_lease_ages_from_unexpired_to_expired_to_taken() {
        use crate::clients::ApplicationId;
        use crate::kcl::{KclConfig, TakerJudgement};
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("s", 1)).unwrap();
        sim.advance(STREAM_CREATE_DELAY);
        let config = KclConfig::polling("app", "s");
        let window = config.takeover_window();
        let app = sim.create_kcl_application(config).unwrap();
        let shard = ShardId::new(0);
        let owner = |sim: &Simulation| sim.kcl_application(app).unwrap().leases()[0].lease_owner;
        let a = sim.with_kcl_application(app, |app, now| app.add_worker(now)).unwrap();
        sim.advance(Duration::from_secs(1));
        assert_eq!(owner(&sim), Some(a));
        let ageing = sim.kcl_lease_ageing(app, shard).unwrap();
        assert_eq!(ageing.taker, Some(TakerJudgement::NotSeen), "no other worker");
        let b = sim.with_kcl_application(app, |app, now| app.add_worker(now)).unwrap();
        sim.advance(Duration::from_secs(30));
        let ageing = sim.kcl_lease_ageing(app, shard).unwrap();
        assert!(ageing.since_renewal < Duration::from_secs(4), "renewed every 3⅓ s: {ageing:?}");
        // A live owner raises the counter between b's scans, so b has mostly not seen the current one.
        assert!(ageing.taker.is_some(), "owned: {ageing:?}");

        sim.with_kcl_application(app, |app, _| app.kill_worker(a)).unwrap();
        let last_renewal = sim.now() - ageing.since_renewal;
        let mut judgements = Vec::new();
        while owner(&sim) == Some(a) {
            sim.advance(Duration::from_secs(1));
            let ageing = sim.kcl_lease_ageing(app, shard).unwrap();
            if owner(&sim) == Some(a) {
                assert_eq!(ageing.since_renewal, sim.now().saturating_since(last_renewal));
            }
            let kind = match ageing.taker.unwrap() {
                TakerJudgement::Unexpired { failover_time, .. } => {
                    assert_eq!(failover_time, Duration::from_secs(10));
                    "unexpired"
                }
                TakerJudgement::Expired => "expired",
                TakerJudgement::NotSeen => "not seen",
            };
            if judgements.last() != Some(&kind) {
                judgements.push(kind);
            }
        }
        // b's next scan sees the last counter (unless it already had), holds it
        // unchanged past the failover time, and the scan after takes it.
        if judgements.first() == Some(&"not seen") {
            judgements.remove(0);
        }
        assert_eq!(judgements, ["unexpired", "expired", "not seen"], "b took it and no other worker runs");
        assert_eq!(owner(&sim), Some(b));
        let taken_after = sim.now().saturating_since(last_renewal);
        assert!(
            window.earliest <= taken_after && taken_after <= window.latest + Duration::from_secs(1),
            "{taken_after:?}"
        );
        assert_eq!(sim.kcl_lease_ageing(app, ShardId::new(7)), None);
        assert_eq!(sim.kcl_lease_ageing(ApplicationId(9), shard), None);
    }

    fn sim_with_delivery_stream(configure: impl FnOnce(&mut S3Destination)) -> Simulation {
        let mut sim = Simulation::new();
        sim.s3_create_bucket("archive").unwrap();
        let mut destination = S3Destination::new("arn:aws:s3:::archive");
        configure(&mut destination);
        let input = CreateDeliveryStreamInput { name: "d".into(), source: DeliverySource::DirectPut, destination };
        sim.create_delivery_stream(input).unwrap();
        sim
    }

    #[test]
    fn a_delivery_buffer_fills_towards_its_hints() {
        const MIB: u64 = 1024 * 1024;
        let mut sim = sim_with_delivery_stream(|d| {
            d.buffering_hints = BufferingHints { size_in_mbs: 2, interval_in_seconds: 60 }
        });
        let empty =
            DeliveryBuffer { size_limit: 2 * MIB, fullest_bytes: 0, interval: Duration::from_secs(60), age: None };
        assert_eq!(sim.delivery_buffer("d"), Ok(empty));
        sim.firehose_put_record("d", vec![b'x'; 100]).unwrap();
        sim.advance(Duration::from_secs(10));
        sim.firehose_put_record("d", vec![b'x'; 50]).unwrap();
        let filling = DeliveryBuffer { fullest_bytes: 150, age: Some(Duration::from_secs(10)), ..empty };
        assert_eq!(sim.delivery_buffer("d"), Ok(filling));
        // The interval hint delivers it.
        sim.advance(Duration::from_secs(50));
        assert_eq!(sim.delivery_buffer("d"), Ok(empty));
        assert_eq!(sim.delivery_buffer("nope"), Err(FirehoseError::ResourceNotFound("nope".into())));
    }

    #[test]
    fn a_partitioned_buffer_is_as_full_as_its_fullest_partition() {
        let mut sim = sim_with_delivery_stream(|d| {
            d.dynamic_partitioning = true;
            d.metadata_extraction_query = Some("{customer: .customer}".into());
            d.prefix = "customer=!{partitionKeyFromQuery:customer}/".into();
            d.error_output_prefix = "errors/!{firehose:error-output-type}/".into();
            d.buffering_hints = BufferingHints { size_in_mbs: 64, interval_in_seconds: 60 };
        });
        let (a, b) = (br#"{"customer":"a"}"#, br#"{"customer":"bb"}"#);
        for data in [&a[..], a, b] {
            sim.firehose_put_record("d", data.to_vec()).unwrap();
        }
        let status = sim.delivery_stream_status("d").unwrap();
        assert_eq!((status.active_partitions, status.buffered_bytes), (2, 2 * a.len() as u64 + b.len() as u64));
        assert_eq!(sim.delivery_buffer("d").unwrap().fullest_bytes, 2 * a.len() as u64);
    }
}
