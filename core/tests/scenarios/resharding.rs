use shardlab_core::{
    CreateStreamInput, HashKey, ShardId, ShardView, Simulation, StartingPosition, StreamStatus, StreamView, limits,
};

use crate::{iterator, put, read_all, sim_with_stream};

fn open_ranges(view: &StreamView) -> Vec<(u32, u128, u128)> {
    view.open_shards().map(|s| (s.id.index(), s.range.start().0, s.range.end().0)).collect()
}

/// The open shards tile the key space: sorted by range, each starts one after
/// the previous ends, from 0 to 2^128 - 1.
#[track_caller]
fn assert_tiles(view: &StreamView) {
    let mut open: Vec<&ShardView> = view.open_shards().collect();
    open.sort_by_key(|s| s.range.start());
    assert_eq!(open[0].range.start().0, 0);
    assert_eq!(open.last().unwrap().range.end().0, u128::MAX);
    for pair in open.windows(2) {
        assert_eq!(pair[0].range.end().0 + 1, pair[1].range.start().0);
    }
}

#[test]
fn split_closes_the_parent_and_opens_two_children_after_the_update() {
    let mut sim = sim_with_stream(1);
    put(&mut sim, "k", b"before").unwrap();
    sim.split_shard("s", ShardId::new(0), "2").unwrap();
    assert_eq!(sim.describe_stream_summary("s").unwrap().stream_status, StreamStatus::Updating);
    // Writes still go to the parent while the stream is UPDATING.
    assert_eq!(put(&mut sim, "k", b"during").unwrap().shard_id, ShardId::new(0));
    sim.advance(limits::RESHARD_DELAY);
    let view = sim.stream("s").unwrap();
    assert_eq!(view.status, StreamStatus::Active);
    // As verified against AWS: split at 2 gives [0, 1] and [2, 2^128 - 1].
    assert_eq!(open_ranges(&view), [(1, 0, 1), (2, 2, u128::MAX)]);
    assert!(view.shards[0].ending_sequence_number.is_some(), "parent closed");
    assert_eq!(view.shards[1].parent, Some(ShardId::new(0)));
    assert_eq!(view.shards[2].adjacent_parent, None);
    assert_eq!(read_all(&mut sim, 0), [b"before".to_vec(), b"during".to_vec()], "parent stays readable");
}

#[test]
fn reading_a_closed_shard_to_its_end_lists_its_children() {
    let mut sim = sim_with_stream(1);
    put(&mut sim, "k", b"x").unwrap();
    sim.split_shard("s", ShardId::new(0), &(1u128 << 127).to_string()).unwrap();
    sim.advance(limits::RESHARD_DELAY);
    let it = iterator(&sim, 0, StartingPosition::TrimHorizon);
    let page = sim.get_records(&it, None).unwrap();
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.next_shard_iterator, None, "closed and drained");
    let children: Vec<(u32, Vec<u32>)> = page
        .child_shards
        .iter()
        .map(|c| (c.shard_id.index(), c.parent_shards.iter().map(|p| p.index()).collect()))
        .collect();
    assert_eq!(children, [(1, vec![0]), (2, vec![0])]);
}

#[test]
fn merge_joins_adjacent_shards_into_one_child_with_both_parents() {
    let mut sim = sim_with_stream(3);
    sim.merge_shards("s", ShardId::new(0), ShardId::new(1)).unwrap();
    sim.advance(limits::RESHARD_DELAY);
    let view = sim.stream("s").unwrap();
    let child = view.shards.iter().find(|s| s.id == ShardId::new(3)).unwrap();
    assert_eq!((child.parent, child.adjacent_parent), (Some(ShardId::new(0)), Some(ShardId::new(1))));
    assert_eq!(child.range.start().0, 0);
    assert_eq!(child.range.end(), view.shards[1].range.end());
    assert_tiles(&view);
}

#[track_caller]
fn check_reshard_error(result: Result<(), shardlab_core::ReshardError>, code: &str, message: &str) {
    let err = result.unwrap_err();
    assert_eq!((err.code(), err.to_string().as_str()), (code, message));
}

#[test]
fn resharding_errors_match_aws() {
    let mut sim = sim_with_stream(3);
    check_reshard_error(
        sim.merge_shards("s", ShardId::new(0), ShardId::new(2)),
        "InvalidArgumentException",
        "Shards shardId-000000000000 and shardId-000000000002 in stream s under account 123456789012 are not an adjacent pair of shards eligible for merging",
    );
    check_reshard_error(
        sim.merge_shards("s", ShardId::new(1), ShardId::new(0)),
        "InvalidArgumentException",
        "Shards shardId-000000000001 and shardId-000000000000 in stream s under account 123456789012 are not an adjacent pair of shards eligible for merging",
    );
    check_reshard_error(
        sim.split_shard("s", ShardId::new(7), "5"),
        "ResourceNotFoundException",
        "Could not find shard shardId-000000000007 in stream s under account 123456789012.",
    );
    check_reshard_error(
        sim.split_shard("s", ShardId::new(0), "1"),
        "InvalidArgumentException",
        "NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream s under account 123456789012 is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey 113427455640312821154458202477256070484.",
    );
    sim.split_shard("s", ShardId::new(0), "1000").unwrap();
    check_reshard_error(
        sim.merge_shards("s", ShardId::new(1), ShardId::new(2)),
        "ResourceInUseException",
        "Stream s under account 123456789012 not ACTIVE, instead in state UPDATING",
    );
}

#[test]
fn resharding_a_closed_shard_is_an_invalid_argument() {
    // Shard 0 is split into 3 and 4; shards 1 and 2 are merged into 5.
    let mut sim = sim_with_stream(3);
    sim.split_shard("s", ShardId::new(0), "1000").unwrap();
    sim.advance(limits::RESHARD_DELAY);
    sim.merge_shards("s", ShardId::new(1), ShardId::new(2)).unwrap();
    sim.advance(limits::RESHARD_DELAY);
    type Call = fn(&mut Simulation) -> Result<(), shardlab_core::ReshardError>;
    let cases: [(Call, u32); 4] = [
        (|sim| sim.split_shard("s", ShardId::new(0), "5000"), 0),
        (|sim| sim.split_shard("s", ShardId::new(1), "113427455640312821154458202477256070500"), 1),
        (|sim| sim.merge_shards("s", ShardId::new(2), ShardId::new(5)), 2),
        (|sim| sim.merge_shards("s", ShardId::new(4), ShardId::new(1)), 1),
    ];
    for (call, closed) in cases {
        check_reshard_error(
            call(&mut sim),
            "InvalidArgumentException",
            &format!(
                "Shard shardId-{closed:012} in stream s under account 123456789012 has already been merged or split, and thus is not eligible for merging or splitting."
            ),
        );
    }
}

#[test]
fn update_shard_count_scales_uniformly_through_splits_and_merges() {
    for (from, to) in [(4, 8), (8, 4), (3, 5), (5, 3), (4, 7), (1, 2), (2, 1)] {
        let mut sim = sim_with_stream(from);
        sim.update_shard_count("s", to).unwrap();
        sim.advance(limits::RESHARD_DELAY);
        let view = sim.stream("s").unwrap();
        let mut open: Vec<(u128, u128)> = view.open_shards().map(|s| (s.range.start().0, s.range.end().0)).collect();
        open.sort();
        let uniform: Vec<(u128, u128)> =
            shardlab_core::HashKeyRange::uniform(to).iter().map(|r| (r.start().0, r.end().0)).collect();
        assert_eq!(open, uniform, "{from} -> {to}");
        for shard in view.shards.iter().filter(|s| s.id.index() >= from) {
            assert!(shard.parent.is_some(), "{from} -> {to}: {} has a parent", shard.id);
        }
    }
}

#[test]
fn update_shard_count_limits() {
    let mut sim = sim_with_stream(4);
    check_reshard_error(
        sim.update_shard_count("s", 9),
        "LimitExceededException",
        "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 4, Target shard count: 9",
    );
    check_reshard_error(
        sim.update_shard_count("s", 1),
        "LimitExceededException",
        "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 4, Target shard count: 1",
    );
    for i in 0..10 {
        sim.update_shard_count("s", if i % 2 == 0 { 5 } else { 4 }).unwrap();
        sim.advance(limits::RESHARD_DELAY);
    }
    assert_eq!(sim.update_shard_count("s", 5).unwrap_err().code(), "LimitExceededException", "ten per rolling day");
    sim.advance(shardlab_core::Duration::from_hours(24));
    assert!(sim.update_shard_count("s", 5).is_ok());
}

#[test]
fn on_demand_streams_refuse_manual_resharding() {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::on_demand("s")).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    check_reshard_error(
        sim.update_shard_count("s", 8),
        "ValidationException",
        "This API is only supported for data streams with the provisioned capacity mode.",
    );
}

#[test]
fn every_key_routes_to_exactly_one_open_shard_after_resharding() {
    let mut sim = sim_with_stream(2);
    sim.split_shard("s", ShardId::new(0), &(1u128 << 125).to_string()).unwrap();
    sim.advance(limits::RESHARD_DELAY);
    sim.merge_shards("s", ShardId::new(3), ShardId::new(1)).unwrap();
    sim.advance(limits::RESHARD_DELAY);
    let view = sim.stream("s").unwrap();
    assert_tiles(&view);
    for key in ["a", "b", "user-42", "zzz"] {
        let hash = HashKey::from_partition_key(key);
        assert_eq!(view.open_shards().filter(|s| s.range.contains(hash)).count(), 1, "{key}");
        let stored = put(&mut sim, key, b"x").unwrap().shard_id;
        assert_eq!(Some(stored), view.shard_for(hash).map(|s| s.id), "{key}");
    }
}
