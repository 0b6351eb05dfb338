//! The API console: send any Kinesis JSON request to the simulation and see
//! the response and the equivalent `aws kinesis` command.

use leptos::prelude::*;
use serde_json::{Value, json};

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::permissions::Permissions;
use crate::sim_handle::SimHandle;

/// The bucket the Firehose templates create and deliver to.
const ARCHIVE_BUCKET: &str = "orders-archive";
/// The delivery stream the Firehose templates create and write to.
const ARCHIVE_STREAM: &str = "orders-archive";
/// The queue the SQS templates create, which the mapping template names as
/// its on-failure destination.
const FAILURE_QUEUE: &str = "orders-failures";

/// Requests a learner can start from, by target, each a valid call on
/// `stream`; the Lambda, Firehose, S3 and SQS ones, sent in order, build a
/// mapping, an archive and a queue around it.
fn templates(stream: &str) -> Vec<(&'static str, Value)> {
    let arn = format!("arn:aws:kinesis:us-east-1:123456789012:stream/{stream}");
    let failure_queue_url = format!("https://sqs.us-east-1.amazonaws.com/123456789012/{FAILURE_QUEUE}");
    vec![
        (
            "Kinesis_20131202.PutRecord",
            json!({"StreamName": stream, "PartitionKey": "user-42", "Data": "eyJvcmRlciI6IDF9"}),
        ),
        (
            "Kinesis_20131202.PutRecords",
            json!({"StreamName": stream, "Records": [
                {"PartitionKey": "user-1", "Data": "b3JkZXIgMQ=="},
                {"PartitionKey": "user-2", "Data": "b3JkZXIgMg=="}
            ]}),
        ),
        (
            "Kinesis_20131202.GetShardIterator",
            json!({"StreamName": stream, "ShardId": "shardId-000000000001", "ShardIteratorType": "TRIM_HORIZON"}),
        ),
        (
            "Kinesis_20131202.GetRecords",
            json!({"ShardIterator": "paste the ShardIterator from GetShardIterator", "Limit": 10}),
        ),
        ("Kinesis_20131202.ListShards", json!({"StreamName": stream})),
        ("Kinesis_20131202.DescribeStreamSummary", json!({"StreamName": stream})),
        (
            "Kinesis_20131202.SplitShard",
            json!({"StreamName": stream, "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "42535295865117307932921825928971026432"}),
        ),
        (
            "Kinesis_20131202.MergeShards",
            json!({"StreamName": stream, "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000001"}),
        ),
        (
            "Kinesis_20131202.UpdateShardCount",
            json!({"StreamName": stream, "TargetShardCount": 8, "ScalingType": "UNIFORM_SCALING"}),
        ),
        (
            "Kinesis_20131202.UpdateStreamMode",
            json!({"StreamARN": arn, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        ),
        ("Kinesis_20131202.IncreaseStreamRetentionPeriod", json!({"StreamName": stream, "RetentionPeriodHours": 48})),
        ("Kinesis_20131202.RegisterStreamConsumer", json!({"StreamARN": arn, "ConsumerName": "dashboard"})),
        (
            "Kinesis_20131202.StartStreamEncryption",
            json!({"StreamName": stream, "EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}),
        ),
        ("Kinesis_20131202.DescribeLimits", json!({})),
        (
            "Shardlab.StartGenerator",
            json!({"StreamName": stream, "RecordsPerSecond": 500, "RecordBytes": 100, "Keys": {"Distribution": "UNIFORM", "DistinctKeys": 1000}}),
        ),
        ("Shardlab.Generators", json!({})),
        ("Shardlab.StopGenerator", json!({"GeneratorId": 0})),
        ("Shardlab.StartPollingConsumer", json!({"StreamName": stream, "ShardIteratorType": "TRIM_HORIZON"})),
        ("Shardlab.Consumers", json!({})),
        (
            "Shardlab.GetMetricStatistics",
            json!({"StreamName": stream, "MetricName": "IncomingRecords", "Period": 60, "StartTime": 1767225600, "EndTime": 1767229200}),
        ),
        ("Shardlab.Cost", json!({"StreamName": stream})),
        ("Shardlab.KplCreateProducer", json!({"Config": {"RecordMaxBufferedTime": 100}})),
        (
            "Shardlab.KplPut",
            json!({"ProducerId": 0, "StreamName": stream, "PartitionKey": "user-1", "Data": "aGVsbG8="}),
        ),
        ("Shardlab.KplStatus", json!({"ProducerId": 0})),
        ("Shardlab.KclCreateApplication", json!({"ApplicationName": "orders-app", "StreamName": stream})),
        ("Shardlab.KclStartWorker", json!({"ApplicationId": 0})),
        ("Shardlab.KclKillWorker", json!({"ApplicationId": 0, "WorkerId": 0})),
        ("Shardlab.KclLeases", json!({"ApplicationId": 0})),
        ("Shardlab.AdvanceClock", json!({"Millis": 1000})),
        (
            "Shardlab.CreateFunction",
            json!({"FunctionName": "process-orders", "DurationMillis": 200, "PoisonPartitionKey": "poison", "OnPoison": "THROW"}),
        ),
        (
            "Shardlab.CreateEventSourceMapping",
            json!({
                "EventSourceArn": arn,
                "FunctionName": "process-orders",
                "StartingPosition": "TRIM_HORIZON",
                "BatchSize": 8,
                "BisectBatchOnFunctionError": true,
                "MaximumRetryAttempts": 2,
                "DestinationConfig": {"OnFailure": {"Destination": format!("arn:aws:sqs:us-east-1:123456789012:{FAILURE_QUEUE}")}}
            }),
        ),
        ("Shardlab.Invocations", json!({"UUID": "00000000-0000-4000-8000-000000000000", "After": 0})),
        ("Shardlab.S3CreateBucket", json!({"Bucket": ARCHIVE_BUCKET})),
        (
            "Firehose_20150804.CreateDeliveryStream",
            json!({
                "DeliveryStreamName": ARCHIVE_STREAM,
                "DeliveryStreamType": "DirectPut",
                "ExtendedS3DestinationConfiguration": {
                    "BucketARN": format!("arn:aws:s3:::{ARCHIVE_BUCKET}"),
                    "RoleARN": "arn:aws:iam::123456789012:role/firehose-delivery",
                    "Prefix": "orders/",
                    "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
                    "CompressionFormat": "GZIP"
                }
            }),
        ),
        (
            "Firehose_20150804.PutRecord",
            // {"order": 1} and a newline: Firehose adds no delimiter between records.
            json!({"DeliveryStreamName": ARCHIVE_STREAM, "Record": {"Data": "eyJvcmRlciI6IDF9Cg=="}}),
        ),
        ("Shardlab.S3ListObjects", json!({"Bucket": ARCHIVE_BUCKET, "Prefix": "orders/"})),
        ("AmazonSQS.CreateQueue", json!({"QueueName": FAILURE_QUEUE, "Attributes": {"VisibilityTimeout": "30"}})),
        ("AmazonSQS.SendMessage", json!({"QueueUrl": failure_queue_url, "MessageBody": "order 1 failed"})),
        ("AmazonSQS.ReceiveMessage", json!({"QueueUrl": failure_queue_url, "MaxNumberOfMessages": 10})),
    ]
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
    let operation = RwSignal::new(templates[0].0.to_string());
    let body = RwSignal::new(serde_json::to_string_pretty(&templates[0].1).unwrap_or_default());
    let history = RwSignal::new(Vec::<ApiCall>::new());
    let parse_error = RwSignal::new(None::<String>);
    // The last iterator any response carried, so GetRecords can continue from it.
    let last_iterator = RwSignal::new(None::<String>);

    let choose = {
        let templates = templates.clone();
        move |name: String| {
            if let Some((_, template)) = templates.iter().find(|(n, _)| *n == name) {
                let mut template = template.clone();
                if let (Some(it), "Kinesis_20131202.GetRecords") = (last_iterator.get_untracked(), name.as_str()) {
                    template["ShardIterator"] = Value::String(it);
                }
                body.set(serde_json::to_string_pretty(&template).unwrap_or_default());
            }
            operation.set(name);
        }
    };

    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request: Value = match serde_json::from_str(&body.get_untracked()) {
            Ok(value) => value,
            Err(err) => {
                parse_error.set(Some(format!("The request body is not JSON: {err}")));
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
        parse_error.set(None);
        let call = ApiCall::send(sim, &target, request);
        let iterator = ["ShardIterator", "NextShardIterator"]
            .iter()
            .find_map(|k| call.response.get(*k).and_then(Value::as_str).map(String::from));
        if iterator.is_some() {
            last_iterator.set(iterator);
        }
        history.update(|h| {
            h.insert(0, call);
            h.truncate(20);
        });
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
                        on:change=move |ev| choose(event_target_value(&ev))
                    />
                    <datalist id="console-targets">
                        {templates.iter().map(|&(name, _)| view! { <option value=name>{short_name(name)}</option> }).collect_view()}
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
                <button type="submit" class="primary">"Send request"</button>
            </form>
            {move || parse_error.get().map(|e| view! { <p class="result error" role="alert">{e}</p> })}
            <div class="console-history" aria-live="polite">
                {move || history.get().into_iter().enumerate().map(|(idx, call)| view! {
                    <ApiCallView call=call open=idx == 0 />
                }).collect_view()}
            </div>
        </section>
    }
}
