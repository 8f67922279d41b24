//! Audit records of security-relevant actions (append-only `public.audit_log`).

use sqlx::PgConnection;
use uuid::Uuid;

use crate::AppError;

/// Records an action taken by the platform itself or an operator at the command line.
pub async fn record_system(
    conn: &mut PgConnection,
    tenant_id: Option<Uuid>,
    action: &str,
    target: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO public.audit_log (actor_kind, tenant_id, action, target) VALUES ('cli', $1, $2, $3)",
    )
    .bind(tenant_id)
    .bind(action)
    .bind(target)
    .execute(conn)
    .await?;
    Ok(())
}
