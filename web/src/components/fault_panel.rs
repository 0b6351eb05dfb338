//! Fault and change buttons: the things learners break and fix, one click
//! each, every one sent as the API call a real operator would make (and
//! shown with its CLI command).

use leptos::prelude::*;
use serde_json::{Value, json};
use shardlab_core::metrics::Writes;
use shardlab_core::{ConsumerSummary, Duration, ShardId, ShardView, base64, limits};

use crate::components::api_call::{ApiCall, ApiCallView};
use crate::permissions::Permissions;
use crate::sim_handle::SimHandle;

/// Builds a button's request body from the current state; `None` when the
/// change does not apply (no two open shards to merge).
type RequestBody = Box<dyn Fn() -> Option<Value> + Send + Sync>;

/// How far back "hottest" and "coldest" look: recent enough to be the
/// current load.
const RECENT: Duration = Duration::from_secs(60);

/// What `shard` took over the last minute, given `recent`
/// ([`SimHandle::recent_writes`] over [`RECENT`]).
fn recent_writes_of(recent: &[(ShardId, Writes)], shard: &ShardView) -> Writes {
    recent.iter().find(|(id, _)| *id == shard.id).map(|&(_, w)| w).unwrap_or_default()
}

/// The open shard that took the most writes over the last minute (of
/// equals, the one holding the most records), and where to split it in two
/// halves. Not by records held alone: a shard full of old records may be
/// quiet now.
fn split_of_hottest(shards: &[ShardView], recent: &[(ShardId, Writes)]) -> Option<Value> {
    let load = |shard: &ShardView| recent_writes_of(recent, shard).load(RECENT).0;
    let hottest = shards
        .iter()
        .filter(|s| s.is_open())
        .max_by(|a, b| load(a).total_cmp(&load(b)).then(a.n_records.cmp(&b.n_records)))?;
    let (start, end) = (hottest.range.start().0, hottest.range.end().0);
    Some(json!({
        "ShardToSplit": hottest.id.to_string(),
        "NewStartingHashKey": (start + (end - start) / 2 + 1).to_string(),
    }))
}

/// The pair of adjacent open shards whose merged shard would have been the
/// least loaded over the last minute, given `recent`; the leftmost on a tie.
/// Not by records held: those include old ones, and the children of a split
/// hold few but may be the hot part of the stream.
fn merge_of_coldest(shards: &[ShardView], recent: &[(ShardId, Writes)]) -> Option<Value> {
    let mut open: Vec<&ShardView> = shards.iter().filter(|s| s.is_open()).collect();
    open.sort_by_key(|s| s.range.start().0);
    let merged_load =
        |(a, b): &(&ShardView, &ShardView)| (recent_writes_of(recent, a) + recent_writes_of(recent, b)).load(RECENT).0;
    let (a, b) =
        open.windows(2).map(|pair| (pair[0], pair[1])).min_by(|x, y| merged_load(x).total_cmp(&merged_load(y)))?;
    Some(json!({"ShardToMerge": a.id.to_string(), "AdjacentShardToMerge": b.id.to_string()}))
}

/// How long the consumer stall lasts: a minute longer than a shard iterator
/// stays valid, so the consumer meets `ExpiredIteratorException`.
const STALL_MILLIS: u64 = limits::ITERATOR_LIFETIME.as_millis() + 60_000;

/// A stall of the first polling consumer of `stream` that is not paused.
fn stall_of_first_running(consumers: &[ConsumerSummary], stream: &str) -> Option<Value> {
    let consumer = consumers.iter().find(|c| c.stream == stream && c.paused_until.is_none())?;
    Some(json!({"ConsumerId": consumer.id.0, "Millis": STALL_MILLIS}))
}

/// The buttons, for `stream`; each shows only if the page allows its call,
/// and is disabled while its change does not apply.
#[component]
pub fn FaultPanel(stream: &'static str) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let permissions = expect_context::<Permissions>();
    let last_call = RwSignal::new(None::<ApiCall>);
    let send = move |target: &str, body: Value| last_call.set(Some(ApiCall::send(sim, target, body)));
    // Read once a tick for both buttons that look at the shards and their load.
    let shards = Memo::new(move |_| sim.stream(stream).map(|s| s.shards).unwrap_or_default());
    let recent = Memo::new(move |_| sim.recent_writes(stream, RECENT));
    let with_stream = move |mut body: Value| {
        body["StreamName"] = stream.into();
        body
    };
    let buttons: Vec<(&'static str, &'static str, RequestBody)> = vec![
        (
            "Split the hottest shard",
            "Kinesis_20131202.SplitShard",
            Box::new(move || shards.with(|all| recent.with(|recent| split_of_hottest(all, recent))).map(with_stream)),
        ),
        (
            "Merge the two coldest neighbours",
            "Kinesis_20131202.MergeShards",
            Box::new(move || shards.with(|all| recent.with(|recent| merge_of_coldest(all, recent))).map(with_stream)),
        ),
        (
            "Raise retention to 7 days",
            "Kinesis_20131202.IncreaseStreamRetentionPeriod",
            Box::new(move || Some(with_stream(json!({"RetentionPeriodHours": 168})))),
        ),
        (
            "Lower retention to 24 hours",
            "Kinesis_20131202.DecreaseStreamRetentionPeriod",
            Box::new(move || Some(with_stream(json!({"RetentionPeriodHours": 24})))),
        ),
        (
            "Put a poison record",
            "Kinesis_20131202.PutRecord",
            Box::new(move || {
                Some(with_stream(json!({"PartitionKey": "poison", "Data": base64::encode(b"POISON: not valid JSON")})))
            }),
        ),
        (
            "Stall the consumer for 6 minutes",
            "Shardlab.PauseConsumer",
            Box::new(move || stall_of_first_running(&sim.consumers(0), stream)),
        ),
        (
            "Throttle: 3,000 writes to one key",
            "Shardlab.StartGenerator",
            Box::new(move || {
                Some(with_stream(
                    json!({"RecordsPerSecond": 3000, "Keys": {"Distribution": "HOT_KEY", "HotPercent": 100}}),
                ))
            }),
        ),
    ];
    let allowed: Vec<_> = buttons.into_iter().filter(|(_, target, _)| permissions.allows(target)).collect();
    (!allowed.is_empty()).then(|| {
        view! {
            <section class="panel faults" aria-labelledby="faults-title">
                <header class="panel-head">
                    <h2 id="faults-title">"Break it, fix it"</h2>
                    <p class="muted">"One-click changes, each sent as the API call an operator would make"</p>
                </header>
                <div class="fault-buttons">
                    {allowed.into_iter().map(|(label, target, body)| {
                        let body = Memo::new(move |_| body());
                        view! {
                            <button
                                disabled=move || body.with(Option::is_none)
                                on:click=move |_| {
                                    if let Some(body) = body.get_untracked() {
                                        send(target, body);
                                    }
                                }
                            >{label}</button>
                        }
                    }).collect_view()}
                </div>
                {move || last_call.get().map(|call| view! { <ApiCallView call=call open=true /> })}
            </section>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shardlab_core::{
        ConsumerId, CreateStreamInput, Duration, PutRecordInput, ShardId, Simulation, StartingPosition, api, limits,
    };

    /// A 4-shard stream after one record for each of `keys`, and the second
    /// they were written in has ended (so that its metrics count).
    fn sim_after(keys: &[&str]) -> Simulation {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("s", 4)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        for key in keys {
            sim.put_record(PutRecordInput::new("s", *key, b"x".to_vec())).unwrap();
        }
        sim.advance(Duration::from_secs(1));
        sim
    }

    #[test]
    fn the_hottest_shard_is_split_in_the_middle() {
        // user-42 lands in shardId-000000000001, which owns the second quarter.
        let sim = sim_after(&["user-42", "user-42", "user-1"]);
        let split = split_of_hottest(&sim.stream("s").unwrap().shards, &sim.recent_writes("s", RECENT)).unwrap();
        assert_eq!(split["ShardToSplit"], "shardId-000000000001");
        let quarter = 1u128 << 126;
        assert_eq!(split["NewStartingHashKey"], (quarter + quarter / 2).to_string());
    }

    #[test]
    fn the_busy_shard_is_split_not_the_one_full_of_old_records() {
        let sim = busy_beside_full();
        let split = split_of_hottest(&sim.stream("s").unwrap().shards, &sim.recent_writes("s", RECENT)).unwrap();
        assert_eq!(split["ShardToSplit"], "shardId-000000000000", "shard 1 holds more records, taken an hour ago");
        // With no writes in the last minute, the records held decide.
        let split = split_of_hottest(&sim.stream("s").unwrap().shards, &[]).unwrap();
        assert_eq!(split["ShardToSplit"], "shardId-000000000001");
    }

    #[test]
    fn the_stall_goes_to_the_first_running_consumer_of_the_stream() {
        let mut sim = Simulation::new();
        for stream in ["other", "s"] {
            sim.create_stream(CreateStreamInput::provisioned(stream, 1)).unwrap();
        }
        sim.advance(limits::STREAM_CREATE_DELAY);
        let stall = |sim: &Simulation| stall_of_first_running(&sim.consumer_summaries(0), "s");
        assert_eq!(stall(&sim), None, "no consumer, nothing to stall");
        for stream in ["other", "s", "s"] {
            sim.start_polling_consumer(stream, StartingPosition::TrimHorizon).unwrap();
        }
        assert_eq!(stall(&sim), Some(json!({"ConsumerId": 1, "Millis": 360_000})));
        sim.pause_consumer(ConsumerId(1), Duration::from_secs(360)).unwrap();
        assert_eq!(stall(&sim), Some(json!({"ConsumerId": 2, "Millis": 360_000})), "the paused one is skipped");
        sim.pause_consumer(ConsumerId(2), Duration::from_secs(360)).unwrap();
        assert_eq!(stall(&sim), None, "every consumer of the stream is stalled already");
    }

    /// A 2-shard stream where, for the last 30 seconds, shard 0 took 40
    /// writes a second spread over its hash keys and shard 1 one a second,
    /// after shard 1 had taken 2,000 writes an hour earlier.
    fn busy_beside_full() -> Simulation {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("s", 2)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        let half = 1u128 << 127;
        let put_at = |sim: &mut Simulation, hash_key: u128| {
            let mut input = PutRecordInput::new("s", "k", b"x".to_vec());
            input.explicit_hash_key = Some(hash_key.to_string());
            sim.put_record(input).unwrap();
        };
        for i in 0..2000u128 {
            put_at(&mut sim, half + i);
            if i % 500 == 499 {
                sim.advance(Duration::from_secs(1));
            }
        }
        sim.advance(Duration::from_secs(3600));
        for _ in 0..30 {
            for i in 0..40u128 {
                // Evenly over shard 0's range: both of its halves are hot.
                put_at(&mut sim, i * (half / 40));
            }
            put_at(&mut sim, half);
            sim.advance(Duration::from_secs(1));
        }
        sim
    }

    /// [`busy_beside_full`], after shard 0 is split in half and the split
    /// completes.
    fn hot_shard_split() -> Simulation {
        let mut sim = busy_beside_full();
        sim.split_shard("s", ShardId::new(0), &(1u128 << 126).to_string()).unwrap();
        sim.advance(limits::RESHARD_DELAY);
        sim
    }

    #[test]
    fn the_children_of_a_hot_shard_just_split_are_not_merged_back() {
        let sim = hot_shard_split();
        let merge = merge_of_coldest(&sim.stream("s").unwrap().shards, &sim.recent_writes("s", RECENT)).unwrap();
        // Open, in hash-key order: 2 and 3 (the hot halves), then 1 (quiet for
        // the last minute, though it holds the most records).
        assert_eq!(
            merge,
            json!({"ShardToMerge": "shardId-000000000003", "AdjacentShardToMerge": "shardId-000000000001"})
        );
    }

    /// Lesson 15's hot shard, cured with the two buttons alone: press
    /// "Split the hottest shard", step three seconds, press "Merge the two
    /// coldest neighbours", and let the graded minute run.
    #[test]
    fn the_resharding_lesson_is_solved_with_the_two_buttons() {
        let course = shardlab_lessons::Course::load_trusted().unwrap();
        let lesson = course.lesson("resharding-hot-shards").unwrap();
        let mut sim = lesson.start();
        let press = |sim: &mut Simulation, target: &str, body: Option<Value>| {
            let mut body = body.expect("the button applies");
            body["StreamName"] = "clicks".into();
            let response = api::handle(sim, target, &body.to_string());
            assert_eq!(response.status, 200, "{target}: {}", response.body);
            body
        };
        let shards = |sim: &Simulation| sim.stream("clicks").unwrap().shards;
        let split = split_of_hottest(&shards(&sim), &sim.recent_writes("clicks", RECENT));
        let split = press(&mut sim, "Kinesis_20131202.SplitShard", split);
        assert_eq!(split["ShardToSplit"], "shardId-000000000002");
        assert_eq!(split["NewStartingHashKey"], "212676479325586539664609129644855132160");
        sim.advance(Duration::from_secs(3));
        let merge = merge_of_coldest(&shards(&sim), &sim.recent_writes("clicks", RECENT));
        let merge = press(&mut sim, "Kinesis_20131202.MergeShards", merge);
        assert_eq!(merge["ShardToMerge"], "shardId-000000000000", "{merge}");
        assert_eq!(merge["AdjacentShardToMerge"], "shardId-000000000001", "{merge}");
        sim.advance(Duration::from_secs(100));
        let unmet: Vec<_> = lesson.check(&sim).into_iter().filter(|g| !g.met).map(|g| g.detail).collect();
        assert!(unmet.is_empty(), "{unmet:?}");
    }

    #[test]
    fn the_coldest_adjacent_pair_is_merged() {
        // Coldest by writes in the last minute: shard 1 took two records and
        // shard 3 one, so the pairs 0–1 and 1–2 took two, and 2–3 one, the
        // fewest. An idle stream merges its leftmost pair.
        let cases: [(&[&str], [&str; 2]); 2] = [
            (&["user-42", "user-42", "user-1"], ["shardId-000000000002", "shardId-000000000003"]),
            (&[], ["shardId-000000000000", "shardId-000000000001"]),
        ];
        for (keys, [a, b]) in cases {
            let sim = sim_after(keys);
            let merge = merge_of_coldest(&sim.stream("s").unwrap().shards, &sim.recent_writes("s", RECENT));
            assert_eq!(merge, Some(json!({"ShardToMerge": a, "AdjacentShardToMerge": b})), "{keys:?}");
        }
    }
}
