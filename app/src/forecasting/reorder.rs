//! From a product's forecast to what to keep and order: the demand expected over the
//! supplier's lead time, safety stock for the chosen service level, the reorder point,
//! the quantity to order now, and the cash the suggested stock ties up.
//!
//! Uncertainty comes from the forecast's own interval: the one-month-ahead interval
//! at level `interval_level` spans ±z·σ, so σ = width / (2z); over a lead time of L
//! months it grows to σ·√L. Safety stock is z(service level)·σ·√L.

use super::Reorder;

/// Days per month used to turn lead times into months.
pub const DAYS_PER_MONTH: f64 = 30.4375;

pub struct Inputs<'a> {
    /// Monthly point forecasts, first month first.
    pub point: &'a [f64],
    /// The forecast's interval bounds for the first month and their level.
    pub first_lower: f64,
    pub first_upper: f64,
    pub interval_level: f64,
    pub lead_time_days: f64,
    pub service_level: f64,
    pub on_hand: f64,
    pub unit_cost: f64,
}

fn z(two_sided_level: f64) -> f64 {
    distrs::Normal::ppf(0.5 + two_sided_level / 2.0, 0.0, 1.0)
}

/// Demand over the first `months` (fractional) of the forecast; past its end the last
/// month repeats.
fn demand_over(point: &[f64], months: f64) -> f64 {
    let last = point.last().copied().unwrap_or(0.0);
    let whole = months.floor() as usize;
    let full: f64 = (0..whole)
        .map(|m| point.get(m).copied().unwrap_or(last))
        .sum();
    full + (months - whole as f64) * point.get(whole).copied().unwrap_or(last)
}

pub fn suggest(i: &Inputs<'_>) -> Reorder {
    let lead_months = (i.lead_time_days / DAYS_PER_MONTH).max(0.0);
    let lead_time_demand = demand_over(i.point, lead_months);
    let sigma = (i.first_upper - i.first_lower).max(0.0) / (2.0 * z(i.interval_level));
    let service_z = distrs::Normal::ppf(i.service_level, 0.0, 1.0).max(0.0);
    let safety_stock = service_z * sigma * lead_months.sqrt();
    let reorder_point = lead_time_demand + safety_stock;
    let next_month = i.point.first().copied().unwrap_or(0.0);
    let order_quantity = if i.on_hand <= reorder_point {
        (reorder_point + next_month - i.on_hand).max(0.0)
    } else {
        0.0
    };
    Reorder {
        lead_time_demand,
        safety_stock,
        reorder_point,
        order_quantity,
        cash_tied_up: (safety_stock + next_month / 2.0) * i.unit_cost,
        cash_on_hand: i.on_hand.max(0.0) * i.unit_cost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6 * b.abs().max(1.0)
    }

    #[test]
    fn hand_computed_policy() {
        // 100 units a month; the 80% interval of month one is 100 ± 1.2816·20, so σ = 20.
        let z80 = 1.281_551_565_5;
        let inputs = Inputs {
            point: &[100.0, 100.0, 100.0],
            first_lower: 100.0 - z80 * 20.0,
            first_upper: 100.0 + z80 * 20.0,
            interval_level: 0.8,
            // Two months of lead time.
            lead_time_days: 2.0 * DAYS_PER_MONTH,
            // z(0.95) = 1.6449.
            service_level: 0.95,
            on_hand: 150.0,
            unit_cost: 4.0,
        };
        let r = suggest(&inputs);
        assert!(close(r.lead_time_demand, 200.0), "{r:?}");
        // 1.6449 × 20 × √2 = 46.52
        assert!(
            close(r.safety_stock, 1.644_853_626_9 * 20.0 * 2f64.sqrt()),
            "{r:?}"
        );
        assert!(close(r.reorder_point, 200.0 + r.safety_stock));
        // Below the reorder point: order up to it plus next month's 100.
        assert!(close(r.order_quantity, r.reorder_point + 100.0 - 150.0));
        assert!(close(r.cash_tied_up, (r.safety_stock + 50.0) * 4.0));
        assert!(close(r.cash_on_hand, 600.0));

        let plenty = suggest(&Inputs {
            on_hand: 1_000.0,
            ..inputs
        });
        assert_eq!(plenty.order_quantity, 0.0);
    }

    #[test]
    fn lead_times_past_the_horizon_and_no_uncertainty() {
        let r = suggest(&Inputs {
            point: &[10.0, 20.0],
            first_lower: 10.0,
            first_upper: 10.0,
            interval_level: 0.8,
            lead_time_days: 3.5 * DAYS_PER_MONTH,
            service_level: 0.99,
            on_hand: 0.0,
            unit_cost: 1.0,
        });
        // 10 + 20 + 20 (repeated) + half of 20.
        assert!(close(r.lead_time_demand, 60.0), "{r:?}");
        assert_eq!(r.safety_stock, 0.0);
        assert!(close(r.order_quantity, 70.0));
        let none = suggest(&Inputs {
            point: &[],
            first_lower: 0.0,
            first_upper: 0.0,
            interval_level: 0.8,
            lead_time_days: 0.0,
            service_level: 0.9,
            on_hand: 5.0,
            unit_cost: 2.0,
        });
        assert_eq!((none.reorder_point, none.order_quantity), (0.0, 0.0));
    }
}
