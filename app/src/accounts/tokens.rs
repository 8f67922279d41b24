//! Single-use secrets sent by email: 256 random bits, shown to the user once as
//! URL-safe base64, stored only as their SHA-256 hash.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::AppError;

/// What an account token allows, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
        }
    }

    pub fn lifetime(self) -> time::Duration {
        match self {
            Purpose::VerifyEmail => time::Duration::hours(24),
            Purpose::ResetPassword => time::Duration::hours(1),
        }
    }
}

/// A fresh token and the hash to store.
pub fn generate() -> Result<(String, Vec<u8>), AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    Ok((token, hash))
}

pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

/// Stores a new token for `user` and returns it (the only time it exists in clear).
pub async fn issue(
    conn: &mut PgConnection,
    user: Uuid,
    purpose: Purpose,
) -> Result<String, AppError> {
    let (token, hash) = generate()?;
    sqlx::query(
        "INSERT INTO public.account_tokens (token_hash, user_id, purpose, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4))",
    )
    .bind(hash)
    .bind(user)
    .bind(purpose.as_str())
    .bind(purpose.lifetime().whole_seconds() as f64)
    .execute(conn)
    .await?;
    Ok(token)
}

/// Uses up `token` in one atomic update: it succeeds for exactly one caller, and only
/// while the token is unused and unexpired. Returns the token's user.
pub async fn consume(
    conn: &mut PgConnection,
    token: &str,
    purpose: Purpose,
) -> Result<Option<Uuid>, AppError> {
    Ok(sqlx::query_scalar(
        "UPDATE public.account_tokens SET used_at = now()
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
         RETURNING user_id",
    )
    .bind(hash(token))
    .bind(purpose.as_str())
    .fetch_optional(conn)
    .await?)
}

/// Whether `token` could be used now (unused, unexpired), without using it.
pub async fn is_open(pool: &sqlx::PgPool, token: &str, purpose: Purpose) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM public.account_tokens
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now())",
    )
    .bind(hash(token))
    .bind(purpose.as_str())
    .fetch_one(pool)
    .await?)
}

/// Voids every outstanding token of `user` (the password changed).
pub async fn void_all(conn: &mut PgConnection, user: Uuid) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE public.account_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a token of this purpose was issued to `user` within `window` (so a
/// repeated request does not flood their inbox).
pub async fn recently_issued(
    conn: &mut PgConnection,
    user: Uuid,
    purpose: Purpose,
    window: time::Duration,
) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM public.account_tokens
         WHERE user_id = $1 AND purpose = $2 AND created_at > now() - make_interval(secs => $3))",
    )
    .bind(user)
    .bind(purpose.as_str())
    .bind(window.whole_seconds() as f64)
    .fetch_one(conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hash_to_what_is_stored() {
        let (a, hash_a) = generate().unwrap();
        let (b, _) = generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43, "256 bits in unpadded base64");
        assert_eq!(hash_a, hash(&a));
        assert_eq!(hash_a.len(), 32);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
}
