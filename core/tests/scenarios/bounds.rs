//! What a long run holds: memory bounded by what the streams retain, however
//! the clock is moved, and generators whose work follows what the stream
//! accepts.

use shardlab_core::generator::{GeneratorConfig, KeyDistribution};
use shardlab_core::metrics::{MetricName, RETENTION};
use shardlab_core::{Duration, Retained, Simulation};

use super::sim_with_stream;

const HOUR: Duration = Duration::from_secs(3600);

fn generating(rate: u32) -> Simulation {
    let mut sim = sim_with_stream(1);
    let config = GeneratorConfig {
        stream_name: "s".into(),
        records_per_second: rate,
        record_bytes: 100,
        keys: KeyDistribution::Uniform { distinct_keys: 1000 },
    };
    sim.start_generator(config, 7).unwrap();
    sim
}

/// Issue 12 item 17: a single 26-hour move at 10 records/s keeps no more
/// than the 24 hours of records the stream retains, and the metric buckets
/// of the last three hours; it ends exactly where 13 two-hour moves end.
#[test]
fn one_long_move_keeps_what_retention_keeps_and_no_more() {
    let mut long = generating(10);
    long.advance(Duration::from_secs(26 * 3600));
    let mut stepped = generating(10);
    for _ in 0..13 {
        stepped.advance(Duration::from_secs(2 * 3600));
    }
    let retained = long.retained();
    assert_eq!(retained, stepped.retained());
    // 24 hours at 10 records/s, give or take the records of the boundary tick.
    let day = 24 * 3600 * 10;
    assert!((day - 1..=day + 1).contains(&retained.records), "{retained:?}");
    // Each record is at most 32 bytes (issue 13) beyond "key-N" (at most
    // 7 bytes here) and its 100 bytes of data.
    assert!(retained.record_bytes <= retained.records * (32 + 7 + 100), "{retained:?}");
    // A handful of series, each at most RETENTION's seconds.
    let seconds = RETENTION.as_millis() / 1000;
    assert!(retained.metric_buckets <= 20 * seconds, "{retained:?}");
    assert!(retained.metric_buckets >= seconds, "{retained:?}");
    assert!(retained.estimated_bytes() < 200 << 20, "{retained:?}");
}

/// Retained counts come and go with the records: empty before traffic and
/// again once retention has dropped everything.
#[test]
fn retained_counts_fall_back_when_retention_drops_the_records() {
    let mut sim = generating(10);
    assert_eq!(sim.retained().records, 0);
    sim.advance(HOUR);
    let after_an_hour = sim.retained();
    assert_eq!(after_an_hour.records, 36_000);
    sim.stop_generator(shardlab_core::generator::GeneratorId(0));
    sim.advance(Duration::from_secs(25 * 3600));
    let Retained { records, record_bytes, .. } = sim.retained();
    assert_eq!((records, record_bytes), (0, 0));
}

/// Item 19: a generator far above what one shard accepts (200,000 records/s
/// into 1,000) is told apart entry by entry, but counted in bulk: the
/// counters, stored records and throttling metrics are what one-by-one
/// `PutRecords` results would say.
#[test]
fn a_generator_far_above_the_limit_counts_its_throttled_entries() {
    let mut sim = generating(200_000);
    sim.advance(Duration::from_secs(10));
    let counters = sim.generators()[0].counters;
    assert_eq!(counters.sent, 2_000_000);
    assert_eq!(counters.stored + counters.throttled, counters.sent);
    assert_eq!(counters.failed, 0);
    // One shard takes 1,000 records a second, plus its first second's burst.
    let stored = sim.retained().records;
    assert_eq!(counters.stored, stored);
    assert!((10_000..=11_000).contains(&stored), "{counters:?}");
    let now = sim.now();
    let from = now.checked_sub(Duration::from_secs(60)).unwrap();
    let total = |metric| -> f64 {
        sim.metric_statistics("s", None, metric, Duration::from_secs(60), from, now).iter().map(|d| d.sum).sum()
    };
    // The current second is not flushed yet, so the metrics trail the
    // counters by at most one second's worth.
    let throttled = total(MetricName::WriteProvisionedThroughputExceeded);
    assert!(throttled <= counters.throttled as f64 && throttled >= (counters.throttled - 200_000) as f64);
    assert_eq!(total(MetricName::PutRecordsThrottledRecords), throttled);
    assert_eq!(total(MetricName::IncomingRecords) + throttled, total(MetricName::PutRecordsTotalRecords));
}
