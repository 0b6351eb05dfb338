//! Times as the page shows them: clock words like `00:01:00`, counted from
//! the simulation's start ([`Instant::SIMULATION_START`], 2026-01-01T00:00:00Z,
//! epoch second 1767225600), whose clock the page shows as the time of day.
//!
//! Lesson files may write any time member of a request body (a member whose
//! name ends in `Time` or `Timestamp`: `StartTime`, `EndTime`, `Timestamp`)
//! in clock words; the loader turns them into the epoch seconds the JSON API
//! takes, so an author never computes `1767225660` by hand:
//!
//! ```toml
//! body = { StreamName = "clicks", MetricName = "IncomingRecords", Period = 60, StartTime = "00:01:00", EndTime = "00:02:00" }
//! ```

use serde::{Deserialize, Deserializer};
use serde_json::Value;
use shardlab_core::{Duration, Instant};

/// The instant `words` (`HH:MM:SS` or `HH:MM:SS.mmm`, hours from 00 up,
/// past 23 for later days) name, or `None` if they are not clock words.
pub(crate) fn parse(words: &str) -> Option<Instant> {
    let (hms, millis) = match words.split_once('.') {
        Some((hms, millis)) if millis.len() == 3 => (hms, millis.parse::<u64>().ok()?),
        Some(_) => return None,
        None => (words, 0),
    };
    let mut parts = hms.split(':');
    let (hours, minutes, seconds) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |part: &str, width: std::ops::RangeInclusive<usize>| {
        (width.contains(&part.len()) && part.bytes().all(|c| c.is_ascii_digit())).then(|| part.parse::<u64>().ok())?
    };
    let (hours, minutes, seconds) = (digits(hours, 2..=4)?, digits(minutes, 2..=2)?, digits(seconds, 2..=2)?);
    if parts.next().is_some() || minutes > 59 || seconds > 59 {
        return None;
    }
    let elapsed = Duration::from_millis(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis);
    Some(Instant::SIMULATION_START + elapsed)
}

/// `instant` in clock words: `00:01:05`, or `00:01:05.250` when it falls
/// between seconds.
pub(crate) fn words(instant: Instant) -> String {
    let millis = instant.saturating_since(Instant::SIMULATION_START).as_millis();
    let (secs, millis) = (millis / 1000, millis % 1000);
    let hms = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    if millis == 0 { hms } else { format!("{hms}.{millis:03}") }
}

/// Epoch seconds, as the JSON API writes times: a whole number when it can be.
fn epoch_seconds(instant: Instant) -> Value {
    let millis = instant.epoch_millis();
    if millis.is_multiple_of(1000) { Value::from(millis / 1000) } else { Value::from(millis as f64 / 1000.0) }
}

fn is_time_member(name: &str) -> bool {
    name.ends_with("Time") || name.ends_with("Timestamp")
}

/// Replaces clock words in every time member of `body`, at any depth.
/// A time member holding other text is an error: the API takes numbers.
fn convert(body: &mut Value) -> Result<(), String> {
    match body {
        Value::Object(members) => {
            for (name, value) in members.iter_mut() {
                match value {
                    Value::String(text) if is_time_member(name) => {
                        let instant = parse(text).ok_or_else(|| {
                            format!(
                                "`{name} = {text:?}` is not a time: write it as the clock shows it, \
                                 HH:MM:SS from the simulation's start (\"00:01:00\"), or as epoch seconds"
                            )
                        })?;
                        *value = epoch_seconds(instant);
                    }
                    other => convert(other)?,
                }
            }
            Ok(())
        }
        Value::Array(items) => items.iter_mut().try_for_each(convert),
        _ => Ok(()),
    }
}

/// Reads a request body, with its clock words made epoch seconds. Bodies
/// already converted (the course's JSON for the site) read unchanged.
pub(crate) fn body<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    let mut body = Value::deserialize(deserializer)?;
    convert(&mut body).map_err(serde::de::Error::custom)?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const START: u64 = 1_767_225_600;

    #[test]
    fn clock_words_count_from_the_simulation_s_start() {
        let cases = [
            ("00:00:00", Some(START * 1000)),
            ("00:01:00", Some((START + 60) * 1000)),
            ("01:02:03", Some((START + 3723) * 1000)),
            ("00:00:05.250", Some(START * 1000 + 5250)),
            ("24:00:00", Some((START + 86_400) * 1000)),
            ("0:01:00", None),
            ("00:1:00", None),
            ("00:60:00", None),
            ("00:00:60", None),
            ("00:00:05.25", None),
            ("00:01", None),
            ("00:01:00:00", None),
            ("1767225660", None),
        ];
        for (text, millis) in cases {
            assert_eq!(parse(text), millis.map(Instant::from_epoch_millis), "{text}");
        }
        assert_eq!(START * 1000, Instant::SIMULATION_START.epoch_millis());
        for text in ["00:00:00", "00:01:05", "00:00:05.250", "26:00:00"] {
            assert_eq!(words(parse(text).unwrap()), text);
        }
    }

    #[test]
    fn time_members_become_epoch_seconds_at_any_depth() {
        let mut body = json!({
            "StartTime": "00:01:00",
            "EndTime": "00:00:05.500",
            "Period": 60,
            "Data": "00:01:00",
            "Nested": [{"Timestamp": "01:00:00"}],
            "StreamCreationTimestamp": START,
        });
        convert(&mut body).unwrap();
        assert_eq!(
            body,
            json!({
                "StartTime": START + 60,
                "EndTime": START as f64 + 5.5,
                "Period": 60,
                "Data": "00:01:00",
                "Nested": [{"Timestamp": START + 3600}],
                "StreamCreationTimestamp": START,
            })
        );
        // Converting again changes nothing: the site reads converted bodies.
        let converted = body.clone();
        convert(&mut body).unwrap();
        assert_eq!(body, converted);
        assert_eq!(
            convert(&mut json!({"StartTime": "1:00"})),
            Err("`StartTime = \"1:00\"` is not a time: write it as the clock shows it, HH:MM:SS from the \
                 simulation's start (\"00:01:00\"), or as epoch seconds"
                .into())
        );
    }
}
