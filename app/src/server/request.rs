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
