//! The working-capital dashboard and loading sample data into an empty organization.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    AppError,
    metrics::ledger::{Aging, Snapshot},
};

/// A metric on the dashboard: its value now and how it is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    pub name: String,
    /// Formatted, e.g. "42 days" or "€1.2M"; "n/a" without a divisor.
    pub value: String,
    pub formula: String,
}

/// A server-rendered chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    pub explanation: String,
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub organization: String,
    pub currency: String,
    pub as_of: String,
    /// No documents yet: the page says what to do next.
    pub empty: bool,
    /// The viewer may load sample data (empty organization, import rights).
    pub can_load_sample: bool,
    pub tiles: Vec<Tile>,
    pub charts: Vec<Chart>,
    pub now: Snapshot,
    pub aging: Aging,
}

#[cfg(feature = "ssr")]
fn days(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_owned(), |d| format!("{d:.0} days"))
}

#[cfg(feature = "ssr")]
fn money(currency: &str, v: f64) -> String {
    let symbol = match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        _ => "",
    };
    // Whole units with thousands separators: finance reads exact figures.
    let sign = if v.round() < 0.0 { "-" } else { "" };
    let amount = format!("{sign}{}", crate::format::thousands(v.abs().round() as u64));
    if symbol.is_empty() {
        format!("{amount} {currency}")
    } else {
        format!("{symbol}{amount}")
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn money_is_exact_with_separators_and_a_symbol() {
        assert_eq!(super::money("EUR", 14_500.0), "€14,500");
        assert_eq!(super::money("USD", -1_234_567.4), "$-1,234,567");
        assert_eq!(super::money("CHF", 950.0), "950 CHF");
    }
}

#[server(prefix = "/api/fn", endpoint = "get_dashboard")]
pub async fn get_dashboard(slug: String) -> Result<Dashboard, AppError> {
    use super::{
        charts::{self, Series},
        ledger,
    };
    use crate::accounts::{Permission, member_context};

    let (pool, ctx) = member_context(&slug).await?;
    let today = time::OffsetDateTime::now_utc().date();
    let tenant = ctx.tenant().id;
    let generation = crate::tenancy::changes::generation(tenant);
    if let Some(mut cached) = cache::get(tenant, generation, today) {
        cached.can_load_sample = cached.empty && ctx.role().allows(Permission::ImportExport);
        return Ok(cached);
    }
    let mut tx = ctx.read(&pool).await?;
    let ledger = ledger::load(&mut tx, today).await?;
    let currency: String =
        sqlx::query_scalar("SELECT coalesce((SELECT currency FROM company_profile), 'EUR')")
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;

    let now = ledger.snapshot(today);
    let trend = ledger.monthly(today, 12);
    let aging = ledger.aging(today);
    let labels: Vec<String> = trend
        .iter()
        .map(|s| format!("{} {}", &s.day.month().to_string()[..3], s.day.year() % 100))
        .collect();
    let series = |name, class, f: fn(&Snapshot) -> Option<f64>| Series {
        name,
        class,
        values: trend.iter().map(f).collect(),
    };
    let tiles = vec![
        Tile {
            name: "Cash conversion cycle".into(),
            value: days(now.ccc),
            formula:
                "DSO + DIO − DPO: the days cash is tied up between paying suppliers and being paid."
                    .into(),
        },
        Tile {
            name: "DSO".into(),
            value: days(now.dso),
            formula: "Receivables ÷ revenue of the last 90 days × 90.".into(),
        },
        Tile {
            name: "DIO".into(),
            value: days(now.dio),
            formula: "Inventory at cost ÷ cost of goods sold of the last 90 days × 90.".into(),
        },
        Tile {
            name: "DPO".into(),
            value: days(now.dpo),
            formula: "Payables ÷ cost of goods sold of the last 90 days × 90.".into(),
        },
        Tile {
            name: "Inventory turnover".into(),
            value: now.turnover.map_or("n/a".into(), |t| format!("{t:.1}×")),
            formula: "Cost of goods sold of the last 90 days, annualised, ÷ inventory at cost."
                .into(),
        },
        Tile {
            name: "Working capital tied up".into(),
            value: money(&currency, now.working_capital),
            formula: "Receivables + inventory − payables.".into(),
        },
    ];
    let charts = vec![
        Chart {
            title: "Cash conversion cycle, last 12 months".into(),
            explanation: "Each point uses the 90 days up to the month's end.".into(),
            svg: charts::lines(
                "Cash conversion cycle, DSO, DIO and DPO by month",
                &labels,
                &[
                    series("Cash conversion cycle", "ccc", |s| s.ccc),
                    series("DSO", "dso", |s| s.dso),
                    series("DIO", "dio", |s| s.dio),
                    series("DPO", "dpo", |s| s.dpo),
                ],
                "d",
            ),
        },
        Chart {
            title: "Working capital tied up".into(),
            explanation: "Receivables + inventory − payables at each month's end.".into(),
            svg: charts::lines(
                "Working capital tied up by month",
                &labels,
                &[
                    series("Working capital", "wc", |s| Some(s.working_capital)),
                    series("Receivables", "ar", |s| Some(s.receivables)),
                    series("Inventory", "inv", |s| Some(s.inventory)),
                ],
                "",
            ),
        },
        Chart {
            title: "Overdue receivables by age".into(),
            explanation: "Unpaid invoices past their due date, by days overdue.".into(),
            svg: charts::bars(
                "Overdue receivables by days past due",
                &["0-30", "31-60", "61-90", "90+"],
                &[aging.d0_30, aging.d31_60, aging.d61_90, aging.over_90],
                "",
            ),
        },
        Chart {
            title: "Inventory turnover".into(),
            explanation: "Times a year the inventory turns, at each month's end.".into(),
            svg: charts::lines(
                "Inventory turnover by month",
                &labels,
                &[series("Turnover", "turn", |s| s.turnover)],
                "×",
            ),
        },
    ];
    let empty = ledger.invoices.is_empty()
        && ledger.bills.is_empty()
        && ledger.cogs.is_empty()
        && ledger.inventory_today == 0.0;
    let dashboard = Dashboard {
        organization: ctx.tenant().name.clone(),
        currency,
        as_of: today.to_string(),
        empty,
        can_load_sample: empty && ctx.role().allows(Permission::ImportExport),
        tiles,
        charts,
        now,
        aging,
    };
    cache::put(tenant, generation, today, dashboard.clone());
    Ok(dashboard)
}

/// Computed dashboards, reused while the tenant's data has not changed in this process
/// and for at most a minute (a change committed by another process shows within it).
#[cfg(feature = "ssr")]
mod cache {
    use std::{
        collections::HashMap,
        sync::{LazyLock, Mutex},
        time::{Duration, Instant},
    };

    use time::Date;
    use uuid::Uuid;

    use super::Dashboard;

    const MAX_AGE: Duration = Duration::from_secs(60);

    type Entry = (u64, Date, Instant, Dashboard);
    static CACHE: LazyLock<Mutex<HashMap<Uuid, Entry>>> = LazyLock::new(Default::default);

    pub fn get(tenant: Uuid, generation: u64, today: Date) -> Option<Dashboard> {
        let cache = CACHE.lock().ok()?;
        let (g, day, at, dashboard) = cache.get(&tenant)?;
        (*g == generation && *day == today && at.elapsed() < MAX_AGE).then(|| dashboard.clone())
    }

    pub fn put(tenant: Uuid, generation: u64, today: Date, dashboard: Dashboard) {
        if let Ok(mut cache) = CACHE.lock() {
            cache.insert(tenant, (generation, today, Instant::now(), dashboard));
        }
    }
}

/// Fills an empty organization with the sample manufacturer (import rights needed).
#[server(prefix = "/api/fn", endpoint = "load_sample_data")]
pub async fn load_sample_data(
    slug: String,
    /// Where to go next (a path on this site); the dashboard by default.
    #[server(default)]
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        accounts::{Permission, member_context},
        server::{audit, request},
    };
    let (pool, ctx) = member_context(&slug).await?;
    ctx.require(Permission::ImportExport)?;
    let mut tx = ctx.write(&pool).await?;
    let seed = ctx.tenant().id.as_u128() as u64;
    let made =
        super::sample::generate(&mut tx, time::OffsetDateTime::now_utc().date(), seed).await?;
    tx.commit().await?;
    audit::record(
        &pool,
        audit::Actor::User(ctx.user()),
        Some(ctx.tenant().id),
        "sample_data.loaded",
        &format!(
            "{} products, {} sales orders",
            made.products, made.sales_orders
        ),
        request::client_ip().await,
    )
    .await?;
    leptos_axum::redirect(&crate::server::return_path::or(
        next,
        format!("/app/{slug}"),
    ));
    Ok(())
}
