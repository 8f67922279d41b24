//! The durable outbox: an `underway` job whose queue lives in PostgreSQL. A message
//! is enqueued with the caller's transaction, so it is sent if and only if the change
//! that caused it commits; the worker retries failed deliveries with backoff. While it
//! waits, its bodies are sealed: they carry single-use links.

use std::{sync::Arc, time::Duration};

use base64::{Engine, engine::general_purpose::STANDARD};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use underway::{Job, To, task::RetryPolicy};

use super::{Delivery, DeliveryError, Email};
use crate::{
    AppError,
    integrations::crypto::Cipher,
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

/// A message as it waits in the queue: recipient and subject in clear (the health
/// page and operators read them), the bodies sealed with ENCRYPTION_KEY and bound to
/// the recipient.
#[derive(Serialize, Deserialize)]
struct Queued {
    to: String,
    subject: String,
    /// Base64 of the sealed JSON of [`Bodies`].
    bodies: String,
}

#[derive(Serialize, Deserialize)]
struct Bodies {
    text: String,
    html: String,
}

impl Queued {
    fn seal(email: &Email, cipher: &Cipher) -> Result<Self, AppError> {
        let bodies = serde_json::to_vec(&Bodies {
            text: email.text.clone(),
            html: email.html.clone(),
        })
        .map_err(AppError::internal)?;
        let sealed = cipher.seal(&bodies, &Self::bound_to(&email.to))?;
        Ok(Self {
            to: email.to.clone(),
            subject: email.subject.clone(),
            bodies: STANDARD.encode(sealed),
        })
    }

    fn open(self, cipher: &Cipher) -> Result<Email, AppError> {
        let sealed = STANDARD.decode(&self.bodies).map_err(AppError::internal)?;
        let bodies: Bodies =
            serde_json::from_slice(&cipher.open(&sealed, &Self::bound_to(&self.to))?)
                .map_err(AppError::internal)?;
        Ok(Email {
            to: self.to,
            subject: self.subject,
            text: bodies.text,
            html: bodies.html,
        })
    }

    fn bound_to(to: &str) -> Vec<u8> {
        format!("email to {to}").into_bytes()
    }
}

/// What the worker needs to send a queued message.
#[derive(Clone)]
struct Sender {
    delivery: Delivery,
    cipher: Cipher,
}

/// Enqueues messages (server functions) and delivers them (the worker). The queue
/// is registered with the database on first use, so the web server starts (and says
/// it is not ready) while the database is down.
#[derive(Clone)]
pub struct Outbox {
    job: Arc<tokio::sync::OnceCell<Job<Queued, Sender>>>,
    pool: PgPool,
    retry: RetrySchedule,
    sender: Sender,
    base_url: Arc<str>,
}

type JobError = underway::job::Error;

impl Outbox {
    /// `base_url` is the site's public URL, which links in messages start with;
    /// `cipher` seals the bodies of waiting messages (every process that enqueues or
    /// delivers must have the same ENCRYPTION_KEY).
    pub fn new(
        pool: PgPool,
        delivery: Delivery,
        retry: RetrySchedule,
        base_url: &str,
        cipher: Cipher,
    ) -> Self {
        Self {
            job: Arc::default(),
            pool,
            retry,
            sender: Sender { delivery, cipher },
            base_url: base_url.trim_end_matches('/').into(),
        }
    }

    async fn job(&self) -> Result<&Job<Queued, Sender>, JobError> {
        self.job
            .get_or_try_init(|| {
                Job::builder()
                    .state(self.sender.clone())
                    .step(|mut cx, queued: Queued| async move {
                        let email = match queued.open(&cx.state.cipher) {
                            Ok(email) => email,
                            Err(e) => {
                                tracing::error!(error = %e, "queued email cannot be opened: dropped");
                                return Err(underway::task::Error::Fatal(e.to_string()));
                            }
                        };
                        match cx.state.delivery.send(&email).await {
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
        let queued = Queued::seal(email, &self.sender.cipher)?;
        let job = self.job().await.map_err(AppError::internal)?;
        jobs::enqueue(job, conn, &queued).await
    }

    /// An absolute link to `path` (which starts with `/`) on this site.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The development mailbox directory, when there is no SMTP server.
    pub fn mailbox_dir(&self) -> Option<&std::path::PathBuf> {
        self.sender.delivery.mailbox_dir()
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
            // Four at a time, so slow SMTP round trips overlap; each holds a connection.
            4,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> Cipher {
        Cipher::from_base64(&Cipher::generate_key().unwrap()).unwrap()
    }

    #[test]
    fn a_queued_message_opens_only_with_its_key_and_recipient() {
        let email = Email {
            to: "a@example.com".into(),
            subject: "Reset your password".into(),
            text: "https://capliquify.example/reset-password?token=secret".into(),
            html: "<a href=\"https://capliquify.example/reset-password?token=secret\">Reset</a>"
                .into(),
        };
        let key = cipher();
        let queued = Queued::seal(&email, &key).unwrap();
        let stored = serde_json::to_string(&queued).unwrap();
        assert!(!stored.contains("secret") && stored.contains("Reset your password"));

        let back: Queued = serde_json::from_str(&stored).unwrap();
        assert_eq!(back.open(&key).unwrap(), email);
        let back: Queued = serde_json::from_str(&stored).unwrap();
        assert!(back.open(&cipher()).is_err(), "another key");
        let mut moved: Queued = serde_json::from_str(&stored).unwrap();
        moved.to = "b@example.com".into();
        assert!(moved.open(&key).is_err(), "another recipient");
    }
}
