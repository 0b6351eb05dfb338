use shardlab_core::snapshot::SnapshotError;
use shardlab_core::{CreateStreamInput, Duration, ShardId, Simulation, StartingPosition, limits, stream_arn};

use crate::put;

/// A scripted session touching most of the state: streams, records,
/// reshards, consumers (paused, and recovered from an expired iterator),
/// tags, encryption, metrics.
fn session() -> Simulation {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("s", 3)).unwrap();
    sim.create_stream(CreateStreamInput::on_demand("od")).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    for i in 0..50 {
        put(&mut sim, &format!("key-{i}"), format!("record {i}").as_bytes()).unwrap();
        sim.advance(Duration::from_millis(37));
    }
    let consumer = sim.start_polling_consumer("s", StartingPosition::TrimHorizon).unwrap();
    sim.split_shard("s", ShardId::new(0), "1000000").unwrap();
    sim.register_stream_consumer(&stream_arn("s"), "efo").unwrap();
    sim.advance(Duration::from_secs(10));
    sim.start_stream_encryption("s", shardlab_core::kms::EncryptionType::Kms, "alias/aws/kinesis").unwrap();
    sim.advance(Duration::from_secs(3));
    put(&mut sim, "key-x", b"secret").unwrap();
    sim.advance(Duration::from_secs(2));
    // A consumer that met an expired iterator, and is paused again.
    sim.pause_consumer(consumer, Duration::from_secs(360)).unwrap();
    sim.advance(Duration::from_secs(361));
    sim.pause_consumer(consumer, Duration::from_secs(60)).unwrap();
    sim
}

#[test]
fn the_same_calls_give_byte_identical_snapshots() {
    assert_eq!(session().snapshot(), session().snapshot());
}

#[test]
fn a_restored_simulation_carries_on_exactly_like_the_original() {
    let mut original = session();
    let mut restored = Simulation::restore(&original.snapshot()).unwrap();
    assert_eq!(restored.snapshot(), original.snapshot());
    let consumer = &restored.consumers()[0];
    assert!(consumer.paused_until.is_some() && consumer.shards.iter().any(|c| c.expired.is_some()), "{consumer:?}");
    for sim in [&mut original, &mut restored] {
        put(sim, "after", b"restore").unwrap();
        sim.advance(Duration::from_secs(5));
    }
    assert_eq!(restored.snapshot(), original.snapshot());
}

#[test]
fn a_snapshot_from_before_stream_serials_restores_and_new_streams_are_told_apart() {
    // Such a snapshot has no serial on streams, shards, records or the
    // simulation. (Edited as text: a JSON value would round the u128 hash keys.)
    let mut old = session().snapshot();
    for field in ["\"next_stream_serial\":2,", "\"serial\":0,", "\"serial\":1,", "\"stream\":0,", "\"stream\":1,"] {
        assert!(old.contains(field), "{field}");
        old = old.replace(field, "");
    }
    let mut sim = Simulation::restore(&old).unwrap();
    // Its records keep the sequence numbers they were read with.
    let first = sim.shard_records("s", ShardId::new(1)).unwrap().next().unwrap().sequence_number();
    assert!(first.to_string().starts_with("4900000000000100000"), "{first}");
    sim.create_stream(CreateStreamInput::provisioned("new", 1)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    let written = sim.put_record(shardlab_core::PutRecordInput::new("new", "k", b"x".to_vec())).unwrap();
    assert_eq!(&written.sequence_number.to_string()[2..19], "00000000000000001", "serial 1, after the old streams' 0");
}

#[test]
fn a_snapshot_from_before_sealed_iterators_restores_with_a_fixed_key() {
    let current = session().snapshot();
    let key_at = current.find("\"iterator_key\":").unwrap();
    let key_end = key_at + current[key_at..].find("],").unwrap() + 2;
    let old = current.replacen(&current[key_at..key_end], "", 1).replacen("\"unsealed_iterators_until\":null,", "", 1);
    assert!(!old.contains("iterator_key") && !old.contains("unsealed_iterators_until"));
    let restored = Simulation::restore(&old).unwrap();
    assert_eq!(restored.snapshot(), Simulation::restore(&old).unwrap().snapshot(), "the same key every time");
    // Unsealed iterators its clients hold are read until they expire; none issued later.
    let until = format!("\"unsealed_iterators_until\":{}", restored.now().epoch_millis());
    assert!(restored.snapshot().contains(&until), "{until}");
}

#[test]
fn bad_snapshots_are_refused_with_a_reason() {
    let good = session().snapshot();
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "this is not a Shardlab snapshot"),
        ("{\"format\":\"something-else\",\"version\":1}".into(), "this is not a Shardlab snapshot"),
        (good.replacen("\"version\":1", "\"version\":2", 1), "this snapshot is version 2"),
        (good.replacen("\"now\":", "\"later\":", 1), "this snapshot is damaged"),
        // A shard that claims the whole key space next to the others breaks tiling.
        (
            good.replacen("\"start\":113427455640312821154458202477256070485", "\"start\":5", 1),
            "this snapshot is damaged",
        ),
    ];
    for (text, expected) in cases {
        let Err(err): Result<Simulation, SnapshotError> = Simulation::restore(&text) else {
            panic!("restored a snapshot that should be refused: {expected}");
        };
        assert!(err.to_string().starts_with(expected), "{expected:?} vs {err}");
    }
}
