//! Shard iterators: where in a shard the next `GetRecords` call reads from.
//!
//! As in Kinesis, an iterator is an opaque string, and one the service did
//! not issue is refused. Ours is the base64 of a small binary token naming
//! the stream (and its serial), the shard, the read position and the moment
//! it was issued, sealed with a keyed MAC: HMAC-MD5 (RFC 2104) under a
//! 128-bit secret the simulation draws from its seeded generator and keeps in
//! its snapshots. MD5 is no longer a strong hash, but HMAC-MD5 has no known
//! practical forgery, and a learner editing an iterator in the API console is
//! the only adversary a teaching simulation has; the `md-5` crate is already
//! here for partition keys. Anything that fails the seal is "Invalid
//! ShardIterator.", which is what lets `GetRecords` also reject an iterator
//! that is more than five minutes old without trusting its clock.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

use md5::{Digest, Md5};

use crate::base64;
use crate::rand::Rand;
use crate::sequence::ShardId;
use crate::sequence::StreamSerial;
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

/// The secret shard iterators are sealed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IteratorKey([u8; 16]);

/// An [`IteratorKey`] as version 1 of the snapshot format holds it: its 16 bytes.
#[derive(Serialize, Deserialize)]
pub(crate) struct IteratorKeyV1([u8; 16]);

impl From<IteratorKey> for IteratorKeyV1 {
    fn from(key: IteratorKey) -> IteratorKeyV1 {
        IteratorKeyV1(key.0)
    }
}

impl From<IteratorKeyV1> for IteratorKey {
    fn from(v1: IteratorKeyV1) -> IteratorKey {
        IteratorKey(v1.0)
    }
}

impl IteratorKey {
    /// A key drawn from `rand`.
    pub(crate) fn draw(rand: &mut Rand) -> IteratorKey {
        let mut key = [0; 16];
        for chunk in key.chunks_mut(4) {
            chunk.copy_from_slice(&rand.rand_u32().to_be_bytes());
        }
        IteratorKey(key)
    }

    /// The key of a simulation restored from a snapshot taken before
    /// iterators were sealed: fixed, so that restoring it twice gives one state.
    pub(crate) fn for_unsealed_snapshots() -> IteratorKey {
        IteratorKey::draw(&mut Rand::new(UNSEALED_SNAPSHOT_SEED))
    }

    /// HMAC-MD5 of `message` under this key.
    fn mac(&self, message: &[u8]) -> [u8; MAC_LEN] {
        let pad = |byte: u8| {
            let mut pad = [byte; 64];
            pad.iter_mut().zip(self.0).for_each(|(p, k)| *p ^= k);
            pad
        };
        let inner = Md5::new().chain_update(pad(0x36)).chain_update(message).finalize();
        Md5::new().chain_update(pad(0x5c)).chain_update(inner).finalize().into()
    }
}

const UNSEALED_SNAPSHOT_SEED: u64 = 0x5eed_1e55_17e2_a702;

/// What a shard iterator string encodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IteratorToken {
    pub(crate) stream: String,
    /// The stream's serial: an iterator of a deleted stream does not read
    /// a new stream created under its name.
    pub(crate) serial: StreamSerial,
    pub(crate) shard: ShardId,
    /// The sequence counter of the next record to read.
    pub(crate) counter: u64,
    pub(crate) issued: Instant,
}

/// Tokens before sealing: no serial, no MAC.
const UNSEALED_VERSION: u8 = 1;
const UNSEALED_HEADER_LEN: usize = 1 + 4 + 8 + 8;
const SEALED_VERSION: u8 = 2;
const SEALED_HEADER_LEN: usize = 1 + 2 + 4 + 8 + 8;
const MAC_LEN: usize = 16;

impl IteratorToken {
    /// The iterator string: at most 224 characters for a 128-character
    /// stream name, within AWS's 1 to 512.
    pub(crate) fn encode(&self, key: &IteratorKey) -> String {
        let mut bytes = Vec::with_capacity(SEALED_HEADER_LEN + self.stream.len() + MAC_LEN);
        bytes.push(SEALED_VERSION);
        bytes.extend_from_slice(&self.serial.to_be_bytes());
        bytes.extend_from_slice(&self.shard.index().to_be_bytes());
        bytes.extend_from_slice(&self.counter.to_be_bytes());
        bytes.extend_from_slice(&self.issued.epoch_millis().to_be_bytes());
        bytes.extend_from_slice(self.stream.as_bytes());
        let mac = key.mac(&bytes);
        bytes.extend_from_slice(&mac);
        base64::encode(&bytes)
    }

    /// The token `text` encodes, if it was sealed with `key`. An unsealed
    /// token, from a snapshot taken before sealing, is accepted only if it
    /// was issued no later than `unsealed_until` (the restored clock), which
    /// leaves it its natural five minutes and forgers nothing.
    pub(crate) fn decode(text: &str, key: &IteratorKey, unsealed_until: Option<Instant>) -> Option<IteratorToken> {
        let bytes = base64::decode(text)?;
        // Only the canonical spelling: unused low bits of the last character must be zero.
        if base64::encode(&bytes) != text {
            return None;
        }
        let u64_at = |at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        let shard_at = |at: usize| ShardId::new(u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes")));
        let token = match bytes.first() {
            Some(&SEALED_VERSION) if bytes.len() > SEALED_HEADER_LEN + MAC_LEN => {
                let (body, mac) = bytes.split_at(bytes.len() - MAC_LEN);
                if key.mac(body) != mac {
                    return None;
                }
                IteratorToken {
                    serial: u16::from_be_bytes([bytes[1], bytes[2]]),
                    shard: shard_at(3),
                    counter: u64_at(7),
                    issued: Instant::from_epoch_millis(u64_at(15)),
                    stream: String::from_utf8(body[SEALED_HEADER_LEN..].to_vec()).ok()?,
                }
            }
            Some(&UNSEALED_VERSION) if bytes.len() > UNSEALED_HEADER_LEN => IteratorToken {
                // Snapshots before sealing had every stream at serial 0.
                serial: 0,
                shard: shard_at(1),
                counter: u64_at(5),
                issued: Instant::from_epoch_millis(u64_at(13)),
                stream: String::from_utf8(bytes[UNSEALED_HEADER_LEN..].to_vec()).ok()?,
            },
            _ => return None,
        };
        let sealed = bytes[0] == SEALED_VERSION;
        (sealed || unsealed_until.is_some_and(|until| token.issued <= until)).then_some(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> IteratorToken {
        IteratorToken {
            stream: "orders".into(),
            serial: 3,
            shard: ShardId::new(7),
            counter: 42,
            issued: Instant::SIMULATION_START,
        }
    }

    #[test]
    fn token_round_trips_under_its_key_only() {
        let key = IteratorKey::draw(&mut Rand::new(1));
        let text = token().encode(&key);
        assert_eq!(IteratorToken::decode(&text, &key, None), Some(token()));
        let other = IteratorKey::draw(&mut Rand::new(2));
        assert_eq!(IteratorToken::decode(&text, &other, None), None);
        let longest = IteratorToken { stream: "s".repeat(128), ..token() }.encode(&key);
        assert!(longest.len() <= 224, "{}", longest.len());
    }

    #[test]
    fn hmac_md5_matches_rfc_2202() {
        // RFC 2202, test case 1.
        let key = IteratorKey([0x0b; 16]);
        let hex: String = key.mac(b"Hi There").iter().map(|b| alloc::format!("{b:02x}")).collect();
        assert_eq!(hex, "9294727a3638bb1c13f48ef8158bfc9d");
    }

    #[test]
    fn unsealed_tokens_are_read_only_up_to_the_restored_clock() {
        let key = IteratorKey::draw(&mut Rand::new(1));
        let t = token();
        let mut bytes = alloc::vec![UNSEALED_VERSION];
        bytes.extend_from_slice(&t.shard.index().to_be_bytes());
        bytes.extend_from_slice(&t.counter.to_be_bytes());
        bytes.extend_from_slice(&t.issued.epoch_millis().to_be_bytes());
        bytes.extend_from_slice(t.stream.as_bytes());
        let text = base64::encode(&bytes);
        let as_restored = IteratorToken { serial: 0, ..t.clone() };
        assert_eq!(IteratorToken::decode(&text, &key, Some(t.issued)), Some(as_restored));
        let before = Instant::from_epoch_millis(t.issued.epoch_millis() - 1);
        assert_eq!(IteratorToken::decode(&text, &key, Some(before)), None);
        assert_eq!(IteratorToken::decode(&text, &key, None), None);
    }

    #[test]
    fn garbage_is_not_a_token() {
        let key = IteratorKey::draw(&mut Rand::new(1));
        for bad in ["", "not base64!", "AAAA", &base64::encode(&[2; 30]), &base64::encode(&[1; 30])] {
            assert_eq!(IteratorToken::decode(bad, &key, None), None, "{bad:?}");
        }
    }
}
