//! One spelling per path. Browsers and the router resolve `.` and `..` segments and
//! empty segments, the gates in front of the router compare raw paths: a request for
//! `/./admin` or `/x/../admin` would pass a gate for `/admin` and still render it. So
//! before any gate sees it, a non-canonical path is sent to its canonical form.

use axum::{
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

pub async fn redirect(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let canonical = canonical(path);
    if canonical == path {
        return next.run(req).await;
    }
    let target = match req.uri().query() {
        Some(query) => format!("{canonical}?{query}"),
        None => canonical,
    };
    match HeaderValue::try_from(target) {
        Ok(location) => (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// `path` with empty, `.` and `..` segments (also percent-encoded) resolved; a
/// trailing slash is kept.
fn canonical(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment.to_ascii_lowercase().as_str() {
            "" | "." | "%2e" => {}
            ".." | ".%2e" | "%2e." | "%2e%2e" => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    let mut out = format!("/{}", segments.join("/"));
    if path.ends_with('/') && out != "/" {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn dot_and_empty_segments_are_resolved() {
        for (raw, expected) in [
            ("/", "/"),
            ("/admin", "/admin"),
            ("/admin/", "/admin/"),
            ("/./admin/tenants", "/admin/tenants"),
            ("/x/../admin", "/admin"),
            ("/%2E/admin", "/admin"),
            ("/x/%2e%2E/admin", "/admin"),
            ("//admin", "/admin"),
            ("/app//acme", "/app/acme"),
            ("/../../etc/passwd", "/etc/passwd"),
            ("/app/acme.co/x", "/app/acme.co/x"),
        ] {
            assert_eq!(canonical(raw), expected, "{raw}");
        }
    }
}
