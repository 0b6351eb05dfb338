//! Sequence numbers: the position of a record within its shard.
//!
//! Kinesis sequence numbers are decimal strings of up to 128 bits' worth of
//! digits (56 in practice), unique per stream and strictly increasing within a
//! shard. Their layout is not documented; ours keeps the observable properties:
//! 56 digits, increasing within a shard, and the owning shard recoverable from
//! the digits so that a sequence number can be checked against the shard it is
//! used with.

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
}

/// 56 digits: `49`, the shard index in 12 digits, the per-shard counter in 42.
///
/// Within one shard the decimal values increase with the counter, so string
/// comparison of equal-length numbers agrees with write order.
impl fmt::Display for SequenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "49{:012}{:042}", self.shard.index(), self.counter)
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
}
