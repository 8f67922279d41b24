//! Server functions of the scenarios page; each checks the plan and the role.

use leptos::prelude::*;
use uuid::Uuid;

use super::{Levers, ScenariosView};
use crate::AppError;

#[server(prefix = "/api/fn", endpoint = "get_scenarios")]
pub async fn get_scenarios(slug: String) -> Result<ScenariosView, AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    super::store::view(&pool, &ctx).await
}

/// Creates a scenario, or updates the one with `id`.
#[server(prefix = "/api/fn", endpoint = "save_scenario")]
pub async fn save_scenario(
    slug: String,
    #[server(default)] id: Option<Uuid>,
    name: String,
    #[server(default)] levers: Levers,
) -> Result<Uuid, AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    super::store::save(&pool, &ctx, id, &name, &levers).await
}

#[server(prefix = "/api/fn", endpoint = "duplicate_scenario")]
pub async fn duplicate_scenario(slug: String, id: Uuid) -> Result<Uuid, AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    super::store::duplicate(&pool, &ctx, id).await
}

#[server(prefix = "/api/fn", endpoint = "delete_scenario")]
pub async fn delete_scenario(slug: String, id: Uuid) -> Result<(), AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    super::store::delete(&pool, &ctx, id).await
}
