//! Enhanced fan-out: registered consumers and `SubscribeToShard`.
//!
//! `RegisterStreamConsumer`, `DescribeStreamConsumer`,
//! `ListStreamConsumers` and `DeregisterStreamConsumer` have AWS's shapes.
//! Where AWS takes a consumer's `ConsumerARN` or its `StreamARN` and
//! `ConsumerName`, so does this API. `ListStreamConsumers` does not page: it
//! answers the first `MaxResults` (default 100) consumers and never a
//! `NextToken`, so a `NextToken` in the request is refused as invalid. A
//! stream has at most 20 consumers, so only a `MaxResults` below that can
//! leave consumers out.
//!
//! **`SubscribeToShard` departs from AWS.** AWS answers it with an HTTP/2
//! event stream, pushing a `SubscribeToShardEvent` whenever records arrive
//! for up to five minutes. A JSON request gets one response, so here
//! `SubscribeToShard` makes AWS's checks and answers at once with
//! `{"SubscriptionId": N}`, and the simulation-only target
//! `Shardlab.ReadSubscription {"SubscriptionId": N}` drains what the stream
//! would have pushed since the previous read, as one event:
//!
//! ```text
//! {"SubscribeToShardEvent": {"Records": […], "ContinuationSequenceNumber": "…",
//!                            "MillisBehindLatest": 0, "ChildShards": […]},
//!  "Ended": false}
//! ```
//!
//! `Records` are encoded as `GetRecords` encodes them, and one read delivers
//! at most what the consumer's 2 MiB per second per shard allows. `Ended`
//! says the subscription is over, where AWS would end the stream: five
//! minutes after it began, at the end of a closed shard (`ChildShards` then
//! names the shards to read next), or once the consumer is deregistered or
//! subscribes to the shard again. The client then subscribes again from
//! `{"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": …}`, the last
//! `ContinuationSequenceNumber`. Errors that AWS would send as events in the
//! stream are error responses to `ReadSubscription`. A `StartingPosition`
//! that does not fit its type is refused in the words `GetShardIterator`
//! uses, since AWS's own for `SubscribeToShard` are not recorded.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Map, Value, json};

use super::decode::{ConsumerArn, Decoder};
use super::encode::{child_shards, records, timestamp};
use super::error::ApiError;
use super::records::{ITERATOR_TYPES, starting_position};
use super::{Reply, shard_id};
use crate::{EfoError, NotFound, Simulation, StreamConsumer, SubscriptionId, stream_arn};

/// `ListStreamConsumers`' largest `MaxResults`, in AWS's model.
const MAX_LIST_RESULTS: u32 = 10_000;

/// `ListStreamConsumers`' page when the request gives no `MaxResults`.
const DEFAULT_LIST_RESULTS: u32 = 100;

/// A `Consumer`, as `RegisterStreamConsumer` and `ListStreamConsumers` show it.
fn consumer(consumer: &StreamConsumer) -> Map<String, Value> {
    let mut entry = Map::new();
    entry.insert("ConsumerName".into(), consumer.consumer_name.as_str().into());
    entry.insert("ConsumerARN".into(), consumer.consumer_arn.as_str().into());
    // The status serializes under its wire name (`ACTIVE`).
    let status = serde_json::to_value(consumer.consumer_status).expect("a consumer status serializes");
    entry.insert("ConsumerStatus".into(), status);
    entry.insert("ConsumerCreationTimestamp".into(), timestamp(consumer.consumer_creation_timestamp));
    entry
}

/// A consumer as a request names it: by `ConsumerARN`, or by `StreamARN`
/// and `ConsumerName`.
struct NamedConsumer {
    stream_name: Option<String>,
    consumer_name: Option<String>,
    arn: Option<ConsumerArn>,
}

impl NamedConsumer {
    /// Reads the members, in the order of AWS's model.
    fn decode(d: &mut Decoder<'_>) -> Result<NamedConsumer, ApiError> {
        Ok(NamedConsumer {
            stream_name: d.optional_stream_arn()?,
            consumer_name: d.name("ConsumerName")?,
            arn: d.consumer_arn("ConsumerARN")?,
        })
    }

    /// The consumer's ARN. A consumer named by stream and name is looked up
    /// without a permission check; the operation then checks the caller's
    /// permission on the consumer it found.
    fn arn(self, sim: &Simulation) -> Result<String, ApiError> {
        let (stream_name, consumer_name) = match self {
            NamedConsumer { arn: Some(arn), .. } => return Ok(arn.arn),
            NamedConsumer { stream_name: Some(stream), consumer_name: Some(name), .. } => (stream, name),
            // AWS's wording is not recorded.
            _ => {
                return Err(ApiError::invalid_argument(
                    "Either ConsumerARN, or StreamARN and ConsumerName, must be given.",
                ));
            }
        };
        let stream = sim
            .kinesis
            .stream(&stream_name)
            .ok_or_else(|| EfoError::ResourceNotFound(NotFound::Stream(stream_name.clone())))?;
        let consumer = stream.consumers().iter().find(|c| c.consumer_name == consumer_name).ok_or_else(|| {
            EfoError::ResourceNotFound(NotFound::Other(format!(
                "Consumer {consumer_name} under stream {stream_name} not found."
            )))
        })?;
        Ok(consumer.consumer_arn.clone())
    }
}

pub(super) fn register_stream_consumer(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream_name = d.stream_arn()?;
    let consumer_name = d.required("ConsumerName", Decoder::name)?;
    d.finish()?;
    let registered = sim.register_stream_consumer(&stream_arn(&stream_name), &consumer_name)?;
    Ok(Some(json!({"Consumer": consumer(&registered)})))
}

pub(super) fn describe_stream_consumer(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let named = NamedConsumer::decode(d)?;
    d.finish()?;
    let described = sim.describe_stream_consumer(&named.arn(sim)?)?;
    let mut description = consumer(&described);
    description.insert("StreamARN".into(), described.stream_arn.into());
    Ok(Some(json!({"ConsumerDescription": description})))
}

pub(super) fn list_stream_consumers(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream_name = d.stream_arn()?;
    let next_token = d.string("NextToken")?;
    let max_results = d.integer_up_to("MaxResults", MAX_LIST_RESULTS)?;
    // Read so that a wrong type is refused; as in ListShards, a simulated
    // stream name is never reused while its consumers are listed.
    d.timestamp("StreamCreationTimestamp")?;
    d.finish()?;
    if let Some(token) = next_token {
        // No listing is paged, so no token was ever issued.
        return Err(ApiError::invalid_argument(format!("Invalid NextToken {token}.")));
    }
    let consumers = sim.list_stream_consumers(&stream_arn(&stream_name))?;
    let shown = max_results.unwrap_or(DEFAULT_LIST_RESULTS) as usize;
    let listed: Vec<Value> = consumers.iter().take(shown).map(|c| consumer(c).into()).collect();
    Ok(Some(json!({"Consumers": listed})))
}

pub(super) fn deregister_stream_consumer(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let named = NamedConsumer::decode(d)?;
    d.finish()?;
    sim.deregister_stream_consumer(&named.arn(sim)?)?;
    Ok(None)
}

/// `SubscribeToShard`: answers `{"SubscriptionId": N}`; see the module documentation.
pub(super) fn subscribe_to_shard(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let consumer_arn = d.required("ConsumerARN", Decoder::consumer_arn)?;
    let shard = d.required("ShardId", Decoder::name)?;
    let placeholder = (ITERATOR_TYPES[0].1, None, None);
    let (iterator_type, sequence_number, at) = d.required_or("StartingPosition", placeholder, |d, name| {
        d.structure(name, |d| {
            Ok((
                d.required_enum("Type", ITERATOR_TYPES)?,
                d.sequence_number("SequenceNumber")?,
                d.timestamp("Timestamp")?,
            ))
        })
    })?;
    d.finish()?;
    let shard_id = shard_id(&shard, &consumer_arn.stream_name)?;
    let position = starting_position(iterator_type, sequence_number, at)?;
    let SubscriptionId(id) = sim.subscribe_to_shard(&consumer_arn.arn, shard_id, position)?;
    Ok(Some(json!({"SubscriptionId": id})))
}

/// `Shardlab.ReadSubscription {"SubscriptionId": N}`: the records pushed
/// since the last read, as one `SubscribeToShardEvent`, and whether the
/// subscription has ended.
pub(super) fn read_subscription(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let id = d.required("SubscriptionId", Decoder::non_negative_integer)?;
    d.finish()?;
    let read = sim.read_subscription(SubscriptionId(id))?;
    let event = &read.event;
    Ok(Some(json!({
        "SubscribeToShardEvent": {
            "Records": records(&event.records),
            "ContinuationSequenceNumber": event.continuation_sequence_number.map(|n| n.to_string()),
            "MillisBehindLatest": event.millis_behind_latest,
            "ChildShards": child_shards(&event.child_shards),
        },
        "Ended": read.ended,
    })))
}
