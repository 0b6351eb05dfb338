//! CloudWatch-style charts of the stream's metrics over the last minute of
//! simulated time, an alarm the learner sets on them, and the stream's bill.

use leptos::prelude::*;
use shardlab_core::metrics::{Alarm, AlarmState, Datapoint, MetricName};
use shardlab_core::{Duration, Instant};

use crate::format::count;
use crate::sim_handle::SimHandle;

/// The metrics offered: whether an alarm reads their `Maximum` (ages) or
/// `Sum`, and the unit of one per-second datapoint.
const METRICS: [(MetricName, bool, &str); 6] = [
    (MetricName::IncomingRecords, false, "records/s"),
    (MetricName::IncomingBytes, false, "bytes/s"),
    (MetricName::WriteProvisionedThroughputExceeded, false, "records throttled/s"),
    (MetricName::ReadProvisionedThroughputExceeded, false, "reads throttled/s"),
    (MetricName::GetRecordsIteratorAgeMilliseconds, true, "ms behind"),
    (MetricName::OutgoingRecords, false, "records/s"),
];

/// Seconds of history the chart shows.
const WINDOW_SECS: u64 = 60;

/// Chart size in SVG units; it scales to the panel. The plot keeps a margin
/// at the bottom so that a series at zero is drawn above the axis, not on it.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 140.0;
const BOTTOM: f64 = HEIGHT - 6.0;
const TOP: f64 = 8.0;

/// The top of the value axis: the smallest 1, 2 or 5 × 10ⁿ at or above `max`.
fn axis_top(max: f64) -> f64 {
    if max.is_nan() || max <= 0.0 {
        return 1.0;
    }
    let mut step = 1.0;
    while step * 10.0 <= max {
        step *= 10.0;
    }
    while step > max {
        step /= 10.0;
    }
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * step).find(|&top| top >= max).unwrap_or(10.0 * step)
}

/// An axis value as the page prints numbers: `2,500`, `0.5`, never `-0`.
fn axis_label(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 { count(value.abs() as u64) } else { format!("{value:.1}") }
}

fn y_of(value: f64, top: f64) -> f64 {
    BOTTOM - value / top * (BOTTOM - TOP)
}

/// The series as runs of consecutive seconds: a second without a datapoint
/// is a gap (no data), while a datapoint of 0 is drawn at 0.
fn runs(points: &[(u64, f64)]) -> Vec<&[(u64, f64)]> {
    let mut runs = Vec::new();
    let mut start = 0;
    for idx in 1..=points.len() {
        if idx == points.len() || points[idx].0 != points[idx - 1].0 + 1 {
            runs.push(&points[start..idx]);
            start = idx;
        }
    }
    runs.retain(|run| !run.is_empty());
    runs
}

/// One run's points, `x,y` in SVG units. A run of one second is drawn as a
/// short dash, so that a single datapoint shows.
fn polyline(run: &[(u64, f64)], top: f64) -> String {
    let x_of = |second: u64| second as f64 / (WINDOW_SECS - 1) as f64 * WIDTH;
    match run {
        [(second, value)] => {
            let (x, y) = (x_of(*second), y_of(*value, top));
            format!("{:.1},{y:.1} {:.1},{y:.1}", (x - 3.0).max(0.0), (x + 3.0).min(WIDTH))
        }
        _ => run
            .iter()
            .map(|&(second, value)| format!("{:.1},{:.1}", x_of(second), y_of(value, top)))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The metrics panel for `stream`.
#[component]
pub fn MetricsPanel(stream: &'static str) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let chosen = RwSignal::new(0usize);
    let threshold = RwSignal::new(String::new());
    let periods = RwSignal::new(String::from("3"));

    // The last complete seconds' datapoints of the chosen metric.
    let series = Memo::new(move |_| {
        let (metric, _, _) = METRICS[chosen.get()];
        let now = sim.now();
        let end = Instant::from_epoch_millis(now.epoch_millis() / 1000 * 1000);
        let start = end.checked_sub(Duration::from_secs(WINDOW_SECS)).unwrap_or(end);
        (start, end, sim.metric_statistics(stream, metric, Duration::from_secs(1), start, end))
    });
    let statistic = move |d: &Datapoint| if METRICS[chosen.get_untracked()].1 { d.maximum } else { d.sum };
    let points = move || {
        series.with(|(start, _, datapoints)| {
            datapoints
                .iter()
                .map(|d| (d.timestamp.saturating_since(*start).as_millis() / 1000, statistic(d)))
                .collect::<Vec<_>>()
        })
    };
    let alarm = move || {
        let threshold = threshold.get().trim().parse::<f64>().ok()?;
        let evaluation_periods = periods.get().trim().parse::<u32>().ok().filter(|p| (1..=60).contains(p))?;
        Some(Alarm { threshold, evaluation_periods, use_maximum: METRICS[chosen.get()].1 })
    };
    let alarm_state = move || {
        let alarm = alarm()?;
        series.with(|(_, end, datapoints)| {
            let newest = end.checked_sub(Duration::from_secs(1))?;
            Some(alarm.evaluate(datapoints, newest, Duration::from_secs(1)))
        })
    };
    let cost = Memo::new(move |_| sim.cost(stream));

    view! {
        <section class="panel metrics" aria-labelledby="metrics-title">
            <header class="panel-head">
                <h2 id="metrics-title">"Metrics"</h2>
                <p class="muted">"Per-second CloudWatch series of the stream over the last minute of simulated time"</p>
            </header>
            <div class="metrics-controls">
                <label><span>"Metric"</span>
                    <select name="metric" on:change=move |ev| { if let Ok(i) = event_target_value(&ev).parse() { chosen.set(i) } }>
                        {METRICS.iter().enumerate().map(|(i, (metric, _, _))| view! {
                            <option value=i.to_string() selected=move || chosen.get() == i>{metric.to_string()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label><span>"Alarm at ≥"</span>
                    <input name="threshold" inputmode="decimal" placeholder="threshold" prop:value=move || threshold.get() on:input=move |ev| threshold.set(event_target_value(&ev)) />
                </label>
                <label><span>"for periods (s)"</span>
                    <input name="periods" inputmode="numeric" prop:value=move || periods.get() on:input=move |ev| periods.set(event_target_value(&ev)) />
                </label>
                {move || alarm_state().map(|state| {
                    let (class, text) = match state {
                        AlarmState::Alarm => ("alarm-state alarm", "ALARM"),
                        AlarmState::Ok => ("alarm-state ok", "OK"),
                        AlarmState::InsufficientData => ("alarm-state none", "INSUFFICIENT_DATA"),
                    };
                    view! { <span class=class role="status">{text}</span> }
                })}
            </div>
            {move || {
                let pts = points();
                let (metric, _, unit) = METRICS[chosen.get()];
                let max = pts.iter().map(|p| p.1).fold(alarm().map_or(0.0, |a| a.threshold), f64::max);
                let top = axis_top(max);
                let threshold_y = alarm().map(|a| y_of(a.threshold, top));
                let label = format!(
                    "{metric} in {unit} over the last {WINDOW_SECS} s; peak {}; {} seconds with data",
                    axis_label(max),
                    pts.len()
                );
                view! {
                    <figure class="chart-frame">
                        <div class="y-axis" aria-hidden="true">
                            <span>{axis_label(top)}</span>
                            <span>{axis_label(top / 2.0)}</span>
                            <span>"0"</span>
                        </div>
                        <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" role="img" aria-label=label>
                            <line class="grid" x1="0" x2=WIDTH.to_string() y1=y_of(top / 2.0, top).to_string() y2=y_of(top / 2.0, top).to_string() />
                            <line class="zero" x1="0" x2=WIDTH.to_string() y1=BOTTOM.to_string() y2=BOTTOM.to_string() />
                            {runs(&pts).into_iter().map(|run| view! { <polyline class="series" points=polyline(run, top) /> }).collect_view()}
                            {threshold_y.map(|y| view! { <line class="threshold" x1="0" x2=WIDTH.to_string() y1=y.to_string() y2=y.to_string() /> })}
                        </svg>
                        <div class="x-axis" aria-hidden="true">
                            <span>{format!("−{WINDOW_SECS} s")}</span>
                            <span>{format!("−{} s", WINDOW_SECS / 2)}</span>
                            <span>"now"</span>
                        </div>
                        <figcaption class="muted small">
                            {format!("{unit}, one point a second; gaps are seconds with no data. Peak {}; {} of {WINDOW_SECS} seconds with data.", axis_label(max), pts.len())}
                        </figcaption>
                    </figure>
                }
            }}
            <details class="metrics-data">
                <summary>"The datapoints as a table"</summary>
                <table class="metrics-table" tabindex="0">
                    <caption>{move || format!("{} ({})", METRICS[chosen.get()].0, METRICS[chosen.get()].2)}</caption>
                    <thead><tr><th scope="col">"Second (UTC)"</th><th scope="col">"Value"</th></tr></thead>
                    <tbody>
                        {move || series.with(|(_, _, datapoints)| datapoints.iter().rev().take(20).map(|d| view! {
                            <tr><td class="mono">{d.timestamp.to_string()}</td><td>{axis_label(statistic(d))}</td></tr>
                        }).collect_view())}
                    </tbody>
                </table>
            </details>
            {move || cost.get().map(|bill| view! {
                <div class="cost-meter">
                    <h3>"Cost so far (us-east-1 prices)"</h3>
                    <ul>
                        {bill.items.into_iter().filter(|i| i.cost.nanos() > 0).map(|item| view! {
                            <li><span>{item.name.to_string()}</span><span class="mono">{format!("{:.4}", item.cost)}</span></li>
                        }).collect_view()}
                    </ul>
                    <p class="total"><span>"Total"</span><span class="mono">{format!("{:.4}", bill.total)}</span></p>
                </div>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_tops_at_one_two_or_five_times_a_power_of_ten() {
        for (max, top) in [
            (0.0, 1.0),
            (-0.0, 1.0),
            (0.4, 0.5),
            (1.0, 1.0),
            (1.2, 2.0),
            (170.0, 200.0),
            (2000.0, 2000.0),
            (2001.0, 5000.0),
            (7_300_000.0, 10_000_000.0),
        ] {
            assert_eq!(axis_top(max), top, "max {max}");
        }
    }

    #[test]
    fn labels_group_thousands_and_never_say_minus_zero() {
        for (value, label) in [
            (0.0, "0"),
            (-0.0, "0"),
            (2500.0, "2,500"),
            (162000.0, "162,000"),
            (0.5, "0.5"),
            (1_000_000.0, "1,000,000"),
        ] {
            assert_eq!(axis_label(value), label);
        }
    }

    #[test]
    fn missing_seconds_split_the_series_and_a_lone_point_is_drawn() {
        let points = [(0, 5.0), (1, 0.0), (2, 0.0), (10, 3.0), (20, 1.0), (21, 2.0)];
        let lengths: Vec<usize> = runs(&points).iter().map(|r| r.len()).collect();
        assert_eq!(lengths, [3, 1, 2]);
        // A lone second is a dash of two points, not a single point SVG would not draw.
        assert_eq!(polyline(&points[3..4], 10.0).split(' ').count(), 2);
        // Zero is drawn at the zero line, above the frame's bottom edge.
        assert!(polyline(&points[1..2], 10.0).ends_with(&format!("{BOTTOM:.1}")));
        assert!(runs(&[]).is_empty());
    }
}
