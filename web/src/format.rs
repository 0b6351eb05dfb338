//! Text forms of simulation values for display.

use shardlab_core::{Duration, HashKey, HashKeyRange, Instant};

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
    let time_of_day = &text[11..23];
    // Past the first day the time of day alone repeats: a learner who runs
    // a day of retention must see that a day went by.
    match instant.saturating_since(Instant::SIMULATION_START).as_millis() / MILLIS_PER_DAY {
        0 => time_of_day.to_string(),
        days => format!("day {} {time_of_day}", days + 1),
    }
}

const MILLIS_PER_DAY: u64 = 24 * 60 * 60 * 1000;

/// A count with its thousands grouped, as the page prints numbers: `100,000`.
pub fn count(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (idx, digit) in digits.chars().enumerate() {
        if idx > 0 && (digits.len() - idx).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `1 record`, `2 records`, `1,500 records`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{} {noun}s", count(n as u64)) }
}

/// A duration as a reader says it: `350 ms`, `12.5 s`, `4 min 05 s`, `2 h 03 min`.
pub fn duration(d: Duration) -> String {
    let millis = d.as_millis();
    match millis {
        0..1_000 => format!("{millis} ms"),
        1_000..60_000 => format!("{:.1} s", millis as f64 / 1000.0),
        60_000..3_600_000 => format!("{} min {:02} s", millis / 60_000, millis / 1000 % 60),
        _ => format!("{} h {:02} min", millis / 3_600_000, millis / 60_000 % 60),
    }
}

/// A byte count in binary units: `812 B`, `1.5 KiB`, `5.0 MiB`.
pub fn bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KiB", n as f64 / KIB),
        _ => format!("{:.1} MiB", n as f64 / (KIB * KIB)),
    }
}

/// `part` as a percentage of `whole`, from 0 to 100 (0 when `whole` is 0),
/// for the width of a fill bar.
pub fn percent_of(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { (part / whole * 100.0).clamp(0.0, 100.0) } else { 0.0 }
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
    fn counts_group_thousands() {
        assert_eq!(count(0u64), "0");
        assert_eq!(count(999u64), "999");
        assert_eq!(count(1_000u64), "1,000");
        assert_eq!(count(100_000u64), "100,000");
        assert_eq!(count(40_500u32), "40,500");
        assert_eq!(count(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(plural(1_500, "record"), "1,500 records");
    }

    #[test]
    fn plural_counts() {
        assert_eq!(plural(0, "record"), "0 records");
        assert_eq!(plural(1, "record"), "1 record");
        assert_eq!(plural(2, "record"), "2 records");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::ZERO), "0 ms");
        assert_eq!(duration(Duration::from_millis(350)), "350 ms");
        assert_eq!(duration(Duration::from_millis(12_500)), "12.5 s");
        assert_eq!(duration(Duration::from_secs(245)), "4 min 05 s");
        assert_eq!(duration(Duration::from_secs(7_380)), "2 h 03 min");
    }

    #[test]
    fn bytes_in_binary_units() {
        assert_eq!(bytes(812), "812 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(5 * 1024 * 1024), "5.0 MiB");
    }

    #[test]
    fn percent_of_is_clamped() {
        assert_eq!(percent_of(1.0, 4.0), 25.0);
        assert_eq!(percent_of(9.0, 4.0), 100.0);
        assert_eq!(percent_of(1.0, 0.0), 0.0);
    }

    #[test]
    fn clock_shows_time_of_day_and_after_the_first_day_which_day() {
        let start = Instant::SIMULATION_START;
        for (since, text) in [
            (Duration::ZERO, "00:00:00.000"),
            (Duration::from_millis(MILLIS_PER_DAY - 1), "23:59:59.999"),
            (Duration::from_millis(MILLIS_PER_DAY), "day 2 00:00:00.000"),
            (Duration::from_hours(24 * 6 + 3) + Duration::from_millis(250), "day 7 03:00:00.250"),
        ] {
            assert_eq!(clock(start + since), text);
        }
    }
}
