use shardlab_core::{
    CreateStreamInput, Duration, GetShardIteratorInput, POLL_INTERVAL, PutRecordInput, ShardId, Simulation,
    StartingPosition, limits,
};

use crate::{iterator, put, sim_with_stream};

#[test]
fn trim_horizon_reads_every_record_in_order() {
    let mut sim = sim_with_stream(1);
    for i in 0..5 {
        put(&mut sim, "k", format!("r{i}").as_bytes()).unwrap();
        sim.advance(Duration::from_millis(10));
    }
    let it = iterator(&sim, 0, StartingPosition::TrimHorizon);
    let page = sim.get_records(&it, Some(3)).unwrap();
    let data: Vec<&[u8]> = page.records.iter().map(|r| r.data()).collect();
    assert_eq!(data, [b"r0", b"r1", b"r2"]);
    // Records arrived 10 ms apart and the clock is 10 ms past the last: the
    // oldest unread one, r3, arrived 20 ms ago.
    assert_eq!(page.millis_behind_latest, 20);
    let rest = sim.get_records(page.next_shard_iterator.as_ref().unwrap(), None).unwrap();
    let data: Vec<&[u8]> = rest.records.iter().map(|r| r.data()).collect();
    assert_eq!(data, [b"r3", b"r4"]);
    assert_eq!(rest.millis_behind_latest, 0);
    let empty = sim.get_records(rest.next_shard_iterator.as_ref().unwrap(), None).unwrap();
    assert!(empty.records.is_empty());
    assert!(empty.next_shard_iterator.is_some(), "an open shard always has a next iterator");
}

/// A polling consumer counts every record it receives but keeps only the
/// newest hundred, so that it does not hold a second copy of the stream.
#[test]
fn a_consumer_counts_every_record_and_keeps_the_newest() {
    let mut sim = sim_with_stream(1);
    let consumer = sim.start_polling_consumer("s", StartingPosition::TrimHorizon).unwrap();
    for i in 0..250 {
        put(&mut sim, "k", format!("r{i}").as_bytes()).unwrap();
    }
    sim.advance(POLL_INTERVAL);
    let view = sim.consumers().into_iter().find(|c| c.id == consumer).unwrap();
    let cursor = &view.shards[0];
    assert_eq!(cursor.records_read(), 250);
    let kept: Vec<String> = cursor.records.iter().map(|r| String::from_utf8(r.data().to_vec()).unwrap()).collect();
    let newest: Vec<String> = (150..250).map(|i| format!("r{i}")).collect();
    assert_eq!(kept, newest);
}

/// The data of the records an iterator at `position` reads from shard 0.
fn read_from(sim: &mut Simulation, position: StartingPosition) -> Vec<String> {
    let it = iterator(sim, 0, position);
    let page = sim.get_records(&it, None).unwrap();
    page.records.iter().map(|r| String::from_utf8(r.data().to_vec()).unwrap()).collect()
}

#[test]
fn each_iterator_type_starts_where_aws_says() {
    let mut sim = sim_with_stream(1);
    let mut seqs = Vec::new();
    for i in 0..4 {
        seqs.push(put(&mut sim, "k", format!("r{i}").as_bytes()).unwrap().sequence_number.to_string());
        sim.advance(Duration::from_secs(1));
    }
    let second_arrival = sim.now() - Duration::from_secs(3);
    let cases: Vec<(StartingPosition, Vec<&str>)> = vec![
        (StartingPosition::TrimHorizon, vec!["r0", "r1", "r2", "r3"]),
        (StartingPosition::Latest, vec![]),
        (StartingPosition::AtSequenceNumber(seqs[1].clone()), vec!["r1", "r2", "r3"]),
        (StartingPosition::AfterSequenceNumber(seqs[1].clone()), vec!["r2", "r3"]),
        (StartingPosition::AtTimestamp(second_arrival), vec!["r1", "r2", "r3"]),
        (StartingPosition::AtTimestamp(second_arrival + Duration::from_millis(1)), vec!["r2", "r3"]),
        // After the newest record's arrival but not after now: nothing yet.
        // (A time after now is refused: `at_timestamp_may_not_be_later_than_now`.)
        (StartingPosition::AtTimestamp(second_arrival + Duration::from_millis(2001)), vec![]),
    ];
    for (position, expected) in cases {
        sim.advance(Duration::from_secs(1));
        assert_eq!(read_from(&mut sim, position.clone()), expected, "{position:?}");
    }
}

#[test]
fn latest_reads_records_written_after_it() {
    let mut sim = sim_with_stream(1);
    put(&mut sim, "k", b"old").unwrap();
    let it = iterator(&sim, 0, StartingPosition::Latest);
    put(&mut sim, "k", b"new").unwrap();
    let page = sim.get_records(&it, None).unwrap();
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].data(), b"new");
}

#[track_caller]
fn check_iterator_error(shard: u32, position: StartingPosition, code: &str, message: &str) {
    let sim = sim_with_stream(2);
    let err = sim
        .get_shard_iterator(GetShardIteratorInput { stream_name: "s".into(), shard_id: ShardId::new(shard), position })
        .unwrap_err();
    assert_eq!((err.code(), err.to_string().as_str()), (code, message));
}

#[test]
fn bad_starting_positions_are_refused() {
    let other_shard = format!("49{:012}{:042}", 1, 0);
    check_iterator_error(
        5,
        StartingPosition::TrimHorizon,
        "ResourceNotFoundException",
        "Shard shardId-000000000005 in stream s under account 123456789012 does not exist",
    );
    check_iterator_error(
        0,
        StartingPosition::AtSequenceNumber(other_shard[..56].into()),
        "InvalidArgumentException",
        "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000",
    );
    check_iterator_error(
        0,
        StartingPosition::AfterSequenceNumber("12345".into()),
        "InvalidArgumentException",
        "StartingSequenceNumber 12345 used in GetShardIterator on shard shardId-000000000000 in stream s under account 123456789012 is invalid.",
    );
}

#[test]
fn a_starting_sequence_number_must_come_from_this_stream_and_shard() {
    let mut sim = sim_with_stream(2);
    sim.create_stream(CreateStreamInput::provisioned("t", 2)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    // Hash key 0 is in the first shard, the highest in the last.
    let to_shard = |stream: &str, hash_key: u128| PutRecordInput {
        explicit_hash_key: Some(hash_key.to_string()),
        ..PutRecordInput::new(stream, "k", b"x".to_vec())
    };
    let from_t = sim.put_record(PutRecordInput::new("t", "k", b"x".to_vec())).unwrap().sequence_number.to_string();
    // A stream deleted and created again under its name is another stream.
    let from_old_s = put(&mut sim, "k", b"x").unwrap().sequence_number.to_string();
    sim.delete_stream("s").unwrap();
    sim.advance(limits::STREAM_DELETE_DELAY);
    sim.create_stream(CreateStreamInput::provisioned("s", 2)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    let from_new_s = sim.put_record(to_shard("s", 0)).unwrap().sequence_number.to_string();
    let other_stream = |seq: &str| {
        format!(
            "StartingSequenceNumber {seq} used in GetShardIterator on shard shardId-000000000000 in stream s under account 123456789012 is invalid because it did not come from this stream."
        )
    };
    let from_new_s_shard_1 = sim.put_record(to_shard("s", u128::MAX)).unwrap().sequence_number;
    assert_eq!(from_new_s_shard_1.shard(), ShardId::new(1));
    let cases = [
        (from_t.clone(), Some(other_stream(&from_t))),
        (from_old_s.clone(), Some(other_stream(&from_old_s))),
        (
            from_new_s_shard_1.to_string(),
            Some(
                "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000".into(),
            ),
        ),
        (from_new_s, None),
    ];
    for (seq, refusal) in cases {
        let got = sim
            .get_shard_iterator(GetShardIteratorInput {
                stream_name: "s".into(),
                shard_id: ShardId::new(0),
                position: StartingPosition::AtSequenceNumber(seq.clone()),
            })
            .map_err(|err| (err.code(), err.to_string()));
        match refusal {
            None => assert!(got.is_ok(), "{seq}: {got:?}"),
            Some(message) => assert_eq!(got, Err(("InvalidArgumentException", message)), "{seq}"),
        }
    }
}

/// Stream `orders` of one shard holding three records, and stream `others`.
fn sim_with_orders(seed: u64) -> Simulation {
    let mut sim = Simulation::with_seed(seed);
    for name in ["orders", "others"] {
        sim.create_stream(CreateStreamInput::provisioned(name, 1)).unwrap();
    }
    sim.advance(limits::STREAM_CREATE_DELAY);
    for i in 0..3u8 {
        sim.put_record(PutRecordInput::new("orders", "k", vec![i])).unwrap();
    }
    sim
}

fn orders_iterator(sim: &Simulation, position: StartingPosition) -> String {
    let input = GetShardIteratorInput { stream_name: "orders".into(), shard_id: ShardId::new(0), position };
    sim.get_shard_iterator(input).unwrap()
}

#[test]
fn shard_iterators_cannot_be_forged() {
    let mut sim = sim_with_orders(0);
    let genuine = orders_iterator(&sim, StartingPosition::Latest);
    let bytes = shardlab_core::base64::decode(&genuine).unwrap();
    // A forger's edits: replace the bytes that encode a field with others.
    let edit = |from: &[u8], to: &[u8]| {
        let at = bytes.windows(from.len()).position(|w| w == from).expect("the field is in the iterator");
        let mut forged = bytes.clone();
        forged[at..at + from.len()].copy_from_slice(to);
        shardlab_core::base64::encode(&forged)
    };
    let issued = sim.now().epoch_millis();
    let mut forgeries = vec![
        ("relabelled to another stream", edit(b"orders", b"others")),
        ("re-stamped 31 years ahead", edit(&issued.to_be_bytes(), &(issued + 31 * 365 * 86_400_000).to_be_bytes())),
        ("pointed at another position", edit(&[0, 0, 0, 0, 0, 0, 0, 3], &[0, 0, 0, 0, 0, 0, 0, 1])),
        ("issued by a simulation of another seed", orders_iterator(&sim_with_orders(1), StartingPosition::Latest)),
    ];
    for idx in 0..genuine.len() {
        let mut chars: Vec<char> = genuine.chars().collect();
        chars[idx] = if chars[idx] == 'A' { 'B' } else { 'A' };
        forgeries.push(("one character changed", chars.into_iter().collect()));
    }
    for (how, forged) in forgeries {
        assert_ne!(forged, genuine);
        let err = sim.get_records(&forged, None).unwrap_err();
        assert_eq!(
            (err.code(), err.to_string().as_str()),
            ("InvalidArgumentException", "Invalid ShardIterator."),
            "{how}: {forged}"
        );
        assert!(forged.len() <= 512, "{how}");
    }
    assert!(sim.get_records(&genuine, None).is_ok(), "the genuine one still reads");
}

#[test]
fn an_iterator_of_a_deleted_stream_names_its_shard_as_gone() {
    let mut sim = sim_with_orders(0);
    let it = orders_iterator(&sim, StartingPosition::TrimHorizon);
    sim.delete_stream("orders").unwrap();
    sim.advance(limits::STREAM_DELETE_DELAY);
    let gone = "Shard shardId-000000000000 in stream orders under account 123456789012 does not exist";
    let err = sim.get_records(&it, None).unwrap_err();
    assert_eq!((err.code(), err.to_string().as_str()), ("ResourceNotFoundException", gone));
    // Nor does it read the stream created again under the name.
    sim.create_stream(CreateStreamInput::provisioned("orders", 1)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    let err = sim.get_records(&it, None).unwrap_err();
    assert_eq!((err.code(), err.to_string().as_str()), ("ResourceNotFoundException", gone));
}

#[test]
fn at_timestamp_may_not_be_later_than_now() {
    let mut sim = sim_with_stream(1);
    put(&mut sim, "k", b"x").unwrap();
    let at = |millis: u64| StartingPosition::AtTimestamp(shardlab_core::Instant::from_epoch_millis(millis));
    let now_ms = sim.now().epoch_millis();
    for (millis, refused) in [(now_ms - 1, false), (now_ms, false), (now_ms + 1, true), (now_ms + 86_400_000, true)] {
        let result = sim.get_shard_iterator(GetShardIteratorInput {
            stream_name: "s".into(),
            shard_id: ShardId::new(0),
            position: at(millis),
        });
        match (result, refused) {
            (Ok(_), false) => {}
            (Err(err), true) => assert_eq!(
                (err.code(), err.to_string()),
                (
                    "InvalidArgumentException",
                    format!(
                        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {millis}, currentTimestampInMillis: {now_ms}"
                    )
                )
            ),
            (result, _) => panic!("AT_TIMESTAMP {millis} at {now_ms}: {result:?}"),
        }
    }
}

#[test]
fn get_shard_iterator_on_a_missing_stream_names_the_shard() {
    let sim = Simulation::new();
    let err = sim
        .get_shard_iterator(GetShardIteratorInput {
            stream_name: "nope".into(),
            shard_id: ShardId::new(0),
            position: StartingPosition::Latest,
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "Shard shardId-000000000000 in stream nope under account 123456789012 does not exist");
}

#[test]
fn arrival_timestamps_come_from_the_simulated_clock() {
    let mut sim = sim_with_stream(1);
    sim.advance(Duration::from_secs(85));
    put(&mut sim, "k", b"x").unwrap();
    let it = iterator(&sim, 0, StartingPosition::TrimHorizon);
    let page = sim.get_records(&it, None).unwrap();
    // Created at 00:00:00, active 5 s later, then 85 s more.
    assert_eq!(page.records[0].approximate_arrival().to_string(), "2026-01-01T00:01:30.000Z");
}

#[test]
fn iterators_expire_after_five_minutes() {
    let mut sim = sim_with_stream(1);
    let it = iterator(&sim, 0, StartingPosition::TrimHorizon);
    sim.advance(Duration::from_secs(300));
    assert!(sim.get_records(&it, None).is_ok(), "exactly 300 s old is still valid");
    sim.advance(Duration::from_millis(1000));
    let err = sim.get_records(&it, None).unwrap_err();
    assert_eq!(err.code(), "ExpiredIteratorException");
    assert_eq!(
        err.to_string(),
        "Iterator expired. The iterator was created at time Thu Jan 01 00:00:05 UTC 2026 while right now it is Thu Jan 01 00:05:06 UTC 2026 which is further in the future than the tolerated delay of 300000 milliseconds."
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
    let good = iterator(&sim, 0, StartingPosition::TrimHorizon);
    check_get_records_error("garbage", None, "InvalidArgumentException");
    check_get_records_error(&good, Some(0), "ValidationException");
    check_get_records_error(&good, Some(10_001), "ValidationException");
    let mut other = Simulation::new();
    other.create_stream(CreateStreamInput::provisioned("elsewhere", 1)).unwrap();
    other.advance(limits::STREAM_CREATE_DELAY);
    let foreign = other
        .get_shard_iterator(GetShardIteratorInput {
            stream_name: "elsewhere".into(),
            shard_id: ShardId::new(0),
            position: StartingPosition::Latest,
        })
        .unwrap();
    check_get_records_error(&foreign, None, "ResourceNotFoundException");
}

#[test]
fn shard_iterators_outside_1_to_512_characters_are_refused_as_aws_validates_them() {
    let long = "a".repeat(513);
    let too_short =
        "Value '' at 'shardIterator' failed to satisfy constraint: Member must have length greater than or equal to 1";
    let too_long = format!(
        "Value '{long}' at 'shardIterator' failed to satisfy constraint: Member must have length less than or equal to 512"
    );
    let cases = [
        ("", None, format!("1 validation error detected: {too_short}")),
        (long.as_str(), None, format!("1 validation error detected: {too_long}")),
        (
            "",
            Some(0),
            format!(
                "2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; {too_short}"
            ),
        ),
        (
            long.as_str(),
            Some(100_000),
            format!(
                "2 validation errors detected: Value '100000' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000; {too_long}"
            ),
        ),
    ];
    let mut sim = sim_with_stream(1);
    for (iterator, limit, message) in cases {
        let err = sim.get_records(iterator, limit).unwrap_err();
        assert_eq!((err.code(), err.to_string()), ("ValidationException", message));
    }
    // 512 characters pass validation and reach the iterator check.
    assert_eq!(sim.get_records(&"a".repeat(512), None).unwrap_err().code(), "InvalidArgumentException");
}

#[test]
fn records_older_than_retention_are_gone_and_trim_horizon_moves() {
    let mut sim = sim_with_stream(1);
    put(&mut sim, "k", b"old").unwrap();
    sim.advance(Duration::from_hours(12));
    put(&mut sim, "k", b"newer").unwrap();
    sim.advance(Duration::from_hours(12) + Duration::from_millis(1));
    assert_eq!(crate::read_all(&mut sim, 0), [b"newer".to_vec()]);
    sim.change_retention_period("s", 48, true).unwrap();
    put(&mut sim, "k", b"kept").unwrap();
    sim.advance(Duration::from_hours(30));
    assert_eq!(
        crate::read_all(&mut sim, 0),
        [b"newer".to_vec(), b"kept".to_vec()],
        "48 h retention keeps records 42 h and 30 h old"
    );
}

#[test]
fn polling_consumer_receives_records_as_the_clock_advances() {
    let mut sim = sim_with_stream(3);
    put(&mut sim, "a", b"before").unwrap();
    let latest = sim.start_polling_consumer("s", StartingPosition::Latest).unwrap();
    let horizon = sim.start_polling_consumer("s", StartingPosition::TrimHorizon).unwrap();
    put(&mut sim, "b", b"after").unwrap();
    let received = |sim: &Simulation, idx: usize| -> Vec<Vec<u8>> {
        sim.consumers()[idx].shards.iter().flat_map(|c| c.records.iter().map(|r| r.data().to_vec())).collect()
    };
    assert!(received(&sim, 0).is_empty(), "nothing is read before the first poll");
    sim.advance(POLL_INTERVAL);
    assert_eq!(received(&sim, 0), [b"after".to_vec()]);
    assert_eq!(received(&sim, 1), [b"before".to_vec(), b"after".to_vec()]);
    sim.advance(Duration::from_secs(3));
    assert_eq!(received(&sim, 1).len(), 2, "polling again reads nothing twice");
    assert_eq!(sim.consumers()[0].id, latest);
    assert_eq!(sim.consumers()[1].id, horizon);
}

/// Starts a consumer on a one-shard stream from `position` a millisecond after
/// `before_start` is written, lets it poll once after `before_pause` is written, pauses it
/// for `pause` while `c` and `d` are written, then lets it poll twice more.
/// Returns every record it read, in order, and how it recovered from an
/// expired iterator, if it had to; checks on the way that a paused consumer
/// makes no calls and that recovery resumes just after the last record read.
#[track_caller]
fn stall(
    position: StartingPosition,
    before_start: &[&str],
    before_pause: &[&str],
    pause: Duration,
) -> (Vec<String>, Option<shardlab_core::IteratorExpiry>) {
    let mut sim = sim_with_stream(1);
    for data in before_start {
        put(&mut sim, "k", data.as_bytes()).unwrap();
    }
    sim.advance(Duration::from_millis(1));
    let id = sim.start_polling_consumer("s", position).unwrap();
    for data in before_pause {
        put(&mut sim, "k", data.as_bytes()).unwrap();
    }
    sim.advance(POLL_INTERVAL);
    let last_read_before = sim.consumers()[0].shards[0].records.last().map(|r| r.sequence_number().to_string());
    sim.pause_consumer(id, pause).unwrap();
    assert_eq!(sim.consumers()[0].paused_until, Some(sim.now() + pause));
    for data in ["c", "d"] {
        put(&mut sim, "k", data.as_bytes()).unwrap();
    }
    let n_read = sim.consumers()[0].shards[0].records_read();
    sim.poll_consumer(id);
    assert_eq!(sim.consumers()[0].shards[0].records_read(), n_read, "a paused consumer makes no calls");

    sim.advance(pause);
    let resumed = sim.consumers()[0].clone();
    assert_eq!(resumed.paused_until, None);
    let expired = resumed.shards[0].expired.clone();
    if let Some(expiry) = &expired {
        let error = resumed.shards[0].last_error.as_deref().unwrap_or_default();
        assert!(error.starts_with("ExpiredIteratorException: Iterator expired."), "{error}");
        assert_eq!(expiry.at, sim.now());
        if let StartingPosition::AfterSequenceNumber(seq) = &expiry.resume_from {
            assert_eq!(Some(seq), last_read_before.as_ref(), "resumes after the last record read");
        }
    }
    sim.advance(POLL_INTERVAL);
    let cursor = &sim.consumers()[0].shards[0];
    assert_eq!(cursor.last_error, None, "recovered");
    let read = cursor.records.iter().map(|r| String::from_utf8_lossy(r.data()).into_owned()).collect();
    (read, expired)
}

#[test]
fn a_consumer_stalled_past_five_minutes_meets_an_expired_iterator_and_loses_nothing() {
    use shardlab_core::ShardIteratorType::{self, AfterSequenceNumber, AtTimestamp};
    use shardlab_core::StartingPosition::{Latest, TrimHorizon};
    let (five_minutes, six_minutes) = (Duration::from_secs(300), Duration::from_secs(360));
    let just_over_five_minutes = five_minutes + Duration::from_millis(1);
    let abcd = ["a", "b", "c", "d"];
    // (starting position, written before it starts, before its first poll, pause, read in the end, recovered with)
    type Case = (
        StartingPosition,
        &'static [&'static str],
        &'static [&'static str],
        Duration,
        Vec<&'static str>,
        Option<ShardIteratorType>,
    );
    let cases: [Case; 7] = [
        (TrimHorizon, &["a"], &["b"], six_minutes, abcd.to_vec(), Some(AfterSequenceNumber)),
        (TrimHorizon, &["a"], &["b"], Duration::from_secs(60), abcd.to_vec(), None),
        // An iterator is valid for exactly five minutes, and expires a millisecond later.
        (TrimHorizon, &["a"], &["b"], five_minutes, abcd.to_vec(), None),
        (TrimHorizon, &["a"], &["b"], just_over_five_minutes, abcd.to_vec(), Some(AfterSequenceNumber)),
        // Nothing read yet: the new iterator starts where reading began.
        (TrimHorizon, &[], &[], six_minutes, vec!["c", "d"], Some(ShardIteratorType::TrimHorizon)),
        (Latest, &["old"], &[], six_minutes, vec!["c", "d"], Some(AtTimestamp)),
        (Latest, &["old"], &["b"], six_minutes, vec!["b", "c", "d"], Some(AfterSequenceNumber)),
    ];
    for (position, before_start, before_pause, pause, expected, recovery) in cases {
        let case = format!("{position:?} then {before_pause:?}, paused {} ms", pause.as_millis());
        let (read, expired) = stall(position, before_start, before_pause, pause);
        assert_eq!(read, expected, "{case}: no gap and no duplicate");
        assert_eq!(expired.map(|e| e.resume_from.iterator_type()), recovery, "{case}");
    }
}

#[test]
fn pausing_an_unknown_or_paused_consumer_is_refused() {
    let mut sim = sim_with_stream(1);
    let id = sim.start_polling_consumer("s", StartingPosition::TrimHorizon).unwrap();
    let unknown = sim.pause_consumer(shardlab_core::ConsumerId(7), Duration::from_secs(1)).unwrap_err();
    assert_eq!((unknown.code(), unknown.to_string().as_str()), ("ResourceNotFoundException", "Consumer 7 not found."));
    sim.pause_consumer(id, Duration::from_secs(10)).unwrap();
    let again = sim.pause_consumer(id, Duration::from_secs(10)).unwrap_err();
    assert_eq!(
        (again.code(), again.to_string().as_str()),
        ("InvalidArgumentException", "Consumer 0 is already paused until 1767225615000.")
    );
    sim.advance(Duration::from_secs(10));
    assert!(sim.pause_consumer(id, Duration::from_secs(10)).is_ok(), "a pause that is over can be followed by another");
}
