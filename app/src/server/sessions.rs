//! Session storage and cookie policy.

use sqlx::PgPool;
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer, cookie::SameSite};
use tower_sessions_sqlx_store::PostgresStore;

use crate::accounts::session::INACTIVITY_TIMEOUT;

/// Sessions live in PostgreSQL (schema `tower_sessions`), so app nodes stay stateless.
pub fn store(pool: PgPool) -> PostgresStore {
    PostgresStore::new(pool)
}

/// Creates the session table when missing.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::Error> {
    store(pool.clone()).migrate().await
}

/// The cookie: HttpOnly, SameSite=Lax (Strict would drop it on the way back from
/// Stripe), and over https Secure with the `__Host-` prefix (no Domain, Path=/).
pub fn layer(pool: PgPool, https: bool) -> SessionManagerLayer<PostgresStore> {
    SessionManagerLayer::new(store(pool))
        .with_name(if https {
            "__Host-capliquify"
        } else {
            "capliquify_session"
        })
        .with_secure(https)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(INACTIVITY_TIMEOUT))
}

/// Deletes expired sessions every `period`, for as long as the server runs. A failed
/// sweep is logged and the next one tried (the built-in task would stop).
pub async fn sweep_expired(pool: PgPool, period: std::time::Duration) {
    let store = store(pool);
    let mut interval = tokio::time::interval(period);
    loop {
        interval.tick().await;
        if let Err(err) = store.delete_expired().await {
            tracing::warn!(error = %err, "could not delete expired sessions");
        }
    }
}
