//! A seeded pseudo-random number generator: the only source of randomness in `core`.
//!
//! This is the PCG32 variant smoltcp uses (`src/rand.rs`): a 64-bit linear
//! congruential step followed by PCG's "random shift" output permutation
//! (O'Neill, "PCG: A Family of Simple Fast Space-Efficient Statistically
//! Good Algorithms for Random Number Generation", 2014). It is not
//! cryptographic; it only has to be fast, small and the same on every
//! platform, so that one seed always gives one schedule.

use core::ops::Range;

mod snapshot_v1;

pub(crate) use snapshot_v1::RandV1;

/// A seeded PCG32 generator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rand {
    state: u64,
}

impl Rand {
    /// A generator whose whole future output is fixed by `seed`.
    pub const fn new(seed: u64) -> Rand {
        Rand { state: seed }
    }

    /// The next 32 random bits.
    pub fn rand_u32(&mut self) -> u32 {
        // The multiplier and increment smoltcp uses (from the PCG paper's
        // "sPCG32" and Chris Wellons' survey of LCG constants).
        const M: u64 = 0xbb2e_fcec_3c39_611d;
        const A: u64 = 0x7d37_98c6_c3e6_f3e9;
        self.state = self.state.wrapping_mul(M).wrapping_add(A);
        let s = self.state;
        // The top three bits choose how far to shift, which hides the weak low bits of the LCG.
        let shift = 29 - (s >> 61);
        (s >> shift) as u32
    }

    /// A number in `range`, which must not be empty.
    ///
    /// Uses Lemire's multiply-and-shift: one `rand_u32` per call, and a bias
    /// of at most `range.len() / 2^32`, far below anything a lesson shows.
    pub fn rand_range(&mut self, range: Range<u32>) -> u32 {
        assert!(range.start < range.end, "empty range {}..{}", range.start, range.end);
        let span = u64::from(range.end - range.start);
        range.start + ((u64::from(self.rand_u32()) * span) >> 32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_different_seed_different_sequence() {
        let draw = |seed| {
            let mut rand = Rand::new(seed);
            [rand.rand_u32(), rand.rand_u32(), rand.rand_u32()]
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
    }

    #[test]
    fn rand_range_stays_in_range() {
        let mut rand = Rand::new(1);
        for _ in 0..1000 {
            let n = rand.rand_range(10..13);
            assert!((10..13).contains(&n), "n={n}");
        }
        assert_eq!(rand.rand_range(5..6), 5);
    }
}
