//! The control plane for streams: creation, deletion, description, listing,
//! tags, retention and limits.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::base64;
use crate::error::{CreateStreamError, ListError, NotFound, StreamOpError, Validator};
use crate::kinesis::reshard::shard_limit_message;
use crate::kinesis::stream::{Change, Shard, ShardId, ShardView, Stream, StreamStatus};
use crate::kinesis::{Call, Kinesis};
use crate::limits::{
    ACCOUNT_SHARD_LIMIT, DEFAULT_LIST_SHARDS_RESULTS, DEFAULT_LIST_STREAMS_RESULTS, DEFAULT_MAX_RECORD_SIZE_KIB,
    MAX_LIST_SHARDS_RESULTS, MAX_MAX_RECORD_SIZE_KIB, MAX_RETENTION_HOURS, MAX_TAGS_PER_STREAM,
    MIN_MAX_RECORD_SIZE_KIB, MIN_RETENTION_HOURS, NEXT_TOKEN_LIFETIME, ON_DEMAND_INITIAL_SHARDS,
    ON_DEMAND_STREAM_COUNT_LIMIT, STREAM_DELETE_DELAY,
};
use crate::time::{Duration, Instant};
use crate::{ACCOUNT_ID, CapacityMode, REGION, validate};

/// The ARN of a stream: `arn:aws:kinesis:us-east-1:123456789012:stream/NAME`.
pub fn stream_arn(name: &str) -> String {
    format!("arn:aws:kinesis:{REGION}:{ACCOUNT_ID}:stream/{name}")
}

/// `CreateStream` request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateStreamInput {
    /// `StreamName`.
    pub stream_name: String,
    /// `ShardCount`: required in provisioned mode, absent in on-demand mode.
    pub shard_count: Option<u32>,
    /// `StreamModeDetails.StreamMode`.
    pub mode: CapacityMode,
    /// `Tags`: up to 10, given to the stream as it is created.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// `MaxRecordSizeInKiB`: 1,024 (the default) to 10,240.
    #[serde(default)]
    pub max_record_size_kib: Option<u32>,
}

impl CreateStreamInput {
    /// A provisioned stream with `shard_count` shards.
    pub fn provisioned(stream_name: impl Into<String>, shard_count: u32) -> Self {
        CreateStreamInput {
            stream_name: stream_name.into(),
            shard_count: Some(shard_count),
            mode: CapacityMode::Provisioned,
            tags: BTreeMap::new(),
            max_record_size_kib: None,
        }
    }

    /// An on-demand stream.
    pub fn on_demand(stream_name: impl Into<String>) -> Self {
        CreateStreamInput {
            stream_name: stream_name.into(),
            shard_count: None,
            mode: CapacityMode::OnDemand,
            tags: BTreeMap::new(),
            max_record_size_kib: None,
        }
    }
}

/// `DescribeStreamSummary` response (`StreamDescriptionSummary`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamSummary {
    /// `StreamName`.
    pub stream_name: String,
    /// `StreamARN`.
    pub stream_arn: String,
    /// `StreamStatus`.
    pub stream_status: StreamStatus,
    /// `StreamModeDetails.StreamMode`.
    pub mode: CapacityMode,
    /// `RetentionPeriodHours`.
    pub retention_period_hours: u32,
    /// `StreamCreationTimestamp`.
    pub stream_creation_timestamp: Instant,
    /// `OpenShardCount`.
    pub open_shard_count: u32,
    /// `EncryptionType`.
    pub encryption_type: crate::kms::EncryptionType,
    /// `KeyId`, when records are encrypted.
    pub key_id: Option<String>,
    /// `MaxRecordSizeInKiB`.
    pub max_record_size_kib: u32,
}

/// `DescribeStream` response (`StreamDescription`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamDescription {
    /// Everything `DescribeStreamSummary` says.
    pub summary: StreamSummary,
    /// `Shards`: a page of shards, in id order.
    pub shards: Vec<ShardView>,
    /// `HasMoreShards`.
    pub has_more_shards: bool,
}

/// `ListStreams` response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListStreamsOutput {
    /// `StreamNames`.
    pub stream_names: Vec<String>,
    /// `StreamSummaries`: name, ARN, status, mode and creation time of each.
    pub stream_summaries: Vec<StreamSummary>,
    /// `HasMoreStreams`.
    pub has_more_streams: bool,
    /// `NextToken`.
    pub next_token: Option<String>,
}

/// `ShardFilter`: which shards `ListShards` returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShardFilter {
    /// `AFTER_SHARD_ID`: shards with a higher id than the one given.
    AfterShardId(ShardId),
    /// `AT_TRIM_HORIZON`: shards that were open at the trim horizon.
    AtTrimHorizon,
    /// `FROM_TRIM_HORIZON`: every shard still within retention (the default).
    FromTrimHorizon,
    /// `AT_LATEST`: the open shards.
    AtLatest,
    /// `AT_TIMESTAMP`: shards that were open at the given time.
    AtTimestamp(Instant),
    /// `FROM_TIMESTAMP`: shards open at or after the given time.
    FromTimestamp(Instant),
}

/// `ListShards` request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListShardsInput {
    /// `StreamName`; must be absent when `NextToken` is given.
    pub stream_name: Option<String>,
    /// `NextToken` from a previous page.
    pub next_token: Option<String>,
    /// `ExclusiveStartShardId`.
    pub exclusive_start_shard_id: Option<ShardId>,
    /// `MaxResults`: 1 to 10,000, default 1,000.
    pub max_results: Option<u32>,
    /// `ShardFilter`.
    pub shard_filter: Option<ShardFilter>,
}

/// `ListShards` response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListShardsOutput {
    /// `Shards`.
    pub shards: Vec<ShardView>,
    /// `NextToken`, when more shards remain.
    pub next_token: Option<String>,
}

/// `DescribeLimits` response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// `ShardLimit`.
    pub shard_limit: u32,
    /// `OpenShardCount`.
    pub open_shard_count: u32,
    /// `OnDemandStreamCount`.
    pub on_demand_stream_count: u32,
    /// `OnDemandStreamCountLimit`.
    pub on_demand_stream_count_limit: u32,
}

/// The most tags `CreateStream` takes: its `Tags` member has at most 10
/// entries in AWS's service model.
const MAX_CREATE_STREAM_TAGS: usize = 10;

/// The largest `Limit` of `DescribeStream` and `ListStreams` in AWS's service model.
const MAX_LIST_LIMIT: u32 = 10_000;

/// Checks a count member against its bounds, 1 and `max`, with the two
/// phrases AWS uses for them (as kinesalite recorded): each broken bound is
/// its own violation.
fn check_count(v: &mut Validator, member: &str, value: u32, max: u32) {
    v.check(value >= 1, member, value.to_string(), "Member must have value greater than or equal to 1");
    v.check(value <= max, member, value.to_string(), format!("Member must have value less than or equal to {max}"));
}

/// Checks each tag's key and value, as `AddTagsToStream` and `CreateStream` both do.
fn check_tags(v: &mut Validator, tags: &BTreeMap<String, String>) {
    for (key, value) in tags {
        v.check(
            (1..=128).contains(&key.chars().count()),
            "tags.key",
            key.clone(),
            "Member must have length between 1 and 128",
        );
        v.check(
            value.chars().count() <= 256,
            "tags.value",
            value.clone(),
            "Member must have length less than or equal to 256",
        );
    }
}

/// What a pagination token carries: the listing it continues and when it was issued.
struct PageToken {
    stream: String,
    after: u32,
    issued: Instant,
}

impl PageToken {
    fn encode(&self) -> String {
        base64::encode(format!("{}|{}|{}", self.after, self.issued.epoch_millis(), self.stream).as_bytes())
    }

    fn decode(text: &str) -> Option<PageToken> {
        let bytes = base64::decode(text)?;
        let text = core::str::from_utf8(&bytes).ok()?;
        let mut parts = text.splitn(3, '|');
        let after = parts.next()?.parse().ok()?;
        let issued = Instant::from_epoch_millis(parts.next()?.parse().ok()?);
        Some(PageToken { stream: parts.next()?.into(), after, issued })
    }
}

// Documented where the simulation offers them, in `sim_kinesis.rs`.
impl Kinesis {
    fn summary(&self, stream: &Stream) -> StreamSummary {
        StreamSummary {
            stream_name: stream.name.clone(),
            stream_arn: stream_arn(&stream.name),
            stream_status: stream.status,
            mode: stream.mode,
            retention_period_hours: stream.retention_hours(),
            stream_creation_timestamp: stream.created_at,
            open_shard_count: stream.open_shard_count(),
            encryption_type: match stream.encryption() {
                Some(_) => crate::kms::EncryptionType::Kms,
                None => crate::kms::EncryptionType::None,
            },
            key_id: stream.encryption().map(|k| k.as_str().into()),
            max_record_size_kib: stream.max_record_size_kib,
        }
    }

    fn existing_stream(&self, name: &str) -> Result<&Stream, StreamOpError> {
        let mut v = Validator::default();
        validate::stream_name(&mut v, name);
        v.finish().map_err(StreamOpError::Validation)?;
        self.streams.get(name).ok_or_else(|| StreamOpError::ResourceNotFound(NotFound::Stream(name.into())))
    }

    /// The stream, checked to exist and be `ACTIVE` (or `UPDATING` when `updating_ok`).
    fn changeable_stream(&mut self, name: &str, updating_ok: bool) -> Result<&mut Stream, StreamOpError> {
        self.existing_stream(name)?;
        let stream = self.streams.get_mut(name).expect("checked above");
        let allowed = stream.status == StreamStatus::Active || (updating_ok && stream.status == StreamStatus::Updating);
        if !allowed {
            return Err(StreamOpError::ResourceInUse(crate::error::not_active(name, stream.status)));
        }
        Ok(stream)
    }

    pub(crate) fn create_stream(&mut self, cx: Call<'_>, input: CreateStreamInput) -> Result<(), CreateStreamError> {
        let CreateStreamInput { stream_name, shard_count, mode, tags, max_record_size_kib } = input;
        let arn = stream_arn(&stream_name);
        cx.authorize("kinesis:CreateStream", &arn).map_err(CreateStreamError::AccessDenied)?;
        // Tagging on creation also needs the permission to tag, as on AWS.
        if !tags.is_empty() {
            cx.authorize("kinesis:AddTagsToStream", &arn).map_err(CreateStreamError::AccessDenied)?;
        }
        let mut v = Validator::default();
        validate::stream_name(&mut v, &stream_name);
        if let Some(n) = shard_count {
            v.check(n >= 1, "shardCount", n.to_string(), "Member must have value greater than or equal to 1");
        }
        v.check(
            tags.len() <= MAX_CREATE_STREAM_TAGS,
            "tags",
            validate::map_value(&tags),
            format!("Member must have length less than or equal to {MAX_CREATE_STREAM_TAGS}"),
        );
        check_tags(&mut v, &tags);
        if let Some(kib) = max_record_size_kib {
            check_max_record_size(&mut v, kib);
        }
        v.finish().map_err(CreateStreamError::Validation)?;
        let shard_count = match (mode, shard_count) {
            (CapacityMode::Provisioned, Some(n)) => n,
            (CapacityMode::Provisioned, None) => {
                return Err(CreateStreamError::InvalidArgument(
                    "ShardCount is required when StreamMode is PROVISIONED.".into(),
                ));
            }
            (CapacityMode::OnDemand, None) => ON_DEMAND_INITIAL_SHARDS,
            (CapacityMode::OnDemand, Some(_)) => {
                return Err(CreateStreamError::InvalidArgument(
                    "ShardCount must not be specified when StreamMode is ON_DEMAND.".into(),
                ));
            }
        };
        if self.streams.contains_key(&stream_name) {
            return Err(CreateStreamError::ResourceInUse(format!(
                "Stream {stream_name} under account {ACCOUNT_ID} already exists."
            )));
        }
        let open: u32 = self.streams.values().map(Stream::open_shard_count).sum();
        if open.saturating_add(shard_count) > ACCOUNT_SHARD_LIMIT {
            return Err(CreateStreamError::LimitExceeded(shard_limit_message(open, shard_count)));
        }
        if mode == CapacityMode::OnDemand && self.limits().on_demand_stream_count >= ON_DEMAND_STREAM_COUNT_LIMIT {
            return Err(CreateStreamError::LimitExceeded(format!(
                "This request would exceed the on-demand stream count limit of {ON_DEMAND_STREAM_COUNT_LIMIT} for the account {ACCOUNT_ID} in {REGION}."
            )));
        }
        let serial = self.next_stream_serial;
        self.next_stream_serial = serial.wrapping_add(1);
        let mut stream = Stream::new(cx.now, stream_name.clone(), serial, shard_count, mode);
        stream.tags = tags;
        stream.max_record_size_kib = max_record_size_kib.unwrap_or(DEFAULT_MAX_RECORD_SIZE_KIB);
        self.streams.insert(stream_name, stream);
        Ok(())
    }

    pub(crate) fn delete_stream(&mut self, cx: Call<'_>, stream_name: &str) -> Result<(), StreamOpError> {
        cx.authorize_on_stream("kinesis:DeleteStream", stream_name).map_err(StreamOpError::AccessDenied)?;
        self.changeable_stream(stream_name, true)?.begin(cx.now, Change::Remove, STREAM_DELETE_DELAY);
        Ok(())
    }

    pub(crate) fn update_max_record_size(
        &mut self,
        cx: Call<'_>,
        stream_name: &str,
        max_record_size_kib: u32,
    ) -> Result<(), StreamOpError> {
        cx.authorize_on_stream("kinesis:UpdateMaxRecordSize", stream_name).map_err(StreamOpError::AccessDenied)?;
        let mut v = Validator::default();
        check_max_record_size(&mut v, max_record_size_kib);
        v.finish().map_err(StreamOpError::Validation)?;
        let stream = self.changeable_stream(stream_name, false)?;
        stream.max_record_size_kib = max_record_size_kib;
        Ok(())
    }

    pub(crate) fn describe_stream_summary(
        &self,
        cx: Call<'_>,
        stream_name: &str,
    ) -> Result<StreamSummary, StreamOpError> {
        cx.authorize_on_stream("kinesis:DescribeStreamSummary", stream_name).map_err(StreamOpError::AccessDenied)?;
        self.existing_stream(stream_name).map(|s| self.summary(s))
    }

    pub(crate) fn describe_stream(
        &self,
        cx: Call<'_>,
        stream_name: &str,
        limit: Option<u32>,
        exclusive_start_shard_id: Option<ShardId>,
    ) -> Result<StreamDescription, StreamOpError> {
        cx.authorize_on_stream("kinesis:DescribeStream", stream_name).map_err(StreamOpError::AccessDenied)?;
        let limit = limit.unwrap_or(100);
        let mut v = Validator::default();
        check_count(&mut v, "limit", limit, MAX_LIST_LIMIT);
        v.finish().map_err(StreamOpError::Validation)?;
        let stream = self.existing_stream(stream_name)?;
        let after: Vec<&Shard> =
            stream.shards.iter().filter(|s| exclusive_start_shard_id.is_none_or(|id| s.id > id)).collect();
        Ok(StreamDescription {
            summary: self.summary(stream),
            shards: after.iter().take(limit as usize).map(|s| ShardView::of(s)).collect(),
            has_more_shards: after.len() > limit as usize,
        })
    }

    pub(crate) fn list_streams(
        &self,
        cx: Call<'_>,
        limit: Option<u32>,
        exclusive_start_stream_name: Option<&str>,
        next_token: Option<&str>,
    ) -> Result<ListStreamsOutput, ListError> {
        cx.authorize_on_stream("kinesis:ListStreams", "*").map_err(ListError::AccessDenied)?;
        let limit = limit.unwrap_or(DEFAULT_LIST_STREAMS_RESULTS);
        let mut v = Validator::default();
        check_count(&mut v, "limit", limit, MAX_LIST_LIMIT);
        v.finish().map_err(ListError::Validation)?;
        let start_after = match next_token {
            Some(token) => Some(self.decode_page_token(cx, token)?.stream),
            None => exclusive_start_stream_name.map(String::from),
        };
        let page: Vec<&Stream> =
            self.streams.values().filter(|s| start_after.as_ref().is_none_or(|after| &s.name > after)).collect();
        let shown = &page[..page.len().min(limit as usize)];
        let has_more_streams = page.len() > shown.len();
        let next_token = has_more_streams.then(|| {
            let last = shown.last().map(|s| s.name.clone()).unwrap_or_default();
            PageToken { stream: last, after: 0, issued: cx.now }.encode()
        });
        Ok(ListStreamsOutput {
            stream_names: shown.iter().map(|s| s.name.clone()).collect(),
            stream_summaries: shown.iter().map(|s| self.summary(s)).collect(),
            has_more_streams,
            next_token,
        })
    }

    fn decode_page_token(&self, cx: Call<'_>, token: &str) -> Result<PageToken, ListError> {
        let page = PageToken::decode(token)
            .ok_or_else(|| ListError::InvalidArgument(format!("Invalid NextToken {token}.")))?;
        if cx.now.saturating_since(page.issued) > NEXT_TOKEN_LIFETIME {
            return Err(ListError::ExpiredNextToken(format!("The NextToken {token} has expired.")));
        }
        Ok(page)
    }

    pub(crate) fn list_shards(&self, cx: Call<'_>, input: ListShardsInput) -> Result<ListShardsOutput, ListError> {
        let max_results = input.max_results.unwrap_or(DEFAULT_LIST_SHARDS_RESULTS);
        let mut v = Validator::default();
        check_count(&mut v, "maxResults", max_results, MAX_LIST_SHARDS_RESULTS);
        if let Some(name) = &input.stream_name {
            validate::stream_name(&mut v, name);
        }
        v.finish().map_err(ListError::Validation)?;
        let (stream_name, after) = match (&input.next_token, &input.stream_name) {
            (Some(_), Some(_)) => {
                return Err(ListError::InvalidArgument("NextToken and StreamName cannot be provided together.".into()));
            }
            (Some(token), None) => {
                let page = self.decode_page_token(cx, token)?;
                (page.stream, Some(ShardId::new(page.after)))
            }
            (None, Some(name)) => (name.clone(), input.exclusive_start_shard_id),
            (None, None) => {
                return Err(ListError::InvalidArgument("Either NextToken or StreamName should be provided.".into()));
            }
        };
        cx.authorize_on_stream("kinesis:ListShards", &stream_name).map_err(ListError::AccessDenied)?;
        let stream = self
            .streams
            .get(&stream_name)
            .ok_or_else(|| ListError::ResourceNotFound(NotFound::Stream(stream_name.clone())))?;
        if stream.status == StreamStatus::Creating {
            return Err(ListError::ResourceInUse(crate::error::not_active(&stream_name, stream.status)));
        }
        let horizon = cx.now.checked_sub(stream.retention).unwrap_or(Instant::from_epoch_millis(0));
        let open_at = |s: &Shard, t: Instant| s.created_at <= t && s.closed_at.is_none_or(|c| c > t);
        let selected: Vec<&Shard> = stream
            .shards
            .iter()
            .filter(|s| after.is_none_or(|id| s.id > id))
            .filter(|s| match &input.shard_filter {
                None | Some(ShardFilter::FromTrimHorizon) => true,
                Some(ShardFilter::AfterShardId(id)) => s.id > *id,
                Some(ShardFilter::AtTrimHorizon) => open_at(s, horizon),
                Some(ShardFilter::AtLatest) => s.is_open(),
                Some(ShardFilter::AtTimestamp(t)) => open_at(s, *t),
                Some(ShardFilter::FromTimestamp(t)) => s.closed_at.is_none_or(|c| c >= *t),
            })
            .collect();
        let shown = &selected[..selected.len().min(max_results as usize)];
        let next_token = (selected.len() > shown.len()).then(|| {
            let last = shown.last().map_or(0, |s| s.id.index());
            PageToken { stream: stream_name.clone(), after: last, issued: cx.now }.encode()
        });
        Ok(ListShardsOutput { shards: shown.iter().map(|s| ShardView::of(s)).collect(), next_token })
    }

    pub(crate) fn add_tags_to_stream(
        &mut self,
        cx: Call<'_>,
        stream_name: &str,
        tags: BTreeMap<String, String>,
    ) -> Result<(), StreamOpError> {
        cx.authorize_on_stream("kinesis:AddTagsToStream", stream_name).map_err(StreamOpError::AccessDenied)?;
        let mut v = Validator::default();
        v.check(
            !tags.is_empty() && tags.len() <= 10,
            "tags",
            validate::map_value(&tags),
            "Member must have length between 1 and 10",
        );
        check_tags(&mut v, &tags);
        v.finish().map_err(StreamOpError::Validation)?;
        let stream = self.changeable_stream(stream_name, true)?;
        let new_keys = tags.keys().filter(|k| !stream.tags.contains_key(*k)).count();
        if stream.tags.len() + new_keys > MAX_TAGS_PER_STREAM {
            return Err(StreamOpError::LimitExceeded(format!(
                "Failed to add tags to stream {stream_name} under account {ACCOUNT_ID} because a given stream cannot have more than {MAX_TAGS_PER_STREAM} tags."
            )));
        }
        stream.tags.extend(tags);
        Ok(())
    }

    pub(crate) fn remove_tags_from_stream(
        &mut self,
        cx: Call<'_>,
        stream_name: &str,
        tag_keys: &[String],
    ) -> Result<(), StreamOpError> {
        cx.authorize_on_stream("kinesis:RemoveTagsFromStream", stream_name).map_err(StreamOpError::AccessDenied)?;
        let stream = self.changeable_stream(stream_name, true)?;
        for key in tag_keys {
            stream.tags.remove(key);
        }
        Ok(())
    }

    pub(crate) fn list_tags_for_stream(
        &self,
        cx: Call<'_>,
        stream_name: &str,
    ) -> Result<BTreeMap<String, String>, StreamOpError> {
        cx.authorize_on_stream("kinesis:ListTagsForStream", stream_name).map_err(StreamOpError::AccessDenied)?;
        self.existing_stream(stream_name).map(|s| s.tags.clone())
    }

    pub(crate) fn change_retention_period(
        &mut self,
        cx: Call<'_>,
        stream_name: &str,
        hours: u32,
        increase: bool,
    ) -> Result<(), StreamOpError> {
        let action =
            if increase { "kinesis:IncreaseStreamRetentionPeriod" } else { "kinesis:DecreaseStreamRetentionPeriod" };
        cx.authorize(action, &stream_arn(stream_name)).map_err(StreamOpError::AccessDenied)?;
        if !(MIN_RETENTION_HOURS..=MAX_RETENTION_HOURS).contains(&hours) {
            let bound = if hours < MIN_RETENTION_HOURS {
                format!("Minimum allowed retention period is {MIN_RETENTION_HOURS} hours.")
            } else {
                format!("Maximum allowed retention period is {MAX_RETENTION_HOURS} hours.")
            };
            return Err(StreamOpError::InvalidArgument(format!(
                "{bound} Requested retention period ({hours} hours) is too {}.",
                if hours < MIN_RETENTION_HOURS { "short" } else { "long" }
            )));
        }
        let stream = self.changeable_stream(stream_name, false)?;
        let current = stream.retention_hours();
        if increase && hours < current {
            return Err(StreamOpError::InvalidArgument(format!(
                "Requested retention period ({hours} hours) for stream {stream_name} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API."
            )));
        }
        if !increase && hours > current {
            return Err(StreamOpError::InvalidArgument(format!(
                "Requested retention period ({hours} hours) for stream {stream_name} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API."
            )));
        }
        stream.retention = Duration::from_hours(u64::from(hours));
        Ok(())
    }

    pub(crate) fn describe_limits(&self, cx: Call<'_>) -> Result<Limits, StreamOpError> {
        cx.authorize("kinesis:DescribeLimits", "*").map_err(StreamOpError::AccessDenied)?;
        Ok(self.limits())
    }

    pub(crate) fn limits(&self) -> Limits {
        Limits {
            shard_limit: ACCOUNT_SHARD_LIMIT,
            open_shard_count: self.streams.values().map(Stream::open_shard_count).sum(),
            on_demand_stream_count: self.streams.values().filter(|s| s.mode == CapacityMode::OnDemand).count() as u32,
            on_demand_stream_count_limit: ON_DEMAND_STREAM_COUNT_LIMIT,
        }
    }
}

/// `MaxRecordSizeInKiB`'s range, as the model states it.
fn check_max_record_size(v: &mut Validator, kib: u32) {
    v.check(
        kib >= MIN_MAX_RECORD_SIZE_KIB,
        "maxRecordSizeInKiB",
        kib.to_string(),
        format!("Member must have value greater than or equal to {MIN_MAX_RECORD_SIZE_KIB}"),
    );
    v.check(
        kib <= MAX_MAX_RECORD_SIZE_KIB,
        "maxRecordSizeInKiB",
        kib.to_string(),
        format!("Member must have value less than or equal to {MAX_MAX_RECORD_SIZE_KIB}"),
    );
}
