//! The tenant app: sample data, the dashboard computed from a tenant's own ledger,
//! viewers read-only, and tenants never seeing each other's rows.

mod common;

use common::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

fn ok(res: &reqwest::Response) -> bool {
    res.status().is_success() || res.status().is_redirection()
}

async fn owner_with(app: &TestApp, slug: &str) {
    let res = app
        .call(
            "create_organization",
            &[("name", "Works Ltd"), ("slug", slug)],
        )
        .await;
    assert!(ok(&res), "{}", res.status());
}

async fn dashboard(app: &TestApp, slug: &str) -> Value {
    let res = app.call("get_dashboard", &[("slug", slug)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn days(tile: &Value) -> f64 {
    tile["value"]
        .as_str()
        .unwrap()
        .trim_end_matches(" days")
        .parse()
        .unwrap_or_else(|_| panic!("{tile}"))
}

#[tokio::test]
async fn sample_data_fills_the_dashboard_once_and_only_for_its_tenant() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    owner_with(&app, "works").await;
    owner_with(&app, "other").await;

    let empty = dashboard(&app, "works").await;
    assert_eq!(empty["empty"], true);
    assert_eq!(empty["can_load_sample"], true);

    let res = app.call("load_sample_data", &[("slug", "works")]).await;
    assert!(ok(&res), "{} {:?}", res.status(), res.text().await);
    let d = dashboard(&app, "works").await;
    assert_eq!(d["empty"], false);
    let tiles = d["tiles"].as_array().unwrap();
    let dso = days(&tiles[1]);
    let dio = days(&tiles[2]);
    let dpo = days(&tiles[3]);
    // A believable manufacturer: customers on 30–60 day terms, some late; about two
    // months of stock; suppliers paid around their terms.
    assert!((20.0..120.0).contains(&dso), "DSO {dso}");
    assert!((20.0..150.0).contains(&dio), "DIO {dio}");
    assert!((15.0..90.0).contains(&dpo), "DPO {dpo}");
    assert_eq!(d["charts"].as_array().unwrap().len(), 4);
    for chart in d["charts"].as_array().unwrap() {
        assert!(chart["svg"].as_str().unwrap().starts_with("<svg"));
    }
    assert!(d["now"]["receivables"].as_f64().unwrap() > 0.0);
    let aging = &d["aging"];
    let overdue: f64 = ["d0_30", "d31_60", "d61_90", "over_90"]
        .iter()
        .map(|k| aging[k].as_f64().unwrap())
        .sum();
    assert!(overdue > 0.0, "some customers pay late");

    let products: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {}.products",
        schema(&app, "works").await
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(products, 200);

    // Once only, and the other organization saw none of it.
    let res = app.call("load_sample_data", &[("slug", "works")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(dashboard(&app, "other").await["empty"], true);
}

async fn schema(app: &TestApp, slug: &str) -> String {
    sqlx::query_scalar("SELECT schema_name FROM tenants WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn viewers_see_the_dashboard_but_cannot_load_data() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    owner_with(&app, "works").await;
    let viewer = app.other_browser();
    viewer
        .sign_up_verified("Vic Viewer", "vic@example.com")
        .await;
    common::member_role(&app.pool, "works", "vic@example.com", "viewer").await;
    let d = dashboard(&viewer, "works").await;
    assert_eq!(d["can_load_sample"], false);
    let res = viewer.call("load_sample_data", &[("slug", "works")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(dashboard(&app, "works").await["empty"], true);
}

#[tokio::test]
async fn the_dashboard_reads_the_ledger_as_entered() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    owner_with(&app, "works").await;
    let s = schema(&app, "works").await;
    // Today's receivables: 3,000 open of 9,000 invoiced in the last 90 days.
    sqlx::raw_sql(&format!(
        "INSERT INTO {s}.customers (code, name) VALUES ('C1', 'Client');
         INSERT INTO {s}.customer_invoices (number, customer_id, issued_on, due_on, paid_on, amount)
         SELECT 'I1', id, current_date - 20, current_date + 10, NULL, 3000 FROM {s}.customers
         UNION ALL
         SELECT 'I2', id, current_date - 40, current_date - 10, current_date - 5, 6000 FROM {s}.customers;"
    ))
    .execute(&app.pool)
    .await
    .unwrap();
    let d = dashboard(&app, "works").await;
    assert_eq!(d["now"]["revenue"], 9000.0);
    assert_eq!(d["now"]["receivables"], 3000.0);
    assert_eq!(d["tiles"][1]["value"], "30 days"); // 3,000 / 9,000 × 90
    assert_eq!(
        d["tiles"][2]["value"], "n/a",
        "no cost of goods sold: no DIO"
    );
}

#[tokio::test]
async fn the_demo_is_created_once_and_its_owner_can_sign_in() {
    let app = spawn_app().await;
    app::workspace::demo::ensure(&app.pool).await.unwrap();
    app::workspace::demo::ensure(&app.pool).await.unwrap();
    let res = app
        .call(
            "log_in",
            &[
                ("email", app::workspace::demo::EMAIL),
                ("password", app::workspace::demo::PASSWORD),
            ],
        )
        .await;
    assert!(ok(&res), "{}", res.status());
    let d = dashboard(&app, "demo").await;
    assert_eq!(d["empty"], false);
    let products: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {}.products",
        schema(&app, "demo").await
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(products, 200, "generated once");
    // Every feature to try, and no trial to run out.
    let (plan, status, comped): (String, String, bool) =
        sqlx::query_as("SELECT plan, status, comped FROM tenants WHERE slug = 'demo'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (plan.as_str(), status.as_str(), comped),
        ("enterprise", "active", true)
    );
    let res = app.call("get_integrations", &[("slug", "demo")]).await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn records(app: &TestApp, slug: &str, kind: &str, query: &[(&str, &str)]) -> Value {
    let mut form: Vec<(String, String)> =
        vec![("slug".into(), slug.into()), ("kind".into(), kind.into())];
    for (k, v) in query {
        form.push((format!("query[{k}]"), (*v).into()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.call("list_records", &form).await;
    assert_eq!(res.status(), StatusCode::OK, "{kind}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn receivables_payables_and_inventory_list_filter_and_page() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    owner_with(&app, "works").await;
    owner_with(&app, "other").await;
    app.call("load_sample_data", &[("slug", "works")]).await;
    let s = schema(&app, "works").await;
    let count = |sql: String| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };

    let open = records(&app, "works", "receivables", &[]).await;
    assert_eq!(
        open["total"].as_i64().unwrap(),
        count(format!(
            "SELECT count(*) FROM {s}.customer_invoices WHERE paid_on IS NULL"
        ))
        .await
    );
    let overdue = records(&app, "works", "receivables", &[("status", "overdue")]).await;
    let overdue_n = count(format!(
        "SELECT count(*) FROM {s}.customer_invoices WHERE paid_on IS NULL AND due_on < current_date"
    ))
    .await;
    assert_eq!(overdue["total"].as_i64().unwrap(), overdue_n);
    assert!(overdue_n > 0);
    assert!(
        !overdue["rows"][0][6].as_str().unwrap().is_empty(),
        "days overdue shown"
    );
    let paid = records(&app, "works", "payables", &[("status", "paid")]).await;
    assert_eq!(
        paid["total"].as_i64().unwrap(),
        count(format!(
            "SELECT count(*) FROM {s}.supplier_bills WHERE paid_on IS NOT NULL"
        ))
        .await
    );
    assert_eq!(paid["rows"].as_array().unwrap().len(), 25);
    assert!(paid["sum"].is_string());

    let stock = records(&app, "works", "inventory", &[]).await;
    assert_eq!(stock["total"], 400, "200 products in two locations");
    let low = records(&app, "works", "inventory", &[("status", "reorder")]).await;
    assert!(low["total"].as_i64().unwrap() < 400);
    let one = records(&app, "works", "inventory", &[("q", "fas-0001")]).await;
    assert_eq!(one["total"], 2);

    assert_eq!(
        records(&app, "other", "receivables", &[("status", "all")]).await["total"],
        0
    );
    let res = app
        .call("list_records", &[("slug", "works"), ("kind", "salaries")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_company_profile_is_validated_and_sets_the_dashboard_currency() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    owner_with(&app, "works").await;
    let save = |currency: &'static str, terms: &'static str| {
        let app = &app;
        async move {
            app.call(
                "save_company_profile",
                &[
                    ("slug", "works"),
                    ("legal_name", "Works GmbH"),
                    ("industry", "Valves"),
                    ("currency", currency),
                    ("default_payment_terms_days", terms),
                    ("fiscal_year_start_month", "4"),
                ],
            )
            .await
        }
    };
    let res = save("euro", "400").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["fields"]["currency"].is_string()
            && body["fields"]["default_payment_terms_days"].is_string()
    );
    assert!(save("usd", "45").await.status().is_success());
    let profile: Value = app
        .call("get_company_profile", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            profile["currency"].as_str(),
            profile["fiscal_year_start_month"].as_i64()
        ),
        (Some("USD"), Some(4))
    );
    app.call("load_sample_data", &[("slug", "works")]).await;
    let d = dashboard(&app, "works").await;
    assert_eq!(d["currency"], "USD", "sample data keeps the profile");
    assert!(d["tiles"][5]["value"].as_str().unwrap().starts_with('$'));

    let viewer = app.other_browser();
    viewer
        .sign_up_verified("Vic Viewer", "vic@example.com")
        .await;
    common::member_role(&app.pool, "works", "vic@example.com", "viewer").await;
    let res = viewer
        .call(
            "save_company_profile",
            &[
                ("slug", "works"),
                ("legal_name", "Hijack"),
                ("currency", "GBP"),
                ("default_payment_terms_days", "30"),
                ("fiscal_year_start_month", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sales_and_purchase_orders_list_with_their_totals() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    owner_with(&app, "works").await;
    app.call("load_sample_data", &[("slug", "works")]).await;
    let s = schema(&app, "works").await;
    let orders: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {s}.sales_orders"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let sales = records(&app, "works", "sales", &[]).await;
    assert_eq!(sales["total"].as_i64().unwrap(), orders);
    assert!(
        sales["rows"][0][4]
            .as_str()
            .unwrap()
            .parse::<i64>()
            .unwrap()
            >= 1,
        "line count"
    );
    let open = records(&app, "works", "sales", &[("status", "open")]).await;
    assert!(open["total"].as_i64().unwrap() < orders);
    let purchases = records(&app, "works", "purchases", &[("status", "billed")]).await;
    assert!(purchases["total"].as_i64().unwrap() > 0);
    assert!(purchases["sum"].is_string());
}

#[tokio::test]
async fn the_onboarding_wizard_keeps_its_step_until_finished() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    let res = app
        .call(
            "create_organization",
            &[
                ("name", "Works Ltd"),
                ("slug", "works"),
                ("industry", "Valves"),
                ("currency", "usd"),
            ],
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let home: Value = app
        .call("get_organization_home", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(home["onboarding_step"], 2, "company done, data next");
    let profile: Value = app
        .call("get_company_profile", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (profile["industry"].as_str(), profile["currency"].as_str()),
        (Some("Valves"), Some("USD"))
    );

    // Sample data from the wizard returns to it.
    let res = app
        .call(
            "load_sample_data",
            &[("slug", "works"), ("next", "/app/works/welcome")],
        )
        .await;
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/app/works/welcome")
    );
    for step in ["3", "4"] {
        app.call("set_onboarding_step", &[("slug", "works"), ("step", step)])
            .await;
    }
    let home: Value = app
        .call("get_organization_home", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(home["onboarding_step"], 4, "resumes where it was left");
    let res = app
        .call("set_onboarding_step", &[("slug", "works"), ("step", "9")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let viewer = app.other_browser();
    viewer
        .sign_up_verified("Vic Viewer", "vic@example.com")
        .await;
    common::member_role(&app.pool, "works", "vic@example.com", "viewer").await;
    let res = viewer
        .call("set_onboarding_step", &[("slug", "works")])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "viewers do not steer setup"
    );
    app.call("set_onboarding_step", &[("slug", "works")]).await;
    let home: Value = app
        .call("get_organization_home", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert!(home["onboarding_step"].is_null(), "finished");

    let res = app
        .call(
            "create_organization",
            &[("name", "Bad"), ("slug", "bad-co"), ("currency", "euros")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
