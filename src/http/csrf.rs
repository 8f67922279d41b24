//! Cross-site request forgery defence for every state-changing request, server
//! functions included (Leptos has none of its own).

use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use app::AppError;

use super::AppState;

/// Routes called by other servers with their own authentication (signatures), never
/// by a browser holding our session cookie.
pub const CSRF_EXEMPT_PATHS: &[&str] = &["/webhooks/stripe"];
/// The REST API authenticates each call by its bearer key alone and never reads the
/// session cookie, so a cross-site request carries nothing it could use.
pub const CSRF_EXEMPT_PREFIXES: &[&str] = &["/api/v1/"];

pub async fn verify_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let path = req.uri().path();
    if safe
        || CSRF_EXEMPT_PATHS.contains(&path)
        || CSRF_EXEMPT_PREFIXES.iter().any(|p| path.starts_with(p))
    {
        return next.run(req).await;
    }
    match same_site(req.headers(), &state.public_origin) {
        Ok(()) => next.run(req).await,
        Err(reason) => {
            let path = super::request_log::loggable_path(req.uri().path());
            tracing::warn!(%path, reason, "cross-site request refused");
            AppError::Forbidden.into_response()
        }
    }
}

/// Browsers send `Sec-Fetch-Site` (and `Origin`) with every POST; a request carrying
/// neither is refused, so only same-origin pages can change state.
fn same_site(headers: &HeaderMap, public_origin: &str) -> Result<(), &'static str> {
    let get = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get(header::HeaderName::from_static("sec-fetch-site")) {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err("Sec-Fetch-Site is not same-origin"),
        };
    }
    let Some(origin) = get(header::ORIGIN) else {
        return Err("no Origin or Sec-Fetch-Site header");
    };
    if origin == public_origin {
        return Ok(());
    }
    // Same origin as the address the browser used (another host name for this server).
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match (origin_host, get(header::HOST)) {
        (Some(o), Some(host)) if o.eq_ignore_ascii_case(host) => Ok(()),
        _ => Err("Origin does not match this site"),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    const SITE: &str = "https://capliquify.com";

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(same_site(&headers(&[("sec-fetch-site", "same-origin")]), SITE).is_ok());
        for bad in ["cross-site", "same-site"] {
            let h = headers(&[
                ("sec-fetch-site", bad),
                ("origin", "https://capliquify.com"),
            ]);
            assert!(same_site(&h, SITE).is_err(), "{bad}");
        }
    }

    #[test]
    fn origin_must_be_this_site() {
        assert!(same_site(&headers(&[("origin", "https://capliquify.com")]), SITE).is_ok());
        let h = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(same_site(&h, SITE).is_ok());
        let h = headers(&[
            ("origin", "https://evil.example"),
            ("host", "capliquify.com"),
        ]);
        assert!(same_site(&h, SITE).is_err());
        assert!(same_site(&headers(&[("origin", "null")]), SITE).is_err());
        assert!(same_site(&headers(&[]), SITE).is_err());
    }
}
