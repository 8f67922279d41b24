//! The one writer of every CSV download (tenant lists, scenarios, the audit log). A
//! spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
//! return as a formula, so text cells that do are written with a leading `'`; numbers
//! are written as they are, so `-12.50` stays a number. The CSV import takes the `'`
//! off again ([`restore`]), so an export imports back unchanged.

use crate::AppError;

/// Characters a spreadsheet reads as the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell and how to write it.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Text(&'a str),
    /// A column of numbers; a value that is not a plain decimal number is written as
    /// text, so a stray formula there is neutralised too.
    Number(&'a str),
    /// A number in a list that imports back: written as [`unambiguous`].
    Figure(&'a str),
}

fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    !whole.is_empty() && all_digits(whole) && parts.next().is_none_or(all_digits)
}

fn inert(text: &str) -> String {
    if text.starts_with(FORMULA_START) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A plain decimal number that no number format of the import takes for a thousands
/// group ("1.500" is 1500 under a decimal comma): trailing zeros
/// dropped ("120.000" is "120"), and a fraction of exactly three digits given a
/// fourth ("1.125" is "1.1250"). The value is unchanged.
fn unambiguous(n: &str) -> String {
    let Some((whole, fraction)) = n.split_once('.') else {
        return n.to_owned();
    };
    match fraction.trim_end_matches('0') {
        "" => whole.to_owned(),
        f if f.len() == 3 => format!("{whole}.{f}0"),
        f => format!("{whole}.{f}"),
    }
}

impl Cell<'_> {
    fn written(self) -> String {
        match self {
            Cell::Number(n) if is_number(n) => n.to_owned(),
            Cell::Figure(n) if is_number(n) => unambiguous(n),
            Cell::Text(t) | Cell::Number(t) | Cell::Figure(t) => inert(t),
        }
    }
}

/// A cell as it was before [`Cell::Text`] neutralised it.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

/// A CSV document being written: a header row, then records.
pub struct CsvExport(csv::Writer<Vec<u8>>);

impl CsvExport {
    pub fn new(headers: &[&str]) -> Result<Self, AppError> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(headers).map_err(AppError::internal)?;
        Ok(Self(out))
    }

    pub fn record<'a>(
        &mut self,
        cells: impl IntoIterator<Item = Cell<'a>>,
    ) -> Result<(), AppError> {
        self.0
            .write_record(cells.into_iter().map(Cell::written))
            .map_err(AppError::internal)
    }

    pub fn finish(self) -> Result<Vec<u8>, AppError> {
        self.0.into_inner().map_err(AppError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_run_is_quoted_and_restored() {
        for formula in ["=HYPERLINK(\"x\")", "@SUM(A1)", "+1", "-1+2", "\tx", "\rx"] {
            let written = Cell::Text(formula).written();
            assert_eq!(written, format!("'{formula}"));
            assert_eq!(restore(&written), formula);
        }
        assert_eq!(Cell::Text("tenant.suspended").written(), "tenant.suspended");
        assert_eq!(
            restore("'quoted"),
            "'quoted",
            "only a quote the export added"
        );
    }

    #[test]
    fn numbers_stay_numbers_and_anything_else_in_a_number_column_is_text() {
        for n in ["-12.50", "0", "1200", "3.", "-0.5"] {
            assert_eq!(Cell::Number(n).written(), n);
        }
        for (n, written) in [
            ("-12.50", "-12.5"),
            ("3.", "3"),
            ("120.000", "120"),
            ("5.6000", "5.6"),
            ("1.125", "1.1250"),
            ("1.5000", "1.5"),
        ] {
            assert_eq!(Cell::Figure(n).written(), written);
        }
        assert_eq!(Cell::Figure("-1+2").written(), "'-1+2");
        assert_eq!(Cell::Number("-1+2").written(), "'-1+2");
        assert_eq!(Cell::Number("-").written(), "'-");
        assert_eq!(Cell::Number("").written(), "");
    }
}
