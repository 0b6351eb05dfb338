//! Custom S3 prefixes: the `!{namespace:value}` expressions Firehose
//! evaluates for every object it writes, and the rules `CreateDeliveryStream`
//! enforces on them (AWS Firehose Developer Guide, "Understand custom
//! prefixes for Amazon S3 objects", and its "Semantic rules").
//!
//! Four namespaces: `timestamp` (a Java `DateTimeFormatter` pattern applied
//! to the approximate arrival time of the oldest record in the object, in
//! UTC), `firehose` (`random-string`, 11 random characters, new for every
//! instance; `error-output-type`, the reason records failed), and the
//! dynamic-partitioning keys `partitionKeyFromQuery` and
//! `partitionKeyFromLambda`.
//!
//! The timestamp patterns understood are a subset of `DateTimeFormatter`'s:
//! `y` (year; `yy` its last two digits), `M` (month; `MMM` `Jan`, `MMMM`
//! `January`), `d` (day of month), `D` (day of year), `H` (hour of day,
//! 0–23), `m` (minute), `s` (second), text in single quotes (`''` is a
//! quote), and any other character that is not a letter, printed as it is.
//! Every other pattern letter, and `[`, `]`, `{`, `}` and `#`, is refused
//! with `InvalidArgumentException`. Left out: `CustomTimeZone` (every time is
//! UTC), and the 512-character limit on an evaluated prefix.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::time::Instant;

/// Why records went to the error output: `!{firehose:error-output-type}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ErrorOutputType {
    /// `processing-failed`: the transformation function answered `ProcessingFailed`.
    Processing,
    /// `format-conversion-failed`: record format conversion could not parse the record.
    FormatConversion,
    /// `partitioning-failed`: dynamic partitioning could not find the record's partition keys.
    Partitioning,
}

impl ErrorOutputType {
    /// The folder name AWS uses.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ErrorOutputType::Processing => "processing-failed",
            ErrorOutputType::FormatConversion => "format-conversion-failed",
            ErrorOutputType::Partitioning => "partitioning-failed",
        }
    }
}

/// The partition keys of one dynamic partition, by namespace and name.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct PartitionKeys {
    /// `partitionKeyFromQuery`: from the `MetadataExtraction` processor's query.
    pub(crate) query: BTreeMap<String, String>,
    /// `partitionKeyFromLambda`: from the transformation function's `metadata.partitionKeys`.
    pub(crate) lambda: BTreeMap<String, String>,
}

/// A namespace of partition keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeySource {
    /// `partitionKeyFromQuery`.
    Query,
    /// `partitionKeyFromLambda`.
    Lambda,
}

/// One piece of a timestamp pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum TimePart {
    Text(String),
    /// A pattern letter and how many times it is repeated.
    Field(char, usize),
}

/// One piece of a prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Timestamp(Vec<TimePart>),
    RandomString,
    ErrorOutputType,
    PartitionKey(KeySource, String),
}

/// A parsed `Prefix` or `ErrorOutputPrefix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

/// What a template is evaluated with, besides the clock and the dice.
pub(crate) struct Context<'a> {
    /// The error output type, for `ErrorOutputPrefix`.
    pub(crate) error_output_type: Option<ErrorOutputType>,
    /// The partition's keys, for a dynamically partitioned `Prefix`.
    pub(crate) keys: &'a PartitionKeys,
}

impl Template {
    /// Parses the prefix named `member` (`Prefix`, `ErrorOutputPrefix`); the
    /// error is `InvalidArgumentException`'s message.
    pub(crate) fn parse(member: &str, text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("!{") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].into()));
            }
            let after = &rest[start + 2..];
            let not_an_expression = || {
                format!(
                    "{member} {text} is invalid: the sequence !{{ can only appear in !{{namespace:value}} expressions."
                )
            };
            let end = after.find('}').ok_or_else(not_an_expression)?;
            let (namespace, value) = after[..end].split_once(':').ok_or_else(not_an_expression)?;
            let expression = &rest[start..start + 3 + end];
            parts.push(expression_part(member, expression, namespace, value)?);
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.into()));
        }
        Ok(Template { parts })
    }

    /// Whether the prefix holds any `!{…}` expression.
    pub(crate) fn has_expressions(&self) -> bool {
        self.parts.iter().any(|part| !matches!(part, Part::Text(_)))
    }

    /// Whether it holds a `!{timestamp:…}` expression.
    pub(crate) fn has_timestamp(&self) -> bool {
        self.parts.iter().any(|part| matches!(part, Part::Timestamp(_)))
    }

    /// Whether it holds `!{firehose:error-output-type}`.
    pub(crate) fn has_error_output_type(&self) -> bool {
        self.parts.contains(&Part::ErrorOutputType)
    }

    /// The partition keys it names, in order.
    pub(crate) fn partition_keys(&self) -> impl Iterator<Item = (KeySource, &str)> {
        self.parts.iter().filter_map(|part| match part {
            Part::PartitionKey(source, name) => Some((*source, name.as_str())),
            _ => None,
        })
    }

    /// The prefix for an object whose oldest record arrived `at`, drawing
    /// each `random-string` from `random`.
    pub(crate) fn evaluate(&self, at: Instant, context: &Context<'_>, random: &mut dyn FnMut() -> String) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Timestamp(pattern) => format_time(&mut out, pattern, at),
                Part::RandomString => out.push_str(&random()),
                Part::ErrorOutputType => out.push_str(context.error_output_type.map_or("", ErrorOutputType::as_str)),
                Part::PartitionKey(source, name) => {
                    let keys = match source {
                        KeySource::Query => &context.keys.query,
                        KeySource::Lambda => &context.keys.lambda,
                    };
                    out.push_str(keys.get(name).map_or("", String::as_str));
                }
            }
        }
        out
    }
}

/// The part `!{namespace:value}` stands for.
fn expression_part(member: &str, expression: &str, namespace: &str, value: &str) -> Result<Part, String> {
    let invalid = |why: &str| format!("{member} expression {expression} is invalid: {why}");
    match namespace {
        "timestamp" => parse_time_pattern(value).map(Part::Timestamp).map_err(|why| invalid(&why)),
        "firehose" => match value {
            "random-string" => Ok(Part::RandomString),
            "error-output-type" => Ok(Part::ErrorOutputType),
            _ => Err(invalid("the firehose namespace takes random-string or error-output-type.")),
        },
        "partitionKeyFromQuery" | "partitionKeyFromLambda" if value.is_empty() => {
            Err(invalid("a partition key needs a name."))
        }
        "partitionKeyFromQuery" => Ok(Part::PartitionKey(KeySource::Query, value.into())),
        "partitionKeyFromLambda" => Ok(Part::PartitionKey(KeySource::Lambda, value.into())),
        _ => {
            Err(invalid("the namespace must be firehose, timestamp, partitionKeyFromQuery or partitionKeyFromLambda."))
        }
    }
}

/// The most repetitions of each supported pattern letter, after Java's
/// `DateTimeFormatterBuilder.appendPattern` ("Too many pattern letters").
fn max_count(letter: char) -> Option<usize> {
    match letter {
        'y' => Some(19),
        'M' => Some(4),
        'D' => Some(3),
        'd' | 'H' | 'm' | 's' => Some(2),
        _ => None,
    }
}

/// Parses the supported subset of a `DateTimeFormatter` pattern.
fn parse_time_pattern(pattern: &str) -> Result<Vec<TimePart>, String> {
    if pattern.is_empty() {
        return Err("the timestamp pattern is empty.".into());
    }
    let mut parts = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            let mut text = String::new();
            if chars.peek() == Some(&'\'') {
                chars.next();
                text.push('\'');
            } else {
                loop {
                    match chars.next() {
                        None => return Err("the pattern ends inside a quoted literal.".into()),
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            text.push('\'');
                        }
                        Some('\'') => break,
                        Some(other) => text.push(other),
                    }
                }
            }
            parts.push(TimePart::Text(text));
        } else if c.is_ascii_alphabetic() {
            let mut count = 1;
            while chars.peek() == Some(&c) {
                chars.next();
                count += 1;
            }
            let max = max_count(c).ok_or_else(|| {
                format!("pattern letter '{c}' is not supported (supported: y M d D H m s and quoted text).")
            })?;
            if count > max {
                return Err(format!("too many pattern letters: {c}."));
            }
            parts.push(TimePart::Field(c, count));
        } else if "[]{}#".contains(c) {
            return Err(format!("'{c}' is reserved in DateTimeFormatter patterns and not supported."));
        } else {
            parts.push(TimePart::Text(c.into()));
        }
    }
    Ok(parts)
}

/// Appends `at` in UTC, formatted by `pattern`.
fn format_time(out: &mut String, pattern: &[TimePart], at: Instant) {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let t = at.utc_fields();
    for part in pattern {
        let (letter, count) = match part {
            TimePart::Text(text) => {
                out.push_str(text);
                continue;
            }
            TimePart::Field(letter, count) => (*letter, *count),
        };
        let value = match letter {
            'y' if count == 2 => t.year % 100,
            'y' => t.year,
            'M' if count >= 3 => {
                let name = MONTHS[(t.month - 1) as usize];
                out.push_str(if count == 3 { &name[..3] } else { name });
                continue;
            }
            'M' => t.month,
            'd' => t.day,
            'D' => t.day_of_year,
            'H' => t.hour,
            'm' => t.minute,
            's' => t.second,
            _ => unreachable!("parse_time_pattern admits only supported letters"),
        };
        // The count is the minimum width, zero-padded, as Java pads numbers.
        out.push_str(&format!("{value:0count$}"));
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    /// 2026-03-04T05:06:07Z, day 63 of the year.
    const AT: Instant = Instant::from_epoch_millis(1_772_600_767_000);

    #[track_caller]
    fn check_evaluate(prefix: &str, expected: &str) {
        let template = Template::parse("Prefix", prefix).unwrap();
        let keys = PartitionKeys {
            query: [("customer".to_string(), "42".to_string())].into(),
            lambda: [("region".to_string(), "eu".to_string())].into(),
        };
        let context = Context { error_output_type: Some(ErrorOutputType::Processing), keys: &keys };
        let mut n = 0;
        let mut random = || {
            n += 1;
            format!("r{n}")
        };
        assert_eq!(template.evaluate(AT, &context, &mut random), expected, "{prefix}");
    }

    #[test]
    fn evaluates_every_namespace() {
        check_evaluate("", "");
        check_evaluate("logs/", "logs/");
        check_evaluate("!{timestamp:yyyy/MM/dd/HH/}", "2026/03/04/05/");
        check_evaluate("y=!{timestamp:yyyy}/m=!{timestamp:M}/d=!{timestamp:d}/", "y=2026/m=3/d=4/");
        check_evaluate("!{timestamp:yy-MMM-MMMM DDD D HH:mm:ss}", "26-Mar-March 063 63 05:06:07");
        check_evaluate("!{timestamp:'year='yyyy'/month='MM}/", "year=2026/month=03/");
        check_evaluate("!{timestamp:yyyy''MM'''x'}", "2026'03'x");
        check_evaluate("a/!{firehose:random-string}/!{firehose:random-string}/", "a/r1/r2/");
        check_evaluate("e/!{firehose:error-output-type}/", "e/processing-failed/");
        check_evaluate("c=!{partitionKeyFromQuery:customer}/r=!{partitionKeyFromLambda:region}/", "c=42/r=eu/");
        check_evaluate("!x{y}!", "!x{y}!");
    }

    #[track_caller]
    fn check_refused(prefix: &str, message: &str) {
        assert_eq!(Template::parse("Prefix", prefix), Err(message.to_string()), "{prefix}");
    }

    #[test]
    fn refuses_what_aws_refuses_and_patterns_outside_the_subset() {
        check_refused(
            "a/!{timestamp:yyyy",
            "Prefix a/!{timestamp:yyyy is invalid: the sequence !{ can only appear in !{namespace:value} expressions.",
        );
        check_refused(
            "!{yyyy}",
            "Prefix !{yyyy} is invalid: the sequence !{ can only appear in !{namespace:value} expressions.",
        );
        check_refused(
            "!{time:yyyy}",
            "Prefix expression !{time:yyyy} is invalid: the namespace must be firehose, timestamp, partitionKeyFromQuery or partitionKeyFromLambda.",
        );
        check_refused(
            "!{firehose:uuid}",
            "Prefix expression !{firehose:uuid} is invalid: the firehose namespace takes random-string or error-output-type.",
        );
        check_refused(
            "!{partitionKeyFromQuery:}",
            "Prefix expression !{partitionKeyFromQuery:} is invalid: a partition key needs a name.",
        );
        check_refused("!{timestamp:}", "Prefix expression !{timestamp:} is invalid: the timestamp pattern is empty.");
        check_refused(
            "!{timestamp:EEE}",
            "Prefix expression !{timestamp:EEE} is invalid: pattern letter 'E' is not supported (supported: y M d D H m s and quoted text).",
        );
        check_refused(
            "!{timestamp:ddd}",
            "Prefix expression !{timestamp:ddd} is invalid: too many pattern letters: d.",
        );
        check_refused(
            "!{timestamp:yyyy'x}",
            "Prefix expression !{timestamp:yyyy'x} is invalid: the pattern ends inside a quoted literal.",
        );
        check_refused(
            "!{timestamp:[yyyy]}",
            "Prefix expression !{timestamp:[yyyy]} is invalid: '[' is reserved in DateTimeFormatter patterns and not supported.",
        );
    }

    #[test]
    fn reports_what_a_prefix_holds() {
        let template = Template::parse("Prefix", "a/!{partitionKeyFromQuery:k}/!{firehose:random-string}").unwrap();
        assert!(template.has_expressions() && !template.has_timestamp() && !template.has_error_output_type());
        assert_eq!(template.partition_keys().collect::<Vec<_>>(), [(KeySource::Query, "k")]);
        assert!(!Template::parse("Prefix", "plain/").unwrap().has_expressions());
        assert!(Template::parse("E", "!{firehose:error-output-type}").unwrap().has_error_output_type());
    }
}
