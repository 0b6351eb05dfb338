//! The `MetadataExtractionQuery` of dynamic partitioning's inline parsing:
//! a jq object construction that names each partition key and the path to
//! its value in the record, such as `{customer_id: .customer_id, device:
//! .type.device}` (AWS Firehose Developer Guide, "Understand partitioning
//! keys"; AWS runs jq 1.6).
//!
//! The subset understood here is that object construction and nothing else:
//! keys are identifiers or double-quoted strings, and each value is a path
//! of `.name`, `."name"`, `.["name"]` and `.[index]` steps (`.` alone is the
//! whole record). Pipes, functions such as `strftime`, arithmetic and
//! optional `?` paths are refused when the delivery stream is created. A key
//! whose value is missing, `null`, empty, an object or an array fails the
//! record, which then goes to the error output as `partitioning-failed`;
//! strings are used as they are and numbers and booleans as their JSON text.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::Value;

/// The longest query accepted: `ProcessorParameter.ParameterValue`'s
/// 5,120 characters (Firehose API Reference). It also bounds the work a
/// query can ask for, since nothing in it recurses.
pub(crate) const MAX_QUERY_CHARS: usize = 5120;

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Field(String),
    Index(usize),
}

/// A parsed `MetadataExtractionQuery`: each key and the path to its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Query {
    keys: Vec<(String, Vec<Step>)>,
}

impl Query {
    /// Parses `text`; the error says where and why.
    pub(crate) fn parse(text: &str) -> Result<Query, String> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(format!("the query is longer than {MAX_QUERY_CHARS} characters"));
        }
        let mut p = Parser { text, at: 0 };
        p.expect('{')?;
        let mut keys: Vec<(String, Vec<Step>)> = Vec::new();
        if !p.eat('}') {
            loop {
                let key = p.key()?;
                p.expect(':')?;
                let path = p.path()?;
                if keys.iter().any(|(k, _)| *k == key) {
                    return Err(format!("key {key} is defined twice"));
                }
                keys.push((key, path));
                if p.eat('}') {
                    break;
                }
                p.expect(',')?;
            }
        }
        p.skip_space();
        if p.at < text.len() {
            return Err(p.unsupported());
        }
        if keys.is_empty() {
            return Err("the query defines no partition keys".into());
        }
        Ok(Query { keys })
    }

    /// Whether the query defines partition key `name`.
    pub(crate) fn defines(&self, name: &str) -> bool {
        self.keys.iter().any(|(key, _)| key == name)
    }

    /// Every key's value in `record`, or why the record has no partition keys.
    pub(crate) fn evaluate(&self, record: &[u8]) -> Result<BTreeMap<String, String>, String> {
        let value: Value = serde_json::from_slice(record).map_err(|_| String::from("Non JSON record provided"))?;
        let mut out = BTreeMap::new();
        for (key, path) in &self.keys {
            let mut at = &value;
            for step in path {
                let next = match step {
                    Step::Field(name) => at.as_object().and_then(|fields| fields.get(name)),
                    Step::Index(idx) => at.as_array().and_then(|items| items.get(*idx)),
                };
                at = next.unwrap_or(&Value::Null);
            }
            let text = match at {
                Value::String(text) if !text.is_empty() => text.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return Err(format!("partitionKeys values must not be null or empty: {key}")),
            };
            out.insert(key.clone(), text);
        }
        Ok(out)
    }
}

/// A cursor over the query text.
struct Parser<'a> {
    text: &'a str,
    /// A byte offset on a character boundary.
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek().filter(|c| c.is_whitespace()) {
            self.at += c.len_utf8();
        }
    }

    /// Skips white space, then takes `c` if it comes next.
    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        let found = self.peek() == Some(c);
        if found {
            self.at += c.len_utf8();
        }
        found
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) { Ok(()) } else { Err(self.unsupported()) }
    }

    fn unsupported(&self) -> String {
        match self.peek() {
            Some(c) => format!(
                "unexpected '{c}' at character {}; the simulation's jq subset is {{key: .path, …}}",
                self.text[..self.at].chars().count() + 1
            ),
            None => "the query ends early; the simulation's jq subset is {key: .path, …}".into(),
        }
    }

    fn identifier(&mut self) -> Option<String> {
        let start = self.at;
        while let Some(c) = self.peek() {
            let ok = c == '_' || c.is_ascii_alphabetic() || (self.at > start && c.is_ascii_digit());
            if !ok {
                break;
            }
            self.at += 1;
        }
        (self.at > start).then(|| self.text[start..self.at].to_string())
    }

    /// A double-quoted string with JSON's simple escapes.
    fn string(&mut self) -> Result<String, String> {
        self.at += 1; // The opening quote.
        let mut out = String::new();
        loop {
            let c = self.peek().ok_or_else(|| self.unsupported())?;
            self.at += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let escaped = self.peek().ok_or_else(|| self.unsupported())?;
                    let plain = match escaped {
                        '"' | '\\' | '/' => escaped,
                        'n' => '\n',
                        't' => '\t',
                        _ => return Err(self.unsupported()),
                    };
                    self.at += escaped.len_utf8();
                    out.push(plain);
                }
                _ => out.push(c),
            }
        }
    }

    fn key(&mut self) -> Result<String, String> {
        self.skip_space();
        if self.peek() == Some('"') {
            return self.string();
        }
        self.identifier().ok_or_else(|| self.unsupported())
    }

    fn path(&mut self) -> Result<Vec<Step>, String> {
        self.expect('.')?;
        let mut steps = Vec::new();
        // Right after the leading dot: `.name`, `."name"`, `.[…]`, or `.` alone.
        let mut after_dot = true;
        loop {
            match self.peek() {
                Some('"') if after_dot => steps.push(Step::Field(self.string()?)),
                Some('[') => {
                    self.at += 1;
                    self.skip_space();
                    let step = if self.peek() == Some('"') { Step::Field(self.string()?) } else { self.index()? };
                    self.expect(']')?;
                    steps.push(step);
                }
                Some('.') if !after_dot => {
                    self.at += 1;
                    after_dot = true;
                    continue;
                }
                Some(_) if after_dot => match self.identifier() {
                    Some(name) => steps.push(Step::Field(name)),
                    None if steps.is_empty() => return Ok(steps),
                    None => return Err(self.unsupported()),
                },
                _ => return Ok(steps),
            }
            after_dot = false;
        }
    }

    fn index(&mut self) -> Result<Step, String> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        self.text[start..self.at].parse().map(Step::Index).map_err(|_| self.unsupported())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"{"customer_id": "1234567890", "type": {"device": "mobile"}, "n": 7, "ok": true,
        "tags": ["a", "b"], "odd key": "x", "empty": "", "none": null}"#;

    #[track_caller]
    fn check(query: &str, expected: Result<&[(&str, &str)], &str>) {
        let got = Query::parse(query).and_then(|q| q.evaluate(RECORD.as_bytes()));
        let expected = expected
            .map(|pairs| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
            .map_err(String::from);
        assert_eq!(got, expected, "{query}");
    }

    #[test]
    fn extracts_keys_along_paths() {
        check("{customer_id:.customer_id}", Ok(&[("customer_id", "1234567890")]));
        check(
            r#" { device : .type.device , "n": .n, b: .ok, t: .tags[1], u: .["odd key"], v: ."odd key" } "#,
            Ok(&[("b", "true"), ("device", "mobile"), ("n", "7"), ("t", "b"), ("u", "x"), ("v", "x")]),
        );
        check("{d: .type[\"device\"]}", Ok(&[("d", "mobile")]));
    }

    #[test]
    fn missing_null_empty_and_structured_values_fail_the_record() {
        for (query, key) in [
            ("{a: .nope}", "a"),
            ("{a: .none}", "a"),
            ("{a: .empty}", "a"),
            ("{a: .type}", "a"),
            ("{a: .tags[5]}", "a"),
            ("{a: .n.deeper}", "a"),
            ("{a: .}", "a"),
        ] {
            check(query, Err(&format!("partitionKeys values must not be null or empty: {key}")));
        }
        let query = Query::parse("{a: .n}").unwrap();
        assert_eq!(query.evaluate(b"not json"), Err("Non JSON record provided".into()));
    }

    #[test]
    fn refuses_jq_outside_the_subset() {
        for (query, message) in [
            (".customer_id", "unexpected '.' at character 1; the simulation's jq subset is {key: .path, …}"),
            (
                "{year: .ts|strftime(\"%Y\")}",
                "unexpected '|' at character 11; the simulation's jq subset is {key: .path, …}",
            ),
            ("{a: .x?}", "unexpected '?' at character 7; the simulation's jq subset is {key: .path, …}"),
            ("{a: .x", "the query ends early; the simulation's jq subset is {key: .path, …}"),
            ("{}", "the query defines no partition keys"),
            ("{a: .x, a: .y}", "key a is defined twice"),
            ("{a: .x} trailing", "unexpected 't' at character 9; the simulation's jq subset is {key: .path, …}"),
        ] {
            assert_eq!(Query::parse(query), Err(message.to_string()), "{query}");
        }
        let long = format!("{{a: .{}}}", "x".repeat(MAX_QUERY_CHARS));
        assert_eq!(Query::parse(&long), Err("the query is longer than 5120 characters".to_string()));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,300}") {
            if let Ok(query) = Query::parse(&text) {
                let _ = query.evaluate(RECORD.as_bytes());
            }
        }

        #[test]
        fn never_panics_on_query_like_text(text in r#"[{}\[\]."a-z0-9:, |?\\]{0,200}"#, record in "\\PC{0,100}") {
            if let Ok(query) = Query::parse(&text) {
                let _ = query.evaluate(record.as_bytes());
                let _ = query.evaluate(RECORD.as_bytes());
            }
        }
    }
}
