//! `SimHandle`: the one way the UI reads and changes the simulation.
//!
//! Components get it with `expect_context::<SimHandle>()`. Reads go through
//! `with`-style projections so that a component only re-renders when the
//! simulation changes, and every mutation is a named method mirroring an AWS
//! operation, so no component re-implements a service rule.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde_json::json;
use shardlab_core::api;
use shardlab_core::firehose::format::gunzip;
use shardlab_core::firehose::{DeliveryStreamDescription, DeliveryStreamStatus};
use shardlab_core::lambda::{Invocation, MappingStatus};
use shardlab_core::metrics::{MetricName, Writes};
use shardlab_core::recipe::{self, Recipe, Start, Step};
use shardlab_core::s3::ObjectSummary;
use shardlab_core::sqs::QueueStatus;
use shardlab_core::views::{DeadLetters, DeliveryBuffer, ShardLoad};
use shardlab_core::{
    ConsumerId, Duration, Instant, Record, SequenceNumber, ShardId, ShardIteratorType, Simulation, StreamView,
};
use shardlab_lessons::Action;

/// A page of a mapping's invocation log: the newest entries, newest first,
/// and how many the log holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InvocationPage {
    /// At most the number asked for, newest first, after those skipped.
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
    /// The buffer against the buffering hints.
    pub buffer: DeliveryBuffer,
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
    /// Its dead-letter queue, and the queues whose dead-letter queue it is.
    pub dead_letters: DeadLetters,
}

/// A KPL producer as the clients panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct KplProducerView {
    /// Its `ProducerId`.
    pub id: u32,
    /// User records waiting in its buffers.
    pub buffered: usize,
    /// User records in `PutRecords` calls not yet answered.
    pub in_flight: usize,
    /// What it has done.
    pub counters: shardlab_core::kpl::KplCounters,
}

/// A copyable handle to the page's simulation.
#[derive(Clone, Copy)]
pub struct SimHandle {
    sim: RwSignal<Simulation>,
    history: RwSignal<History>,
    /// What made the simulation, for a share link (not reactive: it changes
    /// on every tick, and only the Share button reads it).
    recording: StoredValue<Recording>,
}

/// The recipe (core's `recipe`) of the simulation: every step applied
/// through the handle, after the start it applies to.
#[derive(Clone, Default)]
struct Recording {
    /// What the current steps start from: `None` when a recipe cannot name
    /// the state (it came from a `sim=1.` link or saved work).
    start: Option<Start>,
    /// Where the current start's steps begin in `steps`. The steps before
    /// are earlier starts', kept so that undo can go back past a reset.
    base: usize,
    steps: Vec<Step>,
    /// The moment scrubbed to on the timeline: the steps after it still
    /// count until the learner acts, since they may scrub forward again.
    scrubbed_to: Option<RecipeMark>,
}

/// Where a [`Recording`] stood at a saved moment.
#[derive(Clone)]
struct RecipeMark {
    start: Option<Start>,
    base: usize,
    n_steps: usize,
    /// The repeats of the last step, if it was a clock move: later moves
    /// of the same length merge into it.
    last_repeats: Option<u64>,
}

impl Recording {
    fn mark(&self) -> RecipeMark {
        if let Some(mark) = &self.scrubbed_to {
            return mark.clone();
        }
        let last_repeats = match self.steps.last() {
            Some(Step::Advance(_, times)) if self.steps.len() > self.base => Some(*times),
            _ => None,
        };
        RecipeMark { start: self.start.clone(), base: self.base, n_steps: self.steps.len(), last_repeats }
    }

    /// Goes back to `mark`, forgetting the steps since.
    fn restore(&mut self, mark: RecipeMark) {
        self.scrubbed_to = None;
        self.steps.truncate(mark.n_steps);
        if let (Some(Step::Advance(_, times)), Some(repeats)) = (self.steps.last_mut(), mark.last_repeats) {
            *times = repeats;
        }
        self.start = mark.start;
        self.base = mark.base;
    }

    fn push(&mut self, step: Step) {
        if let Some(mark) = self.scrubbed_to.take() {
            self.restore(mark);
        }
        if self.start.is_none() {
            return;
        }
        if self.steps.len() > self.base {
            recipe::push_step(&mut self.steps, step);
        } else {
            self.steps.push(step);
        }
    }

    /// Starts over from `recipe`, or from a state no recipe names.
    fn begin(&mut self, recipe: Option<Recipe>) {
        self.scrubbed_to = None;
        self.base = self.steps.len();
        let Some(recipe) = recipe else {
            self.start = None;
            return;
        };
        self.start = Some(recipe.start);
        self.steps.extend(recipe.steps);
    }

    /// The recipe of the current state, if one can name it.
    fn recipe(&self) -> Option<Recipe> {
        let mut current = self.clone();
        if let Some(mark) = current.scrubbed_to.take() {
            current.restore(mark);
        }
        Some(Recipe { start: current.start?, steps: current.steps.split_off(current.base) })
    }
}

/// A saved state and the recipe that made it.
#[derive(Clone)]
struct Moment {
    sim: Simulation,
    recipe: RecipeMark,
}

/// Earlier states, for undo and the timeline. Simulations are cloned whole,
/// but cheaply: a stream's records sit in shared chunks (core's record log)
/// and consumers keep only their newest records, so a saved state costs
/// about its newest few hundred records per shard, however many are stored.
#[derive(Clone, Default)]
pub struct History {
    /// The state before each of the learner's last actions, oldest first.
    undo: Vec<Moment>,
    /// The state at moments of simulated time, oldest first, thinned as it
    /// grows (see [`History::MAX_POINTS`]).
    timeline: Vec<Moment>,
    /// The timeline point the learner scrubbed to, until they act or the
    /// clock moves (which branches from it, dropping later points).
    scrubbed_to: Option<usize>,
}

impl History {
    /// Undo steps kept.
    const MAX_UNDO: usize = 30;
    /// Timeline points kept before the older half is thinned.
    const MAX_POINTS: usize = 120;
    /// The least simulated time between timeline points.
    const MIN_POINT_GAP: Duration = Duration::from_secs(1);

    /// Forgets the points after the one scrubbed to: the learner branches.
    fn branch(&mut self) {
        if let Some(idx) = self.scrubbed_to.take() {
            self.timeline.truncate(idx + 1);
        }
    }

    /// Adds a timeline point for `sim` if enough simulated time has passed,
    /// thinning older points to stay within the bounds.
    fn point_due(&self, now: Instant) -> bool {
        self.timeline.last().is_none_or(|last| now.saturating_since(last.sim.now()) >= Self::MIN_POINT_GAP)
    }

    fn record_point(&mut self, sim: &Simulation, recipe: RecipeMark) {
        if !self.point_due(sim.now()) {
            return;
        }
        self.timeline.push(Moment { sim: sim.clone(), recipe });
        if self.timeline.len() > Self::MAX_POINTS {
            // Drop every other point of the older half: coverage stays even, resolution halves.
            let half = self.timeline.len() / 2;
            let mut idx = 0;
            self.timeline.retain(|_| {
                idx += 1;
                idx > half || idx % 2 == 0
            });
        }
    }
}

impl SimHandle {
    /// Wraps `sim`, which `recipe` made (`None` if no recipe names it), in
    /// a reactive signal.
    pub fn new(sim: Simulation, recipe: Option<Recipe>) -> SimHandle {
        let mut recording = Recording::default();
        recording.begin(recipe);
        let mut history = History::default();
        history.record_point(&sim, recording.mark());
        SimHandle { sim: RwSignal::new(sim), history: RwSignal::new(history), recording: StoredValue::new(recording) }
    }

    /// Saves the current state for undo, before one of the learner's actions.
    pub fn checkpoint(&self) {
        let current = self.moment();
        self.history.update(|h| {
            h.branch();
            h.undo.push(current);
            if h.undo.len() > History::MAX_UNDO {
                h.undo.remove(0);
            }
        });
    }

    fn moment(&self) -> Moment {
        Moment { sim: self.sim.with_untracked(Simulation::clone), recipe: self.recording.with_value(Recording::mark) }
    }

    /// Puts back a saved moment.
    fn restore(&self, moment: Moment) {
        self.recording.update_value(|r| r.restore(moment.recipe));
        self.sim.set(moment.sim);
    }

    /// Replaces the whole simulation (reset to a lesson's start, a link
    /// opened) with `sim`, which `recipe` made (`None` if no recipe names
    /// it); undoable.
    pub fn replace(&self, sim: Simulation, recipe: Option<Recipe>) {
        self.checkpoint();
        self.recording.update_value(|r| r.begin(recipe));
        self.sim.set(sim);
    }

    /// The share link fragment of the current state: its recipe (`sim=2.`)
    /// when one names it and keeps to a recipe's limits; else the whole
    /// state (`sim=1.`), as links were before recipes, for a state opened
    /// from such a link or from saved work, or a session past the limits.
    pub fn share_fragment(&self) -> String {
        let recipe = self.recording.with_value(Recording::recipe);
        self.sim.with_untracked(|s| {
            recipe.and_then(|recipe| recipe.share_fragment(s).ok()).unwrap_or_else(|| s.share_fragment())
        })
    }

    /// Whether there is an action to undo.
    pub fn can_undo(&self) -> bool {
        self.history.with(|h| !h.undo.is_empty())
    }

    /// Whether there is an action to undo, without tracking it.
    pub fn can_undo_untracked(&self) -> bool {
        self.history.with_untracked(|h| !h.undo.is_empty())
    }

    /// Puts back the state before the learner's last action.
    pub fn undo(&self) {
        let Some(previous) = self.history.try_update(|h| h.undo.pop()).flatten() else { return };
        self.restore(previous);
    }

    /// The simulated times of the timeline's points, oldest first, and the
    /// point scrubbed to, if any.
    pub fn timeline(&self) -> (Vec<Instant>, Option<usize>) {
        self.history.with(|h| (h.timeline.iter().map(|point| point.sim.now()).collect(), h.scrubbed_to))
    }

    /// Shows the state at timeline point `idx`; acting or moving the clock
    /// from there branches, dropping the later points (and their steps).
    pub fn scrub_to(&self, idx: usize) {
        let Some(point) = self.history.with_untracked(|h| h.timeline.get(idx).cloned()) else { return };
        self.history.update(|h| h.scrubbed_to = Some(idx));
        self.recording.update_value(|r| r.scrubbed_to = Some(point.recipe));
        self.sim.set(point.sim);
    }

    /// Reads the simulation, tracking it reactively.
    pub fn with<R>(&self, read: impl FnOnce(&Simulation) -> R) -> R {
        self.sim.with(read)
    }

    /// The simulated time.
    pub fn now(&self) -> Instant {
        self.sim.with(Simulation::now)
    }

    /// The simulated time, without tracking it.
    pub fn now_untracked(&self) -> Instant {
        self.sim.with_untracked(Simulation::now)
    }

    /// Applies `step` and records it; the API's answer, for a request.
    fn apply_step(&self, step: Step) -> Option<api::Response> {
        let response = self.sim.try_update(|s| step.apply(s)).flatten();
        self.recording.update_value(|r| r.push(step));
        response
    }

    /// Moves the simulated clock forward, adding a timeline point when due.
    pub fn advance(&self, by: Duration) {
        // In the recipe's slices, so that a replay moves the clock exactly
        // so; the page is told once, when the clock has moved all the way.
        let steps: Vec<Step> = recipe::advances(by).collect();
        self.sim.update(|s| steps.iter().for_each(|step| _ = step.apply(s)));
        self.recording.update_value(|r| steps.into_iter().for_each(|step| r.push(step)));
        self.after_advance();
    }

    /// Moves the simulated clock forward by up to `by`, a simulated second at
    /// a time, stopping early once `out_of_time()` says the frame's budget is
    /// spent, so that a click waits for one slice at most. Returns how far
    /// the clock moved. The page redraws once, at the end. (Slicing changes
    /// nothing in the simulation: results do not depend on step size.)
    pub fn advance_within(&self, by: Duration, out_of_time: impl Fn() -> bool) -> Duration {
        const SLICE: Duration = recipe::MAX_ADVANCE;
        let mut moved = Duration::ZERO;
        while moved < by {
            let slice = if by - moved < SLICE { by - moved } else { SLICE };
            self.sim.update_untracked(|s| s.advance(slice));
            self.recording.update_value(|r| r.push(Step::Advance(slice.as_millis(), 1)));
            moved = moved + slice;
            if out_of_time() {
                break;
            }
        }
        self.sim.update(|_| ());
        self.after_advance();
        moved
    }

    /// The memory the simulation's records and metrics take, roughly.
    pub fn retained_bytes(&self) -> u64 {
        self.sim.with_untracked(|s| s.retained().estimated_bytes())
    }

    fn after_advance(&self) {
        // Most ticks add no point; only notify the timeline's readers when one does.
        let now = self.sim.with_untracked(Simulation::now);
        let changes = self.history.with_untracked(|h| h.scrubbed_to.is_some() || h.point_due(now));
        if changes {
            let mark = self.recording.with_value(Recording::mark);
            self.history.update(|h| {
                h.branch();
                self.sim.with_untracked(|s| h.record_point(s, mark));
            });
        }
    }

    /// A stream's shards and counts.
    pub fn stream(&self, name: &str) -> Option<StreamView> {
        self.sim.with(|s| s.stream(name))
    }

    /// The newest `n` records of a shard, oldest first.
    pub fn newest_records(&self, stream: &str, shard: ShardId, n: usize) -> Vec<Record> {
        self.sim.with(|s| s.newest_shard_records(stream, shard, n).map(|r| r.collect()).unwrap_or_default())
    }

    /// Replaces the page's consumers with a new one reading every shard of
    /// `stream` from `iterator_type` (`TRIM_HORIZON` or `LATEST`), through
    /// the API; the service's error as `ExceptionName: message`.
    pub fn restart_consumer(&self, stream: &str, iterator_type: ShardIteratorType) -> Result<(), String> {
        self.checkpoint();
        let running: Vec<ConsumerId> = self.sim.with_untracked(|s| s.consumers().iter().map(|c| c.id).collect());
        let stop = running.into_iter().map(|ConsumerId(id)| Action::Api {
            target: "Shardlab.StopConsumer".into(),
            body: json!({"ConsumerId": id}),
        });
        let start = Action::StartPollingConsumer { stream_name: stream.into(), iterator_type };
        stop.chain([start]).try_for_each(|action| self.apply_recorded(&action))
    }

    /// Makes a consumer poll now.
    pub fn poll_consumer(&self, ConsumerId(id): ConsumerId) {
        self.checkpoint();
        self.apply_step(Step::PollConsumer(id));
    }

    /// A stored record, as stored (ciphertext if the stream encrypts) and as
    /// a reader would get it.
    pub fn record(&self, stream: &str, sequence_number: SequenceNumber) -> Option<(Record, Record)> {
        self.sim.with(|s| {
            let stored = s.stored_record(stream, sequence_number)?;
            let plain = s.plaintext(stream, &stored);
            Some((stored, plain))
        })
    }

    /// How busy a shard was in the last whole simulated second, against its
    /// limits (see [`Simulation::shard_load`]).
    pub fn shard_load(&self, stream: &str, shard: ShardId) -> ShardLoad {
        self.sim.with(|s| s.shard_load(stream, shard))
    }

    /// The writes into each open shard's hash-key range of `stream` in the
    /// last `span` of whole seconds, a reshard's parents' writes shared
    /// among their children (see [`Simulation::recent_writes`]).
    pub fn recent_writes(&self, stream: &str, span: Duration) -> Vec<(ShardId, Writes)> {
        self.sim.with(|s| s.recent_writes(stream, span))
    }

    /// Sends one Kinesis JSON request, as the AWS SDK would over HTTP.
    pub fn api(&self, target: &str, body: &str) -> api::Response {
        self.checkpoint();
        if api::is_read_only(target) {
            return self.sim.with_untracked(|s| api::handle_read(s, target, body)).expect("a read-only target");
        }
        self.apply_step(Step::Api { target: target.into(), body: body.into() }).expect("simulation signal disposed")
    }

    /// What `Shardlab.AdvanceClock` answers now: the clock's reading.
    pub fn clock_reading(&self) -> api::Response {
        self.sim.with_untracked(api::clock_reading)
    }

    /// Performs a lesson action (a step of a reference solution); the
    /// service's error as `ExceptionName: message`.
    pub fn apply(&self, action: &Action) -> Result<(), String> {
        self.checkpoint();
        self.apply_recorded(action)
    }

    /// Performs `action`, recording its steps.
    fn apply_recorded(&self, action: &Action) -> Result<(), String> {
        let recording = self.recording;
        self.sim
            .try_update(|s| action.apply_in_steps(s, |step| recording.update_value(|r| r.push(step))))
            .unwrap_or_else(|| Err("the page is closing".into()))
    }

    /// Every goal of `lesson` and whether the simulation meets it, tracking
    /// the simulation. Goals only read (core's read-only targets).
    pub fn check_goals(&self, lesson: &shardlab_lessons::Lesson) -> Vec<shardlab_lessons::GoalStatus> {
        self.sim.with(|s| lesson.check(s))
    }

    /// CloudWatch `GetMetricStatistics` of a stream-level series.
    pub fn metric_statistics(
        &self,
        stream: &str,
        metric: MetricName,
        period: Duration,
        from: Instant,
        to: Instant,
    ) -> Vec<shardlab_core::metrics::Datapoint> {
        self.sim.with(|s| s.metric_statistics(stream, None, metric, period, from, to))
    }

    /// The stream's bill so far.
    pub fn cost(&self, stream: &str) -> Option<shardlab_core::cost::CostBreakdown> {
        self.sim.with(|s| s.cost(stream))
    }

    /// Every KCL application, by id.
    pub fn kcl_applications(&self) -> Vec<(u32, shardlab_core::kcl::KclApp)> {
        self.sim.with(|s| {
            (0u32..)
                .map_while(|id| {
                    s.kcl_application(shardlab_core::clients::ApplicationId(id)).map(|app| (id, app.clone()))
                })
                .collect()
        })
    }

    /// The enhanced fan-out consumers registered on `stream`, each with its
    /// subscriptions' positions and lag per shard.
    pub fn fan_out_consumers(&self, stream: &str) -> Vec<shardlab_core::FanOutConsumerSummary> {
        self.sim.with(|s| s.fan_out_consumer_summaries(stream))
    }

    /// Every KPL producer's buffers and counters.
    pub fn kpl_producers(&self) -> Vec<KplProducerView> {
        self.sim.with(|s| {
            (0u32..)
                .map_while(|id| s.kpl_producer(shardlab_core::clients::ProducerId(id)).map(|p| (id, p)))
                .map(|(id, p)| KplProducerView {
                    id,
                    buffered: p.n_buffered(),
                    in_flight: p.n_in_flight(),
                    counters: p.counters(),
                })
                .collect()
        })
    }

    /// Every traffic generator, with its counters.
    pub fn generators(&self) -> Vec<shardlab_core::generator::Generator> {
        self.sim.with(|s| s.generators().to_vec())
    }

    /// The running consumers, each with its newest `newest` records per shard.
    pub fn consumers(&self, newest: usize) -> Vec<shardlab_core::ConsumerSummary> {
        self.sim.with(|s| s.consumer_summaries(newest))
    }

    /// Every Lambda event-source mapping, in the order they were created.
    pub fn mappings(&self) -> Vec<MappingStatus> {
        self.sim.with(Simulation::event_source_mappings)
    }

    /// Up to `n` invocations of mapping `uuid`, newest first, after the
    /// `skip` newest. Empty for a mapping that no longer exists.
    pub fn invocations(&self, uuid: &str, skip: usize, n: usize) -> InvocationPage {
        self.sim.with(|s| {
            let Ok((newest, total)) = s.newest_invocations(uuid, skip, n) else { return InvocationPage::default() };
            InvocationPage { total, newest }
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
                        buffer: s.delivery_buffer(name).ok()?,
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

    /// Every SQS queue, by name, with its counts, attributes and dead letters.
    pub fn queues(&self) -> Vec<QueueView> {
        self.sim.with(|s| {
            let all = [String::from("All")];
            s.sqs_list_queues("")
                .into_iter()
                .filter_map(|url| {
                    Some(QueueView {
                        name: url.rsplit('/').next()?.to_string(),
                        status: s.sqs_queue_status(&url).ok()?,
                        attributes: s.sqs_get_queue_attributes(&url, &all).ok()?,
                        dead_letters: s.sqs_dead_letters(&url).ok()?,
                        url,
                    })
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(key: &str) -> Step {
        Step::Api { target: "Kinesis_20131202.PutRecord".into(), body: format!(r#"{{"PartitionKey":"{key}"}}"#) }
    }

    fn sandbox() -> Recording {
        let mut recording = Recording::default();
        recording.begin(Some(Recipe::new(Start::Sandbox)));
        recording
    }

    #[track_caller]
    fn check(recording: &Recording, start: Option<Start>, steps: &[Step]) {
        let recipe = recording.recipe();
        assert_eq!(recipe.as_ref().map(|r| &r.start), start.as_ref());
        assert_eq!(recipe.map(|r| r.steps).unwrap_or_default(), steps);
    }

    #[test]
    fn undo_takes_back_merged_clock_moves() {
        let mut recording = sandbox();
        recording.push(put("a"));
        recording.push(Step::Advance(100, 1));
        let before = recording.mark();
        recording.push(Step::Advance(100, 1));
        recording.push(Step::Advance(100, 1));
        check(&recording, Some(Start::Sandbox), &[put("a"), Step::Advance(100, 3)]);
        recording.restore(before);
        check(&recording, Some(Start::Sandbox), &[put("a"), Step::Advance(100, 1)]);
    }

    #[test]
    fn a_reset_starts_a_new_recipe_and_undo_brings_the_old_back() {
        let mut recording = sandbox();
        recording.push(put("a"));
        recording.push(Step::Advance(1000, 2));
        let before_reset = recording.mark();
        recording.begin(Some(Recipe::new(Start::Lesson { id: "shards".into() })));
        recording.push(Step::Advance(1000, 1));
        check(&recording, Some(Start::Lesson { id: "shards".into() }), &[Step::Advance(1000, 1)]);
        recording.restore(before_reset);
        check(&recording, Some(Start::Sandbox), &[put("a"), Step::Advance(1000, 2)]);
    }

    #[test]
    fn a_scrubbed_moment_counts_until_the_learner_acts() {
        let mut recording = sandbox();
        recording.push(Step::Advance(1000, 1));
        let early = recording.mark();
        recording.push(Step::Advance(1000, 1));
        recording.push(put("b"));
        let late = recording.mark();
        recording.scrubbed_to = Some(early.clone());
        check(&recording, Some(Start::Sandbox), &[Step::Advance(1000, 1)]);
        // Forward again: the later steps were kept.
        recording.scrubbed_to = Some(late);
        check(&recording, Some(Start::Sandbox), &[Step::Advance(1000, 2), put("b")]);
        recording.scrubbed_to = Some(early);
        recording.push(put("c"));
        check(&recording, Some(Start::Sandbox), &[Step::Advance(1000, 1), put("c")]);
    }

    #[test]
    fn a_state_no_recipe_names_records_nothing_until_a_reset() {
        let mut recording = Recording::default();
        recording.begin(None);
        recording.push(put("a"));
        check(&recording, None, &[]);
        recording.begin(Some(Recipe::new(Start::Sandbox)));
        recording.push(put("b"));
        check(&recording, Some(Start::Sandbox), &[put("b")]);
    }
}
