//! Request ids and the one log line per request.

use std::time::Instant;

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Paths whose last segment is a single-use token (an invitation link): whoever read
/// the token in a log could use it. Emailed links of the other kinds carry their token
/// in the query, which is never logged.
const TOKEN_PATHS: &[&str] = &["/invite/"];

/// The request path as the log may show it: the query left out, tokens redacted.
pub(super) fn loggable_path(path: &str) -> String {
    match TOKEN_PATHS.iter().find(|prefix| path.starts_with(*prefix)) {
        Some(prefix) => format!("{prefix}[redacted]"),
        None => path.to_owned(),
    }
}

/// Gives every request an id (a caller's own id is kept when it is short and plain),
/// makes it visible to the code serving the request, returns it as `x-request-id`,
/// and logs method, path (see [`loggable_path`]), status and latency.
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
    let path = loggable_path(req.uri().path());

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
    use std::sync::{Arc, Mutex};

    use axum::{Router, body::Body, middleware, routing::get};
    use tower::ServiceExt;

    use super::is_plain_id;

    /// Log output collected in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn single_use_tokens_never_reach_the_log() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = Router::new()
            .route("/invite/{token}", get(|| async { "invitation" }))
            .route("/verify-email", get(|| async { "verify" }))
            .route("/reset-password", get(|| async { "reset" }))
            .layer(middleware::from_fn(super::log_and_tag));
        for uri in [
            "/invite/SECRETTOKEN1",
            "/verify-email?token=SECRETTOKEN2",
            "/reset-password?token=SECRETTOKEN3",
        ] {
            let req = axum::http::Request::get(uri).body(Body::empty()).unwrap();
            let res = app.clone().oneshot(req).await.unwrap();
            assert_eq!(res.status(), 200);
        }
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert_eq!(log.lines().count(), 3, "{log}");
        assert!(log.contains("/invite/[redacted]"), "{log}");
        assert!(!log.contains("SECRETTOKEN"), "{log}");
    }

    #[test]
    fn only_plain_caller_ids_are_kept() {
        assert!(is_plain_id("3f2b8c1e-aaaa-bbbb"));
        assert!(!is_plain_id("short"));
        assert!(!is_plain_id("evil\nlog line injected"));
        assert!(!is_plain_id(&"x".repeat(65)));
    }
}
