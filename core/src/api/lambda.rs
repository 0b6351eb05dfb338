//! Simulation-only targets for Lambda reading a stream through an
//! event-source mapping (see [`lambda`](crate::lambda)).
//!
//! The mapping operations take and answer the members of AWS Lambda's
//! `CreateEventSourceMapping`, `UpdateEventSourceMapping`,
//! `DeleteEventSourceMapping` and `GetEventSourceMapping`, under `Shardlab.`
//! because this API speaks Kinesis's protocol, not Lambda's REST one.
//! Functions are scripts rather than code:
//!
//! - `Shardlab.CreateFunction {"FunctionName", "DurationMillis"?,
//!   "MillisPerRecord"?, "PoisonPartitionKey"? | "PoisonDataContains"?,
//!   "OnPoison"?: "THROW"|"REPORT_BATCH_ITEM_FAILURES", "FailurePercent"?,
//!   "ThrowOnEveryBatch"?, "Seed"?, "Timeout"?, "Aggregate"?: "COUNT"|"COUNT_BY_PARTITION_KEY"
//!   | "AggregateSumOf"?}` → `{"FunctionName", "FunctionArn"}`.
//!   `Timeout` is CreateFunction's, in seconds (1–900, default 3).
//!   `Aggregate` (or `AggregateSumOf`, an integer member of JSON record
//!   data) is the `state` the function returns under a tumbling window.
//!   Every behaviour member is optional; without any the function succeeds
//!   at once. `PoisonDataContains` is text matched against record data.
//! - `Shardlab.CreateEventSourceMapping`, `Shardlab.UpdateEventSourceMapping`
//!   (`UUID` and the members to change), `Shardlab.DeleteEventSourceMapping`
//!   and `Shardlab.GetEventSourceMapping` (`{"UUID"}`) answer AWS's
//!   `EventSourceMappingConfiguration`; `GetEventSourceMapping` adds the
//!   simulation's `Progress` (concurrency, iterator age, per-shard lanes).
//!   `FilterCriteria` (`{"Filters": [{"Pattern"}]}`) takes the pattern subset
//!   documented in `lambda::filter`; `GetEventSourceMapping`'s `Progress`
//!   counts the `FilteredRecords` checkpointed without an invocation and the
//!   `Throttles` the function's concurrency caused.
//!   `TumblingWindowInSeconds` is taken on create and update; an
//!   invocation under a window logs its `Window` members and returned `State`.
//! - `Shardlab.PutFunctionConcurrency {"FunctionName", "ReservedConcurrentExecutions"}`,
//!   `Shardlab.GetFunctionConcurrency` and `Shardlab.DeleteFunctionConcurrency`
//!   (`{"FunctionName"}`), with AWS's members; `GetFunctionConcurrency` adds the
//!   simulation's `ConcurrentExecutions` and `Throttles`.
//! - `Shardlab.Invocations {"UUID", "After"?}` → `{"Invocations": […], "Next": N}`:
//!   the mapping's invocation log from invocation number `After`.
//! - `Shardlab.DestinationMessages {"Destination"}` → `{"Messages": ["…"]}`:
//!   the bodies sent to an on-failure destination, oldest first.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Value, json};

use super::Reply;
use super::decode::Decoder;
use super::encode::timestamp;
use super::error::ApiError;
use crate::Simulation;
use crate::lambda::{
    Aggregate, CreateEventSourceMappingInput, FunctionScript, Handling, Invocation, InvocationOutcome, MappingSettings,
    MappingStartingPosition, MappingStatus, OnPoison, PoisonRule, REPORT_BATCH_ITEM_FAILURES,
    UpdateEventSourceMappingInput,
};
use crate::time::Duration;

const STARTING_POSITIONS: &[(&str, MappingStartingPosition)] = &[
    ("TRIM_HORIZON", MappingStartingPosition::TrimHorizon),
    ("LATEST", MappingStartingPosition::Latest),
    ("AT_TIMESTAMP", MappingStartingPosition::AtTimestamp),
];

pub(super) fn create_function(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    const ON_POISON: &[(&str, OnPoison)] =
        &[("THROW", OnPoison::Throw), ("REPORT_BATCH_ITEM_FAILURES", OnPoison::ReportItemFailures)];
    let name = d.required("FunctionName", Decoder::string)?;
    let mut script = FunctionScript::default();
    if let Some(millis) = d.non_negative_long("DurationMillis")? {
        script.duration_per_batch = Duration::from_millis(millis);
    }
    if let Some(millis) = d.non_negative_long("MillisPerRecord")? {
        script.duration_per_record = Duration::from_millis(millis);
    }
    let by_key = d.string("PoisonPartitionKey")?.map(PoisonRule::PartitionKey);
    let by_data = d.string("PoisonDataContains")?.map(|text| PoisonRule::DataContains(text.into_bytes()));
    if let Some(on_poison) = d.enumeration("OnPoison", ON_POISON)? {
        script.on_poison = on_poison;
    }
    if let Some(percent) = d.non_negative_integer("FailurePercent")? {
        script.failure_percent = percent;
    }
    if let Some(throw) = d.boolean("ThrowOnEveryBatch")? {
        script.throw_on_every_batch = throw;
    }
    if let Some(seed) = d.non_negative_long("Seed")? {
        script.seed = seed;
    }
    // CreateFunction's own member, in seconds (1 to 900, default 3).
    if let Some(seconds) = d.integer_up_to("Timeout", crate::lambda::MAX_TIMEOUT_SECONDS as u32)? {
        script.timeout = Duration::from_secs(u64::from(seconds));
    }
    // `Aggregate` is not `Copy`, as an enumeration's values must be: each name gives a maker.
    type MakeAggregate = fn() -> Aggregate;
    const AGGREGATES: &[(&str, MakeAggregate)] =
        &[("COUNT", || Aggregate::Count), ("COUNT_BY_PARTITION_KEY", || Aggregate::CountByPartitionKey)];
    let counting = d.enumeration("Aggregate", AGGREGATES)?.map(|make| make());
    let summing = d.string("AggregateSumOf")?.map(Aggregate::Sum);
    d.finish()?;
    script.aggregate = match (counting, summing) {
        (Some(_), Some(_)) => {
            return Err(ApiError::new("InvalidParameterValueException", "Give Aggregate or AggregateSumOf, not both."));
        }
        (aggregate, None) | (None, aggregate) => aggregate,
    };
    script.poison = match (by_key, by_data) {
        (Some(_), Some(_)) => {
            return Err(ApiError::new(
                "InvalidParameterValueException",
                "Give PoisonPartitionKey or PoisonDataContains, not both.",
            ));
        }
        (rule, None) | (None, rule) => rule,
    };
    let arn = sim.create_function(&name, script)?;
    Ok(Some(json!({"FunctionName": name, "FunctionArn": arn})))
}

/// `DestinationConfig.OnFailure.Destination`: `None` without a
/// `DestinationConfig`, `Some(None)` for one without a destination.
fn destination_config(d: &mut Decoder<'_>) -> Result<Option<Option<String>>, ApiError> {
    d.structure("DestinationConfig", |d| d.structure("OnFailure", |d| d.string("Destination")).map(Option::flatten))
}

/// What an `OnFailure` without a `Destination` means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Destination {
    /// On create: no destination.
    AbsentIfEmpty,
    /// On update: `{"OnFailure": {}}` removes the destination, as in AWS.
    EmptyRemoves,
}

/// The members `CreateEventSourceMapping` and `UpdateEventSourceMapping` share.
fn settings(d: &mut Decoder<'_>, empty_destination: Destination) -> Result<MappingSettings, ApiError> {
    Ok(MappingSettings {
        batch_size: d.integer("BatchSize")?,
        maximum_batching_window_in_seconds: d.integer("MaximumBatchingWindowInSeconds")?,
        parallelization_factor: d.integer("ParallelizationFactor")?,
        bisect_batch_on_function_error: d.boolean("BisectBatchOnFunctionError")?,
        maximum_retry_attempts: d.integer("MaximumRetryAttempts")?,
        maximum_record_age_in_seconds: d.integer("MaximumRecordAgeInSeconds")?,
        function_response_types: d.strings("FunctionResponseTypes")?,
        on_failure_destination: match (destination_config(d)?, empty_destination) {
            (destination, Destination::AbsentIfEmpty) => destination.flatten(),
            (destination, Destination::EmptyRemoves) => destination.map(Option::unwrap_or_default),
        },
        // `FilterCriteria: {}` (or `{"Filters": []}`) removes the filters, as in AWS.
        filter_patterns: d
            .structure("FilterCriteria", |d| d.structures("Filters", |d| Ok(d.string("Pattern")?.unwrap_or_default())))?
            .map(Option::unwrap_or_default),
        tumbling_window_in_seconds: d.integer("TumblingWindowInSeconds")?,
    })
}

pub(super) fn create_event_source_mapping(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let input = CreateEventSourceMappingInput {
        event_source_arn: d.required("EventSourceArn", Decoder::string)?,
        function_name: d.required("FunctionName", Decoder::string)?,
        starting_position: d.enumeration("StartingPosition", STARTING_POSITIONS)?,
        starting_position_timestamp: d.timestamp("StartingPositionTimestamp")?,
        settings: settings(d, Destination::AbsentIfEmpty)?,
    };
    d.finish()?;
    Ok(Some(configuration(&sim.create_event_source_mapping(input)?, None)))
}

pub(super) fn update_event_source_mapping(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let input = UpdateEventSourceMappingInput {
        uuid: d.required("UUID", Decoder::string)?,
        function_name: d.string("FunctionName")?,
        settings: settings(d, Destination::EmptyRemoves)?,
    };
    d.finish()?;
    Ok(Some(configuration(&sim.update_event_source_mapping(input)?, None)))
}

pub(super) fn delete_event_source_mapping(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let uuid = d.required("UUID", Decoder::string)?;
    d.finish()?;
    Ok(Some(configuration(&sim.delete_event_source_mapping(&uuid)?, Some("Deleting"))))
}

pub(super) fn get_event_source_mapping(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let uuid = d.required("UUID", Decoder::string)?;
    d.finish()?;
    let status = sim.event_source_mapping(&uuid)?;
    let mut body = configuration(&status, None);
    body["Progress"] = progress(&status);
    Ok(Some(body))
}

pub(super) fn invocations(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let uuid = d.required("UUID", Decoder::string)?;
    let after = d.non_negative_long("After")?.unwrap_or(0);
    d.finish()?;
    let log = sim.invocations(&uuid)?;
    let next = sim.event_source_mapping(&uuid)?.invocations;
    let entries: Vec<Value> = log.iter().filter(|i| i.number >= after).map(invocation).collect();
    Ok(Some(json!({"Invocations": entries, "Next": next})))
}

pub(super) fn put_function_concurrency(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("FunctionName", Decoder::string)?;
    let reserved = d.required("ReservedConcurrentExecutions", Decoder::integer)?;
    d.finish()?;
    let reserved = sim.put_function_concurrency(&name, reserved)?;
    Ok(Some(json!({"ReservedConcurrentExecutions": reserved})))
}

pub(super) fn get_function_concurrency(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("FunctionName", Decoder::string)?;
    d.finish()?;
    let concurrency = sim.function_concurrency(&name)?;
    // Like AWS, `ReservedConcurrentExecutions` is absent without a reservation.
    let mut body = json!({
        "ConcurrentExecutions": concurrency.concurrent_executions,
        "Throttles": concurrency.throttles,
    });
    if let Some(reserved) = concurrency.reserved_concurrent_executions {
        body["ReservedConcurrentExecutions"] = reserved.into();
    }
    Ok(Some(body))
}

pub(super) fn delete_function_concurrency(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("FunctionName", Decoder::string)?;
    d.finish()?;
    sim.delete_function_concurrency(&name)?;
    Ok(Some(json!({})))
}

pub(super) fn destination_messages(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let destination = d.required("Destination", Decoder::string)?;
    d.finish()?;
    Ok(Some(json!({"Messages": sim.destination_messages(&destination)})))
}

/// AWS's `EventSourceMappingConfiguration`, with `state` in place of the
/// mapping's own where the operation reports a transition (`Deleting`).
fn configuration(status: &MappingStatus, state: Option<&str>) -> Value {
    let config = &status.config;
    let response_types: Vec<&str> =
        if config.report_batch_item_failures { alloc::vec![REPORT_BATCH_ITEM_FAILURES] } else { Vec::new() };
    let mut body = json!({
        "UUID": status.uuid,
        "EventSourceArn": status.event_source_arn,
        "FunctionArn": status.function_arn,
        "StartingPosition": status.starting_position.as_str(),
        "StartingPositionTimestamp": status.starting_position_timestamp.map(timestamp),
        "BatchSize": config.batch_size,
        "MaximumBatchingWindowInSeconds": config.maximum_batching_window_in_seconds,
        "ParallelizationFactor": config.parallelization_factor,
        "BisectBatchOnFunctionError": config.bisect_batch_on_function_error,
        "MaximumRetryAttempts": config.maximum_retry_attempts,
        "MaximumRecordAgeInSeconds": config.maximum_record_age_in_seconds,
        "TumblingWindowInSeconds": config.tumbling_window_in_seconds,
        "FunctionResponseTypes": response_types,
        "DestinationConfig": {"OnFailure": {"Destination": config.on_failure_destination}},
        "LastModified": timestamp(status.last_modified),
        "LastProcessingResult": status.last_processing_result,
        "State": state.unwrap_or(status.state),
        "StateTransitionReason": "USER_INITIATED",
    });
    // Like AWS, the configuration has `FilterCriteria` only while there are filters.
    if !config.filter_patterns.is_empty() {
        let filters: Vec<Value> = config.filter_patterns.iter().map(|p| json!({"Pattern": p})).collect();
        body["FilterCriteria"] = json!({ "Filters": filters });
    }
    body
}

/// The simulation's view of a mapping's progress.
fn progress(status: &MappingStatus) -> Value {
    let shards: Vec<Value> = status
        .shards
        .iter()
        .map(|shard| {
            let lanes: Vec<Value> = shard
                .lanes
                .iter()
                .map(|lane| {
                    json!({
                        "WaitingRecords": lane.waiting_records,
                        "InFlightBatchSize": lane.in_flight_batch_size,
                        "LastProcessedSequenceNumber": lane.last_processed.map(|s| s.to_string()),
                    })
                })
                .collect();
            json!({
                "ShardId": shard.shard_id.to_string(),
                "Active": shard.active,
                "Finished": shard.finished,
                "ReadAfterSequenceNumber": shard.read_after.map(|s| s.to_string()),
                "IteratorAgeMilliseconds": shard.iterator_age.as_millis(),
                "Lanes": lanes,
            })
        })
        .collect();
    json!({
        "Concurrency": status.concurrency,
        "InFlight": status.in_flight,
        "IteratorAgeMilliseconds": status.iterator_age.as_millis(),
        "Invocations": status.invocations,
        "DiscardedRecords": status.discarded_records,
        "FilteredRecords": status.filtered_records,
        "Throttles": status.throttles,
        "Shards": shards,
    })
}

fn invocation(invocation: &Invocation) -> Value {
    let (outcome, lowest) = match &invocation.outcome {
        InvocationOutcome::Succeeded => ("SUCCEEDED", None),
        InvocationOutcome::BatchItemFailures { lowest } => ("BATCH_ITEM_FAILURES", Some(lowest.to_string())),
        InvocationOutcome::FunctionError => ("FUNCTION_ERROR", None),
        InvocationOutcome::TimedOut => ("TIMED_OUT", None),
    };
    let handling = match invocation.handling {
        Handling::Checkpointed => "CHECKPOINTED",
        Handling::Retried => "RETRIED",
        Handling::Bisected => "BISECTED",
        Handling::Discarded => "DISCARDED",
    };
    let window = invocation.window.as_ref().map(|w| {
        json!({
            "Start": timestamp(w.start),
            "End": timestamp(w.end),
            "State": w.state,
            "IsFinalInvokeForWindow": w.is_final_invoke_for_window,
            "IsWindowTerminatedEarly": w.is_window_terminated_early,
            "ReturnedState": w.returned_state,
        })
    });
    json!({
        "Number": invocation.number,
        "ShardId": invocation.shard_id.to_string(),
        "Lane": invocation.lane,
        "FirstSequenceNumber": invocation.first_sequence_number.to_string(),
        "LastSequenceNumber": invocation.last_sequence_number.to_string(),
        "BatchSize": invocation.batch_size,
        "Attempt": invocation.attempt,
        "Started": timestamp(invocation.started),
        "Ended": timestamp(invocation.ended),
        "IteratorAgeMilliseconds": invocation.iterator_age.as_millis(),
        "Outcome": outcome,
        "LowestFailedSequenceNumber": lowest,
        "Handling": handling,
        "Window": window,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_uuid_is_not_found() {
        let mut sim = Simulation::new();
        let response = crate::api::handle(&mut sim, "Shardlab.GetEventSourceMapping", r#"{"UUID":"x"}"#);
        assert_eq!(
            (response.status, response.body.as_str()),
            (400, r#"{"__type":"ResourceNotFoundException","message":"The resource you requested does not exist."}"#)
        );
    }

    #[test]
    fn concurrency_and_aggregating_functions_go_over_the_wire() {
        let mut sim = Simulation::new();
        let mut call = |op: &str, body: &str| {
            let response = crate::api::handle(&mut sim, op, body);
            (response.status, serde_json::from_str::<Value>(&response.body).unwrap_or(Value::Null))
        };
        let (status, _) = call("Shardlab.CreateFunction", r#"{"FunctionName":"f","AggregateSumOf":"n"}"#);
        assert_eq!(status, 200);
        let (status, body) =
            call("Shardlab.CreateFunction", r#"{"FunctionName":"g","Aggregate":"COUNT","AggregateSumOf":"n"}"#);
        assert_eq!((status, body["__type"].as_str()), (400, Some("InvalidParameterValueException")));
        let get = r#"{"FunctionName":"f"}"#;
        assert_eq!(call("Shardlab.GetFunctionConcurrency", get).1, json!({"ConcurrentExecutions": 0, "Throttles": 0}));
        let put = r#"{"FunctionName":"f","ReservedConcurrentExecutions":2}"#;
        assert_eq!(call("Shardlab.PutFunctionConcurrency", put).1, json!({"ReservedConcurrentExecutions": 2}));
        assert_eq!(call("Shardlab.GetFunctionConcurrency", get).1["ReservedConcurrentExecutions"], 2);
        assert_eq!(call("Shardlab.DeleteFunctionConcurrency", get).0, 200);
        assert_eq!(call("Shardlab.GetFunctionConcurrency", get).1["ReservedConcurrentExecutions"], Value::Null);
        let (status, body) = call("Shardlab.GetFunctionConcurrency", r#"{"FunctionName":"nope"}"#);
        assert_eq!((status, body["__type"].as_str()), (400, Some("ResourceNotFoundException")));
    }

    #[test]
    fn filter_criteria_go_over_the_wire_and_empty_criteria_remove_them() {
        let mut sim = Simulation::new();
        let call = |sim: &mut Simulation, op: &str, body: &str| {
            let response = crate::api::handle(sim, op, body);
            (response.status, serde_json::from_str::<Value>(&response.body).unwrap_or(Value::Null))
        };
        call(&mut sim, "Kinesis_20131202.CreateStream", r#"{"StreamName":"s","ShardCount":1}"#);
        sim.advance(crate::limits::STREAM_CREATE_DELAY);
        call(&mut sim, "Shardlab.CreateFunction", r#"{"FunctionName":"f"}"#);
        let create = r#"{"EventSourceArn":"arn:aws:kinesis:us-east-1:123456789012:stream/s","FunctionName":"f",
            "StartingPosition":"TRIM_HORIZON","FilterCriteria":{"Filters":[{"Pattern":"{\"data\":{\"k\":[\"v\"]}}"}]}}"#;
        let (status, body) = call(&mut sim, "Shardlab.CreateEventSourceMapping", create);
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["FilterCriteria"], json!({"Filters": [{"Pattern": r#"{"data":{"k":["v"]}}"#}]}));
        let update = alloc::format!(r#"{{"UUID":"{}","FilterCriteria":{{}}}}"#, body["UUID"].as_str().unwrap());
        let (_, body) = call(&mut sim, "Shardlab.UpdateEventSourceMapping", &update);
        assert_eq!(body["FilterCriteria"], Value::Null, "absent without filters");
    }
}
