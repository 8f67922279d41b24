//! What-if scenarios: named sets of levers (collection and payment days, stock days,
//! growth, price and cost) whose effect on DSO, DIO, DPO, the cash conversion cycle and
//! cash over 12 months is shown next to the baseline and to each other (Professional
//! and Enterprise).

mod api;
pub mod model;

pub use api::*;
pub use model::{Baseline, Levers, Outcome};

#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A saved scenario and where it leads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedScenario {
    pub id: Uuid,
    pub name: String,
    pub levers: Levers,
    pub outcome: Outcome,
    pub updated: String,
}

/// The scenarios page: the baseline and every saved scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenariosView {
    pub as_of: String,
    pub baseline: Baseline,
    pub baseline_outcome: Outcome,
    pub scenarios: Vec<SavedScenario>,
    /// Cumulative cash effect by month, one line per scenario (SVG).
    pub chart: String,
    pub can_edit: bool,
}
