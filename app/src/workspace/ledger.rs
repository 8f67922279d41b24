//! Reads a tenant's ledger for the metrics: documents as they are, shipments and
//! receipts summed per day, inventory valued at cost.

use sqlx::PgConnection;
use time::Date;

use crate::{
    AppError,
    metrics::ledger::{DayAmount, Document, Ledger},
};

type DocRow = (Date, Date, Option<Date>, f64);

fn documents(rows: Vec<DocRow>) -> Vec<Document> {
    rows.into_iter()
        .map(|(issued, due, paid, amount)| Document {
            issued,
            due,
            paid,
            amount,
        })
        .collect()
}

fn days(rows: Vec<(Date, f64)>) -> Vec<DayAmount> {
    rows.into_iter()
        .map(|(day, amount)| DayAmount { day, amount })
        .collect()
}

/// The ledger of the tenant whose schema is `conn`'s search path.
pub async fn load(conn: &mut PgConnection, today: Date) -> Result<Ledger, AppError> {
    let invoices: Vec<DocRow> =
        sqlx::query_as("SELECT issued_on, due_on, paid_on, amount::float8 FROM customer_invoices")
            .fetch_all(&mut *conn)
            .await?;
    let bills: Vec<DocRow> =
        sqlx::query_as("SELECT received_on, due_on, paid_on, amount::float8 FROM supplier_bills")
            .fetch_all(&mut *conn)
            .await?;
    let cogs: Vec<(Date, f64)> = sqlx::query_as(
        "SELECT o.order_date, sum(l.quantity * p.unit_cost)::float8
           FROM sales_orders o
           JOIN sales_order_lines l ON l.sales_order_id = o.id
           JOIN products p ON p.id = l.product_id
          WHERE o.status IN ('shipped', 'invoiced')
          GROUP BY o.order_date",
    )
    .fetch_all(&mut *conn)
    .await?;
    let receipts: Vec<(Date, f64)> = sqlx::query_as(
        "SELECT o.order_date, sum(l.quantity * l.unit_cost)::float8
           FROM purchase_orders o JOIN purchase_order_lines l ON l.purchase_order_id = o.id
          WHERE o.status IN ('received', 'billed')
          GROUP BY o.order_date",
    )
    .fetch_all(&mut *conn)
    .await?;
    let inventory_today: f64 = sqlx::query_scalar(
        "SELECT coalesce(sum(i.on_hand * p.unit_cost), 0)::float8
           FROM inventory_levels i JOIN products p ON p.id = i.product_id",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Ledger {
        invoices: documents(invoices),
        bills: documents(bills),
        cogs: days(cogs),
        receipts: days(receipts),
        inventory_today,
        today: Some(today),
    })
}
