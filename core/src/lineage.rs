//! Shard lineage: which shards a reader may read yet. After a split or a
//! merge, a key's older records are in the parent shards and its newer ones
//! in a child, so a reader that keeps each key's records in order reads a
//! child only after its parents.
//!
//! One rule for every reader that keeps that order (the KCL, Lambda
//! event-source mappings, Firehose's Kinesis source), as the KCL's
//! `BlockOnParentShardTask` states it: a child waits while a parent has a
//! lease whose checkpoint is not `SHARD_END`; a parent with no lease holds
//! nothing back ("No lease found for shard … Not blocking on completion of
//! this shard"). A reader without leases says the same of the shards it
//! tracks. The polling consumer does not keep the order, as a hand-written
//! consumer need not (`consumer.rs`).

/// What a reader knows of one parent shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Parent {
    /// Read to its end and every record processed (the KCL's checkpoint
    /// at `SHARD_END`).
    Finished,
    /// Tracked and not finished: its records come first.
    Unfinished,
    /// Not tracked: trimmed past retention before the reader listed it,
    /// or closed before a reader starting at `LATEST` began. None of its
    /// records will be read, so none is waited for.
    Untracked,
}

/// Whether a child shard may be read: once every one of its `parents` is
/// finished or untracked. `state` says which each parent is.
pub(crate) fn may_read<P>(parents: impl IntoIterator<Item = P>, state: impl FnMut(P) -> Parent) -> bool {
    parents.into_iter().map(state).all(|parent| parent != Parent::Unfinished)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Parent::{Finished, Unfinished, Untracked};

    #[test]
    fn a_child_waits_only_for_unfinished_parents() {
        let cases: &[(&[Parent], bool)] = &[
            // A shard that was never split: no parents.
            (&[], true),
            // A split's child.
            (&[Finished], true),
            (&[Unfinished], false),
            (&[Untracked], true),
            // A merge's child: both parents count.
            (&[Finished, Finished], true),
            (&[Finished, Unfinished], false),
            (&[Unfinished, Finished], false),
            (&[Untracked, Finished], true),
            (&[Finished, Untracked], true),
            (&[Untracked, Unfinished], false),
            (&[Untracked, Untracked], true),
        ];
        for &(parents, expected) in cases {
            assert_eq!(may_read(parents.iter(), |&p| p), expected, "{parents:?}");
        }
    }
}
