//! Simulation-only observability: the metrics and the bill of a stream.
//!
//! `Shardlab.GetMetricStatistics` answers in the shape of CloudWatch's
//! `GetMetricStatistics` for the `AWS/Kinesis` namespace, with the
//! simulation's one-second resolution (see [`metrics`](crate::metrics)):
//!
//! ```text
//! {"StreamName": "s", "ShardId": "shardId-000000000000", "MetricName": "IncomingBytes",
//!  "Period": 60, "StartTime": 1767225600, "EndTime": 1767225660}
//! → {"Label": "IncomingBytes", "Datapoints": [{"Timestamp": 1767225600.0, "Sum": 10.0,
//!    "Minimum": 10.0, "Maximum": 10.0, "SampleCount": 1.0, "Average": 10.0, "Unit": "Bytes"}]}
//! ```
//!
//! `ShardId` picks the shard-level series; without it the stream-level one
//! is read. Every statistic is returned, so CloudWatch's `Statistics` member
//! is not read. `Period` is in seconds, `StartTime` and `EndTime` in epoch
//! seconds; the end is exclusive and periods without samples are left out,
//! as in CloudWatch. A stream without samples, or that does not exist, has
//! no datapoints.
//!
//! `Shardlab.Cost {"StreamName": "s"}` answers the stream's bill so far,
//! priced as [`cost`](crate::cost) says: `{"Items": [{"Name": "Shard hours",
//! "Quantity": 0.5, "Unit": "shard-hours", "CostUsd": "0.0075"}, …],
//! "TotalUsd": "0.0075"}`, amounts in dollars to four decimal places.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Value, json};

use super::decode::Decoder;
use super::encode::timestamp;
use super::error::ApiError;
use super::{Reply, shard_id};
use crate::cost::Money;
use crate::metrics::MetricName;
use crate::{Duration, Instant, NotFound, Simulation};

/// `Shardlab.GetMetricStatistics`; see the module documentation.
pub(super) fn get_metric_statistics(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream_name = d.stream()?;
    let shard = d.name("ShardId")?;
    let metric_names: Vec<(&str, MetricName)> = MetricName::ALL.iter().map(|&name| (name.as_str(), name)).collect();
    let metric = d.required_enum("MetricName", &metric_names)?;
    let period = d.required("Period", Decoder::positive_integer)?;
    let epoch = Instant::from_epoch_millis(0);
    let from = d.required_or("StartTime", epoch, Decoder::timestamp)?;
    let to = d.required_or("EndTime", epoch, Decoder::timestamp)?;
    d.finish()?;
    let shard = shard.map(|text| shard_id(&text, &stream_name)).transpose()?;
    let period = Duration::from_secs(u64::from(period));
    let datapoints: Vec<Value> = sim
        .metric_statistics(&stream_name, shard, metric, period, from, to)
        .iter()
        .map(|point| {
            json!({
                "Timestamp": timestamp(point.timestamp),
                "Sum": point.sum,
                "Minimum": point.minimum,
                "Maximum": point.maximum,
                // CloudWatch's SampleCount is a double.
                "SampleCount": point.sample_count as f64,
                "Average": point.average(),
                "Unit": point.unit.as_str(),
            })
        })
        .collect();
    Ok(Some(json!({"Label": metric.as_str(), "Datapoints": datapoints})))
}

/// An amount in dollars as the bill shows it, without the dollar sign: `0.0150`.
fn usd(amount: Money) -> String {
    let shown = amount.to_string();
    shown.strip_prefix('$').unwrap_or(&shown).into()
}

/// `Shardlab.Cost`; see the module documentation.
pub(super) fn cost(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream_name = d.stream()?;
    d.finish()?;
    let Some(bill) = sim.cost(&stream_name) else {
        return Err(ApiError::new("ResourceNotFoundException", NotFound::Stream(stream_name).to_string()));
    };
    let items: Vec<Value> = bill
        .items
        .iter()
        .map(|item| json!({"Name": item.name, "Quantity": item.quantity, "Unit": item.unit, "CostUsd": usd(item.cost)}))
        .collect();
    Ok(Some(json!({"Items": items, "TotalUsd": usd(bill.total)})))
}
