//! The connection pool and the platform migrations.

use std::time::Duration;

use sqlx::{
    PgPool, Postgres, Transaction,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
};

/// Migrations of the `public` schema (the platform registry).
pub static PLATFORM_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/platform");

/// Pool settings. Connections are recycled so that each one's catalog cache, which
/// grows with every tenant schema it touches, stays bounded.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub max_lifetime: Duration,
    pub idle_timeout: Duration,
}

/// A lazily connecting pool: the server starts even when the database is down, and
/// `/ready` says so.
pub fn pool(options: PgConnectOptions, settings: PoolSettings) -> PgPool {
    PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .max_lifetime(settings.max_lifetime)
        .idle_timeout(settings.idle_timeout)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with(options)
}

/// Applies the platform migrations and creates the session and job-queue tables
/// (each in its own schema).
pub async fn migrate_platform(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    PLATFORM_MIGRATIONS.run(pool).await?;
    super::sessions::migrate(pool).await?;
    underway::run_migrations(pool).await?;
    Ok(())
}

/// Platform migrations the database has not applied yet.
pub async fn pending_platform_migrations(pool: &PgPool) -> Result<Vec<i64>, sqlx::Error> {
    let exists: bool =
        sqlx::query_scalar("SELECT to_regclass('public._sqlx_migrations') IS NOT NULL")
            .fetch_one(pool)
            .await?;
    let applied: Vec<i64> = if exists {
        sqlx::query_scalar("SELECT version FROM public._sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await?
    } else {
        Vec::new()
    };
    Ok(PLATFORM_MIGRATIONS
        .iter()
        .map(|m| m.version)
        .filter(|v| !applied.contains(v))
        .collect())
}

/// Starts a transaction that a dropped request cannot leave open. sqlx (0.8 and 0.9)
/// hands a connection back to the pool with the server-side transaction still open
/// when the future is dropped while `BEGIN` is in flight (a client that disconnects):
/// every later query on that connection would run inside the stale transaction. The
/// begin therefore runs in a task of its own, which finishes whatever happens to the
/// caller; a transaction nobody receives is dropped there and rolled back.
#[allow(clippy::disallowed_methods)] // the one place that may
pub async fn begin(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let pool = pool.clone();
    detached(async move { pool.begin().await }).await
}

/// [`begin`] with a custom `BEGIN` statement (isolation level, read only).
#[allow(clippy::disallowed_methods)] // the one place that may
pub async fn begin_with(
    pool: &PgPool,
    statement: &'static str,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let pool = pool.clone();
    detached(async move { pool.begin_with(statement).await }).await
}

/// Runs `work` to completion in its own task, whether or not the caller still waits.
pub async fn detached<T: Send + 'static>(
    work: impl Future<Output = Result<T, sqlx::Error>> + Send + 'static,
) -> Result<T, sqlx::Error> {
    match tokio::spawn(work).await {
        Ok(result) => result,
        Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
        // Only a runtime shutting down cancels the task.
        Err(_) => Err(sqlx::Error::PoolClosed),
    }
}
