//! Server functions of the integrations page. Every one checks the plan and, to change
//! anything, the manage-integrations permission (owners and admins).

use leptos::prelude::*;
use uuid::Uuid;

use super::{IntegrationsView, NewApiKey};
use crate::AppError;

#[cfg(feature = "ssr")]
async fn context(slug: &str) -> Result<(sqlx::PgPool, crate::tenancy::TenantContext), AppError> {
    use crate::billing::{Feature, gates};
    let (pool, ctx) = crate::accounts::member_context(slug).await?;
    gates::require_feature(ctx.tenant(), Feature::ApiIntegrations)?;
    Ok((pool, ctx))
}

#[server(prefix = "/api/fn", endpoint = "get_integrations")]
pub async fn get_integrations(slug: String) -> Result<IntegrationsView, AppError> {
    use crate::accounts::Permission;
    let (pool, ctx) = context(&slug).await?;
    let can_manage = ctx.role().allows(Permission::ManageIntegrations);
    Ok(IntegrationsView {
        keys: if can_manage {
            super::keys::list(&pool, &ctx).await?
        } else {
            Vec::new()
        },
        connections: super::credentials::list(&pool, &ctx).await?,
        calls_this_month: super::keys::calls_this_month(&pool, ctx.tenant().id).await?,
        can_manage,
    })
}

/// Creates a key and returns it whole, this once.
#[server(prefix = "/api/fn", endpoint = "create_api_key")]
pub async fn create_api_key(
    slug: String,
    name: String,
    scope: String,
) -> Result<NewApiKey, AppError> {
    let (pool, ctx) = context(&slug).await?;
    super::keys::create(
        &pool,
        &ctx,
        &name,
        &scope,
        crate::server::limits::current()?.api_keys_per_organization,
        crate::server::request::client_ip().await,
    )
    .await
}

#[server(prefix = "/api/fn", endpoint = "revoke_api_key")]
pub async fn revoke_api_key(slug: String, id: Uuid) -> Result<(), AppError> {
    let (pool, ctx) = context(&slug).await?;
    super::keys::revoke(&pool, &ctx, id, crate::server::request::client_ip().await).await
}

#[server(prefix = "/api/fn", endpoint = "save_connection")]
pub async fn save_connection(
    slug: String,
    kind: String,
    name: String,
    url: String,
    #[server(default)] username: String,
    secret: String,
) -> Result<(), AppError> {
    use super::credentials::{self, Credentials};
    let (pool, ctx) = context(&slug).await?;
    let credentials = Credentials {
        url: url.trim().to_owned(),
        username: username.trim().to_owned(),
        secret,
    };
    credentials::save(
        &pool,
        &ctx,
        &crate::server::request::cipher()?,
        &kind,
        &name,
        &credentials,
        crate::server::request::client_ip().await,
    )
    .await?;
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "delete_connection")]
pub async fn delete_connection(slug: String, id: Uuid) -> Result<(), AppError> {
    let (pool, ctx) = context(&slug).await?;
    super::credentials::delete(&pool, &ctx, id, crate::server::request::client_ip().await).await
}
