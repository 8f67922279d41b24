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
/// An operator's override for the tenant wins over the plan.
pub fn require_feature(tenant: &Tenant, feature: Feature) -> Result<(), AppError> {
    let plan = tenant.effective_plan();
    let enabled = tenant
        .feature_overrides
        .get(feature.id())
        .copied()
        .unwrap_or_else(|| plan.has(feature));
    if enabled {
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

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::tenancy::{SchemaName, TenantStatus};

    fn tenant(status: TenantStatus, plan: &str) -> Tenant {
        let id = Uuid::new_v4();
        Tenant {
            id,
            slug: "acme".into(),
            name: "Acme".into(),
            schema: SchemaName::for_tenant(id),
            status,
            plan: plan.into(),
            trial_ends_at: None,
            schema_version: 1,
            created_at: time::OffsetDateTime::now_utc(),
            deleted_at: None,
            operator_suspended_at: None,
            comped: false,
            feature_overrides: Default::default(),
        }
    }

    #[test]
    fn a_missing_feature_names_itself_the_plan_and_the_way_to_upgrade() {
        let starter = tenant(TenantStatus::Active, "starter");
        match require_feature(&starter, Feature::AiForecasting) {
            Err(AppError::UpgradeRequired {
                feature,
                plan,
                upgrade_url,
                message,
            }) => {
                assert_eq!(feature.as_deref(), Some("ai_forecasting"));
                assert_eq!(plan, "starter");
                assert_eq!(upgrade_url, "/app/acme/billing");
                assert!(message.contains("Professional"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            require_feature(&starter, Feature::AiForecasting)
                .unwrap_err()
                .status()
                == 403
        );
        let pro = tenant(TenantStatus::Active, "professional");
        assert!(require_feature(&pro, Feature::WhatIf).is_ok());
        assert!(require_feature(&pro, Feature::ApiIntegrations).is_err());
        // A trial has Professional's features.
        let trial = tenant(TenantStatus::Trial, "starter");
        assert!(require_feature(&trial, Feature::AiForecasting).is_ok());
    }

    #[test]
    fn an_operator_override_wins_over_the_plan() {
        let mut starter = tenant(TenantStatus::Active, "starter");
        starter
            .feature_overrides
            .insert(Feature::AiForecasting.id().into(), true);
        assert!(require_feature(&starter, Feature::AiForecasting).is_ok());
        assert!(require_feature(&starter, Feature::WhatIf).is_err());
        let mut enterprise = tenant(TenantStatus::Active, "enterprise");
        enterprise
            .feature_overrides
            .insert(Feature::ApiIntegrations.id().into(), false);
        assert!(require_feature(&enterprise, Feature::ApiIntegrations).is_err());
        assert!(require_feature(&enterprise, Feature::WhatIf).is_ok());
    }

    #[test]
    fn limits_refuse_only_past_the_ceiling() {
        let starter = tenant(TenantStatus::Active, "starter");
        let products = Plan::Starter.limits().products;
        assert!(within_limit(&starter, "products", products, 500).is_ok());
        let err = within_limit(&starter, "products", products, 501).unwrap_err();
        assert!(
            matches!(err, AppError::UpgradeRequired { feature: None, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("500 products"), "{err}");
    }
}
