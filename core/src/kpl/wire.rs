//! The part of the protobuf wire format that the KPL's messages use, by hand,
//! because `core` takes no protobuf dependency.
//!
//! Writing only needs varints (wire type 0) and length-delimited fields (wire
//! type 2). Reading follows protobuf-java, which is what the KCL parses with:
//! fields may come in any order, an unknown field is skipped, and so is a
//! known field number that arrives with another wire type; a varint longer
//! than ten bytes, a length past the end of the message, field number 0 and
//! wire types 6 and 7 make the message malformed. Groups (wire types 3 and 4,
//! deprecated, and never written by the KPL) are treated as malformed too,
//! where protobuf-java would skip an unknown group.

use alloc::vec::Vec;

const VARINT: u32 = 0;
const FIXED64: u32 = 1;
const LEN: u32 = 2;
const FIXED32: u32 = 5;

/// One field's value, as far as its wire type tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Value<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 2: a string, bytes or an embedded message.
    Bytes(&'a [u8]),
    /// Wire type 1 or 5, which no KPL field uses; its bytes are skipped.
    Fixed,
}

/// Bytes `value` takes as a varint.
pub(super) fn varint_len(value: u64) -> usize {
    // `| 1` so that zero counts as one significant bit, like the byte it takes.
    (64 - (value | 1).leading_zeros() as usize).div_ceil(7)
}

/// Bytes a varint field holding `value` takes, field key included.
pub(super) fn varint_field_len(value: u64) -> usize {
    1 + varint_len(value)
}

/// Bytes a length-delimited field with a `len`-byte body takes, field key included.
pub(super) fn len_field_len(len: usize) -> usize {
    1 + varint_len(len as u64) + len
}

pub(super) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_key(out: &mut Vec<u8>, field: u32, wire_type: u32) {
    // Every field in `aggregation-format.md` is numbered below 16, so its key
    // is one byte, which the `*_field_len` functions count on.
    debug_assert!(field < 16, "field={field}");
    out.push((field << 3 | wire_type) as u8);
}

pub(super) fn put_varint_field(out: &mut Vec<u8>, field: u32, value: u64) {
    put_key(out, field, VARINT);
    put_varint(out, value);
}

/// Writes the key and length of a length-delimited field; the caller writes
/// the `len` bytes of its body next.
pub(super) fn put_len_prefix(out: &mut Vec<u8>, field: u32, len: usize) {
    put_key(out, field, LEN);
    put_varint(out, len as u64);
}

pub(super) fn put_len_field(out: &mut Vec<u8>, field: u32, body: &[u8]) {
    put_len_prefix(out, field, body.len());
    out.extend_from_slice(body);
}

fn read_varint(input: &mut &[u8]) -> Option<u64> {
    let mut value = 0;
    // Ten bytes carry 70 bits; as in protobuf-java, the bits past 64 are dropped.
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = input.split_first()?;
        *input = rest;
        value |= u64::from(byte & 0x7F) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn take<'a>(input: &mut &'a [u8], len: usize) -> Option<&'a [u8]> {
    if len > input.len() {
        return None;
    }
    let (head, rest) = input.split_at(len);
    *input = rest;
    Some(head)
}

/// Calls `visit` with the number and value of each field of `message`, in
/// order; `None` if the message is malformed.
pub(super) fn for_each_field<'a>(mut message: &'a [u8], mut visit: impl FnMut(u32, Value<'a>)) -> Option<()> {
    while !message.is_empty() {
        // protobuf-java reads a key as a 32-bit varint, dropping higher bits.
        let key = read_varint(&mut message)? as u32;
        let field = key >> 3;
        if field == 0 {
            return None;
        }
        let value = match key & 7 {
            VARINT => Value::Varint(read_varint(&mut message)?),
            LEN => {
                let len = usize::try_from(read_varint(&mut message)?).ok()?;
                Value::Bytes(take(&mut message, len)?)
            }
            FIXED64 => take(&mut message, 8).map(|_| Value::Fixed)?,
            FIXED32 => take(&mut message, 4).map(|_| Value::Fixed)?,
            _ => return None,
        };
        visit(field, value);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[track_caller]
    fn check_varint(value: u64, bytes: &[u8]) {
        let mut out = Vec::new();
        put_varint(&mut out, value);
        assert_eq!(out, bytes, "value={value}");
        assert_eq!(varint_len(value), bytes.len(), "value={value}");
        let mut input = bytes;
        assert_eq!(read_varint(&mut input), Some(value), "value={value}");
        assert!(input.is_empty());
    }

    #[test]
    fn varints_match_the_protobuf_encoding() {
        // The protobuf encoding guide's examples (1, 150) and the byte-count boundaries.
        check_varint(0, &[0x00]);
        check_varint(1, &[0x01]);
        check_varint(127, &[0x7F]);
        check_varint(128, &[0x80, 0x01]);
        check_varint(150, &[0x96, 0x01]);
        check_varint(300, &[0xAC, 0x02]);
        check_varint(16_383, &[0xFF, 0x7F]);
        check_varint(16_384, &[0x80, 0x80, 0x01]);
        check_varint(u64::MAX, &[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
    }

    #[test]
    fn overlong_and_truncated_varints_are_refused() {
        assert_eq!(read_varint(&mut &[0x80; 10][..]), None);
        assert_eq!(read_varint(&mut &[0x80, 0x80][..]), None);
        assert_eq!(read_varint(&mut &[][..]), None);
        // A tenth byte's bits past 64 are dropped, not refused.
        assert_eq!(read_varint(&mut &[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F][..]), Some(u64::MAX));
    }

    #[track_caller]
    fn check_fields(message: &[u8], expected: Option<&[(u32, Value<'_>)]>) {
        let mut seen = vec![];
        let parsed = for_each_field(message, |field, value| seen.push((field, value)));
        assert_eq!(parsed.map(|()| &seen[..]), expected, "message={message:02X?}");
    }

    #[test]
    fn fields_of_every_wire_type() {
        check_fields(&[], Some(&[]));
        check_fields(&[0x08, 0x96, 0x01], Some(&[(1, Value::Varint(150))]));
        check_fields(&[0x12, 0x02, b'h', b'i', 0x18, 0x00], Some(&[(2, Value::Bytes(b"hi")), (3, Value::Varint(0))]));
        check_fields(&[0x09, 1, 2, 3, 4, 5, 6, 7, 8, 0x15, 1, 2, 3, 4], Some(&[(1, Value::Fixed), (2, Value::Fixed)]));
        // Field number 16 takes a two-byte key.
        check_fields(&[0x80, 0x01, 0x07], Some(&[(16, Value::Varint(7))]));
    }

    #[test]
    fn malformed_messages_are_refused() {
        check_fields(&[0x00, 0x00], None); // field number 0
        check_fields(&[0x0A, 0x03, b'a'], None); // length past the end
        check_fields(&[0x08], None); // key without a value
        check_fields(&[0x09, 1, 2, 3], None); // short fixed64
        check_fields(&[0x0B, 0x0C], None); // a group
        check_fields(&[0x0E, 0x00], None); // wire type 6
    }
}
