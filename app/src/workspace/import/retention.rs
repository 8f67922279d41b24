//! Uploaded files that were never imported — abandoned on the review page, or failed
//! and not fixed — are deleted with their import job after the retention period
//! (`IMPORT_RETENTION_HOURS`), so stored uploads do not pile up. The worker sweeps
//! every tenant hourly; an advisory lock lets one worker sweep at a time.

use std::time::Duration;

use sqlx::PgPool;

use crate::{
    AppError,
    tenancy::{self, TenantStatus},
};

const LOCK_KEY: i64 = 0x0C0A_1A0B;
const EVERY: Duration = Duration::from_secs(3600);

/// Deletes the imports not imported (nor importing) that were uploaded more than
/// `retention` ago, in every tenant; returns how many.
pub async fn sweep(pool: &PgPool, retention: time::Duration) -> Result<u64, AppError> {
    let mut deleted = 0;
    for tenant in tenancy::list(pool).await? {
        if tenant.status == TenantStatus::Deleted {
            continue;
        }
        deleted += sqlx::query(&format!(
            "DELETE FROM {}.import_jobs
              WHERE status IN ('pending', 'validating', 'ready', 'failed')
                AND created_at < now() - make_interval(secs => $1)",
            tenant.schema.quoted()
        ))
        .bind(retention.as_seconds_f64())
        .execute(pool)
        .await?
        .rows_affected();
    }
    Ok(deleted)
}

/// Sweeps hourly (unless another worker holds the lock) until `stop` fires.
pub async fn run(
    pool: PgPool,
    retention: time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        match sweep_alone(&pool, retention).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "old uploads that were never imported deleted"),
            Err(err) => {
                tracing::warn!(error = %err, "old uploads not deleted; the next run retries")
            }
        }
    }
}

async fn sweep_alone(pool: &PgPool, retention: time::Duration) -> Result<u64, AppError> {
    let mut lock = pool.acquire().await?;
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(LOCK_KEY)
        .fetch_one(&mut *lock)
        .await?;
    if !locked {
        return Ok(0);
    }
    let result = sweep(pool, retention).await;
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(LOCK_KEY)
        .execute(&mut *lock)
        .await?;
    result
}
