//! Audit records of security-relevant actions (append-only `public.audit_log`).

use std::net::IpAddr;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::AppError;

/// Who acted.
#[derive(Debug, Clone, Copy)]
pub enum Actor {
    User(Uuid),
    /// Someone not signed in (a failed sign-in, a password reset request).
    Anonymous,
    /// The platform itself or an operator at the command line.
    Cli,
    /// A platform operator in the console (or viewing a tenant for support).
    Operator(Uuid),
}

impl Actor {
    /// A signed-in user, or the command line when there is none.
    pub fn user_or_cli(user: Option<Uuid>) -> Self {
        user.map_or(Actor::Cli, Actor::User)
    }
}

/// Records an action on its own.
pub async fn record(
    pool: &PgPool,
    actor: Actor,
    tenant_id: Option<Uuid>,
    action: &str,
    target: &str,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    let mut conn = pool.acquire().await?;
    record_in(&mut conn, actor, tenant_id, action, target, ip).await
}

/// Records an action taken by the platform itself or an operator at the command line.
pub async fn record_system(
    conn: &mut PgConnection,
    tenant_id: Option<Uuid>,
    action: &str,
    target: &str,
) -> Result<(), AppError> {
    record_in(conn, Actor::Cli, tenant_id, action, target, None).await
}

/// Records an action inside the caller's transaction, so it commits with the change.
pub async fn record_in(
    conn: &mut PgConnection,
    actor: Actor,
    tenant_id: Option<Uuid>,
    action: &str,
    target: &str,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    record_detailed(
        conn,
        actor,
        tenant_id,
        action,
        target,
        ip,
        &serde_json::json!({}),
    )
    .await
}

/// Records an action with structured details (an operator's reason, old and new
/// values) inside the caller's transaction.
pub async fn record_detailed(
    conn: &mut PgConnection,
    actor: Actor,
    tenant_id: Option<Uuid>,
    action: &str,
    target: &str,
    ip: Option<IpAddr>,
    details: &serde_json::Value,
) -> Result<(), AppError> {
    let (kind, id) = match actor {
        Actor::User(id) => ("user", Some(id)),
        Actor::Anonymous => ("user", None),
        Actor::Cli => ("cli", None),
        Actor::Operator(id) => ("platform_admin", Some(id)),
    };
    // The log is the platform's, also when the change is a tenant's: a tenant's role
    // can neither write nor read it.
    let tenant_role = crate::tenancy::role::step_out(conn).await?;
    sqlx::query(
        "INSERT INTO public.audit_log (actor_kind, actor_id, tenant_id, action, target, ip, details)
         VALUES ($1, $2, $3, $4, $5, $6::inet, $7)",
    )
    .bind(kind)
    .bind(id)
    .bind(tenant_id)
    .bind(action)
    .bind(target)
    .bind(ip.map(|ip| ip.to_string()))
    .bind(details)
    .execute(&mut *conn)
    .await?;
    crate::tenancy::role::resume(conn, tenant_role).await?;
    Ok(())
}
