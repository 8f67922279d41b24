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
            <p class="cta">
                <a class="button primary" href="/signup">"Start your 14-day free trial"</a>
                " "
                <a class="button" href="/contact">"Book a demo"</a>
            </p>
            <p class="muted">"No card needed. Your data stays yours and exports as CSV at any time."</p>
        </section>
        <section aria-labelledby="features-title">
            <h2 id="features-title">"What manufacturers use it for"</h2>
            <div class="features">
                <div class="card">
                    <h3>"See the cash cycle"</h3>
                    <p>"DSO, DIO, DPO and the cash conversion cycle from your own invoices, bills and stock, each with its formula and a 12-month trend."</p>
                </div>
                <div class="card">
                    <h3>"Chase the right invoices"</h3>
                    <p>"Overdue receivables by age and customer, so collections start where the money is."</p>
                </div>
                <div class="card">
                    <h3>"Right-size inventory"</h3>
                    <p>"Stock value per product and location, reorder points and what turns slowly, with demand forecasts on Professional."</p>
                </div>
                <div class="card">
                    <h3>"Plan with your team"</h3>
                    <p>"Owners, admins, members and read-only viewers; what-if scenarios for payment terms, stock policy and growth."</p>
                </div>
            </div>
        </section>
        <section aria-labelledby="how-title">
            <h2 id="how-title">"How it works"</h2>
            <ol class="how">
                <li><strong>"Bring your data."</strong>" Upload CSV exports of products, stock, invoices, bills and orders; every row is checked before anything is saved."</li>
                <li><strong>"Read the dashboard."</strong>" The cash tied up in receivables, inventory and payables, and how it moved over the year."</li>
                <li><strong>"Act and measure."</strong>" Shorten the cycle a few days and watch the cash it releases."</li>
            </ol>
        </section>
        <section aria-labelledby="preview-title" class="card">
            <h2 id="preview-title">"A look at the dashboard"</h2>
            <DashboardPreview />
        </section>
        <CycleEstimator />
        <section aria-labelledby="trust-title">
            <h2 id="trust-title">"Your figures, kept like a finance team would"</h2>
            <div class="features">
                <div class="card">
                    <h3>"Separate by design"</h3>
                    <p>"Each organization's data lives in its own database schema, and every request checks who is asking and for which organization."</p>
                </div>
                <div class="card">
                    <h3>"Every change on record"</h3>
                    <p>"Sign-ins, role changes, imports and plan changes go into an audit log whose entries are chained, so an edited or deleted entry shows."</p>
                </div>
                <div class="card">
                    <h3>"Yours to take away"</h3>
                    <p>"Products, stock, customers, suppliers, orders, invoices, bills and scenarios export as CSV at any time; on Enterprise a REST API reads them too."</p>
                </div>
            </div>
            <p class="cta"><a class="button primary" href="/signup">"Try it free for 14 days"</a></p>
        </section>
    }
}

/// A static, sized sketch of the dashboard's cash-cycle chart (inline SVG: no image
/// request, nothing to lay out twice).
#[component]
fn DashboardPreview() -> impl IntoView {
    view! {
        <svg class="chart preview" viewBox="0 0 640 200" width="640" height="200" role="img" aria-label="Example: over a year the cash conversion cycle falls from 88 to 61 days and DSO from 56 to 42" xmlns="http://www.w3.org/2000/svg">
            <title>"Example: over a year the cash conversion cycle falls from 88 to 61 days and DSO from 56 to 42"</title>
            <line class="grid" x1="40" x2="630" y1="40" y2="40" />
            <line class="grid" x1="40" x2="630" y1="100" y2="100" />
            <line class="grid" x1="40" x2="630" y1="160" y2="160" />
            <text class="tick" x="34" y="44" text-anchor="end">"100d"</text>
            <text class="tick" x="34" y="104" text-anchor="end">"50d"</text>
            <text class="tick" x="34" y="164" text-anchor="end">"0d"</text>
            <polyline class="series ccc" fill="none" points="40,54 94,50 148,56 202,60 256,66 310,70 364,74 418,80 472,84 526,88 580,92 630,87" />
            <polyline class="series dso" fill="none" points="40,92 94,90 148,94 202,96 256,98 310,100 364,104 418,106 472,108 526,110 580,112 630,110" />
            <line class="series ccc" x1="300" x2="320" y1="20" y2="20" />
            <text class="legend" x="326" y="24">"Cash conversion cycle"</text>
            <line class="series dso" x1="470" x2="490" y1="20" y2="20" />
            <text class="legend" x="496" y="24">"Days sales outstanding"</text>
        </svg>
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
        <section class="card" aria-labelledby="estimator-title">
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
