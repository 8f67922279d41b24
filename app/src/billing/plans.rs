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

/// How often a subscription is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Month,
    Year,
}

impl Interval {
    pub fn id(self) -> &'static str {
        match self {
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    pub fn parse(id: &str) -> Option<Interval> {
        match id {
            "month" => Some(Interval::Month),
            "year" => Some(Interval::Year),
            _ => None,
        }
    }
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

impl Feature {
    pub const ALL: [Feature; 4] = [
        Feature::AiForecasting,
        Feature::WhatIf,
        Feature::ApiIntegrations,
        Feature::AuditExport,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Feature::AiForecasting => "ai_forecasting",
            Feature::WhatIf => "what_if",
            Feature::ApiIntegrations => "api_integrations",
            Feature::AuditExport => "audit_export",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Feature::AiForecasting => "Demand forecasting",
            Feature::WhatIf => "What-if scenarios",
            Feature::ApiIntegrations => "API and integrations",
            Feature::AuditExport => "Audit log export",
        }
    }
}

impl Plan {
    pub const ALL: [Plan; 3] = [Plan::Starter, Plan::Professional, Plan::Enterprise];

    /// What a trial gets: the full product short of Enterprise's integrations.
    pub const TRIAL: Plan = Plan::Professional;

    /// The plan in force for a tenant with this status and stored plan id.
    pub fn effective(status: crate::tenancy::TenantStatus, plan: &str) -> Plan {
        if status == crate::tenancy::TenantStatus::Trial {
            Plan::TRIAL
        } else {
            Plan::parse(plan).unwrap_or(Plan::Starter)
        }
    }

    /// Price in whole US dollars: per month, or per year (two months free).
    pub fn price_usd(self, interval: Interval) -> u32 {
        let monthly = match self {
            Plan::Starter => 149,
            Plan::Professional => 449,
            Plan::Enterprise => 1_290,
        };
        match interval {
            Interval::Month => monthly,
            Interval::Year => monthly * 10,
        }
    }

    /// The price as shown, e.g. "$1,490".
    pub fn price_label(self, interval: Interval) -> String {
        format!(
            "${}",
            crate::format::thousands(u64::from(self.price_usd(interval)))
        )
    }

    pub fn tagline(self) -> &'static str {
        match self {
            Plan::Starter => "See where your cash is tied up",
            Plan::Professional => "Forecast demand and plan working capital",
            Plan::Enterprise => "Connect your systems, audit everything",
        }
    }

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
        for interval in [Interval::Month, Interval::Year] {
            assert_eq!(Interval::parse(interval.id()), Some(interval));
        }
    }

    #[test]
    fn annual_prices_give_two_months_free_and_rise_with_the_plan() {
        for plan in Plan::ALL {
            assert_eq!(
                plan.price_usd(Interval::Year),
                plan.price_usd(Interval::Month) * 10
            );
        }
        assert!(
            Plan::Starter.price_usd(Interval::Month)
                < Plan::Professional.price_usd(Interval::Month)
        );
        assert!(
            Plan::Professional.price_usd(Interval::Month)
                < Plan::Enterprise.price_usd(Interval::Month)
        );
    }

    #[test]
    fn prices_are_shown_with_thousands_separators() {
        assert_eq!(Plan::Starter.price_label(Interval::Month), "$149");
        assert_eq!(Plan::Starter.price_label(Interval::Year), "$1,490");
        assert_eq!(Plan::Enterprise.price_label(Interval::Year), "$12,900");
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
        for feature in Feature::ALL {
            assert!(!Plan::Starter.has(feature) || Plan::Professional.has(feature));
            assert!(!Plan::Professional.has(feature) || Plan::Enterprise.has(feature));
        }
        assert!(Plan::Professional.has(Feature::WhatIf));
        assert!(!Plan::Professional.has(Feature::ApiIntegrations));
    }
}
