use shardlab_core::{
    ConsumerStatus, Duration, SequenceNumber, ShardId, Simulation, StartingPosition, limits, stream_arn,
};

use crate::{put, sim_with_stream};

#[test]
fn a_registered_consumer_becomes_active_and_gets_pushed_records() {
    let mut sim = sim_with_stream(1);
    let consumer = sim.register_stream_consumer(&stream_arn("s"), "analytics").unwrap();
    assert_eq!(consumer.consumer_status, ConsumerStatus::Creating);
    assert_eq!(consumer.consumer_arn, "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/analytics:1767225605");
    let err = sim.subscribe_to_shard(&consumer.consumer_arn, ShardId::new(0), StartingPosition::Latest).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Consumer analytics with creation timestamp 1767225605 under stream: s , account 123456789012 is not in ACTIVE status."
    );
    sim.advance(limits::CONSUMER_CREATE_DELAY);
    assert_eq!(sim.describe_stream_consumer(&consumer.consumer_arn).unwrap().consumer_status, ConsumerStatus::Active);

    let sub = sim.subscribe_to_shard(&consumer.consumer_arn, ShardId::new(0), StartingPosition::Latest).unwrap();
    put(&mut sim, "k", b"pushed").unwrap();
    sim.advance(Duration::from_millis(70));
    let read = sim.read_subscription(sub).unwrap();
    let data: Vec<&[u8]> = read.event.records.iter().map(|r| r.data()).collect();
    assert_eq!(data, [&b"pushed"[..]]);
    assert_eq!(read.event.continuation_sequence_number, Some(read.event.records[0].sequence_number()));
    assert!(!read.ended);
    assert!(sim.read_subscription(sub).unwrap().event.records.is_empty(), "nothing is pushed twice");

    sim.advance(Duration::from_secs(1));
    let pushed: Vec<(f64, f64)> = sim
        .consumer_metric_statistics(
            "s",
            "analytics",
            shardlab_core::metrics::MetricName::SubscribeToShardEventRecords,
            Duration::from_secs(60),
            sim.now() - Duration::from_secs(120),
            sim.now(),
        )
        .iter()
        .map(|d| (d.sum, d.sample_count as f64))
        .collect();
    assert_eq!(pushed, [(1.0, 1.0)], "one record pushed in one second");
}

#[test]
fn subscriptions_end_after_five_minutes_and_cannot_be_doubled_within_five_seconds() {
    let mut sim = sim_with_stream(1);
    let arn = sim.register_stream_consumer(&stream_arn("s"), "c").unwrap().consumer_arn;
    sim.advance(limits::CONSUMER_CREATE_DELAY);
    let sub = sim.subscribe_to_shard(&arn, ShardId::new(0), StartingPosition::TrimHorizon).unwrap();
    let again = sim.subscribe_to_shard(&arn, ShardId::new(0), StartingPosition::TrimHorizon).unwrap_err();
    assert_eq!(
        (again.code(), again.to_string().as_str()),
        ("ResourceInUseException", "Another active subscription exists for this consumer")
    );
    sim.advance(limits::SUBSCRIPTION_LIFETIME);
    assert!(sim.read_subscription(sub).unwrap().ended);
    assert!(sim.subscribe_to_shard(&arn, ShardId::new(0), StartingPosition::TrimHorizon).is_ok());
}

#[test]
fn each_consumer_has_its_own_two_mebibytes_per_second() {
    let mut sim = sim_with_stream(1);
    // Three 1 MiB records over three seconds.
    for _ in 0..3 {
        put(&mut sim, "k", &vec![0; 1_048_575]).unwrap();
        sim.advance(Duration::from_secs(1));
    }
    let mut subs = Vec::new();
    for name in ["a", "b"] {
        let arn = sim.register_stream_consumer(&stream_arn("s"), name).unwrap().consumer_arn;
        subs.push(arn);
    }
    sim.advance(limits::CONSUMER_CREATE_DELAY);
    let ids: Vec<_> = subs
        .iter()
        .map(|arn| sim.subscribe_to_shard(arn, ShardId::new(0), StartingPosition::TrimHorizon).unwrap())
        .collect();
    // Both consumers get two records at once: neither slows the other.
    for id in &ids {
        assert_eq!(sim.read_subscription(*id).unwrap().event.records.len(), 2);
    }
    sim.advance(Duration::from_secs(1));
    for id in &ids {
        assert_eq!(sim.read_subscription(*id).unwrap().event.records.len(), 1);
    }
}

#[test]
fn consumer_limits() {
    let mut sim = sim_with_stream(1);
    for i in 0..5 {
        sim.register_stream_consumer(&stream_arn("s"), &format!("c{i}")).unwrap();
    }
    assert_eq!(sim.register_stream_consumer(&stream_arn("s"), "c5").unwrap_err().code(), "LimitExceededException");
    sim.advance(limits::CONSUMER_CREATE_DELAY);
    for i in 5..20 {
        sim.register_stream_consumer(&stream_arn("s"), &format!("c{i}")).unwrap();
        sim.advance(limits::CONSUMER_CREATE_DELAY);
    }
    assert_eq!(sim.list_stream_consumers(&stream_arn("s")).unwrap().len(), 20);
    assert_eq!(sim.register_stream_consumer(&stream_arn("s"), "c20").unwrap_err().code(), "LimitExceededException");
    assert_eq!(sim.register_stream_consumer(&stream_arn("s"), "c1").unwrap_err().code(), "ResourceInUseException");
    let arn = sim.list_stream_consumers(&stream_arn("s")).unwrap()[0].consumer_arn.clone();
    sim.deregister_stream_consumer(&arn).unwrap();
    sim.advance(limits::CONSUMER_DELETE_DELAY);
    assert_eq!(sim.list_stream_consumers(&stream_arn("s")).unwrap().len(), 19);
}

/// A subscription's row in the fan-out summary: shard, continuation sequence
/// number, `MillisBehindLatest` and whether it has ended.
type Position = (ShardId, Option<SequenceNumber>, u64, bool);

/// Consumer `name`'s rows in the fan-out summary of stream `s`, in shard order.
fn positions(sim: &Simulation, name: &str) -> Vec<Position> {
    let summaries = sim.fan_out_consumer_summaries("s");
    let summary = summaries.iter().find(|s| s.consumer.consumer_name == name).unwrap();
    summary.shards.iter().map(|p| (p.shard, p.continuation_sequence_number, p.millis_behind_latest, p.ended)).collect()
}

#[test]
fn fan_out_summaries_show_each_subscription_s_position_and_lag() {
    let mut sim = sim_with_stream(2);
    let arn = sim.register_stream_consumer(&stream_arn("s"), "reader").unwrap().consumer_arn;
    sim.register_stream_consumer(&stream_arn("s"), "idle").unwrap();
    sim.advance(limits::CONSUMER_CREATE_DELAY);
    let first = put(&mut sim, "k", b"first").unwrap();
    let (hot, cold) = (first.shard_id, ShardId::new(1 - first.shard_id.index()));
    let sub = sim.subscribe_to_shard(&arn, hot, StartingPosition::TrimHorizon).unwrap();
    sim.subscribe_to_shard(&arn, cold, StartingPosition::Latest).unwrap();
    let names: Vec<String> =
        sim.fan_out_consumer_summaries("s").into_iter().map(|s| s.consumer.consumer_name).collect();
    assert_eq!(names, ["reader", "idle"], "every registered consumer, in registration order");
    assert_eq!(positions(&sim, "idle"), [], "no subscription, no position");

    // The hot shard's row after each step; the cold shard stays at its start, caught up.
    let check = |sim: &Simulation, step: &str, hot_row: Position| {
        let mut expected = vec![hot_row, (cold, None, 0, false)];
        expected.sort_by_key(|row| row.0);
        assert_eq!(positions(sim, "reader"), expected, "{step}");
    };
    sim.advance(Duration::from_secs(2));
    check(&sim, "nothing pushed yet: the first record has waited 2 s", (hot, None, 2000, false));
    sim.read_subscription(sub).unwrap();
    check(&sim, "pushed: at the record, caught up", (hot, Some(first.sequence_number), 0, false));
    let second = put(&mut sim, "k", b"second").unwrap();
    sim.advance(Duration::from_millis(500));
    check(&sim, "a second record waits", (hot, Some(first.sequence_number), 500, false));
    sim.advance(limits::SUBSCRIPTION_LIFETIME);
    sim.read_subscription(sub).unwrap();
    check(&sim, "the last event pushes it and ends the subscription", (hot, Some(second.sequence_number), 0, true));
}
