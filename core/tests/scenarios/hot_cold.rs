//! The hot-cold pattern: one Kinesis stream read live by a consumer and
//! archived to S3 by a Firehose delivery stream reading the same shards.

use std::collections::BTreeMap;

use shardlab_core::firehose::{BufferingHints, CreateDeliveryStreamInput, DeliverySource, S3Destination};
use shardlab_core::kpl::{UserRecord, aggregate};
use shardlab_core::{Duration, PutRecordInput, ShardId, Simulation, StartingPosition};

use super::{iterator, put, read_all, sim_with_stream};

/// Every object's bytes under `prefix`, in the order they were delivered.
fn delivered_bytes(sim: &Simulation, bucket: &str, prefix: &str) -> Vec<u8> {
    let mut objects = sim.s3_list_objects(bucket, prefix).unwrap();
    objects.sort_by_key(|o| (o.last_modified, o.key.clone()));
    objects.iter().flat_map(|o| sim.s3_get_object(bucket, &o.key).unwrap().body.clone()).collect()
}

#[test]
fn firehose_archives_every_record_the_live_consumer_sees() {
    let mut sim = sim_with_stream(2);
    sim.s3_create_bucket("cold").unwrap();
    let mut destination = S3Destination::new("arn:aws:s3:::cold");
    destination.prefix = "orders/".into();
    destination.buffering_hints = BufferingHints { size_in_mbs: 1, interval_in_seconds: 60 };
    sim.create_delivery_stream(CreateDeliveryStreamInput {
        name: "archive".into(),
        source: DeliverySource::KinesisStream("s".into()),
        destination,
    })
    .unwrap();
    let consumer = sim.start_polling_consumer("s", StartingPosition::TrimHorizon).unwrap();

    // Records end in a newline, so that the archive splits back into them:
    // Firehose adds no delimiter of its own.
    let mut sent_by_shard: BTreeMap<ShardId, Vec<Vec<u8>>> = BTreeMap::new();
    for n in 0..300 {
        let data = format!("order-{n} user-{}\n", n % 7).into_bytes();
        let shard = put(&mut sim, &format!("user-{}", n % 7), &data).unwrap().shard_id;
        sent_by_shard.entry(shard).or_default().push(data);
        sim.advance(Duration::from_millis(700));
    }
    assert_eq!(sent_by_shard.len(), 2, "both shards take records");
    sim.advance(Duration::from_secs(120));

    // The live consumer received every record, and the newest it keeps are
    // the newest sent, per shard in order.
    let view = sim.consumers().into_iter().find(|c| c.id == consumer).unwrap();
    for cursor in &view.shards {
        let sent = &sent_by_shard[&cursor.shard];
        assert_eq!(cursor.records_read(), sent.len() as u64, "{}", cursor.shard);
        let kept: Vec<Vec<u8>> = cursor.records.iter().map(|r| r.data().to_vec()).collect();
        assert!(!kept.is_empty());
        assert_eq!(kept, sent[sent.len() - kept.len()..], "{}", cursor.shard);
    }

    // The archive holds every record exactly once, byte for byte, each
    // shard's records in their order.
    let archive = delivered_bytes(&sim, "cold", "orders/2026/01/01/00/");
    let lines: Vec<Vec<u8>> = archive.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    assert_eq!(lines.len(), 300);
    for (shard, sent) in &sent_by_shard {
        let archived: Vec<Vec<u8>> = lines.iter().filter(|line| sent.contains(line)).cloned().collect();
        assert_eq!(&archived, sent, "{shard}");
    }
    let objects = sim.s3_list_objects("cold", "").unwrap();
    assert!(objects.len() >= 3, "a 60 s interval over 210 s of records makes several objects");
    assert!(objects.iter().all(|o| o.key.starts_with("orders/2026/01/01/00/archive-1-2026-01-01-00-")));
    let status = sim.delivery_stream_status("archive").unwrap();
    assert_eq!((status.buffered_records, status.counters.delivered_records), (0, 300));

    // A direct reader of the stream still sees everything: Firehose took nothing away.
    let direct: usize = (0..2).map(|shard| read_all(&mut sim, shard).len()).sum();
    assert_eq!(direct, 300);
}

#[test]
fn firehose_delivers_the_user_records_of_kpl_aggregates() {
    let mut sim = sim_with_stream(1);
    sim.s3_create_bucket("cold").unwrap();
    sim.create_delivery_stream(CreateDeliveryStreamInput {
        name: "archive".into(),
        source: DeliverySource::KinesisStream("s".into()),
        destination: S3Destination::new("arn:aws:s3:::cold"),
    })
    .unwrap();
    let user_records: Vec<UserRecord> = ["a\n", "b\n", "c\n"].map(|data| UserRecord::new("k", data.as_bytes())).into();
    put(&mut sim, "k", &aggregate(&user_records).unwrap()).unwrap();
    put(&mut sim, "k", b"plain\n").unwrap();
    // Past the default 300 s buffering interval.
    sim.advance(Duration::from_secs(360));
    assert_eq!(delivered_bytes(&sim, "cold", ""), b"a\nb\nc\nplain\n");
    assert_eq!(sim.delivery_stream_status("archive").unwrap().counters.delivered_records, 4);
}

#[test]
fn firehose_follows_a_split_from_parent_to_children() {
    let mut sim = sim_with_stream(1);
    sim.s3_create_bucket("cold").unwrap();
    let mut destination = S3Destination::new("arn:aws:s3:::cold");
    destination.buffering_hints.interval_in_seconds = 30;
    sim.create_delivery_stream(CreateDeliveryStreamInput {
        name: "archive".into(),
        source: DeliverySource::KinesisStream("s".into()),
        destination,
    })
    .unwrap();
    let mut sent = Vec::new();
    for n in 0..20 {
        let data = format!("before-{n}\n").into_bytes();
        put(&mut sim, &format!("k{n}"), &data).unwrap();
        sent.push(data);
    }
    sim.update_shard_count("s", 2).unwrap();
    sim.advance(Duration::from_secs(60));
    for n in 0..20 {
        let data = format!("after-{n}\n").into_bytes();
        put(&mut sim, &format!("k{n}"), &data).unwrap();
        sent.push(data);
    }
    sim.advance(Duration::from_secs(120));
    let archive = delivered_bytes(&sim, "cold", "");
    let lines: Vec<Vec<u8>> = archive.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let mut sorted_lines = lines.clone();
    sorted_lines.sort();
    let mut sorted_sent = sent.clone();
    sorted_sent.sort();
    assert_eq!(sorted_lines, sorted_sent, "every record exactly once");
    // The parent's records all come before any child's.
    let first_after = lines.iter().position(|l| l.starts_with(b"after")).unwrap();
    assert!(lines[..first_after].iter().all(|l| l.starts_with(b"before")));
    assert_eq!(first_after, 20);
}

/// Shard 1 split into 2 and 3, then 0 merged with 2 into 4, while
/// Firehose cannot read shard 1 (the test takes every read call it
/// allows). Firehose reads 0 to its end first, and learns of 4 before it
/// has read 1, so before 2 is a child it knows of: 4 must still wait for 2,
/// not take it for a parent that is gone.
#[test]
fn firehose_waits_for_a_merged_childs_other_parent_it_has_not_reached_yet() {
    let mut sim = sim_with_stream(2);
    sim.s3_create_bucket("cold").unwrap();
    let destination = S3Destination::new("arn:aws:s3:::cold");
    let input = CreateDeliveryStreamInput {
        name: "archive".into(),
        source: DeliverySource::KinesisStream("s".into()),
        destination,
    };
    sim.create_delivery_stream(input).unwrap();
    let put_at = |sim: &mut Simulation, hash_key: u128, data: &str| {
        let input = PutRecordInput {
            explicit_hash_key: Some(hash_key.to_string()),
            ..PutRecordInput::new("s", "k", format!("{data}\n").into_bytes())
        };
        sim.put_record(input).unwrap().shard_id
    };
    // Firehose polls on the second; the test reads shard 1 five times a
    // second between its polls, after spending the bucket's burst.
    let mut hog = iterator(&sim, 1, StartingPosition::TrimHorizon);
    let mut read_shard_1 = |sim: &mut Simulation| {
        // Refused when the bucket is already spent, as it should be.
        if let Ok(output) = sim.get_records(&hog, None) {
            hog = output.next_shard_iterator.unwrap_or_else(|| iterator(sim, 1, StartingPosition::TrimHorizon));
        }
    };
    sim.advance(Duration::from_millis(100));
    for _ in 0..5 {
        read_shard_1(&mut sim);
    }
    let lower_quarter_of_1 = 1u128 << 127;
    sim.split_shard("s", ShardId::new(1), &(3u128 << 126).to_string()).unwrap();
    let mut merged = false;
    let mut in_2 = 0;
    for step in 0..100 {
        read_shard_1(&mut sim);
        sim.advance(Duration::from_millis(200));
        let shards: Vec<ShardId> = sim.stream("s").unwrap().shards.iter().map(|s| s.id).collect();
        if !merged && shards.contains(&ShardId::new(2)) {
            assert_eq!(put_at(&mut sim, lower_quarter_of_1, &format!("into-2-{step}")), ShardId::new(2));
            in_2 += 1;
            merged = sim.merge_shards("s", ShardId::new(0), ShardId::new(2)).is_ok();
        }
        if shards.contains(&ShardId::new(4)) {
            assert_eq!(put_at(&mut sim, 0, &format!("into-4-{step}")), ShardId::new(4));
        }
    }
    assert!(merged && in_2 > 0);
    // Shard 1 is still unread: nothing after it may have been read either.
    let counters = sim.delivery_stream_status("archive").unwrap().counters;
    assert_eq!(counters.incoming_records, 0, "{counters:?}");
    sim.advance(Duration::from_secs(400));
    let archive = delivered_bytes(&sim, "cold", "");
    let lines: Vec<&[u8]> = archive.split_inclusive(|&b| b == b'\n').collect();
    let first_into_4 = lines.iter().position(|l| l.starts_with(b"into-4")).unwrap();
    let last_into_2 = lines.iter().rposition(|l| l.starts_with(b"into-2")).unwrap();
    assert_eq!(lines.iter().filter(|l| l.starts_with(b"into-2")).count(), in_2);
    assert!(last_into_2 < first_into_4, "shard 2's records come before its child's");
}

#[test]
fn a_deleted_source_shows_as_a_read_error() {
    let mut sim = sim_with_stream(1);
    sim.create_delivery_stream(CreateDeliveryStreamInput {
        name: "archive".into(),
        source: DeliverySource::KinesisStream("s".into()),
        destination: S3Destination::new("arn:aws:s3:::cold"),
    })
    .unwrap();
    sim.advance(Duration::from_secs(1));
    assert_eq!(sim.delivery_stream_status("archive").unwrap().last_source_error, None);
    sim.delete_stream("s").unwrap();
    sim.advance(Duration::from_secs(10));
    let error = sim.delivery_stream_status("archive").unwrap().last_source_error.unwrap();
    assert!(error.starts_with("ResourceNotFoundException: "), "{error}");
}
