//! Server functions of the billing page: what the organization pays for, checkout,
//! plan changes and the Stripe Customer Portal. Only owners change anything.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Interval, Plan};
use crate::{AppError, tenancy::TenantStatus};

/// What the billing page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingView {
    pub organization: String,
    pub slug: String,
    pub status: TenantStatus,
    /// The plan in force (a trial's is Professional).
    pub plan: Plan,
    pub interval: Option<Interval>,
    pub trial_days_left: Option<i64>,
    pub trial_ended: bool,
    /// e.g. "2026-12-22".
    pub renews_on: Option<String>,
    pub cancel_at_period_end: bool,
    /// A live Stripe subscription exists (plan changes go to it, not to checkout).
    pub subscribed: bool,
    /// The organization has a Stripe customer (the portal can open).
    pub has_customer: bool,
    pub is_owner: bool,
    /// Stripe is configured on this server.
    pub configured: bool,
}

/// Facts kept beside the registry row about the subscription.
#[cfg(feature = "ssr")]
#[derive(sqlx::FromRow)]
struct Subscription {
    customer: Option<String>,
    id: Option<String>,
    status: Option<String>,
    interval: Option<String>,
    period_end: Option<time::OffsetDateTime>,
    cancel_at_period_end: bool,
}

#[cfg(feature = "ssr")]
async fn load(
    slug: &str,
) -> Result<
    (
        sqlx::PgPool,
        crate::tenancy::Tenant,
        crate::accounts::Role,
        Subscription,
    ),
    AppError,
> {
    use crate::{
        accounts::session,
        server::request,
        tenancy::{self, TenantKey},
    };
    let pool = request::pool()?;
    let user = session::require_user(&pool, &request::session().await?).await?;
    let key = TenantKey::Slug(
        tenancy::Slug::parse(slug).map_err(|_| AppError::not_found("Organization"))?,
    );
    let (tenant, role) = tenancy::resolve_member(&pool, &key, user).await?;
    let sub: Subscription = sqlx::query_as(
        "SELECT stripe_customer_id AS customer, stripe_subscription_id AS id,
                subscription_status AS status, billing_interval AS interval,
                current_period_end AS period_end, cancel_at_period_end
           FROM public.tenants WHERE id = $1",
    )
    .bind(tenant.id)
    .fetch_one(&pool)
    .await?;
    Ok((pool, tenant, role, sub))
}

#[cfg(feature = "ssr")]
fn owner_only(role: crate::accounts::Role) -> Result<(), AppError> {
    if role.allows(crate::accounts::Permission::ManageBilling) {
        Ok(())
    } else {
        Err(AppError::Denied {
            message: "Only an owner of the organization manages its billing.".into(),
        })
    }
}

#[cfg(feature = "ssr")]
fn billing() -> Result<super::Billing, AppError> {
    use_context::<super::Billing>().ok_or_else(|| AppError::internal("no billing in context"))
}

#[cfg(feature = "ssr")]
fn not_configured() -> AppError {
    AppError::Conflict {
        message: "Payments are not set up on this server (STRIPE_SECRET_KEY is unset).".into(),
    }
}

#[server(prefix = "/api/fn", endpoint = "get_billing")]
pub async fn get_billing(slug: String) -> Result<BillingView, AppError> {
    let (_, tenant, role, sub) = load(&slug).await?;
    let now = time::OffsetDateTime::now_utc();
    let in_trial = tenant.status == TenantStatus::Trial;
    let trial_days_left = in_trial
        .then(|| {
            tenant
                .trial_ends_at
                .map(|end| (end - now).whole_days().max(0))
        })
        .flatten();
    Ok(BillingView {
        organization: tenant.name.clone(),
        slug: tenant.slug.clone(),
        status: tenant.status,
        plan: tenant.effective_plan(),
        interval: sub.interval.as_deref().and_then(Interval::parse),
        trial_days_left,
        trial_ended: in_trial && tenant.trial_ends_at.is_some_and(|end| end <= now),
        renews_on: sub.period_end.map(|t| t.date().to_string()),
        cancel_at_period_end: sub.cancel_at_period_end,
        subscribed: sub.id.is_some()
            && matches!(
                sub.status.as_deref(),
                Some("active" | "trialing" | "past_due")
            ),
        has_customer: sub.customer.is_some(),
        is_owner: role == crate::accounts::Role::Owner,
        configured: billing()?.api.is_some(),
    })
}

/// Subscribes (Stripe Checkout) or, with a live subscription, moves it to another plan
/// or interval. A move to a plan too small for what the organization already has is
/// refused with the list of what exceeds it.
#[server(prefix = "/api/fn", endpoint = "choose_plan")]
pub async fn choose_plan(slug: String, plan: String, interval: String) -> Result<(), AppError> {
    use crate::server::{audit, request};
    let (pool, tenant, role, sub) = load(&slug).await?;
    owner_only(role)?;
    let plan = Plan::parse(&plan).ok_or_else(|| AppError::invalid("plan", "Choose a plan."))?;
    let interval = Interval::parse(&interval)
        .ok_or_else(|| AppError::invalid("interval", "Choose monthly or annual billing."))?;
    let billing = billing()?;
    let api = billing.api.as_ref().ok_or_else(not_configured)?;
    let price = billing
        .prices
        .get(plan, interval)
        .ok_or_else(|| AppError::Conflict {
            message: format!(
                "No Stripe price is configured for {} ({}).",
                plan.name(),
                interval.id()
            ),
        })?
        .to_owned();
    let exceeded = super::usage::exceeded(&pool, &tenant, plan).await?;
    if !exceeded.is_empty() {
        return Err(AppError::Validation {
            message: format!(
                "{} has more than the {} plan allows: {}. Reduce these first, or choose a larger plan.",
                tenant.name,
                plan.name(),
                exceeded.join("; ")
            ),
            fields: Default::default(),
        });
    }
    let origin = request::outbox()?.link("");
    let user = crate::accounts::session::require_user(&pool, &request::session().await?).await?;
    let ip = request::client_ip().await;
    let live = matches!(
        sub.status.as_deref(),
        Some("active" | "trialing" | "past_due")
    );
    if let (Some(id), true) = (sub.id.as_deref(), live) {
        let current = api.subscription(id).await.map_err(AppError::internal)?;
        let item = current
            .item
            .ok_or_else(|| AppError::internal("subscription without an item"))?;
        api.change_price(id, &item, &price)
            .await
            .map_err(AppError::internal)?;
        let mut tx = crate::server::db::begin(&pool).await?;
        super::events::sync(
            &mut tx,
            api,
            &billing,
            &request::outbox()?,
            id,
            Some(tenant.id),
        )
        .await?;
        audit::record_in(
            &mut tx,
            audit::Actor::User(user),
            Some(tenant.id),
            "billing.plan_changed",
            &format!("{} {}", plan.id(), interval.id()),
            ip,
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/app/{}/billing", tenant.slug));
        return Ok(());
    }
    let customer = match sub.customer {
        Some(customer) => customer,
        None => {
            let email = crate::accounts::users::get(&pool, user)
                .await?
                .map(|u| u.email)
                .unwrap_or_default();
            let customer = api
                .create_customer(tenant.id, &tenant.name, &email)
                .await
                .map_err(AppError::internal)?;
            // Only the first customer is kept, should two checkouts race.
            sqlx::query(
                "UPDATE public.tenants SET stripe_customer_id = coalesce(stripe_customer_id, $2) WHERE id = $1",
            )
            .bind(tenant.id)
            .bind(&customer)
            .execute(&pool)
            .await?;
            sqlx::query_scalar("SELECT stripe_customer_id FROM public.tenants WHERE id = $1")
                .bind(tenant.id)
                .fetch_one(&pool)
                .await?
        }
    };
    let base = format!("{origin}/app/{}/billing", tenant.slug);
    let url = api
        .checkout(
            tenant.id,
            &customer,
            &price,
            &format!("{base}?checkout=success"),
            &format!("{base}?checkout=cancelled"),
        )
        .await
        .map_err(AppError::internal)?;
    audit::record(
        &pool,
        audit::Actor::User(user),
        Some(tenant.id),
        "billing.checkout_started",
        &format!("{} {}", plan.id(), interval.id()),
        ip,
    )
    .await?;
    leptos_axum::redirect(&url);
    Ok(())
}

/// Opens the Stripe Customer Portal (payment methods, invoices, cancelling).
#[server(prefix = "/api/fn", endpoint = "open_billing_portal")]
pub async fn open_billing_portal(slug: String) -> Result<(), AppError> {
    let (_, tenant, role, sub) = load(&slug).await?;
    owner_only(role)?;
    let billing = billing()?;
    let api = billing.api.as_ref().ok_or_else(not_configured)?;
    let customer = sub.customer.ok_or_else(|| AppError::Conflict {
        message: "There is nothing to manage yet: choose a plan first.".into(),
    })?;
    let back = crate::server::request::outbox()?.link(&format!("/app/{}/billing", tenant.slug));
    let url = api
        .portal(&customer, &back)
        .await
        .map_err(AppError::internal)?;
    leptos_axum::redirect(&url);
    Ok(())
}
