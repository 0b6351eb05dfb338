//! CloudWatch-style charts of the stream's metrics over the last minute of
//! simulated time, an alarm the learner sets on them, and the stream's bill.

use leptos::prelude::*;
use shardlab_core::metrics::{Alarm, AlarmState, Datapoint, MetricName};
use shardlab_core::{Duration, Instant};

use crate::sim_handle::SimHandle;

/// The metrics offered, with whether an alarm reads their `Maximum` (ages) or `Sum`.
const METRICS: [(MetricName, bool); 6] = [
    (MetricName::IncomingRecords, false),
    (MetricName::IncomingBytes, false),
    (MetricName::WriteProvisionedThroughputExceeded, false),
    (MetricName::ReadProvisionedThroughputExceeded, false),
    (MetricName::GetRecordsIteratorAgeMilliseconds, true),
    (MetricName::OutgoingRecords, false),
];

/// Seconds of history the chart shows.
const WINDOW_SECS: u64 = 60;

/// Chart size in SVG units; it scales to the panel.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 140.0;

/// The chart's points, `x,y` in SVG units, one per second of the window.
fn polyline(points: &[(u64, f64)], max: f64) -> String {
    let max = if max > 0.0 { max } else { 1.0 };
    points
        .iter()
        .map(|&(second, value)| {
            let x = second as f64 / (WINDOW_SECS - 1) as f64 * WIDTH;
            let y = HEIGHT - value / max * (HEIGHT - 10.0);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
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
        let (metric, _) = METRICS[chosen.get()];
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
                        {METRICS.iter().enumerate().map(|(i, (metric, _))| view! {
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
                let max = pts.iter().map(|p| p.1).fold(alarm().map_or(0.0, |a| a.threshold), f64::max);
                let threshold_y = alarm().map(|a| HEIGHT - a.threshold / if max > 0.0 { max } else { 1.0 } * (HEIGHT - 10.0));
                let label = format!("{} over the last {WINDOW_SECS} s; highest {max}", METRICS[chosen.get()].0);
                view! {
                    <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" role="img" aria-label=label>
                        <polyline class="series" points=polyline(&pts, max) />
                        {threshold_y.map(|y| view! { <line class="threshold" x1="0" x2=WIDTH.to_string() y1=y.to_string() y2=y.to_string() /> })}
                    </svg>
                    <p class="muted small">{format!("Peak {max} · {} seconds with data", pts.len())}</p>
                }
            }}
            <details class="metrics-data">
                <summary>"The datapoints as a table"</summary>
                <table class="metrics-table" tabindex="0">
                    <caption>{move || format!("{} per second", METRICS[chosen.get()].0)}</caption>
                    <thead><tr><th scope="col">"Second (UTC)"</th><th scope="col">"Value"</th></tr></thead>
                    <tbody>
                        {move || series.with(|(_, _, datapoints)| datapoints.iter().rev().take(20).map(|d| view! {
                            <tr><td class="mono">{d.timestamp.to_string()}</td><td>{statistic(d)}</td></tr>
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
