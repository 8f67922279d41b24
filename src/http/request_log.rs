//! Request ids and the one log line per request.

use std::time::Instant;

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives every request an id (a caller's own id is kept when it is short and plain),
/// makes it visible to the code serving the request, returns it as `x-request-id`,
/// and logs method, path, status and latency.
pub async fn log_and_tag(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_plain_id(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let header = HeaderValue::from_str(&id).expect("request ids are plain ASCII");
    req.headers_mut().insert(REQUEST_ID, header.clone());
    let method = req.method().clone();
    let path = req.uri().path().to_owned();

    let mut response = app::server::request_id::scope(id.clone(), next.run(req)).await;

    response.headers_mut().insert(REQUEST_ID, header);
    app::server::process::count_response(response.status().as_u16());
    tracing::info!(
        request_id = %id,
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}

fn is_plain_id(v: &str) -> bool {
    (8..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::is_plain_id;

    #[test]
    fn only_plain_caller_ids_are_kept() {
        assert!(is_plain_id("3f2b8c1e-aaaa-bbbb"));
        assert!(!is_plain_id("short"));
        assert!(!is_plain_id("evil\nlog line injected"));
        assert!(!is_plain_id(&"x".repeat(65)));
    }
}
