//! Platform administration: the operators who run CapLiquify, their console under
//! `/admin` (tenants, revenue, system health, audit log) and read-only support access
//! to a tenant. Operators are not tenant users: they are created only by the CLI and
//! must pass a second factor (TOTP or a recovery code) before any console route
//! exists for them; everyone else gets 404.

mod api;
mod types;

pub use api::*;
pub use types::*;

#[cfg(feature = "ssr")]
pub mod audit_log;
#[cfg(feature = "ssr")]
pub mod health;
#[cfg(feature = "ssr")]
pub mod operators;
#[cfg(feature = "ssr")]
pub mod recovery_codes;
pub mod revenue;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod support;
#[cfg(feature = "ssr")]
pub mod tenants;
#[cfg(feature = "ssr")]
pub mod totp;
