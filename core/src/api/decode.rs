//! Request decoding: JSON members to typed values, refused the way Kinesis
//! refuses them.
//!
//! Kinesis checks a request in two passes, and so does [`Decoder`]:
//!
//! 1. Types. A member of the wrong JSON type ends the request at once with a
//!    `SerializationException` in the words of AWS's Java deserializer
//!    (`class java.lang.String can not be converted to an Integer`, `Start of
//!    list found where not expected`), as kinesalite recorded them against
//!    the real service. Base64 that does not decode is refused here too.
//! 2. Constraints. Missing required members (`Value null at 'streamName'
//!    failed to satisfy constraint: Member must not be null`), enum values
//!    outside their set, and names that break the `StreamName` pattern are
//!    collected and reported together by [`Decoder::finish`] as one
//!    `ValidationException`, with AWS's lowerCamelCase member paths
//!    (`records.2.member.partitionKey`, `shardFilter.type`).
//!
//! The other constraints (lengths, hash key patterns, limits) belong to the
//! simulation's operations, which report them once decoding has passed. So a
//! request that both omits a required member and breaks such a constraint
//! hears only about the missing member, where AWS would list both.
//!
//! Members the operation does not know are ignored, as AWS ignores them, and
//! a JSON `null` counts as absent.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::mem;
use core::ops::RangeInclusive;

use serde_json::{Map, Value};

use super::error::ApiError;
use crate::error::{ValidationError, Validator, Violation, write_validation_errors};
use crate::time::Instant;
use crate::{ACCOUNT_ID, REGION, base64, validate};

/// The Coral (AWS's Java service framework) type a member is declared with,
/// which decides how a JSON value of the wrong type is refused.
#[derive(Clone, Copy)]
enum Shape {
    String,
    Integer,
    Long,
    Boolean,
    Blob,
    Timestamp,
    List,
    Map,
    Structure,
}

/// The `SerializationException` for `found` where a member of `shape` was
/// expected. Only called when the JSON type does not fit the shape.
fn mismatch(shape: Shape, found: &Value) -> ApiError {
    let target = match shape {
        Shape::String => "an String",
        Shape::Integer => "an Integer",
        Shape::Long => "an Long",
        Shape::Boolean => "an Boolean",
        Shape::Blob => "a Blob",
        Shape::Timestamp => "milliseconds since epoch",
        Shape::List | Shape::Map | Shape::Structure => "",
    };
    let message = match (found, shape) {
        (Value::Array(_), _) => "Start of list found where not expected".into(),
        (Value::Object(_), _) => "Start of structure or map found where not expected.".into(),
        (_, Shape::List) => "Expected list or null".into(),
        (_, Shape::Map) => "Expected map or null".into(),
        (_, Shape::Structure) => "Expected null".into(),
        (Value::Bool(_), _) => format!("class java.lang.Boolean can not be converted to {target}"),
        (Value::Number(_), _) => {
            format!("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to {target}")
        }
        // Strings; nulls never get here, since they mean "absent".
        _ => format!("class java.lang.String can not be converted to {target}"),
    };
    ApiError::serialization(message)
}

/// `x` rounded down to a whole number; `core` has no `f64::floor`. `as`
/// saturates, which is what a number beyond `i64` should do here.
fn floor(x: f64) -> i64 {
    let truncated = x as i64;
    if (truncated as f64) > x { truncated.saturating_sub(1) } else { truncated }
}

/// Decodes base64 `Data` with the `SerializationException` messages AWS
/// gives (the misspelt "dectected" is AWS's).
fn decode_blob(text: &str) -> Result<Vec<u8>, ApiError> {
    let refuse = |why: String| ApiError::serialization(format!("'{text}' can not be converted to a Blob: {why}"));
    if !text.len().is_multiple_of(4) {
        return Err(refuse(format!(
            "Base64 encoded length is expected a multiple of 4 bytes but found: {}",
            text.len()
        )));
    }
    // The first character outside the alphabet, or a `=` followed by anything but padding.
    let bytes = text.as_bytes();
    let bad = bytes.iter().enumerate().find(|&(idx, &c)| {
        let in_alphabet = c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=';
        !in_alphabet || (c == b'=' && bytes.get(idx + 1).is_some_and(|&next| next != b'='))
    });
    if let Some((idx, _)) = bad {
        let c = text[idx..].chars().next().unwrap_or('=');
        return Err(refuse(format!("Invalid Base64 character: '{c}'")));
    }
    // Anything else that does not survive a round trip has stray bits in its last character.
    base64::decode(text)
        .filter(|data| base64::encode(data) == text)
        .ok_or_else(|| refuse("Invalid last non-pad Base64 character dectected".into()))
}

/// `StreamARN`'s pattern, `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`, read as
/// `arn:PARTITION:kinesis:REGION:ACCOUNT:stream/NAME`.
struct StreamArn<'t> {
    partition: &'t str,
    region: &'t str,
    account: &'t str,
    name: &'t str,
}

impl<'t> StreamArn<'t> {
    const PATTERN: &'static str = "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+";

    fn parse(text: &'t str) -> Option<StreamArn<'t>> {
        let mut parts = text.splitn(6, ':');
        let (arn, partition, service, region, account) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let name = parts.next()?.strip_prefix("stream/")?;
        let well_formed = arn == "arn"
            && partition.starts_with("aws")
            && service == "kinesis"
            && account.len() == 12
            && account.bytes().all(|c| c.is_ascii_digit())
            && !name.is_empty()
            && !name.contains(char::is_whitespace);
        well_formed.then_some(StreamArn { partition, region, account, name })
    }

    /// Whether the ARN names a stream this simulated account could hold.
    fn is_ours(&self) -> bool {
        let mut v = Validator::default();
        validate::stream_name(&mut v, self.name);
        self.partition == "aws" && self.region == REGION && self.account == ACCOUNT_ID && v.finish().is_ok()
    }
}

/// `ConsumerARN`'s pattern, read as a stream ARN, `/consumer/NAME` and
/// `:CREATED`, the consumer's creation time in epoch seconds.
const CONSUMER_ARN_PATTERN: &str =
    "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+";

/// The name of the stream in `text`, if `text` matches [`CONSUMER_ARN_PATTERN`].
fn consumer_arn_stream(text: &str) -> Option<&str> {
    let (stream, consumer) = text.rsplit_once("/consumer/")?;
    let (name, created) = consumer.rsplit_once(':')?;
    let stream = StreamArn::parse(stream)?;
    let mut v = Validator::default();
    validate::stream_name(&mut v, stream.name);
    validate::stream_name(&mut v, name);
    let well_formed = v.finish().is_ok() && !created.is_empty() && created.bytes().all(|c| c.is_ascii_digit());
    well_formed.then_some(stream.name)
}

/// A consumer named by its ARN.
#[derive(Default)]
pub(crate) struct ConsumerArn {
    /// The ARN as given.
    pub(crate) arn: String,
    /// The name of the consumer's stream, taken from the ARN.
    pub(crate) stream_name: String,
}

/// How a request named its stream, for the checks that care which member was used.
pub(crate) struct Addressed {
    /// The stream's name, taken from the ARN if that was given.
    pub(crate) name: String,
    /// `StreamARN` or `StreamName`: the member that named it.
    pub(crate) member: &'static str,
}

/// Reads one request's members; see the module documentation.
///
/// Readers of required members return a placeholder when the member is
/// missing or refused, so that decoding can go on and report every problem
/// at once. [`Decoder::finish`] then refuses the request, so a placeholder
/// never reaches the simulation: every operation calls `finish` before it acts.
pub(crate) struct Decoder<'a> {
    members: &'a Map<String, Value>,
    /// The member path of the structure being read: empty at the top level,
    /// `shardFilter.` or `records.2.member.` inside.
    prefix: String,
    /// Each constraint violation, as it appears in the `ValidationException` message.
    problems: Vec<String>,
    /// An error due once validation has passed (a stream ARN from another account).
    deferred: Option<ApiError>,
    pub(super) finished: bool,
}

impl<'a> Decoder<'a> {
    pub(super) fn new(members: &'a Map<String, Value>) -> Decoder<'a> {
        Decoder { members, prefix: String::new(), problems: Vec::new(), deferred: None, finished: false }
    }

    /// A member's path in AWS's lowerCamelCase: `StreamARN` is `streamARN`.
    fn path(&self, name: &str) -> String {
        let mut chars = name.chars();
        let first = chars.next().map(|c| c.to_ascii_lowercase());
        format!("{}{}{}", self.prefix, first.map(String::from).unwrap_or_default(), chars.as_str())
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.members.get(name).filter(|value| !value.is_null())
    }

    /// Records that required member `name` is missing.
    pub(crate) fn missing(&mut self, name: &str) {
        self.null_at(self.path(name));
    }

    fn null_at(&mut self, path: String) {
        self.problems.push(format!("Value null at '{path}' failed to satisfy constraint: Member must not be null"));
    }

    /// Records that member `name`, whose value is `value`, breaks `constraint`.
    pub(crate) fn violated(&mut self, name: &str, value: String, constraint: impl Into<String>) {
        let violation = Violation { member: self.path(name), value, constraint: constraint.into() };
        self.problems.push(violation.to_string());
    }

    /// Fails the request if any problem was recorded; see [`Decoder`].
    pub(crate) fn finish(&mut self) -> Result<(), ApiError> {
        self.finished = true;
        if !self.problems.is_empty() {
            struct Problems<'p>(&'p [String]);
            impl fmt::Display for Problems<'_> {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    write_validation_errors(f, self.0)
                }
            }
            return Err(ApiError::new("ValidationException", Problems(&self.problems).to_string()));
        }
        self.deferred.take().map_or(Ok(()), Err)
    }

    /// A required member, read by `read`: one of the optional readers below.
    pub(crate) fn required<T: Default>(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut Self, &str) -> Result<Option<T>, ApiError>,
    ) -> Result<T, ApiError> {
        self.required_or(name, T::default(), read)
    }

    /// A required member whose type has no default, with the placeholder to
    /// return when it is missing or refused.
    pub(crate) fn required_or<T>(
        &mut self,
        name: &str,
        placeholder: T,
        read: impl FnOnce(&mut Self, &str) -> Result<Option<T>, ApiError>,
    ) -> Result<T, ApiError> {
        if self.get(name).is_none() {
            self.missing(name);
        }
        Ok(read(self, name)?.unwrap_or(placeholder))
    }

    fn text(&self, name: &str, shape: Shape) -> Result<Option<&'a str>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(mismatch(shape, other)),
        }
    }

    /// A whole number the way Coral reads one: fractions are dropped, and
    /// an `Integer` saturates at Java's `int` range.
    fn whole_number(&self, name: &str, shape: Shape) -> Result<Option<i64>, ApiError> {
        let number = match self.get(name) {
            None => return Ok(None),
            Some(Value::Number(number)) => number,
            Some(other) => return Err(mismatch(shape, other)),
        };
        let whole = number.as_i64().unwrap_or_else(|| floor(number.as_f64().unwrap_or_default()));
        Ok(Some(match shape {
            Shape::Integer => whole.clamp(i64::from(i32::MIN), i64::from(i32::MAX)),
            _ => whole,
        }))
    }

    /// A whole number of at least `min`; a smaller one is a violation.
    fn at_least(&mut self, name: &str, shape: Shape, min: i64) -> Result<Option<i64>, ApiError> {
        let number = self.whole_number(name, shape)?;
        if let Some(n) = number.filter(|&n| n < min) {
            self.violated(name, n.to_string(), format!("Member must have value greater than or equal to {min}"));
            return Ok(None);
        }
        Ok(number)
    }

    /// A `String` member.
    pub(crate) fn string(&mut self, name: &str) -> Result<Option<String>, ApiError> {
        Ok(self.text(name, Shape::String)?.map(String::from))
    }

    /// A `String` member with `StreamName`'s constraints, which AWS also puts
    /// on shard ids and `ExclusiveStartStreamName`.
    pub(crate) fn name(&mut self, name: &str) -> Result<Option<String>, ApiError> {
        let text = self.string(name)?;
        if let Some(text) = &text {
            let mut v = Validator::default();
            validate::stream_name(&mut v, text);
            if let Err(ValidationError(violations)) = v.finish() {
                let path = self.path(name);
                self.problems.extend(
                    violations.into_iter().map(|violation| Violation { member: path.clone(), ..violation }.to_string()),
                );
            }
        }
        Ok(text)
    }

    /// A sequence number member: a `String` of up to 129 decimal digits.
    pub(crate) fn sequence_number(&mut self, name: &str) -> Result<Option<String>, ApiError> {
        let text = self.string(name)?;
        if let Some(text) = text.as_ref().filter(|text| !validate::is_decimal(text, 129)) {
            self.violated(name, text.clone(), "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})");
        }
        Ok(text)
    }

    /// A `ConsumerARN` member.
    pub(crate) fn consumer_arn(&mut self, name: &str) -> Result<Option<ConsumerArn>, ApiError> {
        let Some(arn) = self.string(name)? else { return Ok(None) };
        let stream_name = consumer_arn_stream(&arn).map(String::from);
        if stream_name.is_none() {
            self.violated(
                name,
                arn.clone(),
                format!("Member must satisfy regular expression pattern: {CONSUMER_ARN_PATTERN}"),
            );
        }
        Ok(Some(ConsumerArn { stream_name: stream_name.unwrap_or_default(), arn }))
    }

    /// A structure member kept as JSON, for a member whose grammar is not
    /// Kinesis's (an IAM policy document).
    pub(crate) fn document(&mut self, name: &str) -> Result<Option<Value>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(document @ Value::Object(_)) => Ok(Some(document.clone())),
            Some(other) => Err(mismatch(Shape::Structure, other)),
        }
    }

    /// A `Boolean` member (simulation-only members; Kinesis has none).
    pub(crate) fn boolean(&mut self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(value)) => Ok(Some(*value)),
            Some(other) => Err(mismatch(Shape::Boolean, other)),
        }
    }

    /// A `Blob` member: base64 text, decoded.
    pub(crate) fn blob(&mut self, name: &str) -> Result<Option<Vec<u8>>, ApiError> {
        self.text(name, Shape::Blob)?.map(decode_blob).transpose()
    }

    /// An `Integer` member. Every integer member of the Kinesis API has a
    /// minimum of 1, and the simulation's operations take unsigned counts,
    /// so the lower bound is checked here.
    pub(crate) fn positive_integer(&mut self, name: &str) -> Result<Option<u32>, ApiError> {
        // At least 1 and at most i32::MAX, so the conversion is exact.
        Ok(self.at_least(name, Shape::Integer, 1)?.map(|n| n as u32))
    }

    /// An `Integer` member from 1 to `max`; a larger one is a violation.
    pub(crate) fn integer_up_to(&mut self, name: &str, max: u32) -> Result<Option<u32>, ApiError> {
        let number = self.positive_integer(name)?;
        if let Some(n) = number.filter(|&n| n > max) {
            self.violated(name, n.to_string(), format!("Member must have value less than or equal to {max}"));
        }
        Ok(number)
    }

    /// An `Integer` member of any sign, for Lambda's settings, whose ranges
    /// (some starting at -1) the simulation checks itself.
    pub(crate) fn integer(&mut self, name: &str) -> Result<Option<i64>, ApiError> {
        self.whole_number(name, Shape::Integer)
    }

    /// An `Integer` member that may not be negative (a simulation-only id).
    pub(crate) fn non_negative_integer(&mut self, name: &str) -> Result<Option<u32>, ApiError> {
        // At least 0 and at most i32::MAX, so the conversion is exact.
        Ok(self.at_least(name, Shape::Integer, 0)?.map(|n| n as u32))
    }

    /// A `Long` member that may not be negative.
    pub(crate) fn non_negative_long(&mut self, name: &str) -> Result<Option<u64>, ApiError> {
        Ok(self.at_least(name, Shape::Long, 0)?.map(|n| n as u64))
    }

    /// A `Long` member within `range`; a number outside it is a violation.
    pub(crate) fn long_in(&mut self, name: &str, range: RangeInclusive<u64>) -> Result<Option<u64>, ApiError> {
        let min = i64::try_from(*range.start()).unwrap_or(i64::MAX);
        let number = self.at_least(name, Shape::Long, min)?.map(|n| n as u64);
        if let Some(n) = number.filter(|n| n > range.end()) {
            self.violated(name, n.to_string(), format!("Member must have value less than or equal to {}", range.end()));
        }
        Ok(number)
    }

    /// A `Timestamp` member: epoch seconds, with a fraction for milliseconds.
    pub(crate) fn timestamp(&mut self, name: &str) -> Result<Option<Instant>, ApiError> {
        let seconds = match self.get(name) {
            None => return Ok(None),
            Some(Value::Number(number)) => number.as_f64().unwrap_or_default(),
            Some(other) => return Err(mismatch(Shape::Timestamp, other)),
        };
        // Rounded to the nearest millisecond, since 1767225600.123 * 1000 is
        // 1767225600122.9998 in binary. Simulated time starts after 1970, so
        // earlier times read as the epoch (and `as` saturates a negative to 0).
        Ok(Some(Instant::from_epoch_millis((seconds * 1000.0 + 0.5) as u64)))
    }

    /// An enum-valued `String` member, from `set`: its wire names in the
    /// order AWS lists them in the violation message, with their values.
    pub(crate) fn enumeration<T: Copy>(
        &mut self,
        name: &str,
        set: &[(&'static str, T)],
    ) -> Result<Option<T>, ApiError> {
        let Some(text) = self.text(name, Shape::String)? else { return Ok(None) };
        if let Some(&(_, value)) = set.iter().find(|(wire, _)| *wire == text) {
            return Ok(Some(value));
        }
        let names: Vec<&str> = set.iter().map(|(wire, _)| *wire).collect();
        self.violated(name, text.into(), format!("Member must satisfy enum value set: [{}]", names.join(", ")));
        Ok(None)
    }

    /// A required enum member; see [`Decoder::enumeration`].
    pub(crate) fn required_enum<T: Copy>(&mut self, name: &str, set: &[(&'static str, T)]) -> Result<T, ApiError> {
        self.required_or(name, set[0].1, |d, name| d.enumeration(name, set))
    }

    /// A list member's items, with the path of each (`tagKeys.1.member`).
    fn items(&self, name: &str) -> Result<Option<Vec<(String, &'a Value)>>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(items)) => {
                let path = self.path(name);
                Ok(Some(
                    items.iter().enumerate().map(|(idx, item)| (format!("{path}.{}.member", idx + 1), item)).collect(),
                ))
            }
            Some(other) => Err(mismatch(Shape::List, other)),
        }
    }

    /// A list of `String`s. A `null` item is a missing member.
    pub(crate) fn strings(&mut self, name: &str) -> Result<Option<Vec<String>>, ApiError> {
        let Some(items) = self.items(name)? else { return Ok(None) };
        let mut strings = Vec::with_capacity(items.len());
        for (path, item) in items {
            match item {
                Value::String(text) => strings.push(text.clone()),
                Value::Null => self.null_at(path),
                other => return Err(mismatch(Shape::String, other)),
            }
        }
        Ok(Some(strings))
    }

    /// A list of `Long`s that may not be negative (simulation-only ids).
    pub(crate) fn non_negative_longs(&mut self, name: &str) -> Result<Option<Vec<u64>>, ApiError> {
        let Some(items) = self.items(name)? else { return Ok(None) };
        let mut longs = Vec::with_capacity(items.len());
        for (path, item) in items {
            match item {
                Value::Number(number) => {
                    let whole = number.as_i64().unwrap_or_else(|| floor(number.as_f64().unwrap_or_default()));
                    match u64::try_from(whole) {
                        Ok(n) => longs.push(n),
                        Err(_) => self.problems.push(
                            Violation {
                                member: path,
                                value: whole.to_string(),
                                constraint: "Member must have value greater than or equal to 0".into(),
                            }
                            .to_string(),
                        ),
                    }
                }
                Value::Null => self.null_at(path),
                other => return Err(mismatch(Shape::Long, other)),
            }
        }
        Ok(Some(longs))
    }

    /// A map from `String` to `String`, such as `Tags`.
    pub(crate) fn string_map(&mut self, name: &str) -> Result<Option<BTreeMap<String, String>>, ApiError> {
        let entries = match self.get(name) {
            None => return Ok(None),
            Some(Value::Object(entries)) => entries,
            Some(other) => return Err(mismatch(Shape::Map, other)),
        };
        let mut map = BTreeMap::new();
        for (key, value) in entries {
            match value {
                Value::String(text) => {
                    map.insert(key.clone(), text.clone());
                }
                Value::Null => self.null_at(format!("{}.{key}", self.path(name))),
                other => return Err(mismatch(Shape::String, other)),
            }
        }
        Ok(Some(map))
    }

    /// A structure member, read by `read` with paths inside it.
    pub(crate) fn structure<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut Self) -> Result<T, ApiError>,
    ) -> Result<Option<T>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(members)) => {
                let prefix = format!("{}.", self.path(name));
                self.within(members, prefix, read).map(Some)
            }
            Some(other) => Err(mismatch(Shape::Structure, other)),
        }
    }

    /// A list of structures, each read by `read` (`Records` of `PutRecords`).
    pub(crate) fn structures<T>(
        &mut self,
        name: &str,
        mut read: impl FnMut(&mut Self) -> Result<T, ApiError>,
    ) -> Result<Option<Vec<T>>, ApiError> {
        let Some(items) = self.items(name)? else { return Ok(None) };
        let mut out = Vec::with_capacity(items.len());
        for (path, item) in items {
            match item {
                Value::Object(members) => out.push(self.within(members, format!("{path}."), &mut read)?),
                // The request is refused, so the list need not keep its length.
                Value::Null => self.null_at(path),
                other => return Err(mismatch(Shape::Structure, other)),
            }
        }
        Ok(Some(out))
    }

    /// Runs `read` on `members` at `prefix`, then restores the outer context.
    fn within<T>(
        &mut self,
        members: &'a Map<String, Value>,
        prefix: String,
        read: impl FnOnce(&mut Self) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let outer_members = mem::replace(&mut self.members, members);
        let outer_prefix = mem::replace(&mut self.prefix, prefix);
        let result = read(self);
        self.members = outer_members;
        self.prefix = outer_prefix;
        result
    }

    /// The stream a request names with `StreamName`, `StreamARN` or both.
    pub(crate) fn stream(&mut self) -> Result<String, ApiError> {
        match self.address(true)? {
            Some(addressed) => Ok(addressed.name),
            None => {
                // Both members are optional in the model, but one must be given.
                self.missing("StreamName");
                Ok(String::new())
            }
        }
    }

    /// The stream, if the request names one (`ListShards` may name a page instead).
    pub(crate) fn optional_stream(&mut self) -> Result<Option<Addressed>, ApiError> {
        self.address(true)
    }

    /// The stream of an operation that takes only `StreamARN` (`UpdateStreamMode`).
    pub(crate) fn stream_arn(&mut self) -> Result<String, ApiError> {
        match self.address(false)? {
            Some(addressed) => Ok(addressed.name),
            None => {
                self.missing("StreamARN");
                Ok(String::new())
            }
        }
    }

    /// The stream, if the request names one with `StreamARN` (a consumer
    /// operation may name its consumer by ARN instead).
    pub(crate) fn optional_stream_arn(&mut self) -> Result<Option<String>, ApiError> {
        Ok(self.address(false)?.map(|addressed| addressed.name))
    }

    fn address(&mut self, by_name: bool) -> Result<Option<Addressed>, ApiError> {
        let name = if by_name { self.name("StreamName")? } else { None };
        let Some(arn_text) = self.string("StreamARN")? else {
            return Ok(name.map(|name| Addressed { name, member: "StreamName" }));
        };
        let Some(arn) = StreamArn::parse(&arn_text) else {
            self.violated(
                "StreamARN",
                arn_text,
                format!("Member must satisfy regular expression pattern: {}", StreamArn::PATTERN),
            );
            // A placeholder, so that the stream does not also count as missing.
            return Ok(Some(Addressed { name: name.unwrap_or_default(), member: "StreamARN" }));
        };
        if !arn.is_ours() {
            // A well-formed ARN of another region or account names a stream that is not here.
            let message = format!("Stream {} under account {} not found.", arn.name, arn.account);
            self.deferred.get_or_insert(ApiError::new("ResourceNotFoundException", message));
        } else if let Some(other) = name.filter(|name| name != arn.name) {
            // AWS takes both members only if they agree; its wording for a disagreement is not recorded.
            let message = format!("StreamARN {arn_text} and StreamName {other} refer to different streams.");
            self.deferred.get_or_insert(ApiError::new("InvalidArgumentException", message));
        }
        Ok(Some(Addressed { name: arn.name.into(), member: "StreamARN" }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_blob(text: &str, expected: Result<&[u8], &str>) {
        let got = decode_blob(text);
        match expected {
            Ok(data) => assert_eq!(got.as_deref(), Ok(data), "{text:?}"),
            Err(message) => assert_eq!(got.unwrap_err().message(), Some(message), "{text:?}"),
        }
    }

    #[test]
    fn blobs_are_refused_as_aws_refuses_them() {
        // The three refusals kinesalite recorded against AWS.
        check_blob(
            "23456",
            Err(
                "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5",
            ),
        );
        check_blob("=+/=", Err("'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"));
        check_blob(
            "+/+=",
            Err("'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"),
        );
        check_blob("ab*d", Err("'ab*d' can not be converted to a Blob: Invalid Base64 character: '*'"));
        check_blob("aGk=", Ok(b"hi"));
        check_blob("", Ok(b""));
    }

    #[test]
    fn stream_arns_follow_the_pattern() {
        let arn = StreamArn::parse("arn:aws:kinesis:us-east-1:123456789012:stream/orders").unwrap();
        assert_eq!((arn.region, arn.account, arn.name), ("us-east-1", "123456789012", "orders"));
        assert!(arn.is_ours());
        assert!(!StreamArn::parse("arn:aws:kinesis:eu-west-1:123456789012:stream/orders").unwrap().is_ours());
        for bad in [
            "orders",
            "arn:aws:kinesis:us-east-1:12345:stream/orders",
            "arn:aws:s3:us-east-1:123456789012:stream/orders",
            "arn:aws:kinesis:us-east-1:123456789012:stream/",
            "arn:aws:kinesis:us-east-1:123456789012:table/orders",
        ] {
            assert!(StreamArn::parse(bad).is_none(), "{bad}");
        }
    }
}
