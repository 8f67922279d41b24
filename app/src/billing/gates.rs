//! Feature gates and plan limits, checked by server functions and the API. A refusal
//! is `AppError::UpgradeRequired`, which the UI shows as an upgrade prompt and the API
//! answers with 403, the feature or limit, the current plan and where to upgrade.

use super::{Feature, Plan};
use crate::{AppError, tenancy::Tenant};

/// The billing page of an organization, where upgrades happen.
pub fn upgrade_url(slug: &str) -> String {
    format!("/app/{slug}/billing")
}

/// Refuses unless the tenant's plan includes `feature`.
pub fn require_feature(tenant: &Tenant, feature: Feature) -> Result<(), AppError> {
    let plan = tenant.effective_plan();
    if plan.has(feature) {
        return Ok(());
    }
    let needed = Plan::ALL
        .into_iter()
        .find(|p| p.has(feature))
        .unwrap_or(Plan::Enterprise);
    Err(AppError::UpgradeRequired {
        message: format!(
            "{} is part of the {} plan; {} is on {}.",
            feature.name(),
            needed.name(),
            tenant.name,
            plan.name()
        ),
        feature: Some(feature.id().to_owned()),
        plan: plan.id().to_owned(),
        upgrade_url: upgrade_url(&tenant.slug),
    })
}

/// Refuses when `count` (after the change) exceeds the plan's `what` limit.
pub fn within_limit(
    tenant: &Tenant,
    what: &str,
    limit: super::Limit,
    count: u64,
) -> Result<(), AppError> {
    if limit.allows(count) {
        return Ok(());
    }
    let plan = tenant.effective_plan();
    Err(AppError::UpgradeRequired {
        message: format!(
            "The {} plan allows {} {what}. Upgrade for more.",
            plan.name(),
            limit.0.unwrap_or(u32::MAX),
        ),
        feature: None,
        plan: plan.id().to_owned(),
        upgrade_url: upgrade_url(&tenant.slug),
    })
}
