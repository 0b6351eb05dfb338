//! `application/x-amz-cbor-1.1`: the CBOR (RFC 8949) form of the Kinesis
//! JSON protocol, which the AWS SDK for Java sends by default.
//!
//! The simulation speaks JSON, so a CBOR body is translated to the JSON the
//! same request would have had, and a JSON answer back to CBOR, as the Java
//! SDK's `SdkCborGenerator` and its CBOR unmarshallers write and read them:
//!
//! - A blob is a CBOR byte string; in JSON it is base64 text. Answers carry
//!   one blob member, a record's `Data`.
//! - A timestamp is tag 1 (epoch-based date) around a number of epoch
//!   **milliseconds**, not the seconds RFC 8949 says: that is what the Java
//!   SDK writes (`Date.getTime()`, `Instant.toEpochMilli()`) and what its
//!   unmarshaller reads (`UNIX_TIMESTAMP_MILLIS`). In JSON it is epoch
//!   seconds. A request's tag-1 number below 10^11 is read as seconds
//!   instead (before the year 5138 no date in milliseconds is that small),
//!   so that a client following the RFC is understood too. Answers write
//!   every member whose name ends in `Timestamp` this way.
//! - Structures are maps with text keys, of definite or indefinite length
//!   (Jackson writes indefinite ones); errors are `{"__type", "message"}`.
//!
//! Decoding takes hostile bytes: it never panics, nests at most
//! [`MAX_DEPTH`] deep, and allocates only for items whose bytes it has in
//! hand, since every declared length is checked against what remains.

use serde_json::{Map, Number, Value};
use shardlab_core::base64;

/// The deepest nesting a request may have. Kinesis's deepest request
/// (`ListShards`' `ShardFilter`) nests two levels.
pub(crate) const MAX_DEPTH: usize = 32;

/// Epoch numbers under a tag 1 below this are seconds; at or above, milliseconds.
const MILLIS_FROM: f64 = 1e11;

/// A CBOR item in a form the decoder can turn into JSON.
pub(crate) fn decode(bytes: &[u8]) -> Result<Value, String> {
    let mut reader = Reader { bytes, at: 0 };
    let value = match reader.item(0)? {
        Item::Value(value) => value,
        Item::Break => return Err(reader.error("a break stop code outside an indefinite-length item")),
    };
    if reader.at != bytes.len() {
        return Err(reader.error("bytes after the first CBOR item"));
    }
    Ok(value)
}

/// The CBOR form of a JSON answer, with `Data` as byte strings and
/// `…Timestamp` members as tag-1 epoch milliseconds.
pub(crate) fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(&mut out, value, "");
    out
}

enum Item {
    Value(Value),
    /// The stop code that ends an indefinite-length item.
    Break,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn error(&self, what: &str) -> String {
        format!("The request body is not CBOR this endpoint reads: {what} at byte {}.", self.at)
    }

    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if n > self.bytes.len() - self.at {
            return Err(self.error("an item longer than the body"));
        }
        let taken = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(taken)
    }

    fn uint(&mut self, n: usize) -> Result<u64, String> {
        Ok(self.take(n)?.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    /// The argument of a head whose additional information is `info`;
    /// `None` for an indefinite length (31).
    fn argument(&mut self, info: u8) -> Result<Option<u64>, String> {
        match info {
            0..=23 => Ok(Some(u64::from(info))),
            24 => self.uint(1).map(Some),
            25 => self.uint(2).map(Some),
            26 => self.uint(4).map(Some),
            27 => self.uint(8).map(Some),
            31 => Ok(None),
            _ => Err(self.error("a reserved additional-information value")),
        }
    }

    /// A definite length that the remaining bytes can hold, one byte an element at least.
    fn length(&self, length: u64) -> Result<usize, String> {
        match usize::try_from(length) {
            Ok(length) if length <= self.bytes.len() - self.at => Ok(length),
            _ => Err(self.error("a length longer than the body")),
        }
    }

    /// A byte or text string (major type `major`), joining the chunks of an indefinite one.
    fn string(&mut self, major: u8, info: u8) -> Result<Vec<u8>, String> {
        match self.argument(info)? {
            Some(length) => {
                let length = self.length(length)?;
                Ok(self.take(length)?.to_vec())
            }
            None => {
                let mut joined = Vec::new();
                loop {
                    let head = self.uint(1)? as u8;
                    if head == 0xff {
                        return Ok(joined);
                    }
                    if head >> 5 != major || head & 0x1f == 31 {
                        return Err(self.error("a chunk of an indefinite-length string of another type"));
                    }
                    let length = self.argument(head & 0x1f)?.unwrap_or_default();
                    let length = self.length(length)?;
                    joined.extend_from_slice(self.take(length)?);
                }
            }
        }
    }

    fn text(&mut self, info: u8) -> Result<String, String> {
        let bytes = self.string(3, info)?;
        String::from_utf8(bytes).map_err(|_| self.error("a text string that is not UTF-8"))
    }

    fn item(&mut self, depth: usize) -> Result<Item, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting deeper than 32"));
        }
        let head = self.uint(1)? as u8;
        let (major, info) = (head >> 5, head & 0x1f);
        let value = match major {
            0 => {
                let n = self.argument(info)?.ok_or_else(|| self.error("an indefinite-length integer"))?;
                Value::from(n)
            }
            1 => {
                let n = self.argument(info)?.ok_or_else(|| self.error("an indefinite-length integer"))?;
                match i64::try_from(n) {
                    Ok(n) => Value::from(-1 - n),
                    Err(_) => number(-1.0 - n as f64).ok_or_else(|| self.error("a number out of range"))?,
                }
            }
            2 => Value::String(base64::encode(&self.string(2, info)?)),
            3 => Value::String(self.text(info)?),
            4 => {
                let length = self.argument(info)?.map(|n| self.length(n)).transpose()?;
                let mut items = Vec::new();
                loop {
                    if length == Some(items.len()) {
                        break;
                    }
                    match self.item(depth + 1)? {
                        Item::Value(value) => items.push(value),
                        Item::Break if length.is_none() => break,
                        Item::Break => return Err(self.error("a break stop code inside a definite-length array")),
                    }
                }
                Value::Array(items)
            }
            5 => {
                let length = self.argument(info)?.map(|n| self.length(n)).transpose()?;
                let mut map = Map::new();
                let mut n = 0;
                loop {
                    if length == Some(n) {
                        break;
                    }
                    let head = self.uint(1)? as u8;
                    let key = match (head >> 5, head) {
                        (_, 0xff) if length.is_none() => break,
                        (3, _) => self.text(head & 0x1f)?,
                        _ => return Err(self.error("a map key that is not a text string")),
                    };
                    let Item::Value(value) = self.item(depth + 1)? else {
                        return Err(self.error("a map key without a value"));
                    };
                    map.insert(key, value);
                    n += 1;
                }
                Value::Object(map)
            }
            6 => {
                let tag = self.argument(info)?.ok_or_else(|| self.error("an indefinite-length tag"))?;
                let Item::Value(inner) = self.item(depth + 1)? else {
                    return Err(self.error("a tag without an item"));
                };
                if tag != 1 {
                    // Other tags (a self-described CBOR mark, say) add nothing JSON can say.
                    return Ok(Item::Value(inner));
                }
                let epoch = inner.as_f64().ok_or_else(|| self.error("a tag-1 timestamp that is not a number"))?;
                let seconds = if epoch.abs() < MILLIS_FROM { epoch } else { epoch / 1000.0 };
                number(seconds).ok_or_else(|| self.error("a timestamp out of range"))?
            }
            _ => match info {
                20 => Value::Bool(false),
                21 => Value::Bool(true),
                22 | 23 => Value::Null,
                25 => {
                    let half = self.uint(2)? as u16;
                    number(f16_to_f64(half)).ok_or_else(|| self.error("a float that is not finite"))?
                }
                26 => {
                    let bits = self.uint(4)? as u32;
                    number(f64::from(f32::from_bits(bits))).ok_or_else(|| self.error("a float that is not finite"))?
                }
                27 => {
                    let bits = self.uint(8)?;
                    number(f64::from_bits(bits)).ok_or_else(|| self.error("a float that is not finite"))?
                }
                31 => return Ok(Item::Break),
                _ => return Err(self.error("a simple value that is not false, true, null or a float")),
            },
        };
        Ok(Item::Value(value))
    }
}

/// A JSON number for `x`, whole numbers as integers; `None` if it is not finite.
fn number(x: f64) -> Option<Value> {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        return Some(Value::from(x as i64));
    }
    Number::from_f64(x).map(Value::Number)
}

/// An IEEE 754 half-precision float (RFC 8949 Appendix D).
fn f16_to_f64(half: u16) -> f64 {
    let exponent = i32::from((half >> 10) & 0x1f);
    let mantissa = f64::from(half & 0x3ff);
    let magnitude = match exponent {
        0 => mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (mantissa + 1024.0) * 2f64.powi(exponent - 25),
    };
    if half & 0x8000 != 0 { -magnitude } else { magnitude }
}

fn write_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let major = major << 5;
    match n {
        0..=23 => out.push(major | n as u8),
        24..=0xff => out.extend([major | 24, n as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend((n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(major | 26);
            out.extend((n as u32).to_be_bytes());
        }
        _ => {
            out.push(major | 27);
            out.extend(n.to_be_bytes());
        }
    }
}

fn write_number(out: &mut Vec<u8>, n: &Number) {
    if let Some(n) = n.as_u64() {
        write_head(out, 0, n);
    } else if let Some(n) = n.as_i64() {
        write_head(out, 1, (-1 - n) as u64);
    } else {
        out.push(0xfb);
        out.extend(n.as_f64().unwrap_or_default().to_bits().to_be_bytes());
    }
}

fn write_value(out: &mut Vec<u8>, value: &Value, member: &str) {
    match value {
        Value::Null => out.push(0xf6),
        Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Value::Number(n) if member.ends_with("Timestamp") => {
            let millis = (n.as_f64().unwrap_or_default() * 1000.0).round() as i64;
            write_head(out, 6, 1);
            write_number(out, &Number::from(millis));
        }
        Value::Number(n) => write_number(out, n),
        Value::String(text) => match (member, base64::decode(text)) {
            ("Data", Some(bytes)) => {
                write_head(out, 2, bytes.len() as u64);
                out.extend(bytes);
            }
            _ => {
                write_head(out, 3, text.len() as u64);
                out.extend(text.as_bytes());
            }
        },
        Value::Array(items) => {
            write_head(out, 4, items.len() as u64);
            // An array's elements are members of the array's name (`Records`
            // holds records); only structures' members name a blob or timestamp.
            for item in items {
                write_value(out, item, "");
            }
        }
        Value::Object(map) => {
            write_head(out, 5, map.len() as u64);
            for (key, item) in map {
                write_head(out, 3, key.len() as u64);
                out.extend(key.as_bytes());
                write_value(out, item, key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[track_caller]
    fn check_decode(hex: &str, expected: Value) {
        let bytes: Vec<u8> =
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        assert_eq!(decode(&bytes), Ok(expected), "{hex}");
    }

    #[test]
    fn decodes_rfc_8949_appendix_a_examples() {
        check_decode("00", json!(0));
        check_decode("1903e8", json!(1000));
        check_decode("1bffffffffffffffff", json!(18_446_744_073_709_551_615u64));
        check_decode("3903e7", json!(-1000));
        check_decode("f93c00", json!(1));
        check_decode("f9c400", json!(-4));
        check_decode("fb3ff199999999999a", json!(1.1));
        check_decode("f4", json!(false));
        check_decode("f6", Value::Null);
        check_decode("6449455446", json!("IETF"));
        check_decode("8301820203820405", json!([1, [2, 3], [4, 5]]));
        check_decode("a26161016162820203", json!({"a": 1, "b": [2, 3]}));
        check_decode("5f42010243030405ff", json!("AQIDBAU="));
        check_decode("7f657374726561646d696e67ff", json!("streaming"));
        check_decode("9f018202039f0405ffff", json!([1, [2, 3], [4, 5]]));
        check_decode("bf6346756ef563416d7421ff", json!({"Fun": true, "Amt": -2}));
        // RFC 8949's own tag-1 example is in seconds; the Java SDK's are milliseconds.
        check_decode("c11a514b67b0", json!(1_363_896_240));
        check_decode("c11b0000019b76daa800", json!(1_767_225_600));
        check_decode("c1fb41d452d9ec200000", json!(1_363_896_240.5));
    }

    #[test]
    fn refuses_what_json_cannot_hold_or_the_body_cannot_back() {
        for hex in [
            "",
            "18",
            "1c",
            "5a00000010",
            "9b00000000ffffffff",
            "a1",
            "a10102",
            "ff",
            "f97c00",
            "fb7ff8000000000000",
            "f0",
            "0000",
            "82ff",
            "5f01ff",
            "7f4161ff",
            "c1",
            "c16161",
            "62c328",
        ] {
            let bytes: Vec<u8> =
                (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
            assert!(decode(&bytes).is_err(), "{hex} decoded");
        }
        let deep = [vec![0x81; MAX_DEPTH + 1], vec![0]].concat();
        assert!(decode(&deep).is_err());
        let fits = [vec![0x81; MAX_DEPTH], vec![0]].concat();
        assert!(decode(&fits).is_ok());
    }

    #[test]
    fn answers_carry_blobs_as_bytes_and_timestamps_as_tagged_millis() {
        let answer =
            json!({"Records": [{"Data": "aGk=", "ApproximateArrivalTimestamp": 1767225600.5, "PartitionKey": "k"}]});
        let bytes = encode(&answer);
        let expected = [
            &[0xa1, 0x67][..],
            b"Records",
            &[0x81, 0xa3, 0x78, 0x1b],
            b"ApproximateArrivalTimestamp",
            &[0xc1, 0x1b, 0, 0, 1, 0x9b, 0x76, 0xda, 0xa9, 0xf4, 0x64],
            b"Data",
            &[0x42],
            b"hi",
            &[0x6c],
            b"PartitionKey",
            &[0x61],
            b"k",
        ]
        .concat();
        assert_eq!(bytes, expected);
        // Back through the decoder, a request's view of the same: base64 and seconds.
        assert_eq!(decode(&bytes), Ok(answer));
    }

    proptest::proptest! {
        /// No bytes make the decoder panic, and what it accepts encodes again.
        #[test]
        fn any_bytes_are_decoded_or_refused(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            if let Ok(value) = decode(&bytes) {
                let _ = encode(&value);
            }
        }

        /// Sequences of plausible heads, so that the decoder gets past its first byte.
        #[test]
        fn plausible_items_are_decoded_or_refused(
            heads in proptest::collection::vec(proptest::sample::select(vec![
                0x9f_u8, 0xbf, 0xff, 0x5f, 0x7f, 0x41, 0x61, 0x62, 0x82, 0xa1, 0xc1, 0x1b, 0x18, 0xf9, 0xfb, 0x00, 0x20,
                0x3b, 0x5a, 0x9a, 0xba,
            ]), 0..64)
        ) {
            let _ = decode(&heads);
        }
    }
}
