//! The working-capital dashboard on an organization's home page: the metrics now,
//! each with its formula, and their last 12 months as server-rendered SVG charts.

use leptos::{form::ActionForm, prelude::*};

use super::forms::form_error;
use crate::workspace::{Dashboard, LoadSampleData, get_dashboard};

#[component]
pub fn DashboardPanel(slug: String) -> impl IntoView {
    let load = ServerAction::<LoadSampleData>::new();
    let dashboard = Resource::new(
        {
            let slug = slug.clone();
            move || (slug.clone(), load.version().get())
        },
        |(slug, _)| get_dashboard(slug),
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Computing the dashboard…"</p> }>
            {move || {
                let slug = slug.clone();
                dashboard.get().map(move |result| match result {
                    Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                    Ok(d) if d.empty => view! { <Empty d slug load /> }.into_any(),
                    Ok(d) => view! { <Metrics d /> }.into_any(),
                })
            }}
        </Suspense>
    }
}

#[component]
fn Empty(d: Dashboard, slug: String, load: ServerAction<LoadSampleData>) -> impl IntoView {
    let sample = d.can_load_sample.then(|| {
        view! {
            <ActionForm action=load>
                <input type="hidden" name="slug" value=slug />
                <button class="button primary" type="submit">"Load sample data"</button>
            </ActionForm>
            {form_error(load.value())}
        }
    });
    view! {
        <section class="card empty-state">
            <h2>"No data yet"</h2>
            <p>
                "The dashboard fills in once the organization has invoices, bills, orders and stock. Load a sample manufacturer to see how it works: 200 products and two years of sales and purchases."
            </p>
            {sample}
        </section>
    }
}

#[component]
fn Metrics(d: Dashboard) -> impl IntoView {
    let tiles = d
        .tiles
        .into_iter()
        .map(|t| {
            view! {
                <div class="tile">
                    <h3>{t.name}</h3>
                    <p class="value">{t.value}</p>
                    <p class="formula">{t.formula}</p>
                </div>
            }
        })
        .collect_view();
    let charts = d
        .charts
        .into_iter()
        .map(|c| {
            view! {
                <figure class="card chart-card">
                    <figcaption>
                        <h3>{c.title}</h3>
                        <p class="muted">{c.explanation}</p>
                    </figcaption>
                    <div inner_html=c.svg></div>
                </figure>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="metrics-heading">
            <h2 id="metrics-heading">{format!("Working capital as of {}", d.as_of)}</h2>
            <div class="tiles">{tiles}</div>
        </section>
        <div class="charts">{charts}</div>
    }
}
