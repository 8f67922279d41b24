//! Numbers in imported files, read by the organization's number format. A cell is
//! read one way or reported: "5,60" under the 1,234.56 format is not 560 (a thousands
//! group has exactly three digits), so it is an error rather than a guess.

use serde::{Deserialize, Serialize};

/// The decimal separator of the organization's files; the other of '.' and ','
/// groups thousands (spaces and non-breaking spaces group them under either).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum NumberFormat {
    /// 1,234.56 (US, UK).
    #[default]
    Point,
    /// 1.234,56 (most of Europe).
    Comma,
}

impl NumberFormat {
    /// The format stored in the company profile as its decimal separator.
    pub fn from_separator(separator: &str) -> Self {
        if separator == "," {
            Self::Comma
        } else {
            Self::Point
        }
    }

    pub fn separator(self) -> &'static str {
        match self {
            Self::Point => ".",
            Self::Comma => ",",
        }
    }

    /// How the format is shown to people: an example number.
    pub fn example(self) -> &'static str {
        match self {
            Self::Point => "1,234.56",
            Self::Comma => "1.234,56",
        }
    }

    /// The format that swaps the two separators.
    fn other(self) -> Self {
        match self {
            Self::Point => Self::Comma,
            Self::Comma => Self::Point,
        }
    }

    fn decimal(self) -> char {
        match self {
            Self::Point => '.',
            Self::Comma => ',',
        }
    }

    fn group(self) -> char {
        match self {
            Self::Point => ',',
            Self::Comma => '.',
        }
    }
}

/// Spaces that spreadsheets put between thousands groups.
fn is_space_group(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

/// Removes one currency mark at either end: a symbol (€, $, £) or a three-letter code
/// such as EUR, with or without a space.
fn strip_currency(s: &str) -> &str {
    let s = s.trim_matches(is_space_group);
    for symbol in ['€', '$', '£'] {
        if let Some(rest) = s.strip_prefix(symbol).or_else(|| s.strip_suffix(symbol)) {
            return rest.trim_matches(is_space_group);
        }
    }
    let code = |c: &str| c.len() == 3 && c.chars().all(|c| c.is_ascii_uppercase());
    if s.len() > 3 {
        if s.get(..3).is_some_and(code) {
            return s[3..].trim_matches(is_space_group);
        }
        if s.get(s.len() - 3..).is_some_and(code) {
            return s[..s.len() - 3].trim_matches(is_space_group);
        }
    }
    s
}

/// The whole-number part: plain digits, or groups of three after a first group of one
/// to three digits, all separated by the same mark.
fn whole(part: &str, group: char) -> Option<&str> {
    let mark = part.chars().find(|c| *c == group || is_space_group(*c));
    let Some(mark) = mark else {
        return (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())).then_some(part);
    };
    let groups: Vec<&str> = part.split(mark).collect();
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    let first_ok = (1..=3).contains(&groups[0].len()) && digits(groups[0]);
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3 && digits(g));
    (first_ok && rest_ok).then_some(part)
}

/// Reads `raw` (already trimmed, not empty) as a number in `format`: thousands
/// groups, a currency mark at either end, a leading minus or parentheses for
/// negatives. `None` when the cell is not a number in that format.
pub fn parse(raw: &str, format: NumberFormat) -> Option<f64> {
    let mut s = strip_currency(raw);
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        negative = true;
        s = inner;
    }
    s = strip_currency(s);
    if let Some(rest) = s.strip_prefix('-') {
        if negative {
            return None;
        }
        negative = true;
        s = strip_currency(rest);
    }
    let (int, fraction) = match s.split_once(format.decimal()) {
        Some((int, fraction)) => (int, Some(fraction)),
        None => (s, None),
    };
    let int = whole(int, format.group())?;
    let mut plain: String = int.chars().filter(char::is_ascii_digit).collect();
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        plain.push('.');
        plain.push_str(fraction);
    }
    let value: f64 = plain.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// The other reading of `raw` when both formats read it and disagree: one thousands
/// mark followed by three digits, "1.500" (1500 under ",", 1.5 under "."). A file
/// exported elsewhere could mean either, so such a cell needs evidence (`only`).
pub fn other_reading(raw: &str, format: NumberFormat) -> Option<f64> {
    let (ours, theirs) = (parse(raw, format)?, parse(raw, format.other())?);
    (ours != theirs).then_some(theirs)
}

/// Whether only `format` reads `raw` ("12.50" under "."): a file holding such a cell
/// shows that it is written in that format.
pub fn only(raw: &str, format: NumberFormat) -> bool {
    parse(raw, format).is_some() && parse(raw, format.other()).is_none()
}

#[cfg(test)]
mod tests {
    use super::NumberFormat::{Comma, Point};
    use super::*;

    #[test]
    fn point_format_reads_grouped_and_plain_numbers() {
        for (raw, want) in [
            ("5.60", 5.6),
            ("1234.5", 1234.5),
            ("1,234.50", 1234.5),
            ("1,234,567", 1_234_567.0),
            ("1 234.50", 1234.5),
            ("1\u{a0}234.50", 1234.5),
            ("0", 0.0),
        ] {
            assert_eq!(parse(raw, Point), Some(want), "{raw}");
        }
    }

    #[test]
    fn comma_format_reads_grouped_and_plain_numbers() {
        for (raw, want) in [
            ("5,60", 5.6),
            ("1234,5", 1234.5),
            ("1.234,50", 1234.5),
            ("1.234", 1234.0),
            ("1 234,50", 1234.5),
            ("1\u{202f}234,50", 1234.5),
            ("12", 12.0),
        ] {
            assert_eq!(parse(raw, Comma), Some(want), "{raw}");
        }
    }

    #[test]
    fn a_cell_that_could_be_read_another_way_is_refused() {
        // The bug this guards against: "5,60" must never become 560.
        for raw in [
            "5,60",
            "1,23",
            "1.234,50",
            "12,3456",
            ",5",
            "1,,234",
            "5.",
            "1,234.5.6",
        ] {
            assert_eq!(parse(raw, Point), None, "{raw}");
        }
        for raw in ["5.60", "1.23", "1,234.50", "1234.5", "1.2345", "5,"] {
            assert_eq!(parse(raw, Comma), None, "{raw}");
        }
    }

    #[test]
    fn a_single_group_of_three_reads_two_ways_and_nothing_else_does() {
        assert_eq!(other_reading("1.500", Comma), Some(1.5));
        assert_eq!(other_reading("1,500", Point), Some(1.5));
        assert_eq!(other_reading("120.000", Comma), Some(120.0));
        assert_eq!(other_reading("0.000", Comma), None, "the same either way");
        assert_eq!(other_reading("1 500", Comma), None, "the same either way");
        assert_eq!(other_reading("1.234.567", Comma), None);
        assert_eq!(other_reading("5,60", Comma), None);
        assert!(only("12.50", Point) && only("1,234.50", Point));
        assert!(only("5,60", Comma) && !only("12", Comma) && !only("1.500", Comma));
    }

    #[test]
    fn currency_marks_and_negatives() {
        assert_eq!(parse("€5,60", Comma), Some(5.6));
        assert_eq!(parse("5,60 €", Comma), Some(5.6));
        assert_eq!(parse("EUR 1.234,50", Comma), Some(1234.5));
        assert_eq!(parse("1,234.50 USD", Point), Some(1234.5));
        assert_eq!(parse("$12.50", Point), Some(12.5));
        assert_eq!(parse("£3", Point), Some(3.0));
        assert_eq!(parse("(12.50)", Point), Some(-12.5));
        assert_eq!(parse("($12.50)", Point), Some(-12.5));
        assert_eq!(parse("-12,50", Comma), Some(-12.5));
        assert_eq!(parse("-€12,50", Comma), Some(-12.5));
        assert_eq!(parse("(-12.50)", Point), None);
        assert_eq!(parse("12.50 EU", Point), None);
        assert_eq!(parse("abc", Point), None);
        assert_eq!(parse("1e5", Point), None);
    }
}
