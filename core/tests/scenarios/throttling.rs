use shardlab_core::{Duration, PutRecordsEntry, PutRecordsInput, PutRecordsResultEntry, StartingPosition};

use crate::{iterator, put, sim_with_stream};

#[test]
fn a_shard_takes_1000_records_per_second_then_throttles() {
    let mut sim = sim_with_stream(1);
    for i in 0..1000 {
        put(&mut sim, "hot", b"x").unwrap_or_else(|e| panic!("record {i}: {e}"));
    }
    let err = put(&mut sim, "hot", b"x").unwrap_err();
    assert_eq!(err.code(), "ProvisionedThroughputExceededException");
    assert_eq!(err.to_string(), "Rate exceeded for shard shardId-000000000000 in stream s under account 123456789012.");
    // The budget refills at 1,000 records per second: 1 ms buys one record.
    sim.advance(Duration::from_millis(1));
    assert!(put(&mut sim, "hot", b"x").is_ok());
    assert!(put(&mut sim, "hot", b"x").is_err());
}

#[test]
fn a_shard_takes_one_mebibyte_per_second_counting_partition_keys() {
    let mut sim = sim_with_stream(1);
    // 1 MiB = 1,048,576 bytes: data of 1,048,575 and a 1-byte key fills it exactly.
    put(&mut sim, "k", &vec![0; 1_048_575]).unwrap();
    assert_eq!(put(&mut sim, "k", b"").unwrap_err().code(), "ProvisionedThroughputExceededException");
    sim.advance(Duration::from_secs(1));
    assert!(put(&mut sim, "k", b"").is_ok());
}

#[test]
fn put_records_fails_only_the_throttled_entries() {
    let mut sim = sim_with_stream(2);
    // user-42 is in shard 0 of 2 and b in shard 1; fill shard 0 only.
    for _ in 0..1000 {
        put(&mut sim, "user-42", b"x").unwrap();
    }
    let records = ["user-42", "b", "user-42"]
        .iter()
        .map(|k| PutRecordsEntry { data: b"y".to_vec(), partition_key: k.to_string(), explicit_hash_key: None })
        .collect();
    let out = sim.put_records(PutRecordsInput { stream_name: "s".into(), records }).unwrap();
    assert_eq!(out.failed_record_count, 2);
    let codes: Vec<Option<&str>> = out
        .records
        .iter()
        .map(|r| match r {
            PutRecordsResultEntry::Success(_) => None,
            PutRecordsResultEntry::Failure { error_code, .. } => Some(error_code.as_str()),
        })
        .collect();
    assert_eq!(
        codes,
        [Some("ProvisionedThroughputExceededException"), None, Some("ProvisionedThroughputExceededException")]
    );
}

#[test]
fn a_shard_serves_five_get_records_calls_per_second() {
    let mut sim = sim_with_stream(1);
    let mut it = iterator(&sim, 0, StartingPosition::TrimHorizon);
    for _ in 0..5 {
        it = sim.get_records(&it, None).unwrap().next_shard_iterator.unwrap();
    }
    let err = sim.get_records(&it, None).unwrap_err();
    assert_eq!(err.code(), "ProvisionedThroughputExceededException");
    assert_eq!(err.to_string(), "Rate exceeded for Shard - 123456789012/s/shardId-000000000000");
    sim.advance(Duration::from_millis(200));
    assert!(sim.get_records(&it, None).is_ok());
}

#[test]
fn a_large_read_blocks_the_shard_for_seconds() {
    let mut sim = sim_with_stream(1);
    // Ten 1-MiB records over ten seconds stay within the write limit.
    for _ in 0..10 {
        put(&mut sim, "k", &vec![0; 1_048_575]).unwrap();
        sim.advance(Duration::from_secs(1));
    }
    let it = iterator(&sim, 0, StartingPosition::TrimHorizon);
    let page = sim.get_records(&it, None).unwrap();
    assert_eq!(page.records.len(), 10, "10 MiB in one call");
    let next = page.next_shard_iterator.unwrap();
    // 10 MiB against a 2 MiB/s budget: the shard owes 8 MiB, 4 seconds of reads.
    sim.advance(Duration::from_secs(4));
    assert_eq!(sim.get_records(&next, None).unwrap_err().code(), "ProvisionedThroughputExceededException");
    sim.advance(Duration::from_millis(1));
    assert!(sim.get_records(&next, None).is_ok());
}
