//! The producer: put a record and see, before sending, where its partition
//! key (or explicit hash key) will land.

use leptos::prelude::*;
use serde_json::json;
use shardlab_core::{HashKey, base64};

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::format::short_hash_key;
use crate::sim_handle::SimHandle;

/// A labelled one-line text input bound to `value`, typed as is (no
/// autocompletion or spell checking: keys and data are not prose).
#[component]
fn TextField(
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input
                name=name
                autocomplete="off"
                spellcheck="false"
                placeholder=placeholder
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// The hash key a record with these members is routed by; `None` while the
/// partition key is empty or the explicit hash key is not one.
pub fn routing_key(partition_key: &str, explicit_hash_key: &str) -> Option<HashKey> {
    let explicit = Some(explicit_hash_key.trim()).filter(|k| !k.is_empty());
    (!partition_key.is_empty()).then(|| HashKey::of_record(partition_key, explicit).ok()).flatten()
}

/// A form for `PutRecord` into `stream`. `partition_key` and
/// `explicit_hash_key` are shared with the hash ring, which marks where the
/// record would fall.
#[component]
pub fn PutForm(
    stream: &'static str,
    partition_key: RwSignal<String>,
    explicit_hash_key: RwSignal<String>,
    #[prop(into)] on_put: Callback<()>,
) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let data = RwSignal::new(String::from("{\"order\": 1}"));
    let last_call = RwSignal::new(None::<ApiCall>);

    let hash_key = move || partition_key.with(|k| explicit_hash_key.with(|e| routing_key(k, e)));
    let explicit = move || explicit_hash_key.with(|e| !e.trim().is_empty());
    let predicted_shard = move || {
        let key = hash_key()?;
        sim.stream(stream)?.shard_for(key).map(|s| s.id.to_string())
    };

    // The form sends the same JSON request an SDK would, so the learner can
    // see it, the response and the equivalent CLI command.
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut request = json!({
            "StreamName": stream,
            "PartitionKey": partition_key.get_untracked(),
            "Data": base64::encode(data.get_untracked().as_bytes()),
        });
        let explicit = explicit_hash_key.get_untracked();
        if !explicit.trim().is_empty() {
            request["ExplicitHashKey"] = explicit.trim().into();
        }
        last_call.set(Some(ApiCall::send(sim, "Kinesis_20131202.PutRecord", request)));
        on_put.run(());
    };
    let outcome = move || {
        last_call.get().map(|call| match call.error_code() {
            None => {
                let field =
                    |name: &str| call.response.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_string();
                Ok(format!("{} · SequenceNumber {}", field("ShardId"), field("SequenceNumber")))
            }
            Some(code) => Err((code.to_string(), call.error_message().unwrap_or_default().to_string())),
        })
    };

    view! {
        <section class="panel producer" aria-labelledby="producer-title">
            <header class="panel-head">
                <h2 id="producer-title">"Producer"</h2>
                <p class="muted">"PutRecord: the partition key picks the shard"</p>
            </header>
            <form class="put-form" on:submit=submit>
                <TextField name="partition-key" label="Partition key" value=partition_key />
                <TextField name="data" label="Data" value=data />
                <TextField
                    name="explicit-hash-key"
                    label="Explicit hash key (optional)"
                    value=explicit_hash_key
                    placeholder="0 … 2^128 − 1, overrides the key's MD5"
                />
                <button type="submit" class="primary">"PutRecord"</button>
            </form>
            <dl class="hash-preview" aria-live="polite">
                <div>
                    <dt>"MD5 of key"</dt>
                    <dd class="mono md5">{move || partition_key.with(|k| (!k.is_empty()).then(|| HashKey::from_partition_key(k).to_hex())).unwrap_or_else(|| "—".into())}</dd>
                </div>
                <div>
                    <dt>{move || if explicit() { "Hash key (explicit)" } else { "Hash key" }}</dt>
                    <dd class="mono" title=move || hash_key().map(|k| k.to_string()).unwrap_or_default()>
                        {move || hash_key().map(short_hash_key).unwrap_or_else(|| "—".into())}
                    </dd>
                </div>
                <div>
                    <dt>"On the ring"</dt>
                    <dd class="mono">{move || hash_key().map(|k| format!("{:.2} %", k.ring_fraction() * 100.0)).unwrap_or_else(|| "—".into())}</dd>
                </div>
                <div>
                    <dt>"Lands in"</dt>
                    <dd class="mono predicted-shard">{move || predicted_shard().unwrap_or_else(|| "—".into())}</dd>
                </div>
            </dl>
            {move || outcome().map(|o| match o {
                Ok(text) => view! { <p class="result ok" role="status">"Stored in " <span class="mono">{text}</span></p> }.into_any(),
                Err((code, message)) => view! {
                    <p class="result error" role="alert"><strong class="mono">{code}</strong>" "{message}</p>
                }.into_any(),
            })}
            {move || last_call.get().map(|call| view! { <ApiCallView call=call /> })}
        </section>
    }
}
