//! The background worker: delivers queued email, makes queued forecast runs, writes
//! queued imports and runs the scheduled billing jobs (reconciliation with Stripe, trial reminders).
//! `capliquify serve` runs it beside the web server; `capliquify worker` runs it
//! alone, to scale it apart.

use anyhow::Context;
use app::{
    billing::{
        Billing, Interval, Plan,
        stripe::{PriceIds, StripeApi},
    },
    email::{Delivery, Outbox, RetrySchedule},
    server::jobs::{self, Worker},
};
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
        crate::encryption::cipher(settings)?,
    ))
}

/// Billing as configured: Stripe when STRIPE_SECRET_KEY is set, else demo mode.
pub fn billing(settings: &Settings) -> anyhow::Result<Billing> {
    let api = settings
        .stripe_secret_key
        .as_ref()
        .map(|key| StripeApi::new(key.expose_secret(), &settings.stripe_api_base))
        .transpose()
        .map_err(|_| anyhow::anyhow!("STRIPE_API_BASE or STRIPE_SECRET_KEY is not usable"))?;
    let prices = PriceIds(
        settings
            .stripe_prices
            .iter()
            .filter_map(|(plan, interval, id)| {
                Some(((Plan::parse(plan)?, Interval::parse(interval)?), id.clone()))
            })
            .collect(),
    );
    let secret = settings
        .stripe_webhook_secret
        .as_ref()
        .map(|s| s.expose_secret().to_owned());
    Ok(Billing::new(api, prices, secret))
}

/// The workers of the queues of work members start in their organizations (forecast
/// runs, imports).
pub fn tenant_work(pool: &PgPool) -> Vec<Worker> {
    vec![
        app::forecasting::queue::start_worker(pool),
        app::workspace::import::queue::start_worker(pool),
    ]
}

/// Everything the worker runs.
pub struct Background {
    email: Worker,
    tenant_work: Vec<Worker>,
    stop: tokio::sync::watch::Sender<bool>,
    billing_jobs: tokio::task::JoinHandle<()>,
    cleanup: tokio::task::JoinHandle<()>,
    import_retention: tokio::task::JoinHandle<()>,
}

/// Starts email delivery, forecast runs, imports and the scheduled billing jobs.
pub fn start(settings: &Settings, pool: &PgPool, outbox: &Outbox, billing: &Billing) -> Background {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let billing_jobs = tokio::spawn(app::billing::jobs::run(
        pool.clone(),
        billing.clone(),
        outbox.clone(),
        settings.billing_jobs_every,
        stopped,
    ));
    let cleanup = tokio::spawn(jobs::delete_expired(pool.clone()));
    let import_retention = tokio::spawn(app::workspace::import::retention::run(
        pool.clone(),
        time::Duration::try_from(settings.import_retention).unwrap_or(time::Duration::WEEK),
        stop.subscribe(),
    ));
    Background {
        email: outbox.start_worker(),
        tenant_work: tenant_work(pool),
        stop,
        billing_jobs,
        cleanup,
        import_retention,
    }
}

impl Background {
    /// Lets the message being sent and the jobs running finish, then stops.
    pub async fn shutdown(self) -> Result<(), String> {
        let _ = self.stop.send(true);
        self.cleanup.abort();
        self.billing_jobs.await.map_err(|e| e.to_string())?;
        self.import_retention.await.map_err(|e| e.to_string())?;
        let mut result = self.email.shutdown().await;
        for worker in self.tenant_work {
            result = result.and(worker.shutdown().await);
        }
        result
    }
}

/// `capliquify worker`: delivers email and runs billing jobs until SIGTERM or Ctrl-C.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let database = Database::open(&settings).await?;
    let result = async {
        app::server::db::migrate_platform(&database.pool)
            .await
            .context("could not apply the platform migrations")?;
        let outbox = outbox(&settings, &database.pool)?;
        let worker = start(&settings, &database.pool, &outbox, &billing(&settings)?);
        tracing::info!("worker started: email delivery, forecast runs, imports and billing jobs");
        shutdown_signal().await;
        worker.shutdown().await.map_err(anyhow::Error::msg)
    }
    .await;
    database.close().await;
    result
}
