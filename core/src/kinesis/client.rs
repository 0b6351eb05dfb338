//! The Kinesis client API: the calls an application makes to Kinesis, and
//! no others.
//!
//! Polling consumers, Lambda mappings, Firehose readers, the KCL, the KPL
//! and traffic generators are lent a [`KinesisClient`] when they run. It
//! holds the service privately, so an application cannot read a stream's
//! state behind its API: it lists shards with `ListShards`, reads with
//! `GetShardIterator` and `GetRecords` or a fan-out subscription, and
//! writes with `PutRecords`, meeting the same validation,
//! throttling and permissions as any other caller.

use alloc::string::String;
use alloc::vec::Vec;

use super::{Call, Kinesis};
use crate::error::{EfoError, GetRecordsError, GetShardIteratorError, ListError, PutRecordError, StreamOpError};
use crate::generated::GeneratedBatch;
use crate::kinesis::ops_efo::{StreamConsumer, SubscriptionId, SubscriptionRead};
use crate::kinesis::ops_records::{GetRecordsOutput, GetShardIteratorInput, PutRecordsInput, PutRecordsOutput};
use crate::kinesis::ops_streams::{ListShardsInput, ListShardsOutput, ShardFilter, StreamSummary};
use crate::kinesis::stream::{ShardId, ShardView};
use crate::time::Instant;

/// The largest page `ListShards` returns (`MaxResults`).
const LIST_SHARDS_PAGE: u32 = 10_000;

/// The Kinesis service as one application sees it: at one moment, as one
/// caller, through the client calls only.
pub(crate) struct KinesisClient<'a> {
    kinesis: &'a mut Kinesis,
    call: Call<'a>,
}

impl<'a> KinesisClient<'a> {
    pub(crate) fn new(kinesis: &'a mut Kinesis, call: Call<'a>) -> KinesisClient<'a> {
        KinesisClient { kinesis, call }
    }

    /// The time the calls are made at.
    pub(crate) fn now(&self) -> Instant {
        self.call.now
    }

    pub(crate) fn list_shards(&self, input: ListShardsInput) -> Result<ListShardsOutput, ListError> {
        self.kinesis.list_shards(self.call, input)
    }

    pub(crate) fn describe_stream_summary(&self, stream_name: &str) -> Result<StreamSummary, StreamOpError> {
        self.kinesis.describe_stream_summary(self.call, stream_name)
    }

    /// Every shard of `stream` that `filter` selects, following `ListShards`'
    /// pages as a client does.
    pub(crate) fn all_shards(&self, stream: &str, filter: ShardFilter) -> Result<Vec<ShardView>, ListError> {
        let mut input = ListShardsInput {
            stream_name: Some(stream.into()),
            max_results: Some(LIST_SHARDS_PAGE),
            shard_filter: Some(filter),
            ..ListShardsInput::default()
        };
        let mut shards = Vec::new();
        loop {
            let page = self.list_shards(input.clone())?;
            shards.extend(page.shards);
            let Some(token) = page.next_token else { return Ok(shards) };
            // A later page names its stream through the token alone.
            input.stream_name = None;
            input.next_token = Some(token);
        }
    }

    pub(crate) fn get_shard_iterator(&mut self, input: GetShardIteratorInput) -> Result<String, GetShardIteratorError> {
        self.kinesis.get_shard_iterator(self.call, input)
    }

    pub(crate) fn get_records(
        &mut self,
        shard_iterator: &str,
        limit: Option<u32>,
    ) -> Result<GetRecordsOutput, GetRecordsError> {
        self.kinesis.get_records(self.call, shard_iterator, limit)
    }

    /// `GetRecords` for a caller that keeps only the newest `keep` records
    /// it receives: see `Kinesis::get_records_keeping_newest`.
    pub(crate) fn get_records_keeping_newest(
        &mut self,
        shard_iterator: &str,
        keep: usize,
    ) -> Result<(GetRecordsOutput, u64), GetRecordsError> {
        self.kinesis.get_records_keeping_newest(self.call, shard_iterator, keep)
    }

    pub(crate) fn put_records(&mut self, input: PutRecordsInput) -> Result<PutRecordsOutput, PutRecordError> {
        self.kinesis.put_records(self.call, input)
    }

    /// A generator's `PutRecords`, of keys it drew and data it makes again
    /// on demand (see `Kinesis::put_generated`); the stored and the throttled counts.
    pub(crate) fn put_generated(&mut self, batch: GeneratedBatch<'_>) -> Result<(u64, u64), PutRecordError> {
        self.kinesis.put_generated(self.call, batch)
    }

    pub(crate) fn register_stream_consumer(
        &mut self,
        stream_arn: &str,
        consumer_name: &str,
    ) -> Result<StreamConsumer, EfoError> {
        self.kinesis.register_stream_consumer(self.call, stream_arn, consumer_name)
    }

    pub(crate) fn describe_stream_consumer(&self, consumer_arn: &str) -> Result<StreamConsumer, EfoError> {
        self.kinesis.describe_stream_consumer(self.call, consumer_arn)
    }

    pub(crate) fn subscribe_to_shard(
        &mut self,
        consumer_arn: &str,
        shard_id: ShardId,
        position: crate::iterator::StartingPosition,
    ) -> Result<SubscriptionId, EfoError> {
        self.kinesis.subscribe_to_shard(self.call, consumer_arn, shard_id, position)
    }

    pub(crate) fn read_subscription(&mut self, id: SubscriptionId) -> Result<SubscriptionRead, EfoError> {
        self.kinesis.read_subscription(self.call, id)
    }
}
