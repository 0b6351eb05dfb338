//! Property tests: invariants that must hold for any sequence of operations.

use std::collections::BTreeMap;

use proptest::prelude::*;
use shardlab_core::{
    CreateStreamInput, Duration, GetShardIteratorInput, HashKey, PutRecordInput, ShardId, Simulation, StartingPosition,
    limits,
};

#[derive(Clone, Debug)]
enum Op {
    Put {
        key: u8,
        data: u16,
    },
    Advance {
        millis: u16,
    },
    /// Split the open shard at this position in the open-shard list, in the middle of its range.
    Split {
        shard_pick: u8,
    },
    /// Merge the open shard at this position with the open shard that follows its range.
    Merge {
        shard_pick: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (any::<u8>(), any::<u16>()).prop_map(|(key, data)| Op::Put { key, data }),
        3 => (0u16..2000).prop_map(|millis| Op::Advance { millis }),
        1 => any::<u8>().prop_map(|shard_pick| Op::Split { shard_pick }),
        1 => any::<u8>().prop_map(|shard_pick| Op::Merge { shard_pick }),
    ]
}

fn new_sim(shards: u32) -> Simulation {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("s", shards)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    sim
}

/// Runs `ops`; returns the data of every record that was accepted, in write order.
fn run(sim: &mut Simulation, ops: &[Op]) -> Vec<(String, Vec<u8>)> {
    let mut written = Vec::new();
    for op in ops {
        match *op {
            Op::Put { key, data } => {
                let key = format!("key-{key}");
                let data = data.to_be_bytes().to_vec();
                if sim.put_record(PutRecordInput::new("s", key.clone(), data.clone())).is_ok() {
                    written.push((key, data));
                }
            }
            Op::Advance { millis } => sim.advance(Duration::from_millis(u64::from(millis))),
            Op::Split { shard_pick } => {
                let view = sim.stream("s").unwrap();
                let open: Vec<_> = view.open_shards().collect();
                let shard = open[usize::from(shard_pick) % open.len()];
                let (start, end) = (shard.range.start().0, shard.range.end().0);
                if end - start > 4 {
                    // Refused while UPDATING; that is fine for the property.
                    let _ = sim.split_shard("s", shard.id, &(start + (end - start) / 2).to_string());
                }
            }
            Op::Merge { shard_pick } => {
                let view = sim.stream("s").unwrap();
                let open: Vec<_> = view.open_shards().collect();
                let shard = open[usize::from(shard_pick) % open.len()];
                if let Some(next) = open.iter().find(|s| Some(s.range.start().0) == shard.range.end().0.checked_add(1))
                {
                    let _ = sim.merge_shards("s", shard.id, next.id);
                }
            }
        }
    }
    sim.advance(limits::RESHARD_DELAY);
    written
}

/// Every record in every shard, read from `TRIM_HORIZON` within the read limits.
fn read_everything(sim: &mut Simulation) -> BTreeMap<ShardId, Vec<(String, Vec<u8>, String)>> {
    let ids: Vec<ShardId> = sim.stream("s").unwrap().shards.iter().map(|s| s.id).collect();
    let mut out = BTreeMap::new();
    for id in ids {
        let input =
            GetShardIteratorInput { stream_name: "s".into(), shard_id: id, position: StartingPosition::TrimHorizon };
        let mut iterator = sim.get_shard_iterator(input).ok();
        let mut records = Vec::new();
        while let Some(current) = iterator.take() {
            sim.advance(Duration::from_millis(250));
            let page = sim.get_records(&current, None).unwrap();
            let done = page.records.is_empty();
            records.extend(
                page.records
                    .iter()
                    .map(|r| (r.partition_key().to_string(), r.data().to_vec(), r.sequence_number().to_string())),
            );
            iterator = if done { None } else { page.next_shard_iterator };
        }
        out.insert(id, records);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_record_is_lost_duplicated_or_reordered(shards in 1u32..5, ops in prop::collection::vec(op(), 1..200)) {
        let mut sim = new_sim(shards);
        let written = run(&mut sim, &ops);
        let read = read_everything(&mut sim);

        let mut read_all: Vec<(String, Vec<u8>)> =
            read.values().flatten().map(|(k, d, _)| (k.clone(), d.clone())).collect();
        let mut written_sorted = written.clone();
        read_all.sort();
        written_sorted.sort();
        prop_assert_eq!(read_all, written_sorted, "the records read are exactly the records written");

        for records in read.values() {
            // Sequence numbers are 56 digits and strictly increase within a shard.
            prop_assert!(records.windows(2).all(|w| w[0].2.len() == 56 && w[0].2 < w[1].2));
            // Records of one key keep their write order within a shard.
            for (key, _, _) in records {
                let in_shard: Vec<&Vec<u8>> = records.iter().filter(|r| &r.0 == key).map(|r| &r.1).collect();
                let in_written: Vec<&Vec<u8>> = written.iter().filter(|w| &w.0 == key).map(|w| &w.1).collect();
                prop_assert!(is_subsequence(&in_shard, &in_written), "order of {} kept", key);
            }
        }
    }

    #[test]
    fn every_hash_key_routes_to_exactly_one_open_shard(shards in 1u32..6, ops in prop::collection::vec(op(), 1..80), probes in prop::collection::vec(any::<u128>(), 20)) {
        let mut sim = new_sim(shards);
        run(&mut sim, &ops);
        let view = sim.stream("s").unwrap();
        for probe in probes.into_iter().chain([0, u128::MAX]) {
            let owners = view.open_shards().filter(|s| s.range.contains(HashKey(probe))).count();
            prop_assert_eq!(owners, 1, "hash key {}", probe);
        }
    }

    #[test]
    fn routing_is_unchanged_by_a_snapshot(shards in 1u32..6, ops in prop::collection::vec(op(), 1..60), keys in prop::collection::vec("[a-z0-9-]{1,20}", 10)) {
        let mut sim = new_sim(shards);
        run(&mut sim, &ops);
        let mut restored = Simulation::restore(&sim.snapshot()).unwrap();
        for key in keys {
            sim.advance(Duration::from_millis(10));
            restored.advance(Duration::from_millis(10));
            let a = sim.put_record(PutRecordInput::new("s", key.clone(), b"x".to_vec())).map(|o| o.shard_id);
            let b = restored.put_record(PutRecordInput::new("s", key.clone(), b"x".to_vec())).map(|o| o.shard_id);
            prop_assert_eq!(a, b, "key {}", key);
        }
        prop_assert_eq!(sim.snapshot(), restored.snapshot());
    }
}

/// Whether `part` appears in `whole` in the same relative order.
/// What a polling consumer reads when the clock moves in `steps`: a record
/// written at 0 h and one at 10 h, on a stream keeping 24 hours, and the
/// consumer (from `TRIM_HORIZON`) paused from 10 h to 30 h, then polling for
/// ten seconds. At 30 h only the second record is within retention.
fn paused_consumer_reads(steps: &[u64]) -> Vec<Vec<u8>> {
    let mut sim = new_sim(1);
    sim.put_record(PutRecordInput::new("s", "k", b"old".to_vec())).unwrap();
    sim.advance(Duration::from_hours(10));
    sim.put_record(PutRecordInput::new("s", "k", b"young".to_vec())).unwrap();
    let consumer = sim.start_polling_consumer("s", StartingPosition::TrimHorizon).unwrap();
    sim.pause_consumer(consumer, Duration::from_hours(20)).unwrap();
    for &step in steps {
        sim.advance(Duration::from_millis(step));
    }
    sim.consumers()[0].shards[0].records.iter().map(|r| r.data().to_vec()).collect()
}

/// `total` milliseconds cut at `cuts` (any order, repeats allowed) into steps.
fn split(total: u64, mut cuts: Vec<u64>) -> Vec<u64> {
    cuts.push(0);
    cuts.push(total);
    cuts.sort_unstable();
    cuts.windows(2).map(|w| w[1] - w[0]).collect()
}

fn is_subsequence<T: PartialEq>(part: &[T], whole: &[T]) -> bool {
    let mut rest = whole.iter();
    part.iter().all(|p| rest.any(|w| w == p))
}

const PAUSED_MOVE_MILLIS: u64 = 20 * 3_600_000 + 10_000;

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn what_a_consumer_reads_does_not_depend_on_how_the_clock_moves(
        cuts in prop::collection::vec(0..=PAUSED_MOVE_MILLIS, 0..12),
    ) {
        prop_assert_eq!(paused_consumer_reads(&split(PAUSED_MOVE_MILLIS, cuts)), vec![b"young".to_vec()]);
    }
}

#[test]
fn one_long_move_trims_as_hourly_moves_do() {
    let hourly: Vec<u64> = split(PAUSED_MOVE_MILLIS, (1..=20).map(|h| h * 3_600_000).collect());
    for steps in [vec![PAUSED_MOVE_MILLIS], hourly] {
        assert_eq!(paused_consumer_reads(&steps), [b"young".to_vec()], "{} steps", steps.len());
    }
}
