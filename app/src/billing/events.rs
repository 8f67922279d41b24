//! Stripe events, from the webhook or from reconciliation: each is stored by id and
//! applied once. Applying an event reads the subscription back from Stripe and stores
//! what Stripe says now, so events arriving late or out of order cannot move a tenant
//! back to an older state.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    Billing,
    stripe::{EventRecord, StripeApi, SubscriptionState},
};
use crate::{
    AppError,
    email::{Outbox, templates},
    server::audit,
    tenancy::TenantStatus,
};

/// The event types CapLiquify acts on (reconciliation lists these).
pub const HANDLED: &[&str] = &[
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.trial_will_end",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Webhook,
    Reconciliation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    /// Seen and processed before: acknowledged, nothing done.
    Duplicate,
    /// Not a type CapLiquify acts on: stored and acknowledged.
    Ignored,
}

/// Stores `event` and applies it, once. An error rolls everything back, so the event
/// stays unprocessed and Stripe's retry (or reconciliation) tries again.
pub async fn handle(
    pool: &PgPool,
    billing: &Billing,
    outbox: &Outbox,
    event: &EventRecord,
    source: Source,
) -> Result<Outcome, AppError> {
    let mut tx = crate::server::db::begin(pool).await?;
    sqlx::query(
        "INSERT INTO public.stripe_events (id, type, created, source, payload)
         VALUES ($1, $2, to_timestamp($3), $4, $5) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&event.id)
    .bind(&event.type_)
    .bind(event.created as f64)
    .bind(match source {
        Source::Webhook => "webhook",
        Source::Reconciliation => "reconciliation",
    })
    .bind(&event.payload)
    .execute(&mut *tx)
    .await?;
    // The row lock makes concurrent deliveries of one event wait here, then see it done.
    let processed: bool = sqlx::query_scalar(
        "SELECT processed_at IS NOT NULL FROM public.stripe_events WHERE id = $1 FOR UPDATE",
    )
    .bind(&event.id)
    .fetch_one(&mut *tx)
    .await?;
    if processed {
        return Ok(Outcome::Duplicate);
    }
    let outcome = apply(&mut tx, billing, outbox, event).await?;
    sqlx::query("UPDATE public.stripe_events SET processed_at = now() WHERE id = $1")
        .bind(&event.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(outcome)
}

fn str_at<'a>(value: &'a serde_json::Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(value, |v, key| v.get(key))
        .and_then(|v| v.as_str())
}

async fn apply(
    conn: &mut PgConnection,
    billing: &Billing,
    outbox: &Outbox,
    event: &EventRecord,
) -> Result<Outcome, AppError> {
    let object = &event.object;
    let subscription = match event.type_.as_str() {
        "checkout.session.completed" => str_at(object, &["subscription"]),
        "customer.subscription.created"
        | "customer.subscription.updated"
        | "customer.subscription.deleted" => str_at(object, &["id"]),
        // Invoices name their subscription at the top level in older API versions
        // and under `parent` since 2025.
        "invoice.paid" | "invoice.payment_failed" => str_at(object, &["subscription"])
            .or_else(|| str_at(object, &["parent", "subscription_details", "subscription"])),
        // Trials run without a card in CapLiquify, so Stripe's own trial ending
        // changes nothing here (the trial reminder job writes to owners).
        _ => return Ok(Outcome::Ignored),
    };
    let Some(subscription) = subscription else {
        return Ok(Outcome::Ignored);
    };
    let api = billing.api.as_ref().ok_or_else(|| {
        AppError::internal("a Stripe event arrived but STRIPE_SECRET_KEY is unset")
    })?;
    // Checkout names the organization it was started for.
    let hint = str_at(object, &["client_reference_id"])
        .or_else(|| str_at(object, &["metadata", "tenant_id"]))
        .and_then(|id| id.parse::<Uuid>().ok());
    sync(conn, api, billing, outbox, subscription, hint).await?;
    Ok(Outcome::Applied)
}

/// The tenant status a Stripe subscription status means; `None` leaves it as it is.
pub fn status_for(stripe_status: &str) -> Option<TenantStatus> {
    match stripe_status {
        "active" | "trialing" => Some(TenantStatus::Active),
        "past_due" => Some(TenantStatus::PastDue),
        "unpaid" | "canceled" | "incomplete_expired" | "paused" => Some(TenantStatus::Suspended),
        _ => None,
    }
}

struct Row {
    id: Uuid,
    name: String,
    slug: String,
    status: String,
    subscription: Option<String>,
}

/// Reads subscription `id` from Stripe and stores it on its tenant, with the status
/// it implies; owners are told by email when that status changes.
pub async fn sync(
    conn: &mut PgConnection,
    api: &StripeApi,
    billing: &Billing,
    outbox: &Outbox,
    id: &str,
    tenant_hint: Option<Uuid>,
) -> Result<(), AppError> {
    let state = api.subscription(id).await.map_err(AppError::internal)?;
    let row: Option<(Uuid, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, name, slug, status, stripe_subscription_id FROM public.tenants
          WHERE status <> 'deleted'
            AND (stripe_subscription_id = $1 OR stripe_customer_id = $2 OR id = $3)
          ORDER BY (stripe_subscription_id = $1) DESC NULLS LAST, (stripe_customer_id = $2) DESC NULLS LAST
          LIMIT 1 FOR UPDATE",
    )
    .bind(&state.id)
    .bind(&state.customer)
    .bind(tenant_hint)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((tid, name, slug, status, subscription)) = row else {
        tracing::warn!(subscription = %state.id, "Stripe subscription of no known organization");
        return Ok(());
    };
    let row = Row {
        id: tid,
        name,
        slug,
        status,
        subscription,
    };
    store(conn, billing, outbox, &row, &state).await
}

async fn store(
    conn: &mut PgConnection,
    billing: &Billing,
    outbox: &Outbox,
    row: &Row,
    state: &SubscriptionState,
) -> Result<(), AppError> {
    let live = matches!(state.status.as_str(), "active" | "trialing" | "past_due");
    // An older subscription ending does not touch the one that replaced it.
    if row.subscription.as_deref().is_some_and(|s| s != state.id) && !live {
        return Ok(());
    }
    let old = TenantStatus::parse(&row.status).unwrap_or(TenantStatus::Trial);
    let new = status_for(&state.status).unwrap_or(old);
    let (plan, interval) = match state.price.as_deref().and_then(|p| billing.prices.find(p)) {
        Some((plan, interval)) => (Some(plan.id()), Some(interval.id())),
        None => (None, None),
    };
    sqlx::query(
        "UPDATE public.tenants
            SET stripe_customer_id = coalesce(stripe_customer_id, $2),
                stripe_subscription_id = $3,
                subscription_status = $4,
                plan = coalesce($5, plan),
                billing_interval = coalesce($6, billing_interval),
                current_period_end = $7,
                cancel_at_period_end = $8,
                status = $9,
                -- A comp ends once the organization pays for a subscription.
                comped = comped AND NOT $10,
                updated_at = now()
          WHERE id = $1",
    )
    .bind(row.id)
    .bind(&state.customer)
    .bind(&state.id)
    .bind(&state.status)
    .bind(plan)
    .bind(interval)
    .bind(state.current_period_end)
    .bind(state.cancel_at_period_end)
    .bind(new.as_str())
    .bind(live)
    .execute(&mut *conn)
    .await?;
    if new != old {
        audit::record_system(
            conn,
            Some(row.id),
            "billing.status_changed",
            &format!("{} -> {} ({})", old.as_str(), new.as_str(), state.status),
        )
        .await?;
        notify_owners(conn, outbox, row, old, new).await?;
    }
    Ok(())
}

/// Emails the organization's owners about a change of standing.
async fn notify_owners(
    conn: &mut PgConnection,
    outbox: &Outbox,
    row: &Row,
    old: TenantStatus,
    new: TenantStatus,
) -> Result<(), AppError> {
    let billing_link = outbox.link(&format!("/app/{}/billing", row.slug));
    let app_link = outbox.link(&format!("/app/{}", row.slug));
    let template = match (old, new) {
        (_, TenantStatus::PastDue) => templates::payment_failed,
        (_, TenantStatus::Suspended) => templates::subscription_suspended,
        (TenantStatus::PastDue | TenantStatus::Suspended, TenantStatus::Active) => {
            templates::payment_restored
        }
        _ => return Ok(()),
    };
    let link = if new == TenantStatus::Active {
        &app_link
    } else {
        &billing_link
    };
    for (email, name) in owners(conn, row.id).await? {
        outbox
            .enqueue(conn, &template(&email, &name, &row.name, link))
            .await?;
    }
    Ok(())
}

/// Addresses and names of a tenant's owners.
pub async fn owners(
    conn: &mut PgConnection,
    tenant: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT u.email, u.name FROM public.memberships m JOIN public.users u ON u.id = m.user_id
          WHERE m.tenant_id = $1 AND m.role = 'owner' ORDER BY u.email",
    )
    .bind(tenant)
    .fetch_all(conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_statuses_map_to_tenant_standing() {
        assert_eq!(status_for("active"), Some(TenantStatus::Active));
        assert_eq!(status_for("trialing"), Some(TenantStatus::Active));
        assert_eq!(status_for("past_due"), Some(TenantStatus::PastDue));
        for ended in ["unpaid", "canceled", "incomplete_expired", "paused"] {
            assert_eq!(status_for(ended), Some(TenantStatus::Suspended), "{ended}");
        }
        assert_eq!(
            status_for("incomplete"),
            None,
            "checkout not finished: unchanged"
        );
    }
}
