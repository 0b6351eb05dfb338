//! Converting a map's values, its keys kept.

use alloc::collections::BTreeMap;

/// `map` with each value converted. Built by insertion rather than
/// collected: collecting into a `BTreeMap` sorts the entries again, although
/// they come sorted, and each map type's sort is kilobytes of wasm (the
/// snapshot's conversions alone made 50 KB of them).
pub(crate) fn convert_values<K: Ord, A, B: From<A>>(map: BTreeMap<K, A>) -> BTreeMap<K, B> {
    let mut converted = BTreeMap::new();
    for (key, value) in map {
        converted.insert(key, B::from(value));
    }
    converted
}
