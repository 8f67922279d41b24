//! Forecast runs in the tenant's schema: starting one (a job on the `forecasts`
//! queue), making it (forecasting every active product and category) and reading the
//! results back with their reorder suggestions.

use std::collections::BTreeMap;

use serde_json::json;
use sqlx::{PgPool, Row};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    model::{self, Method},
    queue::{self, RunOrder},
    reorder,
    types::{
        CategoryRow, ForecastOverview, ForecastRow, INTERVAL_LEVEL, MonthPoint, MonthValue,
        ProductForecast, RunStatus,
    },
};
use crate::{
    AppError,
    accounts::Permission,
    billing::{Feature, gates},
    format::utc_minute,
    months,
    server::jobs,
    tenancy::{self, TenantContext},
};

/// Months of sales history a forecast looks at, at most.
const HISTORY_MONTHS: i32 = 48;
/// Series forecast between two progress reports.
const CHUNK: usize = 25;
/// A run without progress this long is taken to be lost (no worker took it, or its
/// worker stopped and none took it up again).
const STALLED: &str = "interval '2 minutes'";

/// Every forecasting function starts here: the plan must include forecasting.
pub fn require(ctx: &TenantContext) -> Result<(), AppError> {
    gates::require_feature(ctx.tenant(), Feature::AiForecasting)
}

fn this_month() -> Date {
    months::first_of(OffsetDateTime::now_utc().date())
}

/// Queues a run over the whole catalogue; returns its id.
pub async fn start(
    pool: &PgPool,
    ctx: &TenantContext,
    horizon: i32,
    service_level: f64,
) -> Result<Uuid, AppError> {
    require(ctx)?;
    ctx.require_change(Permission::EditData)?;
    if !(3..=12).contains(&horizon) {
        return Err(AppError::invalid(
            "horizon",
            "Forecast 3 to 12 months ahead.",
        ));
    }
    let valid_level = service_level > 0.5 && service_level <= 0.999;
    if !valid_level {
        return Err(AppError::invalid(
            "service_level",
            "Choose a service level above 50% and at most 99.9%.",
        ));
    }
    let job = queue::job(pool.clone()).await.map_err(AppError::internal)?;
    let mut tx = ctx.write(pool).await?;
    let running: bool = sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM forecast_runs
                         WHERE status = 'running' AND progress_at > now() - {STALLED})"
    ))
    .fetch_one(&mut *tx)
    .await?;
    if running {
        return Err(AppError::Conflict {
            message: "A forecast is already running: its progress is shown on this page.".into(),
        });
    }
    // A run that stopped moving gives way; should its job come back, it finds itself
    // failed and does nothing.
    sqlx::query(
        "UPDATE forecast_runs SET status = 'failed', finished_at = now(),
                error = 'No worker took this run in time; a newer run replaced it.'
          WHERE status = 'running'",
    )
    .execute(&mut *tx)
    .await?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO forecast_runs (horizon_months, service_level, started_by)
         VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(horizon)
    .bind(service_level)
    .bind(ctx.user())
    .fetch_one(&mut *tx)
    .await?;
    let order = RunOrder {
        tenant: ctx.tenant().id,
        user: ctx.user(),
        run: id,
        horizon,
    };
    jobs::enqueue(&job, &mut tx, &order).await?;
    tx.commit().await?;
    Ok(id)
}

/// Makes a queued run. The member who started it is checked again (membership, the
/// organization's standing and plan), so a run queued before a change of either
/// does not outlive it; a failure is recorded on the run.
pub async fn execute(pool: &PgPool, order: &RunOrder) {
    let made = async {
        let ctx = tenancy::resolve_starter(pool, order.tenant, order.user).await?;
        require(&ctx)?;
        ctx.require(Permission::EditData)?;
        run(pool, &ctx, order.run, order.horizon).await
    }
    .await;
    let Err(err) = made else { return };
    tracing::warn!(run = %order.run, error = %err, "forecast run failed");
    let recorded = async {
        let tenant = tenancy::find(pool, order.tenant)
            .await?
            .ok_or_else(|| AppError::not_found("Organization"))?;
        sqlx::query(&format!(
            "UPDATE {}.forecast_runs SET status = 'failed', error = $2, finished_at = now()
              WHERE id = $1 AND status = 'running'",
            tenant.schema.quoted()
        ))
        .bind(order.run)
        .bind(err.to_string())
        .execute(pool)
        .await?;
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(err) = recorded {
        tracing::warn!(run = %order.run, error = %err, "forecast run failure not recorded");
    }
}

/// One series to forecast: a product or a category, with its monthly history.
struct Series {
    product: Option<Uuid>,
    category: Option<String>,
    history: Vec<MonthValue>,
}

/// Monthly units sold per active product (from its first sale) and per category, up to
/// the last full month.
async fn histories(pool: &PgPool, ctx: &TenantContext) -> Result<Vec<Series>, AppError> {
    let end = this_month();
    let start = months::add(end, -HISTORY_MONTHS);
    let mut tx = ctx.read(pool).await?;
    let products: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, category FROM products WHERE active ORDER BY sku")
            .fetch_all(&mut *tx)
            .await?;
    let sold: Vec<(Uuid, Date, f64)> = sqlx::query_as(
        "SELECT l.product_id, date_trunc('month', o.order_date)::date, sum(l.quantity)::float8
           FROM sales_order_lines l JOIN sales_orders o ON o.id = l.sales_order_id
          WHERE o.status <> 'cancelled' AND o.order_date >= $1 AND o.order_date < $2
          GROUP BY 1, 2",
    )
    .bind(start)
    .bind(end)
    .fetch_all(&mut *tx)
    .await?;
    let mut by_product: BTreeMap<Uuid, BTreeMap<Date, f64>> = BTreeMap::new();
    for (product, month, units) in sold {
        *by_product
            .entry(product)
            .or_default()
            .entry(month)
            .or_default() += units;
    }
    let series_of = |months: &BTreeMap<Date, f64>| -> Vec<MonthValue> {
        let Some(first) = months.keys().next().copied() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut m = first;
        while m < end {
            out.push(MonthValue {
                month: months::label(m),
                value: months.get(&m).copied().unwrap_or(0.0),
            });
            m = months::add(m, 1);
        }
        out
    };
    let mut by_category: BTreeMap<String, BTreeMap<Date, f64>> = BTreeMap::new();
    let mut out = Vec::new();
    for (product, category) in products {
        let months = by_product.remove(&product).unwrap_or_default();
        if !category.is_empty() {
            let total = by_category.entry(category).or_default();
            for (m, v) in &months {
                *total.entry(*m).or_default() += v;
            }
        }
        out.push(Series {
            product: Some(product),
            category: None,
            history: series_of(&months),
        });
    }
    for (category, months) in by_category {
        out.push(Series {
            product: None,
            category: Some(category),
            history: series_of(&months),
        });
    }
    Ok(out)
}

/// Forecasts every series, chunk by chunk with progress, then makes the run the
/// current one (earlier runs and their results are removed).
async fn run(pool: &PgPool, ctx: &TenantContext, id: Uuid, horizon: i32) -> Result<(), AppError> {
    let series = histories(pool, ctx).await?;
    let first_month = this_month();
    let months: Vec<String> = (0..horizon)
        .map(|h| months::label(months::add(first_month, h)))
        .collect();
    // From the start, also when a worker takes up a run another one left half done.
    let mut tx = ctx.write(pool).await?;
    let running = sqlx::query(
        "UPDATE forecast_runs SET total = $2, done = 0, progress_at = now()
          WHERE id = $1 AND status = 'running'",
    )
    .bind(id)
    .bind(series.len() as i32)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !running {
        return Ok(());
    }
    sqlx::query("DELETE FROM forecasts WHERE run_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut done = 0;
    for chunk in series.chunks(CHUNK) {
        let inputs: Vec<Vec<f64>> = chunk
            .iter()
            .map(|s| s.history.iter().map(|m| m.value).collect())
            .collect();
        let results = tokio::task::spawn_blocking(move || {
            inputs
                .iter()
                .map(|y| model::forecast(y, horizon as usize, INTERVAL_LEVEL))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(AppError::internal)?;
        let mut tx = ctx.write(pool).await?;
        for (s, f) in chunk.iter().zip(results) {
            let points: Vec<MonthPoint> = months
                .iter()
                .enumerate()
                .map(|(h, month)| MonthPoint {
                    month: month.clone(),
                    value: f.point[h],
                    lower: f.lower[h],
                    upper: f.upper[h],
                })
                .collect();
            sqlx::query(
                "INSERT INTO forecasts (product_id, category, method, horizon_months, mape, mase,
                                        baseline_mase, message, history, points, run_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(s.product)
            .bind(&s.category)
            .bind(f.method.id())
            .bind(horizon)
            .bind(f.mape)
            .bind(f.mase)
            .bind(f.baseline_mase)
            .bind(&f.message)
            .bind(json!(s.history))
            .bind(json!(points))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        done += chunk.len();
        sqlx::query("UPDATE forecast_runs SET done = $2, progress_at = now() WHERE id = $1")
            .bind(id)
            .bind(done as i32)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let mut tx = ctx.write(pool).await?;
    sqlx::query("UPDATE forecast_runs SET status = 'done', finished_at = now() WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM forecast_runs WHERE id <> $1 AND status <> 'running'")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM forecasts WHERE run_id IS DISTINCT FROM $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

fn run_status(r: &sqlx::postgres::PgRow) -> Result<RunStatus, AppError> {
    Ok(RunStatus {
        id: r.try_get("id")?,
        status: r.try_get("status")?,
        total: r.try_get("total")?,
        done: r.try_get("done")?,
        horizon_months: r.try_get("horizon_months")?,
        service_level: r.try_get("service_level")?,
        started: utc_minute(r.try_get("started_at")?),
        error: r.try_get("error")?,
    })
}

const RUN_COLUMNS: &str =
    "id, status, total, done, horizon_months, service_level, started_at, error";

fn method_label(id: &str) -> String {
    Method::parse(id).map_or_else(|| id.to_owned(), |m| m.label().to_owned())
}

struct Stock {
    unit_cost: f64,
    lead_time_days: i32,
    on_hand: f64,
}

impl Stock {
    /// From a row with `unit_cost`, `lead_time_days` and `on_hand`.
    fn of(r: &sqlx::postgres::PgRow) -> Result<Self, AppError> {
        Ok(Self {
            unit_cost: r.try_get("unit_cost")?,
            lead_time_days: r.try_get("lead_time_days")?,
            on_hand: r.try_get("on_hand")?,
        })
    }
}

fn policy(points: &[MonthPoint], stock: &Stock, service_level: f64) -> super::Reorder {
    let values: Vec<f64> = points.iter().map(|p| p.value).collect();
    let first = points.first();
    reorder::suggest(&reorder::Inputs {
        point: &values,
        first_lower: first.map_or(0.0, |p| p.lower),
        first_upper: first.map_or(0.0, |p| p.upper),
        interval_level: INTERVAL_LEVEL,
        lead_time_days: f64::from(stock.lead_time_days),
        service_level,
        on_hand: stock.on_hand,
        unit_cost: stock.unit_cost,
    })
}

/// Products per page of the forecasts list.
pub const PAGE_SIZE: usize = 50;

/// The page's data: the latest run (any state) and the latest finished run's results,
/// `page` (from 1) of its products; `None` gives every product (the API).
pub async fn overview(
    pool: &PgPool,
    ctx: &TenantContext,
    page: Option<usize>,
) -> Result<ForecastOverview, AppError> {
    require(ctx)?;
    let mut tx = ctx.read(pool).await?;
    let latest = sqlx::query(&format!(
        "SELECT {RUN_COLUMNS} FROM forecast_runs ORDER BY started_at DESC LIMIT 1"
    ))
    .fetch_optional(&mut *tx)
    .await?
    .as_ref()
    .map(run_status)
    .transpose()?;
    let finished = sqlx::query(&format!(
        "SELECT {RUN_COLUMNS} FROM forecast_runs WHERE status = 'done'
          ORDER BY started_at DESC LIMIT 1"
    ))
    .fetch_optional(&mut *tx)
    .await?
    .as_ref()
    .map(run_status)
    .transpose()?;
    let can_run = ctx.role().allows(Permission::EditData);
    let Some(finished) = finished else {
        return Ok(ForecastOverview {
            run: latest,
            rows: Vec::new(),
            products: 0,
            page: 1,
            pages: 1,
            categories: Vec::new(),
            horizon_months: 0,
            service_level: 0.95,
            cash_tied_up: 0.0,
            cash_on_hand: 0.0,
            can_run,
        });
    };
    let rows = sqlx::query(
        "SELECT f.product_id, p.sku, p.name, p.category, p.unit_cost::float8 AS unit_cost,
                p.lead_time_days, f.method, f.mase, f.baseline_mase, f.message, f.points,
                (SELECT coalesce(sum(i.on_hand), 0)::float8 FROM inventory_levels i
                  WHERE i.product_id = p.id) AS on_hand
           FROM forecasts f JOIN products p ON p.id = f.product_id
          WHERE f.run_id = $1
          ORDER BY p.sku",
    )
    .bind(finished.id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        let points: Vec<MonthPoint> =
            serde_json::from_value(r.try_get("points")?).map_err(AppError::internal)?;
        let stock = Stock::of(r)?;
        Ok(ForecastRow {
            product_id: r.try_get("product_id")?,
            sku: r.try_get("sku")?,
            name: r.try_get("name")?,
            category: r.try_get("category")?,
            method: method_label(&r.try_get::<String, _>("method")?),
            mase: r.try_get("mase")?,
            baseline_mase: r.try_get("baseline_mase")?,
            forecast_units: points.iter().map(|p| p.value).sum(),
            on_hand: stock.on_hand,
            reorder: policy(&points, &stock, finished.service_level),
            message: r.try_get("message")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let categories = sqlx::query(
        "SELECT category, method, mase, points FROM forecasts
          WHERE run_id = $1 AND category IS NOT NULL ORDER BY category",
    )
    .bind(finished.id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        let points: Vec<MonthPoint> =
            serde_json::from_value(r.try_get("points")?).map_err(AppError::internal)?;
        Ok(CategoryRow {
            category: r.try_get("category")?,
            method: method_label(&r.try_get::<String, _>("method")?),
            mase: r.try_get("mase")?,
            forecast_units: points.iter().map(|p| p.value).sum(),
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let (products, pages) = (rows.len(), rows.len().div_ceil(PAGE_SIZE).max(1));
    let page = page.map(|p| p.clamp(1, pages));
    Ok(ForecastOverview {
        cash_tied_up: rows.iter().map(|r| r.reorder.cash_tied_up).sum(),
        cash_on_hand: rows.iter().map(|r| r.reorder.cash_on_hand).sum(),
        horizon_months: finished.horizon_months,
        service_level: finished.service_level,
        run: latest,
        products,
        page: page.unwrap_or(1),
        pages: if page.is_some() { pages } else { 1 },
        rows: match page {
            Some(p) => rows
                .into_iter()
                .skip((p - 1) * PAGE_SIZE)
                .take(PAGE_SIZE)
                .collect(),
            None => rows,
        },
        categories,
        can_run,
    })
}

/// One product's forecast from the latest finished run, with its chart.
pub async fn product(
    pool: &PgPool,
    ctx: &TenantContext,
    product: Uuid,
) -> Result<ProductForecast, AppError> {
    use crate::workspace::charts::{self, Series as Line};
    require(ctx)?;
    let mut tx = ctx.read(pool).await?;
    let r = sqlx::query(
        "SELECT p.sku, p.name, p.unit_cost::float8 AS unit_cost, p.lead_time_days,
                f.method, f.mase, f.mape, f.baseline_mase, f.message, f.history, f.points,
                r.service_level,
                (SELECT coalesce(sum(i.on_hand), 0)::float8 FROM inventory_levels i
                  WHERE i.product_id = p.id) AS on_hand
           FROM forecasts f
           JOIN forecast_runs r ON r.id = f.run_id AND r.status = 'done'
           JOIN products p ON p.id = f.product_id
          WHERE f.product_id = $1
          ORDER BY r.started_at DESC LIMIT 1",
    )
    .bind(product)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("A forecast for this product"))?;
    let history: Vec<MonthValue> =
        serde_json::from_value(r.try_get("history")?).map_err(AppError::internal)?;
    let points: Vec<MonthPoint> =
        serde_json::from_value(r.try_get("points")?).map_err(AppError::internal)?;
    let stock = Stock::of(&r)?;
    let service_level: f64 = r.try_get("service_level")?;
    // The last two years of history, then the forecast, on one time axis.
    let shown = &history[history.len().saturating_sub(24)..];
    let labels: Vec<String> = shown
        .iter()
        .map(|m| m.month.clone())
        .chain(points.iter().map(|p| p.month.clone()))
        .collect();
    let pad = |n: usize| std::iter::repeat_n(None, n);
    let future = |f: fn(&MonthPoint) -> f64| -> Vec<Option<f64>> {
        pad(shown.len())
            .chain(points.iter().map(|p| Some(f(p))))
            .collect()
    };
    let chart = charts::lines(
        "Units sold per month and the forecast with its 80% interval",
        &labels,
        &[
            Line {
                name: "Sold",
                class: "s1",
                values: shown
                    .iter()
                    .map(|m| Some(m.value))
                    .chain(pad(points.len()))
                    .collect(),
            },
            Line {
                name: "Forecast",
                class: "s2",
                values: future(|p| p.value),
            },
            Line {
                name: "80% low",
                class: "s3 dashed",
                values: future(|p| p.lower),
            },
            Line {
                name: "80% high",
                class: "s3 dashed",
                values: future(|p| p.upper),
            },
        ],
        "",
    );
    Ok(ProductForecast {
        sku: r.try_get("sku")?,
        name: r.try_get("name")?,
        method: method_label(&r.try_get::<String, _>("method")?),
        mase: r.try_get("mase")?,
        mape: r.try_get("mape")?,
        baseline_mase: r.try_get("baseline_mase")?,
        message: r.try_get("message")?,
        chart,
        reorder: policy(&points, &stock, service_level),
        history,
        points,
        lead_time_days: stock.lead_time_days,
        on_hand: stock.on_hand,
        unit_cost: stock.unit_cost,
        service_level,
    })
}
