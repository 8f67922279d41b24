//! The dashboard's metrics, computed from a tenant's ledger: receivables, payables,
//! daily cost of goods sold and receipts, and the inventory value today. Pure
//! functions over plain data, so every formula is tested against hand-computed cases.
//!
//! Each ratio uses a trailing window of [`WINDOW_DAYS`] ending on the day asked for:
//! - DSO = receivables at the end ÷ revenue in the window × window days
//! - DIO = inventory at the end ÷ cost of goods sold in the window × window days
//! - DPO = payables at the end ÷ cost of goods sold in the window × window days
//! - cash conversion cycle = DSO + DIO − DPO
//! - inventory turnover = cost of goods sold in the window, annualised ÷ inventory
//! - working capital tied up = receivables + inventory − payables
//!
//! Past inventory is derived from today's: inventory(d) = inventory(today) −
//! receipts after d + cost of goods sold after d.

use serde::{Deserialize, Serialize};
use time::Date;

/// Length of the trailing window of each ratio.
pub const WINDOW_DAYS: i64 = 90;

/// An invoice to a customer or a bill from a supplier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Document {
    pub issued: Date,
    pub due: Date,
    pub paid: Option<Date>,
    pub amount: f64,
}

impl Document {
    /// Issued on or before `day` and not paid by then.
    fn open_on(&self, day: Date) -> bool {
        self.issued <= day && self.paid.is_none_or(|p| p > day)
    }
}

/// An amount on a day (cost of goods sold shipped, or goods received at cost).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayAmount {
    pub day: Date,
    pub amount: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    pub invoices: Vec<Document>,
    pub bills: Vec<Document>,
    pub cogs: Vec<DayAmount>,
    pub receipts: Vec<DayAmount>,
    /// Inventory at cost today.
    pub inventory_today: f64,
    pub today: Option<Date>,
}

/// The metrics on one day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub day: Date,
    pub revenue: f64,
    pub cogs: f64,
    pub receivables: f64,
    pub payables: f64,
    pub inventory: f64,
    /// `None` where the divisor is zero (no revenue, no cost of goods sold).
    pub dso: Option<f64>,
    pub dio: Option<f64>,
    pub dpo: Option<f64>,
    pub ccc: Option<f64>,
    pub turnover: Option<f64>,
    pub working_capital: f64,
}

/// Overdue receivables by days past due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Aging {
    pub d0_30: f64,
    pub d31_60: f64,
    pub d61_90: f64,
    pub over_90: f64,
}

fn in_window(day: Date, end: Date) -> bool {
    day <= end && (end - day).whole_days() < WINDOW_DAYS
}

fn ratio(numerator: f64, divisor: f64, days: f64) -> Option<f64> {
    (divisor > 0.0).then(|| numerator / divisor * days)
}

impl Ledger {
    /// Inventory at cost at the end of `day`.
    pub fn inventory_on(&self, day: Date) -> f64 {
        let after = |xs: &[DayAmount]| {
            xs.iter()
                .filter(|x| x.day > day)
                .map(|x| x.amount)
                .sum::<f64>()
        };
        (self.inventory_today - after(&self.receipts) + after(&self.cogs)).max(0.0)
    }

    pub fn snapshot(&self, day: Date) -> Snapshot {
        let revenue: f64 = self
            .invoices
            .iter()
            .filter(|i| in_window(i.issued, day))
            .map(|i| i.amount)
            .sum();
        let cogs: f64 = self
            .cogs
            .iter()
            .filter(|c| in_window(c.day, day))
            .map(|c| c.amount)
            .sum();
        let open = |docs: &[Document]| {
            docs.iter()
                .filter(|d| d.open_on(day))
                .map(|d| d.amount)
                .sum::<f64>()
        };
        let receivables = open(&self.invoices);
        let payables = open(&self.bills);
        let inventory = self.inventory_on(day);
        let days = WINDOW_DAYS as f64;
        let dso = ratio(receivables, revenue, days);
        let dio = ratio(inventory, cogs, days);
        let dpo = ratio(payables, cogs, days);
        let ccc = match (dso, dio, dpo) {
            (Some(s), Some(i), Some(p)) => Some(s + i - p),
            _ => None,
        };
        let turnover = (inventory > 0.0).then(|| cogs * (365.0 / days) / inventory);
        Snapshot {
            day,
            revenue,
            cogs,
            receivables,
            payables,
            inventory,
            dso,
            dio,
            dpo,
            ccc,
            turnover,
            working_capital: receivables + inventory - payables,
        }
    }

    /// Overdue receivables on `day`, by days past due (due yesterday counts as 1).
    pub fn aging(&self, day: Date) -> Aging {
        let mut aging = Aging::default();
        for invoice in self
            .invoices
            .iter()
            .filter(|i| i.open_on(day) && i.due < day)
        {
            match (day - invoice.due).whole_days() {
                0..=30 => aging.d0_30 += invoice.amount,
                31..=60 => aging.d31_60 += invoice.amount,
                61..=90 => aging.d61_90 += invoice.amount,
                _ => aging.over_90 += invoice.amount,
            }
        }
        aging
    }

    /// Snapshots at the last day of each of the `months` months up to `day`'s month
    /// (the current month's point is `day` itself), oldest first.
    pub fn monthly(&self, day: Date, months: u32) -> Vec<Snapshot> {
        let mut points = Vec::new();
        let mut end = day;
        for _ in 0..months {
            points.push(self.snapshot(end));
            // The last day of the previous month.
            end = end.replace_day(1).expect("day 1 exists") - time::Duration::days(1);
        }
        points.reverse();
        points
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn doc(issued: Date, due: Date, paid: Option<Date>, amount: f64) -> Document {
        Document {
            issued,
            due,
            paid,
            amount,
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    /// A quarter worked by hand: revenue 90,000 in the window, 30,000 of it unpaid;
    /// cost of goods sold 45,000; bills 15,000 unpaid; 22,500 of stock.
    fn quarter() -> Ledger {
        Ledger {
            invoices: vec![
                doc(
                    date!(2026 - 01 - 15),
                    date!(2026 - 02 - 14),
                    Some(date!(2026 - 02 - 10)),
                    40_000.0,
                ),
                doc(
                    date!(2026 - 02 - 15),
                    date!(2026 - 03 - 17),
                    Some(date!(2026 - 03 - 20)),
                    20_000.0,
                ),
                doc(date!(2026 - 03 - 10), date!(2026 - 04 - 09), None, 30_000.0),
                // Outside the window (issued 91 days before the end) and paid.
                doc(
                    date!(2025 - 12 - 30),
                    date!(2026 - 01 - 29),
                    Some(date!(2026 - 01 - 20)),
                    99_000.0,
                ),
            ],
            bills: vec![
                doc(date!(2026 - 03 - 01), date!(2026 - 03 - 31), None, 15_000.0),
                doc(
                    date!(2026 - 02 - 01),
                    date!(2026 - 03 - 01),
                    Some(date!(2026 - 03 - 01)),
                    10_000.0,
                ),
            ],
            cogs: vec![
                DayAmount {
                    day: date!(2026 - 01 - 20),
                    amount: 20_000.0,
                },
                DayAmount {
                    day: date!(2026 - 03 - 05),
                    amount: 25_000.0,
                },
                // After the end: inventory at the end was higher by this much.
                DayAmount {
                    day: date!(2026 - 04 - 02),
                    amount: 5_000.0,
                },
            ],
            receipts: vec![DayAmount {
                day: date!(2026 - 04 - 01),
                amount: 7_500.0,
            }],
            inventory_today: 25_000.0,
            today: Some(date!(2026 - 04 - 05)),
        }
    }

    #[test]
    fn the_ratios_match_a_hand_computed_quarter() {
        let s = quarter().snapshot(date!(2026 - 03 - 31));
        assert_eq!(s.revenue, 90_000.0);
        assert_eq!(s.receivables, 30_000.0);
        assert_eq!(s.cogs, 45_000.0);
        assert_eq!(s.payables, 15_000.0);
        // 25,000 today − 7,500 received since + 5,000 shipped since.
        assert_eq!(s.inventory, 22_500.0);
        assert!(close(s.dso, 30.0), "{:?}", s.dso); // 30,000 / 90,000 × 90
        assert!(close(s.dio, 45.0), "{:?}", s.dio); // 22,500 / 45,000 × 90
        assert!(close(s.dpo, 30.0), "{:?}", s.dpo); // 15,000 / 45,000 × 90
        assert!(close(s.ccc, 45.0), "{:?}", s.ccc);
        assert!(close(s.turnover, 45_000.0 * (365.0 / 90.0) / 22_500.0));
        assert_eq!(s.working_capital, 30_000.0 + 22_500.0 - 15_000.0);
    }

    #[test]
    fn no_revenue_no_inventory_and_a_single_day_give_no_ratio_rather_than_nonsense() {
        let empty = Ledger::default();
        let s = empty.snapshot(date!(2026 - 01 - 01));
        assert_eq!(
            (s.dso, s.dio, s.dpo, s.ccc, s.turnover),
            (None, None, None, None, None)
        );
        assert_eq!(s.working_capital, 0.0);

        // One day of business: an invoice and a shipment on the same day.
        let day = date!(2026 - 05 - 01);
        let one = Ledger {
            invoices: vec![doc(day, day, None, 1_000.0)],
            cogs: vec![DayAmount { day, amount: 600.0 }],
            inventory_today: 0.0,
            ..Ledger::default()
        };
        let s = one.snapshot(day);
        assert!(close(s.dso, 90.0), "all of the window's revenue is unpaid");
        assert!(close(s.dio, 0.0), "no stock");
        assert_eq!(s.turnover, None, "no inventory to turn");
        assert!(close(s.ccc, 90.0));
    }

    #[test]
    fn overdue_receivables_fall_into_age_buckets() {
        let day = date!(2026 - 06 - 30);
        let ledger = Ledger {
            invoices: vec![
                doc(date!(2026 - 06 - 01), date!(2026 - 07 - 01), None, 1.0), // not due
                doc(date!(2026 - 05 - 01), date!(2026 - 06 - 29), None, 10.0), // 1 day
                doc(date!(2026 - 04 - 01), date!(2026 - 05 - 31), None, 20.0), // 30 days
                doc(date!(2026 - 04 - 01), date!(2026 - 05 - 30), None, 30.0), // 31 days
                doc(date!(2026 - 03 - 01), date!(2026 - 04 - 01), None, 40.0), // 90 days
                doc(date!(2026 - 01 - 01), date!(2026 - 01 - 31), None, 50.0), // 150 days
                doc(
                    date!(2026 - 01 - 01),
                    date!(2026 - 01 - 31),
                    Some(day),
                    60.0,
                ), // paid
            ],
            ..Ledger::default()
        };
        let a = ledger.aging(day);
        assert_eq!(
            (a.d0_30, a.d31_60, a.d61_90, a.over_90),
            (30.0, 30.0, 40.0, 50.0)
        );
    }

    #[test]
    fn monthly_points_end_each_month_and_the_last_is_today() {
        let ledger = quarter();
        let points = ledger.monthly(date!(2026 - 04 - 05), 3);
        let days: Vec<Date> = points.iter().map(|p| p.day).collect();
        assert_eq!(
            days,
            vec![
                date!(2026 - 02 - 28),
                date!(2026 - 03 - 31),
                date!(2026 - 04 - 05)
            ]
        );
        assert_eq!(points[1], ledger.snapshot(date!(2026 - 03 - 31)));
    }
}
