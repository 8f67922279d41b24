//! The HTTP foundation: health, readiness, request ids, CSRF, security headers, 404.

mod common;

use std::time::Duration;

use common::{fresh_database, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::postgres::PgPoolOptions;

#[tokio::test]
async fn health_reports_version_and_uptime() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime_s"].is_u64());
}

#[tokio::test]
async fn ready_when_database_is_up_and_migrated() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn not_ready_while_the_database_is_down() {
    // Nothing listens on port 1: the database is unreachable.
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(500))
        .connect_lazy("postgres://nobody:x@127.0.0.1:1/none")
        .unwrap();
    let app = spawn_app_with(pool).await;
    let res = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["reason"], "database unreachable");
    // Liveness does not depend on the database.
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn not_ready_while_migrations_are_pending() {
    let pool = PgPoolOptions::new()
        .connect_with(fresh_database().await)
        .await
        .unwrap();
    let app = spawn_app_with(pool).await;
    let res = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["reason"].as_str().unwrap().contains("pending"),
        "{body}"
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    let id = res.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");

    let res = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "caller-chosen-id-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "caller-chosen-id-42");

    let res = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "bad id; with spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers()["x-request-id"], "bad id; with spaces");
}

const ESTIMATE: &str = "/api/fn/estimate_cycle";
const ESTIMATE_BODY: &str =
    "inputs[annual_revenue]=36500000&inputs[dso]=45&inputs[dio]=60&inputs[dpo]=30";

#[tokio::test]
async fn same_origin_server_function_call_succeeds() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url(ESTIMATE))
        .header("origin", app.origin())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(ESTIMATE_BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["ccc_days"], 75.0);
    assert_eq!(body["cash_tied_up"], 7_500_000.0);
}

#[tokio::test]
async fn cross_origin_server_function_call_is_refused() {
    let app = spawn_app().await;
    for headers in [
        vec![("origin", "https://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("sec-fetch-site", "same-site"),
            ("origin", "http://x.localhost"),
        ],
        vec![],
    ] {
        let mut req = app
            .client
            .post(app.url(ESTIMATE))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(ESTIMATE_BODY);
        for (k, v) in &headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{headers:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "forbidden");
    }
}

#[tokio::test]
async fn invalid_server_function_input_gets_a_field_message() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url(ESTIMATE))
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("inputs[annual_revenue]=-5&inputs[dso]=45&inputs[dio]=60&inputs[dpo]=30")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "validation");
    assert!(body["fields"]["annual_revenue"].is_string(), "{body}");
}

#[tokio::test]
async fn unknown_pages_answer_404_with_a_page() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = res.text().await.unwrap();
    assert!(html.contains("We could not find that page"));
}

#[tokio::test]
async fn home_page_is_rendered_with_a_nonce_policy() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = res.text().await.unwrap();
    assert!(html.contains("Free the cash your factory has tied up"));

    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("page policy names a nonce");
    assert!(nonce.len() >= 16);
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "hydration script carries the response's nonce"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );

    // A second response gets a different nonce.
    let again = app.client.get(app.url("/")).send().await.unwrap();
    assert!(
        !again.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(nonce)
    );
}

#[tokio::test]
async fn non_page_responses_get_the_strict_policy() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(
        res.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
}

/// Every test binary builds many routers in one process while others serve pages; a
/// router being built must not stall a page another one is rendering.
#[test]
fn pages_finish_while_other_routers_are_built() {
    use std::sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    };
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let building = Arc::new(AtomicBool::new(true));
    let builder = std::thread::spawn({
        let building = building.clone();
        move || {
            runtime().block_on(async {
                let pool = common::migrated_pool().await;
                for _ in 0..30 {
                    drop(spawn_app_with(pool.clone()).await);
                }
            });
            building.store(false, Ordering::SeqCst);
        }
    });
    let (pages, stalled) = runtime().block_on(async {
        let app = spawn_app().await;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let (mut pages, mut stalled) = (0, Vec::new());
        while building.load(Ordering::SeqCst) {
            let batch = (0..8).map(|_| async {
                let res = client.get(app.url("/pricing")).send().await?;
                res.text().await
            });
            for result in futures::future::join_all(batch).await {
                pages += 1;
                if let Err(e) = result {
                    stalled.push(e.to_string());
                }
            }
        }
        (pages, stalled)
    });
    builder.join().unwrap();
    assert!(pages > 0, "no page was requested while routers were built");
    assert!(
        stalled.is_empty(),
        "{} of {pages} pages stalled: {stalled:?}",
        stalled.len()
    );
}

#[tokio::test]
async fn the_client_address_comes_from_trusted_proxies_only() {
    // A client that claims 1.1.1.1, behind one proxy that saw 203.0.113.7.
    for (hops, recorded) in [("0", "127.0.0.1"), ("1", "203.0.113.7")] {
        let app = common::spawn_app_with_settings(
            common::migrated_pool().await,
            &[("TRUSTED_PROXY_HOPS", hops)],
        )
        .await;
        let res = app
            .client
            .post(app.url("/api/fn/log_in"))
            .header("origin", app.origin())
            .header("x-forwarded-for", "1.1.1.1, 203.0.113.7")
            .form(&[
                ("email", "nobody@example.com"),
                ("password", "not the password"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let ip: String = sqlx::query_scalar(
            "SELECT host(ip) FROM audit_log WHERE action = 'user.sign_in_failed'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(ip, recorded, "TRUSTED_PROXY_HOPS={hops}");
    }
}
