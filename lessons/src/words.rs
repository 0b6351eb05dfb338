//! How values read to the learner: numbers as the page prints them.

/// `n` as the page prints numbers: thousands grouped, at most three
/// decimals, no trailing zeros, and never `-0`: `162000.0` → `162,000`,
/// `-0.0` → `0`, `1234.5` → `1,234.5`.
pub(crate) fn number(n: f64) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    let rounded = (n * 1000.0).round() / 1000.0;
    let fixed = format!("{:.3}", rounded.abs());
    let (whole, fraction) = fixed.split_once('.').expect("{:.3} has a point");
    let mut out = String::from(if rounded < 0.0 { "-" } else { "" });
    for (idx, digit) in whole.chars().enumerate() {
        if idx > 0 && (whole.len() - idx).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    let fraction = fraction.trim_end_matches('0');
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_page_prints_them() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (-0.0001, "0"),
            (7.0, "7"),
            (999.0, "999"),
            (1000.0, "1,000"),
            (162_000.0, "162,000"),
            (1_234_567.25, "1,234,567.25"),
            (0.5, "0.5"),
            (1.0 / 3.0, "0.333"),
            (-1500.0, "-1,500"),
        ];
        for (n, shown) in cases {
            assert_eq!(number(n), shown, "{n}");
        }
    }
}
