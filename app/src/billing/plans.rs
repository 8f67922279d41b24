//! The plan catalogue: the one place that says what each plan costs, which features
//! it has and how far its limits go. Pricing, gates and limits all read it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Starter,
    Professional,
    Enterprise,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    AiForecasting,
    WhatIf,
    ApiIntegrations,
    AuditExport,
}

/// A ceiling on a count; `None` is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit(pub Option<u32>);

impl Limit {
    /// Whether `count` items fit (e.g. members after adding one).
    pub fn allows(self, count: u64) -> bool {
        self.0.is_none_or(|max| count <= u64::from(max))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub members: Limit,
    pub products: Limit,
    pub imports_per_month: Limit,
}

impl Plan {
    pub const ALL: [Plan; 3] = [Plan::Starter, Plan::Professional, Plan::Enterprise];

    pub fn id(self) -> &'static str {
        match self {
            Plan::Starter => "starter",
            Plan::Professional => "professional",
            Plan::Enterprise => "enterprise",
        }
    }

    pub fn parse(id: &str) -> Option<Plan> {
        Plan::ALL.into_iter().find(|p| p.id() == id)
    }

    pub fn name(self) -> &'static str {
        match self {
            Plan::Starter => "Starter",
            Plan::Professional => "Professional",
            Plan::Enterprise => "Enterprise",
        }
    }

    pub fn limits(self) -> Limits {
        let n = |v| Limit(Some(v));
        match self {
            Plan::Starter => Limits {
                members: n(5),
                products: n(500),
                imports_per_month: n(10),
            },
            Plan::Professional => Limits {
                members: n(25),
                products: n(5_000),
                imports_per_month: n(100),
            },
            Plan::Enterprise => Limits {
                members: Limit(None),
                products: Limit(None),
                imports_per_month: Limit(None),
            },
        }
    }

    pub fn has(self, feature: Feature) -> bool {
        match feature {
            Feature::AiForecasting | Feature::WhatIf => self != Plan::Starter,
            Feature::ApiIntegrations | Feature::AuditExport => self == Plan::Enterprise,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for plan in Plan::ALL {
            assert_eq!(Plan::parse(plan.id()), Some(plan));
        }
        assert_eq!(Plan::parse("gold"), None);
    }

    #[test]
    fn limits_count_inclusively_and_unlimited_has_no_ceiling() {
        let members = Plan::Starter.limits().members;
        assert!(members.allows(5));
        assert!(!members.allows(6));
        assert!(Plan::Enterprise.limits().members.allows(u64::MAX));
    }

    #[test]
    fn higher_plans_include_lower_plans_features() {
        for feature in [
            Feature::AiForecasting,
            Feature::WhatIf,
            Feature::ApiIntegrations,
            Feature::AuditExport,
        ] {
            assert!(!Plan::Starter.has(feature) || Plan::Professional.has(feature));
            assert!(!Plan::Professional.has(feature) || Plan::Enterprise.has(feature));
        }
        assert!(Plan::Professional.has(Feature::WhatIf));
        assert!(!Plan::Professional.has(Feature::ApiIntegrations));
    }
}
