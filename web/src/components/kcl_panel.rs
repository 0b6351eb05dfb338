//! KCL applications: the lease table (who owns which shard, and where its
//! checkpoint is), the workers, and fault buttons to kill, pause or add a
//! worker and watch the leases move.

use leptos::prelude::*;
use serde_json::json;
use shardlab_core::Duration;
use shardlab_core::clients::ApplicationId;
use shardlab_core::kcl::{TakerJudgement, WorkerStatus};

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::format::{count, duration};
use crate::sim_handle::SimHandle;

/// Every KCL application the simulation runs; nothing when there is none.
#[component]
pub fn KclPanel() -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let apps = Signal::derive(move || sim.kcl_applications());
    let last_call = RwSignal::new(None::<ApiCall>);
    let send = move |target: &'static str, body: serde_json::Value| {
        last_call.set(Some(ApiCall::send(sim, target, body)));
    };
    move || {
        let apps = apps.get();
        (!apps.is_empty()).then(|| view! {
            <section class="panel kcl" aria-labelledby="kcl-title">
                <header class="panel-head">
                    <h2 id="kcl-title">"KCL applications"</h2>
                    <p class="muted">"The lease table is where a KCL application keeps who reads which shard, and how far"</p>
                </header>
                {apps.into_iter().map(|(id, app)| {
                    let counters = app.counters();
                    let config = app.config().clone();
                    view! {
                        <div class="kcl-app">
                            <h3>{format!("{} on {}", config.application_name, config.stream_name)}</h3>
                            <p class="muted small">{format!(
                                "Processed {} · redelivered {} · checkpoints {} · throttled reads {}",
                                count(counters.n_processed), count(counters.n_redelivered), count(counters.n_checkpoints), count(counters.n_throttled)
                            )}</p>
                            <table class="leases-table" tabindex="0">
                                <caption>"Lease table"</caption>
                                <thead><tr>
                                    <th scope="col">"leaseKey"</th><th scope="col">"leaseOwner"</th>
                                    <th scope="col">"leaseCounter"</th><th scope="col">"counter last rose"</th>
                                    <th scope="col">"checkpoint"</th>
                                </tr></thead>
                                <tbody>
                                    {app.leases().into_iter().map(|lease| {
                                        let ageing = sim.with(|s| s.kcl_lease_ageing(ApplicationId(id), lease.lease_key));
                                        let since_renewal = ageing.map_or(Duration::ZERO, |a| a.since_renewal);
                                        let taker_words = ageing.and_then(|a| a.taker).map(taker_words);
                                        view! {
                                            <tr>
                                                <td class="mono">{lease.lease_key.to_string()}</td>
                                                <td>{lease.lease_owner.map_or_else(|| "(none)".to_string(), |w| w.to_string())}</td>
                                                <td>{lease.lease_counter}</td>
                                                <td>
                                                    {format!("{} ago", duration(since_renewal))}
                                                    {taker_words.map(|words| view! { <span class="lease-ageing muted small">{words}</span> })}
                                                </td>
                                                {
                                                    let checkpoint = lease.checkpoint.to_string();
                                                    // A position's name (TRIM_HORIZON) is one word, kept whole; a sequence number may break.
                                                    let position = !checkpoint.starts_with(|c: char| c.is_ascii_digit());
                                                    view! { <td class="mono checkpoint" class:position=position>{checkpoint}</td> }
                                                }
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <p class="muted small">{format!(
                                "A worker renews each lease it holds every {} by raising its counter. Another worker's lease taker cannot see when a lease was renewed, only its counter at each run: it judges a lease expired once it has seen the counter unchanged for more than {} (failoverTimeMillis), so a crashed worker's leases move {} to {} after its last renewal. \
                                 A checkpoint is the sequence number of the last record processed, then /N: the user record within a KPL aggregated record (0 when records are not aggregated), \
                                 or TRIM_HORIZON, LATEST or SHARD_END.",
                                duration(config.renewal_interval()),
                                duration(config.failover_time),
                                duration(config.takeover_window().earliest),
                                duration(config.takeover_window().latest),
                            )}</p>
                            <ul class="workers">
                                {app.workers().into_iter().map(|worker| {
                                    let worker_id = worker.id.0;
                                    let (status, alive) = match worker.status {
                                        WorkerStatus::Running => ("running".to_string(), true),
                                        WorkerStatus::Paused { .. } => ("paused".to_string(), true),
                                        WorkerStatus::Killed => ("killed".to_string(), false),
                                        WorkerStatus::Stopped => ("stopped".to_string(), false),
                                    };
                                    let body = json!({"ApplicationId": id, "WorkerId": worker_id});
                                    let pause_body = json!({"ApplicationId": id, "WorkerId": worker_id, "Millis": 20000});
                                    let row_id = format!("kcl-{id}-worker-{worker_id}");
                                    let kill = {
                                        let row_id = row_id.clone();
                                        move |_: leptos::ev::MouseEvent| {
                                            // Kill removes its own button: focus moves to the
                                            // worker's row first, so that it never falls to the
                                            // page's top, and again once the panel is redrawn,
                                            // which may draw the row anew (type-erased views,
                                            // `.cargo/config.toml`). The other buttons keep focus
                                            // as they are (pinned by the browser test
                                            // `kcl_buttons_keep_keyboard_focus_through_a_press_and_a_tick`).
                                            focus_by_id(&row_id);
                                            send("Shardlab.KclKillWorker", body.clone());
                                            let row_id = row_id.clone();
                                            leptos::task::spawn_local(async move { focus_by_id(&row_id) });
                                        }
                                    };
                                    view! {
                                        <li id=row_id tabindex="-1">
                                            <span class="mono">{worker.id.to_string()}</span>
                                            <span class="muted">{status}</span>
                                            {alive.then(|| view! {
                                                <button on:click=kill>"Kill"</button>
                                                <button on:click=move |_| send("Shardlab.KclPauseWorker", pause_body.clone()) title="Freeze this worker for 20 s, as a long garbage-collection pause would: it stops renewing its leases">"Freeze 20 s"</button>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <button on:click=move |_| send("Shardlab.KclStartWorker", json!({"ApplicationId": id}))>"Add a worker"</button>
                        </div>
                    }
                }).collect_view()}
                {move || last_call.get().map(|call| view! { <ApiCallView call=call /> })}
            </section>
        })
    }
}

/// How the other workers' lease takers judge a lease, in words.
fn taker_words(judgement: TakerJudgement) -> String {
    match judgement {
        TakerJudgement::NotSeen => "no other worker's taker has seen this counter yet".to_string(),
        TakerJudgement::Unexpired { seen_for, failover_time } => {
            format!(
                "a taker has seen it unchanged for {}; expired after {}",
                duration(seen_for),
                duration(failover_time)
            )
        }
        TakerJudgement::Expired => "expired for a taker: taken at its next run".to_string(),
    }
}

/// Focuses the element with `id`, if it is there.
fn focus_by_id(id: &str) {
    let element = document().get_element_by_id(id);
    if let Some(element) = element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
        let _ = element.focus();
    }
}
