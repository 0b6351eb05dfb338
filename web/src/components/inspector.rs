//! The record inspector: everything Kinesis knows about one record, from its
//! partition key's MD5 to its ciphertext at rest.

use leptos::prelude::*;
use shardlab_core::kms::EncryptionType;
use shardlab_core::{HashKey, SequenceNumber};

use crate::sim_handle::SimHandle;

/// The record the learner clicked, shared by the lanes and the inspector.
#[derive(Clone, Copy)]
pub struct Selection(pub RwSignal<Option<SequenceNumber>>);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

/// Details of the selected record of `stream`, or a hint to select one.
#[component]
pub fn Inspector(stream: &'static str) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let Selection(selected) = expect_context::<Selection>();
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
                }.into_any(),
            }}
        </section>
    }
}
