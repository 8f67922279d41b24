//! The tenant template: migrations applied to every tenant schema, each schema with
//! its own ledger, and the fan-out that brings every schema up to date.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use futures::StreamExt;
use sqlx::{Executor, PgConnection, PgPool, migrate::Migrator};
use uuid::Uuid;

use super::SchemaName;
use crate::AppError;

/// Migrations of every tenant schema (migrations/tenant/).
pub static TENANT_TEMPLATE: Migrator = sqlx::migrate!("../migrations/tenant");

/// The per-schema ledger: which template migrations this schema has.
const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version     bigint PRIMARY KEY,
    description text NOT NULL,
    checksum    bytea NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)";

/// A schema that could not be brought up to date. Operators read these in the
/// migration report, so they carry the database's own message.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("template migration {version} was changed after it was applied")]
    Changed { version: i64 },
    #[error("migration {version} failed: {source}")]
    Failed { version: i64, source: sqlx::Error },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<TemplateError> for AppError {
    fn from(err: TemplateError) -> Self {
        AppError::internal(err)
    }
}

/// Highest version of a template.
pub fn latest_version(template: &Migrator) -> i64 {
    template
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// Brings one schema up to date inside the caller's transaction: sets the search path
/// for this transaction only, applies what the schema's ledger lacks, and records the
/// new version in the registry. Returns the versions applied.
pub(crate) async fn apply(
    conn: &mut PgConnection,
    schema: &SchemaName,
    template: &Migrator,
) -> Result<Vec<i64>, TemplateError> {
    set_local_search_path(conn, schema).await?;
    sqlx::query(LEDGER).execute(&mut *conn).await?;
    let applied: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM schema_migrations")
            .fetch_all(&mut *conn)
            .await?;
    let mut done = Vec::new();
    for migration in template
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
    {
        match applied.iter().find(|(v, _)| *v == migration.version) {
            Some((_, checksum)) if checksum.as_slice() == &*migration.checksum => continue,
            Some(_) => {
                return Err(TemplateError::Changed {
                    version: migration.version,
                });
            }
            None => {}
        }
        // Through the Executor trait: its boxed future is Send, which `raw_sql`'s
        // generic one is not inside callers that must be Send.
        (&mut *conn)
            .execute(sqlx::raw_sql(&migration.sql))
            .await
            .map_err(|source| TemplateError::Failed {
                version: migration.version,
                source,
            })?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, description, checksum) VALUES ($1, $2, $3)",
        )
        .bind(migration.version)
        .bind(&*migration.description)
        .bind(&*migration.checksum)
        .execute(&mut *conn)
        .await?;
        done.push(migration.version);
    }
    sqlx::query(
        "UPDATE public.tenants SET schema_version = $1, updated_at = now() WHERE schema_name = $2",
    )
    .bind(latest_version(template))
    .bind(schema.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done)
}

/// Points unqualified names at `schema` until the current transaction ends. Never a
/// session-level `SET`: that would leak to the next user of a pooled connection.
pub(crate) async fn set_local_search_path(
    conn: &mut PgConnection,
    schema: &SchemaName,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT set_config('search_path', $1, true)")
        .bind(schema.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// What happened to one tenant during a fan-out.
#[derive(Debug, Clone)]
pub enum Outcome {
    Migrated { slug: String, applied: Vec<i64> },
    Failed { slug: String, error: String },
}

#[derive(Debug, Default)]
pub struct FanOutReport {
    /// Tenants that were behind when the run started.
    pub behind: usize,
    pub up_to_date: usize,
    pub migrated: usize,
    pub failed: Vec<(String, String)>,
}

/// Live tenants whose schema is behind the template or that lack their role (tenants
/// made before roles existed get theirs from the fan-out); `$1` is the latest version.
const BEHIND: &str = "status <> 'deleted' AND (schema_version < $1 OR NOT EXISTS \
     (SELECT 1 FROM pg_roles WHERE rolname = tenants.schema_name))";

/// Number of live tenants whose schema is behind `template` or that lack their role.
pub async fn count_behind(pool: &PgPool, template: &Migrator) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar(&format!("SELECT count(*) FROM tenants WHERE {BEHIND}"))
            .bind(latest_version(template))
            .fetch_one(pool)
            .await?,
    )
}

/// Brings every live tenant schema (and role) up to date, `jobs` at a time. Each schema migrates
/// in its own transaction, so an interrupted run loses nothing and the next run
/// resumes where it stopped; one schema's failure is reported and the others go on.
pub async fn migrate_all(
    pool: &PgPool,
    template: &Migrator,
    jobs: usize,
    on_progress: impl Fn(&Outcome) + Send + Sync,
) -> Result<FanOutReport, AppError> {
    let latest = latest_version(template);
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants WHERE status <> 'deleted'")
        .fetch_one(pool)
        .await?;
    let behind: Vec<(Uuid, String)> = sqlx::query_as(&format!(
        "SELECT id, slug FROM tenants WHERE {BEHIND} ORDER BY created_at"
    ))
    .bind(latest)
    .fetch_all(pool)
    .await?;

    let mut report = FanOutReport {
        behind: behind.len(),
        up_to_date: total as usize - behind.len(),
        ..Default::default()
    };
    let migrated = Arc::new(AtomicUsize::new(0));
    let outcomes: Vec<Outcome> = futures::stream::iter(behind)
        .map(|(id, slug)| async move {
            match migrate_one(pool, template, id).await {
                Ok(applied) => Outcome::Migrated { slug, applied },
                Err(err) => Outcome::Failed {
                    slug,
                    error: err.to_string(),
                },
            }
        })
        .buffer_unordered(jobs.max(1))
        .inspect(|outcome| {
            if matches!(outcome, Outcome::Migrated { .. }) {
                migrated.fetch_add(1, Ordering::Relaxed);
            }
            on_progress(outcome);
        })
        .collect()
        .await;
    report.migrated = migrated.load(Ordering::Relaxed);
    report.failed = outcomes
        .into_iter()
        .filter_map(|o| match o {
            Outcome::Failed { slug, error } => Some((slug, error)),
            Outcome::Migrated { .. } => None,
        })
        .collect();
    Ok(report)
}

async fn migrate_one(
    pool: &PgPool,
    template: &Migrator,
    id: Uuid,
) -> Result<Vec<i64>, TemplateError> {
    let mut tx = crate::server::db::begin(pool).await?;
    // The row lock keeps two migrators (or a migrator and a delete) off one schema.
    let schema: Option<String> = sqlx::query_scalar(
        "SELECT schema_name FROM tenants WHERE id = $1 AND status <> 'deleted' FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(schema) = schema.as_deref().and_then(SchemaName::parse) else {
        return Ok(Vec::new());
    };
    let applied = apply(&mut tx, &schema, template).await?;
    // Grants what the migrations created, and makes the role of a tenant that lacks it.
    super::role::ensure(&mut tx, &schema).await?;
    tx.commit().await?;
    Ok(applied)
}
