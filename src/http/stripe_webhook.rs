//! `POST /webhooks/stripe`: Stripe's events. The signature is checked on the raw body
//! with STRIPE_WEBHOOK_SECRET and Stripe's five-minute timestamp tolerance; each event
//! is stored and applied once; a failure answers 500 so Stripe retries.

use app::billing::{
    events::{self, Source},
    stripe::EventRecord,
};
use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use stripe_webhook::{Webhook, WebhookError};

use super::AppState;

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let Some(secret) = state.billing.webhook_secret() else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET is unset)",
        );
    };
    let Some(signature) = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return refuse(StatusCode::BAD_REQUEST, "missing Stripe-Signature header");
    };
    match Webhook::construct_event(&body, signature, secret) {
        // The signature was verified before parsing: an event the library cannot type
        // (a newer or unusual shape) is still read below.
        Ok(_) | Err(WebhookError::BadParse(_)) => {}
        Err(WebhookError::BadTimestamp(_)) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "signature timestamp outside the tolerance",
            );
        }
        Err(_) => return refuse(StatusCode::BAD_REQUEST, "invalid signature"),
    }
    let Some(event) = serde_json::from_str(&body)
        .ok()
        .and_then(EventRecord::from_json)
    else {
        return refuse(StatusCode::BAD_REQUEST, "not a Stripe event");
    };
    match events::handle(
        &state.pool,
        &state.billing,
        &state.outbox,
        &event,
        Source::Webhook,
    )
    .await
    {
        Ok(outcome) => {
            tracing::info!(event = %event.id, kind = %event.type_, ?outcome, "Stripe event");
            Json(serde_json::json!({ "received": true })).into_response()
        }
        Err(err) => {
            tracing::error!(event = %event.id, kind = %event.type_, error = %err, "Stripe event failed; Stripe will retry");
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "processing failed; retry later",
            )
        }
    }
}
