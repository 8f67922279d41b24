//! `tenant verify`: every live tenant's schema exists, is at the latest version and
//! holds exactly the template's tables; no schema is named like a tenant without
//! being one.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{PgPool, migrate::Migrator};
use uuid::Uuid;

use super::{
    SchemaName, TenantStatus, registry,
    template::{self, latest_version},
};
use crate::AppError;

#[derive(Debug, Default)]
pub struct VerifyReport {
    pub checked: usize,
    pub problems: Vec<String>,
}

impl VerifyReport {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

pub async fn verify(pool: &PgPool, template: &Migrator) -> Result<VerifyReport, AppError> {
    let expected = expected_tables(pool, template).await?;
    let latest = latest_version(template);
    let tenants = registry::list(pool).await?;

    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT schemaname::text, tablename::text FROM pg_tables WHERE schemaname LIKE 'tenant\\_%'",
    )
    .fetch_all(pool)
    .await?;
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (schema, table) in rows {
        tables.entry(schema).or_default().insert(table);
    }
    let schemas: BTreeSet<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();

    let mut report = VerifyReport::default();
    for tenant in tenants.iter().filter(|t| t.status != TenantStatus::Deleted) {
        report.checked += 1;
        let name = tenant.schema.as_str();
        let slug = &tenant.slug;
        if !schemas.contains(name) {
            report
                .problems
                .push(format!("{slug}: schema {name} is missing"));
            continue;
        }
        let have = tables.get(name).cloned().unwrap_or_default();
        for missing in expected.difference(&have) {
            report
                .problems
                .push(format!("{slug}: table {missing} is missing"));
        }
        for extra in have.difference(&expected) {
            report
                .problems
                .push(format!("{slug}: unexpected table {extra}"));
        }
        if tenant.schema_version != latest {
            report.problems.push(format!(
                "{slug}: registry says version {}, latest is {latest}",
                tenant.schema_version
            ));
        }
        if have.contains("schema_migrations") {
            let ledger: Option<i64> = sqlx::query_scalar(&format!(
                "SELECT max(version) FROM {}.schema_migrations",
                tenant.schema.quoted()
            ))
            .fetch_one(pool)
            .await?;
            if ledger != Some(latest) {
                report.problems.push(format!(
                    "{slug}: ledger is at version {}, latest is {latest}",
                    ledger.unwrap_or(0)
                ));
            }
        }
    }
    let registered: BTreeSet<&str> = tenants.iter().map(|t| t.schema.as_str()).collect();
    for stray in schemas.iter().filter(|s| !registered.contains(s.as_str())) {
        report.problems.push(format!(
            "schema {stray} looks like a tenant's but no tenant owns it"
        ));
    }
    Ok(report)
}

/// The tables a fresh tenant schema has: the template applied to a scratch schema in
/// a transaction that is rolled back, so no one else ever sees it.
async fn expected_tables(pool: &PgPool, template: &Migrator) -> Result<BTreeSet<String>, AppError> {
    let mut tx = crate::server::db::begin(pool).await?;
    let scratch = SchemaName::for_tenant(Uuid::new_v4());
    sqlx::query(&format!("CREATE SCHEMA {}", scratch.quoted()))
        .execute(&mut *tx)
        .await?;
    template::apply(&mut tx, &scratch, template).await?;
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = $1")
            .bind(scratch.as_str())
            .fetch_all(&mut *tx)
            .await?;
    tx.rollback().await?;
    Ok(tables.into_iter().collect())
}
