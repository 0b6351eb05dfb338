//! The Kinesis JSON protocol over a [`Simulation`].
//!
//! [`handle`] takes what an HTTP front end would receive for a Kinesis call,
//! the `X-Amz-Target` header (`Kinesis_20131202.PutRecord`) and the JSON
//! body, and returns the status and body the real service would send back.
//! [`line`](mod@line) wraps it in the JSON-lines protocol of the `shardlab-api`
//! binary, so that tests in any language can drive the simulation.
//!
//! Modelled, after AWS's JSON 1.1 protocol (`application/x-amz-json-1.1`):
//!
//! - members and fields with AWS's names; `Data` as base64; sequence numbers
//!   and hash keys as decimal strings; timestamps as epoch seconds with the
//!   milliseconds as a fraction (`1767225600.123`); absent fields omitted;
//! - request decoding with AWS's `SerializationException` and
//!   `ValidationException` texts (`decode.rs` says how far);
//! - the error envelope `{"__type": "…Exception", "message": "…"}` with
//!   status 400, and its quirks: `SerializationException` spells the key
//!   `Message`; `UnknownOperationException`, and a `SerializationException`
//!   for a body that is missing or not a JSON object, carry no message;
//!   `InternalFailure` is a 500 without one;
//! - an empty body for successful operations that have no output;
//! - streams named by `StreamName` or `StreamARN`
//!   (`arn:aws:kinesis:us-east-1:123456789012:stream/NAME`) wherever AWS
//!   takes both;
//! - simulation-only targets under `Shardlab.`, for what a headless driver
//!   cannot do through Kinesis: moving simulated time (`clock.rs`), reading
//!   an enhanced fan-out subscription (`efo.rs`), acting as an IAM principal
//!   (`security.rs`), reading metrics and the bill (`telemetry.rs`),
//!   running traffic generators (`generator.rs`) and polling consumers
//!   (`consumers.rs`), saving and restoring the whole simulation
//!   (`snapshot.rs`), running KPL producers, KPL aggregation and KCL
//!   applications (`clients.rs`), Lambda functions with event-source
//!   mappings (`lambda.rs`), scripted Firehose transformations and buffer
//!   state (`firehose.rs`), and the S3-like object store (`s3.rs`);
//! - beside Kinesis, Amazon Data Firehose (`Firehose_20150804.*`, JSON 1.1,
//!   `firehose.rs`) and Amazon SQS (`AmazonSQS.*`, JSON 1.0, `sqs.rs`),
//!   each file's documentation saying what it models.
//!
//! The operations: `AddTagsToStream`, `CreateStream`,
//! `DecreaseStreamRetentionPeriod`, `DeleteStream`,
//! `DeregisterStreamConsumer`, `DescribeLimits`, `DescribeStream`,
//! `DescribeStreamConsumer`, `DescribeStreamSummary`, `GetRecords`,
//! `GetShardIterator`, `IncreaseStreamRetentionPeriod`, `ListShards`,
//! `ListStreamConsumers`, `ListStreams`, `ListTagsForStream`, `MergeShards`,
//! `PutRecord`, `PutRecords`, `RegisterStreamConsumer`,
//! `RemoveTagsFromStream`, `SplitShard`, `StartStreamEncryption`,
//! `StopStreamEncryption`, `SubscribeToShard`, `UpdateMaxRecordSize`,
//! `UpdateShardCount` and `UpdateStreamMode`, all `Kinesis_20131202.`; and `Shardlab.AdvanceClock`,
//! `Shardlab.SetClock`, `Shardlab.ReadSubscription`,
//! `Shardlab.AttachPolicy`, `Shardlab.DetachPolicies`, `Shardlab.SetCaller`,
//! `Shardlab.GetMetricStatistics`, `Shardlab.Cost`, `Shardlab.Snapshot`,
//! `Shardlab.Restore`, `Shardlab.KplCreateProducer`, `Shardlab.KplPut`,
//! `Shardlab.KplFlush`, `Shardlab.KplStatus`, `Shardlab.Aggregate`,
//! `Shardlab.Deaggregate`, `Shardlab.KclCreateApplication`,
//! `Shardlab.KclStartWorker`, `Shardlab.KclKillWorker`,
//! `Shardlab.KclPauseWorker`, `Shardlab.KclStopWorker`, `Shardlab.KclLeases`,
//! `Shardlab.KclOutput`, `Shardlab.StartGenerator`, `Shardlab.StopGenerator`,
//! `Shardlab.Generators`, `Shardlab.StartPollingConsumer`,
//! `Shardlab.Consumers`, `Shardlab.PauseConsumer`, `Shardlab.StopConsumer`,
//! `Shardlab.CreateFunction`, `Shardlab.CreateEventSourceMapping`,
//! `Shardlab.UpdateEventSourceMapping`,
//! `Shardlab.DeleteEventSourceMapping`, `Shardlab.GetEventSourceMapping`,
//! `Shardlab.Invocations`, `Shardlab.DestinationMessages`,
//! `Shardlab.PutFunctionConcurrency`, `Shardlab.GetFunctionConcurrency`,
//! `Shardlab.DeleteFunctionConcurrency`,
//! `Shardlab.CreateTransformFunction`,
//! `Shardlab.TestTransformFunction`, `Shardlab.FirehoseStatus`,
//! `Shardlab.S3CreateBucket`,
//! `Shardlab.S3ListObjects` and `Shardlab.S3GetObject`; the Firehose targets
//! `CreateDeliveryStream`, `DeleteDeliveryStream`, `DescribeDeliveryStream`,
//! `ListDeliveryStreams`, `PutRecord` and `PutRecordBatch`, all
//! `Firehose_20150804.`; and the SQS targets `ChangeMessageVisibility`,
//! `CreateQueue`, `DeleteMessage`, `GetQueueAttributes`, `GetQueueUrl`,
//! `ListQueues`, `PurgeQueue`, `ReceiveMessage` and `SendMessage`, all
//! `AmazonSQS.`. Any other target is an `UnknownOperationException`.
//!
//! `SubscribeToShard` departs from AWS, which answers it with an HTTP/2 event
//! stream: here it answers a `SubscriptionId`, and `Shardlab.ReadSubscription`
//! returns what the stream would have pushed since the last read (`efo.rs`).
//!
//! Left out: HTTP itself (signatures, headers, content types), which the
//! `shardlab-api --listen` endpoint adds around `handle`; the other operations (enhanced monitoring, resource
//! policies, the `*Resource` tagging operations, record size and warm
//! throughput settings), paging in `ListStreamConsumers`, `StreamId`
//! members, `EnforceConsumerDeletion` (a stream's consumers always go with
//! it), `ConsumerCount`, and AWS's `InternalFailure` for malformed sequence
//! number versions: the simulation parses only its own.
//!
//! # Adding an operation
//!
//! Write one function in the module of its area (`records.rs`, `streams.rs`,
//! `efo.rs`, …, or a new one) and add one arm to a table below: `query` if
//! the operation only reads (it then takes `sim: &Simulation`, and lessons
//! may check goals with it), `operation` otherwise:
//!
//! ```text
//! pub(super) fn list_tags_for_resource(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
//!     let resource_arn = d.required("ResourceARN", Decoder::string)?; // missing: `Value null at …`
//!     let limit = d.positive_integer("Limit")?;                         // optional member
//!     d.finish()?; // every operation calls this before it touches `sim`
//!     let tags = sim.list_tags_for_resource(…)?; // core errors convert with `?`
//!     Ok(Some(json!({"Tags": […]})))  // `Ok(None)` for an empty 200
//! }
//! ```
//!
//! If the simulation method returns an error enum that `error.rs` does not
//! list yet, add it to the `from_core_errors!` list there.

mod clients;
mod clock;
mod consumers;
mod decode;
mod efo;
mod encode;
mod error;
mod firehose;
mod generator;
mod lambda;
pub mod line;
mod records;
mod s3;
mod security;
mod snapshot;
mod sqs;
mod streams;
mod telemetry;

use alloc::format;
use alloc::string::{String, ToString};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use self::decode::Decoder;
use self::error::ApiError;
use crate::call_log::LoggedCall;
use crate::{ACCOUNT_ID, Duration, ShardId, Simulation};

/// What an operation answers: the response body, `None` for an empty one,
/// or the error to send instead.
type Reply = Result<Option<Value>, ApiError>;

/// An operation: decodes its members from the request, calls the simulation
/// and encodes the answer.
type Operation = fn(&mut Simulation, &mut Decoder<'_>) -> Reply;

/// An operation that only reads: the compiler holds it to that, since it
/// gets the simulation shared.
type Query = fn(&Simulation, &mut Decoder<'_>) -> Reply;

/// The read-only operation `target` names, if it is one.
fn query(target: &str) -> Option<Query> {
    Some(match target {
        "Kinesis_20131202.DescribeLimits" => streams::describe_limits,
        "Kinesis_20131202.DescribeStream" => streams::describe_stream,
        "Kinesis_20131202.DescribeStreamConsumer" => efo::describe_stream_consumer,
        "Kinesis_20131202.DescribeStreamSummary" => streams::describe_stream_summary,
        "Kinesis_20131202.GetShardIterator" => records::get_shard_iterator,
        "Kinesis_20131202.ListShards" => streams::list_shards,
        "Kinesis_20131202.ListStreams" => streams::list_streams,
        "Kinesis_20131202.ListTagsForStream" => streams::list_tags_for_stream,
        "Firehose_20150804.DescribeDeliveryStream" => firehose::describe_delivery_stream,
        "Firehose_20150804.ListDeliveryStreams" => firehose::list_delivery_streams,
        "AmazonSQS.GetQueueAttributes" => sqs::get_queue_attributes,
        "AmazonSQS.GetQueueUrl" => sqs::get_queue_url,
        "AmazonSQS.ListQueues" => sqs::list_queues,
        "Shardlab.Aggregate" => clients::aggregate,
        "Shardlab.Consumers" => consumers::consumers,
        "Shardlab.Cost" => telemetry::cost,
        "Shardlab.Deaggregate" => clients::deaggregate,
        "Shardlab.DestinationMessages" => lambda::destination_messages,
        "Shardlab.GetEventSourceMapping" => lambda::get_event_source_mapping,
        "Shardlab.GetFunctionConcurrency" => lambda::get_function_concurrency,
        "Shardlab.FirehoseStatus" => firehose::firehose_status,
        "Shardlab.GetMetricStatistics" => telemetry::get_metric_statistics,
        "Shardlab.Generators" => generator::generators,
        "Shardlab.Invocations" => lambda::invocations,
        "Shardlab.KclLeases" => clients::kcl_leases,
        "Shardlab.KclOutput" => clients::kcl_output,
        "Shardlab.KplStatus" => clients::kpl_status,
        "Shardlab.S3GetObject" => s3::get_object,
        "Shardlab.S3ListObjects" => s3::list_objects,
        "Shardlab.Snapshot" => snapshot::snapshot,
        "Shardlab.TestTransformFunction" => firehose::test_transform_function,
        _ => return None,
    })
}

/// The operation `target` names, if it is one this API knows that may
/// change the simulation. (`ListStreamConsumers` only reads, but is here
/// because `Simulation::list_stream_consumers` takes the simulation mutably.)
fn operation(target: &str) -> Option<Operation> {
    Some(match target {
        "Kinesis_20131202.AddTagsToStream" => streams::add_tags_to_stream,
        "Kinesis_20131202.CreateStream" => streams::create_stream,
        "Kinesis_20131202.DecreaseStreamRetentionPeriod" => streams::decrease_stream_retention_period,
        "Kinesis_20131202.DeleteStream" => streams::delete_stream,
        "Kinesis_20131202.DeregisterStreamConsumer" => efo::deregister_stream_consumer,
        "Kinesis_20131202.GetRecords" => records::get_records,
        "Kinesis_20131202.IncreaseStreamRetentionPeriod" => streams::increase_stream_retention_period,
        "Kinesis_20131202.ListStreamConsumers" => efo::list_stream_consumers,
        "Kinesis_20131202.MergeShards" => streams::merge_shards,
        "Kinesis_20131202.PutRecord" => records::put_record,
        "Kinesis_20131202.PutRecords" => records::put_records,
        "Kinesis_20131202.RegisterStreamConsumer" => efo::register_stream_consumer,
        "Kinesis_20131202.RemoveTagsFromStream" => streams::remove_tags_from_stream,
        "Kinesis_20131202.SplitShard" => streams::split_shard,
        "Kinesis_20131202.StartStreamEncryption" => security::start_stream_encryption,
        "Kinesis_20131202.StopStreamEncryption" => security::stop_stream_encryption,
        "Kinesis_20131202.SubscribeToShard" => efo::subscribe_to_shard,
        "Kinesis_20131202.UpdateShardCount" => streams::update_shard_count,
        "Kinesis_20131202.UpdateStreamMode" => streams::update_stream_mode,
        "Kinesis_20131202.UpdateMaxRecordSize" => streams::update_max_record_size,
        "Firehose_20150804.CreateDeliveryStream" => firehose::create_delivery_stream,
        "Firehose_20150804.DeleteDeliveryStream" => firehose::delete_delivery_stream,
        "Firehose_20150804.PutRecord" => firehose::put_record,
        "Firehose_20150804.PutRecordBatch" => firehose::put_record_batch,
        "AmazonSQS.ChangeMessageVisibility" => sqs::change_message_visibility,
        "AmazonSQS.CreateQueue" => sqs::create_queue,
        "AmazonSQS.DeleteMessage" => sqs::delete_message,
        "AmazonSQS.PurgeQueue" => sqs::purge_queue,
        "AmazonSQS.ReceiveMessage" => sqs::receive_message,
        "AmazonSQS.SendMessage" => sqs::send_message,
        "Shardlab.AdvanceClock" => clock::advance_clock,
        "Shardlab.AttachPolicy" => security::attach_policy,
        "Shardlab.CreateEventSourceMapping" => lambda::create_event_source_mapping,
        "Shardlab.CreateFunction" => lambda::create_function,
        "Shardlab.CreateTransformFunction" => firehose::create_transform_function,
        "Shardlab.DeleteEventSourceMapping" => lambda::delete_event_source_mapping,
        "Shardlab.DeleteFunctionConcurrency" => lambda::delete_function_concurrency,
        "Shardlab.DetachPolicies" => security::detach_policies,
        "Shardlab.KclCreateApplication" => clients::kcl_create_application,
        "Shardlab.KclKillWorker" => clients::kcl_kill_worker,
        "Shardlab.KclPauseWorker" => clients::kcl_pause_worker,
        "Shardlab.KclStartWorker" => clients::kcl_start_worker,
        "Shardlab.KclStopWorker" => clients::kcl_stop_worker,
        "Shardlab.KplCreateProducer" => clients::kpl_create_producer,
        "Shardlab.KplFlush" => clients::kpl_flush,
        "Shardlab.KplPut" => clients::kpl_put,
        "Shardlab.PauseConsumer" => consumers::pause_consumer,
        "Shardlab.PutFunctionConcurrency" => lambda::put_function_concurrency,
        "Shardlab.ReadSubscription" => efo::read_subscription,
        "Shardlab.Restore" => snapshot::restore,
        "Shardlab.S3CreateBucket" => s3::create_bucket,
        "Shardlab.SetCaller" => security::set_caller,
        "Shardlab.SetClock" => clock::set_clock,
        "Shardlab.StartGenerator" => generator::start_generator,
        "Shardlab.StartPollingConsumer" => consumers::start_polling_consumer,
        "Shardlab.StopConsumer" => consumers::stop_consumer,
        "Shardlab.StopGenerator" => generator::stop_generator,
        "Shardlab.UpdateEventSourceMapping" => lambda::update_event_source_mapping,
        _ => return None,
    })
}

/// An HTTP response: status and body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Response {
    /// 200, 400 for the caller's errors, 500 for `InternalFailure`.
    pub status: u16,
    /// The JSON body; empty for a successful operation without output.
    pub body: String,
}

/// Answers one Kinesis JSON request: `target` is the `X-Amz-Target` header,
/// `body` the request body.
///
/// ```
/// use shardlab_core::{Simulation, api};
///
/// let mut sim = Simulation::new();
/// let created = api::handle(&mut sim, "Kinesis_20131202.CreateStream", r#"{"StreamName":"s","ShardCount":1}"#);
/// assert_eq!((created.status, created.body.as_str()), (200, ""));
/// let unknown = api::handle(&mut sim, "Kinesis_20131202.Nope", "{}");
/// assert_eq!(unknown.body, r#"{"__type":"UnknownOperationException"}"#);
/// ```
pub fn handle(sim: &mut Simulation, target: &str, body: &str) -> Response {
    let response = answer(body, |request| dispatch(sim, target, request));
    if response.status == 200 && is_logged(target) {
        let call = LoggedCall { at: sim.now(), target: target.into(), body: body.into() };
        sim.kinesis_calls.push(call);
    }
    response
}

/// Answers a request to a target that only reads ([`is_read_only`]) as
/// [`handle`] would, over a shared simulation; `None` for any other target.
/// For checks that must not change what they check, such as a lesson's goals.
///
/// ```
/// use shardlab_core::{Simulation, api};
///
/// let sim = Simulation::new();
/// let listed = api::handle_read(&sim, "Kinesis_20131202.ListStreams", "{}").unwrap();
/// assert_eq!((listed.status, listed.body.as_str()), (200, r#"{"HasMoreStreams":false,"StreamNames":[],"StreamSummaries":[]}"#));
/// assert_eq!(api::handle_read(&sim, "Kinesis_20131202.PutRecord", "{}"), None);
/// ```
pub fn handle_read(sim: &Simulation, target: &str, body: &str) -> Option<Response> {
    let query = query(target)?;
    Some(answer(body, |request| call(target, request, Some(|d: &mut Decoder<'_>| query(sim, d)))))
}

/// Whether answering `target` leaves the simulation as it was: a
/// `Describe…`, `List…` or `Get…` that spends nothing (not `GetRecords`,
/// which spends the shard's read budget and moves the iterator), or a
/// simulation-only read (`Shardlab.Consumers`, `Shardlab.GetMetricStatistics`, …).
/// The table of read-only operations decides, and each of them gets the
/// simulation shared, so the compiler holds them to it.
pub fn is_read_only(target: &str) -> bool {
    query(target).is_some()
}

/// Whether [`handle`] adds a call of `target` that it answered to the
/// simulation's [`kinesis_calls`](Simulation::kinesis_calls): the Kinesis
/// operations that change something, bar the reads a script need not
/// replay (`GetRecords`, `SubscribeToShard`, and `ListStreamConsumers`,
/// which only reads but is not in the read-only table; see [`operation`]).
pub fn is_logged(target: &str) -> bool {
    const UNLOGGED: [&str; 3] = ["GetRecords", "SubscribeToShard", "ListStreamConsumers"];
    !is_read_only(target)
        && target.strip_prefix("Kinesis_20131202.").is_some_and(|operation| !UNLOGGED.contains(&operation))
}

/// How far `Shardlab.AdvanceClock` with `body` would move the clock, or
/// `None` if it would refuse the request (send it to learn why): for a page
/// that moves the clock a frame at a time instead, so that a year's move
/// never blocks it, and then answers with [`clock_reading`].
pub fn advance_clock_step(body: &str) -> Option<Duration> {
    let body: Value = serde_json::from_str(body).ok()?;
    clock::advance_clock_step(&mut Decoder::new(body.as_object()?)).ok()
}

/// What `Shardlab.AdvanceClock` answers: the clock's reading.
pub fn clock_reading(sim: &Simulation) -> Response {
    Response { status: 200, body: clock::reading(sim).to_string() }
}

/// The response to a request with `body`, read as JSON, that `reply` answers.
fn answer(body: &str, reply: impl FnOnce(Option<&Value>) -> Reply) -> Response {
    // Text that is not JSON is refused exactly as JSON that is not an object.
    let request = (!body.trim().is_empty()).then(|| serde_json::from_str(body).unwrap_or(Value::Null));
    let (status, answer) = respond(reply(request.as_ref()));
    Response { status, body: answer.map(|answer| answer.to_string()).unwrap_or_default() }
}

/// Runs the operation `target` names, read-only or not, on `body` (`None`
/// when the request had none).
fn dispatch(sim: &mut Simulation, target: &str, body: Option<&Value>) -> Reply {
    match query(target) {
        Some(query) => call(target, body, Some(|d: &mut Decoder<'_>| query(sim, d))),
        None => call(target, body, operation(target).map(|operation| move |d: &mut Decoder<'_>| operation(sim, d))),
    }
}

/// Runs `run`, the operation `target` names (`None` if this API knows
/// none), on `body` (`None` when the request had none).
fn call(target: &str, body: Option<&Value>, run: Option<impl FnOnce(&mut Decoder<'_>) -> Reply>) -> Reply {
    // The order of these refusals is kinesalite's recording of AWS: no body
    // at all is a SerializationException only for a known operation, but a
    // body that is not an object is one whatever the target.
    let Some(body) = body else {
        return Err(if run.is_some() { ApiError::malformed_body() } else { ApiError::unknown_operation() });
    };
    let members = body.as_object().ok_or_else(ApiError::malformed_body)?;
    let run = run.ok_or_else(ApiError::unknown_operation)?;
    let mut decoder = Decoder::new(members);
    let mut reply = run(&mut decoder)?;
    debug_assert!(decoder.finished, "{target} acted without calling Decoder::finish");
    if let Some(body) = &mut reply {
        encode::remove_nulls(body);
    }
    Ok(reply)
}

/// The status and JSON body of `reply`.
fn respond(reply: Reply) -> (u16, Option<Value>) {
    match reply {
        Ok(body) => (200, body),
        Err(error) => (error.status(), Some(error.to_json())),
    }
}

/// The shard a shard id member names. AWS answers an id it cannot read
/// (or one beyond Java's `int`) as a shard it cannot find.
fn shard_id(text: &str, stream_name: &str) -> Result<ShardId, ApiError> {
    text.parse::<ShardId>().ok().filter(|id| i32::try_from(id.index()).is_ok()).ok_or_else(|| {
        ApiError::new(
            "ResourceNotFoundException",
            format!("Could not find shard {text} in stream {stream_name} under account {ACCOUNT_ID}."),
        )
    })
}
