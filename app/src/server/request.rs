//! What a server function needs from the request it serves.

use std::net::IpAddr;

use axum::Extension;
use leptos::prelude::use_context;
use sqlx::PgPool;
use tower_sessions::Session;

use super::client_ip::ClientIp;
use crate::AppError;

/// The connection pool (provided to every render and server function).
pub fn pool() -> Result<PgPool, AppError> {
    use_context::<PgPool>().ok_or_else(|| AppError::internal("no database pool in context"))
}

/// The visitor's session.
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| AppError::internal(format!("no session layer: {e}")))
}

/// The address the request came from (see [`super::client_ip`]).
pub async fn client_ip() -> Option<IpAddr> {
    leptos_axum::extract::<Extension<ClientIp>>()
        .await
        .ok()
        .map(|Extension(ClientIp(ip))| ip)
}

/// The email outbox (provided like the pool).
pub fn outbox() -> Result<crate::email::Outbox, AppError> {
    use_context::<crate::email::Outbox>().ok_or_else(|| AppError::internal("no outbox in context"))
}

/// The key that seals stored secrets (provided like the pool).
pub fn cipher() -> Result<crate::integrations::crypto::Cipher, AppError> {
    use_context::<crate::integrations::crypto::Cipher>()
        .ok_or_else(|| AppError::internal("no cipher in context"))
}

/// `next` if it is a path on this site (no scheme, no `//host`, no backslash that some
/// browsers read as a slash): where to send the browser after a form, without an open
/// redirect.
pub fn local_path(next: Option<String>) -> Option<String> {
    next.filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_paths_on_this_site_are_followed() {
        for ok in ["/app", "/invite/abc?x=1"] {
            assert_eq!(super::local_path(Some(ok.into())).as_deref(), Some(ok));
        }
        for bad in ["https://evil.test", "//evil.test", "/\\evil.test", "app"] {
            assert_eq!(super::local_path(Some(bad.into())), None, "{bad}");
        }
    }
}
