//! Who is signed in: the session holds the user id (never "the current
//! organization") and when they signed in.

use time::OffsetDateTime;
use tower_sessions::Session;
use uuid::Uuid;

use crate::AppError;

const USER_ID: &str = "user_id";
const SIGNED_IN_AT: &str = "signed_in_at";

/// However active, a session ends this long after sign-in.
pub const ABSOLUTE_LIFETIME: time::Duration = time::Duration::days(14);
/// A session unused this long ends (set on the session layer).
pub const INACTIVITY_TIMEOUT: time::Duration = time::Duration::hours(12);

fn internal(e: tower_sessions::session::Error) -> AppError {
    AppError::internal(e)
}

/// Marks the session as `user`'s, under a new session id (no fixation).
pub async fn sign_in(session: &Session, user: Uuid) -> Result<(), AppError> {
    session.cycle_id().await.map_err(internal)?;
    session.insert(USER_ID, user).await.map_err(internal)?;
    session
        .insert(SIGNED_IN_AT, OffsetDateTime::now_utc().unix_timestamp())
        .await
        .map_err(internal)
}

/// Ends the session: data deleted, cookie removed.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(internal)
}

/// The signed-in user, if any and if the session is within its absolute lifetime.
pub async fn user_id(session: &Session) -> Result<Option<Uuid>, AppError> {
    let Some(user) = session.get::<Uuid>(USER_ID).await.map_err(internal)? else {
        return Ok(None);
    };
    let signed_in_at = session
        .get::<i64>(SIGNED_IN_AT)
        .await
        .map_err(internal)?
        .unwrap_or(0);
    let age = OffsetDateTime::now_utc().unix_timestamp() - signed_in_at;
    if age > ABSOLUTE_LIFETIME.whole_seconds() {
        sign_out(session).await?;
        return Ok(None);
    }
    Ok(Some(user))
}

pub async fn require_user(session: &Session) -> Result<Uuid, AppError> {
    user_id(session).await?.ok_or(AppError::Unauthenticated)
}
