//! The KCL model: lease balancing, failover, resharding, zombies, retrieval
//! latency and the idempotency store, driven through the public API.

use std::collections::{BTreeMap, BTreeSet};

use shardlab_core::kcl::{
    Checkpoint, CheckpointPolicy, DedupKey, DedupOutcome, IdempotencyStore, KclApp, KclConfig, KclEvent,
    ProcessedRecord, ShutdownReason,
};
use shardlab_core::kpl::{self, UserRecord};
use shardlab_core::{CreateStreamInput, Duration, PutRecordInput, ShardId, Simulation, limits};

/// A simulation with one `ACTIVE` stream named `s` of `shard_count` shards.
fn sim_with_stream(shard_count: u32) -> Simulation {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("s", shard_count)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    sim
}

/// Moves the clock forward by `by`, ticking every application whenever it is due.
fn drive(sim: &mut Simulation, apps: &mut [&mut KclApp], by: Duration) {
    let until = sim.now() + by;
    loop {
        for app in apps.iter_mut() {
            app.tick(sim);
        }
        let next = apps.iter().filter_map(|a| a.next_deadline()).min().map_or(until, |at| at.min(until));
        assert!(next > sim.now() || next == until, "an application is due in the past: {next} at {}", sim.now());
        if sim.now() >= until {
            return;
        }
        sim.advance(next.saturating_since(sim.now()));
    }
}

fn put(sim: &mut Simulation, key: &str, data: &[u8]) {
    sim.put_record(PutRecordInput::new("s", key, data.to_vec())).unwrap();
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// Runs workers joining at the given seconds against `n_shards` shards and
/// checks the leases each ends up holding, most first.
#[track_caller]
fn check_balance(n_shards: u32, joins_at_secs: &[u64], expected: &[usize]) {
    let mut sim = sim_with_stream(n_shards);
    let mut app = KclApp::new(&mut sim, KclConfig::polling("app", "s")).unwrap();
    let start = sim.now();
    for &at in joins_at_secs {
        let wait = (start + secs(at)).saturating_since(sim.now());
        drive(&mut sim, &mut [&mut app], wait);
        app.add_worker(sim.now());
    }
    // Long enough for several taker rounds (every 2 × failover time).
    drive(&mut sim, &mut [&mut app], secs(90));
    let mut counts: Vec<usize> = app.lease_counts().into_values().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(counts, expected, "shards={n_shards} joins={joins_at_secs:?}");
}

#[test]
fn leases_balance_across_workers() {
    check_balance(4, &[0, 0], &[2, 2]);
    // The third worker steals one lease, and then needs no more than its
    // fair share of ceil(4 / 3) = 2 less the one it has.
    check_balance(4, &[0, 0, 45], &[2, 1, 1]);
    check_balance(3, &[0, 0, 0, 0], &[1, 1, 1, 0]);
    check_balance(1, &[0, 5], &[1, 0]);
}

#[test]
fn the_first_worker_takes_everything_then_loses_one_lease_per_steal() {
    let mut sim = sim_with_stream(4);
    let mut app = KclApp::new(&mut sim, KclConfig::polling("app", "s")).unwrap();
    let a = app.add_worker(sim.now());
    let b = app.add_worker(sim.now());
    drive(&mut sim, &mut [&mut app], millis(1));
    let steals = |app: &KclApp| {
        app.events()
            .iter()
            .filter(|e| matches!(e, KclEvent::LeaseTaken { worker, from: Some(f), .. } if *worker == b && *f == a))
            .count()
    };
    assert_eq!(app.lease_counts()[&b], 1);
    assert_eq!(steals(&app), 1);
    drive(&mut sim, &mut [&mut app], secs(25));
    assert_eq!(steals(&app), 2);
    // Each take bumps the counter and counts an owner switch.
    let stolen = app.leases().into_iter().filter(|l| l.lease_owner == Some(b)).collect::<Vec<_>>();
    assert!(stolen.iter().all(|l| l.owner_switches_since_checkpoint >= 1), "{stolen:?}");
    // A's processors of those shards learned of it at a renewal and shut down as zombies.
    let zombies = app
        .events()
        .iter()
        .filter(|e| matches!(e, KclEvent::Shutdown { worker, reason: ShutdownReason::Zombie, .. } if *worker == a))
        .count();
    assert_eq!(zombies, 2);
}

/// `n_keys` keys, each with `n_blobs` KPL-aggregated records of 4 user
/// records; each payload is JSON with a unique `id` and a per-key `n`.
fn write_orders(sim: &mut Simulation, n_keys: u32, n_blobs: u32) -> u32 {
    let mut id = 0;
    for blob in 0..n_blobs {
        for key in 0..n_keys {
            let key_name = format!("customer-{key}");
            let records: Vec<UserRecord> = (0..4)
                .map(|i| {
                    id += 1;
                    let n = blob * 4 + i;
                    UserRecord::new(key_name.clone(), format!(r#"{{"id":{id},"key":"{key_name}","n":{n}}}"#))
                })
                .collect();
            put(sim, &key_name, &kpl::aggregate(&records).unwrap());
        }
    }
    id
}

/// What survives the store, in processing order.
fn deduplicated<'a>(store: &mut IdempotencyStore, output: &'a [ProcessedRecord]) -> Vec<&'a ProcessedRecord> {
    output.iter().filter(|r| store.offer(r) == DedupOutcome::Processed).collect()
}

fn json_field(record: &ProcessedRecord, field: &str) -> serde_json::Value {
    serde_json::from_slice::<serde_json::Value>(&record.data).unwrap()[field].clone()
}

#[test]
fn a_crash_redelivers_from_the_last_checkpoint_and_the_store_makes_it_exactly_once() {
    let mut sim = sim_with_stream(2);
    let config = KclConfig {
        time_per_record: millis(20),
        checkpoint_policy: CheckpointPolicy::EveryNRecords(10),
        ..KclConfig::polling("orders", "s")
    };
    let mut app = KclApp::new(&mut sim, config).unwrap();
    let n_written = write_orders(&mut sim, 10, 5);
    let a = app.add_worker(sim.now());
    // About 52 user records per shard at 20 ms each: past a checkpoint at 50,
    // in the middle of a batch.
    drive(&mut sim, &mut [&mut app], millis(1_050));
    let checkpoints_before: Vec<Checkpoint> = app.leases().iter().map(|l| l.checkpoint).collect();
    assert!(checkpoints_before.iter().all(|c| matches!(c, Checkpoint::At { .. })), "{checkpoints_before:?}");
    app.kill_worker(a);
    let b = app.add_worker(sim.now());
    drive(&mut sim, &mut [&mut app], secs(60));

    assert!(app.leases().iter().all(|l| l.lease_owner == Some(b)));
    let output = app.output();
    let seen: BTreeSet<String> =
        output.iter().map(|r| format!("{}/{}", r.sequence_number, r.sub_sequence_number)).collect();
    assert_eq!(seen.len() as u32, n_written, "every user record processed at least once");
    let redelivered: Vec<&ProcessedRecord> = output.iter().filter(|r| r.delivery_count > 1).collect();
    assert!(!redelivered.is_empty(), "records A processed after its last checkpoint are redelivered");
    assert!(redelivered.iter().all(|r| r.worker == b));
    assert_eq!(app.counters().n_redelivered, redelivered.len() as u64);
    // B resumes inside an aggregated record: the checkpoint after 10 user
    // records of 4 falls at sub-sequence number 1.
    for (shard_idx, checkpoint) in checkpoints_before.iter().enumerate() {
        let Checkpoint::At { sequence_number, sub_sequence_number } = *checkpoint else { unreachable!() };
        let first_of_b = output.iter().find(|r| r.worker == b && r.shard == ShardId::new(shard_idx as u32)).unwrap();
        assert_eq!(
            (first_of_b.sequence_number, first_of_b.sub_sequence_number),
            (sequence_number, sub_sequence_number + 1)
        );
    }

    for key in [DedupKey::SequenceNumber, DedupKey::JsonField("id".into())] {
        let mut store = IdempotencyStore::new(key.clone());
        let once = deduplicated(&mut store, output);
        let counters = store.counters();
        assert_eq!(
            (counters.n_processed, counters.n_duplicate, counters.n_skipped),
            (u64::from(n_written), redelivered.len() as u64, 0),
            "{key:?}"
        );
        // Exactly once, and in order within each key.
        let mut per_key: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for record in once {
            per_key.entry(record.partition_key.clone()).or_default().push(json_field(record, "n").as_u64().unwrap());
        }
        assert_eq!(per_key.len(), 10);
        assert!(per_key.values().all(|ns| *ns == (0..20).collect::<Vec<u64>>()), "{key:?}: {per_key:?}");
    }
}

#[test]
fn children_start_only_after_the_parent_reaches_shard_end() {
    let mut sim = sim_with_stream(1);
    // Slow enough that the parent is still being processed when the periodic
    // shard sync (every 60 s) creates the children's leases.
    let config = KclConfig { time_per_record: millis(500), ..KclConfig::polling("app", "s") };
    let mut app = KclApp::new(&mut sim, config).unwrap();
    let worker = app.add_worker(sim.now());
    for i in 0..150 {
        put(&mut sim, &format!("k{}", i % 7), format!("before-{i}").as_bytes());
    }
    drive(&mut sim, &mut [&mut app], secs(5));
    sim.split_shard("s", ShardId::new(0), &(1u128 << 127).to_string()).unwrap();
    drive(&mut sim, &mut [&mut app], limits::RESHARD_DELAY);
    for i in 0..40 {
        put(&mut sim, &format!("k{}", i % 7), format!("after-{i}").as_bytes());
    }
    drive(&mut sim, &mut [&mut app], secs(60));
    let waiting: Vec<ShardId> =
        app.workers()[0].processors.iter().filter(|p| p.waiting_on_parents).map(|p| p.shard).collect();
    assert_eq!(waiting, [ShardId::new(1), ShardId::new(2)]);
    assert!(app.output().iter().all(|r| r.shard == ShardId::new(0)));

    drive(&mut sim, &mut [&mut app], secs(60));
    let at = |wanted: fn(&KclEvent) -> bool| app.events().iter().position(wanted).unwrap();
    let parent_end =
        at(|e| matches!(e, KclEvent::Shutdown { shard, reason: ShutdownReason::Terminate, .. } if shard.index() == 0));
    let child_starts = [
        at(|e| matches!(e, KclEvent::Initialized { shard, .. } if shard.index() == 1)),
        at(|e| matches!(e, KclEvent::Initialized { shard, .. } if shard.index() == 2)),
    ];
    assert!(child_starts.iter().all(|&c| parent_end < c), "{:?}", app.events());
    assert_eq!(app.leases()[0].checkpoint, Checkpoint::ShardEnd);
    assert_eq!(app.leases()[0].lease_owner, None);
    let data: BTreeSet<Vec<u8>> = app.output().iter().map(|r| r.data.clone()).collect();
    assert_eq!(data.len(), 190, "nothing lost");
    assert_eq!(app.output().len(), 190, "nothing repeated without a failure");
    assert!(app.output().iter().all(|r| r.worker == worker));
}

#[test]
fn a_worker_paused_past_expiry_resumes_as_a_zombie_and_its_checkpoint_is_refused() {
    let mut sim = sim_with_stream(1);
    let config = KclConfig {
        time_per_record: millis(100),
        checkpoint_policy: CheckpointPolicy::EveryNRecords(10),
        ..KclConfig::polling("app", "s")
    };
    let mut app = KclApp::new(&mut sim, config).unwrap();
    for i in 0..30 {
        put(&mut sim, "k", format!("r{i}").as_bytes());
    }
    let a = app.add_worker(sim.now());
    drive(&mut sim, &mut [&mut app], millis(550));
    app.pause_worker(sim.now(), a, secs(25));
    let b = app.add_worker(sim.now());
    drive(&mut sim, &mut [&mut app], secs(40));

    let lease = &app.leases()[0];
    assert_eq!(lease.lease_owner, Some(b));
    let events = app.events();
    let refused = events
        .iter()
        .position(|e| matches!(e, KclEvent::CheckpointRefused { worker, .. } if *worker == a))
        .expect("the zombie tried to checkpoint");
    let zombie = events
        .iter()
        .position(|e| matches!(e, KclEvent::Shutdown { worker, reason: ShutdownReason::Zombie, .. } if *worker == a))
        .expect("the zombie shut down");
    assert!(refused < zombie);
    assert_eq!(app.counters().n_checkpoints_refused, 1);
    // B's checkpoint stands: the last record.
    let last = app.output().iter().rfind(|r| r.worker == b).unwrap();
    assert_eq!(lease.checkpoint, Checkpoint::At { sequence_number: last.sequence_number, sub_sequence_number: 0 });
    // The zombie's work after the pause shows up as duplicates.
    assert!(app.output().iter().any(|r| r.worker == a && r.delivery_count > 1));
}

/// Average arrival-to-processing latency over `n_apps` applications reading
/// one shard, with one record written every 100 ms.
fn average_latency(make: fn(String) -> KclConfig, n_apps: usize) -> u64 {
    let mut sim = sim_with_stream(1);
    let mut apps: Vec<KclApp> = (0..n_apps).map(|i| KclApp::new(&mut sim, make(format!("app-{i}"))).unwrap()).collect();
    for app in &mut apps {
        app.add_worker(sim.now());
    }
    let mut refs: Vec<&mut KclApp> = apps.iter_mut().collect();
    // Past consumer registration, so fan-out subscriptions are open.
    drive(&mut sim, &mut refs, secs(10));
    for i in 0..200 {
        put(&mut sim, &format!("k{i}"), b"x");
        drive(&mut sim, &mut refs, millis(100));
    }
    drive(&mut sim, &mut refs, secs(5));
    let latencies: Vec<u64> =
        apps.iter().flat_map(|a| a.output()).map(|r| r.processed_at.saturating_since(r.arrival).as_millis()).collect();
    assert_eq!(latencies.len(), 200 * n_apps);
    latencies.iter().sum::<u64>() / latencies.len() as u64
}

#[test]
fn fan_out_delivers_sooner_than_polling() {
    let polling = average_latency(|name| KclConfig::polling(name, "s"), 3);
    let fan_out = average_latency(|name| KclConfig::fan_out(name, "s"), 3);
    // Polling waits half the idle time between reads on average; fan-out
    // half the delivery interval.
    assert!(fan_out < 100 && 300 < polling, "fan-out {fan_out} ms, polling {polling} ms");
    assert!(fan_out < polling);
}

#[test]
fn the_store_counts_processed_duplicates_and_skipped() {
    let mut sim = sim_with_stream(1);
    let mut app = KclApp::new(&mut sim, KclConfig::polling("app", "s")).unwrap();
    app.add_worker(sim.now());
    let mut corrupt = kpl::aggregate(&[UserRecord::new("k", b"{\"id\":9}".to_vec())]).unwrap();
    *corrupt.last_mut().unwrap() ^= 1;
    let payloads: [&[u8]; 5] = [br#"{"id":1}"#, br#"{"id":1}"#, br#"{"id":2}"#, b"not json", br#"{"other":3}"#];
    for payload in payloads {
        put(&mut sim, "k", payload);
    }
    put(&mut sim, "k", &corrupt);
    drive(&mut sim, &mut [&mut app], secs(3));
    let output = app.output();
    // A blob whose MD5 does not match is one ordinary record.
    assert_eq!(output.len(), 6);
    assert_eq!(output[5].data, corrupt);

    let mut by_id = IdempotencyStore::new(DedupKey::JsonField("id".into()));
    let outcomes: Vec<DedupOutcome> = output.iter().map(|r| by_id.offer(r)).collect();
    use DedupOutcome::*;
    assert_eq!(outcomes, [Processed, Duplicate, Processed, Skipped, Skipped, Skipped]);
    let mut by_sequence = IdempotencyStore::new(DedupKey::SequenceNumber);
    assert!(output.iter().all(|r| by_sequence.offer(r) == Processed));
    assert_eq!(by_sequence.offer(&output[0]), Duplicate);
    assert_eq!(by_sequence.n_items(), 6);
}

#[test]
fn a_stopped_worker_hands_over_at_once_from_its_checkpoint() {
    let mut sim = sim_with_stream(1);
    let config = KclConfig { time_per_record: millis(100), ..KclConfig::polling("app", "s") };
    let mut app = KclApp::new(&mut sim, config).unwrap();
    for i in 0..20 {
        put(&mut sim, "k", format!("r{i}").as_bytes());
    }
    let a = app.add_worker(sim.now());
    drive(&mut sim, &mut [&mut app], millis(550));
    app.stop_worker(sim.now(), a);
    assert!(matches!(
        app.events().last(),
        Some(KclEvent::Shutdown { reason: ShutdownReason::Requested, worker, .. }) if *worker == a
    ));
    assert_eq!(app.leases()[0].lease_owner, None);
    let b = app.add_worker(sim.now());
    drive(&mut sim, &mut [&mut app], secs(5));
    assert_eq!(app.leases()[0].lease_owner, Some(b));
    // Graceful: the checkpoint covered everything A processed, so nothing is redelivered.
    assert_eq!(app.output().len(), 20);
    assert_eq!(app.counters().n_redelivered, 0);
}

#[test]
fn the_same_calls_give_the_same_application_state() {
    let run = || {
        let mut sim = sim_with_stream(3);
        let config = KclConfig { time_per_record: millis(30), ..KclConfig::polling("app", "s") };
        let mut app = KclApp::new(&mut sim, config).unwrap();
        write_orders(&mut sim, 6, 3);
        let a = app.add_worker(sim.now());
        app.add_worker(sim.now());
        drive(&mut sim, &mut [&mut app], millis(700));
        app.kill_worker(a);
        drive(&mut sim, &mut [&mut app], secs(45));
        serde_json::to_string(&app).unwrap()
    };
    let snapshot = run();
    assert_eq!(snapshot, run());
    let restored: KclApp = serde_json::from_str(&snapshot).unwrap();
    assert_eq!(serde_json::to_string(&restored).unwrap(), snapshot);
}

/// Drives one application until the clock reads `at`.
fn drive_until(sim: &mut Simulation, app: &mut KclApp, at: shardlab_core::Instant) {
    let by = at.saturating_since(sim.now());
    drive(sim, &mut [app], by);
}

/// The owner of `shard`'s lease.
fn owner(app: &KclApp, shard: u32) -> Option<shardlab_core::kcl::WorkerId> {
    app.leases().iter().find(|l| l.lease_key == ShardId::new(shard)).and_then(|l| l.lease_owner)
}

#[test]
fn a_dead_workers_lease_is_taken_at_the_second_taker_scan_after_its_last_renewal() {
    // Two workers, one lease each. worker-0 dies at 25 s, having last renewed
    // at 23.3 s; worker-1's taker scans at 0, 20, 40, 60 s. At 40 s it sees
    // the counter changed since its scan at 20 s, so it cannot tell the lease
    // is dead until it has seen the counter unchanged for over 10 s: at 60 s.
    // (Judged by the real renewal time, it would expire at 33.3 s and be
    // taken at 40 s.)
    let mut sim = sim_with_stream(2);
    let mut app = KclApp::new(&mut sim, KclConfig::polling("app", "s")).unwrap();
    let start = sim.now();
    let a = app.add_worker(sim.now());
    let b = app.add_worker(sim.now());
    drive(&mut sim, &mut [&mut app], secs(25));
    assert_eq!(app.lease_counts().into_values().collect::<Vec<_>>(), [1, 1]);
    let shard_of_a = (0..2).find(|&s| owner(&app, s) == Some(a)).unwrap();
    app.kill_worker(a);
    drive_until(&mut sim, &mut app, start + secs(59));
    assert_eq!(owner(&app, shard_of_a), Some(a), "not taken at the scan at 40 s");
    drive(&mut sim, &mut [&mut app], secs(1));
    assert_eq!(owner(&app, shard_of_a), Some(b), "taken at the scan at 60 s");
    let taken = app.events().iter().find_map(|e| match e {
        KclEvent::LeaseTaken { at, shard, from: Some(from), .. }
            if *shard == ShardId::new(shard_of_a) && *from == a =>
        {
            Some(*at)
        }
        _ => None,
    });
    assert_eq!(taken, Some(start + secs(60)));
}

#[test]
fn a_new_workers_first_scan_treats_a_dead_workers_leases_as_just_renewed() {
    // worker-0 holds both leases and dies at 25 s. worker-1 starts at 50 s,
    // long after the leases stopped being renewed, but its first scan cannot
    // know that: it sees two owned leases, so it only steals one to reach
    // its share, and takes the other once it has seen it unchanged for 10 s,
    // at its next scan at 70 s.
    let mut sim = sim_with_stream(2);
    let mut app = KclApp::new(&mut sim, KclConfig::polling("app", "s")).unwrap();
    let start = sim.now();
    let a = app.add_worker(sim.now());
    drive(&mut sim, &mut [&mut app], secs(25));
    app.kill_worker(a);
    drive_until(&mut sim, &mut app, start + secs(50));
    let b = app.add_worker(sim.now());
    drive(&mut sim, &mut [&mut app], millis(1));
    assert_eq!(app.lease_counts()[&b], 1, "one lease stolen at the first scan, not both taken");
    let left = (0..2).find(|&s| owner(&app, s) == Some(a)).expect("one lease still the dead worker's");
    assert_eq!(app.unchanged_since(ShardId::new(left)), Some(start + secs(50)));
    drive_until(&mut sim, &mut app, start + secs(69));
    assert_eq!(owner(&app, left), Some(a));
    drive(&mut sim, &mut [&mut app], secs(1));
    assert_eq!(app.lease_counts()[&b], 2, "the other taken at the next scan");
}
