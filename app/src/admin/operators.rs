//! The operators table: platform administrators, created by `capliquify admin create`.

use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    AppError,
    accounts::{password, throttle, users},
    server::rate_counters,
};

/// An operator as the console knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// Whether a TOTP authenticator is enrolled.
    pub enrolled: bool,
}

/// Creates an operator; refuses an address that already has one. Enrolment of the
/// second factor happens at their first sign-in.
pub async fn create(
    pool: &PgPool,
    email: &str,
    name: &str,
    password: String,
) -> Result<Uuid, AppError> {
    let email = users::validate_email(email)?;
    let name = users::validate_name(name)?;
    password::validate_new(&password)?;
    let hash = password::hash(password).await?;
    let id = Uuid::new_v4();
    let mut tx = crate::server::db::begin(pool).await?;
    let inserted = sqlx::query(
        "INSERT INTO public.operators (id, email, name, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(&email)
    .bind(&name)
    .bind(hash)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(AppError::Conflict {
            message: format!("An operator with the address {email} already exists."),
        });
    }
    crate::server::audit::record_system(
        &mut tx,
        None,
        "operator.created",
        &users::email_key(&email),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What an operator may lose, and the command line restores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// A new password (read by the command, never shown).
    Password,
    /// The authenticator and recovery codes are removed: the operator enrols a new
    /// one at their next sign-in, after the password.
    TwoFactor,
}

/// Restores an operator's access from the command line (operators have no emailed
/// recovery). Every session of theirs ends, the sign-in attempts counted against
/// their address are cleared, and the recovery is audited.
pub async fn recover(
    pool: &PgPool,
    email: &str,
    recovery: Recovery,
    new_password: Option<String>,
) -> Result<(), AppError> {
    let email = users::validate_email(email)?;
    let key = users::email_key(&email);
    let hash = match (recovery, new_password) {
        (Recovery::Password, Some(password)) => {
            password::validate_new(&password)?;
            Some(password::hash(password).await?)
        }
        (Recovery::Password, None) => {
            return Err(AppError::invalid("password", "Enter the new password."));
        }
        (Recovery::TwoFactor, _) => None,
    };
    let mut tx = crate::server::db::begin(pool).await?;
    let id: Option<Uuid> = sqlx::query_scalar(
        "UPDATE public.operators
            SET password_hash = coalesce($2, password_hash),
                totp_secret = CASE WHEN $3 THEN NULL ELSE totp_secret END,
                totp_pending = CASE WHEN $3 THEN NULL ELSE totp_pending END,
                session_generation = session_generation + 1
          WHERE lower(email) = $1
          RETURNING id",
    )
    .bind(&key)
    .bind(hash)
    .bind(recovery == Recovery::TwoFactor)
    .fetch_optional(&mut *tx)
    .await?;
    let id =
        id.ok_or_else(|| AppError::not_found(format!("An operator with the address {email}")))?;
    if recovery == Recovery::TwoFactor {
        sqlx::query("DELETE FROM public.operator_recovery_codes WHERE operator_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    rate_counters::clear(&mut tx, &throttle::operator_counters(&key)).await?;
    let action = match recovery {
        Recovery::Password => "operator.password_reset",
        Recovery::TwoFactor => "operator.two_factor_reset",
    };
    crate::server::audit::record_system(&mut tx, None, action, &key).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn get(pool: &PgPool, id: Uuid) -> Result<Option<Operator>, AppError> {
    Ok(sqlx::query_as::<_, (Uuid, String, String, bool)>(
        "SELECT id, email, name, totp_secret IS NOT NULL FROM public.operators WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .map(|(id, email, name, enrolled)| Operator {
        id,
        email,
        name,
        enrolled,
    }))
}

/// The id and password hash of the operator with this address.
pub async fn credentials(pool: &PgPool, email: &str) -> Result<Option<(Uuid, String)>, AppError> {
    Ok(
        sqlx::query_as("SELECT id, password_hash FROM public.operators WHERE lower(email) = $1")
            .bind(users::email_key(email))
            .fetch_optional(pool)
            .await?,
    )
}

/// The operator's session generation (raised to end every session).
pub async fn generation(pool: &PgPool, id: Uuid) -> Result<Option<i32>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT session_generation FROM public.operators WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}
