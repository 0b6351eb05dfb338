use shardlab_core::{Duration, POLL_INTERVAL, ShardId, ShardIteratorType};

use crate::{put, sim_with_stream};

#[test]
fn trim_horizon_reads_every_record_in_order() {
    let mut sim = sim_with_stream(1);
    for i in 0..5 {
        put(&mut sim, "k", format!("r{i}").as_bytes()).unwrap();
        sim.advance(Duration::from_millis(10));
    }
    let it = sim.get_shard_iterator("s", ShardId::new(0), ShardIteratorType::TrimHorizon).unwrap();
    let page = sim.get_records(&it, Some(3)).unwrap();
    let data: Vec<&[u8]> = page.records.iter().map(|r| r.data.as_slice()).collect();
    assert_eq!(data, [b"r0", b"r1", b"r2"]);
    // Records arrived at 0, 10, .. 40 ms and the clock reads 50 ms: the oldest
    // unread one, r3, arrived 20 ms ago.
    assert_eq!(page.millis_behind_latest, 20);
    let rest = sim.get_records(page.next_shard_iterator.as_ref().unwrap(), None).unwrap();
    let data: Vec<&[u8]> = rest.records.iter().map(|r| r.data.as_slice()).collect();
    assert_eq!(data, [b"r3", b"r4"]);
    assert_eq!(rest.millis_behind_latest, 0);
    let empty = sim.get_records(rest.next_shard_iterator.as_ref().unwrap(), None).unwrap();
    assert!(empty.records.is_empty());
}

#[test]
fn latest_skips_records_written_before_it() {
    let mut sim = sim_with_stream(1);
    put(&mut sim, "k", b"old").unwrap();
    let it = sim.get_shard_iterator("s", ShardId::new(0), ShardIteratorType::Latest).unwrap();
    put(&mut sim, "k", b"new").unwrap();
    let page = sim.get_records(&it, None).unwrap();
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].data, b"new");
}

#[test]
fn arrival_timestamps_come_from_the_simulated_clock() {
    let mut sim = sim_with_stream(1);
    sim.advance(Duration::from_secs(90));
    put(&mut sim, "k", b"x").unwrap();
    let it = sim.get_shard_iterator("s", ShardId::new(0), ShardIteratorType::TrimHorizon).unwrap();
    let page = sim.get_records(&it, None).unwrap();
    assert_eq!(page.records[0].approximate_arrival.to_string(), "2026-01-01T00:01:30.000Z");
}

#[test]
fn iterators_expire_after_five_minutes() {
    let mut sim = sim_with_stream(1);
    let it = sim.get_shard_iterator("s", ShardId::new(0), ShardIteratorType::TrimHorizon).unwrap();
    sim.advance(Duration::from_secs(300));
    assert!(sim.get_records(&it, None).is_ok(), "exactly 300 s old is still valid");
    sim.advance(Duration::from_millis(1));
    let err = sim.get_records(&it, None).unwrap_err();
    assert_eq!(err.code(), "ExpiredIteratorException");
    assert_eq!(
        err.to_string(),
        "Iterator expired. The iterator was created at time 1767225600000 while right now it is 1767225900001 which is further in the future than the tolerated delay of 300000 milliseconds."
    );
}

#[track_caller]
fn check_get_records_error(iterator: &str, limit: Option<u32>, code: &str) {
    let mut sim = sim_with_stream(1);
    let err = sim.get_records(iterator, limit).unwrap_err();
    assert_eq!(err.code(), code, "{err}");
}

#[test]
fn bad_get_records_requests_are_refused() {
    let sim = sim_with_stream(1);
    let good = sim.get_shard_iterator("s", ShardId::new(0), ShardIteratorType::TrimHorizon).unwrap();
    check_get_records_error("garbage", None, "InvalidArgumentException");
    check_get_records_error(&good, Some(0), "ValidationException");
    check_get_records_error(&good, Some(10_001), "ValidationException");
    let mut other = shardlab_core::Simulation::new();
    other.create_stream("elsewhere", 1).unwrap();
    let foreign = other.get_shard_iterator("elsewhere", ShardId::new(0), ShardIteratorType::Latest).unwrap();
    check_get_records_error(&foreign, None, "ResourceNotFoundException");
}

#[test]
fn get_shard_iterator_for_a_missing_shard_is_resource_not_found() {
    let sim = sim_with_stream(2);
    let err = sim.get_shard_iterator("s", ShardId::new(2), ShardIteratorType::Latest).unwrap_err();
    assert_eq!(err.to_string(), "Shard shardId-000000000002 in stream s under account 123456789012 does not exist");
    assert!(matches!(err, shardlab_core::GetShardIteratorError::ResourceNotFound(_)));
}

#[test]
fn polling_consumer_receives_records_as_the_clock_advances() {
    let mut sim = sim_with_stream(3);
    put(&mut sim, "a", b"before").unwrap();
    let latest = sim.start_polling_consumer("s", ShardIteratorType::Latest).unwrap();
    let horizon = sim.start_polling_consumer("s", ShardIteratorType::TrimHorizon).unwrap();
    put(&mut sim, "b", b"after").unwrap();
    let received = |sim: &shardlab_core::Simulation, idx: usize| -> Vec<Vec<u8>> {
        sim.consumers()[idx].shards.iter().flat_map(|c| c.records.iter().map(|r| r.data.clone())).collect()
    };
    assert!(received(&sim, 0).is_empty(), "nothing is read before the first poll");
    sim.advance(POLL_INTERVAL);
    assert_eq!(received(&sim, 0), [b"after".to_vec()]);
    assert_eq!(received(&sim, 1), [b"before".to_vec(), b"after".to_vec()]);
    // Polling again reads nothing twice.
    sim.advance(Duration::from_secs(3));
    assert_eq!(received(&sim, 1).len(), 2);
    assert_eq!(sim.consumers()[0].id, latest);
    assert_eq!(sim.consumers()[1].id, horizon);
}
