//! Rate limits that hold across every server process: fixed-window counters in
//! PostgreSQL, each request one atomic upsert, so N nodes still allow the limit once.

use std::time::Duration;

use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use sqlx::PgPool;

use crate::AppError;

/// A limit: `max` requests per `window` for each bucket.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    pub fn per_minute(max: u32) -> Self {
        Self {
            max,
            window: Duration::from_secs(60),
        }
    }

    /// Counts one request in `bucket` (e.g. `api-key:<id>`); `Err(wait)` when it is
    /// over the limit, with the time until the window ends.
    pub async fn hit(&self, pool: &PgPool, bucket: &str) -> Result<Result<(), Duration>, AppError> {
        let secs = self.window.as_secs().max(1) as f64;
        let (hits, left): (i32, f64) = sqlx::query_as(
            "INSERT INTO rate_limit_windows AS w (bucket, window_start, hits)
             VALUES ($1, to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $2) * $2), 1)
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = w.hits + 1
             RETURNING hits,
                       extract(epoch FROM w.window_start - clock_timestamp())::float8 + $2",
        )
        .bind(bucket)
        .bind(secs)
        .fetch_one(pool)
        .await?;
        Ok(if hits as u32 > self.max {
            Err(Duration::from_secs_f64(left.max(0.0)))
        } else {
            Ok(())
        })
    }
}

/// 429 saying `what` was too much, with Retry-After in whole seconds, rounded up.
pub fn refusal(wait: Duration, what: &str) -> Response {
    let secs = wait.as_secs() + 1;
    let mut response = AppError::RateLimited {
        message: format!("{what}: try again in {secs} s."),
    }
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    response
}

/// Deletes ended windows (limits here are at most an hour long) every `period`, for as long as the server runs.
pub async fn sweep_ended(pool: PgPool, period: Duration) {
    let mut interval = tokio::time::interval(period);
    loop {
        interval.tick().await;
        if let Err(err) = sqlx::query(
            "DELETE FROM rate_limit_windows WHERE window_start < now() - interval '1 hour'",
        )
        .execute(&pool)
        .await
        {
            tracing::warn!(error = %err, "could not delete ended rate-limit windows");
        }
    }
}
