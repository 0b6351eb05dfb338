use shardlab_core::metrics::MetricName;
use shardlab_core::{CreateStreamInput, Duration, PutRecordInput, ShardId, Simulation, StartingPosition, limits};

use crate::{iterator, put, sim_with_stream};

fn sums(sim: &Simulation, shard: Option<ShardId>, metric: MetricName, period_secs: u64) -> Vec<f64> {
    let from = sim.now() - Duration::from_secs(600);
    sim.metric_statistics("s", shard, metric, Duration::from_secs(period_secs), from, sim.now())
        .iter()
        .map(|d| d.sum)
        .collect()
}

#[test]
fn writes_reads_and_throttles_are_counted_per_second_per_shard() {
    let mut sim = sim_with_stream(2);
    // user-42 lands in shard 0 of 2. 1,001 records in one second: one throttled.
    for _ in 0..1001 {
        let _ = put(&mut sim, "user-42", b"0123456789");
    }
    let it = iterator(&sim, 0, StartingPosition::TrimHorizon);
    sim.get_records(&it, Some(100)).unwrap();
    sim.advance(Duration::from_secs(1));

    assert_eq!(sums(&sim, None, MetricName::IncomingRecords, 60), [1000.0]);
    assert_eq!(sums(&sim, None, MetricName::IncomingBytes, 60), [1000.0 * 17.0], "data plus partition key");
    assert_eq!(sums(&sim, None, MetricName::WriteProvisionedThroughputExceeded, 60), [1.0]);
    assert_eq!(sums(&sim, Some(ShardId::new(0)), MetricName::IncomingRecords, 1), [1000.0]);
    assert!(sums(&sim, Some(ShardId::new(1)), MetricName::IncomingRecords, 1).is_empty(), "shard 1 saw nothing");
    assert_eq!(sums(&sim, None, MetricName::GetRecordsRecords, 60), [100.0]);
    assert_eq!(sums(&sim, None, MetricName::PutRecordSuccess, 60), [1000.0]);
}

#[test]
fn iterator_age_grows_when_a_consumer_falls_behind() {
    let mut sim = sim_with_stream(1);
    put(&mut sim, "k", b"old").unwrap();
    let it = iterator(&sim, 0, StartingPosition::TrimHorizon);
    sim.advance(Duration::from_secs(90));
    sim.get_records(&it, None).unwrap();
    sim.advance(Duration::from_secs(1));
    let ages: Vec<f64> = sim
        .metric_statistics(
            "s",
            None,
            MetricName::GetRecordsIteratorAgeMilliseconds,
            Duration::from_secs(60),
            sim.now() - Duration::from_secs(300),
            sim.now(),
        )
        .iter()
        .map(|d| d.maximum)
        .collect();
    assert_eq!(ages, [90_000.0]);
}

#[test]
fn a_provisioned_shard_costs_its_shard_hours_and_put_units() {
    let mut sim = sim_with_stream(2);
    for _ in 0..10 {
        put(&mut sim, "k", &[0; 30 * 1024]).unwrap();
        sim.advance(Duration::from_secs(1));
    }
    sim.advance(Duration::from_hours(1) - Duration::from_secs(10));
    let bill = sim.cost("s").unwrap();
    let item = |name: &str| bill.items.iter().find(|i| i.name == name).unwrap().quantity;
    // Two shards for the hour since creation, plus the 5 s CREATING took.
    assert!((item("Shard hours") - 2.0 * (3605.0 / 3600.0)).abs() < 1e-9, "{}", item("Shard hours"));
    assert_eq!(item("PUT payload units"), 20.0, "a 30 KiB record is two 25 KiB units");
}

#[test]
fn an_on_demand_stream_scales_out_under_sustained_load() {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::on_demand("s")).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    assert_eq!(sim.describe_stream_summary("s").unwrap().open_shard_count, 4);
    // 3,000 records/s spread over many keys for two minutes.
    let mut key = 0u32;
    for _ in 0..120 {
        for _ in 0..3000 {
            key += 1;
            let _ = put(&mut sim, &format!("device-{key}"), b"x");
        }
        sim.advance(Duration::from_secs(1));
    }
    let open = sim.describe_stream_summary("s").unwrap().open_shard_count;
    // Twice a 3,000 records/s peak needs 6 shards; the first step doubled 4 to 8.
    assert!(open >= 6, "scaled out to {open} shards");
    assert_eq!(sim.describe_stream_summary("s").unwrap().stream_status, shardlab_core::StreamStatus::Active);
}

/// Puts `n` records of 2 bytes (key `k`, data `x`) at hash keys spread evenly
/// over `start ..= end`, in the current second.
fn put_spread(sim: &mut Simulation, n: u128, start: u128, end: u128) {
    for i in 0..n {
        let mut input = PutRecordInput::new("s", "k", b"x".to_vec());
        input.explicit_hash_key = Some((start + (end - start) / n * i).to_string());
        sim.put_record(input).unwrap();
    }
}

const HALF: u128 = 1 << 127;

/// A case: its name, what happens after the stream is two minutes old, and
/// `(shard, records)` for every open shard over the last minute.
type Case = (&'static str, fn(&mut Simulation), &'static [(u32, f64)]);

#[test]
fn recent_writes_count_each_open_shards_range_over_the_last_whole_seconds() {
    let minute = Duration::from_secs(60);
    let cases: [Case; 4] = [
        ("nothing written", |_| {}, &[(0, 0.0), (1, 0.0)]),
        (
            "only whole seconds within the span count",
            |sim| {
                put_spread(sim, 5, 0, HALF - 1);
                sim.advance(Duration::from_secs(30));
                for _ in 0..20 {
                    put_spread(sim, 10, 0, HALF - 1);
                    sim.advance(Duration::from_secs(1));
                }
                sim.advance(Duration::from_secs(20));
                // The current second's writes are not counted until it ends.
                put_spread(sim, 7, HALF, u128::MAX);
            },
            &[(0, 200.0), (1, 0.0)],
        ),
        (
            "children of a split share their parent's writes by the part of its range each took",
            |sim| {
                for _ in 0..20 {
                    put_spread(sim, 10, 0, HALF - 1);
                    sim.advance(Duration::from_secs(1));
                }
                // The lower child takes a quarter of shard 0's range.
                sim.split_shard("s", ShardId::new(0), &(HALF / 4).to_string()).unwrap();
                sim.advance(limits::RESHARD_DELAY);
                put_spread(sim, 4, 0, HALF / 4 - 1);
                sim.advance(Duration::from_secs(1));
            },
            &[(1, 0.0), (2, 50.0 + 4.0), (3, 150.0)],
        ),
        (
            "the child of a merge has both parents' writes",
            |sim| {
                put_spread(sim, 30, 0, HALF - 1);
                put_spread(sim, 12, HALF, u128::MAX);
                sim.advance(Duration::from_secs(1));
                sim.merge_shards("s", ShardId::new(0), ShardId::new(1)).unwrap();
                sim.advance(limits::RESHARD_DELAY);
            },
            &[(2, 42.0)],
        ),
    ];
    for (name, act, expected) in cases {
        let mut sim = sim_with_stream(2);
        sim.advance(Duration::from_secs(120));
        act(&mut sim);
        let got: Vec<(u32, f64)> =
            sim.recent_writes("s", minute).iter().map(|(id, w)| (id.index(), w.records)).collect();
        assert_eq!(got, expected, "{name}");
        // Every record is 2 bytes.
        for (id, writes) in sim.recent_writes("s", minute) {
            assert_eq!(writes.bytes, 2.0 * writes.records, "{name}: {id}");
        }
    }
    assert!(sim_with_stream(1).recent_writes("nonexistent", minute).is_empty());
}
