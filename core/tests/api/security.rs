//! Encryption at rest and the simulated caller's IAM policies.

use serde_json::{Value, json};

use crate::{Api, arn, check_errors, error, invalid, null};

const ALICE: &str = "arn:aws:iam::123456789012:user/alice";

/// The `AccessDeniedException` for `alice` lacking `action` on stream `s`.
fn denied(action: &str) -> Value {
    error(
        "AccessDeniedException",
        &format!(
            "User: {ALICE} is not authorized to perform: kinesis:{action} on resource: {} because no identity-based policy allows the kinesis:{action} action",
            arn("s")
        ),
    )
}

/// A policy allowing `actions` on every resource.
fn allow(actions: &[&str]) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})
}

#[test]
fn encryption_shows_where_aws_shows_it_until_it_stops() {
    let mut api = Api::with_stream(1);
    let encryption = json!({"StreamName": "s", "EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"});
    let started = api.raw("StartStreamEncryption", &encryption.to_string());
    assert_eq!((started.status, started.body.as_str()), (200, ""));
    let summary =
        |api: &mut Api| api.ok("DescribeStreamSummary", json!({"StreamName": "s"}))["StreamDescriptionSummary"].clone();
    assert_eq!(summary(&mut api)["StreamStatus"], json!("UPDATING"));
    api.advance(2000);
    assert_eq!(summary(&mut api)["KeyId"], json!("alias/aws/kinesis"));

    let put = |api: &mut Api| api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": "aGk="}));
    assert_eq!(put(&mut api)["EncryptionType"], json!("KMS"));
    let batch = api.ok("PutRecords", json!({"StreamName": "s", "Records": [{"PartitionKey": "k", "Data": "aGk="}]}));
    assert_eq!(batch["EncryptionType"], json!("KMS"));
    let shard_iterator = api.ok(
        "GetShardIterator",
        json!({"StreamARN": arn("s"), "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}),
    )["ShardIterator"]
        .clone();
    let record = &api.ok("GetRecords", json!({"ShardIterator": shard_iterator}))["Records"][0];
    // Kinesis decrypts on the way out, and says the record was stored encrypted.
    assert_eq!((&record["Data"], &record["EncryptionType"]), (&json!("aGk="), &json!("KMS")));

    let stopped = api.raw("StopStreamEncryption", &encryption.to_string());
    assert_eq!((stopped.status, stopped.body.as_str()), (200, ""));
    api.advance(2000);
    assert_eq!(summary(&mut api)["EncryptionType"], json!("NONE"));
    assert!(put(&mut api).get("EncryptionType").is_none());
}

#[test]
fn encryption_errors_keep_aws_names_and_messages() {
    let mut api = Api::with_stream(1);
    api.ok("CreateStream", json!({"StreamName": "t", "ShardCount": 1}));
    let start = |stream: &str, encryption_type: &str, key_id: &str| json!({"StreamName": stream, "EncryptionType": encryption_type, "KeyId": key_id});
    let cases = [
        ("StartStreamEncryption", start("s", "KMS", "my-key"), error("KMSNotFoundException", "Invalid keyId my-key")),
        (
            "StartStreamEncryption",
            start("s", "NONE", "alias/aws/kinesis"),
            invalid(
                "Value 'NONE' at 'encryptionType' failed to satisfy constraint: Member must satisfy enum value set: [KMS]",
            ),
        ),
        (
            "StartStreamEncryption",
            start("s", "AES", "alias/aws/kinesis"),
            invalid(
                "Value 'AES' at 'encryptionType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, KMS]",
            ),
        ),
        (
            "StartStreamEncryption",
            start("t", "KMS", "alias/aws/kinesis"),
            error(
                "ResourceInUseException",
                "Stream t under account 123456789012 not ACTIVE, instead in state CREATING",
            ),
        ),
        // StopStreamEncryption requires the type and key, as AWS does.
        ("StopStreamEncryption", json!({"StreamName": "s", "EncryptionType": "KMS"}), invalid(&null("keyId"))),
        (
            "StopStreamEncryption",
            start("nope", "KMS", "alias/aws/kinesis"),
            error("ResourceNotFoundException", "Stream nope under account 123456789012 not found."),
        ),
    ];
    check_errors(&mut api, &cases);
}

#[test]
fn calls_are_checked_against_the_callers_policies() {
    let mut api = Api::with_stream(1);
    let put = json!({"StreamName": "s", "PartitionKey": "k", "Data": "aGk="});
    let summary = json!({"StreamName": "s"});
    api.ok(
        "Shardlab.AttachPolicy",
        json!({"Principal": ALICE, "Policy": allow(&["kinesis:PutRecord", "kinesis:CreateStream"])}),
    );
    api.ok("Shardlab.SetCaller", json!({"Principal": ALICE}));
    api.ok("PutRecord", put.clone());
    check_errors(
        &mut api,
        &[
            ("DescribeStreamSummary", summary.clone(), denied("DescribeStreamSummary")),
            // Tagging a stream as it is created needs the permission to tag.
            (
                "CreateStream",
                json!({"StreamName": "s", "ShardCount": 1, "Tags": {"team": "data"}}),
                denied("AddTagsToStream"),
            ),
        ],
    );

    // A Deny wins over every Allow, whoever the principal is.
    let session = "arn:aws:sts::123456789012:assumed-role/writer/lesson-3";
    let deny = json!({"Statement": {"Effect": "Deny", "Action": "kinesis:Put*", "Resource": arn("s")}});
    api.ok("Shardlab.AttachPolicy", json!({"Principal": session, "Policy": allow(&["kinesis:*"])}));
    api.ok("Shardlab.AttachPolicy", json!({"Principal": session, "Policy": deny}));
    api.ok("Shardlab.SetCaller", json!({"Principal": session}));
    let explicit = format!(
        "User: {session} is not authorized to perform: kinesis:PutRecord on resource: {} with an explicit deny in an identity-based policy",
        arn("s")
    );
    check_errors(&mut api, &[("PutRecord", put.clone(), error("AccessDeniedException", &explicit))]);
    api.ok("DescribeStreamSummary", summary.clone());

    // Without a principal, calls are the root user's again.
    api.ok("Shardlab.SetCaller", json!({}));
    api.ok("DescribeStreamSummary", summary);
    api.ok("Shardlab.DetachPolicies", json!({"Principal": ALICE}));
    api.ok("Shardlab.SetCaller", json!({"Principal": ALICE}));
    check_errors(&mut api, &[("PutRecord", put, denied("PutRecord"))]);
}

#[test]
fn policies_and_principals_that_do_not_parse_are_refused() {
    let mut api = Api::default();
    let not_a_principal = "Principal arn:aws:iam::123456789012:role/reader is neither an IAM user (arn:aws:iam::123456789012:user/NAME) nor a role session (arn:aws:sts::123456789012:assumed-role/ROLE/SESSION) of account 123456789012.";
    let with_condition =
        json!({"Statement": {"Effect": "Allow", "Action": "kinesis:*", "Resource": "*", "Condition": {}}});
    let cases = [
        (
            "Shardlab.AttachPolicy",
            json!({"Principal": ALICE, "Policy": with_condition}),
            error(
                "InvalidArgumentException",
                "Policy is not an IAM policy document: unknown field `Condition`, expected one of `Sid`, `Effect`, `Action`, `Resource`",
            ),
        ),
        (
            "Shardlab.AttachPolicy",
            json!({"Principal": ALICE, "Policy": {"Version": "2012-10-17"}}),
            error("InvalidArgumentException", "Policy is not an IAM policy document: missing field `Statement`"),
        ),
        ("Shardlab.AttachPolicy", json!({"Principal": ALICE}), invalid(&null("policy"))),
        (
            "Shardlab.AttachPolicy",
            json!({"Principal": ALICE, "Policy": "{}"}),
            json!({"__type": "SerializationException", "Message": "Expected null"}),
        ),
        (
            "Shardlab.SetCaller",
            json!({"Principal": "arn:aws:iam::123456789012:role/reader"}),
            error("InvalidArgumentException", not_a_principal),
        ),
        ("Shardlab.DetachPolicies", json!({}), invalid(&null("principal"))),
    ];
    check_errors(&mut api, &cases);
}
