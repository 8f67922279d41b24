//! Process lifecycle: find or start the database, migrate, serve, shut down cleanly.

use std::{process::ExitCode, str::FromStr};

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use sqlx::{PgPool, postgres::PgConnectOptions};

use app::server::db;

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

pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    let database = Database::open(&settings).await?;
    let result = run_server(&settings, &database.pool).await;
    database.close().await;
    result
}

async fn run_server(settings: &Settings, pool: &PgPool) -> anyhow::Result<()> {
    db::migrate_platform(pool)
        .await
        .context("could not apply the platform migrations")?;
    let app = Application::build(settings, pool.clone()).await?;
    tracing::info!(address = %app.local_addr(), "CapLiquify is listening on {}", settings.public_url);
    app.run_until(shutdown_signal()).await?;
    Ok(())
}

pub async fn migrate(settings: Settings, check: bool) -> anyhow::Result<ExitCode> {
    let database = Database::open(&settings).await?;
    let result = async {
        let pending = db::pending_platform_migrations(&database.pool).await?;
        if check {
            if pending.is_empty() {
                println!("platform schema is up to date");
                return Ok(ExitCode::SUCCESS);
            }
            println!("platform migrations pending: {pending:?}");
            return Ok(ExitCode::FAILURE);
        }
        db::migrate_platform(&database.pool).await?;
        println!("applied {} platform migration(s)", pending.len());
        Ok(ExitCode::SUCCESS)
    }
    .await;
    database.close().await;
    result
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
