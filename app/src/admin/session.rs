//! An operator's sign-in, kept in the visitor's session beside (not instead of) any
//! tenant user's. It has two stages: the password was right, then the second factor
//! was. Only the second stage reaches the console; anything less is "not found".

use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::Session;
use uuid::Uuid;

use super::operators::{self, Operator};
use crate::AppError;

const OPERATOR: &str = "operator_id";
const GENERATION: &str = "operator_generation";
const VERIFIED: &str = "operator_verified";
const SIGNED_IN_AT: &str = "operator_signed_in_at";

/// An operator session ends this long after sign-in, however active.
pub const LIFETIME: time::Duration = time::Duration::hours(8);

/// How far an operator has signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Password accepted; the second factor (or its enrolment) is still due.
    Password,
    Verified,
}

fn internal(e: tower_sessions::session::Error) -> AppError {
    AppError::internal(e)
}

/// The password was right: the second factor comes next (new session id).
pub async fn password_passed(pool: &PgPool, session: &Session, id: Uuid) -> Result<(), AppError> {
    let generation = operators::generation(pool, id)
        .await?
        .ok_or_else(|| AppError::internal("operator vanished during sign-in"))?;
    session.cycle_id().await.map_err(internal)?;
    session.insert(OPERATOR, id).await.map_err(internal)?;
    session
        .insert(GENERATION, generation)
        .await
        .map_err(internal)?;
    session.insert(VERIFIED, false).await.map_err(internal)?;
    session
        .insert(SIGNED_IN_AT, OffsetDateTime::now_utc().unix_timestamp())
        .await
        .map_err(internal)
}

/// The second factor was right: the console opens (new session id again).
pub async fn second_factor_passed(session: &Session) -> Result<(), AppError> {
    session.cycle_id().await.map_err(internal)?;
    session.insert(VERIFIED, true).await.map_err(internal)
}

/// Ends the operator's sign-in, leaving any tenant user's in place.
pub async fn end(session: &Session) -> Result<(), AppError> {
    for key in [OPERATOR, GENERATION, VERIFIED, SIGNED_IN_AT] {
        session.remove_value(key).await.map_err(internal)?;
    }
    session.cycle_id().await.map_err(internal)
}

/// The operator signed in on this session and how far, while within the lifetime and
/// the operator's session generation.
pub async fn current(
    pool: &PgPool,
    session: &Session,
) -> Result<Option<(Operator, Stage)>, AppError> {
    let Some(id) = session.get::<Uuid>(OPERATOR).await.map_err(internal)? else {
        return Ok(None);
    };
    let signed_in_at = session
        .get::<i64>(SIGNED_IN_AT)
        .await
        .map_err(internal)?
        .unwrap_or(0);
    let generation = session.get::<i32>(GENERATION).await.map_err(internal)?;
    let expired =
        OffsetDateTime::now_utc().unix_timestamp() - signed_in_at > LIFETIME.whole_seconds();
    if expired || operators::generation(pool, id).await? != generation {
        end(session).await?;
        return Ok(None);
    }
    let Some(operator) = operators::get(pool, id).await? else {
        end(session).await?;
        return Ok(None);
    };
    let verified = session
        .get::<bool>(VERIFIED)
        .await
        .map_err(internal)?
        .unwrap_or(false);
    // A second factor only counts once one is enrolled.
    let stage = if verified && operator.enrolled {
        Stage::Verified
    } else {
        Stage::Password
    };
    Ok(Some((operator, stage)))
}

/// The console's gate: a fully signed-in operator, or "not found" — the console does
/// not admit to existing.
pub async fn require(pool: &PgPool, session: &Session) -> Result<Operator, AppError> {
    match current(pool, session).await? {
        Some((operator, Stage::Verified)) => Ok(operator),
        _ => Err(not_found()),
    }
}

/// What the console answers anyone who is not a signed-in operator.
pub fn not_found() -> AppError {
    AppError::not_found("Page")
}
