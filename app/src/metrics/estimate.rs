//! Working-capital arithmetic shared by the browser and the server.

use serde::{Deserialize, Serialize};

/// Days in the year used by the day-based ratios (DSO, DIO, DPO).
pub const DAYS_PER_YEAR: f64 = 365.0;

/// The inputs of a quick working-capital estimate: yearly revenue and the three
/// day-based ratios.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CycleInputs {
    pub annual_revenue: f64,
    pub dso: f64,
    pub dio: f64,
    pub dpo: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CycleEstimate {
    /// Cash conversion cycle in days: DSO + DIO − DPO.
    pub ccc_days: f64,
    /// Cash tied up in the cycle: revenue per day × CCC.
    pub cash_tied_up: f64,
    /// Cash freed by shortening the cycle by ten days.
    pub cash_per_ten_days: f64,
}

impl CycleInputs {
    /// Checks the inputs, naming the first field that is out of range.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        let fields = [
            ("annual_revenue", self.annual_revenue, 1e13),
            ("dso", self.dso, 3650.0),
            ("dio", self.dio, 3650.0),
            ("dpo", self.dpo, 3650.0),
        ];
        for (name, value, max) in fields {
            if !value.is_finite() || value < 0.0 {
                return Err((name, "Enter a number of zero or more."));
            }
            if value > max {
                return Err((name, "That value is larger than any business we can model."));
            }
        }
        Ok(())
    }

    pub fn estimate(&self) -> CycleEstimate {
        let per_day = self.annual_revenue / DAYS_PER_YEAR;
        let ccc_days = self.dso + self.dio - self.dpo;
        CycleEstimate {
            ccc_days,
            cash_tied_up: per_day * ccc_days,
            cash_per_ten_days: per_day * 10.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_matches_hand_computation() {
        let inputs = CycleInputs {
            annual_revenue: 36_500_000.0,
            dso: 45.0,
            dio: 60.0,
            dpo: 30.0,
        };
        let e = inputs.estimate();
        assert_eq!(e.ccc_days, 75.0);
        assert_eq!(e.cash_tied_up, 7_500_000.0);
        assert_eq!(e.cash_per_ten_days, 1_000_000.0);
    }

    #[test]
    fn negative_cycle_means_suppliers_finance_the_business() {
        let e = CycleInputs {
            annual_revenue: 365.0,
            dso: 0.0,
            dio: 10.0,
            dpo: 40.0,
        }
        .estimate();
        assert_eq!(e.ccc_days, -30.0);
        assert_eq!(e.cash_tied_up, -30.0);
    }

    #[test]
    fn validation_names_the_bad_field() {
        let mut inputs = CycleInputs {
            annual_revenue: 1.0,
            dso: 1.0,
            dio: f64::NAN,
            dpo: 1.0,
        };
        assert_eq!(inputs.validate().unwrap_err().0, "dio");
        inputs.dio = 1.0;
        inputs.dpo = -1.0;
        assert_eq!(inputs.validate().unwrap_err().0, "dpo");
        inputs.dpo = 1.0;
        assert!(inputs.validate().is_ok());
    }
}
