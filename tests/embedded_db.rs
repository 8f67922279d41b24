//! The embedded cluster: created once, reused, and stopped cleanly.

use std::{path::Path, str::FromStr};

use capliquify::embedded_db::EmbeddedPostgres;
use secrecy::ExposeSecret;
use sqlx::{Connection, PgConnection, postgres::PgConnectOptions};

fn postmaster_running(data_dir: &Path) -> bool {
    data_dir.join("postmaster.pid").exists()
}

async fn connect(pg: &EmbeddedPostgres) -> PgConnection {
    pg.ensure_app_database().await.unwrap();
    let options = PgConnectOptions::from_str(pg.url().expose_secret()).unwrap();
    PgConnection::connect_with(&options).await.unwrap()
}

#[tokio::test]
async fn cluster_is_created_reused_and_stopped() {
    let root = std::env::temp_dir().join(format!("capliquify-embedded-{}", uuid::Uuid::new_v4()));

    let mut pg = tokio::task::spawn_blocking({
        let root = root.clone();
        move || EmbeddedPostgres::start(&root)
    })
    .await
    .unwrap()
    .expect("first start creates the cluster");
    let data_dir = pg.data_dir().to_owned();
    let mut conn = connect(&pg).await;
    sqlx::raw_sql("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')")
        .execute(&mut conn)
        .await
        .unwrap();
    let locks: String = sqlx::query_scalar("SHOW max_locks_per_transaction")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(locks, "1024");
    let listen: String = sqlx::query_scalar("SHOW listen_addresses")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(listen, "127.0.0.1");
    conn.close().await.unwrap();
    tokio::task::spawn_blocking(move || {
        pg.stop().unwrap();
        pg
    })
    .await
    .unwrap();
    assert!(!postmaster_running(&data_dir), "server stopped");

    let pg = tokio::task::spawn_blocking({
        let root = root.clone();
        move || EmbeddedPostgres::start(&root)
    })
    .await
    .unwrap()
    .expect("second start reuses the cluster");
    let mut conn = connect(&pg).await;
    let v: String = sqlx::query_scalar("SELECT v FROM kept")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(v, "still here");
    conn.close().await.unwrap();
    tokio::task::spawn_blocking(move || drop(pg)).await.unwrap();
    assert!(
        !postmaster_running(&data_dir),
        "dropping the handle stops the server"
    );
    std::fs::remove_dir_all(&root).unwrap();
}
