//! The HTTP stack against hostile or careless clients: return paths that only lead
//! back to this site, one spelling per path before any gate, statuses that say what
//! happened (413, 404), per-address and per-key limits that hold across server
//! processes, timeouts for slow clients, no caching of private responses, and slugs
//! that cannot shadow routes.

mod common;

use std::time::Duration;

use common::{PASSWORD, TestApp, migrated_pool, spawn_app, spawn_app_with_settings};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Sends `request` as written (clients such as reqwest would tidy the path up) and
/// returns what the server answered before closing the connection.
async fn raw(app: &TestApp, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    // The server may answer and close before reading everything (a refused body).
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer))
        .await
        .expect("the server answers and closes the connection");
    String::from_utf8_lossy(&answer).into_owned()
}

fn status_of(answer: &str) -> &str {
    answer.lines().next().unwrap_or_default()
}

fn location(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
}

/// Fixed windows start on the minute: a test that counts calls waits out the last
/// seconds of one, so its calls all land in the same window.
async fn start_of_a_window() {
    let second = time::OffsetDateTime::now_utc().second();
    if second >= 50 {
        tokio::time::sleep(Duration::from_secs(u64::from(61 - second))).await;
    }
}

/// A signed-in owner of the Enterprise organization "acme".
async fn owner_of_acme(app: &TestApp) {
    app.sign_up_verified("Olga Owner", "olga@example.com").await;
    let res = app
        .call("create_organization", &[("name", "Acme"), ("slug", "acme")])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    sqlx::query("UPDATE tenants SET status = 'active', plan = 'enterprise'")
        .execute(&app.pool)
        .await
        .unwrap();
}

async fn api_key(app: &TestApp) -> String {
    let res = app
        .call(
            "create_api_key",
            &[("slug", "acme"), ("name", "sync"), ("scope", "read_write")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let key: Value = res.json().await.unwrap();
    key["key"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn return_paths_lead_only_to_this_site_and_never_break_the_response() {
    let app = spawn_app().await;
    owner_of_acme(&app).await;
    let hostile = [
        "/\t/evil.example",
        "/\r\n/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example",
    ];
    for next in hostile.iter().copied().chain(["/app/acme/products?page=2"]) {
        let browser = app.other_browser();
        let res = browser
            .call(
                "log_in",
                &[
                    ("email", "olga@example.com"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{next:?}");
        let expected = if hostile.contains(&next) {
            "/app"
        } else {
            next
        };
        assert_eq!(location(&res).as_deref(), Some(expected), "{next:?}");
    }
    for next in hostile {
        let res = app
            .call("load_sample_data", &[("slug", "acme"), ("next", next)])
            .await;
        // The sample data goes in once; the redirect is what is checked here.
        assert_ne!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{next:?}");
        if res.status() == StatusCode::OK {
            assert_eq!(location(&res).as_deref(), Some("/app/acme"), "{next:?}");
        }
    }
}

#[tokio::test]
async fn dot_segments_are_resolved_before_the_console_gate() {
    let app = spawn_app().await;
    for (path, canonical) in [
        ("/./admin/tenants", "/admin/tenants"),
        ("/x/../admin", "/admin"),
        ("/%2e/admin/tenants", "/admin/tenants"),
        ("//admin/tenants", "/admin/tenants"),
    ] {
        let answer = raw(
            &app,
            format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                app.addr
            )
            .as_bytes(),
        )
        .await;
        assert!(
            status_of(&answer).contains(" 308 "),
            "{path}: {answer:.300}"
        );
        assert!(
            answer.contains(&format!("location: {canonical}\r\n")),
            "{path}: {answer:.300}"
        );
        let res = app.client.get(app.url(canonical)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{canonical}");
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app().await;
    owner_of_acme(&app).await;
    let key = api_key(&app).await;
    let big = "x".repeat(3 * 1024 * 1024);

    let res = app
        .call("send_contact", &[("name", "A"), ("message", &big)])
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Without a Content-Length the body is counted as it arrives.
    let mut request = format!(
        "POST /api/fn/send_contact HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n{:x}\r\nmessage=",
        big.len() + 8,
        addr = app.addr
    )
    .into_bytes();
    request.extend_from_slice(big.as_bytes());
    request.extend_from_slice(b"\r\n0\r\n\r\n");
    let answer = raw(&app, &request).await;
    assert!(status_of(&answer).contains(" 413 "), "{answer:.300}");

    let res = common::api_client()
        .post(app.url("/api/v1/products"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"sku":"{big}","name":"x","unit_cost":1,"unit_price":2}}"#
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn an_organization_the_visitor_may_not_see_answers_404() {
    let app = spawn_app().await;
    owner_of_acme(&app).await;
    let res = app.client.get(app.url("/app/acme")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let stranger = app.other_browser();
    stranger
        .sign_up_verified("Eve Stranger", "eve@example.com")
        .await;
    for path in ["/app/acme", "/app/acme/products", "/app/no-such-org"] {
        let res = stranger.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn the_api_key_limit_holds_across_server_processes() {
    let pool = migrated_pool().await;
    let settings = [("API_RATE_LIMIT_PER_MINUTE", "4")];
    let one = spawn_app_with_settings(pool.clone(), &settings).await;
    owner_of_acme(&one).await;
    let key = api_key(&one).await;
    // Started after the sign-up, so that its email worker cannot take that email.
    let two = spawn_app_with_settings(pool, &settings).await;
    start_of_a_window().await;
    let mut statuses = Vec::new();
    for app in [&one, &two, &one, &two, &one, &two] {
        let res = common::api_client()
            .get(app.url("/api/v1/products"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429]);
}

#[tokio::test]
async fn signed_out_posts_are_limited_per_address_across_server_processes() {
    let pool = migrated_pool().await;
    let settings = [("PUBLIC_RATE_LIMIT_PER_MINUTE", "3")];
    let one = spawn_app_with_settings(pool.clone(), &settings).await;
    let two = spawn_app_with_settings(pool, &settings).await;
    start_of_a_window().await;
    let attempt = |app: &TestApp, n: usize| {
        let email = format!("nobody{n}@example.com");
        let app = app.other_browser();
        async move {
            app.call("log_in", &[("email", &email), ("password", "wrong")])
                .await
        }
    };
    for (n, app) in [&one, &two, &one].into_iter().enumerate() {
        assert_eq!(
            attempt(app, n).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let refused = attempt(&two, 9).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    let error: Value = refused.json().await.unwrap();
    assert_eq!(error["code"], "rate_limited");
    // Reading pages is not limited.
    let res = one.client.get(one.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn signed_in_members_are_not_held_to_the_signed_out_limit() {
    let app = spawn_app_with_settings(
        migrated_pool().await,
        &[("PUBLIC_RATE_LIMIT_PER_MINUTE", "3")],
    )
    .await;
    start_of_a_window().await;
    app.sign_up_verified("Ada", "ada@example.com").await;
    for _ in 0..5 {
        let res = app.call("get_current_user", &[]).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn slow_clients_are_cut_off() {
    let app = spawn_app_with_settings(
        migrated_pool().await,
        &[("HEADER_TIMEOUT_SECS", "1"), ("BODY_TIMEOUT_SECS", "1")],
    )
    .await;

    // Headers that never end: the connection is closed.
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(closed.is_ok(), "the connection is still open");
    assert!(!String::from_utf8_lossy(&answer).contains(" 200 "));

    // A body that stops arriving: 408.
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(
            format!(
                "POST /api/fn/log_in HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n\
                 email=a",
                addr = app.addr
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(status_of(&answer).contains(" 408 "), "{answer:.300}");
}

#[tokio::test]
async fn private_responses_are_not_stored_by_caches() {
    let app = spawn_app().await;
    owner_of_acme(&app).await;
    let key = api_key(&app).await;
    let no_store = |res: &reqwest::Response| {
        res.headers()
            .get("cache-control")
            .is_some_and(|v| v.to_str().unwrap().contains("no-store"))
    };
    for path in ["/app/acme", "/app/acme/export/products.csv", "/pricing"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(no_store(&res), "{path}");
    }
    let res = app.call("get_current_user", &[]).await;
    assert!(no_store(&res));
    let res = common::api_client()
        .get(app.url("/api/v1/products"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert!(no_store(&res));
    // A visitor without a session gets a cacheable public page.
    let res = common::api_client()
        .get(app.url("/pricing"))
        .send()
        .await
        .unwrap();
    assert!(!no_store(&res));
}

#[tokio::test]
async fn new_organizations_cannot_take_a_route_name() {
    let app = spawn_app().await;
    app.sign_up_verified("Ada", "ada@example.com").await;
    for slug in ["new", "invite", "operators"] {
        let res = app
            .call(
                "create_organization",
                &[("name", "Route Name"), ("slug", slug)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{slug}");
        let error: Value = res.json().await.unwrap();
        assert_eq!(error["code"], "validation", "{slug}");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}
