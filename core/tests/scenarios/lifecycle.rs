use std::collections::BTreeMap;

use shardlab_core::{
    CapacityMode, CreateStreamInput, Duration, ListShardsInput, ShardFilter, ShardId, Simulation, StreamStatus, limits,
};

use crate::sim_with_stream;

#[test]
fn streams_are_creating_then_active_then_deleting_then_gone() {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("s", 2)).unwrap();
    assert_eq!(sim.describe_stream_summary("s").unwrap().stream_status, StreamStatus::Creating);
    sim.advance(limits::STREAM_CREATE_DELAY - Duration::from_millis(1));
    assert_eq!(sim.describe_stream_summary("s").unwrap().stream_status, StreamStatus::Creating);
    sim.advance(Duration::from_millis(1));
    let summary = sim.describe_stream_summary("s").unwrap();
    assert_eq!(summary.stream_status, StreamStatus::Active);
    assert_eq!(summary.stream_arn, "arn:aws:kinesis:us-east-1:123456789012:stream/s");
    assert_eq!((summary.open_shard_count, summary.retention_period_hours), (2, 24));
    sim.delete_stream("s").unwrap();
    assert_eq!(sim.describe_stream_summary("s").unwrap().stream_status, StreamStatus::Deleting);
    sim.advance(limits::STREAM_DELETE_DELAY);
    assert_eq!(sim.describe_stream_summary("s").unwrap_err().code(), "ResourceNotFoundException");
}

#[track_caller]
fn check_create_error(input: CreateStreamInput, code: &str, message_part: &str) {
    let mut sim = sim_with_stream(1);
    let err = sim.create_stream(input).unwrap_err();
    assert_eq!(err.code(), code, "{err}");
    assert!(err.to_string().contains(message_part), "{err}");
}

#[test]
fn create_stream_validates_like_aws() {
    check_create_error(
        CreateStreamInput::provisioned("s", 2),
        "ResourceInUseException",
        "Stream s under account 123456789012 already exists.",
    );
    check_create_error(
        CreateStreamInput::provisioned("bad name", 1),
        "ValidationException",
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );
    check_create_error(
        CreateStreamInput::provisioned("", 1),
        "ValidationException",
        "Member must have length greater than or equal to 1",
    );
    check_create_error(
        CreateStreamInput::provisioned("n".repeat(129), 1),
        "ValidationException",
        "Member must have length less than or equal to 128",
    );
    check_create_error(CreateStreamInput::provisioned("ok", 0), "ValidationException", "Value '0' at 'shardCount'");
    check_create_error(
        CreateStreamInput::provisioned("big", limits::ACCOUNT_SHARD_LIMIT),
        "LimitExceededException",
        "This request would exceed the shard limit for the account 123456789012 in us-east-1. Current shard count for the account: 1. Limit: 20000. Number of additional shards that would have resulted from this request: 20000.",
    );
    let mut sim = Simulation::new();
    assert!(sim.create_stream(CreateStreamInput::provisioned("n".repeat(128), 1)).is_ok());
}

#[test]
fn on_demand_streams_start_with_four_shards() {
    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::on_demand("od")).unwrap();
    let summary = sim.describe_stream_summary("od").unwrap();
    assert_eq!((summary.mode, summary.open_shard_count), (CapacityMode::OnDemand, 4));
    assert_eq!(sim.limits().on_demand_stream_count, 1);
}

#[test]
fn list_shards_pages_with_tokens_and_filters() {
    let mut sim = sim_with_stream(5);
    let first = sim
        .list_shards(ListShardsInput { stream_name: Some("s".into()), max_results: Some(2), ..Default::default() })
        .unwrap();
    assert_eq!(first.shards.iter().map(|s| s.id.index()).collect::<Vec<_>>(), [0, 1]);
    let token = first.next_token.unwrap();
    let second = sim
        .list_shards(ListShardsInput { next_token: Some(token.clone()), max_results: Some(10), ..Default::default() })
        .unwrap();
    assert_eq!(second.shards.iter().map(|s| s.id.index()).collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(second.next_token, None);

    let both = sim.list_shards(ListShardsInput {
        stream_name: Some("s".into()),
        next_token: Some(token.clone()),
        ..Default::default()
    });
    assert_eq!(both.unwrap_err().to_string(), "NextToken and StreamName cannot be provided together.");

    let after = sim
        .list_shards(ListShardsInput {
            stream_name: Some("s".into()),
            shard_filter: Some(ShardFilter::AfterShardId(ShardId::new(3))),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(after.shards.len(), 1);

    sim.advance(limits::NEXT_TOKEN_LIFETIME + Duration::from_millis(1));
    let expired = sim.list_shards(ListShardsInput { next_token: Some(token), ..Default::default() }).unwrap_err();
    assert_eq!(expired.code(), "ExpiredNextTokenException");
}

#[test]
fn list_streams_pages_in_name_order() {
    let mut sim = Simulation::new();
    for name in ["c", "a", "b"] {
        sim.create_stream(CreateStreamInput::provisioned(name, 1)).unwrap();
    }
    let page = sim.list_streams(Some(2), None, None).unwrap();
    assert_eq!(page.stream_names, ["a", "b"]);
    assert!(page.has_more_streams);
    let rest = sim.list_streams(None, None, page.next_token.as_deref()).unwrap();
    assert_eq!(rest.stream_names, ["c"]);
    assert!(!rest.has_more_streams);
}

#[test]
fn tags_are_added_listed_and_removed() {
    let mut sim = sim_with_stream(1);
    let tags: BTreeMap<String, String> =
        [("team", "data"), ("env", "dev")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    sim.add_tags_to_stream("s", tags).unwrap();
    sim.remove_tags_from_stream("s", &["env".into()]).unwrap();
    let listed = sim.list_tags_for_stream("s").unwrap();
    assert_eq!(listed.into_iter().collect::<Vec<_>>(), [("team".to_string(), "data".to_string())]);
    let too_many: BTreeMap<String, String> = (0..11).map(|i| (format!("k{i}"), String::new())).collect();
    assert_eq!(sim.add_tags_to_stream("s", too_many).unwrap_err().code(), "ValidationException");
}

#[track_caller]
fn check_retention(hours: u32, increase: bool, message: &str) {
    let mut sim = sim_with_stream(1);
    sim.change_retention_period("s", 48, true).unwrap();
    let err = sim.change_retention_period("s", hours, increase).unwrap_err();
    assert_eq!((err.code(), err.to_string().as_str()), ("InvalidArgumentException", message));
}

#[test]
fn retention_changes_move_one_way_within_bounds() {
    check_retention(
        23,
        false,
        "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.",
    );
    check_retention(
        8761,
        true,
        "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.",
    );
    check_retention(
        24,
        true,
        "Requested retention period (24 hours) for stream s can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.",
    );
    check_retention(
        72,
        false,
        "Requested retention period (72 hours) for stream s can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.",
    );
    let mut sim = sim_with_stream(1);
    sim.change_retention_period("s", 8760, true).unwrap();
    assert_eq!(sim.describe_stream_summary("s").unwrap().retention_period_hours, 8760);
}

#[test]
fn describe_limits_counts_open_shards() {
    let sim = sim_with_stream(3);
    let limits = sim.limits();
    assert_eq!((limits.shard_limit, limits.open_shard_count), (20_000, 3));
}

#[test]
fn a_long_quiet_step_is_cheap_and_leaves_streams_working() {
    let mut sim = sim_with_stream(2);
    sim.create_stream(CreateStreamInput::on_demand("od")).unwrap();
    crate::put(&mut sim, "k", b"old").unwrap();
    // A year and a bit, second by second if the clock did not skip quiet time.
    sim.advance(Duration::from_hours(24 * 400));
    assert_eq!(crate::read_all(&mut sim, 0).len() + crate::read_all(&mut sim, 1).len(), 0, "past retention");
    assert!(crate::put(&mut sim, "k", b"new").is_ok());
    assert_eq!(sim.describe_stream_summary("od").unwrap().stream_status, StreamStatus::Active);
}
