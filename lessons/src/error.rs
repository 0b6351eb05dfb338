//! Errors in lesson data, located by file and line.
//!
//! Every problem the loader finds is reported as `file:line: message`, the
//! form compilers use, so that an author's editor can jump to it. Paths are
//! relative to the data directory (`03-shards-and-partition-keys/quiz.toml`).

use std::fmt;

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The only `format_version` this crate reads, in every TOML data file.
pub const FORMAT_VERSION: i64 = 1;

/// A problem in the lesson data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    /// The file, relative to the data directory.
    pub file: String,
    /// The 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    /// What is wrong, in lower case and without a trailing period.
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for LessonError {}

/// A data file being parsed: its path, for error messages, and its text.
pub(crate) struct Source<'a> {
    pub(crate) path: String,
    pub(crate) text: &'a str,
}

impl Source<'_> {
    /// An error about the file as a whole.
    pub(crate) fn error(&self, message: impl Into<String>) -> LessonError {
        LessonError { file: self.path.clone(), line: None, message: message.into() }
    }

    /// An error at byte `offset` of the file.
    pub(crate) fn error_at(&self, offset: usize, message: impl Into<String>) -> LessonError {
        let line = self.text[..offset.min(self.text.len())].matches('\n').count() + 1;
        LessonError { line: Some(line), ..self.error(message) }
    }

    /// Parses the file as TOML of a known `format_version`.
    ///
    /// The version is read on its own first: a file written for a later
    /// format should be reported as such, not as a list of unknown fields.
    pub(crate) fn parse_toml<T: DeserializeOwned>(&self) -> Result<T, LessonError> {
        #[derive(Deserialize)]
        struct Header {
            format_version: Option<toml::Spanned<i64>>,
        }
        let header: Header = self.deserialize()?;
        match header.format_version {
            None => Err(self.error(format!("missing `format_version = {FORMAT_VERSION}`"))),
            Some(version) if *version.get_ref() != FORMAT_VERSION => Err(self.error_at(
                version.span().start,
                format!(
                    "format_version {} is not supported; this version of Shardlab reads format_version {FORMAT_VERSION}",
                    version.get_ref()
                ),
            )),
            Some(_) => self.deserialize(),
        }
    }

    fn deserialize<T: DeserializeOwned>(&self) -> Result<T, LessonError> {
        toml::from_str(self.text).map_err(|err| {
            // toml reports a missing top-level field with an empty span at 0,
            // which is no place in the file.
            match err.span().filter(|span| span.end > 0) {
                Some(span) => self.error_at(span.start, plain_words(err.message())),
                None => self.error(plain_words(err.message())),
            }
        })
    }

    /// Reads `value`, a part of the file that starts at byte `at`, as a `T`.
    pub(crate) fn convert<T: DeserializeOwned>(&self, at: usize, value: toml::Value) -> Result<T, LessonError> {
        value.try_into().map_err(|err: toml::de::Error| self.error_at(at, plain_words(err.message())))
    }
}

/// What a tagged value is, by a variant only its list has: serde names
/// neither the type nor the tag in "unknown variant `apii`".
const VARIANT_NOUNS: &[(&str, &str)] = &[
    ("max_records_in_one_shard", "condition kind"),
    ("put_record", "action"),
    ("single", "question kind"),
    ("shards_for_write_rate", "probe"),
    ("TRIM_HORIZON", "iterator type"),
    ("PROVISIONED", "capacity mode"),
];

/// Serde's message in an author's words: TOML has keys, not fields, and an
/// unknown variant is an unknown condition kind, action, … A message of
/// another form is kept as it is.
fn plain_words(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (value, expected) = rest.split_once(", expected ").unwrap_or((rest, "nothing"));
        let noun = VARIANT_NOUNS
            .iter()
            .find(|(variant, _)| expected.contains(&format!("`{variant}`")))
            .map_or("value", |(_, noun)| noun);
        format!("unknown {noun} {value}; expected {expected}")
    } else if let Some(rest) = message.strip_prefix("unknown field ") {
        let (key, expected) = rest.split_once(", expected ").unwrap_or((rest, "none"));
        format!("unknown key {key}; expected {expected}")
    } else if let Some(key) = message.strip_prefix("missing field ") {
        format!("missing key {key}")
    } else {
        // "expected u64" names a Rust type; an author wrote a TOML number.
        let rust_type = message.rsplit_once(", expected ").filter(|(_, wanted)| {
            matches!(*wanted, "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" | "f32" | "f64")
        });
        match rust_type {
            Some((what, wanted)) if wanted.starts_with('f') => format!("{what}, expected a number"),
            Some((what, _)) => format!("{what}, expected a whole number"),
            None => message.to_owned(),
        }
    }
}

/// Checks that `id` can appear in a URL and a saved-progress key unchanged.
pub(crate) fn check_slug(source: &Source, offset: usize, what: &str, id: &str) -> Result<(), LessonError> {
    let is_slug = !id.is_empty() && id.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    if is_slug {
        Ok(())
    } else {
        Err(source.error_at(offset, format!("{what} `{id}` must be lower-case letters, digits and dashes")))
    }
}

/// Checks that a piece of text the learner will read is not blank.
pub(crate) fn check_text(source: &Source, offset: usize, what: &str, text: &str) -> Result<(), LessonError> {
    if text.trim().is_empty() { Err(source.error_at(offset, format!("{what} is empty"))) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_parse_error(text: &str, expected: &str) {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)] // Only the errors are under test.
        struct File {
            format_version: i64,
            name: String,
        }
        let source = Source { path: "x.toml".into(), text };
        assert_eq!(source.parse_toml::<File>().unwrap_err().to_string(), expected);
    }

    #[test]
    fn toml_errors_carry_file_and_line() {
        check_parse_error("format_version = 1\nname = \"a\"\nname = \"b\"\n", "x.toml:3: duplicate key");
        check_parse_error("format_version = 1\n\nname = \"a\n", "x.toml:3: invalid basic string, expected `\"`");
        check_parse_error("format_version = 1\nname = 3\n", "x.toml:2: invalid type: integer `3`, expected a string");
        check_parse_error("format_version = 1\n", "x.toml: missing key `name`");
        check_parse_error(
            "format_version = 1\nname = \"a\"\nnmae = \"b\"\n",
            "x.toml:3: unknown key `nmae`; expected `format_version` or `name`",
        );
    }

    #[test]
    fn format_version_is_checked_before_the_fields() {
        // A later format may have other fields; the version is the real problem.
        check_parse_error(
            "name = \"a\"\nformat_version = 2\nnew_field = true\n",
            "x.toml:2: format_version 2 is not supported; this version of Shardlab reads format_version 1",
        );
        check_parse_error("name = \"a\"\n", "x.toml: missing `format_version = 1`");
    }
}
