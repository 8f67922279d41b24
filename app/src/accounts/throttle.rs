//! Sign-in throttling for users and operators. Every attempt is counted before its
//! password or code is checked, atomically in PostgreSQL (`server::rate_counters`):
//! parallel guesses are counted one after another, so no more than the limit are ever
//! checked, on any number of app nodes. An attempt that succeeds is taken back.

use std::net::IpAddr;

use sqlx::PgPool;

use crate::{
    AppError,
    server::{
        limits::{Limits, SIGN_IN_WINDOW},
        rate_counters,
    },
};

/// The counters one sign-in attempt was counted on.
pub struct Attempt {
    keys: Vec<String>,
}

fn refused() -> AppError {
    AppError::RateLimited {
        message: "Too many failed sign-in attempts. Please wait 15 minutes and try again, or reset your password.".into(),
    }
}

/// The counter of an operator's sign-in from one client: operators are throttled per
/// address *and* client, so guesses from elsewhere cannot lock an operator out.
pub fn operator_key(email_key: &str, ip: Option<IpAddr>) -> String {
    let client = ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    format!("operator:{email_key}|{client}")
}

/// What the counters of every attempt on this operator's address start with.
pub fn operator_counters(email_key: &str) -> String {
    format!("sign_in:operator:{email_key}|")
}

/// Counts an attempt on `account` (a user's address key, or [`operator_key`]) and on
/// the client address, and refuses it, unchecked, when either is past its limit.
pub async fn attempt(
    pool: &PgPool,
    limits: &Limits,
    account: &str,
    ip: Option<IpAddr>,
) -> Result<Attempt, AppError> {
    let mut conn = pool.acquire().await?;
    let mut keys = vec![format!("sign_in:{account}")];
    let mut over =
        rate_counters::hit(&mut conn, &keys[0], SIGN_IN_WINDOW).await? > limits.sign_in_per_account;
    if let Some(ip) = ip {
        let key = format!("sign_in_client:{ip}");
        over |=
            rate_counters::hit(&mut conn, &key, SIGN_IN_WINDOW).await? > limits.sign_in_per_client;
        keys.push(key);
    }
    if over {
        return Err(refused());
    }
    Ok(Attempt { keys })
}

impl Attempt {
    /// The credentials were right: this attempt no longer counts against anyone.
    pub async fn succeeded(self, pool: &PgPool) -> Result<(), AppError> {
        let mut conn = pool.acquire().await?;
        for key in &self.keys {
            rate_counters::refund(&mut conn, key).await?;
        }
        Ok(())
    }
}
