//! CSV import: upload, mapping, a report per row and column, all-or-nothing commit,
//! plan limits, large files, viewers refused, tenants kept apart; imports waiting in
//! their queue, queued twice, or outlived by their starter's membership; numbers read
//! by the organization's format, delimiters and encodings as spreadsheets save them.

mod common;

use common::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn org(app: &TestApp, slug: &str) {
    let res = app
        .call(
            "create_organization",
            &[("name", "Works Ltd"), ("slug", slug)],
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
}

/// Uploads `csv` and returns the job id from the redirect (or the redirect itself).
async fn upload(
    app: &TestApp,
    slug: &str,
    kind: &str,
    csv: impl Into<Vec<u8>>,
) -> Result<String, String> {
    let form = reqwest::multipart::Form::new()
        .text("kind", kind.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into()).file_name("data.csv"),
        );
    let res = app
        .client
        .post(app.url(&format!("/app/{slug}/import")))
        .header("origin", app.origin())
        .multipart(form)
        .send()
        .await
        .unwrap();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    match (res.status(), location) {
        (StatusCode::SEE_OTHER, Some(l)) if l.contains("/import/") => {
            Ok(l.rsplit('/').next().unwrap().to_owned())
        }
        (StatusCode::SEE_OTHER, Some(l)) => Err(l),
        (status, _) => Err(format!("{status}: {}", res.text().await.unwrap())),
    }
}

/// Starts the import and waits for a worker to finish it.
async fn commit(app: &TestApp, slug: &str, id: &str) -> Value {
    let res = app
        .call("commit_import", &[("slug", slug), ("id", id)])
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}: {:?}",
        res.status(),
        res.text().await
    );
    settled(app, slug, id).await
}

/// Waits (up to 30 s) for an import to leave "importing".
async fn settled(app: &TestApp, slug: &str, id: &str) -> Value {
    for _ in 0..300 {
        let view = job(app, slug, id).await;
        if view["status"] != "importing" {
            return view;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("import {id} still running after 30 s");
}

async fn job(app: &TestApp, slug: &str, id: &str) -> Value {
    app.call("get_import", &[("slug", slug), ("id", id)])
        .await
        .json()
        .await
        .unwrap()
}

/// The schema of the organization `slug`.
async fn schema(app: &TestApp, slug: &str) -> String {
    sqlx::query_scalar("SELECT schema_name FROM tenants WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn count(app: &TestApp, slug: &str, table: &str) -> i64 {
    let schema = schema(app, slug).await;
    sqlx::query_scalar(&format!("SELECT count(*) FROM {schema}.{table}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn owner() -> TestApp {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    org(&app, "works").await;
    app
}

#[tokio::test]
async fn a_good_file_is_mapped_checked_and_imported_once() {
    let app = owner().await;
    let csv = "Item SKU,Product name,Category,Unit cost,Unit price,Lead time\n\
               VAL-001,Ball valve,Hydraulics,12.50,24.90,21\n\
               BRG-001,\"Bearing, sealed\",Bearings,\"1,200.00\",1500,14\n";
    let id = upload(&app, "works", "products", csv).await.unwrap();
    let view = job(&app, "works", &id).await;
    assert_eq!(view["status"], "ready", "{view}");
    assert_eq!(view["report"]["rows"], 2);
    assert_eq!(view["mapping"][0], 0);
    assert_eq!(view["preview"][1][1], "Bearing, sealed");
    assert_eq!(
        count(&app, "works", "products").await,
        0,
        "nothing before commit"
    );

    assert_eq!(commit(&app, "works", &id).await["status"], "done");
    assert_eq!(count(&app, "works", "products").await, 2);
    let res = app
        .call("commit_import", &[("slug", "works"), ("id", &id)])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // Stock for those products, with a new location created on the way.
    let stock = "sku,location,on_hand,reserved,reorder_point,safety_stock\nVAL-001,MAIN,120,10,40,20\nBRG-001,EAST,5,,,\n";
    let id = upload(&app, "works", "inventory", stock).await.unwrap();
    assert_eq!(commit(&app, "works", &id).await["status"], "done");
    assert_eq!(count(&app, "works", "inventory_levels").await, 2);
    assert_eq!(count(&app, "works", "locations").await, 2);
}

#[tokio::test]
async fn bad_rows_are_reported_by_row_and_column_and_nothing_is_written() {
    let app = owner().await;
    let csv = "sku,name,unit_cost,unit_price\nA-1,Alpha,1,2\nB 2,,abc,-5\nA-1,Alpha again,1,2\n";
    let id = upload(&app, "works", "products", csv).await.unwrap();
    let view = job(&app, "works", &id).await;
    assert_eq!(view["status"], "failed");
    assert_eq!(view["report"]["error_count"], 5);
    let errors: Vec<(i64, String)> = view["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(errors[0], (2, "SKU".into()));
    assert!(errors.contains(&(2, "Unit cost".into())));
    assert_eq!(errors.last().unwrap(), &(3, "SKU".into()), "the duplicate");
    let res = app
        .call("commit_import", &[("slug", "works"), ("id", &id)])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(count(&app, "works", "products").await, 0);

    // An empty file: a clear message on the upload page.
    let err = upload(&app, "works", "products", Vec::new())
        .await
        .unwrap_err();
    assert!(err.contains("error="), "{err}");
    // Stock for unknown products is refused row by row.
    let id = upload(
        &app,
        "works",
        "inventory",
        "sku,location,on_hand\nNOPE,MAIN,1\n",
    )
    .await
    .unwrap();
    let view = job(&app, "works", &id).await;
    assert!(
        view["report"]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not a product")
    );
}

#[tokio::test]
async fn an_unmapped_column_can_be_mapped_by_hand() {
    let app = owner().await;
    let csv = "code,title,cost,list price\nA-1,Alpha,1,2\n";
    let id = upload(&app, "works", "products", csv).await.unwrap();
    let view = job(&app, "works", &id).await;
    assert_eq!(view["status"], "failed");
    assert_eq!(
        view["report"]["errors"][0]["row"], 0,
        "a required field has no column"
    );
    let form = [
        ("slug", "works"),
        ("id", id.as_str()),
        ("mapping[0]", "0"),
        ("mapping[1]", "1"),
        ("mapping[2]", ""),
        ("mapping[3]", "2"),
        ("mapping[4]", "3"),
        ("mapping[5]", ""),
        ("mapping[6]", ""),
    ];
    let res = app.call("remap_import", &form).await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(job(&app, "works", &id).await["status"], "ready");
    commit(&app, "works", &id).await;
    assert_eq!(count(&app, "works", "products").await, 1);
}

#[tokio::test]
async fn a_large_file_over_the_plan_is_refused_whole() {
    let app = owner().await; // trial: Professional, 5,000 products
    let mut csv = String::from("sku,name,unit_cost,unit_price\n");
    for i in 0..20_000 {
        csv.push_str(&format!("SKU-{i:06},Product {i},1.25,2.50\n"));
    }
    let id = upload(&app, "works", "products", csv).await.unwrap();
    assert_eq!(job(&app, "works", &id).await["report"]["rows"], 20_000);
    let res = app
        .call("commit_import", &[("slug", "works"), ("id", &id)])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "upgrade_required");
    assert_eq!(
        count(&app, "works", "products").await,
        0,
        "nothing half-written"
    );
}

#[tokio::test]
async fn viewers_cannot_import_and_tenants_importing_together_stay_apart() {
    let app = owner().await;
    org(&app, "other").await;
    let viewer = app.other_browser();
    viewer
        .sign_up_verified("Vic Viewer", "vic@example.com")
        .await;
    common::member_role(&app.pool, "works", "vic@example.com", "viewer").await;
    let refused = upload(
        &viewer,
        "works",
        "products",
        "sku,name,unit_cost,unit_price\nA,B,1,2\n",
    )
    .await;
    assert!(refused.unwrap_err().starts_with("403"));

    let file = |prefix: &str| {
        let mut csv = String::from("sku,name,unit_cost,unit_price\n");
        for i in 0..500 {
            csv.push_str(&format!("{prefix}-{i},Item {i},1,2\n"));
        }
        csv
    };
    let (a, b) = tokio::join!(
        upload(&app, "works", "products", file("W")),
        upload(&app, "other", "products", file("O"))
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let (ra, rb) = tokio::join!(commit(&app, "works", &a), commit(&app, "other", &b));
    assert_eq!(
        (ra["status"].as_str(), rb["status"].as_str()),
        (Some("done"), Some("done"))
    );
    let skus = |slug: &'static str| {
        let app = &app;
        async move {
            let page: Value = app
                .call("list_products", &[("slug", slug), ("query[status]", "all")])
                .await
                .json()
                .await
                .unwrap();
            (
                page["total"].as_i64().unwrap(),
                page["rows"][0]["sku"].as_str().unwrap().to_owned(),
            )
        }
    };
    let (wt, ws) = skus("works").await;
    let (ot, os) = skus("other").await;
    assert_eq!((wt, ot), (500, 500));
    assert!(ws.starts_with("W-") && os.starts_with("O-"));
    // One organization's import cannot be read or committed through the other.
    let res = app
        .call("get_import", &[("slug", "other"), ("id", &a)])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn exported_lists_import_into_another_organization_with_the_same_figures() {
    let app = owner().await;
    org(&app, "copy").await;
    app.call("load_sample_data", &[("slug", "works")]).await;
    for kind in [
        "products",
        "inventory",
        "invoices",
        "bills",
        "sales",
        "purchases",
    ] {
        let csv = app.page(&format!("/app/works/export/{kind}.csv")).await;
        let id = upload(&app, "copy", kind, csv)
            .await
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        let view = job(&app, "copy", &id).await;
        assert_eq!(view["status"], "ready", "{kind}: {}", view["report"]);
        assert_eq!(commit(&app, "copy", &id).await["status"], "done", "{kind}");
    }
    let figures = |slug: &'static str| {
        let app = &app;
        async move {
            let d: Value = app
                .call("get_dashboard", &[("slug", slug)])
                .await
                .json()
                .await
                .unwrap();
            (
                d["now"]["receivables"].as_f64().unwrap(),
                d["now"]["payables"].as_f64().unwrap(),
                d["now"]["cogs"].as_f64().unwrap(),
            )
        }
    };
    let (a, b) = (figures("works").await, figures("copy").await);
    assert!(
        (a.0 - b.0).abs() < 0.01 && (a.1 - b.1).abs() < 0.01,
        "{a:?} {b:?}"
    );
    assert!((a.2 - b.2).abs() < 1.0, "cost of goods sold {a:?} {b:?}");
    for table in [
        "customer_invoices",
        "supplier_bills",
        "sales_order_lines",
        "purchase_order_lines",
    ] {
        assert_eq!(
            count(&app, "works", table).await,
            count(&app, "copy", table).await,
            "{table}"
        );
    }
}

#[tokio::test]
async fn an_import_that_fails_in_the_background_writes_nothing_and_says_why() {
    let app = owner().await;
    let id = upload(
        &app,
        "works",
        "products",
        "sku,name,unit_cost,unit_price\nA-1,Alpha,1,2\nB-1,Beta,1,2\n",
    )
    .await
    .unwrap();
    commit(&app, "works", &id).await;
    let stock = upload(
        &app,
        "works",
        "inventory",
        "sku,location,on_hand\nA-1,MAIN,5\nB-1,MAIN,7\n",
    )
    .await
    .unwrap();
    // A product disappears between the check and the write.
    let schema = schema(&app, "works").await;
    sqlx::query(&format!("DELETE FROM {schema}.products WHERE sku = 'B-1'"))
        .execute(&app.pool)
        .await
        .unwrap();
    let view = commit(&app, "works", &stock).await;
    assert_eq!(view["status"], "failed");
    assert!(
        view["report"]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nothing was written")
    );
    assert_eq!(
        count(&app, "works", "inventory_levels").await,
        0,
        "not even the good row"
    );

    // An import cut off mid-way (its process stopped) can be started again.
    let again = upload(
        &app,
        "works",
        "products",
        "sku,name,unit_cost,unit_price\nC-1,Gamma,1,2\n",
    )
    .await
    .unwrap();
    sqlx::query(&format!(
        "UPDATE {schema}.import_jobs SET status = 'importing', progress_at = now() - interval '10 minutes' WHERE id = '{again}'"
    ))
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(job(&app, "works", &again).await["can_import"], true);
    assert_eq!(commit(&app, "works", &again).await["status"], "done");
}

#[tokio::test]
async fn an_import_waits_in_its_queue_and_is_written_once_even_if_queued_twice() {
    let mut app = owner().await;
    app.pause_tenant_work().await;
    let first = upload(
        &app,
        "works",
        "products",
        "sku,name,unit_cost,unit_price\nA-1,Alpha,1,10\n",
    )
    .await
    .unwrap();
    let res = app
        .call("commit_import", &[("slug", "works"), ("id", &first)])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(job(&app, "works", &first).await["status"], "importing");
    assert_eq!(count(&app, "works", "products").await, 0, "no worker yet");
    app.resume_tenant_work();
    assert_eq!(settled(&app, "works", &first).await["status"], "done");
    assert_eq!(count(&app, "works", "products").await, 1);

    // Queued twice (a stalled import started again by hand), written once.
    app.pause_tenant_work().await;
    let second = upload(
        &app,
        "works",
        "products",
        "sku,name,unit_cost,unit_price\nB-1,Beta,1,10\nC-1,Gamma,1,10\n",
    )
    .await
    .unwrap();
    let res = app
        .call("commit_import", &[("slug", "works"), ("id", &second)])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let schema = schema(&app, "works").await;
    sqlx::query(&format!(
        "UPDATE {schema}.import_jobs SET progress_at = now() - interval '10 minutes' WHERE id = '{second}'"
    ))
    .execute(&app.pool)
    .await
    .unwrap();
    let res = app
        .call("commit_import", &[("slug", "works"), ("id", &second)])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let queued: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM underway.task WHERE task_queue_name = 'imports' AND state = 'pending'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(queued, 2);
    app.resume_tenant_work();
    let done = settled(&app, "works", &second).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(count(&app, "works", "products").await, 3);
    let imports_done: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {schema}.import_jobs WHERE status = 'done'"
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(imports_done, 2);
}

#[tokio::test]
async fn an_import_fails_with_a_reason_when_its_starter_left_before_it_was_written() {
    let mut app = owner().await;
    let id = upload(
        &app,
        "works",
        "products",
        "sku,name,unit_cost,unit_price\nA-1,Alpha,1,10\n",
    )
    .await
    .unwrap();
    app.pause_tenant_work().await;
    let res = app
        .call("commit_import", &[("slug", "works"), ("id", &id)])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    sqlx::query(
        "DELETE FROM memberships WHERE user_id = (SELECT id FROM users WHERE email = 'olive@example.com')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.resume_tenant_work();
    let schema = schema(&app, "works").await;
    let report = loop {
        let (status, report): (String, Value) = sqlx::query_as(&format!(
            "SELECT status, report FROM {schema}.import_jobs WHERE id = '{id}'"
        ))
        .fetch_one(&app.pool)
        .await
        .unwrap();
        if status != "importing" {
            assert_eq!(status, "failed");
            break report;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no longer a member"),
        "{report}"
    );
    assert_eq!(count(&app, "works", "products").await, 0);
}

#[tokio::test]
async fn exported_cells_a_spreadsheet_would_run_are_neutralised_and_import_back_unchanged() {
    let app = owner().await;
    org(&app, "copy").await;
    let names = [
        (
            "F-1",
            "=HYPERLINK(\"http://evil.example\",\"open\")",
            "@SUM(A1)",
        ),
        ("F-2", "-2+3", "+cmd|' /C calc'!A0"),
        ("F-3", "Plain valve", "Hydraulics"),
    ];
    let works = schema(&app, "works").await;
    for (sku, name, category) in names {
        sqlx::query(&format!(
            "INSERT INTO {works}.products (sku, name, category, unit_cost, unit_price) VALUES ($1, $2, $3, 12.50, 24.90)"
        ))
        .bind(sku)
        .bind(name)
        .bind(category)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let csv = app.page("/app/works/export/products.csv").await;
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(&rows[0][1], "'=HYPERLINK(\"http://evil.example\",\"open\")");
    assert_eq!(&rows[0][2], "'@SUM(A1)");
    assert_eq!((&rows[1][1], &rows[1][2]), ("'-2+3", "'+cmd|' /C calc'!A0"));
    // Figures leave without trailing zeros, so no cell reads as a thousands group.
    assert_eq!((&rows[2][1], &rows[2][3]), ("Plain valve", "12.5"));

    let id = upload(&app, "copy", "products", csv).await.unwrap();
    assert_eq!(commit(&app, "copy", &id).await["status"], "done");
    let copy = schema(&app, "copy").await;
    let copied: Vec<(String, String, String)> = sqlx::query_as(&format!(
        "SELECT sku, name, category FROM {copy}.products ORDER BY sku"
    ))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let expected: Vec<(String, String, String)> = names
        .iter()
        .map(|(s, n, c)| ((*s).into(), (*n).into(), (*c).into()))
        .collect();
    assert_eq!(copied, expected);
}

/// The upload page's message after a refused upload, decoded.
fn refusal(redirect: &str) -> String {
    let encoded = redirect.split("error=").nth(1).unwrap_or_default();
    url::form_urlencoded::parse(format!("e={encoded}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn files_beyond_the_import_limits_are_refused_before_anything_is_stored() {
    // A header of a million columns, under the default limits.
    let app = owner().await;
    let header: Vec<String> = (0..1_000_000).map(|i| format!("c{i}")).collect();
    let err = upload(&app, "works", "products", header.join(",") + "\n")
        .await
        .unwrap_err();
    assert!(refusal(&err).contains("more than 100 columns"), "{err}");
    assert_eq!(count(&app, "works", "import_jobs").await, 0);

    let app = common::spawn_app_with_settings(
        common::migrated_pool().await,
        &[
            ("IMPORT_MAX_BYTES", "4000"),
            ("IMPORT_MAX_COLUMNS", "6"),
            ("IMPORT_MAX_HEADER_BYTES", "60"),
            ("IMPORT_MAX_CELL_BYTES", "20"),
            ("IMPORT_MAX_ROWS", "3"),
        ],
    )
    .await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    org(&app, "works").await;
    let head = "sku,name,unit_cost,unit_price\n";
    let big = format!("{head}{}", "A-1,Alpha,1,2\n".repeat(400));
    for (file, message) in [
        (big, "larger than 4,000 bytes"),
        (
            "sku,name,unit_cost,unit_price,a,b,c\n".to_owned(),
            "more than 6 columns",
        ),
        (
            format!("sku,name,unit_cost,unit_price,{}\n", "x".repeat(40)),
            "header row is longer than 60 bytes",
        ),
        (
            format!("{head}A-1,{},1,2\n", "n".repeat(21)),
            "row 1 holds a cell longer than 20 bytes",
        ),
        (
            format!("{head}A-1,Alpha,1,2,3,4,5\n"),
            "row 1 has more than 6 columns",
        ),
        (
            format!("{head}{}", "A-1,Alpha,1,2\n".repeat(4)),
            "more than 3 rows",
        ),
    ] {
        let err = upload(&app, "works", "products", file).await.unwrap_err();
        assert!(refusal(&err).contains(message), "{message}: {err}");
    }
    assert_eq!(count(&app, "works", "import_jobs").await, 0);
    // Within every limit it is taken.
    let ok = format!("{head}{}", "A-1,Alpha,1,2\n".repeat(3));
    upload(&app, "works", "products", ok).await.unwrap();
}

#[tokio::test]
async fn abandoned_and_failed_uploads_are_deleted_after_the_retention_period() {
    let app = owner().await;
    let good = "sku,name,unit_cost,unit_price\nA-1,Alpha,1,2\n";
    let bad = "sku,name,unit_cost,unit_price\nA-1,,x,2\n";
    let old_ready = upload(&app, "works", "products", good).await.unwrap();
    let old_failed = upload(&app, "works", "products", bad).await.unwrap();
    let recent = upload(&app, "works", "products", bad).await.unwrap();
    let done = upload(&app, "works", "products", good).await.unwrap();
    assert_eq!(commit(&app, "works", &done).await["status"], "done");
    let works = schema(&app, "works").await;
    sqlx::query(&format!(
        "UPDATE {works}.import_jobs SET created_at = now() - interval '8 days' WHERE id <> $1::uuid"
    ))
    .bind(&recent)
    .execute(&app.pool)
    .await
    .unwrap();

    let deleted = app::workspace::import::retention::sweep(&app.pool, time::Duration::days(7))
        .await
        .unwrap();
    assert_eq!(deleted, 2);
    let left: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT id::text FROM {works}.import_jobs ORDER BY created_at"
    ))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(!left.contains(&old_ready) && !left.contains(&old_failed));
    assert!(left.contains(&recent) && left.contains(&done), "{left:?}");
}

/// Sets the organization's number format on its company profile, as the settings
/// page does.
async fn number_format(app: &TestApp, slug: &str, decimal_separator: &str) {
    let res = app
        .call(
            "save_company_profile",
            &[
                ("slug", slug),
                ("legal_name", "Works Ltd"),
                ("currency", "EUR"),
                ("default_payment_terms_days", "30"),
                ("fiscal_year_start_month", "1"),
                ("decimal_separator", decimal_separator),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let profile: Value = app
        .call("get_company_profile", &[("slug", slug)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["decimal_separator"], decimal_separator);
}

/// (name, unit cost, unit price) of each product, by SKU.
async fn products(app: &TestApp, slug: &str) -> Vec<(String, String, f64, f64)> {
    let schema = schema(app, slug).await;
    sqlx::query_as(&format!(
        "SELECT sku, name, unit_cost::float8, unit_price::float8 FROM {schema}.products ORDER BY sku"
    ))
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// Imports `csv` as products and expects every row written.
async fn import_products(app: &TestApp, slug: &str, csv: impl Into<Vec<u8>>) {
    let id = upload(app, slug, "products", csv).await.unwrap();
    let view = job(app, slug, &id).await;
    assert_eq!(view["status"], "ready", "{}", view["report"]);
    assert_eq!(commit(app, slug, &id).await["status"], "done");
}

fn figures(rows: &[(String, String, f64, f64)]) -> Vec<(&str, f64, f64)> {
    rows.iter()
        .map(|(sku, _, cost, price)| (sku.as_str(), *cost, *price))
        .collect()
}

#[tokio::test]
async fn european_and_us_files_import_the_same_figures_under_their_number_formats() {
    let app = owner().await;
    org(&app, "works-us").await;
    // The format chosen when the organization is created.
    let res = app
        .call(
            "create_organization",
            &[
                ("name", "Werke GmbH"),
                ("slug", "works-eu"),
                ("decimal_separator", ","),
            ],
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    // European Excel: a byte order mark, semicolons, decimal commas, grouping dots.
    import_products(
        &app,
        "works-eu",
        "\u{feff}SKU;Name;Unit cost;Unit price\nA-100;Valve;5,60;1.234,50\nB-200;Pump;\"1.200\";12\n",
    )
    .await;
    let want = [("A-100", 5.6, 1234.5), ("B-200", 1200.0, 12.0)];
    assert_eq!(figures(&products(&app, "works-eu").await), want);

    number_format(&app, "works-us", ".").await;
    import_products(
        &app,
        "works-us",
        "SKU,Name,Unit cost,Unit price\nA-100,Valve,5.60,\"1,234.50\"\nB-200,Pump,\"1,200\",12\n",
    )
    .await;
    assert_eq!(figures(&products(&app, "works-us").await), want);
}

#[tokio::test]
async fn a_decimal_comma_under_the_us_format_is_reported_with_row_and_sku_and_nothing_is_stored() {
    let app = owner().await;
    let csv = "SKU,Name,Unit cost,Unit price\nA-1,Valve,1.00,2\nA-100,Bearing,\"5,60\",9\n";
    let id = upload(&app, "works", "products", csv).await.unwrap();
    let view = job(&app, "works", &id).await;
    assert_eq!(view["status"], "failed", "{view}");
    assert_eq!(view["report"]["error_count"], 1, "{}", view["report"]);
    let error = &view["report"]["errors"][0];
    assert_eq!(error["column"], "Unit cost");
    assert_eq!(
        error["message"],
        "Row 3 (SKU A-100): unit cost \"5,60\" is not a number in the 1,234.56 format; \
         change the number format under Settings or fix the cell"
    );
    let res = app
        .call("commit_import", &[("slug", "works"), ("id", &id)])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(count(&app, "works", "products").await, 0);

    // Under the European format the same file's "1.00" is the one refused.
    number_format(&app, "works", ",").await;
    let id = upload(&app, "works", "products", csv).await.unwrap();
    let view = job(&app, "works", &id).await;
    let message = view["report"]["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "Row 2 (SKU A-1): unit cost \"1.00\" is not a number in the 1.234,56 format"
        ),
        "{message}"
    );
    // An exported stock list ("120.000") reads two ways under it: reported, not 120000.
    let id = upload(
        &app,
        "works",
        "products",
        "SKU,Name,Unit cost,Unit price\nA-1,Valve,120.000,2\n",
    )
    .await
    .unwrap();
    let view = job(&app, "works", &id).await;
    let message = view["report"]["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Row 2 (SKU A-1): unit cost \"120.000\" could be 120000 or 120,"),
        "{message}"
    );
}

#[tokio::test]
async fn windows_1252_tab_separated_files_with_currency_marks_import_right() {
    let app = owner().await;
    // Older Excel on Windows: "é" is byte 0xE9 and "€" byte 0x80, not UTF-8.
    let mut csv = b"SKU\tName\tUnit cost\tUnit price\n".to_vec();
    csv.extend_from_slice(b"A-1\tCaf\xe9 filter\t\x805.60\tEUR 1,234.50\n");
    csv.extend_from_slice(b"A-2\tPlain\t$3\t12.00 USD\n");
    import_products(&app, "works", csv).await;
    let rows = products(&app, "works").await;
    assert_eq!(rows[0].1, "Café filter");
    assert_eq!(figures(&rows), [("A-1", 5.6, 1234.5), ("A-2", 3.0, 12.0)]);

    // A negative in parentheses is read as one, and refused where figures cannot be.
    let id = upload(
        &app,
        "works",
        "products",
        "SKU,Name,Unit cost,Unit price\nA-3,Credit,(12.50),1\n",
    )
    .await
    .unwrap();
    let view = job(&app, "works", &id).await;
    assert_eq!(
        view["report"]["errors"][0]["message"],
        "Unit cost \"(12.50)\" is not a number from 0 to 10000000000",
        "{view}"
    );
}
