//! Integrations (Enterprise): tenant API keys and the versioned REST API under
//! `/api/v1` with its OpenAPI document, and credentials of outside systems sealed with
//! ENCRYPTION_KEY.

mod api;
pub mod openapi;

pub use api::*;

#[cfg(feature = "ssr")]
pub mod bad_keys;
#[cfg(feature = "ssr")]
pub mod credentials;
#[cfg(feature = "ssr")]
pub mod crypto;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod rest;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The systems a connection can be for: (id, name).
pub const CONNECTION_KINDS: [(&str, &str); 6] = [
    ("netsuite", "NetSuite"),
    ("quickbooks", "QuickBooks Online"),
    ("xero", "Xero"),
    ("sap_business_one", "SAP Business One"),
    ("shopify", "Shopify"),
    ("other", "Other"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: Uuid,
    pub name: String,
    /// The start of the key, to tell keys apart.
    pub prefix: String,
    pub scope: String,
    pub created: String,
    pub last_used: Option<String>,
    pub revoked: Option<String>,
}

/// A key just created: the only time the whole key is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub id: Uuid,
    pub key: String,
    pub prefix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRow {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub status: String,
    /// Whether sealed credentials are stored (they are never sent to the browser).
    pub credentials_stored: bool,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationsView {
    pub keys: Vec<ApiKeyRow>,
    pub connections: Vec<ConnectionRow>,
    pub calls_this_month: i64,
    /// Owners and admins manage keys and connections; others see that they exist.
    pub can_manage: bool,
}
