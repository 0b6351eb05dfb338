//! Per-shard throughput limits as token buckets on the simulated clock.
//!
//! A bucket holds up to one second of its rate and refills continuously, so a
//! shard accepts a burst of one second's worth and then its steady rate,
//! which is how Kinesis's per-second limits behave to a producer. Levels are
//! kept in thousandths of a unit so that refill per millisecond is exact.

use alloc::string::String;

use serde::{Deserialize, Serialize};

use crate::time::Instant;

/// One limit: `rate_per_sec` units per second, with a burst of one second.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TokenBucket {
    // Invariant: level_milli <= rate_per_sec * 1000 (one second of tokens).
    // The level may go negative when a caller is allowed to overdraw (reads).
    level_milli: i64,
    rate_per_sec: i64,
    updated: Instant,
}

/// A [`TokenBucket`] as version 1 of the snapshot format holds it; restored
/// buckets are judged by [`TokenBucket::check_restored`].
#[derive(Serialize, Deserialize)]
pub(crate) struct TokenBucketV1 {
    level_milli: i64,
    rate_per_sec: i64,
    updated: Instant,
}

impl From<TokenBucket> for TokenBucketV1 {
    fn from(bucket: TokenBucket) -> TokenBucketV1 {
        let TokenBucket { level_milli, rate_per_sec, updated } = bucket;
        TokenBucketV1 { level_milli, rate_per_sec, updated }
    }
}

impl From<TokenBucketV1> for TokenBucket {
    fn from(v1: TokenBucketV1) -> TokenBucket {
        let TokenBucketV1 { level_milli, rate_per_sec, updated } = v1;
        TokenBucket { level_milli, rate_per_sec, updated }
    }
}

impl TokenBucket {
    /// A full bucket.
    pub(crate) fn new(now: Instant, rate_per_sec: u64) -> TokenBucket {
        let rate_per_sec = rate_per_sec as i64;
        TokenBucket { level_milli: rate_per_sec * 1000, rate_per_sec, updated: now }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_since(self.updated).as_millis() as i64;
        // rate_per_sec units per 1000 ms is rate_per_sec milli-units per ms.
        self.level_milli = (self.level_milli + elapsed.saturating_mul(self.rate_per_sec)).min(self.rate_per_sec * 1000);
        self.updated = self.updated.max(now);
    }

    /// Whether `amount` units are available now. A request larger than a
    /// whole second's budget is allowed when the bucket is full (and leaves
    /// it in debt), so that a maximum-size record is never refused forever.
    pub(crate) fn has(&mut self, now: Instant, amount: u64) -> bool {
        self.refill(now);
        self.level_milli >= (amount as i64).min(self.rate_per_sec) * 1000
    }

    /// Whether `amount` units are available now, however large: taking
    /// them would leave the bucket out of debt.
    pub(crate) fn holds(&mut self, now: Instant, amount: u64) -> bool {
        self.refill(now);
        self.level_milli >= (amount as i64).saturating_mul(1000)
    }

    /// Whether any tokens are left now (for limits checked before the cost is known).
    pub(crate) fn is_positive(&mut self, now: Instant) -> bool {
        self.refill(now);
        self.level_milli > 0
    }

    /// Spends `amount` units, going into debt if there are not enough.
    pub(crate) fn take(&mut self, now: Instant, amount: u64) {
        self.refill(now);
        self.level_milli -= amount as i64 * 1000;
    }

    /// That a restored bucket is one of `rate` a second, as every bucket of
    /// its kind is, holds at most a second's worth, owes at most the
    /// largest read's worth, and was last refilled no later than `now`:
    /// checked on a restored snapshot, as a rate past the limits would
    /// overflow the arithmetic above. `name` names it in the refusal.
    pub(crate) fn check_restored(&self, name: &str, rate: u64, now: Instant) -> Result<(), String> {
        if self.rate_per_sec != rate as i64 {
            return Err(alloc::format!("has a {name} budget of {} a second, not {rate}", self.rate_per_sec));
        }
        // A take of up to 16 MiB at once can leave a bucket in debt.
        const MOST_DEBT_MILLI: i64 = 16 * 1024 * 1024 * 1000;
        if self.level_milli > self.rate_per_sec * 1000 || self.level_milli < -MOST_DEBT_MILLI {
            let more =
                if self.level_milli > 0 { "more than a second's worth" } else { "more debt than any call makes" };
            return Err(alloc::format!("has a {name} budget holding {more}"));
        }
        if self.updated > now {
            return Err(alloc::format!("has a {name} budget refilled after the clock"));
        }
        Ok(())
    }

    /// Units available now, rounded down.
    #[cfg(test)]
    pub(crate) fn available(&mut self, now: Instant) -> i64 {
        self.refill(now);
        self.level_milli.div_euclid(1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Duration;

    #[test]
    fn bursts_one_second_then_refills_at_the_rate() {
        let t0 = Instant::SIMULATION_START;
        let mut bucket = TokenBucket::new(t0, 1000);
        assert!(bucket.has(t0, 1000));
        bucket.take(t0, 1000);
        assert!(!bucket.has(t0, 1));
        // One millisecond refills one unit at 1,000 per second.
        assert!(bucket.has(t0 + Duration::from_millis(1), 1));
        assert!(!bucket.has(t0 + Duration::from_millis(1), 2));
        // Never more than one second's worth.
        assert_eq!(bucket.available(t0 + Duration::from_secs(60)), 1000);
    }

    #[test]
    fn debt_is_paid_back_before_tokens_return() {
        let t0 = Instant::SIMULATION_START;
        let mut bucket = TokenBucket::new(t0, 2);
        bucket.take(t0, 10);
        assert_eq!(bucket.available(t0), -8);
        assert!(!bucket.is_positive(t0 + Duration::from_secs(4)));
        assert!(bucket.is_positive(t0 + Duration::from_millis(4001)));
    }
}
