//! Scheduled billing work, run by the worker: reconciliation with Stripe's event log
//! and the trial reminders. Each run takes a PostgreSQL advisory lock, so with several
//! workers only one does a given run.

use std::time::Duration;

use sqlx::PgPool;

use super::{
    Billing,
    events::{self, HANDLED, Source},
};
use crate::{
    AppError,
    email::{Outbox, templates},
};

/// Stripe retries a webhook for up to three days; reconciliation looks that far back.
const LOOKBACK: time::Duration = time::Duration::days(3);
/// Trial reminders go out this long before the trial ends.
const REMIND_BEFORE: time::Duration = time::Duration::days(3);
const LOCK_KEY: i64 = 0x0C0A_B111;

/// Runs both jobs every `period` until `stop` fires.
pub async fn run(
    pool: PgPool,
    billing: Billing,
    outbox: Outbox,
    period: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        if let Err(err) = run_once(&pool, &billing, &outbox).await {
            tracing::warn!(error = %err, "scheduled billing jobs failed; next run retries");
        }
    }
}

/// One run of both jobs (unless another worker holds the lock). Returns how many
/// missed events were applied and how many reminders were queued.
pub async fn run_once(
    pool: &PgPool,
    billing: &Billing,
    outbox: &Outbox,
) -> Result<(usize, usize), AppError> {
    let mut lock = pool.acquire().await?;
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(LOCK_KEY)
        .fetch_one(&mut *lock)
        .await?;
    if !locked {
        return Ok((0, 0));
    }
    let result = async {
        let reconciled = reconcile(pool, billing, outbox).await?;
        let reminded = remind_trials(pool, outbox).await?;
        Ok((reconciled, reminded))
    }
    .await;
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(LOCK_KEY)
        .execute(&mut *lock)
        .await?;
    result
}

/// Applies every recent event the webhook endpoint missed.
pub async fn reconcile(
    pool: &PgPool,
    billing: &Billing,
    outbox: &Outbox,
) -> Result<usize, AppError> {
    let Some(api) = &billing.api else {
        return Ok(0);
    };
    let since = (time::OffsetDateTime::now_utc() - LOOKBACK).unix_timestamp();
    let events = api
        .events_since(since, HANDLED)
        .await
        .map_err(AppError::internal)?;
    let mut applied = 0;
    for event in &events {
        let done: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM public.stripe_events WHERE id = $1 AND processed_at IS NOT NULL)",
        )
        .bind(&event.id)
        .fetch_one(pool)
        .await?;
        if !done
            && events::handle(pool, billing, outbox, event, Source::Reconciliation).await?
                == events::Outcome::Applied
        {
            applied += 1;
        }
    }
    if applied > 0 {
        tracing::info!(
            applied,
            "reconciliation applied Stripe events the webhook missed"
        );
    }
    Ok(applied)
}

/// Emails the owners of organizations whose trial ends within three days, once.
pub async fn remind_trials(pool: &PgPool, outbox: &Outbox) -> Result<usize, AppError> {
    let mut tx = crate::server::db::begin(pool).await?;
    let due: Vec<(uuid::Uuid, String, String, time::OffsetDateTime)> = sqlx::query_as(
        "UPDATE public.tenants SET trial_reminder_sent_at = now()
          WHERE status = 'trial' AND trial_reminder_sent_at IS NULL
            AND trial_ends_at > now() AND trial_ends_at <= now() + make_interval(secs => $1)
          RETURNING id, name, slug, trial_ends_at",
    )
    .bind(REMIND_BEFORE.whole_seconds() as f64)
    .fetch_all(&mut *tx)
    .await?;
    let now = time::OffsetDateTime::now_utc();
    for (id, name, slug, ends) in &due {
        // Whole days left, counting a part day as one.
        let days = ((*ends - now).whole_seconds() + 86_399) / 86_400;
        let link = outbox.link(&format!("/app/{slug}/billing"));
        for (email, owner) in events::owners(&mut tx, *id).await? {
            outbox
                .enqueue(
                    &mut tx,
                    &templates::trial_ending(&email, &owner, name, days.max(1), &link),
                )
                .await?;
        }
    }
    tx.commit().await?;
    Ok(due.len())
}
