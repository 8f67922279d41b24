//! Process lifecycle: find or start the database, migrate, serve, shut down cleanly.

use std::{process::ExitCode, str::FromStr};

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use sqlx::{PgPool, postgres::PgConnectOptions};

use app::{
    server::db,
    tenancy::template::{self, TENANT_TEMPLATE},
};

use crate::{config::Settings, embedded_db::EmbeddedPostgres, http::Application};

/// The database this process uses, and the embedded cluster when it started one.
pub struct Database {
    pub pool: PgPool,
    embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Connects to DATABASE_URL, or starts the embedded cluster when it is unset.
    pub async fn open(settings: &Settings) -> anyhow::Result<Self> {
        let (url, embedded) = match &settings.database_url {
            Some(url) => (url.clone(), None),
            None => {
                let dir = settings.data_dir.clone();
                let pg = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&dir))
                    .await?
                    .context("could not start the embedded PostgreSQL")?;
                pg.ensure_app_database()
                    .await
                    .context("could not create the application database")?;
                tracing::info!(
                    data_dir = %pg.data_dir().display(),
                    port = pg.port(),
                    "DATABASE_URL is not set: using the embedded PostgreSQL cluster"
                );
                (pg.url(), Some(pg))
            }
        };
        let pool = db::pool(connect_options(&url)?, pool_settings(settings));
        Ok(Self { pool, embedded })
    }

    /// Closes the pool and stops the embedded cluster, if any.
    pub async fn close(mut self) {
        self.pool.close().await;
        if let Some(mut pg) = self.embedded.take() {
            match tokio::task::spawn_blocking(move || pg.stop()).await {
                Ok(Ok(())) => tracing::info!("embedded PostgreSQL stopped"),
                Ok(Err(err)) => {
                    tracing::error!(error = %err, "could not stop the embedded PostgreSQL")
                }
                Err(err) => tracing::error!(error = %err, "could not stop the embedded PostgreSQL"),
            }
        }
    }
}

pub fn connect_options(url: &SecretString) -> anyhow::Result<PgConnectOptions> {
    // The error of a bad URL may quote it; say only which variable is wrong.
    PgConnectOptions::from_str(url.expose_secret())
        .map_err(|_| anyhow::anyhow!("DATABASE_URL is not a valid PostgreSQL URL"))
}

pub fn pool_settings(settings: &Settings) -> db::PoolSettings {
    db::PoolSettings {
        max_connections: settings.db_max_connections,
        max_lifetime: settings.db_max_lifetime,
        idle_timeout: settings.db_idle_timeout,
    }
}

pub async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    app::server::process::started();
    let database = Database::open(&settings).await?;
    let result = run_server(&settings, &database.pool, demo).await;
    database.close().await;
    result
}

async fn run_server(settings: &Settings, pool: &PgPool, demo: bool) -> anyhow::Result<()> {
    db::migrate_platform(pool)
        .await
        .context("could not apply the platform migrations")?;
    let report = template::migrate_all(pool, &TENANT_TEMPLATE, 4, |_| {})
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if report.behind > 0 {
        tracing::info!(
            migrated = report.migrated,
            failed = report.failed.len(),
            "tenant schemas migrated"
        );
    }
    for (slug, error) in &report.failed {
        tracing::error!(tenant = %slug, %error, "tenant schema could not be migrated");
    }
    if demo {
        app::workspace::demo::ensure(pool)
            .await
            .map_err(|e| anyhow::anyhow!("demo set-up: {e}"))?;
    }
    let sweeper = tokio::spawn(app::server::sessions::sweep_expired(
        pool.clone(),
        std::time::Duration::from_secs(3600),
    ));
    let limits_sweeper = tokio::spawn(app::server::rate_limit::sweep_ended(
        pool.clone(),
        std::time::Duration::from_secs(600),
    ));
    let app = Application::build(settings, pool.clone()).await?;
    let worker = crate::worker::start(settings, pool, app.outbox(), app.billing());
    if let Some(dir) = app.outbox().mailbox_dir() {
        tracing::warn!(
            mailbox = %dir.display(),
            "SMTP_URL is not set: emails are written to files and shown at /dev/mailbox"
        );
    }
    tracing::info!(address = %app.local_addr(), "CapLiquify is listening on {}", settings.public_url);
    let served = app.run_until(shutdown_signal()).await;
    sweeper.abort();
    limits_sweeper.abort();
    if let Err(err) = worker.shutdown().await {
        tracing::error!(error = %err, "the worker did not stop cleanly");
    }
    Ok(served?)
}

pub async fn migrate(settings: Settings, check: bool, jobs: usize) -> anyhow::Result<ExitCode> {
    let database = Database::open(&settings).await?;
    let result = if check {
        check_migrations(&database.pool).await
    } else {
        migrate_everything(&database.pool, jobs).await
    };
    database.close().await;
    result
}

async fn check_migrations(pool: &PgPool) -> anyhow::Result<ExitCode> {
    let pending = db::pending_platform_migrations(pool).await?;
    if !pending.is_empty() {
        println!("platform migrations pending: {pending:?}");
        return Ok(ExitCode::FAILURE);
    }
    let behind = template::count_behind(pool, &TENANT_TEMPLATE)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if behind > 0 {
        println!("{behind} tenant schema(s) behind the template");
        return Ok(ExitCode::FAILURE);
    }
    println!("platform and tenant schemas are up to date");
    Ok(ExitCode::SUCCESS)
}

async fn migrate_everything(pool: &PgPool, jobs: usize) -> anyhow::Result<ExitCode> {
    let pending = db::pending_platform_migrations(pool).await?;
    db::migrate_platform(pool).await?;
    println!("platform: applied {} migration(s)", pending.len());

    let behind = template::count_behind(pool, &TENANT_TEMPLATE)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let bar = indicatif::ProgressBar::new(behind.max(0) as u64).with_style(
        indicatif::ProgressStyle::with_template("tenants {bar:40} {pos}/{len} {msg}")
            .expect("valid progress template"),
    );
    let report = template::migrate_all(pool, &TENANT_TEMPLATE, jobs, |outcome| {
        bar.inc(1);
        if let template::Outcome::Failed { slug, .. } = outcome {
            bar.set_message(format!("failed: {slug}"));
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    println!(
        "tenants: {} migrated, {} already up to date, {} failed",
        report.migrated,
        report.up_to_date,
        report.failed.len()
    );
    for (slug, error) in &report.failed {
        println!("  {slug}: {error}");
    }
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing the SIGTERM handler cannot fail on Unix");
    tokio::select! {
        _ = ctrl_c => {},
        _ = term.recv() => {},
    }
    tracing::info!("shutdown requested: finishing in-flight requests");
}
