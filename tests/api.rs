//! The REST API: keys resolve their own tenant and no other, revoked keys fail at once,
//! read keys cannot write, the per-key rate limit answers 429 with Retry-After, calls
//! are counted, plans without integrations get the upgrade answer, the OpenAPI document
//! parses and matches the routes; stored credentials are sealed.

mod common;

use app::integrations::{crypto::Cipher, openapi::ENDPOINTS};
use common::{TestApp, spawn_app_with_settings};
use reqwest::StatusCode;
use serde_json::{Value, json};

const KEY: &str = "q8Jd2mM3kQ7v9Vx1c4Zr0bN5sT6yW8eA1uI3oP5lK7g=";

/// Two Enterprise organizations, "works" (with the sample data) and "other", owned by
/// the returned browser.
async fn two_tenants(rate: &str) -> TestApp {
    let app = spawn_app_with_settings(
        common::migrated_pool().await,
        &[("API_RATE_LIMIT_PER_MINUTE", rate), ("ENCRYPTION_KEY", KEY)],
    )
    .await;
    app.sign_up_verified("Olga", "olga@example.com").await;
    for (name, slug) in [("Works Ltd", "works"), ("Other Co", "other")] {
        let res = app
            .call("create_organization", &[("name", name), ("slug", slug)])
            .await;
        assert!(res.status().is_success() || res.status().is_redirection());
    }
    app.call("load_sample_data", &[("slug", "works")]).await;
    sqlx::query("UPDATE tenants SET status = 'active', plan = 'enterprise'")
        .execute(&app.pool)
        .await
        .unwrap();
    app
}

async fn key(app: &TestApp, slug: &str, scope: &str) -> (String, String) {
    let res = app
        .call(
            "create_api_key",
            &[("slug", slug), ("name", "sync"), ("scope", scope)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let k: Value = res.json().await.unwrap();
    (
        k["key"].as_str().unwrap().to_owned(),
        k["id"].as_str().unwrap().to_owned(),
    )
}

async fn get(app: &TestApp, key: Option<&str>, path: &str) -> reqwest::Response {
    let mut req = common::api_client().get(app.url(&format!("/api/v1{path}")));
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    req.send().await.unwrap()
}

async fn post(app: &TestApp, key: &str, path: &str, body: &Value) -> reqwest::Response {
    common::api_client()
        .post(app.url(&format!("/api/v1{path}")))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn skus(app: &TestApp, key: &str) -> Vec<String> {
    let res = get(app, Some(key), "/products?per_page=200").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_key_reads_its_own_tenant_only_writes_only_with_write_scope_and_dies_when_revoked() {
    let app = two_tenants("1000").await;
    let (works_read, works_read_id) = key(&app, "works", "read").await;
    let (works_write, _) = key(&app, "works", "read_write").await;
    let (other_read, _) = key(&app, "other", "read").await;

    let works = skus(&app, &works_read).await;
    assert!(!works.is_empty());
    assert!(
        skus(&app, &other_read).await.is_empty(),
        "the other organization has no products"
    );
    // Naming another organization does not switch the key's tenant.
    let res = common::api_client()
        .get(app.url("/api/v1/products"))
        .bearer_auth(&other_read)
        .header("x-tenant-slug", "works")
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["total"], 0);

    for (key, status) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some("cql_not-a-key"), StatusCode::UNAUTHORIZED),
        (Some("Basic abc"), StatusCode::UNAUTHORIZED),
    ] {
        let res = get(&app, key, "/products").await;
        assert_eq!(res.status(), status);
        if key.is_none() {
            assert_eq!(res.headers()["www-authenticate"], "Bearer");
        }
    }

    // Writing: refused to a read key, accepted with a write key, validated.
    let product = json!({ "sku": "API-1", "name": "Flange", "unit_cost": 2.5, "unit_price": 4 });
    let res = post(&app, &works_read, "/products", &product).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!skus(&app, &works_read).await.contains(&"API-1".to_owned()));
    let res = post(&app, &works_write, "/products", &product).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(skus(&app, &works_read).await.contains(&"API-1".to_owned()));
    let res = post(
        &app,
        &works_write,
        "/products",
        &json!({ "sku": "", "name": "x", "unit_cost": -1, "unit_price": 1 }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = common::api_client()
        .post(app.url("/api/v1/products"))
        .bearer_auth(&works_write)
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        get(&app, Some(&works_read), "/products?per_page=0")
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );

    // Search: any case, and `%` is a character, not a wildcard.
    let first = works[0].to_lowercase();
    let found: Value = get(&app, Some(&works_read), &format!("/products?q={first}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["data"][0]["sku"], works[0].as_str());
    let none: Value = get(&app, Some(&works_read), "/products?q=%25")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["total"], 0);

    // Every endpoint answers for a key of an Enterprise tenant.
    for path in [
        "/inventory",
        "/sales",
        "/purchases",
        "/invoices",
        "/metrics",
        "/forecasts",
    ] {
        assert_eq!(
            get(&app, Some(&works_read), path).await.status(),
            StatusCode::OK,
            "{path}"
        );
    }
    let metrics: Value = get(&app, Some(&works_read), "/metrics")
        .await
        .json()
        .await
        .unwrap();
    assert!(metrics["revenue"].as_f64().unwrap() > 0.0);

    // Revoked: refused at the very next request.
    let res = app
        .call(
            "revoke_api_key",
            &[("slug", "works"), ("id", &works_read_id)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        get(&app, Some(&works_read), "/products").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&app, Some(&works_write), "/products").await.status(),
        StatusCode::OK
    );

    // Usage: every authenticated call counted, per tenant.
    let calls: i64 = sqlx::query_scalar(
        "SELECT calls FROM api_usage u JOIN tenants t ON t.id = u.tenant_id WHERE t.slug = 'works'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(calls >= 14, "{calls}");
    let page: Value = app
        .call("get_integrations", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["calls_this_month"], calls);
    assert!(
        page["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["last_used"].is_string())
    );
    assert!(
        !page.to_string().contains(&works_write),
        "a key is never shown again"
    );
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT key_hash FROM api_keys")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(stored.iter().all(|h| h.len() == 32));
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after_and_plans_without_the_api_are_told_how_to_upgrade()
 {
    let app = two_tenants("3").await;
    let (k, _) = key(&app, "works", "read").await;
    for _ in 0..3 {
        assert_eq!(
            get(&app, Some(&k), "/metrics").await.status(),
            StatusCode::OK
        );
    }
    let res = get(&app, Some(&k), "/metrics").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another key has its own allowance.
    let (other, _) = key(&app, "other", "read").await;
    assert_eq!(
        get(&app, Some(&other), "/metrics").await.status(),
        StatusCode::OK
    );

    sqlx::query("UPDATE tenants SET plan = 'professional' WHERE slug = 'other'")
        .execute(&app.pool)
        .await
        .unwrap();
    let res = get(&app, Some(&other), "/products").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "upgrade_required");
    assert_eq!(body["feature"], "api_integrations");
    assert_eq!(body["plan"], "professional");
    assert_eq!(body["upgrade_url"], "/app/other/billing");
    // The app says the same, and keys cannot be made.
    let res = app
        .call(
            "create_api_key",
            &[("slug", "other"), ("name", "x"), ("scope", "read")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_openapi_document_parses_and_matches_the_routes() {
    let app = two_tenants("1000").await;
    let res = get(&app, None, "/openapi.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    let doc: openapiv3::OpenAPI = serde_json::from_str(&text).expect("a valid OpenAPI 3 document");
    assert_eq!(doc.openapi, "3.0.3");
    let raw: Value = serde_json::from_str(&text).unwrap();
    // Every $ref points at a schema that exists.
    for r in text.match_indices("#/components/schemas/") {
        let name: String = text[r.0 + 21..]
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        assert!(raw["components"]["schemas"][&name].is_object(), "{name}");
    }
    let (write, _) = key(&app, "works", "read_write").await;
    let mut documented = 0;
    for (path, item) in raw["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented += 1;
            let url = app.url(&format!("/api/v1{path}"));
            let req = match method.as_str() {
                "get" => common::api_client().get(url),
                "post" => common::api_client().post(url).json(&json!({})),
                other => panic!("undocumented method {other}"),
            };
            let status = req.bearer_auth(&write).send().await.unwrap().status();
            assert!(
                ![StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&status),
                "{method} {path} answered {status}"
            );
        }
    }
    assert_eq!(
        documented,
        ENDPOINTS.len() + 1,
        "the list and the document agree"
    );
    assert_eq!(
        get(&app, Some(&write), "/customers").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, Some(&write), "/products/x").await.status(),
        StatusCode::NOT_FOUND
    );
    let reference = app.page("/developers/api").await;
    for e in ENDPOINTS {
        assert!(
            reference.contains(&format!("{} /api/v1{}", e.method.to_uppercase(), e.path)),
            "{}",
            e.path
        );
    }
}

#[tokio::test]
async fn stored_credentials_are_sealed_and_never_come_back() {
    let app = two_tenants("1000").await;
    let secret = "s3cr3t-t0ken-value";
    let form = [
        ("slug", "works"),
        ("kind", "netsuite"),
        ("name", "NetSuite production"),
        ("url", "https://acme.suitetalk.api.netsuite.com"),
        ("username", "integration@acme"),
        ("secret", secret),
    ];
    assert_eq!(
        app.call("save_connection", &form).await.status(),
        StatusCode::OK
    );
    let mut bad = form;
    bad[3] = ("url", "http://plain.example.com");
    assert_eq!(
        app.call("save_connection", &bad).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let page = app
        .call("get_integrations", &[("slug", "works")])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("NetSuite production") && page.contains("\"credentials_stored\":true"));
    assert!(!page.contains(secret) && !page.contains("integration@acme"));

    let schema: String = sqlx::query_scalar("SELECT schema_name FROM tenants WHERE slug = 'works'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (id, sealed): (uuid::Uuid, Vec<u8>) = sqlx::query_as(&format!(
        "SELECT id, encrypted_credentials FROM {schema}.integrations"
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_bytes()));
    // With the server's key the server can open it again; bound to its tenant and row.
    let cipher = Cipher::from_base64(KEY).unwrap();
    let tenant: uuid::Uuid = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = 'works'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let plain = cipher
        .open(&sealed, format!("integration:{tenant}:{id}").as_bytes())
        .unwrap();
    let opened: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(opened["secret"], secret);
    assert!(
        cipher
            .open(
                &sealed,
                format!("integration:{tenant}:{}", uuid::Uuid::new_v4()).as_bytes()
            )
            .is_err()
    );
}

#[tokio::test]
async fn only_owners_and_admins_manage_keys_and_connections_of_their_own_organization() {
    let app = two_tenants("1000").await;
    let member = app.other_browser();
    member.sign_up_verified("Mo", "mo@example.com").await;
    common::member_role(&app.pool, "works", "mo@example.com", "member").await;
    let res = member
        .call(
            "create_api_key",
            &[("slug", "works"), ("name", "mine"), ("scope", "read_write")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let form = [
        ("slug", "works"),
        ("kind", "xero"),
        ("name", "Xero"),
        ("url", "https://api.xero.com"),
        ("secret", "s3cret"),
    ];
    assert_eq!(
        member.call("save_connection", &form).await.status(),
        StatusCode::FORBIDDEN
    );
    let page: Value = member
        .call("get_integrations", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["can_manage"], false);
    assert!(
        page["keys"].as_array().unwrap().is_empty(),
        "members do not see keys"
    );

    // A key of one organization cannot be revoked through another.
    let (other_key, other_id) = key(&app, "other", "read").await;
    let res = app
        .call("revoke_api_key", &[("slug", "works"), ("id", &other_id)])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        get(&app, Some(&other_key), "/products").await.status(),
        StatusCode::OK
    );
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM api_keys")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(keys, 1);
}

#[tokio::test]
async fn an_address_guessing_keys_is_refused_before_any_lookup() {
    let app = two_tenants("100").await;
    let (valid, _) = key(&app, "works", "read").await;
    for i in 0..30 {
        let guess = format!("cql_{i:0>43}");
        assert_eq!(
            get(&app, Some(&guess), "/metrics").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let res = get(&app, Some("cql_one_too_many"), "/metrics").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("unknown API keys from this address"),
        "{body}"
    );
    // For the rest of the minute the address is refused, whatever key it sends.
    assert_eq!(
        get(&app, Some(&valid), "/metrics").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Sending no key at all is not guessing.
    assert_eq!(
        get(&app, None, "/openapi.json").await.status(),
        StatusCode::OK
    );
}

/// Clients that hang up mid-request (their requests are dropped wherever they are,
/// `BEGIN` included) leave every pooled connection fit for the next request: after
/// hundreds of cut-off calls, every call succeeds.
#[tokio::test]
async fn clients_that_disconnect_mid_request_leave_no_broken_connection_behind() {
    let app = two_tenants("100000").await;
    let (read, _) = key(&app, "works", "read").await;
    let url = app.url("/api/v1/products?per_page=50");

    let client = common::api_client();
    // How long a call takes here, so that the deadlines below fall before, during and
    // after every stage of its handling whatever the machine's speed.
    let mut took = Vec::new();
    for _ in 0..5 {
        let started = std::time::Instant::now();
        let res = client.get(&url).bearer_auth(&read).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        took.push(started.elapsed());
    }
    took.sort();
    let span = took[2].as_micros() as u64 * 3;
    let mut cut_off = 0;
    for round in 0..100u64 {
        let calls = (0..4u64).map(|i| {
            let deadline = std::time::Duration::from_micros((round * 4 + i) * 7919 % span);
            client.get(&url).bearer_auth(&read).timeout(deadline).send()
        });
        for res in futures::future::join_all(calls).await {
            match res {
                Ok(res) => assert_eq!(res.status(), StatusCode::OK),
                Err(err) if err.is_timeout() => cut_off += 1,
                Err(err) => panic!("{err}"),
            }
        }
    }
    assert!(cut_off > 50, "only {cut_off} calls were cut off");

    let calls = (0..200).map(|_| client.get(&url).bearer_auth(&read).send());
    let statuses: Vec<StatusCode> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|res| res.unwrap().status())
        .collect();
    let failed = statuses.iter().filter(|s| **s != StatusCode::OK).count();
    assert_eq!(failed, 0, "{failed} of 200 calls failed after the cut-offs");
}

#[tokio::test]
async fn an_organization_has_a_limited_number_of_active_keys() {
    let app = spawn_app_with_settings(
        common::migrated_pool().await,
        &[("API_KEYS_PER_ORGANIZATION", "2"), ("ENCRYPTION_KEY", KEY)],
    )
    .await;
    app.sign_up_verified("Olga", "olga@example.com").await;
    app.call(
        "create_organization",
        &[("name", "Works Ltd"), ("slug", "works")],
    )
    .await;
    sqlx::query("UPDATE tenants SET status = 'active', plan = 'enterprise'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, first) = key(&app, "works", "read").await;
    key(&app, "works", "read").await;
    let create = || {
        app.call(
            "create_api_key",
            &[("slug", "works"), ("name", "one more"), ("scope", "read")],
        )
    };
    let res = create().await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("2 active API keys"),
        "{body}"
    );
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM api_keys")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(keys, 2, "nothing was created");
    // A revoked key makes room.
    let res = app
        .call("revoke_api_key", &[("slug", "works"), ("id", &first)])
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(create().await.status(), StatusCode::OK);
}
