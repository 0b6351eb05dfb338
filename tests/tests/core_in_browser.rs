//! `shardlab-core` compiled to wasm and run in Chromium: the same answers as native.
#![cfg(target_arch = "wasm32")]

use shardlab_core::{
    CreateStreamInput, GetShardIteratorInput, POLL_INTERVAL, PutRecordInput, ShardId, Simulation, StartingPosition,
    limits,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn put(sim: &mut Simulation, key: &str, data: &str) -> ShardId {
    sim.put_record(PutRecordInput::new("s", key, data.as_bytes())).unwrap().shard_id
}

fn sim_with_stream(shard_count: u32) -> Simulation {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("s", shard_count)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    sim
}

#[wasm_bindgen_test]
fn routing_matches_kinesis_in_wasm() {
    let mut four = sim_with_stream(4);
    assert_eq!(put(&mut four, "user-42", "x"), ShardId::new(1));

    let mut three = sim_with_stream(3);
    let shards: Vec<u32> = ["a", "b", "c", "d"].iter().map(|k| put(&mut three, k, "x").index()).collect();
    assert_eq!(shards, [0, 1, 0, 1]);
}

#[wasm_bindgen_test]
fn get_records_reads_in_order_in_wasm() {
    let mut sim = sim_with_stream(1);
    for i in 0..3 {
        put(&mut sim, "k", &format!("r{i}"));
    }
    let input = GetShardIteratorInput {
        stream_name: "s".into(),
        shard_id: ShardId::new(0),
        position: StartingPosition::TrimHorizon,
    };
    let it = sim.get_shard_iterator(input).unwrap();
    let page = sim.get_records(&it, None).unwrap();
    let data: Vec<&[u8]> = page.records.iter().map(|r| r.data()).collect();
    assert_eq!(data, [b"r0", b"r1", b"r2"]);
}

#[wasm_bindgen_test]
fn consumers_poll_with_the_simulated_clock_in_wasm() {
    let mut sim = sim_with_stream(2);
    sim.start_polling_consumer("s", StartingPosition::Latest).unwrap();
    put(&mut sim, "k", "new");
    sim.advance(POLL_INTERVAL);
    let n: usize = sim.consumers()[0].shards.iter().map(|c| c.records.len()).sum();
    assert_eq!(n, 1);
}
