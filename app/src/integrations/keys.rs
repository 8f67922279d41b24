//! Tenant API keys: created by owners and admins, shown once, stored as SHA-256,
//! scoped read or read-write, revocable, with the time each was last used. Calls made
//! with them are counted per tenant and day.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{ApiKeyRow, NewApiKey};
use crate::{
    AppError,
    accounts::{Permission, Role},
    format::utc_minute,
    server::audit::{self, Actor},
    tenancy::TenantContext,
};

/// Every key starts with this, so leaked keys are easy to recognise and scan for.
pub const KEY_PREFIX: &str = "cql_";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    ReadWrite,
}

impl Scope {
    pub fn id(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::ReadWrite => "read_write",
        }
    }

    pub fn parse(id: &str) -> Option<Scope> {
        match id {
            "read" => Some(Scope::Read),
            "read_write" => Some(Scope::ReadWrite),
            _ => None,
        }
    }

    /// The role a request with this key acts with.
    pub fn role(self) -> Role {
        match self {
            Scope::Read => Role::Viewer,
            Scope::ReadWrite => Role::Member,
        }
    }
}

/// A key that was presented and is valid.
#[derive(Debug, Clone, Copy)]
pub struct Authenticated {
    pub key_id: Uuid,
    pub tenant_id: Uuid,
    pub scope: Scope,
}

fn hash(key: &str) -> Vec<u8> {
    Sha256::digest(key.trim().as_bytes()).to_vec()
}

pub async fn create(
    pool: &PgPool,
    ctx: &TenantContext,
    name: &str,
    scope: &str,
    max_keys: u32,
    ip: Option<std::net::IpAddr>,
) -> Result<NewApiKey, AppError> {
    ctx.require_change(Permission::ManageIntegrations)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid(
            "name",
            "Name the key (at most 100 characters), e.g. the system that uses it.",
        ));
    }
    let scope = Scope::parse(scope)
        .ok_or_else(|| AppError::invalid("scope", "Choose read or read and write."))?;
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(AppError::internal)?;
    let key = format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(secret));
    let prefix: String = key.chars().take(KEY_PREFIX.len() + 6).collect();
    let id = Uuid::new_v4();
    let mut tx = crate::server::db::begin(pool).await?;
    // The organization's row is locked while counting, so parallel requests cannot
    // overrun the limit.
    let active: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM public.api_keys
          WHERE tenant_id = (SELECT id FROM public.tenants WHERE id = $1 FOR UPDATE)
            AND revoked_at IS NULL",
    )
    .bind(ctx.tenant().id)
    .fetch_one(&mut *tx)
    .await?;
    if active >= i64::from(max_keys) {
        return Err(AppError::Conflict {
            message: format!(
                "This organization has {active} active API keys, the most allowed. Revoke \
                 one that is no longer used to create another."
            ),
        });
    }
    sqlx::query(
        "INSERT INTO public.api_keys (id, tenant_id, name, prefix, key_hash, scope, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(ctx.tenant().id)
    .bind(name)
    .bind(&prefix)
    .bind(hash(&key))
    .bind(scope.id())
    .bind(ctx.user())
    .execute(&mut *tx)
    .await?;
    audit::record_in(
        &mut tx,
        Actor::User(ctx.user()),
        Some(ctx.tenant().id),
        "api_key.created",
        &prefix,
        ip,
    )
    .await?;
    tx.commit().await?;
    Ok(NewApiKey { id, key, prefix })
}

/// id, name, prefix, scope, created, last used, revoked.
type KeyRow = (
    Uuid,
    String,
    String,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
);

pub async fn list(pool: &PgPool, ctx: &TenantContext) -> Result<Vec<ApiKeyRow>, AppError> {
    let rows: Vec<KeyRow> = sqlx::query_as(
        "SELECT id, name, prefix, scope, created_at, last_used_at, revoked_at FROM public.api_keys
              WHERE tenant_id = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC",
    )
    .bind(ctx.tenant().id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, prefix, scope, created, last_used, revoked)| ApiKeyRow {
                id,
                name,
                prefix,
                scope,
                created: utc_minute(created),
                last_used: last_used.map(utc_minute),
                revoked: revoked.map(utc_minute),
            },
        )
        .collect())
}

/// Revokes a key of this tenant: refused from the next request on.
pub async fn revoke(
    pool: &PgPool,
    ctx: &TenantContext,
    id: Uuid,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    ctx.require(Permission::ManageIntegrations)?;
    let mut tx = crate::server::db::begin(pool).await?;
    let prefix: String = sqlx::query_scalar(
        "UPDATE public.api_keys SET revoked_at = now()
          WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING prefix",
    )
    .bind(id)
    .bind(ctx.tenant().id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("An active key with this id"))?;
    audit::record_in(
        &mut tx,
        Actor::User(ctx.user()),
        Some(ctx.tenant().id),
        "api_key.revoked",
        &prefix,
        ip,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The key behind `presented`, if it exists and is not revoked.
pub async fn authenticate(
    pool: &PgPool,
    presented: &str,
) -> Result<Option<Authenticated>, AppError> {
    if !presented.starts_with(KEY_PREFIX) || presented.len() > 100 {
        return Ok(None);
    }
    let row: Option<(Uuid, Uuid, String)> = sqlx::query_as(
        "SELECT id, tenant_id, scope FROM public.api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
    )
    .bind(hash(presented))
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|(key_id, tenant_id, scope)| {
        Scope::parse(&scope).map(|scope| Authenticated {
            key_id,
            tenant_id,
            scope,
        })
    }))
}

/// Counts a call as usage and notes when the key was last used.
pub async fn record_use(pool: &PgPool, key: &Authenticated) -> Result<(), AppError> {
    sqlx::query(
        "WITH used AS (UPDATE public.api_keys SET last_used_at = now() WHERE id = $1)
         INSERT INTO public.api_usage (tenant_id, day, calls) VALUES ($2, current_date, 1)
         ON CONFLICT (tenant_id, day) DO UPDATE SET calls = api_usage.calls + 1",
    )
    .bind(key.key_id)
    .bind(key.tenant_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// API calls this calendar month.
pub async fn calls_this_month(pool: &PgPool, tenant: Uuid) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT coalesce(sum(calls), 0)::bigint FROM public.api_usage
          WHERE tenant_id = $1 AND day >= date_trunc('month', current_date)",
    )
    .bind(tenant)
    .fetch_one(pool)
    .await?)
}
