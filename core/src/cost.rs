//! What a simulated stream would cost, from AWS's published us-east-1 prices.
//!
//! The meter counts usage in the units AWS bills (shard-milliseconds, PUT
//! payload units, bytes) as integers, and prices it only when asked for a
//! [`CostBreakdown`]. Nothing in the accumulating state is a float, so a
//! snapshot restores to exactly the same bill.
//!
//! Modelled, per the [Kinesis Data Streams pricing page][pricing]:
//! - provisioned mode: shard-hours, PUT payload units (each record is
//!   charged one unit per 25 KB, rounded up), extended retention (any
//!   retention over 24 hours is billed per shard-hour), enhanced fan-out
//!   consumer-shard-hours and enhanced fan-out data retrieved; reads through
//!   `GetRecords` are included in the shard-hour;
//! - on-demand (Standard) mode: the per-stream hourly charge, data in (each
//!   record rounded up to a whole KB of 1,024 bytes), data retrieved by
//!   `GetRecords`, and data retrieved by enhanced fan-out.
//!
//! Left out: long-term retention storage and retrieval (beyond seven days,
//! billed per GB-month), on-demand extended retention (billed per GB-month of
//! stored data, which the meter does not track), the On-demand Advantage
//! account mode, Free Tier, data transfer and taxes. A GB is 2^30 bytes, in
//! line with the 1,024-byte KB the pricing page uses.
//!
//! [pricing]: https://aws.amazon.com/kinesis/data-streams/pricing/

use alloc::vec::Vec;
use core::fmt;
use core::ops::Add;

use serde::{Deserialize, Serialize};

use crate::time::Instant;

// Prices for US East (N. Virginia), from https://aws.amazon.com/kinesis/data-streams/pricing/.
// The same figures appear in AWS's Price List API as mirrored by Infracost's
// us-east-1 test fixtures (internal/providers/terraform/aws/testdata/kinesis_stream_test).

/// Provisioned mode: $0.015 per shard-hour.
pub const SHARD_HOUR: Money = Money::from_nanos(15_000_000);
/// Provisioned mode: $0.014 per million PUT payload units.
pub const PUT_PAYLOAD_UNITS_PER_MILLION: Money = Money::from_nanos(14_000_000);
/// Provisioned mode: $0.020 per shard-hour of retention beyond 24 hours (up to seven days).
pub const EXTENDED_RETENTION_SHARD_HOUR: Money = Money::from_nanos(20_000_000);
/// Provisioned mode: $0.015 per enhanced fan-out consumer-shard-hour.
pub const EFO_CONSUMER_SHARD_HOUR: Money = Money::from_nanos(15_000_000);
/// Provisioned mode: $0.013 per GB retrieved by enhanced fan-out consumers.
pub const EFO_DATA_RETRIEVAL_PER_GB: Money = Money::from_nanos(13_000_000);
/// On-demand mode: $0.04 per stream-hour.
pub const ON_DEMAND_STREAM_HOUR: Money = Money::from_nanos(40_000_000);
/// On-demand mode: $0.08 per GB of data in.
pub const ON_DEMAND_DATA_IN_PER_GB: Money = Money::from_nanos(80_000_000);
/// On-demand mode: $0.04 per GB retrieved with `GetRecords`.
pub const ON_DEMAND_DATA_RETRIEVAL_PER_GB: Money = Money::from_nanos(40_000_000);
/// On-demand mode: $0.05 per GB retrieved by enhanced fan-out consumers.
pub const ON_DEMAND_EFO_DATA_RETRIEVAL_PER_GB: Money = Money::from_nanos(50_000_000);

/// The payload one PUT payload unit covers: 25 KB.
pub const PUT_PAYLOAD_UNIT_BYTES: u64 = 25 * 1024;
/// On-demand data in is counted per record rounded up to this: 1 KB (1,024 bytes).
pub const ON_DEMAND_RECORD_ROUNDING_BYTES: u64 = 1024;
/// Retention included in the shard-hour price; more is extended retention.
pub const DEFAULT_RETENTION_HOURS: u32 = 24;

const GB: u64 = 1 << 30;
const HOUR_MS: u64 = 3_600_000;
const MILLION: u64 = 1_000_000;

/// A stream's capacity mode, which decides how it is billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CapacityMode {
    /// A fixed number of shards, billed per shard-hour.
    #[serde(rename = "PROVISIONED")]
    Provisioned,
    /// Shards managed by Kinesis, billed per stream-hour and per GB.
    #[serde(rename = "ON_DEMAND")]
    OnDemand,
}

impl CapacityMode {
    /// The AWS wire name: `PROVISIONED` or `ON_DEMAND`.
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityMode::Provisioned => "PROVISIONED",
            CapacityMode::OnDemand => "ON_DEMAND",
        }
    }
}

impl fmt::Display for CapacityMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of US dollars, exact to the nano-dollar.
///
/// `Display` prints four decimal places (`$0.0150`), rounding half up; a
/// precision from zero to nine overrides that (`{:.9}` shows every digit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money {
    nanos: u64,
}

impl Money {
    /// No money.
    pub const ZERO: Money = Money { nanos: 0 };

    /// `nanos` billionths of a dollar.
    pub const fn from_nanos(nanos: u64) -> Money {
        Money { nanos }
    }

    /// The amount in billionths of a dollar.
    pub const fn nanos(self) -> u64 {
        self.nanos
    }

    /// The price of `quantity` at `self` per `per` units, rounded down to the nano-dollar.
    fn times(self, quantity: u64, per: u64) -> Money {
        let nanos = u128::from(quantity) * u128::from(self.nanos) / u128::from(per);
        // Saturates only past $18 billion, far beyond any lesson.
        Money { nanos: u64::try_from(nanos).unwrap_or(u64::MAX) }
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money { nanos: self.nanos.saturating_add(rhs.nanos) }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = f.precision().unwrap_or(4).min(9);
        let scale = 10u64.pow(9 - digits as u32);
        // Round half up to the shown digits; u128 so the carry cannot overflow.
        let shown = (u128::from(self.nanos) + u128::from(scale / 2)) / u128::from(scale);
        let one_dollar = u128::from(10u64.pow(digits as u32));
        let (dollars, fraction) = (shown / one_dollar, shown % one_dollar);
        if digits == 0 { write!(f, "${dollars}") } else { write!(f, "${dollars}.{fraction:0digits$}") }
    }
}

/// The PUT payload units one record of `payload_bytes` is charged: one per
/// 25 KB, rounded up, and at least one.
pub fn put_payload_units(payload_bytes: u64) -> u64 {
    payload_bytes.div_ceil(PUT_PAYLOAD_UNIT_BYTES).max(1)
}

/// Billable usage so far, in the units AWS bills.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Provisioned shard-milliseconds.
    pub shard_ms: u64,
    /// Provisioned shard-milliseconds with retention over 24 hours.
    pub extended_retention_shard_ms: u64,
    /// Provisioned enhanced fan-out consumer-shard-milliseconds.
    pub efo_consumer_shard_ms: u64,
    /// PUT payload units (provisioned).
    pub put_payload_units: u64,
    /// Bytes retrieved by enhanced fan-out (provisioned).
    pub efo_bytes_out: u64,
    /// On-demand stream-milliseconds.
    pub on_demand_stream_ms: u64,
    /// On-demand bytes in, each record rounded up to a whole KB.
    pub on_demand_bytes_in: u64,
    /// On-demand bytes retrieved with `GetRecords`.
    pub on_demand_bytes_out: u64,
    /// On-demand bytes retrieved by enhanced fan-out.
    pub on_demand_efo_bytes_out: u64,
}

/// Accumulates one stream's billable usage as the simulation runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CostMeter {
    // Invariant: never moves backwards.
    last_accrual: Instant,
    usage: Usage,
}

/// A [`CostMeter`] as version 1 of the snapshot format holds it.
#[derive(Serialize, Deserialize)]
pub(crate) struct CostMeterV1 {
    last_accrual: Instant,
    usage: Usage,
}

impl From<CostMeter> for CostMeterV1 {
    fn from(meter: CostMeter) -> CostMeterV1 {
        let CostMeter { last_accrual, usage } = meter;
        CostMeterV1 { last_accrual, usage }
    }
}

impl From<CostMeterV1> for CostMeter {
    fn from(v1: CostMeterV1) -> CostMeter {
        let CostMeterV1 { last_accrual, usage } = v1;
        CostMeter { last_accrual, usage }
    }
}

impl CostMeter {
    /// A meter that starts charging at `now`, typically the stream's creation.
    pub fn new(now: Instant) -> CostMeter {
        CostMeter { last_accrual: now, usage: Usage::default() }
    }

    /// Charges the time from the previous accrual to `now` for the
    /// configuration that held during it.
    ///
    /// Call this before every change to the mode, shard count, retention or
    /// consumers (with the old values), and before reading the breakdown.
    /// `open_shards` is the number of open shards; closed parent shards after
    /// a reshard are not billed.
    ///
    /// # Panics
    /// If `now` is before the previous accrual.
    pub fn accrue(
        &mut self,
        now: Instant,
        mode: CapacityMode,
        open_shards: u32,
        retention_hours: u32,
        efo_consumers: u32,
    ) {
        assert!(self.last_accrual <= now, "time must be monotonic last={} now={now}", self.last_accrual);
        let elapsed_ms = now.saturating_since(self.last_accrual).as_millis();
        // Every count saturates: a restored snapshot may hold any count (the
        // mutated-snapshot property test found one near u64::MAX), and one
        // stopped at its maximum misstates only a cost no simulation reaches.
        let usage = &mut self.usage;
        match mode {
            CapacityMode::Provisioned => {
                let shard_ms = u64::from(open_shards).saturating_mul(elapsed_ms);
                usage.shard_ms = usage.shard_ms.saturating_add(shard_ms);
                if retention_hours > DEFAULT_RETENTION_HOURS {
                    usage.extended_retention_shard_ms = usage.extended_retention_shard_ms.saturating_add(shard_ms);
                }
                usage.efo_consumer_shard_ms =
                    usage.efo_consumer_shard_ms.saturating_add(u64::from(efo_consumers).saturating_mul(shard_ms));
            }
            // On-demand bills the stream, not its shards; enhanced fan-out is
            // billed per GB only, and extended retention per GB-month (not modelled).
            CapacityMode::OnDemand => usage.on_demand_stream_ms = usage.on_demand_stream_ms.saturating_add(elapsed_ms),
        }
        self.last_accrual = now;
    }

    /// Charges one successfully written record of `payload_bytes`.
    pub fn record_put(&mut self, mode: CapacityMode, payload_bytes: u64) {
        self.record_puts(mode, payload_bytes, 1);
    }

    /// Charges `count` records of `payload_bytes` each, as `count` calls of
    /// [`CostMeter::record_put`] would.
    pub fn record_puts(&mut self, mode: CapacityMode, payload_bytes: u64, count: u64) {
        match mode {
            CapacityMode::Provisioned => {
                let units = put_payload_units(payload_bytes).saturating_mul(count);
                self.usage.put_payload_units = self.usage.put_payload_units.saturating_add(units)
            }
            CapacityMode::OnDemand => {
                let rounded = payload_bytes.div_ceil(ON_DEMAND_RECORD_ROUNDING_BYTES).max(1);
                let bytes = (rounded * ON_DEMAND_RECORD_ROUNDING_BYTES).saturating_mul(count);
                self.usage.on_demand_bytes_in = self.usage.on_demand_bytes_in.saturating_add(bytes);
            }
        }
    }

    /// Charges `bytes` delivered to a consumer, through enhanced fan-out
    /// (`efo`) or through `GetRecords`.
    pub fn record_read(&mut self, mode: CapacityMode, bytes: u64, efo: bool) {
        let usage = &mut self.usage;
        match (mode, efo) {
            // Shared-throughput reads are part of the shard-hour.
            (CapacityMode::Provisioned, false) => {}
            (CapacityMode::Provisioned, true) => usage.efo_bytes_out = usage.efo_bytes_out.saturating_add(bytes),
            (CapacityMode::OnDemand, false) => {
                usage.on_demand_bytes_out = usage.on_demand_bytes_out.saturating_add(bytes)
            }
            (CapacityMode::OnDemand, true) => {
                usage.on_demand_efo_bytes_out = usage.on_demand_efo_bytes_out.saturating_add(bytes)
            }
        }
    }

    /// When usage was last charged up to.
    pub fn last_accrual(&self) -> Instant {
        self.last_accrual
    }

    /// The usage counted so far.
    pub fn usage(&self) -> &Usage {
        &self.usage
    }

    /// The bill so far, line by line, in a fixed order.
    pub fn breakdown(&self) -> CostBreakdown {
        let u = &self.usage;
        let hours = |ms: u64| ms as f64 / HOUR_MS as f64;
        let gb = |bytes: u64| bytes as f64 / GB as f64;
        let items = Vec::from([
            LineItem::new("Shard hours", hours(u.shard_ms), "shard-hours", SHARD_HOUR.times(u.shard_ms, HOUR_MS)),
            LineItem::new(
                "PUT payload units",
                u.put_payload_units as f64,
                "units",
                PUT_PAYLOAD_UNITS_PER_MILLION.times(u.put_payload_units, MILLION),
            ),
            LineItem::new(
                "Extended retention",
                hours(u.extended_retention_shard_ms),
                "shard-hours",
                EXTENDED_RETENTION_SHARD_HOUR.times(u.extended_retention_shard_ms, HOUR_MS),
            ),
            LineItem::new(
                "Enhanced fan-out consumers",
                hours(u.efo_consumer_shard_ms),
                "consumer-shard-hours",
                EFO_CONSUMER_SHARD_HOUR.times(u.efo_consumer_shard_ms, HOUR_MS),
            ),
            LineItem::new(
                "Enhanced fan-out data retrieved",
                gb(u.efo_bytes_out),
                "GB",
                EFO_DATA_RETRIEVAL_PER_GB.times(u.efo_bytes_out, GB),
            ),
            LineItem::new(
                "On-demand stream hours",
                hours(u.on_demand_stream_ms),
                "stream-hours",
                ON_DEMAND_STREAM_HOUR.times(u.on_demand_stream_ms, HOUR_MS),
            ),
            LineItem::new(
                "On-demand data in",
                gb(u.on_demand_bytes_in),
                "GB",
                ON_DEMAND_DATA_IN_PER_GB.times(u.on_demand_bytes_in, GB),
            ),
            LineItem::new(
                "On-demand data retrieved",
                gb(u.on_demand_bytes_out),
                "GB",
                ON_DEMAND_DATA_RETRIEVAL_PER_GB.times(u.on_demand_bytes_out, GB),
            ),
            LineItem::new(
                "On-demand enhanced fan-out data retrieved",
                gb(u.on_demand_efo_bytes_out),
                "GB",
                ON_DEMAND_EFO_DATA_RETRIEVAL_PER_GB.times(u.on_demand_efo_bytes_out, GB),
            ),
        ]);
        let total = items.iter().fold(Money::ZERO, |sum, item| sum + item.cost);
        CostBreakdown { items, total }
    }
}

/// A bill: one line per kind of charge, and their sum.
///
/// A view computed from the meter, so it serializes for the UI but is never
/// read back.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostBreakdown {
    /// Every kind of charge, including those with nothing to charge yet.
    pub items: Vec<LineItem>,
    /// The sum of the items' costs.
    pub total: Money,
}

/// One kind of charge.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineItem {
    /// What is charged, as a bill would name it.
    pub name: &'static str,
    /// How much was used, for display only; the cost is computed from exact integers.
    pub quantity: f64,
    /// The unit of `quantity`.
    pub unit: &'static str,
    /// The charge, rounded down to the nano-dollar.
    pub cost: Money,
}

impl LineItem {
    fn new(name: &'static str, quantity: f64, unit: &'static str, cost: Money) -> LineItem {
        LineItem { name, quantity, unit, cost }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Duration;
    use alloc::string::ToString;

    const T0: Instant = Instant::SIMULATION_START;
    const MINUTE: Duration = Duration::from_secs(60);

    fn after(minutes: u64) -> Instant {
        T0 + Duration::from_millis(minutes * MINUTE.as_millis())
    }

    #[track_caller]
    fn check_item(meter: &CostMeter, name: &str, expected: &str) {
        let breakdown = meter.breakdown();
        let item = breakdown.items.iter().find(|i| i.name == name).unwrap_or_else(|| panic!("no item {name}"));
        assert_eq!(item.cost.to_string(), expected, "item={name}");
    }

    #[track_caller]
    fn check_money(nanos: u64, precision: Option<usize>, expected: &str) {
        let money = Money::from_nanos(nanos);
        let shown = match precision {
            Some(p) => alloc::format!("{money:.p$}"),
            None => money.to_string(),
        };
        assert_eq!(shown, expected, "nanos={nanos}");
    }

    #[test]
    fn money_displays_like_a_price() {
        check_money(15_000_000, None, "$0.0150");
        check_money(0, None, "$0.0000");
        check_money(1_234_567_890, None, "$1.2346");
        // Half a unit of the last digit rounds up, including across the decimal point.
        check_money(50_000, None, "$0.0001");
        check_money(49_999, None, "$0.0000");
        check_money(999_950_000, None, "$1.0000");
        check_money(14, Some(9), "$0.000000014");
        check_money(1_500_000_000, Some(0), "$2");
        check_money(1_500_000_000, Some(2), "$1.50");
    }

    #[test]
    fn put_payload_units_are_25_kb_rounded_up() {
        for (bytes, units) in [
            (0, 1),
            (1, 1),
            (1024, 1),
            (25 * 1024, 1),
            (25 * 1024 + 1, 2),
            (30 * 1024, 2),
            (50 * 1024, 2),
            (1 << 20, 41),
        ] {
            assert_eq!(put_payload_units(bytes), units, "bytes={bytes}");
        }
    }

    #[test]
    fn one_shard_for_one_hour_costs_one_shard_hour() {
        let mut meter = CostMeter::new(T0);
        meter.accrue(after(60), CapacityMode::Provisioned, 1, 24, 0);
        assert_eq!(meter.breakdown().total, SHARD_HOUR);
        check_item(&meter, "Shard hours", "$0.0150");
        // Accruing in many small steps charges exactly the same.
        let mut stepwise = CostMeter::new(T0);
        for minute in 1..=60 {
            stepwise.accrue(after(minute), CapacityMode::Provisioned, 1, 24, 0);
        }
        assert_eq!(stepwise.breakdown(), meter.breakdown());
    }

    #[test]
    fn a_million_small_puts_are_a_million_payload_units() {
        let mut meter = CostMeter::new(T0);
        for _ in 0..1_000_000 {
            meter.record_put(CapacityMode::Provisioned, 1024);
        }
        assert_eq!(meter.usage().put_payload_units, 1_000_000);
        assert_eq!(meter.breakdown().total, PUT_PAYLOAD_UNITS_PER_MILLION);
        check_item(&meter, "PUT payload units", "$0.0140");
    }

    #[test]
    fn charging_a_count_at_once_is_charging_each() {
        for mode in [CapacityMode::Provisioned, CapacityMode::OnDemand] {
            for (bytes, count) in [(0, 1), (100, 250), (4608, 7), (30 * 1024, 3), (1 << 20, 1024)] {
                let (mut each, mut at_once) = (CostMeter::new(T0), CostMeter::new(T0));
                for _ in 0..count {
                    each.record_put(mode, bytes);
                }
                at_once.record_puts(mode, bytes, count);
                assert_eq!(at_once.usage(), each.usage(), "{mode:?}, {count} of {bytes} bytes");
            }
        }
    }

    #[test]
    fn a_30_kb_record_is_two_payload_units() {
        let mut meter = CostMeter::new(T0);
        meter.record_put(CapacityMode::Provisioned, 30 * 1024);
        assert_eq!(meter.usage().put_payload_units, 2);
        assert_eq!(meter.breakdown().total, Money::from_nanos(28));
    }

    #[test]
    fn on_demand_charges_per_gb_in_and_out() {
        let mut meter = CostMeter::new(T0);
        // 1,024 records of 1 MiB: exactly 1 GB in.
        for _ in 0..1024 {
            meter.record_put(CapacityMode::OnDemand, 1 << 20);
        }
        assert_eq!(meter.usage().on_demand_bytes_in, 1 << 30);
        check_item(&meter, "On-demand data in", "$0.0800");
        // A 4.5 KB record counts as 5 KB, as in the pricing page's example.
        let mut rounding = CostMeter::new(T0);
        rounding.record_put(CapacityMode::OnDemand, 4608);
        assert_eq!(rounding.usage().on_demand_bytes_in, 5 * 1024);

        meter.record_read(CapacityMode::OnDemand, 1 << 30, false);
        meter.record_read(CapacityMode::OnDemand, 1 << 30, true);
        check_item(&meter, "On-demand data retrieved", "$0.0400");
        check_item(&meter, "On-demand enhanced fan-out data retrieved", "$0.0500");
        assert_eq!(meter.breakdown().total.to_string(), "$0.1700");
        // Nothing provisioned was charged.
        assert_eq!(meter.usage().put_payload_units, 0);
    }

    #[test]
    fn provisioned_reads_are_free_unless_enhanced_fan_out() {
        let mut meter = CostMeter::new(T0);
        meter.record_read(CapacityMode::Provisioned, 1 << 30, false);
        assert_eq!(meter.breakdown().total, Money::ZERO);
        meter.record_read(CapacityMode::Provisioned, 1 << 30, true);
        check_item(&meter, "Enhanced fan-out data retrieved", "$0.0130");
    }

    #[test]
    fn retention_and_consumers_charge_per_shard_hour() {
        let mut meter = CostMeter::new(T0);
        // Two shards, 48-hour retention and three enhanced fan-out consumers for an hour.
        meter.accrue(after(60), CapacityMode::Provisioned, 2, 48, 3);
        check_item(&meter, "Shard hours", "$0.0300");
        check_item(&meter, "Extended retention", "$0.0400");
        check_item(&meter, "Enhanced fan-out consumers", "$0.0900");
        assert_eq!(meter.breakdown().total.to_string(), "$0.1600");
        // Exactly 24 hours is the included retention.
        let mut default_retention = CostMeter::new(T0);
        default_retention.accrue(after(60), CapacityMode::Provisioned, 2, 24, 0);
        check_item(&default_retention, "Extended retention", "$0.0000");
    }

    #[test]
    fn switching_mode_mid_hour_charges_each_part_at_its_rate() {
        let mut meter = CostMeter::new(T0);
        meter.accrue(after(30), CapacityMode::Provisioned, 1, 24, 0);
        meter.accrue(after(60), CapacityMode::OnDemand, 4, 24, 0);
        check_item(&meter, "Shard hours", "$0.0075");
        check_item(&meter, "On-demand stream hours", "$0.0200");
        assert_eq!(meter.breakdown().total, Money::from_nanos(7_500_000 + 20_000_000));
        assert_eq!(meter.last_accrual(), after(60));
    }

    #[test]
    fn capacity_mode_names() {
        assert_eq!(CapacityMode::Provisioned.as_str(), "PROVISIONED");
        assert_eq!(CapacityMode::OnDemand.to_string(), "ON_DEMAND");
    }
}
