//! The API console: send any Kinesis JSON request to the simulation and see
//! the response and the equivalent `aws kinesis` command.

use leptos::prelude::*;
use serde_json::{Value, json};

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::sim_handle::SimHandle;

/// Requests a learner can start from, each a valid call on `stream`.
fn templates(stream: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("PutRecord", json!({"StreamName": stream, "PartitionKey": "user-42", "Data": "eyJvcmRlciI6IDF9"})),
        (
            "PutRecords",
            json!({"StreamName": stream, "Records": [
                {"PartitionKey": "user-1", "Data": "b3JkZXIgMQ=="},
                {"PartitionKey": "user-2", "Data": "b3JkZXIgMg=="}
            ]}),
        ),
        (
            "GetShardIterator",
            json!({"StreamName": stream, "ShardId": "shardId-000000000001", "ShardIteratorType": "TRIM_HORIZON"}),
        ),
        ("GetRecords", json!({"ShardIterator": "paste the ShardIterator from GetShardIterator", "Limit": 10})),
        ("ListShards", json!({"StreamName": stream})),
        ("DescribeStreamSummary", json!({"StreamName": stream})),
        (
            "SplitShard",
            json!({"StreamName": stream, "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "42535295865117307932921825928971026432"}),
        ),
        (
            "MergeShards",
            json!({"StreamName": stream, "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000001"}),
        ),
        ("UpdateShardCount", json!({"StreamName": stream, "TargetShardCount": 8, "ScalingType": "UNIFORM_SCALING"})),
        ("IncreaseStreamRetentionPeriod", json!({"StreamName": stream, "RetentionPeriodHours": 48})),
        ("DescribeLimits", json!({})),
    ]
}

/// The console panel for `stream`.
#[component]
pub fn ApiConsole(stream: &'static str) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let templates = templates(stream);
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
                if let (Some(it), "GetRecords") = (last_iterator.get_untracked(), name.as_str()) {
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
        parse_error.set(None);
        let call = ApiCall::send(sim, &format!("Kinesis_20131202.{}", operation.get_untracked()), request);
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
                <p class="muted">"Any Kinesis request, as the SDKs send it, with its AWS CLI equivalent"</p>
            </header>
            <form class="console-form" on:submit=send>
                <label>
                    <span>"Operation"</span>
                    <select name="operation" on:change=move |ev| choose(event_target_value(&ev))>
                        {templates.iter().map(|&(name, _)| view! {
                            <option value=name selected=move || operation.get() == name>{name}</option>
                        }).collect_view()}
                    </select>
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
