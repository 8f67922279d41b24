//! The audit log as operators read it: filtered by tenant, actor, action and dates,
//! a page at a time or whole as CSV.

use sqlx::{PgPool, Row, postgres::PgRow};
use time::{Date, OffsetDateTime, macros::format_description};

use super::types::{AuditPage, AuditQuery, AuditRow};
use crate::{
    AppError,
    format::utc_minute,
    server::csv_export::{Cell, CsvExport},
};

pub const PAGE_SIZE: u32 = 50;
/// The most rows one CSV export holds; narrow the filter for more.
pub const EXPORT_LIMIT: i64 = 100_000;

/// The filter as SQL parameters, refusing malformed dates with a message.
struct Filter {
    tenant: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    from: Option<Date>,
    to: Option<Date>,
}

fn day(field: &str, value: Option<&str>) -> Result<Option<Date>, AppError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    Date::parse(value, format_description!("[year]-[month]-[day]"))
        .map(Some)
        .map_err(|_| AppError::invalid(field, "Enter a date as YYYY-MM-DD."))
}

fn text(value: Option<&String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl Filter {
    fn from_query(query: &AuditQuery) -> Result<Self, AppError> {
        Ok(Self {
            tenant: text(query.tenant.as_ref()).map(|t| t.to_lowercase()),
            actor: text(query.actor.as_ref()).map(|a| a.to_lowercase()),
            action: text(query.action.as_ref()),
            from: day("from", query.from.as_deref())?,
            to: day("to", query.to.as_deref())?,
        })
    }
}

/// Rows with who acted (user or operator email), newest first. `$6`/`$7` page it.
const SELECT: &str = "
    SELECT a.id, a.occurred_at, a.actor_kind, a.action, coalesce(a.target, '') AS target,
           host(a.ip) AS ip, a.details::text AS details, t.slug AS tenant,
           coalesce(u.email, o.email, CASE a.actor_kind WHEN 'cli' THEN 'command line'
                                                       WHEN 'system' THEN 'system'
                                                       ELSE 'anonymous' END) AS actor,
           count(*) OVER () AS total
      FROM public.audit_log a
      LEFT JOIN public.tenants t ON t.id = a.tenant_id
      LEFT JOIN public.users u ON a.actor_kind = 'user' AND u.id = a.actor_id
      LEFT JOIN public.operators o ON a.actor_kind = 'platform_admin' AND o.id = a.actor_id
     WHERE ($1::text IS NULL OR t.slug = $1)
       AND ($2::text IS NULL OR lower(coalesce(u.email, o.email)) = $2)
       AND ($3::text IS NULL OR a.action = $3 OR (right($3, 1) = '.' AND starts_with(a.action, $3)))
       AND ($4::date IS NULL OR a.occurred_at >= $4::date)
       AND ($5::date IS NULL OR a.occurred_at < $5::date + 1)
     ORDER BY a.occurred_at DESC, a.id DESC
     LIMIT $6 OFFSET $7";

async fn fetch(pool: &PgPool, f: &Filter, limit: i64, offset: i64) -> Result<Vec<PgRow>, AppError> {
    Ok(sqlx::query(SELECT)
        .bind(&f.tenant)
        .bind(&f.actor)
        .bind(&f.action)
        .bind(f.from)
        .bind(f.to)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?)
}

fn row(r: &PgRow) -> Result<AuditRow, AppError> {
    Ok(AuditRow {
        id: r.try_get("id")?,
        at: utc_minute(r.try_get::<OffsetDateTime, _>("occurred_at")?),
        actor_kind: r.try_get("actor_kind")?,
        actor: r.try_get("actor")?,
        tenant: r.try_get("tenant")?,
        action: r.try_get("action")?,
        target: r.try_get("target")?,
        ip: r.try_get("ip")?,
        details: r.try_get("details")?,
    })
}

/// One page of the filtered log (`page_size` rows, page from the query).
pub async fn search(
    pool: &PgPool,
    query: &AuditQuery,
    page_size: u32,
) -> Result<AuditPage, AppError> {
    let filter = Filter::from_query(query)?;
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let rows = fetch(
        pool,
        &filter,
        i64::from(page_size),
        i64::from((page - 1) * page_size),
    )
    .await?;
    let total = match rows.first() {
        Some(r) => r.try_get::<i64, _>("total")? as u64,
        None => 0,
    };
    Ok(AuditPage {
        rows: rows.iter().map(row).collect::<Result<_, _>>()?,
        total,
        page,
        pages: (total as u32).div_ceil(page_size).max(1),
    })
}

/// The whole filtered set (up to [`EXPORT_LIMIT`] rows) as CSV.
pub async fn csv(pool: &PgPool, query: &AuditQuery) -> Result<Vec<u8>, AppError> {
    let filter = Filter::from_query(query)?;
    let rows = fetch(pool, &filter, EXPORT_LIMIT, 0).await?;
    let mut out = CsvExport::new(&[
        "id",
        "occurred_at",
        "actor_kind",
        "actor",
        "tenant",
        "action",
        "target",
        "ip",
        "details",
    ])?;
    for r in &rows {
        let a = row(r)?;
        let id = a.id.to_string();
        // Targets and details can hold what users typed: every text cell is neutralised.
        let text = [
            a.at.as_str(),
            &a.actor_kind,
            &a.actor,
            a.tenant.as_deref().unwrap_or(""),
            &a.action,
            &a.target,
            a.ip.as_deref().unwrap_or(""),
            &a.details,
        ];
        out.record(std::iter::once(Cell::Number(&id)).chain(text.map(Cell::Text)))?;
    }
    out.finish()
}
