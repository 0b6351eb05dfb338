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
use crate::time::{Duration, Instant};

/// An iterator stops being valid five minutes after it was issued.
pub const ITERATOR_LIFETIME: Duration = Duration::from_secs(300);

/// `ShardIteratorType`: where a new iterator starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShardIteratorType {
    /// At the oldest record still within the retention period.
    #[serde(rename = "TRIM_HORIZON")]
    TrimHorizon,
    /// Just after the most recent record, so that only new records are read.
    #[serde(rename = "LATEST")]
    Latest,
}

impl ShardIteratorType {
    /// Both types, in the order the UI offers them.
    pub const ALL: [ShardIteratorType; 2] = [ShardIteratorType::TrimHorizon, ShardIteratorType::Latest];

    /// The wire name, e.g. `TRIM_HORIZON`.
    pub fn as_str(self) -> &'static str {
        match self {
            ShardIteratorType::TrimHorizon => "TRIM_HORIZON",
            ShardIteratorType::Latest => "LATEST",
        }
    }
}

impl fmt::Display for ShardIteratorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
