//! Sign-in throttling per account and per address, counted in PostgreSQL so every
//! app node sees the same numbers.

use std::net::IpAddr;

use sqlx::PgPool;

use crate::AppError;

const WINDOW: &str = "15 minutes";
const PER_ACCOUNT: i64 = 5;
const PER_ADDRESS: i64 = 30;

fn refused() -> AppError {
    AppError::RateLimited {
        message: "Too many failed sign-in attempts. Please wait 15 minutes and try again, or reset your password.".into(),
    }
}

/// Refuses when this account or this address has failed too often recently. Asked
/// before the password is checked, for existing and unknown accounts alike.
pub async fn check(pool: &PgPool, email_key: &str, ip: Option<IpAddr>) -> Result<(), AppError> {
    let (by_account, by_address): (i64, i64) = sqlx::query_as(&format!(
        "SELECT count(*) FILTER (WHERE email_key = $1),
                count(*) FILTER (WHERE ip = $2::inet)
           FROM login_failures
          WHERE occurred_at > now() - interval '{WINDOW}'
            AND (email_key = $1 OR ip = $2::inet)"
    ))
    .bind(email_key)
    .bind(ip.map(|ip| ip.to_string()))
    .fetch_one(pool)
    .await?;
    if by_account >= PER_ACCOUNT || by_address >= PER_ADDRESS {
        return Err(refused());
    }
    Ok(())
}

pub async fn record_failure(
    pool: &PgPool,
    email_key: &str,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO login_failures (email_key, ip) VALUES ($1, $2::inet)")
        .bind(email_key)
        .bind(ip.map(|ip| ip.to_string()))
        .execute(pool)
        .await?;
    Ok(())
}
