//! Sequence numbers: the position of a record within its shard.
//!
//! Kinesis sequence numbers are decimal strings, 56 digits in practice,
//! unique per stream and strictly increasing within a shard. Their layout is
//! not documented; ours keeps the observable properties: 56 digits,
//! increasing within a shard, and the owning stream and shard recoverable
//! from the digits, so that a sequence number used with the wrong stream or
//! shard is refused as Kinesis refuses it.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

/// A shard's id within its stream; prints as `shardId-000000000000`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ShardId(u32);

impl ShardId {
    /// The shard with this index (`shardId-` followed by the index in 12 digits).
    pub const fn new(index: u32) -> ShardId {
        ShardId(index)
    }

    /// The numeric part of the id.
    pub const fn index(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ShardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shardId-{:012}", self.0)
    }
}

/// Parses `shardId-000000000001`; like Kinesis, the digits alone are accepted too.
impl FromStr for ShardId {
    type Err = ();
    fn from_str(text: &str) -> Result<ShardId, ()> {
        let digits = text.strip_prefix("shardId-").unwrap_or(text);
        if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return Err(());
        }
        digits.parse().map(ShardId).map_err(drop)
    }
}

/// A record's sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SequenceNumber {
    /// The serial of the stream the record was written to ([`StreamSerial`]).
    /// Absent from snapshots taken before it was recorded: those streams are serial 0.
    #[serde(default)]
    stream: StreamSerial,
    shard: ShardId,
    // Position of the record among all records ever written to the shard.
    counter: u64,
}

/// Which stream, of all the simulation has created, a stream is: streams
/// are numbered as they are created, so that a stream deleted and created
/// again under its name is another stream, as in Kinesis. The count wraps
/// after 65,535 streams, which no lesson comes near; the number is kept this
/// small so that a record handed out stays 48 bytes.
pub(crate) type StreamSerial = u16;

const PREFIX: &str = "49";
const SHARD_DIGITS: usize = 12;
const STREAM_DIGITS: usize = 5;
const COUNTER_DIGITS: usize = 37;
/// Length of every sequence number this simulation issues.
const SEQUENCE_NUMBER_DIGITS: usize = PREFIX.len() + SHARD_DIGITS + STREAM_DIGITS + COUNTER_DIGITS;

impl SequenceNumber {
    pub(crate) fn new(stream: StreamSerial, shard: ShardId, counter: u64) -> SequenceNumber {
        SequenceNumber { stream, shard, counter }
    }

    /// The serial of the stream the record was written to.
    pub(crate) fn stream(self) -> StreamSerial {
        self.stream
    }

    /// The shard the record was written to.
    pub fn shard(self) -> ShardId {
        self.shard
    }

    pub(crate) fn counter(self) -> u64 {
        self.counter
    }

    /// Parses a sequence number this simulation issued; `None` for any other string.
    pub fn parse(text: &str) -> Option<SequenceNumber> {
        if text.len() != SEQUENCE_NUMBER_DIGITS
            || !text.starts_with(PREFIX)
            || !text.bytes().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let (shard, rest) = text[PREFIX.len()..].split_at(SHARD_DIGITS);
        let (stream, counter) = rest.split_at(STREAM_DIGITS);
        Some(SequenceNumber {
            stream: stream.parse().ok()?,
            shard: ShardId::new(shard.parse().ok()?),
            counter: counter.parse().ok()?,
        })
    }
}

/// 56 digits: `49`, the shard index in 12 digits, the stream's serial in 5,
/// the per-shard counter in 37. (The first stream a simulation creates is
/// serial 0, so its numbers read as they did before the serial was added.)
///
/// Within one shard the decimal values increase with the counter, so
/// comparing two of them as numbers (or as equal-length strings) agrees with
/// write order.
impl fmt::Display for SequenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{:012}{:05}{:037}", self.shard.index(), self.stream, self.counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn has_56_digits_and_orders_like_the_counter() {
        let shard = ShardId::new(3);
        let a = SequenceNumber::new(2, shard, 9).to_string();
        let b = SequenceNumber::new(2, shard, 10).to_string();
        assert_eq!(a.len(), 56);
        assert!(a.bytes().all(|c| c.is_ascii_digit()));
        assert!(a < b, "{a} < {b}");
        assert_eq!(SequenceNumber::new(u16::MAX, ShardId::new(u32::MAX), u64::MAX).to_string().len(), 56);
    }

    #[test]
    fn parse_round_trips_and_rejects_foreign_strings() {
        for seq in [SequenceNumber::new(0, ShardId::new(17), 123_456), SequenceNumber::new(65_535, ShardId::new(3), 9)]
        {
            assert_eq!(SequenceNumber::parse(&seq.to_string()), Some(seq));
        }
        let seq = SequenceNumber::new(4, ShardId::new(17), 123_456);
        assert_eq!(seq.to_string(), "49000000000017000040000000000000000000000000000000123456");
        for bad in [
            "",
            "49",
            "1234",
            &"9".repeat(56),
            &alloc::format!("{seq}0"),
            "49000000000001x00000000000000000000000000000000000000001",
            // A stream serial beyond 65,535.
            "49000000000001999990000000000000000000000000000000000001",
        ] {
            assert_eq!(SequenceNumber::parse(bad), None, "{bad:?}");
        }
    }
}
