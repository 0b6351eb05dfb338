//! Scenario tests: the simulation driven only through its public API.

mod bounds;
mod clients;
mod fan_out;
mod generated;
mod hot_cold;
mod lifecycle;
mod reads;
mod resharding;
mod routing;
mod security;
mod snapshots;
mod telemetry;
mod throttling;
mod writes;

use shardlab_core::{
    CreateStreamInput, GetShardIteratorInput, PutRecordError, PutRecordInput, PutRecordOutput, ShardId, Simulation,
    StartingPosition, limits,
};

/// A simulation with one `ACTIVE` stream named `s` of `shard_count` shards.
pub fn sim_with_stream(shard_count: u32) -> Simulation {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("s", shard_count)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    sim
}

/// `PutRecord` into stream `s`.
pub fn put(sim: &mut Simulation, key: &str, data: &[u8]) -> Result<PutRecordOutput, PutRecordError> {
    sim.put_record(PutRecordInput::new("s", key, data))
}

/// An iterator for shard `shard` of stream `s`.
pub fn iterator(sim: &Simulation, shard: u32, position: StartingPosition) -> String {
    sim.get_shard_iterator(GetShardIteratorInput { stream_name: "s".into(), shard_id: ShardId::new(shard), position })
        .unwrap()
}

/// Every record's data readable from `shard` from `TRIM_HORIZON`, in order.
pub fn read_all(sim: &mut Simulation, shard: u32) -> Vec<Vec<u8>> {
    let mut it = Some(iterator(sim, shard, StartingPosition::TrimHorizon));
    let mut out = Vec::new();
    while let Some(current) = it.take() {
        let page = sim.get_records(&current, None).unwrap();
        if page.records.is_empty() && page.next_shard_iterator.is_some() {
            break;
        }
        out.extend(page.records.iter().map(|r| r.data().to_vec()));
        it = page.next_shard_iterator;
        // Stay within 5 GetRecords calls per second.
        sim.advance(shardlab_core::Duration::from_millis(200));
    }
    out
}
