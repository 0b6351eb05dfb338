//! Records a traffic generator writes, kept as the calls that made them.
//!
//! A generated record is a function of the generator's plan and of where
//! its random draws were: its partition key is the next draw from the key
//! distribution, and its data names the key and the record's serial. So a
//! shard need not store it. For each `PutRecords` call a generator makes, a
//! shard keeps one [`GeneratedCall`] shared with the call's other shards
//! (the random state before the call's first draw, its first serial, when
//! it arrived, which entries were refused) and how many of the call's
//! entries it stored; reading the shard draws the call's keys again and
//! keeps those whose hash key lies in the shard's range. A simulated day at
//! 1,000 records a second is 86.4 million records: as records it would take
//! about 15 GB, as calls about 2 bytes a record.
//!
//! Why this is exact: a call happens at one instant, when the open shards
//! tile the key space, so each entry the service stored went to the one
//! open shard whose range holds its hash key; and entries are drawn, routed
//! and numbered in call order, so the shard's records from the call are its
//! members in entry order, numbered from the first counter it gave the call.
//!
//! The plan keeps each key's hash key, so neither writing nor reading a
//! generated record computes an MD5.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::generator::KeyDistribution;
use crate::hash::{HashKey, HashKeyRange};
use crate::rand::Rand;
use crate::time::Instant;

/// Which key a generator drew: `key-{index}`, or [`HOT_KEY`].
pub(crate) type KeyIndex = u32;

/// The index that stands for the key `hot-key`.
pub(crate) const HOT_KEY: KeyIndex = u32::MAX;

const HOT_KEY_TEXT: &str = "hot-key";

/// What a generator writes, and the tables that make drawing and routing a
/// key cheap: every key's hash key, and for a Zipf distribution the running
/// sums of its weights. Shared by the generator and every call it made.
pub(crate) struct GeneratorPlan {
    keys: KeyDistribution,
    record_bytes: u32,
    /// `zipf_cumulative[k]`: the sum of the weights of keys `0..=k`, in
    /// fixed point; empty unless the distribution is Zipf.
    zipf_cumulative: Vec<u64>,
    /// The hash key of `key-{index}`, by index.
    hash_keys: Vec<HashKey>,
    /// The top 16 bits of each of `hash_keys`: a table an eighth of its
    /// size, small enough to stay in cache, which settles almost every
    /// question of which shard a key goes to (see [`RangeEnds`]).
    hash_tops: Vec<u16>,
    hot_hash_key: HashKey,
}

impl GeneratorPlan {
    /// The plan for `keys` and `record_bytes`, which `GeneratorConfig::validate`
    /// has checked: one MD5 for each distinct key.
    pub(crate) fn new(keys: KeyDistribution, record_bytes: u32) -> GeneratorPlan {
        const SCALE: u64 = 1 << 32;
        let distinct_keys = match keys {
            KeyDistribution::Uniform { distinct_keys }
            | KeyDistribution::Zipf { distinct_keys }
            | KeyDistribution::HotKey { distinct_keys, .. } => distinct_keys,
        };
        let zipf_cumulative = match keys {
            KeyDistribution::Zipf { distinct_keys } => {
                let mut cumulative = 0;
                (1..=u64::from(distinct_keys))
                    .map(|k| {
                        cumulative += SCALE / k;
                        cumulative
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        let mut text = Vec::new();
        let hash_keys: Vec<HashKey> = (0..distinct_keys)
            .map(|index| {
                text.clear();
                write_key(index, &mut text);
                HashKey::from_partition_key(core::str::from_utf8(&text).expect("ASCII"))
            })
            .collect();
        let hash_tops = hash_keys.iter().map(|&key| top_bits(key)).collect();
        GeneratorPlan {
            keys,
            record_bytes,
            zipf_cumulative,
            hash_keys,
            hash_tops,
            hot_hash_key: HashKey::from_partition_key(HOT_KEY_TEXT),
        }
    }

    pub(crate) fn record_bytes(&self) -> usize {
        self.record_bytes as usize
    }

    /// Draws the next key.
    pub(crate) fn draw(&self, rand: &mut Rand) -> KeyIndex {
        match self.keys {
            KeyDistribution::Uniform { distinct_keys } => rand.rand_range(0..distinct_keys),
            KeyDistribution::HotKey { hot_percent, distinct_keys } => {
                if rand.rand_range(0..100) < hot_percent {
                    return HOT_KEY;
                }
                rand.rand_range(0..distinct_keys)
            }
            KeyDistribution::Zipf { .. } => self.draw_zipf(rand),
        }
    }

    /// Key index `k - 1` with probability proportional to 1/k, by inverse
    /// transform over the harmonic weights, in fixed point so that every
    /// platform draws the same keys.
    fn draw_zipf(&self, rand: &mut Rand) -> KeyIndex {
        let total = *self.zipf_cumulative.last().expect("at least one key");
        let target = ((u128::from(rand.rand_u32()) * u128::from(total)) >> 32) as u64;
        // The first key whose cumulative weight passes the target.
        self.zipf_cumulative.partition_point(|&c| c <= target) as KeyIndex
    }

    /// The partition key's length in bytes.
    pub(crate) fn key_len(&self, key: KeyIndex) -> usize {
        match key {
            HOT_KEY => HOT_KEY_TEXT.len(),
            index => "key-".len() + decimal_digits(index),
        }
    }

    /// The longest partition key the plan draws: at least as long as
    /// `hot-key`, an upper bound for a plan without it.
    pub(crate) fn longest_key_len(&self) -> usize {
        let last = self.hash_keys.len().saturating_sub(1) as KeyIndex;
        self.key_len(last).max(HOT_KEY_TEXT.len())
    }

    pub(crate) fn hash_key(&self, key: KeyIndex) -> HashKey {
        match key {
            HOT_KEY => self.hot_hash_key,
            index => self.hash_keys[index as usize],
        }
    }

    /// The top 16 bits of `key`'s hash key, from the small table; `None`
    /// for the hot key, which is not in it.
    fn top(&self, key: KeyIndex) -> Option<u16> {
        self.hash_tops.get(key as usize).copied()
    }

    /// Which of `open` (a stream's open shards, by index, which tile the
    /// key space) each key goes to, the top bits of their ranges' ends
    /// worked out once for a whole call.
    pub(crate) fn router(&self, open: impl Iterator<Item = (usize, HashKeyRange)>) -> Router<'_> {
        let shards = open.map(|(idx, range)| (idx, RangeEnds::of(range))).collect();
        Router { plan: self, shards }
    }

    /// Writes record `serial`'s partition key and then its data onto the
    /// end of `out`: `record_bytes` of data that say which record this is,
    /// so that a learner inspecting one can tell generated records apart
    /// (`key-3 #42 ....`). Every generated record read is written here, so
    /// a record that fits [`SMALL_RECORD`] is put together on the stack,
    /// in pieces of fixed size (variable-length copies would each be a call
    /// to `memcpy`), and copied out once.
    pub(crate) fn write_record(&self, key: KeyIndex, serial: u64, out: &mut Vec<u8>) {
        let mut text = [b'.'; SMALL_RECORD];
        // The key, then the data: the key again, " #", the serial and a
        // space (at most 2 * 14 + 2 + 20 + 1 bytes), then dots.
        let key_len = GeneratorPlan::put_key(key, &mut text, 0);
        // The key again, as 16 bytes (a key has at most 14): what follows it
        // is dots, or written over next.
        text.copy_within(..16, key_len);
        let at = 2 * key_len;
        text[at..at + 2].copy_from_slice(b" #");
        let at = put_decimal(&mut text, at + 2, serial);
        text[at] = b' ';
        let (text_len, record_bytes) = (at + 1 - key_len, self.record_bytes());
        let len = key_len + record_bytes;
        if len <= SMALL_RECORD {
            // Past the text, `text` holds dots; past `len`, it is cut off.
            out.extend_from_slice(&text[..len]);
        } else {
            out.reserve(len);
            out.extend_from_slice(&text[..key_len + text_len]);
            out.resize(out.len() + record_bytes - text_len, b'.');
        }
    }

    /// Writes `key`'s text into `text` at `at`; returns where it ends.
    fn put_key(key: KeyIndex, text: &mut [u8], at: usize) -> usize {
        match key {
            HOT_KEY => {
                text[at..at + HOT_KEY_TEXT.len()].copy_from_slice(HOT_KEY_TEXT.as_bytes());
                at + HOT_KEY_TEXT.len()
            }
            index => {
                text[at..at + 4].copy_from_slice(b"key-");
                put_decimal(text, at + 4, u64::from(index))
            }
        }
    }
}

/// Generated records of up to this many bytes (key and data) are put
/// together on the stack; longer ones are written piece by piece.
const SMALL_RECORD: usize = 256;

/// A hash key range with the top 16 bits of its ends, as routing reads
/// it: the top bits of a key's hash key decide whether the range holds it,
/// unless they equal those of one of the ends; only then is the full hash
/// key read. Reading a shard asks this of every entry of every call, and
/// the full table of a large key space (1.6 MB for 100,000 keys) does not
/// stay in cache.
#[derive(Clone, Copy)]
struct RangeEnds {
    range: HashKeyRange,
    low: u16,
    high: u16,
}

impl RangeEnds {
    fn of(range: HashKeyRange) -> RangeEnds {
        RangeEnds { range, low: top_bits(range.start()), high: top_bits(range.end()) }
    }

    /// Whether the range holds `key`, whose top bits are `top`.
    fn holds(&self, plan: &GeneratorPlan, key: KeyIndex, top: Option<u16>) -> bool {
        let RangeEnds { range, low, high } = *self;
        match top {
            Some(top) if low < top && top < high => true,
            Some(top) if top < low || high < top => false,
            _ => range.contains(plan.hash_key(key)),
        }
    }
}

/// A stream's open shards as a generator's call routes its entries to them.
pub(crate) struct Router<'a> {
    plan: &'a GeneratorPlan,
    /// Each open shard's index in the stream, and its range.
    shards: Vec<(usize, RangeEnds)>,
}

impl Router<'_> {
    /// Which of the router's shards `key` goes to: a slot from 0 to
    /// [`Router::slots`], which [`Router::shard_index`] names.
    pub(crate) fn route(&self, key: KeyIndex) -> usize {
        let top = self.plan.top(key);
        self.shards
            .iter()
            .position(|(_, ends)| ends.holds(self.plan, key, top))
            .expect("open shards tile the key space")
    }

    /// How many shards the router routes to.
    pub(crate) fn slots(&self) -> usize {
        self.shards.len()
    }

    /// The stream's index of the shard in `slot`.
    pub(crate) fn shard_index(&self, slot: usize) -> usize {
        self.shards[slot].0
    }
}

fn top_bits(key: HashKey) -> u16 {
    (key.0 >> 112) as u16
}

fn write_key(index: KeyIndex, out: &mut Vec<u8>) {
    let mut text = [0u8; 14];
    let end = GeneratorPlan::put_key(index, &mut text, 0);
    out.extend_from_slice(&text[..end]);
}

fn decimal_digits(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// Writes `n` in decimal into `text` at `at`; returns where it ends. Back
/// to front, two digits at a time, and in 32-bit while it fits (wasm
/// divides 32 bits in one instruction; serials stay below 2^32 for 49 days
/// at 1,000 records a second), four digits a division, whose two pairs do
/// not wait for each other.
fn put_decimal(text: &mut [u8], at: usize, n: u64) -> usize {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";

    let end = at + n.checked_ilog10().map_or(1, |log| log as usize + 1);
    let mut pos = end;
    let mut rest = n;
    while rest > u64::from(u32::MAX) {
        let pair = (rest % 100) as usize * 2;
        rest /= 100;
        pos -= 2;
        text[pos..pos + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    let mut rest = rest as u32;
    while rest >= 10_000 {
        let four = rest % 10_000;
        rest /= 10_000;
        let (high, low) = ((four / 100) as usize * 2, (four % 100) as usize * 2);
        pos -= 4;
        text[pos..pos + 2].copy_from_slice(&PAIRS[high..high + 2]);
        text[pos + 2..pos + 4].copy_from_slice(&PAIRS[low..low + 2]);
    }
    if rest >= 100 {
        let pair = (rest % 100) as usize * 2;
        rest /= 100;
        pos -= 2;
        text[pos..pos + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if rest >= 10 {
        let pair = rest as usize * 2;
        pos -= 2;
        text[pos..pos + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        pos -= 1;
        text[pos] = b'0' + rest as u8;
    }
    debug_assert_eq!(pos, at);
    end
}

/// One `PutRecords` call of a generator, as it sends it.
pub(crate) struct GeneratedBatch<'a> {
    pub(crate) stream_name: &'a str,
    pub(crate) plan: &'a Arc<GeneratorPlan>,
    /// The generator's random state before it drew `keys`.
    pub(crate) rand: Rand,
    /// The serial of the first entry.
    pub(crate) first_serial: u64,
    pub(crate) keys: &'a [KeyIndex],
}

/// One `PutRecords` call of a generator, as the shards that stored its
/// entries keep it.
pub(crate) struct GeneratedCall {
    plan: Arc<GeneratorPlan>,
    /// The generator's random state before the call's first draw.
    rand: Rand,
    /// The serial of the call's first entry.
    first_serial: u64,
    arrival: Instant,
    entries: u16,
    /// Bit `i` set: entry `i` was refused. `None` when none was.
    refused: Option<Box<[u64]>>,
}

impl GeneratedCall {
    /// A call of `entries` entries, `refused` saying which the service refused.
    pub(crate) fn new(
        plan: Arc<GeneratorPlan>,
        (rand, first_serial): (Rand, u64),
        arrival: Instant,
        entries: usize,
        refused: Option<Box<[u64]>>,
    ) -> GeneratedCall {
        let entries = u16::try_from(entries).expect("a call has at most 500 entries");
        GeneratedCall { plan, rand, first_serial, arrival, entries, refused }
    }

    pub(crate) fn arrival(&self) -> Instant {
        self.arrival
    }

    /// The entries a shard of `range` stored, in call order, with their keys.
    pub(crate) fn members(&self, range: HashKeyRange) -> impl Iterator<Item = (u16, KeyIndex)> + '_ {
        let mut rand = self.rand.clone();
        let ends = RangeEnds::of(range);
        (0..self.entries).filter_map(move |entry| {
            let key = self.plan.draw(&mut rand);
            let refused =
                self.refused.as_ref().is_some_and(|bits| bits[usize::from(entry) / 64] >> (entry % 64) & 1 == 1);
            (!refused && ends.holds(&self.plan, key, self.plan.top(key))).then_some((entry, key))
        })
    }

    /// Writes member `entry`'s partition key and data onto `out`; returns the key's length.
    pub(crate) fn write_member(&self, (entry, key): (u16, KeyIndex), out: &mut Vec<u8>) -> u32 {
        self.plan.write_record(key, self.first_serial.saturating_add(u64::from(entry)), out);
        self.plan.key_len(key) as u32
    }

    /// The bytes member `entry` counts against throughput limits: its
    /// partition key and its data, which is always the plan's record size.
    pub(crate) fn billed_bytes(&self, (_, key): (u16, KeyIndex)) -> u64 {
        (self.plan.key_len(key) + self.plan.record_bytes()) as u64
    }

    /// The memory the call takes, with its refused entries.
    pub(crate) fn heap_bytes(&self) -> usize {
        2 * core::mem::size_of::<usize>()
            + core::mem::size_of::<GeneratedCall>()
            + self.refused.as_ref().map_or(0, |bits| bits.len() * core::mem::size_of::<u64>())
    }
}

/// A bitmap of `entries` bits, all clear.
pub(crate) fn refusal_bitmap(entries: usize) -> Box<[u64]> {
    alloc::vec![0; entries.div_ceil(64)].into_boxed_slice()
}

/// Sets bit `entry` of `bits`.
pub(crate) fn mark_refused(bits: &mut [u64], entry: usize) {
    bits[entry / 64] |= 1 << (entry % 64);
}

#[cfg(test)]
mod tests {
    use alloc::string::String;

    use super::*;

    /// The data a generator's record had before records were kept as
    /// calls: `format!("{key} #{serial} ")`, padded with dots or cut to
    /// the record size.
    fn payload(key: &str, serial: u64, record_bytes: usize) -> Vec<u8> {
        let mut data = alloc::format!("{key} #{serial} ").into_bytes();
        data.resize(record_bytes, b'.');
        data
    }

    #[test]
    fn keys_and_data_are_written_as_text() {
        let keys = KeyDistribution::HotKey { hot_percent: 50, distinct_keys: 20_000 };
        // Records within `SMALL_RECORD` and past it, and data shorter than its text.
        let plans = [GeneratorPlan::new(keys, 24), GeneratorPlan::new(keys, 3), GeneratorPlan::new(keys, 300)];
        for (key, text) in [(0, "key-0"), (9, "key-9"), (10, "key-10"), (19_999, "key-19999"), (HOT_KEY, "hot-key")] {
            for (serial, plan) in
                [(0u64, &plans[0]), (1234567890123, &plans[0]), (5, &plans[1]), (7, &plans[2]), (u64::MAX, &plans[2])]
            {
                let record_bytes = plan.record_bytes();
                let mut out = alloc::vec![b'x'];
                plan.write_record(key, serial, &mut out);
                let mut expected = alloc::vec![b'x'];
                expected.extend_from_slice(text.as_bytes());
                expected.extend(payload(text, serial, record_bytes));
                assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected).unwrap());
                assert_eq!(plan.key_len(key), text.len());
                assert_eq!(plan.hash_key(key), HashKey::from_partition_key(text));
            }
        }
    }

    /// No key a plan draws is longer than its longest (at least `hot-key`).
    #[test]
    fn the_longest_key_is_the_longest_drawn() {
        for (keys, longest) in [
            (KeyDistribution::Uniform { distinct_keys: 10 }, "hot-key".len()),
            (KeyDistribution::Uniform { distinct_keys: 20_000 }, "key-19999".len()),
            (KeyDistribution::Zipf { distinct_keys: 100_001 }, "key-100000".len()),
            (KeyDistribution::HotKey { hot_percent: 50, distinct_keys: 1000 }, "hot-key".len()),
        ] {
            let plan = GeneratorPlan::new(keys, 10);
            assert_eq!(plan.longest_key_len(), longest, "{keys:?}");
            let mut rand = Rand::new(3);
            assert!((0..10_000).all(|_| plan.key_len(plan.draw(&mut rand)) <= longest));
        }
    }

    #[test]
    fn decimals_are_written_as_format_writes_them() {
        let around_u32 = [u64::from(u32::MAX) - 1, u64::from(u32::MAX), u64::from(u32::MAX) + 1, 1 << 33];
        let table = [0, 7, 9, 10, 42, 99, 100, 101, 999, 1000, 9_999, 10_000, 12_345, 99_999, 100_000, 1_234_567];
        let table = table.into_iter().chain([u64::MAX / 7, u64::MAX]);
        for n in table.chain(around_u32) {
            let mut text = [b'x'; 24];
            let end = put_decimal(&mut text, 2, n);
            assert_eq!(String::from_utf8(text[2..end].to_vec()).unwrap(), alloc::format!("{n}"));
            assert!(text[..2] == *b"xx" && text[end..].iter().all(|&b| b == b'x'), "{n} wrote outside its digits");
            if let Ok(index) = u32::try_from(n) {
                assert_eq!(decimal_digits(index), alloc::format!("{n}").len());
            }
        }
    }

    /// A call's members are the entries of the shard's range that were not
    /// refused, in call order, drawn as the generator drew them.
    #[test]
    fn members_are_the_shards_unrefused_entries_in_order() {
        let plan = Arc::new(GeneratorPlan::new(KeyDistribution::Uniform { distinct_keys: 1000 }, 10));
        let mut rand = Rand::new(42);
        let start = rand.clone();
        let keys: Vec<KeyIndex> = (0..130).map(|_| plan.draw(&mut rand)).collect();
        let mut refused = refusal_bitmap(keys.len());
        for entry in [3, 64, 65, 129] {
            mark_refused(&mut refused, entry);
        }
        let call = GeneratedCall::new(plan.clone(), (start, 7), Instant::SIMULATION_START, keys.len(), Some(refused));
        let halves = HashKeyRange::uniform(2);
        let mut all = Vec::new();
        for range in halves {
            let members: Vec<(u16, KeyIndex)> = call.members(range).collect();
            let expected: Vec<(u16, KeyIndex)> = (0..keys.len() as u16)
                .map(|e| (e, keys[usize::from(e)]))
                .filter(|&(e, k)| ![3, 64, 65, 129].contains(&e) && range.contains(plan.hash_key(k)))
                .collect();
            assert_eq!(members, expected);
            all.extend(members);
        }
        assert_eq!(all.len(), keys.len() - 4, "each unrefused entry in exactly one half");
    }

    /// The top-bits shortcut answers as the full hash key does, including
    /// for ranges whose ends share their top 16 bits with a key's hash key
    /// (one bit either side of it, and the key itself), where it must look
    /// at the whole key.
    #[test]
    fn routing_by_top_bits_agrees_with_the_full_hash_key() {
        let plan = GeneratorPlan::new(KeyDistribution::HotKey { hot_percent: 10, distinct_keys: 500 }, 10);
        let pivot = plan.hash_key(17).0;
        let mut ranges = Vec::from(HashKeyRange::uniform(3));
        ranges.extend(HashKeyRange::uniform(64));
        for end in [pivot - 1, pivot, pivot + 1] {
            ranges.push(HashKeyRange::new(0, end));
            ranges.push(HashKeyRange::new(end, u128::MAX));
            ranges.push(HashKeyRange::new(end, end));
        }
        ranges.push(HashKeyRange::new(pivot & !0xffff_ffff, pivot | 0xffff_ffff));
        // Ends that share the key's top 16 bits, on either side of it.
        let top16 = pivot & !(u128::MAX >> 16);
        ranges.push(HashKeyRange::new(top16, pivot - 1));
        ranges.push(HashKeyRange::new(pivot + 1, top16 | (u128::MAX >> 16)));
        for range in ranges {
            for key in (0..500).chain([HOT_KEY]) {
                let routed = RangeEnds::of(range).holds(&plan, key, plan.top(key));
                assert_eq!(routed, range.contains(plan.hash_key(key)), "key {key} in {range:?}");
            }
        }
        // A router picks the one range of a tiling that holds the key,
        // including tilings split exactly at a key's hash key.
        for tiling in [
            Vec::from(HashKeyRange::uniform(3)),
            alloc::vec![HashKeyRange::new(0, pivot - 1), HashKeyRange::new(pivot, u128::MAX)],
            alloc::vec![HashKeyRange::new(0, pivot), HashKeyRange::new(pivot + 1, u128::MAX)],
        ] {
            let router = plan.router(tiling.iter().copied().enumerate().rev());
            for key in (0..500).chain([HOT_KEY]) {
                let shard = router.shard_index(router.route(key));
                assert!(tiling[shard].contains(plan.hash_key(key)), "key {key} in {tiling:?}");
            }
        }
    }
}
