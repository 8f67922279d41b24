//! Liveness and readiness.

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;

use super::AppState;

/// The process is up: always 200.
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_s": state.started_at.elapsed().as_secs(),
    }))
}

/// Ready for traffic: the database answers and its schema is current.
pub async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let check = async {
        sqlx::query("SELECT 1")
            .execute(&state.pool)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "readiness: database unreachable");
                "database unreachable".to_owned()
            })?;
        let pending = app::server::db::pending_platform_migrations(&state.pool)
            .await
            .map_err(|_| "could not read the migration ledger".to_owned())?;
        if pending.is_empty() {
            Ok(())
        } else {
            Err(format!("{} platform migration(s) pending", pending.len()))
        }
    };
    match tokio::time::timeout(Duration::from_secs(3), check).await {
        Ok(Ok(())) => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Ok(Err(reason)) => unavailable(reason),
        Err(_) => unavailable("database did not answer within 3 s".into()),
    }
}

fn unavailable(reason: String) -> (StatusCode, Json<serde_json::Value>) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "unavailable", "reason": reason })),
    )
}
