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
