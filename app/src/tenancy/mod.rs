//! Tenancy: every customer organization is a tenant with its own PostgreSQL schema.
//!
//! The types here are shared with the browser (slug rules for forms); everything that
//! touches the database is server-only.

mod slug;

pub use slug::{RESERVED_SLUGS, Slug};

#[cfg(feature = "ssr")]
pub mod changes;
#[cfg(feature = "ssr")]
mod context;
#[cfg(feature = "ssr")]
mod provision;
#[cfg(feature = "ssr")]
mod registry;
#[cfg(feature = "ssr")]
mod resolve;
#[cfg(feature = "ssr")]
pub(crate) mod role;
#[cfg(feature = "ssr")]
mod schema_name;
#[cfg(feature = "ssr")]
pub mod template;
#[cfg(feature = "ssr")]
pub mod transfer;
#[cfg(feature = "ssr")]
pub mod verify;

#[cfg(feature = "ssr")]
pub(crate) use {context::read_only, registry::find_by_key};
#[cfg(feature = "ssr")]
pub use {
    context::{Access, TenantContext, TenantTx},
    provision::{Provisioned, provision, provision_owned, provision_with, provision_within_limit},
    registry::{Tenant, delete, find, list, purge_deleted},
    resolve::{
        TenancyConfig, TenantKey, resolve, resolve_api_key, resolve_member, resolve_request,
        resolve_starter, tenant_key,
    },
    schema_name::SchemaName,
};

use serde::{Deserialize, Serialize};

/// Lifecycle of a tenant; it decides what its members may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Trial,
    Active,
    PastDue,
    Suspended,
    Cancelled,
    Deleted,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trial => "trial",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Suspended => "suspended",
            Self::Cancelled => "cancelled",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Trial,
            Self::Active,
            Self::PastDue,
            Self::Suspended,
            Self::Cancelled,
            Self::Deleted,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
    }
}
