//! The HTTP endpoint (`shardlab-api --listen`) over raw TCP: what a client
//! sees on the wire, including for malformed, oversized, chunked and
//! pipelined requests.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running endpoint, killed when dropped.
struct Endpoint {
    child: Child,
    addr: String,
}

impl Endpoint {
    fn start(args: &[&str]) -> Endpoint {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shardlab-api"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start shardlab-api");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.trim().strip_prefix("listening on http://").expect("the address line").to_string();
        Endpoint { child, addr }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        stream
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One response: status, headers (lower-case names) and body.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    /// The body as text (JSON), with any bytes that are not UTF-8 replaced.
    body: String,
    raw: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn read_reply(reader: &mut impl BufRead) -> Reply {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    let length: usize = headers.iter().find(|(n, _)| n == "content-length").unwrap().1.parse().unwrap();
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    Reply { status, headers, body: String::from_utf8_lossy(&body).into_owned(), raw: body }
}

fn request(target: &str, body: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: {target}\r\nContent-Type: application/x-amz-json-1.1\r\n\
Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00\r\n\
Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Sends raw bytes on a new connection and reads one response.
fn exchange(endpoint: &Endpoint, bytes: &[u8]) -> Reply {
    let mut stream = endpoint.connect();
    stream.write_all(bytes).unwrap();
    read_reply(&mut BufReader::new(stream))
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn keep_alive_carries_many_requests_and_errors_carry_aws_headers() {
    let endpoint = Endpoint::start(&["--clock", "manual"]);
    let stream = endpoint.connect();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    // Two requests written at once (pipelined) are answered in order.
    let pipelined = request("Kinesis_20131202.CreateStream", r#"{"StreamName":"s","ShardCount":1}"#)
        + &request("Kinesis_20131202.DescribeStreamSummary", r#"{"StreamName":"s"}"#);
    writer.write_all(pipelined.as_bytes()).unwrap();
    let created = read_reply(&mut reader);
    assert_eq!((created.status, created.body.as_str()), (200, ""));
    assert_eq!(created.header("x-amzn-errortype"), None);
    let id = created.header("x-amzn-requestid").unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let summary = read_reply(&mut reader);
    assert_eq!(json(&summary.body)["StreamDescriptionSummary"]["StreamStatus"], "CREATING");
    assert_ne!(summary.header("x-amzn-requestid"), Some(id));

    writer.write_all(request("Kinesis_20131202.DescribeStream", r#"{"StreamName":"nope"}"#).as_bytes()).unwrap();
    let missing = read_reply(&mut reader);
    assert_eq!(missing.status, 400);
    assert_eq!(missing.header("x-amzn-errortype"), Some("ResourceNotFoundException"));
    assert_eq!(json(&missing.body)["message"], "Stream nope under account 123456789012 not found.");

    // The manual clock moves only when asked: the stream is ACTIVE after 5 s.
    writer.write_all(request("Shardlab.AdvanceClock", r#"{"Millis":5000}"#).as_bytes()).unwrap();
    assert_eq!(json(&read_reply(&mut reader).body)["EpochMillis"], 1_767_225_605_000u64);
    writer.write_all(request("Kinesis_20131202.DescribeStreamSummary", r#"{"StreamName":"s"}"#).as_bytes()).unwrap();
    assert_eq!(json(&read_reply(&mut reader).body)["StreamDescriptionSummary"]["StreamStatus"], "ACTIVE");

    writer.write_all(request("Kinesis_20131202.Nope", "{}").as_bytes()).unwrap();
    let unknown = read_reply(&mut reader);
    assert_eq!((unknown.status, unknown.header("x-amzn-errortype")), (400, Some("UnknownOperationException")));
}

#[test]
fn chunked_bodies_and_expect_continue_are_read() {
    let endpoint = Endpoint::start(&["--clock", "manual"]);
    let body = r#"{"StreamName":"chunky","ShardCount":2}"#;
    let (a, b) = body.split_at(10);
    let chunked = format!(
        "POST / HTTP/1.1\r\nX-Amz-Target: Kinesis_20131202.CreateStream\r\nTransfer-Encoding: chunked\r\n\r\n\
{:x}\r\n{a}\r\n{:x};name=value\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    );
    assert_eq!(exchange(&endpoint, chunked.as_bytes()).status, 200);
    // A stream is CREATING for 5 simulated seconds, and ListShards refuses it until then.
    assert_eq!(exchange(&endpoint, request("Shardlab.AdvanceClock", r#"{"Millis":5000}"#).as_bytes()).status, 200);

    let mut stream = endpoint.connect();
    let body = r#"{"StreamName":"chunky"}"#;
    write!(
        stream,
        "POST / HTTP/1.1\r\nX-Amz-Target: Kinesis_20131202.ListShards\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert_eq!(line, "HTTP/1.1 100 Continue\r\n");
    reader.read_line(&mut line).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let shards = read_reply(&mut reader);
    assert_eq!(shards.status, 200, "{}", shards.body);
    assert_eq!(json(&shards.body)["Shards"].as_array().unwrap().len(), 2);
}

#[test]
fn malformed_and_oversized_requests_get_aws_style_errors_and_the_server_lives_on() {
    let endpoint = Endpoint::start(&["--clock", "manual"]);
    let cases: &[(&[u8], u16, &str)] = &[
        (b"GARBAGE\r\n\r\n", 400, "SerializationException"),
        (b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, "SerializationException"),
        (b"POST / HTTP/1.1\r\nContent-Length: 16777217\r\n\r\n", 413, "SerializationException"),
        // HTTP/2 comes as h2c's preface (`PRI * HTTP/2.0`), never as an HTTP/1.1 request line.
        (b"POST / HTTP/2.0\r\n\r\n", 505, "HttpVersionNotSupported"),
        (b"GET / HTTP/1.1\r\n\r\n", 405, "UnknownOperationException"),
        (b"POST /2015-03-31/functions HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}", 404, "UnknownOperationException"),
        (
            b"POST / HTTP/1.1\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Type: application/xml\r\nContent-Length: 2\r\n\r\n{}",
            400,
            "SerializationException",
        ),
        (
            b"POST / HTTP/1.1\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: 2\r\n\r\n\xff\xfe",
            400,
            "SerializationException",
        ),
        // No target, as a client that forgot the header: AWS's answer to an unknown operation.
        (b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}", 400, "UnknownOperationException"),
    ];
    for (bytes, status, code) in cases {
        let reply = exchange(&endpoint, bytes);
        let what = String::from_utf8_lossy(bytes);
        assert_eq!((reply.status, reply.header("x-amzn-errortype")), (*status, Some(*code)), "{what}");
        assert_eq!(json(&reply.body)["__type"], *code, "{what}");
    }
    let mut long = b"POST / HTTP/1.1\r\nX-Long: ".to_vec();
    long.resize(20_000, b'a');
    long.extend(b"\r\n\r\n");
    assert_eq!(exchange(&endpoint, &long).status, 431);
    // After all that, the endpoint still serves.
    let listed = exchange(&endpoint, request("Kinesis_20131202.ListStreams", "{}").as_bytes());
    assert_eq!((listed.status, json(&listed.body)["StreamNames"].as_array().map(Vec::len)), (200, Some(0)));
}

#[test]
fn a_silent_connection_does_not_block_others() {
    let endpoint = Endpoint::start(&["--clock", "manual"]);
    // Half a request, then silence: it holds only its own connection.
    let mut stalled = endpoint.connect();
    stalled.write_all(b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{").unwrap();
    let listed = exchange(&endpoint, request("Kinesis_20131202.ListStreams", "{}").as_bytes());
    assert_eq!(listed.status, 200);
}

#[test]
fn the_wall_clock_moves_simulated_time_at_the_given_speed() {
    let endpoint = Endpoint::start(&["--clock", "wall", "--speed", "100"]);
    let now = |endpoint: &Endpoint| {
        json(&exchange(endpoint, request("Shardlab.AdvanceClock", r#"{"Millis":0}"#).as_bytes()).body)["EpochMillis"]
            .as_u64()
            .unwrap()
    };
    let wall = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    let before = std::time::Instant::now();
    let first = now(&endpoint);
    assert!(first >= wall && first < wall + 60_000, "starts at the wall clock's time: {first} vs {wall}");
    let after_first = std::time::Instant::now();
    std::thread::sleep(Duration::from_millis(300));
    let second = now(&endpoint);
    let outer = before.elapsed().as_millis() as u64;
    let inner = after_first.elapsed().as_millis() as u64;
    // The server read its clock somewhere within each request, so the wall
    // time between its two readings lies between `inner` minus the first
    // request's tail and `outer`; at speed 100 simulated time moved 100 times that.
    let moved = second - first;
    assert!(moved >= 30_000 && moved <= (outer + 1) * 100, "moved {moved} ms in {inner}..{outer} ms of wall time");
}

#[test]
fn connections_beyond_the_cap_are_refused_with_a_503() {
    let endpoint = Endpoint::start(&["--clock", "manual"]);
    // 64 idle connections: the endpoint's cap. Each is accepted in order, so
    // the next one is the 65th.
    let held: Vec<TcpStream> = (0..64).map(|_| endpoint.connect()).collect();
    let refused = exchange(&endpoint, request("Kinesis_20131202.ListStreams", "{}").as_bytes());
    assert_eq!((refused.status, refused.header("x-amzn-errortype")), (503, Some("ServiceUnavailable")));
    drop(held);
    // Once they close, requests are served again.
    let mut served = None;
    for _ in 0..50 {
        let reply = exchange(&endpoint, request("Kinesis_20131202.ListStreams", "{}").as_bytes());
        if reply.status == 200 {
            served = Some(reply);
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(served.is_some(), "served again after the held connections closed");
}

#[test]
fn sqs_is_answered_in_json_1_0() {
    let endpoint = Endpoint::start(&["--clock", "manual"]);
    let body = r#"{"QueueName":"q"}"#;
    let created = exchange(
        &endpoint,
        format!(
            "POST / HTTP/1.1\r\nX-Amz-Target: AmazonSQS.CreateQueue\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.header("content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(json(&created.body)["QueueUrl"], "https://sqs.us-east-1.amazonaws.com/123456789012/q");
}

/// A CBOR request (`application/x-amz-cbor-1.1`) to `target`.
fn cbor_request(target: &str, body: &[u8]) -> Vec<u8> {
    let head = format!(
        "POST / HTTP/1.1\r\nX-Amz-Target: {target}\r\nContent-Type: application/x-amz-cbor-1.1\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    [head.as_bytes(), body].concat()
}

#[test]
fn cbor_is_answered_in_cbor_and_bad_cbor_is_refused() {
    let endpoint = Endpoint::start(&["--clock", "manual"]);
    // {} → {"HasMoreStreams": false, "StreamNames": [], "StreamSummaries": []}
    let listed = exchange(&endpoint, &cbor_request("Kinesis_20131202.ListStreams", b"\xa0"));
    assert_eq!((listed.status, listed.header("content-type")), (200, Some("application/x-amz-cbor-1.1")));
    assert_eq!(listed.raw, b"\xa3\x6eHasMoreStreams\xf4\x6bStreamNames\x80\x6fStreamSummaries\x80");
    for bad in [&b"\xa1"[..], b"\xff", b"\x5b\xff\xff\xff\xff\xff\xff\xff\xff", &[0x81; 1000]] {
        let refused = exchange(&endpoint, &cbor_request("Kinesis_20131202.ListStreams", bad));
        assert_eq!((refused.status, refused.header("x-amzn-errortype")), (400, Some("SerializationException")));
        assert_eq!(refused.header("content-type"), Some("application/x-amz-cbor-1.1"));
        assert!(refused.raw.starts_with(b"\xa2\x66__type\x76SerializationException"), "{:?}", refused.body);
    }
}

#[test]
fn a_broken_http2_connection_is_closed_and_the_server_lives_on() {
    let endpoint = Endpoint::start(&["--clock", "manual"]);
    let mut stream = endpoint.connect();
    // The h2c preface, then bytes that are no HTTP/2 frame.
    stream.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\xff\xff\xff\xff\xff\xff\xff\xff\xff").unwrap();
    let mut rest = Vec::new();
    // The server answers with a GOAWAY (or nothing) and closes the connection.
    let _ = std::io::Read::read_to_end(&mut stream, &mut rest);
    assert!(!rest.starts_with(b"HTTP/1.1"));
    let listed = exchange(&endpoint, request("Kinesis_20131202.ListStreams", "{}").as_bytes());
    assert_eq!(listed.status, 200);
}
