//! What the console's server functions return to its pages.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::revenue::Revenue;

/// The signed-in operator, for the console header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorInfo {
    pub name: String,
    pub email: String,
}

/// A new authenticator to enrol: the QR code and, for typing in, the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub secret: String,
    pub qr_svg: String,
}

/// The revenue page: figures and their charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevenueView {
    pub revenue: Revenue,
    pub mrr_chart: String,
    pub movement_chart: String,
    pub plans_chart: String,
}

/// The statuses the tenants list filters by ("operator_suspended" is an operator's
/// suspension, apart from billing standing).
pub const TENANT_STATUSES: [&str; 7] = [
    "trial",
    "active",
    "past_due",
    "suspended",
    "operator_suspended",
    "cancelled",
    "deleted",
];

/// Filters, sort and page of the tenants list (all optional, as in the address).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantQuery {
    pub q: Option<String>,
    pub status: Option<String>,
    pub plan: Option<String>,
    pub sort: Option<String>,
    pub page: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    /// The status as shown: billing standing, or "suspended by operator".
    pub status: String,
    pub plan: String,
    pub created: String,
    pub members: i64,
    pub last_activity: Option<String>,
    /// Cents per month.
    pub mrr: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantList {
    pub rows: Vec<TenantRow>,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLine {
    pub name: String,
    pub email: String,
    pub role: String,
    pub joined: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageLine {
    pub what: String,
    pub used: u64,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureLine {
    pub id: String,
    pub name: String,
    pub in_plan: bool,
    /// An operator's override: on, off, or none (the plan decides).
    pub overridden: Option<bool>,
}

/// Everything the tenant page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantDetail {
    pub row: TenantRow,
    pub billing_status: String,
    pub suspended_by_operator: bool,
    pub comped: bool,
    pub deleted: bool,
    pub trial_ends: Option<String>,
    pub stripe_customer: Option<String>,
    pub stripe_subscription: Option<String>,
    pub subscription_status: Option<String>,
    pub billing_interval: Option<String>,
    pub current_period_end: Option<String>,
    pub schema_version: i64,
    pub members: Vec<MemberLine>,
    pub usage: Vec<UsageLine>,
    pub features: Vec<FeatureLine>,
    pub recent_audit: Vec<AuditRow>,
}

/// One audit record, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor_kind: String,
    pub actor: String,
    pub tenant: Option<String>,
    pub action: String,
    pub target: String,
    pub ip: Option<String>,
    pub details: String,
}

/// Filters and page of the audit log (as in the address).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Tenant slug.
    pub tenant: Option<String>,
    /// Actor email (user or operator).
    pub actor: Option<String>,
    /// Action, or its prefix ("tenant." matches every tenant action).
    pub action: Option<String>,
    /// First day, YYYY-MM-DD (inclusive).
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (inclusive).
    pub to: Option<String>,
    pub page: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
}

/// The system health page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub version: String,
    pub uptime_secs: u64,
    pub database_ok: bool,
    pub database_ms: f64,
    pub pool_size: u32,
    pub pool_idle: u32,
    pub pool_max: u32,
    /// Jobs by queue and state, e.g. ("email", "pending", 3).
    pub jobs: Vec<(String, String, i64)>,
    pub jobs_failed_24h: i64,
    pub webhooks_unprocessed: i64,
    pub webhook_oldest_unprocessed_secs: Option<f64>,
    /// Mean seconds from receipt to processing over the last 24 hours.
    pub webhook_mean_lag_secs: Option<f64>,
    pub requests: u64,
    pub server_errors: u64,
    /// Tenants per schema version, and the version of the current template.
    pub schema_versions: Vec<(i64, i64)>,
    pub template_version: i64,
}

/// An operator's read-only view of a tenant, shown as a banner in the tenant app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportView {
    pub operator: String,
    pub reason: String,
    pub ends: String,
}
