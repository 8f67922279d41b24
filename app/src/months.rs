//! Calendar months, as forecasts and revenue figures count them: the first day of a
//! month, stepping whole months, and the "2026-11" label.

use time::{Date, Month};

/// The first day of `day`'s month.
pub fn first_of(day: Date) -> Date {
    day.replace_day(1).expect("day 1 exists in every month")
}

/// The first day of the month `n` months after (or before) `day`'s.
pub fn add(day: Date, n: i32) -> Date {
    let index = day.year() * 12 + i32::from(u8::from(day.month())) - 1 + n;
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).expect("1..=12");
    Date::from_calendar_date(index.div_euclid(12), month, 1).expect("the first of a month")
}

/// "2026-11".
pub fn label(day: Date) -> String {
    format!("{}-{:02}", day.year(), u8::from(day.month()))
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn months_step_across_years() {
        assert_eq!(add(date!(2026 - 11 - 01), 2), date!(2027 - 01 - 01));
        assert_eq!(add(date!(2026 - 01 - 15), -1), date!(2025 - 12 - 01));
        assert_eq!(add(date!(2026 - 03 - 01), -48), date!(2022 - 03 - 01));
        assert_eq!(first_of(date!(2026 - 02 - 28)), date!(2026 - 02 - 01));
        assert_eq!(label(date!(2027 - 01 - 01)), "2027-01");
    }
}
