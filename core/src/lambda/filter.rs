//! `FilterCriteria` of an event-source mapping: which records reach the
//! function ("Control which events Lambda sends to your function").
//!
//! A mapping has up to [`MAX_FILTERS`] patterns, ORed: a record that
//! matches one of them is invoked; one that matches none is checkpointed
//! without an invocation. A Kinesis mapping filters on the `data` key only,
//! which is the record's data parsed as JSON; a record whose data is not
//! JSON matches no pattern that looks into `data`.
//!
//! The pattern syntax supported is a subset of AWS's filter rule syntax:
//! nested objects, with at each leaf an array of alternatives, each one of
//! - a string, number, boolean or `null`: equal to it (for a JSON array in
//!   the data, to one of its elements);
//! - `{"prefix": "…"}`, `{"suffix": "…"}`, `{"equals-ignore-case": "…"}`;
//! - `{"anything-but": value or [values]}`;
//! - `{"numeric": [">", 0, "<=", 5]}` (one or two comparisons);
//! - `{"exists": true|false}`.
//!
//! Keys of one object must all match (AND); the alternatives of a leaf
//! are ORed. Anything else is refused as AWS refuses a malformed pattern,
//! with `InvalidParameterValueException` "Invalid filter pattern definition.".

use alloc::string::String;
use alloc::vec::Vec;

use serde_json::{Map, Value};

/// The default quota of filters per mapping ("up to five different filters").
pub const MAX_FILTERS: usize = 5;
/// The longest `Pattern`, in characters (Lambda's `Filter` model).
pub const MAX_PATTERN_LENGTH: usize = 4096;

/// AWS's message for a pattern it cannot read.
pub(crate) const INVALID_PATTERN: &str = "Invalid filter pattern definition.";

/// A set of parsed patterns; matches a record when one of them does.
pub(crate) struct Filters(Vec<Map<String, Value>>);

impl Filters {
    /// Parses `patterns`, checked when the mapping was created or updated.
    /// A pattern that no longer parses (only possible in a hand-edited
    /// snapshot) matches nothing rather than everything.
    pub(crate) fn new(patterns: &[String]) -> Filters {
        Filters(patterns.iter().filter_map(|p| parse(p).ok()).collect())
    }

    /// Whether a record with `data` passes: no patterns, or one matches.
    pub(crate) fn matches(&self, data: &[u8]) -> bool {
        if self.0.is_empty() {
            return true;
        }
        let parsed: Option<Value> = serde_json::from_slice(data).ok();
        let mut event = Map::new();
        if let Some(value) = parsed {
            event.insert("data".into(), value);
        }
        let event = Value::Object(event);
        self.0.iter().any(|pattern| object_matches(pattern, Some(&event)))
    }
}

/// Parses and checks one pattern for a Kinesis source.
pub(crate) fn parse(text: &str) -> Result<Map<String, Value>, &'static str> {
    let Ok(Value::Object(pattern)) = serde_json::from_str::<Value>(text) else { return Err(INVALID_PATTERN) };
    // A Kinesis mapping filters on `data` only (AWS: "Kinesis event source
    // mappings only support filtering on the data key").
    if pattern.is_empty() || pattern.keys().any(|k| k != "data") {
        return Err(INVALID_PATTERN);
    }
    check_object(&pattern)?;
    Ok(pattern)
}

fn check_object(object: &Map<String, Value>) -> Result<(), &'static str> {
    if object.is_empty() {
        return Err(INVALID_PATTERN);
    }
    for value in object.values() {
        match value {
            Value::Object(inner) => check_object(inner)?,
            Value::Array(rules) if !rules.is_empty() => rules.iter().try_for_each(check_rule)?,
            _ => return Err(INVALID_PATTERN),
        }
    }
    Ok(())
}

fn check_rule(rule: &Value) -> Result<(), &'static str> {
    let Value::Object(op) = rule else { return Ok(()) };
    let mut entries = op.iter();
    let (Some((name, arg)), None) = (entries.next(), entries.next()) else { return Err(INVALID_PATTERN) };
    let ok = match (name.as_str(), arg) {
        ("prefix" | "suffix" | "equals-ignore-case", Value::String(_)) => true,
        ("exists", Value::Bool(_)) => true,
        ("anything-but", Value::Array(values)) => {
            !values.is_empty() && values.iter().all(|v| matches!(v, Value::String(_) | Value::Number(_)))
        }
        ("anything-but", Value::String(_) | Value::Number(_)) => true,
        ("numeric", Value::Array(parts)) => numeric_bounds(parts).is_some(),
        _ => false,
    };
    if ok { Ok(()) } else { Err(INVALID_PATTERN) }
}

/// The comparisons of a `numeric` rule: one or two (operator, number) pairs.
fn numeric_bounds(parts: &[Value]) -> Option<Vec<(&str, f64)>> {
    if parts.is_empty() || parts.len() > 4 || parts.len() % 2 != 0 {
        return None;
    }
    parts
        .chunks(2)
        .map(|pair| match (&pair[0], pair[1].as_f64()) {
            (Value::String(op), Some(n)) if ["=", "<", "<=", ">", ">="].contains(&op.as_str()) => {
                Some((op.as_str(), n))
            }
            _ => None,
        })
        .collect()
}

/// Whether every key of `pattern` matches in `value` (an object, or absent).
fn object_matches(pattern: &Map<String, Value>, value: Option<&Value>) -> bool {
    let object = value.and_then(Value::as_object);
    pattern.iter().all(|(key, rules)| {
        let field = object.and_then(|o| o.get(key));
        match rules {
            Value::Object(inner) => object_matches(inner, field),
            Value::Array(rules) => rules.iter().any(|rule| rule_matches(rule, field)),
            _ => false,
        }
    })
}

/// Whether `field` (absent if `None`) satisfies one alternative of a leaf.
fn rule_matches(rule: &Value, field: Option<&Value>) -> bool {
    if let Some(Value::Object(op)) = Some(rule)
        && let Some((name, arg)) = op.iter().next()
        && name == "exists"
    {
        // `exists: false` is the one rule an absent field satisfies.
        return arg.as_bool() == Some(field.is_some());
    }
    match field {
        None => false,
        // A JSON array in the data matches when one of its elements does.
        Some(Value::Array(items)) => items.iter().any(|item| scalar_matches(rule, item)),
        Some(value) => scalar_matches(rule, value),
    }
}

fn scalar_matches(rule: &Value, value: &Value) -> bool {
    let Value::Object(op) = rule else { return json_equal(rule, value) };
    let Some((name, arg)) = op.iter().next() else { return false };
    let text = value.as_str();
    match name.as_str() {
        "prefix" => text.zip(arg.as_str()).is_some_and(|(t, p)| t.starts_with(p)),
        "suffix" => text.zip(arg.as_str()).is_some_and(|(t, s)| t.ends_with(s)),
        "equals-ignore-case" => text.zip(arg.as_str()).is_some_and(|(t, s)| t.eq_ignore_ascii_case(s)),
        "anything-but" => match arg {
            Value::Array(values) => !values.iter().any(|v| json_equal(v, value)),
            single => !json_equal(single, value),
        },
        "numeric" => match (value.as_f64(), arg.as_array().and_then(|a| numeric_bounds(a))) {
            (Some(n), Some(bounds)) => bounds.iter().all(|&(op, bound)| match op {
                "=" => n == bound,
                "<" => n < bound,
                "<=" => n <= bound,
                ">" => n > bound,
                _ => n >= bound,
            }),
            _ => false,
        },
        _ => false,
    }
}

/// Equality of JSON scalars, numbers by value (`5` matches `5.0`).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(pattern: &str, data: &str, expected: bool) {
        assert!(parse(pattern).is_ok(), "{pattern} parses");
        let filters = Filters::new(&[pattern.into()]);
        assert_eq!(filters.matches(data.as_bytes()), expected, "{pattern} on {data}");
    }

    #[test]
    fn the_supported_rules_match_as_aws_documents() {
        let table: &[(&str, &str, bool)] = &[
            (r#"{"data":{"kind":["order"]}}"#, r#"{"kind":"order"}"#, true),
            (r#"{"data":{"kind":["order"]}}"#, r#"{"kind":"refund"}"#, false),
            (r#"{"data":{"kind":["order","refund"]}}"#, r#"{"kind":"refund"}"#, true),
            (r#"{"data":{"n":[5]}}"#, r#"{"n":5.0}"#, true),
            (r#"{"data":{"tags":["a"]}}"#, r#"{"tags":["b","a"]}"#, true),
            (r#"{"data":{"id":[{"prefix":"AB"}]}}"#, r#"{"id":"AB1234"}"#, true),
            (r#"{"data":{"id":[{"prefix":"AB"}]}}"#, r#"{"id":"XAB"}"#, false),
            (r#"{"data":{"f":[{"suffix":".png"}]}}"#, r#"{"f":"a.png"}"#, true),
            (r#"{"data":{"c":[{"equals-ignore-case":"RED"}]}}"#, r#"{"c":"red"}"#, true),
            (r#"{"data":{"c":[{"anything-but":["red","blue"]}]}}"#, r#"{"c":"green"}"#, true),
            (r#"{"data":{"c":[{"anything-but":"red"}]}}"#, r#"{"c":"red"}"#, false),
            (r#"{"data":{"t":[{"numeric":[">",0,"<=",5]}]}}"#, r#"{"t":5}"#, true),
            (r#"{"data":{"t":[{"numeric":[">",0,"<=",5]}]}}"#, r#"{"t":0}"#, false),
            (r#"{"data":{"t":[{"numeric":[">",0]}]}}"#, r#"{"t":"7"}"#, false),
            (r#"{"data":{"x":[{"exists":true}]}}"#, r#"{"x":null}"#, true),
            (r#"{"data":{"x":[{"exists":false}]}}"#, r#"{"y":1}"#, true),
            (r#"{"data":{"x":[{"exists":false}]}}"#, r#"{"x":1}"#, false),
            (r#"{"data":{"x":[null]}}"#, r#"{"x":null}"#, true),
            (r#"{"data":{"a":{"b":["c"]}}}"#, r#"{"a":{"b":"c"}}"#, true),
            (r#"{"data":{"a":["1"],"b":["2"]}}"#, r#"{"a":"1","b":"3"}"#, false),
            (r#"{"data":{"kind":["order"]}}"#, "not json", false),
        ];
        for &(pattern, data, expected) in table {
            check(pattern, data, expected);
        }
        let two = Filters::new(&[r#"{"data":{"k":["a"]}}"#.into(), r#"{"data":{"k":["b"]}}"#.into()]);
        assert!(two.matches(br#"{"k":"b"}"#), "filters are ORed");
        assert!(Filters::new(&[]).matches(b"anything"));
    }

    #[test]
    fn malformed_patterns_are_refused() {
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"data":{}}"#,
            r#"{"data":"x"}"#,
            r#"{"data":{"k":[]}}"#,
            r#"{"data":{"k":"v"}}"#,
            r#"{"partitionKey":["a"]}"#,
            r#"{"data":{"k":[{"prefix":1}]}}"#,
            r#"{"data":{"k":[{"numeric":[">"]}]}}"#,
            r#"{"data":{"k":[{"numeric":["~",1]}]}}"#,
            r#"{"data":{"k":[{"regex":"a"}]}}"#,
            r#"{"data":{"k":[{"prefix":"a","suffix":"b"}]}}"#,
        ] {
            assert_eq!(parse(bad).err(), Some(INVALID_PATTERN), "{bad}");
        }
    }
}
