//! Server functions of the forecasts pages. Each resolves the organization for the
//! caller and refuses, with the upgrade details, on a plan without forecasting.

use leptos::prelude::*;
use uuid::Uuid;

use super::types::{ForecastOverview, ProductForecast};
use crate::AppError;

#[server(prefix = "/api/fn", endpoint = "get_forecasts")]
pub async fn get_forecasts(
    slug: String,
    #[server(default)] page: Option<usize>,
) -> Result<ForecastOverview, AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    super::store::overview(&pool, &ctx, Some(page.unwrap_or(1))).await
}

/// Queues a forecast of the whole catalogue; a worker makes it.
#[server(prefix = "/api/fn", endpoint = "run_forecast")]
pub async fn run_forecast(
    slug: String,
    horizon: i32,
    service_level: f64,
) -> Result<Uuid, AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    super::store::start(&pool, &ctx, horizon, service_level).await
}

#[server(prefix = "/api/fn", endpoint = "get_product_forecast")]
pub async fn get_product_forecast(
    slug: String,
    product_id: Uuid,
) -> Result<ProductForecast, AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    super::store::product(&pool, &ctx, product_id).await
}
