//! Invitations by email: an admin or owner invites an address with a role; the link
//! in the email lets that address (and only it) join, once, within 7 days.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Role;
use crate::AppError;

#[cfg(feature = "ssr")]
pub mod store;

/// A pending invitation on the members page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    /// e.g. "in 6 days"; "expired" once past.
    pub expires: String,
    pub expired: bool,
}

/// Where an invitation link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    Open,
    Expired,
    Accepted,
    Revoked,
}

/// What the invitation page shows to whoever holds the link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub status: InvitationStatus,
    pub organization: String,
    pub slug: String,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    /// The address of the signed-in visitor, if any.
    pub signed_in_as: Option<String>,
}

#[cfg(feature = "ssr")]
async fn outbox() -> Result<crate::email::Outbox, AppError> {
    crate::server::request::outbox()
}

/// Pending invitations of organization `slug` (for those who manage members).
#[server(prefix = "/api/fn", endpoint = "list_invitations")]
pub async fn list_invitations(slug: String) -> Result<Vec<InvitationRow>, AppError> {
    let (pool, ctx) = super::member_context(&slug).await?;
    store::list(&pool, &ctx).await
}

#[server(prefix = "/api/fn", endpoint = "invite_member")]
pub async fn invite_member(slug: String, email: String, role: Role) -> Result<(), AppError> {
    let (pool, ctx) = super::member_context(&slug).await?;
    let ip = crate::server::request::client_ip().await;
    store::invite(
        &pool,
        &outbox().await?,
        &crate::server::limits::current()?,
        &ctx,
        &email,
        role,
        ip,
    )
    .await
}

#[server(prefix = "/api/fn", endpoint = "resend_invitation")]
pub async fn resend_invitation(slug: String, id: Uuid) -> Result<(), AppError> {
    let (pool, ctx) = super::member_context(&slug).await?;
    let ip = crate::server::request::client_ip().await;
    store::resend(
        &pool,
        &outbox().await?,
        &crate::server::limits::current()?,
        &ctx,
        id,
        ip,
    )
    .await
}

#[server(prefix = "/api/fn", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(slug: String, id: Uuid) -> Result<(), AppError> {
    let (pool, ctx) = super::member_context(&slug).await?;
    let ip = crate::server::request::client_ip().await;
    store::revoke(&pool, &ctx, id, ip).await
}

/// The invitation behind a link, for its page. Reading it changes nothing.
#[server(prefix = "/api/fn", endpoint = "get_invitation")]
pub async fn get_invitation(token: String) -> Result<InvitationView, AppError> {
    use crate::{
        accounts::{session, users},
        server::request,
    };
    let pool = request::pool()?;
    let mut view = store::view(&pool, &token)
        .await?
        .ok_or_else(|| AppError::not_found("This invitation"))?;
    if let Some(user) = session::user_id(&pool, &request::session().await?).await? {
        view.signed_in_as = users::get(&pool, user).await?.map(|u| u.email);
    }
    Ok(view)
}

/// The signed-in user joins the organization they were invited to.
#[server(prefix = "/api/fn", endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    use crate::{
        accounts::{session, users},
        server::request,
    };
    let pool = request::pool()?;
    let session = request::session().await?;
    let user_id = session::require_user(&pool, &session).await?;
    let user = users::get(&pool, user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let ip = request::client_ip().await;
    let mut tx = crate::server::db::begin(&pool).await?;
    let joined = store::accept(&mut tx, &token, &user, ip).await?;
    tx.commit().await?;
    users::remember_organization(&pool, user_id, joined.tenant_id).await?;
    // Privileges changed: a new session id.
    session.cycle_id().await.map_err(AppError::internal)?;
    leptos_axum::redirect(&format!("/app/{}", joined.slug));
    Ok(())
}
