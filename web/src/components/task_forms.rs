//! Forms for the calls a lesson asks for that no other panel makes with a
//! button: changing the shard count or the capacity mode, encryption,
//! reading a shard from a chosen position, enhanced fan-out, Firehose, the
//! KPL and IAM. Each form names its request's members in words, sends the
//! API call (a read sends two: the iterator, then the records) exactly as the
//! API console would, and shows the answer and the AWS CLI command.
//!
//! The forms differ only in data, so they are a table ([`FORMS`]) drawn by
//! one component: a form is a list of calls, each its fixed members plus a
//! field for every member the learner chooses, with the kind of input that
//! member takes. Whether a request is valid is the simulation's to say: a
//! form only turns what was typed into JSON.

use leptos::prelude::*;
use serde_json::{Map, Value, json};
use shardlab_core::{ACCOUNT_ID, REGION, base64, stream_arn};

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::permissions::Permissions;
use crate::sim_handle::SimHandle;

/// What a field takes, and so how its text becomes its member's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Input {
    /// A string, as typed.
    Text,
    /// A string, or the member left out when the field is empty.
    OptionalText,
    /// A whole number.
    Number,
    /// A whole number, or the member left out when the field is empty.
    OptionalNumber,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// `true` or `false`.
    Flag,
    /// An open shard of the page's stream.
    Shard,
    /// A registered fan-out consumer of the page's stream, sent as its ARN.
    FanOutConsumer,
    /// An open fan-out subscription, sent as its id.
    Subscription,
    /// A KPL producer, sent as its id.
    Producer,
    /// An S3 bucket, sent as its ARN.
    Bucket,
    /// A Firehose delivery stream, sent as its name.
    DeliveryStream,
    /// Text, sent as the base64 of its UTF-8 bytes (a record's `Data`).
    Data,
    /// One record per line, each `{"Data": base64}`, sent as typed: Firehose
    /// adds nothing between records.
    RecordLines,
    /// One record per line, each `{"recordId": "N", "data": base64}`: the
    /// records a transformation function is tried on.
    TestRecordLines,
    /// One transformation step per line: its type, then the text it looks
    /// for if it takes one (`DROP_IF_CONTAINS heartbeat`).
    Steps,
    /// A transformation function's name, sent as Firehose's
    /// `ProcessingConfiguration` with that one Lambda processor; none when empty.
    Processor,
    /// A JSON document, as typed (an IAM policy).
    Json,
}

impl Input {
    /// Whether the learner picks from what the simulation has.
    fn is_picked(self) -> bool {
        matches!(
            self,
            Input::Shard
                | Input::FanOutConsumer
                | Input::Subscription
                | Input::Producer
                | Input::Bucket
                | Input::DeliveryStream
        )
    }

    /// Whether the field is several lines.
    fn is_multiline(self) -> bool {
        matches!(self, Input::RecordLines | Input::TestRecordLines | Input::Steps | Input::Json)
    }
}

/// One member of a request that the learner chooses.
#[derive(Debug)]
struct Field {
    /// Where the value goes in the request, as a JSON pointer.
    member: &'static str,
    label: &'static str,
    input: Input,
    /// What the field holds at first; `{stream_arn}` stands for the page's
    /// stream's ARN.
    initial: &'static str,
    /// A hint shown while the field is empty.
    placeholder: &'static str,
}

/// One call a form makes.
#[derive(Debug)]
struct Call {
    target: &'static str,
    /// The members the learner does not choose, as JSON; `{stream}` and
    /// `{stream_arn}` stand for the page's stream.
    fixed: &'static str,
    fields: &'static [Field],
}

/// A form: its calls are made in order, each later one given the member
/// [`TaskForm::carried`] from the answer before it, and stop at the first
/// that fails.
#[derive(Debug)]
struct TaskForm {
    /// The form's heading, saying what it does.
    title: &'static str,
    /// The submit button's label.
    button: &'static str,
    calls: &'static [Call],
    /// The member an answer hands to the next call (`ShardIterator`).
    carried: &'static str,
}

const fn field(member: &'static str, label: &'static str, input: Input) -> Field {
    Field { member, label, input, initial: "", placeholder: "" }
}

const fn hinted(member: &'static str, label: &'static str, input: Input, placeholder: &'static str) -> Field {
    Field { member, label, input, initial: "", placeholder }
}

const fn filled(member: &'static str, label: &'static str, input: Input, initial: &'static str) -> Field {
    Field { member, label, input, initial, placeholder: "" }
}

/// The delivery settings both kinds of delivery stream take.
const DELIVERY_FIELDS: &[Field] = &[
    hinted("/DeliveryStreamName", "Delivery stream name", Input::Text, "e.g. orders-archive"),
    field("/ExtendedS3DestinationConfiguration/BucketARN", "S3 bucket", Input::Bucket),
    hinted("/ExtendedS3DestinationConfiguration/Prefix", "Prefix (optional)", Input::OptionalText, "e.g. orders/"),
    hinted(
        "/ExtendedS3DestinationConfiguration/ErrorOutputPrefix",
        "Error output prefix (optional)",
        Input::OptionalText,
        "e.g. errors/",
    ),
    filled(
        "/ExtendedS3DestinationConfiguration/BufferingHints/IntervalInSeconds",
        "Buffer interval (seconds)",
        Input::Number,
        "300",
    ),
    filled("/ExtendedS3DestinationConfiguration/BufferingHints/SizeInMBs", "Buffer size (MiB)", Input::Number, "5"),
    field(
        "/ExtendedS3DestinationConfiguration/CompressionFormat",
        "Compression",
        Input::Choice(&["UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"]),
    ),
    hinted(
        "/ExtendedS3DestinationConfiguration/ProcessingConfiguration",
        "Transformation function (optional)",
        Input::Processor,
        "its FunctionName",
    ),
];

/// The iterator types a read can start from, bar `AT_TIMESTAMP`.
const ITERATOR_TYPES: &[&str] = &["TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"];

/// A form that makes one call, with no answer to carry.
macro_rules! one_call {
    ($title:expr, $button:expr, $target:expr, $fixed:expr, $fields:expr $(,)?) => {
        TaskForm {
            title: $title,
            button: $button,
            calls: &[Call { target: $target, fixed: $fixed, fields: $fields }],
            carried: "",
        }
    };
}

/// Every form, in the order the panel lists them.
static FORMS: &[TaskForm] = &[
    one_call!(
        "Change the shard count",
        "Update shard count",
        "Kinesis_20131202.UpdateShardCount",
        r#"{"StreamName": "{stream}", "ScalingType": "UNIFORM_SCALING"}"#,
        &[hinted("/TargetShardCount", "Target shard count", Input::Number, "e.g. 2")]
    ),
    one_call!(
        "Change the capacity mode",
        "Update stream mode",
        "Kinesis_20131202.UpdateStreamMode",
        r#"{"StreamARN": "{stream_arn}"}"#,
        &[field("/StreamModeDetails/StreamMode", "Capacity mode", Input::Choice(&["ON_DEMAND", "PROVISIONED"]))]
    ),
    one_call!(
        "Encrypt the stream at rest",
        "Start stream encryption",
        "Kinesis_20131202.StartStreamEncryption",
        r#"{"StreamName": "{stream}", "EncryptionType": "KMS"}"#,
        &[filled("/KeyId", "KMS key", Input::Text, "alias/aws/kinesis")]
    ),
    one_call!(
        "Stop encrypting the stream",
        "Stop stream encryption",
        "Kinesis_20131202.StopStreamEncryption",
        r#"{"StreamName": "{stream}", "EncryptionType": "KMS"}"#,
        &[filled("/KeyId", "KMS key", Input::Text, "alias/aws/kinesis")]
    ),
    TaskForm {
        title: "Read a shard from a position",
        button: "Get records",
        calls: &[
            Call {
                target: "Kinesis_20131202.GetShardIterator",
                fixed: r#"{"StreamName": "{stream}"}"#,
                fields: &[
                    field("/ShardId", "Shard", Input::Shard),
                    field("/ShardIteratorType", "Iterator type", Input::Choice(ITERATOR_TYPES)),
                    hinted(
                        "/StartingSequenceNumber",
                        "Starting sequence number (AT_ or AFTER_ only)",
                        Input::OptionalText,
                        "copy one from the inspector",
                    ),
                ],
            },
            Call {
                target: "Kinesis_20131202.GetRecords",
                fixed: "{}",
                fields: &[hinted("/Limit", "Limit (optional)", Input::OptionalNumber, "at most 10,000")],
            },
        ],
        carried: "ShardIterator",
    },
    one_call!(
        "Register a fan-out consumer",
        "Register stream consumer",
        "Kinesis_20131202.RegisterStreamConsumer",
        r#"{"StreamARN": "{stream_arn}"}"#,
        &[hinted("/ConsumerName", "Consumer name", Input::Text, "e.g. dashboard")]
    ),
    one_call!(
        "Subscribe a fan-out consumer to a shard",
        "Subscribe to shard",
        "Kinesis_20131202.SubscribeToShard",
        "{}",
        &[
            field("/ConsumerARN", "Consumer", Input::FanOutConsumer),
            field("/ShardId", "Shard", Input::Shard),
            field("/StartingPosition/Type", "Starting position", Input::Choice(&["LATEST", "TRIM_HORIZON"])),
        ]
    ),
    one_call!(
        "Read what a subscription was pushed",
        "Read subscription",
        "Shardlab.ReadSubscription",
        "{}",
        &[field("/SubscriptionId", "Subscription", Input::Subscription)]
    ),
    one_call!(
        "Create a transformation function",
        "Create function",
        "Shardlab.CreateTransformFunction",
        "{}",
        &[
            hinted("/FunctionName", "Function name", Input::Text, "e.g. clean-orders"),
            hinted(
                "/Steps",
                "Steps, one a line: DROP_IF_CONTAINS text, FAIL_IF_CONTAINS text, UPPERCASE, APPEND_NEWLINE",
                Input::Steps,
                "DROP_IF_CONTAINS test-order\nAPPEND_NEWLINE",
            ),
        ]
    ),
    one_call!(
        "Try a transformation function",
        "Test function",
        "Shardlab.TestTransformFunction",
        "{}",
        &[
            hinted("/FunctionName", "Function name", Input::Text, "e.g. clean-orders"),
            hinted("/Records", "Records, one a line", Input::TestRecordLines, "{\"order\": 1}"),
        ]
    ),
    one_call!(
        "Create a Direct PUT delivery stream to S3",
        "Create delivery stream",
        "Firehose_20150804.CreateDeliveryStream",
        r#"{"DeliveryStreamType": "DirectPut",
                "ExtendedS3DestinationConfiguration": {"RoleARN": "arn:aws:iam::123456789012:role/firehose-delivery"}}"#,
        DELIVERY_FIELDS
    ),
    one_call!(
        "Deliver this stream to S3 with Firehose",
        "Create delivery stream",
        "Firehose_20150804.CreateDeliveryStream",
        r#"{"DeliveryStreamType": "KinesisStreamAsSource",
                "KinesisStreamSourceConfiguration": {"KinesisStreamARN": "{stream_arn}", "RoleARN": "arn:aws:iam::123456789012:role/firehose-reader"},
                "ExtendedS3DestinationConfiguration": {"RoleARN": "arn:aws:iam::123456789012:role/firehose-delivery"}}"#,
        DELIVERY_FIELDS
    ),
    one_call!(
        "Send records to a delivery stream",
        "Put record batch",
        "Firehose_20150804.PutRecordBatch",
        "{}",
        &[
            field("/DeliveryStreamName", "Delivery stream", Input::DeliveryStream),
            hinted("/Records", "Records, one a line", Input::RecordLines, "{\"page\": \"/home\"}"),
        ]
    ),
    one_call!(
        "Start a KPL producer",
        "Create producer",
        "Shardlab.KplCreateProducer",
        "{}",
        &[
            hinted(
                "/Config/RecordMaxBufferedTime",
                "RecordMaxBufferedTime (ms, optional)",
                Input::OptionalNumber,
                "100, the KPL's default",
            ),
            field("/Config/AggregationEnabled", "AggregationEnabled", Input::Flag),
        ]
    ),
    one_call!(
        "Add a user record to a KPL producer",
        "addUserRecord",
        "Shardlab.KplPut",
        r#"{"StreamName": "{stream}"}"#,
        &[
            field("/ProducerId", "Producer", Input::Producer),
            hinted("/PartitionKey", "Partition key", Input::Text, "e.g. user-1"),
            filled("/Data", "Data", Input::Data, "click"),
        ]
    ),
    one_call!(
        "Flush a KPL producer",
        "flush()",
        "Shardlab.KplFlush",
        "{}",
        &[field("/ProducerId", "Producer", Input::Producer)]
    ),
    one_call!(
        "Attach an IAM policy",
        "Attach policy",
        "Shardlab.AttachPolicy",
        "{}",
        &[
            hinted("/Principal", "Principal (ARN)", Input::Text, "arn:aws:iam::123456789012:user/…"),
            filled(
                "/Policy",
                "Policy document (JSON)",
                Input::Json,
                "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Action\": [],\n    \"Resource\": \"{stream_arn}\"\n  }]\n}",
            ),
        ]
    ),
    one_call!(
        "Act as a principal",
        "Set caller",
        "Shardlab.SetCaller",
        "{}",
        &[hinted(
            "/Principal",
            "Principal ARN (empty: the administrator)",
            Input::OptionalText,
            "arn:aws:iam::123456789012:user/…",
        )]
    ),
];

/// `text` with the page's stream in place of `{stream}` and `{stream_arn}`.
fn with_stream(text: &str, stream: &str) -> String {
    text.replace("{stream_arn}", &stream_arn(stream)).replace("{stream}", stream)
}

/// What a field holds when the form is drawn: its initial text, or for a
/// choice its first option.
fn initial_text(field: &Field, stream: &str) -> String {
    match field.input {
        Input::Choice(options) if field.initial.is_empty() => options[0].to_string(),
        Input::Flag if field.initial.is_empty() => "true".to_string(),
        _ => with_stream(field.initial, stream),
    }
}

/// What a picked input is called when there is none to pick.
fn picked_noun(input: Input) -> &'static str {
    match input {
        Input::Shard => "open shard",
        Input::FanOutConsumer => "fan-out consumer",
        Input::Subscription => "open subscription",
        Input::Producer => "KPL producer",
        Input::Bucket => "S3 bucket",
        _ => "delivery stream",
    }
}

fn number(field: &Field, text: &str) -> Result<Value, String> {
    text.parse::<i64>().map(Value::from).map_err(|_| format!("{} must be a whole number.", field.label))
}

/// The value `text` gives `field`'s member; `None` leaves the member out.
fn member_value(field: &Field, text: &str) -> Result<Option<Value>, String> {
    let trimmed = text.trim();
    let lines = || text.lines().map(str::trim_end).filter(|line| !line.trim().is_empty());
    let value = match field.input {
        input if input.is_picked() && trimmed.is_empty() => {
            return Err(format!("There is no {} to choose yet.", picked_noun(input)));
        }
        Input::OptionalText | Input::OptionalNumber | Input::Processor if trimmed.is_empty() => return Ok(None),
        Input::Number | Input::OptionalNumber | Input::Subscription | Input::Producer => number(field, trimmed)?,
        Input::Flag => Value::Bool(trimmed == "true"),
        Input::Bucket => format!("arn:aws:s3:::{trimmed}").into(),
        Input::Data => base64::encode(text.as_bytes()).into(),
        Input::RecordLines => lines().map(|line| json!({"Data": base64::encode(line.as_bytes())})).collect(),
        Input::TestRecordLines => lines()
            .enumerate()
            .map(|(i, line)| json!({"recordId": (i + 1).to_string(), "data": base64::encode(line.as_bytes())}))
            .collect(),
        Input::Steps => lines()
            .map(|line| match line.trim().split_once(' ') {
                Some((kind, text)) => json!({"Type": kind, "Text": text.trim()}),
                None => json!({"Type": line.trim()}),
            })
            .collect(),
        Input::Processor => json!({"Enabled": true, "Processors": [{"Type": "Lambda", "Parameters": [{
            "ParameterName": "LambdaArn",
            "ParameterValue": format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{trimmed}"),
        }]}]}),
        Input::Json => serde_json::from_str(text).map_err(|err| format!("{} is not JSON: {err}.", field.label))?,
        Input::Text
        | Input::OptionalText
        | Input::Choice(_)
        | Input::Shard
        | Input::FanOutConsumer
        | Input::DeliveryStream => trimmed.into(),
    };
    Ok(Some(value))
}

/// Sets the member at `pointer` in `body`, making the objects on the way.
fn put(body: &mut Value, pointer: &str, value: Value) {
    let members: Vec<&str> = pointer.split('/').skip(1).collect();
    let Some((last, path)) = members.split_last() else { return };
    let mut slot = body;
    for member in path {
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        slot = slot.as_object_mut().expect("just made an object").entry(*member).or_insert(Value::Null);
    }
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut().expect("just made an object").insert((*last).to_string(), value);
}

/// `call`'s request, from the texts of its fields in order.
fn request<'a>(call: &Call, stream: &str, texts: impl Iterator<Item = &'a String>) -> Result<Value, String> {
    let mut body: Value =
        serde_json::from_str(&with_stream(call.fixed, stream)).expect("a form's fixed members are JSON (tested)");
    for (field, text) in call.fields.iter().zip(texts) {
        if let Some(value) = member_value(field, text)? {
            put(&mut body, field.member, value);
        }
    }
    Ok(body)
}

/// Makes `form`'s calls with `send`, from the texts of all its fields in
/// order; or says why the form cannot be sent (before any call is made).
fn run(
    form: &TaskForm,
    stream: &str,
    texts: &[String],
    mut send: impl FnMut(&'static str, Value) -> ApiCall,
) -> Result<Vec<ApiCall>, String> {
    let mut texts = texts.iter();
    let requests = form
        .calls
        .iter()
        .map(|call| request(call, stream, texts.by_ref().take(call.fields.len())))
        .collect::<Result<Vec<_>, _>>()?;
    let mut made: Vec<ApiCall> = Vec::new();
    for (call, mut body) in form.calls.iter().zip(requests) {
        if let Some(before) = made.last() {
            if before.error_code().is_some() {
                break;
            }
            if let Some(value) = before.response.get(form.carried) {
                body[form.carried] = value.clone();
            }
        }
        made.push(send(call.target, body));
    }
    Ok(made)
}

/// What a picked input offers now, as (value sent, label shown).
fn offered(sim: SimHandle, stream: &str, input: Input) -> Vec<(String, String)> {
    let same = |name: String| (name.clone(), name);
    match input {
        Input::Shard => sim
            .stream(stream)
            .map(|s| s.shards.iter().filter(|s| s.is_open()).map(|s| same(s.id.to_string())).collect())
            .unwrap_or_default(),
        Input::FanOutConsumer => sim
            .fan_out_consumers(stream)
            .into_iter()
            .map(|c| (c.consumer.consumer_arn, c.consumer.consumer_name))
            .collect(),
        Input::Subscription => sim
            .fan_out_consumers(stream)
            .into_iter()
            .flat_map(|c| {
                let name = c.consumer.consumer_name;
                c.shards
                    .into_iter()
                    .filter(|position| !position.ended)
                    .map(move |position| (position.id.0.to_string(), format!("{} on {}", name, position.shard)))
            })
            .collect(),
        Input::Producer => {
            sim.kpl_producers().into_iter().map(|p| (p.id.to_string(), format!("producer {}", p.id))).collect()
        }
        Input::Bucket => sim.s3_buckets().into_iter().map(same).collect(),
        Input::DeliveryStream => sim.delivery_streams().into_iter().map(|d| same(d.description.name)).collect(),
        _ => Vec::new(),
    }
}

/// The choice a picked field stands for: the one made, while the simulation
/// still offers it, else the first offered (the one the list shows).
fn chosen(offers: &[(String, String)], text: String) -> String {
    if offers.iter().any(|(value, _)| *value == text) {
        text
    } else {
        offers.first().map(|(value, _)| value.clone()).unwrap_or_default()
    }
}

/// How many records a read's outcome lists by their data.
const LISTED_RECORDS: usize = 10;
/// How many characters of each record's data the outcome shows.
const DATA_SHOWN: usize = 40;

/// A successful call's answer in a sentence: the records a read or a
/// subscription returned, by their data; what a transformation did with
/// each record; or the answer itself when it is short.
fn outcome(call: &ApiCall) -> String {
    let operation = call.operation();
    let answer = &call.response;
    let records = answer.get("Records").or_else(|| answer.pointer("/SubscribeToShardEvent/Records"));
    if let Some(records) = records.and_then(Value::as_array) {
        let data: Vec<String> = records
            .iter()
            .take(LISTED_RECORDS)
            .filter_map(|r| r.get("Data").and_then(Value::as_str).and_then(base64::decode))
            .map(|bytes| {
                let text = String::from_utf8_lossy(&bytes);
                let text = text.trim_end();
                let short: String = text.chars().take(DATA_SHOWN).collect();
                let cut = if short.len() < text.len() { "…" } else { "" };
                format!("“{short}{cut}”")
            })
            .collect();
        let more = records.len().saturating_sub(LISTED_RECORDS);
        let rest = if more > 0 { format!(" and {more} more") } else { String::new() };
        return match records.len() {
            0 => format!("{operation} returned no records."),
            1 => format!("{operation} returned 1 record: {}.", data.join(", ")),
            n => format!("{operation} returned {n} records: {}{rest}.", data.join(", ")),
        };
    }
    if let Some(results) = answer.get("records").and_then(Value::as_array) {
        let results: Vec<String> = results
            .iter()
            .map(|r| {
                let field = |name| r.get(name).and_then(Value::as_str).unwrap_or_default();
                let data = field("data");
                let text = base64::decode(data).map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
                // Only what goes on to S3 is shown: a dropped record's data goes nowhere.
                match text.filter(|t| !t.is_empty() && field("result") == "Ok") {
                    // A newline the function added shows as `\n`, not as a break.
                    Some(text) => {
                        format!("record {} {} “{}”", field("recordId"), field("result"), text.replace('\n', "\\n"))
                    }
                    None => format!("record {} {}", field("recordId"), field("result")),
                }
            })
            .collect();
        return format!("{operation}: {}.", results.join(", "));
    }
    let text = answer.to_string();
    if answer.as_object().is_none_or(Map::is_empty) {
        format!("{operation} succeeded.")
    } else if text.chars().count() <= 120 {
        format!("{operation} answered {text}.")
    } else {
        format!("{operation} succeeded; its answer is below.")
    }
}

/// The forms the page's lesson allows (every form in the sandbox), for
/// `stream`; nothing when it allows none.
#[component]
pub fn TaskForms(stream: &'static str) -> impl IntoView {
    let permissions = expect_context::<Permissions>();
    let sim = expect_context::<SimHandle>();
    // Every call on the page, the generators' and consumers' too, is made as
    // this principal: say so where the forms that change it are.
    let caller = Memo::new(move |_| sim.with(|s| s.caller().map(|p| p.arn().to_string())));
    let forms: Vec<&'static TaskForm> =
        FORMS.iter().filter(|form| form.calls.iter().all(|call| permissions.allows(call.target))).collect();
    (!forms.is_empty()).then(|| {
        view! {
            <section class="panel task-forms" aria-labelledby="task-forms-title">
                <header class="panel-head">
                    <h2 id="task-forms-title">"Operations"</h2>
                    <p class="muted">"A form for each call: it sends the request the API console would, and shows the answer"</p>
                </header>
                {move || caller.get().map(|arn| view! {
                    <p class="acting-as" role="status">
                        "Every call on this page is made as " <code>{arn}</code> ", not the account's administrator."
                    </p>
                })}
                {forms.into_iter().map(|form| view! { <TaskFormView form=form stream=stream /> }).collect_view()}
            </section>
        }
    })
}

/// One field: a label and the control its input takes.
fn field_view(field: &'static Field, text: RwSignal<String>, stream: &'static str, sim: SimHandle) -> impl IntoView {
    let set = move |ev| text.set(event_target_value(&ev));
    let options = move |values: Vec<(String, String)>| {
        values
            .into_iter()
            .map(|(value, label)| {
                let selected = value.clone();
                view! { <option value=value prop:selected=move || text.with(|t| *t == selected)>{label}</option> }
            })
            .collect_view()
    };
    let control = match field.input {
        Input::Choice(choices) => {
            let values = choices.iter().map(|c| (c.to_string(), c.to_string())).collect();
            view! { <select on:change=set>{options(values)}</select> }.into_any()
        }
        Input::Flag => {
            let values = ["true", "false"].map(|c| (c.to_string(), c.to_string())).into();
            view! { <select on:change=set>{options(values)}</select> }.into_any()
        }
        input if input.is_picked() => {
            let offers = Memo::new(move |_| offered(sim, stream, input));
            view! {
                <select on:change=set>
                    {move || {
                        let offers = offers.get();
                        if offers.is_empty() {
                            view! { <option value="">{format!("no {} yet", picked_noun(input))}</option> }.into_any()
                        } else {
                            options(offers).into_any()
                        }
                    }}
                </select>
            }
            .into_any()
        }
        input if input.is_multiline() => view! {
            <textarea rows="4" spellcheck="false" placeholder=field.placeholder prop:value=move || text.get() on:input=set></textarea>
        }
        .into_any(),
        _ => view! {
            <input autocomplete="off" spellcheck="false" placeholder=field.placeholder prop:value=move || text.get() on:input=set />
        }
        .into_any(),
    };
    view! { <label><span>{field.label}</span>{control}</label> }
}

/// A form, folded under its title, with the outcome of its last sending.
#[component]
fn TaskFormView(form: &'static TaskForm, stream: &'static str) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let fields: Vec<(&'static Field, RwSignal<String>)> = form
        .calls
        .iter()
        .flat_map(|call| call.fields)
        .map(|field| (field, RwSignal::new(initial_text(field, stream))))
        .collect();
    let made = RwSignal::new(Vec::<ApiCall>::new());
    let problem = RwSignal::new(None::<String>);
    let texts = fields.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let texts: Vec<String> = texts
            .iter()
            .map(|(field, text)| {
                let text = text.get_untracked();
                if field.input.is_picked() { chosen(&offered(sim, stream, field.input), text) } else { text }
            })
            .collect();
        match run(form, stream, &texts, |target, body| ApiCall::send(sim, target, body)) {
            Ok(calls) => {
                problem.set(None);
                made.set(calls);
            }
            Err(why) => problem.set(Some(why)),
        }
    };
    view! {
        <details class="task-form">
            <summary>{form.title}</summary>
            <form on:submit=submit>
                {fields.into_iter().map(|(field, text)| field_view(field, text, stream, sim)).collect_view()}
                <button type="submit" class="primary">{form.button}</button>
            </form>
            {move || problem.get().map(|why| view! { <p class="result error" role="alert">{why}</p> })}
            {move || made.with(|calls| calls.last().map(|call| match call.error_code() {
                None => view! { <p class="result ok" role="status">{outcome(call)}</p> }.into_any(),
                Some(code) => view! {
                    <p class="result error" role="alert">
                        <strong class="mono">{code.to_string()}</strong>" "{call.error_message().unwrap_or_default().to_string()}
                    </p>
                }.into_any(),
            }))}
            // The last call's answer is open: the outcome above may only point to it.
            {move || {
                let calls = made.get();
                let last = calls.len().saturating_sub(1);
                calls.into_iter().enumerate().map(|(i, call)| view! { <ApiCallView call=call open={i == last} /> }).collect_view()
            }}
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shardlab_core::{CreateStreamInput, Duration, PutRecordInput, Simulation, api, limits};

    fn form(title: &str) -> &'static TaskForm {
        FORMS.iter().find(|form| form.title == title).unwrap_or_else(|| panic!("no form {title:?}"))
    }

    fn fill(form: &TaskForm, texts: &[&str]) -> Vec<String> {
        assert_eq!(
            form.calls.iter().map(|c| c.fields.len()).sum::<usize>(),
            texts.len(),
            "{}: a text per field",
            form.title
        );
        texts.iter().map(|t| t.to_string()).collect()
    }

    fn send_to(sim: &mut Simulation) -> impl FnMut(&'static str, Value) -> ApiCall + '_ {
        |target, request| {
            let response = api::handle(sim, target, &request.to_string());
            ApiCall {
                target: target.to_string(),
                request,
                status: response.status,
                response: serde_json::from_str(&response.body).unwrap_or(Value::Null),
            }
        }
    }

    #[test]
    fn every_forms_fixed_members_are_json() {
        for form in FORMS {
            for call in form.calls {
                let fixed: Value = serde_json::from_str(&with_stream(call.fixed, "s")).expect(form.title);
                assert!(fixed.is_object(), "{}", form.title);
                for field in call.fields {
                    assert!(field.member.starts_with('/'), "{}: {} is a JSON pointer", form.title, field.member);
                }
            }
        }
    }

    /// Every form, filled as a learner would, in an order that works on a
    /// two-shard stream: each request is one the simulation accepts.
    #[test]
    fn every_form_sends_a_request_the_simulation_accepts() {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("s", 2)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        for n in 0..3 {
            sim.put_record(PutRecordInput::new("s", "user-1", format!("order {n}").into_bytes())).unwrap();
        }
        assert_eq!(api::handle(&mut sim, "Shardlab.S3CreateBucket", r#"{"Bucket": "lake"}"#).status, 200);
        let policy = initial_text(&form("Attach an IAM policy").calls[0].fields[1], "s")
            .replace("[]", r#"["kinesis:PutRecord"]"#);
        let filled: &[(&str, Vec<&str>)] = &[
            ("Read a shard from a position", vec!["shardId-000000000000", "TRIM_HORIZON", "", "2"]),
            ("Change the shard count", vec!["4"]),
            ("Register a fan-out consumer", vec!["dashboard"]),
            ("Subscribe a fan-out consumer to a shard", vec!["", "shardId-000000000002", "TRIM_HORIZON"]),
            ("Read what a subscription was pushed", vec!["0"]),
            ("Create a transformation function", vec!["clean", "DROP_IF_CONTAINS heartbeat\nAPPEND_NEWLINE"]),
            ("Try a transformation function", vec!["clean", "{\"page\": 1}\nheartbeat"]),
            (
                "Create a Direct PUT delivery stream to S3",
                vec!["clicks", "lake", "clicks/", "errors/", "60", "1", "GZIP", "clean"],
            ),
            ("Deliver this stream to S3 with Firehose", vec!["copy", "lake", "", "", "300", "5", "UNCOMPRESSED", ""]),
            ("Send records to a delivery stream", vec!["clicks", "{\"page\": 1}\n{\"page\": 2}"]),
            ("Start a KPL producer", vec!["", "true"]),
            ("Add a user record to a KPL producer", vec!["0", "user-1", "click"]),
            ("Flush a KPL producer", vec!["0"]),
            ("Encrypt the stream at rest", vec!["alias/aws/kinesis"]),
            ("Stop encrypting the stream", vec!["alias/aws/kinesis"]),
            ("Change the capacity mode", vec!["ON_DEMAND"]),
            ("Attach an IAM policy", vec!["arn:aws:iam::123456789012:user/producer", &policy]),
            ("Act as a principal", vec![""]),
        ];
        for form in FORMS {
            assert!(filled.iter().any(|(title, _)| *title == form.title), "{}: not tried", form.title);
        }
        for (title, texts) in filled {
            let form = form(title);
            let mut texts = fill(form, texts);
            // A picked field left empty takes the first offered, as on the page.
            if form.title.starts_with("Subscribe") {
                texts[0] = sim.fan_out_consumer_summaries("s")[0].consumer.consumer_arn.clone();
            }
            let made = run(form, "s", &texts, send_to(&mut sim)).unwrap();
            assert_eq!(made.len(), form.calls.len(), "{title}");
            for call in &made {
                assert_eq!(call.status, 200, "{title}: {} answered {}", call.target, call.response);
            }
            // Resharding, registering and encrypting take seconds to land.
            sim.advance(Duration::from_secs(40));
        }
    }

    #[test]
    fn a_read_passes_the_iterator_on_and_lists_what_it_read() {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("s", 1)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        let mut sequence_numbers = Vec::new();
        for n in 1..=4 {
            let out = sim.put_record(PutRecordInput::new("s", "k", format!("invoice {n}").into_bytes())).unwrap();
            sequence_numbers.push(out.sequence_number.to_string());
        }
        let read = form("Read a shard from a position");
        let texts = fill(read, &["shardId-000000000000", "AFTER_SEQUENCE_NUMBER", &sequence_numbers[1], ""]);
        let made = run(read, "s", &texts, send_to(&mut sim)).unwrap();
        assert_eq!(made[1].request["ShardIterator"], made[0].response["ShardIterator"]);
        assert_eq!(outcome(&made[1]), "GetRecords returned 2 records: “invoice 3”, “invoice 4”.");
    }

    #[test]
    fn outcomes_say_what_came_back() {
        let ok = |target: &str, response: Value| ApiCall {
            target: target.into(),
            request: json!({}),
            status: 200,
            response,
        };
        let data = |text: &str| json!({"Data": base64::encode(text.as_bytes())});
        let long = "x".repeat(DATA_SHOWN + 5);
        let cases = [
            (ok("Kinesis_20131202.GetRecords", json!({"Records": []})), "GetRecords returned no records.".to_string()),
            (
                ok(
                    "Shardlab.ReadSubscription",
                    json!({"SubscribeToShardEvent": {"Records": [data("a\n"), data(&long)]}}),
                ),
                format!("ReadSubscription returned 2 records: “a”, “{}…”.", "x".repeat(DATA_SHOWN)),
            ),
            (
                ok(
                    "Shardlab.TestTransformFunction",
                    json!({"records": [
                        {"recordId": "1", "result": "Dropped", "data": "eQ=="},
                        {"recordId": "2", "result": "Ok", "data": "eAo="}
                    ]}),
                ),
                r#"TestTransformFunction: record 1 Dropped, record 2 Ok “x\n”."#.to_string(),
            ),
            (ok("Shardlab.SetCaller", json!({})), "SetCaller succeeded.".to_string()),
            (ok("Shardlab.KplPut", json!({"UserRecordId": 3})), r#"KplPut answered {"UserRecordId":3}."#.to_string()),
        ];
        for (call, expected) in cases {
            assert_eq!(outcome(&call), expected);
        }
    }

    #[test]
    fn a_failed_call_ends_the_form() {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("s", 1)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        let read = form("Read a shard from a position");
        let texts = fill(read, &["shardId-000000000009", "TRIM_HORIZON", "", ""]);
        let made = run(read, "s", &texts, send_to(&mut sim)).unwrap();
        assert_eq!(made.len(), 1, "GetRecords is not sent without an iterator");
        assert_eq!(made[0].error_code(), Some("ResourceNotFoundException"));
    }

    #[test]
    fn fields_become_members() {
        let f = |input| Field { member: "/M", label: "The field", input, initial: "", placeholder: "" };
        type Case = (Input, &'static str, Result<Option<Value>, &'static str>);
        let cases: &[Case] = &[
            (Input::Number, "12", Ok(Some(json!(12)))),
            (Input::Number, "twelve", Err("The field must be a whole number.")),
            (Input::OptionalNumber, " ", Ok(None)),
            (Input::OptionalText, "", Ok(None)),
            (Input::Text, " orders ", Ok(Some(json!("orders")))),
            (Input::Flag, "false", Ok(Some(json!(false)))),
            (Input::Shard, "", Err("There is no open shard to choose yet.")),
            (Input::Bucket, "lake", Ok(Some(json!("arn:aws:s3:::lake")))),
            (Input::Data, "hi", Ok(Some(json!("aGk=")))),
            (Input::RecordLines, "a\n\nb\n", Ok(Some(json!([{"Data": "YQ=="}, {"Data": "Yg=="}])))),
            (Input::TestRecordLines, "a", Ok(Some(json!([{"recordId": "1", "data": "YQ=="}])))),
            (
                Input::Steps,
                "DROP_IF_CONTAINS heart beat\n UPPERCASE ",
                Ok(Some(json!([{"Type": "DROP_IF_CONTAINS", "Text": "heart beat"}, {"Type": "UPPERCASE"}]))),
            ),
            (Input::Processor, "", Ok(None)),
            (Input::Json, "{\"a\": 1}", Ok(Some(json!({"a": 1})))),
        ];
        for (input, text, expected) in cases {
            let got = member_value(&f(*input), text);
            assert_eq!(got, expected.clone().map_err(String::from), "{input:?} {text:?}");
        }
        assert!(member_value(&f(Input::Json), "{").unwrap_err().starts_with("The field is not JSON"));
    }

    #[test]
    fn members_are_set_at_their_pointer() {
        let mut body = json!({"A": {"Keep": 1}});
        put(&mut body, "/A/B/C", json!(2));
        put(&mut body, "/D", json!("d"));
        assert_eq!(body, json!({"A": {"Keep": 1, "B": {"C": 2}}, "D": "d"}));
    }

    #[test]
    fn a_pick_no_longer_offered_falls_back_to_the_first_offered() {
        let offers = vec![("a".to_string(), "A".to_string()), ("b".to_string(), "B".to_string())];
        assert_eq!(chosen(&offers, "b".into()), "b");
        assert_eq!(chosen(&offers, "gone".into()), "a");
        assert_eq!(chosen(&[], "gone".into()), "");
    }
}
