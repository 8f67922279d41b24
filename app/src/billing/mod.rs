//! Plans and what they allow.

mod plans;

pub use plans::{Feature, Limit, Limits, Plan};
