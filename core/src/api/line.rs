//! The JSON-lines protocol of the `shardlab-api` driver: one request per
//! line in, one response per line out.
//!
//! A request is `{"Target": "Kinesis_20131202.PutRecord", "Body": {…}}`;
//! `Body` may be left out when the operation needs no members. The response
//! is `{"Status": 200, "Body": {…}}`, where `Body` is the JSON the service
//! would send, or `{}` where it sends an empty body, so that `Body` is always
//! an object. Blank lines get no response. A line that is not UTF-8, or not
//! a JSON object with a string `Target`, gets a `SerializationException`
//! saying so, and the session goes on.

use alloc::format;
use alloc::string::String;

use serde_json::{Map, Value};

use super::error::ApiError;
use super::{dispatch, respond};
use crate::Simulation;

/// The response line for one request line, or `None` for a blank line.
///
/// The line is read as UTF-8, as JSON requires. Bytes that are not UTF-8
/// are a `SerializationException`, never repaired into U+FFFD: a repaired
/// partition key would route to another shard than the one the caller chose.
///
/// ```
/// use shardlab_core::{Simulation, api::line};
///
/// let mut sim = Simulation::new();
/// let reply = line::handle_line(&mut sim, br#"{"Target":"Shardlab.AdvanceClock","Body":{"Millis":1500}}"#);
/// assert_eq!(reply.as_deref(), Some(r#"{"Status":200,"Body":{"EpochMillis":1767225601500}}"#));
/// ```
pub fn handle_line(sim: &mut Simulation, line: &[u8]) -> Option<String> {
    let reply = match core::str::from_utf8(line) {
        Ok(text) if text.trim().is_empty() => return None,
        Ok(text) => match parse(text) {
            Ok((target, body)) => dispatch(sim, &target, Some(&body)),
            Err(why) => Err(ApiError::serialization(why)),
        },
        Err(err) => Err(ApiError::serialization(format!("The request line is not UTF-8: {err}"))),
    };
    let (status, body) = respond(reply);
    let body = body.unwrap_or_else(|| Value::Object(Map::new()));
    // Written by hand so that Status comes first, as documented.
    Some(format!("{{\"Status\":{status},\"Body\":{body}}}"))
}

/// The target and body of a request line.
fn parse(line: &str) -> Result<(String, Value), String> {
    let request: Value = serde_json::from_str(line).map_err(|err| format!("The request line is not JSON: {err}"))?;
    let target = request.get("Target").and_then(Value::as_str).ok_or_else(|| {
        String::from("The request line must be a JSON object with a string Target, such as {\"Target\":\"Kinesis_20131202.ListStreams\",\"Body\":{}}")
    })?;
    let body = match request.get("Body") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(body) => body.clone(),
    };
    Ok((target.into(), body))
}
