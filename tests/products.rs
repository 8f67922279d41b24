//! Products: validation at the fields, search, filters, sorting and pages, editing and
//! deactivation, viewers read-only, the plan's product limit, tenant isolation.

mod common;

use common::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn owner(app: &TestApp, slug: &str) {
    let res = app
        .call(
            "create_organization",
            &[("name", "Works Ltd"), ("slug", slug)],
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
}

async fn save(app: &TestApp, slug: &str, id: Option<&str>, fields: [&str; 6]) -> reqwest::Response {
    let names = [
        "sku",
        "name",
        "category",
        "unit_cost",
        "unit_price",
        "lead_time_days",
    ];
    let mut form: Vec<(String, String)> = vec![("slug".into(), slug.into())];
    if let Some(id) = id {
        form.push(("id".into(), id.into()));
    }
    for (n, v) in names.iter().zip(fields) {
        form.push((format!("input[{n}]"), v.into()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call("save_product", &form).await
}

async fn list(app: &TestApp, slug: &str, query: &[(&str, &str)]) -> Value {
    let mut form: Vec<(String, String)> = vec![("slug".into(), slug.into())];
    for (k, v) in query {
        form.push((format!("query[{k}]"), (*v).into()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.call("list_products", &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn skus(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sku"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn products_are_validated_listed_edited_and_deactivated() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    owner(&app, "works").await;

    let res = save(
        &app,
        "works",
        None,
        ["bad sku!", "", "", "-1", "abc", "9999"],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    for field in ["sku", "name", "unit_cost", "unit_price", "lead_time_days"] {
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    assert_eq!(
        list(&app, "works", &[]).await["total"],
        0,
        "nothing half-saved"
    );

    for (sku, name, cat, cost) in [
        ("VAL-001", "Ball valve", "Hydraulics", "12.50"),
        ("BRG-002", "Roller bearing", "Bearings", "4"),
        ("BRG-001", "Needle bearing", "Bearings", "7.25"),
    ] {
        let res = save(&app, "works", None, [sku, name, cat, cost, "20", "14"]).await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "{}",
            res.status()
        );
    }
    let res = save(&app, "works", None, ["VAL-001", "Copy", "", "1", "2", "3"]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert!(body["fields"]["sku"].as_str().unwrap().contains("already"));

    assert_eq!(
        skus(&list(&app, "works", &[]).await),
        ["BRG-001", "BRG-002", "VAL-001"]
    );
    let by_cost = list(&app, "works", &[("sort", "unit_cost"), ("dir", "desc")]).await;
    assert_eq!(skus(&by_cost), ["VAL-001", "BRG-001", "BRG-002"]);
    assert_eq!(
        skus(&list(&app, "works", &[("q", "roller")]).await),
        ["BRG-002"]
    );
    let bearings = list(&app, "works", &[("category", "Bearings")]).await;
    assert_eq!(bearings["total"], 2);
    assert_eq!(
        bearings["categories"],
        serde_json::json!(["Bearings", "Hydraulics"])
    );

    // Edit, then deactivate: gone from the default list, kept under "all".
    let id = list(&app, "works", &[("q", "VAL-001")]).await["rows"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = save(
        &app,
        "works",
        Some(&id),
        ["VAL-001", "Ball valve DN50", "Hydraulics", "13", "21", "10"],
    )
    .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let res = app
        .call(
            "set_product_active",
            &[("slug", "works"), ("id", &id), ("active", "false")],
        )
        .await;
    assert!(res.status().is_success());
    assert_eq!(list(&app, "works", &[]).await["total"], 2);
    let all = list(&app, "works", &[("status", "all"), ("q", "dn50")]).await;
    assert_eq!(all["rows"][0]["active"], false);
    assert_eq!(all["rows"][0]["unit_cost"], 13.0);
}

#[tokio::test]
async fn pages_hold_twenty_five_products() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    owner(&app, "works").await;
    app.call("load_sample_data", &[("slug", "works")]).await;
    let first = list(&app, "works", &[]).await;
    assert_eq!(
        (first["total"].as_i64(), first["pages"].as_i64()),
        (Some(200), Some(8))
    );
    assert_eq!(first["rows"].as_array().unwrap().len(), 25);
    let last = list(&app, "works", &[("page", "8")]).await;
    assert_eq!(last["rows"].as_array().unwrap().len(), 25);
    assert_ne!(skus(&first), skus(&last));
    let beyond = list(&app, "works", &[("page", "99")]).await;
    assert_eq!(beyond["page"], 8, "clamped to the last page");
}

#[tokio::test]
async fn viewers_read_only_past_due_read_only_and_the_plan_limit() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    owner(&app, "works").await;
    owner(&app, "other").await;
    save(&app, "works", None, ["A-1", "Alpha", "", "1", "2", "3"]).await;

    let viewer = app.other_browser();
    viewer
        .sign_up_verified("Vic Viewer", "vic@example.com")
        .await;
    common::member_role(&app.pool, "works", "vic@example.com", "viewer").await;
    let page = list(&viewer, "works", &[]).await;
    assert_eq!(
        (page["total"].as_i64(), page["can_edit"].as_bool()),
        (Some(1), Some(false))
    );
    let res = save(&viewer, "works", None, ["B-1", "Beta", "", "1", "2", "3"]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let id = page["rows"][0]["id"].as_str().unwrap().to_owned();
    let res = viewer
        .call(
            "set_product_active",
            &[("slug", "works"), ("id", &id), ("active", "false")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The other organization sees none of it, and cannot touch it by id.
    assert_eq!(list(&app, "other", &[]).await["total"], 0);
    let res = app
        .call(
            "set_product_active",
            &[("slug", "other"), ("id", &id), ("active", "false")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Payment overdue: read-only for everyone.
    sqlx::query("UPDATE tenants SET status = 'past_due' WHERE slug = 'works'")
        .execute(&app.pool)
        .await
        .unwrap();
    let res = save(&app, "works", None, ["C-1", "Gamma", "", "1", "2", "3"]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(list(&app, "works", &[]).await["can_edit"], false);

    // A paying Starter organization at its 500-product limit.
    let schema: String = sqlx::query_scalar("SELECT schema_name FROM tenants WHERE slug = 'works'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE tenants SET status = 'active', plan = 'starter' WHERE slug = 'works'")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(&format!(
        "INSERT INTO {schema}.products (sku, name) SELECT 'GEN-' || g, 'Generated ' || g FROM generate_series(1, 499) g"
    ))
    .execute(&app.pool)
    .await
    .unwrap();
    let res = save(
        &app,
        "works",
        None,
        ["OVER-1", "One too many", "", "1", "2", "3"],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "upgrade_required");
    assert!(
        body["message"].as_str().unwrap().contains("500 products"),
        "{body}"
    );
}

#[tokio::test]
async fn lists_export_as_csv_for_members_with_export_rights() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    owner(&app, "works").await;
    save(
        &app,
        "works",
        None,
        ["Q-1", "Valve, \"quoted\"", "Hydraulics", "1.5", "3", "7"],
    )
    .await;

    let res = app
        .client
        .get(app.url("/app/works/export/products.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("works-products.csv")
    );
    let body = res.text().await.unwrap();
    let mut lines = body.lines();
    assert_eq!(
        lines.next(),
        Some("sku,name,category,unit_cost,unit_price,lead_time_days,active")
    );
    assert_eq!(
        lines.next(),
        Some("Q-1,\"Valve, \"\"quoted\"\"\",Hydraulics,1.5,3,7,true")
    );

    for kind in [
        "inventory",
        "customers",
        "suppliers",
        "sales",
        "invoices",
        "purchases",
        "bills",
    ] {
        let res = app
            .client
            .get(app.url(&format!("/app/works/export/{kind}.csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{kind}");
    }
    let res = app
        .client
        .get(app.url("/app/works/export/secrets.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let viewer = app.other_browser();
    viewer
        .sign_up_verified("Vic Viewer", "vic@example.com")
        .await;
    common::member_role(&app.pool, "works", "vic@example.com", "viewer").await;
    let res = viewer
        .client
        .get(viewer.url("/app/works/export/products.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let outsider = app.other_browser();
    outsider
        .sign_up_verified("Out Sider", "out@example.com")
        .await;
    let res = outsider
        .client
        .get(outsider.url("/app/works/export/products.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .other_browser()
        .client
        .get(app.url("/app/works/export/products.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
