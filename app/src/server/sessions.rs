//! Session storage and cookie policy.

use sqlx::PgPool;
use tower_sessions::{
    ExpiredDeletion, Expiry, SessionManagerLayer, SessionStore,
    cookie::SameSite,
    session::{Id, Record},
    session_store,
};
use tower_sessions_sqlx_store::PostgresStore;

use crate::accounts::session::INACTIVITY_TIMEOUT;

/// Sessions live in PostgreSQL (schema `tower_sessions`), so app nodes stay stateless.
pub fn store(pool: PgPool) -> PostgresStore {
    PostgresStore::new(pool)
}

/// The session store of the cookie layer. Creating a session opens a transaction; a
/// request dropped during that `BEGIN` would leave its connection in a transaction
/// (see `db::begin`), so creation runs to completion in a task of its own. The other
/// calls are single statements, which a dropped request cannot leave half-done.
#[derive(Debug, Clone)]
pub struct Store(PostgresStore);

#[async_trait::async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let (store, mut owned) = (self.0.clone(), record.clone());
        *record = tokio::spawn(async move {
            store.create(&mut owned).await?;
            Ok::<_, session_store::Error>(owned)
        })
        .await
        .map_err(|err| session_store::Error::Backend(err.to_string()))??;
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.save(record).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.0.load(id).await
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.delete(id).await
    }
}

/// Creates the session table when missing.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::Error> {
    store(pool.clone()).migrate().await
}

/// The cookie: HttpOnly, SameSite=Lax (Strict would drop it on the way back from
/// Stripe), and over https Secure with the `__Host-` prefix (no Domain, Path=/).
pub fn layer(pool: PgPool, https: bool) -> SessionManagerLayer<Store> {
    SessionManagerLayer::new(Store(store(pool)))
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
