//! The operators' console: hidden (404) from everyone but an operator past the second
//! factor; TOTP and recovery codes; tenant actions with their effects and audit
//! records; support access; the audit log export; revenue from the subscription
//! history.

mod common;

use app::admin::{operators, totp};
use common::{PASSWORD, TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

const OPERATOR: &str = "ops@capliquify.test";

fn now() -> u64 {
    time::OffsetDateTime::now_utc().unix_timestamp() as u64
}

/// A browser signed in as a new operator, enrolled; returns it and the TOTP secret.
async fn operator(app: &TestApp) -> (TestApp, String) {
    operators::create(&app.pool, OPERATOR, "Olive Ops", PASSWORD.into())
        .await
        .unwrap();
    let ops = app.other_browser();
    let res = ops
        .call(
            "operator/sign_in",
            &[("email", OPERATOR), ("password", PASSWORD)],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let enrolment: Value = ops
        .call("operator/enrolment", &[])
        .await
        .json()
        .await
        .unwrap();
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    assert!(enrolment["qr_svg"].as_str().unwrap().contains("<svg"));
    let code = totp::code_at(&secret, now()).unwrap();
    let res = ops
        .call("operator/confirm_enrolment", &[("code", &code)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let codes: Vec<String> = res.json().await.unwrap();
    assert_eq!(codes.len(), 10);
    // The secret is stored sealed, not in clear.
    let stored: Vec<u8> = sqlx::query_scalar("SELECT totp_secret FROM operators WHERE email = $1")
        .bind(OPERATOR)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!stored.windows(secret.len()).any(|w| w == secret.as_bytes()));
    (ops, secret)
}

/// A signed-in owner of organization `slug`.
async fn owner(app: &TestApp, slug: &str) -> TestApp {
    let owner = app.other_browser();
    owner
        .sign_up_verified("Owen", &format!("owen@{slug}.test"))
        .await;
    let res = owner
        .call(
            "create_organization",
            &[("name", "Owen Works"), ("slug", slug)],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    owner
}

async fn tenant_id(app: &TestApp, slug: &str) -> String {
    sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM tenants WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .to_string()
}

const PAGES: [&str; 5] = [
    "/admin",
    "/admin/tenants",
    "/admin/health",
    "/admin/audit",
    "/admin/audit.csv",
];
const FUNCTIONS: [&str; 4] = [
    "admin/me",
    "admin/revenue",
    "admin/health",
    "admin/verify_audit_chain",
];

async fn assert_console_hidden(browser: &TestApp, who: &str) {
    let tenant_page = format!("/admin/tenants/{}", uuid::Uuid::new_v4());
    for path in PAGES.iter().copied().chain([tenant_page.as_str()]) {
        let res = browser.client.get(browser.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who}: {path}");
        let body = res.text().await.unwrap();
        // The ordinary 404 page: nothing says a console is there.
        assert!(
            body.contains("We could not find that page"),
            "{who}: {path}"
        );
        assert!(!body.contains("Operator console"), "{who}: {path}");
    }
    for name in FUNCTIONS {
        let res = browser.call(name, &[]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who}: {name}");
    }
}

#[tokio::test]
async fn the_console_is_not_found_for_anyone_but_an_operator_past_the_second_factor() {
    let app = spawn_app().await;
    assert_console_hidden(&app, "anonymous").await;
    let owner = owner(&app, "owen-works").await;
    assert_console_hidden(&owner, "tenant owner").await;

    // Password alone is not enough.
    operators::create(&app.pool, OPERATOR, "Olive Ops", PASSWORD.into())
        .await
        .unwrap();
    let ops = app.other_browser();
    let res = ops
        .call(
            "operator/sign_in",
            &[("email", OPERATOR), ("password", "wrong password!")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    ops.call(
        "operator/sign_in",
        &[("email", OPERATOR), ("password", PASSWORD)],
    )
    .await;
    assert_console_hidden(&ops, "operator without a second factor").await;
    let stage: Value = ops.call("operator/stage", &[]).await.json().await.unwrap();
    assert_eq!(
        stage,
        serde_json::json!({ "SecondFactorDue": { "enrolled": false } })
    );
    // A tenant user's session cannot drive enrolment either.
    assert_eq!(
        owner.call("operator/enrolment", &[]).await.status(),
        StatusCode::FORBIDDEN
    );

    let enrolment: Value = ops
        .call("operator/enrolment", &[])
        .await
        .json()
        .await
        .unwrap();
    let secret = enrolment["secret"].as_str().unwrap();
    let res = ops
        .call("operator/confirm_enrolment", &[("code", "000000")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_console_hidden(&ops, "operator with a wrong code").await;
    let code = totp::code_at(secret, now()).unwrap();
    assert_eq!(
        ops.call("operator/confirm_enrolment", &[("code", &code)])
            .await
            .status(),
        StatusCode::OK
    );
    for path in PAGES.iter().copied().chain(
        ["/admin/tenants/".to_owned() + &tenant_id(&app, "owen-works").await]
            .iter()
            .map(String::as_str),
    ) {
        let res = ops.client.get(ops.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let me: Value = ops.call("admin/me", &[]).await.json().await.unwrap();
    assert_eq!(me["email"], OPERATOR);

    // The operator's console does not make the owner one, and signing out hides it.
    assert_console_hidden(&owner, "tenant owner, later").await;
    ops.call("operator/sign_out", &[]).await;
    assert_console_hidden(&ops, "signed-out operator").await;
}

#[tokio::test]
async fn a_code_works_once_and_recovery_codes_stand_in_for_the_app() {
    let app = spawn_app().await;
    let (_first, secret) = operator(&app).await;
    let sign_in = || async {
        let b = app.other_browser();
        b.call(
            "operator/sign_in",
            &[("email", OPERATOR), ("password", PASSWORD)],
        )
        .await;
        b
    };
    // The enrolment code's step is used: the same code is refused (no replay).
    let b = sign_in().await;
    let used = totp::code_at(&secret, now()).unwrap();
    let res = b.call("operator/verify", &[("code", &used)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The next step's code works (clock drift allowance), once.
    let next = totp::code_at(&secret, now() + 30).unwrap();
    let res = b.call("operator/verify", &[("code", &next)]).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(b.call("admin/me", &[]).await.status(), StatusCode::OK);
    let c = sign_in().await;
    assert_eq!(
        c.call("operator/verify", &[("code", &next)]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Recovery codes: a fresh set replaces the enrolment's (here directly), each once.
    let operator_id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM operators WHERE email = $1")
        .bind(OPERATOR)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    let codes = app::admin::recovery_codes::replace(&mut conn, operator_id)
        .await
        .unwrap();
    let typed = codes[0].to_lowercase().replace('-', " ");
    let res = c.call("operator/verify", &[("code", &typed)]).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(c.call("admin/me", &[]).await.status(), StatusCode::OK);
    let d = sign_in().await;
    assert_eq!(
        d.call("operator/verify", &[("code", &codes[0])])
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app::admin::recovery_codes::remaining(&mut conn, operator_id)
            .await
            .unwrap(),
        9
    );
    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT code_hash FROM operator_recovery_codes WHERE operator_id = $1")
            .bind(operator_id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(
        stored.iter().all(|h| h.len() == 32),
        "stored as SHA-256, not in clear"
    );
}

async fn act(
    ops: &TestApp,
    id: &str,
    action: &str,
    reason: &str,
    extra: &[(&str, &str)],
) -> StatusCode {
    let mut form = vec![("id", id), ("action", action), ("reason", reason)];
    form.extend_from_slice(extra);
    ops.call("admin/tenant_action", &form).await.status()
}

async fn audited(app: &TestApp, action: &str) -> Vec<Value> {
    sqlx::query_scalar(
        "SELECT details FROM audit_log WHERE action = $1 AND actor_kind = 'platform_admin' ORDER BY id",
    )
    .bind(action)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn column<T>(app: &TestApp, sql: &str) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
{
    sqlx::query_scalar(&format!(
        "SELECT {sql} FROM tenants WHERE slug = 'owen-works'"
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn each_tenant_action_has_its_effect_and_its_audit_record() {
    let app = spawn_app().await;
    let owner = owner(&app, "owen-works").await;
    let (ops, _) = operator(&app).await;
    let id = tenant_id(&app, "owen-works").await;

    // No reason, no action, no change.
    assert_eq!(
        act(&ops, &id, "suspend", " ", &[]).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(
        column::<Option<time::OffsetDateTime>>(&app, "operator_suspended_at")
            .await
            .is_none()
    );

    // Suspended: the owner is locked out at once.
    assert_eq!(
        act(&ops, &id, "suspend", "Chargeback under review", &[]).await,
        StatusCode::OK
    );
    let res = owner
        .call("get_organization_home", &[("slug", "owen-works")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("suspended by CapLiquify"),
        "{body}"
    );
    assert_eq!(
        act(&ops, &id, "suspend", "Again, by mistake", &[]).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        audited(&app, "tenant.suspended").await[0]["reason"],
        "Chargeback under review"
    );

    assert_eq!(
        act(&ops, &id, "reactivate", "Chargeback withdrawn", &[]).await,
        StatusCode::OK
    );
    assert_eq!(
        owner
            .call("get_organization_home", &[("slug", "owen-works")])
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(audited(&app, "tenant.reactivated").await.len(), 1);

    let before: time::OffsetDateTime = column(&app, "trial_ends_at").await;
    assert_eq!(
        act(
            &ops,
            &id,
            "extend_trial",
            "Evaluation needs more time",
            &[("days", "10")]
        )
        .await,
        StatusCode::OK
    );
    let after: time::OffsetDateTime = column(&app, "trial_ends_at").await;
    assert_eq!((after - before).whole_days(), 10);
    assert_eq!(
        act(
            &ops,
            &id,
            "extend_trial",
            "Far too long",
            &[("days", "365")]
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(audited(&app, "tenant.trial_extended").await[0]["days"], 10);

    assert_eq!(
        act(
            &ops,
            &id,
            "override_feature",
            "Pilot of the API",
            &[("feature", "api_integrations"), ("setting", "on")]
        )
        .await,
        StatusCode::OK
    );
    let overrides: Value = column(&app, "feature_overrides").await;
    assert_eq!(overrides, serde_json::json!({ "api_integrations": true }));
    assert_eq!(
        act(
            &ops,
            &id,
            "override_feature",
            "Pilot over",
            &[("feature", "api_integrations"), ("setting", "plan")]
        )
        .await,
        StatusCode::OK
    );
    let overrides: Value = column(&app, "feature_overrides").await;
    assert_eq!(overrides, serde_json::json!({}));

    assert_eq!(
        act(
            &ops,
            &id,
            "comp_plan",
            "Design partner",
            &[("plan", "enterprise")]
        )
        .await,
        StatusCode::OK
    );
    let (plan, status, comped): (String, String, bool) = (
        column(&app, "plan").await,
        column(&app, "status").await,
        column(&app, "comped").await,
    );
    assert_eq!(
        (plan.as_str(), status.as_str(), comped),
        ("enterprise", "active", true)
    );
    let detail: Value = ops
        .call("admin/tenant", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["comped"], true);
    assert_eq!(detail["row"]["mrr"], 0, "a comp brings no revenue");
    assert_eq!(detail["members"][0]["email"], "owen@owen-works.test");
    assert!(
        detail["recent_audit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "tenant.plan_comped")
    );

    // Deletion wants the slug typed: a wrong one changes nothing.
    assert_eq!(
        act(
            &ops,
            &id,
            "delete",
            "Customer asked",
            &[("confirm_slug", "other")]
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(column::<String>(&app, "status").await, "active");
    assert_eq!(
        act(
            &ops,
            &id,
            "delete",
            "Customer asked",
            &[("confirm_slug", "owen-works")]
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(column::<String>(&app, "status").await, "deleted");
    assert_eq!(
        owner
            .call("get_organization_home", &[("slug", "owen-works")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        act(&ops, &id, "reactivate", "Too late now", &[]).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        audited(&app, "tenant.deletion_started").await[0]["reason"],
        "Customer asked"
    );

    // Every action above is in the chain, which still verifies.
    let verdict: String = ops
        .call("admin/verify_audit_chain", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(verdict.starts_with("Intact"), "{verdict}");
}

async fn home(b: &TestApp) -> reqwest::Response {
    b.call("get_organization_home", &[("slug", "owen-works")])
        .await
}

#[tokio::test]
async fn support_access_is_read_only_time_limited_and_audited_under_the_operator() {
    let app = spawn_app().await;
    owner(&app, "owen-works").await;
    let (ops, _) = operator(&app).await;
    let id = tenant_id(&app, "owen-works").await;
    // Without a grant, an operator is nobody to the tenant.
    assert_eq!(home(&ops).await.status(), StatusCode::UNAUTHORIZED);
    let res = ops
        .call(
            "admin/start_support",
            &[("id", &id), ("reason", "x"), ("minutes", "30")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = ops
        .call(
            "admin/start_support",
            &[
                ("id", &id),
                ("reason", "Ticket 4411: totals look wrong"),
                ("minutes", "30"),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );

    let res = home(&ops).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["support"]["operator"], "Olive Ops");
    assert_eq!(body["support"]["reason"], "Ticket 4411: totals look wrong");
    assert_eq!(body["role"], "viewer");
    let banner: Value = ops
        .call(
            "operator/support_banner",
            &[("path", "/app/owen-works/products")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(banner[0], "owen-works");

    // Read-only: a write is refused and leaves nothing behind.
    let form = [
        ("slug", "owen-works"),
        ("input[sku]", "S-1"),
        ("input[name]", "Spindle"),
        ("input[category]", "Parts"),
        ("input[unit_cost]", "1"),
        ("input[unit_price]", "2"),
        ("input[lead_time_days]", "3"),
    ];
    assert_eq!(
        ops.call("save_product", &form).await.status(),
        StatusCode::FORBIDDEN
    );

    // Every view is audited under the operator's name.
    let views: Vec<(String, Option<uuid::Uuid>, String)> = sqlx::query_as(
        "SELECT actor_kind, actor_id, target FROM audit_log WHERE action = 'support.viewed' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(views.len() >= 2, "{views:?}");
    assert!(
        views
            .iter()
            .all(|(kind, actor, _)| kind == "platform_admin" && actor.is_some())
    );
    assert!(
        views
            .iter()
            .any(|(_, _, target)| target == "/api/fn/get_organization_home")
    );
    assert_eq!(
        audited(&app, "support.access_started").await[0]["minutes"],
        30
    );

    // Time-limited: once the grant has run out, the view is gone.
    sqlx::query("UPDATE support_grants SET expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(home(&ops).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_audit_log_exports_the_filtered_set_as_csv() {
    let app = spawn_app().await;
    owner(&app, "owen-works").await;
    owner(&app, "other-works").await;
    let (ops, _) = operator(&app).await;
    let id = tenant_id(&app, "owen-works").await;
    act(&ops, &id, "suspend", "=HYPERLINK(\"evil\")", &[]).await;
    act(&ops, &id, "reactivate", "All clear now", &[]).await;

    let res = ops
        .client
        .get(ops.url("/admin/audit.csv?tenant=owen-works&action=tenant."))
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
    let body = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let actions: Vec<&str> = rows.iter().map(|r| &r[5]).collect();
    // Newest first; "tenant." matches every tenant action, of this tenant only.
    assert_eq!(
        actions,
        ["tenant.reactivated", "tenant.suspended", "tenant.created"]
    );
    assert!(rows.iter().all(|r| &r[4] == "owen-works"));
    assert!(
        rows[..2]
            .iter()
            .all(|r| &r[3] == OPERATOR && &r[2] == "platform_admin")
    );

    // By actor and date: the owner's sign-up and organization, nothing of the other.
    let today = app::format::utc_day(time::OffsetDateTime::now_utc());
    let res = ops
        .client
        .get(ops.url(&format!(
            "/admin/audit.csv?actor=owen@owen-works.test&from={today}&to={today}"
        )))
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert!(
        body.contains("organization.created") || body.contains("tenant.created"),
        "{body}"
    );
    assert!(!body.contains("other-works"), "{body}");
    let res = ops
        .client
        .get(ops.url("/admin/audit.csv?from=yesterday"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        audited(&app, "audit.exported").await.len(),
        2,
        "each export is audited"
    );
}

#[tokio::test]
async fn revenue_is_read_from_the_subscription_history_the_database_keeps() {
    let app = spawn_app().await;
    owner(&app, "owen-works").await;
    let (ops, _) = operator(&app).await;
    // Paid: Professional, monthly.
    sqlx::query(
        "UPDATE tenants SET status = 'active', plan = 'professional', billing_interval = 'month'
          WHERE slug = 'owen-works'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let history: Vec<(String, String)> = sqlx::query_as(
        "SELECT h.status, h.plan FROM subscription_history h JOIN tenants t ON t.id = h.tenant_id
          WHERE t.slug = 'owen-works' ORDER BY h.id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        history,
        [
            ("trial".into(), "starter".into()),
            ("active".into(), "professional".into())
        ]
    );
    let view: Value = ops.call("admin/revenue", &[]).await.json().await.unwrap();
    assert_eq!(view["revenue"]["mrr"], 44_900);
    assert_eq!(view["revenue"]["paying"], 1);
    assert_eq!(view["revenue"]["months"][11]["new"], 44_900);
    assert!(view["mrr_chart"].as_str().unwrap().contains("<svg"));
    let health: Value = ops.call("admin/health", &[]).await.json().await.unwrap();
    assert_eq!(health["database_ok"], true);
    assert_eq!(health["schema_versions"][0][1], 1);
}

#[tokio::test]
async fn operators_are_made_once_per_address_with_a_sound_password() {
    let pool = common::migrated_pool().await;
    operators::create(&pool, OPERATOR, "Olive", PASSWORD.into())
        .await
        .unwrap();
    let again = operators::create(&pool, &OPERATOR.to_uppercase(), "Olive", PASSWORD.into()).await;
    assert!(
        matches!(again, Err(app::AppError::Conflict { .. })),
        "{again:?}"
    );
    let weak = operators::create(&pool, "other@capliquify.test", "Other", "short".into()).await;
    assert!(
        matches!(weak, Err(app::AppError::Validation { .. })),
        "{weak:?}"
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM operators")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn the_tenants_list_searches_filters_and_sorts() {
    let app = spawn_app().await;
    owner(&app, "owen-works").await;
    owner(&app, "acme-cast").await;
    let (ops, _) = operator(&app).await;
    let list = |query: Vec<(&'static str, &'static str)>| {
        let ops = &ops;
        async move {
            let form: Vec<(String, String)> = query
                .iter()
                .map(|(k, v)| (format!("query[{k}]"), (*v).to_owned()))
                .collect();
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let res = ops.call("admin/tenants", &form).await;
            assert_eq!(res.status(), StatusCode::OK);
            let body: Value = res.json().await.unwrap();
            body["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["slug"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    // Case does not matter; `%` and `_` are plain characters, not wildcards.
    assert_eq!(list(vec![("q", "ACME")]).await, ["acme-cast"]);
    assert!(list(vec![("q", "%")]).await.is_empty());
    assert!(list(vec![("q", "_")]).await.is_empty());
    assert_eq!(list(vec![("sort", "name")]).await.len(), 2);

    let id = tenant_id(&app, "acme-cast").await;
    act(&ops, &id, "suspend", "Fraud check pending", &[]).await;
    assert_eq!(
        list(vec![("status", "operator_suspended")]).await,
        ["acme-cast"]
    );
    assert_eq!(
        list(vec![("status", "trial")]).await.len(),
        2,
        "billing standing is kept"
    );
    assert!(list(vec![("plan", "enterprise")]).await.is_empty());
    // An unknown filter value filters nothing rather than failing.
    assert_eq!(list(vec![("status", "bogus")]).await.len(), 2);
}

/// Sends the operator's password step as client `ip` would (behind one trusted proxy).
async fn operator_sign_in_from(b: &TestApp, ip: &str, password: &str) -> StatusCode {
    b.client
        .post(b.url("/api/fn/operator/sign_in"))
        .header("origin", b.origin())
        .header("x-forwarded-for", ip)
        .form(&[("email", OPERATOR), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn guesses_from_one_client_do_not_lock_an_operator_out_elsewhere() {
    let app = common::spawn_app_with_settings(
        common::migrated_pool().await,
        &[("TRUSTED_PROXY_HOPS", "1")],
    )
    .await;
    operators::create(&app.pool, OPERATOR, "Olive Ops", PASSWORD.into())
        .await
        .unwrap();
    let attacker = app.other_browser();
    let mut statuses = Vec::new();
    for i in 0..8 {
        statuses.push(
            operator_sign_in_from(&attacker, "203.0.113.9", &format!("guess {i:04} wrong")).await,
        );
    }
    assert_eq!(statuses[4], StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
    // The operator, from their own network, is let through to the second factor.
    let ops = app.other_browser();
    let status = operator_sign_in_from(&ops, "198.51.100.20", PASSWORD).await;
    assert!(status.is_redirection() || status.is_success(), "{status}");
}

#[tokio::test]
async fn parallel_operator_guesses_are_counted_before_any_is_checked() {
    let app = spawn_app().await;
    operators::create(&app.pool, OPERATOR, "Olive Ops", PASSWORD.into())
        .await
        .unwrap();
    let b = app.other_browser();
    let mut passwords: Vec<String> = (0..30).map(|i| format!("wrong guess {i:02}")).collect();
    passwords.insert(15, PASSWORD.to_owned());
    let answers = futures::future::join_all(passwords.iter().map(|password| {
        let b = &b;
        async move {
            b.call(
                "operator/sign_in",
                &[("email", OPERATOR), ("password", password.as_str())],
            )
            .await
        }
    }))
    .await;
    let checked = answers
        .iter()
        .filter(|res| res.status() != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        checked <= 5,
        "{checked} of 31 parallel attempts were checked"
    );
}

/// Runs `capliquify admin <args>` against the test app's database with `stdin`.
fn admin_command(app: &TestApp, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let options = app.pool.connect_options();
    let url = format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap()
    );
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_capliquify"))
        .arg("admin")
        .args(args)
        .env("DATABASE_URL", url)
        .env("DATA_DIR", dir.path())
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn a_locked_out_operator_recovers_at_the_command_line() {
    let app = spawn_app().await;
    let (ops, _) = operator(&app).await;
    // Locked out from this client by wrong passwords.
    let b = app.other_browser();
    for _ in 0..6 {
        b.call(
            "operator/sign_in",
            &[("email", OPERATOR), ("password", "not the password")],
        )
        .await;
    }
    let new_password = "a brand new operator password";
    let out = admin_command(
        &app,
        &["reset-password", "--email", OPERATOR],
        &format!("{new_password}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_console_hidden(&ops, "the operator's earlier session").await;
    let status = b
        .call(
            "operator/sign_in",
            &[("email", OPERATOR), ("password", PASSWORD)],
        )
        .await
        .status();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the old password");
    let res = b
        .call(
            "operator/sign_in",
            &[("email", OPERATOR), ("password", new_password)],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );

    // A lost authenticator: the next sign-in enrols a new one.
    let out = admin_command(&app, &["reset-2fa", "--email", OPERATOR], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = app.other_browser();
    c.call(
        "operator/sign_in",
        &[("email", OPERATOR), ("password", new_password)],
    )
    .await;
    let enrolment = c.call("operator/enrolment", &[]).await;
    assert_eq!(
        enrolment.status(),
        StatusCode::OK,
        "a new enrolment is offered"
    );
    let codes: i64 = sqlx::query_scalar("SELECT count(*) FROM operator_recovery_codes")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(codes, 0, "the old recovery codes are gone");

    let out = admin_command(
        &app,
        &["reset-2fa", "--email", "nobody@capliquify.test"],
        "",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nobody@capliquify.test"));
    let out = admin_command(&app, &["reset-password", "--email", OPERATOR], "short\n");
    assert!(!out.status.success());

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'operator.%reset' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        ["operator.password_reset", "operator.two_factor_reset"]
    );
}
