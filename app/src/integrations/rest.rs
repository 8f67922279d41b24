//! The REST API under `/api/v1`: the key names the tenant (no session, no cookies, so
//! no CSRF exposure), the plan must include integrations, each key has a rate limit,
//! and every authenticated call counts as usage. Responses are JSON; errors use the
//! application's error shape.

use std::{collections::HashMap, net::IpAddr, num::NonZeroU32, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    extract::{FromRequestParts, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::{MethodRouter, get},
};
use serde_json::{Value, json};
use sqlx::{PgPool, Row, postgres::PgRow};
use uuid::Uuid;

use super::{
    bad_keys::BadKeys,
    keys::{self, Authenticated},
};
use crate::{
    AppError,
    billing::{Feature, gates},
    server::{
        client_ip::ClientIp,
        rate_limit::{Limit, refusal as rate_limited},
    },
    tenancy::{self, TenantContext},
};

#[derive(Clone)]
pub struct ApiState {
    pool: PgPool,
    per_key: Limit,
    bad_keys: Arc<BadKeys>,
    origin: Arc<str>,
}

/// Unknown keys one address may present in a minute before it is refused.
const BAD_KEYS_PER_MINUTE: NonZeroU32 = NonZeroU32::new(30).expect("not zero");

/// The `/api/v1` router (nested by the HTTP layer), limited to `per_minute` requests per
/// key across all server processes.
pub fn router(pool: PgPool, per_minute: NonZeroU32, origin: &str) -> Router {
    let state = ApiState {
        pool,
        per_key: Limit::per_minute(per_minute.get()),
        bad_keys: Arc::new(BadKeys::new(BAD_KEYS_PER_MINUTE)),
        origin: origin.into(),
    };
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/products", get(products).post(create_product))
        .route("/inventory", listing(&INVENTORY))
        .route("/sales", listing(&SALES))
        .route("/purchases", listing(&PURCHASES))
        .route("/invoices", listing(&INVOICES))
        .route("/metrics", get(metrics))
        .route("/forecasts", get(forecasts))
        .fallback(|| async { AppError::not_found("This API endpoint").into_response() })
        .with_state(state)
}

async fn openapi(State(state): State<ApiState>) -> Json<Value> {
    Json(super::openapi::document(&state.origin))
}

fn bad_keys_refusal(wait: Duration) -> Response {
    rate_limited(wait, "Too many unknown API keys from this address")
}

/// Who calls: the request's headers (with the key) and address.
struct Caller {
    headers: HeaderMap,
    ip: Option<IpAddr>,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self {
            headers: parts.headers.clone(),
            ip: parts.extensions.get::<ClientIp>().map(|c| c.0),
        })
    }
}

fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
        Json(json!({
            "code": "unauthenticated",
            "message": "Send a valid API key: `Authorization: Bearer cql_…` (keys are made under Integrations).",
        })),
    )
        .into_response()
}

/// The tenant context of a call: a valid key, within its rate limit, on a plan with
/// integrations, with write scope when `write`. Counts the call.
async fn authorize(
    state: &ApiState,
    caller: &Caller,
    write: bool,
) -> Result<TenantContext, Response> {
    if let Some(wait) = caller.ip.and_then(|ip| state.bad_keys.refused_for(ip)) {
        return Err(bad_keys_refusal(wait));
    }
    let presented = caller
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(presented) = presented else {
        return Err(unauthenticated());
    };
    let key: Authenticated = match keys::authenticate(&state.pool, presented).await {
        Ok(Some(key)) => key,
        Ok(None) => {
            return Err(match caller.ip.and_then(|ip| state.bad_keys.failed(ip)) {
                Some(wait) => bad_keys_refusal(wait),
                None => unauthenticated(),
            });
        }
        Err(err) => return Err(err.into_response()),
    };
    match state
        .per_key
        .hit(&state.pool, &format!("api-key:{}", key.key_id))
        .await
    {
        Ok(Ok(())) => {}
        Ok(Err(wait)) => return Err(rate_limited(wait, "Too many requests with this key")),
        Err(err) => return Err(err.into_response()),
    }
    let ctx = tenancy::resolve_api_key(&state.pool, key.tenant_id, key.key_id, key.scope.role())
        .await
        .map_err(IntoResponse::into_response)?;
    gates::require_feature(ctx.tenant(), Feature::ApiIntegrations)
        .map_err(IntoResponse::into_response)?;
    keys::record_use(&state.pool, &key)
        .await
        .map_err(IntoResponse::into_response)?;
    if write && key.scope == keys::Scope::Read {
        return Err(AppError::Denied {
            message: "This API key is read-only: create a read and write key to change data."
                .into(),
        }
        .into_response());
    }
    Ok(ctx)
}

/// Page and size from the query, with clear refusals.
fn paging(query: &HashMap<String, String>) -> Result<(i64, i64), AppError> {
    let read = |name: &str, default: i64, max: i64| -> Result<i64, AppError> {
        match query.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    AppError::bad_request(format!("{name} must be a whole number from 1 to {max}."))
                }),
        }
    };
    Ok((read("page", 1, 1_000_000)?, read("per_page", 50, 200)?))
}

/// Runs a paged list query (`$1` limit, `$2` offset, optional `$3` text filter; it
/// must select `count(*) OVER () AS total`) and shapes each row with `item`.
async fn list(
    state: &ApiState,
    caller: &Caller,
    query: &HashMap<String, String>,
    sql: &str,
    filter: Option<String>,
    item: fn(&PgRow) -> Result<Value, sqlx::Error>,
) -> Response {
    let ctx = match authorize(state, caller, false).await {
        Ok(ctx) => ctx,
        Err(response) => return response,
    };
    let result = async {
        let (page, per_page) = paging(query)?;
        let mut tx = ctx.read(&state.pool).await?;
        let mut q = sqlx::query(sql).bind(per_page).bind((page - 1) * per_page);
        if let Some(filter) = filter {
            q = q.bind(filter);
        }
        let rows = q.fetch_all(&mut *tx).await?;
        let total: i64 = match rows.first() {
            Some(r) => r.try_get("total")?,
            None => 0,
        };
        let data = rows.iter().map(item).collect::<Result<Vec<_>, _>>()?;
        Ok::<_, AppError>(
            json!({ "data": data, "page": page, "per_page": per_page, "total": total }),
        )
    }
    .await;
    match result {
        Ok(body) => Json(body).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn products(
    State(state): State<ApiState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let q = query
        .get("q")
        .map(|q| q.trim().to_lowercase())
        .unwrap_or_default();
    list(
        &state,
        &caller,
        &query,
        "SELECT id, sku, name, category, unit_cost::float8 AS unit_cost, unit_price::float8 AS unit_price,
                lead_time_days, active, count(*) OVER () AS total
           FROM products
          WHERE $3 = '' OR strpos(lower(sku), $3) > 0 OR strpos(lower(name), $3) > 0
          ORDER BY sku LIMIT $1 OFFSET $2",
        Some(q),
        |r| {
            Ok(json!({
                "id": r.try_get::<Uuid, _>("id")?, "sku": r.try_get::<String, _>("sku")?,
                "name": r.try_get::<String, _>("name")?, "category": r.try_get::<String, _>("category")?,
                "unit_cost": r.try_get::<f64, _>("unit_cost")?, "unit_price": r.try_get::<f64, _>("unit_price")?,
                "lead_time_days": r.try_get::<i32, _>("lead_time_days")?, "active": r.try_get::<bool, _>("active")?,
            }))
        },
    )
    .await
}

/// The JSON body of `POST /products`; numbers may be JSON numbers.
#[derive(serde::Deserialize)]
struct NewProduct {
    sku: String,
    name: String,
    #[serde(default)]
    category: String,
    unit_cost: f64,
    unit_price: f64,
    #[serde(default)]
    lead_time_days: i64,
}

async fn create_product(
    State(state): State<ApiState>,
    caller: Caller,
    body: Result<Json<NewProduct>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let ctx = match authorize(&state, &caller, true).await {
        Ok(ctx) => ctx,
        Err(response) => return response,
    };
    let Json(p) = match body {
        Ok(body) => body,
        Err(rejection) => {
            return AppError::bad_request(format!(
                "The body is not a product: {}",
                rejection.body_text()
            ))
            .into_response();
        }
    };
    let input = crate::workspace::products::ProductInput {
        sku: p.sku,
        name: p.name,
        category: p.category,
        unit_cost: p.unit_cost.to_string(),
        unit_price: p.unit_price.to_string(),
        lead_time_days: p.lead_time_days.to_string(),
    };
    match crate::workspace::products::save(&state.pool, &ctx, None, &input).await {
        Ok(()) => (StatusCode::CREATED, Json(json!({ "created": true }))).into_response(),
        Err(err) => err.into_response(),
    }
}

/// A paged list endpoint: its query (see [`list`]) and how a row becomes JSON.
struct Listing {
    sql: &'static str,
    item: fn(&PgRow) -> Result<Value, sqlx::Error>,
}

fn listing(l: &'static Listing) -> MethodRouter<ApiState> {
    get(
        move |State(state): State<ApiState>,
              caller: Caller,
              Query(query): Query<HashMap<String, String>>| async move {
            list(&state, &caller, &query, l.sql, None, l.item).await
        },
    )
}

const INVENTORY: Listing = Listing {
    sql: "SELECT p.sku, l.code, i.on_hand::float8 AS on_hand, i.reserved::float8 AS reserved,
                 i.reorder_point::float8 AS reorder_point, i.safety_stock::float8 AS safety_stock,
                 count(*) OVER () AS total
            FROM inventory_levels i JOIN products p ON p.id = i.product_id JOIN locations l ON l.id = i.location_id
           ORDER BY p.sku, l.code LIMIT $1 OFFSET $2",
    item: |r| {
        Ok(json!({
            "sku": r.try_get::<String, _>("sku")?, "location": r.try_get::<String, _>("code")?,
            "on_hand": r.try_get::<f64, _>("on_hand")?, "reserved": r.try_get::<f64, _>("reserved")?,
            "reorder_point": r.try_get::<f64, _>("reorder_point")?, "safety_stock": r.try_get::<f64, _>("safety_stock")?,
        }))
    },
};

fn order(r: &PgRow) -> Result<Value, sqlx::Error> {
    Ok(json!({
        "number": r.try_get::<String, _>("number")?, "party": r.try_get::<String, _>("party")?,
        "order_date": r.try_get::<time::Date, _>("order_date")?.to_string(),
        "status": r.try_get::<String, _>("status")?, "total": r.try_get::<f64, _>("total_amount")?,
    }))
}

const SALES: Listing = Listing {
    sql: "SELECT o.number, c.code AS party, o.order_date, o.status,
                 coalesce((SELECT sum(quantity * unit_price) FROM sales_order_lines WHERE sales_order_id = o.id), 0)::float8 AS total_amount,
                 count(*) OVER () AS total
            FROM sales_orders o JOIN customers c ON c.id = o.customer_id
           ORDER BY o.order_date DESC, o.number LIMIT $1 OFFSET $2",
    item: order,
};

const PURCHASES: Listing = Listing {
    sql: "SELECT o.number, s.code AS party, o.order_date, o.status,
                 coalesce((SELECT sum(quantity * unit_cost) FROM purchase_order_lines WHERE purchase_order_id = o.id), 0)::float8 AS total_amount,
                 count(*) OVER () AS total
            FROM purchase_orders o JOIN suppliers s ON s.id = o.supplier_id
           ORDER BY o.order_date DESC, o.number LIMIT $1 OFFSET $2",
    item: order,
};

const INVOICES: Listing = Listing {
    sql: "SELECT i.number, c.code, i.issued_on, i.due_on, i.paid_on, i.amount::float8 AS amount,
                 count(*) OVER () AS total
            FROM customer_invoices i JOIN customers c ON c.id = i.customer_id
           ORDER BY i.issued_on DESC, i.number LIMIT $1 OFFSET $2",
    item: |r| {
        Ok(json!({
            "number": r.try_get::<String, _>("number")?, "customer": r.try_get::<String, _>("code")?,
            "issued_on": r.try_get::<time::Date, _>("issued_on")?.to_string(),
            "due_on": r.try_get::<time::Date, _>("due_on")?.to_string(),
            "paid_on": r.try_get::<Option<time::Date>, _>("paid_on")?.map(|d| d.to_string()),
            "amount": r.try_get::<f64, _>("amount")?,
        }))
    },
};

async fn metrics(State(state): State<ApiState>, caller: Caller) -> Response {
    let ctx = match authorize(&state, &caller, false).await {
        Ok(ctx) => ctx,
        Err(response) => return response,
    };
    let result = async {
        let today = time::OffsetDateTime::now_utc().date();
        let mut tx = ctx.read(&state.pool).await?;
        let s = crate::workspace::ledger::load(&mut tx, today).await?.snapshot(today);
        Ok::<_, AppError>(json!({
            "day": s.day.to_string(), "revenue": s.revenue, "cogs": s.cogs, "receivables": s.receivables,
            "payables": s.payables, "inventory": s.inventory, "dso": s.dso, "dio": s.dio, "dpo": s.dpo,
            "ccc": s.ccc, "working_capital": s.working_capital,
        }))
    }
    .await;
    match result {
        Ok(body) => Json(body).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn forecasts(State(state): State<ApiState>, caller: Caller) -> Response {
    let ctx = match authorize(&state, &caller, false).await {
        Ok(ctx) => ctx,
        Err(response) => return response,
    };
    match crate::forecasting::store::overview(&state.pool, &ctx, None).await {
        Ok(o) => Json(json!({
            "data": o.rows.iter().map(|r| json!({
                "sku": r.sku, "name": r.name, "method": r.method, "mase": r.mase,
                "forecast_units": r.forecast_units, "reorder_point": r.reorder.reorder_point,
                "order_quantity": r.reorder.order_quantity,
            })).collect::<Vec<_>>(),
            "horizon_months": o.horizon_months,
        }))
        .into_response(),
        Err(err) => err.into_response(),
    }
}
