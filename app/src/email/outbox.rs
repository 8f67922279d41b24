//! The durable outbox: an `underway` job whose queue lives in PostgreSQL. A message
//! is enqueued with the caller's transaction, so it is sent if and only if the change
//! that caused it commits; the worker retries failed deliveries with backoff.

use std::{sync::Arc, time::Duration};

use sqlx::{PgConnection, PgPool};
use underway::{Job, To, task::RetryPolicy};

use super::{Delivery, DeliveryError, Email};
use crate::{
    AppError,
    server::jobs::{self, Worker},
};

const QUEUE: &str = "email";

/// When failed deliveries are tried again: after `first_retry`, doubling each time up
/// to an hour, `attempts` tries in all.
#[derive(Debug, Clone, Copy)]
pub struct RetrySchedule {
    pub first_retry: Duration,
    pub attempts: u16,
}

impl RetrySchedule {
    fn policy(self) -> RetryPolicy {
        let ms = |d: Duration| i32::try_from(d.as_millis()).unwrap_or(i32::MAX);
        RetryPolicy::builder()
            .max_attempts(i32::from(self.attempts))
            .initial_interval_ms(ms(self.first_retry))
            .max_interval_ms(ms(Duration::from_secs(3600)).max(ms(self.first_retry)))
            .backoff_coefficient(2.0)
            .build()
    }
}

/// Enqueues messages (server functions) and delivers them (the worker). The queue
/// is registered with the database on first use, so the web server starts (and says
/// it is not ready) while the database is down.
#[derive(Clone)]
pub struct Outbox {
    job: Arc<tokio::sync::OnceCell<Job<Email, Delivery>>>,
    pool: PgPool,
    retry: RetrySchedule,
    delivery: Delivery,
    base_url: Arc<str>,
}

type JobError = underway::job::Error;

impl Outbox {
    /// `base_url` is the site's public URL, which links in messages start with.
    pub fn new(pool: PgPool, delivery: Delivery, retry: RetrySchedule, base_url: &str) -> Self {
        Self {
            job: Arc::default(),
            pool,
            retry,
            delivery,
            base_url: base_url.trim_end_matches('/').into(),
        }
    }

    async fn job(&self) -> Result<&Job<Email, Delivery>, JobError> {
        self.job
            .get_or_try_init(|| {
                Job::builder()
                    .state(self.delivery.clone())
                    .step(|mut cx, email: Email| async move {
                        match cx.state.send(&email).await {
                            Ok(()) => {
                                scrub(&mut cx.tx, *cx.job_id, &email).await?;
                                cx.tx.commit().await?;
                                To::done()
                            }
                            Err(DeliveryError::Permanent(e)) => {
                                tracing::error!(error = %e, "email undeliverable: dropped");
                                Err(underway::task::Error::Fatal(e))
                            }
                            Err(DeliveryError::Transient(e)) => {
                                tracing::warn!(error = %e, "email not delivered: will retry");
                                Err(underway::task::Error::Retryable(e))
                            }
                        }
                    })
                    .retry_policy(self.retry.policy())
                    .name(QUEUE)
                    .pool(self.pool.clone())
                    .build()
            })
            .await
    }

    /// Queues `email` in the transaction `conn` belongs to.
    pub async fn enqueue(&self, conn: &mut PgConnection, email: &Email) -> Result<(), AppError> {
        let job = self.job().await.map_err(AppError::internal)?;
        jobs::enqueue(job, conn, email).await
    }

    /// An absolute link to `path` (which starts with `/`) on this site.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The development mailbox directory, when there is no SMTP server.
    pub fn mailbox_dir(&self) -> Option<&std::path::PathBuf> {
        self.delivery.mailbox_dir()
    }

    /// Delivers queued messages in the background until the worker is shut down;
    /// while the database is unreachable it keeps trying to start.
    pub fn start_worker(&self) -> Worker {
        // Polled as often as the first retry is due, at most once a second.
        let period = self
            .retry
            .first_retry
            .clamp(Duration::from_secs(1), Duration::from_secs(60));
        let outbox = self.clone();
        jobs::start(
            QUEUE,
            move || {
                let outbox = outbox.clone();
                async move { outbox.job().await.cloned() }
            },
            period,
        )
    }
}

/// Once a message is delivered, its queued copy keeps only recipient and subject:
/// the body holds single-use links that must not outlive their delivery in clear.
async fn scrub(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    job: uuid::Uuid,
    email: &Email,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE underway.task
            SET input = jsonb_set(input, '{step_input}', jsonb_build_object('to', $3::text, 'subject', $4::text))
          WHERE task_queue_name = $1 AND input->>'job_id' = $2",
    )
    .bind(QUEUE)
    .bind(job.to_string())
    .bind(&email.to)
    .bind(&email.subject)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
