//! Who is signed in: the session holds the user id (never "the current
//! organization"), when they signed in and the account's session generation then.
//! Changing the password raises the generation, which ends every older session.

use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::Session;
use uuid::Uuid;

use crate::AppError;

const USER_ID: &str = "user_id";
const SIGNED_IN_AT: &str = "signed_in_at";
const GENERATION: &str = "generation";
const SIGNED_UP: &str = "signed_up_user_id";

/// However active, a session ends this long after sign-in.
pub const ABSOLUTE_LIFETIME: time::Duration = time::Duration::days(14);
/// A session unused this long ends (set on the session layer).
pub const INACTIVITY_TIMEOUT: time::Duration = time::Duration::hours(12);

fn internal(e: tower_sessions::session::Error) -> AppError {
    AppError::internal(e)
}

async fn generation(pool: &PgPool, user: Uuid) -> Result<Option<i32>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT session_generation FROM public.users WHERE id = $1")
            .bind(user)
            .fetch_optional(pool)
            .await?,
    )
}

/// Marks the session as `user`'s, under a new session id (no fixation).
pub async fn sign_in(pool: &PgPool, session: &Session, user: Uuid) -> Result<(), AppError> {
    let generation = generation(pool, user)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    session.cycle_id().await.map_err(internal)?;
    session.insert(USER_ID, user).await.map_err(internal)?;
    session
        .insert(GENERATION, generation)
        .await
        .map_err(internal)?;
    session
        .insert(SIGNED_IN_AT, OffsetDateTime::now_utc().unix_timestamp())
        .await
        .map_err(internal)
}

/// Remembers that this browser chose (or proved it knows) the password `user` has at
/// session generation `generation`, while the address is not confirmed yet. A later
/// sign-up for the address raises the generation, so it no longer matches.
pub async fn remember_sign_up(
    session: &Session,
    user: Uuid,
    generation: i32,
) -> Result<(), AppError> {
    session
        .insert(SIGNED_UP, (user, generation))
        .await
        .map_err(internal)
}

/// Whether this browser chose the password `user` has now, at `generation` (see
/// [`remember_sign_up`]); forgets it either way.
pub async fn signed_up_here(
    session: &Session,
    user: Uuid,
    generation: i32,
) -> Result<bool, AppError> {
    let remembered = session
        .remove::<(Uuid, i32)>(SIGNED_UP)
        .await
        .map_err(internal)?;
    Ok(remembered == Some((user, generation)))
}

/// Ends the session: data deleted, cookie removed.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(internal)
}

/// The signed-in user, if any, while the session is within its absolute lifetime and
/// the account still exists with the password it was signed in with.
pub async fn user_id(pool: &PgPool, session: &Session) -> Result<Option<Uuid>, AppError> {
    let Some(user) = session.get::<Uuid>(USER_ID).await.map_err(internal)? else {
        return Ok(None);
    };
    let signed_in_at = session
        .get::<i64>(SIGNED_IN_AT)
        .await
        .map_err(internal)?
        .unwrap_or(0);
    let age = OffsetDateTime::now_utc().unix_timestamp() - signed_in_at;
    let signed_in_as = session.get::<i32>(GENERATION).await.map_err(internal)?;
    if age > ABSOLUTE_LIFETIME.whole_seconds()
        || generation(pool, user).await? != signed_in_as.or(Some(0))
    {
        sign_out(session).await?;
        return Ok(None);
    }
    Ok(Some(user))
}

pub async fn require_user(pool: &PgPool, session: &Session) -> Result<Uuid, AppError> {
    user_id(pool, session)
        .await?
        .ok_or(AppError::Unauthenticated)
}
