//! One Kinesis API call as a learner should see it: the request, the
//! response and the `aws kinesis` command that would send the same request.

use leptos::prelude::*;
use serde_json::Value;
use shardlab_core::api;

use crate::cli;
use crate::sim_handle::SimHandle;

/// A request sent and the answer it got.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiCall {
    /// `X-Amz-Target`, e.g. `Kinesis_20131202.PutRecord`.
    pub target: String,
    /// The request body.
    pub request: Value,
    /// The HTTP status.
    pub status: u16,
    /// The response body; `Null` when it was empty.
    pub response: Value,
}

impl ApiCall {
    /// Sends `request` to `target` through the simulation's JSON API.
    pub fn send(sim: SimHandle, target: &str, request: Value) -> ApiCall {
        let response = sim.api(target, &request.to_string());
        ApiCall::answered(target, request, response)
    }

    /// `request` to `target`, and the simulation's `response` to it.
    pub fn answered(target: &str, request: Value, response: api::Response) -> ApiCall {
        ApiCall {
            target: target.to_string(),
            request,
            status: response.status,
            response: serde_json::from_str(&response.body).unwrap_or(Value::Null),
        }
    }

    /// The operation name, e.g. `PutRecord`.
    pub fn operation(&self) -> &str {
        self.target.rsplit('.').next().unwrap_or(&self.target)
    }

    /// `__type` of an error response.
    pub fn error_code(&self) -> Option<&str> {
        (self.status != 200).then(|| self.response.get("__type").and_then(Value::as_str).unwrap_or("Error"))
    }

    /// The error message, under `message` or (for `SerializationException`) `Message`.
    pub fn error_message(&self) -> Option<&str> {
        self.response.get("message").or_else(|| self.response.get("Message")).and_then(Value::as_str)
    }
}

/// What the AWS CLI line says for a target it has no command for.
fn no_command(target: &str) -> &'static str {
    if target.starts_with("Shardlab.") {
        "(a Shardlab simulation control; the AWS CLI has no equivalent)"
    } else {
        "(no such operation: the AWS CLI has no command for it)"
    }
}

fn pretty(value: &Value) -> String {
    if value.is_null() { "(empty body)".into() } else { serde_json::to_string_pretty(value).unwrap_or_default() }
}

/// The request, response and CLI command of `call`.
#[component]
pub fn ApiCallView(call: ApiCall, #[prop(optional)] open: bool) -> impl IntoView {
    let command = cli::command(&call.target, &call.request);
    let status_class = if call.status == 200 { "status ok" } else { "status error" };
    view! {
        <details class="api-call" open=open>
            <summary>
                <span class=status_class>{call.status}</span>
                " "<span class="mono">{call.operation().to_string()}</span>
                {call.error_code().map(|code| view! { " "<span class="mono error-code">{code.to_string()}</span> })}
            </summary>
            <div class="api-call-body">
                <p class="label">"AWS CLI"</p>
                <pre class="cli mono">{command.unwrap_or_else(|| no_command(&call.target).into())}</pre>
                <p class="label">"Request " <span class="mono as-typed">{format!("X-Amz-Target: {}", call.target)}</span></p>
                <pre class="mono">{pretty(&call.request)}</pre>
                <p class="label">{format!("Response · HTTP {}", call.status)}</p>
                <pre class="mono">{pretty(&call.response)}</pre>
            </div>
        </details>
    }
}
