//! `tenant export` and `tenant import`: a tenant's data out to one JSON document and
//! back into a new tenant, identical after the round trip.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use super::{
    Slug, Tenant, TenantTx,
    provision::create_in,
    registry,
    template::{TENANT_TEMPLATE, latest_version},
};
use crate::AppError;

const FORMAT: u32 = 1;
const LEDGER_TABLE: &str = "schema_migrations";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantExport {
    pub format: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub exported_at: OffsetDateTime,
    pub slug: String,
    pub name: String,
    pub plan: String,
    pub schema_version: i64,
    /// Table name to its rows (JSON objects), sorted so that equal data exports equal.
    pub tables: BTreeMap<String, Vec<Value>>,
}

/// Reads every business table of tenant `slug` in one consistent snapshot.
pub async fn export(pool: &PgPool, slug: &Slug) -> Result<TenantExport, AppError> {
    let tenant = registry::find_by_slug(pool, slug)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Tenant {slug}")))?;
    let mut tx = TenantTx::begin(pool, &tenant.schema, None).await?;
    let mut tables = BTreeMap::new();
    for table in business_tables(&mut tx, &tenant).await? {
        let rows: Value = sqlx::query_scalar(&format!(
            "SELECT coalesce(json_agg(t), '[]') FROM {} t",
            quote_ident(&table)
        ))
        .fetch_one(&mut *tx)
        .await?;
        let mut rows = match rows {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        };
        rows.sort_by_cached_key(|row| row.to_string());
        tables.insert(table, rows);
    }
    Ok(TenantExport {
        format: FORMAT,
        exported_at: OffsetDateTime::now_utc(),
        slug: tenant.slug,
        name: tenant.name,
        plan: tenant.plan,
        schema_version: tenant.schema_version,
        tables,
    })
}

/// Creates a new tenant (`slug`, or the exported one) holding the exported data. All
/// or nothing: provisioning and every row share one transaction.
pub async fn import(
    pool: &PgPool,
    export: &TenantExport,
    slug: Option<&str>,
) -> Result<Tenant, AppError> {
    if export.format != FORMAT {
        return Err(AppError::bad_request(format!(
            "This file has export format {}; this version reads format {FORMAT}.",
            export.format
        )));
    }
    let latest = latest_version(&TENANT_TEMPLATE);
    if export.schema_version != latest {
        return Err(AppError::bad_request(format!(
            "This export is from schema version {}; this version of CapLiquify is at {latest}. \
             Import it with the matching version, then migrate.",
            export.schema_version
        )));
    }
    let slug = Slug::parse_new(slug.unwrap_or(&export.slug))?;
    let mut tx = crate::server::db::begin(pool).await?;
    let tenant = create_in(&mut tx, &TENANT_TEMPLATE, &export.name, &slug, None)
        .await?
        .ok_or_else(|| AppError::Conflict {
            message: format!("A tenant with the address {slug} already exists."),
        })?;
    // create_in left the search path on the new schema.
    let tables = business_tables(&mut tx, &tenant).await?;
    if let Some(unknown) = export.tables.keys().find(|t| !tables.contains(*t)) {
        return Err(AppError::bad_request(format!(
            "The export holds a table this version does not know: {unknown}"
        )));
    }
    // The template seeds some rows (the company profile): the export replaces them.
    for table in tables.iter().rev() {
        sqlx::query(&format!("DELETE FROM {}", quote_ident(table)))
            .execute(&mut *tx)
            .await?;
    }
    for table in &tables {
        let Some(rows) = export.tables.get(table).filter(|rows| !rows.is_empty()) else {
            continue;
        };
        let t = quote_ident(table);
        sqlx::query(&format!(
            "INSERT INTO {t} SELECT * FROM jsonb_populate_recordset(NULL::{t}, $1)"
        ))
        .bind(Value::Array(rows.clone()))
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            AppError::bad_request(format!("Rows of {table} could not be imported: {e}"))
        })?;
    }
    tx.commit().await?;
    Ok(tenant)
}

/// The tenant's tables except the ledger, parents before children (foreign keys).
async fn business_tables(
    conn: &mut PgConnection,
    tenant: &Tenant,
) -> Result<Vec<String>, AppError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = $1 AND tablename <> $2 ORDER BY 1",
    )
    .bind(tenant.schema.as_str())
    .bind(LEDGER_TABLE)
    .fetch_all(&mut *conn)
    .await?;
    let edges: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.relname::text, p.relname::text
           FROM pg_constraint k
           JOIN pg_class c ON c.oid = k.conrelid
           JOIN pg_class p ON p.oid = k.confrelid
          WHERE k.contype = 'f' AND k.connamespace = $1::regnamespace AND c.oid <> p.oid",
    )
    .bind(tenant.schema.as_str())
    .fetch_all(&mut *conn)
    .await?;
    Ok(parents_first(names, &edges))
}

/// Orders tables so every table comes after the tables it references.
fn parents_first(names: Vec<String>, edges: &[(String, String)]) -> Vec<String> {
    let mut pending: BTreeSet<String> = names.into_iter().collect();
    let mut ordered = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .iter()
            .filter(|t| {
                !edges
                    .iter()
                    .any(|(child, parent)| child == *t && pending.contains(parent))
            })
            .cloned()
            .collect();
        // A reference cycle cannot be ordered; take the rest as they are.
        let batch = if ready.is_empty() {
            pending.iter().cloned().collect()
        } else {
            ready
        };
        for t in batch {
            pending.remove(&t);
            ordered.push(t);
        }
    }
    ordered
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::parents_first;

    #[test]
    fn parents_come_before_children() {
        let names = ["lines", "orders", "customers", "products"]
            .map(String::from)
            .to_vec();
        let edges = [
            ("lines", "orders"),
            ("lines", "products"),
            ("orders", "customers"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()));
        let order = parents_first(names, &edges);
        let pos = |t: &str| order.iter().position(|x| x == t).unwrap();
        assert!(pos("customers") < pos("orders"));
        assert!(pos("orders") < pos("lines"));
        assert!(pos("products") < pos("lines"));
    }
}
