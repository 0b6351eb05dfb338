//! `PutRecords`: many records in one request, and its answer entry by entry.
//! A batch is not all-or-nothing: each entry succeeds (shard and sequence
//! number) or fails on its own (`ErrorCode`, `ErrorMessage`), the response
//! counts the failures in `FailedRecordCount`, and a producer retries just
//! the failed entries, which one button here does.

use leptos::prelude::*;
use serde_json::{Value, json};
use shardlab_core::base64;

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::components::virtual_rows::{Scroll, VirtualTable, WINDOW_ROWS};
use crate::format::{plural, sequence_tail};
use crate::sim_handle::SimHandle;

const PUT_RECORDS: &str = "Kinesis_20131202.PutRecords";
/// The batch the form starts with.
const EXAMPLE: &str = "user-1 {\"order\": 1}\nuser-2 {\"order\": 2}\nuser-3 {\"order\": 3}\nuser-1 {\"order\": 4}";
/// A batch that one shard cannot take twice in a second: 500 records, the
/// most `PutRecords` accepts, all with one key.
const HOT_BATCH_SIZE: usize = 500;

/// The request entries for `text`: one record a line, the partition key
/// first and the data after the first space. Blank lines are skipped.
fn entries(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (key, data) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
            json!({"PartitionKey": key, "Data": base64::encode(data.as_bytes())})
        })
        .collect()
}

/// A batch sent: its entries, in order, and the call.
#[derive(Clone)]
struct SentBatch {
    entries: Vec<Value>,
    call: ApiCall,
}

/// One entry's outcome, as a row.
#[derive(Clone, Debug, PartialEq)]
struct EntryResult {
    partition_key: String,
    /// `Ok(ShardId, SequenceNumber)` or `Err(ErrorCode, ErrorMessage)`.
    outcome: Result<(String, String), (String, String)>,
}

impl SentBatch {
    /// Each entry with its result; empty when the whole request failed.
    fn results(&self) -> Vec<EntryResult> {
        let answers = self.call.response.get("Records").and_then(Value::as_array).cloned().unwrap_or_default();
        let text = |value: &Value, name: &str| value.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
        self.entries
            .iter()
            .zip(&answers)
            .map(|(entry, answer)| EntryResult {
                partition_key: text(entry, "PartitionKey"),
                outcome: match answer.get("ErrorCode") {
                    Some(_) => Err((text(answer, "ErrorCode"), text(answer, "ErrorMessage"))),
                    None => Ok((text(answer, "ShardId"), text(answer, "SequenceNumber"))),
                },
            })
            .collect()
    }

    /// The entries whose result is an error, to send again.
    fn failed_entries(&self) -> Vec<Value> {
        self.entries.iter().zip(self.results()).filter(|(_, r)| r.outcome.is_err()).map(|(e, _)| e.clone()).collect()
    }
}

/// The batch form for `stream`, and the last batch's results.
#[component]
pub fn BatchForm(stream: &'static str) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let text = RwSignal::new(EXAMPLE.to_string());
    let sent = RwSignal::new(None::<SentBatch>);
    let send = move |entries: Vec<Value>| {
        let call = ApiCall::send(sim, PUT_RECORDS, json!({"StreamName": stream, "Records": entries.clone()}));
        sent.set(Some(SentBatch { entries, call }));
    };
    let results = Memo::new(move |_| sent.with(|s| s.as_ref().map(SentBatch::results).unwrap_or_default()));
    let scroll = Scroll::default();
    let total = Memo::new(move |_| results.with(Vec::len));
    let summary = move || {
        let batch = sent.get()?;
        Some(match batch.call.error_code() {
            Some(code) => Err(format!("{code}: {}", batch.call.error_message().unwrap_or_default())),
            None => {
                let failed = batch.call.response.get("FailedRecordCount").and_then(Value::as_u64).unwrap_or_default();
                Ok((failed, format!("FailedRecordCount {failed} of {}", plural(batch.entries.len(), "record"))))
            }
        })
    };
    let retry = move |_| {
        if let Some(failed) = sent.with_untracked(|s| s.as_ref().map(SentBatch::failed_entries)) {
            send(failed);
        }
    };
    view! {
        <section class="panel batch" aria-labelledby="batch-title">
            <header class="panel-head">
                <h2 id="batch-title">"PutRecords"</h2>
                <p class="muted">"Up to 500 records in one request; each succeeds or fails on its own"</p>
            </header>
            <form class="batch-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                send(entries(&text.get_untracked()));
            }>
                <label>
                    <span>"One record a line: partition key, a space, then the data"</span>
                    <textarea name="batch" rows="5" spellcheck="false" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </label>
                <div class="batch-buttons">
                    <button type="submit" class="primary">{move || format!("PutRecords ({})", plural(text.with(|t| entries(t).len()), "record"))}</button>
                    <button type="button" on:click=move |_| {
                        text.set((0..HOT_BATCH_SIZE).map(|n| format!("hot-key {n}")).collect::<Vec<_>>().join("\n"));
                    }>{format!("Fill in {HOT_BATCH_SIZE} records with one key")}</button>
                </div>
            </form>
            {move || summary().map(|summary| match summary {
                Err(error) => view! { <p class="result error" role="alert">{error}</p> }.into_any(),
                Ok((failed, words)) => view! {
                    <p class="result batch-summary" class:ok=failed == 0 role="status">{words}</p>
                    {(failed > 0).then(|| view! {
                        <button class="retry-failed" on:click=retry>{if failed == 1 { "Retry the failed entry".to_string() } else { format!("Retry the {failed} failed entries") }}</button>
                    })}
                    <VirtualTable
                        label="Per-record results"
                        class="batch-results"
                        caption="Per-record results, in request order"
                        headers=&["#", "PartitionKey", "Result"]
                        scroll=scroll
                        total=total
                        rows=move || {
                            let first = scroll.first();
                            results.with(|all| all.iter().enumerate().skip(first).take(WINDOW_ROWS).map(|(idx, result)| {
                                let outcome = match &result.outcome {
                                    Ok((shard, seq)) => view! {
                                        <td class="mono" title=seq.clone()>{format!("{shard} · {}", sequence_tail(seq, 6))}</td>
                                    }.into_any(),
                                    Err((code, message)) => view! {
                                        <td title=message.clone()><span class="tag bad mono">{code.clone()}</span></td>
                                    }.into_any(),
                                };
                                let failed = result.outcome.is_err();
                                view! {
                                    // Row 1 is the header. A refused entry's row is tinted, so that
                                    // which entries failed shows however narrow the screen.
                                    <tr aria-rowindex=idx + 2 class:failed=failed>
                                        <td>{idx}</td>
                                        <td class="mono">{result.partition_key.clone()}</td>
                                        {outcome}
                                    </tr>
                                }
                            }).collect_view())
                        }
                    />
                }.into_any(),
            })}
            {move || sent.get().map(|batch| view! { <ApiCallView call=batch.call /> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_is_an_entry_with_its_data_after_the_first_space() {
        let sent = entries("user-1 {\"order\": 1}\n\n  user-2  \nkey only\n");
        let decoded: Vec<(String, String)> = sent
            .iter()
            .map(|e| {
                let data = base64::decode(e["Data"].as_str().unwrap()).unwrap();
                (e["PartitionKey"].as_str().unwrap().to_string(), String::from_utf8(data).unwrap())
            })
            .collect();
        assert_eq!(
            decoded,
            [
                ("user-1".to_string(), "{\"order\": 1}".to_string()),
                ("user-2".to_string(), String::new()),
                ("key".to_string(), "only".to_string()),
            ]
        );
    }
}
