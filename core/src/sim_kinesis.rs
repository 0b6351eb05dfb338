//! The Kinesis operations as the simulation offers them: at its clock, as
//! its current caller ([`Simulation::set_caller`]). Each one hands the call
//! to the Kinesis service (`kinesis/`), where its rules live.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::cost::CostBreakdown;
use crate::hash::HashKeyRange;
use crate::kinesis::telemetry::share_within;
use crate::kms::EncryptionType;
use crate::metrics::{Datapoint, Dimensions, MetricName, Writes};
use crate::sim::Simulation;
use crate::time::{Duration, Instant};
use crate::{
    CapacityMode, CreateStreamError, CreateStreamInput, EfoError, EncryptionError, FanOutConsumerSummary,
    GetRecordsError, GetRecordsOutput, GetShardIteratorError, GetShardIteratorInput, Limits, ListError,
    ListShardsInput, ListShardsOutput, ListStreamsOutput, PutRecordError, PutRecordInput, PutRecordOutput,
    PutRecordsInput, PutRecordsOutput, Record, ReshardError, ShardId, StartingPosition, StreamConsumer,
    StreamDescription, StreamOpError, StreamSummary, SubscriptionId, SubscriptionRead,
};

impl Simulation {
    /// `CreateStream`. The stream is `CREATING` for
    /// [`STREAM_CREATE_DELAY`](crate::limits::STREAM_CREATE_DELAY), then `ACTIVE`.
    /// Its `tags` are checked as `AddTagsToStream` checks them, and need
    /// that operation's permission too; a refused tag means no stream.
    pub fn create_stream(&mut self, input: CreateStreamInput) -> Result<(), CreateStreamError> {
        self.kinesis.create_stream(kinesis_call!(self), input)
    }

    /// `DeleteStream`: the stream is `DELETING` for
    /// [`STREAM_DELETE_DELAY`](crate::limits::STREAM_DELETE_DELAY), then gone.
    pub fn delete_stream(&mut self, stream_name: &str) -> Result<(), StreamOpError> {
        self.kinesis.delete_stream(kinesis_call!(self), stream_name)
    }

    /// `UpdateMaxRecordSize`: the largest record, data and partition key
    /// together, the stream takes from now on (records already stored stay).
    /// The stream must be `ACTIVE`, and stays `ACTIVE`: AWS does not
    /// document an `UPDATING` phase for this change.
    pub fn update_max_record_size(&mut self, stream_name: &str, max_record_size_kib: u32) -> Result<(), StreamOpError> {
        self.kinesis.update_max_record_size(kinesis_call!(self), stream_name, max_record_size_kib)
    }

    /// `DescribeStreamSummary`.
    pub fn describe_stream_summary(&self, stream_name: &str) -> Result<StreamSummary, StreamOpError> {
        self.kinesis.describe_stream_summary(kinesis_call!(self), stream_name)
    }

    /// `DescribeStream`: the summary and a page of up to `limit` (default
    /// 100) shards after `exclusive_start_shard_id`.
    pub fn describe_stream(
        &self,
        stream_name: &str,
        limit: Option<u32>,
        exclusive_start_shard_id: Option<ShardId>,
    ) -> Result<StreamDescription, StreamOpError> {
        self.kinesis.describe_stream(kinesis_call!(self), stream_name, limit, exclusive_start_shard_id)
    }

    /// `ListStreams`: names and summaries in name order, `limit` (default
    /// 100) per page.
    pub fn list_streams(
        &self,
        limit: Option<u32>,
        exclusive_start_stream_name: Option<&str>,
        next_token: Option<&str>,
    ) -> Result<ListStreamsOutput, ListError> {
        self.kinesis.list_streams(kinesis_call!(self), limit, exclusive_start_stream_name, next_token)
    }

    /// `ListShards`: shards of a stream in id order, `MaxResults` per page.
    pub fn list_shards(&self, input: ListShardsInput) -> Result<ListShardsOutput, ListError> {
        self.kinesis.list_shards(kinesis_call!(self), input)
    }

    /// `AddTagsToStream`: up to 10 tags per call, 50 per stream.
    pub fn add_tags_to_stream(
        &mut self,
        stream_name: &str,
        tags: BTreeMap<String, String>,
    ) -> Result<(), StreamOpError> {
        self.kinesis.add_tags_to_stream(kinesis_call!(self), stream_name, tags)
    }

    /// `RemoveTagsFromStream`.
    pub fn remove_tags_from_stream(&mut self, stream_name: &str, tag_keys: &[String]) -> Result<(), StreamOpError> {
        self.kinesis.remove_tags_from_stream(kinesis_call!(self), stream_name, tag_keys)
    }

    /// `ListTagsForStream`: every tag, in key order.
    pub fn list_tags_for_stream(&self, stream_name: &str) -> Result<BTreeMap<String, String>, StreamOpError> {
        self.kinesis.list_tags_for_stream(kinesis_call!(self), stream_name)
    }

    /// `IncreaseStreamRetentionPeriod` and `DecreaseStreamRetentionPeriod`:
    /// `increase` says which, since each refuses to move the other way.
    pub fn change_retention_period(
        &mut self,
        stream_name: &str,
        hours: u32,
        increase: bool,
    ) -> Result<(), StreamOpError> {
        self.kinesis.change_retention_period(kinesis_call!(self), stream_name, hours, increase)
    }

    /// `DescribeLimits`, as the caller may or may not be allowed to call it.
    pub fn describe_limits(&self) -> Result<Limits, StreamOpError> {
        self.kinesis.describe_limits(kinesis_call!(self))
    }

    /// The account's limits and usage, as `DescribeLimits` reports them.
    pub fn limits(&self) -> Limits {
        self.kinesis.limits()
    }

    /// `PutRecord`: stores one record in the shard its hash key falls in.
    pub fn put_record(&mut self, input: PutRecordInput) -> Result<PutRecordOutput, PutRecordError> {
        self.kinesis.put_record(kinesis_call!(self), input)
    }

    /// `PutRecords`: up to 500 records in one call. Entries succeed or fail
    /// one by one; a failed entry carries an error code and no sequence number.
    pub fn put_records(&mut self, input: PutRecordsInput) -> Result<PutRecordsOutput, PutRecordError> {
        self.kinesis.put_records(kinesis_call!(self), input)
    }

    /// `GetShardIterator` for one shard of a stream.
    pub fn get_shard_iterator(&self, input: GetShardIteratorInput) -> Result<String, GetShardIteratorError> {
        self.kinesis.get_shard_iterator(kinesis_call!(self), input)
    }

    /// `GetRecords`: up to `limit` (default and maximum 10,000) records and
    /// at most 10 MiB from the iterator's position, and the iterator to
    /// continue from.
    pub fn get_records(
        &mut self,
        shard_iterator: &str,
        limit: Option<u32>,
    ) -> Result<GetRecordsOutput, GetRecordsError> {
        self.kinesis.get_records(kinesis_call!(self), shard_iterator, limit)
    }

    /// `RegisterStreamConsumer`: up to 20 consumers per stream, at most 5 `CREATING` at once.
    pub fn register_stream_consumer(
        &mut self,
        stream_arn: &str,
        consumer_name: &str,
    ) -> Result<StreamConsumer, EfoError> {
        self.kinesis.register_stream_consumer(kinesis_call!(self), stream_arn, consumer_name)
    }

    /// `DescribeStreamConsumer` by consumer ARN.
    pub fn describe_stream_consumer(&self, consumer_arn: &str) -> Result<StreamConsumer, EfoError> {
        self.kinesis.describe_stream_consumer(kinesis_call!(self), consumer_arn)
    }

    /// `ListStreamConsumers`: every consumer of the stream, in registration order.
    pub fn list_stream_consumers(&mut self, stream_arn: &str) -> Result<Vec<StreamConsumer>, EfoError> {
        self.kinesis.list_stream_consumers(kinesis_call!(self), stream_arn)
    }

    /// `DeregisterStreamConsumer`: the consumer is `DELETING`, then gone; its
    /// subscriptions end at once.
    pub fn deregister_stream_consumer(&mut self, consumer_arn: &str) -> Result<(), EfoError> {
        self.kinesis.deregister_stream_consumer(kinesis_call!(self), consumer_arn)
    }

    /// `SubscribeToShard`: opens a push channel from `shard_id` to an
    /// `ACTIVE` consumer. A second subscription for the same consumer and
    /// shard within 5 seconds is refused; after that it replaces the first.
    pub fn subscribe_to_shard(
        &mut self,
        consumer_arn: &str,
        shard_id: ShardId,
        position: StartingPosition,
    ) -> Result<SubscriptionId, EfoError> {
        self.kinesis.subscribe_to_shard(kinesis_call!(self), consumer_arn, shard_id, position)
    }

    /// Every fan-out consumer registered on `stream`, in registration order,
    /// with its newest subscription to each shard. A view for displays, like
    /// [`Simulation::consumer_summaries`]: not a Kinesis call, so it needs no
    /// permission and changes nothing.
    pub fn fan_out_consumer_summaries(&self, stream: &str) -> Vec<FanOutConsumerSummary> {
        self.kinesis.fan_out_consumer_summaries(kinesis_call!(self), stream)
    }

    /// Drains a subscription: one event with every record that arrived since
    /// the last drain, up to the consumer's 2 MiB/s. Ends the subscription
    /// after five minutes or at the end of a closed shard.
    pub fn read_subscription(&mut self, id: SubscriptionId) -> Result<SubscriptionRead, EfoError> {
        self.kinesis.read_subscription(kinesis_call!(self), id)
    }

    /// `SplitShard`: divides an open shard in two at `new_starting_hash_key`,
    /// which becomes the first hash key of the upper child.
    pub fn split_shard(
        &mut self,
        stream_name: &str,
        shard_to_split: ShardId,
        new_starting_hash_key: &str,
    ) -> Result<(), ReshardError> {
        self.kinesis.split_shard(kinesis_call!(self), stream_name, shard_to_split, new_starting_hash_key)
    }

    /// `MergeShards`: joins two open shards whose hash key ranges are adjacent.
    pub fn merge_shards(
        &mut self,
        stream_name: &str,
        shard_to_merge: ShardId,
        adjacent_shard_to_merge: ShardId,
    ) -> Result<(), ReshardError> {
        self.kinesis.merge_shards(kinesis_call!(self), stream_name, shard_to_merge, adjacent_shard_to_merge)
    }

    /// `UpdateShardCount` with `UNIFORM_SCALING`, within AWS's limits: at
    /// most double or half the open shards per call, and ten calls per
    /// stream in a rolling 24 hours.
    pub fn update_shard_count(&mut self, stream_name: &str, target_shard_count: u32) -> Result<(), ReshardError> {
        self.kinesis.update_shard_count(kinesis_call!(self), stream_name, target_shard_count)
    }

    /// `UpdateStreamMode`: switches between `PROVISIONED` and `ON_DEMAND`.
    pub fn update_stream_mode(&mut self, stream_name: &str, mode: CapacityMode) -> Result<(), ReshardError> {
        self.kinesis.update_stream_mode(kinesis_call!(self), stream_name, mode)
    }

    /// `StartStreamEncryption`: records written once the stream is `ACTIVE`
    /// again are stored encrypted under `key_id`.
    pub fn start_stream_encryption(
        &mut self,
        stream_name: &str,
        encryption_type: EncryptionType,
        key_id: &str,
    ) -> Result<(), EncryptionError> {
        self.kinesis.start_stream_encryption(kinesis_call!(self), stream_name, encryption_type, key_id)
    }

    /// `StopStreamEncryption`: records written from then on are stored in plain.
    pub fn stop_stream_encryption(&mut self, stream_name: &str) -> Result<(), EncryptionError> {
        self.kinesis.stop_stream_encryption(kinesis_call!(self), stream_name)
    }

    /// A record as `GetRecords` would return it: decrypted when it is stored
    /// encrypted. Records from [`Simulation::shard_records`] are as stored.
    pub fn plaintext(&self, stream_name: &str, record: &Record) -> Record {
        self.kinesis.plaintext(stream_name, record)
    }
}

// Metric and cost views over the service.
impl Simulation {
    /// CloudWatch `GetMetricStatistics` for an enhanced fan-out consumer's
    /// `SubscribeToShardEvent.*` series.
    pub fn consumer_metric_statistics(
        &self,
        stream: &str,
        consumer_name: &str,
        metric: MetricName,
        period: Duration,
        from: Instant,
        to: Instant,
    ) -> Vec<Datapoint> {
        self.kinesis.metrics().series(metric, &Dimensions::consumer(stream, consumer_name), period, from, to)
    }

    /// CloudWatch `GetMetricStatistics` for a stream-level (`shard` = `None`)
    /// or shard-level series: one datapoint per `period` with samples. The
    /// current second is not visible until the clock leaves it.
    pub fn metric_statistics(
        &self,
        stream: &str,
        shard: Option<ShardId>,
        metric: MetricName,
        period: Duration,
        from: Instant,
        to: Instant,
    ) -> Vec<Datapoint> {
        let dimensions = match shard {
            Some(id) => Dimensions::shard(stream, &alloc::format!("{id}")),
            None => Dimensions::stream(stream),
        };
        self.kinesis.metrics().series(metric, &dimensions, period, from, to)
    }

    /// What `shard` of `stream` accepted in the last `span` of whole seconds
    /// (the current second is still being counted): the sums of its
    /// `IncomingBytes` and `IncomingRecords`.
    pub fn shard_writes(&self, stream: &str, shard: ShardId, span: Duration) -> Writes {
        let (from, to) = self.last_whole_seconds(span);
        self.writes_between(stream, shard, from, to)
    }

    /// The writes into each open shard's hash-key range in the last `span`
    /// of whole seconds, in shard id order; empty for a stream that does not
    /// exist. A shard opened by a reshard during the span is also credited
    /// with what its parents took for its keys before, so that children of a
    /// split are as busy as the parent was, not idle for lack of history.
    /// Metrics do not record hash keys, so a closed shard's writes are
    /// shared out in proportion to the part of its range each open shard
    /// took over, as if its keys were written evenly.
    pub fn recent_writes(&self, stream: &str, span: Duration) -> Vec<(ShardId, Writes)> {
        let Some(shards) = self.kinesis.stream(stream).map(|s| s.shards()) else { return Vec::new() };
        let (from, to) = self.last_whole_seconds(span);
        let written: Vec<(HashKeyRange, Writes)> =
            shards.iter().map(|s| (s.range(), self.writes_between(stream, s.id(), from, to))).collect();
        shards
            .iter()
            .filter(|s| s.is_open())
            .map(|open| {
                let writes = written.iter().fold(Writes::default(), |sum, &(range, writes)| {
                    sum + writes.scaled(share_within(range, open.range()))
                });
                (open.id(), writes)
            })
            .collect()
    }

    /// `[now - span, now)` with both ends rounded down to whole seconds:
    /// the newest seconds whose metrics are complete.
    pub(crate) fn last_whole_seconds(&self, span: Duration) -> (Instant, Instant) {
        let to = Instant::from_epoch_millis(self.now.epoch_millis() / 1000 * 1000);
        (to - span, to)
    }

    fn writes_between(&self, stream: &str, shard: ShardId, from: Instant, to: Instant) -> Writes {
        let sum = |metric| {
            self.metric_statistics(stream, Some(shard), metric, Duration::from_secs(1), from, to)
                .iter()
                .fold(0.0, |total, d| total + d.sum)
        };
        Writes { bytes: sum(MetricName::IncomingBytes), records: sum(MetricName::IncomingRecords) }
    }

    /// The stream's bill so far, line by line.
    pub fn cost(&self, stream: &str) -> Option<CostBreakdown> {
        Some(self.kinesis.stream(stream)?.cost_until(self.now).breakdown())
    }
}
