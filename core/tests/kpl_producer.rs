//! The KPL producer model driven against a simulation: aggregation,
//! buffering deadlines, throttling with retries, TTL expiry, compression.

use std::collections::BTreeMap;

use shardlab_core::kpl::{self, Compression, KplConfig, KplProducer, UserRecordId, UserRecordOutcome};
use shardlab_core::{CreateStreamInput, Duration, HashKey, Instant, Simulation, limits};

const STREAM: &str = "events";

fn sim_with_stream(shards: u32) -> Simulation {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned(STREAM, shards)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    sim
}

/// Moves the clock to `to`, polling the producer at each of its deadlines on
/// the way (quinn's `Pair::drive`, bounded). Returns the instants it polled at.
fn drive_until(sim: &mut Simulation, producer: &mut KplProducer, to: Instant) -> Vec<Instant> {
    let mut polls = Vec::new();
    while let Some(due) = producer.next_deadline().filter(|due| *due <= to) {
        assert!(polls.len() < 100_000, "producer does not settle; last deadline {due}");
        sim.advance(due.saturating_since(sim.now()));
        producer.poll(sim);
        polls.push(sim.now());
    }
    sim.advance(to.saturating_since(sim.now()));
    polls
}

/// Drives the producer until it has nothing left to do.
fn drive_to_idle(sim: &mut Simulation, producer: &mut KplProducer) -> Vec<Instant> {
    let far = sim.now() + Duration::from_secs(3600);
    let polls = drive_until(sim, producer, far);
    assert_eq!(producer.next_deadline(), None);
    polls
}

/// Adds `n` records for `keys` round-robin, `per_ms` each millisecond,
/// driving the producer in between.
fn add_spread(
    sim: &mut Simulation,
    producer: &mut KplProducer,
    n: usize,
    keys: &[&str],
    per_ms: usize,
) -> Vec<(UserRecordId, String, Vec<u8>)> {
    (0..n)
        .map(|i| {
            if i > 0 && i % per_ms == 0 {
                let next = sim.now() + Duration::from_millis(1);
                drive_until(sim, producer, next);
            }
            let key = keys[i % keys.len()];
            let data = format!("{key}:{i}").into_bytes();
            let id = producer.add_user_record(sim.now(), STREAM, key, data.clone(), None).unwrap();
            (id, key.to_string(), data)
        })
        .collect()
}

/// Every user record in the stream, de-aggregated as the KCL does, grouped by partition key in shard order.
fn read_back(sim: &Simulation) -> BTreeMap<String, Vec<Vec<u8>>> {
    let mut by_key: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for shard in sim.stream(STREAM).unwrap().shards {
        for record in sim.shard_records(STREAM, shard.id).unwrap() {
            for client in kpl::deaggregate_record(&record) {
                by_key.entry(client.user_record.partition_key).or_default().push(client.user_record.data);
            }
        }
    }
    by_key
}

fn succeeded(producer: &KplProducer, id: UserRecordId) -> kpl::UserRecordResult {
    match producer.outcome(id) {
        Some(UserRecordOutcome::Succeeded(result)) => *result,
        other => panic!("id={id:?} outcome={other:?}"),
    }
}

#[test]
fn aggregation_turns_many_user_records_into_few_kinesis_records() {
    // (shards, keys, aggregation, Kinesis records, PutRecords calls). A
    // flush every 100 ms over 250 ms makes 3 calls; with aggregation each
    // call carries one aggregated record per shard.
    let cases: &[(u32, &[&str], bool, u64, u64)] = &[
        (1, &["a"], true, 3, 3),
        (4, &["a", "b", "c", "d", "e", "f", "g", "h"], true, 12, 3),
        (2, &["a", "b", "c"], false, 1000, 3),
    ];
    for &(shards, keys, aggregation_enabled, n_kinesis_records, n_calls) in cases {
        let mut sim = sim_with_stream(shards);
        let config = KplConfig { aggregation_enabled, ..KplConfig::default() };
        let mut producer = KplProducer::new(config, 1);
        // 1,000 user records over 250 ms.
        let added = add_spread(&mut sim, &mut producer, 1000, keys, 4);
        drive_to_idle(&mut sim, &mut producer);

        let counters = producer.counters();
        assert_eq!(counters.n_user_records_put, 1000);
        assert_eq!(counters.n_user_records_succeeded, 1000, "shards={shards}");
        assert_eq!(
            (counters.n_kinesis_records_sent, counters.n_put_records_calls),
            (n_kinesis_records, n_calls),
            "shards={shards} {counters:?}"
        );
        assert_eq!((producer.n_buffered(), producer.n_in_flight()), (0, 0));

        let mut expected: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
        for (id, key, data) in &added {
            let result = succeeded(&producer, *id);
            let shard = sim.stream(STREAM).unwrap().shard_for(HashKey::from_partition_key(key)).unwrap().id;
            assert_eq!(result.shard_id, shard, "key={key}");
            expected.entry(key.clone()).or_default().push(data.clone());
        }
        // Each key's records come back exactly, in the order they were added.
        assert_eq!(read_back(&sim), expected, "shards={shards}");
    }
}

#[test]
fn records_wait_for_record_max_buffered_time_unless_flushed() {
    let mut sim = sim_with_stream(1);
    let mut producer = KplProducer::new(KplConfig::default(), 1);
    let t0 = sim.now();
    assert_eq!(producer.next_deadline(), None);
    producer.add_user_record(t0, STREAM, "k", b"1".to_vec(), None).unwrap();
    sim.advance(Duration::from_millis(40));
    producer.add_user_record(sim.now(), STREAM, "k", b"2".to_vec(), None).unwrap();
    // The oldest record sets the deadline.
    assert_eq!(producer.next_deadline(), Some(t0 + Duration::from_millis(100)));
    sim.advance(Duration::from_millis(59));
    producer.poll(&mut sim);
    assert_eq!((producer.counters().n_put_records_calls, producer.n_buffered()), (0, 2), "nothing before 100 ms");
    sim.advance(Duration::from_millis(1));
    producer.poll(&mut sim);
    assert_eq!((producer.counters().n_put_records_calls, producer.n_buffered()), (1, 0));
    assert_eq!(producer.counters().n_user_records_succeeded, 2);

    // flush() makes a fresh record due at once.
    let id = producer.add_user_record(sim.now(), STREAM, "k", b"3".to_vec(), None).unwrap();
    assert_eq!(producer.next_deadline(), Some(sim.now() + Duration::from_millis(100)));
    producer.flush();
    assert_eq!(producer.next_deadline(), Some(sim.now()));
    producer.poll(&mut sim);
    assert_eq!(succeeded(&producer, id).attempts, 1);
    assert_eq!(producer.next_deadline(), None);
}

#[test]
fn a_buffer_that_fills_a_put_records_call_is_sent_early() {
    let mut sim = sim_with_stream(1);
    let config = KplConfig { aggregation_enabled: false, ..KplConfig::default() };
    let mut producer = KplProducer::new(config, 1);
    for i in 0..500 {
        assert!(producer.next_deadline().is_none_or(|due| due > sim.now()), "i={i}");
        producer.add_user_record(sim.now(), STREAM, "k", vec![0; 10], None).unwrap();
    }
    assert_eq!(producer.next_deadline(), Some(sim.now()), "500 records fill a call");
    producer.poll(&mut sim);
    assert_eq!(producer.counters().n_put_records_calls, 1);
}

#[test]
fn sub_sequence_numbers_match_the_kcl_numbering() {
    let mut sim = sim_with_stream(1);
    let mut producer = KplProducer::new(KplConfig::default(), 1);
    let ids: Vec<_> =
        (0..3).map(|i| producer.add_user_record(sim.now(), STREAM, "k", vec![i], None).unwrap()).collect();
    producer.flush();
    producer.poll(&mut sim);
    let record = sim.shard_records(STREAM, succeeded(&producer, ids[0]).shard_id).unwrap().next().unwrap();
    assert_eq!(record.partition_key(), kpl::AGGREGATED_PARTITION_KEY);
    for (id, client) in ids.iter().zip(kpl::deaggregate_record(&record)) {
        let result = succeeded(&producer, *id);
        assert_eq!(
            (result.sequence_number, result.sub_sequence_number),
            (client.sequence_number, client.sub_sequence_number)
        );
    }
}

/// Sends `n` unaggregated records for one hot key at once, then drives to idle.
fn hot_key(seed: u64, n: usize, record_ttl: Duration) -> (Simulation, KplProducer, Vec<UserRecordId>, Vec<Instant>) {
    let mut sim = sim_with_stream(1);
    let config = KplConfig { aggregation_enabled: false, record_ttl, ..KplConfig::default() };
    let mut producer = KplProducer::new(config, seed);
    let ids =
        (0..n).map(|i| producer.add_user_record(sim.now(), STREAM, "hot", vec![i as u8; 8], None).unwrap()).collect();
    let polls = drive_to_idle(&mut sim, &mut producer);
    (sim, producer, ids, polls)
}

#[test]
fn throttled_entries_are_retried_with_backoff_until_they_succeed() {
    // 3,000 records for one shard: the client lets 1,500 a second through
    // (RateLimit 150 %) and the shard takes 1,000, so entries are throttled.
    let (sim, producer, ids, polls) = hot_key(7, 3000, Duration::from_secs(30));
    let counters = producer.counters();
    assert_eq!(counters.n_user_records_succeeded, 3000, "{counters:?}");
    assert!(counters.n_retries > 0, "{counters:?}");
    assert!(counters.n_kinesis_records_sent > 3000, "throttled attempts are sent again: {counters:?}");
    let max_attempts = ids.iter().map(|id| succeeded(&producer, *id).attempts).max().unwrap();
    assert!(max_attempts > 1, "max_attempts={max_attempts}");
    // The shard's 1,000 records a second, after a one-second burst: about 2 s.
    let took = polls.last().unwrap().saturating_since(polls[0]);
    assert!(Duration::from_secs(1) < took && took < Duration::from_secs(5), "took={took:?}");
    assert_eq!(sim.stream(STREAM).unwrap().shards[0].n_records, 3000);
}

#[test]
fn the_rate_limiter_drains_every_25_ms_as_the_kpl_does() {
    // 1,000 records of one key, aggregation off, RateLimit 50 %: the client
    // lets 500 a second through, so the shard never throttles, and what the
    // limiter holds back goes out at its 25 ms drains, not the moment a token
    // comes back: one PutRecords call per drain.
    let mut sim = sim_with_stream(1);
    let config = KplConfig { aggregation_enabled: false, rate_limit: 50, ..KplConfig::default() };
    let mut producer = KplProducer::new(config, 7);
    for i in 0..1000u32 {
        producer.add_user_record(sim.now(), STREAM, "hot", i.to_be_bytes().to_vec(), None).unwrap();
    }
    let polls = drive_to_idle(&mut sim, &mut producer);
    let counters = producer.counters();
    assert_eq!((counters.n_user_records_succeeded, counters.n_retries), (1000, 0), "{counters:?}");
    let took_ms = polls.last().unwrap().saturating_since(polls[0]).as_millis();
    assert!(took_ms >= 1000, "500 records a second after a first burst: {took_ms} ms");
    // The first call at the buffer deadline, then at most one per drain.
    let calls = counters.n_put_records_calls;
    assert!(calls <= 1 + took_ms.div_ceil(25), "{calls} calls in {took_ms} ms");
    assert!(polls.iter().skip(1).all(|at| at.epoch_millis() % 25 == 0), "every later poll is a drain");
}

#[test]
fn jitter_is_deterministic_for_a_seed() {
    let schedule = |seed| {
        let (_, producer, ids, polls) = hot_key(seed, 1600, Duration::from_secs(30));
        let attempts: Vec<u32> = ids.iter().map(|id| succeeded(&producer, *id).attempts).collect();
        (polls, attempts)
    };
    assert_eq!(schedule(1), schedule(1), "same seed, same schedule");
    assert_ne!(schedule(1).0, schedule(2).0, "another seed, another schedule");
}

#[test]
fn records_not_written_within_record_ttl_fail_as_expired() {
    // (stream exists, records, TTL, last attempt's error code)
    let cases = [
        (true, 3000, Duration::from_millis(500), "ProvisionedThroughputExceededException"),
        (false, 10, Duration::from_secs(2), "ResourceNotFoundException"),
    ];
    for (exists, n, record_ttl, last_error) in cases {
        let mut sim = if exists { sim_with_stream(1) } else { Simulation::new() };
        let config = KplConfig { aggregation_enabled: false, record_ttl, ..KplConfig::default() };
        let mut producer = KplProducer::new(config, 3);
        let t0 = sim.now();
        let ids: Vec<_> =
            (0..n).map(|i| producer.add_user_record(t0, STREAM, "hot", vec![i as u8], None).unwrap()).collect();
        let polls = drive_to_idle(&mut sim, &mut producer);
        assert_eq!(*polls.last().unwrap(), t0 + record_ttl, "the last records fail when their TTL passes");
        let counters = producer.counters();
        assert!(counters.n_user_records_expired > 0, "{counters:?}");
        assert_eq!(counters.n_user_records_expired + counters.n_user_records_succeeded, n as u64);
        let failure = ids
            .iter()
            .find_map(|id| match producer.outcome(*id) {
                Some(UserRecordOutcome::Failed(failure)) => Some(failure.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(failure.error_code, kpl::EXPIRED);
        assert_eq!(failure.last_attempt_error_code.as_deref(), Some(last_error));
        assert!(failure.attempts >= 1, "{failure:?}");
    }
}

#[test]
fn zlib_compression_saves_bytes_and_consumers_inflate() {
    let mut sim = sim_with_stream(1);
    let config = KplConfig { compression: Compression::Zlib { level: 6 }, ..KplConfig::default() };
    let mut producer = KplProducer::new(config, 1);
    let data = br#"{"event":"click","page":"/home","user":"u-1"}"#.repeat(20);
    producer.add_user_record(sim.now(), STREAM, "k", data.clone(), None).unwrap();
    producer.flush();
    producer.poll(&mut sim);
    let counters = producer.counters();
    assert_eq!(counters.n_bytes_before_compression, data.len() as u64);
    assert!(counters.n_bytes_after_compression * 5 < counters.n_bytes_before_compression, "{counters:?}");
    let stored = read_back(&sim).remove("k").unwrap();
    assert_eq!(miniz_oxide::inflate::decompress_to_vec_zlib(&stored[0]).unwrap(), data);
}

#[test]
fn invalid_user_records_are_refused_at_once() {
    let mut producer = KplProducer::new(KplConfig::default(), 1);
    let t = Instant::SIMULATION_START;
    let cases: [(&str, usize, Option<&str>, &str); 4] = [
        ("", 1, None, "partition key must be 1 to 256 characters long, but was 0 characters"),
        ("k", 1024 * 1024 + 1, None, "data must be at most 1048576 bytes, but was 1048577 bytes"),
        ("k", 1, Some("007"), "explicit hash key must be a decimal number from 0 to 2^128-1"),
        (
            "k",
            1,
            Some("340282366920938463463374607431768211456"),
            "explicit hash key must be a decimal number from 0 to 2^128-1",
        ),
    ];
    for (key, len, ehk, message) in cases {
        let err = producer.add_user_record(t, STREAM, key, vec![0; len], ehk).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    assert_eq!((producer.counters().n_user_records_put, producer.next_deadline()), (0, None));
}

#[test]
fn producer_state_round_trips_through_json() {
    let mut sim = sim_with_stream(1);
    let mut producer = KplProducer::new(KplConfig::default(), 9);
    producer.add_user_record(sim.now(), STREAM, "k", b"x".to_vec(), Some("1")).unwrap();
    let json = serde_json::to_string(&producer).unwrap();
    let mut restored: KplProducer = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&restored).unwrap(), json);
    drive_to_idle(&mut sim, &mut restored);
    assert_eq!(restored.counters().n_user_records_succeeded, 1);
}

/// The KPL has no `Compression` setting: the README's API table, where a
/// learner looks up `Shardlab.KplCreateProducer`, must say so beside it.
#[test]
fn the_readme_calls_compression_simulation_only() {
    let readme = include_str!("../../README.md");
    let row = readme
        .lines()
        .find(|l| l.starts_with("| `Shardlab.KplCreateProducer`"))
        .expect("the README documents Shardlab.KplCreateProducer");
    let compression = &row[row.find("`Compression`").expect("the row lists Compression")..];
    assert!(compression.contains("simulation-only") && compression.contains("not a KPL setting"), "{compression}");
}
