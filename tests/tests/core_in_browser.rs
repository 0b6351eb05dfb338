//! `shardlab-core` compiled to wasm and run in Chromium: the same answers as native.
#![cfg(target_arch = "wasm32")]

use shardlab_core::{POLL_INTERVAL, PutRecordInput, ShardId, ShardIteratorType, Simulation};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn put(sim: &mut Simulation, key: &str, data: &str) -> ShardId {
    sim.put_record(PutRecordInput {
        stream_name: "s".into(),
        partition_key: key.into(),
        data: data.as_bytes().to_vec(),
        explicit_hash_key: None,
    })
    .unwrap()
    .shard_id
}

#[wasm_bindgen_test]
fn routing_matches_kinesis_in_wasm() {
    let mut four = Simulation::new();
    four.create_stream("s", 4).unwrap();
    assert_eq!(put(&mut four, "user-42", "x"), ShardId::new(1));

    let mut three = Simulation::new();
    three.create_stream("s", 3).unwrap();
    let shards: Vec<u32> = ["a", "b", "c", "d"].iter().map(|k| put(&mut three, k, "x").index()).collect();
    assert_eq!(shards, [0, 1, 0, 1]);
}

#[wasm_bindgen_test]
fn get_records_reads_in_order_in_wasm() {
    let mut sim = Simulation::new();
    sim.create_stream("s", 1).unwrap();
    for i in 0..3 {
        put(&mut sim, "k", &format!("r{i}"));
    }
    let it = sim.get_shard_iterator("s", ShardId::new(0), ShardIteratorType::TrimHorizon).unwrap();
    let page = sim.get_records(&it, None).unwrap();
    let data: Vec<&[u8]> = page.records.iter().map(|r| r.data.as_slice()).collect();
    assert_eq!(data, [b"r0", b"r1", b"r2"]);
}

#[wasm_bindgen_test]
fn consumers_poll_with_the_simulated_clock_in_wasm() {
    let mut sim = Simulation::new();
    sim.create_stream("s", 2).unwrap();
    sim.start_polling_consumer("s", ShardIteratorType::Latest).unwrap();
    put(&mut sim, "k", "new");
    sim.advance(POLL_INTERVAL);
    let n: usize = sim.consumers()[0].shards.iter().map(|c| c.records.len()).sum();
    assert_eq!(n, 1);
}
