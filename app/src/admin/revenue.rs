//! Revenue figures, computed from the subscription history (one row per change of a
//! tenant's status, plan, interval or comp, kept by a database trigger): MRR at any
//! moment is the sum, over tenants, of what their standing then was worth per month.
//! Movement between two month ends is split per tenant into new (from nothing),
//! expansion, contraction and churn (to nothing), so that
//! `mrr(end) = mrr(start) + new + expansion - contraction - churned` holds exactly.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{
    billing::{Interval, Plan},
    months,
};

/// A tenant's standing from `at` until its next snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub at: OffsetDateTime,
    pub status: String,
    pub plan: String,
    pub interval: Option<String>,
    pub comped: bool,
}

impl Snapshot {
    /// What this standing brings in per month, in cents: paying statuses only, not
    /// comped; an annual price counts a twelfth per month.
    pub fn mrr_cents(&self) -> u64 {
        if self.comped || !matches!(self.status.as_str(), "active" | "past_due") {
            return 0;
        }
        let Some(plan) = Plan::parse(&self.plan) else {
            return 0;
        };
        match self.interval.as_deref().and_then(Interval::parse) {
            Some(Interval::Year) => u64::from(plan.price_usd(Interval::Year)) * 100 / 12,
            _ => u64::from(plan.price_usd(Interval::Month)) * 100,
        }
    }
}

/// One tenant's history, snapshots in time order.
#[derive(Debug, Clone)]
pub struct TenantHistory {
    pub trial_ends_at: Option<OffsetDateTime>,
    pub snapshots: Vec<Snapshot>,
}

impl TenantHistory {
    /// The standing in force just before `t`.
    fn before(&self, t: OffsetDateTime) -> Option<&Snapshot> {
        self.snapshots.iter().take_while(|s| s.at < t).last()
    }

    fn mrr_before(&self, t: OffsetDateTime) -> u64 {
        self.before(t).map_or(0, Snapshot::mrr_cents)
    }

    /// When the first trial ended and whether it turned into a paid plan: the first
    /// standing after the trial, or the trial's end date if it simply ran out.
    fn trial_outcome(&self, now: OffsetDateTime) -> Option<(OffsetDateTime, bool)> {
        let start = self.snapshots.iter().position(|s| s.status == "trial")?;
        match self.snapshots[start..].iter().find(|s| s.status != "trial") {
            Some(next) => Some((next.at, next.mrr_cents() > 0)),
            None => self
                .trial_ends_at
                .filter(|end| *end <= now)
                .map(|end| (end, false)),
        }
    }
}

/// A count out of a total (a rate without rounding away what it is made of).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub part: u64,
    pub whole: u64,
}

impl Ratio {
    /// The rate in percent, `None` when there is nothing to divide.
    pub fn percent(self) -> Option<f64> {
        (self.whole > 0).then(|| self.part as f64 * 100.0 / self.whole as f64)
    }
}

/// MRR at a month's end and how it moved during the month (all in cents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthMovement {
    /// e.g. "2026-05".
    pub month: String,
    pub mrr: u64,
    pub new: u64,
    pub expansion: u64,
    pub contraction: u64,
    pub churned: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCount {
    pub plan: String,
    pub subscriptions: u64,
    pub mrr: u64,
}

/// The revenue page's figures (money in cents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revenue {
    pub mrr: u64,
    pub arr: u64,
    pub paying: u64,
    pub by_plan: Vec<PlanCount>,
    pub comped: u64,
    /// Trials running now.
    pub trials: u64,
    /// Of trials that ended in the last 12 months, how many became paid.
    pub trial_conversion: Ratio,
    /// Of tenants paying at the start of last month, how many stopped during it.
    pub churn_last_month: Ratio,
    /// The last 12 months, oldest first; the last is the month so far.
    pub months: Vec<MonthMovement>,
}

/// The starts of the 13 months ending with the current one, oldest first.
fn month_starts(now: OffsetDateTime) -> Vec<OffsetDateTime> {
    let current = months::first_of(now.date());
    (-12..=0)
        .map(|n| months::add(current, n).midnight().assume_utc())
        .collect()
}

pub fn compute(tenants: &[TenantHistory], now: OffsetDateTime) -> Revenue {
    let after_now = now + time::Duration::seconds(1);
    let starts = month_starts(now);
    // Month k runs from starts[k] to starts[k + 1] (the last one until now).
    let ends: Vec<OffsetDateTime> = starts[1..]
        .iter()
        .copied()
        .chain(std::iter::once(after_now))
        .collect();
    let months = (1..ends.len())
        .map(|k| {
            let (from, to) = (ends[k - 1], ends[k]);
            let mut m = MonthMovement {
                month: months::label(starts[k].date()),
                mrr: 0,
                new: 0,
                expansion: 0,
                contraction: 0,
                churned: 0,
            };
            for t in tenants {
                let (a, b) = (t.mrr_before(from), t.mrr_before(to));
                m.mrr += b;
                match (a, b) {
                    (0, 0) => {}
                    (0, b) => m.new += b,
                    (a, 0) => m.churned += a,
                    (a, b) if b > a => m.expansion += b - a,
                    (a, b) => m.contraction += a - b,
                }
            }
            m
        })
        .collect::<Vec<_>>();

    let current: Vec<&Snapshot> = tenants.iter().filter_map(|t| t.before(after_now)).collect();
    let by_plan = Plan::ALL
        .into_iter()
        .map(|plan| {
            let paying: Vec<&&Snapshot> = current
                .iter()
                .filter(|s| s.plan == plan.id() && s.mrr_cents() > 0)
                .collect();
            PlanCount {
                plan: plan.name().to_owned(),
                subscriptions: paying.len() as u64,
                mrr: paying.iter().map(|s| s.mrr_cents()).sum(),
            }
        })
        .collect::<Vec<_>>();
    let mrr: u64 = by_plan.iter().map(|p| p.mrr).sum();
    let running_trials = tenants
        .iter()
        .filter(|t| {
            t.before(after_now).is_some_and(|s| s.status == "trial")
                && t.trial_ends_at.is_some_and(|end| end > now)
        })
        .count() as u64;
    let year_ago = starts[1];
    let outcomes: Vec<bool> = tenants
        .iter()
        .filter_map(|t| t.trial_outcome(now))
        .filter(|(ended, _)| *ended >= year_ago)
        .map(|(_, paid)| paid)
        .collect();
    // Last month: from starts[11] to starts[12].
    let (last_from, last_to) = (starts[11], starts[12]);
    let paying_then: Vec<&TenantHistory> = tenants
        .iter()
        .filter(|t| t.mrr_before(last_from) > 0)
        .collect();
    Revenue {
        mrr,
        arr: mrr * 12,
        paying: by_plan.iter().map(|p| p.subscriptions).sum(),
        by_plan,
        comped: current
            .iter()
            .filter(|s| s.comped && !matches!(s.status.as_str(), "deleted" | "cancelled"))
            .count() as u64,
        trials: running_trials,
        trial_conversion: Ratio {
            part: outcomes.iter().filter(|paid| **paid).count() as u64,
            whole: outcomes.len() as u64,
        },
        churn_last_month: Ratio {
            part: paying_then
                .iter()
                .filter(|t| t.mrr_before(last_to) == 0)
                .count() as u64,
            whole: paying_then.len() as u64,
        },
        months,
    }
}

/// Tenant, its trial end, and one snapshot: time, status, plan, interval, comped.
#[cfg(feature = "ssr")]
type HistoryRow = (
    uuid::Uuid,
    Option<OffsetDateTime>,
    OffsetDateTime,
    String,
    String,
    Option<String>,
    bool,
);

/// Every tenant's history, from the database.
#[cfg(feature = "ssr")]
pub async fn load(pool: &sqlx::PgPool) -> Result<Vec<TenantHistory>, crate::AppError> {
    let rows: Vec<HistoryRow> = sqlx::query_as(
        "SELECT h.tenant_id, t.trial_ends_at, h.occurred_at, h.status, h.plan,
                h.billing_interval, h.comped
           FROM public.subscription_history h JOIN public.tenants t ON t.id = h.tenant_id
          ORDER BY h.tenant_id, h.occurred_at, h.id",
    )
    .fetch_all(pool)
    .await?;
    let mut out: Vec<(uuid::Uuid, TenantHistory)> = Vec::new();
    for (tenant, trial_ends_at, at, status, plan, interval, comped) in rows {
        let snapshot = Snapshot {
            at,
            status,
            plan,
            interval,
            comped,
        };
        match out.last_mut() {
            Some((id, history)) if *id == tenant => history.snapshots.push(snapshot),
            _ => out.push((
                tenant,
                TenantHistory {
                    trial_ends_at,
                    snapshots: vec![snapshot],
                },
            )),
        }
    }
    Ok(out.into_iter().map(|(_, h)| h).collect())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn s(at: OffsetDateTime, status: &str, plan: &str, interval: Option<&str>) -> Snapshot {
        Snapshot {
            at,
            status: status.into(),
            plan: plan.into(),
            interval: interval.map(Into::into),
            comped: false,
        }
    }

    fn tenant(trial_ends_at: Option<OffsetDateTime>, snapshots: Vec<Snapshot>) -> TenantHistory {
        TenantHistory {
            trial_ends_at,
            snapshots,
        }
    }

    /// Seven tenants whose MRR movement is worked out by hand in the comments.
    fn fixture() -> Vec<TenantHistory> {
        let m = Some("month");
        let y = Some("year");
        let mut comped = s(datetime!(2026-02-01 0:00 UTC), "active", "professional", m);
        comped.comped = true;
        vec![
            // Trial, then Professional ($449) in January: new 44,900; Enterprise
            // ($1,290) in June: expansion 84,100.
            tenant(
                Some(datetime!(2026-01-24 0:00 UTC)),
                vec![
                    s(datetime!(2026-01-10 9:00 UTC), "trial", "starter", None),
                    s(datetime!(2026-01-24 9:00 UTC), "active", "professional", m),
                    s(datetime!(2026-06-05 9:00 UTC), "active", "enterprise", m),
                ],
            ),
            // Starter ($149) since before the window; cancelled in March: churn 14,900.
            tenant(
                None,
                vec![
                    s(datetime!(2025-06-01 9:00 UTC), "active", "starter", m),
                    s(datetime!(2026-03-15 9:00 UTC), "cancelled", "starter", m),
                ],
            ),
            // Enterprise yearly ($12,900 / 12 = 107,500) since before the window;
            // down to Starter monthly in October: contraction 92,600.
            tenant(
                None,
                vec![
                    s(datetime!(2025-10-01 9:00 UTC), "active", "enterprise", y),
                    s(datetime!(2026-10-20 9:00 UTC), "active", "starter", m),
                ],
            ),
            // A trial that ran out in September without a plan.
            tenant(
                Some(datetime!(2026-09-15 0:00 UTC)),
                vec![s(datetime!(2026-09-01 9:00 UTC), "trial", "starter", None)],
            ),
            // A trial running now.
            tenant(
                Some(datetime!(2026-11-29 0:00 UTC)),
                vec![s(datetime!(2026-11-01 9:00 UTC), "trial", "starter", None)],
            ),
            // Comped: no revenue.
            tenant(None, vec![comped]),
            // Starter yearly ($1,490 / 12 = 12,416) from October, past due since: new.
            tenant(
                None,
                vec![
                    s(datetime!(2026-10-02 9:00 UTC), "active", "starter", y),
                    s(datetime!(2026-10-25 9:00 UTC), "past_due", "starter", y),
                ],
            ),
            // Starter from April (new 14,900), cancelled in October (churn 14,900).
            tenant(
                None,
                vec![
                    s(datetime!(2026-04-01 9:00 UTC), "active", "starter", m),
                    s(datetime!(2026-10-10 9:00 UTC), "cancelled", "starter", m),
                ],
            ),
        ]
    }

    #[test]
    fn figures_match_the_hand_computed_fixture() {
        let r = compute(&fixture(), datetime!(2026-11-15 12:00 UTC));
        // Now: Enterprise 129,000 + Starter 14,900 + Starter yearly 12,416.
        assert_eq!(r.mrr, 156_316);
        assert_eq!(r.arr, 1_875_792);
        assert_eq!(r.paying, 3);
        let plans: Vec<(&str, u64, u64)> = r
            .by_plan
            .iter()
            .map(|p| (p.plan.as_str(), p.subscriptions, p.mrr))
            .collect();
        assert_eq!(
            plans,
            [
                ("Starter", 2, 27_316),
                ("Professional", 0, 0),
                ("Enterprise", 1, 129_000)
            ]
        );
        assert_eq!(r.comped, 1);
        assert_eq!(r.trials, 1);
        assert_eq!(r.trial_conversion, Ratio { part: 1, whole: 2 });
        assert_eq!(r.trial_conversion.percent(), Some(50.0));
        assert_eq!(r.churn_last_month, Ratio { part: 1, whole: 3 });

        let months: Vec<&str> = r.months.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(months.first(), Some(&"2025-12"));
        assert_eq!(months.last(), Some(&"2026-11"));
        assert_eq!(months.len(), 12);
        let mrr: Vec<u64> = r.months.iter().map(|m| m.mrr).collect();
        assert_eq!(
            mrr,
            [
                122_400, 167_300, 167_300, 152_400, 167_300, 167_300, 251_400, 251_400, 251_400,
                251_400, 156_316, 156_316
            ]
        );
        let month = |label: &str| r.months.iter().find(|m| m.month == label).unwrap();
        assert_eq!(month("2026-01").new, 44_900);
        assert_eq!(month("2026-03").churned, 14_900);
        assert_eq!(month("2026-06").expansion, 84_100);
        let october = month("2026-10");
        assert_eq!(
            (
                october.new,
                october.expansion,
                october.contraction,
                october.churned
            ),
            (12_416, 0, 92_600, 14_900)
        );
        // The movement explains every month's change exactly.
        let mut previous = 122_400;
        for m in &r.months {
            assert_eq!(
                previous + m.new + m.expansion - m.contraction - m.churned,
                m.mrr,
                "{}",
                m.month
            );
            previous = m.mrr;
        }
    }

    #[test]
    fn no_tenants_means_zeros_and_no_rates() {
        let r = compute(&[], datetime!(2026-01-15 0:00 UTC));
        assert_eq!((r.mrr, r.paying, r.trials), (0, 0, 0));
        assert_eq!(r.trial_conversion.percent(), None);
        assert_eq!(r.months.len(), 12);
        assert_eq!(r.months[0].month, "2025-02");
    }
}
