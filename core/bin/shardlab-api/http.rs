//! A small HTTP/1.1 server side: reading one request from a byte stream and
//! writing one response, with limits on everything a client controls.
//!
//! It reads only what AWS's JSON clients send (`POST /`, a body framed by
//! `Content-Length` or `Transfer-Encoding: chunked`) and refuses the rest
//! with a status and a reason instead of guessing. Nothing here may panic or
//! allocate beyond the limits on any bytes: the unit tests below and
//! `core/tests/endpoint.rs` feed it malformed, truncated and oversized input.

use std::io::{self, BufRead, Read, Write};

/// The request line and headers together may take at most this many bytes,
/// as many servers allow (nginx's default large header buffers are 4 × 8 KiB).
pub(crate) const MAX_HEAD_BYTES: usize = 16 * 1024;
/// At most this many header fields; botocore sends about ten.
pub(crate) const MAX_HEADERS: usize = 100;
/// The largest body. The largest Kinesis request is a `PutRecords` of 5 MiB
/// of data and keys, about 7 MiB once base64 and JSON; 16 MiB leaves room
/// for `Shardlab.Restore`, whose snapshot carries a whole simulation.
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// A chunk-size line (hex digits and extensions) may take at most this many bytes.
const MAX_CHUNK_LINE_BYTES: usize = 1024;

/// The parts of a request the endpoint uses.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Head {
    pub(crate) method: String,
    pub(crate) path: String,
    /// Header names in lower case, values trimmed, in the order received.
    pub(crate) headers: Vec<(String, String)>,
    /// Whether the connection may carry another request after this one.
    pub(crate) keep_alive: bool,
    /// `Expect: 100-continue`: the client waits for a `100 Continue` before the body.
    pub(crate) expects_continue: bool,
    body: BodyLength,
}

#[derive(Debug, PartialEq, Eq)]
enum BodyLength {
    Fixed(usize),
    Chunked,
}

impl Head {
    /// The value of the header `name` (lower case), if present.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The client closed the connection between requests: not an error.
    Closed,
    /// The connection failed, timed out or ended mid-request; there is no one to answer.
    Io,
    /// The request is malformed or over a limit: answer `status`, then close,
    /// since the rest of the stream cannot be trusted to start a request.
    Refused { status: u16, reason: String },
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> ReadError {
        ReadError::Io
    }
}

fn refused(status: u16, reason: impl Into<String>) -> ReadError {
    ReadError::Refused { status, reason: reason.into() }
}

/// Reads one line ending in LF from `reader`, taking at most `*budget` bytes
/// and charging them to it. `None` at a clean end of stream before any byte.
fn read_line(reader: &mut impl BufRead, budget: &mut usize, over: (u16, &str)) -> Result<Option<Vec<u8>>, ReadError> {
    let mut line = Vec::new();
    // One byte past the budget tells "too long" from "exactly fits".
    let read = reader.by_ref().take(*budget as u64 + 1).read_until(b'\n', &mut line)?;
    if read == 0 {
        return Ok(None);
    }
    if read > *budget {
        return Err(refused(over.0, over.1));
    }
    *budget -= read;
    if line.last() != Some(&b'\n') {
        return Err(ReadError::Io);
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(line))
}

/// A token character (RFC 9110 §5.6.2), what header names are made of.
fn is_token(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Reads the request line and headers. `Err(ReadError::Closed)` when the
/// stream ends before a request begins.
pub(crate) fn read_head(reader: &mut impl BufRead) -> Result<Head, ReadError> {
    let mut budget = MAX_HEAD_BYTES;
    let too_long = (431, "The request line and headers are longer than 16 KiB.");
    // RFC 9112 §2.2: a server should ignore empty lines before a request line.
    let line = loop {
        match read_line(reader, &mut budget, too_long)? {
            None => return Err(ReadError::Closed),
            Some(line) if line.is_empty() => continue,
            Some(line) => break line,
        }
    };
    let line = std::str::from_utf8(&line).map_err(|_| refused(400, "The request line is not ASCII."))?;
    let mut parts = line.split(' ');
    let (Some(method), Some(path), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(refused(400, "The request line is not METHOD SP TARGET SP VERSION."));
    };
    if method.is_empty() || !method.bytes().all(is_token) || path.is_empty() {
        return Err(refused(400, "The request line is not METHOD SP TARGET SP VERSION."));
    }
    let http_1_1 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        "HTTP/2.0" => {
            return Err(refused(
                505,
                "HTTP/2 is served as h2c with prior knowledge (the connection preface PRI * HTTP/2.0), not as an HTTP/1.1 request line.",
            ));
        }
        _ => return Err(refused(505, "This endpoint speaks HTTP/1.1 only.")),
    };
    let mut headers = Vec::new();
    loop {
        let Some(line) = read_line(reader, &mut budget, too_long)? else {
            return Err(ReadError::Io);
        };
        if line.is_empty() {
            break;
        }
        if headers.len() == MAX_HEADERS {
            return Err(refused(431, "The request has more than 100 header fields."));
        }
        // Obsolete line folding is refused (RFC 9112 §5.2), as is whitespace
        // before the colon (§5.1): both have been used to smuggle requests.
        let colon = line.iter().position(|&b| b == b':').filter(|&i| i > 0 && line[..i].iter().copied().all(is_token));
        let Some(colon) = colon else {
            return Err(refused(400, "A header field is not NAME: VALUE."));
        };
        let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
        let value = String::from_utf8_lossy(&line[colon + 1..]).trim_matches([' ', '\t']).to_string();
        headers.push((name, value));
    }
    fn values<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
        headers.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    let values = |name: &'static str| values(&headers, name);
    let lengths: Vec<&str> = values("content-length").collect();
    let encodings: Vec<&str> = values("transfer-encoding").collect();
    let body = match (lengths.as_slice(), encodings.as_slice()) {
        ([], []) => BodyLength::Fixed(0),
        ([], [encoding]) if encoding.eq_ignore_ascii_case("chunked") => {
            if !http_1_1 {
                return Err(refused(400, "Transfer-Encoding is not allowed in HTTP/1.0."));
            }
            BodyLength::Chunked
        }
        ([], _) => return Err(refused(501, "The only Transfer-Encoding served is chunked.")),
        ([first, rest @ ..], []) => {
            // Repeated Content-Length headers must agree (RFC 9112 §6.3).
            if rest.iter().any(|other| other != first) {
                return Err(refused(400, "The request has Content-Length headers that disagree."));
            }
            if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
                return Err(refused(400, "Content-Length is not a number."));
            }
            match first.parse::<usize>() {
                Ok(length) if length <= MAX_BODY_BYTES => BodyLength::Fixed(length),
                _ => return Err(refused(413, "The request body is larger than 16 MiB.")),
            }
        }
        // Both framings at once is how requests are smuggled: refuse (RFC 9112 §6.1).
        _ => return Err(refused(400, "The request has both Content-Length and Transfer-Encoding.")),
    };
    let connection =
        |token: &str| values("connection").flat_map(|v| v.split(',')).any(|t| t.trim().eq_ignore_ascii_case(token));
    let keep_alive = if http_1_1 { !connection("close") } else { connection("keep-alive") };
    let expects_continue = http_1_1 && values("expect").any(|v| v.eq_ignore_ascii_case("100-continue"));
    Ok(Head { method: method.into(), path: path.into(), headers, keep_alive, expects_continue, body })
}

/// Reads the body `head` announces.
pub(crate) fn read_body(reader: &mut impl BufRead, head: &Head) -> Result<Vec<u8>, ReadError> {
    match head.body {
        BodyLength::Fixed(length) => read_exact(reader, length, Vec::new()),
        BodyLength::Chunked => read_chunked(reader),
    }
}

/// Appends exactly `length` bytes to `body`, growing it only as bytes arrive
/// so that a false `Content-Length` cannot reserve memory by itself.
fn read_exact(reader: &mut impl BufRead, length: usize, mut body: Vec<u8>) -> Result<Vec<u8>, ReadError> {
    let read = reader.by_ref().take(length as u64).read_to_end(&mut body)?;
    if read < length {
        return Err(ReadError::Io);
    }
    Ok(body)
}

fn read_chunked(reader: &mut impl BufRead) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    let eof = || ReadError::Io;
    loop {
        let mut budget = MAX_CHUNK_LINE_BYTES;
        let line = read_line(reader, &mut budget, (400, "A chunk-size line is longer than 1 KiB."))?.ok_or_else(eof)?;
        let size = line.split(|&b| b == b';').next().unwrap_or_default();
        let size = std::str::from_utf8(size).ok().map(|s| s.trim_matches([' ', '\t']));
        let size = match size {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                usize::from_str_radix(hex, 16).unwrap_or(usize::MAX)
            }
            _ => return Err(refused(400, "A chunk size is not hexadecimal.")),
        };
        if size == 0 {
            break;
        }
        if size > MAX_BODY_BYTES - body.len() {
            return Err(refused(413, "The request body is larger than 16 MiB."));
        }
        body = read_exact(reader, size, body)?;
        let mut budget = 2;
        match read_line(reader, &mut budget, (400, "A chunk is longer than its size says."))? {
            Some(rest) if rest.is_empty() => {}
            Some(_) => return Err(refused(400, "A chunk is longer than its size says.")),
            None => return Err(eof()),
        }
    }
    // Trailer fields are read and dropped, within the same limit as headers.
    let mut budget = MAX_HEAD_BYTES;
    loop {
        let line =
            read_line(reader, &mut budget, (431, "The trailer fields are longer than 16 KiB."))?.ok_or_else(eof)?;
        if line.is_empty() {
            return Ok(body);
        }
    }
}

/// The reason phrase of the statuses this endpoint sends.
fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Writes a complete response with a `Content-Length` body.
pub(crate) fn write_response(
    writer: &mut impl Write,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes())?;
    writer.write_all(body)?;
    writer.flush()
}

/// The head of a `200` response whose body follows in chunks, as an event
/// stream's does: each [`write_chunk`] is flushed at once.
pub(crate) fn write_stream_head(writer: &mut impl Write, headers: &[(&str, &str)]) -> io::Result<()> {
    let mut head = String::from("HTTP/1.1 200 OK\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Transfer-Encoding: chunked\r\n\r\n");
    writer.write_all(head.as_bytes())?;
    writer.flush()
}

/// One chunk of a chunked body; an empty one ends the body.
pub(crate) fn write_chunk(writer: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    write!(writer, "{:x}\r\n", bytes.len())?;
    writer.write_all(bytes)?;
    writer.write_all(b"\r\n")?;
    writer.flush()
}

/// `100 Continue`, for a client that sent `Expect: 100-continue`.
pub(crate) fn write_continue(writer: &mut impl Write) -> io::Result<()> {
    writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    writer.flush()
}

/// An IMF-fixdate (`Thu, 01 Jan 2026 00:00:00 GMT`) for the `Date` header.
pub(crate) fn http_date(epoch_secs: u64) -> String {
    shardlab_core::Instant::from_epoch_millis(epoch_secs.saturating_mul(1000)).http_date()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<(Head, Vec<u8>), ReadError> {
        let mut reader = bytes;
        let head = read_head(&mut reader)?;
        let body = read_body(&mut reader, &head)?;
        Ok((head, body))
    }

    fn status_of(bytes: &[u8]) -> Option<u16> {
        match parse(bytes) {
            Err(ReadError::Refused { status, .. }) => Some(status),
            _ => None,
        }
    }

    #[test]
    fn reads_what_botocore_sends() {
        let request = b"POST / HTTP/1.1\r\nHost: 127.0.0.1:4567\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\n\
Content-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}";
        let (head, body) = parse(request).unwrap();
        assert_eq!((head.method.as_str(), head.path.as_str()), ("POST", "/"));
        assert_eq!(head.header("x-amz-target"), Some("Kinesis_20131202.ListStreams"));
        assert!(head.keep_alive);
        assert_eq!(body, b"{}");
    }

    #[test]
    fn reads_chunked_bodies_with_extensions_and_trailers() {
        let request = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\n{\"a\r\nA\r\n\":\"bcdefg\"\r\n0\r\nX-Trailer: 1\r\n\r\n";
        assert_eq!(parse(request).unwrap().1, br#"{"a":"bcdefg""#);
    }

    #[test]
    fn refuses_malformed_and_oversized_requests() {
        assert_eq!(status_of(b"POST /\r\n\r\n"), Some(400));
        assert_eq!(status_of(b"POST / HTTP/2.0\r\n\r\n"), Some(505));
        assert_eq!(status_of(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Some(505));
        assert_eq!(status_of(b"POST / HTTP/1.1\r\nBad Header: x\r\n\r\n"), Some(400));
        assert_eq!(status_of(b"POST / HTTP/1.1\r\n folded\r\n\r\n"), Some(400));
        assert_eq!(status_of(b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), Some(400));
        assert_eq!(status_of(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"), Some(400));
        assert_eq!(status_of(b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n"), Some(413));
        assert_eq!(status_of(b"POST / HTTP/1.1\r\nContent-Length: 16777217\r\n\r\n"), Some(413));
        assert_eq!(status_of(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"), Some(501));
        assert_eq!(
            status_of(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"),
            Some(400)
        );
        assert_eq!(status_of(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), Some(400));
        assert_eq!(
            status_of(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFF\r\n"),
            Some(413)
        );
        assert_eq!(status_of(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n"), Some(400));
        let mut long = b"POST / HTTP/1.1\r\nX: ".to_vec();
        long.extend(std::iter::repeat_n(b'a', MAX_HEAD_BYTES));
        long.extend(b"\r\n\r\n");
        assert_eq!(status_of(&long), Some(431));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("H{i}: v\r\n")).collect();
        assert_eq!(status_of(format!("POST / HTTP/1.1\r\n{many}\r\n").as_bytes()), Some(431));
    }

    #[test]
    fn truncated_requests_are_io_errors_and_silence_is_closed() {
        assert!(matches!(parse(b""), Err(ReadError::Closed)));
        assert!(matches!(parse(b"\r\n"), Err(ReadError::Closed)));
        assert!(matches!(parse(b"POST / HTTP/1.1\r\nHost: x"), Err(ReadError::Io)));
        assert!(matches!(parse(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab"), Err(ReadError::Io)));
        assert!(matches!(parse(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"), Err(ReadError::Io)));
    }

    #[test]
    fn connection_persistence_follows_the_version() {
        let head = |bytes: &[u8]| read_head(&mut &bytes[..]).unwrap();
        assert!(!head(b"POST / HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n").keep_alive);
        assert!(!head(b"POST / HTTP/1.0\r\n\r\n").keep_alive);
        assert!(head(b"POST / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keep_alive);
        assert!(head(b"POST / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n").expects_continue);
    }

    #[test]
    fn dates_are_imf_fixdates() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(1_767_225_600), "Thu, 01 Jan 2026 00:00:00 GMT");
        assert_eq!(http_date(1_709_208_000 + 3_661), "Thu, 29 Feb 2024 13:01:01 GMT");
    }

    proptest::proptest! {
        /// No bytes make the parser panic, and a body it accepts is within the limit.
        #[test]
        fn any_bytes_are_answered_without_panicking(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            if let Ok((_, body)) = parse(&bytes) {
                proptest::prop_assert!(body.len() <= MAX_BODY_BYTES);
            }
        }

        /// Requests built from a grammar of plausible pieces, so that the
        /// parser is exercised past its first line.
        #[test]
        fn plausible_requests_are_answered_without_panicking(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "POST / HTTP/1.1\r\n", "Content-Length: 3\r\n", "Content-Length: 0\r\n",
                "Transfer-Encoding: chunked\r\n", "\r\n", "3\r\nabc\r\n", "0\r\n", "Expect: 100-continue\r\n",
                "Connection: close\r\n", "X-Amz-Target: Kinesis_20131202.ListStreams\r\n", "{}", ":", " ", "\n",
                "ffffffff\r\n", "1;x\r\n",
            ]), 0..24)
        ) {
            let _ = parse(pieces.concat().as_bytes());
        }
    }
}
