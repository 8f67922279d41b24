//! Links sent by email: confirming an address and resetting a forgotten password.
//! Each link carries a single-use token (see `tokens`) and is used with a POST from
//! its page, so mail scanners that fetch links cannot use it up.

use leptos::prelude::*;

use crate::AppError;

/// Confirms the address behind `token`. In the browser that chose the pending
/// password, the account is signed in. Anywhere else the link proves the mailbox but
/// not who chose the password (someone may have signed up with another person's
/// address), so the password is dropped and the mailbox's owner chooses one on the
/// reset page.
#[server(prefix = "/api/fn", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    use crate::{
        accounts::{session, tokens, users},
        server::{audit, request},
    };
    let pool = request::pool()?;
    let ip = request::client_ip().await;
    let browser = request::session().await?;
    let mut tx = crate::server::db::begin(&pool).await?;
    let user = tokens::consume(&mut tx, &token, tokens::Purpose::VerifyEmail)
        .await?
        .ok_or_else(expired_link)?;
    let generation = users::generation(&mut tx, user).await?;
    let signed_up_here = session::signed_up_here(&browser, user, generation).await?;
    // A password set while the address was confirmed stays (a spare link changes
    // nothing then).
    let confirmed_before = users::is_verified(&mut tx, user).await?;
    users::mark_verified(&mut tx, user).await?;
    let next = if signed_up_here || confirmed_before {
        None
    } else {
        users::forget_password(&mut tx, user).await?;
        Some(tokens::issue(&mut tx, user, tokens::Purpose::ResetPassword).await?)
    };
    audit::record_in(
        &mut tx,
        audit::Actor::User(user),
        None,
        "user.email_verified",
        "",
        ip,
    )
    .await?;
    tx.commit().await?;
    match next {
        None => {
            session::sign_in(&pool, &browser, user).await?;
            leptos_axum::redirect("/app");
        }
        Some(reset) => {
            leptos_axum::redirect(&format!("/reset-password?token={reset}&confirmed=1"));
        }
    }
    Ok(())
}

#[cfg(feature = "ssr")]
fn expired_link() -> AppError {
    AppError::Conflict {
        message: "This link has expired or has already been used. Ask for a new one.".into(),
    }
}

/// Emails a reset link if the address has an account. The answer is the same either
/// way, so the form does not reveal who has an account.
#[server(prefix = "/api/fn", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::{
        accounts::{tokens, users},
        email::{recipient_limit, templates},
        server::{audit, limits, request},
    };
    let email = users::validate_email(&email)?;
    let pool = request::pool()?;
    let outbox = request::outbox()?;
    let ip = request::client_ip().await;
    let mut tx = crate::server::db::begin(&pool).await?;
    if let Some(user) = users::find_by_email(&mut tx, &email).await? {
        let purpose = tokens::Purpose::ResetPassword;
        // One email a minute at most, however often the form is sent.
        if !tokens::recently_issued(&mut tx, user.id, purpose, time::Duration::minutes(1)).await? {
            let token = tokens::issue(&mut tx, user.id, purpose).await?;
            let link = outbox.link(&format!("/reset-password?token={token}"));
            let message = templates::reset_password(&user.email, &user.name, &link);
            recipient_limit::enqueue(&outbox, &mut tx, &limits::current()?, &message).await?;
            audit::record_in(
                &mut tx,
                audit::Actor::Anonymous,
                None,
                "user.password_reset_requested",
                &users::email_key(&email),
                ip,
            )
            .await?;
        }
    }
    tx.commit().await?;
    leptos_axum::redirect("/check-email?for=reset");
    Ok(())
}

/// Sets a new password with the link's token: the link and every other outstanding
/// link stop working, every other session of the account ends, and this browser is
/// signed in.
#[server(prefix = "/api/fn", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::{
        accounts::{password as pw, session, tokens, users},
        server::{audit, request},
    };
    // Checked before the token is touched: a rejected password leaves the link usable.
    pw::validate_new(&password)?;
    let pool = request::pool()?;
    // A dead link is refused before the deliberately slow hash; the link is still used
    // up atomically below.
    if !tokens::is_open(&pool, &token, tokens::Purpose::ResetPassword).await? {
        return Err(expired_link());
    }
    let hash = pw::hash(password).await?;
    let ip = request::client_ip().await;
    let mut tx = crate::server::db::begin(&pool).await?;
    let user = tokens::consume(&mut tx, &token, tokens::Purpose::ResetPassword)
        .await?
        .ok_or_else(expired_link)?;
    users::set_password(&mut tx, user, &hash).await?;
    // Receiving the link proved the address.
    users::mark_verified(&mut tx, user).await?;
    audit::record_in(
        &mut tx,
        audit::Actor::User(user),
        None,
        "user.password_reset",
        "",
        ip,
    )
    .await?;
    tx.commit().await?;
    session::sign_in(&pool, &request::session().await?, user).await?;
    leptos_axum::redirect("/app");
    Ok(())
}
