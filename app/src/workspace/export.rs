//! CSV export of every list: one query per kind, run in the tenant's read-only
//! transaction, written by the shared CSV writer (figures as numbers, text cells kept
//! from running as spreadsheet formulas).

use crate::{
    AppError,
    accounts::Permission,
    server::csv_export::{Cell, CsvExport},
    tenancy::{TenantContext, TenantTx},
};

/// The lists that export, by file name.
pub const KINDS: &[&str] = &[
    "products",
    "inventory",
    "customers",
    "suppliers",
    "sales",
    "invoices",
    "purchases",
    "bills",
];

fn query(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "products" => {
            "SELECT sku, name, category, unit_cost::text, unit_price::text, lead_time_days::text, active::text
               FROM products ORDER BY sku"
        }
        "inventory" => {
            "SELECT p.sku, l.code, i.on_hand::text, i.reserved::text, i.reorder_point::text, i.safety_stock::text
               FROM inventory_levels i JOIN products p ON p.id = i.product_id JOIN locations l ON l.id = i.location_id
              ORDER BY p.sku, l.code"
        }
        "customers" => {
            "SELECT code, name, payment_terms_days::text, coalesce(credit_limit::text, '') FROM customers ORDER BY code"
        }
        "suppliers" => "SELECT code, name, payment_terms_days::text FROM suppliers ORDER BY code",
        "sales" => {
            "SELECT o.number, c.code, o.order_date::text, o.status, p.sku, l.quantity::text, l.unit_price::text
               FROM sales_orders o JOIN customers c ON c.id = o.customer_id
               JOIN sales_order_lines l ON l.sales_order_id = o.id JOIN products p ON p.id = l.product_id
              ORDER BY o.order_date, o.number, p.sku"
        }
        "invoices" => {
            "SELECT i.number, c.code, i.issued_on::text, i.due_on::text, coalesce(i.paid_on::text, ''), i.amount::text
               FROM customer_invoices i JOIN customers c ON c.id = i.customer_id ORDER BY i.issued_on, i.number"
        }
        "purchases" => {
            "SELECT o.number, s.code, o.order_date::text, o.status, p.sku, l.quantity::text, l.unit_cost::text
               FROM purchase_orders o JOIN suppliers s ON s.id = o.supplier_id
               JOIN purchase_order_lines l ON l.purchase_order_id = o.id JOIN products p ON p.id = l.product_id
              ORDER BY o.order_date, o.number, p.sku"
        }
        "bills" => {
            "SELECT b.number, s.code, b.received_on::text, b.due_on::text, coalesce(b.paid_on::text, ''), b.amount::text
               FROM supplier_bills b JOIN suppliers s ON s.id = b.supplier_id ORDER BY b.received_on, b.number"
        }
        _ => return None,
    })
}

/// The column headers of each export (also the import templates' headers).
pub fn headers(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "products" => &[
            "sku",
            "name",
            "category",
            "unit_cost",
            "unit_price",
            "lead_time_days",
            "active",
        ],
        "inventory" => &[
            "sku",
            "location",
            "on_hand",
            "reserved",
            "reorder_point",
            "safety_stock",
        ],
        "customers" => &["code", "name", "payment_terms_days", "credit_limit"],
        "suppliers" => &["code", "name", "payment_terms_days"],
        "sales" => &[
            "order",
            "customer",
            "order_date",
            "status",
            "sku",
            "quantity",
            "unit_price",
        ],
        "invoices" => &[
            "invoice",
            "customer",
            "issued_on",
            "due_on",
            "paid_on",
            "amount",
        ],
        "purchases" => &[
            "order",
            "supplier",
            "order_date",
            "status",
            "sku",
            "quantity",
            "unit_cost",
        ],
        "bills" => &[
            "bill",
            "supplier",
            "received_on",
            "due_on",
            "paid_on",
            "amount",
        ],
        _ => return None,
    })
}

/// The columns that hold figures; every other column is text.
const NUMBER_COLUMNS: &[&str] = &[
    "unit_cost",
    "unit_price",
    "lead_time_days",
    "on_hand",
    "reserved",
    "reorder_point",
    "safety_stock",
    "payment_terms_days",
    "credit_limit",
    "quantity",
    "amount",
];

async fn rows(tx: &mut TenantTx, sql: &str) -> Result<Vec<Vec<String>>, AppError> {
    use sqlx::Row;
    let rows = sqlx::query(sql).fetch_all(&mut **tx).await?;
    Ok(rows
        .iter()
        .map(|r| (0..r.len()).map(|i| r.get::<String, _>(i)).collect())
        .collect())
}

/// The CSV text of list `kind` (members with import and export rights).
pub async fn export(
    pool: &sqlx::PgPool,
    ctx: &TenantContext,
    kind: &str,
) -> Result<String, AppError> {
    ctx.require(Permission::ImportExport)?;
    let (Some(sql), Some(headers)) = (query(kind), headers(kind)) else {
        return Err(AppError::not_found("Export"));
    };
    let mut tx = ctx.read(pool).await?;
    let rows = rows(&mut tx, sql).await?;
    tx.commit().await?;
    let mut out = CsvExport::new(headers)?;
    for row in &rows {
        out.record(headers.iter().zip(row).map(|(header, value)| {
            if NUMBER_COLUMNS.contains(header) {
                Cell::Figure(value)
            } else {
                Cell::Text(value)
            }
        }))?;
    }
    String::from_utf8(out.finish()?).map_err(AppError::internal)
}
