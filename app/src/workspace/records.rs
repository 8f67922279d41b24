//! The read-mostly lists of the working-capital screens: inventory, receivables and
//! payables, each searchable, filtered by status and paged. One generic table so the
//! screens look and behave alike.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

pub const PER_PAGE: i64 = 25;

/// The screens, by URL segment.
pub const SCREENS: &[(&str, &str)] = &[
    ("inventory", "Inventory"),
    ("sales", "Sales orders"),
    ("receivables", "Receivables"),
    ("purchases", "Purchase orders"),
    ("payables", "Payables"),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordQuery {
    pub q: Option<String>,
    pub status: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordPage {
    pub columns: Vec<String>,
    /// Right-aligned columns (amounts, quantities).
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// Status filter choices: (value, label); the first is the default.
    pub statuses: Vec<(String, String)>,
    /// Sum of the money column over every matching row, formatted.
    pub sum: Option<String>,
}

#[cfg(feature = "ssr")]
struct Screen {
    columns: &'static [(&'static str, bool)],
    statuses: &'static [(&'static str, &'static str)],
    /// FROM and WHERE (with $1 = search text or NULL, $2 = status).
    from: &'static str,
    select: &'static str,
    order: &'static str,
    sum: Option<&'static str>,
}

#[cfg(feature = "ssr")]
const INVOICE_COLUMNS: [(&str, bool); 7] = [
    ("Invoice", false),
    ("Customer", false),
    ("Issued", false),
    ("Due", false),
    ("Paid", false),
    ("Amount", true),
    ("Days overdue", true),
];

#[cfg(feature = "ssr")]
const BILL_COLUMNS: [(&str, bool); 7] = [
    ("Bill", false),
    ("Supplier", false),
    ("Received", false),
    ("Due", false),
    ("Paid", false),
    ("Amount", true),
    ("Days overdue", true),
];

#[cfg(feature = "ssr")]
const ORDER_COLUMNS: [(&str, bool); 6] = [
    ("Order", false),
    ("Party", false),
    ("Date", false),
    ("Status", false),
    ("Lines", true),
    ("Amount", true),
];

#[cfg(feature = "ssr")]
fn screen(kind: &str) -> Option<Screen> {
    Some(match kind {
        "inventory" => Screen {
            columns: &[
                ("SKU", false),
                ("Product", false),
                ("Location", false),
                ("On hand", true),
                ("Reserved", true),
                ("Reorder point", true),
                ("Safety stock", true),
                ("Value at cost", true),
            ],
            statuses: &[("all", "All stock"), ("reorder", "At or below reorder point")],
            from: "FROM inventory_levels i JOIN products p ON p.id = i.product_id JOIN locations l ON l.id = i.location_id
                  WHERE ($1::text IS NULL OR strpos(lower(p.sku), $1) > 0 OR strpos(lower(p.name), $1) > 0)
                    AND ($2 <> 'reorder' OR i.on_hand - i.reserved <= i.reorder_point)",
            select: "p.sku, p.name, l.code, round(i.on_hand)::text, round(i.reserved)::text,
                     round(i.reorder_point)::text, round(i.safety_stock)::text,
                     to_char(i.on_hand * p.unit_cost, 'FM999G999G990D00')",
            order: "p.sku, l.code",
            sum: Some("sum(i.on_hand * p.unit_cost)"),
        },
        "sales" => Screen {
            columns: &ORDER_COLUMNS,
            statuses: &[("all", "All"), ("open", "Open"), ("shipped", "Shipped"), ("invoiced", "Invoiced"), ("cancelled", "Cancelled")],
            from: "FROM sales_orders d JOIN customers c ON c.id = d.customer_id
                   LEFT JOIN LATERAL (SELECT count(*) AS n, sum(quantity * unit_price) AS total
                                        FROM sales_order_lines l WHERE l.sales_order_id = d.id) t ON true
                  WHERE ($1::text IS NULL OR strpos(lower(d.number), $1) > 0 OR strpos(lower(c.name), $1) > 0)
                    AND ($2 = 'all' OR d.status = $2)",
            select: "d.number, c.name, d.order_date::text, d.status, t.n::text,
                     to_char(coalesce(t.total, 0), 'FM999G999G990D00')",
            order: "d.order_date DESC, d.number",
            sum: Some("sum(t.total)"),
        },
        "purchases" => Screen {
            columns: &ORDER_COLUMNS,
            statuses: &[("all", "All"), ("open", "Open"), ("received", "Received"), ("billed", "Billed"), ("cancelled", "Cancelled")],
            from: "FROM purchase_orders d JOIN suppliers c ON c.id = d.supplier_id
                   LEFT JOIN LATERAL (SELECT count(*) AS n, sum(quantity * unit_cost) AS total
                                        FROM purchase_order_lines l WHERE l.purchase_order_id = d.id) t ON true
                  WHERE ($1::text IS NULL OR strpos(lower(d.number), $1) > 0 OR strpos(lower(c.name), $1) > 0)
                    AND ($2 = 'all' OR d.status = $2)",
            select: "d.number, c.name, d.order_date::text, d.status, t.n::text,
                     to_char(coalesce(t.total, 0), 'FM999G999G990D00')",
            order: "d.order_date DESC, d.number",
            sum: Some("sum(t.total)"),
        },
        "receivables" => Screen {
            columns: &INVOICE_COLUMNS,
            statuses: &[("open", "Open"), ("overdue", "Overdue"), ("paid", "Paid"), ("all", "All")],
            from: "FROM customer_invoices d JOIN customers c ON c.id = d.customer_id
                  WHERE ($1::text IS NULL OR strpos(lower(d.number), $1) > 0 OR strpos(lower(c.name), $1) > 0)
                    AND CASE $2 WHEN 'open' THEN d.paid_on IS NULL
                                WHEN 'overdue' THEN d.paid_on IS NULL AND d.due_on < current_date
                                WHEN 'paid' THEN d.paid_on IS NOT NULL ELSE true END",
            select: "d.number, c.name, d.issued_on::text, d.due_on::text, coalesce(d.paid_on::text, ''),
                     to_char(d.amount, 'FM999G999G990D00'),
                     CASE WHEN d.paid_on IS NULL AND d.due_on < current_date THEN (current_date - d.due_on)::text ELSE '' END",
            order: "d.due_on, d.number",
            sum: Some("sum(d.amount)"),
        },
        "payables" => Screen {
            columns: &BILL_COLUMNS,
            statuses: &[("open", "Open"), ("overdue", "Overdue"), ("paid", "Paid"), ("all", "All")],
            from: "FROM supplier_bills d JOIN suppliers c ON c.id = d.supplier_id
                  WHERE ($1::text IS NULL OR strpos(lower(d.number), $1) > 0 OR strpos(lower(c.name), $1) > 0)
                    AND CASE $2 WHEN 'open' THEN d.paid_on IS NULL
                                WHEN 'overdue' THEN d.paid_on IS NULL AND d.due_on < current_date
                                WHEN 'paid' THEN d.paid_on IS NOT NULL ELSE true END",
            select: "d.number, c.name, d.received_on::text, d.due_on::text, coalesce(d.paid_on::text, ''),
                     to_char(d.amount, 'FM999G999G990D00'),
                     CASE WHEN d.paid_on IS NULL AND d.due_on < current_date THEN (current_date - d.due_on)::text ELSE '' END",
            order: "d.due_on, d.number",
            sum: Some("sum(d.amount)"),
        },
        _ => return None,
    })
}

#[server(prefix = "/api/fn", endpoint = "list_records")]
pub async fn list_records(
    slug: String,
    kind: String,
    #[server(default)] query: RecordQuery,
) -> Result<RecordPage, AppError> {
    use sqlx::Row;
    let screen = screen(&kind).ok_or_else(|| AppError::not_found("List"))?;
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    let q = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let status = query
        .status
        .filter(|s| screen.statuses.iter().any(|(v, _)| v == s))
        .unwrap_or_else(|| screen.statuses[0].0.to_owned());
    let mut tx = ctx.read(&pool).await?;
    let sum_sql = screen.sum.unwrap_or("NULL::numeric");
    let (total, sum): (i64, Option<String>) = sqlx::query_as(&format!(
        "SELECT count(*), to_char({sum_sql}, 'FM999G999G990D00') {}",
        screen.from
    ))
    .bind(&q)
    .bind(&status)
    .fetch_one(&mut *tx)
    .await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows = sqlx::query(&format!(
        "SELECT {} {} ORDER BY {} LIMIT $3 OFFSET $4",
        screen.select, screen.from, screen.order
    ))
    .bind(&q)
    .bind(&status)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(RecordPage {
        columns: screen
            .columns
            .iter()
            .map(|(c, _)| (*c).to_owned())
            .collect(),
        numeric: screen.columns.iter().map(|(_, n)| *n).collect(),
        rows: rows
            .iter()
            .map(|r| (0..r.len()).map(|i| r.get::<String, _>(i)).collect())
            .collect(),
        total,
        page,
        pages,
        statuses: screen
            .statuses
            .iter()
            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
            .collect(),
        sum,
    })
}
