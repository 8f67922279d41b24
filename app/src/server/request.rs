//! What a server function needs from the request it serves.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use leptos::prelude::use_context;
use sqlx::PgPool;
use tower_sessions::Session;

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

/// The address the request came from.
pub async fn client_ip() -> Option<IpAddr> {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// The email outbox (provided like the pool).
pub fn outbox() -> Result<crate::email::Outbox, AppError> {
    use_context::<crate::email::Outbox>().ok_or_else(|| AppError::internal("no outbox in context"))
}
