//! What the forecasting server functions return to the pages.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The two-sided level of the prediction intervals shown and stored.
pub const INTERVAL_LEVEL: f64 = 0.8;

/// One month of a forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthPoint {
    /// "2026-12".
    pub month: String,
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

/// One month of history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthValue {
    pub month: String,
    pub value: f64,
}

/// The stock policy a forecast suggests (see `reorder`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Reorder {
    /// Units expected to sell during the lead time.
    pub lead_time_demand: f64,
    pub safety_stock: f64,
    /// Order when stock on hand falls to this.
    pub reorder_point: f64,
    /// Order this many now (enough to reach the reorder point plus a month of demand);
    /// zero while stock is above the reorder point.
    pub order_quantity: f64,
    /// Value at cost of the stock this policy keeps on average: safety stock plus half
    /// a month's demand (the cycle stock).
    pub cash_tied_up: f64,
    /// Value at cost of the stock on hand now.
    pub cash_on_hand: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunStatus {
    pub id: Uuid,
    /// running, done or failed.
    pub status: String,
    pub total: i32,
    pub done: i32,
    pub horizon_months: i32,
    pub service_level: f64,
    pub started: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastRow {
    pub product_id: Uuid,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub method: String,
    pub mase: Option<f64>,
    pub baseline_mase: Option<f64>,
    /// Units forecast over the whole horizon.
    pub forecast_units: f64,
    pub on_hand: f64,
    pub reorder: Reorder,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryRow {
    pub category: String,
    pub method: String,
    pub mase: Option<f64>,
    pub forecast_units: f64,
}

/// The forecasts page: the latest finished run and any run in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastOverview {
    /// The run in progress or the latest one, if any.
    pub run: Option<RunStatus>,
    /// Results of the latest finished run (empty before the first): one page of them.
    pub rows: Vec<ForecastRow>,
    /// Products in the run, and the page shown of how many.
    pub products: usize,
    pub page: usize,
    pub pages: usize,
    pub categories: Vec<CategoryRow>,
    pub horizon_months: i32,
    pub service_level: f64,
    /// Totals over every product, not only the page.
    pub cash_tied_up: f64,
    pub cash_on_hand: f64,
    /// Whether the viewer may start a run.
    pub can_run: bool,
}

/// One product's forecast page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductForecast {
    pub sku: String,
    pub name: String,
    pub method: String,
    pub mase: Option<f64>,
    pub mape: Option<f64>,
    pub baseline_mase: Option<f64>,
    pub message: Option<String>,
    pub chart: String,
    pub history: Vec<MonthValue>,
    pub points: Vec<MonthPoint>,
    pub reorder: Reorder,
    pub lead_time_days: i32,
    pub on_hand: f64,
    pub unit_cost: f64,
    pub service_level: f64,
}
