//! The landing page and its cash-cycle estimator.

use leptos::prelude::*;

use super::site::{PageMeta, json_ld};

use crate::{
    AppError,
    metrics::{CycleEstimate, CycleInputs},
};

/// Estimates the cash a manufacturer's operating cycle ties up. Runs on the server so
/// the estimate uses the same validated arithmetic as the product itself.
#[server(prefix = "/api/fn", endpoint = "estimate_cycle")]
pub async fn estimate_cycle(inputs: CycleInputs) -> Result<CycleEstimate, AppError> {
    inputs
        .validate()
        .map_err(|(field, message)| AppError::invalid(field, message))?;
    Ok(inputs.estimate())
}

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <PageMeta path="/" />
        {json_ld(serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": "CapLiquify",
            "description": "Working-capital intelligence for manufacturers.",
            "url": "/",
        }))}
        <section class="hero">
            <h1>"Free the cash your factory has tied up"</h1>
            <p class="lede">
                "CapLiquify turns your inventory, orders, receivables and payables into a clear picture of working capital: "
                "where cash is stuck, what it costs, and what to change."
            </p>
        </section>
        <CycleEstimator />
    }
}

#[component]
fn CycleEstimator() -> impl IntoView {
    let revenue = RwSignal::new("20000000".to_string());
    let dso = RwSignal::new("52".to_string());
    let dio = RwSignal::new("78".to_string());
    let dpo = RwSignal::new("41".to_string());
    let estimate = ServerAction::<EstimateCycle>::new();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parse = |s: RwSignal<String>| s.get().trim().parse::<f64>().unwrap_or(f64::NAN);
        estimate.dispatch(EstimateCycle {
            inputs: CycleInputs {
                annual_revenue: parse(revenue),
                dso: parse(dso),
                dio: parse(dio),
                dpo: parse(dpo),
            },
        });
    };

    let field = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    name=id
                    inputmode="decimal"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </div>
        }
    };

    view! {
        <section class="card estimator" aria-labelledby="estimator-title">
            <h2 id="estimator-title">"How much cash does your cycle tie up?"</h2>
            <form on:submit=submit>
                <div class="field-grid">
                    {field("annual_revenue", "Annual revenue", revenue)}
                    {field("dso", "Days sales outstanding", dso)}
                    {field("dio", "Days inventory outstanding", dio)}
                    {field("dpo", "Days payables outstanding", dpo)}
                </div>
                <button type="submit" class="button primary">
                    "Estimate"
                </button>
            </form>
            <div class="estimate-result" role="status" aria-live="polite">
                {move || match estimate.value().get() {
                    None => view! { <p class="muted">"Enter your figures and press Estimate."</p> }.into_any(),
                    Some(Ok(e)) => view! { <EstimateResult estimate=e /> }.into_any(),
                    Some(Err(err)) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                }}
            </div>
        </section>
    }
}

#[component]
fn EstimateResult(estimate: CycleEstimate) -> impl IntoView {
    let money = |v: f64| format!("{:.0}", v.round());
    view! {
        <dl class="estimate">
            <div>
                <dt>"Cash conversion cycle"</dt>
                <dd data-testid="ccc">{format!("{:.0} days", estimate.ccc_days)}</dd>
            </div>
            <div>
                <dt>"Cash tied up"</dt>
                <dd data-testid="cash-tied-up">{money(estimate.cash_tied_up)}</dd>
            </div>
            <div>
                <dt>"Released per 10 days shorter"</dt>
                <dd>{money(estimate.cash_per_ten_days)}</dd>
            </div>
        </dl>
    }
}
