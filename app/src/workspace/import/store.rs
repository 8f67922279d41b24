//! Import jobs in the tenant's schema: the uploaded file, its mapping and report, and
//! the all-or-nothing commit.

use sqlx::PgPool;
use uuid::Uuid;

use super::queue::{self, ImportOrder};
use super::{
    ImportView, NumberFormat, Report, Value, decode, fields, limits::ImportLimits, suggest,
    validate,
};
use crate::{
    AppError,
    accounts::Permission,
    billing::gates,
    server::{csv_export, jobs},
    tenancy::{self, TenantContext, TenantTx},
};

fn unreadable(e: csv::Error) -> AppError {
    let line = e
        .position()
        .map(|p| format!(" (line {})", p.line()))
        .unwrap_or_default();
    AppError::invalid(
        "file",
        format!("This is not a readable CSV file{line}: save it as CSV and try again."),
    )
}

/// The header row and up to `take` data rows of a CSV file, in whatever encoding and
/// with whichever delimiter it came (`decode`). Each record is checked against
/// `limits` before it is kept, so what is held never exceeds them.
fn read_rows(
    content: &[u8],
    limits: &ImportLimits,
    take: usize,
) -> Result<(Vec<String>, Vec<Vec<String>>), AppError> {
    let text = decode::text(content);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(decode::delimiter(&text))
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(unreadable)?;
    limits.check_header(header)?;
    let headers: Vec<String> = header.iter().map(str::to_owned).collect();
    if headers.iter().all(String::is_empty) {
        return Err(AppError::invalid(
            "file",
            "The file is empty: its first line should name the columns.",
        ));
    }
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while rows.len() < take && reader.read_record(&mut record).map_err(unreadable)? {
        limits.check_row(rows.len() + 1, &record)?;
        // Cells our exports neutralised come back as they were stored.
        rows.push(
            record
                .iter()
                .map(|cell| csv_export::restore(cell).to_owned())
                .collect(),
        );
    }
    Ok((headers, rows))
}

/// The header row and the data rows of a CSV file within `limits`.
fn read_csv(
    content: &[u8],
    limits: &ImportLimits,
) -> Result<(Vec<String>, Vec<Vec<String>>), AppError> {
    read_rows(content, limits, usize::MAX)
}

/// How the organization writes numbers (the company profile's decimal separator).
async fn number_format(tx: &mut TenantTx) -> Result<NumberFormat, AppError> {
    let separator: String = sqlx::query_scalar("SELECT decimal_separator FROM company_profile")
        .fetch_one(&mut **tx)
        .await?;
    Ok(NumberFormat::from_separator(&separator))
}

/// Data rows the review page shows.
const PREVIEW_ROWS: usize = 10;

/// Checks that need the database: stock and order lines must name known products.
async fn check_against_data(
    tx: &mut TenantTx,
    kind: &str,
    records: &[Vec<String>],
    mapping: &[Option<usize>],
    report: &mut Report,
) -> Result<(), AppError> {
    let fields = fields(kind).unwrap_or_default();
    let Some(sku_field) = fields
        .iter()
        .position(|f| f.key == "sku")
        .filter(|_| kind != "products")
    else {
        return Ok(());
    };
    let Some(sku_col) = mapping.get(sku_field).copied().flatten() else {
        return Ok(());
    };
    let skus: Vec<String> = records
        .iter()
        .map(|r| {
            r.get(sku_col)
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        })
        .collect();
    let known: Vec<String> = sqlx::query_scalar("SELECT sku FROM products WHERE sku = ANY($1)")
        .bind(&skus)
        .fetch_all(&mut **tx)
        .await?;
    let known: std::collections::HashSet<String> = known.into_iter().collect();
    for (i, sku) in skus.iter().enumerate() {
        if !sku.is_empty() && !known.contains(sku) {
            report.error_count += 1;
            if report.errors.len() < super::MAX_LISTED_ERRORS {
                report.errors.push(super::RowError {
                    row: i + 1,
                    column: "SKU".into(),
                    message: format!("SKU \"{sku}\" is not a product: import products first"),
                });
            }
        }
    }
    report.errors.sort_by_key(|e| e.row);
    Ok(())
}

fn require(ctx: &TenantContext) -> Result<(), AppError> {
    ctx.require(Permission::ImportExport)
}

/// Uploading, remapping and starting change the organization's data.
fn require_change(ctx: &TenantContext) -> Result<(), AppError> {
    ctx.require_change(Permission::ImportExport)
}

/// Stores an uploaded file as a new import, validated with the guessed mapping.
pub async fn create(
    pool: &PgPool,
    ctx: &TenantContext,
    kind: &str,
    file_name: &str,
    content: Vec<u8>,
    limits: &ImportLimits,
) -> Result<Uuid, AppError> {
    require_change(ctx)?;
    let fields =
        fields(kind).ok_or_else(|| AppError::invalid("kind", "Choose what the file holds."))?;
    if content.len() > limits.max_bytes {
        return Err(limits.too_large());
    }
    let (headers, records) = read_csv(&content, limits)?;
    let mapping = suggest(&headers, fields);
    let mut tx = ctx.write(pool).await?;
    let format = number_format(&mut tx).await?;
    let (_, mut report) = validate(kind, &records, &mapping, format);
    check_against_data(&mut tx, kind, &records, &mapping, &mut report).await?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO import_jobs (kind, status, file_name, total_rows, report, created_by, content, mapping)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(kind)
    .bind(if report.error_count == 0 { "ready" } else { "failed" })
    .bind(file_name.chars().take(200).collect::<String>())
    .bind(records.len() as i32)
    .bind(serde_json::to_value(&report).map_err(AppError::internal)?)
    .bind(ctx.user())
    .bind(&content)
    .bind(serde_json::to_value(&mapping).map_err(AppError::internal)?)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

struct Job {
    kind: String,
    file_name: String,
    status: String,
    content: Vec<u8>,
    mapping: Vec<Option<usize>>,
    report: Report,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    kind: String,
    file_name: String,
    status: String,
    content: Option<Vec<u8>>,
    mapping: serde_json::Value,
    report: serde_json::Value,
}

async fn load(tx: &mut TenantTx, id: Uuid, lock: bool) -> Result<Job, AppError> {
    let row: Option<JobRow> = sqlx::query_as(&format!(
        "SELECT kind, file_name, status, content, mapping, report FROM import_jobs WHERE id = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let row = row.ok_or_else(|| AppError::not_found("Import"))?;
    Ok(Job {
        kind: row.kind,
        file_name: row.file_name,
        status: row.status,
        content: row.content.unwrap_or_default(),
        mapping: serde_json::from_value(row.mapping).unwrap_or_default(),
        report: serde_json::from_value(row.report).unwrap_or_default(),
    })
}

pub async fn view(pool: &PgPool, ctx: &TenantContext, id: Uuid) -> Result<ImportView, AppError> {
    require(ctx)?;
    let mut tx = ctx.read(pool).await?;
    let job = load(&mut tx, id, false).await?;
    let (processed, stalled): (i32, bool) = sqlx::query_as(&format!(
        "SELECT processed_rows, status = 'importing' AND progress_at < now() - {STALLED}
           FROM import_jobs WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let fields = fields(&job.kind)
        .unwrap_or_default()
        .iter()
        .map(|f| (f.label.to_owned(), f.required))
        .collect();
    // Only what the page shows is read: the header and the first rows.
    let (headers, preview) = if job.content.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        read_rows(&job.content, &ImportLimits::STORED, PREVIEW_ROWS)?
    };
    Ok(ImportView {
        id,
        can_import: job.status == "ready" || stalled,
        processed: i64::from(processed),
        kind: job.kind,
        file_name: job.file_name,
        status: job.status,
        headers,
        fields,
        mapping: job.mapping,
        preview,
        report: job.report,
    })
}

pub async fn remap(
    pool: &PgPool,
    ctx: &TenantContext,
    id: Uuid,
    mapping: Vec<Option<usize>>,
) -> Result<(), AppError> {
    require_change(ctx)?;
    let mut tx = ctx.write(pool).await?;
    let job = load(&mut tx, id, true).await?;
    if job.status == "done" {
        return Err(AppError::Conflict {
            message: "This import is already done.".into(),
        });
    }
    let (headers, records) = read_csv(&job.content, &ImportLimits::STORED)?;
    let fields = fields(&job.kind).unwrap_or_default();
    if mapping.len() != fields.len() || mapping.iter().flatten().any(|c| *c >= headers.len()) {
        return Err(AppError::bad_request("the mapping does not fit the file"));
    }
    let format = number_format(&mut tx).await?;
    let (_, mut report) = validate(&job.kind, &records, &mapping, format);
    check_against_data(&mut tx, &job.kind, &records, &mapping, &mut report).await?;
    sqlx::query("UPDATE import_jobs SET mapping = $2, report = $3, status = $4 WHERE id = $1")
        .bind(id)
        .bind(serde_json::to_value(&mapping).map_err(AppError::internal)?)
        .bind(serde_json::to_value(&report).map_err(AppError::internal)?)
        .bind(if report.error_count == 0 {
            "ready"
        } else {
            "failed"
        })
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.clone()),
        _ => None,
    }
}

fn date(v: &Value) -> Option<time::Date> {
    match v {
        Value::Date(d) => Some(*d),
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// Rows written per statement; progress is reported after each chunk.
const CHUNK: usize = 5_000;

/// Refuses a commit that would take the organization past its plan.
async fn check_limits(
    tx: &mut TenantTx,
    ctx: &TenantContext,
    kind: &str,
    rows: &[Vec<Value>],
) -> Result<(), AppError> {
    let tenant = ctx.tenant();
    let limits = tenant.effective_plan().limits();
    let imports: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM import_jobs WHERE status = 'done' AND finished_at >= date_trunc('month', now())",
    )
    .fetch_one(&mut **tx)
    .await?;
    gates::within_limit(
        tenant,
        "imports a month",
        limits.imports_per_month,
        imports as u64 + 1,
    )?;
    if kind == "products" {
        let skus: Vec<String> = rows.iter().filter_map(|r| text(&r[0])).collect();
        let (existing, new): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM products),
                    (SELECT count(*) FROM unnest($1::text[]) s WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.sku = s))",
        )
        .bind(&skus)
        .fetch_one(&mut **tx)
        .await?;
        gates::within_limit(tenant, "products", limits.products, (existing + new) as u64)?;
    }
    Ok(())
}

/// The rows of a job that is ready to import, checked again.
async fn checked_rows(
    tx: &mut TenantTx,
    ctx: &TenantContext,
    job: &Job,
) -> Result<Vec<Vec<Value>>, AppError> {
    let (_, records) = read_csv(&job.content, &ImportLimits::STORED)?;
    let format = number_format(tx).await?;
    let (rows, report) = validate(&job.kind, &records, &job.mapping, format);
    if report.error_count > 0 {
        return Err(AppError::Conflict {
            message: "The file no longer validates: nothing has been imported.".into(),
        });
    }
    check_limits(tx, ctx, &job.kind, &rows).await?;
    Ok(rows)
}

/// An import left "importing" this long without progress was lost (no worker took it,
/// or its worker stopped and none took it up again); it may be started again.
const STALLED: &str = "interval '2 minutes'";

/// Queues import `id` after checking it (status, rows, plan limits), so those
/// refusals come back at once; progress shows on the job's page.
pub async fn start(pool: &PgPool, ctx: &TenantContext, id: Uuid) -> Result<(), AppError> {
    require_change(ctx)?;
    let queued = queue::job(pool.clone()).await.map_err(AppError::internal)?;
    let mut tx = ctx.write(pool).await?;
    let job = load(&mut tx, id, true).await?;
    let stalled: bool = sqlx::query_scalar(&format!(
        "SELECT status = 'importing' AND progress_at < now() - {STALLED} FROM import_jobs WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    match job.status.as_str() {
        "ready" => {}
        "importing" if stalled => {}
        "importing" => {
            return Err(AppError::Conflict {
                message: "This import is already running.".into(),
            });
        }
        "done" => {
            return Err(AppError::Conflict {
                message: "This import is already done.".into(),
            });
        }
        _ => {
            return Err(AppError::Conflict {
                message: "Fix the errors in the report first: nothing has been imported.".into(),
            });
        }
    }
    checked_rows(&mut tx, ctx, &job).await?;
    sqlx::query("UPDATE import_jobs SET status = 'importing', processed_rows = 0, progress_at = now() WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let order = ImportOrder {
        tenant: ctx.tenant().id,
        user: ctx.user(),
        import: id,
    };
    jobs::enqueue(&queued, &mut tx, &order).await?;
    tx.commit().await
}

/// Writes a queued import. The member who started it is checked again (membership,
/// the organization's standing, plan limits); a failure is recorded on the import.
pub async fn execute(pool: &PgPool, order: &ImportOrder) {
    let written = async {
        let ctx = tenancy::resolve_starter(pool, order.tenant, order.user).await?;
        require(&ctx)?;
        write_all(pool, &ctx, order.import).await
    }
    .await;
    let Err(err) = written else { return };
    tracing::warn!(import = %order.import, error = %err, "import failed; nothing was written");
    let report = Report {
        rows: 0,
        error_count: 1,
        errors: vec![super::RowError {
            row: 0,
            column: String::new(),
            message: format!("The import stopped and nothing was written: {err}"),
        }],
    };
    let recorded = async {
        let tenant = tenancy::find(pool, order.tenant)
            .await?
            .ok_or_else(|| AppError::not_found("Organization"))?;
        sqlx::query(&format!(
            "UPDATE {}.import_jobs SET status = 'failed', report = $2
              WHERE id = $1 AND status = 'importing'",
            tenant.schema.quoted()
        ))
        .bind(order.import)
        .bind(serde_json::to_value(&report).unwrap_or_default())
        .execute(pool)
        .await?;
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(err) = recorded {
        tracing::warn!(import = %order.import, error = %err, "import failure not recorded");
    }
}

/// Writes the whole file in one transaction, chunk by chunk, reporting progress on the
/// job row from outside the transaction: every row or none. An import that is not (or
/// no longer) importing is left alone; two workers given the same import write it
/// one after the other (an advisory lock, which leaves the row free for progress), so
/// the second finds it done.
async fn write_all(pool: &PgPool, ctx: &TenantContext, id: Uuid) -> Result<usize, AppError> {
    let mut tx = ctx.write(pool).await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let job = load(&mut tx, id, false).await?;
    if job.status != "importing" {
        return Ok(0);
    }
    let rows = checked_rows(&mut tx, ctx, &job).await?;
    if matches!(job.kind.as_str(), "sales" | "purchases") {
        // An order in the file replaces its lines: importing a file twice changes nothing.
        let (orders, lines, order_col) = if job.kind == "sales" {
            ("sales_orders", "sales_order_lines", "sales_order_id")
        } else {
            (
                "purchase_orders",
                "purchase_order_lines",
                "purchase_order_id",
            )
        };
        let numbers: Vec<String> = rows.iter().filter_map(|r| text(&r[0])).collect();
        sqlx::query(&format!(
            "DELETE FROM {lines} WHERE {order_col} IN (SELECT id FROM {orders} WHERE number = ANY($1))"
        ))
        .bind(&numbers)
        .execute(&mut *tx)
        .await?;
    }
    let progress = format!(
        "UPDATE {}.import_jobs SET processed_rows = $2, progress_at = now() WHERE id = $1",
        ctx.tenant().schema.quoted()
    );
    let mut done = 0;
    for chunk in rows.chunks(CHUNK) {
        write_chunk(&mut tx, &job.kind, chunk).await?;
        done += chunk.len();
        sqlx::query(&progress)
            .bind(id)
            .bind(done as i32)
            .execute(pool)
            .await?;
    }
    sqlx::query(
        "UPDATE import_jobs SET status = 'done', processed_rows = total_rows, finished_at = now(), content = NULL WHERE id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}

async fn write_chunk(tx: &mut TenantTx, kind: &str, rows: &[Vec<Value>]) -> Result<(), AppError> {
    match kind {
        "products" => {
            let skus: Vec<String> = rows.iter().filter_map(|r| text(&r[0])).collect();
            sqlx::query(
                "INSERT INTO products (sku, name, category, unit_cost, unit_price, lead_time_days, active)
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::float8[]::numeric[], $5::float8[]::numeric[], $6::int4[], $7::bool[])
                 ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category,
                    unit_cost = EXCLUDED.unit_cost, unit_price = EXCLUDED.unit_price,
                    lead_time_days = EXCLUDED.lead_time_days, active = EXCLUDED.active, updated_at = now()",
            )
            .bind(&skus)
            .bind(rows.iter().map(|r| text(&r[1]).unwrap_or_default()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| text(&r[2]).unwrap_or_default()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| number(&r[3]).unwrap_or(0.0)).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| number(&r[4]).unwrap_or(0.0)).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| number(&r[5]).unwrap_or(0.0) as i32).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| !matches!(r[6], Value::Flag(false))).collect::<Vec<_>>())
            .execute(&mut **tx)
            .await?;
        }
        "inventory" => {
            let locations: Vec<String> = rows.iter().filter_map(|r| text(&r[1])).collect();
            sqlx::query("INSERT INTO locations (code, name) SELECT DISTINCT l, l FROM unnest($1::text[]) l ON CONFLICT (code) DO NOTHING")
                .bind(&locations)
                .execute(&mut **tx)
                .await?;
            let inserted = sqlx::query(
                "INSERT INTO inventory_levels (product_id, location_id, on_hand, reserved, reorder_point, safety_stock)
                 SELECT p.id, l.id, r.on_hand, r.reserved, r.reorder_point, r.safety_stock
                   FROM UNNEST($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[])
                        AS r(sku, code, on_hand, reserved, reorder_point, safety_stock)
                   JOIN products p ON p.sku = r.sku JOIN locations l ON l.code = r.code
                 ON CONFLICT (product_id, location_id) DO UPDATE SET on_hand = EXCLUDED.on_hand,
                    reserved = EXCLUDED.reserved, reorder_point = EXCLUDED.reorder_point,
                    safety_stock = EXCLUDED.safety_stock, updated_at = now()",
            )
            .bind(rows.iter().map(|r| text(&r[0]).unwrap_or_default()).collect::<Vec<_>>())
            .bind(&locations)
            .bind(rows.iter().map(|r| number(&r[2]).unwrap_or(0.0)).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| number(&r[3]).unwrap_or(0.0)).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| number(&r[4]).unwrap_or(0.0)).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| number(&r[5]).unwrap_or(0.0)).collect::<Vec<_>>())
            .execute(&mut **tx)
            .await?;
            if inserted.rows_affected() as usize != rows.len() {
                return Err(AppError::Conflict {
                    message: "Some SKUs are not products any more: nothing has been imported."
                        .into(),
                });
            }
        }
        "invoices" | "bills" => {
            let (table, party_col, doc_table, day_col, conflict) = if kind == "invoices" {
                (
                    "customers",
                    "customer_id",
                    "customer_invoices",
                    "issued_on",
                    "(number)",
                )
            } else {
                (
                    "suppliers",
                    "supplier_id",
                    "supplier_bills",
                    "received_on",
                    "(supplier_id, number)",
                )
            };
            let codes: Vec<String> = rows.iter().filter_map(|r| text(&r[1])).collect();
            sqlx::query(&format!(
                "INSERT INTO {table} (code, name) SELECT DISTINCT c, c FROM unnest($1::text[]) c ON CONFLICT (code) DO NOTHING"
            ))
            .bind(&codes)
            .execute(&mut **tx)
            .await?;
            sqlx::query(&format!(
                "INSERT INTO {doc_table} (number, {party_col}, {day_col}, due_on, paid_on, amount)
                 SELECT r.number, p.id, r.issued, r.due, r.paid, r.amount::numeric
                   FROM UNNEST($1::text[], $2::text[], $3::date[], $4::date[], $5::date[], $6::float8[])
                        AS r(number, code, issued, due, paid, amount)
                   JOIN {table} p ON p.code = r.code
                 ON CONFLICT {conflict} DO UPDATE SET {day_col} = EXCLUDED.{day_col}, due_on = EXCLUDED.due_on,
                    paid_on = EXCLUDED.paid_on, amount = EXCLUDED.amount"
            ))
            .bind(rows.iter().map(|r| text(&r[0]).unwrap_or_default()).collect::<Vec<_>>())
            .bind(&codes)
            .bind(rows.iter().map(|r| date(&r[2])).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| date(&r[3])).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| date(&r[4])).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| number(&r[5]).unwrap_or(0.0)).collect::<Vec<_>>())
            .execute(&mut **tx)
            .await?;
        }
        "sales" | "purchases" => {
            // Without a status column, sales are taken as shipped and purchases as received.
            let (parties, orders, party_col, lines, order_col, amount_col, default_status) =
                if kind == "sales" {
                    (
                        "customers",
                        "sales_orders",
                        "customer_id",
                        "sales_order_lines",
                        "sales_order_id",
                        "unit_price",
                        "shipped",
                    )
                } else {
                    (
                        "suppliers",
                        "purchase_orders",
                        "supplier_id",
                        "purchase_order_lines",
                        "purchase_order_id",
                        "unit_cost",
                        "received",
                    )
                };
            let statuses: Vec<String> = rows
                .iter()
                .map(|r| {
                    text(&r[6]).map_or_else(|| default_status.to_owned(), |s| s.to_lowercase())
                })
                .collect();
            let numbers: Vec<String> = rows.iter().filter_map(|r| text(&r[0])).collect();
            let codes: Vec<String> = rows.iter().filter_map(|r| text(&r[1])).collect();
            sqlx::query(&format!(
                "INSERT INTO {parties} (code, name) SELECT DISTINCT c, c FROM unnest($1::text[]) c ON CONFLICT (code) DO NOTHING"
            ))
            .bind(&codes)
            .execute(&mut **tx)
            .await?;
            sqlx::query(&format!(
                "INSERT INTO {orders} (number, {party_col}, order_date, status)
                 SELECT DISTINCT ON (r.number) r.number, p.id, r.day, r.status
                   FROM UNNEST($1::text[], $2::text[], $3::date[], $4::text[]) AS r(number, code, day, status)
                   JOIN {parties} p ON p.code = r.code
                 ORDER BY r.number
                 ON CONFLICT (number) DO UPDATE SET order_date = EXCLUDED.order_date, status = EXCLUDED.status"
            ))
            .bind(&numbers)
            .bind(&codes)
            .bind(rows.iter().map(|r| date(&r[2])).collect::<Vec<_>>())
            .bind(&statuses)
            .execute(&mut **tx)
            .await?;
            sqlx::query(&format!(
                "INSERT INTO {lines} ({order_col}, product_id, quantity, {amount_col})
                 SELECT o.id, p.id, r.quantity::numeric, r.amount::numeric
                   FROM UNNEST($1::text[], $2::text[], $3::float8[], $4::float8[]) AS r(number, sku, quantity, amount)
                   JOIN {orders} o ON o.number = r.number JOIN products p ON p.sku = r.sku"
            ))
            .bind(&numbers)
            .bind(rows.iter().map(|r| text(&r[3]).unwrap_or_default()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| number(&r[4]).unwrap_or(0.0)).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| number(&r[5]).unwrap_or(0.0)).collect::<Vec<_>>())
            .execute(&mut **tx)
            .await?;
        }
        other => {
            return Err(AppError::internal(format!(
                "import of unknown kind {other}"
            )));
        }
    }
    Ok(())
}
