//! The API console: send any Kinesis JSON request to the simulation and see
//! the response and the equivalent `aws kinesis` command.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde_json::Value;
use shardlab_core::api;

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::components::clock_move::{ClockMove, ClockMoveStatus};
use crate::permissions::Permissions;
use crate::sim_handle::SimHandle;

/// The templates as JSON text, by target: `{stream}` stands for the page's
/// stream, in its name and ARN. The Firehose ones create and fill the
/// `orders-archive` delivery stream and bucket; the SQS ones the
/// `orders-failures` queue, which the mapping template names as its
/// on-failure destination; the Lambda ones read the stream with
/// `process-orders`. The mapping UUID `00000000-0000-4000-8000-000000000000`
/// is the first the simulation numbers: the one a lesson's setup or the
/// learner's first `CreateEventSourceMapping` made (the console replaces it
/// with the UUID the last response carried, see [`CARRIED`]). `Deaggregate`'s
/// data is what `Aggregate`'s template answers, so that it unpacks a real
/// aggregated record; a test keeps the two in step. Text rather than `json!`:
/// parsing one table is far smaller in the wasm than building each value in code.
const TEMPLATES: &[(&str, &str)] = &[
    // Kinesis Data Streams: writing and reading.
    (
        "Kinesis_20131202.PutRecord",
        r#"{"Data": "eyJvcmRlciI6IDF9", "PartitionKey": "user-42", "StreamName": "{stream}"}"#,
    ),
    (
        "Kinesis_20131202.PutRecords",
        r#"{"Records": [{"Data": "b3JkZXIgMQ==", "PartitionKey": "user-1"}, {"Data": "b3JkZXIgMg==", "PartitionKey": "user-2"}], "StreamName": "{stream}"}"#,
    ),
    (
        "Kinesis_20131202.GetShardIterator",
        r#"{"ShardId": "shardId-000000000001", "ShardIteratorType": "TRIM_HORIZON", "StreamName": "{stream}"}"#,
    ),
    (
        "Kinesis_20131202.GetRecords",
        r#"{"Limit": 10, "ShardIterator": "paste the ShardIterator from GetShardIterator"}"#,
    ),
    // Describing the stream and the account.
    ("Kinesis_20131202.ListShards", r#"{"StreamName": "{stream}"}"#),
    ("Kinesis_20131202.DescribeStream", r#"{"StreamName": "{stream}"}"#),
    ("Kinesis_20131202.DescribeStreamSummary", r#"{"StreamName": "{stream}"}"#),
    ("Kinesis_20131202.ListStreams", r#"{"Limit": 10}"#),
    ("Kinesis_20131202.DescribeLimits", r#"{}"#),
    // Tags, retention and encryption.
    ("Kinesis_20131202.AddTagsToStream", r#"{"StreamName": "{stream}", "Tags": {"team": "checkout"}}"#),
    ("Kinesis_20131202.ListTagsForStream", r#"{"StreamName": "{stream}"}"#),
    ("Kinesis_20131202.RemoveTagsFromStream", r#"{"StreamName": "{stream}", "TagKeys": ["team"]}"#),
    ("Kinesis_20131202.IncreaseStreamRetentionPeriod", r#"{"RetentionPeriodHours": 48, "StreamName": "{stream}"}"#),
    ("Kinesis_20131202.DecreaseStreamRetentionPeriod", r#"{"RetentionPeriodHours": 24, "StreamName": "{stream}"}"#),
    (
        "Kinesis_20131202.StartStreamEncryption",
        r#"{"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis", "StreamName": "{stream}"}"#,
    ),
    (
        "Kinesis_20131202.StopStreamEncryption",
        r#"{"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis", "StreamName": "{stream}"}"#,
    ),
    // Enhanced fan-out.
    (
        "Kinesis_20131202.RegisterStreamConsumer",
        r#"{"ConsumerName": "dashboard", "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/{stream}"}"#,
    ),
    (
        "Kinesis_20131202.DescribeStreamConsumer",
        r#"{"ConsumerName": "dashboard", "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/{stream}"}"#,
    ),
    (
        "Kinesis_20131202.ListStreamConsumers",
        r#"{"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/{stream}"}"#,
    ),
    (
        "Kinesis_20131202.SubscribeToShard",
        r#"{"ConsumerARN": "paste the ConsumerARN from RegisterStreamConsumer", "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "TRIM_HORIZON"}}"#,
    ),
    ("Shardlab.ReadSubscription", r#"{"SubscriptionId": 0}"#),
    (
        "Kinesis_20131202.DeregisterStreamConsumer",
        r#"{"ConsumerName": "dashboard", "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/{stream}"}"#,
    ),
    // Resharding and capacity.
    (
        "Kinesis_20131202.SplitShard",
        r#"{"NewStartingHashKey": "42535295865117307932921825928971026432", "ShardToSplit": "shardId-000000000000", "StreamName": "{stream}"}"#,
    ),
    (
        "Kinesis_20131202.MergeShards",
        r#"{"AdjacentShardToMerge": "shardId-000000000001", "ShardToMerge": "shardId-000000000000", "StreamName": "{stream}"}"#,
    ),
    (
        "Kinesis_20131202.UpdateShardCount",
        r#"{"ScalingType": "UNIFORM_SCALING", "StreamName": "{stream}", "TargetShardCount": 8}"#,
    ),
    (
        "Kinesis_20131202.UpdateStreamMode",
        r#"{"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/{stream}", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}"#,
    ),
    (
        "Kinesis_20131202.UpdateMaxRecordSize",
        r#"{"MaxRecordSizeInKiB": 10240, "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/{stream}"}"#,
    ),
    // A second stream, beside the lesson's.
    ("Kinesis_20131202.CreateStream", r#"{"ShardCount": 1, "StreamName": "{stream}-replay"}"#),
    ("Kinesis_20131202.DeleteStream", r#"{"StreamName": "{stream}-replay"}"#),
    // The simulation's traffic generators and polling consumers.
    (
        "Shardlab.StartGenerator",
        r#"{"Keys": {"DistinctKeys": 1000, "Distribution": "UNIFORM"}, "RecordBytes": 100, "RecordsPerSecond": 500, "StreamName": "{stream}"}"#,
    ),
    ("Shardlab.Generators", r#"{}"#),
    ("Shardlab.StopGenerator", r#"{"GeneratorId": 0}"#),
    ("Shardlab.StartPollingConsumer", r#"{"ShardIteratorType": "TRIM_HORIZON", "StreamName": "{stream}"}"#),
    ("Shardlab.Consumers", r#"{}"#),
    ("Shardlab.PauseConsumer", r#"{"ConsumerId": 0, "Millis": 10000}"#),
    ("Shardlab.StopConsumer", r#"{"ConsumerId": 0}"#),
    // Metrics and the bill.
    (
        "Shardlab.GetMetricStatistics",
        r#"{"EndTime": 1767229200, "MetricName": "IncomingRecords", "Period": 60, "StartTime": 1767225600, "StreamName": "{stream}"}"#,
    ),
    ("Shardlab.Cost", r#"{"StreamName": "{stream}"}"#),
    // The KPL.
    ("Shardlab.KplCreateProducer", r#"{"Config": {"RecordMaxBufferedTime": 100}}"#),
    ("Shardlab.KplPut", r#"{"Data": "aGVsbG8=", "PartitionKey": "user-1", "ProducerId": 0, "StreamName": "{stream}"}"#),
    ("Shardlab.KplFlush", r#"{"ProducerId": 0}"#),
    ("Shardlab.KplStatus", r#"{"ProducerId": 0}"#),
    (
        "Shardlab.Aggregate",
        r#"{"Records": [{"Data": "b3JkZXIgMQ==", "PartitionKey": "user-1"}, {"Data": "b3JkZXIgMg==", "PartitionKey": "user-2"}]}"#,
    ),
    (
        "Shardlab.Deaggregate",
        r#"{"Data": "84mawgoGdXNlci0xCgZ1c2VyLTIaCwgAGgdvcmRlciAxGgsIARoHb3JkZXIgMuSY7ZNJ28/bpgXGe06TaSA="}"#,
    ),
    // The KCL.
    ("Shardlab.KclCreateApplication", r#"{"ApplicationName": "orders-app", "StreamName": "{stream}"}"#),
    ("Shardlab.KclStartWorker", r#"{"ApplicationId": 0}"#),
    ("Shardlab.KclLeases", r#"{"ApplicationId": 0}"#),
    ("Shardlab.KclOutput", r#"{"After": 0, "ApplicationId": 0}"#),
    ("Shardlab.KclPauseWorker", r#"{"ApplicationId": 0, "Millis": 5000, "WorkerId": 0}"#),
    ("Shardlab.KclKillWorker", r#"{"ApplicationId": 0, "WorkerId": 0}"#),
    ("Shardlab.KclStopWorker", r#"{"ApplicationId": 0, "WorkerId": 0}"#),
    ("Shardlab.AdvanceClock", r#"{"Millis": 1000}"#),
    // Lambda reading the stream.
    (
        "Shardlab.CreateFunction",
        r#"{"DurationMillis": 200, "FunctionName": "process-orders", "OnPoison": "THROW", "PoisonPartitionKey": "poison"}"#,
    ),
    (
        "Shardlab.CreateEventSourceMapping",
        r#"{"BatchSize": 8, "BisectBatchOnFunctionError": true, "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:orders-failures"}}, "EventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/{stream}", "FunctionName": "process-orders", "MaximumRetryAttempts": 2, "StartingPosition": "TRIM_HORIZON"}"#,
    ),
    ("Shardlab.GetEventSourceMapping", r#"{"UUID": "00000000-0000-4000-8000-000000000000"}"#),
    ("Shardlab.Invocations", r#"{"After": 0, "UUID": "00000000-0000-4000-8000-000000000000"}"#),
    ("Shardlab.PutFunctionConcurrency", r#"{"FunctionName": "process-orders", "ReservedConcurrentExecutions": 1}"#),
    ("Shardlab.GetFunctionConcurrency", r#"{"FunctionName": "process-orders"}"#),
    ("Shardlab.DeleteFunctionConcurrency", r#"{"FunctionName": "process-orders"}"#),
    // The settings a mapping has by default: change the ones you need.
    (
        "Shardlab.UpdateEventSourceMapping",
        r#"{"BatchSize": 100, "BisectBatchOnFunctionError": false, "DestinationConfig": {"OnFailure": {}}, "MaximumRetryAttempts": -1, "ParallelizationFactor": 1, "UUID": "00000000-0000-4000-8000-000000000000"}"#,
    ),
    ("Shardlab.DestinationMessages", r#"{"Destination": "arn:aws:sqs:us-east-1:123456789012:orders-failures"}"#),
    ("Shardlab.DeleteEventSourceMapping", r#"{"UUID": "00000000-0000-4000-8000-000000000000"}"#),
    // Firehose delivering to S3, with a transformation function.
    ("Shardlab.S3CreateBucket", r#"{"Bucket": "orders-archive"}"#),
    (
        "Firehose_20150804.CreateDeliveryStream",
        r#"{"DeliveryStreamName": "orders-archive", "DeliveryStreamType": "DirectPut", "ExtendedS3DestinationConfiguration": {"BucketARN": "arn:aws:s3:::orders-archive", "BufferingHints": {"IntervalInSeconds": 60, "SizeInMBs": 1}, "CompressionFormat": "GZIP", "Prefix": "orders/", "RoleARN": "arn:aws:iam::123456789012:role/firehose-delivery"}}"#,
    ),
    (
        "Firehose_20150804.PutRecord",
        r#"{"DeliveryStreamName": "orders-archive", "Record": {"Data": "eyJvcmRlciI6IDF9Cg=="}}"#,
    ),
    // {"order": 1} and a newline: Firehose adds no delimiter between records.
    (
        "Firehose_20150804.PutRecordBatch",
        r#"{"DeliveryStreamName": "orders-archive", "Records": [{"Data": "eyJvcmRlciI6IDJ9Cg=="}, {"Data": "eyJvcmRlciI6IDN9Cg=="}]}"#,
    ),
    // {"order": 2} and {"order": 3}, each with its newline.
    ("Firehose_20150804.DescribeDeliveryStream", r#"{"DeliveryStreamName": "orders-archive"}"#),
    ("Firehose_20150804.ListDeliveryStreams", r#"{"Limit": 10}"#),
    ("Shardlab.FirehoseStatus", r#"{"DeliveryStreamName": "orders-archive"}"#),
    ("Shardlab.S3ListObjects", r#"{"Bucket": "orders-archive", "Prefix": "orders/"}"#),
    ("Shardlab.S3GetObject", r#"{"Bucket": "orders-archive", "Key": "paste a Key from S3ListObjects"}"#),
    (
        "Shardlab.CreateTransformFunction",
        r#"{"FunctionName": "clean-orders", "Steps": [{"Text": "test-order", "Type": "DROP_IF_CONTAINS"}, {"Type": "UPPERCASE"}, {"Type": "APPEND_NEWLINE"}]}"#,
    ),
    (
        "Shardlab.TestTransformFunction",
        r#"{"FunctionName": "clean-orders", "Records": [{"data": "eyJvcmRlciI6IDF9", "recordId": "1"}, {"data": "eyJ0ZXN0LW9yZGVyIjogdHJ1ZX0=", "recordId": "2"}]}"#,
    ),
    // {"order": 1} and a test order, which the function drops.
    ("Firehose_20150804.DeleteDeliveryStream", r#"{"DeliveryStreamName": "orders-archive"}"#),
    // SQS.
    ("AmazonSQS.CreateQueue", r#"{"Attributes": {"VisibilityTimeout": "30"}, "QueueName": "orders-failures"}"#),
    ("AmazonSQS.GetQueueUrl", r#"{"QueueName": "orders-failures"}"#),
    ("AmazonSQS.ListQueues", r#"{"QueueNamePrefix": "orders"}"#),
    (
        "AmazonSQS.SendMessage",
        r#"{"MessageBody": "order 1 failed", "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders-failures"}"#,
    ),
    (
        "AmazonSQS.ReceiveMessage",
        r#"{"MaxNumberOfMessages": 10, "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders-failures"}"#,
    ),
    (
        "AmazonSQS.ChangeMessageVisibility",
        r#"{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders-failures", "ReceiptHandle": "paste a ReceiptHandle from ReceiveMessage", "VisibilityTimeout": 60}"#,
    ),
    (
        "AmazonSQS.DeleteMessage",
        r#"{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders-failures", "ReceiptHandle": "paste a ReceiptHandle from ReceiveMessage"}"#,
    ),
    (
        "AmazonSQS.GetQueueAttributes",
        r#"{"AttributeNames": ["ApproximateNumberOfMessages", "VisibilityTimeout"], "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders-failures"}"#,
    ),
    ("AmazonSQS.PurgeQueue", r#"{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders-failures"}"#),
    // IAM, last: once SetCaller names the user, the Kinesis calls that
    // follow are checked against its policy; `{}` is the root user again.
    (
        "Shardlab.AttachPolicy",
        r#"{"Policy": {"Statement": [{"Action": ["kinesis:PutRecord", "kinesis:PutRecords"], "Effect": "Allow", "Resource": "arn:aws:kinesis:us-east-1:123456789012:stream/{stream}"}], "Version": "2012-10-17"}, "Principal": "arn:aws:iam::123456789012:user/producer"}"#,
    ),
    ("Shardlab.SetCaller", r#"{"Principal": "arn:aws:iam::123456789012:user/producer"}"#),
    ("Shardlab.DetachPolicies", r#"{"Principal": "arn:aws:iam::123456789012:user/producer"}"#),
];

/// Requests a learner can start from, by target, each a valid call on
/// `stream`: every target the simulation answers, bar `Shardlab.Snapshot`,
/// `Shardlab.Restore` and `Shardlab.SetClock`. The first two carry the whole
/// simulation as one long string, which nobody types (the page's undo and
/// Share links do that job), and `SetClock`'s only valid values depend on
/// where the clock is (it never goes back), which `Shardlab.AdvanceClock`
/// covers.
///
/// The list is in an order that works when sent top to bottom on a stream of
/// four shards (the sandbox's): each group builds on the one before, the
/// Lambda, Firehose, S3 and SQS ones a mapping, an archive and a queue around
/// the stream. Values that only a response can tell (an iterator, a consumer
/// ARN, a receipt handle) are placeholders saying what to paste, which the
/// console fills in from the last response that carried one (see [`CARRIED`]).
fn templates(stream: &str) -> Vec<(&'static str, Value)> {
    TEMPLATES
        .iter()
        .map(|&(target, text)| {
            let text = text.replace("{stream}", stream);
            (target, serde_json::from_str(&text).expect("the templates are JSON (tested)"))
        })
        .collect()
}

/// Values a response carries that later requests need, by JSON pointer into
/// the response, and the request member each fills: when a template has that
/// member, the console puts in the value the last successful response
/// carried, so that, say, `GetRecords` continues from the iterator
/// `GetShardIterator` just returned, and `StopGenerator` stops the generator
/// just started.
const CARRIED: &[(&str, &str)] = &[
    ("/ShardIterator", "ShardIterator"),
    ("/NextShardIterator", "ShardIterator"),
    ("/Consumer/ConsumerARN", "ConsumerARN"),
    ("/SubscriptionId", "SubscriptionId"),
    ("/GeneratorId", "GeneratorId"),
    ("/ConsumerId", "ConsumerId"),
    ("/ProducerId", "ProducerId"),
    ("/ApplicationId", "ApplicationId"),
    ("/WorkerId", "WorkerId"),
    ("/UUID", "UUID"),
    ("/Contents/0/Key", "Key"),
    ("/Messages/0/ReceiptHandle", "ReceiptHandle"),
];

/// The values of [`CARRIED`] the responses so far have carried, by member.
#[derive(Clone, Debug, Default, PartialEq)]
struct Remembered(BTreeMap<&'static str, Value>);

impl Remembered {
    /// Keeps what a successful `response` carries.
    fn keep(&mut self, response: &Value) {
        for &(pointer, member) in CARRIED {
            if let Some(value) = response.pointer(pointer).filter(|v| v.is_string() || v.is_number()) {
                self.0.insert(member, value.clone());
            }
        }
    }

    /// `template` with the remembered values in place of its members'.
    fn fill(&self, mut template: Value) -> Value {
        if let Value::Object(members) = &mut template {
            for (member, value) in &self.0 {
                if let Some(slot) = members.get_mut(*member) {
                    *slot = value.clone();
                }
            }
        }
        template
    }
}

/// What a change of target does to the request body.
#[derive(Clone, Debug, PartialEq)]
enum BodyChange {
    /// Put in the new target's template: the body was empty, still the
    /// template the console last put in, or just sent, so no unsent work is lost.
    Fill(String),
    /// Keep the body the learner typed, and offer the new template instead
    /// of replacing their work with it.
    Keep(String),
}

/// What a change of target does to `body` (as it stands), given the
/// template the console last put in or the body last sent (`filled`), and
/// the new target's template.
fn body_on_target_change(body: &str, filled: &str, template: String) -> BodyChange {
    let unedited = body.trim().is_empty() || body.trim() == filled.trim();
    if unedited || body.trim() == template.trim() { BodyChange::Fill(template) } else { BodyChange::Keep(template) }
}

/// Why a body is refused before it is sent. Text after a complete JSON
/// value is most often typed after the template the console put in, so that
/// case says so.
fn not_json(err: &serde_json::Error) -> String {
    if err.to_string().starts_with("trailing characters") {
        format!(
            "The request body is not JSON: {err}. It holds more than one JSON value, \
             perhaps yours typed after the template: keep one (select all to replace the template)."
        )
    } else {
        format!("The request body is not JSON: {err}")
    }
}

/// The target the console has a template for that `name` names, whole
/// (`Kinesis_20131202.PutRecord`) or as the list shows it (`PutRecord`).
fn full_target(name: &str) -> Option<&'static str> {
    let name = name.trim();
    TEMPLATES.iter().map(|&(target, _)| target).find(|&target| target == name || short_name(target) == name)
}

/// The operation name of a target, as the CLI and the history show it.
fn short_name(target: &str) -> &str {
    target.strip_prefix("Kinesis_20131202.").unwrap_or(target)
}

/// The console panel for `stream`.
#[component]
pub fn ApiConsole(stream: &'static str) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let templates = templates(stream);
    let permissions = expect_context::<Permissions>();
    // The list offers what this page allows (everything in the sandbox);
    // AdvanceClock is always allowed, so it is never empty.
    let offered: Vec<&'static str> =
        templates.iter().map(|&(name, _)| name).filter(|name| permissions.allows(name)).collect();
    let first = offered.first().and_then(|name| templates.iter().find(|(n, _)| n == name)).unwrap_or(&templates[0]);
    let operation = RwSignal::new(first.0.to_string());
    let body = RwSignal::new(serde_json::to_string_pretty(&first.1).unwrap_or_default());
    // The template the console last put in the body, or the body last sent
    // (kept in the history): a body still equal to it holds no unsent work,
    // so a new target replaces it.
    let filled = RwSignal::new(body.get_untracked());
    // The new target's template, offered when the body the learner typed was
    // kept on a change of target.
    let offered_template = RwSignal::new(None::<String>);
    let history = RwSignal::new(Vec::<ApiCall>::new());
    let parse_error = RwSignal::new(None::<String>);
    // What the responses so far carried that later requests need.
    let remembered = RwSignal::new(Remembered::default());
    let clock_move = ClockMove::new();
    let send_button = NodeRef::<leptos::html::Button>::new();

    let choose = {
        let templates = templates.clone();
        move |name: String| {
            // Already chosen as it was typed or picked (below): the blur that
            // follows, as the learner moves to the body, changes nothing.
            if name == operation.get_untracked() {
                return;
            }
            offered_template.set(None);
            if let Some((_, template)) = templates.iter().find(|(n, _)| *n == name) {
                let template = remembered.with_untracked(|r| r.fill(template.clone()));
                let template = serde_json::to_string_pretty(&template).unwrap_or_default();
                match body_on_target_change(&body.get_untracked(), &filled.get_untracked(), template) {
                    BodyChange::Fill(template) => {
                        filled.set(template.clone());
                        body.set(template);
                    }
                    BodyChange::Keep(template) => offered_template.set(Some(template)),
                }
            }
            operation.set(name);
        }
    };

    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request: Value = match serde_json::from_str(&body.get_untracked()) {
            Ok(value) => value,
            Err(err) => {
                parse_error.set(Some(not_json(&err)));
                return;
            }
        };
        let target = operation.get_untracked().trim().to_string();
        if !permissions.allows(&target) {
            parse_error.set(Some(format!(
                "This lesson does not use {target}. The sandbox (linked above) lets you send anything."
            )));
            return;
        }
        // The button stays enabled, so that focus stays on it; one move at a time.
        if clock_move.running_untracked() {
            parse_error.set(Some("The clock is still moving for your last request: Cancel it, or wait.".into()));
            return;
        }
        parse_error.set(None);
        filled.set(body.get_untracked());
        let record = move |call: ApiCall| {
            if call.status == 200 {
                remembered.update(|r| r.keep(&call.response));
            }
            history.update(|h| {
                h.insert(0, call);
                h.truncate(20);
            });
        };
        // A clock move may be a year's: the page takes it a frame at a time.
        let step = (target == "Shardlab.AdvanceClock").then(|| api::advance_clock_step(&request.to_string())).flatten();
        match step {
            Some(step) => clock_move.start(
                sim,
                step,
                Callback::new(move |response| {
                    parse_error.set(None);
                    record(ApiCall::answered(&target, request.clone(), response));
                }),
            ),
            None => record(ApiCall::send(sim, &target, request)),
        }
    };

    view! {
        <section class="panel console" aria-labelledby="console-title">
            <header class="panel-head">
                <h2 id="console-title">"API console"</h2>
                <p class="muted">"Any request, as the SDKs send it, with its AWS CLI equivalent; Shardlab.* targets drive the simulation itself"</p>
            </header>
            <form class="console-form" on:submit=send>
                <label>
                    <span>"Target (X-Amz-Target)"</span>
                    <input
                        name="operation"
                        list="console-targets"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || operation.get()
                        // A target is chosen as soon as the box holds one, typed
                        // or picked from the list, so that its template is in
                        // the body before the learner moves there to type; not
                        // on leaving the box, when it would land in what they
                        // start typing (Enter or leaving still choose any other).
                        on:input={
                            let choose = choose.clone();
                            move |ev| {
                                if let Some(target) = full_target(&event_target_value(&ev)) {
                                    choose(target.to_string());
                                }
                            }
                        }
                        // A name as the list shows it becomes its whole target.
                        on:change=move |ev| {
                            let name = event_target_value(&ev);
                            choose(full_target(&name).map_or(name, String::from));
                        }
                    />
                    <datalist id="console-targets">
                        {offered.iter().map(|&name| view! { <option value=name>{short_name(name)}</option> }).collect_view()}
                    </datalist>
                </label>
                <label class="console-body">
                    <span>"Request body (JSON)"</span>
                    <textarea
                        name="body"
                        rows="7"
                        spellcheck="false"
                        prop:value=move || body.get()
                        on:input=move |ev| body.set(event_target_value(&ev))
                    ></textarea>
                </label>
                {move || offered_template.get().map(|template| view! {
                    <p class="console-note" role="status">
                        "Your request body is kept. "
                        <button
                            type="button"
                            class="link-button use-template"
                            on:click=move |_| {
                                filled.set(template.clone());
                                body.set(template.clone());
                                offered_template.set(None);
                            }
                        >
                            {format!("Use the {} template instead", short_name(&operation.get_untracked()))}
                        </button>
                    </p>
                })}
                <button type="submit" class="primary" node_ref=send_button>"Send request"</button>
            </form>
            <ClockMoveStatus clock_move=clock_move after_cancel=send_button />
            {move || parse_error.get().map(|e| view! { <p class="result error" role="alert">{e}</p> })}
            <div class="console-history" aria-live="polite">
                {move || history.get().into_iter().enumerate().map(|(idx, call)| view! {
                    <ApiCallView call=call open=idx == 0 />
                }).collect_view()}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::json;
    use shardlab_core::{CreateStreamInput, Simulation, api, limits};

    use super::*;

    /// The sandbox's stream: four shards (see `pages/sandbox.rs`).
    const STREAM: &str = "orders";

    /// Why a response refuses the request's shape rather than what it asks
    /// for: a body that does not decode, a member missing or of the wrong
    /// type, an unknown target, or one of the `InvalidArgumentException`s
    /// that are about which members are given or what a value must look like.
    fn shape_error(response: &api::Response) -> Option<String> {
        const SHAPE_TYPES: [&str; 3] = ["SerializationException", "ValidationException", "UnknownOperationException"];
        const SHAPE_MESSAGES: [&str; 11] = [
            "must be given",
            "only allowed with",
            "is required with",
            "need a Text",
            "no StartingSequenceNumber",
            "also a StartingSequenceNumber",
            "Must specify",
            "cannot be provided together",
            "must be supplied",
            "is neither an IAM user",
            "is not an IAM policy document",
        ];
        let body: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
        let kind = body.get("__type").and_then(Value::as_str).unwrap_or_default();
        let message = body.get("message").and_then(Value::as_str).unwrap_or_default();
        let about_shape = SHAPE_TYPES.contains(&kind)
            || (kind == "InvalidArgumentException" && SHAPE_MESSAGES.iter().any(|m| message.contains(m)));
        about_shape.then(|| response.body.clone())
    }

    /// The `__type` of an error response.
    fn error_type(response: &api::Response) -> Option<String> {
        let body: Value = serde_json::from_str(&response.body).ok()?;
        Some(body.get("__type")?.as_str()?.to_string())
    }

    /// Sends `template`, filled in from `remembered` as the console does,
    /// and remembers what a success carries.
    fn send(sim: &mut Simulation, remembered: &mut Remembered, target: &str, template: &Value) -> api::Response {
        let request = remembered.fill(template.clone());
        let response = api::handle(sim, target, &request.to_string());
        if response.status == 200 {
            remembered.keep(&serde_json::from_str(&response.body).unwrap_or(Value::Null));
        }
        response
    }

    #[test]
    fn every_target_a_lesson_allows_has_a_template() {
        let course = shardlab_lessons::Course::load_trusted().unwrap();
        let templates = templates(STREAM);
        let offered: BTreeSet<&str> = templates.iter().map(|&(target, _)| target).collect();
        assert_eq!(offered.len(), templates.len(), "a target has two templates");
        let missing: Vec<String> = course
            .lessons
            .iter()
            .flat_map(|lesson| {
                let allowed = lesson.allowed_actions.iter().flatten();
                allowed
                    .filter(|a| a.contains('.') && !offered.contains(a.as_str()))
                    .map(|a| format!("{}: {a}", lesson.id))
            })
            .collect();
        assert!(missing.is_empty(), "allowed by a lesson, without a template: {missing:#?}");
    }

    #[test]
    fn every_target_the_simulation_answers_has_a_template() {
        // The targets of the dispatch table in `core/src/api/mod.rs`, one
        // `"Service.Operation" => module::function,` a line.
        let table = include_str!("../../../core/src/api/mod.rs");
        let answered: BTreeSet<&str> = table
            .lines()
            .filter_map(|line| line.trim().strip_prefix('"')?.split_once("\" =>").map(|(target, _)| target))
            .collect();
        assert!(answered.len() > 80, "the dispatch table was not found: {answered:?}");
        // Left out on purpose; see `templates`.
        let left_out = ["Shardlab.Snapshot", "Shardlab.Restore", "Shardlab.SetClock"];
        let offered: BTreeSet<&str> = templates(STREAM).iter().map(|&(target, _)| target).collect();
        let missing: Vec<&&str> =
            answered.iter().filter(|t| !offered.contains(**t) && !left_out.contains(*t)).collect();
        assert!(missing.is_empty(), "answered by the simulation, without a template: {missing:?}");
        let unknown: Vec<&&str> = offered.iter().filter(|t| !answered.contains(**t)).collect();
        assert!(unknown.is_empty(), "templates for targets the simulation does not answer: {unknown:?}");
    }

    /// The templates sent top to bottom to a fresh simulation with a stream
    /// of four shards (the sandbox's), a second of simulated time apart (and
    /// longer where a learner would wait, below), each filled in from the
    /// responses before it as the console does: all succeed but the few
    /// listed here, refused for what the requests before them did, never for
    /// their shape.
    #[test]
    fn the_templates_sent_in_order_succeed() {
        /// Refused: target, `__type` and a part of the message.
        const REFUSED: &[(&str, &str, &str)] = &[
            // SplitShard has just split shardId-000000000000, so it cannot be
            // merged: on a stream of their own, a learner merges two open shards.
            ("Kinesis_20131202.MergeShards", "InvalidArgumentException", "has already been merged or split"),
            // KclKillWorker has just killed worker 0, which therefore cannot
            // also stop gracefully: a learner stops another worker.
            ("Shardlab.KclStopWorker", "InvalidArgumentException", "was killed; it cannot be stopped"),
        ];
        /// Simulated time a learner lets pass before sending these, in
        /// milliseconds: Firehose delivers its buffer after the template's
        /// `IntervalInSeconds` (60), so the archive has an object to list.
        const WAIT_BEFORE: &[(&str, u64)] = &[("Shardlab.S3ListObjects", 61_000)];
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned(STREAM, 4)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        let advance = |sim: &mut Simulation, millis: u64| {
            let response = api::handle(sim, "Shardlab.AdvanceClock", &json!({"Millis": millis}).to_string());
            assert_eq!(response.status, 200, "{}", response.body);
        };
        let mut remembered = Remembered::default();
        let mut refused = Vec::new();
        for (target, template) in templates(STREAM) {
            let wait = WAIT_BEFORE.iter().find(|(t, _)| *t == target).map_or(1_000, |&(_, millis)| millis);
            advance(&mut sim, wait);
            let mut response = send(&mut sim, &mut remembered, target, &template);
            // A stream being created, resharded or re-encrypted, or a
            // consumer being registered, is not ACTIVE for a few seconds
            // (StopStreamEncryption, SubscribeToShard, UpdateStreamMode and
            // DeleteStream meet this): a learner waits and sends again.
            for _ in 0..10 {
                let busy = error_type(&response).as_deref() == Some("ResourceInUseException")
                    && response.body.contains("ACTIVE");
                if !busy {
                    break;
                }
                advance(&mut sim, 5_000);
                response = send(&mut sim, &mut remembered, target, &template);
            }
            assert_eq!(shape_error(&response), None, "{target} was refused for its shape");
            if response.status != 200 {
                refused.push((target, error_type(&response).unwrap_or_default(), response.body));
            }
        }
        assert_eq!(refused.len(), REFUSED.len(), "refused: {refused:#?}");
        for ((target, kind, body), expected) in refused.iter().zip(REFUSED) {
            assert!(
                (*target, kind.as_str()) == (expected.0, expected.1) && body.contains(expected.2),
                "refused: {refused:#?}"
            );
        }
    }

    /// Each lesson's allowed templates, sent to the lesson's own starting
    /// simulation, with its stream: some may be refused for the state they
    /// find (a shard the lesson's stream does not have), none for its shape.
    #[test]
    fn every_lesson_gets_well_formed_templates() {
        let course = shardlab_lessons::Course::load_trusted().unwrap();
        for lesson in &course.lessons {
            let mut sim = lesson.start();
            let mut remembered = Remembered::default();
            for (target, template) in templates(lesson.stream_name()) {
                if !lesson.allows_permission(target) {
                    continue;
                }
                let response = send(&mut sim, &mut remembered, target, &template);
                // A placeholder no earlier response replaced (a ConsumerARN
                // when the lesson registered its consumer itself) is refused
                // as the value it is not: that names what to paste.
                if response.body.contains("Value 'paste ") {
                    continue;
                }
                assert_eq!(shape_error(&response), None, "{}: {target} was refused for its shape", lesson.id);
            }
        }
    }

    #[test]
    fn a_target_change_fills_the_template_only_over_an_empty_or_unedited_body() {
        let put = r#"{"StreamName": "orders"}"#;
        let list = r#"{"Limit": 10}"#.to_string();
        let typed = r#"{"StreamName": "orders", "Limit": 3}"#;
        // (body as it stands, the template last put in, what happens)
        let cases = [
            ("", put, BodyChange::Fill(list.clone())),
            ("  \n", put, BodyChange::Fill(list.clone())),
            (put, put, BodyChange::Fill(list.clone())),
            // Whitespace the learner added at the ends is no edit.
            (&format!("{put}\n"), put, BodyChange::Fill(list.clone())),
            (typed, put, BodyChange::Keep(list.clone())),
            // The template with the learner's JSON typed after it is theirs.
            (&format!("{put}{typed}"), put, BodyChange::Keep(list.clone())),
            // A body that already is the new template loses nothing either.
            (&list.clone(), put, BodyChange::Fill(list.clone())),
        ];
        for (body, filled, expected) in cases {
            assert_eq!(body_on_target_change(body, filled, list.clone()), expected, "body {body:?}");
        }
    }

    #[test]
    fn deaggregate_unpacks_what_aggregate_packs() {
        let templates = templates(STREAM);
        let template = |target: &str| templates.iter().find(|(t, _)| *t == target).unwrap().1.to_string();
        let mut sim = Simulation::new();
        let aggregated = api::handle(&mut sim, "Shardlab.Aggregate", &template("Shardlab.Aggregate"));
        let aggregated: Value = serde_json::from_str(&aggregated.body).unwrap();
        assert_eq!(aggregated["Data"].as_str(), template("Shardlab.Deaggregate").split('"').nth(3));
        let unpacked = api::handle(&mut sim, "Shardlab.Deaggregate", &template("Shardlab.Deaggregate"));
        let unpacked: Value = serde_json::from_str(&unpacked.body).unwrap();
        assert_eq!(unpacked["Aggregated"], true, "{unpacked}");
        assert_eq!(unpacked["Records"][1]["PartitionKey"], "user-2");
    }

    #[test]
    fn later_requests_are_filled_in_from_earlier_responses() {
        let mut remembered = Remembered::default();
        let get_records = json!({"ShardIterator": "paste the ShardIterator from GetShardIterator", "Limit": 10});
        // Nothing carried yet: the placeholder stays.
        assert_eq!(remembered.fill(get_records.clone()), get_records);
        remembered.keep(&json!({"ShardIterator": "AAAA"}));
        remembered.keep(&json!({"Records": [], "NextShardIterator": "BBBB"}));
        remembered.keep(&json!({"Messages": [{"ReceiptHandle": "rh-1", "Body": "x"}]}));
        remembered.keep(&json!({"GeneratorId": 3}));
        // A response without the member (an ended shard's) keeps the last one.
        remembered.keep(&json!({"Records": [], "ChildShards": []}));
        assert_eq!(remembered.fill(get_records), json!({"ShardIterator": "BBBB", "Limit": 10}));
        assert_eq!(
            remembered.fill(json!({"QueueUrl": "q", "ReceiptHandle": "paste"})),
            json!({"QueueUrl": "q", "ReceiptHandle": "rh-1"})
        );
        assert_eq!(remembered.fill(json!({"GeneratorId": 0})), json!({"GeneratorId": 3}));
        // Members no response carries are left alone.
        assert_eq!(remembered.fill(json!({"Data": "aGk="})), json!({"Data": "aGk="}));
    }
}
