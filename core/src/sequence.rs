//! Sequence numbers: the position of a record within its shard.
//!
//! Kinesis sequence numbers are decimal strings, 56 digits in practice,
//! unique per stream and strictly increasing within a shard. Their layout is
//! not documented; ours keeps the observable properties: 56 digits,
//! increasing within a shard, and the owning shard recoverable from the
//! digits, so that a sequence number used with the wrong shard is refused as
//! Kinesis refuses it.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::stream::ShardId;

/// A record's sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SequenceNumber {
    shard: ShardId,
    // Position of the record among all records ever written to the shard.
    counter: u64,
}

const PREFIX: &str = "49";
const SHARD_DIGITS: usize = 12;
const COUNTER_DIGITS: usize = 42;
/// Length of every sequence number this simulation issues.
const SEQUENCE_NUMBER_DIGITS: usize = PREFIX.len() + SHARD_DIGITS + COUNTER_DIGITS;

impl SequenceNumber {
    pub(crate) fn new(shard: ShardId, counter: u64) -> SequenceNumber {
        SequenceNumber { shard, counter }
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
        let shard = text[PREFIX.len()..PREFIX.len() + SHARD_DIGITS].parse::<u32>().ok()?;
        let counter = text[PREFIX.len() + SHARD_DIGITS..].parse::<u64>().ok()?;
        Some(SequenceNumber { shard: ShardId::new(shard), counter })
    }
}

/// 56 digits: `49`, the shard index in 12 digits, the per-shard counter in 42.
///
/// Within one shard the decimal values increase with the counter, so
/// comparing two of them as numbers (or as equal-length strings) agrees with
/// write order.
impl fmt::Display for SequenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{:012}{:042}", self.shard.index(), self.counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn has_56_digits_and_orders_like_the_counter() {
        let shard = ShardId::new(3);
        let a = SequenceNumber::new(shard, 9).to_string();
        let b = SequenceNumber::new(shard, 10).to_string();
        assert_eq!(a.len(), 56);
        assert!(a.bytes().all(|c| c.is_ascii_digit()));
        assert!(a < b, "{a} < {b}");
        assert_eq!(SequenceNumber::new(shard, u64::MAX).to_string().len(), 56);
    }

    #[test]
    fn parse_round_trips_and_rejects_foreign_strings() {
        let seq = SequenceNumber::new(ShardId::new(17), 123_456);
        assert_eq!(SequenceNumber::parse(&seq.to_string()), Some(seq));
        for bad in [
            "",
            "49",
            "1234",
            &"9".repeat(56),
            &alloc::format!("{seq}0"),
            "49000000000001x00000000000000000000000000000000000000001",
        ] {
            assert_eq!(SequenceNumber::parse(bad), None, "{bad:?}");
        }
    }
}
