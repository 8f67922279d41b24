//! `tenant verify`: every live tenant's schema exists, is at the latest version and
//! holds exactly the template's tables; its role exists, has the schema and reaches
//! nothing else; no schema is named like a tenant without being one.

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
        report.problems.extend(
            role_problems(pool, &tenant.schema)
                .await?
                .into_iter()
                .map(|p| format!("{slug}: {p}")),
        );
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
    report.problems.extend(open_grants(pool).await?);
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

/// What is wrong with one tenant's role: missing, able to log in or bypass checks,
/// not takeable by the platform, lacking rights on its own schema, or a member of
/// another role (whose rights it would inherit).
async fn role_problems(pool: &PgPool, schema: &SchemaName) -> Result<Vec<String>, AppError> {
    type Facts = (bool, bool, bool, bool, Vec<String>, Vec<String>);
    let facts: Option<Facts> = sqlx::query_as(
        "SELECT r.rolcanlogin, r.rolsuper OR r.rolbypassrls,
                pg_has_role(current_user, r.oid, 'MEMBER'),
                has_schema_privilege(r.oid, $2::text::regnamespace, 'USAGE'),
                ARRAY(SELECT c.relname::text FROM pg_class c
                       WHERE c.relnamespace = $2::text::regnamespace AND c.relkind IN ('r', 'p')
                         AND NOT has_table_privilege(r.oid, c.oid, 'SELECT, INSERT, UPDATE, DELETE')
                       ORDER BY 1),
                ARRAY(SELECT m.roleid::regrole::text FROM pg_auth_members m
                       WHERE m.member = r.oid ORDER BY 1)
           FROM pg_roles r WHERE r.rolname = $1",
    )
    .bind(schema.as_str())
    .bind(schema.as_str())
    .fetch_optional(pool)
    .await?;
    let Some((login, superuser, takeable, usage, ungranted, member_of)) = facts else {
        return Ok(vec![format!("role {schema} is missing")]);
    };
    let mut problems = Vec::new();
    if login || superuser {
        problems.push(format!(
            "role {schema} can log in or bypass permission checks"
        ));
    }
    if !takeable {
        problems.push(format!(
            "the platform role is not a member of role {schema}"
        ));
    }
    if !usage {
        problems.push(format!("role {schema} lacks usage on its schema"));
    }
    for table in ungranted {
        problems.push(format!("role {schema} lacks rights on table {table}"));
    }
    for other in member_of {
        problems.push(format!("role {schema} is a member of {other}"));
    }
    Ok(problems)
}

/// Grants that let a tenant's role reach past its own schema: a tenant role with
/// rights on another schema or on a table outside tenant schemas, and tenant schemas
/// open to every role (PUBLIC).
async fn open_grants(pool: &PgPool) -> Result<Vec<String>, AppError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT 'schema', n.nspname::text, coalesce(r.rolname::text, 'PUBLIC')
           FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a
           LEFT JOIN pg_roles r ON r.oid = a.grantee
          WHERE (r.rolname LIKE 'tenant\\_%' AND r.rolname <> n.nspname)
             OR (a.grantee = 0 AND n.nspname LIKE 'tenant\\_%')
         UNION
         SELECT 'table', n.nspname || '.' || c.relname, coalesce(r.rolname::text, 'PUBLIC')
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          CROSS JOIN LATERAL aclexplode(c.relacl) a
           LEFT JOIN pg_roles r ON r.oid = a.grantee
          WHERE n.nspname NOT LIKE 'tenant\\_%' AND n.nspname NOT LIKE 'pg\\_%'
            AND n.nspname <> 'information_schema'
            AND (r.rolname LIKE 'tenant\\_%' OR a.grantee = 0)
          ORDER BY 2, 3",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, object, grantee)| format!("{kind} {object} is open to {grantee}"))
        .collect())
}
