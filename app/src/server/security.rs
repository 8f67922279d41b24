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

/// Where a rendered page leaves its policy for the HTTP layer, which puts it on the
/// response (the layer adds this to every request). Going through the request rather
/// than Leptos's response options, which now and then lost the header under
/// concurrent requests and left a page without its scripts.
#[derive(Debug, Clone, Default)]
pub struct PageCsp(std::sync::Arc<std::sync::OnceLock<String>>);

impl PageCsp {
    /// The page's policy, once the page has been rendered.
    pub fn policy(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

/// Makes a fresh nonce for the page being rendered (the hydration scripts pick it up)
/// and leaves the page policy naming it for the response.
pub fn provide_page_csp() {
    leptos::nonce::provide_nonce();
    let (Some(nonce), Some(parts)) = (
        leptos::nonce::use_nonce(),
        use_context::<axum::http::request::Parts>(),
    ) else {
        return;
    };
    if let Some(slot) = parts.extensions.get::<PageCsp>() {
        let _ = slot.0.set(page_csp(&nonce));
    }
}
