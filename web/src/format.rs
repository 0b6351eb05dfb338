//! Text forms of simulation values for display.

use shardlab_core::{HashKey, HashKeyRange, Instant};

/// A hash key in scientific notation with three significant digits
/// (`8.51e37`), short enough for a lane label; the full value goes in a title.
pub fn short_hash_key(key: HashKey) -> String {
    if key.0 < 1000 {
        return key.0.to_string();
    }
    let digits = key.0.to_string();
    let exponent = digits.len() - 1;
    format!("{}.{}e{exponent}", &digits[..1], &digits[1..3])
}

/// Where a range starts and ends on the ring, as fractions of the whole;
/// the last shard ends at exactly 1.0.
pub fn ring_fractions(range: HashKeyRange) -> (f64, f64) {
    let end = if range.end().0 == u128::MAX { 1.0 } else { range.end().ring_fraction() };
    (range.start().ring_fraction(), end)
}

/// A range as a share of the ring, like `25.0 % – 50.0 %`.
pub fn ring_share(range: HashKeyRange) -> String {
    let (start, end) = ring_fractions(range);
    format!("{:.1} % – {:.1} %", start * 100.0, end * 100.0)
}

/// The last `n` digits of a sequence number, prefixed with an ellipsis.
pub fn sequence_tail(sequence_number: &str, n: usize) -> String {
    let start = sequence_number.len().saturating_sub(n);
    format!("…{}", &sequence_number[start..])
}

/// The time of day, `HH:MM:SS.mmm`, from an ISO 8601 instant.
pub fn clock(instant: Instant) -> String {
    let text = instant.to_string();
    text[11..23].to_string()
}

/// `1 record`, `2 records`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Index into the colour palette for a partition key, stable across reloads.
pub fn key_colour(partition_key: &str) -> usize {
    (HashKey::from_partition_key(partition_key).0 % PALETTE_SIZE as u128) as usize
}

/// Number of colours in the Okabe–Ito palette the stylesheet defines (`.c0` … `.c7`).
pub const PALETTE_SIZE: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_hash_keys() {
        assert_eq!(short_hash_key(HashKey(0)), "0");
        assert_eq!(short_hash_key(HashKey(1u128 << 126)), "8.50e37");
        assert_eq!(short_hash_key(HashKey(u128::MAX)), "3.40e38");
    }

    #[test]
    fn ring_share_of_quarters() {
        let ranges = HashKeyRange::uniform(4);
        assert_eq!(ring_share(ranges[0]), "0.0 % – 25.0 %");
        assert_eq!(ring_share(ranges[3]), "75.0 % – 100.0 %");
    }

    #[test]
    fn sequence_tail_keeps_the_last_digits() {
        assert_eq!(sequence_tail("49000000000001000042", 4), "…0042");
        assert_eq!(sequence_tail("12", 4), "…12");
    }

    #[test]
    fn plural_counts() {
        assert_eq!(plural(0, "record"), "0 records");
        assert_eq!(plural(1, "record"), "1 record");
        assert_eq!(plural(2, "record"), "2 records");
    }

    #[test]
    fn clock_shows_time_of_day() {
        assert_eq!(clock(Instant::SIMULATION_START), "00:00:00.000");
    }
}
