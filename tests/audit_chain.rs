//! The audit log's hash chain: intact after real activity and concurrent writers,
//! broken by an edited or a deleted record.

mod common;

use app::server::{
    audit::{self, Actor},
    audit_chain::{Broken, verify},
};
use common::{migrated_pool, spawn_app};

#[tokio::test]
async fn activity_and_concurrent_writers_keep_the_chain_intact() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    app.call(
        "create_organization",
        &[("name", "Works Ltd"), ("slug", "works")],
    )
    .await;
    let writers: Vec<_> = (0..20)
        .map(|i| {
            let pool = app.pool.clone();
            tokio::spawn(async move {
                audit::record(
                    &pool,
                    Actor::Anonymous,
                    None,
                    "bench.write",
                    &format!("w{i}"),
                    None,
                )
                .await
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap().unwrap();
    }
    let verified = verify(&app.pool).await.unwrap();
    assert_eq!(verified.broken, None);
    let records: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(verified.records, records);
    assert!(records >= 23);
    let max_seq: i64 = sqlx::query_scalar("SELECT max(chain_seq) FROM audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(max_seq, records, "one position per record, no gaps");
}

async fn three_records() -> sqlx::PgPool {
    let pool = migrated_pool().await;
    for target in ["first", "second", "third"] {
        audit::record(&pool, Actor::Cli, None, "test.action", target, None)
            .await
            .unwrap();
    }
    pool
}

#[tokio::test]
async fn an_edited_record_is_detected() {
    let pool = three_records().await;
    sqlx::query("UPDATE audit_log SET target = 'forged' WHERE target = 'second'")
        .execute(&pool)
        .await
        .unwrap();
    let verified = verify(&pool).await.unwrap();
    assert!(
        matches!(verified.broken, Some(Broken::Altered { chain_seq: 2, .. })),
        "{verified:?}"
    );
}

#[tokio::test]
async fn a_deleted_record_is_detected() {
    let pool = three_records().await;
    sqlx::query("DELETE FROM audit_log WHERE target = 'second'")
        .execute(&pool)
        .await
        .unwrap();
    let verified = verify(&pool).await.unwrap();
    assert!(
        matches!(verified.broken, Some(Broken::Gap { chain_seq: 3, .. })),
        "{verified:?}"
    );
}

#[tokio::test]
async fn records_written_before_the_chain_join_it() {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_with(common::fresh_database().await)
        .await
        .unwrap();
    // The platform as it was before the chain: migrations up to 0006.
    let before = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir("migrations/platform").unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        if name.as_str() < "0007" {
            std::fs::copy(entry.path(), before.path().join(&name)).unwrap();
        }
    }
    sqlx::migrate::Migrator::new(before.path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    for target in ["a", "b", "c"] {
        sqlx::query(
            "INSERT INTO audit_log (actor_kind, action, target) VALUES ('cli', 'old.action', $1)",
        )
        .bind(target)
        .execute(&pool)
        .await
        .unwrap();
    }
    app::server::db::migrate_platform(&pool).await.unwrap();
    audit::record(&pool, Actor::Cli, None, "new.action", "d", None)
        .await
        .unwrap();
    let verified = verify(&pool).await.unwrap();
    assert_eq!((verified.records, verified.broken), (4, None));
}
