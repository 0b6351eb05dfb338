//! Firehose delivery streams with their buffers filling, and a browser of
//! the S3 buckets they deliver to.

use leptos::prelude::*;
use shardlab_core::firehose::{CompressionFormat, DeliverySource, DeliveryStreamStatus};
use shardlab_core::views::DeliveryBuffer;

use crate::components::virtual_rows::{Scroll, VirtualTable, WINDOW_ROWS};
use crate::format::{bytes, clock, duration, percent_of, plural};
use crate::sim_handle::{DeliveryStreamView, ObjectText, SimHandle};

/// Delivery streams and buckets; nothing when the simulation has neither.
#[component]
pub fn DeliveryPanel() -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let names = Memo::new(move |_| sim.delivery_streams().into_iter().map(|d| d.description.name).collect::<Vec<_>>());
    let buckets = Memo::new(move |_| sim.s3_buckets());
    let any = Memo::new(move |_| !names.with(Vec::is_empty) || !buckets.with(Vec::is_empty));
    move || {
        any.get().then(|| {
            view! {
                <section class="panel delivery" aria-labelledby="delivery-title">
                    <header class="panel-head">
                        <h2 id="delivery-title">"Firehose and S3"</h2>
                        <p class="muted">"A delivery stream buffers records and writes one object when a hint is reached"</p>
                    </header>
                    <div class="service-cards">
                        {move || names.get().into_iter().map(|name| view! { <DeliveryStreamCard name=name /> }).collect_view()}
                    </div>
                    <S3Browser buckets=buckets />
                </section>
            }
        })
    }
}

/// A labelled fill bar; the numbers are in the text, the bar only shows them.
#[component]
fn FillBar(label: &'static str, text: String, percent: f64) -> impl IntoView {
    let full = percent >= 100.0;
    view! {
        <div class="fill">
            <p class="fill-label"><span>{label}</span> " " <span class="fill-text">{text}</span></p>
            <span class="fill-track" aria-hidden="true">
                <span class="fill-bar" class:full=full style:width=format!("{percent:.1}%")></span>
            </span>
        </div>
    }
}

fn source_text(source: &DeliverySource) -> String {
    match source {
        DeliverySource::DirectPut => "Direct PUT".into(),
        DeliverySource::KinesisStream(stream) => format!("Kinesis stream {stream}"),
    }
}

/// The counters worth showing: the flow always, the failures once they happen.
fn counters(view: &DeliveryStreamView) -> Vec<(&'static str, u64)> {
    let c = view.status.counters;
    let always = [
        ("Incoming records", c.incoming_records),
        ("Delivered objects", c.delivered_objects),
        ("Delivered records", c.delivered_records),
    ];
    let failures = [
        ("Dropped records", c.dropped_records),
        ("Failed records", c.failed_records),
        ("Failed delivery attempts", c.failed_delivery_attempts),
        ("Expired records", c.expired_records),
        ("Objects awaiting delivery", view.status.undelivered_objects),
    ];
    always.into_iter().chain(failures.into_iter().filter(|&(_, n)| n > 0)).collect()
}

/// The size bar's words: what the buffer holds against the size hint and,
/// with several partitions, what the fullest holds, since each partition is
/// delivered on reaching the hint by itself.
fn size_words(status: &DeliveryStreamStatus, buffer: DeliveryBuffer, size_in_mbs: u32) -> String {
    let held = format!(
        "{} in {} of {} (SizeInMBs {size_in_mbs})",
        bytes(status.buffered_bytes),
        plural(status.buffered_records as usize, "record"),
        bytes(buffer.size_limit),
    );
    match status.active_partitions {
        0 | 1 => held,
        n => format!("{held}; the fullest of {n} partitions holds {}", bytes(buffer.fullest_bytes)),
    }
}

/// One delivery stream: where it reads, where it writes, its buffer.
#[component]
fn DeliveryStreamCard(name: String) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let title_id = format!("delivery-{name}");
    let state = {
        let name = name.clone();
        Memo::new(move |_| sim.delivery_streams().into_iter().find(|d| d.description.name == name))
    };
    let (labelled_by, data_name) = (title_id.clone(), name.clone());
    view! {
        <article class="service-card delivery-stream" aria-labelledby=labelled_by data-name=data_name>
            <h3 id=title_id class="mono">{name}</h3>
            {move || state.get().map(|d| {
                let dest = &d.description.destination;
                let hints = dest.buffering_hints;
                let (status, buffer) = (&d.status, d.buffer);
                let age = buffer.age.unwrap_or_default();
                let compression = match dest.compression {
                    CompressionFormat::Gzip => "GZIP",
                    CompressionFormat::Uncompressed => "uncompressed",
                };
                view! {
                    <p class="muted small">
                        {format!("From {} to {}{} ({compression})", source_text(&d.description.source), dest.bucket_arn, if dest.prefix.is_empty() { String::new() } else { format!(", prefix {}", dest.prefix) })}
                    </p>
                    <div class="buffer">
                        <FillBar
                            label="Buffer size"
                            text=size_words(status, buffer, hints.size_in_mbs)
                            percent=percent_of(buffer.fullest_bytes as f64, buffer.size_limit as f64)
                        />
                        <FillBar
                            label="Buffer age"
                            text=match buffer.age {
                                Some(age) => format!("{} of {} s (IntervalInSeconds)", duration(age), hints.interval_in_seconds),
                                None => format!("empty; delivers {} s after the first record", hints.interval_in_seconds),
                            }
                            percent=percent_of(age.as_millis() as f64, buffer.interval.as_millis() as f64)
                        />
                    </div>
                    <dl class="figures">
                        {counters(&d).into_iter().map(|(label, n)| view! { <div><dt>{label}</dt><dd>{n}</dd></div> }).collect_view()}
                    </dl>
                    {status.next_retry.map(|at| view! {
                        <p class="result error small">{format!("The bucket is unavailable; next attempt at {}", clock(at))}</p>
                    })}
                    {status.last_source_error.clone().map(|e| view! { <p class="result error small">{e}</p> })}
                }
            })}
        </article>
    }
}

/// Buckets, their objects, and one object opened as text.
#[component]
fn S3Browser(buckets: Memo<Vec<String>>) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let chosen = RwSignal::new(None::<String>);
    // The chosen bucket, or the first one while none is chosen.
    let bucket = Memo::new(move |_| chosen.get().or_else(|| buckets.with(|b| b.first().cloned())));
    let objects = Memo::new(move |_| {
        let mut objects = bucket.get().map(|b| sim.s3_objects(&b)).unwrap_or_default();
        objects.sort_by(|a, b| b.last_modified.cmp(&a.last_modified).then_with(|| b.key.cmp(&a.key)));
        objects
    });
    let opened = RwSignal::new(None::<(String, String)>);
    let opened_text = Memo::new(move |_| opened.get().map(|(b, k)| (k.clone(), sim.s3_object_text(&b, &k))));
    let scroll = Scroll::default();
    let total = Memo::new(move |_| objects.with(Vec::len));
    // Outside the table, so that a phone shows it however wide the table is.
    let count = move || {
        let total = total.get();
        match bucket.get() {
            None => "No bucket yet.".to_string(),
            Some(b) if total == 0 => format!("No objects in {b} yet."),
            Some(b) => format!("{} in {b}, newest first.", plural(total, "object")),
        }
    };
    view! {
        <div class="s3-browser">
            <h3>"S3 browser"</h3>
            <label class="field">
                <span>"Bucket"</span>
                <select
                    name="bucket"
                    prop:value=move || bucket.get().unwrap_or_default()
                    on:change=move |ev| {
                        chosen.set(Some(event_target_value(&ev)));
                        opened.set(None);
                    }
                >
                    {move || buckets.get().into_iter().map(|b| {
                        let value = b.clone();
                        view! { <option value=value>{b}</option> }
                    }).collect_view()}
                </select>
            </label>
            <p class="table-note object-count">{count}</p>
            <VirtualTable
                label="Objects"
                class="objects"
                caption="Objects (open one by its key)"
                headers=&["Key", "Size", "Last modified"]
                scroll=scroll
                total=total
                rows=move || {
                    let bucket_name = bucket.get().unwrap_or_default();
                    let first = scroll.first();
                    objects.with(|all| all.iter().skip(first).take(WINDOW_ROWS).cloned().collect::<Vec<_>>()).into_iter().enumerate().map(|(idx, o)| {
                        let target = (bucket_name.clone(), o.key.clone());
                        view! {
                            <tr aria-rowindex=first + idx + 2>
                                <td class="key">
                                    // The key opens the object, as in the S3 console.
                                    <button class="open-object link-button mono" on:click=move |_| opened.set(Some(target.clone()))>
                                        {o.key.clone()}
                                    </button>
                                </td>
                                <td>{bytes(o.size)}</td>
                                <td>{clock(o.last_modified)}</td>
                            </tr>
                        }
                    }).collect_view()
                }
            />
            {move || opened_text.get().map(|(key, text)| {
                let (note, body) = match text {
                    None => ("The object no longer exists.".to_string(), String::new()),
                    Some(ObjectText::Plain(text)) => (format!("{} of text", bytes(text.len() as u64)), text),
                    Some(ObjectText::Inflated { text, stored_bytes }) => (
                        format!("GZIP: {} stored, inflated here to {}", bytes(stored_bytes as u64), bytes(text.len() as u64)),
                        text,
                    ),
                    Some(ObjectText::Binary(n)) => (format!("{} that are not text", bytes(n as u64)), String::new()),
                };
                view! {
                    <div class="object-view" role="region" aria-label="Opened object">
                        <p class="object-key mono">{key}</p>
                        <p class="muted small">{note}</p>
                        {(!body.is_empty()).then(|| view! { <pre class="object-text mono" tabindex="0">{body}</pre> })}
                        <button on:click=move |_| opened.set(None)>"Close"</button>
                    </div>
                }
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use shardlab_core::Duration;

    use super::*;

    #[test]
    fn the_size_bar_names_the_fullest_of_several_partitions() {
        const MIB: u64 = 1024 * 1024;
        let buffer = |fullest_bytes| DeliveryBuffer {
            size_limit: 64 * MIB,
            fullest_bytes,
            interval: Duration::from_secs(60),
            age: Some(Duration::from_secs(5)),
        };
        let cases = [
            (0, 0, 0, 0, "0 B in 0 records of 64.0 MiB (SizeInMBs 64)"),
            (1, 2048, 1, 2048, "2.0 KiB in 1 record of 64.0 MiB (SizeInMBs 64)"),
            (3, 3 * MIB, 1, 3 * MIB, "3.0 MiB in 3 records of 64.0 MiB (SizeInMBs 64)"),
            (
                70,
                70 * MIB,
                2,
                40 * MIB,
                "70.0 MiB in 70 records of 64.0 MiB (SizeInMBs 64); the fullest of 2 partitions holds 40.0 MiB",
            ),
        ];
        for (buffered_records, buffered_bytes, active_partitions, fullest, expected) in cases {
            let status = DeliveryStreamStatus {
                name: "d".into(),
                buffered_records,
                buffered_bytes,
                active_partitions,
                buffer_age: None,
                interval_due: None,
                undelivered_objects: 0,
                next_retry: None,
                last_source_error: None,
                counters: Default::default(),
            };
            assert_eq!(size_words(&status, buffer(fullest), 64), expected);
        }
    }
}
