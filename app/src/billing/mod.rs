//! Plans, subscriptions and what they allow: the plan catalogue, Stripe checkout and
//! portal, webhook and reconciliation processing, dunning, and the feature and limit
//! gates.

mod api;
#[cfg(feature = "ssr")]
mod config;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod gates;
#[cfg(feature = "ssr")]
pub mod jobs;
mod plans;
#[cfg(feature = "ssr")]
pub mod stripe;
#[cfg(feature = "ssr")]
pub mod usage;

pub use api::*;
#[cfg(feature = "ssr")]
pub use config::Billing;
pub use plans::{Feature, Interval, Limit, Limits, Plan};
