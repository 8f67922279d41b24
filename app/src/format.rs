//! Formatting shared by the pages: amounts with thousands separators, cents as
//! dollars, and timestamps in UTC.

/// `1234567` → `"1,234,567"`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Cents as whole dollars: `12_345_67` → `"$12,346"`.
pub fn dollars(cents: u64) -> String {
    format!("${}", thousands((cents + 50) / 100))
}

/// `2026-11-23 14:05 UTC`.
pub fn utc_minute(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// `2026-11-23`.
pub fn utc_day(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// Percent-encodes a query-string value (everything but RFC 3986 unreserved bytes).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn cents_round_to_dollars_and_times_read_in_utc() {
        assert_eq!(super::dollars(156_316), "$1,563");
        assert_eq!(super::dollars(0), "$0");
        let t = time::macros::datetime!(2026-01-02 03:04:59 +02:00);
        assert_eq!(super::utc_minute(t), "2026-01-02 01:04 UTC");
        assert_eq!(super::utc_day(t), "2026-01-02");
    }

    #[test]
    fn groups_by_three_from_the_right() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (12_900, "12,900"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(super::thousands(n), s);
        }
    }
}
