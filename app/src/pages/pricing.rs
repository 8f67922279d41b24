//! `/pricing`: the three plans from the catalogue, readable without JavaScript.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::billing::PlanSummary;
use crate::billing::Plan;

#[component]
pub fn PricingPage() -> impl IntoView {
    let cards = Plan::ALL
        .into_iter()
        .map(|plan| {
            view! {
                <section class="card plan" aria-label=plan.name()>
                    <h2>{plan.name()}</h2>
                    <PlanSummary plan />
                    <a class="button primary" href="/signup">"Start a 14-day free trial"</a>
                </section>
            }
        })
        .collect_view();
    view! {
        <Title text="Pricing" />
        <Meta
            name="description"
            content="CapLiquify plans for manufacturers: Starter, Professional and Enterprise, monthly or annual, with a 14-day free trial and no card needed."
        />
        <section class="narrow">
            <h1>"Plans that pay for themselves in released cash"</h1>
            <p>
                "Every organization starts with a 14-day free trial of Professional, no card needed. Annual billing gives two months free."
            </p>
        </section>
        <div class="plans">{cards}</div>
    }
}
