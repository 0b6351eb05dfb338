use shardlab_core::{
    CreateStreamInput, Duration, PutRecordError, PutRecordInput, PutRecordsEntry, PutRecordsInput,
    PutRecordsResultEntry, Simulation,
    limits::{MAX_DATA_MEMBER_BYTES, MAX_RECORD_DATA_BYTES},
};

use crate::{put, sim_with_stream};

#[test]
fn sequence_numbers_increase_within_a_shard() {
    let mut sim = sim_with_stream(2);
    let seqs: Vec<String> =
        (0..20).map(|_| put(&mut sim, "same-key", b"x").unwrap().sequence_number.to_string()).collect();
    assert!(seqs.windows(2).all(|w| w[0].len() == 56 && w[0] < w[1]), "{seqs:?}");
}

#[track_caller]
fn check_put_error(input: PutRecordInput, code: &str, message: &str) {
    let mut sim = sim_with_stream(1);
    let err = sim.put_record(input).unwrap_err();
    assert_eq!((err.code(), err.to_string().as_str()), (code, message));
    assert_eq!(sim.stream("s").unwrap().shards[0].n_records, 0, "a refused record is not stored");
}

fn input(key: &str, data_len: usize, explicit: Option<&str>) -> PutRecordInput {
    let mut input = PutRecordInput::new("s", key, vec![0; data_len]);
    input.explicit_hash_key = explicit.map(Into::into);
    input
}

#[test]
fn bad_puts_get_aws_errors_and_store_nothing() {
    check_put_error(
        input("", 1, None),
        "ValidationException",
        "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    check_put_error(
        input(&"k".repeat(257), 1, None),
        "ValidationException",
        &format!(
            "1 validation error detected: Value '{}' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256",
            "k".repeat(257)
        ),
    );
    check_put_error(
        input("k", MAX_DATA_MEMBER_BYTES + 1, None),
        "ValidationException",
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 10485760",
    );
    check_put_error(
        input("k", 1, Some("340282366920938463463374607431768211456")),
        "InvalidArgumentException",
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456",
    );
    check_put_error(
        input("k", 1, Some("-1")),
        "ValidationException",
        "1 validation error detected: Value '-1' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
    );
    check_put_error(
        input("", MAX_DATA_MEMBER_BYTES + 1, None),
        "ValidationException",
        "2 validation errors detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 10485760",
    );
}

#[test]
fn the_record_size_limit_counts_data_and_partition_key() {
    let too_large = Some(("InvalidArgumentException", "Record size exceeds 1 MB limit"));
    for (key, data_len, refusal) in [
        ("k", MAX_RECORD_DATA_BYTES - 1, None),
        ("key", MAX_RECORD_DATA_BYTES - 3, None),
        ("k", MAX_RECORD_DATA_BYTES, too_large),
        ("key", MAX_RECORD_DATA_BYTES - 2, too_large),
        // A multi-byte key counts its UTF-8 bytes: "é" is two.
        ("é", MAX_RECORD_DATA_BYTES - 1, too_large),
    ] {
        let mut sim = sim_with_stream(1);
        let single = sim.put_record(PutRecordInput::new("s", key, vec![0; data_len]));
        // A second later, so that the shard's 1 MiB/s write budget is whole again.
        sim.advance(Duration::from_secs(1));
        let batch = sim.put_records(PutRecordsInput { stream_name: "s".into(), records: vec![entry(key, data_len)] });
        let got = [single.err(), batch.err()].map(|err| err.map(|e| (e.code(), e.to_string())));
        let expected = refusal.map(|(code, message)| (code, message.to_string()));
        assert_eq!(got, [expected.clone(), expected], "key {key:?}, {data_len} bytes of data");
        let stored = sim.stream("s").unwrap().shards[0].n_records;
        assert_eq!(stored, if refusal.is_some() { 0 } else { 2 }, "a refused request stores nothing");
    }
}

#[test]
fn put_to_a_missing_or_creating_stream_is_resource_not_found() {
    let mut sim = Simulation::new();
    let err = put(&mut sim, "k", b"x").unwrap_err();
    assert!(matches!(err, PutRecordError::ResourceNotFound(_)));
    assert_eq!(err.to_string(), "Stream s under account 123456789012 not found.");
    sim.create_stream(CreateStreamInput::provisioned("s", 1)).unwrap();
    assert_eq!(put(&mut sim, "k", b"x").unwrap_err().code(), "ResourceNotFoundException", "still CREATING");
}

fn entry(key: &str, len: usize) -> PutRecordsEntry {
    PutRecordsEntry { data: vec![7; len], partition_key: key.into(), explicit_hash_key: None }
}

#[test]
fn put_records_reports_each_entry_in_request_order() {
    let mut sim = sim_with_stream(4);
    let records: Vec<PutRecordsEntry> = ["user-42", "a", "user-42", "d"].iter().map(|k| entry(k, 10)).collect();
    let out = sim.put_records(PutRecordsInput { stream_name: "s".into(), records }).unwrap();
    assert_eq!(out.failed_record_count, 0);
    let shards: Vec<String> = out
        .records
        .iter()
        .map(|r| match r {
            PutRecordsResultEntry::Success(ok) => ok.shard_id.to_string(),
            PutRecordsResultEntry::Failure { .. } => panic!("unexpected failure"),
        })
        .collect();
    assert_eq!(shards[0], "shardId-000000000001");
    assert_eq!(shards[0], shards[2], "same key, same shard");
}

#[track_caller]
fn check_put_records_error(records: Vec<PutRecordsEntry>, code: &str, message_part: &str) {
    let mut sim = sim_with_stream(1);
    let err = sim.put_records(PutRecordsInput { stream_name: "s".into(), records }).unwrap_err();
    assert_eq!(err.code(), code, "{err}");
    assert!(err.to_string().contains(message_part), "{err}");
    assert_eq!(sim.stream("s").unwrap().shards[0].n_records, 0, "a refused request stores nothing");
}

#[test]
fn put_records_request_limits() {
    // AWS echoes the list as Java prints it: each entry as its class and hash code.
    let listed = ["com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@10370"; 501].join(", ");
    check_put_records_error(
        vec![],
        "ValidationException",
        "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    check_put_records_error(
        (0..501).map(|_| entry("k", 1)).collect(),
        "ValidationException",
        &format!(
            "1 validation error detected: Value '[{listed}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"
        ),
    );
    // The list comes first, then its entries, then the stream name.
    let mut sim = sim_with_stream(1);
    let err = sim
        .put_records(PutRecordsInput { stream_name: String::new(), records: vec![entry("", 1)] })
        .unwrap_err()
        .to_string();
    let members: Vec<&str> = err.split(" at '").skip(1).map(|rest| &rest[..rest.find('\'').unwrap()]).collect();
    assert_eq!(members, ["records.1.member.partitionKey", "streamName"], "{err}");
    check_put_records_error(
        vec![entry("ok", 1), entry("", 1)],
        "ValidationException",
        "Value '' at 'records.2.member.partitionKey'",
    );
    // One entry over the record-size limit refuses the whole request.
    check_put_records_error(
        vec![entry("ok", 1), entry("k", MAX_RECORD_DATA_BYTES)],
        "InvalidArgumentException",
        "Record size exceeds 1 MB limit",
    );
    // Eleven records of 1 MiB minus the key: each is legal, together over
    // 10 MiB, PutRecords's limit since large records (5 MiB before).
    check_put_records_error(
        (0..11).map(|_| entry("k", MAX_RECORD_DATA_BYTES - 1)).collect(),
        "InvalidArgumentException",
        "Records size exceeds 10 MB limit",
    );
    let mut bad_hash = entry("k", 1);
    bad_hash.explicit_hash_key = Some("340282366920938463463374607431768211456".into());
    check_put_records_error(vec![entry("ok", 1), bad_hash], "InvalidArgumentException", "Invalid ExplicitHashKey");
}

#[test]
fn validation_reports_at_most_ten_violations() {
    let mut sim = sim_with_stream(1);
    let err = sim
        .put_records(PutRecordsInput { stream_name: "s".into(), records: (0..20).map(|_| entry("", 1)).collect() })
        .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("10 validation errors detected: "), "{text}");
    assert_eq!(text.matches("; ").count(), 9);
}

#[test]
fn sequence_number_for_ordering_is_validated() {
    let mut sim = sim_with_stream(1);
    let first = put(&mut sim, "k", b"1").unwrap();
    let mut next = PutRecordInput::new("s", "k", b"2".to_vec());
    next.sequence_number_for_ordering = Some(first.sequence_number.to_string());
    assert!(sim.put_record(next.clone()).unwrap().sequence_number.to_string() > first.sequence_number.to_string());
    next.sequence_number_for_ordering = Some("12".into());
    let err = sim.put_record(next).unwrap_err();
    assert_eq!(err.code(), "InvalidArgumentException");
    assert_eq!(
        err.to_string(),
        "ExclusiveMinimumSequenceNumber 12 used in PutRecord on stream s under account 123456789012 is invalid."
    );
}

/// A one-shard stream whose records may be up to `kib` KiB, `ACTIVE`.
fn sim_with_large_records(kib: u32) -> Simulation {
    let mut sim = Simulation::new();
    let input = CreateStreamInput { max_record_size_kib: Some(kib), ..CreateStreamInput::provisioned("s", 1) };
    sim.create_stream(input).unwrap();
    sim.advance(shardlab_core::limits::STREAM_CREATE_DELAY);
    sim
}

#[test]
fn records_may_be_as_large_as_the_stream_s_max_record_size() {
    let mut sim = sim_with_large_records(10_240);
    assert_eq!(sim.describe_stream_summary("s").unwrap().max_record_size_kib, 10_240);
    let ten_mib = 10 * 1024 * 1024;
    assert!(sim.put_record(PutRecordInput::new("s", "k", vec![1; ten_mib - 1])).is_ok());
    sim.advance(Duration::from_secs(20));
    let err = sim.put_record(PutRecordInput::new("s", "k", vec![1; ten_mib])).unwrap_err();
    assert_eq!((err.code(), err.to_string().as_str()), ("InvalidArgumentException", "Record size exceeds 10 MB limit"));
    // Between whole MiB the limit is stated in KB (AWS's wording unconfirmed).
    let mut sim = sim_with_large_records(1536);
    let err = sim.put_record(PutRecordInput::new("s", "k", vec![1; 1536 * 1024])).unwrap_err();
    assert_eq!(err.to_string(), "Record size exceeds 1536 KB limit");
}

#[test]
fn max_record_size_is_1024_to_10240_kib_and_updatable() {
    let mut sim = sim_with_stream(1);
    assert_eq!(sim.describe_stream_summary("s").unwrap().max_record_size_kib, 1024, "the default");
    let two_mib = vec![1; 2 * 1024 * 1024];
    let err = sim.put_record(PutRecordInput::new("s", "k", two_mib.clone())).unwrap_err();
    assert_eq!(err.to_string(), "Record size exceeds 1 MB limit");
    for kib in [1023, 10_241] {
        let bound = if kib < 1024 { "greater than or equal to 1024" } else { "less than or equal to 10240" };
        let expected = format!(
            "1 validation error detected: Value '{kib}' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value {bound}"
        );
        let err = sim.update_max_record_size("s", kib).unwrap_err();
        assert_eq!((err.code(), err.to_string()), ("ValidationException", expected.clone()));
        let input = CreateStreamInput { max_record_size_kib: Some(kib), ..CreateStreamInput::provisioned("t", 1) };
        assert_eq!(sim.create_stream(input).unwrap_err().to_string(), expected);
    }
    sim.update_max_record_size("s", 4096).unwrap();
    assert_eq!(sim.describe_stream_summary("s").unwrap().max_record_size_kib, 4096);
    assert!(sim.put_record(PutRecordInput::new("s", "k", two_mib)).is_ok());
    assert_eq!(sim.update_max_record_size("nope", 4096).unwrap_err().code(), "ResourceNotFoundException");
}

#[test]
fn a_large_record_bursts_then_the_shard_refills_at_1_mib_per_second() {
    // AWS: a shard still writes 1 MiB/s; a large record is taken by bursting
    // and the capacity refills over time. Here a 10 MiB record on an idle
    // shard leaves it about 9 MiB in debt: nine seconds of throttling.
    let mut sim = sim_with_large_records(10_240);
    sim.put_record(PutRecordInput::new("s", "big", vec![1; 10 * 1024 * 1024 - 3])).unwrap();
    let small = || PutRecordInput::new("s", "k", vec![1; 1000]);
    let throttled = |r: Result<_, PutRecordError>| matches!(r, Err(PutRecordError::ProvisionedThroughputExceeded(_)));
    assert!(throttled(sim.put_record(small())));
    sim.advance(Duration::from_millis(8_900));
    assert!(throttled(sim.put_record(small())), "still paying the burst back");
    sim.advance(Duration::from_millis(200));
    assert!(sim.put_record(small()).is_ok(), "about nine seconds later, writes resume");
}
