//! Request member constraints shared by several operations, worded as AWS
//! words them in `ValidationException` messages.

use alloc::format;

use crate::error::Validator;
use crate::limits::MAX_STREAM_NAME_LEN;

/// `StreamName`: 1 to 128 characters of `[a-zA-Z0-9_.-]`.
pub(crate) fn stream_name(v: &mut Validator, name: &str) {
    let pattern_ok = name.bytes().all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c));
    // The common case allocates nothing: messages are built only for violations.
    if pattern_ok && (1..=MAX_STREAM_NAME_LEN).contains(&name.len()) {
        return;
    }
    let value = || Some(name.into());
    v.check(!name.is_empty(), "streamName", value(), "Member must have length greater than or equal to 1");
    v.check(
        name.len() <= MAX_STREAM_NAME_LEN,
        "streamName",
        value(),
        format!("Member must have length less than or equal to {MAX_STREAM_NAME_LEN}"),
    );
    v.check(pattern_ok, "streamName", value(), "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

/// Whether `text` matches `0|([1-9]\d{0,N})` with at most `max_digits` digits.
pub(crate) fn is_decimal(text: &str, max_digits: usize) -> bool {
    text == "0"
        || (!text.is_empty()
            && text.len() <= max_digits
            && !text.starts_with('0')
            && text.bytes().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_pattern() {
        for (text, ok) in
            [("0", true), ("1", true), ("10", true), ("01", false), ("", false), ("-1", false), ("1e3", false)]
        {
            assert_eq!(is_decimal(text, 39), ok, "{text:?}");
        }
        assert!(is_decimal(&"9".repeat(39), 39));
        assert!(!is_decimal(&"9".repeat(40), 39));
    }
}
