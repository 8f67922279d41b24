//! Tenancy benchmarks: provisioning time as the fleet grows, template fan-out,
//! the per-request cost of the tenant context and the memory of a pooled connection
//! that has touched many tenants. Runs against its own embedded PostgreSQL.
//!
//!     cargo bench --bench tenancy                      # 100 and 1,000 tenants
//!     BENCH_TENANTS=100,1000,5000 cargo bench --bench tenancy
//!
//! Results and how to read them: docs/PERFORMANCE.md.

use std::time::{Duration, Instant};

use app::tenancy::{self, Slug, TenantKey, template};
use capliquify::embedded_db::EmbeddedPostgres;
use futures::StreamExt;
use secrecy::ExposeSecret;
use sqlx::{PgPool, migrate::Migrator, postgres::PgPoolOptions};

const SAMPLES: usize = 50;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sizes: Vec<usize> = std::env::var("BENCH_TENANTS")
        .unwrap_or_else(|_| "100,1000".into())
        .split(',')
        .map(|s| s.trim().parse())
        .collect::<Result<_, _>>()?;
    let root = std::env::temp_dir().join(format!("capliquify-bench-{}", uuid::Uuid::new_v4()));
    let pg = tokio::task::spawn_blocking({
        let root = root.clone();
        move || EmbeddedPostgres::start(&root)
    })
    .await??;
    pg.ensure_app_database().await?;
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect(pg.url().expose_secret())
        .await?;
    app::server::db::migrate_platform(&pool).await?;

    println!(
        "| tenants present | provision p50 | provision p95 | migrate, nothing to do | migrate, one added column (4 jobs) |"
    );
    println!("|---:|---:|---:|---:|---:|");
    let mut present = 0;
    for &size in &sizes {
        fill(&pool, &mut present, size).await?;
        let mut times = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let started = Instant::now();
            tenancy::provision(&pool, "Bench", &format!("bench-{present}")).await?;
            times.push(started.elapsed());
            present += 1;
        }
        let current = latest_template(&[]).await?;
        let started = Instant::now();
        template::migrate_all(&pool, &current, 4, |_| {}).await?;
        let noop = started.elapsed();
        let added = latest_template(&[(
            format!("{:04}_bench_column.sql", 9000 + size),
            format!("ALTER TABLE products ADD COLUMN bench_{size} text;"),
        )])
        .await?;
        let started = Instant::now();
        let report = template::migrate_all(&pool, &added, 4, |_| {}).await?;
        let column = started.elapsed();
        assert!(report.failed.is_empty());
        println!(
            "| {present} | {} | {} | {} | {} ({} schemas) |",
            ms(percentile(&mut times, 50)),
            ms(percentile(&mut times, 95)),
            ms(noop),
            ms(column),
            report.migrated
        );
    }

    context_cost(&pool).await?;
    connection_memory(&pool, present).await?;
    pool.close().await;
    drop(pg);
    std::fs::remove_dir_all(root)?;
    Ok(())
}

/// Provisions tenants (two at a time) until `target` exist.
async fn fill(pool: &PgPool, present: &mut usize, target: usize) -> anyhow::Result<()> {
    let start = *present;
    let results: Vec<_> = futures::stream::iter(start..target)
        .map(|i| async move { tenancy::provision(pool, "Filler", &format!("fill-{i}")).await })
        .buffer_unordered(2)
        .collect()
        .await;
    for r in results {
        r?;
    }
    *present = target.max(start);
    Ok(())
}

/// The real template plus extra migrations, loaded from a scratch directory.
async fn latest_template(extra: &[(String, String)]) -> anyhow::Result<Migrator> {
    let dir = std::env::temp_dir().join(format!("capliquify-bench-tpl-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/tenant");
    for entry in std::fs::read_dir(real)? {
        let entry = entry?;
        std::fs::copy(entry.path(), dir.join(entry.file_name()))?;
    }
    // Earlier runs' added columns stay applied; keep them in the template.
    for (name, sql) in extra {
        std::fs::write(dir.join(name), sql)?;
    }
    let migrator = Migrator::new(dir.as_path()).await?;
    // Unknown versions already in ledgers are fine: apply() only adds what is missing.
    Ok(migrator)
}

/// Resolve the tenant and the membership, open a read transaction with the local search path
/// and the tenant's role, run one small query, commit: what every tenant request pays.
async fn context_cost(pool: &PgPool) -> anyhow::Result<()> {
    let slug: String = sqlx::query_scalar("SELECT slug FROM tenants ORDER BY created_at LIMIT 1")
        .fetch_one(pool)
        .await?;
    let key = TenantKey::Slug(Slug::parse(&slug)?);
    let user = uuid::Uuid::new_v4();
    sqlx::query("INSERT INTO users (id, name, email) VALUES ($1, 'Bench', 'bench@example.test')")
        .bind(user)
        .execute(pool)
        .await?;
    sqlx::query("INSERT INTO memberships (tenant_id, user_id, role) SELECT id, $1, 'member' FROM tenants WHERE slug = $2")
        .bind(user)
        .bind(&slug)
        .execute(pool)
        .await?;
    let mut times = Vec::new();
    for _ in 0..2000 {
        let started = Instant::now();
        let ctx = tenancy::resolve(pool, &key, user).await?;
        let mut tx = ctx.read(pool).await?;
        sqlx::query("SELECT 1 FROM products LIMIT 1")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        times.push(started.elapsed());
    }
    println!();
    println!(
        "tenant context per request (resolve + membership + transaction + search path and role + one query): p50 {}, p99 {}",
        ms(percentile(&mut times, 50)),
        ms(percentile(&mut times, 99))
    );
    Ok(())
}

/// Backend memory of one connection before and after it reads from many tenants.
async fn connection_memory(pool: &PgPool, tenants: usize) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await?;
    let memory = "SELECT sum(total_bytes)::bigint FROM pg_backend_memory_contexts";
    let before: i64 = sqlx::query_scalar(memory).fetch_one(&mut *conn).await?;
    let schemas: Vec<String> = sqlx::query_scalar(
        "SELECT schema_name FROM tenants WHERE status <> 'deleted' ORDER BY created_at",
    )
    .fetch_all(&mut *conn)
    .await?;
    for schema in &schemas {
        sqlx::query(&format!("SELECT count(*) FROM \"{schema}\".products"))
            .execute(&mut *conn)
            .await?;
    }
    let after: i64 = sqlx::query_scalar(memory).fetch_one(&mut *conn).await?;
    println!(
        "one pooled connection: {:.1} MiB before, {:.1} MiB after touching {} of {tenants} tenants",
        before as f64 / 1048576.0,
        after as f64 / 1048576.0,
        schemas.len()
    );
    Ok(())
}

fn percentile(times: &mut [Duration], p: usize) -> Duration {
    times.sort();
    times[((times.len() - 1) * p) / 100]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
