//! The stream: a hash ring showing which share of the key space each shard
//! owns, the shards' lineage once it has been resharded, and one lane per
//! shard with its newest records, a page of [`LANES_PER_PAGE`] at a time.

use std::f64::consts::PI;

use leptos::prelude::*;
use shardlab_core::metrics::WriteLimit;
use shardlab_core::{HashKey, HashKeyRange, Record, ShardId, ShardView, StreamStatus};

use crate::components::inspector::Selection;
use crate::components::lineage::{ShardLineage, origin_words};
use crate::format::{PALETTE_SIZE, key_colour, plural, ring_fractions, ring_share, sequence_tail, short_hash_key};
use crate::sim_handle::SimHandle;

/// How many of a shard's newest records its lane shows.
const LANE_RECORDS: usize = 12;

/// The most lanes drawn at once. A stream may have 10,000 shards (a share
/// link's, say), and a lane for each, with its heat strip read every tick,
/// would hold the page for seconds; a page of lanes keeps it answering.
const LANES_PER_PAGE: usize = 32;

/// The indices of the lanes page `page` shows out of `total` (the last page
/// if `page` is past it), and the number of pages.
fn lane_page(page: usize, total: usize) -> (std::ops::Range<usize>, usize) {
    let pages = total.div_ceil(LANES_PER_PAGE).max(1);
    let first = page.min(pages - 1) * LANES_PER_PAGE;
    (first..total.min(first + LANES_PER_PAGE), pages)
}

const RING_CENTRE: f64 = 110.0;
const RING_RADIUS: f64 = 84.0;

/// The ring and the lanes of `stream`; `probe` marks a hash key on the ring.
#[component]
pub fn StreamView(
    stream: &'static str,
    #[prop(into)] probe: Signal<Option<HashKey>>,
    /// Whether `probe` is the record picked in a lane rather than the key being typed.
    #[prop(into, optional)]
    probe_picked: Signal<bool>,
) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let shards = Memo::new(move |_| sim.stream(stream).map(|s| s.shards).unwrap_or_default());
    let status = Memo::new(move |_| sim.stream(stream).map(|s| s.status));
    view! {
        <section class="panel stream" aria-labelledby="stream-title">
            <header class="panel-head">
                <h2 id="stream-title">"Stream " <code>{stream}</code></h2>
                <p class="muted stream-state" role="status">{move || shards.with(|all| {
                    let open = all.iter().filter(|s| s.is_open()).count();
                    let closed = all.len() - open;
                    let closed = if closed == 0 { String::new() } else { format!(", {closed} closed") };
                    // A reshard asked for while the clock is paused lands only
                    // once it moves: say so, or the lanes seem to ignore it.
                    let about = if status.get() == Some(StreamStatus::Updating) {
                        "UPDATING: the change lands a few simulated seconds after it was asked, as the clock moves"
                    } else {
                        "the 128-bit hash key space, shared among the open shards"
                    };
                    format!("{} open{closed} · {about}", plural(open, "shard"))
                })}</p>
            </header>
            <div class="stream-body">
                <div class="stream-figures">
                    <HashRing shards=shards probe=probe probe_picked=probe_picked />
                    <ShardLineage shards=shards />
                </div>
                <div class="lanes-column">
                <p class="muted small lanes-legend">
                    "Each lane's load is its last second against the shard's limits: writes against 1 MiB or 1,000 records a second, "
                    "reads against 2 MiB a second, shared by every polling consumer."
                </p>
                <LanePages stream=stream shards=shards />
                </div>
            </div>
        </section>
    }
}

fn point_at(fraction: f64, radius: f64) -> (f64, f64) {
    // Fraction 0 at twelve o'clock, increasing clockwise.
    let angle = fraction * 2.0 * PI - PI / 2.0;
    (RING_CENTRE + radius * angle.cos(), RING_CENTRE + radius * angle.sin())
}

fn arc_path(range: HashKeyRange) -> String {
    let (start, end) = ring_fractions(range);
    let (x1, y1) = point_at(start, RING_RADIUS);
    // A whole-ring arc has equal end points and would draw nothing; stop just short.
    let (x2, y2) = point_at(end.min(start + 0.9999), RING_RADIUS);
    let large = u8::from(end - start > 0.5);
    format!("M {x1:.2} {y1:.2} A {RING_RADIUS} {RING_RADIUS} 0 {large} 1 {x2:.2} {y2:.2}")
}

#[component]
fn HashRing(shards: Memo<Vec<ShardView>>, probe: Signal<Option<HashKey>>, probe_picked: Signal<bool>) -> impl IntoView {
    let description = move || match probe.get() {
        Some(key) => format!(
            "Hash ring; {} sits at {:.2} % of the ring",
            if probe_picked.get() { "the picked record's hash key" } else { "the key being typed" },
            key.ring_fraction() * 100.0
        ),
        None => "Hash ring of the stream's shards".to_string(),
    };
    view! {
        <figure class="ring">
            <svg viewBox="0 0 220 220" role="img" aria-label=description>
                <circle cx="110" cy="110" r="84" class="ring-track" />
                // The ring is who owns each key now: the open shards.
                {move || {
                    shards
                        .get()
                        .into_iter()
                        .filter(ShardView::is_open)
                        .map(|shard| {
                            let colour = format!("arc c{}", shard.id.index() as usize % PALETTE_SIZE);
                            let (start, end) = ring_fractions(shard.range);
                            let (lx, ly) = point_at((start + end) / 2.0, RING_RADIUS + 18.0);
                            view! {
                                <path d=arc_path(shard.range) class=colour />
                                <text x=format!("{lx:.1}") y=format!("{ly:.1}") class="ring-label">{shard.id.index().to_string()}</text>
                            }
                        })
                        .collect_view()
                }}
                {move || {
                    probe
                        .get()
                        .map(|key| {
                            let (x, y) = point_at(key.ring_fraction(), RING_RADIUS);
                            let (tx, ty) = point_at(key.ring_fraction(), RING_RADIUS - 30.0);
                            view! {
                                <line x1="110" y1="110" x2=format!("{x:.2}") y2=format!("{y:.2}") class="probe-line" />
                                <circle cx=format!("{x:.2}") cy=format!("{y:.2}") r="7" class="probe" class:picked=move || probe_picked.get() />
                                <text x=format!("{tx:.1}") y=format!("{ty:.1}") class="probe-label">{format!("{:.1}%", key.ring_fraction() * 100.0)}</text>
                            }
                        })
                }}
            </svg>
            <figcaption class="muted">"0 % at the top, clockwise to 2"<sup>"128"</sup>" − 1"</figcaption>
        </figure>
    }
}

/// `heat-fill write`, plus `hot` at or over the limit.
fn fill_class(kind: &str, fraction: f64) -> String {
    if fraction >= 1.0 { format!("heat-fill {kind} hot") } else { format!("heat-fill {kind}") }
}

/// Write load (of the shard's limit) from which a lane looks for a hot key.
const HOT_WRITE_LOAD: f64 = 0.9;
/// How many of a shard's newest records the hot-key note looks at.
const HOT_KEY_SAMPLE: usize = 200;
/// Share of those records one key must have to be called hot, in percent.
const HOT_KEY_PERCENT: usize = 50;

/// The partition key behind at least half of `records`, with its share in percent.
fn hot_key(records: &[Record]) -> Option<(String, usize)> {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for record in records {
        *counts.entry(record.partition_key()).or_default() += 1;
    }
    let (key, n) = counts.into_iter().max_by_key(|&(_, n)| n)?;
    let percent = n * 100 / records.len();
    (percent >= HOT_KEY_PERCENT).then(|| (key.to_string(), percent))
}

/// Why a second's writes can pass 100 %, as core's limits work
/// (`throttle.rs`): each is a token bucket holding up to one second of the
/// limit and refilling as it is spent, so a whole second can take a full
/// bucket plus a second's refill, twice the limit, and no more.
const OVER_100: &str = "Over 100 %: a shard saves unused capacity, up to a second's worth, and can spend it in a burst: \
                        one second can take up to twice the limit. Writes beyond that are throttled.";
/// Why they can pass 200 %: a record larger than the bucket (possible once
/// a stream's maximum record size is raised) is still taken when the bucket
/// is full, else it would be refused for ever, leaving the bucket in debt.
/// Records count one each, so only bytes can pass 200 %.
const OVER_200: &str = "Over 200 %: a record larger than 1 MiB is taken when the shard's saved second is full, \
                        leaving it in debt. Writes are throttled until the debt is paid back.";

/// The write bar's words: its share of the limit it is nearest, and, over
/// 100 %, why a shard could take more than that limit in a second. The
/// words name the limit but not "write": the row's label says that, and a
/// phone's lane has no room for both.
fn write_words(write: f64, limit: WriteLimit) -> (String, Option<&'static str>) {
    let percent = (write * 100.0).round();
    let limit = match limit {
        WriteLimit::Bytes => "1 MiB/s",
        WriteLimit::Records => "1,000 records/s",
    };
    let note = if percent > 200.0 {
        Some(OVER_200)
    } else if percent > 100.0 {
        Some(OVER_100)
    } else {
        None
    };
    (format!("{percent:.0} % of {limit} limit"), note)
}

/// The read bar's words: its share of the shard's read limit.
fn read_words(read: f64) -> String {
    format!("{:.0} % of 2 MiB/s limit", read * 100.0)
}

/// The shard's load in the last second against its write and read limits.
#[component]
fn HeatStrip(stream: &'static str, shard: ShardId) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let load = Memo::new(move |_| sim.shard_load(stream, shard));
    let write = Memo::new(move |_| load.with(|l| write_words(l.write, l.write_limit)));
    let bar = move |fraction: f64| format!("{:.0}%", (fraction * 100.0).min(100.0));
    view! {
        <div class="heat" aria-label=move || {
            format!("Last second: writes at {}, reads at {}", write.with(|w| w.0.clone()), read_words(load.get().read))
        }>
            <div class="heat-row">
                <span class="heat-label" title="Writes in the last second against the shard's limit: 1 MiB or 1,000 records a second">"write"</span>
                <span class="heat-track"><span class=move || fill_class("write", load.get().write) style:width=move || bar(load.get().write)></span></span>
                <span class="heat-value mono">{move || write.with(|w| w.0.clone())}</span>
            </div>
            {move || write.with(|w| w.1).map(|note| view! { <p class="heat-note muted">{note}</p> })}
            <div class="heat-row">
                <span class="heat-label" title="Reads in the last second against the shard's limit: 2 MiB a second, shared by polling consumers">"read"</span>
                <span class="heat-track"><span class=move || fill_class("read", load.get().read) style:width=move || bar(load.get().read)></span></span>
                <span class="heat-value mono">{move || read_words(load.get().read)}</span>
            </div>
            {move || {
                let l = load.get();
                (l.write_throttled + l.read_throttled > 0).then(|| view! {
                    <p class="throttled" role="status">
                        {format!("Throttled last second: {} writes, {} reads", l.write_throttled, l.read_throttled)}
                    </p>
                })
            }}
            {move || (load.get().write >= HOT_WRITE_LOAD).then(|| hot_key(&sim.newest_records(stream, shard, HOT_KEY_SAMPLE))).flatten().map(|(key, percent)| view! {
                <p class="hot-key muted small">
                    {format!(
                        "Hot key: {key} wrote {percent} % of this shard's newest records. A split divides hash key ranges, not a key: \
                         every record of {key} still goes to one child shard."
                    )}
                </p>
            })}
        </div>
    }
}

/// The lanes of one page, and, when there is more than one, buttons to
/// turn the pages above and below them. Paged, the open shards come first:
/// after much resharding most lanes are closed ones.
#[component]
fn LanePages(stream: &'static str, shards: Memo<Vec<ShardView>>) -> impl IntoView {
    let page = RwSignal::new(0_usize);
    let window = Memo::new(move |_| lane_page(page.get(), shards.with(Vec::len)));
    let shown = move || {
        let (range, pages) = window.get();
        shards.with(|all| {
            if pages == 1 {
                return all.clone();
            }
            let (open, closed): (Vec<&ShardView>, Vec<&ShardView>) = all.iter().partition(|s| s.is_open());
            open.into_iter().chain(closed).skip(range.start).take(range.len()).cloned().collect::<Vec<_>>()
        })
    };
    // A page past the last (after a merge) shows the last.
    let turn = move |by: isize| {
        let (range, pages) = window.get_untracked();
        let now = range.start / LANES_PER_PAGE;
        page.set(now.saturating_add_signed(by).min(pages - 1));
    };
    let pager = move |top: bool| {
        move || {
            let (range, pages) = window.get();
            (pages > 1).then(|| {
                let now = range.start / LANES_PER_PAGE;
                let (open, total) = shards.with(|all| (all.iter().filter(|s| s.is_open()).count(), all.len()));
                let order = if open < total { ", open first" } else { "" };
                let words = format!("Lanes {}–{} of {total}{order}", range.start + 1, range.end);
                // Both bars turn the pages; the top one announces the page.
                let label = if top { "Pages of shard lanes" } else { "Pages of shard lanes, below them" };
                view! {
                    <nav class="lane-pages" aria-label=label>
                        <button on:click=move |_| turn(-1) disabled=move || { now == 0 } aria-label="Previous shards">"← Previous"</button>
                        <span role=top.then_some("status")>{words}</span>
                        <button on:click=move |_| turn(1) disabled=move || { now + 1 == pages } aria-label="Next shards">"Next →"</button>
                    </nav>
                }
            })
        }
    };
    view! {
        {pager(true)}
        <ol class="lanes" aria-label="Shards">
            // Keyed by shard (and whether it is closed), not by its
            // record count: a lane stays in place as records arrive.
            <For each=shown key=|s| (s.id, s.is_open()) children=move |shard| view! { <Lane stream=stream shard=shard shards=shards /> } />
        </ol>
        {pager(false)}
    }
}

#[component]
fn Lane(stream: &'static str, shard: ShardView, shards: Memo<Vec<ShardView>>) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let Selection(selected) = expect_context::<Selection>();
    let id = shard.id;
    let records = move || sim.newest_records(stream, id, LANE_RECORDS);
    // One Tab stop per lane (a roving tabindex): the chip last focused while
    // it is still shown, else the first; arrow keys move among the chips.
    let focused = RwSignal::new(None);
    let shown = Memo::new(move |_| records().iter().map(Record::sequence_number).collect::<Vec<_>>());
    let tab_stop = Memo::new(move |_| {
        shown.with(|all| focused.get().filter(|f| all.contains(f)).or_else(|| all.first().copied()))
    });
    let n_records = move || shards.with(|all| all.iter().find(|s| s.id == id).map_or(0, |s| s.n_records));
    let range_title = format!("StartingHashKey {} · EndingHashKey {}", shard.range.start(), shard.range.end());
    let open = shard.is_open();
    let origin = shards.with_untracked(|all| origin_words(&shard, all));
    view! {
        <li class="lane" class:closed=!open data-shard=id.to_string()>
            <div class="lane-head">
                <span class=format!("swatch c{}", id.index() as usize % PALETTE_SIZE) aria-hidden="true"></span>
                <strong class="mono">{id.to_string()}</strong>
                <span class="range mono" title=range_title>
                    {format!("{} … {}", short_hash_key(shard.range.start()), short_hash_key(shard.range.end()))}
                </span>
                <span class="muted share">{ring_share(shard.range)}</span>
                <span class="count">{move || plural(n_records(), "record")}</span>
                {(!open).then(|| view! { <span class="badge closed-badge">"closed"</span> })}
                {origin.map(|words| view! { <span class="origin muted">{words}</span> })}
            </div>
            <HeatStrip stream=stream shard=id />
            <ol class="tokens" aria-label=format!("Newest records in {id}")>
                <For each=records key=|r| r.sequence_number() children=move |r| {
                            let seq = r.sequence_number().to_string();
                            let title = format!("PartitionKey {} · SequenceNumber {seq}", r.partition_key());
                            let sequence_number = r.sequence_number();
                            view! {
                                <li>
                                    <button
                                        class=format!("token c{}", key_colour(r.partition_key()))
                                        class:selected=move || selected.get() == Some(sequence_number)
                                        title=title
                                        tabindex=move || if tab_stop.get() == Some(sequence_number) { "0" } else { "-1" }
                                        on:focus=move |_| focused.set(Some(sequence_number))
                                        on:keydown=move |ev| {
                                            if let Some(to) = shown.with_untracked(|all| chip_after_key(all, sequence_number, &ev.key())) {
                                                ev.prevent_default();
                                                focus_chip(&ev, to);
                                            }
                                        }
                                        on:click=move |_| {
                                            selected.set(Some(sequence_number));
                                            // Once the inspector shows the record.
                                            request_animation_frame(crate::components::inspector::reveal);
                                        }
                                    >
                                        <span class="token-key">{r.partition_key().to_string()}</span>
                                        <span class="token-seq mono">{sequence_tail(&seq, 3)}</span>
                                    </button>
                                </li>
                            }
                } />
            </ol>
        </li>
    }
}

/// Where an arrow key (or Home, End) moves focus from the chip `from` among
/// a lane's chips `all`, as an index; `None` for any other key.
fn chip_after_key<T: PartialEq>(all: &[T], from: T, key: &str) -> Option<usize> {
    let at = all.iter().position(|s| *s == from)?;
    let last = all.len().checked_sub(1)?;
    match key {
        "ArrowRight" | "ArrowDown" => Some((at + 1).min(last)),
        "ArrowLeft" | "ArrowUp" => Some(at.saturating_sub(1)),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

/// Focuses the chip at `index` in the lane of the chip that `ev` came from.
fn focus_chip(ev: &leptos::ev::KeyboardEvent, index: usize) {
    use wasm_bindgen::JsCast;
    let chip = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let list = chip.and_then(|c| c.closest("ol").ok().flatten());
    let target =
        list.and_then(|l| l.query_selector(&format!(":scope > li:nth-child({}) > button", index + 1)).ok().flatten());
    if let Some(button) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = button.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_keys_move_among_a_lanes_chips_and_stop_at_its_ends() {
        let all = [10, 11, 12];
        assert_eq!(chip_after_key(&all, 10, "ArrowRight"), Some(1));
        assert_eq!(chip_after_key(&all, 11, "ArrowDown"), Some(2));
        assert_eq!(chip_after_key(&all, 12, "ArrowRight"), Some(2));
        assert_eq!(chip_after_key(&all, 11, "ArrowLeft"), Some(0));
        assert_eq!(chip_after_key(&all, 10, "ArrowUp"), Some(0));
        assert_eq!(chip_after_key(&all, 11, "Home"), Some(0));
        assert_eq!(chip_after_key(&all, 10, "End"), Some(2));
        assert_eq!(chip_after_key(&all, 10, "Enter"), None);
        assert_eq!(chip_after_key(&all, 99, "ArrowRight"), None);
    }

    #[test]
    fn lanes_are_drawn_a_page_at_a_time() {
        let cases = [
            // (page asked for, shards) → (lanes drawn, pages)
            ((0, 0), (0..0, 1)),
            ((0, 4), (0..4, 1)),
            ((0, LANES_PER_PAGE), (0..LANES_PER_PAGE, 1)),
            ((1, LANES_PER_PAGE + 1), (LANES_PER_PAGE..LANES_PER_PAGE + 1, 2)),
            ((312, 10_000), (9_984..10_000, 313)),
            // Past the last page (the stream merged down): the last page.
            ((400, 10_000), (9_984..10_000, 313)),
            ((3, 4), (0..4, 1)),
        ];
        for ((page, total), want) in cases {
            assert_eq!(lane_page(page, total), want, "page {page} of {total} shards");
        }
    }

    #[test]
    fn the_write_bar_names_its_limit_and_says_why_it_passes_100_percent() {
        let cases = [
            (0.0, WriteLimit::Bytes, "0 % of 1 MiB/s limit", None),
            (0.42, WriteLimit::Records, "42 % of 1,000 records/s limit", None),
            (1.0, WriteLimit::Bytes, "100 % of 1 MiB/s limit", None),
            // Lesson 7's backfill: 1,900 records in one second.
            (1.9, WriteLimit::Records, "190 % of 1,000 records/s limit", Some(OVER_100)),
            (1.714, WriteLimit::Bytes, "171 % of 1 MiB/s limit", Some(OVER_100)),
            (2.0, WriteLimit::Records, "200 % of 1,000 records/s limit", Some(OVER_100)),
            // One 5 MiB record on a full bucket.
            (5.0, WriteLimit::Bytes, "500 % of 1 MiB/s limit", Some(OVER_200)),
        ];
        for (write, limit, words, note) in cases {
            assert_eq!(write_words(write, limit), (words.to_string(), note), "{write} of {limit:?}");
        }
    }
}
