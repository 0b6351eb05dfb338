//! SQS queues: how many messages wait, are in flight or are delayed, and
//! how queues hand messages to their dead-letter queues; where the page
//! allows it, a worker's controls: receive messages, then delete each one.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde_json::{Value, json};

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::format::percent_of;
use crate::permissions::Permissions;
use crate::sim_handle::{QueueView, SimHandle};

/// The attributes worth reading at a glance, in this order, with their units.
const SHOWN_ATTRIBUTES: [(&str, &str); 4] = [
    ("VisibilityTimeout", " s"),
    ("DelaySeconds", " s"),
    ("MessageRetentionPeriod", " s"),
    ("ReceiveMessageWaitTimeSeconds", " s"),
];

/// A message the learner received from the panel, held as a worker holds
/// it: with the receipt handle that `DeleteMessage` needs.
#[derive(Clone, Debug, PartialEq)]
struct Received {
    body: String,
    receipt_handle: String,
}

/// The worker's controls, shared by every card. They live in the panel,
/// not in a card, because the cards are drawn anew whenever a queue changes.
#[derive(Clone, Copy)]
struct Worker {
    sim: SimHandle,
    /// What `ReceiveMessage` handed out and is not yet deleted, by queue URL.
    received: RwSignal<BTreeMap<String, Vec<Received>>>,
    /// `MaxNumberOfMessages` as typed.
    max_messages: RwSignal<String>,
    last_call: RwSignal<Option<ApiCall>>,
    can_delete: bool,
}

impl Worker {
    fn receive(self, url: &str) {
        // Out-of-range counts go to SQS as typed, so that its own error explains them.
        let max: Value = self.max_messages.get_untracked().trim().parse::<i64>().map_or(Value::Null, Value::from);
        let mut request = json!({"QueueUrl": url});
        if !max.is_null() {
            request["MaxNumberOfMessages"] = max;
        }
        let call = ApiCall::send(self.sim, "AmazonSQS.ReceiveMessage", request);
        if call.status == 200 {
            let messages = call.response.get("Messages").and_then(Value::as_array).cloned().unwrap_or_default();
            let text = |m: &Value, key: &str| m.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
            self.received.update(|all| {
                all.entry(url.to_string()).or_default().extend(
                    messages
                        .iter()
                        .map(|m| Received { body: text(m, "Body"), receipt_handle: text(m, "ReceiptHandle") }),
                );
            });
        }
        self.last_call.set(Some(call));
    }

    fn delete(self, url: &str, receipt_handle: &str) {
        let request = json!({"QueueUrl": url, "ReceiptHandle": receipt_handle});
        let call = ApiCall::send(self.sim, "AmazonSQS.DeleteMessage", request);
        // A refused delete (an undone receive, say) stays listed with its error below.
        if call.status == 200 {
            self.received.update(|all| {
                if let Some(list) = all.get_mut(url) {
                    list.retain(|r| r.receipt_handle != receipt_handle);
                }
            });
        }
        self.last_call.set(Some(call));
    }
}

/// Every queue; nothing when the simulation has none.
#[component]
pub fn SqsPanel() -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let permissions = expect_context::<Permissions>();
    let queues = Memo::new(move |_| sim.queues());
    let worker = permissions.allows("AmazonSQS.ReceiveMessage").then(|| Worker {
        sim,
        received: RwSignal::new(BTreeMap::new()),
        max_messages: RwSignal::new(String::from("1")),
        last_call: RwSignal::new(None),
        can_delete: permissions.allows("AmazonSQS.DeleteMessage"),
    });
    move || {
        let queues = queues.get();
        (!queues.is_empty()).then(|| {
            view! {
                <section class="panel sqs" aria-labelledby="sqs-title">
                    <header class="panel-head">
                        <h2 id="sqs-title">"SQS queues"</h2>
                        <p class="muted">"A received message is in flight, hidden from others, until it is deleted or its visibility timeout ends"</p>
                    </header>
                    <div class="service-cards">
                        {queues.into_iter().map(|queue| view! { <QueueCard queue=queue worker=worker /> }).collect_view()}
                    </div>
                    {worker.map(|w| move || w.last_call.get().map(|call| view! { <ApiCallView call=call /> }))}
                </section>
            }
        })
    }
}

#[component]
fn QueueCard(queue: QueueView, worker: Option<Worker>) -> impl IntoView {
    let status = queue.status;
    let total = (status.visible + status.in_flight + status.delayed) as f64;
    let fifo = queue.attributes.get("FifoQueue").is_some_and(|v| v == "true");
    let title_id = format!("queue-{}", queue.name.replace('.', "-"));
    let segments = [("visible", status.visible), ("in-flight", status.in_flight), ("delayed", status.delayed)];
    let (labelled_by, data_queue) = (title_id.clone(), queue.name.clone());
    let url = queue.url.clone();
    view! {
        <article class="service-card queue" aria-labelledby=labelled_by data-queue=data_queue>
            <h3 id=title_id>
                <span class="mono">{queue.name.clone()}</span>
                {fifo.then(|| view! { " " <span class="badge">"FIFO"</span> })}
            </h3>
            <p class="muted small mono url">{queue.url.clone()}</p>
            <span class="stack-bar" aria-hidden="true">
                {segments.into_iter().map(|(kind, n)| view! {
                    <span class=format!("stack {kind}") style:width=format!("{:.1}%", percent_of(n as f64, total))></span>
                }).collect_view()}
            </span>
            <dl class="figures counts">
                <div><dt><span class="key-swatch visible" aria-hidden="true"></span>"Visible"</dt><dd class="visible-count">{status.visible}</dd></div>
                <div><dt><span class="key-swatch in-flight" aria-hidden="true"></span>"In flight"</dt><dd class="in-flight-count">{status.in_flight}</dd></div>
                <div><dt><span class="key-swatch delayed" aria-hidden="true"></span>"Delayed"</dt><dd class="delayed-count">{status.delayed}</dd></div>
            </dl>
            {worker.map(|w| view! { <WorkerControls worker=w url=url /> })}
            <dl class="inspector-rows">
                {SHOWN_ATTRIBUTES.into_iter().filter_map(|(name, unit)| {
                    let value = queue.attributes.get(name)?;
                    Some(view! { <div><dt>{name}</dt><dd class="mono">{format!("{value}{unit}")}</dd></div> })
                }).collect_view()}
                <div>
                    <dt>"Redrive policy"</dt>
                    <dd>
                        {match &queue.dead_letters.target {
                            Some(t) => format!("To {} after {} receives", t.queue, t.max_receive_count),
                            None => "None".to_string(),
                        }}
                    </dd>
                </div>
                {(!queue.dead_letters.sources.is_empty()).then(|| view! {
                    <div><dt>"Dead-letter queue for"</dt><dd class="mono">{queue.dead_letters.sources.join(", ")}</dd></div>
                })}
            </dl>
        </article>
    }
}

/// Receive, as one worker would, and delete each message received.
#[component]
fn WorkerControls(worker: Worker, url: String) -> impl IntoView {
    let receive_url = url.clone();
    let receive = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        worker.receive(&receive_url);
    };
    let held = {
        let url = url.clone();
        move || worker.received.with(|all| all.get(&url).cloned().unwrap_or_default())
    };
    view! {
        <form class="queue-worker" on:submit=receive>
            <label>
                <span>"MaxNumberOfMessages"</span>
                <input
                    name="max-messages"
                    inputmode="numeric"
                    prop:value=move || worker.max_messages.get()
                    on:input=move |ev| worker.max_messages.set(event_target_value(&ev))
                />
            </label>
            <button type="submit" class="primary">"ReceiveMessage"</button>
        </form>
        {move || {
            let held = held();
            (!held.is_empty()).then(|| {
                let url = url.clone();
                view! {
                    <ul class="received" aria-label="Received here, not yet deleted">
                        {held.into_iter().map(|message| {
                            let (url, handle) = (url.clone(), message.receipt_handle.clone());
                            view! {
                                <li>
                                    <span class="mono">{message.body.clone()}</span>
                                    {worker.can_delete.then(|| view! {
                                        <button
                                            aria-label=format!("DeleteMessage {}", message.body)
                                            on:click=move |_| worker.delete(&url, &handle)
                                        >"DeleteMessage"</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })
        }}
    }
}
