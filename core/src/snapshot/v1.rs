//! Version 1 of the snapshot format, at the edge: the fields a version 1
//! snapshot holds, in the order it holds them, whatever shape the services
//! inside [`Simulation`] take. A change to a service's own state that keeps
//! its serialized form needs nothing here; one that does not gets a new
//! version and a migration from this one.
//!
//! The defaults read snapshots written before a field existed.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::consumer::PollingConsumerV1;
use crate::generator::GeneratorV1;
use crate::iterator::{IteratorKey, IteratorKeyV1};
use crate::kcl::KclAppV1;
use crate::kinesis::snapshot_v1::{StreamV1, SubscriptionV1};
use crate::kinesis::{Kinesis, KinesisV1};
use crate::kpl::KplProducerV1;
use crate::metrics::MetricStoreV1;
use crate::policy::{Policies, Principal};
use crate::sequence::StreamSerial;
use crate::sim::Simulation;
use crate::time::Instant;

#[derive(Serialize, Deserialize)]
pub(super) struct SimulationV1 {
    now: Instant,
    streams: BTreeMap<String, StreamV1>,
    consumers: Vec<PollingConsumerV1>,
    next_consumer_id: u32,
    /// A snapshot taken before iterators were sealed gets a fixed key.
    #[serde(default = "iterator_key_for_unsealed_snapshots")]
    iterator_key: IteratorKeyV1,
    #[serde(default = "unsealed_iterators_until_restored")]
    unsealed_iterators_until: Option<Instant>,
    /// A snapshot taken before serials were recorded has all its streams at
    /// 0; the streams created after restoring it start at 1.
    #[serde(default = "first_serial_after_unnumbered_streams")]
    next_stream_serial: StreamSerial,
    policies: Policies,
    caller: Option<Principal>,
    metrics: MetricStoreV1,
    subscriptions: Vec<SubscriptionV1>,
    next_subscription_id: u32,
    producers: Vec<Option<KplProducerV1>>,
    applications: Vec<Option<KclAppV1>>,
    #[serde(default)]
    generators: Vec<GeneratorV1>,
    #[serde(default)]
    lambda: crate::lambda::snapshot_v1::LambdaV1,
    #[serde(default)]
    destinations: crate::destinations::snapshot_v1::DestinationStoreV1,
    next_measure: Instant,
    next_scaling: Instant,
    #[serde(default)]
    s3: crate::s3::snapshot_v1::ObjectStoreV1,
    #[serde(default)]
    delivery_streams: BTreeMap<String, crate::firehose::snapshot_v1::DeliveryStreamV1>,
    #[serde(default)]
    transform_functions: BTreeMap<String, crate::firehose::transform::TransformFunction>,
    #[serde(default)]
    sqs: crate::sqs::snapshot_v1::QueuesV1,
    #[serde(default)]
    kinesis_calls: crate::call_log::snapshot_v1::CallLogV1,
}

impl From<Simulation> for SimulationV1 {
    fn from(sim: Simulation) -> SimulationV1 {
        let Simulation {
            now,
            kinesis,
            consumers,
            next_consumer_id,
            policies,
            caller,
            producers,
            applications,
            generators,
            lambda,
            destinations,
            next_measure,
            next_scaling,
            s3,
            delivery_streams,
            transform_functions,
            sqs,
            kinesis_calls,
        } = sim;
        let KinesisV1 {
            streams,
            iterator_key,
            unsealed_iterators_until,
            next_stream_serial,
            metrics,
            subscriptions,
            next_subscription_id,
        } = kinesis.into();
        SimulationV1 {
            now,
            streams,
            consumers: consumers.into_iter().map(PollingConsumerV1::from).collect(),
            next_consumer_id,
            iterator_key,
            unsealed_iterators_until,
            next_stream_serial,
            policies,
            caller,
            metrics,
            subscriptions,
            next_subscription_id,
            producers: producers.into_iter().map(|producer| Some(producer.into())).collect(),
            applications: applications.into_iter().map(|app| Some(app.into())).collect(),
            generators: generators.into_iter().map(GeneratorV1::from).collect(),
            lambda: lambda.into(),
            destinations: destinations.into(),
            next_measure,
            next_scaling,
            s3: s3.into(),
            delivery_streams: crate::maps::convert_values(delivery_streams),
            transform_functions,
            sqs: sqs.into(),
            kinesis_calls: kinesis_calls.into(),
        }
    }
}

impl TryFrom<SimulationV1> for Simulation {
    type Error = String;

    fn try_from(v1: SimulationV1) -> Result<Simulation, String> {
        let SimulationV1 {
            now,
            streams,
            consumers,
            next_consumer_id,
            iterator_key,
            unsealed_iterators_until,
            next_stream_serial,
            policies,
            caller,
            metrics,
            subscriptions,
            next_subscription_id,
            producers,
            applications,
            generators,
            lambda,
            destinations,
            next_measure,
            next_scaling,
            s3,
            delivery_streams,
            transform_functions,
            sqs,
            kinesis_calls,
        } = v1;
        // A snapshot from before iterators were sealed: its clients' unsealed
        // iterators are read for the rest of their five minutes, no others.
        let unsealed_iterators_until = unsealed_iterators_until.map(|until| until.min(now));
        // Version 1 wrote a running producer or application as an empty
        // slot; none was ever saved running, so an empty slot is damage.
        let producers = producers
            .into_iter()
            .map(|producer| producer.map(Into::into))
            .collect::<Option<_>>()
            .ok_or("it has an empty producer slot")?;
        let applications = applications
            .into_iter()
            .map(|app| app.map(Into::into))
            .collect::<Option<_>>()
            .ok_or("it has an empty KCL application slot")?;
        let kinesis = Kinesis::from(KinesisV1 {
            streams,
            iterator_key,
            unsealed_iterators_until,
            next_stream_serial,
            metrics,
            subscriptions,
            next_subscription_id,
        });
        Ok(Simulation {
            now,
            kinesis,
            consumers: consumers.into_iter().map(Into::into).collect(),
            next_consumer_id,
            policies,
            caller,
            producers,
            applications,
            generators: generators.into_iter().map(Into::into).collect(),
            lambda: lambda.into(),
            destinations: destinations.into(),
            next_measure,
            next_scaling,
            s3: s3.into(),
            delivery_streams: crate::maps::convert_values(delivery_streams),
            transform_functions,
            sqs: sqs.into(),
            kinesis_calls: kinesis_calls.into(),
        })
    }
}

/// For a snapshot without the field; the conversion then moves it to the
/// restored clock.
fn unsealed_iterators_until_restored() -> Option<Instant> {
    Some(Instant::from_epoch_millis(u64::MAX))
}

fn iterator_key_for_unsealed_snapshots() -> IteratorKeyV1 {
    IteratorKey::for_unsealed_snapshots().into()
}

fn first_serial_after_unnumbered_streams() -> StreamSerial {
    1
}
