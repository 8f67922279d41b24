//! What-if arithmetic. The baseline is today's position (daily revenue and cost of
//! goods sold over the trailing window, DSO, DIO, DPO). A scenario's levers move it
//! in a straight line over 12 months: in month m (1..=12) each lever has reached m/12
//! of its change. Each month end:
//!
//! - revenue per day = R × (1 + growth·f) × (1 + price·f)
//! - cost of goods sold per day = C × (1 + growth·f) × (1 + cost·f)
//! - receivables = DSO_m × revenue per day; inventory = DIO_m × COGS per day;
//!   payables = DPO_m × COGS per day, where X_m = max(0, X + ΔX·f)
//! - working capital = receivables + inventory − payables
//!
//! Cash released by working capital = working capital today − at month 12 (negative:
//! consumed). Extra gross margin = Σ months (margin per day − today's) × days per month.
//! The total cash effect is their sum.

use serde::{Deserialize, Serialize};

pub const MONTHS: usize = 12;
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// What a scenario changes. Days are changes to today's DSO/DIO/DPO; percentages are
/// changes by month 12.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Levers {
    pub dso_days: f64,
    pub dio_days: f64,
    pub dpo_days: f64,
    pub sales_growth_pct: f64,
    pub price_change_pct: f64,
    pub cost_change_pct: f64,
}

impl Levers {
    /// Each lever within its range, as field messages.
    pub fn validate(&self) -> Result<(), Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        for (field, value) in [
            ("dso_days", self.dso_days),
            ("dio_days", self.dio_days),
            ("dpo_days", self.dpo_days),
        ] {
            if !value.is_finite() || !(-180.0..=180.0).contains(&value) {
                errors.push((field, "Change days by −180 to +180.".to_owned()));
            }
        }
        for (field, value) in [
            ("sales_growth_pct", self.sales_growth_pct),
            ("price_change_pct", self.price_change_pct),
            ("cost_change_pct", self.cost_change_pct),
        ] {
            if !value.is_finite() || !(-90.0..=500.0).contains(&value) {
                errors.push((field, "Enter a change from −90% to +500%.".to_owned()));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Today's position, from the ledger.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub revenue_per_day: f64,
    pub cogs_per_day: f64,
    pub dso: f64,
    pub dio: f64,
    pub dpo: f64,
}

/// Where a scenario leads (money in the tenant's currency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub dso: f64,
    pub dio: f64,
    pub dpo: f64,
    pub ccc: f64,
    pub receivables: f64,
    pub inventory: f64,
    pub payables: f64,
    pub working_capital: f64,
    /// Working capital today − at month 12: positive is cash released.
    pub cash_from_working_capital: f64,
    pub extra_gross_margin: f64,
    pub total_cash_effect: f64,
    /// Cumulative cash effect at each month end, months 1 to 12.
    pub monthly_cash_effect: Vec<f64>,
}

struct Position {
    revenue: f64,
    cogs: f64,
    dso: f64,
    dio: f64,
    dpo: f64,
}

impl Position {
    fn at(base: &Baseline, levers: &Levers, f: f64) -> Self {
        let volume = 1.0 + levers.sales_growth_pct / 100.0 * f;
        Self {
            revenue: base.revenue_per_day * volume * (1.0 + levers.price_change_pct / 100.0 * f),
            cogs: base.cogs_per_day * volume * (1.0 + levers.cost_change_pct / 100.0 * f),
            dso: (base.dso + levers.dso_days * f).max(0.0),
            dio: (base.dio + levers.dio_days * f).max(0.0),
            dpo: (base.dpo + levers.dpo_days * f).max(0.0),
        }
    }

    fn working_capital(&self) -> f64 {
        self.dso * self.revenue + self.dio * self.cogs - self.dpo * self.cogs
    }

    fn margin_per_day(&self) -> f64 {
        self.revenue - self.cogs
    }
}

pub fn outcome(base: &Baseline, levers: &Levers) -> Outcome {
    let today = Position::at(base, levers, 0.0);
    let mut margin = 0.0;
    let mut monthly = Vec::with_capacity(MONTHS);
    for m in 1..=MONTHS {
        let p = Position::at(base, levers, m as f64 / MONTHS as f64);
        margin += (p.margin_per_day() - today.margin_per_day()) * DAYS_PER_MONTH;
        monthly.push(today.working_capital() - p.working_capital() + margin);
    }
    let end = Position::at(base, levers, 1.0);
    let released = today.working_capital() - end.working_capital();
    Outcome {
        dso: end.dso,
        dio: end.dio,
        dpo: end.dpo,
        ccc: end.dso + end.dio - end.dpo,
        receivables: end.dso * end.revenue,
        inventory: end.dio * end.cogs,
        payables: end.dpo * end.cogs,
        working_capital: end.working_capital(),
        cash_from_working_capital: released,
        extra_gross_margin: margin,
        total_cash_effect: released + margin,
        monthly_cash_effect: monthly,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Baseline = Baseline {
        revenue_per_day: 1_000.0,
        cogs_per_day: 600.0,
        dso: 45.0,
        dio: 60.0,
        dpo: 30.0,
    };

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn the_baseline_changes_nothing() {
        let o = outcome(&BASE, &Levers::default());
        // 45 × 1000 + 60 × 600 − 30 × 600 = 63,000; CCC 45 + 60 − 30 = 75.
        assert!(close(o.working_capital, 63_000.0));
        assert!(close(o.ccc, 75.0));
        assert!(close(o.total_cash_effect, 0.0));
        assert!(o.monthly_cash_effect.iter().all(|v| close(*v, 0.0)));
    }

    #[test]
    fn collecting_ten_days_faster_releases_ten_days_of_revenue() {
        let o = outcome(
            &BASE,
            &Levers {
                dso_days: -10.0,
                ..Default::default()
            },
        );
        assert!(close(o.dso, 35.0) && close(o.ccc, 65.0));
        assert!(close(o.receivables, 35_000.0));
        assert!(close(o.cash_from_working_capital, 10_000.0));
        assert!(close(o.extra_gross_margin, 0.0));
        // Half way through the year, half the effect.
        assert!(close(o.monthly_cash_effect[5], 5_000.0));
    }

    #[test]
    fn paying_suppliers_later_and_holding_less_stock() {
        let o = outcome(
            &BASE,
            &Levers {
                dpo_days: 15.0,
                dio_days: -20.0,
                ..Default::default()
            },
        );
        // Payables 45 × 600 = 27,000; inventory 40 × 600 = 24,000.
        assert!(close(o.working_capital, 45_000.0 + 24_000.0 - 27_000.0));
        assert!(close(o.cash_from_working_capital, 21_000.0));
        assert!(close(o.ccc, 45.0 + 40.0 - 45.0));
    }

    #[test]
    fn growth_consumes_working_capital_and_earns_margin() {
        let o = outcome(
            &BASE,
            &Levers {
                sales_growth_pct: 10.0,
                ..Default::default()
            },
        );
        // Month 12: revenue 1,100/day, COGS 660/day → WC 49,500 + 39,600 − 19,800 = 69,300.
        assert!(close(o.working_capital, 69_300.0));
        assert!(close(o.cash_from_working_capital, -6_300.0));
        // Margin per day grows by 40 × m/12: Σ m=1..12 of 40·m/12 × 30.4375 = 40 × 6.5 × 30.4375.
        assert!(close(o.extra_gross_margin, 40.0 * 6.5 * DAYS_PER_MONTH));
        assert!(close(
            o.total_cash_effect,
            -6_300.0 + 40.0 * 6.5 * DAYS_PER_MONTH
        ));
    }

    #[test]
    fn price_and_cost_changes() {
        let o = outcome(
            &BASE,
            &Levers {
                price_change_pct: 5.0,
                cost_change_pct: 10.0,
                ..Default::default()
            },
        );
        // Month 12: revenue 1,050, COGS 660: receivables 47,250, inventory 39,600, payables 19,800.
        assert!(close(o.working_capital, 47_250.0 + 39_600.0 - 19_800.0));
        // Margin per day changes by (50 − 60)·m/12 = −10·m/12.
        assert!(close(o.extra_gross_margin, -10.0 * 6.5 * DAYS_PER_MONTH));
    }

    #[test]
    fn days_never_go_below_zero_and_levers_are_bounded() {
        let o = outcome(
            &BASE,
            &Levers {
                dpo_days: -100.0,
                ..Default::default()
            },
        );
        assert!(close(o.dpo, 0.0));
        assert!(
            Levers {
                dso_days: 200.0,
                ..Default::default()
            }
            .validate()
            .is_err()
        );
        assert!(
            Levers {
                price_change_pct: f64::NAN,
                ..Default::default()
            }
            .validate()
            .is_err()
        );
        let errors = Levers {
            cost_change_pct: -95.0,
            dio_days: 181.0,
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(
            Levers {
                sales_growth_pct: 25.0,
                dso_days: -15.0,
                ..Default::default()
            }
            .validate()
            .is_ok()
        );
    }
}
