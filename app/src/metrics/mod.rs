//! Working-capital arithmetic shared by the browser and the server: the quick
//! estimate on the landing page and the ratios the dashboard computes from a tenant's
//! ledger.

mod estimate;
pub mod ledger;

pub use estimate::*;
