//! The record inspector: everything Kinesis knows about one record, from its
//! partition key's MD5 to its ciphertext at rest, and a shard iterator
//! started at it with each of the three iterator types that take a position.

use leptos::prelude::*;
use serde_json::{Value, json};
use shardlab_core::kms::EncryptionType;
use shardlab_core::{HashKey, Instant, SequenceNumber};

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::format::sequence_tail;
use crate::permissions::Permissions;
use crate::sim_handle::SimHandle;

const GET_SHARD_ITERATOR: &str = "Kinesis_20131202.GetShardIterator";
const GET_RECORDS: &str = "Kinesis_20131202.GetRecords";
/// How many records the inspector's `GetRecords` asks for.
const READ_LIMIT: u32 = 5;

/// The iterator types that start at a given record, and their buttons.
const POSITIONED_TYPES: [(&str, &str); 3] = [
    ("AT_SEQUENCE_NUMBER", "At this record"),
    ("AFTER_SEQUENCE_NUMBER", "After this record"),
    ("AT_TIMESTAMP", "At its arrival time"),
];

/// The `GetShardIterator` request for a read of the record's shard that
/// starts at `seq` (or at its arrival time, `arrival`).
fn iterator_request(stream: &str, seq: SequenceNumber, arrival: Instant, iterator_type: &str) -> Value {
    let mut request =
        json!({"StreamName": stream, "ShardId": seq.shard().to_string(), "ShardIteratorType": iterator_type});
    if iterator_type == "AT_TIMESTAMP" {
        // The JSON protocol's timestamps are epoch seconds.
        request["Timestamp"] = json!(arrival.epoch_millis() as f64 / 1000.0);
    } else {
        request["StartingSequenceNumber"] = json!(seq.to_string());
    }
    request
}

/// A read started at the selected record: the iterator call and, if it
/// succeeded, the `GetRecords` call made with its iterator.
#[derive(Clone)]
struct PositionedRead {
    iterator_type: &'static str,
    iterator_call: ApiCall,
    records_call: Option<ApiCall>,
}

impl PositionedRead {
    /// `(PartitionKey, SequenceNumber)` of each record returned.
    fn records(&self) -> Vec<(String, String)> {
        let records = self.records_call.as_ref().and_then(|call| call.response.get("Records")?.as_array().cloned());
        records
            .unwrap_or_default()
            .iter()
            .map(|record| {
                let text = |name: &str| record.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
                (text("PartitionKey"), text("SequenceNumber"))
            })
            .collect()
    }
}

/// The record the learner clicked, shared by the lanes and the inspector.
#[derive(Clone, Copy)]
pub struct Selection(pub RwSignal<Option<SequenceNumber>>);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

/// Brings the record inspector into view once a record is picked, if it is
/// not in view already: the least scroll that shows it whole, but never its
/// top under the sticky bar (a tall inspector shows from its top). Called
/// from a pick only, so that nothing scrolls as a page loads.
pub fn reveal() {
    let Some(window) = web_sys::window() else { return };
    let Some(document) = window.document() else { return };
    let Ok(Some(panel)) = document.query_selector(".panel.inspector") else { return };
    let bar_bottom = document
        .query_selector("header.topbar")
        .ok()
        .flatten()
        .map_or(0.0, |bar| bar.get_bounding_client_rect().bottom().max(0.0));
    let view_height = window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
    let rect = panel.get_bounding_client_rect();
    let top_room = bar_bottom + 8.0;
    let delta = if rect.top() < top_room {
        rect.top() - top_room
    } else if rect.bottom() > view_height {
        (rect.bottom() - view_height + 8.0).min(rect.top() - top_room)
    } else {
        0.0
    };
    if delta.abs() >= 1.0 {
        window.scroll_by_with_x_and_y(0.0, delta);
    }
}

/// Details of the selected record of `stream`, or a hint to select one.
#[component]
pub fn Inspector(stream: &'static str) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let permissions = expect_context::<Permissions>();
    let Selection(selected) = expect_context::<Selection>();
    let can_read = permissions.allows(GET_SHARD_ITERATOR) && permissions.allows(GET_RECORDS);
    let read = RwSignal::new(None::<PositionedRead>);
    // A read belongs to the record it started at.
    Effect::new(move |_| {
        selected.track();
        read.set(None);
    });
    let read_from = move |iterator_type: &'static str| {
        let Some(seq) = selected.get_untracked() else { return };
        let Some((_, record)) = sim.record(stream, seq) else { return };
        let request = iterator_request(stream, seq, record.approximate_arrival(), iterator_type);
        let iterator_call = ApiCall::send(sim, GET_SHARD_ITERATOR, request);
        let records_call =
            iterator_call.response.get("ShardIterator").and_then(Value::as_str).map(|iterator| {
                ApiCall::send(sim, GET_RECORDS, json!({"ShardIterator": iterator, "Limit": READ_LIMIT}))
            });
        read.set(Some(PositionedRead { iterator_type, iterator_call, records_call }));
    };
    let details = move || {
        let seq = selected.get()?;
        let (stored, read) = sim.record(stream, seq)?;
        let md5 = HashKey::from_partition_key(read.partition_key());
        let hash_key = read.hash_key();
        let explicit = hash_key != md5;
        let rows: Vec<(&'static str, String)> = vec![
            ("PartitionKey", read.partition_key().to_string()),
            ("MD5 of the partition key", md5.to_hex()),
            (
                if explicit { "Hash key (ExplicitHashKey)" } else { "Hash key (the MD5 as a number)" },
                hash_key.to_string(),
            ),
            ("On the ring", format!("{:.4} %", hash_key.ring_fraction() * 100.0)),
            ("ShardId", seq.shard().to_string()),
            ("SequenceNumber", seq.to_string()),
            ("ApproximateArrivalTimestamp", read.approximate_arrival().to_string()),
            ("Data", String::from_utf8_lossy(read.data()).into_owned()),
            ("EncryptionType", read.encryption_type().as_str().to_string()),
        ];
        let ciphertext =
            (read.encryption_type() == EncryptionType::Kms).then(|| hex(&stored.data()[..stored.data().len().min(48)]));
        Some((rows, ciphertext))
    };
    view! {
        <section class="panel inspector" aria-labelledby="inspector-title">
            <header class="panel-head">
                <h2 id="inspector-title">"Record inspector"</h2>
                <p class="muted">"Select a record in a shard lane"</p>
            </header>
            {move || match details() {
                None => view! { <p class="empty">"No record selected."</p> }.into_any(),
                Some((rows, ciphertext)) => view! {
                    <dl class="inspector-rows">
                        {rows.into_iter().map(|(name, value)| view! {
                            <div><dt>{name}</dt><dd class="mono">{value}</dd></div>
                        }).collect_view()}
                        {ciphertext.map(|c| view! {
                            <div><dt>"Stored at rest (KMS ciphertext, first bytes)"</dt><dd class="mono">{c}</dd></div>
                        })}
                    </dl>
                    {can_read.then(|| view! {
                        <div class="read-from">
                            <p class="label">{format!("Read its shard from here: GetShardIterator, then GetRecords (Limit {READ_LIMIT})")}</p>
                            <div class="read-from-buttons">
                                {POSITIONED_TYPES.into_iter().map(|(iterator_type, label)| view! {
                                    <button on:click=move |_| read_from(iterator_type) title=iterator_type>
                                        {label}" "<span class="mono as-typed">{iterator_type}</span>
                                    </button>
                                }).collect_view()}
                            </div>
                        </div>
                    })}
                }.into_any(),
            }}
            {move || read.get().map(|read| {
                let records = read.records();
                let summary = match (&read.records_call, records.len()) {
                    (None, _) => format!("{}: no iterator, so no read", read.iterator_type),
                    (Some(_), 0) => format!("{}: GetRecords returned no records", read.iterator_type),
                    (Some(_), n) => format!("{}: GetRecords returned {n} of the shard's records, oldest first", read.iterator_type),
                };
                view! {
                    <div class="positioned-read" role="status">
                        <p class="read-summary">{summary}</p>
                        <ol class="read-records">
                            {records.into_iter().map(|(key, seq)| view! {
                                <li><span class="mono">{key}</span>" "<span class="mono muted" title=seq.clone()>{sequence_tail(&seq, 6)}</span></li>
                            }).collect_view()}
                        </ol>
                        <ApiCallView call=read.iterator_call />
                        {read.records_call.map(|call| view! { <ApiCallView call=call /> })}
                    </div>
                }
            })}
        </section>
    }
}
