//! Share links as recipes: where a simulation started and the steps since.
//!
//! The simulation is deterministic, so the calls that made a state are a
//! far shorter description of it than the state itself: an hour of a
//! generator at 1,000 records/s is a few hundred bytes of recipe against
//! megabytes of snapshot. A recipe names its [`Start`] (a blank simulation,
//! the sandbox's, or a lesson's, which the caller builds: core knows no
//! lessons) and its [`Step`]s, each one of the entry points a learner has:
//! a request of the JSON API (`api::handle`, with its validation, so a
//! recipe cannot express a state the API would refuse), a move of the clock,
//! or a poll of a consumer. Equal clock moves in a row are one step with a
//! repeat count.
//!
//! A recipe is untrusted input: [`Replay::new`] checks the limits below
//! before running anything, and the replay checks the clock as it goes.
//! The link also carries a fingerprint of the state it was made from, so a
//! link replayed by another build (where the same calls may give another
//! state) is reported rather than shown as if it were the sender's.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::share::ShareError;
use crate::{ConsumerId, Duration, Instant, Simulation, api};

/// The most steps a recipe holds.
pub const MAX_STEPS: usize = 10_000;
/// The most calls a replay makes: API requests, consumer polls and each
/// repeat of a clock move.
pub const MAX_CALLS: u64 = 1_000_000;
/// The most simulated time a replay moves the clock: one week.
pub const MAX_SIMULATED: Duration = Duration::from_hours(7 * 24);
/// The longest single clock move of a step. The page moves the clock in
/// slices of at most this (a ticker's tick, the Step button, a long
/// `Shardlab.AdvanceClock` taken a frame at a time), so a recipe needs no
/// more, and a replay can stop between any two repeats to let a page draw.
pub const MAX_ADVANCE: Duration = Duration::from_secs(1);
/// The largest API request body in a step: above the 5 MiB of a full
/// `PutRecords` in base64, below what would let a few steps fill memory.
pub const MAX_BODY_BYTES: usize = 7 * 1024 * 1024;
/// The most a recipe link may inflate to.
pub const MAX_INFLATED_BYTES: usize = 16 * 1024 * 1024;

/// What a recipe's steps start from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Start {
    /// `Simulation::with_seed(seed)`.
    Blank {
        /// The seed.
        seed: u64,
    },
    /// The sandbox page's simulation (`shardlab_lessons::sandbox`).
    Sandbox,
    /// A lesson's setup, by the lesson's id.
    Lesson {
        /// The lesson's id.
        id: String,
    },
}

/// One entry point a learner used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// A JSON API request, as `api::handle` takes it.
    Api {
        /// The `X-Amz-Target`.
        target: String,
        /// The request body, byte for byte.
        body: String,
    },
    /// `(step_ms, times)`: the clock moved `step_ms` milliseconds, `times`
    /// times in a row. Written `{"Advance":[100,36000]}`.
    Advance(u64, u64),
    /// `Simulation::poll_consumer` of the consumer with this id.
    PollConsumer(u32),
}

impl Step {
    /// Runs the step on `sim`, every repeat: the API's answer, for an API
    /// request.
    pub fn apply(&self, sim: &mut Simulation) -> Option<api::Response> {
        (0..self.n_calls()).map(|_| self.apply_once(sim)).last().flatten()
    }

    /// Runs one call of the step on `sim` (one repeat of an advance): the
    /// API's answer, for an API request.
    pub fn apply_once(&self, sim: &mut Simulation) -> Option<api::Response> {
        match self {
            Step::Api { target, body } => Some(api::handle(sim, target, body)),
            Step::Advance(step_ms, _) => {
                sim.advance(Duration::from_millis(*step_ms));
                None
            }
            Step::PollConsumer(id) => {
                sim.poll_consumer(ConsumerId(*id));
                None
            }
        }
    }

    /// The calls the step makes.
    fn n_calls(&self) -> u64 {
        match self {
            Step::Advance(_, times) => *times,
            Step::Api { .. } | Step::PollConsumer(_) => 1,
        }
    }

    /// How far the step moves the clock, where that is known without the
    /// simulation (`Shardlab.SetClock` is checked as it runs).
    fn clock_move(&self) -> Duration {
        match self {
            Step::Advance(step_ms, times) => Duration::from_millis(step_ms.saturating_mul(*times)),
            Step::Api { target, body } if target == "Shardlab.AdvanceClock" => {
                api::advance_clock_step(body).unwrap_or(Duration::ZERO)
            }
            Step::Api { .. } | Step::PollConsumer(_) => Duration::ZERO,
        }
    }
}

/// The clock moves that make `by`: whole slices of [`MAX_ADVANCE`], then
/// the rest, as run-length steps.
pub fn advances(by: Duration) -> impl Iterator<Item = Step> {
    let (slice, millis) = (MAX_ADVANCE.as_millis(), by.as_millis());
    let whole = (millis >= slice).then(|| Step::Advance(slice, millis / slice));
    let rest = (millis % slice != 0).then(|| Step::Advance(millis % slice, 1));
    whole.into_iter().chain(rest)
}

/// Adds `step` to `steps`, merging a clock move equal to the last step's
/// into it.
pub fn push_step(steps: &mut Vec<Step>, step: Step) {
    if let (Some(Step::Advance(last_ms, times)), Step::Advance(step_ms, more)) = (steps.last_mut(), &step)
        && last_ms == step_ms
    {
        *times = times.saturating_add(*more);
        return;
    }
    steps.push(step);
}

/// A start and the steps since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipe {
    /// What the steps start from.
    pub start: Start,
    /// The steps, oldest first.
    pub steps: Vec<Step>,
}

/// How far a recipe has got: `n` of `total` calls made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Calls made.
    pub done: u64,
    /// Calls in the recipe.
    pub total: u64,
}

/// A recipe as a link carries it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    start: Start,
    steps: Vec<Step>,
    /// [`fingerprint`] of the state the steps made.
    fingerprint: String,
}

impl Recipe {
    /// A recipe with no steps yet.
    pub fn new(start: Start) -> Recipe {
        Recipe { start, steps: Vec::new() }
    }

    /// Adds a step (see [`push_step`]).
    pub fn push(&mut self, step: Step) {
        push_step(&mut self.steps, step);
    }

    /// The limits a replay is held to, checked before it runs.
    pub fn check(&self) -> Result<(), ShareError> {
        if self.steps.len() > MAX_STEPS {
            return Err(ShareError::TooManySteps(self.steps.len()));
        }
        let mut calls = 0u64;
        let mut moved = Duration::ZERO;
        for step in &self.steps {
            match step {
                Step::Advance(step_ms, _) if Duration::from_millis(*step_ms) > MAX_ADVANCE => {
                    return Err(ShareError::AdvanceTooLong(Duration::from_millis(*step_ms)));
                }
                Step::Api { body, .. } if body.len() > MAX_BODY_BYTES => {
                    return Err(ShareError::BodyTooLarge(body.len()));
                }
                _ => {}
            }
            calls = calls.saturating_add(step.n_calls());
            moved = Duration::from_millis(moved.as_millis().saturating_add(step.clock_move().as_millis()));
        }
        if calls > MAX_CALLS {
            return Err(ShareError::TooManyCalls(calls));
        }
        if moved > MAX_SIMULATED {
            return Err(ShareError::TooMuchTime(moved));
        }
        Ok(())
    }

    /// The URL fragment (without `#`) of this recipe, which made `result`:
    /// `sim=2.` and the base64 of its DEFLATE-compressed JSON. Refused if
    /// the recipe breaks a limit, as opening it would be.
    pub fn share_fragment(&self, result: &Simulation) -> Result<String, ShareError> {
        self.check()?;
        let wire = Wire { start: self.start.clone(), steps: self.steps.clone(), fingerprint: fingerprint(result) };
        let json = serde_json::to_vec(&wire).map_err(|err| ShareError::Damaged(format!("{err}")))?;
        if json.len() > MAX_INFLATED_BYTES {
            return Err(ShareError::RecipeTooLarge);
        }
        Ok(crate::share::fragment_of(crate::share::RECIPE_VERSION, &json))
    }
}

/// A short, deterministic digest of what a learner sees of a simulation:
/// its clock, its streams and shards with their counts and newest records,
/// its consumers and generators, and the records and metric buckets it
/// retains (the first 8 bytes of
/// an MD5, in hex). Not of the whole snapshot, which after an hour of
/// traffic is hundreds of megabytes, more than a browser tab should build
/// to open a link; a build that replays differently differs in these.
pub fn fingerprint(sim: &Simulation) -> String {
    let mut md5 = Md5::new();
    let mut add = |part: &str| md5.update(part.as_bytes());
    // Not the retained bytes, which count buffers' capacity: a clone for
    // undo may leave another capacity than a replay does.
    let retained = sim.retained();
    add(&format!("{} {} {}", sim.now().epoch_millis(), retained.records, retained.metric_buckets));
    for stream in sim.streams() {
        add(&serde_json::to_string(&stream).unwrap_or_default());
        for shard in &stream.shards {
            for record in sim.newest_shard_records(&stream.name, shard.id, 1).into_iter().flatten() {
                add(&format!("{} {}", record.sequence_number(), record.partition_key()));
            }
        }
    }
    for target in ["Shardlab.Consumers", "Shardlab.Generators"] {
        add(&api::handle_read(sim, target, "{}").map(|answer| answer.body).unwrap_or_default());
    }
    md5.finalize()[..8].iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Reads a recipe link's JSON.
pub(crate) fn parse(json: &[u8]) -> Result<(Recipe, String), ShareError> {
    let wire: Wire = serde_json::from_slice(json).map_err(|err| ShareError::Damaged(format!("{err}")))?;
    Ok((Recipe { start: wire.start, steps: wire.steps }, wire.fingerprint))
}

/// A recipe being replayed, a slice at a time, so that a page can draw
/// between slices.
pub struct Replay {
    sim: Simulation,
    steps: Vec<Step>,
    /// The next step, and the repeats of it already made.
    next: usize,
    repeats_done: u64,
    progress: Progress,
    began: Instant,
    fingerprint: String,
}

impl Replay {
    /// A replay of `recipe` from `start` (the simulation its [`Start`]
    /// names), expected to end at the state of `fingerprint`.
    pub fn new(recipe: Recipe, start: Simulation, fingerprint: String) -> Result<Replay, ShareError> {
        recipe.check()?;
        let total = recipe.steps.iter().map(Step::n_calls).sum();
        Ok(Replay {
            began: start.now(),
            sim: start,
            steps: recipe.steps,
            next: 0,
            repeats_done: 0,
            progress: Progress { done: 0, total },
            fingerprint,
        })
    }

    /// How far the replay has got.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// Makes calls until the recipe is done (`true`) or `out_of_time()`
    /// says to stop for now (`false`), asked after every call.
    pub fn run(&mut self, mut out_of_time: impl FnMut() -> bool) -> Result<bool, ShareError> {
        while let Some(step) = self.steps.get(self.next) {
            self.check_set_clock(step)?;
            step.apply_once(&mut self.sim);
            self.progress.done += 1;
            self.repeats_done += 1;
            if self.repeats_done >= step.n_calls() {
                self.next += 1;
                self.repeats_done = 0;
            }
            let moved = self.sim.now().saturating_since(self.began);
            if moved > MAX_SIMULATED {
                return Err(ShareError::TooMuchTime(moved));
            }
            if out_of_time() {
                return Ok(self.next == self.steps.len());
            }
        }
        Ok(true)
    }

    /// `Shardlab.SetClock` moves the clock to a time its body names: refused
    /// before it runs if that is past the week a recipe may cover, since
    /// the move itself could take minutes.
    fn check_set_clock(&self, step: &Step) -> Result<(), ShareError> {
        let Step::Api { target, body } = step else { return Ok(()) };
        if target != "Shardlab.SetClock" {
            return Ok(());
        }
        let to = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|body| body.get("EpochMillis")?.as_u64())
            .map(Instant::from_epoch_millis);
        match to {
            Some(to) if to.saturating_since(self.began) > MAX_SIMULATED => {
                Err(ShareError::TooMuchTime(to.saturating_since(self.began)))
            }
            // Anything else is the API's to refuse.
            _ => Ok(()),
        }
    }

    /// The simulation the recipe made, once [`Replay::run`] has finished:
    /// refused if it is not the state the link was made from.
    pub fn finish(self) -> Result<Simulation, ShareError> {
        if self.next < self.steps.len() {
            return Err(ShareError::Damaged("the replay was not finished".into()));
        }
        if fingerprint(&self.sim) != self.fingerprint {
            return Err(ShareError::DifferentVersion);
        }
        Ok(self.sim)
    }

    /// Replays the whole recipe at once.
    pub fn run_to_end(mut self) -> Result<Simulation, ShareError> {
        self.run(|| false)?;
        self.finish()
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;
    use alloc::vec;

    use super::*;
    use crate::share::Link;
    use crate::share::tests::check_refused;

    fn api(target: &str, body: &str) -> Step {
        Step::Api { target: target.into(), body: body.into() }
    }

    /// A session of the kind a learner has: a stream, records, a
    /// generator, a consumer polled, the clock moved in the page's slices.
    fn session() -> Vec<Step> {
        let mut steps = vec![
            api("Kinesis_20131202.CreateStream", r#"{"StreamName":"orders","ShardCount":2}"#),
            Step::Advance(1000, 5),
            api("Kinesis_20131202.PutRecord", r#"{"StreamName":"orders","PartitionKey":"a","Data":"eA=="}"#),
            api("Shardlab.StartGenerator", r#"{"StreamName":"orders","RecordsPerSecond":100}"#),
            api("Shardlab.StartPollingConsumer", r#"{"StreamName":"orders","ShardIteratorType":"TRIM_HORIZON"}"#),
            Step::PollConsumer(0),
        ];
        steps.extend(advances(Duration::from_millis(12_345)));
        steps
    }

    /// The steps applied as they are recorded, and the recipe of them.
    fn played(steps: &[Step]) -> (Recipe, Simulation) {
        let mut sim = Simulation::with_seed(7);
        let mut recipe = Recipe::new(Start::Blank { seed: 7 });
        for step in steps {
            step.apply(&mut sim);
            recipe.push(step.clone());
        }
        (recipe, sim)
    }

    #[test]
    fn a_recipe_link_replays_to_the_same_simulation() {
        let (recipe, sim) = played(&session());
        let fragment = recipe.share_fragment(&sim).unwrap();
        assert!(fragment.starts_with("sim=2."), "{fragment}");
        assert!(fragment.len() < 600, "{} characters", fragment.len());
        let opened = Simulation::from_share_fragment(&format!("#{fragment}")).unwrap();
        assert_eq!(opened.snapshot(), sim.snapshot());
        assert!(sim.consumers()[0].shards.iter().any(|c| c.records_read() > 0), "the session read records");
    }

    #[test]
    fn a_replay_in_slices_ends_where_one_at_once_does() {
        let (recipe, sim) = played(&session());
        let mut replay = Replay::new(recipe, Simulation::with_seed(7), fingerprint(&sim)).unwrap();
        let total = replay.progress().total;
        assert_eq!(total, 5 + 5 + 12 + 1, "calls, advance repeats counted");
        // Three calls a slice.
        let three_calls = || {
            let mut calls = 0;
            move || {
                calls += 1;
                calls == 3
            }
        };
        let mut slices = 0;
        while !replay.run(three_calls()).unwrap() {
            slices += 1;
            assert_eq!(replay.progress().done, slices * 3);
        }
        assert_eq!(replay.progress(), Progress { done: total, total });
        assert_eq!(replay.finish().unwrap().snapshot(), sim.snapshot());
    }

    #[test]
    fn equal_clock_moves_in_a_row_are_one_step() {
        let api_step = api("Shardlab.Generators", "{}");
        let cases: &[(&[Step], &[Step])] = &[
            (&[Step::Advance(100, 1), Step::Advance(100, 1), Step::Advance(100, 3)], &[Step::Advance(100, 5)]),
            (&[Step::Advance(100, 1), Step::Advance(1000, 1)], &[Step::Advance(100, 1), Step::Advance(1000, 1)]),
            (
                &[Step::Advance(100, 1), api_step.clone(), Step::Advance(100, 1)],
                &[Step::Advance(100, 1), api_step.clone(), Step::Advance(100, 1)],
            ),
            (&[Step::PollConsumer(0), Step::PollConsumer(0)], &[Step::PollConsumer(0), Step::PollConsumer(0)]),
        ];
        for (pushed, expected) in cases {
            let mut recipe = Recipe::new(Start::Sandbox);
            pushed.iter().cloned().for_each(|step| recipe.push(step));
            assert_eq!(recipe.steps, *expected, "{pushed:?}");
        }
        let json = serde_json::to_string(&Step::Advance(100, 36_000)).unwrap();
        assert_eq!(json, r#"{"Advance":[100,36000]}"#);
    }

    #[test]
    fn a_clock_move_is_whole_slices_then_the_rest() {
        let cases: &[(u64, &[Step])] = &[
            (0, &[]),
            (100, &[Step::Advance(100, 1)]),
            (1000, &[Step::Advance(1000, 1)]),
            (3_600_000, &[Step::Advance(1000, 3600)]),
            (2500, &[Step::Advance(1000, 2), Step::Advance(500, 1)]),
        ];
        for (millis, expected) in cases {
            assert_eq!(advances(Duration::from_millis(*millis)).collect::<Vec<_>>(), *expected, "{millis} ms");
        }
    }

    #[test]
    fn each_limit_is_refused_with_its_reason() {
        let body = "x".repeat(MAX_BODY_BYTES + 1);
        let cases: Vec<(Vec<Step>, &str)> = vec![
            (
                vec![Step::PollConsumer(0); MAX_STEPS + 1],
                "the link has 10001 steps, and Shardlab replays at most 10000",
            ),
            (
                vec![Step::Advance(1, 600_000), Step::Advance(2, 400_001)],
                "the link makes 1000001 calls, and Shardlab replays at most 1000000",
            ),
            (
                vec![Step::Advance(1000, 7 * 24 * 3600), Step::Advance(1, 1)],
                "the link moves the clock 604800.001 s, and Shardlab replays at most 168 h",
            ),
            (
                vec![api("Shardlab.AdvanceClock", r#"{"Millis":604800001}"#)],
                "the link moves the clock 604800.001 s, and Shardlab replays at most 168 h",
            ),
            (
                vec![Step::Advance(1001, 1)],
                "the link moves the clock 1.001 s in one step, and a step moves it at most 1 s",
            ),
            (
                vec![api("Kinesis_20131202.PutRecord", &body)],
                "the link sends a request of 7340033 bytes, and a request may be at most 7 MiB",
            ),
        ];
        let sim = Simulation::new();
        for (steps, expected) in cases {
            let recipe = Recipe { start: Start::Blank { seed: 0 }, steps };
            assert_eq!(recipe.check().unwrap_err().to_string(), expected);
            // Refused when written, and when a crafted link is opened.
            assert_eq!(recipe.share_fragment(&sim).unwrap_err().to_string(), expected);
            let crafted = Wire { start: recipe.start, steps: recipe.steps, fingerprint: "0".into() };
            let link = crate::share::fragment_of("2", &serde_json::to_vec(&crafted).unwrap());
            assert_eq!(Simulation::from_share_fragment(&link).unwrap_err().to_string(), expected);
        }
    }

    #[test]
    fn a_clock_set_past_a_week_is_refused_before_it_runs() {
        let week_and_a_second = Instant::SIMULATION_START.epoch_millis() + MAX_SIMULATED.as_millis() + 1000;
        let steps = vec![api("Shardlab.SetClock", &format!(r#"{{"EpochMillis":{week_and_a_second}}}"#))];
        let replay = Replay::new(Recipe { start: Start::Blank { seed: 0 }, steps }, Simulation::new(), "0".into());
        let err = replay.unwrap().run_to_end().unwrap_err();
        assert_eq!(err.to_string(), "the link moves the clock 604801 s, and Shardlab replays at most 168 h");
    }

    #[test]
    fn a_replay_that_comes_out_differently_is_from_another_version() {
        let (recipe, sim) = played(&session());
        let fragment = recipe.share_fragment(&sim).unwrap();
        let Link::Recipe(recipe, _) = Link::read(&fragment).unwrap() else { panic!("a recipe link") };
        let other = Wire { start: recipe.start, steps: recipe.steps, fingerprint: "0123456789abcdef".into() };
        let link = crate::share::fragment_of("2", &serde_json::to_vec(&other).unwrap());
        let err = Simulation::from_share_fragment(&link).unwrap_err();
        assert_eq!(err, ShareError::DifferentVersion);
        assert!(err.to_string().starts_with("the link was made by a different version of Shardlab"), "{err}");
    }

    #[test]
    fn crafted_recipe_links_are_refused_with_a_reason() {
        let (recipe, sim) = played(&session());
        let good = recipe.share_fragment(&sim).unwrap();
        check_refused(&good[..good.len() / 2], "the link ends too early: it was cut short");
        let json = |text: &str| crate::share::fragment_of("2", text.as_bytes());
        check_refused(&json("{}"), "the link is damaged (missing field `start`");
        check_refused(
            &json(r#"{"start":"Sandbox","steps":[],"fingerprint":"0"}"#),
            "the link starts from Sandbox, which this page cannot build",
        );
        check_refused(
            &json(r#"{"start":{"Blank":{"seed":1}},"steps":[{"Advance":[100]}],"fingerprint":"0"}"#),
            "the link is damaged (invalid length 1",
        );
        check_refused(
            &json(r#"{"start":{"Blank":{"seed":1}},"steps":[{"Format":"c:"}],"fingerprint":"0"}"#),
            "the link is damaged (unknown variant `Format`",
        );
        // 20 MiB of spaces deflate to about 20 KiB: past the 16 MiB cap.
        let bomb = crate::share::fragment_of("2", &vec![b' '; 20 * 1024 * 1024]);
        assert!(bomb.len() < 100_000, "{}", bomb.len());
        check_refused(&bomb, "the link's steps take more than 16 MiB, more than Shardlab replays");
    }

    mod mutations {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// A recipe link's JSON with one to three bytes changed is
            /// replayed or refused, never a panic or a hang: the limits
            /// bound the work before anything runs. What opens is the state
            /// the link's fingerprint names, and where the change left the
            /// recipe as it was, the original state. (A change to a step
            /// can make another state the fingerprint does not tell apart,
            /// such as other data in a record that is not a shard's newest:
            /// it is a digest of what a learner sees, not of every byte.)
            #[test]
            fn mutated_recipes_never_panic_or_hang(
                edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            ) {
                let (recipe, sim) = played(&session());
                let wire = Wire { start: recipe.start, steps: recipe.steps, fingerprint: fingerprint(&sim) };
                let original = Recipe { start: wire.start.clone(), steps: wire.steps.clone() };
                let mut json = serde_json::to_vec(&wire).unwrap();
                for (at, byte) in edits {
                    let idx = at.index(json.len());
                    json[idx] = byte;
                }
                let link = crate::share::fragment_of("2", &json);
                let unchanged = parse(&json).is_ok_and(|(mutated, _)| mutated == original);
                if let Ok(opened) = Simulation::from_share_fragment(&link) {
                    let (_, expected) = parse(&json).unwrap();
                    prop_assert_eq!(fingerprint(&opened), expected);
                    if unchanged {
                        prop_assert_eq!(opened.snapshot(), sim.snapshot());
                    }
                }
            }
        }
    }
}
