//! Request bodies are read once, before any handler runs: at most the route's size
//! limit (413 beyond it, also for bodies without a Content-Length), and with an idle
//! timeout (408 when the client stops sending for BODY_TIMEOUT_SECS), so a slow or
//! oversized upload fails with the status that says so instead of an error inside
//! whichever handler happened to read it.

use app::AppError;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tower_http::timeout::{TimeoutBody, TimeoutError};

use super::AppState;

pub async fn read(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if is_upload(req.uri().path()) {
        // CSV uploads stream to their handler, which stops reading at IMPORT_MAX_BYTES,
        // so an upload never sits whole in memory; only the idle timeout applies here.
        let (parts, body) = req.into_parts();
        let body = Body::new(TimeoutBody::new(state.body_timeout, body));
        return next.run(Request::from_parts(parts, body)).await;
    }
    let limit = state.body_limit_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return AppError::too_large().into_response();
    }
    let (parts, body) = req.into_parts();
    let body = Limited::new(TimeoutBody::new(state.body_timeout, body), limit);
    match body.collect().await {
        Ok(collected) => {
            next.run(Request::from_parts(parts, Body::from(collected.to_bytes())))
                .await
        }
        Err(err) if err.is::<LengthLimitError>() => AppError::too_large().into_response(),
        Err(err) if err.is::<TimeoutError>() => (
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONNECTION, "close")],
            "The request body arrived too slowly.",
        )
            .into_response(),
        Err(_) => AppError::bad_request("the request body could not be read").into_response(),
    }
}

fn is_upload(path: &str) -> bool {
    path.starts_with("/app/") && path.ends_with("/import")
}
