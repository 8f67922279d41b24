//! The durable outbox: an `underway` job whose queue lives in PostgreSQL. A message
//! is enqueued with the caller's transaction, so it is sent if and only if the change
//! that caused it commits; the worker retries failed deliveries with backoff.

use std::{sync::Arc, time::Duration};

use sqlx::{PgConnection, PgPool};
use underway::{Job, To, task::RetryPolicy};

use super::{Delivery, DeliveryError, Email};
use crate::AppError;

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
                    .step(|cx, email: Email| async move {
                        match cx.state.send(&email).await {
                            Ok(()) => To::done(),
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
        self.job()
            .await
            .map_err(AppError::internal)?
            .enqueue_using(conn, email)
            .await
            .map(|_| ())
            .map_err(AppError::internal)
    }

    /// An absolute link to `path` (which starts with `/`) on this site.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The development mailbox directory, when there is no SMTP server.
    pub fn mailbox_dir(&self) -> Option<&std::path::PathBuf> {
        self.delivery.mailbox_dir()
    }

    /// Delivers queued messages in the background until the handle is shut down;
    /// while the database is unreachable it keeps trying to start.
    pub fn start_worker(&self) -> Worker {
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let outbox = self.clone();
        let task = tokio::spawn(async move {
            let job = loop {
                match outbox.job().await {
                    Ok(job) => break job,
                    Err(err) => {
                        tracing::warn!(error = %err, "email worker waiting for the database");
                        tokio::select! {
                            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                            _ = stopped.wait_for(|s| *s) => return Ok(()),
                        }
                    }
                }
            };
            let handle = job.start();
            let _ = stopped.wait_for(|s| *s).await;
            handle.shutdown().await
        });
        Worker { stop, task }
    }
}

/// A running email worker.
pub struct Worker {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), JobError>>,
}

impl Worker {
    /// Stops taking new messages and waits for the one being sent.
    pub async fn shutdown(self) -> Result<(), String> {
        let _ = self.stop.send(true);
        match self.task.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(e.to_string()),
        }
    }
}
