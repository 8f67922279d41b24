//! The tenant app: a manufacturer's working-capital workspace (dashboard, data) and
//! the sample data that fills a new one.

mod dashboard;
pub mod import;
pub mod onboarding;
pub mod products;
pub mod profile;
pub mod records;

pub use dashboard::*;

#[cfg(feature = "ssr")]
pub mod charts;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod ledger;
#[cfg(feature = "ssr")]
pub mod sample;
