//! HTTP/2 over cleartext TCP with prior knowledge (h2c, RFC 9113 §3.3), as
//! the JavaScript SDK v3's `NodeHttp2Handler` speaks to an `http://`
//! endpoint: it is how that SDK sends `SubscribeToShard`.
//!
//! A connection whose first bytes are the HTTP/2 preface (`PRI * HTTP/2.0`)
//! is handed here by `server::serve_connection`; its own thread then runs a
//! single-threaded tokio runtime with the `h2` crate's server. Each request
//! (stream) is answered exactly as on HTTP/1.1, through `server::answer`;
//! the blocking calls to the simulation thread run on tokio's blocking pool,
//! and a subscription's events are made on a thread of their own (the same
//! `server::stream_subscription` as on HTTP/1.1) and passed to the stream
//! through a bounded channel. Limits as on HTTP/1.1: 16 KiB of headers, a
//! 16 MiB body, 30 s to deliver a request, an idle connection closed after
//! 30 s, and at most 100 streams at once.

use std::io;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration as StdDuration, Instant as StdInstant};

use bytes::Bytes;
use h2::RecvStream;
use h2::server::SendResponse;

use crate::http::{MAX_BODY_BYTES, MAX_HEAD_BYTES};
use crate::server::{self, Protocol, Shared};

/// The HTTP/2 connection preface's first bytes; HTTP/1.1 has no `PRI` method.
const PREFACE_START: &[u8] = b"PRI * HTTP/2.0";
/// As on HTTP/1.1: each request must be delivered, and each response
/// written, within this long; a connection with no stream open is closed
/// after this long.
const DEADLINE: StdDuration = StdDuration::from_secs(30);
/// Streams open at once on one connection.
const MAX_STREAMS: u32 = 100;
/// Subscription events waiting to be written to a slow client.
const EVENTS_QUEUED: usize = 4;

/// Whether the connection opens with the HTTP/2 preface, read without
/// taking it from the stream. Waits at most [`DEADLINE`] for the first bytes.
pub(crate) fn is_preface(stream: &TcpStream) -> bool {
    let deadline = StdInstant::now() + DEADLINE;
    let mut start = [0; PREFACE_START.len()];
    loop {
        let left = deadline.saturating_duration_since(StdInstant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return false;
        }
        match stream.peek(&mut start) {
            Ok(n) if n == start.len() => return start == PREFACE_START,
            Ok(0) | Err(_) => return false,
            Ok(n) if start[..n] != PREFACE_START[..n] => return false,
            // Part of the preface so far: wait for the rest to arrive.
            Ok(_) => thread::sleep(StdDuration::from_millis(5)),
        }
    }
}

/// Serves one h2c connection until it closes.
pub(crate) fn serve(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(None)?;
    stream.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().enable_time().build()?;
    runtime.block_on(async {
        let io = tokio::net::TcpStream::from_std(stream)?;
        let handshake = h2::server::Builder::new()
            .max_concurrent_streams(MAX_STREAMS)
            .max_header_list_size(MAX_HEAD_BYTES as u32)
            .handshake::<_, Bytes>(io);
        let Ok(Ok(mut connection)) = tokio::time::timeout(DEADLINE, handshake).await else {
            return Ok(());
        };
        let open = Arc::new(AtomicUsize::new(0));
        loop {
            let next = tokio::time::timeout(DEADLINE, connection.accept()).await;
            let (request, respond) = match next {
                Ok(Some(Ok(stream))) => stream,
                Ok(Some(Err(_)) | None) => return Ok(()),
                Err(_idle) if open.load(Ordering::SeqCst) == 0 => {
                    connection.graceful_shutdown();
                    // Let the GOAWAY go out and in-flight frames settle.
                    let _ = tokio::time::timeout(DEADLINE, std::future::poll_fn(|cx| connection.poll_closed(cx))).await;
                    return Ok(());
                }
                Err(_busy) => continue,
            };
            open.fetch_add(1, Ordering::SeqCst);
            let (shared, open) = (shared.clone(), Arc::clone(&open));
            tokio::spawn(async move {
                let _ = handle(request, respond, shared).await;
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    })
}

/// Reads the body, within the size limit and the deadline.
async fn read_body(mut body: RecvStream) -> Result<Vec<u8>, (u16, &'static str)> {
    let mut read = Vec::new();
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let chunk = match tokio::time::timeout_at(deadline, body.data()).await {
            Ok(Some(Ok(chunk))) => chunk,
            Ok(None) => return Ok(read),
            Ok(Some(Err(_))) | Err(_) => return Err((400, "The request body did not arrive.")),
        };
        let _ = body.flow_control().release_capacity(chunk.len());
        if chunk.len() > MAX_BODY_BYTES - read.len() {
            return Err((413, "The request body is larger than 16 MiB."));
        }
        read.extend_from_slice(&chunk);
    }
}

async fn handle(
    request: http::Request<RecvStream>,
    mut respond: SendResponse<Bytes>,
    shared: Shared,
) -> Result<(), h2::Error> {
    let (parts, body) = request.into_parts();
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let protocol = Protocol::of(header("content-type").as_deref());
    let wire = protocol.as_ref().map_or(Protocol::Json11, |p| *p);
    let target = header("x-amz-target").unwrap_or_default();
    let (status, code, body) = match read_body(body).await {
        Ok(body) => {
            let (method, path) = (parts.method.to_string(), parts.uri.path().to_string());
            let shared = shared.clone();
            let target = target.clone();
            let answered =
                tokio::task::spawn_blocking(move || server::answer(&method, &path, protocol, &target, body, &shared));
            match answered.await {
                Ok(answer) => answer,
                Err(_) => return Ok(()),
            }
        }
        Err((status, reason)) => {
            (status, Some("SerializationException".into()), server::error_body("SerializationException", reason))
        }
    };
    let id = server::request_id();
    let date = crate::http::http_date(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
    );
    let mut head = http::Response::builder().status(status).header("x-amzn-requestid", &id).header("date", &date);
    if let Some(subscription) = server::subscription(&target, status, &body) {
        let head =
            head.header("content-type", server::EVENT_STREAM).body(()).map_err(|_| h2::Reason::INTERNAL_ERROR)?;
        let mut send = respond.send_response(head, false)?;
        let (frames, mut queued) = tokio::sync::mpsc::channel::<Vec<u8>>(EVENTS_QUEUED);
        thread::Builder::new()
            .name("subscription".into())
            .spawn(move || {
                server::stream_subscription(subscription, wire, &shared, |frame| {
                    frames.blocking_send(frame.to_vec()).map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
                })
            })
            .map_err(|_| h2::Reason::INTERNAL_ERROR)?;
        while let Some(frame) = queued.recv().await {
            send_all(&mut send, Bytes::from(frame)).await?;
        }
        return send.send_data(Bytes::new(), true);
    }
    head = head.header("content-type", wire.content_type());
    if let Some(code) = code.filter(|_| status != 200) {
        head = head.header("x-amzn-errortype", code);
    }
    let head = head.body(()).map_err(|_| h2::Reason::INTERNAL_ERROR)?;
    let mut send = respond.send_response(head, false)?;
    send_all(&mut send, Bytes::from(wire.body(&body))).await?;
    send.send_data(Bytes::new(), true)
}

/// Sends `data` as the peer's flow-control window allows, so that a client
/// that stops reading makes the sender wait (up to the deadline) rather
/// than the server buffer without end.
async fn send_all(send: &mut h2::SendStream<Bytes>, mut data: Bytes) -> Result<(), h2::Error> {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !data.is_empty() {
        send.reserve_capacity(data.len());
        let capacity = std::future::poll_fn(|cx| send.poll_capacity(cx));
        let granted = match tokio::time::timeout_at(deadline, capacity).await {
            Ok(Some(Ok(n))) => n,
            Ok(Some(Err(error))) => return Err(error),
            Ok(None) | Err(_) => return Err(h2::Reason::CANCEL.into()),
        };
        if granted > 0 {
            send.send_data(data.split_to(granted.min(data.len())), false)?;
        }
    }
    Ok(())
}
