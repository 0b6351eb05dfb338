//! The simulation façade: owns simulated time and every simulated resource.
//!
//! The operations themselves live beside the state they change
//! (`ops_streams.rs`, `ops_records.rs`, `reshard.rs`) as further
//! `impl Simulation` blocks; this file holds the state, the clock and the
//! helpers every operation shares.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::consumer::{ConsumerId, ConsumerView, PollingConsumer};
use crate::error::{GetShardIteratorError, PauseConsumerError};
use crate::iterator::{IteratorKey, StartingPosition};
use crate::kinesis::Kinesis;
use crate::kinesis::stream::{Record, ShardId, StreamView};
use crate::policy::{Policies, Policy, Principal};
use crate::sequence::SequenceNumber;
use crate::time::{Duration, Instant};

/// A simulated AWS account holding Kinesis streams and the applications that use them.
///
/// Time moves only when the caller says so, through [`Simulation::advance`]:
/// nothing here sleeps or reads a clock, so the same calls always produce the
/// same state.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub(crate) now: Instant,
    /// The Kinesis service: streams, their records, metrics and fan-out.
    pub(crate) kinesis: Kinesis,
    pub(crate) consumers: Vec<PollingConsumer>,
    pub(crate) next_consumer_id: u32,
    /// Identity policies by principal.
    pub(crate) policies: Policies,
    /// Who calls are made as; `None` is the account's root user.
    pub(crate) caller: Option<Principal>,
    /// KPL producers, by `ProducerId`.
    pub(crate) producers: Vec<crate::kpl::KplProducer>,
    /// KCL applications, by `ApplicationId`.
    pub(crate) applications: Vec<crate::kcl::KclApp>,
    /// Traffic generators, by `GeneratorId`.
    pub(crate) generators: Vec<crate::generator::Generator>,
    /// Lambda functions and event-source mappings. Absent from snapshots
    /// taken before Lambda was modelled.
    pub(crate) lambda: crate::lambda::Lambda,
    /// Messages sent to on-failure destinations, by ARN.
    pub(crate) destinations: crate::destinations::DestinationStore,
    /// The next whole second at which metrics are flushed.
    pub(crate) next_measure: Instant,
    /// The next whole minute at which on-demand streams are checked.
    pub(crate) next_scaling: Instant,
    /// The S3-like object store Firehose delivers to. Absent from older snapshots.
    pub(crate) s3: crate::s3::ObjectStore,
    /// Firehose delivery streams, by name.
    pub(crate) delivery_streams: BTreeMap<String, crate::firehose::DeliveryStream>,
    /// Scripted transformation functions for Firehose, by name.
    pub(crate) transform_functions: crate::firehose::Functions,
    /// SQS queues.
    pub(crate) sqs: crate::sqs::Queues,
    /// The Kinesis calls that changed the simulation (`api::handle`
    /// records them). Absent from snapshots taken before it was kept.
    pub(crate) kinesis_calls: crate::call_log::CallLog,
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation::new()
    }
}

/// What a simulation holds that grows with traffic, and so what bounds its
/// memory: the records streams retain (bounded by each stream's retention
/// period) and the one-second metric buckets (bounded by
/// [`crate::metrics::RETENTION`]). Everything else a long run accumulates
/// is capped by count (consumers' newest records, invocation logs) or grows
/// only with what a learner creates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retained {
    /// Records held by every shard of every stream.
    pub records: u64,
    /// The memory those records take: each shard's packed chunks (the
    /// records' keys, data and explicit hash keys, and their metadata
    /// columns), by capacity.
    pub record_bytes: u64,
    /// One-second metric buckets held, across every series.
    pub metric_buckets: u64,
}

impl Retained {
    /// The memory one metric bucket takes, roughly: its key and statistics
    /// in a B-tree node, with the node's slack.
    pub const METRIC_BUCKET_BYTES: u64 = 64;

    /// An estimate of the memory held: records and metric buckets.
    pub fn estimated_bytes(&self) -> u64 {
        self.record_bytes + self.metric_buckets * Retained::METRIC_BUCKET_BYTES
    }
}

/// Something due at a moment of simulated time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    // Stream changes land before consumers poll at the same instant, so a
    // consumer sees the shards a reshard created in the same millisecond.
    StreamChange(String),
    // Flush metrics first, so that the scaler sees the last second.
    Measure,
    ConsumerPoll(usize),
    Producer(usize),
    Application(usize),
    Generator(usize),
    Mapping(usize),
    DeliveryStream(String),
    OnDemandScaling,
}

impl Simulation {
    /// An empty account whose clock reads [`Instant::SIMULATION_START`],
    /// with the secrets of seed 0 (see [`Simulation::with_seed`]).
    pub fn new() -> Simulation {
        Simulation::with_seed(0)
    }

    /// An empty account whose secrets (the key shard iterators are sealed
    /// with) are drawn from `seed`: iterators one simulation issues are
    /// refused by a simulation of another seed.
    pub fn with_seed(seed: u64) -> Simulation {
        Simulation {
            now: Instant::SIMULATION_START,
            kinesis: Kinesis::new(IteratorKey::draw(&mut crate::rand::Rand::new(seed))),
            consumers: Vec::new(),
            next_consumer_id: 0,
            policies: Policies::new(),
            caller: None,
            producers: Vec::new(),
            applications: Vec::new(),
            generators: Vec::new(),
            lambda: crate::lambda::Lambda::default(),
            destinations: crate::destinations::DestinationStore::default(),
            next_measure: Instant::SIMULATION_START + Duration::from_secs(1),
            next_scaling: Instant::SIMULATION_START + Duration::from_secs(60),
            s3: Default::default(),
            delivery_streams: BTreeMap::new(),
            transform_functions: BTreeMap::new(),
            sqs: Default::default(),
            kinesis_calls: Default::default(),
        }
    }

    /// Attaches an identity policy to `principal`.
    pub fn attach_policy(&mut self, principal: &Principal, policy: Policy) {
        self.policies.entry(principal.clone()).or_default().push(policy);
    }

    /// Removes every policy attached to `principal`.
    pub fn detach_policies(&mut self, principal: &Principal) {
        self.policies.remove(principal);
    }

    /// Makes later calls on behalf of `principal`, or of the account's root
    /// user (allowed everything) with `None`.
    pub fn set_caller(&mut self, principal: Option<Principal>) {
        self.caller = principal;
    }

    /// Who calls are made as; `None` is the account's root user.
    pub fn caller(&self) -> Option<&Principal> {
        self.caller.as_ref()
    }

    /// The current simulated time.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The earliest moment something is due: a stream finishing a change or
    /// a consumer's next poll.
    #[must_use]
    pub fn next_deadline(&self) -> Option<Instant> {
        self.next_due().map(|(at, _)| at)
    }

    fn next_due(&self) -> Option<(Instant, Due)> {
        let mut earliest: Option<(Instant, Due)> = None;
        let mut offer = |at: Instant, due: &dyn Fn() -> Due| {
            // The `Due` (a stream's name, for some) is made only for a
            // contender: `advance` asks this at every step.
            if earliest.as_ref().is_none_or(|(best, _)| at <= *best) {
                let candidate = (at, due());
                if earliest.as_ref().is_none_or(|best| candidate < *best) {
                    earliest = Some(candidate);
                }
            }
        };
        self.each_due_event(&mut offer);
        // Metrics are flushed at each whole second, and on-demand streams
        // are checked at each whole minute.
        offer(self.next_measure, &|| Due::Measure);
        offer(self.next_scaling, &|| Due::OnDemandScaling);
        earliest
    }

    /// Offers everything due at its own deadline: stream changes, consumer
    /// polls and the clients the simulation runs (not the periodic flush and
    /// check). Loops, not a chain of iterators: this runs at every step.
    fn each_due_event(&self, mut offer: impl FnMut(Instant, &dyn Fn() -> Due)) {
        for (at, name) in self.kinesis.pending_changes() {
            offer(at, &|| Due::StreamChange(name.into()));
        }
        for (idx, consumer) in self.consumers.iter().enumerate() {
            offer(consumer.next_poll, &|| Due::ConsumerPoll(idx));
        }
        for (idx, producer) in self.producers.iter().enumerate() {
            if let Some(at) = producer.next_deadline() {
                offer(at, &|| Due::Producer(idx));
            }
        }
        for (idx, application) in self.applications.iter().enumerate() {
            if let Some(at) = application.next_deadline() {
                offer(at, &|| Due::Application(idx));
            }
        }
        for (idx, generator) in self.generators.iter().enumerate() {
            if let Some(at) = generator.next_deadline() {
                offer(at, &|| Due::Generator(idx));
            }
        }
        for (at, idx) in self.next_mapping_deadlines() {
            offer(at, &|| Due::Mapping(idx));
        }
        for (name, delivery) in &self.delivery_streams {
            if let Some(at) = delivery.next_deadline() {
                offer(at, &|| Due::DeliveryStream(name.clone()));
            }
        }
    }

    /// The periodic work is scheduled within its period after the clock: a
    /// restored snapshot that says otherwise would replay or skip it.
    pub(crate) fn check_clock(&self) -> Result<(), alloc::string::String> {
        let within = |next: Instant, period: Duration| self.now < next && next <= self.now + period;
        if within(self.next_measure, Duration::from_secs(1)) && within(self.next_scaling, Duration::from_secs(60)) {
            Ok(())
        } else {
            Err(alloc::format!("its schedule does not match its clock ({})", self.now))
        }
    }

    /// The earliest stream change or consumer poll: what is due besides the
    /// periodic metric flush and scaling check.
    fn next_due_event(&self) -> Option<Instant> {
        let mut earliest: Option<Instant> = None;
        self.each_due_event(|at, _| earliest = Some(earliest.map_or(at, |best| best.min(at))));
        earliest
    }

    /// Moves the clock forward by `by`, landing every stream change and
    /// running every consumer poll that falls due on the way, in time order.
    /// The clock stops at [`Instant::LATEST`].
    pub fn advance(&mut self, by: Duration) {
        let target = (self.now + by).min(Instant::LATEST.max(self.now));
        // A client whose deadline does not move after it runs would loop
        // forever at one instant; this bounds that to a fixed number of turns.
        let mut turns_at_instant = 0u32;
        while let Some((at, due)) = self.next_due().filter(|(at, _)| *at <= target) {
            turns_at_instant = if at == self.now { turns_at_instant + 1 } else { 0 };
            if turns_at_instant > MAX_TURNS_PER_INSTANT {
                debug_assert!(false, "{due:?} keeps falling due at {at}");
                break;
            }
            if at > self.now {
                self.now = at;
                // Retention holds at every instant something runs, not only
                // at the end of the move: otherwise a client running inside a
                // long move could read a record that a series of short moves
                // would have trimmed.
                self.kinesis.trim(self.now);
            }
            match due {
                Due::Producer(idx) => self.poll_producer_at(idx),
                Due::Application(idx) => self.tick_application_at(idx),
                Due::Generator(idx) => self.tick_generator_at(idx),
                Due::Mapping(idx) => self.tick_mapping_at(idx),
                Due::StreamChange(name) => self.kinesis.land_stream_change(self.now, &name),
                Due::ConsumerPoll(idx) => self.poll_consumer_at(idx),
                Due::DeliveryStream(name) => self.tick_delivery_stream(&name),
                Due::Measure => {
                    self.kinesis.measure(self.now);
                    self.next_measure = self.next_measure + Duration::from_secs(1);
                    // With nothing tallied and no consumer about to change
                    // state, the seconds until the next event would measure
                    // nothing: jump over them, so that a long step stays cheap.
                    // (Cost accrues by elapsed time, so it loses nothing.)
                    if self.kinesis.is_quiet() {
                        let next_event = self.next_due_event().map_or(target, |at| at.min(target));
                        self.next_measure = self.next_measure.max(whole_second_after(next_event));
                    }
                }
                Due::OnDemandScaling => {
                    self.kinesis.scale_on_demand_streams(self.now);
                    self.next_scaling = self.next_scaling + Duration::from_secs(60);
                    if !self.kinesis.has_on_demand_streams() {
                        self.next_scaling = self.next_scaling.max(whole_minute_after(target));
                    }
                }
            }
        }
        self.now = target;
        self.kinesis.trim(self.now);
    }

    fn poll_consumer_at(&mut self, idx: usize) {
        self.consumers[idx].poll(&mut kinesis_client!(self));
    }

    /// Starts a polling consumer that reads every open shard of `stream` from
    /// `position` and then polls as the clock advances.
    pub fn start_polling_consumer(
        &mut self,
        stream: &str,
        position: StartingPosition,
    ) -> Result<ConsumerId, GetShardIteratorError> {
        let id = ConsumerId(self.next_consumer_id);
        let consumer = PollingConsumer::start(&mut kinesis_client!(self), id, stream, position)?;
        self.next_consumer_id += 1;
        self.consumers.push(consumer);
        Ok(id)
    }

    /// Makes consumer `id` poll now instead of waiting for its next turn.
    /// Returns `false` if there is no such consumer.
    pub fn poll_consumer(&mut self, id: ConsumerId) -> bool {
        match self.consumers.iter().position(|c| c.id == id) {
            Some(idx) => {
                self.poll_consumer_at(idx);
                true
            }
            None => false,
        }
    }

    /// Stalls consumer `id` for `duration`, as if its host froze: it makes
    /// no calls until then while its iterators keep ageing, so one paused for
    /// more than five minutes meets `ExpiredIteratorException` on resuming.
    pub fn pause_consumer(&mut self, id: ConsumerId, duration: Duration) -> Result<(), PauseConsumerError> {
        let now = self.now;
        let consumer = self
            .consumers
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| PauseConsumerError::ResourceNotFound(crate::consumer::not_found(id)))?;
        if let Some(until) = consumer.paused_until(now) {
            return Err(PauseConsumerError::InvalidArgument(alloc::format!(
                "Consumer {} is already paused until {}.",
                id.0,
                until.epoch_millis()
            )));
        }
        consumer.pause(now, duration);
        Ok(())
    }

    /// Stops and forgets consumer `id`.
    pub fn stop_consumer(&mut self, id: ConsumerId) {
        self.consumers.retain(|c| c.id != id);
    }

    /// Every stream, by name.
    pub fn streams(&self) -> Vec<StreamView> {
        self.kinesis.streams().map(StreamView::of).collect()
    }

    /// One stream, if it exists.
    pub fn stream(&self, name: &str) -> Option<StreamView> {
        self.kinesis.stream(name).map(StreamView::of)
    }

    /// The records a shard holds, oldest first, each assembled as it is read.
    pub fn shard_records(&self, stream: &str, shard: ShardId) -> Option<impl Iterator<Item = Record>> {
        Some(self.kinesis.stream(stream)?.shard(shard)?.records().iter())
    }

    /// The newest `n` records a shard holds, oldest first.
    pub fn newest_shard_records(&self, stream: &str, shard: ShardId, n: usize) -> Option<impl Iterator<Item = Record>> {
        let records = self.kinesis.stream(stream)?.shard(shard)?.records();
        Some(records.iter_from(records.len().saturating_sub(n)))
    }

    /// The stored record with this sequence number, if the shard still holds it.
    pub fn stored_record(&self, stream: &str, sequence_number: SequenceNumber) -> Option<Record> {
        let shard = self.kinesis.stream(stream)?.shard(sequence_number.shard())?;
        shard.next_unread(sequence_number.counter()).filter(|r| r.sequence_number() == sequence_number)
    }

    /// The Kinesis calls that changed the simulation, oldest first: what a
    /// script replays to make the same streams, shards and records on AWS.
    pub fn kinesis_calls(&self) -> &crate::call_log::CallLog {
        &self.kinesis_calls
    }

    /// What the simulation holds that grows with traffic, counted as it
    /// changes so that reading it is cheap: a host's memory budget reads it
    /// (see [`Retained`]).
    pub fn retained(&self) -> Retained {
        let shards = self.kinesis.streams().flat_map(|s| s.shards());
        let (records, record_bytes) = shards.fold((0, 0), |(n, bytes), shard| {
            (n + shard.records().len() as u64, bytes + shard.records().footprint() as u64)
        });
        Retained { records, record_bytes, metric_buckets: self.kinesis.metrics().bucket_count() as u64 }
    }

    /// Every consumer, in the order they were started.
    pub fn consumers(&self) -> Vec<ConsumerView> {
        self.consumers.iter().map(|c| c.view(self.now)).collect()
    }

    /// Every consumer with only its newest `newest` records per shard.
    pub fn consumer_summaries(&self, newest: usize) -> Vec<crate::consumer::ConsumerSummary> {
        self.consumers.iter().map(|c| c.summary(self.now, newest)).collect()
    }
}

/// How many due items may run at one simulated instant before `advance`
/// gives up on that instant (see the loop there).
const MAX_TURNS_PER_INSTANT: u32 = 100_000;

/// The first whole second strictly after `at`.
fn whole_second_after(at: Instant) -> Instant {
    Instant::from_epoch_millis((at.epoch_millis() / 1000 + 1) * 1000)
}

/// The first whole minute strictly after `at`.
fn whole_minute_after(at: Instant) -> Instant {
    Instant::from_epoch_millis((at.epoch_millis() / 60_000 + 1) * 60_000)
}
