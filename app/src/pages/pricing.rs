//! `/pricing`: the three plans from the catalogue, readable without JavaScript.

use crate::pages::scroll_box::ScrollBox;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    billing::PlanSummary,
    site::{PageMeta, json_ld},
};
use crate::billing::{Interval, Plan};

#[component]
pub fn PricingPage() -> impl IntoView {
    // The monthly / annual switch is two links, so it works without JavaScript.
    let query = use_query_map();
    let interval = move || {
        if query.read().get("interval").as_deref() == Some("year") {
            Interval::Year
        } else {
            Interval::Month
        }
    };
    let offers: Vec<serde_json::Value> = Plan::ALL
        .iter()
        .flat_map(|p| {
            [Interval::Month, Interval::Year].map(|i| {
                serde_json::json!({
                    "@type": "Offer",
                    "name": format!("{} ({})", p.name(), if i == Interval::Year { "annual" } else { "monthly" }),
                    "price": p.price_usd(i),
                    "priceCurrency": "USD",
                })
            })
        })
        .collect();
    let structured = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "CapLiquify",
        "description": "Working-capital intelligence for manufacturers.",
        "offers": offers,
    });
    view! {
        <PageMeta path="/pricing" />
        {json_ld(structured)}
        <section class="narrow">
            <h1>"Plans that pay for themselves in released cash"</h1>
            <p>
                "Every organization starts with a 14-day free trial of Professional, no card needed. Annual billing gives two months free."
            </p>
            <nav class="interval-switch" aria-label="Billing interval">
                <a href="/pricing" aria-current=move || (interval() == Interval::Month).then_some("page")>"Monthly"</a>
                <a href="/pricing?interval=year" aria-current=move || (interval() == Interval::Year).then_some("page")>"Annual"</a>
            </nav>
        </section>
        <div class="plans">
            {move || {
                let interval = interval();
                Plan::ALL
                    .into_iter()
                    .map(|plan| {
                        let price = match interval {
                            Interval::Month => format!("{} per month", plan.price_label(Interval::Month)),
                            Interval::Year => format!("{} per year", plan.price_label(Interval::Year)),
                        };
                        view! {
                            <section class="card plan" aria-label=plan.name()>
                                <h2>{plan.name()}</h2>
                                <p class="price-now"><strong>{price}</strong></p>
                                <PlanSummary plan show_price=false />
                                <a class="button primary" href="/signup">"Start a 14-day free trial"</a>
                            </section>
                        }
                    })
                    .collect_view()
            }}
        </div>
        <section class="narrow">
            <h2>"Questions about plans"</h2>
            <details class="card faq">
                <summary>"Can I change plans later?"</summary>
                <p>"Yes, at any time from the billing page; upgrades apply at once and are prorated. A smaller plan is offered only when your members, products and imports fit it."</p>
            </details>
            <details class="card faq">
                <summary>"What happens when the trial ends?"</summary>
                <p>"Choose a plan to continue. If you do not, the organization pauses and its data is kept until you come back."</p>
            </details>
            <details class="card faq">
                <summary>"How do I pay?"</summary>
                <p>"By card through Stripe, monthly or annually. Invoices and payment methods are in the billing portal."</p>
            </details>
        </section>
        <section class="card">
            <h2>"Compare the plans"</h2>
            <ScrollBox label="Plan comparison">
                <CompareTable />
            </ScrollBox>
        </section>
    }
}

#[component]
fn CompareTable() -> impl IntoView {
    use crate::billing::Feature;
    let limit = |l: crate::billing::Limit| l.0.map_or("Unlimited".to_owned(), |n| n.to_string());
    let limits = [
        ("Members", Plan::ALL.map(|p| limit(p.limits().members))),
        ("Products", Plan::ALL.map(|p| limit(p.limits().products))),
        (
            "Imports a month",
            Plan::ALL.map(|p| limit(p.limits().imports_per_month)),
        ),
    ];
    view! {
        <table class="members data compare">
            <thead>
                <tr>
                    <th scope="col">"Feature"</th>
                    {Plan::ALL.into_iter().map(|p| view! { <th scope="col">{p.name()}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {limits
                    .into_iter()
                    .map(|(name, values)| view! {
                        <tr>
                            <th scope="row">{name}</th>
                            {values.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}
                        </tr>
                    })
                    .collect_view()}
                {Feature::ALL
                    .into_iter()
                    .map(|f| view! {
                        <tr>
                            <th scope="row">{f.name()}</th>
                            {Plan::ALL.into_iter().map(|p| view! { <td>{if p.has(f) { "Included" } else { "—" }}</td> }).collect_view()}
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
