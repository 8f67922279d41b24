//! Tenant app benchmarks, against the real server on its own embedded PostgreSQL:
//! the dashboard and the product list under concurrent load, signed in, spread over
//! many tenants with sample data; and a 100,000-row CSV import (time and the
//! process's peak memory).
//!
//!     cargo bench --bench workspace                          # 20 tenants, 20 s
//!     BENCH_TENANTS=100 BENCH_SECONDS=30 BENCH_CLIENTS=64 cargo bench --bench workspace
//!
//! Results and how to read them: docs/PERFORMANCE.md.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use capliquify::{config::Settings, embedded_db::EmbeddedPostgres, http::Application};
use secrecy::ExposeSecret;
use sqlx::postgres::PgPoolOptions;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Peak resident memory of this process (server included), in MiB.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let tenants = env("BENCH_TENANTS", 20) as usize;
    let seconds = env("BENCH_SECONDS", 20);
    let clients = env("BENCH_CLIENTS", 32) as usize;
    let root = std::env::temp_dir().join(format!("capliquify-bench-{}", uuid::Uuid::new_v4()));
    let pg = tokio::task::spawn_blocking({
        let root = root.clone();
        move || EmbeddedPostgres::start(&root)
    })
    .await??;
    pg.ensure_app_database().await?;
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .connect(pg.url().expose_secret())
        .await?;
    app::server::db::migrate_platform(&pool).await?;

    // Tenants with sample data, each with its owner.
    let password = "bench password 123";
    let hash = app::accounts::password::hash(password.to_owned()).await?;
    let started = Instant::now();
    for t in 0..tenants {
        let user = uuid::Uuid::new_v4();
        sqlx::query("INSERT INTO users (id, name, email, password_hash, email_verified_at) VALUES ($1, 'Bench', $2, $3, now())")
            .bind(user)
            .bind(format!("owner{t}@bench.test"))
            .bind(&hash)
            .execute(&pool)
            .await?;
        let tenant =
            app::tenancy::provision_owned(&pool, "Bench Works", &format!("bench-{t}"), user)
                .await?
                .tenant;
        let mut tx = app::server::db::begin(&pool).await?;
        sqlx::query("SELECT set_config('search_path', $1, true)")
            .bind(tenant.schema.as_str())
            .execute(&mut *tx)
            .await?;
        app::workspace::sample::generate(&mut tx, time::OffsetDateTime::now_utc().date(), t as u64)
            .await?;
        tx.commit().await?;
    }
    println!(
        "{tenants} tenants with sample data in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let data = root.join("app");
    let vars = HashMap::from([
        ("LISTEN_ADDR", "127.0.0.1:0".to_owned()),
        ("DATA_DIR", data.to_string_lossy().into_owned()),
        ("DATABASE_MAX_CONNECTIONS", "16".to_owned()),
        ("RUST_LOG", "warn".to_owned()),
    ]);
    let settings = Settings::from_lookup(|k| vars.get(k).cloned())?;
    let app = Application::build(&settings, pool.clone()).await?;
    let base = format!("http://{}", app.local_addr());
    // Imports are written by the queue workers, as in `serve`.
    let tenant_work = capliquify::worker::tenant_work(&pool);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    // One signed-in browser per tenant.
    let mut browsers = Vec::new();
    for t in 0..tenants {
        let client = reqwest::Client::builder().cookie_store(true).build()?;
        client
            .post(format!("{base}/api/fn/log_in"))
            .header("origin", &base)
            .form(&[
                ("email", format!("owner{t}@bench.test")),
                ("password", password.into()),
            ])
            .send()
            .await?;
        browsers.push((client, format!("bench-{t}")));
    }
    let browsers = Arc::new(browsers);

    println!("\n| endpoint | clients | requests/s | p50 ms | p95 ms | p99 ms | errors |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, endpoint) in [
        ("dashboard", "get_dashboard"),
        ("product list", "list_products"),
    ] {
        let latencies = Arc::new(Mutex::new(Vec::new()));
        let errors = Arc::new(Mutex::new(0usize));
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let mut workers = Vec::new();
        for c in 0..clients {
            let (browsers, latencies, errors, base) = (
                browsers.clone(),
                latencies.clone(),
                errors.clone(),
                base.clone(),
            );
            workers.push(tokio::spawn(async move {
                let mut i = c;
                while Instant::now() < deadline {
                    let (client, slug) = &browsers[i % browsers.len()];
                    i += clients;
                    let t = Instant::now();
                    let ok = client
                        .post(format!("{base}/api/fn/{endpoint}"))
                        .header("origin", &base)
                        .form(&[("slug", slug.as_str())])
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    let took = t.elapsed();
                    if ok {
                        latencies.lock().unwrap().push(took);
                    } else {
                        *errors.lock().unwrap() += 1;
                    }
                }
            }));
        }
        for w in workers {
            w.await?;
        }
        let mut l = latencies.lock().unwrap().clone();
        l.sort();
        println!(
            "| {name} | {clients} | {:.0} | {:.1} | {:.1} | {:.1} | {} |",
            l.len() as f64 / seconds as f64,
            percentile(&l, 0.50),
            percentile(&l, 0.95),
            percentile(&l, 0.99),
            errors.lock().unwrap()
        );
    }

    // A 100,000-row product import into a fresh Enterprise tenant.
    let user = uuid::Uuid::new_v4();
    sqlx::query("INSERT INTO users (id, name, email, password_hash, email_verified_at) VALUES ($1, 'Big', 'big@bench.test', $2, now())")
        .bind(user)
        .bind(&hash)
        .execute(&pool)
        .await?;
    app::tenancy::provision_owned(&pool, "Big Import", "big-import", user).await?;
    sqlx::query(
        "UPDATE tenants SET status = 'active', plan = 'enterprise' WHERE slug = 'big-import'",
    )
    .execute(&pool)
    .await?;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    client
        .post(format!("{base}/api/fn/log_in"))
        .header("origin", &base)
        .form(&[("email", "big@bench.test"), ("password", password)])
        .send()
        .await?;
    let mut csv = String::from("sku,name,category,unit_cost,unit_price,lead_time_days\n");
    for i in 0..100_000 {
        csv.push_str(&format!(
            "SKU-{i:07},Product number {i},Category {},{}.25,{}.90,{}\n",
            i % 40,
            i % 500,
            i % 900,
            i % 60
        ));
    }
    let size_mib = csv.len() as f64 / 1024.0 / 1024.0;
    let before = peak_mib();
    let t = Instant::now();
    let form = reqwest::multipart::Form::new()
        .text("kind", "products")
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("big.csv"),
        );
    let res = client
        .post(format!("{base}/app/big-import/import"))
        .header("origin", &base)
        .multipart(form)
        .send()
        .await?;
    let id = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.rsplit('/').next())
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("upload refused: {}", res.status()))?;
    let checked = t.elapsed();
    let t = Instant::now();
    let res = client
        .post(format!("{base}/api/fn/commit_import"))
        .header("origin", &base)
        .form(&[("slug", "big-import"), ("id", id.as_str())])
        .send()
        .await?;
    anyhow::ensure!(
        res.status().is_success() || res.status().is_redirection(),
        "commit: {}",
        res.status()
    );
    // A worker writes the import: wait for it to finish.
    loop {
        let view: serde_json::Value = client
            .post(format!("{base}/api/fn/get_import"))
            .header("origin", &base)
            .form(&[("slug", "big-import"), ("id", id.as_str())])
            .send()
            .await?
            .json()
            .await?;
        match view["status"].as_str() {
            Some("importing") => tokio::time::sleep(Duration::from_millis(50)).await,
            Some("done") => break,
            other => anyhow::bail!("import ended {other:?}: {}", view["report"]),
        }
    }
    let committed = t.elapsed();
    println!(
        "\n100,000-row import ({size_mib:.1} MiB): upload and check {:.1} s, commit {:.1} s; peak memory of the process {before:.0} MiB before, {:.0} MiB after",
        checked.as_secs_f64(),
        committed.as_secs_f64(),
        peak_mib()
    );

    let _ = stop.send(());
    for worker in tenant_work {
        worker.shutdown().await.map_err(anyhow::Error::msg)?;
    }
    pool.close().await;
    let mut pg = pg;
    tokio::task::spawn_blocking(move || pg.stop()).await??;
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}
