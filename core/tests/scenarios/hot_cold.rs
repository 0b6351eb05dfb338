//! The hot-cold pattern: one Kinesis stream read live by a consumer and
//! archived to S3 by a Firehose delivery stream reading the same shards.

use std::collections::BTreeMap;

use shardlab_core::firehose::{BufferingHints, CreateDeliveryStreamInput, DeliverySource, S3Destination};
use shardlab_core::kpl::{UserRecord, aggregate};
use shardlab_core::{Duration, ShardId, Simulation, StartingPosition};

use super::{put, read_all, sim_with_stream};

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
