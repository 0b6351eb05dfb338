//! KPL aggregation against aggregated records produced by the real KPL.
//!
//! The vectors are `data/kpl-aggregation.json`, a copy of the team's shared
//! vectors; `data/README.md` says where they come from.

use serde::Deserialize;
use shardlab_core::base64;
use shardlab_core::kpl::{self, Deaggregated, NotAggregated, UserRecord};

#[derive(Deserialize)]
struct VectorFile {
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    blob_base64: String,
    /// `None` for a blob that is not a valid aggregated record.
    user_records: Option<Vec<ExpectedRecord>>,
}

#[derive(Deserialize)]
struct ExpectedRecord {
    partition_key: String,
    explicit_hash_key: Option<String>,
    data_base64: String,
}

/// Why each invalid vector is an ordinary record.
const NOT_AGGREGATED: &[(&str, NotAggregated)] = &[
    ("kpl_generated_ka_non_agg_rec", NotAggregated::NoMagic),
    ("kpl_generated_rec_with_ehks_bad_md5", NotAggregated::DigestMismatch),
];

fn vectors() -> Vec<Vector> {
    serde_json::from_str::<VectorFile>(include_str!("data/kpl-aggregation.json")).unwrap().vectors
}

fn decode(text: &str) -> Vec<u8> {
    base64::decode(text).unwrap_or_else(|| panic!("not base64: {text}"))
}

fn expected_records(expected: &[ExpectedRecord]) -> Vec<UserRecord> {
    expected
        .iter()
        .map(|record| UserRecord {
            explicit_hash_key: record.explicit_hash_key.clone(),
            ..UserRecord::new(record.partition_key.as_str(), decode(&record.data_base64))
        })
        .collect()
}

#[test]
fn every_vector_deaggregates_as_the_kcl_would() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 5);
    for vector in &vectors {
        let blob = decode(&vector.blob_base64);
        let expected = match &vector.user_records {
            Some(records) => Deaggregated::Aggregated(expected_records(records)),
            None => {
                let reason = NOT_AGGREGATED.iter().find(|(name, _)| *name == vector.name);
                Deaggregated::NotAggregated(reason.unwrap_or_else(|| panic!("unexpected vector {}", vector.name)).1)
            }
        };
        assert_eq!(kpl::deaggregate(&blob), expected, "vector={}", vector.name);
    }
}

#[test]
fn reaggregating_gives_the_kpl_bytes() {
    let mut n_checked = 0;
    for vector in vectors() {
        let Some(records) = &vector.user_records else { continue };
        let records = expected_records(records);
        let blob = kpl::aggregate(&records).unwrap();
        assert_eq!(kpl::deaggregate(&blob), Deaggregated::Aggregated(records), "vector={}", vector.name);
        // Keys in tables by first use, tables before records, fields in
        // number order: the same layout as the KPL, so the same bytes.
        assert_eq!(blob, decode(&vector.blob_base64), "vector={}", vector.name);
        n_checked += 1;
    }
    assert_eq!(n_checked, 3);
}
