//! Content Security Policy for server-rendered pages.

use leptos::prelude::*;

/// The policy for responses that are not HTML pages (assets, JSON): nothing may run.
pub const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The policy for a rendered page: scripts only from this origin or with this
/// response's nonce; `wasm-unsafe-eval` lets the hydration bundle instantiate.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Makes a fresh nonce for the page being rendered (the hydration scripts pick it up)
/// and sets the page policy naming it on the response.
pub fn provide_page_csp() {
    leptos::nonce::provide_nonce();
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = axum::http::HeaderValue::from_str(&page_csp(&nonce)) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}
