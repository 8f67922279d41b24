//! Tenancy core against a real PostgreSQL: provisioning, isolation, status gates,
//! template fan-out, verify, export and import.

mod common;

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use app::{
    AppError,
    tenancy::{
        self, Access, Slug, TenantKey,
        template::{self, TENANT_TEMPLATE},
        transfer, verify,
    },
};
use common::migrated_pool;
use sqlx::{PgPool, migrate::Migrator, postgres::PgPoolOptions};

/// The context of an owner of tenant `slug` (made a member on first use).
async fn slug_ctx(pool: &PgPool, slug: &str) -> Result<tenancy::TenantContext, AppError> {
    let user = common::member_of(pool, slug, "owner").await;
    tenancy::resolve(pool, &TenantKey::Slug(Slug::parse(slug).unwrap()), user).await
}

async fn schema_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A template directory: the real tenant migrations plus `extra` (file name, SQL).
fn template_dir(extra: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("capliquify-template-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/tenant");
    for entry in std::fs::read_dir(real).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    for (name, sql) in extra {
        std::fs::write(dir.join(name), sql).unwrap();
    }
    dir
}

async fn template(extra: &[(&str, &str)]) -> Migrator {
    Migrator::new(template_dir(extra).as_path()).await.unwrap()
}

#[tokio::test]
async fn provisioning_creates_the_schema_and_is_idempotent() {
    let pool = migrated_pool().await;
    let first = tenancy::provision(&pool, "Acme Metalworks", "acme")
        .await
        .unwrap();
    assert!(first.created);
    let t = &first.tenant;
    assert_eq!(t.slug, "acme");
    assert_eq!(t.schema.as_str(), format!("tenant_{}", t.id.simple()));
    assert_eq!(t.schema_version, template::latest_version(&TENANT_TEMPLATE));
    assert!(t.trial_ends_at.is_some());

    let tables: Vec<String> =
        sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = $1")
            .bind(t.schema.as_str())
            .fetch_all(&pool)
            .await
            .unwrap();
    for expected in [
        "products",
        "inventory_levels",
        "customer_invoices",
        "supplier_bills",
        "scenarios",
        "schema_migrations",
    ] {
        assert!(
            tables.iter().any(|x| x == expected),
            "{expected} in {tables:?}"
        );
    }

    let again = tenancy::provision(&pool, "Acme Metalworks", "acme")
        .await
        .unwrap();
    assert!(!again.created);
    assert_eq!(again.tenant.id, t.id);

    let taken = tenancy::provision(&pool, "Another Acme", "acme")
        .await
        .unwrap_err();
    assert!(matches!(taken, AppError::Conflict { .. }), "{taken:?}");
    assert_eq!(schema_count(&pool).await, 1);
}

#[tokio::test]
async fn bad_names_and_slugs_are_refused_and_change_nothing() {
    let pool = migrated_pool().await;
    for (name, slug, field) in [
        ("Acme", "Acme", "slug"),
        ("Acme", "acme'; drop schema public; --", "slug"),
        ("Acme", "app", "slug"),
        ("   ", "acme", "name"),
        (&"x".repeat(201), "acme", "name"),
    ] {
        match tenancy::provision(&pool, name, slug).await.unwrap_err() {
            AppError::Validation { fields, .. } => assert!(fields.contains_key(field), "{slug}"),
            other => panic!("{slug}: {other:?}"),
        }
    }
    assert_eq!(schema_count(&pool).await, 0);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn concurrent_creation_of_one_slug_gives_one_tenant() {
    let pool = migrated_pool().await;
    let attempts = (0..8).map(|_| {
        let pool = pool.clone();
        tokio::spawn(async move { tenancy::provision(&pool, "Same Co", "same-co").await })
    });
    let results = futures::future::join_all(attempts).await;
    let ids: BTreeSet<_> = results
        .into_iter()
        .map(|r| {
            r.unwrap()
                .expect("every attempt sees the one tenant")
                .tenant
                .id
        })
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(schema_count(&pool).await, 1);
}

#[tokio::test]
async fn a_failure_part_way_leaves_nothing_behind() {
    let pool = migrated_pool().await;
    let broken = template(&[(
        "9000_broken.sql",
        "CREATE TABLE fine (x int); SELECT no_such_function();",
    )])
    .await;
    let err = tenancy::provision_with(&pool, &broken, "Half Made", "half-made", None)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Internal { .. }), "{err:?}");
    assert_eq!(schema_count(&pool).await, 0);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    // And the slug is free for a good attempt.
    assert!(
        tenancy::provision(&pool, "Half Made", "half-made")
            .await
            .unwrap()
            .created
    );
}

#[tokio::test]
async fn without_a_context_tenant_tables_do_not_exist() {
    let pool = migrated_pool().await;
    tenancy::provision(&pool, "Acme", "acme").await.unwrap();
    let err = sqlx::query("SELECT * FROM products")
        .fetch_all(&pool)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("relation \"products\" does not exist"),
        "{err}"
    );
}

#[tokio::test]
async fn tenants_never_see_each_others_rows_under_concurrency() {
    let setup = migrated_pool().await;
    const TENANTS: usize = 12;
    const OPS_PER_TENANT: usize = 150;
    let mut slugs = Vec::new();
    for i in 0..TENANTS {
        let slug = format!("iso-{i:02}");
        tenancy::provision(&setup, &format!("Isolation {i}"), &slug)
            .await
            .unwrap();
        slugs.push(slug);
    }
    // A small pool: every connection serves many tenants in turn.
    let options = setup.connect_options().as_ref().clone();
    let pool = PgPoolOptions::new()
        .max_connections(3)
        .connect_with(options)
        .await
        .unwrap();
    let leaks = Arc::new(AtomicUsize::new(0));
    let reads = Arc::new(AtomicUsize::new(0));

    let workers = slugs.iter().cloned().map(|slug| {
        let pool = pool.clone();
        let leaks = leaks.clone();
        let reads = reads.clone();
        tokio::spawn(async move {
            let ctx = slug_ctx(&pool, &slug).await.unwrap();
            for n in 0..OPS_PER_TENANT {
                if n % 3 == 0 {
                    let mut tx = ctx.write(&pool).await.unwrap();
                    sqlx::query("INSERT INTO products (sku, name) VALUES ($1, $2)")
                        .bind(format!("{slug}/{n}"))
                        .bind(format!("marker of {slug}"))
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                } else {
                    let mut tx = ctx.read(&pool).await.unwrap();
                    let skus: Vec<String> = sqlx::query_scalar("SELECT sku FROM products")
                        .fetch_all(&mut *tx)
                        .await
                        .unwrap();
                    let prefix = format!("{slug}/");
                    leaks.fetch_add(
                        skus.iter().filter(|s| !s.starts_with(&prefix)).count(),
                        Ordering::Relaxed,
                    );
                    reads.fetch_add(1, Ordering::Relaxed);
                }
                tokio::task::yield_now().await;
            }
        })
    });
    for w in futures::future::join_all(workers).await {
        w.unwrap();
    }
    assert_eq!(
        leaks.load(Ordering::Relaxed),
        0,
        "rows of another tenant were visible"
    );
    assert_eq!(
        reads.load(Ordering::Relaxed),
        TENANTS * (OPS_PER_TENANT - OPS_PER_TENANT.div_ceil(3))
    );

    for slug in &slugs {
        let ctx = slug_ctx(&pool, slug).await.unwrap();
        let mut tx = ctx.read(&pool).await.unwrap();
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM products")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(count as usize, OPS_PER_TENANT.div_ceil(3), "{slug}");
    }
    // Every pooled connection is back on the default search path.
    for _ in 0..3 {
        let mut conn = pool.acquire().await.unwrap();
        let path: String = sqlx::query_scalar("SHOW search_path")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(path, "\"$user\", public");
    }
}

async fn set_status(pool: &PgPool, slug: &str, status: &str, trial_ends: &str) {
    sqlx::query(&format!(
        "UPDATE tenants SET status = $1, trial_ends_at = {trial_ends} WHERE slug = $2"
    ))
    .bind(status)
    .bind(slug)
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn tenant_status_gates_access() {
    let pool = migrated_pool().await;
    tenancy::provision(&pool, "Gated", "gated").await.unwrap();
    assert_eq!(
        slug_ctx(&pool, "gated").await.unwrap().access(),
        Access::ReadWrite
    );

    set_status(&pool, "gated", "past_due", "NULL").await;
    let ctx = slug_ctx(&pool, "gated").await.unwrap();
    assert_eq!(ctx.access(), Access::ReadOnly);
    let mut tx = ctx.read(&pool).await.unwrap();
    sqlx::query("SELECT count(*) FROM products")
        .execute(&mut *tx)
        .await
        .unwrap();
    drop(tx);
    assert!(matches!(
        ctx.write(&pool).await,
        Err(AppError::ReadOnly { .. })
    ));

    for status in ["suspended", "cancelled"] {
        set_status(&pool, "gated", status, "NULL").await;
        assert!(
            matches!(slug_ctx(&pool, "gated").await, Err(AppError::Locked { .. })),
            "{status}"
        );
    }
    set_status(&pool, "gated", "trial", "now() - interval '1 minute'").await;
    assert!(matches!(
        slug_ctx(&pool, "gated").await,
        Err(AppError::BillingRequired { .. })
    ));
    set_status(&pool, "gated", "active", "now() - interval '1 minute'").await;
    assert!(
        slug_ctx(&pool, "gated").await.is_ok(),
        "a paying tenant's old trial date does not matter"
    );

    let user = common::member_of(&pool, "gated", "viewer").await;
    let unknown = TenantKey::Slug(Slug::parse("nobody-here").unwrap());
    assert!(matches!(
        tenancy::resolve(&pool, &unknown, user).await,
        Err(AppError::NotFound { .. })
    ));
    let id = uuid::Uuid::new_v4();
    assert!(matches!(
        tenancy::resolve(&pool, &TenantKey::Id(id), user).await,
        Err(AppError::NotFound { .. })
    ));
}

#[tokio::test]
async fn deleted_tenants_are_gone_at_once_and_purged_later() {
    let pool = migrated_pool().await;
    let t = tenancy::provision(&pool, "Leaving", "leaving")
        .await
        .unwrap()
        .tenant;
    let user = common::member_of(&pool, "leaving", "owner").await;
    tenancy::delete(&pool, &Slug::parse("leaving").unwrap())
        .await
        .unwrap();
    let key = TenantKey::Slug(Slug::parse("leaving").unwrap());
    assert!(matches!(
        tenancy::resolve(&pool, &key, user).await,
        Err(AppError::NotFound { .. })
    ));
    assert_eq!(schema_count(&pool).await, 1, "data kept until the purge");

    let purged = tenancy::purge_deleted(&pool, time::Duration::days(30))
        .await
        .unwrap();
    assert!(purged.is_empty(), "too recent to purge");
    let purged = tenancy::purge_deleted(&pool, time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(purged, vec!["leaving".to_owned()]);
    assert_eq!(schema_count(&pool).await, 0);
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE tenant_id = $1 ORDER BY id")
            .bind(t.id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(audit, ["tenant.created", "tenant.deleted", "tenant.purged"]);
    let members: i64 = sqlx::query_scalar("SELECT count(*) FROM memberships WHERE tenant_id = $1")
        .bind(t.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(members, 0, "memberships go with the purged tenant");
}

#[tokio::test]
async fn template_fan_out_reaches_every_schema_resumes_and_reports_failures() {
    let pool = migrated_pool().await;
    const TENANTS: usize = 200;
    for i in 0..TENANTS {
        tenancy::provision(&pool, &format!("Fleet {i}"), &format!("fleet-{i:03}"))
            .await
            .unwrap();
    }
    // One schema is broken: the new migration cannot apply there.
    let broken = slug_ctx(&pool, "fleet-007")
        .await
        .unwrap()
        .tenant()
        .schema
        .clone();
    sqlx::query(&format!("DROP TABLE {}.products CASCADE", broken.quoted()))
        .execute(&pool)
        .await
        .unwrap();

    let v2 = template(&[(
        "9000_products_barcode.sql",
        "ALTER TABLE products ADD COLUMN barcode text;",
    )])
    .await;
    assert_eq!(
        template::count_behind(&pool, &v2).await.unwrap(),
        TENANTS as i64
    );

    // Interrupt the first run after some schemas are done.
    let done = Arc::new(AtomicUsize::new(0));
    let interrupted = {
        let counter = done.clone();
        let run = template::migrate_all(&pool, &v2, 4, move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        tokio::select! {
            _ = run => false,
            _ = async { while done.load(Ordering::SeqCst) < 40 { tokio::task::yield_now().await } } => true,
        }
    };
    assert!(interrupted);
    let behind = template::count_behind(&pool, &v2).await.unwrap();
    assert!(
        behind > 0 && behind < TENANTS as i64,
        "{behind} behind after the interruption"
    );

    // The second run resumes; the broken schema is reported, the others succeed.
    let report = template::migrate_all(&pool, &v2, 4, |_| {}).await.unwrap();
    assert_eq!(report.behind, behind as usize);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, "fleet-007");
    assert!(
        report.failed[0].1.contains("products"),
        "{}",
        report.failed[0].1
    );
    assert_eq!(report.migrated, behind as usize - 1);
    assert_eq!(template::count_behind(&pool, &v2).await.unwrap(), 1);

    let ctx = slug_ctx(&pool, "fleet-150").await.unwrap();
    let mut tx = ctx.read(&pool).await.unwrap();
    sqlx::query("SELECT barcode FROM products")
        .execute(&mut *tx)
        .await
        .unwrap();
    let ledger: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY 1")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(ledger.last(), Some(&9000));

    // Nothing to do the third time.
    let report = template::migrate_all(&pool, &v2, 4, |_| {}).await.unwrap();
    assert_eq!(
        (report.behind, report.migrated, report.failed.len()),
        (1, 0, 1)
    );
}

#[tokio::test]
async fn verify_finds_missing_tables_old_versions_and_stray_schemas() {
    let pool = migrated_pool().await;
    tenancy::provision(&pool, "One", "one").await.unwrap();
    let two = tenancy::provision(&pool, "Two", "two")
        .await
        .unwrap()
        .tenant;
    let report = verify::verify(&pool, &TENANT_TEMPLATE).await.unwrap();
    assert!(report.is_clean(), "{:?}", report.problems);
    assert_eq!(report.checked, 2);

    sqlx::query(&format!("DROP TABLE {}.scenarios", two.schema.quoted()))
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("CREATE SCHEMA tenant_00000000000000000000000000000bad")
        .execute(&pool)
        .await
        .unwrap();
    let report = verify::verify(&pool, &TENANT_TEMPLATE).await.unwrap();
    let text = report.problems.join("\n");
    assert!(text.contains("two: table scenarios is missing"), "{text}");
    assert!(
        text.contains("tenant_00000000000000000000000000000bad"),
        "{text}"
    );

    let v2 = template(&[("9000_more.sql", "CREATE TABLE notes (id int);")]).await;
    let report = verify::verify(&pool, &v2).await.unwrap();
    let text = report.problems.join("\n");
    assert!(text.contains("one: table notes is missing"), "{text}");
    assert!(text.contains("one: registry says version"), "{text}");
}

#[tokio::test]
async fn export_and_import_round_trip() {
    let pool = migrated_pool().await;
    tenancy::provision(&pool, "Source Co", "source-co")
        .await
        .unwrap();
    let ctx = slug_ctx(&pool, "source-co").await.unwrap();
    let mut tx = ctx.write(&pool).await.unwrap();
    sqlx::raw_sql(
        "UPDATE company_profile SET legal_name = 'Source Co GmbH', currency = 'CHF';
         INSERT INTO products (sku, name, unit_cost, unit_price) VALUES ('A-1', 'Bracket', 1.25, 3.5), ('B-2', 'Hinge \"quoted\"', 0.4, 1);
         INSERT INTO customers (code, name) VALUES ('C1', 'Buyer AG');
         INSERT INTO sales_orders (number, customer_id, order_date) SELECT 'SO-1', id, '2026-01-05' FROM customers;
         INSERT INTO sales_order_lines (sales_order_id, product_id, quantity, unit_price)
              SELECT o.id, p.id, 10, 3.5 FROM sales_orders o, products p WHERE p.sku = 'A-1';
         INSERT INTO customer_invoices (number, customer_id, sales_order_id, issued_on, due_on, amount)
              SELECT 'INV-1', customer_id, id, '2026-01-06', '2026-02-05', 35 FROM sales_orders;",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let source = Slug::parse("source-co").unwrap();
    let exported = transfer::export(&pool, &source).await.unwrap();
    assert_eq!(exported.tables["products"].len(), 2);
    let json = serde_json::to_string(&exported).unwrap();
    let parsed: transfer::TenantExport = serde_json::from_str(&json).unwrap();

    let copy = transfer::import(&pool, &parsed, Some("copy-co"))
        .await
        .unwrap();
    assert_eq!(copy.name, "Source Co");
    let again = transfer::export(&pool, &Slug::parse("copy-co").unwrap())
        .await
        .unwrap();
    assert_eq!(
        again.tables, exported.tables,
        "identical after the round trip"
    );

    // Importing over an existing tenant is refused and changes nothing.
    let err = transfer::import(&pool, &parsed, Some("copy-co"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
    assert_eq!(schema_count(&pool).await, 2);
    // A file from another schema version is refused.
    let mut old = parsed.clone();
    old.schema_version = 0;
    assert!(matches!(
        transfer::import(&pool, &old, Some("old-co")).await,
        Err(AppError::BadRequest { .. })
    ));
    assert_eq!(schema_count(&pool).await, 2);
}

#[tokio::test]
async fn membership_and_role_decide_what_a_user_may_do() {
    let pool = migrated_pool().await;
    tenancy::provision(&pool, "Roles Co", "roles-co")
        .await
        .unwrap();
    tenancy::provision(&pool, "Elsewhere", "elsewhere")
        .await
        .unwrap();
    let key = TenantKey::Slug(Slug::parse("roles-co").unwrap());

    let viewer = common::member_of(&pool, "roles-co", "viewer").await;
    let ctx = tenancy::resolve(&pool, &key, viewer).await.unwrap();
    assert!(ctx.read(&pool).await.is_ok());
    assert!(
        matches!(ctx.write(&pool).await, Err(AppError::Forbidden)),
        "viewers change nothing"
    );

    let member = common::member_of(&pool, "roles-co", "member").await;
    let ctx = tenancy::resolve(&pool, &key, member).await.unwrap();
    assert!(ctx.write(&pool).await.is_ok());
    assert!(matches!(
        ctx.require(app::accounts::Permission::ManageMembers),
        Err(AppError::Forbidden)
    ));

    // A member of another organization is told this one does not exist.
    let outsider = common::member_of(&pool, "elsewhere", "owner").await;
    assert!(matches!(
        tenancy::resolve(&pool, &key, outsider).await,
        Err(AppError::NotFound { .. })
    ));

    // Removal takes effect on the next call.
    let t = tenancy::resolve(&pool, &key, member)
        .await
        .unwrap()
        .tenant()
        .id;
    sqlx::query("DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2")
        .bind(t)
        .bind(member)
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        tenancy::resolve(&pool, &key, member).await,
        Err(AppError::NotFound { .. })
    ));
}

/// Polls `work` up to `polls` times, letting the runtime run in between, and drops it
/// unless it finished: a request cut off at that point.
async fn cut_off_after<F: Future>(polls: u32, work: F) -> Option<F::Output> {
    let mut work = std::pin::pin!(work);
    for _ in 0..polls {
        if let std::task::Poll::Ready(out) = futures::poll!(work.as_mut()) {
            return Some(out);
        }
        tokio::task::yield_now().await;
    }
    None
}

/// A transaction start that is dropped at any point (a client that disconnects) never
/// hands the next borrower of its connection an open transaction: on a one-connection
/// pool, after every cancelled begin the next statement runs in a fresh transaction.
#[tokio::test]
async fn begins_cancelled_at_any_point_leave_no_transaction_on_the_connection() {
    let pool = migrated_pool().await;
    tenancy::provision(&pool, "Cancel Works", "cancel-works")
        .await
        .unwrap();
    let ctx = slug_ctx(&pool, "cancel-works").await.unwrap();
    let one = PgPoolOptions::new()
        .max_connections(1)
        .connect_with((*pool.connect_options()).clone())
        .await
        .unwrap();

    let mut cancelled = 0;
    for i in 0..300u32 {
        let polls = 1 + i % 4;
        let begun = match i / 4 % 3 {
            0 => cut_off_after(polls, async { ctx.read(&one).await.map(drop) }).await,
            1 => cut_off_after(polls, async { ctx.write(&one).await.map(drop) }).await,
            _ => {
                cut_off_after(polls, async {
                    app::server::db::begin(&one)
                        .await
                        .map(drop)
                        .map_err(AppError::from)
                })
                .await
            }
        };
        match begun {
            Some(result) => result.unwrap(),
            None => cancelled += 1,
        }
        // In a stale transaction now() is its start, before this statement's (a simple
        // query: the extended protocol restamps the statement at each message).
        let row = sqlx::raw_sql("SELECT now() = statement_timestamp()")
            .fetch_one(&one)
            .await
            .unwrap();
        let fresh: bool = sqlx::Row::get(&row, 0);
        assert!(fresh, "begin {i} left its connection in a transaction");
    }
    assert!(cancelled >= 75, "only {cancelled} begins were cancelled");
}
