//! Scenarios in the tenant's schema, the baseline from its ledger, and the CSV export.

use std::collections::BTreeMap;

use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    SavedScenario, ScenariosView,
    model::{self, Baseline, Levers},
};
use crate::{
    AppError,
    accounts::Permission,
    billing::{Feature, gates},
    format::utc_minute,
    metrics::ledger::WINDOW_DAYS,
    server::csv_export::{Cell, CsvExport},
    tenancy::TenantContext,
};

pub fn require(ctx: &TenantContext) -> Result<(), AppError> {
    gates::require_feature(ctx.tenant(), Feature::WhatIf)
}

/// Today's position from the ledger: daily revenue and cost of goods sold over the
/// trailing window, and the day ratios (zero where there is nothing to divide by).
async fn baseline(pool: &PgPool, ctx: &TenantContext) -> Result<Baseline, AppError> {
    let today = OffsetDateTime::now_utc().date();
    let mut tx = ctx.read(pool).await?;
    let ledger = crate::workspace::ledger::load(&mut tx, today).await?;
    let now = ledger.snapshot(today);
    Ok(Baseline {
        revenue_per_day: now.revenue / WINDOW_DAYS as f64,
        cogs_per_day: now.cogs / WINDOW_DAYS as f64,
        dso: now.dso.unwrap_or(0.0),
        dio: now.dio.unwrap_or(0.0),
        dpo: now.dpo.unwrap_or(0.0),
    })
}

type Row = (Uuid, String, serde_json::Value, OffsetDateTime);

pub async fn view(pool: &PgPool, ctx: &TenantContext) -> Result<ScenariosView, AppError> {
    use crate::workspace::charts::{self, Series};
    require(ctx)?;
    let base = baseline(pool, ctx).await?;
    let mut tx = ctx.read(pool).await?;
    let rows: Vec<Row> =
        sqlx::query_as("SELECT id, name, levers, updated_at FROM scenarios ORDER BY lower(name)")
            .fetch_all(&mut *tx)
            .await?;
    let scenarios = rows
        .into_iter()
        .map(|(id, name, levers, updated)| {
            let levers: Levers = serde_json::from_value(levers).map_err(AppError::internal)?;
            Ok(SavedScenario {
                id,
                name,
                outcome: model::outcome(&base, &levers),
                levers,
                updated: utc_minute(updated),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let labels: Vec<String> = (1..=model::MONTHS).map(|m| format!("M{m}")).collect();
    let classes = ["s1", "s2", "s3", "s4"];
    let lines: Vec<Series<'_>> = scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| Series {
            name: &s.name,
            class: classes[i % classes.len()],
            values: s
                .outcome
                .monthly_cash_effect
                .iter()
                .map(|v| Some(*v))
                .collect(),
        })
        .collect();
    let chart = charts::lines(
        "Cumulative cash effect of each scenario by month",
        &labels,
        &lines,
        "",
    );
    Ok(ScenariosView {
        as_of: crate::format::utc_day(OffsetDateTime::now_utc()),
        baseline_outcome: model::outcome(&base, &Levers::default()),
        baseline: base,
        scenarios,
        chart,
        can_edit: ctx.role().allows(Permission::EditData),
    })
}

fn validate_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::invalid(
            "name",
            "Name the scenario (at most 120 characters).",
        ));
    }
    Ok(name.to_owned())
}

fn name_taken() -> AppError {
    AppError::invalid("name", "A scenario with this name exists: choose another.")
}

/// Creates a scenario, or updates `id`; returns its id.
pub async fn save(
    pool: &PgPool,
    ctx: &TenantContext,
    id: Option<Uuid>,
    name: &str,
    levers: &Levers,
) -> Result<Uuid, AppError> {
    require(ctx)?;
    let name = validate_name(name)?;
    levers.validate().map_err(|errors| AppError::Validation {
        message: "Some levers are out of range.".into(),
        fields: errors
            .into_iter()
            .map(|(f, m)| (format!("levers[{f}]"), m))
            .collect::<BTreeMap<_, _>>(),
    })?;
    let mut tx = ctx.write(pool).await?;
    let levers = serde_json::to_value(levers).map_err(AppError::internal)?;
    let result = match id {
        None => sqlx::query_scalar(
            "INSERT INTO scenarios (name, levers, created_by) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(&name)
        .bind(&levers)
        .bind(ctx.user())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(name_taken)?,
        Some(id) => {
            let taken: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM scenarios WHERE name = $1 AND id <> $2)",
            )
            .bind(&name)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if taken {
                return Err(name_taken());
            }
            sqlx::query_scalar(
                "UPDATE scenarios SET name = $2, levers = $3, updated_at = now() WHERE id = $1 RETURNING id",
            )
            .bind(id)
            .bind(&name)
            .bind(&levers)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::not_found("Scenario"))?
        }
    };
    tx.commit().await?;
    Ok(result)
}

/// Copies scenario `id` under the first free name "… (copy)", "… (copy 2)", ….
pub async fn duplicate(pool: &PgPool, ctx: &TenantContext, id: Uuid) -> Result<Uuid, AppError> {
    require(ctx)?;
    let mut tx = ctx.write(pool).await?;
    let (name, levers): (String, serde_json::Value) =
        sqlx::query_as("SELECT name, levers FROM scenarios WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::not_found("Scenario"))?;
    let stem: String = name.chars().take(100).collect();
    for n in 1..1000 {
        let candidate = if n == 1 {
            format!("{stem} (copy)")
        } else {
            format!("{stem} (copy {n})")
        };
        let created: Option<Uuid> = sqlx::query_scalar(
            "INSERT INTO scenarios (name, levers, created_by) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(&candidate)
        .bind(&levers)
        .bind(ctx.user())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(new) = created {
            tx.commit().await?;
            return Ok(new);
        }
    }
    Err(AppError::Conflict {
        message: "Too many copies of this scenario.".into(),
    })
}

pub async fn delete(pool: &PgPool, ctx: &TenantContext, id: Uuid) -> Result<(), AppError> {
    require(ctx)?;
    let mut tx = ctx.write(pool).await?;
    let deleted = sqlx::query("DELETE FROM scenarios WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(AppError::not_found("Scenario"));
    }
    tx.commit().await
}

/// The baseline and every scenario with its levers and outcome, one row each (members
/// with export rights, like every list).
pub async fn csv(pool: &PgPool, ctx: &TenantContext) -> Result<String, AppError> {
    ctx.require(Permission::ImportExport)?;
    let v = view(pool, ctx).await?;
    let mut out = CsvExport::new(&[
        "scenario",
        "dso_change_days",
        "dio_change_days",
        "dpo_change_days",
        "sales_growth_pct",
        "price_change_pct",
        "cost_change_pct",
        "dso",
        "dio",
        "dpo",
        "cash_conversion_cycle",
        "working_capital",
        "cash_from_working_capital",
        "extra_gross_margin",
        "total_cash_effect_12m",
    ])?;
    let baseline = SavedScenario {
        id: Uuid::nil(),
        name: "Baseline".into(),
        levers: Levers::default(),
        outcome: v.baseline_outcome.clone(),
        updated: String::new(),
    };
    for s in std::iter::once(&baseline).chain(&v.scenarios) {
        let (l, o) = (&s.levers, &s.outcome);
        let numbers = [
            l.dso_days,
            l.dio_days,
            l.dpo_days,
            l.sales_growth_pct,
            l.price_change_pct,
            l.cost_change_pct,
            o.dso,
            o.dio,
            o.dpo,
            o.ccc,
            o.working_capital,
            o.cash_from_working_capital,
            o.extra_gross_margin,
            o.total_cash_effect,
        ];
        let figures: Vec<String> = numbers.iter().map(|n| format!("{n:.2}")).collect();
        out.record(
            std::iter::once(Cell::Text(&s.name)).chain(figures.iter().map(|f| Cell::Number(f))),
        )?;
    }
    String::from_utf8(out.finish()?).map_err(AppError::internal)
}
