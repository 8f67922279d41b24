//! Spawns the real application on port 0 against a fresh database of the test
//! cluster named by TEST_DATABASE_URL (scripts/test.sh starts one).

#![allow(dead_code)] // each test binary uses its own part of this helper

pub mod stripe;

use std::{collections::HashMap, net::SocketAddr, path::PathBuf, str::FromStr};

use capliquify::{config::Settings, http::Application};
use sqlx::{
    Connection, Executor, PgConnection, PgPool,
    postgres::{PgConnectOptions, PgPoolOptions},
};

pub struct TestApp {
    pub addr: SocketAddr,
    pub pool: PgPool,
    pub client: reqwest::Client,
    /// The dev mailbox directory (emails land here unless SMTP_URL was given).
    pub mailbox: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// Workers of forecast runs and imports (stopped by `pause_tenant_work`).
    tenant_work: Vec<app::server::jobs::Worker>,
    _data_dir: Option<std::sync::Arc<tempfile::TempDir>>,
}

pub const PASSWORD: &str = "a long enough password";

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The Origin a browser on this site would send.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The body at `path` (a page's HTML, a download's text), as this browser gets it.
    pub async fn page(&self, path: &str) -> String {
        let res = self.client.get(self.url(path)).send().await.unwrap();
        res.text().await.unwrap()
    }

    /// Calls server function `name` as a same-origin browser would, with form fields.
    pub async fn call(&self, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/fn/{name}")))
            .header("origin", self.origin())
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// A second browser: its own cookies, same server.
    /// Stops making forecast runs and imports: they wait in their queues until
    /// `resume_tenant_work`.
    pub async fn pause_tenant_work(&mut self) {
        for worker in self.tenant_work.drain(..) {
            worker.shutdown().await.expect("the worker stops");
        }
    }

    pub fn resume_tenant_work(&mut self) {
        self.tenant_work = capliquify::worker::tenant_work(&self.pool);
    }

    pub fn other_browser(&self) -> TestApp {
        TestApp {
            addr: self.addr,
            pool: self.pool.clone(),
            client: browser_client(),
            mailbox: self.mailbox.clone(),
            stop: None,
            tenant_work: Vec::new(),
            _data_dir: self._data_dir.clone(),
        }
    }

    /// Emails delivered to `to` so far, oldest first.
    pub async fn emails_to(&self, to: &str) -> Vec<app::email::mailbox::Stored> {
        let mut found: Vec<_> = app::email::mailbox::list(&self.mailbox)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.email.to.eq_ignore_ascii_case(to))
            .collect();
        found.reverse();
        found
    }

    /// Waits (up to 15 s) until `to` has received `count` emails, and returns the last.
    pub async fn wait_for_email(&self, to: &str, count: usize) -> app::email::Email {
        for _ in 0..150 {
            let emails = self.emails_to(to).await;
            if emails.len() >= count {
                return emails[count - 1].email.clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no email number {count} to {to} within 15 s");
    }

    /// Signs up through the real form and confirms the address with the emailed link;
    /// this browser ends signed in.
    pub async fn sign_up_verified(&self, name: &str, email: &str) {
        let before = self.emails_to(email).await.len();
        let res = self
            .call(
                "sign_up",
                &[("name", name), ("email", email), ("password", PASSWORD)],
            )
            .await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "{}",
            res.status()
        );
        let message = self.wait_for_email(email, before + 1).await;
        let token = token_in(&message.text, "/verify-email?token=");
        let res = self.call("verify_email", &[("token", &token)]).await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "{}",
            res.status()
        );
    }
}

/// The token that follows `marker` in an email's text.
pub fn token_in(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {text}"))
        + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap()
}

/// A request the app does not answer in this time fails the test instead of stalling
/// the whole run.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// A client without cookies, as an API caller is.
pub fn api_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub fn server_options() -> PgConnectOptions {
    let url = std::env::var("TEST_DATABASE_URL").expect(
        "TEST_DATABASE_URL must name a PostgreSQL server for tests: run scripts/test.sh, \
         which starts a throwaway one",
    );
    PgConnectOptions::from_str(&url).expect("TEST_DATABASE_URL is a PostgreSQL URL")
}

/// Creates an empty database with a unique name and returns its connect options.
pub async fn fresh_database() -> PgConnectOptions {
    let server = server_options();
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect_with(&server.clone().database("postgres"))
        .await
        .expect("connect to the test cluster");
    conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
        .await
        .expect("create test database");
    server.database(&name)
}

/// A fresh, migrated database.
pub async fn migrated_pool() -> PgPool {
    // Internal errors are only logged: show them in a failing test's output.
    capliquify::telemetry::init(capliquify::config::LogFormat::Text);
    // Room for the queue workers (up to 15 connections when all are busy) and requests.
    let pool = PgPoolOptions::new()
        .max_connections(20)
        .connect_with(fresh_database().await)
        .await
        .expect("connect to the test database");
    app::server::db::migrate_platform(&pool)
        .await
        .expect("migrate");
    pool
}

/// Settings for one test app: port 0, its own data directory, quick email retries, a
/// per-address limit that a test's many signed-out calls stay under, plus `extra`
/// variables.
pub fn test_settings(data_dir: &std::path::Path, extra: &[(&str, &str)]) -> Settings {
    let data_dir = data_dir.to_string_lossy().into_owned();
    let mut vars: HashMap<&str, String> = HashMap::from([
        ("LISTEN_ADDR", "127.0.0.1:0".to_owned()),
        ("SHUTDOWN_GRACE_SECS", "2".to_owned()),
        ("EMAIL_RETRY_SECS", "1".to_owned()),
        ("DATA_DIR", data_dir),
        ("PUBLIC_RATE_LIMIT_PER_MINUTE", "10000".to_owned()),
    ]);
    for (k, v) in extra {
        vars.insert(k, (*v).to_owned());
    }
    Settings::from_lookup(|k| vars.get(k).cloned()).expect("test settings")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(migrated_pool().await).await
}

pub async fn spawn_app_with(pool: PgPool) -> TestApp {
    spawn_app_with_settings(pool, &[]).await
}

/// The real application and its email worker, on port 0.
pub async fn spawn_app_with_settings(pool: PgPool, extra: &[(&str, &str)]) -> TestApp {
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let settings = test_settings(data_dir.path(), extra);
    let app = Application::build(&settings, pool.clone())
        .await
        .expect("build the application");
    let addr = app.local_addr();
    let worker = app.outbox().start_worker();
    let tenant_work = capliquify::worker::tenant_work(&pool);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
        let _ = worker.shutdown().await;
    }));
    TestApp {
        addr,
        pool,
        client: browser_client(),
        mailbox: data_dir.path().join("mailbox"),
        stop: Some(stop),
        tenant_work,
        _data_dir: Some(std::sync::Arc::new(data_dir)),
    }
}
/// A user with `role` in tenant `slug` (an existing member keeps their role).
pub async fn member_of(pool: &PgPool, slug: &str, role: &str) -> uuid::Uuid {
    let user = uuid::Uuid::new_v4();
    sqlx::query("INSERT INTO users (id, name, email) VALUES ($1, 'Test User', $2)")
        .bind(user)
        .bind(format!("{user}@example.test"))
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO memberships (tenant_id, user_id, role) SELECT id, $2, $3 FROM tenants WHERE slug = $1",
    )
    .bind(slug)
    .bind(user)
    .bind(role)
    .execute(pool)
    .await
    .unwrap();
    user
}

/// Gives the account with `email` `role` in tenant `slug`.
pub async fn member_role(pool: &PgPool, slug: &str, email: &str, role: &str) {
    sqlx::query(
        "INSERT INTO memberships (tenant_id, user_id, role)
         SELECT t.id, u.id, $3 FROM tenants t, users u WHERE t.slug = $1 AND u.email = $2
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = EXCLUDED.role",
    )
    .bind(slug)
    .bind(email)
    .bind(role)
    .execute(pool)
    .await
    .unwrap();
}
