//! Shard lineage after resharding: each generation of shards in a column,
//! each shard drawn over the part of the hash key space it owns (top 0,
//! bottom 2^128 − 1), with a line from every parent to its children. A split
//! shows as one bar becoming two; a merge as two becoming one.

use leptos::prelude::*;
use shardlab_core::{ShardId, ShardView};

use crate::format::{PALETTE_SIZE, ring_fractions};

const HEIGHT: f64 = 200.0;
const COLUMN: f64 = 96.0;
const BAR: f64 = 34.0;
const MARGIN: f64 = 6.0;

/// A shard's place in the drawing.
#[derive(Clone, Debug, PartialEq)]
struct Bar {
    id: ShardId,
    open: bool,
    /// 0 for a shard the stream was created with, else one more than its
    /// newest parent.
    generation: usize,
    /// Top and bottom, as fractions of the key space.
    top: f64,
    bottom: f64,
}

/// The bars, and the parent → child pairs, for `shards` in id order (a
/// parent always has a lower id than its children).
fn layout(shards: &[ShardView]) -> (Vec<Bar>, Vec<(ShardId, ShardId)>) {
    let mut bars: Vec<Bar> = Vec::with_capacity(shards.len());
    let mut edges = Vec::new();
    for shard in shards {
        let parents: Vec<ShardId> = shard.parent.into_iter().chain(shard.adjacent_parent).collect();
        let generation = parents
            .iter()
            .filter_map(|parent| bars.iter().find(|bar| bar.id == *parent))
            .map(|bar| bar.generation + 1)
            .max()
            .unwrap_or(0);
        edges.extend(parents.iter().map(|parent| (*parent, shard.id)));
        let (top, bottom) = ring_fractions(shard.range);
        bars.push(Bar { id: shard.id, open: shard.is_open(), generation, top, bottom });
    }
    (bars, edges)
}

fn x_of(generation: usize) -> f64 {
    MARGIN + generation as f64 * COLUMN
}

fn y_of(fraction: f64) -> f64 {
    MARGIN + fraction * HEIGHT
}

/// How a shard came to be, for its lane: "split from 0", "merged from 1 and 2".
pub fn origin_words(shard: &ShardView, shards: &[ShardView]) -> Option<String> {
    let parent = shard.parent?;
    Some(match shard.adjacent_parent {
        Some(adjacent) => format!("merged from {parent} and {adjacent}"),
        None => {
            let siblings = shards.iter().filter(|s| s.parent == Some(parent) && s.adjacent_parent.is_none()).count();
            if siblings > 1 { format!("split from {parent}") } else { format!("child of {parent}") }
        }
    })
}

/// Whether a parent of some shard is still listed: once retention has
/// dropped every closed shard, the children are one generation again, and
/// there is nothing to draw.
fn has_lineage(shards: &[ShardView]) -> bool {
    shards.iter().any(|s| s.parent.is_some_and(|parent| shards.iter().any(|p| p.id == parent)))
}

/// The drawing, shown once the stream has been resharded.
#[component]
pub fn ShardLineage(shards: Memo<Vec<ShardView>>) -> impl IntoView {
    let resharded = move || shards.with(|all| has_lineage(all));
    move || {
        resharded().then(|| {
            let (bars, edges) = shards.with(|all| layout(all));
            let columns = bars.iter().map(|bar| bar.generation + 1).max().unwrap_or(1);
            let width = 2.0 * MARGIN + (columns - 1) as f64 * COLUMN + BAR;
            let closed = bars.iter().filter(|bar| !bar.open).count();
            let summary = format!(
                "Shard lineage: {} shards over {columns} generations, {closed} closed; lines join parents to children",
                bars.len()
            );
            let centre = |id: ShardId| bars.iter().find(|bar| bar.id == id).map(|bar| (bar.generation, (bar.top + bar.bottom) / 2.0));
            let lines = edges
                .iter()
                .filter_map(|(parent, child)| {
                    let (from_gen, from_y) = centre(*parent)?;
                    let (to_gen, to_y) = centre(*child)?;
                    let (x1, y1, x2, y2) = (x_of(from_gen) + BAR, y_of(from_y), x_of(to_gen), y_of(to_y));
                    let mid = (x1 + x2) / 2.0;
                    Some(view! {
                        <path class="lineage-edge" d=format!("M {x1:.1} {y1:.1} C {mid:.1} {y1:.1}, {mid:.1} {y2:.1}, {x2:.1} {y2:.1}") />
                    })
                })
                .collect_view();
            let rects = bars
                .iter()
                .map(|bar| {
                    let (x, y) = (x_of(bar.generation), y_of(bar.top));
                    let height = (y_of(bar.bottom) - y - 2.0).max(2.0);
                    let class = if bar.open {
                        format!("lineage-bar c{}", bar.id.index() as usize % PALETTE_SIZE)
                    } else {
                        "lineage-bar closed".to_string()
                    };
                    let label = (height >= 14.0).then(|| view! {
                        <text class="lineage-label" x=format!("{:.1}", x + BAR / 2.0) y=format!("{:.1}", y + height / 2.0)>
                            {bar.id.index().to_string()}
                        </text>
                    });
                    view! {
                        <rect class=class x=format!("{x:.1}") y=format!("{y:.1}") width=BAR.to_string() height=format!("{height:.1}") rx="4" />
                        {label}
                    }
                })
                .collect_view();
            view! {
                <figure class="lineage">
                    <svg viewBox=format!("0 0 {width:.0} {:.0}", HEIGHT + 2.0 * MARGIN) role="img" aria-label=summary>
                        {lines}
                        {rects}
                    </svg>
                    <figcaption class="muted">"Lineage: each column a generation, each bar the hash keys it owns (grey: closed)"</figcaption>
                </figure>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use shardlab_core::{CreateStreamInput, Simulation, limits};

    use super::*;

    /// Shard 0 split into 2 and 3; then 3 merged with its neighbour 1 into 4.
    fn resharded() -> Vec<ShardView> {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("s", 2)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        let shards = || sim.stream("s").unwrap().shards;
        let first = shards()[0].clone();
        let middle = first.range.start().0 + (first.range.end().0 - first.range.start().0) / 2;
        sim.split_shard("s", first.id, &middle.to_string()).unwrap();
        sim.advance(limits::RESHARD_DELAY);
        let ids: Vec<ShardId> = sim.stream("s").unwrap().shards.iter().map(|s| s.id).collect();
        sim.merge_shards("s", ids[3], ids[1]).unwrap();
        sim.advance(limits::RESHARD_DELAY);
        sim.stream("s").unwrap().shards
    }

    #[test]
    fn the_lineage_is_drawn_while_a_parent_is_listed() {
        assert!(has_lineage(&resharded()));
        let children: Vec<ShardView> = resharded().into_iter().filter(|s| s.is_open()).collect();
        assert!(children.iter().any(|s| s.parent.is_some()), "the open shards still name their parents");
        assert!(!has_lineage(&children), "with every parent gone there is one generation");
    }

    #[test]
    fn generations_follow_splits_and_merges() {
        let shards = resharded();
        let (bars, edges) = layout(&shards);
        let generations: Vec<(u32, usize, bool)> = bars.iter().map(|b| (b.id.index(), b.generation, b.open)).collect();
        assert_eq!(generations, [(0, 0, false), (1, 0, false), (2, 1, true), (3, 1, false), (4, 2, true)]);
        let edges: Vec<(u32, u32)> = edges.iter().map(|(p, c)| (p.index(), c.index())).collect();
        assert_eq!(edges, [(0, 2), (0, 3), (3, 4), (1, 4)]);
    }

    #[test]
    fn lanes_say_where_a_shard_came_from() {
        let shards = resharded();
        let words: Vec<Option<String>> = shards.iter().map(|s| origin_words(s, &shards)).collect();
        assert_eq!(
            words,
            [
                None,
                None,
                Some("split from shardId-000000000000".into()),
                Some("split from shardId-000000000000".into()),
                Some("merged from shardId-000000000003 and shardId-000000000001".into()),
            ]
        );
    }
}
