//! `/app/{slug}/scenarios`: what-if scenarios next to the baseline and each other —
//! create, edit (`?edit={id}`), duplicate, delete, compare and export.

use crate::pages::scroll_box::ScrollBox;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    forms::{field_error, form_error},
    upgrade::upgrade_or_error,
};
use crate::{
    format::thousands,
    scenarios::{
        DeleteScenario, DuplicateScenario, Levers, Outcome, SaveScenario, ScenariosView,
        get_scenarios,
    },
};

const TITLE: &str = "What-if scenarios";
const PITCH: &str = "Change customer and supplier terms, stock days, growth, prices and costs, \
    and see the effect on DSO, DIO, DPO, the cash conversion cycle and the cash released or \
    consumed over 12 months — next to today and to your other scenarios.";

fn money(v: f64) -> String {
    let sign = if v < 0.0 { "−" } else { "" };
    format!("{sign}${}", thousands(v.abs().round() as u64))
}

fn days(v: f64) -> String {
    format!("{v:.1}")
}

/// The levers' form fields: (field, label, unit).
const LEVERS: [(&str, &str, &str); 6] = [
    ("dso_days", "Customer payment days (DSO) change", "days"),
    ("dpo_days", "Supplier payment days (DPO) change", "days"),
    ("dio_days", "Inventory days (DIO) change", "days"),
    ("sales_growth_pct", "Sales volume growth", "%"),
    ("price_change_pct", "Price change", "%"),
    ("cost_change_pct", "Unit cost change", "%"),
];

fn lever(l: &Levers, field: &str) -> f64 {
    match field {
        "dso_days" => l.dso_days,
        "dpo_days" => l.dpo_days,
        "dio_days" => l.dio_days,
        "sales_growth_pct" => l.sales_growth_pct,
        "price_change_pct" => l.price_change_pct,
        _ => l.cost_change_pct,
    }
}

#[component]
pub fn ScenariosPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let query = use_query_map();
    let editing = move || query.read().get("edit");
    let save = ServerAction::<SaveScenario>::new();
    let duplicate = ServerAction::<DuplicateScenario>::new();
    let delete = ServerAction::<DeleteScenario>::new();
    let view = Resource::new(
        move || {
            (
                slug(),
                save.version().get(),
                duplicate.version().get(),
                delete.version().get(),
            )
        },
        |(slug, ..)| get_scenarios(slug),
    );
    view! {
        <Title text=TITLE />
        <p><a href=move || format!("/app/{}", slug())>"← Back to the dashboard"</a></p>
        <h1>{TITLE}</h1>
        {form_error(duplicate.value())}
        {form_error(delete.value())}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || view.get().map(|r| match r {
                Err(err) => upgrade_or_error(err, TITLE, PITCH),
                Ok(v) => view! { <Scenarios v slug=slug() editing=editing() save duplicate delete /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Scenarios(
    v: ScenariosView,
    slug: String,
    editing: Option<String>,
    save: ServerAction<SaveScenario>,
    duplicate: ServerAction<DuplicateScenario>,
    delete: ServerAction<DeleteScenario>,
) -> impl IntoView {
    let result = save.value();
    let edited =
        editing.and_then(|id| v.scenarios.iter().find(|s| s.id.to_string() == id).cloned());
    let columns: Vec<(String, Outcome)> =
        std::iter::once(("Baseline (today)".to_owned(), v.baseline_outcome.clone()))
            .chain(
                v.scenarios
                    .iter()
                    .map(|s| (s.name.clone(), s.outcome.clone())),
            )
            .collect();
    type Metric = (&'static str, fn(&Outcome) -> String);
    let metrics: [Metric; 11] = [
        ("DSO (days)", |o| days(o.dso)),
        ("DIO (days)", |o| days(o.dio)),
        ("DPO (days)", |o| days(o.dpo)),
        ("Cash conversion cycle (days)", |o| days(o.ccc)),
        ("Receivables", |o| money(o.receivables)),
        ("Inventory", |o| money(o.inventory)),
        ("Payables", |o| money(o.payables)),
        ("Working capital", |o| money(o.working_capital)),
        ("Cash from working capital, 12 months", |o| {
            money(o.cash_from_working_capital)
        }),
        ("Extra gross margin, 12 months", |o| {
            money(o.extra_gross_margin)
        }),
        ("Total cash effect, 12 months", |o| {
            money(o.total_cash_effect)
        }),
    ];
    let header = columns
        .iter()
        .map(|(name, _)| view! { <th scope="col" class="num">{name.clone()}</th> })
        .collect_view();
    let body = metrics
        .iter()
        .map(|(label, f)| {
            let cells = columns
                .iter()
                .map(|(_, o)| view! { <td class="num">{f(o)}</td> })
                .collect_view();
            view! { <tr><th scope="row">{*label}</th>{cells}</tr> }
        })
        .collect_view();
    let action_slug = slug.clone();
    let scenarios = v.scenarios.clone();
    let actions = v.can_edit.then(move || {
        let cells = scenarios.into_iter().map(|s| {
            let id = s.id.to_string();
            let edit = format!("/app/{action_slug}/scenarios?edit={id}");
            let (slug_a, slug_b, id_a, id_b) = (action_slug.clone(), action_slug.clone(), id.clone(), id);
            let (edit_label, duplicate_label, delete_label) =
                (format!("Edit {}", s.name), format!("Duplicate {}", s.name), format!("Delete {}", s.name));
            view! {
                <td class="actions">
                    <a href=edit>{edit_label}</a>
                    <ActionForm action=duplicate attr:class="inline">
                        <input type="hidden" name="slug" value=slug_a />
                        <input type="hidden" name="id" value=id_a />
                        <button class="button" type="submit" aria-label=duplicate_label>"Duplicate"</button>
                    </ActionForm>
                    <ActionForm action=delete attr:class="inline">
                        <input type="hidden" name="slug" value=slug_b />
                        <input type="hidden" name="id" value=id_b />
                        <button class="button danger" type="submit" aria-label=delete_label>"Delete"</button>
                    </ActionForm>
                </td>
            }
        }).collect_view();
        view! { <tr><th scope="row">"Actions"</th><td></td>{cells}</tr> }
    });
    let b = v.baseline;
    // After a save the form starts again from its defaults (empty for a new scenario).
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(result.get(), Some(Ok(_)))
            && let Some(form) = form_ref.get()
        {
            form.reset();
        }
    });
    let form_slug = slug.clone();
    let form = v.can_edit.then(move || {
        let slug = form_slug;
        let levers = edited.as_ref().map(|s| s.levers).unwrap_or_default();
        let fields = LEVERS.iter().map(|(field, label, unit)| {
            let name = format!("levers[{field}]");
            view! {
                <div class="field">
                    <label for=*field>{format!("{label} ({unit})")}</label>
                    <input id=*field name=name type="number" step="any" value=lever(&levers, field).to_string() />
                    {field_error(result, match *field {
                        "dso_days" => "levers[dso_days]",
                        "dpo_days" => "levers[dpo_days]",
                        "dio_days" => "levers[dio_days]",
                        "sales_growth_pct" => "levers[sales_growth_pct]",
                        "price_change_pct" => "levers[price_change_pct]",
                        _ => "levers[cost_change_pct]",
                    })}
                </div>
            }
        }).collect_view();
        view! {
            <section class="card">
                <h2>{if edited.is_some() { "Edit scenario" } else { "New scenario" }}</h2>
                <ActionForm action=save node_ref=form_ref attr:class="scenario-form">
                    <input type="hidden" name="slug" value=slug.clone() />
                    {edited.as_ref().map(|s| view! { <input type="hidden" name="id" value=s.id.to_string() /> })}
                    <div class="field">
                        <label for="scenario-name">"Name"</label>
                        <input id="scenario-name" name="name" required maxlength="120" value=edited.as_ref().map(|s| s.name.clone()).unwrap_or_default() />
                        {field_error(result, "name")}
                    </div>
                    <div class="lever-grid">{fields}</div>
                    {form_error(result)}
                    <button class="button primary" type="submit">"Save scenario"</button>
                    {edited.is_some().then(|| view! { <a href=format!("/app/{slug}/scenarios")>"Cancel"</a> })}
                </ActionForm>
            </section>
        }
    });
    view! {
        <p class="muted">{format!(
            "Baseline as of {}: revenue ${}/day, cost of goods sold ${}/day over the last 90 days. Levers move in a straight line to their full change by month 12.",
            v.as_of, thousands(b.revenue_per_day.round() as u64), thousands(b.cogs_per_day.round() as u64)
        )}</p>
        <section class="card">
            <h2>"Comparison"</h2>
            <ScrollBox label="Scenario comparison">
                <table class="data scenarios">
                    <thead><tr><th scope="col">"Metric"</th>{header}</tr></thead>
                    <tbody>{body}{actions}</tbody>
                </table>
            </ScrollBox>
            <p><a class="button" href=format!("/app/{slug}/export/scenarios.csv") download>"Export CSV"</a></p>
        </section>
        {(!v.scenarios.is_empty()).then(|| view! {
            <figure class="card chart-card">
                <figcaption><h2>"Cash effect by month"</h2></figcaption>
                <div inner_html=v.chart.clone()></div>
            </figure>
        })}
        {form}
    }
}
