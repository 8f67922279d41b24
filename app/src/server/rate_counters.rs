//! Counters in PostgreSQL for limits that must hold across every app process. A hit
//! is one upsert that returns the new count, so parallel requests are counted one
//! after another and none of them slips past a limit.

use std::time::Duration;

use sqlx::PgConnection;

use crate::AppError;

/// Counts one hit on `key` and returns the hits in its current window (this one
/// included). A window starts at the first hit after the previous one ended.
pub async fn hit(conn: &mut PgConnection, key: &str, window: Duration) -> Result<u32, AppError> {
    let hits: i32 = sqlx::query_scalar(
        "INSERT INTO public.rate_counters AS c (key, hits) VALUES ($1, 1)
         ON CONFLICT (key) DO UPDATE SET
             hits = CASE WHEN c.window_start <= now() - make_interval(secs => $2) THEN 1
                         ELSE c.hits + 1 END,
             window_start = CASE WHEN c.window_start <= now() - make_interval(secs => $2)
                                 THEN now() ELSE c.window_start END
         RETURNING hits",
    )
    .bind(key)
    .bind(window.as_secs_f64())
    .fetch_one(&mut *conn)
    .await?;
    // Windows older than the longest limit's (a day) are of no use: clear a few, so
    // the table holds only live keys.
    sqlx::query(
        "DELETE FROM public.rate_counters WHERE key IN (
             SELECT key FROM public.rate_counters
              WHERE window_start < now() - interval '2 days' LIMIT 10 FOR UPDATE SKIP LOCKED)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(u32::try_from(hits).unwrap_or(0))
}

/// Takes back one hit on `key` (an attempt that turned out to be legitimate).
pub async fn refund(conn: &mut PgConnection, key: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE public.rate_counters SET hits = greatest(hits - 1, 0) WHERE key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Clears every key that starts with `key_prefix` (an operator's access restored at
/// the command line).
pub async fn clear(conn: &mut PgConnection, key_prefix: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM public.rate_counters WHERE starts_with(key, $1)")
        .bind(key_prefix)
        .execute(conn)
        .await?;
    Ok(())
}
