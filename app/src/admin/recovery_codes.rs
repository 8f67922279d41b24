//! Recovery codes: ten single-use codes shown once at enrolment, for an operator
//! without their authenticator. 50 random bits each, stored as SHA-256 (like email
//! tokens, they are random enough that a slow hash adds nothing).

use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::AppError;

pub const COUNT: usize = 10;
const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A code as typed: case, spaces and hyphens do not matter.
fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn hash(code: &str) -> Vec<u8> {
    Sha256::digest(normalize(code).as_bytes()).to_vec()
}

fn generate() -> Result<String, AppError> {
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b % 32)] as char)
        .collect();
    Ok(format!("{}-{}", &chars[..5], &chars[5..]))
}

/// Replaces the operator's codes with ten new ones, returned in clear this once.
pub async fn replace(conn: &mut PgConnection, operator: Uuid) -> Result<Vec<String>, AppError> {
    sqlx::query("DELETE FROM public.operator_recovery_codes WHERE operator_id = $1")
        .bind(operator)
        .execute(&mut *conn)
        .await?;
    let mut codes = Vec::with_capacity(COUNT);
    while codes.len() < COUNT {
        let code = generate()?;
        let inserted = sqlx::query(
            "INSERT INTO public.operator_recovery_codes (operator_id, code_hash) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(operator)
        .bind(hash(&code))
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if inserted == 1 {
            codes.push(code);
        }
    }
    Ok(codes)
}

/// Uses up `code` if it is one of the operator's unused codes.
pub async fn consume(
    conn: &mut PgConnection,
    operator: Uuid,
    code: &str,
) -> Result<bool, AppError> {
    if normalize(code).len() != 10 {
        return Ok(false);
    }
    Ok(sqlx::query(
        "UPDATE public.operator_recovery_codes SET used_at = now()
          WHERE operator_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(operator)
    .bind(hash(code))
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// How many unused codes the operator has left.
pub async fn remaining(conn: &mut PgConnection, operator: Uuid) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM public.operator_recovery_codes WHERE operator_id = $1 AND used_at IS NULL",
    )
    .bind(operator)
    .fetch_one(conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_readable_and_typed_loosely() {
        let code = generate().unwrap();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert_eq!(hash(&code), hash(&code.to_lowercase().replace('-', " ")));
        assert_ne!(hash(&code), hash(&generate().unwrap()));
    }
}
