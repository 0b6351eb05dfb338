//! Shard iterators: where in a shard the next `GetRecords` call reads from.
//!
//! As in Kinesis, an iterator is an opaque string. Ours is the base64 of a
//! small binary token naming the stream, the shard, the read position and the
//! moment it was issued, which is what lets `GetRecords` reject an iterator
//! that is malformed or more than five minutes old.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

use crate::base64;
use crate::stream::ShardId;
use crate::time::Instant;

/// `ShardIteratorType`: where a new iterator starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ShardIteratorType {
    /// At the record with a given sequence number.
    AtSequenceNumber,
    /// Just after the record with a given sequence number.
    AfterSequenceNumber,
    /// At the oldest record still within the retention period.
    TrimHorizon,
    /// Just after the most recent record, so that only new records are read.
    Latest,
    /// At the first record that arrived at or after a given time.
    AtTimestamp,
}

impl ShardIteratorType {
    /// Every type, in the order the API reference lists them.
    pub const ALL: [ShardIteratorType; 5] = [
        ShardIteratorType::AtSequenceNumber,
        ShardIteratorType::AfterSequenceNumber,
        ShardIteratorType::TrimHorizon,
        ShardIteratorType::Latest,
        ShardIteratorType::AtTimestamp,
    ];

    /// The wire name, e.g. `TRIM_HORIZON`.
    pub fn as_str(self) -> &'static str {
        match self {
            ShardIteratorType::AtSequenceNumber => "AT_SEQUENCE_NUMBER",
            ShardIteratorType::AfterSequenceNumber => "AFTER_SEQUENCE_NUMBER",
            ShardIteratorType::TrimHorizon => "TRIM_HORIZON",
            ShardIteratorType::Latest => "LATEST",
            ShardIteratorType::AtTimestamp => "AT_TIMESTAMP",
        }
    }
}

impl fmt::Display for ShardIteratorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A starting position: an iterator type with the value it needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StartingPosition {
    /// `AT_SEQUENCE_NUMBER` with `StartingSequenceNumber`.
    AtSequenceNumber(String),
    /// `AFTER_SEQUENCE_NUMBER` with `StartingSequenceNumber`.
    AfterSequenceNumber(String),
    /// `TRIM_HORIZON`.
    TrimHorizon,
    /// `LATEST`.
    Latest,
    /// `AT_TIMESTAMP` with `Timestamp`.
    AtTimestamp(Instant),
}

impl StartingPosition {
    /// The position's `ShardIteratorType`.
    pub fn iterator_type(&self) -> ShardIteratorType {
        match self {
            StartingPosition::AtSequenceNumber(_) => ShardIteratorType::AtSequenceNumber,
            StartingPosition::AfterSequenceNumber(_) => ShardIteratorType::AfterSequenceNumber,
            StartingPosition::TrimHorizon => ShardIteratorType::TrimHorizon,
            StartingPosition::Latest => ShardIteratorType::Latest,
            StartingPosition::AtTimestamp(_) => ShardIteratorType::AtTimestamp,
        }
    }
}

/// What a shard iterator string encodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IteratorToken {
    pub(crate) stream: String,
    pub(crate) shard: ShardId,
    /// The sequence counter of the next record to read.
    pub(crate) counter: u64,
    pub(crate) issued: Instant,
}

const TOKEN_VERSION: u8 = 1;
const HEADER_LEN: usize = 1 + 4 + 8 + 8;

impl IteratorToken {
    pub(crate) fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(HEADER_LEN + self.stream.len());
        bytes.push(TOKEN_VERSION);
        bytes.extend_from_slice(&self.shard.index().to_be_bytes());
        bytes.extend_from_slice(&self.counter.to_be_bytes());
        bytes.extend_from_slice(&self.issued.epoch_millis().to_be_bytes());
        bytes.extend_from_slice(self.stream.as_bytes());
        base64::encode(&bytes)
    }

    pub(crate) fn decode(text: &str) -> Option<IteratorToken> {
        let bytes = base64::decode(text)?;
        if bytes.len() <= HEADER_LEN || bytes[0] != TOKEN_VERSION {
            return None;
        }
        let u64_at = |at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        Some(IteratorToken {
            shard: ShardId::new(u32::from_be_bytes(bytes[1..5].try_into().expect("4 bytes"))),
            counter: u64_at(5),
            issued: Instant::from_epoch_millis(u64_at(13)),
            stream: String::from_utf8(bytes[HEADER_LEN..].to_vec()).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trips() {
        let token = IteratorToken {
            stream: "orders".into(),
            shard: ShardId::new(7),
            counter: 42,
            issued: Instant::SIMULATION_START,
        };
        assert_eq!(IteratorToken::decode(&token.encode()), Some(token));
    }

    #[test]
    fn garbage_is_not_a_token() {
        for bad in ["", "not base64!", "AAAA", &base64::encode(&[2; 30])] {
            assert_eq!(IteratorToken::decode(bad), None, "{bad:?}");
        }
    }
}
