//! Demand forecasting per product and per category from monthly sales, and the
//! reorder suggestions and cash that follow from it (Professional and Enterprise).

mod api;
mod types;

pub use api::*;
pub use types::*;

#[cfg(feature = "ssr")]
pub mod model;
#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod reorder;
#[cfg(feature = "ssr")]
pub mod store;
