//! Delivery-stream behaviour: buffering, transformation, conversion,
//! compression, keys, batch limits and retries.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::format::{RecordFormat, gunzip};
use super::transform::{TransformFunction, TransformStep};
use super::*;
use crate::s3::ObjectSummary;

const BUCKET: &str = "archive";

/// A simulation with bucket `archive` and a Direct PUT delivery stream `d`
/// configured by `configure`.
fn sim_with_delivery_stream(configure: impl FnOnce(&mut S3Destination)) -> Simulation {
    let mut sim = Simulation::new();
    sim.s3_create_bucket(BUCKET).unwrap();
    let mut destination = S3Destination::new("arn:aws:s3:::archive");
    configure(&mut destination);
    let input = CreateDeliveryStreamInput { name: "d".into(), source: DeliverySource::DirectPut, destination };
    sim.create_delivery_stream(input).unwrap();
    sim
}

fn objects(sim: &Simulation, prefix: &str) -> Vec<ObjectSummary> {
    sim.s3_list_objects(BUCKET, prefix).unwrap()
}

fn body(sim: &Simulation, key: &str) -> Vec<u8> {
    sim.s3_get_object(BUCKET, key).unwrap().body.clone()
}

fn text(sim: &Simulation, key: &str) -> String {
    String::from_utf8(body(sim, key)).unwrap()
}

#[test]
fn delivers_on_interval_when_size_is_not_reached() {
    let mut sim =
        sim_with_delivery_stream(|d| d.buffering_hints = BufferingHints { size_in_mbs: 1, interval_in_seconds: 60 });
    sim.firehose_put_record("d", b"a".to_vec()).unwrap();
    sim.advance(Duration::from_secs(30));
    sim.firehose_put_record("d", b"b".to_vec()).unwrap();
    let status = sim.delivery_stream_status("d").unwrap();
    assert_eq!((status.buffered_records, status.buffered_bytes), (2, 2));
    assert_eq!(status.buffer_age, Some(Duration::from_secs(30)));
    sim.advance(Duration::from_millis(29_999));
    assert!(objects(&sim, "").is_empty(), "the interval counts from the first record");
    sim.advance(Duration::from_millis(1));
    let delivered = objects(&sim, "");
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].last_modified, Instant::SIMULATION_START + Duration::from_secs(60));
    assert_eq!(text(&sim, &delivered[0].key), "ab");
    let status = sim.delivery_stream_status("d").unwrap();
    assert_eq!((status.buffered_records, status.buffer_age, status.counters.delivered_objects), (0, None, 1));
}

#[test]
fn delivers_on_size_before_the_interval() {
    let mut sim =
        sim_with_delivery_stream(|d| d.buffering_hints = BufferingHints { size_in_mbs: 1, interval_in_seconds: 900 });
    let record = vec![b'x'; 300 * 1024];
    for _ in 0..3 {
        sim.firehose_put_record("d", record.clone()).unwrap();
    }
    assert!(objects(&sim, "").is_empty(), "900 KiB is under the 1 MiB hint");
    // The fourth record takes the buffer to 1,200 KiB: delivered at once, without waiting.
    sim.firehose_put_record("d", record.clone()).unwrap();
    let delivered = objects(&sim, "");
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].size, 4 * 300 * 1024);
    assert_eq!(delivered[0].last_modified, Instant::SIMULATION_START);
    assert_eq!(sim.delivery_stream_status("d").unwrap().buffered_records, 0);
}

#[test]
fn object_keys_use_the_prefix_and_the_utc_hour_of_the_oldest_record() {
    let mut sim = sim_with_delivery_stream(|d| {
        d.prefix = "logs/".into();
        d.buffering_hints.interval_in_seconds = 120;
    });
    // 2026-01-01T00:59:30Z: the object lands after 01:00 but is filed under hour 00.
    sim.advance(Duration::from_secs(59 * 60 + 30));
    sim.firehose_put_record("d", b"x".to_vec()).unwrap();
    sim.advance(Duration::from_secs(120));
    let keys: Vec<String> = objects(&sim, "").into_iter().map(|o| o.key).collect();
    assert_eq!(keys.len(), 1);
    let key = &keys[0];
    let (folder, name) = key.rsplit_once('/').unwrap();
    assert_eq!(folder, "logs/2026/01/01/00");
    let (stamp, random) = name.strip_prefix("d-1-").unwrap().split_at(19);
    assert_eq!(stamp, "2026-01-01-00-59-30");
    let random = random.strip_prefix('-').unwrap();
    let lengths: Vec<usize> = random.split('-').map(str::len).collect();
    assert_eq!(lengths, [8, 4, 4, 4, 12], "{random}");
}

#[test]
fn gzip_objects_end_in_gz_and_inflate_to_the_exact_bytes() {
    let mut sim = sim_with_delivery_stream(|d| {
        d.compression = CompressionFormat::Gzip;
        d.buffering_hints.interval_in_seconds = 0;
    });
    let records: [&[u8]; 3] = [b"{\"n\":1}\n", &[0, 255, 7, 13], b"last"];
    sim.firehose_put_record_batch("d", records.iter().map(|r| r.to_vec()).collect()).unwrap();
    sim.advance(Duration::ZERO);
    let delivered = objects(&sim, "");
    assert_eq!(delivered.len(), 1);
    assert!(delivered[0].key.ends_with(".gz"), "{}", delivered[0].key);
    assert_eq!(gunzip(&body(&sim, &delivered[0].key)), Some(records.concat()));
}

#[test]
fn transformation_results_route_records() {
    let mut sim = Simulation::new();
    let steps = vec![
        TransformStep::DropIfContains("DEBUG".into()),
        TransformStep::FailIfContains("poison".into()),
        TransformStep::Uppercase,
        TransformStep::AppendNewline,
    ];
    let arn = sim.create_transform_function(TransformFunction { name: "clean".into(), steps }).unwrap();
    sim.s3_create_bucket(BUCKET).unwrap();
    let mut destination = S3Destination::new("arn:aws:s3:::archive");
    destination.processor = Some(arn.clone());
    destination.error_output_prefix = "errors/".into();
    destination.buffering_hints.interval_in_seconds = 60;
    sim.create_delivery_stream(CreateDeliveryStreamInput {
        name: "d".into(),
        source: DeliverySource::DirectPut,
        destination,
    })
    .unwrap();
    let records = ["a", "DEBUG b", "poison c", "d"].map(|r| r.as_bytes().to_vec()).to_vec();
    sim.firehose_put_record_batch("d", records).unwrap();
    sim.advance(Duration::from_secs(60));

    let data = objects(&sim, "2026/");
    assert_eq!(data.len(), 1);
    assert_eq!(text(&sim, &data[0].key), "A\nD\n");
    let errors = objects(&sim, "errors/");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].key.starts_with("errors/processing-failed/2026/01/01/00/d-1-"), "{}", errors[0].key);
    let document: serde_json::Value = serde_json::from_str(text(&sim, &errors[0].key).trim_end()).unwrap();
    assert_eq!(document["errorCode"], "Lambda.ProcessingFailedStatus");
    assert_eq!(document["errorMessage"], "ProcessingFailed status set for record");
    assert_eq!(document["rawData"], base64::encode(b"poison c"));
    assert_eq!(document["lambdaARN"], arn.as_str());
    assert_eq!(document["attemptsMade"], 1);
    assert_eq!(document["arrivalTimestamp"], Instant::SIMULATION_START.epoch_millis());
    let counters = sim.delivery_stream_status("d").unwrap().counters;
    assert_eq!((counters.delivered_records, counters.dropped_records, counters.failed_records), (2, 1, 1));
    assert_eq!(counters.delivered_objects, 1, "error objects are not data deliveries");
}

#[test]
fn conversion_to_csv_and_ndjson() {
    for (format, expected) in [
        (RecordFormat::Csv { columns: vec!["id".into(), "city".into()] }, "1,Oslo\n2,\"Rome, IT\"\n"),
        (RecordFormat::NdJson, "{\"city\":\"Oslo\",\"id\":1}\n{\"city\":\"Rome, IT\",\"id\":2}\n"),
    ] {
        let mut sim = sim_with_delivery_stream(|d| {
            d.record_format = Some(format.clone());
            d.buffering_hints.interval_in_seconds = 0;
        });
        let records = [r#"{"id":1,"city":"Oslo"}"#, "not json", r#"{"city":"Rome, IT", "id":2}"#];
        sim.firehose_put_record_batch("d", records.map(|r| r.as_bytes().to_vec()).to_vec()).unwrap();
        sim.advance(Duration::ZERO);
        let data = objects(&sim, "2026/");
        assert_eq!(text(&sim, &data[0].key), expected, "{format:?}");
        let failed = objects(&sim, "format-conversion-failed/");
        assert_eq!(failed.len(), 1, "{format:?}");
        assert!(text(&sim, &failed[0].key).contains(&base64::encode(b"not json")));
    }
}

#[track_caller]
fn check_batch_refused(records: Vec<Vec<u8>>, code: &str, message: &str) {
    let mut sim = sim_with_delivery_stream(|_| {});
    let error = sim.firehose_put_record_batch("d", records).unwrap_err();
    assert_eq!((error.code(), error.to_string().as_str()), (code, message));
    assert_eq!(sim.delivery_stream_status("d").unwrap().buffered_records, 0, "a refused batch takes nothing");
}

#[test]
fn put_record_batch_limits() {
    check_batch_refused(
        vec![b"x".to_vec(); 501],
        "ValidationException",
        &format!(
            "1 validation error detected: Value '[{}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500",
            ["com.amazonaws.firehose.v20150804.Record@b6"; 501].join(", ")
        ),
    );
    check_batch_refused(
        vec![],
        "ValidationException",
        "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    check_batch_refused(
        vec![b"x".to_vec(), vec![0; MAX_RECORD_BYTES + 1]],
        "ValidationException",
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1024001 cap=1024001]' at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1024000",
    );
    check_batch_refused(
        vec![vec![0; 1_000_000]; 5],
        "InvalidArgumentException",
        "Records size 5000000 bytes exceeds the 4194304 bytes limit of PutRecordBatch.",
    );
}

#[test]
fn records_over_the_throughput_quota_fail_one_by_one() {
    let mut sim = sim_with_delivery_stream(|d| d.buffering_hints.size_in_mbs = 128);
    // Batches of 4 MB: the second one crosses 5 MiB in this second.
    let batch = vec![vec![1u8; 1_000_000]; 4];
    let first = sim.firehose_put_record_batch("d", batch.clone()).unwrap();
    assert_eq!(first.failed_put_count, 0);
    let second = sim.firehose_put_record_batch("d", batch.clone()).unwrap();
    assert_eq!(second.failed_put_count, 3);
    assert!(matches!(second.request_responses[0], PutRecordBatchEntry::Ok(_)));
    for entry in &second.request_responses[1..] {
        assert_eq!(
            entry,
            &PutRecordBatchEntry::Failed {
                error_code: "ServiceUnavailableException".into(),
                error_message: "Slow down.".into()
            }
        );
    }
    assert_eq!(sim.firehose_put_record("d", vec![1; 300_000]).unwrap_err(), FirehoseError::ServiceUnavailable);
    sim.advance(Duration::from_secs(1));
    assert_eq!(sim.firehose_put_record_batch("d", batch).unwrap().failed_put_count, 0);
}

#[test]
fn record_ids_are_unique() {
    let mut sim = sim_with_delivery_stream(|_| {});
    let output = sim.firehose_put_record_batch("d", vec![b"a".to_vec(); 50]).unwrap();
    let mut ids: Vec<String> = output
        .request_responses
        .iter()
        .map(|e| match e {
            PutRecordBatchEntry::Ok(id) => id.clone(),
            PutRecordBatchEntry::Failed { .. } => panic!("{e:?}"),
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 50);
}

#[test]
fn delivery_to_a_missing_bucket_is_retried_then_expires() {
    let mut sim = Simulation::new();
    let mut destination = S3Destination::new("arn:aws:s3:::later");
    destination.buffering_hints.interval_in_seconds = 0;
    let input = CreateDeliveryStreamInput { name: "d".into(), source: DeliverySource::DirectPut, destination };
    sim.create_delivery_stream(input.clone()).unwrap();
    sim.firehose_put_record("d", b"kept".to_vec()).unwrap();
    sim.advance(Duration::from_secs(12));
    let status = sim.delivery_stream_status("d").unwrap();
    assert_eq!(status.undelivered_objects, 1);
    assert_eq!(status.counters.failed_delivery_attempts, 3, "at 0, 5 and 10 s");
    assert_eq!(status.next_retry, Some(Instant::SIMULATION_START + Duration::from_secs(15)));
    sim.s3_create_bucket("later").unwrap();
    sim.advance(Duration::from_secs(3));
    assert_eq!(sim.s3_list_objects("later", "").unwrap().len(), 1);
    assert_eq!(sim.delivery_stream_status("d").unwrap().counters.delivered_records, 1);

    let mut sim = Simulation::new();
    sim.create_delivery_stream(input).unwrap();
    sim.firehose_put_record("d", b"lost".to_vec()).unwrap();
    sim.advance(S3_RETRY_LIMIT);
    let status = sim.delivery_stream_status("d").unwrap();
    assert_eq!((status.undelivered_objects, status.counters.expired_records), (0, 1));
}

#[track_caller]
fn check_create_refused(configure: impl FnOnce(&mut CreateDeliveryStreamInput), code: &str, message: &str) {
    let mut sim = Simulation::new();
    let mut input = CreateDeliveryStreamInput {
        name: "d".into(),
        source: DeliverySource::DirectPut,
        destination: S3Destination::new("arn:aws:s3:::archive"),
    };
    sim.create_delivery_stream(input.clone()).unwrap();
    input.name = "e".into();
    configure(&mut input);
    let error = sim.create_delivery_stream(input).unwrap_err();
    assert_eq!((error.code(), error.to_string().as_str()), (code, message));
}

#[test]
fn create_delivery_stream_validation() {
    check_create_refused(
        |i| i.name = "d".into(),
        "ResourceInUseException",
        "Firehose d under accountId 123456789012 already exists",
    );
    check_create_refused(
        |i| i.destination.buffering_hints = BufferingHints { size_in_mbs: 0, interval_in_seconds: 901 },
        "ValidationException",
        "2 validation errors detected: Value '0' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value greater than or equal to 1; Value '901' at 'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
    );
    check_create_refused(
        |i| i.destination.processor = Some(transform::function_arn("nope")),
        "InvalidArgumentException",
        "Lambda function arn:aws:lambda:us-east-1:123456789012:function:nope does not exist.",
    );
    check_create_refused(
        |i| i.source = DeliverySource::KinesisStream("nope".into()),
        "InvalidArgumentException",
        "Kinesis stream arn:aws:kinesis:us-east-1:123456789012:stream/nope does not exist or is not ACTIVE.",
    );
    check_create_refused(
        |i| i.destination.bucket_arn = "archive".into(),
        "InvalidArgumentException",
        "BucketARN archive is not a valid S3 bucket ARN (arn:aws:s3:::NAME).",
    );
}

#[test]
fn a_deleted_delivery_stream_loses_its_buffer() {
    let mut sim = sim_with_delivery_stream(|_| {});
    sim.firehose_put_record("d", b"gone".to_vec()).unwrap();
    sim.delete_delivery_stream("d").unwrap();
    sim.advance(Duration::from_secs(600));
    assert!(objects(&sim, "").is_empty());
    assert_eq!(
        sim.firehose_put_record("d", b"x".to_vec()).unwrap_err().to_string(),
        "Firehose d under account 123456789012 not found."
    );
}

#[test]
fn snapshot_keeps_a_half_filled_buffer() {
    let mut sim = sim_with_delivery_stream(|d| d.buffering_hints.interval_in_seconds = 60);
    sim.firehose_put_record("d", b"half".to_vec()).unwrap();
    sim.advance(Duration::from_secs(20));
    let mut restored = Simulation::restore(&sim.snapshot()).unwrap();
    assert_eq!(restored.delivery_stream_status("d"), sim.delivery_stream_status("d"));
    restored.advance(Duration::from_secs(40));
    let delivered = restored.s3_list_objects(BUCKET, "").unwrap();
    assert_eq!(restored.s3_get_object(BUCKET, &delivered[0].key).unwrap().body, b"half");
    assert_eq!(restored.snapshot(), {
        sim.advance(Duration::from_secs(40));
        sim.snapshot()
    });
}

/// Every object key in the bucket, in order.
fn keys(sim: &Simulation) -> Vec<String> {
    objects(sim, "").into_iter().map(|o| o.key).collect()
}

/// `key` without its `d-1-YYYY-MM-DD-HH-MM-SS-UUID` object name: its evaluated prefix.
fn folder(key: &str) -> &str {
    &key[..key.find("d-1-").unwrap_or_else(|| panic!("{key} has no object name"))]
}

#[test]
fn a_custom_timestamp_prefix_replaces_the_default_with_the_oldest_records_utc_arrival() {
    let mut sim = sim_with_delivery_stream(|d| {
        d.prefix = "logs/!{timestamp:yyyy/MM/dd}/".into();
        d.error_output_prefix = "errors/!{firehose:error-output-type}/".into();
        d.buffering_hints.interval_in_seconds = 60;
    });
    // 2026-01-01T23:59:30Z, then 2026-01-02T00:00:10Z in the same object.
    sim.advance(Duration::from_secs(23 * 3600 + 59 * 60 + 30));
    sim.firehose_put_record("d", b"old".to_vec()).unwrap();
    sim.advance(Duration::from_secs(40));
    sim.firehose_put_record("d", b"new".to_vec()).unwrap();
    sim.advance(Duration::from_secs(20));
    let keys = keys(&sim);
    assert_eq!(keys.len(), 1);
    assert_eq!(folder(&keys[0]), "logs/2026/01/01/", "no YYYY/MM/dd/HH/ after a prefix with a timestamp");
    assert!(keys[0].starts_with("logs/2026/01/01/d-1-2026-01-01-23-59-30-"), "{}", keys[0]);
    assert_eq!(text(&sim, &keys[0]), "oldnew");
}

/// The keys a fresh simulation writes for two records delivered apart under `prefix`.
fn keys_under(prefix: &str) -> Vec<String> {
    let mut sim = sim_with_delivery_stream(|d| {
        d.prefix = prefix.into();
        d.error_output_prefix = "errors/!{firehose:error-output-type}/".into();
        d.buffering_hints.interval_in_seconds = 0;
    });
    for record in ["a", "b"] {
        sim.firehose_put_record("d", record.as_bytes().to_vec()).unwrap();
        sim.advance(Duration::from_secs(1));
    }
    keys(&sim)
}

#[test]
fn random_string_is_11_characters_new_each_time_and_fixed_by_the_seed() {
    let keys = keys_under("!{firehose:random-string}/!{timestamp:yyyy}/");
    assert_eq!(keys, keys_under("!{firehose:random-string}/!{timestamp:yyyy}/"), "same seed, same keys");
    let randoms: Vec<&str> = keys.iter().map(|k| k.split('/').next().unwrap()).collect();
    for random in &randoms {
        assert!(random.len() == 11 && random.bytes().all(|c| c.is_ascii_hexdigit()), "{random}");
    }
    assert_ne!(randoms[0], randoms[1]);
    assert!(keys.iter().all(|k| &k[12..17] == "2026/"), "{keys:?}");
}

#[test]
fn a_prefix_without_a_timestamp_gets_the_hour_folders_after_it() {
    let keys = keys_under("r=!{firehose:random-string}/");
    assert_eq!(&folder(&keys[0])[..2], "r=");
    assert_eq!(&folder(&keys[0])[14..], "2026/01/01/00/", "{keys:?}");
}

#[track_caller]
fn check_error_folder(prefix: &str, error_output_prefix: &str, expected: &str) {
    let mut sim = sim_with_delivery_stream(|d| {
        d.prefix = prefix.into();
        d.error_output_prefix = error_output_prefix.into();
        d.record_format = Some(RecordFormat::NdJson);
        d.buffering_hints.interval_in_seconds = 0;
    });
    sim.firehose_put_record("d", b"not json".to_vec()).unwrap();
    sim.advance(Duration::ZERO);
    let keys = keys(&sim);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(folder(&keys[0]), expected, "Prefix {prefix:?} ErrorOutputPrefix {error_output_prefix:?}");
}

#[test]
fn failed_records_go_where_awss_table_says() {
    // No ErrorOutputPrefix: under Prefix, then the error output type and the hour.
    check_error_folder("", "", "format-conversion-failed/2026/01/01/00/");
    check_error_folder("logs/", "", "logs/format-conversion-failed/2026/01/01/00/");
    // An ErrorOutputPrefix without expressions: the same after it.
    check_error_folder("logs/", "errors/", "errors/format-conversion-failed/2026/01/01/00/");
    // With expressions: evaluated as it is, with nothing added.
    check_error_folder(
        "logs/!{timestamp:yyyy}/",
        "errors/!{timestamp:'y='yyyy}/!{firehose:error-output-type}/",
        "errors/y=2026/format-conversion-failed/",
    );
}

#[test]
fn prefix_rules_are_enforced() {
    let rules: &[(&str, &str, &str)] = &[
        ("!{timestamp:yyyy/MM/dd}", "", "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions"),
        ("logs/!{firehose:error-output-type}/", "e/", "Prefix cannot contain !{firehose:error-output-type}."),
        (
            "logs/",
            "errors/!{timestamp:yyyy}/",
            "ErrorOutputPrefix must contain !{firehose:error-output-type} when it contains expressions.",
        ),
        (
            "logs/",
            "errors/!{firehose:error-output-type}/!{partitionKeyFromQuery:k}/",
            "ErrorOutputPrefix cannot contain partitionKeyFromQuery or partitionKeyFromLambda expressions.",
        ),
        (
            "c=!{partitionKeyFromQuery:c}/",
            "e/!{firehose:error-output-type}/",
            "Dynamic Partitioning Namespaces can only be part of a prefix expression when Dynamic Partitioning is enabled.",
        ),
        (
            "logs/!{timestamp:yyyy",
            "",
            "Prefix logs/!{timestamp:yyyy is invalid: the sequence !{ can only appear in !{namespace:value} expressions.",
        ),
        (
            "logs/!{timestamp:QQ}/",
            "e/!{firehose:error-output-type}",
            "Prefix expression !{timestamp:QQ} is invalid: pattern letter 'Q' is not supported (supported: y M d D H m s and quoted text).",
        ),
    ];
    for (prefix, error_output_prefix, message) in rules {
        check_create_refused(
            |i| {
                i.destination.prefix = (*prefix).into();
                i.destination.error_output_prefix = (*error_output_prefix).into();
            },
            "InvalidArgumentException",
            message,
        );
    }
}

/// A destination partitioned by `{customer: .customer}`, 64 MiB and 60 s.
fn partitioned(d: &mut S3Destination) {
    d.dynamic_partitioning = true;
    d.metadata_extraction_query = Some("{customer: .customer}".into());
    d.prefix = "customer=!{partitionKeyFromQuery:customer}/".into();
    d.error_output_prefix = "errors/!{firehose:error-output-type}/".into();
    d.buffering_hints = BufferingHints { size_in_mbs: 64, interval_in_seconds: 60 };
}

#[test]
fn dynamic_partitioning_rules_are_enforced() {
    /// A change to a valid partitioned destination, and the refusal it meets.
    type Rule = (fn(&mut S3Destination), &'static str);
    let rules: &[Rule] = &[
        (
            |d| d.buffering_hints.size_in_mbs = 63,
            "BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled.",
        ),
        (
            |d| d.buffering_hints.interval_in_seconds = 0,
            "BufferingHints.IntervalInSeconds must be at least 60 when Dynamic Partitioning is enabled.",
        ),
        (
            |d| d.prefix = "static/".into(),
            "S3 Prefix should contain Dynamic Partitioning namespaces when Dynamic Partitioning is enabled",
        ),
        (
            |d| d.prefix = "c=!{partitionKeyFromQuery:region}/".into(),
            "Prefix uses !{partitionKeyFromQuery:region}, which no MetadataExtractionQuery defines.",
        ),
        (
            |d| d.prefix = "c=!{partitionKeyFromLambda:region}/".into(),
            "Prefix uses !{partitionKeyFromLambda:region}, which needs a Lambda processor.",
        ),
        (
            |d| d.metadata_extraction_query = Some("{customer: .customer | ascii_downcase}".into()),
            "MetadataExtractionQuery is not valid: unexpected '|' at character 22; the simulation's jq subset is {key: .path, …}.",
        ),
        (
            |d| d.dynamic_partitioning = false,
            "Dynamic Partitioning Namespaces can only be part of a prefix expression when Dynamic Partitioning is enabled.",
        ),
        (
            |d| {
                d.dynamic_partitioning = false;
                d.prefix = "logs/".into();
            },
            "class com.amazonaws.services.firehose.internal.model.MetadataExtractionProcessor can only be present when Dynamic Partitioning is enabled.",
        ),
    ];
    for (configure, message) in rules {
        check_create_refused(
            |i| {
                partitioned(&mut i.destination);
                configure(&mut i.destination);
            },
            "InvalidArgumentException",
            message,
        );
    }
}

#[test]
fn dynamic_partitioning_groups_records_into_objects_by_partition_key() {
    let mut sim = sim_with_delivery_stream(partitioned);
    let records =
        [r#"{"customer":"a","n":1}"#, r#"{"customer":7}"#, r#"{"customer":"a","n":2}"#, r#"{"n":3}"#, "not json"];
    sim.firehose_put_record_batch("d", records.map(|r| r.as_bytes().to_vec()).to_vec()).unwrap();
    // Customer b opens its partition 30 s later: it has an interval of its own.
    sim.advance(Duration::from_secs(30));
    sim.firehose_put_record("d", br#"{"customer":"b"}"#.to_vec()).unwrap();
    let status = sim.delivery_stream_status("d").unwrap();
    assert_eq!((status.buffered_records, status.active_partitions), (6, 4), "a, 7, b and partitioning-failed");
    sim.advance(Duration::from_secs(30));
    let folders: Vec<String> = keys(&sim).iter().map(|k| folder(k).to_string()).collect();
    assert_eq!(folders, ["customer=7/", "customer=a/", "errors/partitioning-failed/"]);
    assert_eq!(text(&sim, &objects(&sim, "customer=a/")[0].key), r#"{"customer":"a","n":1}{"customer":"a","n":2}"#);
    let failed = text(&sim, &objects(&sim, "errors/")[0].key);
    let documents: Vec<serde_json::Value> = failed.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0]["errorCode"], "DynamicPartitioning.MetadataExtractionFailed");
    assert_eq!(documents[0]["errorMessage"], "partitionKeys values must not be null or empty: customer");
    assert_eq!(documents[1]["errorMessage"], "Non JSON record provided");
    assert_eq!(documents[1]["rawData"], base64::encode(b"not json"));
    assert_eq!(sim.delivery_stream_status("d").unwrap().active_partitions, 1, "b is still open");
    sim.advance(Duration::from_secs(30));
    assert_eq!(objects(&sim, "customer=b/").len(), 1);
    let counters = sim.delivery_stream_status("d").unwrap().counters;
    assert_eq!((counters.delivered_objects, counters.delivered_records, counters.failed_records), (3, 4, 2));
}

#[test]
fn dynamic_partitioning_takes_keys_from_the_functions_metadata() {
    let mut sim = Simulation::new();
    let steps = vec![TransformStep::PartitionKeys("{region: .region}".into()), TransformStep::AppendNewline];
    let arn = sim.create_transform_function(TransformFunction { name: "keys".into(), steps }).unwrap();
    sim.s3_create_bucket(BUCKET).unwrap();
    let mut destination = S3Destination::new("arn:aws:s3:::archive");
    partitioned(&mut destination);
    destination.metadata_extraction_query = None;
    destination.processor = Some(arn);
    destination.prefix = "region=!{partitionKeyFromLambda:region}/!{timestamp:yyyy}/".into();
    let input = CreateDeliveryStreamInput { name: "d".into(), source: DeliverySource::DirectPut, destination };
    sim.create_delivery_stream(input).unwrap();
    let records = [r#"{"region":"eu"}"#, r#"{"region":"us"}"#, r#"{"region":"eu"}"#, "{}"];
    sim.firehose_put_record_batch("d", records.map(|r| r.as_bytes().to_vec()).to_vec()).unwrap();
    sim.advance(Duration::from_secs(60));
    let folders: Vec<String> = keys(&sim).iter().map(|k| folder(k).to_string()).collect();
    assert_eq!(folders, ["errors/partitioning-failed/", "region=eu/2026/", "region=us/2026/"]);
    assert_eq!(text(&sim, &objects(&sim, "region=eu/")[0].key), "{\"region\":\"eu\"}\n{\"region\":\"eu\"}\n");
}

#[test]
fn snapshot_keeps_open_partitions() {
    let mut sim = sim_with_delivery_stream(partitioned);
    sim.firehose_put_record("d", br#"{"customer":"a"}"#.to_vec()).unwrap();
    sim.advance(Duration::from_secs(20));
    let mut restored = Simulation::restore(&sim.snapshot()).unwrap();
    assert_eq!(restored.delivery_stream_status("d"), sim.delivery_stream_status("d"));
    restored.advance(Duration::from_secs(40));
    assert_eq!(restored.s3_list_objects(BUCKET, "customer=a/").unwrap().len(), 1);
}
