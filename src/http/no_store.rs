//! `Cache-Control: no-store` on everything that may hold a customer's data, so no
//! shared cache or browser history keeps it: the tenant app and its exports, the
//! console, the REST API and server functions, the pages behind emailed links, and
//! any page rendered for a visitor with a session. Public pages and static files stay
//! cacheable.

use axum::{
    extract::Request,
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};
use tower_sessions::Session;

const PRIVATE_PREFIXES: &[&str] = &[
    "/app/",
    "/admin",
    "/api/",
    "/operators/",
    "/dev/",
    "/invite/",
    "/verify-email",
    "/reset-password",
];

pub async fn add(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let private_path = path == "/app" || PRIVATE_PREFIXES.iter().any(|p| path.starts_with(p));
    let has_session = req
        .extensions()
        .get::<Session>()
        .is_some_and(|s| s.id().is_some());
    let mut response = next.run(req).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    if private_path || (has_session && is_page) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
