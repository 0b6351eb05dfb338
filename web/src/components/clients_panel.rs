//! The stream's other clients: enhanced fan-out consumers (registered, with
//! their status, and each subscription's position and lag per shard) and KPL
//! producers (what they buffered, aggregated and sent). Shown only once there
//! is one.

use leptos::prelude::*;
use shardlab_core::{ConsumerStatus, FanOutConsumerSummary};

use crate::format::{clock, count, sequence_tail};
use crate::sim_handle::SimHandle;

/// One fan-out consumer's subscriptions: where each stands in its shard
/// (the continuation sequence number) and how far behind it is.
fn subscription_table(summary: FanOutConsumerSummary) -> impl IntoView {
    let name = summary.consumer.consumer_name;
    view! {
        <table class="clients-table" tabindex="0">
            <caption>{format!("{name}: position in each shard")}</caption>
            <thead><tr>
                <th scope="col">"Shard"</th><th scope="col">"Position"</th>
                <th scope="col">"MillisBehindLatest"</th><th scope="col">"Subscription"</th>
            </tr></thead>
            <tbody>
                {summary.shards.into_iter().map(|position| {
                    let (tail, full) = match position.continuation_sequence_number {
                        Some(seq) => {
                            let seq = seq.to_string();
                            (sequence_tail(&seq, 6), format!("ContinuationSequenceNumber {seq}"))
                        }
                        None => ("start".to_string(), "Before the shard's first record".to_string()),
                    };
                    let state = if position.ended { "ended: renew to read on" } else { "open" };
                    view! {
                        <tr>
                            <th scope="row" class="mono">{position.shard.to_string()}</th>
                            <td class="mono" title=full>{tail}</td>
                            <td>{position.millis_behind_latest}</td>
                            <td>{state}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Enhanced fan-out consumers of `stream` and every KPL producer.
#[component]
pub fn ClientsPanel(stream: &'static str) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let consumers = Memo::new(move |_| sim.fan_out_consumers(stream));
    let producers = Memo::new(move |_| sim.kpl_producers());
    move || {
        let (consumers, producers) = (consumers.get(), producers.get());
        (!consumers.is_empty() || !producers.is_empty()).then(|| view! {
            <section class="panel clients" aria-labelledby="clients-title">
                <header class="panel-head">
                    <h2 id="clients-title">"Fan-out consumers and KPL producers"</h2>
                    <p class="muted">"Each fan-out consumer gets its own 2 MiB/s per shard; the KPL packs user records into fewer Kinesis records"</p>
                </header>
                {(!consumers.is_empty()).then(|| view! {
                    <table class="clients-table" tabindex="0">
                        <caption>"Enhanced fan-out consumers"</caption>
                        <thead><tr><th scope="col">"ConsumerName"</th><th scope="col">"ConsumerStatus"</th><th scope="col">"Registered at"</th></tr></thead>
                        <tbody>
                            {consumers.iter().map(|summary| {
                                let c = &summary.consumer;
                                let status = match c.consumer_status {
                                    ConsumerStatus::Creating => "CREATING",
                                    ConsumerStatus::Active => "ACTIVE",
                                    ConsumerStatus::Deleting => "DELETING",
                                };
                                view! {
                                    <tr>
                                        <td class="mono">{c.consumer_name.clone()}</td>
                                        <td>{status}</td>
                                        <td class="mono">{clock(c.consumer_creation_timestamp)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
                {consumers.into_iter().filter(|c| !c.shards.is_empty()).map(subscription_table).collect_view()}
                {(!producers.is_empty()).then(|| view! {
                    <table class="clients-table" tabindex="0">
                        <caption>"KPL producers"</caption>
                        <thead><tr>
                            <th scope="col">"#"</th><th scope="col">"Buffered"</th><th scope="col">"In flight"</th>
                            <th scope="col">"User records put"</th><th scope="col">"Succeeded"</th>
                            <th scope="col">"Kinesis records sent"</th><th scope="col">"PutRecords calls"</th><th scope="col">"Retries"</th>
                        </tr></thead>
                        <tbody>
                            {producers.into_iter().map(|p| view! {
                                <tr>
                                    <td>{p.id}</td><td>{p.buffered}</td><td>{p.in_flight}</td>
                                    <td>{count(p.counters.n_user_records_put)}</td><td>{count(p.counters.n_user_records_succeeded)}</td>
                                    <td>{count(p.counters.n_kinesis_records_sent)}</td><td>{count(p.counters.n_put_records_calls)}</td>
                                    <td>{count(p.counters.n_retries)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
            </section>
        })
    }
}
