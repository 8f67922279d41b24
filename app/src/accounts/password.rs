//! Password hashing with argon2id (the crate's default parameters).

use std::sync::OnceLock;

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

use crate::AppError;

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 128;

/// Checks a new password's length, naming the field.
pub fn validate_new(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Err(AppError::invalid(
            "password",
            format!("Use at least {MIN_LENGTH} characters."),
        ));
    }
    if n > MAX_LENGTH {
        return Err(AppError::invalid(
            "password",
            format!("Use at most {MAX_LENGTH} characters."),
        ));
    }
    Ok(())
}

/// Hashes off the async runtime: argon2 is deliberately slow.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)
}

/// True when `password` matches `stored`. With no stored hash (unknown account) it
/// still does the same work, so timing does not tell whether an account exists.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(AppError::internal)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"not a real password")
            .expect("hashing a constant cannot fail")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash("correct horse battery".into()).await.unwrap();
        let b = hash("correct horse battery".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(
            verify("correct horse battery".into(), Some(a.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("wrong horse battery".into(), Some(a)).await.unwrap());
        assert!(!verify("anything".into(), None).await.unwrap());
    }

    #[test]
    fn length_rules() {
        assert!(validate_new("short").is_err());
        assert!(validate_new(&"x".repeat(129)).is_err());
        assert!(validate_new("long enough pw").is_ok());
    }
}
