//! Generated records read back as the records a generator wrote.
//!
//! A shard keeps a generator's records as the calls that made them and
//! makes them again when read (`core/src/generated.rs`). This scenario's
//! whole state, records, metrics and bills included, is pinned by a share
//! link that the build before that change made, when every generated
//! record was stored in full: key distributions of each kind, data padded
//! and cut short, throttled entries in the middle of calls, a reshard, an
//! encrypted stream and client records in between.

use shardlab_core::generator::{GeneratorConfig, KeyDistribution};
use shardlab_core::kms::{EncryptionType, KeyId};
use shardlab_core::{CreateStreamInput, Duration, PutRecordInput, Simulation, StreamStatus, limits};

/// The fixture, written by `SHARDLAB_WRITE_FIXTURES=1` only when a change
/// to what a generator writes is meant.
const FIXTURE: &str = "tests/data/generated-records.link";

fn generate(sim: &mut Simulation, records_per_second: u32, record_bytes: u32, keys: KeyDistribution, seed: u64) {
    let config = GeneratorConfig { stream_name: "gen".into(), records_per_second, record_bytes, keys };
    let id = sim.start_generator(config, seed).unwrap();
    sim.advance(Duration::from_millis(1_000));
    sim.stop_generator(id);
}

fn until_active(sim: &mut Simulation) {
    while sim.stream("gen").unwrap().status != StreamStatus::Active {
        sim.advance(Duration::from_millis(100));
    }
}

fn scenario() -> Simulation {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("gen", 4)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    // Three at once: uniform with data cut short, Zipf padded, and a hot
    // key at 2,250 records a second into one shard, past its 1,000.
    let config = |records_per_second, record_bytes, keys| GeneratorConfig {
        stream_name: "gen".into(),
        records_per_second,
        record_bytes,
        keys,
    };
    let running = [
        sim.start_generator(config(300, 7, KeyDistribution::Uniform { distinct_keys: 1_000 }), 1).unwrap(),
        sim.start_generator(config(200, 30, KeyDistribution::Zipf { distinct_keys: 50 }), 2).unwrap(),
        sim.start_generator(config(2_500, 3, KeyDistribution::HotKey { hot_percent: 90, distinct_keys: 20 }), 3)
            .unwrap(),
    ];
    sim.advance(Duration::from_millis(1_550));
    for id in running {
        sim.stop_generator(id);
    }
    for i in 0..5 {
        sim.put_record(PutRecordInput::new("gen", format!("client-{i}"), b"between".to_vec())).unwrap();
    }
    sim.update_shard_count("gen", 8).unwrap();
    until_active(&mut sim);
    generate(&mut sim, 500, 12, KeyDistribution::Uniform { distinct_keys: 100_000 }, 4);
    sim.start_stream_encryption("gen", EncryptionType::Kms, KeyId::AWS_MANAGED).unwrap();
    until_active(&mut sim);
    generate(&mut sim, 200, 16, KeyDistribution::HotKey { hot_percent: 30, distinct_keys: 10 }, 5);
    sim
}

#[test]
fn generated_records_read_back_as_the_build_that_stored_them_wrote_them() {
    let sim = scenario();
    if std::env::var_os("SHARDLAB_WRITE_FIXTURES").is_some() {
        std::fs::write(FIXTURE, sim.share_fragment()).unwrap();
    }
    let fixture = std::fs::read_to_string(FIXTURE).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&shardlab_core::share::snapshot_of_share_fragment(fixture.trim()).unwrap()).unwrap();
    let actual: serde_json::Value = serde_json::from_str(&sim.snapshot()).unwrap();
    let generated: u64 = sim.generators().iter().map(|g| g.counters.stored).sum();
    let throttled: u64 = sim.generators().iter().map(|g| g.counters.throttled).sum();
    assert!(generated > 2_000 && throttled > 0, "the scenario stores and throttles: {generated}, {throttled}");
    if actual != expected {
        let (a, e) = (actual["streams"]["gen"].to_string(), expected["streams"]["gen"].to_string());
        let at = a.bytes().zip(e.bytes()).position(|(x, y)| x != y).unwrap_or(a.len().min(e.len()));
        panic!(
            "the state differs from the fixture; in the stream from byte {at}:\n  now:     {}\n  fixture: {}",
            &a[at.saturating_sub(200)..(at + 200).min(a.len())],
            &e[at.saturating_sub(200)..(at + 200).min(e.len())]
        );
    }
}
