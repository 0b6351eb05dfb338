//! What Firehose does to a batch's bytes on the way to S3: record format
//! conversion, GZIP compression, and the object keys it writes under.
//!
//! Real Firehose converts JSON only to Apache Parquet or ORC, with a schema
//! from AWS Glue. Columnar binary formats would teach nothing a learner can
//! read, so the simulation converts JSON records to CSV (a column list is
//! the schema) or to newline-delimited JSON instead. What stays faithful is
//! the failure path: a record that does not parse is written to the error
//! output under `format-conversion-failed/`.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::time::Instant;

/// How JSON records are rewritten before delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordFormat {
    /// Each record parsed as one JSON value and written compactly on its own line.
    NdJson,
    /// Each record parsed as a JSON object and written as one RFC 4180 CSV
    /// line of `columns`, in order; a missing or `null` field is empty.
    Csv {
        /// The schema: field names, which are also the order of the columns.
        columns: Vec<String>,
    },
}

impl RecordFormat {
    /// The record converted, or why it could not be.
    pub(crate) fn convert(&self, data: &[u8]) -> Result<Vec<u8>, String> {
        let value: Value =
            serde_json::from_slice(data).map_err(|err| format!("Could not parse record as JSON: {err}"))?;
        let mut line = match self {
            RecordFormat::NdJson => serde_json::to_vec(&value).expect("a parsed JSON value always serializes"),
            RecordFormat::Csv { columns } => {
                let Value::Object(fields) = value else {
                    return Err("Record is not a JSON object, which a CSV schema needs".into());
                };
                let cells: Vec<String> = columns.iter().map(|column| csv_cell(fields.get(column))).collect();
                cells.join(",").into_bytes()
            }
        };
        line.push(b'\n');
        Ok(line)
    }
}

/// One CSV cell: strings as they are, other values as JSON text, quoted
/// when they hold a comma, a quote or a line break (RFC 4180).
fn csv_cell(value: Option<&Value>) -> String {
    let text = match value {
        None | Some(Value::Null) => return String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

/// The zlib level Firehose's GZIP output is compressed at. AWS does not say;
/// 6 is gzip's own default.
const GZIP_LEVEL: u8 = 6;

/// `data` in the GZIP file format (RFC 1952): a 10-byte header, the raw
/// deflate stream, then the CRC-32 and the length modulo 2^32, little-endian.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    // ID1 ID2, CM = deflate, no flags, no MTIME, no XFL, OS = unknown.
    let mut out = alloc::vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend(miniz_oxide::deflate::compress_to_vec(data, GZIP_LEVEL));
    out.extend(crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

/// The bytes of a [`gzip`] member written without optional header fields,
/// checked against its CRC-32 and length; `None` if it is not one.
pub fn gunzip(data: &[u8]) -> Option<Vec<u8>> {
    let header_ok = data.len() >= 18 && data[..4] == [0x1f, 0x8b, 8, 0];
    if !header_ok {
        return None;
    }
    let (deflated, trailer) = data[10..].split_at(data.len() - 18);
    let inflated = miniz_oxide::inflate::decompress_to_vec(deflated).ok()?;
    let crc = u32::from_le_bytes(trailer[..4].try_into().ok()?);
    let size = u32::from_le_bytes(trailer[4..].try_into().ok()?);
    (crc == crc32(&inflated) && size == inflated.len() as u32).then_some(inflated)
}

/// CRC-32 as GZIP and zlib's `crc32()` compute it (reflected polynomial
/// 0xEDB88320), bit by bit: objects are small and this runs once per object.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// `YYYY/MM/DD/HH/` of `at` in UTC: the time prefix Firehose puts after the
/// configured prefix when that prefix has no `!{timestamp:…}` expressions.
pub(crate) fn hour_prefix(at: Instant) -> String {
    let iso = at.to_string(); // 2026-01-01T13:00:00.000Z
    format!("{}/{}/{}/{}/", &iso[0..4], &iso[5..7], &iso[8..10], &iso[11..13])
}

/// `YYYY-MM-DD-HH-MM-SS` of `at` in UTC, for the object name.
pub(crate) fn object_timestamp(at: Instant) -> String {
    let iso = at.to_string();
    format!("{}-{}-{}-{}", &iso[0..10], &iso[11..13], &iso[14..16], &iso[17..19])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_convert(format: &RecordFormat, record: &str, expected: Result<&str, ()>) {
        let got = format.convert(record.as_bytes()).map(|line| String::from_utf8(line).unwrap()).map_err(|_| ());
        assert_eq!(got.as_deref(), expected.as_deref().map_err(|_| &()), "{record}");
    }

    #[test]
    fn converts_json_to_csv_by_column_list() {
        let csv = RecordFormat::Csv { columns: ["id", "name", "tags", "gone"].map(String::from).to_vec() };
        check_convert(&csv, r#"{"name":"ada","id":7}"#, Ok("7,ada,,\n"));
        check_convert(&csv, r#"{"id":1,"name":"a, \"b\"","tags":[1,2]}"#, Ok("1,\"a, \"\"b\"\"\",\"[1,2]\",\n"));
        check_convert(&csv, r#"{"id":null,"name":true,"extra":1}"#, Ok(",true,,\n"));
        check_convert(&csv, "[1,2]", Err(()));
        check_convert(&csv, "not json", Err(()));
    }

    #[test]
    fn converts_json_to_ndjson() {
        check_convert(&RecordFormat::NdJson, "{ \"a\" : [1, 2] }\n", Ok("{\"a\":[1,2]}\n"));
        check_convert(&RecordFormat::NdJson, "\"text\"", Ok("\"text\"\n"));
        check_convert(&RecordFormat::NdJson, "{\"a\":", Err(()));
    }

    #[test]
    fn crc32_matches_the_check_value() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn gzip_inflates_back_to_the_same_bytes() {
        for data in [&b""[..], b"hello\n", &[7u8; 100_000][..]] {
            let zipped = gzip(data);
            assert_eq!(zipped[..3], [0x1f, 0x8b, 8]);
            assert_eq!(gunzip(&zipped).as_deref(), Some(data));
        }
        let mut damaged = gzip(b"hello");
        let last = damaged.len() - 5;
        damaged[last] ^= 1;
        assert_eq!(gunzip(&damaged), None);
    }

    #[test]
    fn time_parts_are_utc() {
        let at = Instant::from_epoch_millis(1_767_225_600_000 + 13 * 3_600_000 + 5 * 60_000 + 9_000);
        assert_eq!(hour_prefix(at), "2026/01/01/13/");
        assert_eq!(object_timestamp(at), "2026-01-01-13-05-09");
    }
}
