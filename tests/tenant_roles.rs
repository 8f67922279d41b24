//! Each tenant's PostgreSQL role: inside a tenant transaction PostgreSQL itself refuses
//! other tenants' schemas and the platform's tables; roles come and go with their
//! tenants, the fan-out gives one to a tenant that lacks it, and verify checks them.

mod common;

use app::tenancy::{
    self, SchemaName, Slug, TenantKey,
    template::{self, TENANT_TEMPLATE},
    verify,
};
use common::migrated_pool;
use sqlx::PgPool;

async fn ctx(pool: &PgPool, slug: &str) -> tenancy::TenantContext {
    let user = common::member_of(pool, slug, "owner").await;
    tenancy::resolve(pool, &TenantKey::Slug(Slug::parse(slug).unwrap()), user)
        .await
        .unwrap()
}

async fn role_exists(pool: &PgPool, schema: &SchemaName) -> bool {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
        .bind(schema.as_str())
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn refused(tx: &mut tenancy::TenantTx, sql: &str) -> String {
    let err = sqlx::query(sql)
        .execute(&mut **tx)
        .await
        .expect_err(sql)
        .to_string();
    assert!(err.contains("permission denied"), "{sql}: {err}");
    err
}

#[tokio::test]
async fn postgres_refuses_other_tenants_and_platform_tables() {
    let pool = migrated_pool().await;
    let a = tenancy::provision(&pool, "A", "role-a")
        .await
        .unwrap()
        .tenant;
    let b = tenancy::provision(&pool, "B", "role-b")
        .await
        .unwrap()
        .tenant;
    let ctx_a = ctx(&pool, "role-a").await;

    let mut tx = ctx_a.read(&pool).await.unwrap();
    let (user, own): (String, i64) =
        sqlx::query_as("SELECT current_user::text, (SELECT count(*) FROM products)")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(
        user,
        a.schema.as_str(),
        "the transaction acts as the tenant"
    );
    assert_eq!(own, 0);
    let other = format!("SELECT count(*) FROM {}.products", b.schema.quoted());
    refused(&mut tx, &other).await;
    drop(tx);

    for platform in [
        "SELECT count(*) FROM public.users",
        "SELECT count(*) FROM public.tenants",
        "SELECT count(*) FROM public.memberships",
    ] {
        let mut tx = ctx_a.read(&pool).await.unwrap();
        refused(&mut tx, platform).await;
    }

    let mut tx = ctx_a.write(&pool).await.unwrap();
    let write = format!(
        "INSERT INTO {}.locations (code, name) VALUES ('X', 'X')",
        b.schema.quoted()
    );
    refused(&mut tx, &write).await;
    drop(tx);

    // The role lasts as long as the transaction: the connection is the platform's again.
    let user: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_ne!(user, a.schema.as_str());
}

#[tokio::test]
async fn roles_come_and_go_with_their_tenants() {
    let pool = migrated_pool().await;
    let t = tenancy::provision(&pool, "Brief", "role-brief")
        .await
        .unwrap()
        .tenant;
    assert!(role_exists(&pool, &t.schema).await);
    tenancy::delete(&pool, &Slug::parse("role-brief").unwrap())
        .await
        .unwrap();
    assert!(role_exists(&pool, &t.schema).await, "kept until the purge");
    tenancy::purge_deleted(&pool, time::Duration::ZERO)
        .await
        .unwrap();
    assert!(!role_exists(&pool, &t.schema).await);
}

#[tokio::test]
async fn verify_reports_role_problems_and_migrate_restores_a_missing_role() {
    let pool = migrated_pool().await;
    let one = tenancy::provision(&pool, "One", "role-one")
        .await
        .unwrap()
        .tenant;
    let two = tenancy::provision(&pool, "Two", "role-two")
        .await
        .unwrap()
        .tenant;
    let three = tenancy::provision(&pool, "Three", "role-three")
        .await
        .unwrap()
        .tenant;
    let report = verify::verify(&pool, &TENANT_TEMPLATE).await.unwrap();
    assert!(report.is_clean(), "{:?}", report.problems);

    let (s1, s2, s3) = (
        one.schema.quoted(),
        two.schema.quoted(),
        three.schema.quoted(),
    );
    for sql in [
        format!("REVOKE ALL ON {s2}.products FROM {s2}"),
        format!("GRANT USAGE ON SCHEMA {s2} TO {s1}"),
        format!("GRANT SELECT ON public.users TO {s1}"),
        format!("DROP OWNED BY {s3}"),
        format!("DROP ROLE {s3}"),
    ] {
        sqlx::query(&sql).execute(&pool).await.unwrap();
    }
    let report = verify::verify(&pool, &TENANT_TEMPLATE).await.unwrap();
    let text = report.problems.join("\n");
    assert!(
        text.contains(&format!(
            "role-two: role {} lacks rights on table products",
            two.schema
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("schema {} is open to {}", two.schema, one.schema)),
        "{text}"
    );
    assert!(
        text.contains(&format!("table public.users is open to {}", one.schema)),
        "{text}"
    );
    assert!(
        text.contains(&format!("role-three: role {} is missing", three.schema)),
        "{text}"
    );

    // Tenants made before roles existed, or whose role was lost, get one from migrate.
    assert_eq!(
        template::count_behind(&pool, &TENANT_TEMPLATE)
            .await
            .unwrap(),
        1
    );
    let report = template::migrate_all(&pool, &TENANT_TEMPLATE, 2, |_| {})
        .await
        .unwrap();
    assert_eq!((report.behind, report.migrated), (1, 1));
    assert!(role_exists(&pool, &three.schema).await);
    let ctx = ctx(&pool, "role-three").await;
    let mut tx = ctx.read(&pool).await.unwrap();
    sqlx::query("SELECT count(*) FROM products")
        .execute(&mut *tx)
        .await
        .unwrap();
}

#[tokio::test]
async fn tables_a_template_migration_adds_are_the_tenants() {
    let pool = migrated_pool().await;
    tenancy::provision(&pool, "Grows", "role-grows")
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("capliquify-template-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/tenant");
    for entry in std::fs::read_dir(real).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    std::fs::write(
        dir.join("9000_notes.sql"),
        "CREATE TABLE notes (id serial PRIMARY KEY, body text);",
    )
    .unwrap();
    let v2 = sqlx::migrate::Migrator::new(dir.as_path()).await.unwrap();
    let report = template::migrate_all(&pool, &v2, 1, |_| {}).await.unwrap();
    assert_eq!(report.migrated, 1);

    let ctx = ctx(&pool, "role-grows").await;
    let mut tx = ctx.write(&pool).await.unwrap();
    sqlx::query("INSERT INTO notes (body) VALUES ('kept')")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let report = verify::verify(&pool, &v2).await.unwrap();
    assert!(report.is_clean(), "{:?}", report.problems);
}
