//! Spawns the real application on port 0 against a fresh database of the test
//! cluster named by TEST_DATABASE_URL (scripts/test.sh starts one).

#![allow(dead_code)] // each test binary uses its own part of this helper

use std::{collections::HashMap, net::SocketAddr, str::FromStr};

use capliquify::{config::Settings, http::Application};
use sqlx::{
    Connection, Executor, PgConnection, PgPool,
    postgres::{PgConnectOptions, PgPoolOptions},
};

pub struct TestApp {
    pub addr: SocketAddr,
    pub pool: PgPool,
    pub client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The Origin a browser on this site would send.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
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
    pub fn other_browser(&self) -> TestApp {
        TestApp {
            addr: self.addr,
            pool: self.pool.clone(),
            client: browser_client(),
            stop: None,
        }
    }
}

fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
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
    let pool = PgPoolOptions::new()
        .max_connections(5)
        .connect_with(fresh_database().await)
        .await
        .expect("connect to the test database");
    app::server::db::migrate_platform(&pool)
        .await
        .expect("migrate");
    pool
}

pub fn test_settings() -> Settings {
    let vars = HashMap::from([("LISTEN_ADDR", "127.0.0.1:0"), ("SHUTDOWN_GRACE_SECS", "2")]);
    Settings::from_lookup(|k| vars.get(k).map(|v| v.to_string())).expect("test settings")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(migrated_pool().await).await
}

pub async fn spawn_app_with(pool: PgPool) -> TestApp {
    let app = Application::build(&test_settings(), pool.clone())
        .await
        .expect("build the application");
    let addr = app.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    TestApp {
        addr,
        pool,
        client: browser_client(),
        stop: Some(stop),
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
