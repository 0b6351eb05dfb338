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

use crate::consumer::PollingConsumer;
use crate::iterator::IteratorKey;
use crate::kinesis::stream::Stream;
use crate::kinesis::{Kinesis, KinesisParts};
use crate::metrics::MetricStore;
use crate::policy::{Policies, Principal};
use crate::sequence::StreamSerial;
use crate::sim::Simulation;
use crate::time::Instant;

#[derive(Serialize, Deserialize)]
pub(super) struct SimulationV1 {
    now: Instant,
    streams: BTreeMap<String, Stream>,
    consumers: Vec<PollingConsumer>,
    next_consumer_id: u32,
    /// A snapshot taken before iterators were sealed gets a fixed key.
    #[serde(default = "IteratorKey::for_unsealed_snapshots")]
    iterator_key: IteratorKey,
    #[serde(default = "unsealed_iterators_until_restored")]
    unsealed_iterators_until: Option<Instant>,
    /// A snapshot taken before serials were recorded has all its streams at
    /// 0; the streams created after restoring it start at 1.
    #[serde(default = "first_serial_after_unnumbered_streams")]
    next_stream_serial: StreamSerial,
    policies: Policies,
    caller: Option<Principal>,
    metrics: MetricStore,
    subscriptions: Vec<crate::kinesis::ops_efo::Subscription>,
    next_subscription_id: u32,
    producers: Vec<Option<crate::kpl::KplProducer>>,
    applications: Vec<Option<crate::kcl::KclApp>>,
    #[serde(default)]
    generators: Vec<crate::generator::Generator>,
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
        let KinesisParts {
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
            producers: producers.into_iter().map(Some).collect(),
            applications: applications.into_iter().map(Some).collect(),
            generators,
            lambda: lambda.into(),
            destinations: destinations.into(),
            next_measure,
            next_scaling,
            s3: s3.into(),
            delivery_streams: delivery_streams.into_iter().map(|(name, stream)| (name, stream.into())).collect(),
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
        let producers = producers.into_iter().collect::<Option<_>>().ok_or("it has an empty producer slot")?;
        let applications =
            applications.into_iter().collect::<Option<_>>().ok_or("it has an empty KCL application slot")?;
        let kinesis = Kinesis::from(KinesisParts {
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
            consumers,
            next_consumer_id,
            policies,
            caller,
            producers,
            applications,
            generators,
            lambda: lambda.into(),
            destinations: destinations.into(),
            next_measure,
            next_scaling,
            s3: s3.into(),
            delivery_streams: delivery_streams.into_iter().map(|(name, stream)| (name, stream.into())).collect(),
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

fn first_serial_after_unnumbered_streams() -> StreamSerial {
    1
}
