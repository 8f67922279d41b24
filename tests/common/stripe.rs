//! A local stand-in for Stripe's API: the endpoints CapLiquify calls, answering with
//! objects built from Stripe's own published fixtures (stripe/openapi fixtures3.json,
//! in tests/fixtures/stripe) so responses have Stripe's real wire format. It keeps
//! just enough state (customers, checkout sessions, subscriptions, an event log) for
//! tests to play Stripe's part: complete a checkout, fail a payment, and so on.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    Json, Router,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::{Value, json};

pub const SECRET_KEY: &str = "sk_test_capliquify";
pub const WEBHOOK_SECRET: &str = "whsec_capliquify_test";

/// Price ids the test app is configured with.
pub const PRICES: &[(&str, &str)] = &[
    ("STRIPE_PRICE_STARTER_MONTHLY", "price_starter_month"),
    ("STRIPE_PRICE_STARTER_ANNUAL", "price_starter_year"),
    (
        "STRIPE_PRICE_PROFESSIONAL_MONTHLY",
        "price_professional_month",
    ),
    (
        "STRIPE_PRICE_PROFESSIONAL_ANNUAL",
        "price_professional_year",
    ),
    ("STRIPE_PRICE_ENTERPRISE_MONTHLY", "price_enterprise_month"),
    ("STRIPE_PRICE_ENTERPRISE_ANNUAL", "price_enterprise_year"),
];

fn fixture(name: &str) -> Value {
    let text = match name {
        "customer" => include_str!("../fixtures/stripe/customer.json"),
        "checkout_session" => include_str!("../fixtures/stripe/checkout_session.json"),
        "billing_portal_session" => include_str!("../fixtures/stripe/billing_portal_session.json"),
        "subscription" => include_str!("../fixtures/stripe/subscription.json"),
        "event" => include_str!("../fixtures/stripe/event.json"),
        "invoice" => include_str!("../fixtures/stripe/invoice.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub customer: String,
    pub price: String,
    pub status: String,
    pub cancel_at_period_end: bool,
    pub created: i64,
}

#[derive(Default)]
struct Inner {
    seq: u64,
    customers: HashMap<String, Value>,
    /// session id -> (customer, price, client_reference_id)
    sessions: HashMap<String, (String, String, String)>,
    subscriptions: HashMap<String, Subscription>,
    events: Vec<Value>,
    /// While true, every API call answers 500 (an outage).
    down: bool,
    calls: Vec<String>,
}

#[derive(Clone, Default)]
pub struct FakeStripe {
    inner: Arc<Mutex<Inner>>,
    pub addr: Option<SocketAddr>,
}

impl FakeStripe {
    pub async fn start() -> FakeStripe {
        let mut stripe = FakeStripe::default();
        let app = Router::new()
            .route("/v1/customers", post(create_customer))
            .route("/v1/checkout/sessions", post(create_checkout))
            .route("/v1/billing_portal/sessions", post(create_portal))
            .route(
                "/v1/subscriptions/{id}",
                get(get_subscription).post(update_subscription),
            )
            .route("/v1/events", get(list_events))
            .with_state(stripe.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        stripe.addr = Some(listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        stripe
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr.unwrap())
    }

    /// Settings that point the app at this stand-in.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        let mut vars = vec![
            ("STRIPE_SECRET_KEY", SECRET_KEY.to_owned()),
            ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET.to_owned()),
            ("STRIPE_API_BASE", self.base_url()),
        ];
        vars.extend(PRICES.iter().map(|(k, v)| (*k, (*v).to_owned())));
        vars
    }

    fn next(&self, prefix: &str) -> String {
        let mut inner = self.inner.lock().unwrap();
        inner.seq += 1;
        format!("{prefix}_test{:04}", inner.seq)
    }

    pub fn set_down(&self, down: bool) {
        self.inner.lock().unwrap().down = down;
    }

    /// The API calls made so far, as "METHOD /path".
    pub fn calls(&self) -> Vec<String> {
        self.inner.lock().unwrap().calls.clone()
    }

    pub fn subscription(&self, id: &str) -> Subscription {
        self.inner.lock().unwrap().subscriptions[id].clone()
    }

    /// Changes a subscription as Stripe would (a failed payment, a cancellation).
    pub fn set_status(&self, id: &str, status: &str) {
        self.inner
            .lock()
            .unwrap()
            .subscriptions
            .get_mut(id)
            .unwrap()
            .status = status.to_owned();
    }

    /// The customer completes checkout session `session`: a subscription starts and
    /// the `checkout.session.completed` event is logged and returned.
    pub fn complete_checkout(&self, session: &str) -> (String, Value) {
        let (customer, price, reference) = self.inner.lock().unwrap().sessions[session].clone();
        let sub = self.next("sub");
        self.inner.lock().unwrap().subscriptions.insert(
            sub.clone(),
            Subscription {
                customer: customer.clone(),
                price,
                status: "active".into(),
                cancel_at_period_end: false,
                created: now(),
            },
        );
        let mut object = fixture("checkout_session");
        object["id"] = json!(session);
        object["customer"] = json!(customer);
        object["subscription"] = json!(sub);
        object["client_reference_id"] = json!(reference);
        object["mode"] = json!("subscription");
        object["status"] = json!("complete");
        object["payment_status"] = json!("paid");
        let event = self.log_event("checkout.session.completed", object);
        (sub, event)
    }

    /// Logs an event about subscription `sub` (its current state as the object).
    pub fn subscription_event(&self, kind: &str, sub: &str) -> Value {
        let object = self.subscription_json(sub);
        self.log_event(kind, object)
    }

    /// Logs an invoice event for subscription `sub`, in the 2025+ invoice shape.
    pub fn invoice_event(&self, kind: &str, sub: &str) -> Value {
        let customer = self.subscription(sub).customer;
        let mut object = fixture("invoice");
        object["id"] = json!(self.next("in"));
        object["customer"] = json!(customer);
        object["status"] = json!(if kind == "invoice.paid" {
            "paid"
        } else {
            "open"
        });
        // Since 2025 an invoice names its subscription only under `parent`.
        object.as_object_mut().unwrap().remove("subscription");
        object["parent"] = json!({
            "type": "subscription_details",
            "quote_details": null,
            "subscription_details": { "subscription": sub, "metadata": {} }
        });
        self.log_event(kind, object)
    }

    /// Logs an event of `kind` with `object` and returns its JSON.
    pub fn log_event(&self, kind: &str, object: Value) -> Value {
        let mut event = fixture("event");
        event["id"] = json!(self.next("evt"));
        event["type"] = json!(kind);
        event["created"] = json!(now());
        event["api_version"] = json!("2026-09-30.endive");
        event["data"] = json!({ "object": object });
        self.inner.lock().unwrap().events.push(event.clone());
        event
    }

    fn subscription_json(&self, id: &str) -> Value {
        let sub = self.subscription(id);
        let mut object = fixture("subscription");
        let period_end = now() + 30 * 86_400;
        object["id"] = json!(id);
        object["customer"] = json!(sub.customer);
        object["status"] = json!(sub.status);
        object["cancel_at_period_end"] = json!(sub.cancel_at_period_end);
        object["created"] = json!(sub.created);
        let item = &mut object["items"]["data"][0];
        item["id"] = json!(format!("si_{id}"));
        item["subscription"] = json!(id);
        item["price"]["id"] = json!(sub.price);
        item["plan"]["id"] = json!(sub.price);
        item["current_period_end"] = json!(period_end);
        object
    }
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// Authorisation and outage handling common to every endpoint.
fn gate(stripe: &FakeStripe, headers: &HeaderMap, call: String) -> Option<Response> {
    let mut inner = stripe.inner.lock().unwrap();
    inner.calls.push(call);
    let authorised = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {SECRET_KEY}"));
    if !authorised {
        return Some(stripe_error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            "Invalid API Key provided",
        ));
    }
    if inner.down {
        return Some(stripe_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            "Stripe is having a bad day",
        ));
    }
    None
}

fn stripe_error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "type": kind, "message": message } })),
    )
        .into_response()
}

async fn create_customer(
    State(stripe): State<FakeStripe>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(refused) = gate(&stripe, &headers, "POST /v1/customers".into()) {
        return refused;
    }
    let params = form(&body);
    let id = stripe.next("cus");
    let mut customer = fixture("customer");
    customer["id"] = json!(id);
    customer["name"] = json!(params.get("name"));
    customer["email"] = json!(params.get("email"));
    customer["metadata"] = json!({ "tenant_id": params.get("metadata[tenant_id]") });
    stripe
        .inner
        .lock()
        .unwrap()
        .customers
        .insert(id, customer.clone());
    Json(customer).into_response()
}

async fn create_checkout(
    State(stripe): State<FakeStripe>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(refused) = gate(&stripe, &headers, "POST /v1/checkout/sessions".into()) {
        return refused;
    }
    let params = form(&body);
    let (Some(customer), Some(price), Some(reference)) = (
        params.get("customer"),
        params.get("line_items[0][price]"),
        params.get("client_reference_id"),
    ) else {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "missing parameters",
        );
    };
    let id = stripe.next("cs");
    stripe.inner.lock().unwrap().sessions.insert(
        id.clone(),
        (customer.clone(), price.clone(), reference.clone()),
    );
    let mut session = fixture("checkout_session");
    session["id"] = json!(id);
    session["customer"] = json!(customer);
    session["client_reference_id"] = json!(reference);
    session["mode"] = json!("subscription");
    session["status"] = json!("open");
    session["success_url"] = json!(params.get("success_url"));
    session["cancel_url"] = json!(params.get("cancel_url"));
    session["url"] = json!(format!("https://checkout.stripe.test/c/pay/{id}"));
    Json(session).into_response()
}

async fn create_portal(
    State(stripe): State<FakeStripe>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(refused) = gate(&stripe, &headers, "POST /v1/billing_portal/sessions".into()) {
        return refused;
    }
    let params = form(&body);
    let mut session = fixture("billing_portal_session");
    let id = stripe.next("bps");
    session["id"] = json!(id);
    session["customer"] = json!(params.get("customer"));
    session["return_url"] = json!(params.get("return_url"));
    session["url"] = json!(format!("https://billing.stripe.test/p/session/{id}"));
    Json(session).into_response()
}

async fn get_subscription(
    State(stripe): State<FakeStripe>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Some(refused) = gate(&stripe, &headers, format!("GET /v1/subscriptions/{id}")) {
        return refused;
    }
    if !stripe.inner.lock().unwrap().subscriptions.contains_key(&id) {
        return stripe_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "No such subscription",
        );
    }
    Json(stripe.subscription_json(&id)).into_response()
}

async fn update_subscription(
    State(stripe): State<FakeStripe>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    if let Some(refused) = gate(&stripe, &headers, format!("POST /v1/subscriptions/{id}")) {
        return refused;
    }
    let params = form(&body);
    {
        let mut inner = stripe.inner.lock().unwrap();
        let Some(sub) = inner.subscriptions.get_mut(&id) else {
            return stripe_error(
                StatusCode::NOT_FOUND,
                "invalid_request_error",
                "No such subscription",
            );
        };
        if let Some(price) = params.get("items[0][price]") {
            sub.price = price.clone();
        }
    }
    Json(stripe.subscription_json(&id)).into_response()
}

async fn list_events(
    State(stripe): State<FakeStripe>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if let Some(refused) = gate(&stripe, &headers, "GET /v1/events".into()) {
        return refused;
    }
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let since: i64 = pairs
        .iter()
        .find(|(k, _)| k == "created[gte]")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let types: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k.starts_with("types"))
        .map(|(_, v)| v.as_str())
        .collect();
    let mut data: Vec<Value> = stripe
        .inner
        .lock()
        .unwrap()
        .events
        .iter()
        .filter(|e| e["created"].as_i64().unwrap_or(0) >= since)
        .filter(|e| types.is_empty() || types.contains(&e["type"].as_str().unwrap_or("")))
        .cloned()
        .collect();
    data.reverse(); // newest first, as Stripe lists
    Json(json!({ "object": "list", "data": data, "has_more": false, "url": "/v1/events" }))
        .into_response()
}
