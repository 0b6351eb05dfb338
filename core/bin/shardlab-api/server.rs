//! The HTTP endpoint: the simulation served as AWS serves Kinesis, Firehose
//! and SQS, so that real clients (boto3, the AWS CLI, the AWS SDKs for
//! JavaScript and Java) can talk to it.
//!
//! One thread owns the `Simulation` and answers requests one at a time, as
//! the browser does; each connection has a thread of its own that reads and
//! writes HTTP and hands the simulation thread `(target, body)` pairs. So a
//! client holding an idle keep-alive connection never blocks another.
//!
//! What is served: `POST /` with `X-Amz-Target` and a body in
//! `application/x-amz-json-1.1` (Kinesis, Firehose, `Shardlab.*`),
//! `application/x-amz-json-1.0` (SQS), `application/json`, or
//! `application/x-amz-cbor-1.1` (Kinesis from the Java SDK; `cbor.rs`
//! translates it to and from JSON). Signatures are not checked: any
//! `Authorization` header, or none, is accepted. The response carries the
//! status `api::handle` chose, `x-amzn-RequestId`, and for an error
//! `x-amzn-ErrorType` with the exception name, which is where the AWS SDKs
//! look first.
//!
//! `SubscribeToShard` is answered, as on AWS, with an event stream
//! (`stream_subscription`): chunked on HTTP/1.1, a DATA stream on HTTP/2.
//! A connection that opens with the HTTP/2 preface goes to `h2c.rs`, which
//! answers each stream through the same `answer`.

use std::io::{self, BufReader, BufWriter, Read};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread;
use std::time::{Duration as StdDuration, Instant as StdInstant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use shardlab_core::api::{self, Response};
use shardlab_core::{Duration, Simulation};

use crate::http::{self, ReadError};
use crate::{cbor, eventstream, h2c};

/// A connection must deliver each whole request within this long of the
/// previous response (or of connecting), so that a slow or silent client
/// holds its thread for at most this long. It is also the keep-alive idle
/// timeout: botocore's pool reconnects when it finds a connection closed.
const REQUEST_DEADLINE: StdDuration = StdDuration::from_secs(30);
/// Writing a response must finish within this long.
const WRITE_TIMEOUT: StdDuration = StdDuration::from_secs(30);
/// Connections served at once; more are answered 503 and closed, so that
/// no number of clients can exhaust threads or memory.
const MAX_CONNECTIONS: usize = 64;
/// The longest simulated step the wall clock takes before one request: the
/// line protocol's `Shardlab.AdvanceClock` limit (365 days). Time beyond it
/// (a server idle for a year, or at a huge `--speed`) is skipped, never
/// queued, so one request never waits on years of simulated seconds.
const MAX_WALL_STEP_MILLIS: u64 = 365 * 24 * 3_600_000;

/// How simulated time moves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ClockMode {
    /// Simulated time starts at the wall clock's reading and then runs at
    /// `speed` times the wall clock's pace.
    Wall { speed: f64 },
    /// Simulated time starts at 2026-01-01T00:00:00Z and moves only with
    /// `Shardlab.AdvanceClock` and `Shardlab.SetClock`, as on the line protocol.
    Manual,
}

/// Moves the simulation's clock as the mode says, once before each request.
struct Clock {
    mode: ClockMode,
    last: StdInstant,
    /// Simulated nanoseconds owed but not yet a whole millisecond.
    carry_nanos: f64,
}

impl Clock {
    /// A clock for `sim`; in wall mode it first brings `sim` to the wall clock's time.
    fn start(mode: ClockMode, sim: &mut Simulation) -> Clock {
        if let ClockMode::Wall { .. } = mode {
            let wall = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
            // Before any stream exists a step is cheap, so several steps
            // may be needed only if the machine's date is years ahead.
            let mut behind = wall.saturating_sub(sim.now().epoch_millis());
            while behind > 0 {
                let step = behind.min(MAX_WALL_STEP_MILLIS);
                sim.advance(Duration::from_millis(step));
                behind -= step;
            }
        }
        Clock { mode, last: StdInstant::now(), carry_nanos: 0.0 }
    }

    /// Advances `sim` by the wall time since the last request, times the speed.
    fn tick(&mut self, sim: &mut Simulation) {
        let ClockMode::Wall { speed } = self.mode else { return };
        let now = StdInstant::now();
        let owed = now.duration_since(self.last).as_nanos() as f64 * speed + self.carry_nanos;
        self.last = now;
        let millis = (owed / 1e6).floor();
        self.carry_nanos = owed - millis * 1e6;
        let millis = (millis as u64).min(MAX_WALL_STEP_MILLIS);
        if millis > 0 {
            sim.advance(Duration::from_millis(millis));
        }
    }
}

/// One request for the simulation thread, and where to send its answer:
/// the response and the simulated time it was made at, in epoch milliseconds.
pub(crate) struct Job {
    target: String,
    body: String,
    reply: SyncSender<(Response, u64)>,
}

/// What every connection shares: the way to the simulation thread, and how
/// long a subscription may hold its connection in wall time.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) jobs: mpsc::Sender<Job>,
    pub(crate) subscription_wall_limit: StdDuration,
}

impl Shared {
    /// Asks the simulation thread; `None` once it has stopped.
    pub(crate) fn call(&self, target: &str, body: String) -> Option<(Response, u64)> {
        let (reply, answered) = mpsc::sync_channel(1);
        self.jobs.send(Job { target: target.into(), body, reply }).ok()?;
        answered.recv().ok()
    }
}

/// Serves `listener` until the process ends. Prints the address it listens
/// on as its first line of stdout, so that a test that asked for port 0
/// can find it.
pub(crate) fn serve(listener: TcpListener, mode: ClockMode) -> io::Result<()> {
    let (jobs, queue) = mpsc::channel::<Job>();
    thread::Builder::new().name("simulation".into()).spawn(move || run_simulation(queue, mode))?;
    // A subscription ends after 5 simulated minutes. So that a client that
    // went away never holds a thread for long, the wall clock ends it too:
    // with the manual clock, after 5 wall minutes.
    let subscription_wall_limit = match mode {
        ClockMode::Wall { speed } => StdDuration::from_secs_f64(300.0 / speed.min(1.0)) + StdDuration::from_secs(10),
        ClockMode::Manual => StdDuration::from_secs(300),
    };
    let shared = Shared { jobs, subscription_wall_limit };
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let shared = shared.clone();
        let open = Arc::clone(&open);
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
            let error = error_body("ServiceUnavailable", "Too many connections to the Shardlab endpoint.");
            let _ = respond(&mut BufWriter::new(&stream), 503, "ServiceUnavailable", &error, false);
            continue;
        }
        let spawned = thread::Builder::new().name("connection".into()).spawn({
            let open = Arc::clone(&open);
            move || {
                let _ = serve_connection(stream, &shared);
                open.fetch_sub(1, Ordering::SeqCst);
            }
        });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::SeqCst);
        }
    }
    Ok(())
}

/// The simulation thread: answers jobs in the order they arrive.
fn run_simulation(queue: Receiver<Job>, mode: ClockMode) {
    let mut sim = Simulation::new();
    let mut clock = Clock::start(mode, &mut sim);
    for job in queue {
        clock.tick(&mut sim);
        let response = api::handle(&mut sim, &job.target, &job.body);
        // The connection may have gone; its answer is then dropped.
        let _ = job.reply.send((response, sim.now().epoch_millis()));
    }
}

/// A reader that gives up when the deadline passes, however the client
/// trickles its bytes: each read may wait only for the time that is left.
struct DeadlineReader {
    stream: TcpStream,
    deadline: StdInstant,
}

impl Read for DeadlineReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(StdInstant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "the request took longer than its deadline"));
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

fn serve_connection(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_nodelay(true)?;
    if h2c::is_preface(&stream) {
        return h2c::serve(stream, shared);
    }
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let mut writer = BufWriter::new(stream.try_clone()?);
    let mut reader = BufReader::new(DeadlineReader { stream, deadline: StdInstant::now() + REQUEST_DEADLINE });
    loop {
        reader.get_mut().deadline = StdInstant::now() + REQUEST_DEADLINE;
        let head = match http::read_head(&mut reader) {
            Ok(head) => head,
            Err(ReadError::Closed) | Err(ReadError::Io) => return Ok(()),
            Err(ReadError::Refused { status, reason }) => return refuse(&mut writer, status, &reason),
        };
        if head.expects_continue {
            http::write_continue(&mut writer)?;
        }
        let body = match http::read_body(&mut reader, &head) {
            Ok(body) => body,
            Err(ReadError::Closed) | Err(ReadError::Io) => return Ok(()),
            Err(ReadError::Refused { status, reason }) => return refuse(&mut writer, status, &reason),
        };
        let protocol = Protocol::of(head.header("content-type"));
        // An error about the content type itself is answered in JSON.
        let wire = protocol.as_ref().map_or(Protocol::Json11, |p| *p);
        let target = head.header("x-amz-target").unwrap_or_default();
        let (status, code, body) = answer(&head.method, &head.path, protocol, target, body, shared);
        if let Some(id) = subscription(target, status, &body) {
            let id_header = request_id();
            let headers = [("x-amzn-RequestId", id_header.as_str()), ("Content-Type", EVENT_STREAM)];
            http::write_stream_head(&mut writer, &headers)?;
            stream_subscription(id, wire, shared, |frame| http::write_chunk(&mut writer, frame))?;
            http::write_chunk(&mut writer, b"")?;
        } else {
            let body = wire.body(&body);
            respond_as(
                &mut writer,
                status,
                code.as_deref().unwrap_or(""),
                &body,
                head.keep_alive,
                wire.content_type(),
            )?;
        }
        if !head.keep_alive {
            return Ok(());
        }
    }
}

/// Answers a request that could not be read, and ends the connection.
fn refuse(writer: &mut impl io::Write, status: u16, reason: &str) -> io::Result<()> {
    let code = if status == 505 { "HttpVersionNotSupported" } else { "SerializationException" };
    respond(writer, status, code, &error_body(code, reason), false)
}

/// The content type of event streams.
pub(crate) const EVENT_STREAM: &str = "application/vnd.amazon.eventstream";

/// The wire format of a request's body, and so of its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// `application/x-amz-json-1.0`: SQS.
    Json10,
    /// `application/x-amz-json-1.1` (Kinesis, Firehose) or `application/json`.
    Json11,
    /// `application/x-amz-cbor-1.1`: Kinesis from the AWS SDK for Java.
    Cbor,
}

impl Protocol {
    /// The protocol of a `Content-Type`; `Err` with a reason for one not
    /// served. A missing one is read as JSON, as the line protocol reads every body.
    pub(crate) fn of(value: Option<&str>) -> Result<Protocol, String> {
        let Some(value) = value else { return Ok(Protocol::Json11) };
        let media = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match media.as_str() {
            "application/x-amz-json-1.1" | "application/json" => Ok(Protocol::Json11),
            "application/x-amz-json-1.0" => Ok(Protocol::Json10),
            "application/x-amz-cbor-1.1" => Ok(Protocol::Cbor),
            _ => Err(format!(
                "Content-Type {media} is not served; send application/x-amz-json-1.1 or application/x-amz-cbor-1.1 \
                 (Kinesis, Firehose) or application/x-amz-json-1.0 (SQS)."
            )),
        }
    }

    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Protocol::Json10 => "application/x-amz-json-1.0",
            Protocol::Json11 => "application/x-amz-json-1.1",
            Protocol::Cbor => "application/x-amz-cbor-1.1",
        }
    }

    /// A JSON body (the simulation's answer) in this protocol.
    pub(crate) fn body(self, json: &[u8]) -> Vec<u8> {
        match self {
            Protocol::Json10 | Protocol::Json11 => json.to_vec(),
            Protocol::Cbor => {
                let value = serde_json::from_slice::<Value>(json).unwrap_or(Value::Null);
                cbor::encode(&value)
            }
        }
    }
}

/// The status, error code (for `x-amzn-ErrorType`) and JSON body for a request.
pub(crate) fn answer(
    method: &str,
    path: &str,
    protocol: Result<Protocol, String>,
    target: &str,
    body: Vec<u8>,
    shared: &Shared,
) -> (u16, Option<String>, Vec<u8>) {
    let error = |status: u16, code: &str, message: &str| (status, Some(code.to_string()), error_body(code, message));
    // botocore signs `/`; a Lambda client (REST-JSON, paths such as
    // /2015-03-31/functions) or S3 client lands here and is told why.
    let path = path.split('?').next().unwrap_or_default();
    if path != "/" {
        return error(
            404,
            "UnknownOperationException",
            "Shardlab's endpoint serves the X-Amz-Target JSON protocols at POST / only (Kinesis, Firehose, SQS and \
             Shardlab.* targets); Lambda's and S3's REST APIs are not served: use the Shardlab.* targets.",
        );
    }
    if method != "POST" {
        return error(405, "UnknownOperationException", "Shardlab's endpoint answers POST / only.");
    }
    let body = match protocol {
        Err(message) => return error(400, "SerializationException", &message),
        Ok(Protocol::Cbor) if body.is_empty() => String::from("{}"),
        Ok(Protocol::Cbor) => match cbor::decode(&body) {
            Ok(value) => value.to_string(),
            Err(message) => return error(400, "SerializationException", &message),
        },
        Ok(Protocol::Json10 | Protocol::Json11) => match String::from_utf8(body) {
            Ok(body) => body,
            Err(_) => return error(400, "SerializationException", "The request body is not UTF-8, so it is not JSON."),
        },
    };
    let Some((response, _)) = shared.call(target, body) else {
        return error(500, "InternalFailure", "The simulation thread has stopped.");
    };
    let code = (response.status != 200).then(|| error_type(&response.body));
    (response.status, code, response.body.into_bytes())
}

/// The exception name in an error body, for `x-amzn-ErrorType`.
pub(crate) fn error_type(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|body| body.get("__type").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| String::from("InternalFailure"))
}

pub(crate) fn error_body(code: &str, message: &str) -> Vec<u8> {
    serde_json::json!({"__type": code, "message": message}).to_string().into_bytes()
}

/// A request id in the UUID form AWS uses; unique within the process.
pub(crate) fn request_id() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed) as u64;
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mix = |mut x: u64| {
        // SplitMix64: spreads a counter over all bits.
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^ (x >> 31)
    };
    let (a, b) = (mix(seed ^ n), mix(n.wrapping_add(0x5EED)));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFF,
        0x8000 | (b >> 48) & 0x3FFF,
        b & 0xFFFF_FFFF_FFFF
    )
}

fn respond(writer: &mut impl io::Write, status: u16, code: &str, body: &[u8], keep_alive: bool) -> io::Result<()> {
    respond_as(writer, status, code, body, keep_alive, "application/x-amz-json-1.1")
}

fn respond_as(
    writer: &mut impl io::Write,
    status: u16,
    code: &str,
    body: &[u8],
    keep_alive: bool,
    content_type: &str,
) -> io::Result<()> {
    let id = request_id();
    let date = http::http_date(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
    let mut headers = vec![("x-amzn-RequestId", id.as_str()), ("Content-Type", content_type), ("Date", date.as_str())];
    if status != 200 {
        headers.push(("x-amzn-ErrorType", code));
    }
    http::write_response(writer, status, &headers, body, keep_alive)
}

/// `SubscribeToShard` answered 200 with `{"SubscriptionId": N}`: the id,
/// whose events the connection now streams.
pub(crate) fn subscription(target: &str, status: u16, body: &[u8]) -> Option<u32> {
    if status != 200 || target != "Kinesis_20131202.SubscribeToShard" {
        return None;
    }
    let body = serde_json::from_slice::<Value>(body).ok()?;
    u32::try_from(body.get("SubscriptionId")?.as_u64()?).ok()
}

/// How often a subscription asks the simulation for what it would push.
const SUBSCRIPTION_POLL: StdDuration = StdDuration::from_millis(100);
/// With no records to push, an event is sent once a simulated second
/// (AWS pushes one at least every few seconds, so that a consumer sees
/// `MillisBehindLatest` and knows the stream is alive).
const HEARTBEAT_MILLIS: u64 = 1000;

/// Streams subscription `id` as AWS does: an `initial-response` event, then
/// a `SubscribeToShardEvent` whenever records arrive and at least once a
/// simulated second, until the subscription ends (5 simulated minutes, the
/// end of a closed shard, a newer subscription), an error (sent as an
/// exception message), the wall-clock limit, or `send` fails.
pub(crate) fn stream_subscription(
    id: u32,
    protocol: Protocol,
    shared: &Shared,
    mut send: impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let content_type = protocol.content_type();
    send(&eventstream::event("initial-response", content_type, &protocol.body(b"{}"))?)?;
    let started = StdInstant::now();
    let mut last_sent: Option<u64> = None;
    let request = serde_json::json!({ "SubscriptionId": id }).to_string();
    loop {
        let Some((response, now)) = shared.call("Shardlab.ReadSubscription", request.clone()) else {
            return Ok(());
        };
        if response.status != 200 {
            let code = error_type(&response.body);
            return send(&eventstream::exception(&code, content_type, &protocol.body(response.body.as_bytes()))?);
        }
        let Ok(mut read) = serde_json::from_str::<Value>(&response.body) else { return Ok(()) };
        let ended = read.get("Ended").and_then(Value::as_bool).unwrap_or(true);
        let mut event = read.get_mut("SubscribeToShardEvent").map(Value::take).unwrap_or_default();
        if let Some(event) = event.as_object_mut() {
            // A shard read to its end has no continuation: leave the member out, as AWS does.
            event.retain(|_, value| !value.is_null());
        }
        let has_records = event.get("Records").and_then(Value::as_array).is_some_and(|r| !r.is_empty());
        if has_records || ended || last_sent.is_none_or(|at| now >= at + HEARTBEAT_MILLIS) {
            let payload = protocol.body(event.to_string().as_bytes());
            send(&eventstream::event("SubscribeToShardEvent", content_type, &payload)?)?;
            last_sent = Some(now);
        }
        if ended || started.elapsed() >= shared.subscription_wall_limit {
            return Ok(());
        }
        thread::sleep(SUBSCRIPTION_POLL);
    }
}
