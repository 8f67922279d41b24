//! A ceiling on emails to one address that someone else can ask for (about accounts,
//! invitations, contact messages): sign-up, password-reset, invitation and contact
//! forms cannot be used to flood someone's inbox. A message over the ceiling is silently not sent, so the answer to
//! whoever asked is the same either way and reveals nothing about the address.

use sqlx::PgConnection;

use super::{Email, Outbox};
use crate::{
    AppError,
    accounts::users,
    server::{
        limits::{EMAIL_WINDOW, Limits},
        rate_counters,
    },
};

/// Enqueues `email` in the caller's transaction unless its recipient has had
/// `limits.emails_per_recipient` this hour. Returns whether it was enqueued.
pub async fn enqueue(
    outbox: &Outbox,
    conn: &mut PgConnection,
    limits: &Limits,
    email: &Email,
) -> Result<bool, AppError> {
    let key = format!("email_to:{}", users::email_key(&email.to));
    if rate_counters::hit(conn, &key, EMAIL_WINDOW).await? > limits.emails_per_recipient {
        tracing::info!(subject = %email.subject, "email not sent: its recipient had the most emails allowed this hour");
        return Ok(false);
    }
    outbox.enqueue(conn, email).await?;
    Ok(true)
}
