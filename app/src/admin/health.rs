//! System health as operators see it: this process, the database and its pool, the
//! job queue, Stripe webhook processing, and how far tenant schemas are migrated.

use std::time::Instant;

use sqlx::PgPool;

use super::types::Health;
use crate::{
    AppError,
    server::process,
    tenancy::template::{TENANT_TEMPLATE, latest_version},
};

pub async fn check(pool: &PgPool) -> Result<Health, AppError> {
    let started = Instant::now();
    let database_ok = sqlx::query("SELECT 1").execute(pool).await.is_ok();
    let database_ms = started.elapsed().as_secs_f64() * 1000.0;
    let jobs: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT task_queue_name, state::text, count(*) FROM underway.task
          WHERE state IN ('pending', 'in_progress', 'failed')
          GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await?;
    let jobs_failed_24h: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM underway.task
          WHERE state = 'failed' AND updated_at > now() - interval '24 hours'",
    )
    .fetch_one(pool)
    .await?;
    let (webhooks_unprocessed, webhook_oldest_unprocessed_secs, webhook_mean_lag_secs): (
        i64,
        Option<f64>,
        Option<f64>,
    ) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE processed_at IS NULL),
                extract(epoch FROM now() - min(received_at) FILTER (WHERE processed_at IS NULL))::float8,
                avg(extract(epoch FROM processed_at - received_at))
                    FILTER (WHERE processed_at > now() - interval '24 hours')::float8
           FROM public.stripe_events",
    )
    .fetch_one(pool)
    .await?;
    let schema_versions: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT schema_version, count(*) FROM public.tenants
          WHERE status <> 'deleted' GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    let (requests, server_errors) = process::responses();
    Ok(Health {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        uptime_secs: process::uptime().as_secs(),
        database_ok,
        database_ms,
        pool_size: pool.size(),
        pool_idle: pool.num_idle() as u32,
        pool_max: pool.options().get_max_connections(),
        jobs,
        jobs_failed_24h,
        webhooks_unprocessed,
        webhook_oldest_unprocessed_secs,
        webhook_mean_lag_secs,
        requests,
        server_errors,
        schema_versions,
        template_version: latest_version(&TENANT_TEMPLATE),
    })
}
