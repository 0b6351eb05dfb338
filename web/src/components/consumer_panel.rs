//! The consumer: a polling application reading every shard from a chosen
//! starting position; paused, it says until when, and an iterator that
//! expired meanwhile shows with where the consumer resumed.

use leptos::prelude::*;
use serde_json::json;
use shardlab_core::{ConsumerSummary, IteratorExpiry, POLL_INTERVAL, ShardIteratorType, StartingPosition};

use crate::cli;
use crate::components::api_call::{ApiCall, ApiCallView};

use crate::format::{clock, sequence_tail};
use crate::permissions::Permissions;
use crate::sim_handle::SimHandle;

/// The iterator types that need no starting sequence number or timestamp.
const OFFERED_TYPES: [ShardIteratorType; 2] = [ShardIteratorType::TrimHorizon, ShardIteratorType::Latest];

/// One `get-shard-iterator` per shard, then the `get-records` loop.
fn consumer_commands(stream: &str, consumer: &ConsumerSummary) -> String {
    let mut lines: Vec<String> = consumer
        .shards
        .iter()
        .filter_map(|cursor| {
            let request = json!({
                "StreamName": stream,
                "ShardId": cursor.shard.to_string(),
                "ShardIteratorType": consumer.iterator_type.as_str(),
            });
            cli::command("Kinesis_20131202.GetShardIterator", &request)
        })
        .collect();
    lines.push(format!(
        "# then, every {} s per shard, with the iterator the last call returned:",
        POLL_INTERVAL.as_millis() / 1000
    ));
    // Written by hand: the shell must expand the variable, so it is not quoted as a value.
    lines.push(r#"aws kinesis get-records --shard-iterator "$ITERATOR""#.to_string());
    lines.join("\n")
}

/// A starting position as a reader says it: `AFTER_SEQUENCE_NUMBER …000042`.
fn position_text(position: &StartingPosition) -> String {
    let kind = position.iterator_type().as_str();
    match position {
        StartingPosition::AtSequenceNumber(seq) | StartingPosition::AfterSequenceNumber(seq) => {
            format!("{kind} {}", sequence_tail(seq, 6))
        }
        StartingPosition::AtTimestamp(at) => format!("{kind} {}", clock(*at)),
        StartingPosition::TrimHorizon | StartingPosition::Latest => kind.to_string(),
    }
}

/// The expired iterator a shard's reader met, and where it resumed.
fn expiry_text(expiry: &IteratorExpiry) -> String {
    format!(
        "ExpiredIteratorException at {}; resumed with a new iterator: {}",
        clock(expiry.at),
        position_text(&expiry.resume_from)
    )
}

/// How many received records each shard lists: the newest, so that a
/// consumer reading thousands a second keeps the page light.
const SHOWN_RECORDS: usize = 8;

/// Start a polling consumer on `stream` and watch what it receives per shard.
#[component]
pub fn ConsumerPanel(stream: &'static str) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let iterator_type = RwSignal::new(ShardIteratorType::TrimHorizon);
    let error = RwSignal::new(None::<String>);
    let consumer = Memo::new(move |_| sim.consumers(SHOWN_RECORDS).into_iter().next());
    let all_consumers = Memo::new(move |_| sim.consumers(0));

    let start = move |_| match sim.restart_consumer(stream, iterator_type.get_untracked()) {
        Ok(()) => error.set(None),
        Err(err) => error.set(Some(err)),
    };
    let last_call = RwSignal::new(None::<ApiCall>);
    let start_another = move |_| {
        let request = json!({"StreamName": stream, "ShardIteratorType": iterator_type.get_untracked().as_str()});
        last_call.set(Some(ApiCall::send(sim, "Shardlab.StartPollingConsumer", request)));
    };
    // A consumer nobody needs is stopped from its row, as a learner would
    // stop a forgotten application, rather than through the API console.
    let permissions = expect_context::<Permissions>();
    let can_stop = permissions.allows("Shardlab.StopConsumer");
    // A lesson may start its consumers itself and not let the learner start
    // more: the panel then shows them without the controls.
    let can_start = permissions.allows("start_polling_consumer");
    let stop = move |id: u32| {
        last_call.set(Some(ApiCall::send(sim, "Shardlab.StopConsumer", json!({"ConsumerId": id}))));
    };
    let poll_now = move |_| {
        if let Some(c) = consumer.get_untracked() {
            sim.poll_consumer(c.id);
        }
    };

    view! {
        <section class="panel consumer" aria-labelledby="consumer-title">
            <header class="panel-head">
                <h2 id="consumer-title">"Consumer"</h2>
                <p class="muted">
                    {format!("GetRecords on every shard each {} s of simulated time", POLL_INTERVAL.as_millis() / 1000)}
                </p>
            </header>
            {can_start.then(|| view! { <div class="consumer-controls">
                <fieldset class="segmented">
                    <legend>"ShardIteratorType of the consumer you start"</legend>
                    {OFFERED_TYPES
                        .into_iter()
                        .map(|t| view! {
                            <label class:selected=move || iterator_type.get() == t>
                                <input
                                    type="radio"
                                    name="iterator-type"
                                    value=t.as_str()
                                    prop:checked=move || iterator_type.get() == t
                                    on:change=move |_| iterator_type.set(t)
                                />
                                <span class="mono">{t.as_str()}</span>
                            </label>
                        })
                        .collect_view()}
                </fieldset>
                <button class="primary" on:click=start>
                    {move || if consumer.get().is_some() { "Restart consumer" } else { "Start consumer" }}
                </button>
                <button on:click=poll_now disabled=move || consumer.get().is_none()>"Poll now"</button>
                // A second application on the same stream, each with its own position.
                {move || consumer.get().is_some().then(|| view! {
                    <button on:click=start_another>"Start another consumer"</button>
                })}
            </div> })}
            {move || last_call.get().map(|call| view! { <ApiCallView call=call /> })}
            {move || error.get().map(|e| view! { <p class="result error" role="alert">{e}</p> })}
            {move || {
                let consumers = all_consumers.get();
                (consumers.len() > 1).then(|| view! {
                    <table class="consumers-table" tabindex="0">
                        <caption>"Every polling consumer"</caption>
                        <thead><tr><th scope="col">"Consumer"</th><th scope="col">"Started at"</th><th scope="col">"Records read"</th><th scope="col">"Most behind (ms)"</th><th scope="col">"State"</th></tr></thead>
                        <tbody>
                            {consumers.into_iter().map(|c| {
                                let read: u64 = c.shards.iter().map(|s| s.records_read).fold(0, u64::saturating_add);
                                let behind = c.shards.iter().map(|s| s.millis_behind_latest).max().unwrap_or(0);
                                let state = c.paused_until.map_or_else(|| "polling".to_string(), |until| format!("paused until {}", clock(until)));
                                let id = c.id.0;
                                view! { <tr>
                                    // The Stop button leads its row, so that a phone shows it without scrolling the table sideways.
                                    <td class="consumer-id">
                                        <span>{id}</span>
                                        {can_stop.then(|| view! {
                                            <button aria-label=format!("Stop consumer {id}") on:click=move |_| stop(id)>"Stop"</button>
                                        })}
                                    </td>
                                    <td class="mono">{c.iterator_type.as_str()}</td><td>{read}</td><td>{behind}</td><td>{state}</td>
                                </tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            }}
            {move || match consumer.get() {
                None => view! {
                    <p class="empty">"No consumer yet. Choose where its iterators start, then start it."</p>
                }.into_any(),
                Some(c) => view! {
                    <p class="muted">
                        {format!("Reading from {} · ", c.iterator_type)}
                        {move || format!("clock {}", clock(sim.now()))}
                    </p>
                    {c.paused_until.map(|until| view! {
                        <p class="result" role="status">
                            {format!("Paused until {}: it makes no calls, and its iterators keep ageing", clock(until))}
                        </p>
                    })}
                    <details class="api-call">
                        <summary>"The calls this consumer makes, as AWS CLI commands"</summary>
                        <div class="api-call-body">
                            <pre class="cli mono">{consumer_commands(stream, &c)}</pre>
                        </div>
                    </details>
                    <div class="consumer-shards">
                        {c.shards.into_iter().map(|cursor| view! {
                            <div class="consumer-shard" data-shard=cursor.shard.to_string()>
                                <h3 class="mono">{cursor.shard.to_string()}</h3>
                                <p class="muted small">{format!("MillisBehindLatest {}", cursor.millis_behind_latest)}</p>
                                {cursor.last_error.map(|e| view! { <p class="result error small">{e}</p> })}
                                {cursor.expired.map(|expiry| view! {
                                    <p class="result error small" title=expiry.message.clone()>{expiry_text(&expiry)}</p>
                                })}
                                {(cursor.records_read > SHOWN_RECORDS as u64).then(|| view! {
                                    <p class="muted small">{format!("Showing the newest {SHOWN_RECORDS} of {} records read", cursor.records_read)}</p>
                                })}
                                <ol class="received">
                                    {cursor.newest.iter().map(|r| {
                                        let seq = r.sequence_number().to_string();
                                        view! {
                                            <li title=format!("SequenceNumber {seq}")>
                                                <span class="mono seq">{sequence_tail(&seq, 6)}</span>
                                                <span class="key">{r.partition_key().to_string()}</span>
                                                <span class="data mono">{String::from_utf8_lossy(r.data()).into_owned()}</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                            </div>
                        }).collect_view()}
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shardlab_core::{Duration, Instant};

    #[test]
    fn an_expiry_says_when_it_happened_and_where_the_consumer_resumed() {
        let at = Instant::SIMULATION_START + Duration::from_secs(366);
        let cases = [
            (
                StartingPosition::AfterSequenceNumber(
                    "49000000000000000000000000000000000000000000000000000042".into(),
                ),
                "AFTER_SEQUENCE_NUMBER …000042",
            ),
            (StartingPosition::TrimHorizon, "TRIM_HORIZON"),
            (
                StartingPosition::AtTimestamp(Instant::SIMULATION_START + Duration::from_secs(5)),
                "AT_TIMESTAMP 00:00:05.000",
            ),
        ];
        for (resume_from, resumed) in cases {
            let expiry = IteratorExpiry { at, message: "Iterator expired.".into(), resume_from };
            assert_eq!(
                expiry_text(&expiry),
                format!("ExpiredIteratorException at 00:06:06.000; resumed with a new iterator: {resumed}")
            );
        }
    }
}
