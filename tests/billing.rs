//! Billing against a local stand-in for Stripe's API: checkout, plan changes, the
//! portal, the webhook (signatures, duplicates, order, failures), dunning,
//! reconciliation and trial reminders.

mod common;

use common::{
    TestApp, migrated_pool, spawn_app_with_settings,
    stripe::{FakeStripe, WEBHOOK_SECRET},
};
use reqwest::StatusCode;
use serde_json::Value;

fn ok(res: &reqwest::Response) -> bool {
    res.status().is_success() || res.status().is_redirection()
}

/// Where a server function sent the browser.
fn redirect(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The app wired to a fresh stand-in, and an owner signed in with organization "works".
async fn billed_app() -> (TestApp, FakeStripe) {
    let stripe = FakeStripe::start().await;
    let vars = stripe.settings();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with_settings(migrated_pool().await, &vars).await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    let res = app
        .call(
            "create_organization",
            &[("name", "Works Ltd"), ("slug", "works")],
        )
        .await;
    assert!(ok(&res), "{}", res.status());
    (app, stripe)
}

/// Posts `event` to the webhook as Stripe would, signed now (or at `timestamp`).
async fn deliver(app: &TestApp, event: &Value, timestamp: Option<i64>) -> reqwest::Response {
    let body = event.to_string();
    let signature = stripe_webhook::Webhook::generate_test_header(&body, WEBHOOK_SECRET, timestamp);
    app.client
        .post(app.url("/webhooks/stripe"))
        .header("stripe-signature", signature)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn tenant(app: &TestApp) -> (String, String, Option<String>, Option<String>) {
    sqlx::query_as(
        "SELECT status, plan, billing_interval, stripe_subscription_id FROM tenants WHERE slug = 'works'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Subscribes "works" to `plan` monthly through checkout; returns the subscription id.
async fn subscribe(app: &TestApp, stripe: &FakeStripe, plan: &str) -> String {
    let res = app
        .call(
            "choose_plan",
            &[("slug", "works"), ("plan", plan), ("interval", "month")],
        )
        .await;
    assert!(ok(&res), "{} {:?}", res.status(), res.text().await);
    let url = redirect(&res);
    let session = url
        .rsplit('/')
        .next()
        .filter(|s| s.starts_with("cs_"))
        .unwrap_or_else(|| panic!("redirected to checkout: {url:?}"))
        .to_owned();
    let (sub, event) = stripe.complete_checkout(&session);
    let res = deliver(app, &event, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    sub
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn checkout_subscribes_and_the_webhook_activates_the_organization() {
    let (app, stripe) = billed_app().await;
    let view: Value = app
        .call("get_billing", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "trial");
    assert_eq!(
        view["plan"], "professional",
        "a trial has the Professional plan"
    );
    assert_eq!(view["configured"], true);
    assert_eq!(view["is_owner"], true);

    let sub = subscribe(&app, &stripe, "starter").await;
    let (status, plan, interval, stored) = tenant(&app).await;
    assert_eq!((status.as_str(), plan.as_str()), ("active", "starter"));
    assert_eq!(interval.as_deref(), Some("month"));
    assert_eq!(stored.as_deref(), Some(sub.as_str()));
    // One Stripe customer per organization, with the organization in its metadata.
    assert_eq!(
        stripe
            .calls()
            .iter()
            .filter(|c| *c == "POST /v1/customers")
            .count(),
        1
    );

    let view: Value = app
        .call("get_billing", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["subscribed"], true);
    assert_eq!(view["plan"], "starter");
    assert!(view["renews_on"].is_string());
    assert_eq!(audit_count(&app, "billing.status_changed").await, 1);
}

#[tokio::test]
async fn the_webhook_checks_signatures_and_applies_each_event_once() {
    let (app, stripe) = billed_app().await;
    let sub = subscribe(&app, &stripe, "professional").await;
    stripe.set_status(&sub, "past_due");
    let event = stripe.invoice_event("invoice.payment_failed", &sub);

    // Forged, stale or unsigned: refused, nothing stored.
    let body = event.to_string();
    let forged = stripe_webhook::Webhook::generate_test_header(&body, "whsec_wrong", None);
    let res = app
        .client
        .post(app.url("/webhooks/stripe"))
        .header("stripe-signature", forged)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let stale = time::OffsetDateTime::now_utc().unix_timestamp() - 600;
    assert_eq!(
        deliver(&app, &event, Some(stale)).await.status(),
        StatusCode::BAD_REQUEST
    );
    let res = app
        .client
        .post(app.url("/webhooks/stripe"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_events WHERE id = $1")
        .bind(event["id"].as_str().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    assert_eq!(tenant(&app).await.0, "active");

    // Signed: applied once, however often it is delivered.
    assert_eq!(deliver(&app, &event, None).await.status(), StatusCode::OK);
    assert_eq!(tenant(&app).await.0, "past_due");
    app.wait_for_email("olive@example.com", 2).await;
    assert_eq!(deliver(&app, &event, None).await.status(), StatusCode::OK);
    assert_eq!(
        audit_count(&app, "billing.status_changed").await,
        2,
        "activation, past due"
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let failed_emails = app
        .emails_to("olive@example.com")
        .await
        .iter()
        .filter(|e| e.email.subject.contains("Payment for Works Ltd failed"))
        .count();
    assert_eq!(failed_emails, 1, "no second email for a duplicate");

    // Unknown events are acknowledged and ignored.
    let unknown = stripe.log_event(
        "customer.tax_id.created",
        serde_json::json!({"id": "txi_1"}),
    );
    assert_eq!(deliver(&app, &unknown, None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn dunning_makes_the_organization_read_only_then_suspends_it_and_payment_restores_it() {
    let (app, stripe) = billed_app().await;
    let sub = subscribe(&app, &stripe, "professional").await;

    stripe.set_status(&sub, "past_due");
    deliver(
        &app,
        &stripe.invoice_event("invoice.payment_failed", &sub),
        None,
    )
    .await;
    let home: Value = app
        .call("get_organization_home", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(home["read_only"], true);
    let failed = app.wait_for_email("olive@example.com", 2).await;
    assert!(failed.subject.contains("failed"), "{}", failed.subject);
    assert!(failed.text.contains("/app/works/billing"));

    stripe.set_status(&sub, "active");
    deliver(&app, &stripe.invoice_event("invoice.paid", &sub), None).await;
    assert_eq!(tenant(&app).await.0, "active");
    let restored = app.wait_for_email("olive@example.com", 3).await;
    assert!(
        restored.subject.contains("available again"),
        "{}",
        restored.subject
    );

    // Every retry failed: Stripe marks the subscription unpaid.
    stripe.set_status(&sub, "unpaid");
    deliver(
        &app,
        &stripe.subscription_event("customer.subscription.updated", &sub),
        None,
    )
    .await;
    assert_eq!(tenant(&app).await.0, "suspended");
    let suspended = app.wait_for_email("olive@example.com", 4).await;
    assert!(
        suspended.subject.contains("suspended"),
        "{}",
        suspended.subject
    );
    let res = app
        .call("get_organization_home", &[("slug", "works")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "locked out, data kept");
    // The billing page stays open to settle the account.
    let res = app.call("get_billing", &[("slug", "works")]).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn late_and_out_of_order_events_never_move_the_organization_back() {
    let (app, stripe) = billed_app().await;
    let sub = subscribe(&app, &stripe, "professional").await;
    // An "updated" event from while the subscription was active...
    let older = stripe.subscription_event("customer.subscription.updated", &sub);
    // ...then the payment fails and that newer event arrives first.
    stripe.set_status(&sub, "past_due");
    let newer = stripe.invoice_event("invoice.payment_failed", &sub);
    deliver(&app, &newer, None).await;
    assert_eq!(tenant(&app).await.0, "past_due");
    deliver(&app, &older, None).await;
    assert_eq!(
        tenant(&app).await.0,
        "past_due",
        "the late event did not restore access"
    );
}

#[tokio::test]
async fn a_failure_answers_500_and_the_retry_applies_the_event() {
    let (app, stripe) = billed_app().await;
    let sub = subscribe(&app, &stripe, "professional").await;
    stripe.set_status(&sub, "past_due");
    let event = stripe.invoice_event("invoice.payment_failed", &sub);
    stripe.set_down(true);
    assert_eq!(
        deliver(&app, &event, None).await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(tenant(&app).await.0, "active", "nothing half-applied");
    stripe.set_down(false);
    assert_eq!(deliver(&app, &event, None).await.status(), StatusCode::OK);
    assert_eq!(tenant(&app).await.0, "past_due");
}

#[tokio::test]
async fn reconciliation_applies_events_the_webhook_never_received() {
    let (app, stripe) = billed_app().await;
    let sub = subscribe(&app, &stripe, "professional").await;
    // The endpoint is down: Stripe logs the event, nobody receives it.
    stripe.set_status(&sub, "past_due");
    stripe.invoice_event("invoice.payment_failed", &sub);
    assert_eq!(tenant(&app).await.0, "active");

    let (billing, outbox) = app_parts(&app, &stripe);
    let (applied, _) = app::billing::jobs::run_once(&app.pool, &billing, &outbox)
        .await
        .unwrap();
    assert_eq!(applied, 1);
    assert_eq!(tenant(&app).await.0, "past_due");
    let source: String = sqlx::query_scalar(
        "SELECT source FROM stripe_events WHERE type = 'invoice.payment_failed'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(source, "reconciliation");
    let (again, _) = app::billing::jobs::run_once(&app.pool, &billing, &outbox)
        .await
        .unwrap();
    assert_eq!(again, 0, "each event once");
}

/// Billing and outbox configured like the app's.
fn app_parts(app: &TestApp, stripe: &FakeStripe) -> (app::billing::Billing, app::email::Outbox) {
    let vars = stripe.settings();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let data = app.mailbox.parent().unwrap().to_string_lossy().into_owned();
    vars.push(("DATA_DIR", &data));
    let settings = common::test_settings(app.mailbox.parent().unwrap(), &vars);
    (
        capliquify::worker::billing(&settings).unwrap(),
        capliquify::worker::outbox(&settings, &app.pool).unwrap(),
    )
}

#[tokio::test]
async fn trial_owners_are_reminded_three_days_before_the_end_once() {
    let (app, stripe) = billed_app().await;
    sqlx::query(
        "UPDATE tenants SET trial_ends_at = now() + interval '2 days 1 hour' WHERE slug = 'works'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let (billing, outbox) = app_parts(&app, &stripe);
    let (_, reminded) = app::billing::jobs::run_once(&app.pool, &billing, &outbox)
        .await
        .unwrap();
    assert_eq!(reminded, 1);
    let reminder = app.wait_for_email("olive@example.com", 2).await;
    assert!(
        reminder.subject.contains("ends in 3 days"),
        "{}",
        reminder.subject
    );
    assert!(reminder.text.contains("/app/works/billing"));
    let (_, again) = app::billing::jobs::run_once(&app.pool, &billing, &outbox)
        .await
        .unwrap();
    assert_eq!(again, 0);

    // Once the trial is over the app sends owners to billing; the data stays.
    sqlx::query(
        "UPDATE tenants SET trial_ends_at = now() - interval '1 minute' WHERE slug = 'works'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let res = app
        .call("get_organization_home", &[("slug", "works")])
        .await;
    assert_eq!(res.status(), StatusCode::PAYMENT_REQUIRED);
    let view: Value = app
        .call("get_billing", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["trial_ended"], true);
}

#[tokio::test]
async fn plan_changes_go_to_the_subscription_and_too_small_a_plan_is_refused() {
    let (app, stripe) = billed_app().await;
    let sub = subscribe(&app, &stripe, "professional").await;
    for _ in 0..5 {
        common::member_of(&app.pool, "works", "member").await;
    }
    let res = app
        .call(
            "choose_plan",
            &[
                ("slug", "works"),
                ("plan", "starter"),
                ("interval", "month"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("6 members (at most 5)"),
        "{body}"
    );
    assert_eq!(stripe.subscription(&sub).price, "price_professional_month");

    let res = app
        .call(
            "choose_plan",
            &[
                ("slug", "works"),
                ("plan", "enterprise"),
                ("interval", "year"),
            ],
        )
        .await;
    assert!(ok(&res), "{}", res.status());
    assert_eq!(stripe.subscription(&sub).price, "price_enterprise_year");
    let (_, plan, interval, _) = tenant(&app).await;
    assert_eq!(
        (plan.as_str(), interval.as_deref()),
        ("enterprise", Some("year"))
    );
    assert_eq!(audit_count(&app, "billing.plan_changed").await, 1);
}

#[tokio::test]
async fn only_owners_manage_billing_and_the_portal_opens_for_them() {
    let (app, stripe) = billed_app().await;
    let res = app.call("open_billing_portal", &[("slug", "works")]).await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "nothing to manage before a plan"
    );
    subscribe(&app, &stripe, "professional").await;
    let res = app.call("open_billing_portal", &[("slug", "works")]).await;
    assert!(ok(&res));
    assert!(redirect(&res).starts_with("https://billing.stripe.test/p/session/"));

    let admin = app.other_browser();
    admin
        .sign_up_verified("Ada Admin", "admin@example.com")
        .await;
    common::member_role(&app.pool, "works", "admin@example.com", "admin").await;
    for (name, form) in [
        ("open_billing_portal", vec![("slug", "works")]),
        (
            "choose_plan",
            vec![
                ("slug", "works"),
                ("plan", "enterprise"),
                ("interval", "month"),
            ],
        ),
    ] {
        let res = admin.call(name, &form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
    }
    let view: Value = admin
        .call("get_billing", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["is_owner"], false);
    let outsider = app.other_browser();
    outsider
        .sign_up_verified("Out Sider", "out@example.com")
        .await;
    let res = outsider.call("get_billing", &[("slug", "works")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn without_stripe_keys_plans_show_and_checkout_explains() {
    let app = common::spawn_app().await;
    app.sign_up_verified("Demo Dan", "dan@example.com").await;
    app.call(
        "create_organization",
        &[("name", "Works Ltd"), ("slug", "works")],
    )
    .await;
    let view: Value = app
        .call("get_billing", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["configured"], false);
    let res = app
        .call(
            "choose_plan",
            &[
                ("slug", "works"),
                ("plan", "starter"),
                ("interval", "month"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = app
        .client
        .post(app.url("/webhooks/stripe"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}
