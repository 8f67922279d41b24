//! Accounts, organizations and teams: sign-up, sign-in, sessions, roles and the
//! organizations a user belongs to.

mod api;
pub mod invitations;
pub mod recovery;
mod roles;

pub use api::*;
pub use roles::{Permission, Role};

#[cfg(feature = "ssr")]
pub mod members;
#[cfg(feature = "ssr")]
pub mod memberships;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub(crate) mod throttle;
#[cfg(feature = "ssr")]
pub mod tokens;
#[cfg(feature = "ssr")]
pub mod users;
