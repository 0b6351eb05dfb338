//! Traffic generators: producers that write at a steady rate with a chosen
//! key distribution, so that a learner can create a hot shard, watch
//! throttling, and cure it with more shards or better keys.
//!
//! A generator is a client like the KPL producer: it sends `PutRecords`
//! batches every [`GENERATOR_TICK`], and counts what the service answered.
//! The batches go through `KinesisClient::put_generated`, `PutRecords` with
//! its checks, throttling and metrics but answered in counts, so that a
//! generator far above the limit does not pay for each refusal as a write.
//! It does not retry throttled entries; the counts are the lesson
//! (`WriteProvisionedThroughputExceeded` in the metrics says the same from
//! the service's side).

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::generated::{GeneratedBatch, GeneratorPlan};
use crate::kinesis::KinesisClient;
use crate::rand::Rand;
use crate::time::{Duration, Instant};
use crate::{Simulation, limits};

mod snapshot_v1;

pub(crate) use snapshot_v1::GeneratorV1;

/// How often a generator sends a batch: ten times a second, so that a rate
/// spreads over each second as real producers' traffic does.
pub const GENERATOR_TICK: Duration = Duration::from_millis(100);

/// The highest rate a generator takes, in records per second: 200 shards'
/// worth, far beyond any lesson, and cheap enough to simulate in a browser.
pub const MAX_GENERATOR_RATE: u32 = 200_000;

/// The most distinct keys a generator draws from.
pub const MAX_DISTINCT_KEYS: u32 = 100_000;

/// Identifies a generator within a simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct GeneratorId(pub u32);

/// How a generator picks each record's partition key from `key-0`, `key-1`, ….
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyDistribution {
    /// Every one of `distinct_keys` keys equally often.
    Uniform {
        /// How many keys.
        distinct_keys: u32,
    },
    /// Key `k` (from 1) with weight 1/k: a few keys carry most traffic, as
    /// with customers or products in real systems.
    Zipf {
        /// How many keys.
        distinct_keys: u32,
    },
    /// `hot_percent` of records with the key `hot-key`, the rest uniform
    /// over `distinct_keys` keys.
    HotKey {
        /// The share of the hot key, 0 to 100.
        hot_percent: u32,
        /// How many other keys.
        distinct_keys: u32,
    },
}

/// What a generator writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratorConfig {
    /// The stream written to.
    pub stream_name: String,
    /// Records per second, 1 to [`MAX_GENERATOR_RATE`].
    pub records_per_second: u32,
    /// Bytes of data per record, 1 to 1 MiB.
    pub record_bytes: u32,
    /// How partition keys are drawn.
    pub keys: KeyDistribution,
}

/// Why a generator was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidGenerator(pub String);

impl core::fmt::Display for InvalidGenerator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl GeneratorConfig {
    pub(crate) fn validate(&self) -> Result<(), InvalidGenerator> {
        let mut problems = Vec::new();
        if !(1..=MAX_GENERATOR_RATE).contains(&self.records_per_second) {
            problems.push(format!(
                "RecordsPerSecond must be from 1 to {MAX_GENERATOR_RATE}, but was {}.",
                self.records_per_second
            ));
        }
        if !(1..=limits::MAX_RECORD_DATA_BYTES as u32).contains(&self.record_bytes) {
            problems.push(format!(
                "RecordBytes must be from 1 to {}, but was {}.",
                limits::MAX_RECORD_DATA_BYTES,
                self.record_bytes
            ));
        }
        let (distinct_keys, hot_percent) = match self.keys {
            KeyDistribution::Uniform { distinct_keys } | KeyDistribution::Zipf { distinct_keys } => (distinct_keys, 0),
            KeyDistribution::HotKey { hot_percent, distinct_keys } => (distinct_keys, hot_percent),
        };
        if !(1..=MAX_DISTINCT_KEYS).contains(&distinct_keys) {
            problems.push(format!("DistinctKeys must be from 1 to {MAX_DISTINCT_KEYS}, but was {distinct_keys}."));
        }
        if hot_percent > 100 {
            problems.push(format!("HotPercent must be from 0 to 100, but was {hot_percent}."));
        }
        if problems.is_empty() { Ok(()) } else { Err(InvalidGenerator(problems.join(" "))) }
    }
}

/// What a generator has sent and what became of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratorCounters {
    /// Records offered in `PutRecords` entries.
    pub sent: u64,
    /// Entries stored.
    pub stored: u64,
    /// Entries refused with `ProvisionedThroughputExceededException`.
    pub throttled: u64,
    /// Entries or whole calls refused for any other reason (the stream
    /// missing or not `ACTIVE`, access denied, a KMS failure).
    pub failed: u64,
}

/// A running (or stopped) generator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generator {
    /// What it writes.
    pub config: GeneratorConfig,
    /// What it has sent.
    pub counters: GeneratorCounters,
    /// The last error a whole call got, such as `ResourceNotFoundException`.
    pub last_error: Option<String>,
    /// Whether it still sends.
    pub running: bool,
    rand: Rand,
    /// When the next batch goes.
    next_tick: Instant,
    /// Ticks sent so far, to spread a rate that is not a multiple of ten
    /// evenly over each second.
    ticks: u64,
    /// The plan its records are made by, built on first use: a cache, so
    /// it is not saved.
    plan: PlanCache,
}

/// A generator's plan once built; equal to any other, as it follows from
/// the configuration.
#[derive(Clone, Default)]
struct PlanCache(Option<Arc<GeneratorPlan>>);

impl PartialEq for PlanCache {
    fn eq(&self, _: &PlanCache) -> bool {
        true
    }
}

impl Eq for PlanCache {}

impl core::fmt::Debug for PlanCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(if self.0.is_some() { "PlanCache(built)" } else { "PlanCache(none)" })
    }
}

impl Generator {
    fn new(config: GeneratorConfig, seed: u64, now: Instant) -> Generator {
        Generator {
            config,
            counters: GeneratorCounters::default(),
            last_error: None,
            running: true,
            rand: Rand::new(seed),
            next_tick: now + GENERATOR_TICK,
            ticks: 0,
            plan: PlanCache::default(),
        }
    }

    /// What `start_generator` checks, and a next tick no earlier than the
    /// clock and at most one tick after it, checked on a restored snapshot:
    /// a rate or a key count past the limits would exhaust memory, and a
    /// tick long before the clock would replay every tick since.
    pub(crate) fn check_restored(&self, now: Instant) -> Result<(), InvalidGenerator> {
        self.config.validate()?;
        if self.running && !(now <= self.next_tick && self.next_tick <= now + GENERATOR_TICK) {
            return Err(InvalidGenerator(format!(
                "Its next batch is due at {}, not within {} ms of the clock.",
                self.next_tick,
                GENERATOR_TICK.as_millis()
            )));
        }
        Ok(())
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.running.then_some(self.next_tick)
    }

    /// The number of records due in the next tick: the rate's share of a
    /// second, with remainders carried so that each second sends exactly the rate.
    fn records_this_tick(&self) -> u64 {
        let rate = u64::from(self.config.records_per_second);
        let per_second = 1000 / GENERATOR_TICK.as_millis();
        // Only the tick's place within its second matters; taking it modulo
        // keeps the products small however many ticks a snapshot says ran.
        let tick = self.ticks % per_second;
        rate * (tick + 1) / per_second - rate * tick / per_second
    }

    /// The generator's plan, built on first use.
    fn plan(&mut self) -> Arc<GeneratorPlan> {
        let config = &self.config;
        self.plan.0.get_or_insert_with(|| Arc::new(GeneratorPlan::new(config.keys, config.record_bytes))).clone()
    }

    /// Sends this tick's records, in `PutRecords` calls of at most 500
    /// entries and 5 MiB. The calls go through
    /// `KinesisClient::put_generated`, which answers with counts: an entry's
    /// data is made only if a shard accepts it, so the work of a tick grows
    /// with what the stream stores, plus a routing and a budget check for
    /// each refused entry.
    fn tick(&mut self, client: &mut KinesisClient<'_>) {
        let due = self.records_this_tick();
        self.ticks = self.ticks.wrapping_add(1);
        self.next_tick = self.next_tick + GENERATOR_TICK;
        let plan = self.plan();
        let per_call =
            (limits::MAX_PUT_RECORDS_BYTES / plan.record_bytes().max(1)).clamp(1, limits::MAX_PUT_RECORDS_ENTRIES);
        let mut keys = Vec::new();
        let mut remaining = due;
        while remaining > 0 {
            let count = remaining.min(per_call as u64);
            remaining -= count;
            let rand = self.rand.clone();
            keys.clear();
            keys.extend((0..count).map(|_| plan.draw(&mut self.rand)));
            // Each record's data names its serial, counted from the first
            // entry of the call whether or not earlier entries were stored.
            let first_serial = self.counters.sent;
            self.counters.sent = self.counters.sent.saturating_add(count);
            let batch =
                GeneratedBatch { stream_name: &self.config.stream_name, plan: &plan, rand, first_serial, keys: &keys };
            match client.put_generated(batch) {
                Ok((stored, throttled)) => {
                    self.counters.stored = self.counters.stored.saturating_add(stored);
                    self.counters.throttled = self.counters.throttled.saturating_add(throttled);
                }
                Err(err) => {
                    self.counters.failed = self.counters.failed.saturating_add(count);
                    self.last_error = Some(format!("{}: {err}", err.code()));
                }
            }
        }
    }
}

impl Simulation {
    /// Starts a generator writing to `config.stream_name` from the next
    /// tick on; `seed` fixes the keys it draws.
    pub fn start_generator(&mut self, config: GeneratorConfig, seed: u64) -> Result<GeneratorId, InvalidGenerator> {
        config.validate()?;
        self.generators.push(Generator::new(config, seed, self.now));
        Ok(GeneratorId(self.generators.len() as u32 - 1))
    }

    /// Stops a generator; it keeps its counters. Returns `false` if there is no such generator.
    pub fn stop_generator(&mut self, id: GeneratorId) -> bool {
        match self.generators.get_mut(id.0 as usize) {
            Some(generator) => {
                generator.running = false;
                true
            }
            None => false,
        }
    }

    /// Every generator, by id.
    pub fn generators(&self) -> &[Generator] {
        &self.generators
    }

    pub(crate) fn tick_generator_at(&mut self, idx: usize) {
        self.generators[idx].tick(&mut kinesis_client!(self));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CreateStreamInput, StreamView};

    fn sim_with_stream(shards: u32) -> Simulation {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("s", shards)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        sim
    }

    fn config(records_per_second: u32, keys: KeyDistribution) -> GeneratorConfig {
        GeneratorConfig { stream_name: "s".into(), records_per_second, record_bytes: 100, keys }
    }

    fn records_per_shard(view: &StreamView) -> Vec<usize> {
        view.shards.iter().map(|s| s.n_records).collect()
    }

    /// A polling consumer's `GetRecords` assembles only the newest records
    /// it keeps; the call is otherwise the same: the records it hands out
    /// are the newest of those a whole call reads (its `Limit` of 10,000
    /// included), and the iterator, lag and metrics it leaves are the same.
    #[test]
    fn get_records_keeping_the_newest_is_get_records_cut_to_them() {
        let mut sim = sim_with_stream(2);
        // About 11,000 records a shard, under each shard's 1,000 records/s.
        sim.start_generator(config(1_800, KeyDistribution::Uniform { distinct_keys: 1000 }), 5).unwrap();
        sim.advance(Duration::from_secs(13));
        for shard in [0, 1] {
            for keep in [1, 3, 100, 20_000] {
                let input = crate::GetShardIteratorInput {
                    stream_name: "s".into(),
                    shard_id: crate::ShardId::new(shard),
                    position: crate::StartingPosition::TrimHorizon,
                };
                let iterator = sim.get_shard_iterator(input).unwrap();
                let (mut whole, mut newest) = (sim.clone(), sim.clone());
                let all = whole.get_records(&iterator, None).unwrap();
                let (kept, read) =
                    newest.kinesis.get_records_keeping_newest(kinesis_call!(newest), &iterator, keep).unwrap();
                assert_eq!(read, all.records.len() as u64);
                assert_eq!(all.records.len(), 10_000, "a whole page, cut at GetRecords' limit");
                assert_eq!(kept.records, all.records[all.records.len() - keep.min(all.records.len())..]);
                assert_eq!(kept.next_shard_iterator, all.next_shard_iterator);
                assert_eq!(kept.millis_behind_latest, all.millis_behind_latest);
                assert_eq!(newest.snapshot(), whole.snapshot(), "the same state, metrics included");
            }
        }
    }

    #[test]
    fn sends_exactly_the_rate_each_second() {
        for rate in [1, 7, 10, 333, 1500] {
            let mut sim = sim_with_stream(4);
            let id = sim.start_generator(config(rate, KeyDistribution::Uniform { distinct_keys: 1000 }), 1).unwrap();
            sim.advance(Duration::from_secs(3));
            let counters = sim.generators()[id.0 as usize].counters;
            assert_eq!(counters.sent, 3 * u64::from(rate), "rate={rate}");
            assert_eq!(counters.stored + counters.throttled + counters.failed, counters.sent);
        }
    }

    #[test]
    fn a_hot_key_throttles_one_shard_and_more_keys_cure_it() {
        // 1,500 records/s: a quarter of each shard's write limit per shard if
        // spread, but 90 % on one key is 1,350/s into one shard.
        let mut hot = sim_with_stream(4);
        hot.start_generator(config(1500, KeyDistribution::HotKey { hot_percent: 90, distinct_keys: 100 }), 3).unwrap();
        hot.advance(Duration::from_secs(5));
        let counters = hot.generators()[0].counters;
        assert!(counters.throttled > 1000, "{counters:?}");
        let per_shard = records_per_shard(&hot.stream("s").unwrap());
        assert!(per_shard.iter().filter(|&&n| n >= 5 * 1000 - 100).count() == 1, "{per_shard:?}");

        let mut spread = sim_with_stream(4);
        spread.start_generator(config(1500, KeyDistribution::Uniform { distinct_keys: 10_000 }), 3).unwrap();
        spread.advance(Duration::from_secs(5));
        assert_eq!(spread.generators()[0].counters.throttled, 0);
    }

    #[test]
    fn zipf_favours_the_first_keys() {
        let plan = GeneratorPlan::new(KeyDistribution::Zipf { distinct_keys: 100 }, 1);
        let mut rand = Rand::new(9);
        let mut hits = [0u32; 100];
        for _ in 0..10_000 {
            hits[plan.draw(&mut rand) as usize] += 1;
        }
        // Harmonic weights: key 1 gets 1/H(100) ≈ 19 %, key 2 half that.
        assert!((1700..2100).contains(&hits[0]), "{}", hits[0]);
        assert!((800..1150).contains(&hits[1]), "{}", hits[1]);
        assert!(hits[99] < 60, "{}", hits[99]);
    }

    #[test]
    fn stopping_keeps_the_counters_and_sends_nothing_more() {
        let mut sim = sim_with_stream(1);
        let id = sim.start_generator(config(100, KeyDistribution::Uniform { distinct_keys: 5 }), 0).unwrap();
        sim.advance(Duration::from_secs(1));
        assert!(sim.stop_generator(id));
        sim.advance(Duration::from_secs(5));
        assert_eq!(sim.generators()[0].counters.sent, 100);
        assert_eq!(sim.stream("s").unwrap().shards[0].n_records, 100);
        assert!(!sim.stop_generator(GeneratorId(7)));
    }

    #[test]
    fn a_missing_stream_is_counted_and_named() {
        let mut sim = Simulation::new();
        let mut cfg = config(10, KeyDistribution::Uniform { distinct_keys: 5 });
        cfg.stream_name = "nope".into();
        sim.start_generator(cfg, 0).unwrap();
        sim.advance(Duration::from_secs(1));
        let generator = &sim.generators()[0];
        assert_eq!(generator.counters.failed, 10);
        assert!(generator.last_error.as_deref().unwrap().starts_with("ResourceNotFoundException: Stream nope"));
    }

    #[test]
    fn invalid_configs_are_refused() {
        let cases = [
            (
                config(0, KeyDistribution::Uniform { distinct_keys: 1 }),
                "RecordsPerSecond must be from 1 to 200000, but was 0.",
            ),
            (
                GeneratorConfig { record_bytes: 0, ..config(1, KeyDistribution::Uniform { distinct_keys: 1 }) },
                "RecordBytes must be from 1 to 1048576, but was 0.",
            ),
            (
                config(1, KeyDistribution::Zipf { distinct_keys: 0 }),
                "DistinctKeys must be from 1 to 100000, but was 0.",
            ),
            (
                config(1, KeyDistribution::HotKey { hot_percent: 101, distinct_keys: 1 }),
                "HotPercent must be from 0 to 100, but was 101.",
            ),
        ];
        for (cfg, expected) in cases {
            assert_eq!(Simulation::new().start_generator(cfg, 0).unwrap_err().0, expected);
        }
    }
}
