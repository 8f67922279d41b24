//! The operators' view of tenants: the searchable list, one tenant's page, and the
//! actions on it. Every action takes a reason and is audited in the same transaction
//! as its effect, under the operator's name.

use std::net::IpAddr;

use serde_json::json;
use sqlx::{PgConnection, PgPool, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    operators::Operator,
    revenue::Snapshot,
    types::{FeatureLine, MemberLine, TenantDetail, TenantList, TenantQuery, TenantRow, UsageLine},
};
use crate::{
    AppError,
    billing::{Feature, Plan, usage},
    format::{utc_day, utc_minute},
    server::audit::{self, Actor},
    tenancy::{self, Tenant},
};

pub const PAGE_SIZE: u32 = 25;

/// The list as filtered and sorted. Sorting by MRR needs the catalogue's prices, so
/// the filtered set is ranked here rather than in SQL; operators' lists are small.
pub async fn list(pool: &PgPool, query: &TenantQuery) -> Result<TenantList, AppError> {
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let status = query
        .status
        .as_deref()
        .filter(|s| super::TENANT_STATUSES.contains(s));
    let plan = query.plan.as_deref().and_then(Plan::parse).map(Plan::id);
    let rows = sqlx::query(
        "SELECT t.id, t.slug, t.name, t.status, t.plan, t.billing_interval, t.comped,
                t.operator_suspended_at IS NOT NULL AS operator_suspended, t.created_at,
                (SELECT count(*) FROM public.memberships m WHERE m.tenant_id = t.id) AS members,
                (SELECT max(a.occurred_at) FROM public.audit_log a WHERE a.tenant_id = t.id)
                    AS last_activity
           FROM public.tenants t
          WHERE ($1::text IS NULL OR strpos(t.slug, $1) > 0 OR strpos(lower(t.name), $1) > 0)
            AND ($2::text IS NULL
                 OR ($2 = 'operator_suspended' AND t.operator_suspended_at IS NOT NULL)
                 OR t.status = $2)
            AND ($3::text IS NULL OR t.plan = $3)",
    )
    .bind(q.map(str::to_lowercase))
    .bind(status)
    .bind(plan)
    .fetch_all(pool)
    .await?;
    let mut rows: Vec<(TenantRow, OffsetDateTime, Option<OffsetDateTime>)> = rows
        .iter()
        .map(|r| {
            let created: OffsetDateTime = r.try_get("created_at")?;
            let last: Option<OffsetDateTime> = r.try_get("last_activity")?;
            let row = TenantRow {
                id: r.try_get("id")?,
                slug: r.try_get("slug")?,
                name: r.try_get("name")?,
                status: shown_status(r.try_get("status")?, r.try_get("operator_suspended")?),
                mrr: Snapshot {
                    at: created,
                    status: r.try_get("status")?,
                    plan: r.try_get("plan")?,
                    interval: r.try_get("billing_interval")?,
                    comped: r.try_get("comped")?,
                }
                .mrr_cents(),
                plan: r.try_get("plan")?,
                created: utc_day(created),
                members: r.try_get("members")?,
                last_activity: last.map(utc_minute),
            };
            Ok((row, created, last))
        })
        .collect::<Result<_, AppError>>()?;
    use std::cmp::Reverse;
    match query.sort.as_deref().unwrap_or("created") {
        "name" => rows.sort_by_cached_key(|r| r.0.name.to_lowercase()),
        "members" => rows.sort_by_key(|r| Reverse(r.0.members)),
        "activity" => rows.sort_by_key(|r| Reverse(r.2)),
        "mrr" => rows.sort_by_key(|r| Reverse(r.0.mrr)),
        "plan" => rows.sort_by_cached_key(|r| r.0.plan.clone()),
        _ => rows.sort_by_key(|r| Reverse(r.1)),
    }
    let total = rows.len() as u64;
    let pages = (total as u32).div_ceil(PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows = rows
        .into_iter()
        .skip(((page - 1) * PAGE_SIZE) as usize)
        .take(PAGE_SIZE as usize)
        .map(|(row, ..)| row)
        .collect();
    Ok(TenantList {
        rows,
        total,
        page,
        pages,
    })
}

fn shown_status(status: String, operator_suspended: bool) -> String {
    if operator_suspended {
        "suspended by operator".into()
    } else {
        status.replace('_', " ")
    }
}

async fn tenant(pool: &PgPool, id: Uuid) -> Result<Tenant, AppError> {
    tenancy::find(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found("Tenant"))
}

pub async fn detail(pool: &PgPool, id: Uuid) -> Result<TenantDetail, AppError> {
    let t = tenant(pool, id).await?;
    let r = sqlx::query(
        "SELECT stripe_customer_id, stripe_subscription_id, subscription_status,
                billing_interval, current_period_end,
                (SELECT count(*) FROM public.memberships m WHERE m.tenant_id = $1) AS members,
                (SELECT max(a.occurred_at) FROM public.audit_log a WHERE a.tenant_id = $1)
                    AS last_activity
           FROM public.tenants WHERE id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    let members: Vec<MemberLine> = sqlx::query_as::<_, (String, String, String, OffsetDateTime)>(
        "SELECT u.name, u.email, m.role, m.created_at
           FROM public.memberships m JOIN public.users u ON u.id = m.user_id
          WHERE m.tenant_id = $1
          ORDER BY array_position(ARRAY['owner','admin','member','viewer'], m.role), u.name",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(name, email, role, joined)| MemberLine {
        name,
        email,
        role,
        joined: utc_day(joined),
    })
    .collect();
    let plan = t.effective_plan();
    let limits = plan.limits();
    let usage = if t.status == tenancy::TenantStatus::Deleted {
        Vec::new()
    } else {
        let used = usage::of(pool, &t).await?;
        vec![
            usage_line("Members", used.members, limits.members.0),
            usage_line("Products", used.products, limits.products.0),
            usage_line(
                "Imports this month",
                used.imports_this_month,
                limits.imports_per_month.0,
            ),
            usage_line(
                "API calls this month",
                crate::integrations::keys::calls_this_month(pool, t.id).await? as u64,
                None,
            ),
        ]
    };
    let features = Feature::ALL
        .into_iter()
        .map(|f| FeatureLine {
            id: f.id().into(),
            name: f.name().into(),
            in_plan: plan.has(f),
            overridden: t.feature_overrides.get(f.id()).copied(),
        })
        .collect();
    let interval: Option<String> = r.try_get("billing_interval")?;
    let last: Option<OffsetDateTime> = r.try_get("last_activity")?;
    let recent = super::audit_log::search(
        pool,
        &super::types::AuditQuery {
            tenant: Some(t.slug.clone()),
            ..Default::default()
        },
        10,
    )
    .await?;
    Ok(TenantDetail {
        row: TenantRow {
            id: t.id,
            slug: t.slug.clone(),
            name: t.name.clone(),
            status: shown_status(t.status.as_str().into(), t.operator_suspended_at.is_some()),
            plan: t.plan.clone(),
            created: utc_day(t.created_at),
            members: r.try_get("members")?,
            last_activity: last.map(utc_minute),
            mrr: Snapshot {
                at: t.created_at,
                status: t.status.as_str().into(),
                plan: t.plan.clone(),
                interval: interval.clone(),
                comped: t.comped,
            }
            .mrr_cents(),
        },
        billing_status: t.status.as_str().replace('_', " "),
        suspended_by_operator: t.operator_suspended_at.is_some(),
        comped: t.comped,
        deleted: t.status == tenancy::TenantStatus::Deleted,
        trial_ends: t.trial_ends_at.map(utc_minute),
        stripe_customer: r.try_get("stripe_customer_id")?,
        stripe_subscription: r.try_get("stripe_subscription_id")?,
        subscription_status: r.try_get("subscription_status")?,
        billing_interval: interval,
        current_period_end: r
            .try_get::<Option<OffsetDateTime>, _>("current_period_end")?
            .map(utc_day),
        schema_version: t.schema_version,
        members,
        usage,
        features,
        recent_audit: recent.rows,
    })
}

fn usage_line(what: &str, used: u64, limit: Option<u32>) -> UsageLine {
    UsageLine {
        what: what.into(),
        used,
        limit,
    }
}

/// The reason every action asks for, as it goes into the audit log.
pub fn validate_reason(reason: &str) -> Result<String, AppError> {
    let reason = reason.trim();
    if reason.chars().count() < 5 || reason.chars().count() > 500 {
        return Err(AppError::invalid(
            "reason",
            "Give a reason of 5 to 500 characters: it is kept in the audit log.",
        ));
    }
    Ok(reason.to_owned())
}

/// What an operator does to a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Suspend,
    Reactivate,
    ExtendTrial {
        days: u16,
    },
    CompPlan {
        plan: Plan,
    },
    OverrideFeature {
        feature: Feature,
        enabled: Option<bool>,
    },
    /// Soft delete, confirmed by typing the tenant's slug.
    Delete {
        confirm_slug: String,
    },
}

impl Action {
    fn audit_name(&self) -> &'static str {
        match self {
            Action::Suspend => "tenant.suspended",
            Action::Reactivate => "tenant.reactivated",
            Action::ExtendTrial { .. } => "tenant.trial_extended",
            Action::CompPlan { .. } => "tenant.plan_comped",
            Action::OverrideFeature { .. } => "tenant.feature_overridden",
            Action::Delete { .. } => "tenant.deletion_started",
        }
    }
}

/// Applies `action` to tenant `id` with the operator's `reason`, and audits it.
pub async fn act(
    pool: &PgPool,
    operator: &Operator,
    id: Uuid,
    action: Action,
    reason: &str,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    let reason = validate_reason(reason)?;
    let mut tx = crate::server::db::begin(pool).await?;
    let row = sqlx::query(
        "SELECT slug, status, trial_ends_at, plan FROM public.tenants WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("Tenant"))?;
    let slug: String = row.try_get("slug")?;
    let status: String = row.try_get("status")?;
    if status == "deleted" {
        return Err(AppError::Conflict {
            message: format!("{slug} is deleted: nothing can be changed."),
        });
    }
    let details = apply(&mut tx, id, &slug, &status, &row, &action).await?;
    let mut details = details;
    details["reason"] = json!(reason);
    audit::record_detailed(
        &mut tx,
        Actor::Operator(operator.id),
        Some(id),
        action.audit_name(),
        &slug,
        ip,
        &details,
    )
    .await?;
    tx.commit().await?;
    tenancy::changes::changed(id);
    Ok(())
}

async fn apply(
    tx: &mut PgConnection,
    id: Uuid,
    slug: &str,
    status: &str,
    row: &sqlx::postgres::PgRow,
    action: &Action,
) -> Result<serde_json::Value, AppError> {
    let conflict = |message: String| Err(AppError::Conflict { message });
    match action {
        Action::Suspend => {
            let n = sqlx::query(
                "UPDATE public.tenants SET operator_suspended_at = now(), updated_at = now()
                  WHERE id = $1 AND operator_suspended_at IS NULL",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return conflict(format!("{slug} is already suspended."));
            }
            Ok(json!({}))
        }
        Action::Reactivate => {
            let n = sqlx::query(
                "UPDATE public.tenants SET operator_suspended_at = NULL, updated_at = now()
                  WHERE id = $1 AND operator_suspended_at IS NOT NULL",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return conflict(format!("{slug} is not suspended by an operator."));
            }
            Ok(json!({}))
        }
        Action::ExtendTrial { days } => {
            if status != "trial" {
                return conflict(format!("{slug} is not on a trial (it is {status})."));
            }
            if !(1..=90).contains(days) {
                return Err(AppError::invalid("days", "Extend by 1 to 90 days."));
            }
            let old: Option<OffsetDateTime> = row.try_get("trial_ends_at")?;
            let new: OffsetDateTime = sqlx::query_scalar(
                "UPDATE public.tenants
                    SET trial_ends_at = greatest(coalesce(trial_ends_at, now()), now())
                                        + make_interval(days => $2),
                        trial_reminder_sent_at = NULL, updated_at = now()
                  WHERE id = $1 RETURNING trial_ends_at",
            )
            .bind(id)
            .bind(i32::from(*days))
            .fetch_one(&mut *tx)
            .await?;
            Ok(json!({ "days": days, "from": old.map(utc_minute), "to": utc_minute(new) }))
        }
        Action::CompPlan { plan } => {
            let old: String = row.try_get("plan")?;
            sqlx::query(
                "UPDATE public.tenants
                    SET plan = $2, comped = true, status = 'active', updated_at = now()
                  WHERE id = $1",
            )
            .bind(id)
            .bind(plan.id())
            .execute(&mut *tx)
            .await?;
            Ok(json!({ "from": old, "to": plan.id(), "status_from": status }))
        }
        Action::OverrideFeature { feature, enabled } => {
            let query = match enabled {
                Some(_) => {
                    "UPDATE public.tenants
                        SET feature_overrides = feature_overrides || jsonb_build_object($2::text, $3::bool),
                            updated_at = now()
                      WHERE id = $1"
                }
                None => {
                    "UPDATE public.tenants
                        SET feature_overrides = feature_overrides - $2::text, updated_at = now()
                      WHERE id = $1 AND $3::bool IS NULL"
                }
            };
            sqlx::query(query)
                .bind(id)
                .bind(feature.id())
                .bind(*enabled)
                .execute(&mut *tx)
                .await?;
            Ok(json!({ "feature": feature.id(), "enabled": enabled }))
        }
        Action::Delete { confirm_slug } => {
            if confirm_slug.trim() != slug {
                return Err(AppError::invalid(
                    "confirm_slug",
                    format!("Type the tenant's address, {slug}, to confirm."),
                ));
            }
            sqlx::query(
                "UPDATE public.tenants SET status = 'deleted', deleted_at = now(), updated_at = now()
                  WHERE id = $1",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            Ok(json!({ "status_from": status }))
        }
    }
}
