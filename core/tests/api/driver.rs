//! The `shardlab-api` binary end to end: lines in, lines out, one at a time.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::{START_MILLIS, first_sequence_number};

/// The `shardlab-api` binary, with its standard input and output piped.
fn driver() -> Child {
    Command::new(env!("CARGO_BIN_EXE_shardlab-api"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the driver starts")
}

#[test]
fn the_driver_answers_each_line_as_it_arrives_and_survives_bad_lines() {
    let mut child = driver();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let not_a_request = "The request line must be a JSON object with a string Target, such as {\"Target\":\"Kinesis_20131202.ListStreams\",\"Body\":{}}";
    // Each request, and the response line expected for it (none for a blank line).
    let exchanges: [(&str, Option<Value>); 8] = [
        (
            r#"{"Target":"Kinesis_20131202.CreateStream","Body":{"StreamName":"s","ShardCount":1}}"#,
            Some(json!({"Status": 200, "Body": {}})),
        ),
        (
            r#"{"Target":"Shardlab.AdvanceClock","Body":{"Millis":5000}}"#,
            Some(json!({"Status": 200, "Body": {"EpochMillis": START_MILLIS + 5000}})),
        ),
        ("", None),
        (
            "{not json",
            Some(
                json!({"Status": 400, "Body": {"__type": "SerializationException", "Message": "The request line is not JSON: key must be a string at line 1 column 2"}}),
            ),
        ),
        (
            r#"{"Body":{}}"#,
            Some(json!({"Status": 400, "Body": {"__type": "SerializationException", "Message": not_a_request}})),
        ),
        (
            r#"{"Target":"Kinesis_20131202.PutRecord","Body":{"StreamName":"s","PartitionKey":"k","Data":"aGk="}}"#,
            Some(
                json!({"Status": 200, "Body": {"ShardId": "shardId-000000000000", "SequenceNumber": first_sequence_number(0)}}),
            ),
        ),
        (
            r#"{"Target":"Kinesis_20131202.Fly"}"#,
            Some(json!({"Status": 400, "Body": {"__type": "UnknownOperationException"}})),
        ),
        (
            r#"{"Target":"Kinesis_20131202.ListStreams"}"#,
            Some(json!({"Status": 200, "Body": {
                "StreamNames": ["s"],
                "HasMoreStreams": false,
                "StreamSummaries": [{
                    "StreamName": "s",
                    "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
                    "StreamStatus": "ACTIVE",
                    "StreamModeDetails": {"StreamMode": "PROVISIONED"},
                    "StreamCreationTimestamp": 1767225600.0,
                }],
            }})),
        ),
    ];
    for (request, expected) in exchanges {
        writeln!(stdin, "{request}").unwrap();
        stdin.flush().unwrap();
        let Some(expected) = expected else { continue };
        // Reading before writing the next request shows the driver flushes every line.
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(line.starts_with("{\"Status\":"), "{line}");
        let reply: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(reply, expected, "{request}");
    }
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert_eq!(rest, "", "no reply for the blank line, nothing after the last request");
    assert!(child.wait().unwrap().success());
}

#[test]
fn the_driver_refuses_bytes_that_are_not_utf8_instead_of_repairing_them() {
    let mut child = driver();
    let mut stdin = child.stdin.take().unwrap();
    let setup = concat!(
        r#"{"Target":"Kinesis_20131202.CreateStream","Body":{"StreamName":"s","ShardCount":1}}"#,
        "\n",
        r#"{"Target":"Shardlab.AdvanceClock","Body":{"Millis":5000}}"#,
        "\n",
    );
    stdin.write_all(setup.as_bytes()).unwrap();
    // A partition key holding the byte 0xFF, which no UTF-8 text contains.
    let put = |key: &[u8]| {
        [
            &br#"{"Target":"Kinesis_20131202.PutRecord","Body":{"StreamName":"s","PartitionKey":""#[..],
            key,
            br#"","Data":"aGk="}}"#,
            b"\n",
        ]
        .concat()
    };
    stdin.write_all(&put(b"k\xff")).unwrap();
    stdin.write_all(&put(b"k")).unwrap();
    drop(stdin);
    let replies: Vec<Value> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert_eq!(
        replies[2],
        json!({"Status": 400, "Body": {"__type": "SerializationException", "Message": "The request line is not UTF-8: invalid utf-8 sequence of 1 bytes from index 81"}})
    );
    // Nothing was stored: the next record is the shard's first.
    assert_eq!(replies[3]["Body"]["SequenceNumber"], json!(first_sequence_number(0)));
    assert!(child.wait().unwrap().success());
}
