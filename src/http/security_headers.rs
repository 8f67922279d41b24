//! Security headers on every response.

use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};

use app::server::security::{DEFAULT_CSP, PageCsp};

use super::AppState;

pub async fn add(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let page_csp = PageCsp::default();
    req.extensions_mut().insert(page_csp.clone());
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    // A handler's own policy (the dev mailbox) stays; a rendered page gets the
    // nonce-based policy it left; everything else gets the strictest one.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = page_csp
            .policy()
            .and_then(|p| HeaderValue::from_str(p).ok())
            .unwrap_or(HeaderValue::from_static(DEFAULT_CSP));
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if state.public_origin.starts_with("https://") {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}
