//! CSV import of products and stock levels: upload, column mapping (guessed from the
//! headers, adjustable), a validation report per row and column, and an
//! all-or-nothing commit that respects the plan's product limit.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::AppError;
pub use numbers::NumberFormat;

/// The kinds that import, with the columns each expects.
pub const KINDS: &[(&str, &str)] = &[
    ("products", "Products"),
    ("inventory", "Stock levels"),
    ("invoices", "Customer invoices (receivables)"),
    ("bills", "Supplier bills (payables)"),
    ("sales", "Sales order lines"),
    ("purchases", "Purchase order lines"),
];

/// Errors listed in full in a report; beyond this only the count is kept.
pub const MAX_LISTED_ERRORS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Money,
    Days,
    Quantity,
    Flag,
    /// A calendar date, YYYY-MM-DD.
    Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub ty: FieldType,
}

const fn field(key: &'static str, label: &'static str, required: bool, ty: FieldType) -> Field {
    Field {
        key,
        label,
        required,
        ty,
    }
}

pub fn fields(kind: &str) -> Option<&'static [Field]> {
    use FieldType::*;
    const PRODUCTS: &[Field] = &[
        field("sku", "SKU", true, Text),
        field("name", "Name", true, Text),
        field("category", "Category", false, Text),
        field("unit_cost", "Unit cost", true, Money),
        field("unit_price", "Unit price", true, Money),
        field("lead_time_days", "Lead time (days)", false, Days),
        field("active", "Active", false, Flag),
    ];
    const INVENTORY: &[Field] = &[
        field("sku", "SKU", true, Text),
        field("location", "Location code", true, Text),
        field("on_hand", "On hand", true, Quantity),
        field("reserved", "Reserved", false, Quantity),
        field("reorder_point", "Reorder point", false, Quantity),
        field("safety_stock", "Safety stock", false, Quantity),
    ];
    const INVOICES: &[Field] = &[
        field("number", "Invoice number", true, Text),
        field("party", "Customer code", true, Text),
        field("issued_on", "Issued on", true, Date),
        field("due_on", "Due on", true, Date),
        field("paid_on", "Paid on", false, Date),
        field("amount", "Amount", true, Money),
    ];
    const BILLS: &[Field] = &[
        field("number", "Bill number", true, Text),
        field("party", "Supplier code", true, Text),
        field("issued_on", "Received on", true, Date),
        field("due_on", "Due on", true, Date),
        field("paid_on", "Paid on", false, Date),
        field("amount", "Amount", true, Money),
    ];
    const SALES: &[Field] = &[
        field("number", "Order number", true, Text),
        field("party", "Customer code", true, Text),
        field("date", "Order date", true, Date),
        field("sku", "SKU", true, Text),
        field("quantity", "Quantity", true, Quantity),
        field("unit_amount", "Unit price", true, Money),
        field("status", "Status", false, Text),
    ];
    const PURCHASES: &[Field] = &[
        field("number", "Order number", true, Text),
        field("party", "Supplier code", true, Text),
        field("date", "Order date", true, Date),
        field("sku", "SKU", true, Text),
        field("quantity", "Quantity", true, Quantity),
        field("unit_amount", "Unit cost", true, Money),
        field("status", "Status", false, Text),
    ];
    match kind {
        "products" => Some(PRODUCTS),
        "inventory" => Some(INVENTORY),
        "invoices" => Some(INVOICES),
        "bills" => Some(BILLS),
        "sales" => Some(SALES),
        "purchases" => Some(PURCHASES),
        _ => None,
    }
}

/// The values a text field may take, where they are fixed (order statuses).
pub fn choices(kind: &str, key: &str) -> Option<&'static [&'static str]> {
    match (kind, key) {
        ("sales", "status") => Some(&["open", "shipped", "invoiced", "cancelled"]),
        ("purchases", "status") => Some(&["open", "received", "billed", "cancelled"]),
        _ => None,
    }
}

/// One problem in the file: 1-based data row (the header is row 0; the page shows
/// rows as a spreadsheet numbers them, one more), the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub rows: usize,
    pub error_count: usize,
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: Uuid,
    pub kind: String,
    pub file_name: String,
    /// ready, failed (errors to fix) or done.
    pub status: String,
    pub headers: Vec<String>,
    /// The fields to fill: (label, required).
    pub fields: Vec<(String, bool)>,
    /// For each field, the column it reads (index into `headers`).
    pub mapping: Vec<Option<usize>>,
    pub preview: Vec<Vec<String>>,
    pub report: Report,
    pub can_import: bool,
    /// Rows written so far while importing, of `report.rows`.
    pub processed: i64,
}

/// Lower-case letters and digits only, for matching headers to fields.
fn simple(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The column each field most likely is, by header name: an exact match of the
/// field's key or label first, then a header inside the label or the other way round
/// ("Invoice" for "Invoice number", "Unit cost (EUR)" for "Unit cost").
pub fn suggest(headers: &[String], fields: &[Field]) -> Vec<Option<usize>> {
    let headers: Vec<String> = headers.iter().map(|h| simple(h)).collect();
    fields
        .iter()
        .map(|f| {
            let (key, label) = (simple(f.key), simple(f.label));
            headers
                .iter()
                .position(|h| *h == key || *h == label)
                .or_else(|| {
                    headers.iter().position(|h| {
                        !h.is_empty()
                            && (h.contains(&key)
                                || h.contains(&label)
                                || (h.len() >= 3 && label.contains(h.as_str())))
                    })
                })
        })
        .collect()
}

/// A field's value parsed, or the reason it cannot be.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Flag(bool),
    Date(time::Date),
    Missing,
}

/// Why a cell was refused: most messages follow the field's label; a number not in
/// the organization's format gets a message of its own, naming row and record.
enum Problem {
    Message(String),
    NotANumber,
    /// Read one way by the organization's format and another by the other format,
    /// with nothing else in the file to show which: the other reading.
    TwoWays(f64),
}

impl From<String> for Problem {
    fn from(message: String) -> Self {
        Problem::Message(message)
    }
}

/// `shown` says whether the file holds a number only `format` reads, which settles
/// cells both formats read ("1.500").
fn parse(field: &Field, raw: &str, format: NumberFormat, shown: bool) -> Result<Value, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return if field.required {
            Err(Problem::Message("is required".into()))
        } else {
            Ok(Value::Missing)
        };
    }
    let number = |max: f64| -> Result<f64, Problem> {
        let value = numbers::parse(raw, format).ok_or(Problem::NotANumber)?;
        if let Some(other) = numbers::other_reading(raw, format).filter(|_| !shown) {
            return Err(Problem::TwoWays(other));
        }
        if (0.0..=max).contains(&value) {
            Ok(value)
        } else {
            Err(format!("\"{raw}\" is not a number from 0 to {max}").into())
        }
    };
    match field.ty {
        FieldType::Text if raw.chars().count() > 200 => {
            Err(Problem::Message("is longer than 200 characters".into()))
        }
        FieldType::Text
            if field.key == "sku"
                && !raw
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)) =>
        {
            Err(format!("\"{raw}\" may hold only letters, digits, '-', '_', '.' and '/'").into())
        }
        FieldType::Text => Ok(Value::Text(raw.to_owned())),
        FieldType::Money => number(1e10).map(Value::Number),
        FieldType::Quantity => number(1e12).map(Value::Number),
        FieldType::Days => number(730.0)
            .and_then(|d| {
                if d.fract() == 0.0 {
                    Ok(d)
                } else {
                    Err(format!("\"{raw}\" is not whole days").into())
                }
            })
            .map(Value::Number),
        FieldType::Date => time::Date::parse(
            raw,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map(Value::Date)
        .map_err(|_| format!("\"{raw}\" is not a date like 2026-03-31").into()),
        FieldType::Flag => match raw.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "y" | "active" => Ok(Value::Flag(true)),
            "false" | "no" | "0" | "n" | "inactive" => Ok(Value::Flag(false)),
            _ => Err(format!("\"{raw}\" is not yes or no").into()),
        },
    }
}

/// " (SKU A-100)": the row's record by its first field (SKU or number), if it has one.
fn record_key(record: &[String], mapping: &[Option<usize>], fields: &[Field]) -> String {
    mapping
        .first()
        .copied()
        .flatten()
        .and_then(|c| record.get(c))
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
        .map(|k| format!(" ({} {k})", fields[0].label))
        .unwrap_or_default()
}

/// The message for a number not in the organization's format, or one it reads
/// differently from the other format. It names the row as a spreadsheet does (the
/// header is row 1) and the row's record (its SKU or number), so the cell can be
/// found, and says the ways out.
fn not_a_number(
    row: usize,
    key: &str,
    field: &Field,
    raw: &str,
    format: NumberFormat,
    problem: Problem,
) -> String {
    let (row, label, example) = (row + 1, field.label.to_lowercase(), format.example());
    match problem {
        Problem::TwoWays(other) => format!(
            "Row {row}{key}: {label} \"{raw}\" could be {} or {other}, and no other number in the file shows the {example} format; write it without the thousands mark, or change the number format under Settings",
            numbers::parse(raw, format).unwrap_or_default()
        ),
        _ => format!(
            "Row {row}{key}: {label} \"{raw}\" is not a number in the {example} format; change the number format under Settings or fix the cell"
        ),
    }
}

/// Parses every row with `mapping`; rows that pass are returned, the rest reported.
/// Duplicate keys within the file are errors (the SKU, or SKU and location). Numbers
/// are read in the organization's `format`.
pub fn validate(
    kind: &str,
    records: &[Vec<String>],
    mapping: &[Option<usize>],
    format: NumberFormat,
) -> (Vec<Vec<Value>>, Report) {
    let fields = fields(kind).unwrap_or_default();
    let mut report = Report {
        rows: records.len(),
        ..Report::default()
    };
    let add = |report: &mut Report, row: usize, column: &str, message: String| {
        report.error_count += 1;
        if report.errors.len() < MAX_LISTED_ERRORS {
            report.errors.push(RowError {
                row,
                column: column.to_owned(),
                message,
            });
        }
    };
    for (field, column) in fields.iter().zip(mapping) {
        if field.required && column.is_none() {
            add(
                &mut report,
                0,
                field.label,
                "No column is mapped to this required field.".into(),
            );
        }
    }
    if report.error_count > 0 {
        return (Vec::new(), report);
    }
    let numeric: Vec<usize> = fields
        .iter()
        .zip(mapping)
        .filter(|(f, _)| {
            matches!(
                f.ty,
                FieldType::Money | FieldType::Quantity | FieldType::Days
            )
        })
        .filter_map(|(_, c)| *c)
        .collect();
    let shown = records.iter().any(|r| {
        numeric.iter().any(|&c| {
            r.get(c)
                .is_some_and(|raw| numbers::only(raw.trim(), format))
        })
    });
    let mut seen = std::collections::HashMap::new();
    let mut valid = Vec::new();
    for (i, record) in records.iter().enumerate() {
        let row = i + 1;
        let mut values = Vec::with_capacity(fields.len());
        let mut ok = true;
        for (field, column) in fields.iter().zip(mapping) {
            let raw = column
                .and_then(|c| record.get(c))
                .map_or("", String::as_str);
            let parsed = parse(field, raw, format, shown).and_then(|v| {
                match (&v, choices(kind, field.key)) {
                    (Value::Text(t), Some(allowed))
                        if !allowed.contains(&t.to_lowercase().as_str()) =>
                    {
                        Err(format!("\"{t}\" is not one of {}", allowed.join(", ")).into())
                    }
                    _ => Ok(v),
                }
            });
            let message = match parsed {
                Ok(v) => {
                    values.push(v);
                    continue;
                }
                Err(Problem::Message(message)) => format!("{} {message}", field.label),
                Err(problem) => {
                    let key = record_key(record, mapping, fields);
                    not_a_number(row, &key, field, raw.trim(), format, problem)
                }
            };
            ok = false;
            add(&mut report, row, field.label, message);
            values.push(Value::Missing);
        }
        if ok {
            let key = match (kind, &values[0], values.get(1), values.get(3)) {
                ("inventory", Value::Text(sku), Some(Value::Text(loc)), _) => {
                    format!("{}|{}", sku.to_lowercase(), loc.to_lowercase())
                }
                // An order may have several lines, even for one product.
                ("sales" | "purchases", ..) => String::new(),
                (_, Value::Text(key), _, _) => key.to_lowercase(),
                _ => String::new(),
            };
            if let (Some(Value::Date(issued)), Some(Value::Date(due))) =
                (values.get(2), values.get(3))
                && due < issued
            {
                ok = false;
                add(
                    &mut report,
                    row,
                    fields[3].label,
                    format!("{} is before {}", fields[3].label, fields[2].label),
                );
            }
            if ok
                && !key.is_empty()
                && let Some(first) = seen.insert(key, row)
            {
                ok = false;
                add(
                    &mut report,
                    row,
                    fields[0].label,
                    format!("duplicates row {}", first + 1),
                );
            }
        }
        if ok {
            valid.push(values);
        }
    }
    (valid, report)
}

#[cfg(feature = "ssr")]
pub mod decode;
#[cfg(feature = "ssr")]
pub mod limits;
pub mod numbers;
#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod retention;
#[cfg(feature = "ssr")]
pub mod store;

#[server(prefix = "/api/fn", endpoint = "get_import")]
pub async fn get_import(slug: String, id: Uuid) -> Result<ImportView, AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    store::view(&pool, &ctx, id).await
}

/// Applies a new column mapping (one entry per field: a column index or "") and
/// validates the file again.
#[server(prefix = "/api/fn", endpoint = "remap_import")]
pub async fn remap_import(slug: String, id: Uuid, mapping: Vec<String>) -> Result<(), AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    let mapping = mapping.iter().map(|m| m.parse::<usize>().ok()).collect();
    store::remap(&pool, &ctx, id, mapping).await
}

/// Starts writing every row, or none (the whole import is one transaction), in the
/// background; the job's page shows the progress.
#[server(prefix = "/api/fn", endpoint = "commit_import")]
pub async fn commit_import(slug: String, id: Uuid) -> Result<(), AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    store::start(&pool, &ctx, id).await?;
    leptos_axum::redirect(&format!("/app/{slug}/import/{id}"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[&[&str]]) -> Vec<Vec<String>> {
        text.iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect()
    }

    #[test]
    fn headers_are_matched_to_fields_loosely() {
        let headers: Vec<String> = ["Item SKU", "Product name", "Unit Cost", "unit_price", "x"]
            .map(String::from)
            .into();
        let map = suggest(&headers, fields("products").unwrap());
        assert_eq!(&map[..5], &[Some(0), Some(1), None, Some(2), Some(3)]);
    }

    #[test]
    fn every_bad_cell_and_duplicate_is_reported_with_row_and_column() {
        let mapping = vec![Some(0), Some(1), None, Some(2), Some(3), Some(4), None];
        let (valid, report) = validate(
            "products",
            &rows(&[
                &["A-1", "Alpha", "1.50", "3", "7"],
                &["B 2", "", "-1", "x", "2.5"],
                &["A-1", "Again", "1", "2", "3"],
                &["C-3", "Gamma", "1,200.00", "1500", ""],
            ]),
            &mapping,
            NumberFormat::Point,
        );
        assert_eq!(valid.len(), 2, "rows 1 and 4");
        let at: Vec<(usize, &str)> = report
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (2, "SKU"),
                (2, "Name"),
                (2, "Unit cost"),
                (2, "Unit price"),
                (2, "Lead time (days)"),
                (3, "SKU")
            ]
        );
        assert!(report.errors[5].message.contains("duplicates row 2"));
        assert_eq!(valid[1][3], Value::Number(1200.0));
    }

    #[test]
    fn a_required_field_without_a_column_stops_everything() {
        let (valid, report) = validate(
            "inventory",
            &rows(&[&["A-1", "MAIN", "5"]]),
            &[Some(0), None, Some(2), None, None, None],
            NumberFormat::Point,
        );
        assert!(valid.is_empty());
        assert_eq!(report.errors[0].column, "Location code");
        assert_eq!(report.errors[0].row, 0);
    }

    #[test]
    fn invoice_dates_are_checked_and_statuses_limited() {
        let rows: Vec<Vec<String>> = [
            ["I-1", "C1", "2026-03-01", "2026-03-31", "", "100"],
            ["I-2", "C1", "2026-03-31", "2026-03-01", "", "100"],
            ["I-3", "C1", "31/03/2026", "2026-04-30", "", "100"],
        ]
        .iter()
        .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
        .collect();
        let mapping: Vec<Option<usize>> = (0..6).map(Some).collect();
        let (valid, report) = validate("invoices", &rows, &mapping, NumberFormat::Point);
        assert_eq!(valid.len(), 1);
        assert_eq!(
            (report.errors[0].row, report.errors[0].column.as_str()),
            (2, "Due on")
        );
        assert!(
            report.errors[1]
                .message
                .contains("not a date like 2026-03-31")
        );

        let line = |status: &str| -> Vec<Vec<String>> {
            vec![
                ["SO-1", "C1", "2026-03-01", "A-1", "2", "9.5", status]
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
            ]
        };
        let mapping: Vec<Option<usize>> = (0..7).map(Some).collect();
        assert_eq!(
            validate("sales", &line("Shipped"), &mapping, NumberFormat::Point)
                .1
                .error_count,
            0
        );
        let (_, report) = validate("sales", &line("lost"), &mapping, NumberFormat::Point);
        assert!(
            report.errors[0]
                .message
                .contains("is not one of open, shipped")
        );
    }
}
