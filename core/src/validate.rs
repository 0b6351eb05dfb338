//! Request member constraints shared by several operations, worded as AWS
//! words them in `ValidationException` messages.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;

use crate::error::Validator;
use crate::limits::MAX_STREAM_NAME_LEN;

/// `StreamName`: 1 to 128 characters of `[a-zA-Z0-9_.-]`.
pub(crate) fn stream_name(v: &mut Validator, name: &str) {
    let pattern_ok = name.bytes().all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c));
    // The common case allocates nothing: messages are built only for violations.
    if pattern_ok && (1..=MAX_STREAM_NAME_LEN).contains(&name.len()) {
        return;
    }
    let value = || String::from(name);
    v.check(!name.is_empty(), "streamName", value(), "Member must have length greater than or equal to 1");
    v.check(
        name.len() <= MAX_STREAM_NAME_LEN,
        "streamName",
        value(),
        format!("Member must have length less than or equal to {MAX_STREAM_NAME_LEN}"),
    );
    v.check(pattern_ok, "streamName", value(), "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

/// Whether `text` matches `0|([1-9]\d{0,N})` with at most `max_digits` digits.
pub(crate) fn is_decimal(text: &str, max_digits: usize) -> bool {
    text == "0"
        || (!text.is_empty()
            && text.len() <= max_digits
            && !text.starts_with('0')
            && text.bytes().all(|c| c.is_ascii_digit()))
}

// AWS's validation layer is Java: it echoes an offending value with the
// value's `toString`. Text and numbers read as given; the rest are below.

/// A blob, as the `java.nio.HeapByteBuffer` that held it.
pub(crate) fn blob_value(len: usize) -> String {
    format!("java.nio.HeapByteBuffer[pos=0 lim={len} cap={len}]")
}

/// A list, as Java's `AbstractCollection.toString`: `[a, b]`.
pub(crate) fn list_value(items: impl IntoIterator<Item = String>) -> String {
    java_collection('[', items, ']')
}

/// A map, as Java's `AbstractMap.toString`: `{k=v, k2=v2}`, here in key order.
pub(crate) fn map_value(map: &BTreeMap<String, String>) -> String {
    java_collection('{', map.iter().map(|(k, v)| format!("{k}={v}")), '}')
}

fn java_collection(open: char, items: impl IntoIterator<Item = String>, close: char) -> String {
    let mut out = String::from(open);
    for (idx, item) in items.into_iter().enumerate() {
        if idx > 0 {
            out.push_str(", ");
        }
        out.push_str(&item);
    }
    out.push(close);
    out
}

/// A structure, as Java's default `Object.toString`: its class and its hash
/// code in hex, e.g. `com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310`.
/// AWS's classes compute that hash in a way no source shows, so it is
/// `java_hash` of the members here: the same shape, not the same digits.
pub(crate) fn object_value(class: &str, hash: i32) -> String {
    format!("{class}@{:x}", hash as u32)
}

/// Java's `Objects.hash` over the members' hash codes, a `String`'s
/// (`java_string_hash`) or a `ByteBuffer`'s (`java_bytes_hash`); 0 for null.
pub(crate) fn java_hash(members: &[i32]) -> i32 {
    members.iter().fold(1i32, |h, &m| h.wrapping_mul(31).wrapping_add(m))
}

/// Java's `String.hashCode`, over UTF-16 code units.
pub(crate) fn java_string_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// Java's `ByteBuffer.hashCode`: signed bytes, last to first, from 1.
pub(crate) fn java_bytes_hash(bytes: &[u8]) -> i32 {
    bytes.iter().rev().fold(1i32, |h, &b| h.wrapping_mul(31).wrapping_add(i32::from(b as i8)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_values_print_as_java_does() {
        // Values Java itself gives: "hello".hashCode(), and a ByteBuffer of one byte 0xff.
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash("\u{1F600}"), 0xd83d * 31 + 0xde00, "hashed as UTF-16 code units");
        assert_eq!(java_bytes_hash(&[0xff]), 30);
        assert_eq!(object_value("a.B", -1), "a.B@ffffffff");
        assert_eq!(list_value([]), "[]");
        let map = BTreeMap::from([("b".into(), "2".into()), ("a".into(), "1".into())]);
        assert_eq!(map_value(&map), "{a=1, b=2}");
        assert_eq!(blob_value(3), "java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]");
    }

    #[test]
    fn decimal_pattern() {
        for (text, ok) in
            [("0", true), ("1", true), ("10", true), ("01", false), ("", false), ("-1", false), ("1e3", false)]
        {
            assert_eq!(is_decimal(text, 39), ok, "{text:?}");
        }
        assert!(is_decimal(&"9".repeat(39), 39));
        assert!(!is_decimal(&"9".repeat(40), 39));
    }
}
