//! Producers at a rate: start traffic generators with a record size and a
//! key distribution, to create a hot shard and cure it, and watch what the
//! service did with their writes.

use leptos::prelude::*;
use serde_json::json;

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::format::count;
use crate::sim_handle::SimHandle;

/// Key distributions, as `Shardlab.StartGenerator` names them, with labels.
const DISTRIBUTIONS: [(&str, &str); 3] = [
    ("UNIFORM", "Uniform: every key equally often"),
    ("ZIPF", "Zipf: a few keys carry most records"),
    ("HOT_KEY", "One hot key and the rest uniform"),
];

/// The generator form and the running generators' counters.
#[component]
pub fn GeneratorPanel(stream: &'static str) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let rate = RwSignal::new(String::from("500"));
    let bytes = RwSignal::new(String::from("100"));
    let distribution = RwSignal::new(String::from("UNIFORM"));
    let distinct_keys = RwSignal::new(String::from("1000"));
    let hot_percent = RwSignal::new(String::from("90"));
    let last_call = RwSignal::new(None::<ApiCall>);
    let generators = Memo::new(move |_| sim.generators());

    let number = |text: RwSignal<String>| text.get_untracked().trim().parse::<u64>().unwrap_or(0);
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut keys = json!({"Distribution": distribution.get_untracked(), "DistinctKeys": number(distinct_keys)});
        if distribution.get_untracked() == "HOT_KEY" {
            keys["HotPercent"] = number(hot_percent).into();
        }
        let request = json!({
            "StreamName": stream,
            "RecordsPerSecond": number(rate),
            "RecordBytes": number(bytes),
            "Keys": keys,
            "Seed": generators.get_untracked().len(),
        });
        last_call.set(Some(ApiCall::send(sim, "Shardlab.StartGenerator", request)));
    };
    let title = NodeRef::<leptos::html::H2>::new();
    let stop = move |id: usize| {
        last_call.set(Some(ApiCall::send(sim, "Shardlab.StopGenerator", json!({"GeneratorId": id}))));
        // The Stop button gives way to "stopped": focus stays in the panel,
        // at its heading, rather than falling back to the page, and the
        // page does not scroll for it.
        if let Some(title) = title.get_untracked() {
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = title.focus_with_options(&options);
        }
    };

    view! {
        <section class="panel generators" aria-labelledby="generators-title">
            <header class="panel-head">
                <h2 id="generators-title" tabindex="-1" node_ref=title>"Traffic generators"</h2>
                <p class="muted">"PutRecords at a steady rate, every 100 ms of simulated time; throttled entries are counted, not retried"</p>
            </header>
            <form class="generator-form" on:submit=start>
                <label><span>"Records per second"</span>
                    <input name="rate" inputmode="numeric" prop:value=move || rate.get() on:input=move |ev| rate.set(event_target_value(&ev)) />
                </label>
                <label><span>"Bytes per record"</span>
                    <input name="bytes" inputmode="numeric" prop:value=move || bytes.get() on:input=move |ev| bytes.set(event_target_value(&ev)) />
                </label>
                <label><span>"Keys"</span>
                    <select name="distribution" aria-label="Keys" on:change=move |ev| distribution.set(event_target_value(&ev))>
                        {DISTRIBUTIONS.into_iter().map(|(value, label)| view! {
                            <option value=value selected=move || distribution.get() == value>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label><span>"Distinct keys"</span>
                    <input name="distinct-keys" inputmode="numeric" prop:value=move || distinct_keys.get() on:input=move |ev| distinct_keys.set(event_target_value(&ev)) />
                </label>
                {move || (distribution.get() == "HOT_KEY").then(|| view! {
                    <label><span>"Hot key share (%)"</span>
                        <input name="hot-percent" inputmode="numeric" prop:value=move || hot_percent.get() on:input=move |ev| hot_percent.set(event_target_value(&ev)) />
                    </label>
                })}
                <button type="submit" class="primary">"Start generator"</button>
            </form>
            {move || {
                let all = generators.get();
                (!all.is_empty()).then(|| view! {
                    <table class="generators-table" tabindex="0">
                        <caption>"Generators on this page"</caption>
                        <thead><tr>
                            // The Stop button leads its row, so that a phone shows it without scrolling the table sideways.
                            // A phone shows Rate and Keys under the generator's id instead (web/style.css).
                            <th scope="col">"Generator"</th><th scope="col" class="config">"Rate"</th><th scope="col" class="config">"Keys"</th>
                            <th scope="col">"Sent"</th><th scope="col">"Stored"</th><th scope="col">"Throttled"</th>
                            // Refused for any other reason (access denied, a KMS failure, the stream not ACTIVE):
                            // without it, sent minus stored minus throttled is unexplained.
                            <th scope="col">"Failed"</th>
                        </tr></thead>
                        <tbody>
                            {all.into_iter().enumerate().map(|(id, g)| {
                                let keys = match g.config.keys {
                                    shardlab_core::generator::KeyDistribution::Uniform { distinct_keys } => format!("{} uniform", count(distinct_keys)),
                                    shardlab_core::generator::KeyDistribution::Zipf { distinct_keys } => format!("{} Zipf", count(distinct_keys)),
                                    shardlab_core::generator::KeyDistribution::HotKey { hot_percent, distinct_keys } => format!("{hot_percent} % hot + {}", count(distinct_keys)),
                                };
                                let rate = format!("{}/s × {} B", count(g.config.records_per_second), count(g.config.record_bytes));
                                let config = format!("{rate} · {keys}");
                                let running = g.running;
                                let throttled = g.counters.throttled > 0;
                                let failed = g.counters.failed > 0;
                                view! {
                                    <tr class:stopped=!running>
                                        <td class="generator-id">
                                            <span>{id}</span>
                                            {if running {
                                                view! { <button aria-label=format!("Stop generator {id}") on:click=move |_| stop(id)>"Stop"</button> }.into_any()
                                            } else {
                                                view! { <span class="muted">"stopped"</span> }.into_any()
                                            }}
                                            <span class="generator-config">{config}</span>
                                        </td>
                                        <td class="config">{rate}</td>
                                        <td class="config">{keys}</td>
                                        <td>{count(g.counters.sent)}</td>
                                        <td>{count(g.counters.stored)}</td>
                                        <td class:bad=throttled>{count(g.counters.throttled)}</td>
                                        <td class:bad=failed>{count(g.counters.failed)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            }}
            // Below the table, not above it: a Stop's call would otherwise
            // push the table (and the next Stop button) down under the pointer.
            {move || last_call.get().map(|call| view! { <ApiCallView call=call /> })}
        </section>
    }
}
