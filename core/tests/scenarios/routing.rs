use shardlab_core::{PutRecordInput, ShardId};

use crate::{put, sim_with_stream};

#[track_caller]
fn check_route(shard_count: u32, key: &str, expected: u32) {
    let mut sim = sim_with_stream(shard_count);
    let out = put(&mut sim, key, b"x").unwrap();
    assert_eq!(out.shard_id, ShardId::new(expected), "{shard_count} shards, key {key:?}");
}

#[test]
fn partition_keys_route_by_md5() {
    check_route(4, "user-42", 1);
    check_route(3, "a", 0);
    check_route(3, "b", 1);
    check_route(3, "c", 0);
    check_route(3, "d", 1);
    check_route(1, "anything", 0);
}

#[test]
fn shard_ids_are_zero_padded_to_twelve_digits() {
    let sim = sim_with_stream(12);
    let ids: Vec<String> = sim.stream("s").unwrap().shards.iter().map(|s| s.id.to_string()).collect();
    assert_eq!(ids[0], "shardId-000000000000");
    assert_eq!(ids[11], "shardId-000000000011");
}

#[track_caller]
fn check_explicit(shard_count: u32, explicit_hash_key: &str, expected: u32) {
    let mut sim = sim_with_stream(shard_count);
    let mut input = PutRecordInput::new("s", "ignored-for-routing", b"".to_vec());
    input.explicit_hash_key = Some(explicit_hash_key.into());
    let out = sim.put_record(input).unwrap();
    assert_eq!(out.shard_id, ShardId::new(expected), "{shard_count} shards, hash key {explicit_hash_key}");
}

#[test]
fn explicit_hash_key_overrides_the_partition_key() {
    check_explicit(3, "0", 0);
    check_explicit(3, "113427455640312821154458202477256070484", 0);
    check_explicit(3, "113427455640312821154458202477256070485", 1);
    check_explicit(3, "340282366920938463463374607431768211455", 2);
    check_explicit(4, "85070591730234615865843651857942052864", 1);
}
