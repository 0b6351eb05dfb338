//! SQS queues: how many messages wait, are in flight or are delayed, and
//! how queues hand messages to their dead-letter queues.

use leptos::prelude::*;

use crate::format::percent_of;
use crate::sim_handle::{QueueView, SimHandle};

/// The attributes worth reading at a glance, in this order, with their units.
const SHOWN_ATTRIBUTES: [(&str, &str); 4] = [
    ("VisibilityTimeout", " s"),
    ("DelaySeconds", " s"),
    ("MessageRetentionPeriod", " s"),
    ("ReceiveMessageWaitTimeSeconds", " s"),
];

/// Every queue; nothing when the simulation has none.
#[component]
pub fn SqsPanel() -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let queues = Memo::new(move |_| sim.queues());
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
                        {queues.into_iter().map(|queue| view! { <QueueCard queue=queue /> }).collect_view()}
                    </div>
                </section>
            }
        })
    }
}

/// The name at the end of a queue ARN.
fn queue_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

#[component]
fn QueueCard(queue: QueueView) -> impl IntoView {
    let status = queue.status;
    let total = (status.visible + status.in_flight + status.delayed) as f64;
    let fifo = queue.attributes.get("FifoQueue").is_some_and(|v| v == "true");
    let title_id = format!("queue-{}", queue.name.replace('.', "-"));
    let segments = [("visible", status.visible), ("in-flight", status.in_flight), ("delayed", status.delayed)];
    let redrive = queue.redrive();
    let (labelled_by, data_queue) = (title_id.clone(), queue.name.clone());
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
            <dl class="inspector-rows">
                {SHOWN_ATTRIBUTES.into_iter().filter_map(|(name, unit)| {
                    let value = queue.attributes.get(name)?;
                    Some(view! { <div><dt>{name}</dt><dd class="mono">{format!("{value}{unit}")}</dd></div> })
                }).collect_view()}
                <div>
                    <dt>"Redrive policy"</dt>
                    <dd>
                        {match redrive {
                            Some((target, count)) => format!("To {} after {count} receives", queue_name(&target)),
                            None => "None".to_string(),
                        }}
                    </dd>
                </div>
                {(!queue.dead_letter_queue_for.is_empty()).then(|| view! {
                    <div><dt>"Dead-letter queue for"</dt><dd class="mono">{queue.dead_letter_queue_for.join(", ")}</dd></div>
                })}
            </dl>
        </article>
    }
}
