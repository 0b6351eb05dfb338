//! Resharding: `SplitShard`, `MergeShards`, `UpdateShardCount` and
//! `UpdateStreamMode`.
//!
//! A request is checked when it is made; the stream then stays `UPDATING`
//! for [`RESHARD_DELAY`](crate::limits::RESHARD_DELAY) while writes still go
//! to the old shards, and the change lands all at once. Parents are closed,
//! never removed: they stay readable until retention expires, and their
//! children name them as `ParentShardId` / `AdjacentParentShardId`.
//!
//! `UpdateShardCount` with `UNIFORM_SCALING` is carried out the way AWS
//! describes it, as a series of splits and merges that may create temporary
//! shards: first every open shard is split at each new uniform boundary that
//! falls inside it, then the pieces of each new range are merged left to
//! right. Every shard therefore has at most two parents, as in Kinesis.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::error::{NotFound, ReshardError, Validator};
use crate::hash::{HashKey, HashKeyRange};
use crate::kinesis::stream::{Change, ShardId, Stream, StreamStatus};
use crate::kinesis::{Call, Kinesis};
use crate::limits::{
    ACCOUNT_SHARD_LIMIT, MAX_SHARDS_PER_STREAM, MODE_SWITCH_DELAY, RESHARD_DELAY, SHARD_COUNT_UPDATES_PER_DAY,
};
use crate::time::{Duration, Instant};
use crate::{ACCOUNT_ID, CapacityMode, validate};

/// A reshard waiting for its stream's `UPDATING` period to end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Split { shard: ShardId, new_starting_hash_key: u128 },
    Merge { shard: ShardId, adjacent: ShardId },
    ScaleUniformly { target: u32 },
}

/// Carries out `step` on `stream` at `now`. The step was checked when requested.
pub(crate) fn apply(stream: &mut Stream, now: Instant, step: &Step) {
    match *step {
        Step::Split { shard, new_starting_hash_key } => {
            split(stream, now, shard, new_starting_hash_key);
        }
        Step::Merge { shard, adjacent } => {
            merge(stream, now, shard, adjacent);
        }
        Step::ScaleUniformly { target } => scale_uniformly(stream, now, target),
    }
}

fn split(stream: &mut Stream, now: Instant, parent: ShardId, at: u128) -> [ShardId; 2] {
    let shard = stream.shard_mut(parent).expect("split of a listed shard");
    shard.close(now);
    let range = shard.range;
    let low = stream.add_shard(now, HashKeyRange::new(range.start().0, at - 1), [Some(parent), None]);
    let high = stream.add_shard(now, HashKeyRange::new(at, range.end().0), [Some(parent), None]);
    [low, high]
}

fn merge(stream: &mut Stream, now: Instant, shard: ShardId, adjacent: ShardId) -> ShardId {
    let mut bounds = [HashKey(0); 4];
    for (idx, id) in [shard, adjacent].into_iter().enumerate() {
        let s = stream.shard_mut(id).expect("merge of listed shards");
        s.close(now);
        bounds[idx * 2] = s.range.start();
        bounds[idx * 2 + 1] = s.range.end();
    }
    let start = bounds[0].min(bounds[2]).0;
    let end = bounds[1].max(bounds[3]).0;
    stream.add_shard(now, HashKeyRange::new(start, end), [Some(shard), Some(adjacent)])
}

fn scale_uniformly(stream: &mut Stream, now: Instant, target: u32) {
    let targets = HashKeyRange::uniform(target);
    // Split every open shard at each target boundary strictly inside it.
    for boundary in targets.iter().skip(1).map(|r| r.start().0) {
        let inside = stream.open_shards().find(|s| s.range.start().0 < boundary && boundary <= s.range.end().0);
        if let Some(id) = inside.map(|s| s.id) {
            split(stream, now, id, boundary);
        }
    }
    // Each open shard now lies within one target range; merge each range's pieces.
    for range in targets {
        let mut pieces: Vec<(HashKey, ShardId)> =
            stream.open_shards().filter(|s| range.contains(s.range.start())).map(|s| (s.range.start(), s.id)).collect();
        pieces.sort();
        let mut merged = pieces[0].1;
        for &(_, next) in &pieces[1..] {
            merged = merge(stream, now, merged, next);
        }
    }
}

fn not_active(stream: &Stream) -> ReshardError {
    ReshardError::ResourceInUse(crate::error::not_active(&stream.name, stream.status))
}

/// A shard that a reshard has already closed: AWS refuses the argument,
/// since the stream itself is free for updates.
fn not_eligible(stream: &str, shard: ShardId) -> ReshardError {
    ReshardError::InvalidArgument(format!(
        "Shard {shard} in stream {stream} under account {ACCOUNT_ID} has already been merged or split, and thus is not eligible for merging or splitting."
    ))
}

// Documented where the simulation offers them, in `sim_kinesis.rs`.
impl Kinesis {
    /// The stream, checked to be `ACTIVE` and in provisioned mode: split,
    /// merge and shard count updates are for provisioned streams only.
    fn provisioned_stream_for_update(&mut self, name: &str) -> Result<&mut Stream, ReshardError> {
        let stream = self.stream_for_update(name)?;
        if stream.mode == CapacityMode::OnDemand {
            return Err(ReshardError::OnDemandUnsupported(
                "This API is only supported for data streams with the provisioned capacity mode.".into(),
            ));
        }
        Ok(stream)
    }

    /// The stream, checked to be `ACTIVE` and allowed to start an update.
    fn stream_for_update(&mut self, name: &str) -> Result<&mut Stream, ReshardError> {
        let mut v = Validator::default();
        validate::stream_name(&mut v, name);
        v.finish().map_err(ReshardError::Validation)?;
        let stream =
            self.streams.get_mut(name).ok_or_else(|| ReshardError::ResourceNotFound(NotFound::Stream(name.into())))?;
        if stream.status != StreamStatus::Active {
            return Err(not_active(stream));
        }
        Ok(stream)
    }

    fn begin_update(&mut self, cx: Call<'_>, name: &str, change: Change, delay: Duration) {
        self.streams.get_mut(name).expect("checked by stream_for_update").begin(cx.now, change, delay);
    }

    fn open_shards_in_account(&self) -> u32 {
        self.streams.values().map(Stream::open_shard_count).sum()
    }

    pub(crate) fn split_shard(
        &mut self,
        cx: Call<'_>,
        stream_name: &str,
        shard_to_split: ShardId,
        new_starting_hash_key: &str,
    ) -> Result<(), ReshardError> {
        cx.authorize_on_stream("kinesis:SplitShard", stream_name).map_err(ReshardError::AccessDenied)?;
        let mut v = Validator::default();
        v.check(
            validate::is_decimal(new_starting_hash_key, 39),
            "newStartingHashKey",
            new_starting_hash_key.into(),
            "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
        );
        v.finish().map_err(ReshardError::Validation)?;
        if self.open_shards_in_account() + 1 > ACCOUNT_SHARD_LIMIT {
            return Err(ReshardError::LimitExceeded(shard_limit_message(self.open_shards_in_account(), 1)));
        }
        let stream = self.provisioned_stream_for_update(stream_name)?;
        let shard = stream.shard(shard_to_split).ok_or_else(|| {
            ReshardError::ResourceNotFound(NotFound::ShardToReshard {
                stream: stream_name.into(),
                shard: shard_to_split,
            })
        })?;
        if !shard.is_open() {
            return Err(not_eligible(stream_name, shard_to_split));
        }
        let (start, end) = (shard.range.start().0, shard.range.end().0);
        // AWS requires StartingHashKey + 1 < NewStartingHashKey < EndingHashKey.
        let key = new_starting_hash_key.parse::<u128>().ok().filter(|&k| start.saturating_add(1) < k && k < end).ok_or_else(|| {
            ReshardError::InvalidArgument(format!(
                "NewStartingHashKey {new_starting_hash_key} used in SplitShard() on shard {shard_to_split} in stream {stream_name} under account {ACCOUNT_ID} is not both greater than one plus the shard's StartingHashKey {start} and less than the shard's EndingHashKey {end}."
            ))
        })?;
        self.begin_update(
            cx,
            stream_name,
            Change::Reshard(Step::Split { shard: shard_to_split, new_starting_hash_key: key }),
            RESHARD_DELAY,
        );
        Ok(())
    }

    pub(crate) fn merge_shards(
        &mut self,
        cx: Call<'_>,
        stream_name: &str,
        shard_to_merge: ShardId,
        adjacent_shard_to_merge: ShardId,
    ) -> Result<(), ReshardError> {
        cx.authorize_on_stream("kinesis:MergeShards", stream_name).map_err(ReshardError::AccessDenied)?;
        let stream = self.provisioned_stream_for_update(stream_name)?;
        let mut ranges = [HashKeyRange::new(0, 0); 2];
        for (idx, id) in [shard_to_merge, adjacent_shard_to_merge].into_iter().enumerate() {
            let shard = stream.shard(id).ok_or_else(|| {
                ReshardError::ResourceNotFound(NotFound::ShardToReshard { stream: stream_name.into(), shard: id })
            })?;
            if !shard.is_open() {
                return Err(not_eligible(stream_name, id));
            }
            ranges[idx] = shard.range;
        }
        // Order matters, as in AWS: the shard to merge must own the lower range.
        if ranges[0].end().0.checked_add(1) != Some(ranges[1].start().0) {
            return Err(ReshardError::InvalidArgument(format!(
                "Shards {shard_to_merge} and {adjacent_shard_to_merge} in stream {stream_name} under account {ACCOUNT_ID} are not an adjacent pair of shards eligible for merging"
            )));
        }
        self.begin_update(
            cx,
            stream_name,
            Change::Reshard(Step::Merge { shard: shard_to_merge, adjacent: adjacent_shard_to_merge }),
            RESHARD_DELAY,
        );
        Ok(())
    }

    pub(crate) fn update_shard_count(
        &mut self,
        cx: Call<'_>,
        stream_name: &str,
        target_shard_count: u32,
    ) -> Result<(), ReshardError> {
        cx.authorize_on_stream("kinesis:UpdateShardCount", stream_name).map_err(ReshardError::AccessDenied)?;
        let mut v = Validator::default();
        v.check(
            target_shard_count >= 1,
            "targetShardCount",
            target_shard_count.to_string(),
            "Member must have value greater than or equal to 1",
        );
        v.finish().map_err(ReshardError::Validation)?;
        let account_open = self.open_shards_in_account();
        let now = cx.now;
        let stream = self.provisioned_stream_for_update(stream_name)?;
        let current = stream.open_shard_count();
        let limit = |message: String| Err(ReshardError::LimitExceeded(message));
        if target_shard_count > current * 2 {
            return limit(format!(
                "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: {current}, Target shard count: {target_shard_count}"
            ));
        }
        if target_shard_count * 2 < current {
            return limit(format!(
                "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: {current}, Target shard count: {target_shard_count}"
            ));
        }
        stream.shard_count_updates.retain(|&at| now.saturating_since(at) < Duration::from_hours(24));
        if stream.shard_count_updates.len() >= SHARD_COUNT_UPDATES_PER_DAY {
            return limit(format!(
                "Exceeded the limit of {SHARD_COUNT_UPDATES_PER_DAY} UpdateShardCount calls per rolling 24 hours for stream {stream_name} under account {ACCOUNT_ID}."
            ));
        }
        let ceiling = MAX_SHARDS_PER_STREAM.min(ACCOUNT_SHARD_LIMIT - (account_open - current));
        if target_shard_count > ceiling {
            return limit(format!(
                "Target shard count or number of open shards cannot be greater than {ceiling}. Current open shard count: {current}, Target shard count: {target_shard_count}"
            ));
        }
        stream.shard_count_updates.push(now);
        self.begin_update(
            cx,
            stream_name,
            Change::Reshard(Step::ScaleUniformly { target: target_shard_count }),
            RESHARD_DELAY,
        );
        Ok(())
    }

    pub(crate) fn update_stream_mode(
        &mut self,
        cx: Call<'_>,
        stream_name: &str,
        mode: CapacityMode,
    ) -> Result<(), ReshardError> {
        cx.authorize_on_stream("kinesis:UpdateStreamMode", stream_name).map_err(ReshardError::AccessDenied)?;
        let stream = self.stream_for_update(stream_name)?;
        if stream.mode == mode {
            return Err(ReshardError::InvalidArgument(format!(
                "Stream {stream_name} under account {ACCOUNT_ID} is already in {} mode.",
                mode.as_str()
            )));
        }
        self.begin_update(cx, stream_name, Change::SwitchMode(mode), MODE_SWITCH_DELAY);
        Ok(())
    }
}

/// The `LimitExceededException` message for the account shard quota.
pub(crate) fn shard_limit_message(open: u32, additional: u32) -> String {
    format!(
        "This request would exceed the shard limit for the account {ACCOUNT_ID} in {}. Current shard count for the account: {open}. Limit: {ACCOUNT_SHARD_LIMIT}. Number of additional shards that would have resulted from this request: {additional}. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.",
        crate::REGION
    )
}
