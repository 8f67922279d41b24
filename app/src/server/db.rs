//! The connection pool and the platform migrations.

use std::time::Duration;

use sqlx::{
    PgPool,
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
