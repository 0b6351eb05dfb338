//! Simulated time. The only notion of time in `core`.
//!
//! Nothing in this crate reads a clock: every time-dependent operation takes
//! the current [`Instant`] from [`crate::Simulation`], which callers move
//! forward explicitly. Resolution is one millisecond, like Kinesis timestamps.

use core::fmt;
use core::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

/// A point in simulated time: milliseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Instant(u64);

/// A span of simulated time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Duration(u64);

impl Instant {
    /// 2026-01-01T00:00:00Z, where every new simulation's clock starts.
    pub const SIMULATION_START: Instant = Instant(1_767_225_600_000);

    /// 9999-12-31T23:59:59.999Z, the latest the clock reads: the last
    /// instant with a four-digit year. [`crate::Simulation::advance`] stops
    /// here and a snapshot whose clock is later is refused, so that every
    /// schedule the simulation keeps (at most a year or so after the clock)
    /// fits in a `u64` with room to spare, and adding to an instant never wraps.
    pub const LATEST: Instant = Instant(253_402_300_799_999);

    /// The instant `millis` milliseconds after the Unix epoch.
    pub const fn from_epoch_millis(millis: u64) -> Instant {
        Instant(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn epoch_millis(self) -> u64 {
        self.0
    }

    /// `self - by`, or `None` before the epoch.
    pub const fn checked_sub(self, by: Duration) -> Option<Instant> {
        match self.0.checked_sub(by.0) {
            Some(millis) => Some(Instant(millis)),
            None => None,
        }
    }

    /// The time elapsed from `earlier` to `self`, or zero if `earlier` is later.
    pub const fn saturating_since(self, earlier: Instant) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

impl Duration {
    /// No time at all.
    pub const ZERO: Duration = Duration(0);

    /// A duration of `millis` milliseconds.
    pub const fn from_millis(millis: u64) -> Duration {
        Duration(millis)
    }

    /// A duration of `secs` seconds.
    pub const fn from_secs(secs: u64) -> Duration {
        Duration(secs.saturating_mul(1000))
    }

    /// A duration of `hours` hours.
    pub const fn from_hours(hours: u64) -> Duration {
        Duration(hours.saturating_mul(3_600_000))
    }

    /// The length in milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.0
    }
}

// Time arithmetic saturates instead of wrapping or panicking: a value from a
// crafted snapshot or an API call (a pause of `u64::MAX` milliseconds) must
// not wrap the clock to 1970 or abort the page. The clock itself stays at or
// before `Instant::LATEST`, so saturation only ever yields "never".

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, rhs: Duration) -> Instant {
        Instant(self.0.saturating_add(rhs.0))
    }
}

impl Add for Duration {
    type Output = Duration;
    fn add(self, rhs: Duration) -> Duration {
        Duration(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Duration {
    type Output = Duration;
    fn sub(self, rhs: Duration) -> Duration {
        Duration(self.0.saturating_sub(rhs.0))
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    fn sub(self, rhs: Duration) -> Instant {
        Instant(self.0.saturating_sub(rhs.0))
    }
}

/// Formats as ISO 8601 UTC with milliseconds, e.g. `2026-01-01T00:00:00.000Z`.
impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0 % 1000;
        let UtcFields { year, month, day, hour, minute, second, .. } = self.utc_fields();
        write!(f, "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
    }
}

impl Instant {
    /// Java's `Date.toString()` in UTC, as AWS prints times in some
    /// messages: `Thu Jan 01 00:00:00 UTC 2026`.
    pub fn java_date(self) -> alloc::string::String {
        let (weekday, month, day, year, time) = self.calendar();
        alloc::format!("{weekday} {month} {day:02} {time} UTC {year}")
    }

    /// An IMF-fixdate, as HTTP's `Date` header carries it:
    /// `Thu, 01 Jan 2026 00:00:00 GMT`.
    pub fn http_date(self) -> alloc::string::String {
        let (weekday, month, day, year, time) = self.calendar();
        alloc::format!("{weekday}, {day:02} {month} {year} {time} GMT")
    }

    /// Weekday and month names, day, year and `hh:mm:ss`, in UTC.
    fn calendar(self) -> (&'static str, &'static str, u64, u64, alloc::string::String) {
        // 1970-01-01 was a Thursday.
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let t = self.utc_fields();
        let time = alloc::format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second);
        let days = self.0 / 1000 / 86_400;
        (DAYS[(days % 7) as usize], MONTHS[(t.month - 1) as usize], t.day, t.year, time)
    }
}

/// The calendar fields of an [`Instant`] in UTC, for formatting it as
/// Firehose's `!{timestamp:…}` prefixes do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UtcFields {
    pub(crate) year: u64,
    pub(crate) month: u64,
    pub(crate) day: u64,
    /// 1 for 1 January.
    pub(crate) day_of_year: u64,
    pub(crate) hour: u64,
    pub(crate) minute: u64,
    pub(crate) second: u64,
}

impl Instant {
    /// The calendar fields of this instant in UTC.
    pub(crate) fn utc_fields(self) -> UtcFields {
        // Days before the first of each month in a common year.
        const BEFORE_MONTH: [u64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let secs = self.0 / 1000;
        let (year, month, day) = civil_from_days(secs / 86_400);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let day_of_year = BEFORE_MONTH[(month - 1) as usize] + day + u64::from(leap && month > 2);
        let (hour, minute, second) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
        UtcFields { year, month, day, day_of_year, hour, minute, second }
    }
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day).
///
/// Howard Hinnant's `civil_from_days`, restricted to dates after the epoch.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[track_caller]
    fn check_display(epoch_millis: u64, expected: &str) {
        assert_eq!(Instant::from_epoch_millis(epoch_millis).to_string(), expected);
    }

    #[test]
    fn displays_as_iso_8601_utc() {
        check_display(0, "1970-01-01T00:00:00.000Z");
        check_display(Instant::SIMULATION_START.epoch_millis(), "2026-01-01T00:00:00.000Z");
        // 2024 is a leap year: the day after 28 February (1709078400 s) is the 29th.
        check_display(1_709_078_400_000 + 86_400_000, "2024-02-29T00:00:00.000Z");
        check_display(1_767_225_600_000 + 3_723_456, "2026-01-01T01:02:03.456Z");
    }

    #[test]
    fn utc_fields_count_the_day_of_the_year() {
        let fields = |millis| {
            let f = Instant::from_epoch_millis(millis).utc_fields();
            (f.year, f.month, f.day, f.day_of_year, f.hour, f.minute, f.second)
        };
        assert_eq!(fields(1_767_225_600_000 + 3_723_456), (2026, 1, 1, 1, 1, 2, 3));
        // 2024-12-31 is day 366 of a leap year; 2026-12-31 day 365.
        assert_eq!(fields(1_735_603_200_000), (2024, 12, 31, 366, 0, 0, 0));
        assert_eq!(fields(1_798_675_200_000), (2026, 12, 31, 365, 0, 0, 0));
    }

    #[test]
    fn java_date_matches_date_to_string() {
        assert_eq!(Instant::SIMULATION_START.java_date(), "Thu Jan 01 00:00:00 UTC 2026");
        // kinesalite's recording of a real AWS message.
        assert_eq!(Instant::from_epoch_millis(1_421_889_722_000).java_date(), "Thu Jan 22 01:22:02 UTC 2015");
    }

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        let end = Instant::from_epoch_millis(u64::MAX - 61_000);
        assert_eq!(end + Duration::from_secs(60), Instant::from_epoch_millis(u64::MAX - 1000));
        assert_eq!(end + Duration::from_secs(62), Instant::from_epoch_millis(u64::MAX));
        assert_eq!(Instant::from_epoch_millis(5) - Duration::from_millis(6), Instant::from_epoch_millis(0));
        assert_eq!(Duration::from_millis(u64::MAX) + Duration::from_millis(1), Duration::from_millis(u64::MAX));
        assert_eq!(Duration::from_millis(1) - Duration::from_millis(2), Duration::ZERO);
        assert_eq!(Instant::LATEST.to_string(), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn saturating_since_never_underflows() {
        let t = Instant::SIMULATION_START;
        assert_eq!((t + Duration::from_secs(2)).saturating_since(t), Duration::from_millis(2000));
        assert_eq!(t.saturating_since(t + Duration::from_secs(2)), Duration::ZERO);
    }
}
