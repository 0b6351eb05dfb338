//! Lambda event-source mappings: each mapping's settings, where it is in
//! each shard, how far behind it runs, and its invocation log.

use leptos::prelude::*;
use shardlab_core::lambda::{Handling, Invocation, InvocationOutcome, MappingStatus, ShardStatus};

use crate::components::virtual_rows::{Scroll, VirtualTable, WINDOW_ROWS};
use crate::format::{duration, sequence_tail};
use crate::sim_handle::SimHandle;

/// Digits of a sequence number shown in the log; the whole one is in a title.
const SEQUENCE_DIGITS: usize = 6;

/// The name at the end of an ARN (`…:function:NAME`, `…:stream/NAME`).
fn arn_name(arn: &str) -> &str {
    arn.rsplit([':', '/']).next().unwrap_or(arn)
}

/// A count setting where -1 means no limit.
fn unlimited_or(value: i32, unit: &str) -> String {
    if value < 0 { format!("{value} (no limit)") } else { format!("{value}{unit}") }
}

fn yes_no(value: bool) -> &'static str {
    if value { "Yes" } else { "No" }
}

/// The settings as `CreateEventSourceMapping` names them, with their values.
fn settings(m: &MappingStatus) -> Vec<(&'static str, String)> {
    let c = &m.config;
    vec![
        ("StartingPosition", m.starting_position.as_str().to_string()),
        ("BatchSize", c.batch_size.to_string()),
        ("MaximumBatchingWindowInSeconds", format!("{} s", c.maximum_batching_window_in_seconds)),
        ("ParallelizationFactor", c.parallelization_factor.to_string()),
        ("BisectBatchOnFunctionError", yes_no(c.bisect_batch_on_function_error).to_string()),
        ("MaximumRetryAttempts", unlimited_or(c.maximum_retry_attempts, "")),
        ("MaximumRecordAgeInSeconds", unlimited_or(c.maximum_record_age_in_seconds, " s")),
        ("ReportBatchItemFailures", yes_no(c.report_batch_item_failures).to_string()),
        ("OnFailure destination", c.on_failure_destination.clone().unwrap_or_else(|| "None".into())),
    ]
}

fn outcome_text(outcome: &InvocationOutcome) -> (String, &'static str) {
    match outcome {
        InvocationOutcome::Succeeded => ("SUCCEEDED".into(), "ok"),
        InvocationOutcome::BatchItemFailures { lowest } => {
            (format!("BATCH_ITEM_FAILURES from {}", sequence_tail(&lowest.to_string(), SEQUENCE_DIGITS)), "bad")
        }
        InvocationOutcome::FunctionError => ("FUNCTION_ERROR".into(), "bad"),
    }
}

fn handling_text(handling: Handling) -> (&'static str, &'static str) {
    match handling {
        Handling::Checkpointed => ("CHECKPOINTED", "ok"),
        Handling::Retried => ("RETRIED", "warn"),
        Handling::Bisected => ("BISECTED", "warn"),
        Handling::Discarded => ("DISCARDED", "bad"),
    }
}

/// What a shard's reader is doing, in words.
fn shard_state(shard: &ShardStatus) -> &'static str {
    match (shard.finished, shard.active) {
        (true, _) => "Finished",
        (false, true) => "Reading",
        (false, false) => "Waiting for its parents",
    }
}

/// Every mapping of the simulation; nothing when there is none, so that
/// pages without Lambda look as they always did.
#[component]
pub fn LambdaPanel() -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    // Only the set of mappings rebuilds the cards; each card follows its own progress.
    let uuids = Memo::new(move |_| sim.mappings().into_iter().map(|m| m.uuid).collect::<Vec<_>>());
    move || {
        let uuids = uuids.get();
        (!uuids.is_empty()).then(|| {
            view! {
                <section class="panel lambda" aria-labelledby="lambda-title">
                    <header class="panel-head">
                        <h2 id="lambda-title">"Lambda event-source mappings"</h2>
                        <p class="muted">"Each mapping polls every shard and invokes its function with batches"</p>
                    </header>
                    <div class="service-cards">
                        {uuids.into_iter().map(|uuid| view! { <MappingCard uuid=uuid /> }).collect_view()}
                    </div>
                </section>
            }
        })
    }
}

/// One mapping: its settings, progress per shard and invocation log. The
/// card's frame is built once, so that open details, the log's length and
/// scroll positions survive the clock's ticks.
#[component]
fn MappingCard(uuid: String) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let status = {
        let uuid = uuid.clone();
        Memo::new(move |_| sim.mappings().into_iter().find(|m| m.uuid == uuid))
    };
    let shards = Memo::new(move |_| status.get().map(|m| m.shards).unwrap_or_default());
    let destination = Memo::new(move |_| status.get().and_then(|m| m.config.on_failure_destination));
    let parallel = Memo::new(move |_| status.get().is_some_and(|m| m.config.parallelization_factor > 1));
    let title_id = format!("mapping-{uuid}");
    let (labelled_by, data_uuid, uuid_text) = (title_id.clone(), uuid.clone(), format!("UUID {uuid}"));
    view! {
        <article class="service-card mapping" aria-labelledby=labelled_by data-uuid=data_uuid>
            <h3 id=title_id>
                {move || status.get().map(|m| view! {
                    <span class="mono">{arn_name(&m.function_arn).to_string()}</span>
                    <span class="muted small">{format!(" reads stream {}", arn_name(&m.event_source_arn))}</span>
                })}
            </h3>
            <p class="muted small mono">{uuid_text}</p>
            {move || status.get().map(|m| {
                let problem = m.last_processing_result.starts_with("PROBLEM");
                let active = m.shards.iter().filter(|s| s.active).count();
                view! {
                    <dl class="figures">
                        <div>
                            <dt>"Concurrency"</dt>
                            <dd>{format!("{} ({active} shards × {})", m.concurrency, m.config.parallelization_factor)}</dd>
                        </div>
                        <div><dt>"In flight"</dt><dd class="in-flight">{m.in_flight}</dd></div>
                        <div><dt>"Iterator age"</dt><dd>{duration(m.iterator_age)}</dd></div>
                        <div><dt>"Invocations"</dt><dd>{m.invocations}</dd></div>
                        <div><dt>"Discarded records"</dt><dd>{m.discarded_records}</dd></div>
                        <div><dt>"Last result"</dt><dd class:bad-text=problem>{m.last_processing_result}</dd></div>
                    </dl>
                }
            })}
            <details class="settings">
                <summary>"Settings"</summary>
                {move || status.get().map(|m| view! {
                    <dl class="inspector-rows">
                        {settings(&m).into_iter().map(|(name, value)| view! {
                            <div><dt>{name}</dt><dd class="mono">{value}</dd></div>
                        }).collect_view()}
                    </dl>
                })}
            </details>
            <ShardTable shards=shards />
            {move || destination.get().map(|arn| view! { <DestinationView arn=arn /> })}
            <InvocationLog uuid=uuid show_lanes=parallel />
        </article>
    }
}

/// Where the mapping is in each shard.
#[component]
fn ShardTable(shards: Memo<Vec<ShardStatus>>) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Position in each shard">
            <table class="data-table">
                <caption>"Position in each shard"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Shard"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Last processed"</th>
                        <th scope="col">"Iterator age"</th>
                        <th scope="col">"Lanes"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || shards.get().into_iter().map(|shard| view! {
                        <tr data-shard=shard.shard_id.to_string()>
                            <th scope="row" class="mono">{shard.shard_id.to_string()}</th>
                            <td>{shard_state(&shard)}</td>
                            <td class="mono">
                                {shard.lanes.iter().map(|lane| match lane.last_processed {
                                    Some(seq) => {
                                        let seq = seq.to_string();
                                        view! {
                                            <span class="lane-line" title=format!("SequenceNumber {seq}")>
                                                {sequence_tail(&seq, SEQUENCE_DIGITS)}
                                            </span>
                                        }.into_any()
                                    }
                                    None => view! { <span class="lane-line">"none yet"</span> }.into_any(),
                                }).collect_view()}
                            </td>
                            <td>{duration(shard.iterator_age)}</td>
                            <td>
                                {shard.lanes.iter().enumerate().map(|(idx, lane)| {
                                    let batch = lane
                                        .in_flight_batch_size
                                        .map_or_else(|| "idle".to_string(), |n| format!("batch of {n} in flight"));
                                    view! {
                                        <span class="lane-line">{format!("{idx}: {batch}, {} waiting", lane.waiting_records)}</span>
                                    }
                                }).collect_view()}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// How many messages the on-failure destination got, and the newest one.
#[component]
fn DestinationView(arn: String) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let messages = {
        let arn = arn.clone();
        Memo::new(move |_| sim.destination_messages(&arn))
    };
    view! {
        <div class="destination">
            <p>
                "On-failure destination " <span class="mono">{arn_name(&arn).to_string()}</span> ": "
                <strong class="destination-count">{move || crate::format::plural(messages.get().count, "message")}</strong>
            </p>
            {move || messages.get().last.map(|last| {
                let pretty = serde_json::from_str::<serde_json::Value>(&last)
                    .ok()
                    .and_then(|v| serde_json::to_string_pretty(&v).ok())
                    .unwrap_or(last);
                view! {
                    <details class="api-call">
                        <summary>"The newest message (AWS's invocation record)"</summary>
                        <div class="api-call-body"><pre class="mono" tabindex="0">{pretty}</pre></div>
                    </details>
                }
            })}
        </div>
    }
}

/// The whole invocation log, newest first, drawn a window at a time; with
/// `show_lanes`, which lane of its shard invoked each batch.
#[component]
fn InvocationLog(uuid: String, show_lanes: Memo<bool>) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let scroll = Scroll::default();
    let page = Memo::new(move |_| sim.invocations(&uuid, scroll.first(), WINDOW_ROWS));
    let total = Memo::new(move |_| page.with(|p| p.total));
    // Outside the table, so that a phone shows it however wide the table is.
    let count = move || match total.get() {
        0 => "No invocations yet.".to_string(),
        1 => "1 invocation.".to_string(),
        n => format!("{n} invocations, newest first; scroll the log for older ones."),
    };
    view! {
        <p class="table-note log-count">{count}</p>
        <VirtualTable
            label="Invocation log"
            class="invocation-log"
            caption="Invocation log"
            headers=&["#", "Shard", "Sequence numbers", "Records", "Attempt", "Iterator age", "Outcome", "Handling"]
            scroll=scroll
            total=total
            rows=move || {
                let show_lane = show_lanes.get();
                let first_index = scroll.first() + 2;
                page.get().newest.into_iter().enumerate().map(|(idx, i)| view! {
                    <InvocationRow invocation=i show_lane=show_lane row_index=first_index + idx />
                }).collect_view()
            }
        />
    }
}

#[component]
fn InvocationRow(invocation: Invocation, show_lane: bool, row_index: usize) -> impl IntoView {
    let first = invocation.first_sequence_number.to_string();
    let last = invocation.last_sequence_number.to_string();
    let range = if first == last {
        sequence_tail(&first, SEQUENCE_DIGITS)
    } else {
        format!("{}–{}", sequence_tail(&first, SEQUENCE_DIGITS), sequence_tail(&last, SEQUENCE_DIGITS))
    };
    let (outcome, outcome_class) = outcome_text(&invocation.outcome);
    let (handling, handling_class) = handling_text(invocation.handling);
    view! {
        <tr aria-rowindex=row_index>
            <td>{invocation.number}</td>
            <td class="mono">
                {invocation.shard_id.to_string()}
                {show_lane.then(|| format!(" lane {}", invocation.lane))}
            </td>
            <td class="mono" title=format!("First {first}, last {last}")>{range}</td>
            <td>{invocation.batch_size}</td>
            <td>{invocation.attempt}</td>
            <td>{duration(invocation.iterator_age)}</td>
            <td><span class=format!("tag {outcome_class}")>{outcome}</span></td>
            <td><span class=format!("tag {handling_class}")>{handling}</span></td>
        </tr>
    }
}
