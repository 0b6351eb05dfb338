//! Lambda event-source mappings over Kinesis, driven through the public API:
//! bisection down to a poison pill, partial batch responses, parallelization,
//! batching, record age, retries, iterator age, validation and snapshots.

use std::collections::BTreeMap;

use serde_json::Value;
use shardlab_core::lambda::{
    CreateEventSourceMappingInput, FunctionScript, Handling, Invocation, InvocationOutcome, MappingSettings,
    MappingStartingPosition, OnPoison, PoisonRule, UpdateEventSourceMappingInput,
};
use shardlab_core::{
    CreateStreamInput, Duration, EventSourceMappingError, HashKey, PutRecordInput, SequenceNumber, ShardId, Simulation,
    limits,
};

const DLQ: &str = "arn:aws:sqs:us-east-1:123456789012:dlq";

/// A simulation with one `ACTIVE` stream named `s` of `shard_count` shards.
fn sim_with_stream(shard_count: u32) -> Simulation {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("s", shard_count)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    sim
}

/// `PutRecord` into stream `s`; the record's sequence number.
fn put(sim: &mut Simulation, key: &str, data: &str) -> SequenceNumber {
    sim.put_record(PutRecordInput::new("s", key, data.as_bytes().to_vec())).unwrap().sequence_number
}

/// Creates function `f` with `script` and maps it to `s` from `TRIM_HORIZON`
/// with the settings `configure` makes. Returns the mapping's UUID.
fn map(
    sim: &mut Simulation,
    script: FunctionScript,
    configure: impl FnOnce(&mut CreateEventSourceMappingInput),
) -> String {
    sim.create_function("f", script).unwrap();
    let mut input = CreateEventSourceMappingInput::new("s", "f", MappingStartingPosition::TrimHorizon);
    configure(&mut input);
    sim.create_event_source_mapping(input).unwrap().uuid
}

fn poison_data() -> FunctionScript {
    FunctionScript { poison: Some(PoisonRule::DataContains(b"poison".to_vec())), ..FunctionScript::default() }
}

/// Each invocation as (size, outcome, handling), to compare with a script.
fn steps(log: &[Invocation]) -> Vec<(u32, InvocationOutcome, Handling)> {
    log.iter().map(|i| (i.batch_size, i.outcome.clone(), i.handling)).collect()
}

fn destination_records(sim: &Simulation) -> Vec<Value> {
    sim.destination_messages(DLQ).iter().map(|m| serde_json::from_str(m).unwrap()).collect()
}

#[test]
fn bisection_isolates_a_poison_pill_and_sends_it_to_the_destination() {
    let mut sim = sim_with_stream(1);
    let seqs: Vec<SequenceNumber> =
        (0..8).map(|i| put(&mut sim, &format!("k{i}"), if i == 5 { "poison" } else { "fine" })).collect();
    let pill_arrival = sim.now();
    let retries = 2;
    let uuid = map(&mut sim, poison_data(), |m| {
        m.settings.batch_size = Some(10);
        m.settings.bisect_batch_on_function_error = Some(true);
        m.settings.maximum_retry_attempts = Some(retries);
        m.settings.on_failure_destination = Some(DLQ.into());
    });
    sim.advance(Duration::from_secs(60));

    // A batch of 2^k records with one pill fails k times on the way down
    // (8, 4, 2), its k healthy siblings succeed, and the pill alone is
    // invoked 1 + MaximumRetryAttempts times.
    let k = 3;
    let log = sim.invocations(&uuid).unwrap();
    assert_eq!(log.len() as i64, 2 * k + 1 + retries, "{log:#?}");
    use Handling::*;
    use InvocationOutcome::*;
    assert_eq!(
        steps(&log),
        vec![
            (8, FunctionError, Bisected),
            (4, Succeeded, Checkpointed),
            (4, FunctionError, Bisected),
            (2, FunctionError, Bisected),
            (1, Succeeded, Checkpointed),
            (1, FunctionError, Retried),
            (1, FunctionError, Retried),
            (1, FunctionError, Discarded),
            (2, Succeeded, Checkpointed),
        ]
    );
    let pill_tries: Vec<_> = log.iter().filter(|i| i.first_sequence_number == seqs[5] && i.batch_size == 1).collect();
    assert_eq!(pill_tries.iter().map(|i| i.attempt).collect::<Vec<_>>(), [1, 2, 3]);
    // The log is in time order, and the lane waits a second before each
    // bisected half or retry; a discarded batch is left at once.
    for pair in log.windows(2) {
        let wait = if matches!(pair[0].handling, Bisected | Retried) { Duration::from_secs(1) } else { Duration::ZERO };
        assert_eq!(pair[1].started, pair[0].ended + wait, "{pair:#?}");
    }

    let sent = destination_records(&sim);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let record = &sent[0];
    assert_eq!(record["requestContext"]["condition"], "RetryAttemptsExhausted");
    assert_eq!(record["requestContext"]["approximateInvokeCount"], 3);
    assert_eq!(record["requestContext"]["functionArn"], "arn:aws:lambda:us-east-1:123456789012:function:f");
    assert_eq!(record["responseContext"]["functionError"], "Unhandled");
    assert_eq!(record["version"], "1.0");
    let info = &record["KinesisBatchInfo"];
    assert_eq!(info["shardId"], "shardId-000000000000");
    assert_eq!(info["startSequenceNumber"], seqs[5].to_string());
    assert_eq!(info["endSequenceNumber"], seqs[5].to_string());
    assert_eq!(info["batchSize"], 1);
    assert_eq!(info["streamArn"], "arn:aws:kinesis:us-east-1:123456789012:stream/s");
    assert_eq!(info["approximateArrivalOfFirstRecord"], pill_arrival.to_string());
    assert_eq!(info["approximateArrivalOfLastRecord"], pill_arrival.to_string());
    assert!(record.get("payload").is_none() && info.get("records").is_none(), "metadata only");

    let status = sim.event_source_mapping(&uuid).unwrap();
    assert_eq!(status.discarded_records, 1);
    assert_eq!(status.shards[0].lanes[0].last_processed, Some(seqs[7]));
    assert_eq!(status.last_processing_result, "OK");
}

#[track_caller]
fn check_partial_failure(report: bool, expected: &[(u32, InvocationOutcome, Handling)], resumed_at: Option<usize>) {
    let mut sim = sim_with_stream(1);
    let keys = ["a", "b", "c", "bad", "d", "e", "bad", "f", "g", "h"];
    let seqs: Vec<SequenceNumber> = keys.iter().map(|k| put(&mut sim, k, "x")).collect();
    let script = FunctionScript {
        poison: Some(PoisonRule::PartitionKey("bad".into())),
        on_poison: OnPoison::ReportItemFailures,
        ..FunctionScript::default()
    };
    let uuid = map(&mut sim, script, |m| {
        m.settings.maximum_retry_attempts = Some(1);
        m.settings.on_failure_destination = Some(DLQ.into());
        m.settings.function_response_types = report.then(|| vec!["ReportBatchItemFailures".into()]);
    });
    sim.advance(Duration::from_secs(30));
    let log = sim.invocations(&uuid).unwrap();
    assert_eq!(steps(&log), expected, "{log:#?}");
    if let Some(at) = resumed_at {
        // The retry starts exactly at the lowest failed record, so nothing
        // before it is redone and nothing after it is skipped.
        assert_eq!(log[0].outcome, InvocationOutcome::BatchItemFailures { lowest: seqs[at] });
        assert_eq!((log[1].first_sequence_number, log[1].last_sequence_number), (seqs[at], seqs[9]));
        assert_eq!((log[0].first_sequence_number, log[0].last_sequence_number), (seqs[0], seqs[9]));
        let sent = destination_records(&sim);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0]["KinesisBatchInfo"]["startSequenceNumber"], seqs[at].to_string());
        assert_eq!(sent[0]["KinesisBatchInfo"]["batchSize"], 10 - at);
        assert!(sent[0]["responseContext"].get("functionError").is_none(), "{}", sent[0]);
    } else {
        assert!(destination_records(&sim).is_empty());
    }
}

#[test]
fn partial_batch_responses_resume_at_the_lowest_failed_record() {
    use Handling::*;
    use InvocationOutcome::*;
    // Seven records from the first "bad" one (index 3) are retried once,
    // then discarded when the retry fails the same way.
    check_partial_failure(
        true,
        &[
            (10, BatchItemFailures { lowest: partial_lowest(3) }, Retried),
            (7, BatchItemFailures { lowest: partial_lowest(3) }, Discarded),
        ],
        Some(3),
    );
    // Without ReportBatchItemFailures, Lambda ignores the response's failures.
    check_partial_failure(false, &[(10, Succeeded, Checkpointed)], None);
}

/// The sequence number of the `idx`th record `check_partial_failure` writes.
fn partial_lowest(idx: u32) -> SequenceNumber {
    let mut sim = sim_with_stream(1);
    (0..=idx).map(|_| put(&mut sim, "k", "x")).last().unwrap()
}

#[test]
fn each_key_stays_in_order_across_ten_lanes_per_shard() {
    let shards = 2;
    let factor = 10;
    let mut sim = sim_with_stream(shards);
    let mut written: BTreeMap<String, Vec<SequenceNumber>> = BTreeMap::new();
    for round in 0..3 {
        for key in 0..200 {
            let key = format!("user-{key}");
            let seq = put(&mut sim, &key, &format!("{round}"));
            written.entry(key).or_default().push(seq);
        }
    }
    let script = FunctionScript { duration_per_batch: Duration::from_millis(300), ..FunctionScript::default() };
    let uuid = map(&mut sim, script, |m| {
        m.settings.batch_size = Some(5);
        m.settings.parallelization_factor = Some(i64::from(factor));
    });
    sim.advance(Duration::from_millis(1));
    let status = sim.event_source_mapping(&uuid).unwrap();
    assert_eq!(status.concurrency, shards * factor);
    assert_eq!(status.in_flight, shards * factor, "every lane has a batch in flight");
    assert!(status.shards.iter().all(|s| s.lanes.len() == factor as usize));
    sim.advance(Duration::from_secs(120));
    let log = sim.invocations(&uuid).unwrap();
    assert!(log.iter().all(|i| i.outcome == InvocationOutcome::Succeeded));
    assert_eq!(log.iter().map(|i| i.batch_size).sum::<u32>(), 600, "every record exactly once");

    // Each record of a key is in a batch of the key's lane, and those
    // batches ran one after another.
    for (key, seqs) in &written {
        let lane = (HashKey::from_partition_key(key).0 % u128::from(factor)) as u32;
        let batches: Vec<&Invocation> = seqs
            .iter()
            .map(|seq| {
                log.iter()
                    .find(|i| i.shard_id == seq.shard() && i.lane == lane && in_range(i, *seq))
                    .unwrap_or_else(|| panic!("no batch of lane {lane} holds {key} {seq}"))
            })
            .collect();
        for pair in batches.windows(2) {
            assert!(
                pair[0].number == pair[1].number || pair[0].ended <= pair[1].started,
                "{key}: {:?} then {:?}",
                pair[0],
                pair[1]
            );
        }
    }
}

/// Whether `seq` lies between the batch's first and last sequence numbers.
fn in_range(invocation: &Invocation, seq: SequenceNumber) -> bool {
    // Decimal strings compare as numbers when compared by length first.
    let n = |s: SequenceNumber| {
        let text = s.to_string();
        (text.len(), text)
    };
    n(invocation.first_sequence_number) <= n(seq) && n(seq) <= n(invocation.last_sequence_number)
}

#[test]
fn batch_size_and_batching_window_shape_the_batches() {
    // (BatchSize, MaximumBatchingWindowInSeconds, records, expected (size, ms after creation) per invocation)
    type Case = (i64, i64, usize, &'static [(u32, u64)]);
    let cases: &[Case] = &[
        (100, 0, 250, &[(100, 0), (100, 200), (50, 400)]),
        (10, 5, 3, &[(3, 5000)]),
        (3, 5, 3, &[(3, 0)]),
        // The fifth record is read by the third poll, which opens its window.
        (2, 5, 5, &[(2, 0), (2, 200), (1, 5400)]),
    ];
    for &(batch_size, window, n_records, expected) in cases {
        let mut sim = sim_with_stream(1);
        for i in 0..n_records {
            put(&mut sim, &format!("k{i}"), "x");
        }
        let created = sim.now();
        let uuid = map(&mut sim, FunctionScript::default(), |m| {
            m.settings.batch_size = Some(batch_size);
            m.settings.maximum_batching_window_in_seconds = Some(window);
        });
        sim.advance(Duration::from_secs(30));
        let got: Vec<(u32, u64)> = sim
            .invocations(&uuid)
            .unwrap()
            .iter()
            .map(|i| (i.batch_size, i.started.saturating_since(created).as_millis()))
            .collect();
        assert_eq!(got, expected, "BatchSize {batch_size}, window {window}s, {n_records} records");
    }
}

#[test]
fn records_older_than_the_maximum_age_are_discarded_unprocessed() {
    let mut sim = sim_with_stream(1);
    let old: Vec<_> = (0..5).map(|i| put(&mut sim, &format!("k{i}"), "old")).collect();
    sim.advance(Duration::from_secs(120));
    let uuid = map(&mut sim, FunctionScript::default(), |m| {
        m.settings.maximum_record_age_in_seconds = Some(60);
        m.settings.on_failure_destination = Some(DLQ.into());
    });
    let fresh = put(&mut sim, "new", "fresh");
    sim.advance(Duration::from_secs(5));
    let log = sim.invocations(&uuid).unwrap();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!((log[0].first_sequence_number, log[0].batch_size), (fresh, 1));
    let sent = destination_records(&sim);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["requestContext"]["condition"], "RecordAgeExceeded");
    assert_eq!(sent[0]["requestContext"]["approximateInvokeCount"], 0);
    assert_eq!(sent[0]["KinesisBatchInfo"]["batchSize"], 5);
    assert_eq!(sent[0]["KinesisBatchInfo"]["startSequenceNumber"], old[0].to_string());
    assert_eq!(sent[0]["KinesisBatchInfo"]["endSequenceNumber"], old[4].to_string());
    assert_eq!(sim.event_source_mapping(&uuid).unwrap().discarded_records, 5);
}

#[test]
fn maximum_retry_attempts_bounds_the_invocations_of_a_failing_batch() {
    // (MaximumRetryAttempts, invocations within 60 s, discarded)
    let cases: &[(Option<i64>, usize, bool)] =
        &[(Some(0), 1, true), (Some(3), 4, true), (Some(-1), 60, false), (None, 60, false)];
    for &(retries, invocations, discarded) in cases {
        let mut sim = sim_with_stream(1);
        put(&mut sim, "k", "x");
        let script = FunctionScript { throw_on_every_batch: true, ..FunctionScript::default() };
        let uuid = map(&mut sim, script, |m| m.settings.maximum_retry_attempts = retries);
        // Retries come a second apart; 59.5 s holds the first try and 59 retries.
        sim.advance(Duration::from_millis(59_500));
        let log = sim.invocations(&uuid).unwrap();
        assert_eq!(log.len(), invocations, "MaximumRetryAttempts {retries:?}");
        assert_eq!(log.last().unwrap().handling == Handling::Discarded, discarded, "MaximumRetryAttempts {retries:?}");
        let status = sim.event_source_mapping(&uuid).unwrap();
        assert_eq!(status.last_processing_result, "PROBLEM: Function call failed");
    }
}

#[test]
fn iterator_age_grows_when_the_function_is_slower_than_the_stream() {
    let mut sim = sim_with_stream(1);
    let script = FunctionScript { duration_per_batch: Duration::from_secs(2), ..FunctionScript::default() };
    let uuid = map(&mut sim, script, |m| m.settings.batch_size = Some(1));
    // One record every 500 ms, one record processed every 2 s.
    for i in 0..60 {
        put(&mut sim, &format!("k{i}"), "x");
        sim.advance(Duration::from_millis(500));
    }
    let log = sim.invocations(&uuid).unwrap();
    let ages: Vec<u64> = log.iter().map(|i| i.iterator_age.as_millis()).collect();
    assert!(ages.windows(2).all(|w| w[0] <= w[1]), "{ages:?}");
    assert!(ages[0] < 1_000 && *ages.last().unwrap() > 15_000, "{ages:?}");
    // The status shows the age of the batch in flight, older still.
    let status = sim.event_source_mapping(&uuid).unwrap();
    assert!(status.iterator_age.as_millis() > *ages.last().unwrap(), "{status:?}");
    assert_eq!(status.shards[0].iterator_age, status.iterator_age);
}

#[test]
fn out_of_range_settings_are_refused_with_aws_errors() {
    let validation = |member: &str, value: &str, constraint: &str| {
        format!("1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}")
    };
    type Tweak = fn(&mut CreateEventSourceMappingInput);
    let cases: Vec<(Tweak, &str, String)> = vec![
        (|m| m.settings.batch_size = Some(0), "ValidationException", validation("batchSize", "0", "Member must have value greater than or equal to 1")),
        (|m| m.settings.batch_size = Some(10_001), "ValidationException", validation("batchSize", "10001", "Member must have value less than or equal to 10000")),
        (|m| m.settings.maximum_batching_window_in_seconds = Some(-1), "ValidationException", validation("maximumBatchingWindowInSeconds", "-1", "Member must have value greater than or equal to 0")),
        (|m| m.settings.maximum_batching_window_in_seconds = Some(301), "ValidationException", validation("maximumBatchingWindowInSeconds", "301", "Member must have value less than or equal to 300")),
        (|m| m.settings.parallelization_factor = Some(0), "ValidationException", validation("parallelizationFactor", "0", "Member must have value greater than or equal to 1")),
        (|m| m.settings.parallelization_factor = Some(11), "ValidationException", validation("parallelizationFactor", "11", "Member must have value less than or equal to 10")),
        (|m| m.settings.maximum_retry_attempts = Some(-2), "ValidationException", validation("maximumRetryAttempts", "-2", "Member must have value greater than or equal to -1")),
        (|m| m.settings.maximum_retry_attempts = Some(10_001), "ValidationException", validation("maximumRetryAttempts", "10001", "Member must have value less than or equal to 10000")),
        (|m| m.settings.maximum_record_age_in_seconds = Some(-2), "ValidationException", validation("maximumRecordAgeInSeconds", "-2", "Member must have value greater than or equal to -1")),
        (|m| m.settings.maximum_record_age_in_seconds = Some(604_801), "ValidationException", validation("maximumRecordAgeInSeconds", "604801", "Member must have value less than or equal to 604800")),
        (|m| m.settings.maximum_record_age_in_seconds = Some(59), "InvalidParameterValueException", "MaximumRecordAgeInSeconds must be -1 or between 60 and 604800, but was 59.".into()),
        (|m| m.settings.function_response_types = Some(vec!["Everything".into()]), "ValidationException", validation("functionResponseTypes", "Everything", "Member must satisfy enum value set: [ReportBatchItemFailures]")),
        (|m| m.settings.on_failure_destination = Some("dlq".into()), "ValidationException", validation("destinationConfig.onFailure.destination", "dlq", r"Member must satisfy regular expression pattern: ^$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)")),
        (|m| m.settings.on_failure_destination = Some("arn:aws:lambda:us-east-1:123456789012:function:g".into()), "InvalidParameterValueException", "Unsupported destination type for a Kinesis event source: arn:aws:lambda:us-east-1:123456789012:function:g. Use an Amazon SQS queue, Amazon SNS topic or Amazon S3 bucket.".into()),
        // An S3 ARN with a region and account names no bucket.
        (|m| m.settings.on_failure_destination = Some("arn:aws:s3:us-east-1:123456789012:bucket".into()), "InvalidParameterValueException", "Unsupported destination type for a Kinesis event source: arn:aws:s3:us-east-1:123456789012:bucket. Use an Amazon SQS queue, Amazon SNS topic or Amazon S3 bucket.".into()),
        (|m| m.starting_position = None, "InvalidParameterValueException", "StartingPosition is required for a Kinesis event source.".into()),
        (|m| m.starting_position = Some(MappingStartingPosition::AtTimestamp), "InvalidParameterValueException", "StartingPositionTimestamp is required with StartingPosition AT_TIMESTAMP.".into()),
        (|m| m.starting_position_timestamp = Some(shardlab_core::Instant::SIMULATION_START), "InvalidParameterValueException", "StartingPositionTimestamp is only valid with StartingPosition AT_TIMESTAMP.".into()),
        (|m| m.function_name = "nope".into(), "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope".into()),
        (|m| m.event_source_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/missing".into(), "InvalidParameterValueException", "Stream not found: arn:aws:kinesis:us-east-1:123456789012:stream/missing".into()),
        (|m| m.event_source_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t".into(), "InvalidParameterValueException", "Unsupported event source ARN: arn:aws:dynamodb:us-east-1:123456789012:table/t".into()),
    ];
    let mut sim = sim_with_stream(1);
    sim.create_function("f", FunctionScript::default()).unwrap();
    for (tweak, code, message) in cases {
        let mut input = CreateEventSourceMappingInput::new("s", "f", MappingStartingPosition::TrimHorizon);
        tweak(&mut input);
        let err = sim.create_event_source_mapping(input.clone()).unwrap_err();
        assert_eq!((err.code(), err.to_string()), (code, message.clone()), "{input:?}");
    }
    // The same ranges apply to updates, and a second mapping of the pair conflicts.
    let uuid = sim
        .create_event_source_mapping(CreateEventSourceMappingInput::new("s", "f", MappingStartingPosition::Latest))
        .unwrap()
        .uuid;
    let update = UpdateEventSourceMappingInput {
        uuid: uuid.clone(),
        settings: MappingSettings { parallelization_factor: Some(11), ..Default::default() },
        ..Default::default()
    };
    assert_eq!(sim.update_event_source_mapping(update).unwrap_err().code(), "ValidationException");
    let again =
        sim.create_event_source_mapping(CreateEventSourceMappingInput::new("s", "f", MappingStartingPosition::Latest));
    assert_eq!(
        again.unwrap_err(),
        EventSourceMappingError::ResourceConflict(format!(
            "The event source arn (arn:aws:kinesis:us-east-1:123456789012:stream/s) and function (f) provided mapping already exists. Please update or delete the existing mapping with UUID {uuid}"
        ))
    );
    let missing = sim.event_source_mapping("00000000-0000-0000-0000-000000000000").unwrap_err();
    assert_eq!(
        (missing.code(), missing.to_string().as_str()),
        ("ResourceNotFoundException", "The resource you requested does not exist.")
    );
    let duplicate = sim.create_function("f", FunctionScript::default()).unwrap_err();
    assert_eq!(
        (duplicate.code(), duplicate.to_string().as_str()),
        ("ResourceConflictException", "Function already exist: f")
    );
}

#[test]
fn latest_skips_what_was_written_before_the_mapping() {
    let mut sim = sim_with_stream(1);
    put(&mut sim, "before", "x");
    sim.create_function("f", FunctionScript::default()).unwrap();
    let uuid = sim
        .create_event_source_mapping(CreateEventSourceMappingInput::new("s", "f", MappingStartingPosition::Latest))
        .unwrap()
        .uuid;
    let after = put(&mut sim, "after", "x");
    sim.advance(Duration::from_secs(3));
    let log = sim.invocations(&uuid).unwrap();
    assert_eq!(steps(&log), vec![(1, InvocationOutcome::Succeeded, Handling::Checkpointed)]);
    assert_eq!(log[0].first_sequence_number, after);
}

#[test]
fn parent_shards_are_processed_before_their_children() {
    let mut sim = sim_with_stream(1);
    let script = FunctionScript { duration_per_batch: Duration::from_secs(3), ..FunctionScript::default() };
    let uuid = map(&mut sim, script, |m| m.settings.batch_size = Some(1));
    let before: Vec<_> = (0..3).map(|i| put(&mut sim, &format!("k{i}"), "parent")).collect();
    sim.split_shard("s", ShardId::new(0), "170141183460469231731687303715884105728").unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    let after: Vec<_> = (0..3).map(|i| put(&mut sim, &format!("k{i}"), "child")).collect();
    sim.advance(Duration::from_secs(60));
    let log = sim.invocations(&uuid).unwrap();
    assert_eq!(log.len(), 6, "{log:#?}");
    let parent_done = log.iter().filter(|i| before.contains(&i.first_sequence_number)).map(|i| i.ended).max().unwrap();
    let child_start = log.iter().filter(|i| after.contains(&i.first_sequence_number)).map(|i| i.started).min().unwrap();
    assert!(parent_done <= child_start, "{log:#?}");
    let status = sim.event_source_mapping(&uuid).unwrap();
    assert!(status.shards[0].finished && !status.shards[0].active);
    assert_eq!(status.concurrency, 2, "two children, one lane each");
}

/// A mapping whose lanes are full stops polling; an update that makes room
/// (a larger `ParallelizationFactor`) lets it poll again from the update on.
/// Before, its next poll stayed at the instant it was last due, before the
/// clock, and a snapshot taken then was refused as damaged ("work due before
/// its clock"): the lesson page's undo and timeline could not go back to it.
#[test]
fn an_update_that_makes_room_to_poll_schedules_the_poll_from_the_update_on() {
    let mut sim = sim_with_stream(1);
    for i in 0..30 {
        put(&mut sim, &format!("k{i}"), if i == 0 { "poison" } else { "ok" });
    }
    // Infinite retries of the poisoned first batch: the lane never drains.
    let uuid = map(&mut sim, poison_data(), |m| m.settings.batch_size = Some(10));
    sim.advance(Duration::from_secs(10));
    let update = |settings| UpdateEventSourceMappingInput { uuid: uuid.clone(), function_name: None, settings };
    sim.update_event_source_mapping(update(MappingSettings { parallelization_factor: Some(2), ..Default::default() }))
        .unwrap();
    assert!(sim.next_deadline().is_some_and(|at| at >= sim.now()), "{:?} at {}", sim.next_deadline(), sim.now());
    let mut restored = Simulation::restore(&sim.snapshot()).unwrap();
    for sim in [&mut sim, &mut restored] {
        sim.advance(Duration::from_secs(5));
    }
    assert_eq!(restored.snapshot(), sim.snapshot());
}

#[test]
fn a_snapshot_mid_flight_carries_on_exactly_like_the_original() {
    let mut original = sim_with_stream(2);
    for i in 0..40 {
        put(&mut original, &format!("k{}", i % 7), if i == 13 { "poison" } else { "ok" });
    }
    let script = FunctionScript {
        duration_per_batch: Duration::from_millis(700),
        failure_percent: 10,
        seed: 3,
        ..poison_data()
    };
    let uuid = map(&mut original, script, |m| {
        m.settings.batch_size = Some(4);
        m.settings.parallelization_factor = Some(3);
        m.settings.bisect_batch_on_function_error = Some(true);
        m.settings.maximum_retry_attempts = Some(2);
        m.settings.on_failure_destination = Some(DLQ.into());
    });
    original.advance(Duration::from_millis(2_350));
    assert!(original.event_source_mapping(&uuid).unwrap().in_flight > 0, "mid-flight");
    let mut restored = Simulation::restore(&original.snapshot()).unwrap();
    assert_eq!(restored.snapshot(), original.snapshot());
    for sim in [&mut original, &mut restored] {
        put(sim, "late", "ok");
        sim.advance(Duration::from_secs(60));
    }
    assert_eq!(restored.snapshot(), original.snapshot());
    assert_eq!(restored.invocations(&uuid).unwrap(), original.invocations(&uuid).unwrap());
    assert!(!destination_records(&original).is_empty());
}

#[test]
fn a_snapshot_mid_window_through_a_consumer_under_a_concurrency_limit_carries_on_alike() {
    let mut original = sim_with_stream(2);
    let arn = register_consumer(&mut original);
    original.advance(limits::CONSUMER_CREATE_DELAY);
    let script = FunctionScript {
        duration_per_batch: Duration::from_millis(1_000),
        aggregate: Some(shardlab_core::lambda::Aggregate::Sum("n".into())),
        ..FunctionScript::default()
    };
    let uuid = map(&mut original, script, |m| {
        m.event_source_arn = arn.clone();
        m.settings.tumbling_window_in_seconds = Some(30);
        m.settings.batch_size = Some(3);
    });
    original.put_function_concurrency("f", 1).unwrap();
    for i in 0..30 {
        put(&mut original, &format!("k{}", i % 5), &format!(r#"{{"n": {i}}}"#));
        original.advance(Duration::from_millis(230));
    }
    let status = original.event_source_mapping(&uuid).unwrap();
    assert!(status.in_flight > 0 && status.throttles > 0, "{status:?}");
    let mut restored = Simulation::restore(&original.snapshot()).unwrap();
    assert_eq!(restored.snapshot(), original.snapshot());
    for sim in [&mut original, &mut restored] {
        put(sim, "late", r#"{"n": 100}"#);
        sim.advance(Duration::from_secs(300));
    }
    assert_eq!(restored.snapshot(), original.snapshot());
    let log = original.invocations(&uuid).unwrap();
    assert_eq!(restored.invocations(&uuid).unwrap(), log);
    // Every record was summed into some window's final state exactly once.
    let total: i64 = log
        .iter()
        .filter_map(|i| i.window.as_ref().filter(|w| w.is_final_invoke_for_window))
        .map(|w| serde_json::from_str::<Value>(&w.state).unwrap()["sum"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(total, (0..30).sum::<i64>() + 100);
}

#[test]
fn snapshots_from_before_lambda_still_load() {
    let sim = sim_with_stream(1);
    let snapshot = sim.snapshot();
    let without = snapshot
        .replace(",\"lambda\":{\"functions\":{},\"mappings\":[]}", "")
        .replace(",\"destinations\":{\"messages\":{}}", "");
    assert!(!without.contains("lambda") && !without.contains("destinations"), "{without}");
    assert_eq!(Simulation::restore(&without).unwrap().snapshot(), snapshot);
}

#[test]
fn updates_apply_to_later_batches_and_deleted_mappings_stop() {
    let mut sim = sim_with_stream(1);
    let uuid = map(&mut sim, FunctionScript::default(), |m| m.settings.batch_size = Some(2));
    for i in 0..4 {
        put(&mut sim, &format!("k{i}"), "x");
    }
    sim.advance(Duration::from_secs(2));
    let update = UpdateEventSourceMappingInput {
        uuid: uuid.clone(),
        settings: MappingSettings { batch_size: Some(10), parallelization_factor: Some(4), ..Default::default() },
        ..Default::default()
    };
    let status = sim.update_event_source_mapping(update).unwrap();
    assert_eq!((status.config.batch_size, status.config.parallelization_factor), (10, 4));
    for i in 0..6 {
        put(&mut sim, "same-key", &format!("{i}"));
    }
    sim.advance(Duration::from_secs(2));
    let log = sim.invocations(&uuid).unwrap();
    assert_eq!(log.iter().map(|i| i.batch_size).collect::<Vec<_>>(), [2, 2, 6]);
    assert_eq!(sim.event_source_mapping(&uuid).unwrap().concurrency, 4);
    sim.delete_event_source_mapping(&uuid).unwrap();
    assert_eq!(sim.event_source_mapping(&uuid).unwrap_err().code(), "ResourceNotFoundException");
    assert!(sim.event_source_mappings().is_empty());
    put(&mut sim, "k", "x");
    sim.advance(Duration::from_secs(2));
}

#[test]
fn the_batching_window_starts_when_the_previous_invocation_completes() {
    // Records read while a batch is in flight wait a whole window from the
    // moment it completes, not from when they were read.
    let mut sim = sim_with_stream(1);
    for i in 0..3 {
        put(&mut sim, &format!("k{i}"), "x");
    }
    let created = sim.now();
    let script = FunctionScript { duration_per_batch: Duration::from_secs(3), ..FunctionScript::default() };
    let uuid = map(&mut sim, script, |m| m.settings.maximum_batching_window_in_seconds = Some(5));
    sim.advance(Duration::from_millis(5_500));
    for i in 0..3 {
        put(&mut sim, &format!("late{i}"), "x");
    }
    sim.advance(Duration::from_secs(30));
    let started: Vec<(u32, u64)> = sim
        .invocations(&uuid)
        .unwrap()
        .iter()
        .map(|i| (i.batch_size, i.started.saturating_since(created).as_millis()))
        .collect();
    // The first window opens at the first poll (0 s) and the batch runs
    // from 5 s to 8 s; the late records, read by the poll at 6.2 s, wait
    // until 8 + 5 s (not 6.2 + 5 s).
    assert_eq!(started, [(3, 5_000), (3, 13_000)]);
}

#[test]
fn filter_criteria_invoke_only_matching_records_and_checkpoint_the_rest() {
    let mut sim = sim_with_stream(1);
    let data = [
        r#"{"kind":"order","n":1}"#,
        r#"{"kind":"refund"}"#,
        "plain text",
        r#"{"kind":"order","n":9}"#,
        r#"{"kind":"ping"}"#,
    ];
    let seqs: Vec<SequenceNumber> = data.iter().map(|d| put(&mut sim, "k", d)).collect();
    let uuid = map(&mut sim, FunctionScript::default(), |m| {
        m.settings.filter_patterns = Some(vec![
            r#"{"data":{"kind":["order"],"n":[{"numeric":["<",5]}]}}"#.into(),
            r#"{"data":{"kind":[{"prefix":"ref"}]}}"#.into(),
        ]);
    });
    sim.advance(Duration::from_secs(10));
    let log = sim.invocations(&uuid).unwrap();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0].batch_size, 2, "the order with n < 5 and the refund");
    assert_eq!((log[0].first_sequence_number, log[0].last_sequence_number), (seqs[0], seqs[1]));
    let status = sim.event_source_mapping(&uuid).unwrap();
    assert_eq!(status.filtered_records, 3);
    // The records after the batch were filtered out, and are checkpointed all the same.
    assert_eq!(status.shards[0].lanes[0].last_processed, Some(seqs[4]));

    // Nothing but filtered-out records: no invocation, and still checkpointed.
    put(&mut sim, "k", r#"{"kind":"ping"}"#);
    let last = put(&mut sim, "k", "more text");
    sim.advance(Duration::from_secs(10));
    assert_eq!(sim.invocations(&uuid).unwrap().len(), 1);
    let status = sim.event_source_mapping(&uuid).unwrap();
    assert_eq!((status.filtered_records, status.shards[0].lanes[0].last_processed), (5, Some(last)));

    // Removing the filters invokes every record again.
    let update = UpdateEventSourceMappingInput {
        uuid: uuid.clone(),
        settings: MappingSettings { filter_patterns: Some(vec![]), ..Default::default() },
        ..Default::default()
    };
    sim.update_event_source_mapping(update).unwrap();
    put(&mut sim, "k", "anything");
    sim.advance(Duration::from_secs(10));
    assert_eq!(sim.invocations(&uuid).unwrap().len(), 2);
}

#[test]
fn malformed_or_too_many_filters_are_refused() {
    let mut sim = sim_with_stream(1);
    sim.create_function("f", FunctionScript::default()).unwrap();
    let create = |patterns: Vec<String>| {
        let mut input = CreateEventSourceMappingInput::new("s", "f", MappingStartingPosition::TrimHorizon);
        input.settings.filter_patterns = Some(patterns);
        input
    };
    let err = sim.create_event_source_mapping(create(vec![r#"{"data":{"kind":"order"}}"#.into()])).unwrap_err();
    assert_eq!(
        (err.code(), err.to_string()),
        ("InvalidParameterValueException", "Invalid filter pattern definition.".into())
    );
    let six = (0..6).map(|i| format!(r#"{{"data":{{"n":[{i}]}}}}"#)).collect();
    assert_eq!(sim.create_event_source_mapping(create(six)).unwrap_err().code(), "InvalidParameterValueException");
    let long = format!(r#"{{"data":{{"k":["{}"]}}}}"#, "x".repeat(4096));
    let err = sim.create_event_source_mapping(create(vec![long])).unwrap_err();
    assert_eq!(err.code(), "ValidationException");
    assert!(err.to_string().contains("'filterCriteria.filters.1.member.pattern' failed to satisfy constraint: Member must have length less than or equal to 4096"), "{err}");
}

#[test]
fn an_s3_bucket_destination_gets_the_invocation_record_and_the_payload() {
    let mut sim = sim_with_stream(1);
    sim.s3_create_bucket("failed-batches").unwrap();
    let seqs: Vec<SequenceNumber> = ["ok", "poison", "ok"].iter().map(|d| put(&mut sim, "k", d)).collect();
    let uuid = map(&mut sim, poison_data(), |m| {
        m.settings.maximum_retry_attempts = Some(0);
        m.settings.on_failure_destination = Some("arn:aws:s3:::failed-batches".into());
    });
    sim.advance(Duration::from_secs(10));
    let objects = sim.s3_list_objects("failed-batches", "").unwrap();
    assert_eq!(objects.len(), 1, "one object per discarded batch");
    let key = &objects[0].key;
    let prefix = format!("aws/lambda/{uuid}/shardId-000000000000/");
    assert!(key.starts_with(&prefix), "{key}");
    // YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>
    let rest: Vec<&str> = key[prefix.len()..].split('/').collect();
    assert_eq!(rest.len(), 4, "{key}");
    assert!(rest[3].starts_with(&format!("{}-{}-{}T", rest[0], rest[1], rest[2])), "{key}");
    let body: Value = serde_json::from_slice(&sim.s3_get_object("failed-batches", key).unwrap().body).unwrap();
    assert_eq!(body["requestContext"]["condition"], "RetryAttemptsExhausted");
    assert_eq!(body["KinesisBatchInfo"]["batchSize"], 3);
    let payload: Value = serde_json::from_str(body["payload"].as_str().unwrap()).unwrap();
    let records = payload["Records"].as_array().unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(records[1]["kinesis"]["sequenceNumber"], seqs[1].to_string());
    assert_eq!(records[1]["kinesis"]["data"], "cG9pc29u", "base64 of 'poison'");
    assert_eq!(records[1]["eventSource"], "aws:kinesis");
}

#[test]
fn an_invocation_past_the_function_timeout_fails_and_is_retried_and_bisected() {
    let mut sim = sim_with_stream(1);
    for i in 0..4 {
        put(&mut sim, &format!("k{i}"), "x");
    }
    // 1.5 s per record against a 3 s timeout: batches of more than 2 time out.
    let script = FunctionScript { duration_per_record: Duration::from_millis(1_500), ..FunctionScript::default() };
    let uuid = map(&mut sim, script, |m| {
        m.settings.bisect_batch_on_function_error = Some(true);
        m.settings.maximum_retry_attempts = Some(0);
    });
    sim.advance(Duration::from_secs(60));
    let log = sim.invocations(&uuid).unwrap();
    use Handling::*;
    use InvocationOutcome::*;
    assert_eq!(steps(&log), [(4, TimedOut, Bisected), (2, Succeeded, Checkpointed), (2, Succeeded, Checkpointed)]);
    assert_eq!(log[0].ended.saturating_since(log[0].started), Duration::from_secs(3), "stopped at the timeout");
    assert_eq!(sim.event_source_mapping(&uuid).unwrap().discarded_records, 0);
    let err =
        sim.create_function("g", FunctionScript { timeout: Duration::from_secs(901), ..FunctionScript::default() });
    assert_eq!(err.unwrap_err().code(), "InvalidParameterValueException");
}

/// Advances `sim` to `offset` after the last 10-second window boundary at or
/// before `origin`.
fn advance_to(sim: &mut Simulation, origin: shardlab_core::Instant, offset_ms: u64) {
    let target = origin.epoch_millis() / 10_000 * 10_000 + offset_ms;
    sim.advance(Duration::from_millis(target - sim.now().epoch_millis()));
}

/// An invocation under a tumbling window, as (records, window start in ms
/// after `origin`'s window, state in, state returned, final, early).
type WindowStep = (u32, u64, String, Option<String>, bool, bool);

fn window_steps(log: &[Invocation], origin: shardlab_core::Instant) -> Vec<WindowStep> {
    let base = origin.epoch_millis() / 10_000 * 10_000;
    log.iter()
        .map(|i| {
            let w = i.window.as_ref().expect("every invocation is under the window");
            assert_eq!(w.end.epoch_millis() - w.start.epoch_millis(), 10_000);
            (
                i.batch_size,
                w.start.epoch_millis() - base,
                w.state.clone(),
                w.returned_state.clone(),
                w.is_final_invoke_for_window,
                w.is_window_terminated_early,
            )
        })
        .collect()
}

#[test]
fn a_tumbling_window_carries_state_between_invocations_and_resets_after_its_final_one() {
    let mut sim = sim_with_stream(1);
    let origin = sim.now();
    // Three records in the window [10 s, 20 s) after `origin`'s window, two in [20 s, 30 s).
    for (at, key) in [(11_000, "a"), (12_000, "b"), (13_000, "c"), (22_000, "d"), (23_000, "e")] {
        advance_to(&mut sim, origin, at);
        put(&mut sim, key, "x");
    }
    let script =
        FunctionScript { aggregate: Some(shardlab_core::lambda::Aggregate::Count), ..FunctionScript::default() };
    let uuid = map(&mut sim, script, |m| {
        m.settings.tumbling_window_in_seconds = Some(10);
        m.settings.batch_size = Some(2);
    });
    advance_to(&mut sim, origin, 400_000);
    let s = |text: &str| text.to_string();
    let count = |n: u32| Some(format!(r#"{{"count":{n}}}"#));
    assert_eq!(
        window_steps(&sim.invocations(&uuid).unwrap(), origin),
        [
            (2, 10_000, s("{}"), count(2), false, false),
            // The batch stops at the window's end.
            (1, 10_000, count(2).unwrap(), count(3), false, false),
            // A record of the next window closes this one: a final invocation without records.
            (0, 10_000, count(3).unwrap(), count(3), true, false),
            // The next window starts with a fresh state. (Its records were
            // read one per poll, each invoked at once.)
            (1, 20_000, s("{}"), count(1), false, false),
            (1, 20_000, count(1).unwrap(), count(2), false, false),
            (0, 20_000, count(2).unwrap(), count(2), true, false),
        ]
    );
    let log = sim.invocations(&uuid).unwrap();
    // Nothing more came: the last window's final invocation waited two minutes past its end.
    let last_end = log[4].window.as_ref().unwrap().end;
    assert_eq!(log[5].started, last_end + shardlab_core::lambda::WINDOW_CLOSE_WAIT);
    let status = sim.event_source_mapping(&uuid).unwrap();
    assert_eq!(status.shards[0].lanes[0].last_processed, Some(log[4].last_sequence_number));
}

#[test]
fn a_function_without_state_fails_under_a_tumbling_window() {
    let mut sim = sim_with_stream(1);
    put(&mut sim, "k", "x");
    let uuid = map(&mut sim, FunctionScript::default(), |m| {
        m.settings.tumbling_window_in_seconds = Some(60);
        m.settings.maximum_retry_attempts = Some(1);
    });
    sim.advance(Duration::from_secs(10));
    let log = sim.invocations(&uuid).unwrap();
    assert_eq!(
        steps(&log),
        [
            (1, InvocationOutcome::FunctionError, Handling::Retried),
            (1, InvocationOutcome::FunctionError, Handling::Discarded)
        ]
    );
}

#[test]
fn a_state_over_one_megabyte_terminates_the_window_early() {
    let mut sim = sim_with_stream(1);
    // 256-character partition keys make each key's count 261 bytes of
    // state, so the fourth batch of 1,025 takes the state past 1 MB.
    let origin = sim.now();
    advance_to(&mut sim, origin, 10_000);
    for i in 0..4_100 {
        put(&mut sim, &format!("{i:0>256}"), "x");
        if i % 500 == 499 {
            sim.advance(Duration::from_secs(1));
        }
    }
    let script = FunctionScript {
        aggregate: Some(shardlab_core::lambda::Aggregate::CountByPartitionKey),
        ..FunctionScript::default()
    };
    let uuid = map(&mut sim, script, |m| {
        m.settings.tumbling_window_in_seconds = Some(60);
        m.settings.batch_size = Some(1_025);
    });
    sim.advance(Duration::from_secs(300));
    let log = sim.invocations(&uuid).unwrap();
    let shape: Vec<(u32, usize, bool, bool, Handling)> = log
        .iter()
        .map(|i| {
            let w = i.window.as_ref().unwrap();
            let keys = serde_json::from_str::<BTreeMap<String, u64>>(&w.state).unwrap().len();
            (i.batch_size, keys, w.is_final_invoke_for_window, w.is_window_terminated_early, i.handling)
        })
        .collect();
    assert_eq!(
        shape,
        [
            (1_025, 0, false, false, Handling::Checkpointed),
            (1_025, 1_025, false, false, Handling::Checkpointed),
            (1_025, 2_050, false, false, Handling::Checkpointed),
            // Its state would pass 1 MB: the window ends early with the state before it …
            (1_025, 3_075, false, false, Handling::Retried),
            (0, 3_075, true, true, Handling::Checkpointed),
            // … and the same window goes on with a fresh state, from the same batch.
            (1_025, 0, false, false, Handling::Checkpointed),
            (0, 1_025, true, false, Handling::Checkpointed),
        ]
    );
    let start = |i: usize| log[i].window.as_ref().unwrap().start;
    assert!((0..log.len()).all(|i| start(i) == start(0)), "one window throughout");
}

#[test]
fn tumbling_windows_are_validated_and_shown_in_the_configuration() {
    let mut sim = sim_with_stream(1);
    sim.create_function("f", FunctionScript::default()).unwrap();
    let mut input = CreateEventSourceMappingInput::new("s", "f", MappingStartingPosition::TrimHorizon);
    input.settings.tumbling_window_in_seconds = Some(901);
    let err = sim.create_event_source_mapping(input.clone()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "1 validation error detected: Value '901' at 'tumblingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900"
    );
    input.settings.tumbling_window_in_seconds = Some(900);
    assert_eq!(sim.create_event_source_mapping(input).unwrap().config.tumbling_window_in_seconds, 900);
}

/// Registers consumer `c` on stream `s`; its ARN.
fn register_consumer(sim: &mut Simulation) -> String {
    sim.register_stream_consumer(&shardlab_core::stream_arn("s"), "c").unwrap().consumer_arn
}

#[test]
fn a_fan_out_consumer_as_source_must_exist_and_be_active() {
    let mut sim = sim_with_stream(1);
    sim.create_function("f", FunctionScript::default()).unwrap();
    let mapping = |sim: &mut Simulation, arn: &str| {
        let mut input = CreateEventSourceMappingInput::new("s", "f", MappingStartingPosition::Latest);
        input.event_source_arn = arn.into();
        sim.create_event_source_mapping(input)
    };
    let missing = format!("{}/consumer/nobody:1767225600", shardlab_core::stream_arn("s"));
    let err = mapping(&mut sim, &missing).unwrap_err();
    assert_eq!(
        (err.code(), err.to_string()),
        ("InvalidParameterValueException", format!("Stream consumer not found: {missing}"))
    );
    let arn = register_consumer(&mut sim);
    let err = mapping(&mut sim, &arn).unwrap_err();
    assert_eq!(
        (err.code(), err.to_string()),
        ("InvalidParameterValueException", format!("Stream consumer {arn} is not ACTIVE: it is CREATING."))
    );
    sim.advance(limits::CONSUMER_CREATE_DELAY);
    let status = mapping(&mut sim, &arn).unwrap();
    assert_eq!(status.event_source_arn, arn);
}

#[test]
fn a_fan_out_source_invokes_sooner_than_polling() {
    // (through a consumer, the longest wait from a record's arrival to its invocation)
    let cases: &[(bool, std::ops::RangeInclusive<u64>)] = &[(false, 500..=1_000), (true, 0..=70)];
    for (fan_out, expected) in cases {
        let mut sim = sim_with_stream(1);
        let arn = register_consumer(&mut sim);
        sim.advance(limits::CONSUMER_CREATE_DELAY);
        let uuid = map(&mut sim, FunctionScript::default(), |m| {
            m.starting_position = Some(MappingStartingPosition::Latest);
            if *fan_out {
                m.event_source_arn = arn.clone();
            }
        });
        let mut arrivals = BTreeMap::new();
        for i in 0..20u64 {
            sim.advance(Duration::from_millis(130 + i * 37));
            arrivals.insert(put(&mut sim, &format!("k{i}"), "x").to_string(), sim.now());
        }
        sim.advance(Duration::from_secs(5));
        let log = sim.invocations(&uuid).unwrap();
        let waits: Vec<u64> = log
            .iter()
            .map(|i| i.started.saturating_since(arrivals[&i.first_sequence_number.to_string()]).as_millis())
            .collect();
        let invoked: u32 = log.iter().map(|i| i.batch_size).sum();
        assert_eq!(invoked, 20, "fan-out {fan_out}");
        let longest = *waits.iter().max().unwrap();
        assert!(expected.contains(&longest), "fan-out {fan_out}: waits {waits:?}");
    }
}

#[test]
fn reserved_concurrency_of_zero_throttles_every_invocation_without_losing_records() {
    let mut sim = sim_with_stream(1);
    for i in 0..10 {
        put(&mut sim, &format!("k{i}"), "x");
    }
    // Throttles do not use up retries: with none allowed, nothing is discarded.
    let uuid = map(&mut sim, FunctionScript::default(), |m| {
        m.settings.maximum_retry_attempts = Some(0);
        m.settings.batch_size = Some(5);
    });
    assert_eq!(sim.put_function_concurrency("f", 0), Ok(0));
    sim.advance(Duration::from_millis(29_500));
    assert!(sim.invocations(&uuid).unwrap().is_empty());
    let concurrency = sim.function_concurrency("f").unwrap();
    assert_eq!((concurrency.reserved_concurrent_executions, concurrency.throttles), (Some(0), 30));
    assert_eq!(sim.event_source_mapping(&uuid).unwrap().throttles, 30);
    sim.delete_function_concurrency("f").unwrap();
    sim.advance(Duration::from_secs(5));
    let status = sim.event_source_mapping(&uuid).unwrap();
    let log = sim.invocations(&uuid).unwrap();
    let ok = (5, InvocationOutcome::Succeeded, Handling::Checkpointed);
    assert_eq!(steps(&log), [ok.clone(), ok]);
    assert!(log.iter().all(|i| i.attempt == 1), "throttles are not retries");
    assert_eq!((status.discarded_records, status.throttles), (0, 30));
}

#[test]
fn a_concurrency_of_one_serialises_the_batches_of_two_shards() {
    // (ReservedConcurrentExecutions, whether invocations overlap)
    for (reserved, overlap) in [(None, true), (Some(1), false)] {
        let mut sim = sim_with_stream(2);
        for i in 0..20 {
            put(&mut sim, &format!("k{i}"), "x");
        }
        let script = FunctionScript { duration_per_batch: Duration::from_millis(400), ..FunctionScript::default() };
        let uuid = map(&mut sim, script, |m| m.settings.batch_size = Some(3));
        if let Some(n) = reserved {
            sim.put_function_concurrency("f", n).unwrap();
        }
        sim.advance(Duration::from_secs(60));
        let log = sim.invocations(&uuid).unwrap();
        let invoked: u32 = log.iter().map(|i| i.batch_size).sum();
        assert_eq!(invoked, 20, "reserved {reserved:?}");
        let overlaps =
            log.iter().any(|a| log.iter().any(|b| a.number != b.number && a.started < b.ended && b.started < a.ended));
        assert_eq!(overlaps, overlap, "reserved {reserved:?}");
        let shards: std::collections::BTreeSet<ShardId> = log.iter().map(|i| i.shard_id).collect();
        assert_eq!(shards.len(), 2);
        assert_eq!(sim.event_source_mapping(&uuid).unwrap().throttles > 0, !overlap);
    }
}

#[test]
fn put_function_concurrency_leaves_the_account_a_hundred_unreserved() {
    let mut sim = Simulation::new();
    sim.create_function("f", FunctionScript::default()).unwrap();
    sim.create_function("g", FunctionScript::default()).unwrap();
    assert_eq!(sim.put_function_concurrency("f", 450), Ok(450));
    // (function, reservation, error code and message)
    let cases: &[(&str, i64, &str, &str)] = &[
        (
            "g",
            451,
            "InvalidParameterValueException",
            "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
        ),
        (
            "g",
            -1,
            "ValidationException",
            "1 validation error detected: Value '-1' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0",
        ),
        ("h", 1, "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:123456789012:function:h"),
    ];
    for (function, reserved, code, message) in cases {
        let err = sim.put_function_concurrency(function, *reserved).unwrap_err();
        assert_eq!((err.code(), err.to_string().as_str()), (*code, *message), "{function} {reserved}");
    }
    assert_eq!(sim.put_function_concurrency("g", 450), Ok(450));
    // A function's own reservation can be changed within the same bound.
    assert_eq!(sim.put_function_concurrency("f", 450), Ok(450));
}
