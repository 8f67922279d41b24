//! Credentials of outside systems (ERP, accounting, shop): sealed with the platform's
//! encryption key before they reach the database, bound to their tenant and row, never
//! logged and never sent back to the browser — lists show only that they are stored.

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{CONNECTION_KINDS as KINDS, ConnectionRow, crypto::Cipher};
use crate::{
    AppError,
    accounts::Permission,
    format::utc_minute,
    server::audit::{self, Actor},
    tenancy::TenantContext,
};

/// What is sealed. `Debug` leaves the secret out so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub url: String,
    pub username: String,
    pub secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("secret", &"[redacted]")
            .finish()
    }
}

fn binding(tenant: Uuid, id: Uuid) -> Vec<u8> {
    format!("integration:{tenant}:{id}").into_bytes()
}

pub async fn save(
    pool: &PgPool,
    ctx: &TenantContext,
    cipher: &Cipher,
    kind: &str,
    name: &str,
    credentials: &Credentials,
    ip: Option<std::net::IpAddr>,
) -> Result<Uuid, AppError> {
    ctx.require_change(Permission::ManageIntegrations)?;
    if !KINDS.iter().any(|(k, _)| *k == kind) {
        return Err(AppError::invalid("kind", "Choose the system to connect."));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid(
            "name",
            "Name the connection (at most 100 characters).",
        ));
    }
    if !(credentials.url.starts_with("https://") && credentials.url.len() <= 500) {
        return Err(AppError::invalid(
            "url",
            "Enter the system's https:// address.",
        ));
    }
    if credentials.secret.is_empty() || credentials.secret.len() > 4_000 {
        return Err(AppError::invalid(
            "secret",
            "Enter the password, token or API secret.",
        ));
    }
    let id = Uuid::new_v4();
    let plain = serde_json::to_vec(credentials).map_err(AppError::internal)?;
    let sealed = cipher.seal(&plain, &binding(ctx.tenant().id, id))?;
    let mut tx = ctx.write(pool).await?;
    sqlx::query(
        "INSERT INTO integrations (id, kind, name, encrypted_credentials, status)
         VALUES ($1, $2, $3, $4, 'configured')",
    )
    .bind(id)
    .bind(kind)
    .bind(name)
    .bind(sealed)
    .execute(&mut *tx)
    .await?;
    audit::record_in(
        &mut tx,
        Actor::User(ctx.user()),
        Some(ctx.tenant().id),
        "integration.saved",
        name,
        ip,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn list(pool: &PgPool, ctx: &TenantContext) -> Result<Vec<ConnectionRow>, AppError> {
    let mut tx = ctx.read(pool).await?;
    let rows: Vec<(Uuid, String, String, String, bool, OffsetDateTime)> = sqlx::query_as(
        "SELECT id, kind, name, status, encrypted_credentials IS NOT NULL, created_at
           FROM integrations ORDER BY created_at",
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, name, status, stored, created)| ConnectionRow {
            id,
            kind: KINDS
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(kind.clone(), |(_, label)| (*label).to_owned()),
            name,
            status,
            credentials_stored: stored,
            created: utc_minute(created),
        })
        .collect())
}

/// The credentials in clear, for the server's own use (a sync job); never for a page.
pub async fn open(
    pool: &PgPool,
    ctx: &TenantContext,
    cipher: &Cipher,
    id: Uuid,
) -> Result<Credentials, AppError> {
    let mut tx = ctx.read(pool).await?;
    let sealed: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT encrypted_credentials FROM integrations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .flatten();
    let sealed = sealed.ok_or_else(|| AppError::not_found("Connection"))?;
    let plain = cipher.open(&sealed, &binding(ctx.tenant().id, id))?;
    serde_json::from_slice(&plain).map_err(AppError::internal)
}

pub async fn delete(
    pool: &PgPool,
    ctx: &TenantContext,
    id: Uuid,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    ctx.require(Permission::ManageIntegrations)?;
    let mut tx = ctx.write(pool).await?;
    let name: String = sqlx::query_scalar("DELETE FROM integrations WHERE id = $1 RETURNING name")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("Connection"))?;
    audit::record_in(
        &mut tx,
        Actor::User(ctx.user()),
        Some(ctx.tenant().id),
        "integration.deleted",
        &name,
        ip,
    )
    .await?;
    tx.commit().await
}
