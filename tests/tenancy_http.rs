//! The tenant context extractor over real HTTP: path, headers, subdomain, refusals.

mod common;

use app::tenancy::{self, TenancyConfig, TenantContext};
use axum::{Router, extract::FromRef, routing::get};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

#[derive(Clone)]
struct State {
    pool: PgPool,
    tenancy: TenancyConfig,
}

impl FromRef<State> for PgPool {
    fn from_ref(s: &State) -> Self {
        s.pool.clone()
    }
}

impl FromRef<State> for TenancyConfig {
    fn from_ref(s: &State) -> Self {
        s.tenancy.clone()
    }
}

async fn whoami(ctx: TenantContext) -> String {
    ctx.tenant().slug.clone()
}

/// Signs the session in as the user in the path (the real sign-in server function is
/// tested in accounts.rs; this router has only the extractor under test).
async fn sign_in_as(
    axum::extract::State(state): axum::extract::State<State>,
    session: tower_sessions::Session,
    axum::extract::Path(user): axum::extract::Path<uuid::Uuid>,
) {
    app::accounts::session::sign_in(&state.pool, &session, user)
        .await
        .unwrap();
}

async fn serve(pool: PgPool) -> String {
    let state = State {
        pool,
        tenancy: TenancyConfig {
            base_domain: Some("capliquify.test".into()),
        },
    };
    let router = Router::new()
        .route("/app/{slug}/whoami", get(whoami))
        .route("/api/whoami", get(whoami))
        .route("/sign-in/{user}", get(sign_in_as))
        .layer(tower_sessions::SessionManagerLayer::new(
            tower_sessions::MemoryStore::default(),
        ))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn requests_resolve_their_tenant_or_are_refused_clearly() {
    let pool = common::migrated_pool().await;
    let acme = tenancy::provision(&pool, "Acme", "acme")
        .await
        .unwrap()
        .tenant;
    tenancy::provision(&pool, "Locked Co", "locked-co")
        .await
        .unwrap();
    sqlx::query("UPDATE tenants SET status = 'suspended' WHERE slug = 'locked-co'")
        .execute(&pool)
        .await
        .unwrap();
    let user = common::member_of(&pool, "acme", "viewer").await;
    sqlx::query("INSERT INTO memberships (tenant_id, user_id, role) SELECT id, $1, 'owner' FROM tenants WHERE slug = 'locked-co'")
        .bind(user)
        .execute(&pool)
        .await
        .unwrap();
    let base = serve(pool).await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();

    let res = client
        .get(format!("{base}/app/acme/whoami"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "no one signed in");
    client
        .get(format!("{base}/sign-in/{user}"))
        .send()
        .await
        .unwrap();

    let get = |path: &str, headers: Vec<(&'static str, String)>| {
        let mut req = client.get(format!("{base}{path}"));
        for (k, v) in headers {
            req = req.header(k, v);
        }
        req.send()
    };

    let res = get("/app/acme/whoami", vec![]).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "acme");

    let res = get("/api/whoami", vec![("x-tenant-slug", "acme".into())])
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), "acme");
    let res = get(
        "/api/whoami",
        vec![("x-organization-id", acme.id.to_string())],
    )
    .await
    .unwrap();
    assert_eq!(res.text().await.unwrap(), "acme");
    let res = get("/api/whoami", vec![("host", "acme.capliquify.test".into())])
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), "acme");

    let res = get("/app/nobody/whoami", vec![]).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = get("/app/locked-co/whoami", vec![]).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "locked");
    assert!(body["message"].as_str().unwrap().contains("suspended"));

    for headers in [
        vec![("x-tenant-slug", "acme'; select 1; --".to_owned())],
        vec![("x-tenant-slug", "ä".repeat(100))],
        vec![("x-organization-id", "not-a-uuid".to_owned())],
        vec![],
    ] {
        let res = get("/api/whoami", headers.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{headers:?}");
        let body: Value = res.json().await.unwrap();
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
}
