//! The control plane: creating, describing, listing, resharding, retention,
//! tags and limits.

use alloc::format;
use alloc::vec::Vec;
use core::ops::Bound;

use serde_json::{Value, json};

use super::decode::Decoder;
use super::encode::{shards, stream_details, stream_entry};
use super::error::ApiError;
use super::{Reply, shard_id};
use crate::limits::MAX_TAGS_PER_STREAM;
use crate::{CapacityMode, CreateStreamInput, ListShardsInput, ShardFilter, Simulation, stream_arn};

/// `StreamMode`, in the model's order.
const STREAM_MODES: &[(&str, CapacityMode)] =
    &[("PROVISIONED", CapacityMode::Provisioned), ("ON_DEMAND", CapacityMode::OnDemand)];

/// `ScalingType`: uniform scaling is the only kind AWS offers.
const SCALING_TYPES: &[(&str, ())] = &[("UNIFORM_SCALING", ())];

/// `ShardFilterType`, before the `ShardId` or `Timestamp` it may need is attached.
#[derive(Clone, Copy)]
enum FilterType {
    AfterShardId,
    AtTrimHorizon,
    FromTrimHorizon,
    AtLatest,
    AtTimestamp,
    FromTimestamp,
}

/// `ShardFilterType`, in the model's order.
const FILTER_TYPES: &[(&str, FilterType)] = &[
    ("AFTER_SHARD_ID", FilterType::AfterShardId),
    ("AT_TRIM_HORIZON", FilterType::AtTrimHorizon),
    ("FROM_TRIM_HORIZON", FilterType::FromTrimHorizon),
    ("AT_LATEST", FilterType::AtLatest),
    ("AT_TIMESTAMP", FilterType::AtTimestamp),
    ("FROM_TIMESTAMP", FilterType::FromTimestamp),
];

/// `StreamModeDetails`: `{"StreamMode": …}`.
fn stream_mode_details(d: &mut Decoder<'_>) -> Result<CapacityMode, ApiError> {
    d.required_enum("StreamMode", STREAM_MODES)
}

pub(super) fn create_stream(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let shard_count = d.positive_integer("ShardCount")?;
    let stream_name = d.required("StreamName", Decoder::name)?;
    // Without StreamModeDetails a stream is provisioned, as on AWS.
    let mode = d.structure("StreamModeDetails", stream_mode_details)?.unwrap_or(CapacityMode::Provisioned);
    let tags = d.string_map("Tags")?.unwrap_or_default();
    let max_record_size_kib = d.positive_integer("MaxRecordSizeInKiB")?;
    d.finish()?;
    sim.create_stream(CreateStreamInput { stream_name, shard_count, mode, tags, max_record_size_kib })?;
    Ok(None)
}

pub(super) fn delete_stream(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    // EnforceConsumerDeletion is not read: a stream's consumers always go with it.
    let stream_name = d.stream()?;
    d.finish()?;
    sim.delete_stream(&stream_name)?;
    Ok(None)
}

pub(super) fn describe_stream(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream_name = d.stream()?;
    let limit = d.positive_integer("Limit")?;
    let exclusive_start_shard_id = d.name("ExclusiveStartShardId")?;
    d.finish()?;
    let after = exclusive_start_shard_id.map(|text| shard_id(&text, &stream_name)).transpose()?;
    let description = sim.describe_stream(&stream_name, limit, after)?;
    let mut body = stream_details(&description.summary);
    body.insert("Shards".into(), shards(&description.shards));
    body.insert("HasMoreShards".into(), description.has_more_shards.into());
    Ok(Some(json!({"StreamDescription": body})))
}

pub(super) fn describe_stream_summary(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream_name = d.stream()?;
    d.finish()?;
    let summary = sim.describe_stream_summary(&stream_name)?;
    let mut body = stream_details(&summary);
    body.insert("OpenShardCount".into(), summary.open_shard_count.into());
    body.insert("MaxRecordSizeInKiB".into(), summary.max_record_size_kib.into());
    Ok(Some(json!({"StreamDescriptionSummary": body})))
}

pub(super) fn update_max_record_size(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let kib = d.required("MaxRecordSizeInKiB", Decoder::positive_integer)?;
    let stream_name = d.stream_arn()?;
    d.finish()?;
    sim.update_max_record_size(&stream_name, kib)?;
    Ok(None)
}

pub(super) fn list_streams(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let limit = d.positive_integer("Limit")?;
    let exclusive_start_stream_name = d.name("ExclusiveStartStreamName")?;
    let next_token = d.string("NextToken")?;
    d.finish()?;
    let out = sim.list_streams(limit, exclusive_start_stream_name.as_deref(), next_token.as_deref())?;
    let summaries: Vec<Value> = out.stream_summaries.iter().map(|s| stream_entry(s).into()).collect();
    Ok(Some(json!({
        "StreamNames": out.stream_names,
        "HasMoreStreams": out.has_more_streams,
        "NextToken": out.next_token,
        "StreamSummaries": summaries,
    })))
}

pub(super) fn list_shards(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream = d.optional_stream()?;
    let next_token = d.string("NextToken")?;
    let exclusive_start_shard_id = d.name("ExclusiveStartShardId")?;
    let max_results = d.positive_integer("MaxResults")?;
    // Read so that a wrong type is refused; it tells apart streams that
    // reused a name, and a simulated name is never reused while listed.
    d.timestamp("StreamCreationTimestamp")?;
    let filter = d.structure("ShardFilter", |d| {
        let filter_type = d.required_enum("Type", FILTER_TYPES)?;
        Ok((filter_type, d.name("ShardId")?, d.timestamp("Timestamp")?))
    })?;
    d.finish()?;
    if next_token.is_some() {
        // A token carries the whole listing; AWS refuses anything that would redefine it.
        let conflict = [
            stream.as_ref().map(|s| s.member),
            exclusive_start_shard_id.as_ref().map(|_| "ExclusiveStartShardId"),
            filter.as_ref().map(|_| "ShardFilter"),
        ];
        if let Some(member) = conflict.into_iter().flatten().next() {
            return Err(ApiError::invalid_argument(format!("NextToken and {member} cannot be provided together.")));
        }
    }
    let stream_name = stream.map(|s| s.name);
    let shown_name = stream_name.as_deref().unwrap_or_default();
    let exclusive_start_shard_id = exclusive_start_shard_id.map(|text| shard_id(&text, shown_name)).transpose()?;
    let shard_filter = filter
        .map(|(filter_type, shard, at)| {
            // kinesis-mock's wording; AWS's is not recorded.
            let need_timestamp = || {
                ApiError::invalid_argument(
                    "Timestamp must be supplied in a ShardFilter with a Type of FROM_TIMESTAMP or AT_TIMESTAMP",
                )
            };
            Ok::<_, ApiError>(match filter_type {
                FilterType::AfterShardId => {
                    let shard = shard.ok_or_else(|| {
                        ApiError::invalid_argument(
                            "ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID",
                        )
                    })?;
                    ShardFilter::AfterShardId(shard_id(&shard, shown_name)?)
                }
                FilterType::AtTrimHorizon => ShardFilter::AtTrimHorizon,
                FilterType::FromTrimHorizon => ShardFilter::FromTrimHorizon,
                FilterType::AtLatest => ShardFilter::AtLatest,
                FilterType::AtTimestamp => ShardFilter::AtTimestamp(at.ok_or_else(need_timestamp)?),
                FilterType::FromTimestamp => ShardFilter::FromTimestamp(at.ok_or_else(need_timestamp)?),
            })
        })
        .transpose()?;
    let input = ListShardsInput { stream_name, next_token, exclusive_start_shard_id, max_results, shard_filter };
    let out = sim.list_shards(input)?;
    Ok(Some(json!({"Shards": shards(&out.shards), "NextToken": out.next_token})))
}

pub(super) fn split_shard(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let new_starting_hash_key = d.required("NewStartingHashKey", Decoder::string)?;
    let stream_name = d.stream()?;
    let shard_to_split = d.required("ShardToSplit", Decoder::name)?;
    d.finish()?;
    let shard_to_split = shard_id(&shard_to_split, &stream_name)?;
    sim.split_shard(&stream_name, shard_to_split, &new_starting_hash_key)?;
    Ok(None)
}

pub(super) fn merge_shards(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream_name = d.stream()?;
    let shard_to_merge = d.required("ShardToMerge", Decoder::name)?;
    let adjacent_shard_to_merge = d.required("AdjacentShardToMerge", Decoder::name)?;
    d.finish()?;
    let shard_to_merge = shard_id(&shard_to_merge, &stream_name)?;
    let adjacent_shard_to_merge = shard_id(&adjacent_shard_to_merge, &stream_name)?;
    sim.merge_shards(&stream_name, shard_to_merge, adjacent_shard_to_merge)?;
    Ok(None)
}

pub(super) fn update_shard_count(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let target_shard_count = d.required("TargetShardCount", Decoder::positive_integer)?;
    d.required_enum("ScalingType", SCALING_TYPES)?;
    let stream_name = d.stream()?;
    d.finish()?;
    let current_shard_count = sim.stream(&stream_name).map_or(0, |s| s.open_shards().count());
    sim.update_shard_count(&stream_name, target_shard_count)?;
    Ok(Some(json!({
        "StreamName": stream_name,
        "CurrentShardCount": current_shard_count,
        "TargetShardCount": target_shard_count,
        "StreamARN": stream_arn(&stream_name),
    })))
}

pub(super) fn update_stream_mode(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream_name = d.stream_arn()?;
    let mode = d.required_or("StreamModeDetails", CapacityMode::Provisioned, |d, name| {
        d.structure(name, stream_mode_details)
    })?;
    d.finish()?;
    sim.update_stream_mode(&stream_name, mode)?;
    Ok(None)
}

/// `IncreaseStreamRetentionPeriod` and `DecreaseStreamRetentionPeriod`.
fn change_retention_period(sim: &mut Simulation, d: &mut Decoder<'_>, increase: bool) -> Reply {
    let hours = d.required("RetentionPeriodHours", Decoder::positive_integer)?;
    let stream_name = d.stream()?;
    d.finish()?;
    sim.change_retention_period(&stream_name, hours, increase)?;
    Ok(None)
}

pub(super) fn increase_stream_retention_period(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    change_retention_period(sim, d, true)
}

pub(super) fn decrease_stream_retention_period(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    change_retention_period(sim, d, false)
}

pub(super) fn add_tags_to_stream(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let tags = d.required("Tags", Decoder::string_map)?;
    let stream_name = d.stream()?;
    d.finish()?;
    sim.add_tags_to_stream(&stream_name, tags)?;
    Ok(None)
}

pub(super) fn remove_tags_from_stream(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let tag_keys = d.required("TagKeys", Decoder::strings)?;
    let stream_name = d.stream()?;
    d.finish()?;
    sim.remove_tags_from_stream(&stream_name, &tag_keys)?;
    Ok(None)
}

pub(super) fn list_tags_for_stream(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let stream_name = d.stream()?;
    let exclusive_start_tag_key = d.string("ExclusiveStartTagKey")?;
    // AWS documents no default; a stream has at most 50 tags, so by default all are listed.
    let max = MAX_TAGS_PER_STREAM as u32;
    let limit = d.integer_up_to("Limit", max)?;
    d.finish()?;
    let tags = sim.list_tags_for_stream(&stream_name)?;
    let after = exclusive_start_tag_key.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
    let mut page = tags.range::<str, _>((after, Bound::Unbounded));
    let listed: Vec<Value> = page
        .by_ref()
        .take(limit.unwrap_or(max) as usize)
        .map(|(key, value)| json!({"Key": key, "Value": value}))
        .collect();
    Ok(Some(json!({"Tags": listed, "HasMoreTags": page.next().is_some()})))
}

pub(super) fn describe_limits(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    d.finish()?;
    let limits = sim.describe_limits()?;
    Ok(Some(json!({
        "ShardLimit": limits.shard_limit,
        "OpenShardCount": limits.open_shard_count,
        "OnDemandStreamCount": limits.on_demand_stream_count,
        "OnDemandStreamCountLimit": limits.on_demand_stream_count_limit,
    })))
}
