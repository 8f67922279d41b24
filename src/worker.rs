//! The background worker: delivers queued email. `capliquify serve` runs it beside
//! the web server; `capliquify worker` runs it alone, to scale it apart.

use anyhow::Context;
use app::email::{Delivery, Outbox, RetrySchedule};
use secrecy::ExposeSecret;
use sqlx::PgPool;

use crate::{
    config::Settings,
    serve::{Database, shutdown_signal},
};

/// Tries of one email before it is given up (about 17 hours with the default
/// EMAIL_RETRY_SECS of 30, the last waits capped at an hour).
const DELIVERY_ATTEMPTS: u16 = 24;

/// The outbox as configured: SMTP when SMTP_URL is set, else the dev mailbox.
pub fn outbox(settings: &Settings, pool: &PgPool) -> anyhow::Result<Outbox> {
    let delivery = match &settings.smtp_url {
        Some(url) => Delivery::smtp(url.expose_secret(), &settings.mail_from),
        None => Delivery::files(settings.data_dir.join("mailbox"), &settings.mail_from),
    }
    .map_err(anyhow::Error::msg)?;
    let retry = RetrySchedule {
        first_retry: settings.email_retry,
        attempts: DELIVERY_ATTEMPTS,
    };
    Ok(Outbox::new(
        pool.clone(),
        delivery,
        retry,
        settings.public_url.as_str(),
    ))
}

/// `capliquify worker`: delivers email until SIGTERM or Ctrl-C.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let database = Database::open(&settings).await?;
    let result = async {
        app::server::db::migrate_platform(&database.pool)
            .await
            .context("could not apply the platform migrations")?;
        let outbox = outbox(&settings, &database.pool)?;
        let worker = outbox.start_worker();
        tracing::info!("worker started: delivering queued email");
        shutdown_signal().await;
        worker.shutdown().await.map_err(anyhow::Error::msg)
    }
    .await;
    database.close().await;
    result
}
