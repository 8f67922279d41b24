//! Forecasts through the app: a run over the sample catalogue on the job queue,
//! results with accuracy and reorder suggestions, one product's page, validation, roles
//! and the plan gate; runs waiting for a worker, taken up again, or outlived by their
//! starter's membership.

mod common;

use common::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn owner_with_sample(slug: &str) -> TestApp {
    let app = spawn_app().await;
    app.sign_up_verified("Olga", "olga@example.com").await;
    let res = app
        .call(
            "create_organization",
            &[("name", "Works Ltd"), ("slug", slug)],
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let res = app.call("load_sample_data", &[("slug", slug)]).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    app
}

async fn overview(app: &TestApp) -> Value {
    let res = app.call("get_forecasts", &[("slug", "works")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Waits (up to 60 s) for the latest run to finish.
async fn finished(app: &TestApp) -> Value {
    for _ in 0..600 {
        let o = overview(app).await;
        if o["run"]["status"] != "running" {
            return o;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the forecast run did not finish within 60 s");
}

#[tokio::test]
async fn a_run_forecasts_every_product_and_category_with_reorder_suggestions() {
    let app = owner_with_sample("works").await;
    let empty = overview(&app).await;
    assert_eq!(empty["run"], Value::Null);
    assert_eq!(empty["rows"].as_array().unwrap().len(), 0);
    assert_eq!(empty["can_run"], true);

    for (horizon, level) in [("24", "0.95"), ("6", "0.2"), ("6", "1"), ("x", "0.9")] {
        let res = app
            .call(
                "run_forecast",
                &[
                    ("slug", "works"),
                    ("horizon", horizon),
                    ("service_level", level),
                ],
            )
            .await;
        assert!(
            matches!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST
            ),
            "{horizon} {level}: {}",
            res.status()
        );
    }
    assert_eq!(
        overview(&app).await["run"],
        Value::Null,
        "a refused run leaves nothing"
    );

    let res = app
        .call(
            "run_forecast",
            &[
                ("slug", "works"),
                ("horizon", "6"),
                ("service_level", "0.95"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let o = finished(&app).await;
    assert_eq!(o["run"]["status"], "done", "{}", o["run"]);
    let products: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {}.products WHERE active",
        schema(&app).await
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(o["products"].as_i64().unwrap(), products);
    // Every page, 50 products each, sums to the catalogue.
    let mut all = Vec::new();
    for page in 1..=o["pages"].as_u64().unwrap() {
        let res = app
            .call(
                "get_forecasts",
                &[("slug", "works"), ("page", &page.to_string())],
            )
            .await;
        let p: Value = res.json().await.unwrap();
        assert!(p["rows"].as_array().unwrap().len() <= 50);
        all.extend(p["rows"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(all.len() as i64, products);
    let rows = &all;
    assert!(!o["categories"].as_array().unwrap().is_empty());
    assert_eq!(o["run"]["done"], o["run"]["total"]);
    assert_eq!(o["horizon_months"], 6);
    for r in rows {
        let reorder = &r["reorder"];
        for key in [
            "reorder_point",
            "safety_stock",
            "order_quantity",
            "cash_tied_up",
        ] {
            let v = reorder[key].as_f64().unwrap();
            assert!(v.is_finite() && v >= 0.0, "{key} {v} in {r}");
        }
        assert!(
            r["reorder"]["reorder_point"].as_f64().unwrap()
                >= r["reorder"]["lead_time_demand"].as_f64().unwrap()
        );
    }
    // The sample has two years of sales: products are modelled and scored.
    assert!(rows.iter().filter(|r| r["mase"].is_number()).count() > rows.len() / 2);
    let total: f64 = rows
        .iter()
        .map(|r| r["reorder"]["cash_tied_up"].as_f64().unwrap())
        .sum();
    assert!((o["cash_tied_up"].as_f64().unwrap() - total).abs() < 1e-6);

    let id = rows[0]["product_id"].as_str().unwrap();
    let res = app
        .call(
            "get_product_forecast",
            &[("slug", "works"), ("product_id", id)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["points"].as_array().unwrap().len(), 6);
    assert!(p["chart"].as_str().unwrap().contains("<svg"));
    assert!(p["history"].as_array().unwrap().len() >= 12);
    for point in p["points"].as_array().unwrap() {
        let (l, v, u) = (
            point["lower"].as_f64().unwrap(),
            point["value"].as_f64().unwrap(),
            point["upper"].as_f64().unwrap(),
        );
        assert!(l <= v && v <= u, "{point}");
    }

    // A second run replaces the first.
    app.call(
        "run_forecast",
        &[
            ("slug", "works"),
            ("horizon", "12"),
            ("service_level", "0.99"),
        ],
    )
    .await;
    let o = finished(&app).await;
    assert_eq!(o["horizon_months"], 12);
    let runs: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {}.forecast_runs",
        schema(&app).await
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(runs, 1);
}

async fn schema(app: &TestApp) -> String {
    sqlx::query_scalar("SELECT schema_name FROM tenants WHERE slug = 'works'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn viewers_look_and_starter_plans_are_offered_the_upgrade() {
    let app = owner_with_sample("works").await;
    let viewer = app.other_browser();
    viewer.sign_up_verified("Vic", "vic@example.com").await;
    common::member_role(&app.pool, "works", "vic@example.com", "viewer").await;
    assert_eq!(
        viewer
            .call("get_forecasts", &[("slug", "works")])
            .await
            .status(),
        StatusCode::OK
    );
    let res = viewer
        .call(
            "run_forecast",
            &[
                ("slug", "works"),
                ("horizon", "6"),
                ("service_level", "0.95"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    sqlx::query("UPDATE tenants SET status = 'active', plan = 'starter' WHERE slug = 'works'")
        .execute(&app.pool)
        .await
        .unwrap();
    for (name, form) in [
        ("get_forecasts", vec![("slug", "works")]),
        (
            "run_forecast",
            vec![
                ("slug", "works"),
                ("horizon", "6"),
                ("service_level", "0.95"),
            ],
        ),
    ] {
        let res = app.call(name, &form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "upgrade_required");
        assert_eq!(body["feature"], "ai_forecasting");
        assert_eq!(body["plan"], "starter");
        assert_eq!(body["upgrade_url"], "/app/works/billing");
    }
    // An operator's override switches it on for this organization alone.
    sqlx::query(
        "UPDATE tenants SET feature_overrides = '{\"ai_forecasting\": true}' WHERE slug = 'works'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        app.call("get_forecasts", &[("slug", "works")])
            .await
            .status(),
        StatusCode::OK
    );
}

async fn start_run(app: &TestApp) -> StatusCode {
    app.call(
        "run_forecast",
        &[
            ("slug", "works"),
            ("horizon", "6"),
            ("service_level", "0.95"),
        ],
    )
    .await
    .status()
}

/// Result rows of the tenant's runs, and how many distinct series they cover.
async fn result_rows(app: &TestApp) -> (i64, i64) {
    sqlx::query_as(&format!(
        "SELECT count(*), count(DISTINCT (product_id, category)) FROM {}.forecasts",
        schema(app).await
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_run_waits_in_its_queue_until_a_worker_takes_it() {
    let mut app = owner_with_sample("works").await;
    app.pause_tenant_work().await;
    assert_eq!(start_run(&app).await, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let waiting = overview(&app).await;
    assert_eq!(waiting["run"]["status"], "running");
    assert_eq!(waiting["run"]["done"], 0);
    let page = app.page("/app/works/forecasts").await;
    assert!(page.contains("Queued: the run starts as soon as a worker is free."));
    assert_eq!(
        start_run(&app).await,
        StatusCode::CONFLICT,
        "one run at a time"
    );

    app.resume_tenant_work();
    let o = finished(&app).await;
    assert_eq!(o["run"]["status"], "done", "{}", o["run"]);
    assert!(o["products"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn a_run_taken_up_again_after_its_worker_stopped_starts_over() {
    let app = owner_with_sample("works").await;
    assert_eq!(start_run(&app).await, StatusCode::OK);
    let o = finished(&app).await;
    let (rows, series) = result_rows(&app).await;
    assert_eq!(rows, series);
    // As a stopped worker leaves it: still running, part of its results written.
    let schema = schema(&app).await;
    sqlx::raw_sql(&format!(
        "UPDATE {schema}.forecast_runs SET status = 'running', done = 1, finished_at = NULL;
         DELETE FROM {schema}.forecasts WHERE id IN (SELECT id FROM {schema}.forecasts LIMIT 3)"
    ))
    .execute(&app.pool)
    .await
    .unwrap();
    let (tenant, user): (uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "SELECT t.id, u.id FROM tenants t, users u
          WHERE t.slug = 'works' AND u.email = 'olga@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let order = app::forecasting::queue::RunOrder {
        tenant,
        user,
        run: o["run"]["id"].as_str().unwrap().parse().unwrap(),
        horizon: 6,
    };
    app::forecasting::store::execute(&app.pool, &order).await;
    let again = overview(&app).await;
    assert_eq!(again["run"]["status"], "done");
    assert_eq!(
        result_rows(&app).await,
        (rows, series),
        "one result per series"
    );

    // A run that is no longer running is left alone.
    sqlx::query(&format!("DELETE FROM {schema}.forecasts"))
        .execute(&app.pool)
        .await
        .unwrap();
    app::forecasting::store::execute(&app.pool, &order).await;
    assert_eq!(result_rows(&app).await, (0, 0));
}

#[tokio::test]
async fn a_run_fails_with_a_reason_when_its_starter_left_before_it_was_made() {
    let mut app = owner_with_sample("works").await;
    app.pause_tenant_work().await;
    assert_eq!(start_run(&app).await, StatusCode::OK);
    let schema = schema(&app).await;
    sqlx::query(
        "DELETE FROM memberships WHERE user_id = (SELECT id FROM users WHERE email = 'olga@example.com')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.resume_tenant_work();
    let (status, error) = loop {
        let row: (String, Option<String>) =
            sqlx::query_as(&format!("SELECT status, error FROM {schema}.forecast_runs"))
                .fetch_one(&app.pool)
                .await
                .unwrap();
        if row.0 != "running" {
            break row;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(status, "failed");
    assert!(error.unwrap().contains("no longer a member"));
    assert_eq!(result_rows(&app).await, (0, 0));
}

#[tokio::test]
async fn a_run_no_worker_took_in_time_gives_way_to_a_new_one() {
    let mut app = owner_with_sample("works").await;
    app.pause_tenant_work().await;
    assert_eq!(start_run(&app).await, StatusCode::OK);
    let schema = schema(&app).await;
    sqlx::query(&format!(
        "UPDATE {schema}.forecast_runs SET progress_at = now() - interval '3 minutes'"
    ))
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(start_run(&app).await, StatusCode::OK);
    let replaced: (String, String) = sqlx::query_as(&format!(
        "SELECT status, error FROM {schema}.forecast_runs WHERE error IS NOT NULL"
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(replaced.0, "failed");
    assert!(replaced.1.contains("replaced"), "{}", replaced.1);

    // Both jobs are taken; only the new run makes results.
    app.resume_tenant_work();
    let o = finished(&app).await;
    assert_eq!(o["run"]["status"], "done", "{}", o["run"]);
    let (rows, series) = result_rows(&app).await;
    assert_eq!(rows, series);
}
