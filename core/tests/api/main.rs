//! The Kinesis JSON API (`shardlab_core::api`) and its headless driver, as a
//! client sees them: targets, JSON bodies, statuses.

mod clients;
mod delivery;
mod driver;
mod errors;
mod fan_out;
mod generators;
mod lambda;
mod operations;
mod reads;
mod security;
mod simulation;

use serde_json::{Value, json};
use shardlab_core::{Simulation, api};

/// Epoch milliseconds of 2026-01-01T00:00:00Z, where every simulation starts.
const START_MILLIS: u64 = 1_767_225_600_000;

/// A simulation seen only through the JSON API, its clock at the start.
#[derive(Default)]
pub struct Api(Simulation);

impl Api {
    /// A simulation with one `ACTIVE` provisioned stream `s` of `shard_count`
    /// shards, five simulated seconds after the start.
    pub fn with_stream(shard_count: u32) -> Api {
        let mut api = Api::default();
        api.ok("CreateStream", json!({"StreamName": "s", "ShardCount": shard_count}));
        api.advance(5000);
        api
    }

    /// The raw response to `op` (`PutRecord`, or a full target such as
    /// `Shardlab.SetClock`) with `body` as the request body.
    pub fn raw(&mut self, op: &str, body: &str) -> api::Response {
        let target = if op.contains('.') { op.to_owned() } else { format!("Kinesis_20131202.{op}") };
        api::handle(&mut self.0, &target, body)
    }

    /// The status and parsed body of `op`; an empty body parses as `null`.
    pub fn call(&mut self, op: &str, body: Value) -> (u16, Value) {
        let response = self.raw(op, &body.to_string());
        let parsed = if response.body.is_empty() { Value::Null } else { serde_json::from_str(&response.body).unwrap() };
        (response.status, parsed)
    }

    /// The body of a call that must succeed.
    #[track_caller]
    pub fn ok(&mut self, op: &str, body: Value) -> Value {
        let (status, reply) = self.call(op, body);
        assert_eq!(status, 200, "{op}: {reply}");
        reply
    }

    /// Moves the simulated clock forward.
    pub fn advance(&mut self, millis: u64) {
        self.ok("Shardlab.AdvanceClock", json!({"Millis": millis}));
    }
}

/// The `StartingSequenceNumber` of shard `shard_index`.
pub fn first_sequence_number(shard_index: u32) -> String {
    format!("49{shard_index:012}{:042}", 0)
}

/// The ARN of stream `name`.
pub fn arn(name: &str) -> String {
    format!("arn:aws:kinesis:us-east-1:123456789012:stream/{name}")
}

/// `{"__type": code, "message": message}`.
pub fn error(code: &str, message: &str) -> Value {
    json!({"__type": code, "message": message})
}

/// A one-violation `ValidationException`.
pub fn invalid(violation: &str) -> Value {
    error("ValidationException", &format!("1 validation error detected: {violation}"))
}

/// The violation of a missing member at `path`.
pub fn null(path: &str) -> String {
    format!("Value null at '{path}' failed to satisfy constraint: Member must not be null")
}

/// Checks that each `(op, body)` is refused with status 400 and the body given.
#[track_caller]
pub fn check_errors(api: &mut Api, cases: &[(&str, Value, Value)]) {
    for (op, body, expected) in cases {
        assert_eq!(api.call(op, body.clone()), (400, expected.clone()), "{op} {body}");
    }
}
