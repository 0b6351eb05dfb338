//! Scenario tests: the simulation driven only through its public API.

mod reads;
mod routing;
mod writes;

use shardlab_core::{PutRecordError, PutRecordInput, PutRecordOutput, Simulation};

/// A simulation with one stream named `s` of `shard_count` shards.
fn sim_with_stream(shard_count: u32) -> Simulation {
    let mut sim = Simulation::new();
    sim.create_stream("s", shard_count).unwrap();
    sim
}

fn put(sim: &mut Simulation, key: &str, data: &[u8]) -> Result<PutRecordOutput, PutRecordError> {
    sim.put_record(PutRecordInput {
        stream_name: "s".into(),
        partition_key: key.into(),
        data: data.to_vec(),
        explicit_hash_key: None,
    })
}
