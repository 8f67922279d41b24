//! `/app/{slug}/billing`: the plan, the trial or subscription, checkout, plan changes
//! and the Stripe Customer Portal. Reachable while the organization is suspended or
//! its trial has ended, so an owner can always settle the account.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    components::Redirect,
    hooks::{use_params_map, use_query_map},
};

use super::forms::form_error;
use crate::{
    AppError,
    billing::{BillingView, ChoosePlan, Feature, Interval, OpenBillingPortal, Plan, get_billing},
    tenancy::TenantStatus,
};

#[component]
pub fn BillingPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let query = use_query_map();
    let checkout = move || query.read().get("checkout");
    let billing = Resource::new(slug, get_billing);
    view! {
        <Title text="Billing" />
        <p>
            <a href=move || format!("/app/{}", slug())>"← Back to the organization"</a>
        </p>
        {move || match checkout().as_deref() {
            Some("success") => Some(view! {
                <p class="banner" role="status">
                    "Thank you! Your subscription starts as soon as Stripe confirms the payment, usually within seconds."
                </p>
            }.into_any()),
            Some("cancelled") => Some(view! {
                <p class="banner" role="status">"Checkout was cancelled; nothing was charged."</p>
            }.into_any()),
            _ => None,
        }}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                billing.get().map(|result| match result {
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                    Ok(view) => view! { <Billing view /> }.into_any(),
                })
            }}
        </Suspense>
    }
}

fn standing(view: &BillingView) -> String {
    let plan = view.plan.name();
    match view.status {
        TenantStatus::Trial if view.trial_ended => {
            "The free trial has ended. Choose a plan to continue; your data is kept.".into()
        }
        TenantStatus::Trial => format!(
            "Free trial with everything in {plan}: {} day(s) left. No card needed until you choose a plan.",
            view.trial_days_left.unwrap_or(0)
        ),
        TenantStatus::PastDue => format!(
            "{plan}: the latest payment failed, so the organization is read-only. Update the payment method to restore it."
        ),
        TenantStatus::Suspended | TenantStatus::Cancelled => {
            "Suspended: the subscription has ended. The data is kept; subscribe again to restore access.".into()
        }
        _ => {
            let interval = match view.interval {
                Some(Interval::Year) => ", billed annually",
                Some(Interval::Month) => ", billed monthly",
                None => "",
            };
            match (&view.renews_on, view.cancel_at_period_end) {
                (Some(date), true) => format!("{plan}{interval}. Ends on {date} (cancelled)."),
                (Some(date), false) => format!("{plan}{interval}. Renews on {date}."),
                (None, _) => format!("{plan}{interval}."),
            }
        }
    }
}

#[component]
fn Billing(view: BillingView) -> impl IntoView {
    let choose = ServerAction::<ChoosePlan>::new();
    let portal = ServerAction::<OpenBillingPortal>::new();
    let owner_note = (!view.is_owner).then(|| {
        view! { <p class="muted">"Only an owner of the organization can change its plan or payment details."</p> }
    });
    let demo_note = (!view.configured).then(|| {
        view! { <p class="banner">"Payments are not set up on this server, so plans cannot be bought here."</p> }
    });
    let portal_form = (view.is_owner && view.has_customer).then(|| {
        let slug = view.slug.clone();
        view! {
            <ActionForm action=portal>
                <input type="hidden" name="slug" value=slug />
                <button class="button" type="submit">"Payment methods, invoices and cancelling"</button>
            </ActionForm>
            {form_error(portal.value())}
        }
    });
    let cards = Plan::ALL
        .into_iter()
        .map(|plan| {
            view! { <PlanCard plan view=view.clone() choose /> }
        })
        .collect_view();
    view! {
        <section class="card">
            <h1>{format!("Billing for {}", view.organization)}</h1>
            <p>{standing(&view)}</p>
            {demo_note}
            {owner_note}
            {portal_form}
        </section>
        {form_error(choose.value())}
        <div class="plans">{cards}</div>
    }
}

/// A plan's price, limits and features: the billing page and the pricing page.
#[component]
pub fn PlanSummary(
    plan: Plan,
    /// Off where the page shows the price itself (the pricing page's switch).
    #[prop(default = true)]
    show_price: bool,
) -> impl IntoView {
    let limits = plan.limits();
    let count = |l: crate::billing::Limit, what: &str| match l.0 {
        Some(n) => format!("Up to {n} {what}"),
        None => format!("Unlimited {what}"),
    };
    let features = Feature::ALL
        .into_iter()
        .map(|f| {
            let has = plan.has(f);
            view! { <li class:absent=!has>{if has { "✓ " } else { "— " }}{f.name()}</li> }
        })
        .collect_view();
    view! {
        <p class="muted">{plan.tagline()}</p>
        {show_price.then(|| view! {
            <p class="price">
                <strong>{plan.price_label(Interval::Month)}</strong>
                " per month, or "
                {plan.price_label(Interval::Year)}
                " per year"
            </p>
        })}
        <ul class="limits">
            <li>{count(limits.members, "members")}</li>
            <li>{count(limits.products, "products")}</li>
            <li>{count(limits.imports_per_month, "imports a month")}</li>
        </ul>
        <ul class="features">{features}</ul>
    }
}

#[component]
fn PlanCard(plan: Plan, view: BillingView, choose: ServerAction<ChoosePlan>) -> impl IntoView {
    let current = view.subscribed && view.plan == plan;
    let action = if current {
        "Switch billing interval".to_owned()
    } else if view.subscribed {
        format!("Switch to {}", plan.name())
    } else {
        format!("Choose {}", plan.name())
    };
    let form = (view.is_owner && view.configured).then(|| {
        let monthly = format!("Monthly, {}", plan.price_label(Interval::Month));
        let annual = format!("Annually, {} (two months free)", plan.price_label(Interval::Year));
        view! {
            <ActionForm action=choose>
                <input type="hidden" name="slug" value=view.slug.clone() />
                <input type="hidden" name="plan" value=plan.id() />
                <fieldset>
                    <legend>"Billing"</legend>
                    <label>
                        <input type="radio" name="interval" value="month" checked=view.interval != Some(Interval::Year) />
                        {monthly}
                    </label>
                    <label>
                        <input type="radio" name="interval" value="year" checked=view.interval == Some(Interval::Year) />
                        {annual}
                    </label>
                </fieldset>
                <button class="button primary" type="submit">{action}</button>
            </ActionForm>
        }
    });
    view! {
        <section class="card plan" class:current=current aria-label=plan.name()>
            <h2>{plan.name()}{current.then_some(" (current)")}</h2>
            <PlanSummary plan />
            {form}
        </section>
    }
}
