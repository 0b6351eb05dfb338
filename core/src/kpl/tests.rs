use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use proptest::prelude::*;

use super::*;
use crate::{CreateStreamInput, GetShardIteratorInput, HashKey, PutRecordInput, Simulation, StartingPosition, limits};

/// Bytes from hex digits, ignoring spaces and `//` comments, so that vectors
/// can be laid out one field to a line.
fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text
        .lines()
        .flat_map(|line| line.split("//").next().unwrap().bytes())
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    digits.chunks(2).map(|pair| u8::from_str_radix(core::str::from_utf8(pair).unwrap(), 16).unwrap()).collect()
}

/// `message` framed as an aggregated record: magic, message, its MD5.
fn framed(message: &[u8]) -> Vec<u8> {
    [&MAGIC[..], message, &Md5::digest(message)[..]].concat()
}

fn record(partition_key: &str, explicit_hash_key: Option<&str>, data: &[u8]) -> UserRecord {
    UserRecord { explicit_hash_key: explicit_hash_key.map(String::from), ..UserRecord::new(partition_key, data) }
}

/// Checks that `records` aggregate to exactly `blob`, and that `blob` de-aggregates back to `records`.
#[track_caller]
fn check_vector(records: &[UserRecord], blob: &str) {
    let blob = hex(blob);
    assert_eq!(aggregate(records).unwrap(), blob);
    assert_eq!(deaggregate(&blob), Deaggregated::Aggregated(records.to_vec()));
}

// In the vectors below, the digests were computed apart from this crate
// (Python's `hashlib.md5` over the message bytes).

#[test]
fn one_record() {
    check_vector(
        &[record("a", None, b"x")],
        "F3899AC2
         0A 01 61                 // partition_key_table: \"a\"
         1A 05 08 00 1A 01 78     // records: { partition_key_index: 0, data: \"x\" }
         274FA4A221609241966B02C7AFBF4283",
    );
}

#[test]
fn two_records_share_a_partition_key() {
    check_vector(
        &[record("k", None, b"1"), record("k", None, b"2")],
        "F3899AC2
         0A 01 6B
         1A 05 08 00 1A 01 31
         1A 05 08 00 1A 01 32
         00F3DCA485C89B1D564590A7C7247805",
    );
}

#[test]
fn explicit_hash_key() {
    check_vector(
        &[record("k", Some("42"), b"d")],
        "F3899AC2
         0A 01 6B
         12 02 34 32                    // explicit_hash_key_table: \"42\"
         1A 07 08 00 10 00 1A 01 64     // records: { partition_key_index: 0, explicit_hash_key_index: 0, data: \"d\" }
         3FD92D80F8EF1891453C1E1A5AA2E4BE",
    );
}

#[test]
fn keys_are_numbered_by_first_use_in_each_table() {
    check_vector(
        &[record("p", None, b"1"), record("q", Some("7"), b"2"), record("p", Some("7"), b"3")],
        "F3899AC2
         0A 01 70   0A 01 71   12 01 37
         1A 05 08 00 1A 01 31
         1A 07 08 01 10 00 1A 01 32
         1A 07 08 00 10 00 1A 01 33
         38754B0E322DBC2912CE0FC2A399B50C",
    );
}

#[test]
fn tags_with_and_without_value() {
    let tags = vec![Tag { key: "t".into(), value: Some("v".into()) }, Tag { key: "u".into(), value: None }];
    check_vector(
        &[UserRecord { tags, ..record("k", None, b"d") }],
        "F3899AC2
         0A 01 6B
         1A 12 08 00 1A 01 64
               22 06 0A 01 74 12 01 76    // tags: { key: \"t\", value: \"v\" }
               22 03 0A 01 75             // tags: { key: \"u\" }
         1F58FD1E9617F1BBCBB317D15BCB01D4",
    );
}

#[test]
fn index_128_takes_two_varint_bytes() {
    let records: Vec<UserRecord> = (0..129).map(|n| record(&n.to_string(), None, b"")).collect();
    let blob = aggregate(&records).unwrap();
    // The last record: partition_key_index 128 is `80 01`, then empty data.
    assert_eq!(blob[blob.len() - DIGEST_LEN - 7..blob.len() - DIGEST_LEN], hex("1A 05 08 80 01 1A 00"));
    assert_eq!(deaggregate(&blob), Deaggregated::Aggregated(records));
}

#[test]
fn empty_input_is_refused() {
    assert_eq!(aggregate(&[]), Err(AggregationError::Empty));
}

#[test]
fn size_counts_magic_message_and_digest() {
    // One record with key "a" and `n` bytes of data, for n between 2^14 and 2^21:
    // 4 magic + 3 table entry + (1 key + 3 length + 2 index + 1 key + 3 length + n) + 16 digest.
    let n = MAX_AGGREGATED_BYTES - 33;
    let blob = aggregate(&[record("a", None, &vec![7; n])]).unwrap();
    assert_eq!(blob.len(), MAX_AGGREGATED_BYTES);
    assert_eq!(
        aggregate(&[record("a", None, &vec![7; n + 1])]),
        Err(AggregationError::TooLarge { size: MAX_AGGREGATED_BYTES + 1, limit: MAX_AGGREGATED_BYTES })
    );
}

#[track_caller]
fn check_not_aggregated(blob: &[u8], reason: NotAggregated) {
    assert_eq!(deaggregate(blob), Deaggregated::NotAggregated(reason), "blob={blob:02X?}");
}

#[test]
fn ordinary_records_pass_through() {
    check_not_aggregated(b"", NotAggregated::NoMagic);
    check_not_aggregated(&MAGIC[..3], NotAggregated::NoMagic);
    check_not_aggregated(b"RECORD 749 hello", NotAggregated::NoMagic);
    // The magic and the digest of the empty message, with no message between.
    check_not_aggregated(&framed(b""), NotAggregated::TooShort);
    check_not_aggregated(&[&MAGIC[..], &[0; 15]].concat(), NotAggregated::TooShort);
}

#[test]
fn a_wrong_digest_passes_through() {
    let mut blob = aggregate(&[record("a", None, b"x")]).unwrap();
    *blob.last_mut().unwrap() ^= 1;
    check_not_aggregated(&blob, NotAggregated::DigestMismatch);
    let mut blob = aggregate(&[record("a", None, b"x")]).unwrap();
    blob[MAGIC.len()] ^= 1;
    check_not_aggregated(&blob, NotAggregated::DigestMismatch);
}

#[test]
fn malformed_messages_pass_through() {
    for message in [
        "0A 05 61",                                                 // table entry longer than the message
        "1A 02 08 00",                                              // record without data
        "1A 03 1A 01 78",                                           // record without partition_key_index
        "0A 01 61 1A 03 08 00 1A",                                  // record cut short
        "0A 01 61 1A 06 08 00 1A 00 22 00",                         // tag without key
        "0B 0C",                                                    // a group
        "0A 01 61 1A 0E 08 FF FF FF FF FF FF FF FF FF FF 01 1A 00", // 11-byte varint
    ] {
        check_not_aggregated(&framed(&hex(message)), NotAggregated::Malformed);
    }
}

#[test]
fn key_indexes_past_their_table_pass_through() {
    // One partition key, index 1.
    check_not_aggregated(&framed(&hex("0A 01 61 1A 05 08 01 1A 01 78")), NotAggregated::KeyIndexOutOfRange);
    // An explicit hash key index with no explicit hash key table.
    check_not_aggregated(&framed(&hex("0A 01 61 1A 07 08 00 10 00 1A 01 78")), NotAggregated::KeyIndexOutOfRange);
    // An index past usize on 32-bit targets and past the table on every target.
    check_not_aggregated(
        &framed(&hex("0A 01 61 1A 0E 08 FF FF FF FF FF FF FF FF FF 01 1A 01 78")),
        NotAggregated::KeyIndexOutOfRange,
    );
}

#[test]
fn an_aggregate_of_no_records_yields_none() {
    assert_eq!(deaggregate(&framed(&hex("0A 01 61"))), Deaggregated::Aggregated(vec![]));
}

#[test]
fn decoding_follows_protobuf_rules() {
    // Records before the tables; an unknown varint field (5) and fixed32 field (6);
    // field 1 of a record given once as bytes (skipped: wrong wire type) and
    // twice as a varint (the last one counts); data given twice.
    let message = "
        1A 0D 0A 01 7A 08 05 08 00 1A 01 79 1A 01 78   // records
        28 2A                                          // field 5, a varint
        35 01 02 03 04                                 // field 6, a fixed32
        0A 01 61                                       // partition_key_table";
    assert_eq!(deaggregate(&framed(&hex(message))), Deaggregated::Aggregated(vec![record("a", None, b"x")]));
}

#[test]
fn invalid_utf8_in_keys_is_replaced() {
    let records = [record("\u{FFFD}", None, b"x")];
    assert_eq!(deaggregate(&framed(&hex("0A 01 FF 1A 05 08 00 1A 01 78"))), Deaggregated::Aggregated(records.to_vec()));
}

/// A record with key "k" that takes `size` bytes aggregated alone, with its data all `tag`.
fn record_of_size(size: usize, tag: u8) -> UserRecord {
    // Magic, table entry "k", the record field and the digest around the data.
    let alone = |n_data| MAGIC.len() + 3 + wire::len_field_len(2 + wire::len_field_len(n_data)) + DIGEST_LEN;
    let n_data = (0..size).rev().find(|&n| alone(n) == size).unwrap();
    let record = record("k", None, &vec![tag; n_data]);
    assert_eq!(aggregate(core::slice::from_ref(&record)).unwrap().len(), size);
    record
}

#[test]
fn aggregator_emits_a_blob_when_the_next_record_does_not_fit() {
    // Alone: 20 + 3 (table) + 16 (record field) = 39 bytes; each further record with the same key adds 16.
    let records: Vec<UserRecord> = (0..5).map(|n| record_of_size(39, n)).collect();
    let mut aggregator = Aggregator::with_max_size(60);
    let mut blobs = vec![];
    for record in &records {
        blobs.extend(aggregator.push(record).unwrap());
    }
    assert_eq!((aggregator.n_pending(), aggregator.pending_size()), (1, 39));
    blobs.extend(aggregator.finish());
    assert_eq!((aggregator.n_pending(), aggregator.pending_size()), (0, 0));
    assert_eq!(blobs.iter().map(Vec::len).collect::<Vec<_>>(), [55, 55, 39]);
    let decoded: Vec<UserRecord> = blobs
        .iter()
        .flat_map(|blob| match deaggregate(blob) {
            Deaggregated::Aggregated(records) => records,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(decoded, records);
}

#[test]
fn aggregator_fills_blobs_up_to_1_mib() {
    let mut aggregator = Aggregator::new();
    // Three records that fit exactly in one blob: 39 + 2 * (size - 23).
    let third = (MAX_AGGREGATED_BYTES - 39) / 2 + 23;
    for tag in 0..3 {
        let size = if tag == 0 { 39 } else { third };
        assert_eq!(aggregator.push(&record_of_size(size, tag)).unwrap(), None);
    }
    assert_eq!(aggregator.pending_size(), MAX_AGGREGATED_BYTES - 1);
    let full = aggregator.push(&record_of_size(39, 3)).unwrap().unwrap();
    assert_eq!(full.len(), MAX_AGGREGATED_BYTES - 1);
    assert_eq!(aggregator.finish().unwrap().len(), 39);
}

#[test]
fn aggregator_refuses_a_record_too_large_alone() {
    let mut aggregator = Aggregator::with_max_size(DEFAULT_AGGREGATION_MAX_SIZE);
    aggregator.push(&record("k", None, b"x")).unwrap();
    let big = record_of_size(DEFAULT_AGGREGATION_MAX_SIZE + 1, 0);
    assert_eq!(
        aggregator.push(&big),
        Err(AggregationError::TooLarge { size: DEFAULT_AGGREGATION_MAX_SIZE + 1, limit: DEFAULT_AGGREGATION_MAX_SIZE })
    );
    assert_eq!(aggregator.n_pending(), 1);
    assert_eq!(deaggregate(&aggregator.finish().unwrap()), Deaggregated::Aggregated(vec![record("k", None, b"x")]));
    assert_eq!(aggregator.finish(), None);
}

#[test]
fn a_max_size_below_the_framing_refuses_everything() {
    let mut aggregator = Aggregator::with_max_size(10);
    assert_eq!(aggregator.push(&record("k", None, b"")), Err(AggregationError::TooLarge { size: 29, limit: 10 }));
    assert_eq!(aggregator.finish(), None);
}

#[test]
fn aggregator_max_size_is_capped_at_1_mib() {
    assert_eq!(Aggregator::with_max_size(usize::MAX).max_size(), MAX_AGGREGATED_BYTES);
    assert_eq!(Aggregator::default().max_size(), MAX_AGGREGATED_BYTES);
}

#[test]
fn consumers_see_sub_sequence_numbers() {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("s", 1)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    let users = [record("u1", None, b"a"), record("u2", None, b"b"), record("u1", None, b"c")];
    // Put as the KPL puts an aggregated record: a one-byte partition key, and
    // the first user record's hash key as the explicit hash key.
    let first_hash_key = HashKey::from_partition_key("u1").to_string();
    let aggregated = PutRecordInput {
        explicit_hash_key: Some(first_hash_key),
        ..PutRecordInput::new("s", AGGREGATED_PARTITION_KEY, aggregate(&users).unwrap())
    };
    let put = sim.put_record(aggregated).unwrap();
    sim.put_record(PutRecordInput::new("s", "plain", b"ordinary".to_vec())).unwrap();

    let iterator = sim
        .get_shard_iterator(GetShardIteratorInput {
            stream_name: "s".into(),
            shard_id: put.shard_id,
            position: StartingPosition::TrimHorizon,
        })
        .unwrap();
    let page = sim.get_records(&iterator, None).unwrap();
    let seen: Vec<ClientRecord> = page.records.iter().flat_map(deaggregate_record).collect();
    let numbering: Vec<(SequenceNumber, u64, bool)> =
        seen.iter().map(|r| (r.sequence_number, r.sub_sequence_number, r.aggregated)).collect();
    let plain = page.records[1].sequence_number();
    assert_eq!(
        numbering,
        [
            (put.sequence_number, 0, true),
            (put.sequence_number, 1, true),
            (put.sequence_number, 2, true),
            (plain, 0, false)
        ]
    );
    let user_records: Vec<UserRecord> = seen.into_iter().map(|r| r.user_record).collect();
    assert_eq!(user_records, [&users[..], &[record("plain", None, b"ordinary")]].concat());
}

fn key() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 1..=256).prop_map(String::from_iter)
}

/// User records whose keys repeat, so that the tables are shared.
fn user_records(n_records: core::ops::Range<usize>, max_data: usize) -> impl Strategy<Value = Vec<UserRecord>> {
    let keys = proptest::collection::vec(key(), 1..8);
    let hash_keys = proptest::collection::vec(any::<u128>().prop_map(|key| key.to_string()), 1..4);
    let tag = (key(), proptest::option::of(key())).prop_map(|(key, value)| Tag { key, value });
    let picks = proptest::collection::vec(
        (
            any::<prop::sample::Index>(),
            proptest::option::of(any::<prop::sample::Index>()),
            proptest::collection::vec(any::<u8>(), 0..=max_data),
            proptest::collection::vec(tag, 0..2),
        ),
        n_records,
    );
    (keys, hash_keys, picks).prop_map(|(keys, hash_keys, picks)| {
        picks
            .into_iter()
            .map(|(key, hash_key, data, tags)| UserRecord {
                partition_key: key.get(&keys).clone(),
                explicit_hash_key: hash_key.map(|idx| idx.get(&hash_keys).clone()),
                data,
                tags,
            })
            .collect()
    })
}

/// Pushes `records` through `aggregator`, returning the blobs and the records it refused.
fn pack(aggregator: &mut Aggregator, records: &[UserRecord]) -> (Vec<Vec<u8>>, Vec<UserRecord>) {
    let (mut blobs, mut refused) = (vec![], vec![]);
    for record in records {
        match aggregator.push(record) {
            Ok(blob) => blobs.extend(blob),
            Err(_) => refused.push(record.clone()),
        }
    }
    blobs.extend(aggregator.finish());
    (blobs, refused)
}

fn unpack(blob: &[u8]) -> Vec<UserRecord> {
    match deaggregate(blob) {
        Deaggregated::Aggregated(records) => records,
        other => panic!("{other:?}"),
    }
}

/// Checks what an aggregator must guarantee: no blob over `max_size`, every
/// record in order, each refused record too large alone, and each blob full
/// in the greedy sense (the next blob's first record would not have fitted).
fn check_packing(max_size: usize, records: &[UserRecord]) -> Result<(), TestCaseError> {
    let (blobs, refused) = pack(&mut Aggregator::with_max_size(max_size), records);
    let per_blob: Vec<Vec<UserRecord>> = blobs.iter().map(|blob| unpack(blob)).collect();
    for blob in &blobs {
        prop_assert!(blob.len() <= max_size, "blob={} max_size={max_size}", blob.len());
    }
    let kept: Vec<UserRecord> = records.iter().filter(|r| !refused.contains(r)).cloned().collect();
    prop_assert_eq!(per_blob.concat(), kept);
    for record in &refused {
        let alone = aggregate(core::slice::from_ref(record)).map_or(usize::MAX, |blob| blob.len());
        prop_assert!(alone > max_size);
    }
    for pair in per_blob.windows(2) {
        let mut builder = Builder::default();
        pair[0].iter().chain(&pair[1][..1]).for_each(|record| builder.add(record, builder.place(record)));
        prop_assert!(builder.blob_len() > max_size);
    }
    Ok(())
}

proptest! {
    #[test]
    fn aggregates_round_trip(records in user_records(1..40, 4096)) {
        let blob = aggregate(&records).unwrap();
        prop_assert_eq!(blob.len(), {
            let mut builder = Builder::default();
            records.iter().for_each(|record| builder.add(record, builder.place(record)));
            builder.blob_len()
        });
        prop_assert_eq!(deaggregate(&blob), Deaggregated::Aggregated(records));
    }

    #[test]
    fn aggregator_packs_small_limits(max_size in 20usize..4096, records in user_records(0..40, 512)) {
        check_packing(max_size, &records)?;
    }

    #[test]
    fn deaggregate_never_panics(blob in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = deaggregate(&blob);
        let _ = deaggregate(&[&MAGIC[..], &blob].concat());
    }

    #[test]
    fn deaggregate_never_panics_behind_a_valid_digest(message in proptest::collection::vec(any::<u8>(), 0..512)) {
        check_decodes_consistently(&framed(&message))?;
    }

    #[test]
    fn deaggregate_never_panics_on_near_valid_messages(message in near_valid_message()) {
        check_decodes_consistently(&framed(&message))?;
    }
}

proptest! {
    // Blobs near 1 MiB are slow to digest in a debug build, so fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn aggregator_packs_1_mib(records in user_records(2..24, 150_000)) {
        check_packing(MAX_AGGREGATED_BYTES, &records)?;
    }
}

/// Whatever `blob` de-aggregates to must aggregate and de-aggregate to the same.
fn check_decodes_consistently(blob: &[u8]) -> Result<(), TestCaseError> {
    if let Deaggregated::Aggregated(records) = deaggregate(blob)
        && !records.is_empty()
    {
        prop_assert_eq!(deaggregate(&aggregate(&records).unwrap()), Deaggregated::Aggregated(records));
    }
    Ok(())
}

/// Messages that are valid or nearly so, which reach the record and tag
/// parsers far more often than random bytes do: tables and records in any
/// order, small indexes that may be past their table, required fields that
/// are sometimes missing, and now and then a few random bytes.
fn near_valid_message() -> impl Strategy<Value = Vec<u8>> {
    let junk = || prop_oneof![30 => Just(vec![]), 1 => proptest::collection::vec(any::<u8>(), 1..4)];
    let text = || "[a-c0-9]{0,3}";
    let tag = (proptest::option::weighted(0.97, text()), proptest::option::of(text())).prop_map(|(key, value)| {
        let key = key.map(|key| len_field(TAG_KEY, key.as_bytes()));
        let value = value.map(|value| len_field(TAG_VALUE, value.as_bytes()));
        len_field(TAGS, &[key.unwrap_or_default(), value.unwrap_or_default()].concat())
    });
    let record = (
        proptest::option::weighted(0.97, 0u64..3),
        proptest::option::of(0u64..3),
        proptest::option::weighted(0.97, proptest::collection::vec(any::<u8>(), 0..8)),
        proptest::collection::vec(tag, 0..3),
        junk(),
    )
        .prop_map(|(pk_idx, ehk_idx, data, tags, junk)| {
            let pk_idx = pk_idx.map(|idx| varint_field(PARTITION_KEY_INDEX, idx)).unwrap_or_default();
            let ehk_idx = ehk_idx.map(|idx| varint_field(EXPLICIT_HASH_KEY_INDEX, idx)).unwrap_or_default();
            let data = data.map(|data| len_field(DATA, &data)).unwrap_or_default();
            len_field(RECORDS, &[pk_idx, ehk_idx, data, tags.concat(), junk].concat())
        });
    let table = |field| proptest::collection::vec(text().prop_map(move |key| len_field(field, key.as_bytes())), 0..5);
    let fields = (table(PARTITION_KEY_TABLE), table(EXPLICIT_HASH_KEY_TABLE), proptest::collection::vec(record, 0..5))
        .prop_flat_map(|(pks, ehks, records)| Just([pks, ehks, records].concat()).prop_shuffle());
    (fields, junk()).prop_map(|(fields, junk)| [fields.concat(), junk].concat())
}

fn varint_field(field: u32, value: u64) -> Vec<u8> {
    let mut out = vec![];
    wire::put_varint_field(&mut out, field, value);
    out
}

fn len_field(field: u32, body: &[u8]) -> Vec<u8> {
    let mut out = vec![];
    wire::put_len_field(&mut out, field, body);
    out
}
