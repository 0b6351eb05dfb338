//! Scripted Lambda functions: behaviours a learner picks and combines
//! instead of writing code.
//!
//! A function is invoked with a batch of stream records and, after the time
//! its script says, either returns (possibly with `batchItemFailures`) or
//! throws. Every choice is made when the invocation starts, from the batch
//! and the function's seeded generator, so a run is reproducible.

use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::rand::Rand;
use crate::sequence::SequenceNumber;
use crate::stream::Record;
use crate::time::Duration;

/// Which records a function cannot process: its poison pills.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PoisonRule {
    /// Records with exactly this partition key.
    PartitionKey(String),
    /// Records whose data contains these bytes.
    DataContains(Vec<u8>),
}

impl PoisonRule {
    /// Whether `record` is a poison pill under this rule.
    pub fn matches(&self, record: &Record) -> bool {
        match self {
            PoisonRule::PartitionKey(key) => record.partition_key() == key,
            PoisonRule::DataContains(needle) => {
                needle.is_empty() || record.data().windows(needle.len()).any(|window| window == needle.as_slice())
            }
        }
    }
}

/// What a function does when its batch holds a poison pill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnPoison {
    /// Throws: the whole batch fails.
    Throw,
    /// Returns `{"batchItemFailures": [{"itemIdentifier": SEQ}, …]}` naming
    /// each poison pill, as a function written for `ReportBatchItemFailures` does.
    ReportItemFailures,
}

/// A scripted function's behaviour. The defaults succeed instantly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionScript {
    /// Time every invocation takes, whatever its batch.
    pub duration_per_batch: Duration,
    /// Further time per record of the batch.
    pub duration_per_record: Duration,
    /// The records the function cannot process.
    pub poison: Option<PoisonRule>,
    /// How a batch with a poison pill fails.
    pub on_poison: OnPoison,
    /// The chance, in percent, that an invocation throws whatever its batch.
    pub failure_percent: u32,
    /// Throws on every batch.
    pub throw_on_every_batch: bool,
    /// Seeds the generator behind `failure_percent`.
    pub seed: u64,
    /// The function's `Timeout`: an invocation that would run longer is
    /// stopped after this long and fails ("Task timed out").
    #[serde(default = "default_timeout")]
    pub timeout: Duration,
}

/// Lambda's default `Timeout`, 3 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
/// The largest `Timeout`, 900 seconds.
pub const MAX_TIMEOUT_SECONDS: u64 = 900;

fn default_timeout() -> Duration {
    DEFAULT_TIMEOUT
}

impl Default for FunctionScript {
    fn default() -> Self {
        FunctionScript {
            duration_per_batch: Duration::ZERO,
            duration_per_record: Duration::ZERO,
            poison: None,
            on_poison: OnPoison::Throw,
            failure_percent: 0,
            throw_on_every_batch: false,
            seed: 0,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// How an invocation ended, as the function's response says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// Returned; the sequence numbers it listed in `batchItemFailures`
    /// (empty for a plain success).
    Returned {
        /// The `itemIdentifier`s of `batchItemFailures`.
        batch_item_failures: Vec<SequenceNumber>,
    },
    /// Threw (`"functionError": "Unhandled"`).
    Threw,
    /// Ran out of its `Timeout` and was stopped, which a mapping handles
    /// as a function error.
    TimedOut,
}

/// A function: its script and the generator its random failures draw from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Function {
    pub(crate) script: FunctionScript,
    rand: Rand,
}

impl Function {
    pub(crate) fn new(script: FunctionScript) -> Function {
        let rand = Rand::new(script.seed);
        Function { script, rand }
    }

    /// Runs the script on `batch`: how long the invocation takes and how it ends.
    pub(crate) fn invoke(&mut self, batch: &[Record]) -> (Duration, Response) {
        let script = &self.script;
        let duration = script.duration_per_batch
            + Duration::from_millis(script.duration_per_record.as_millis() * batch.len() as u64);
        // The draw is made on every invocation, so that a function's random
        // failures do not depend on what else its script says.
        let unlucky = self.rand.rand_range(0..100) < script.failure_percent;
        if duration > script.timeout {
            return (script.timeout, Response::TimedOut);
        }
        if script.throw_on_every_batch || unlucky {
            return (duration, Response::Threw);
        }
        let poisoned: Vec<SequenceNumber> = match &script.poison {
            Some(rule) => batch.iter().filter(|r| rule.matches(r)).map(Record::sequence_number).collect(),
            None => Vec::new(),
        };
        match script.on_poison {
            OnPoison::Throw if !poisoned.is_empty() => (duration, Response::Threw),
            _ => (duration, Response::Returned { batch_item_failures: poisoned }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CreateStreamInput, PutRecordInput, Simulation, limits};

    /// Records with these (partition key, data) pairs, as a shard stores them.
    fn records(pairs: &[(&str, &str)]) -> Vec<Record> {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("s", 1)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        for (key, data) in pairs {
            sim.put_record(PutRecordInput::new("s", *key, data.as_bytes().to_vec())).unwrap();
        }
        sim.shard_records("s", crate::ShardId::new(0)).unwrap().cloned().collect()
    }

    #[track_caller]
    fn check(script: FunctionScript, expected: Response) {
        let batch = records(&[("a", "fine"), ("bad", "fine"), ("c", "has poison in it")]);
        let mut function = Function::new(script);
        assert_eq!(function.invoke(&batch).1, expected);
    }

    #[test]
    fn scripts_fail_on_what_they_say() {
        let batch = records(&[("a", "fine"), ("bad", "fine"), ("c", "has poison in it")]);
        let seq = |idx: usize| batch[idx].sequence_number();
        let by_key = Some(PoisonRule::PartitionKey("bad".into()));
        let by_data = Some(PoisonRule::DataContains(b"poison".to_vec()));
        check(FunctionScript::default(), Response::Returned { batch_item_failures: Vec::new() });
        check(FunctionScript { poison: by_key.clone(), ..FunctionScript::default() }, Response::Threw);
        check(
            FunctionScript { poison: by_key, on_poison: OnPoison::ReportItemFailures, ..FunctionScript::default() },
            Response::Returned { batch_item_failures: alloc::vec![seq(1)] },
        );
        check(
            FunctionScript { poison: by_data, on_poison: OnPoison::ReportItemFailures, ..FunctionScript::default() },
            Response::Returned { batch_item_failures: alloc::vec![seq(2)] },
        );
        check(FunctionScript { throw_on_every_batch: true, ..FunctionScript::default() }, Response::Threw);
        check(FunctionScript { failure_percent: 100, ..FunctionScript::default() }, Response::Threw);
    }

    #[test]
    fn an_invocation_longer_than_the_timeout_is_stopped_at_the_timeout() {
        let batch = records(&[("a", "x"), ("b", "y")]);
        let script = |per_record| FunctionScript {
            duration_per_record: Duration::from_millis(per_record),
            timeout: Duration::from_secs(1),
            ..FunctionScript::default()
        };
        let ok = Response::Returned { batch_item_failures: Vec::new() };
        assert_eq!(Function::new(script(500)).invoke(&batch), (Duration::from_secs(1), ok));
        assert_eq!(Function::new(script(501)).invoke(&batch), (Duration::from_secs(1), Response::TimedOut));
    }

    #[test]
    fn durations_add_up_and_random_failures_follow_the_seed() {
        let batch = records(&[("a", "x"), ("b", "y")]);
        let script = FunctionScript {
            duration_per_batch: Duration::from_millis(100),
            duration_per_record: Duration::from_millis(10),
            failure_percent: 30,
            seed: 9,
            ..FunctionScript::default()
        };
        let outcomes = |script: &FunctionScript| {
            let mut function = Function::new(script.clone());
            (0..1000).map(|_| function.invoke(&batch)).collect::<Vec<_>>()
        };
        let first = outcomes(&script);
        assert!(first.iter().all(|(duration, _)| *duration == Duration::from_millis(120)));
        assert_eq!(first, outcomes(&script), "the same seed gives the same failures");
        let failures = first.iter().filter(|(_, r)| *r == Response::Threw).count();
        assert!((250..350).contains(&failures), "failures={failures}");
        assert_ne!(first, outcomes(&FunctionScript { seed: 10, ..script }));
    }
}
