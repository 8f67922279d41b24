//! Audit records of security-relevant actions (append-only `public.audit_log`).

use std::net::IpAddr;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::AppError;

/// Who acted.
#[derive(Debug, Clone, Copy)]
pub enum Actor {
    User(Uuid),
    /// Someone not signed in (a failed sign-in).
    Anonymous,
}

/// Records an action taken by a person over HTTP.
pub async fn record(
    pool: &PgPool,
    actor: Actor,
    tenant_id: Option<Uuid>,
    action: &str,
    target: &str,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    let (kind, id) = match actor {
        Actor::User(id) => ("user", Some(id)),
        Actor::Anonymous => ("user", None),
    };
    sqlx::query(
        "INSERT INTO public.audit_log (actor_kind, actor_id, tenant_id, action, target, ip)
         VALUES ($1, $2, $3, $4, $5, $6::inet)",
    )
    .bind(kind)
    .bind(id)
    .bind(tenant_id)
    .bind(action)
    .bind(target)
    .bind(ip.map(|ip| ip.to_string()))
    .execute(pool)
    .await?;
    Ok(())
}

/// Records an action taken by the platform itself or an operator at the command line.
pub async fn record_system(
    conn: &mut PgConnection,
    tenant_id: Option<Uuid>,
    action: &str,
    target: &str,
) -> Result<(), AppError> {
    record_in(conn, None, tenant_id, action, target).await
}

/// Records an action inside the caller's transaction, so it commits with the change;
/// `user` None means the command line.
pub async fn record_in(
    conn: &mut PgConnection,
    user: Option<Uuid>,
    tenant_id: Option<Uuid>,
    action: &str,
    target: &str,
) -> Result<(), AppError> {
    let kind = if user.is_some() { "user" } else { "cli" };
    sqlx::query(
        "INSERT INTO public.audit_log (actor_kind, actor_id, tenant_id, action, target) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(kind)
    .bind(user)
    .bind(tenant_id)
    .bind(action)
    .bind(target)
    .execute(conn)
    .await?;
    Ok(())
}
