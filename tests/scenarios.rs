//! What-if scenarios through the app: the baseline from the sample ledger, saving with
//! lever validation, duplicate, rename conflicts, delete, the CSV export and the gate.

mod common;

use common::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn owner_with_sample() -> TestApp {
    let app = spawn_app().await;
    app.sign_up_verified("Olga", "olga@example.com").await;
    let res = app
        .call(
            "create_organization",
            &[("name", "Works Ltd"), ("slug", "works")],
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    app.call("load_sample_data", &[("slug", "works")]).await;
    app
}

async fn view(app: &TestApp) -> Value {
    let res = app.call("get_scenarios", &[("slug", "works")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn save(
    app: &TestApp,
    name: &str,
    levers: &[(&str, &str)],
    id: Option<&str>,
) -> reqwest::Response {
    let mut form: Vec<(String, String)> = vec![
        ("slug".into(), "works".into()),
        ("name".into(), name.into()),
    ];
    if let Some(id) = id {
        form.push(("id".into(), id.into()));
    }
    for (k, v) in levers {
        form.push((format!("levers[{k}]"), (*v).into()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call("save_scenario", &form).await
}

#[tokio::test]
async fn scenarios_are_saved_compared_duplicated_exported_and_deleted() {
    let app = owner_with_sample().await;
    let v = view(&app).await;
    let base = &v["baseline"];
    let revenue = base["revenue_per_day"].as_f64().unwrap();
    assert!(revenue > 0.0, "the sample has sales: {base}");
    assert!(
        v["baseline_outcome"]["total_cash_effect"]
            .as_f64()
            .unwrap()
            .abs()
            < 1e-6
    );
    assert_eq!(v["can_edit"], true);

    // Collect 10 days faster: 10 days of revenue released.
    let res = save(&app, "Faster collection", &[("dso_days", "-10")], None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let id: String = res.json().await.unwrap();
    let v = view(&app).await;
    let s = &v["scenarios"][0];
    assert_eq!(s["name"], "Faster collection");
    let released = s["outcome"]["cash_from_working_capital"].as_f64().unwrap();
    let expected = revenue * 10.0_f64.min(base["dso"].as_f64().unwrap());
    assert!(
        (released - expected).abs() < 1e-6 * expected.max(1.0),
        "{released} vs {expected}"
    );
    let ccc = s["outcome"]["ccc"].as_f64().unwrap();
    let base_ccc = v["baseline_outcome"]["ccc"].as_f64().unwrap();
    assert!(ccc < base_ccc);

    // Out of range or unreadable levers: field messages, nothing saved.
    let res = save(
        &app,
        "Wild",
        &[("dso_days", "400"), ("price_change_pct", "-95")],
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert!(body["fields"]["levers[dso_days]"].is_string(), "{body}");
    assert!(
        body["fields"]["levers[price_change_pct]"].is_string(),
        "{body}"
    );
    let res = save(&app, "Text", &[("dso_days", "ten")], None).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = save(&app, "  ", &[], None).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(view(&app).await["scenarios"].as_array().unwrap().len(), 1);

    // Duplicate, then a rename onto an existing name is refused.
    let res = app
        .call("duplicate_scenario", &[("slug", "works"), ("id", &id)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let copy: String = res.json().await.unwrap();
    let names: Vec<String> = view(&app).await["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Faster collection", "Faster collection (copy)"]);
    let res = save(
        &app,
        "Faster collection",
        &[("dpo_days", "15")],
        Some(&copy),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = save(
        &app,
        "Pay later, grow",
        &[("dpo_days", "15"), ("sales_growth_pct", "10")],
        Some(&copy),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    // The comparison exports as CSV: the baseline and both scenarios.
    let res = app
        .client
        .get(app.url("/app/works/export/scenarios.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("scenario,dso_change_days"));
    assert!(lines[1].starts_with("Baseline,0.00"));
    assert!(lines[2].starts_with("Faster collection,-10.00"));
    assert!(lines[3].starts_with("\"Pay later, grow\",0.00,0.00,15.00,10.00"));

    let res = app
        .call("delete_scenario", &[("slug", "works"), ("id", &id)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .call("delete_scenario", &[("slug", "works"), ("id", &id)])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(view(&app).await["scenarios"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn viewers_compare_and_starter_plans_see_the_upgrade() {
    let app = owner_with_sample().await;
    save(&app, "Leaner stock", &[("dio_days", "-15")], None).await;
    let viewer = app.other_browser();
    viewer.sign_up_verified("Vic", "vic@example.com").await;
    common::member_role(&app.pool, "works", "vic@example.com", "viewer").await;
    let v: Value = viewer
        .call("get_scenarios", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["can_edit"], false);
    assert_eq!(v["scenarios"][0]["name"], "Leaner stock");
    assert_eq!(
        save(&viewer, "Mine", &[], None).await.status(),
        StatusCode::FORBIDDEN
    );

    sqlx::query("UPDATE tenants SET status = 'active', plan = 'starter' WHERE slug = 'works'")
        .execute(&app.pool)
        .await
        .unwrap();
    let res = app.call("get_scenarios", &[("slug", "works")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["feature"].as_str(), body["plan"].as_str()),
        (Some("what_if"), Some("starter"))
    );
    assert_eq!(
        save(&app, "Blocked", &[], None).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_scenarios_export_neutralises_names_and_keeps_negative_figures() {
    let app = owner_with_sample().await;
    let res = save(&app, "=1+2", &[("dso_days", "-10")], None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = app.page("/app/works/export/scenarios.csv").await;
    let line = csv.lines().nth(2).unwrap();
    assert!(line.starts_with("'=1+2,-10.00,"), "{csv}");
}
