use shardlab_core::kms::{EncryptionType, KeyId};
use shardlab_core::policy::{Effect, Policy, Principal};
use shardlab_core::{PutRecordInput, StartingPosition, limits};

use crate::{iterator, put, sim_with_stream};

#[test]
fn a_producer_policy_allows_writes_and_nothing_else() {
    let mut sim = sim_with_stream(1);
    let producer = Principal::user("producer");
    sim.attach_policy(
        &producer,
        Policy::single(
            Effect::Allow,
            &["kinesis:PutRecord", "kinesis:PutRecords"],
            &["arn:aws:kinesis:us-east-1:123456789012:stream/*"],
        ),
    );
    sim.set_caller(Some(producer));
    assert!(put(&mut sim, "k", b"x").is_ok());
    let err = sim
        .get_shard_iterator(shardlab_core::GetShardIteratorInput {
            stream_name: "s".into(),
            shard_id: shardlab_core::ShardId::new(0),
            position: StartingPosition::TrimHorizon,
        })
        .unwrap_err();
    assert_eq!(err.code(), "AccessDeniedException");
    assert_eq!(
        err.to_string(),
        "User: arn:aws:iam::123456789012:user/producer is not authorized to perform: kinesis:GetShardIterator on resource: arn:aws:kinesis:us-east-1:123456789012:stream/s because no identity-based policy allows the kinesis:GetShardIterator action"
    );
}

#[test]
fn an_explicit_deny_wins_over_a_wildcard_allow() {
    let mut sim = sim_with_stream(1);
    let intern = Principal::user("intern");
    sim.attach_policy(&intern, Policy::single(Effect::Allow, &["kinesis:*"], &["*"]));
    sim.attach_policy(&intern, Policy::single(Effect::Deny, &["kinesis:Delete*"], &["*"]));
    sim.set_caller(Some(intern));
    assert!(put(&mut sim, "k", b"x").is_ok());
    let err = sim.delete_stream("s").unwrap_err();
    assert!(err.to_string().ends_with("with an explicit deny in an identity-based policy"), "{err}");
    sim.set_caller(None);
    assert!(sim.delete_stream("s").is_ok(), "the account's root user may do anything");
}

#[test]
fn encrypted_records_are_ciphertext_at_rest_and_plaintext_when_read() {
    let mut sim = sim_with_stream(1);
    put(&mut sim, "k", b"before").unwrap();
    sim.start_stream_encryption("s", EncryptionType::Kms, KeyId::AWS_MANAGED).unwrap();
    assert_eq!(sim.describe_stream_summary("s").unwrap().stream_status, shardlab_core::StreamStatus::Updating);
    sim.advance(limits::ENCRYPTION_CHANGE_DELAY);
    let summary = sim.describe_stream_summary("s").unwrap();
    assert_eq!((summary.encryption_type, summary.key_id.as_deref()), (EncryptionType::Kms, Some("alias/aws/kinesis")));
    let out = sim.put_record(PutRecordInput::new("s", "k", b"secret order".to_vec())).unwrap();
    assert_eq!(out.encryption_type, EncryptionType::Kms);

    let stored: Vec<_> = sim.shard_records("s", shardlab_core::ShardId::new(0)).unwrap().collect();
    assert_eq!(stored[0].data(), b"before", "written before encryption started");
    assert_ne!(stored[1].data(), b"secret order", "ciphertext at rest");
    assert_eq!(stored[1].data().len(), b"secret order".len());
    assert_eq!(sim.plaintext("s", &stored[1]).data(), b"secret order");

    let it = iterator(&sim, 0, StartingPosition::TrimHorizon);
    let page = sim.get_records(&it, None).unwrap();
    let read: Vec<(&[u8], EncryptionType)> = page.records.iter().map(|r| (r.data(), r.encryption_type())).collect();
    assert_eq!(read, [(&b"before"[..], EncryptionType::None), (&b"secret order"[..], EncryptionType::Kms)]);

    sim.stop_stream_encryption("s").unwrap();
    sim.advance(limits::ENCRYPTION_CHANGE_DELAY);
    assert_eq!(put(&mut sim, "k", b"plain").unwrap().encryption_type, EncryptionType::None);
}

#[test]
fn a_malformed_key_id_is_refused() {
    let mut sim = sim_with_stream(1);
    let err = sim.start_stream_encryption("s", EncryptionType::Kms, "not a key").unwrap_err();
    assert_eq!(err.code(), "KMSNotFoundException");
}

#[test]
fn describe_limits_needs_its_own_permission() {
    let mut sim = sim_with_stream(1);
    let reader = Principal::user("reader");
    sim.attach_policy(&reader, Policy::single(Effect::Allow, &["kinesis:Describe*"], &["*"]));
    sim.set_caller(Some(reader.clone()));
    assert_eq!(sim.describe_limits().unwrap().open_shard_count, 1);
    sim.detach_policies(&reader);
    assert_eq!(sim.describe_limits().unwrap_err().code(), "AccessDeniedException");
}
