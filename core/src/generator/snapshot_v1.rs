//! A traffic generator's version-1 snapshot form. A change to [`Generator`]
//! needs no change here unless it changes what is stored.

use alloc::string::String;

use serde::{Deserialize, Serialize};

use super::{Generator, GeneratorConfig, GeneratorCounters, PlanCache};
use crate::rand::RandV1;
use crate::time::Instant;

/// A generator as stored. Its plan is not: it follows from the
/// configuration and is built again on first use.
#[derive(Serialize, Deserialize)]
pub(crate) struct GeneratorV1 {
    config: GeneratorConfig,
    counters: GeneratorCounters,
    last_error: Option<String>,
    running: bool,
    rand: RandV1,
    next_tick: Instant,
    ticks: u64,
}

impl From<Generator> for GeneratorV1 {
    fn from(generator: Generator) -> GeneratorV1 {
        let Generator { config, counters, last_error, running, rand, next_tick, ticks, plan: _ } = generator;
        GeneratorV1 { config, counters, last_error, running, rand: rand.into(), next_tick, ticks }
    }
}

impl From<GeneratorV1> for Generator {
    fn from(v1: GeneratorV1) -> Generator {
        let GeneratorV1 { config, counters, last_error, running, rand, next_tick, ticks } = v1;
        Generator {
            config,
            counters,
            last_error,
            running,
            rand: rand.into(),
            next_tick,
            ticks,
            plan: PlanCache::default(),
        }
    }
}
