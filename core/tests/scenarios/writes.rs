use shardlab_core::{CreateStreamError, MAX_RECORD_DATA_BYTES, PutRecordError, PutRecordInput, Simulation};

use crate::{put, sim_with_stream};

#[test]
fn sequence_numbers_increase_within_a_shard() {
    let mut sim = sim_with_stream(2);
    let seqs: Vec<String> =
        (0..20).map(|_| put(&mut sim, "same-key", b"x").unwrap().sequence_number.to_string()).collect();
    assert!(seqs.windows(2).all(|w| w[0].len() == 56 && w[0] < w[1]), "{seqs:?}");
}

#[track_caller]
fn check_put_error(key: &str, data_len: usize, explicit: Option<&str>, code: &str, message: &str) {
    let mut sim = sim_with_stream(1);
    let err = sim
        .put_record(PutRecordInput {
            stream_name: "s".into(),
            partition_key: key.into(),
            data: vec![0; data_len],
            explicit_hash_key: explicit.map(Into::into),
        })
        .unwrap_err();
    assert_eq!((err.code(), err.to_string().as_str()), (code, message));
    assert_eq!(sim.stream("s").unwrap().shards[0].n_records, 0, "a refused record is not stored");
}

#[test]
fn bad_puts_get_aws_errors_and_store_nothing() {
    check_put_error(
        "",
        1,
        None,
        "ValidationException",
        "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    check_put_error(
        &"k".repeat(257),
        1,
        None,
        "ValidationException",
        &format!(
            "1 validation error detected: Value '{}' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256",
            "k".repeat(257)
        ),
    );
    check_put_error(
        "k",
        MAX_RECORD_DATA_BYTES + 1,
        None,
        "ValidationException",
        "1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    );
    check_put_error(
        "k",
        1,
        Some("340282366920938463463374607431768211456"),
        "InvalidArgumentException",
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456",
    );
    check_put_error(
        "k",
        1,
        Some("-1"),
        "ValidationException",
        "1 validation error detected: Value '-1' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
    );
}

#[test]
fn a_record_of_exactly_one_mebibyte_is_accepted() {
    let mut sim = sim_with_stream(1);
    assert!(put(&mut sim, "k", &vec![0; MAX_RECORD_DATA_BYTES]).is_ok());
}

#[test]
fn put_to_a_missing_stream_is_resource_not_found() {
    let mut sim = Simulation::new();
    let err = put(&mut sim, "k", b"x").unwrap_err();
    assert!(matches!(err, PutRecordError::ResourceNotFound(_)));
    assert_eq!(err.to_string(), "Stream s under account 123456789012 not found.");
}

#[track_caller]
fn check_create_error(name: &str, shards: u32, code: &str, message_part: &str) {
    let mut sim = sim_with_stream(1);
    let err = sim.create_stream(name, shards).unwrap_err();
    assert_eq!(err.code(), code);
    assert!(err.to_string().contains(message_part), "{err}");
}

#[test]
fn create_stream_validates_like_aws() {
    check_create_error("s", 2, "ResourceInUseException", "Stream s under account 123456789012 already exists.");
    check_create_error(
        "bad name",
        1,
        "ValidationException",
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );
    check_create_error("", 1, "ValidationException", "Member must have length greater than or equal to 1");
    check_create_error(&"n".repeat(129), 1, "ValidationException", "Member must have length less than or equal to 128");
    check_create_error("ok", 0, "ValidationException", "Value '0' at 'shardCount'");
    let mut sim = Simulation::new();
    assert!(matches!(sim.create_stream(&"n".repeat(128), 1), Ok(())));
    assert!(matches!(sim.create_stream("s", 0), Err(CreateStreamError::Validation(_))));
}
