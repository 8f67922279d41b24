//! Support access: an operator views one tenant read-only, for a stated reason and a
//! limited time. The grant is audited when it starts and ends, and every request
//! served under it is audited under the operator's own name.

use std::net::IpAddr;

use serde_json::json;
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{operators::Operator, session::Stage, tenants::validate_reason, types::SupportView};
use crate::{
    AppError,
    format::utc_minute,
    server::audit::{self, Actor},
    tenancy::{self, TenantContext, TenantKey},
};

/// The longest a grant may run.
pub const MAX_MINUTES: u16 = 240;

/// Starts a read-only view of tenant `tenant` for `minutes`; returns its slug.
pub async fn start(
    pool: &PgPool,
    operator: &Operator,
    tenant: Uuid,
    reason: &str,
    minutes: u16,
    ip: Option<IpAddr>,
) -> Result<String, AppError> {
    let reason = validate_reason(reason)?;
    if !(5..=MAX_MINUTES).contains(&minutes) {
        return Err(AppError::invalid(
            "minutes",
            format!("Support access lasts 5 to {MAX_MINUTES} minutes."),
        ));
    }
    let mut tx = crate::server::db::begin(pool).await?;
    let slug: String =
        sqlx::query_scalar("SELECT slug FROM public.tenants WHERE id = $1 AND status <> 'deleted'")
            .bind(tenant)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::not_found("Tenant"))?;
    // One grant at a time per operator and tenant: a new one replaces the old.
    sqlx::query(
        "UPDATE public.support_grants SET ended_at = now()
          WHERE operator_id = $1 AND tenant_id = $2 AND ended_at IS NULL",
    )
    .bind(operator.id)
    .bind(tenant)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO public.support_grants (id, operator_id, tenant_id, reason, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5))",
    )
    .bind(Uuid::new_v4())
    .bind(operator.id)
    .bind(tenant)
    .bind(&reason)
    .bind(i32::from(minutes))
    .execute(&mut *tx)
    .await?;
    audit::record_detailed(
        &mut tx,
        Actor::Operator(operator.id),
        Some(tenant),
        "support.access_started",
        &slug,
        ip,
        &json!({ "reason": reason, "minutes": minutes }),
    )
    .await?;
    tx.commit().await?;
    Ok(slug)
}

/// The operator's running grant on `tenant`, if any.
pub async fn active(
    pool: &PgPool,
    operator: &Operator,
    tenant: Uuid,
) -> Result<Option<SupportView>, AppError> {
    let grant: Option<(String, OffsetDateTime)> = sqlx::query_as(
        "SELECT reason, expires_at FROM public.support_grants
          WHERE operator_id = $1 AND tenant_id = $2 AND ended_at IS NULL AND expires_at > now()
          ORDER BY expires_at DESC LIMIT 1",
    )
    .bind(operator.id)
    .bind(tenant)
    .fetch_optional(pool)
    .await?;
    Ok(grant.map(|(reason, ends)| SupportView {
        operator: operator.name.clone(),
        reason,
        ends: utc_minute(ends),
    }))
}

/// Ends the operator's grant on `tenant` before its time.
pub async fn end(
    pool: &PgPool,
    operator: &Operator,
    tenant: Uuid,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    let mut tx = crate::server::db::begin(pool).await?;
    let ended = sqlx::query(
        "UPDATE public.support_grants SET ended_at = now()
          WHERE operator_id = $1 AND tenant_id = $2 AND ended_at IS NULL AND expires_at > now()",
    )
    .bind(operator.id)
    .bind(tenant)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if ended > 0 {
        audit::record_in(
            &mut tx,
            Actor::Operator(operator.id),
            Some(tenant),
            "support.access_ended",
            "",
            ip,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The read-only context of the operator signed in on `session`, if they hold a
/// running grant on the tenant `key` names; the request (`path`) is audited.
pub async fn context(
    pool: &PgPool,
    session: &tower_sessions::Session,
    key: &TenantKey,
    path: &str,
    ip: Option<IpAddr>,
) -> Result<Option<TenantContext>, AppError> {
    let Some((operator, Stage::Verified)) = super::session::current(pool, session).await? else {
        return Ok(None);
    };
    let Some(tenant) = tenancy::find_by_key(pool, key).await? else {
        return Ok(None);
    };
    let Some(view) = active(pool, &operator, tenant.id).await? else {
        return Ok(None);
    };
    record_view(pool, &operator, tenant.id, path, ip).await?;
    TenantContext::for_support(tenant, operator.id, view).map(Some)
}

/// Records one request served under support access.
pub async fn record_view(
    pool: &PgPool,
    operator: &Operator,
    tenant: Uuid,
    what: &str,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    audit::record(
        pool,
        Actor::Operator(operator.id),
        Some(tenant),
        "support.viewed",
        what,
        ip,
    )
    .await
}
