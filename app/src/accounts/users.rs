//! The users table.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::CurrentUser;
use crate::AppError;

/// The form of an address used for lookups and throttling: trimmed, lowercase.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A plausible address: one `@`, something either side, a dot in the domain, no
/// spaces, at most 254 characters. Delivery is what proves it.
pub fn validate_email(email: &str) -> Result<String, AppError> {
    let email = email.trim();
    let plausible = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if plausible {
        Ok(email.to_owned())
    } else {
        Err(AppError::invalid(
            "email",
            "Enter an email address such as name@company.com.",
        ))
    }
}

pub fn validate_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "Enter your name (at most 200 characters).",
        ));
    }
    Ok(name.to_owned())
}

/// Creates an account; `None` when the address already has one. `verified` is for
/// sign-ups that proved the address another way (an invitation link).
pub async fn create(
    conn: &mut PgConnection,
    name: &str,
    email: &str,
    password_hash: &str,
    verified: bool,
) -> Result<Option<Uuid>, AppError> {
    let id = Uuid::new_v4();
    let inserted = sqlx::query(
        "INSERT INTO public.users (id, name, email, password_hash, email_verified_at)
         VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)
         ON CONFLICT ((lower(email))) DO NOTHING",
    )
    .bind(id)
    .bind(name)
    .bind(email)
    .bind(password_hash)
    .bind(verified)
    .execute(conn)
    .await?;
    Ok((inserted.rows_affected() == 1).then_some(id))
}

/// Gives the account with this address a new name and password if its address was
/// never confirmed: whoever signed up before proved nothing, so what they chose must
/// not outlive the next sign-up. Their emailed links stop working and any session
/// ends. `None` when there is no such unconfirmed account.
pub async fn replace_unconfirmed(
    conn: &mut PgConnection,
    name: &str,
    email: &str,
    password_hash: &str,
) -> Result<Option<Uuid>, AppError> {
    let replaced: Option<Uuid> = sqlx::query_scalar(
        "UPDATE public.users
            SET name = $2, password_hash = $3, session_generation = session_generation + 1,
                updated_at = now()
          WHERE lower(email) = $1 AND email_verified_at IS NULL
          RETURNING id",
    )
    .bind(email_key(email))
    .bind(name)
    .bind(password_hash)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(user) = replaced {
        super::tokens::void_all(conn, user).await?;
    }
    Ok(replaced)
}

/// What signing in needs to know about the account with this address.
pub struct Credentials {
    pub id: Uuid,
    pub password_hash: Option<String>,
    pub verified: bool,
    /// Raised whenever the password changes.
    pub generation: i32,
}

pub async fn credentials(pool: &PgPool, email: &str) -> Result<Option<Credentials>, AppError> {
    let row: Option<(Uuid, Option<String>, bool, i32)> = sqlx::query_as(
        "SELECT id, password_hash, email_verified_at IS NOT NULL, session_generation
           FROM public.users WHERE lower(email) = $1",
    )
    .bind(email_key(email))
    .fetch_optional(pool)
    .await?;
    Ok(
        row.map(|(id, password_hash, verified, generation)| Credentials {
            id,
            password_hash,
            verified,
            generation,
        }),
    )
}

/// The account's session generation, raised whenever its password changes.
pub async fn generation(conn: &mut PgConnection, user: Uuid) -> Result<i32, AppError> {
    Ok(
        sqlx::query_scalar("SELECT session_generation FROM public.users WHERE id = $1")
            .bind(user)
            .fetch_one(conn)
            .await?,
    )
}

/// Whether the account's address is confirmed.
pub async fn is_verified(conn: &mut PgConnection, user: Uuid) -> Result<bool, AppError> {
    Ok(
        sqlx::query_scalar("SELECT email_verified_at IS NOT NULL FROM public.users WHERE id = $1")
            .bind(user)
            .fetch_one(conn)
            .await?,
    )
}

/// The account with this address, if any.
pub async fn find_by_email(
    conn: &mut PgConnection,
    email: &str,
) -> Result<Option<CurrentUser>, AppError> {
    Ok(sqlx::query_as::<_, (Uuid, String, String)>(
        "SELECT id, name, email FROM public.users WHERE lower(email) = $1",
    )
    .bind(email_key(email))
    .fetch_optional(conn)
    .await?
    .map(|(id, name, email)| CurrentUser { id, name, email }))
}

pub async fn mark_verified(conn: &mut PgConnection, user: Uuid) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE public.users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1",
    )
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets a new password: every session signed in before ends (the generation rises)
/// and every outstanding emailed link is void.
pub async fn set_password(
    conn: &mut PgConnection,
    user: Uuid,
    password_hash: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE public.users
            SET password_hash = $2, session_generation = session_generation + 1, updated_at = now()
          WHERE id = $1",
    )
    .bind(user)
    .bind(password_hash)
    .execute(&mut *conn)
    .await?;
    super::tokens::void_all(conn, user).await
}

/// Removes the password (the account then signs in only after a reset): every
/// session ends and every outstanding emailed link is void.
pub async fn forget_password(conn: &mut PgConnection, user: Uuid) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE public.users
            SET password_hash = NULL, session_generation = session_generation + 1,
                updated_at = now()
          WHERE id = $1",
    )
    .bind(user)
    .execute(&mut *conn)
    .await?;
    super::tokens::void_all(conn, user).await
}

pub async fn get(pool: &PgPool, id: Uuid) -> Result<Option<CurrentUser>, AppError> {
    Ok(sqlx::query_as::<_, (Uuid, String, String)>(
        "SELECT id, name, email FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .map(|(id, name, email)| CurrentUser { id, name, email }))
}

pub async fn remember_organization(
    pool: &PgPool,
    user: Uuid,
    tenant: Uuid,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE users SET last_tenant_id = $2 WHERE id = $1 AND last_tenant_id IS DISTINCT FROM $2",
    )
    .bind(user)
    .bind(tenant)
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_rules() {
        for ok in ["a@b.co", "  Name.Surname+tag@Example.COM "] {
            assert!(validate_email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "plain",
            "a@b",
            "a b@c.com",
            "@c.com",
            "a@.com",
            "a@c.com.",
            "a@b@c.com",
            &format!("{}@x.com", "a".repeat(250)),
        ] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
        assert_eq!(email_key(" A@B.Co "), "a@b.co");
    }
}
