//! AWS's binary event-stream framing (`application/vnd.amazon.eventstream`),
//! in which `SubscribeToShard` answers: one message per event.
//!
//! A message is a 12-byte prelude (total length, headers length, both
//! big-endian `u32`, and the CRC-32 of those 8 bytes), the headers, the
//! payload, and the CRC-32 of everything before it. A header is a one-byte
//! name length, the name, a one-byte value type and the value; only string
//! values (type 7: a big-endian `u16` length and UTF-8) are written here,
//! which is all an event's `:message-type`, `:event-type`,
//! `:exception-type` and `:content-type` headers need.
//!
//! Only the writing side is here: the endpoint reads no event stream.
//! `aws-smithy-eventstream` does both, but brings the SDK's whole
//! `aws-smithy-types` with it; the framing is this page, and the tests
//! check it against botocore's vectors.

use std::io;

/// The largest message AWS's framing allows (16 MiB); a `SubscribeToShardEvent`
/// carries at most 2 MiB of records a second, well below it.
const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// Type 7 in the header value encoding: a UTF-8 string.
const STRING: u8 = 7;

/// One message with string-valued `headers` and `payload`; an error
/// (`InvalidData`) if a header name is longer than 255 bytes, a value than
/// 65,535, or the message than 16 MiB, which the framing cannot carry.
pub(crate) fn message(headers: &[(&str, &str)], payload: &[u8]) -> io::Result<Vec<u8>> {
    let too_large =
        |what: &str| io::Error::new(io::ErrorKind::InvalidData, format!("an event-stream {what} too large"));
    let mut encoded = Vec::new();
    for (name, value) in headers {
        encoded.push(u8::try_from(name.len()).map_err(|_| too_large("header name"))?);
        encoded.extend(name.as_bytes());
        encoded.push(STRING);
        encoded.extend(u16::try_from(value.len()).map_err(|_| too_large("header value"))?.to_be_bytes());
        encoded.extend(value.as_bytes());
    }
    let total = 12 + encoded.len() + payload.len() + 4;
    if total > MAX_MESSAGE_BYTES {
        return Err(too_large("message"));
    }
    let mut out = Vec::with_capacity(total);
    out.extend((total as u32).to_be_bytes());
    out.extend((encoded.len() as u32).to_be_bytes());
    out.extend(crc32fast::hash(&out).to_be_bytes());
    out.extend(encoded);
    out.extend(payload);
    out.extend(crc32fast::hash(&out).to_be_bytes());
    Ok(out)
}

/// An event of type `event_type` (`initial-response`, `SubscribeToShardEvent`).
pub(crate) fn event(event_type: &str, content_type: &str, payload: &[u8]) -> io::Result<Vec<u8>> {
    message(&[(":event-type", event_type), (":content-type", content_type), (":message-type", "event")], payload)
}

/// A modelled error (`ResourceNotFoundException`), which ends the stream.
pub(crate) fn exception(exception_type: &str, content_type: &str, payload: &[u8]) -> io::Result<Vec<u8>> {
    message(
        &[(":exception-type", exception_type), (":content-type", content_type), (":message-type", "exception")],
        payload,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // botocore's tests/unit/test_eventstream.py: EMPTY_MESSAGE,
    // PAYLOAD_NO_HEADERS and a message with one string header.
    #[test]
    fn matches_botocores_vectors() {
        assert_eq!(message(&[], b"").unwrap(), b"\x00\x00\x00\x10\x00\x00\x00\x00\x05\xc2\x48\xeb\x7d\x98\xc8\xff");
        assert_eq!(
            message(&[], b"{'foo':'bar'}").unwrap(),
            b"\x00\x00\x00\x1d\x00\x00\x00\x00\xfdR\x8cZ{'foo':'bar'}\xc3e96"
        );
    }

    #[test]
    fn headers_are_length_prefixed_strings() {
        let framed = message(&[("a", "bc")], b"x").unwrap();
        assert_eq!(u32::from_be_bytes(framed[0..4].try_into().unwrap()) as usize, framed.len());
        assert_eq!(&framed[4..8], &[0, 0, 0, 7]);
        assert_eq!(&framed[12..19], b"\x01a\x07\x00\x02bc");
        assert_eq!(framed[19], b'x');
        let crc = crc32fast::hash(&framed[..framed.len() - 4]);
        assert_eq!(&framed[framed.len() - 4..], crc.to_be_bytes());
        assert!(message(&[(&"n".repeat(256), "")], b"").is_err());
        assert!(message(&[("n", &"v".repeat(65_536))], b"").is_err());
        assert!(message(&[], &vec![0; MAX_MESSAGE_BYTES]).is_err());
    }
}
