//! The hash key space that Kinesis routes records by.
//!
//! A record's hash key is the MD5 digest of its partition key (UTF-8 bytes),
//! read as an unsigned 128-bit big-endian integer, unless the producer gives
//! an `ExplicitHashKey`. Each open shard owns one contiguous range of the space
//! `0 ..= 2^128 - 1`, and a record goes to the shard whose range contains its
//! hash key.

use alloc::vec::Vec;
use core::fmt;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

/// A position in the 128-bit hash key space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HashKey(pub u128);

impl HashKey {
    /// The hash key Kinesis derives from a partition key: MD5, big-endian.
    pub fn from_partition_key(partition_key: &str) -> HashKey {
        let digest: [u8; 16] = Md5::digest(partition_key.as_bytes()).into();
        HashKey(u128::from_be_bytes(digest))
    }

    /// The hash key a record is routed by: its `ExplicitHashKey` when it has
    /// one, else the MD5 of its partition key; AWS's message for an explicit
    /// key out of range.
    pub fn of_record(partition_key: &str, explicit_hash_key: Option<&str>) -> Result<HashKey, alloc::string::String> {
        match explicit_hash_key {
            None => Ok(HashKey::from_partition_key(partition_key)),
            Some(text) => text.parse::<u128>().map(HashKey).map_err(|_| {
                alloc::format!(
                    "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {text}"
                )
            }),
        }
    }

    /// Where the key sits on the hash ring, from 0.0 (inclusive) to 1.0.
    pub fn ring_fraction(self) -> f64 {
        // 2^128 as f64 is exact; the quotient is rounded, which is fine for drawing.
        self.0 as f64 / 340_282_366_920_938_463_463_374_607_431_768_211_456.0
    }

    /// The 32 lower-case hex digits of the MD5 digest.
    pub fn to_hex(self) -> alloc::string::String {
        alloc::format!("{:032x}", self.0)
    }
}

/// Decimal, as Kinesis prints hash keys (`StartingHashKey`, `ExplicitHashKey`).
impl fmt::Display for HashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// An inclusive range of hash keys owned by one shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashKeyRange {
    // Invariant: start <= end.
    start: HashKey,
    end: HashKey,
}

impl HashKeyRange {
    /// The range `start ..= end`.
    ///
    /// # Panics
    /// If `start > end`.
    pub fn new(start: u128, end: u128) -> HashKeyRange {
        assert!(start <= end, "empty hash key range start={start} end={end}");
        HashKeyRange { start: HashKey(start), end: HashKey(end) }
    }

    /// `StartingHashKey`.
    pub fn start(self) -> HashKey {
        self.start
    }

    /// `EndingHashKey`.
    pub fn end(self) -> HashKey {
        self.end
    }

    /// Whether `key` falls in this range.
    pub fn contains(self, key: HashKey) -> bool {
        self.start <= key && key <= self.end
    }

    /// The ranges `CreateStream` gives `shard_count` shards.
    ///
    /// Kinesis splits the space evenly: shard `i` starts at
    /// `floor(2^128 / shard_count) * i` and ends one before the next shard's
    /// start; the last shard ends at `2^128 - 1`.
    ///
    /// # Panics
    /// If `shard_count` is zero.
    pub fn uniform(shard_count: u32) -> Vec<HashKeyRange> {
        assert!(shard_count > 0, "a stream has at least one shard");
        let n = u128::from(shard_count);
        // floor(2^128 / n) without representing 2^128: it is floor((2^128 - 1) / n),
        // plus one when n divides 2^128 exactly. Only n = 1 would overflow, and
        // with one shard no step is ever taken.
        let step = if n == 1 { 0 } else { u128::MAX / n + u128::from(u128::MAX % n == n - 1) };
        (0..n)
            .map(|i| {
                let start = step * i;
                let end = if i + 1 == n { u128::MAX } else { step * (i + 1) - 1 };
                HashKeyRange::new(start, end)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_partition_key_is_read_big_endian() {
        // MD5("a") = 0cc175b9c0f1b6a831c399e269772661.
        let key = HashKey::from_partition_key("a");
        assert_eq!(key.to_hex(), "0cc175b9c0f1b6a831c399e269772661");
        assert_eq!(key.0, 0x0cc1_75b9_c0f1_b6a8_31c3_99e2_6977_2661);
    }

    #[test]
    fn an_explicit_hash_key_overrides_the_md5() {
        let max = alloc::format!("{}", u128::MAX);
        let too_big = "340282366920938463463374607431768211456"; // 2^128
        for (explicit, expected) in [
            (None, Ok(HashKey::from_partition_key("a"))),
            (Some("0"), Ok(HashKey(0))),
            (Some(max.as_str()), Ok(HashKey(u128::MAX))),
            (Some(too_big), Err(too_big)),
            (Some("-1"), Err("-1")),
        ] {
            let expected = expected.map_err(|text| {
                alloc::format!("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {text}")
            });
            assert_eq!(HashKey::of_record("a", explicit), expected, "{explicit:?}");
        }
    }

    #[test]
    fn uniform_ranges_tile_the_space() {
        for n in [1, 2, 3, 4, 5, 7, 8, 16, 100, 500] {
            let ranges = HashKeyRange::uniform(n);
            assert_eq!(ranges.len(), n as usize);
            assert_eq!(ranges[0].start().0, 0);
            assert_eq!(ranges[ranges.len() - 1].end().0, u128::MAX);
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].end().0 + 1, pair[1].start().0, "n={n}");
            }
        }
    }

    #[test]
    fn uniform_ranges_match_kinesis_boundaries() {
        // Values as DescribeStream reports them for new streams.
        let two = HashKeyRange::uniform(2);
        assert_eq!(two[1].start().0, 170_141_183_460_469_231_731_687_303_715_884_105_728);
        let three = HashKeyRange::uniform(3);
        assert_eq!(three[0].end().0, 113_427_455_640_312_821_154_458_202_477_256_070_484);
        assert_eq!(three[1].start().0, 113_427_455_640_312_821_154_458_202_477_256_070_485);
        assert_eq!(three[2].start().0, 226_854_911_280_625_642_308_916_404_954_512_140_970);
        let four = HashKeyRange::uniform(4);
        assert_eq!(four[1].start().0, 1u128 << 126);
    }
}
