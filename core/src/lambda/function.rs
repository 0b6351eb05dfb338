//! Scripted Lambda functions: behaviours a learner picks and combines
//! instead of writing code.
//!
//! A function is invoked with a batch of stream records and, after the time
//! its script says, either returns (possibly with `batchItemFailures`) or
//! throws. Every choice is made when the invocation starts, from the batch
//! and the function's seeded generator, so a run is reproducible.
//!
//! For a mapping with `TumblingWindowInSeconds`, a function that
//! [aggregates](Aggregate) returns the window's `state` with every response,
//! as AWS's `TimeWindowEventResponse` does; a function that does not returns
//! none, which Lambda counts as a failed invocation.

pub(super) mod snapshot_v1;

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::kinesis::stream::Record;
use crate::rand::Rand;
use crate::sequence::SequenceNumber;
use crate::time::{Duration, Instant};

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

/// How a function folds a tumbling window's records into the `state` it
/// returns. The state is a JSON object, as AWS's samples keep it; the
/// function receives the state of the invocations before it in the window
/// and returns it with this batch's records added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Aggregate {
    /// `{"count": N}`: the records of the window so far.
    Count,
    /// `{"KEY": N, …}`: the records of each partition key, the per-key
    /// aggregation AWS suggests for a shard.
    CountByPartitionKey,
    /// `{"count": N, "sum": S}`: the sum of this integer member of the
    /// records' JSON data. A record without it (or not JSON) counts but adds nothing.
    Sum(String),
}

impl Aggregate {
    /// `state` (a JSON object, `{}` for a fresh window) with `batch` added.
    fn fold(&self, state: &str, batch: &[Record]) -> String {
        let mut state: Map<String, Value> = serde_json::from_str(state).unwrap_or_default();
        let mut add = |key: &str, n: i64| {
            let old = state.get(key).and_then(Value::as_i64).unwrap_or(0);
            state.insert(key.into(), old.saturating_add(n).into());
        };
        for record in batch {
            match self {
                Aggregate::Count => add("count", 1),
                Aggregate::CountByPartitionKey => add(record.partition_key(), 1),
                Aggregate::Sum(member) => {
                    add("count", 1);
                    let data: Option<Value> = serde_json::from_slice(record.data()).ok();
                    add("sum", data.as_ref().and_then(|d| d.get(member.as_str())).and_then(Value::as_i64).unwrap_or(0));
                }
            }
        }
        Value::Object(state).to_string()
    }
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
    /// What the function returns as a tumbling window's `state`; `None`
    /// returns no state.
    #[serde(default)]
    pub aggregate: Option<Aggregate>,
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
            aggregate: None,
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
        /// The `state` it returned (JSON), if it aggregates.
        #[serde(default)]
        state: Option<String>,
    },
    /// Threw (`"functionError": "Unhandled"`).
    Threw,
    /// Ran out of its `Timeout` and was stopped, which a mapping handles
    /// as a function error.
    TimedOut,
}

/// A function: its script, the generator its random failures draw from and
/// its concurrency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Function {
    pub(crate) script: FunctionScript,
    rand: Rand,
    /// `ReservedConcurrentExecutions`; `None` draws on the account's unreserved pool.
    pub(crate) reserved_concurrency: Option<u32>,
    /// When each invocation running (or run) ends; those ending after now
    /// are its concurrent executions. Kept as end times rather than a count
    /// so that an invocation abandoned by a deleted mapping still holds its
    /// execution environment until it would have ended, as a real one does.
    pub(crate) running_until: Vec<Instant>,
    /// Invocations refused for want of concurrency: CloudWatch's `Throttles`.
    pub(crate) throttles: u64,
}

impl Function {
    pub(crate) fn new(script: FunctionScript) -> Function {
        let rand = Rand::new(script.seed);
        Function { script, rand, reserved_concurrency: None, running_until: Vec::new(), throttles: 0 }
    }

    /// Executions running at `now`.
    pub(crate) fn concurrent_executions(&self, now: Instant) -> u32 {
        self.running_until.iter().filter(|&&end| end > now).count() as u32
    }

    /// Runs the script on `batch`, given the window's `state` under a
    /// tumbling window: how long the invocation takes and how it ends.
    pub(crate) fn invoke(&mut self, batch: &[Record], state: Option<&str>) -> (Duration, Response) {
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
        let state = script.aggregate.as_ref().map(|a| a.fold(state.unwrap_or("{}"), batch));
        match script.on_poison {
            OnPoison::Throw if !poisoned.is_empty() => (duration, Response::Threw),
            _ => (duration, Response::Returned { batch_item_failures: poisoned, state }),
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
        sim.shard_records("s", crate::ShardId::new(0)).unwrap().collect()
    }

    #[track_caller]
    fn check(script: FunctionScript, expected: Response) {
        let batch = records(&[("a", "fine"), ("bad", "fine"), ("c", "has poison in it")]);
        let mut function = Function::new(script);
        assert_eq!(function.invoke(&batch, None).1, expected);
    }

    #[test]
    fn scripts_fail_on_what_they_say() {
        let batch = records(&[("a", "fine"), ("bad", "fine"), ("c", "has poison in it")]);
        let seq = |idx: usize| batch[idx].sequence_number();
        let by_key = Some(PoisonRule::PartitionKey("bad".into()));
        let by_data = Some(PoisonRule::DataContains(b"poison".to_vec()));
        check(FunctionScript::default(), Response::Returned { batch_item_failures: Vec::new(), state: None });
        check(FunctionScript { poison: by_key.clone(), ..FunctionScript::default() }, Response::Threw);
        check(
            FunctionScript { poison: by_key, on_poison: OnPoison::ReportItemFailures, ..FunctionScript::default() },
            Response::Returned { batch_item_failures: alloc::vec![seq(1)], state: None },
        );
        check(
            FunctionScript { poison: by_data, on_poison: OnPoison::ReportItemFailures, ..FunctionScript::default() },
            Response::Returned { batch_item_failures: alloc::vec![seq(2)], state: None },
        );
        check(FunctionScript { throw_on_every_batch: true, ..FunctionScript::default() }, Response::Threw);
        check(FunctionScript { failure_percent: 100, ..FunctionScript::default() }, Response::Threw);
    }

    #[test]
    fn aggregates_add_the_batch_to_the_state_they_are_given() {
        let batch = records(&[("a", r#"{"n": 2}"#), ("b", r#"{"n": 40}"#), ("a", "not json")]);
        // (aggregate, state in, state out)
        let cases: &[(Aggregate, &str, &str)] = &[
            (Aggregate::Count, "{}", r#"{"count":3}"#),
            (Aggregate::Count, r#"{"count":7}"#, r#"{"count":10}"#),
            (Aggregate::CountByPartitionKey, r#"{"c":1}"#, r#"{"a":2,"b":1,"c":1}"#),
            (Aggregate::Sum("n".into()), "{}", r#"{"count":3,"sum":42}"#),
            (Aggregate::Sum("n".into()), r#"{"count":1,"sum":8}"#, r#"{"count":4,"sum":50}"#),
        ];
        for (aggregate, state_in, state_out) in cases {
            let mut function =
                Function::new(FunctionScript { aggregate: Some(aggregate.clone()), ..FunctionScript::default() });
            let expected = Response::Returned { batch_item_failures: Vec::new(), state: Some((*state_out).into()) };
            assert_eq!(function.invoke(&batch, Some(state_in)).1, expected, "{aggregate:?} from {state_in}");
        }
        let mut plain = Function::new(FunctionScript::default());
        assert_eq!(
            plain.invoke(&batch, Some("{}")).1,
            Response::Returned { batch_item_failures: Vec::new(), state: None }
        );
    }

    #[test]
    fn an_invocation_longer_than_the_timeout_is_stopped_at_the_timeout() {
        let batch = records(&[("a", "x"), ("b", "y")]);
        let script = |per_record| FunctionScript {
            duration_per_record: Duration::from_millis(per_record),
            timeout: Duration::from_secs(1),
            ..FunctionScript::default()
        };
        let ok = Response::Returned { batch_item_failures: Vec::new(), state: None };
        assert_eq!(Function::new(script(500)).invoke(&batch, None), (Duration::from_secs(1), ok));
        assert_eq!(Function::new(script(501)).invoke(&batch, None), (Duration::from_secs(1), Response::TimedOut));
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
            (0..1000).map(|_| function.invoke(&batch, None)).collect::<Vec<_>>()
        };
        let first = outcomes(&script);
        assert!(first.iter().all(|(duration, _)| *duration == Duration::from_millis(120)));
        assert_eq!(first, outcomes(&script), "the same seed gives the same failures");
        let failures = first.iter().filter(|(_, r)| *r == Response::Threw).count();
        assert!((250..350).contains(&failures), "failures={failures}");
        assert_ne!(first, outcomes(&FunctionScript { seed: 10, ..script }));
    }
}
