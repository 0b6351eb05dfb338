//! Lambda event-source mappings: each mapping's settings, where it is in
//! each shard, how far behind it runs, and its invocation log.

use leptos::prelude::*;
use serde_json::{Value, json};
use shardlab_core::lambda::{Attempt, Handling, Invocation, InvocationOutcome, LaneStatus, MappingStatus, ShardStatus};
use shardlab_core::views::MappingConcurrency;

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::components::virtual_rows::{Scroll, VirtualTable, WINDOW_ROWS};
use crate::format::{count, duration, sequence_tail};
use crate::permissions::Permissions;
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
        InvocationOutcome::TimedOut => ("TIMED_OUT".into(), "bad"),
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

/// What a lane is doing, in words: a batch retried says which attempt it
/// is on, as core counts it ([`LaneStatus::attempt`]).
fn lane_words(lane: &LaneStatus, max_retries: i32) -> String {
    let waiting = format!("{} waiting", count(lane.waiting_records));
    match (lane.attempt(max_retries), lane.in_flight_batch_size.map(count)) {
        (Attempt::First, Some(n)) => format!("batch of {n} in flight, {waiting}"),
        (Attempt::First, None) => format!("idle, {waiting}"),
        (Attempt::Retry { number, of }, in_flight) => {
            let of = of.map_or_else(|| "with no retry limit".to_string(), |of| format!("of {of}"));
            match in_flight {
                Some(n) => format!("retrying a batch of {n}: attempt {number} {of}, {waiting}"),
                None => format!("failed batch waits to retry: attempt {number} {of} next, {waiting}"),
            }
        }
        (Attempt::LastAfterLimitLowered { retries_made, limit }, in_flight) => {
            let made = format!("{retries_made} retries made, the limit is now {limit}");
            match in_flight {
                Some(n) => format!("last attempt at a batch of {n} ({made}), {waiting}"),
                None => format!("failed batch waits for its last attempt ({made}), {waiting}"),
            }
        }
    }
}

/// The target that changes a mapping's settings.
const UPDATE_MAPPING: &str = "Shardlab.UpdateEventSourceMapping";

/// Edits a mapping's settings with `UpdateEventSourceMapping`, showing the
/// request it sends and its CLI command.
#[component]
fn SettingsForm(mapping: MappingStatus) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let c = &mapping.config;
    let batch_size = RwSignal::new(c.batch_size.to_string());
    let window = RwSignal::new(c.maximum_batching_window_in_seconds.to_string());
    let parallelization = RwSignal::new(c.parallelization_factor.to_string());
    let bisect = RwSignal::new(c.bisect_batch_on_function_error);
    let retries = RwSignal::new(c.maximum_retry_attempts.to_string());
    let record_age = RwSignal::new(c.maximum_record_age_in_seconds.to_string());
    let report_failures = RwSignal::new(c.report_batch_item_failures);
    let destination = RwSignal::new(c.on_failure_destination.clone().unwrap_or_default());
    let had_destination = c.on_failure_destination.is_some();
    let last_call = RwSignal::new(None::<ApiCall>);
    let queue_arns = Memo::new(move |_| {
        sim.queues().into_iter().filter_map(|q| q.attributes.get("QueueArn").cloned()).collect::<Vec<_>>()
    });
    let uuid = mapping.uuid.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Numbers go as typed: the service judges them, as it would a CLI's.
        let number = |text: RwSignal<String>| -> Value {
            let text = text.get_untracked();
            text.trim().parse::<i64>().map_or_else(|_| Value::String(text), Value::from)
        };
        let mut request = json!({
            "UUID": uuid,
            "BatchSize": number(batch_size),
            "MaximumBatchingWindowInSeconds": number(window),
            "ParallelizationFactor": number(parallelization),
            "BisectBatchOnFunctionError": bisect.get_untracked(),
            "MaximumRetryAttempts": number(retries),
            "MaximumRecordAgeInSeconds": number(record_age),
            "FunctionResponseTypes": if report_failures.get_untracked() { json!(["ReportBatchItemFailures"]) } else { json!([]) },
        });
        let arn = destination.get_untracked().trim().to_string();
        // An empty OnFailure removes a destination the mapping had.
        if !arn.is_empty() {
            request["DestinationConfig"] = json!({"OnFailure": {"Destination": arn}});
        } else if had_destination {
            request["DestinationConfig"] = json!({"OnFailure": {}});
        }
        last_call.set(Some(ApiCall::send(sim, UPDATE_MAPPING, request)));
    };
    let text_field = |label: &'static str, name: &'static str, value: RwSignal<String>, hint: &'static str| {
        view! {
            <label>
                <span>{label}</span>
                <input name=name inputmode="numeric" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                <small class="muted">{hint}</small>
            </label>
        }
    };
    view! {
        <details class="edit-settings">
            <summary>"Change settings (UpdateEventSourceMapping)"</summary>
            <form class="mapping-form" on:submit=submit>
                {text_field("BatchSize", "batch-size", batch_size, "1 to 10,000 records")}
                {text_field("MaximumBatchingWindowInSeconds", "batching-window", window, "0 to 300 s")}
                {text_field("ParallelizationFactor", "parallelization-factor", parallelization, "1 to 10 batches per shard")}
                {text_field("MaximumRetryAttempts", "maximum-retry-attempts", retries, "-1 (no limit) to 10,000")}
                {text_field("MaximumRecordAgeInSeconds", "maximum-record-age", record_age, "-1 (no limit), or 60 to 604,800 s")}
                <label class="check">
                    <input type="checkbox" name="bisect" prop:checked=move || bisect.get() on:change=move |ev| bisect.set(event_target_checked(&ev)) />
                    <span>"BisectBatchOnFunctionError"</span>
                </label>
                <label class="check">
                    <input type="checkbox" name="report-batch-item-failures" prop:checked=move || report_failures.get() on:change=move |ev| report_failures.set(event_target_checked(&ev)) />
                    <span>"ReportBatchItemFailures"</span>
                </label>
                <label class="wide">
                    <span>"On-failure destination (ARN)"</span>
                    <input name="on-failure-destination" list="mapping-destinations" spellcheck="false" placeholder="none" prop:value=move || destination.get() on:input=move |ev| destination.set(event_target_value(&ev)) />
                    <datalist id="mapping-destinations">
                        {move || queue_arns.get().into_iter().map(|arn| view! { <option value=arn></option> }).collect_view()}
                    </datalist>
                    <small class="muted">"An SQS queue's ARN; the queues of this simulation are offered"</small>
                </label>
                <button type="submit" class="primary">"Update the mapping"</button>
            </form>
            {move || last_call.get().map(|call| view! { <ApiCallView call=call /> })}
        </details>
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
    let max_retries = Memo::new(move |_| status.get().map_or(-1, |m| m.config.maximum_retry_attempts));
    let permissions = expect_context::<Permissions>();
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
                // The last invocation's result can be OK while another shard
                // keeps failing: the shards retrying a failed batch say so.
                let retrying = m.shards.iter().filter(|s| s.lanes.iter().any(|l| l.retries > 0)).count();
                let problem = m.last_processing_result.starts_with("PROBLEM") || retrying > 0;
                let last_result = match retrying {
                    0 => m.last_processing_result.to_string(),
                    1 => format!("{}; 1 shard retrying a failed batch", m.last_processing_result),
                    n => format!("{}; {n} shards retrying a failed batch", m.last_processing_result),
                };
                let concurrency = sim.with(|s| s.mapping_concurrency(&m.uuid)).ok().map(|c| {
                    let MappingConcurrency { running, allowed, active_shards, parallelization_factor } = c;
                    format!("{running} running, at most {allowed} ({active_shards} shards × {parallelization_factor})")
                });
                view! {
                    <dl class="figures">
                        <div>
                            <dt>"Concurrency"</dt>
                            <dd>{concurrency}</dd>
                        </div>
                        <div><dt>"In flight"</dt><dd class="in-flight">{m.in_flight}</dd></div>
                        <div><dt>"Iterator age"</dt><dd>{duration(m.iterator_age)}</dd></div>
                        <div><dt>"Invocations"</dt><dd>{count(m.invocations)}</dd></div>
                        <div><dt>"Discarded records"</dt><dd>{count(m.discarded_records)}</dd></div>
                        <div><dt>"Last result"</dt><dd class:bad-text=problem>{last_result}</dd></div>
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
            {permissions.allows(UPDATE_MAPPING).then(|| {
                // The form starts from the settings as they are when it is drawn.
                status.get_untracked().map(|m| view! { <SettingsForm mapping=m /> })
            })}
            <ShardTable shards=shards max_retries=max_retries />
            {move || destination.get().map(|arn| view! { <DestinationView arn=arn /> })}
            <InvocationLog uuid=uuid show_lanes=parallel />
        </article>
    }
}

/// Where the mapping is in each shard.
#[component]
fn ShardTable(
    shards: Memo<Vec<ShardStatus>>,
    /// `MaximumRetryAttempts`: -1 retries without limit.
    max_retries: Memo<i32>,
) -> impl IntoView {
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
                                    view! {
                                        <span class="lane-line">{format!("{idx}: {}", lane_words(lane, max_retries.get()))}</span>
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

#[cfg(test)]
mod tests {
    use shardlab_core::lambda::LaneStatus;

    use super::*;

    fn lane(in_flight: Option<u32>, retries: u32) -> LaneStatus {
        LaneStatus { waiting_records: 4, in_flight_batch_size: in_flight, last_processed: None, retries }
    }

    #[test]
    fn a_lane_never_counts_attempts_beyond_the_maximum() {
        // (lane, MaximumRetryAttempts, words)
        let cases = [
            (lane(None, 0), 2, "idle, 4 waiting"),
            (lane(Some(8), 0), 2, "batch of 8 in flight, 4 waiting"),
            (lane(Some(8), 1), 2, "retrying a batch of 8: attempt 2 of 3, 4 waiting"),
            (lane(None, 2), 2, "failed batch waits to retry: attempt 3 of 3 next, 4 waiting"),
            (lane(None, 29), -1, "failed batch waits to retry: attempt 30 with no retry limit next, 4 waiting"),
            // The limit lowered to 2 after 29 retries: the next attempt is the last.
            (
                lane(None, 29),
                2,
                "failed batch waits for its last attempt (29 retries made, the limit is now 2), 4 waiting",
            ),
            (lane(Some(8), 29), 2, "last attempt at a batch of 8 (29 retries made, the limit is now 2), 4 waiting"),
            (
                lane(None, 3),
                0,
                "failed batch waits for its last attempt (3 retries made, the limit is now 0), 4 waiting",
            ),
        ];
        for (lane, max, words) in cases {
            assert_eq!(lane_words(&lane, max), words, "{lane:?} max {max}");
        }
    }
}
