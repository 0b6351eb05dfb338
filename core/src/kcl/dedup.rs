//! An idempotent consumer: how an application turns the KCL's at-least-once
//! delivery into effectively-once processing.
//!
//! Modelled on the usual DynamoDB pattern: before acting on a record, put an
//! item keyed by the record's identity with the condition
//! `attribute_not_exists(pk)`. The first put succeeds and the record is
//! processed; a redelivery fails the condition and is dropped. The identity
//! is either the record's position in the stream (sequence number and
//! sub-sequence number), which catches redeliveries of the same record, or a
//! business key from the payload, which also catches a producer's retries,
//! since a retried `PutRecord` stores the same payload under a new sequence
//! number.
//!
//! Left out: item expiry (a real table would set a TTL) and the race between
//! the conditional put and the side effect it guards, which a transaction or
//! an outbox would close.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};

use serde::{Deserialize, Serialize};

use super::ProcessedRecord;

/// What identifies a record in the store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DedupKey {
    /// The sequence number and sub-sequence number.
    SequenceNumber,
    /// A top-level field of a JSON payload, such as an order id.
    JsonField(String),
}

/// What the store did with a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DedupOutcome {
    /// The conditional put succeeded: first time seen, act on it.
    Processed,
    /// The condition failed: seen before, drop it.
    Duplicate,
    /// No key could be extracted (not JSON, or no such field); dropped and counted.
    Skipped,
}

/// The store's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DedupCounters {
    /// Records acted on.
    pub n_processed: u64,
    /// Redeliveries (or retried writes) refused by the condition.
    pub n_duplicate: u64,
    /// Records without a usable key.
    pub n_skipped: u64,
}

/// A table written only with `attribute_not_exists` conditional puts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyStore {
    key: DedupKey,
    // A BTreeSet, not a HashSet: iteration order must be deterministic.
    items: BTreeSet<String>,
    counters: DedupCounters,
}

impl IdempotencyStore {
    /// An empty store keyed by `key`.
    pub fn new(key: DedupKey) -> IdempotencyStore {
        IdempotencyStore { key, items: BTreeSet::new(), counters: DedupCounters::default() }
    }

    /// Offers one delivered record: a conditional put of its key.
    pub fn offer(&mut self, record: &ProcessedRecord) -> DedupOutcome {
        let outcome = match self.key_of(record) {
            None => DedupOutcome::Skipped,
            Some(key) if self.items.contains(&key) => DedupOutcome::Duplicate,
            Some(key) => {
                self.items.insert(key);
                DedupOutcome::Processed
            }
        };
        let counter = match outcome {
            DedupOutcome::Processed => &mut self.counters.n_processed,
            DedupOutcome::Duplicate => &mut self.counters.n_duplicate,
            DedupOutcome::Skipped => &mut self.counters.n_skipped,
        };
        *counter += 1;
        outcome
    }

    /// The counters so far.
    pub fn counters(&self) -> DedupCounters {
        self.counters
    }

    /// How many items the table holds.
    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    fn key_of(&self, record: &ProcessedRecord) -> Option<String> {
        match &self.key {
            DedupKey::SequenceNumber => Some(format!("{}/{}", record.sequence_number, record.sub_sequence_number)),
            DedupKey::JsonField(field) => {
                let value: serde_json::Value = serde_json::from_slice(&record.data).ok()?;
                match value.get(field)? {
                    // A string is keyed by its text, as the application would use it,
                    // not by its JSON quoting.
                    serde_json::Value::String(text) => Some(text.clone()),
                    serde_json::Value::Null => None,
                    other => Some(other.to_string()),
                }
            }
        }
    }
}
