//! `/app/{slug}/forecasts` (run a forecast of the whole catalogue, see accuracy and
//! reorder suggestions per product and category) and `/app/{slug}/forecasts/{id}`
//! (one product: history, forecast and interval, and its stock policy).

use crate::pages::scroll_box::ScrollBox;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use super::{
    forms::{field_error, form_error},
    upgrade::upgrade_or_error,
};
use crate::{
    forecasting::{ForecastOverview, RunForecast, get_forecasts, get_product_forecast},
    format::thousands,
};

const TITLE: &str = "Demand forecasting";
const PITCH: &str = "Forecast each product's and category's demand for the next 3 to 12 months \
    from your sales history, with seasonality, prediction intervals and an accuracy score; \
    get reorder points, order quantities and the cash your stock should tie up.";

fn units(v: f64) -> String {
    thousands(v.max(0.0).round() as u64)
}

fn money(v: f64) -> String {
    format!("${}", thousands(v.max(0.0).round() as u64))
}

fn accuracy(mase: Option<f64>) -> String {
    mase.map_or("—".into(), |m| format!("{m:.2}"))
}

#[component]
pub fn ForecastsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let query = use_query_map();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<usize>().ok())
    };
    let run = ServerAction::<RunForecast>::new();
    let overview = Resource::new(
        move || (slug(), page(), run.version().get()),
        |(slug, page, _)| get_forecasts(slug, page),
    );
    // While a run is in progress, look again every second (in the browser only).
    Effect::new(move |_| {
        let running = overview
            .get()
            .is_some_and(|r| r.is_ok_and(|o| o.run.is_some_and(|r| r.status == "running")));
        if running {
            set_timeout(
                move || overview.refetch(),
                std::time::Duration::from_secs(1),
            );
        }
    });
    view! {
        <Title text=TITLE />
        <p><a href=move || format!("/app/{}", slug())>"← Back to the dashboard"</a></p>
        <h1>{TITLE}</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || overview.get().map(|r| match r {
                Err(err) => upgrade_or_error(err, TITLE, PITCH),
                Ok(o) => view! { <Overview o slug=slug() run /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Overview(o: ForecastOverview, slug: String, run: ServerAction<RunForecast>) -> impl IntoView {
    let result = run.value();
    let running = o.run.as_ref().filter(|r| r.status == "running").map(|r| {
        let percent = if r.total > 0 { r.done * 100 / r.total } else { 0 };
        // The worker sets the total when it takes the run up.
        let label = if r.total > 0 {
            format!("Forecasting: {} of {} series ({percent}%)", r.done, r.total)
        } else {
            "Queued: the run starts as soon as a worker is free.".to_owned()
        };
        view! {
            <div role="status" class="run-progress">
                <label for="forecast-progress">{label}</label>
                <progress id="forecast-progress" max=r.total.max(1).to_string() value=r.done.to_string()></progress>
            </div>
        }
    });
    let failed = o.run.as_ref().filter(|r| r.status == "failed").map(|r| view! {
        <p class="error">{format!("The last run failed: {}", r.error.clone().unwrap_or_default())}</p>
    });
    let form_slug = slug.clone();
    let form = (o.can_run && running.is_none()).then(move || view! {
        <ActionForm action=run attr:class="filters">
            <input type="hidden" name="slug" value=form_slug />
            <label for="horizon">"Months ahead"</label>
            <select id="horizon" name="horizon">
                {[3, 6, 9, 12].into_iter().map(|h| view! { <option value=h.to_string() selected=h == 6>{h}</option> }).collect_view()}
            </select>
            <label for="service_level">"Service level"</label>
            <select id="service_level" name="service_level">
                {[("0.9", "90%"), ("0.95", "95%"), ("0.98", "98%"), ("0.99", "99%")]
                    .into_iter().map(|(v, l)| view! { <option value=v selected=v == "0.95">{l}</option> }).collect_view()}
            </select>
            <button class="button primary" type="submit">"Run forecast"</button>
            {field_error(result, "horizon")}
            {field_error(result, "service_level")}
        </ActionForm>
    });
    let empty = o.rows.is_empty().then(|| view! {
        <p class="muted">"No forecast yet. A run forecasts every active product and category from up to four years of monthly sales."</p>
    });
    let rows = o.rows.iter().map(|r| {
        let href = format!("/app/{slug}/forecasts/{}", r.product_id);
        view! {
            <tr>
                <td><a href=href>{r.sku.clone()}</a></td>
                <td>{r.name.clone()}</td>
                <td>{r.method.clone()}</td>
                <td class="num" title="MASE on the last months held out; below 1 beats repeating last year">{accuracy(r.mase)}</td>
                <td class="num">{accuracy(r.baseline_mase)}</td>
                <td class="num">{units(r.forecast_units)}</td>
                <td class="num">{units(r.on_hand)}</td>
                <td class="num">{units(r.reorder.reorder_point)}</td>
                <td class="num">{units(r.reorder.order_quantity)}</td>
                <td class="num">{money(r.reorder.cash_tied_up)}</td>
            </tr>
        }
    }).collect_view();
    let categories = o
        .categories
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <td>{c.category.clone()}</td>
                    <td>{c.method.clone()}</td>
                    <td class="num">{accuracy(c.mase)}</td>
                    <td class="num">{units(c.forecast_units)}</td>
                </tr>
            }
        })
        .collect_view();
    let has_rows = !o.rows.is_empty();
    let prev = (o.page > 1).then(|| format!("/app/{slug}/forecasts?page={}", o.page - 1));
    let next = (o.page < o.pages).then(|| format!("/app/{slug}/forecasts?page={}", o.page + 1));
    view! {
        <section class="card">
            {form}
            {form_error(result)}
            {running}
            {failed}
            {empty}
        </section>
        {has_rows.then(|| view! {
            <div class="tiles">
                <div class="tile"><h3>"Stock on hand, at cost"</h3><p class="value">{money(o.cash_on_hand)}</p>
                    <p class="formula">"Σ on hand × unit cost"</p></div>
                <div class="tile"><h3>"Suggested stock, at cost"</h3><p class="value">{money(o.cash_tied_up)}</p>
                    <p class="formula">{format!("Σ (safety stock + half a month's demand) × unit cost, at {:.0}% service", o.service_level * 100.0)}</p></div>
                <div class="tile"><h3>"Cash that could be released"</h3><p class="value">{money(o.cash_on_hand - o.cash_tied_up)}</p>
                    <p class="formula">"On hand minus suggested, when positive"</p></div>
            </div>
            <section class="card">
                <h2>{format!("Products: next {} months", o.horizon_months)}</h2>
                <p class="muted">"Accuracy is MASE on the most recent months held out: 1.00 is as good as repeating the same month last year, lower is better. The baseline column is that repetition's own score."</p>
                <ScrollBox label="Product forecasts">
                    <table class="data forecasts">
                        <thead><tr>
                            <th scope="col">"SKU"</th><th scope="col">"Product"</th><th scope="col">"Method"</th>
                            <th scope="col" class="num">"Accuracy (MASE)"</th><th scope="col" class="num">"Baseline"</th><th scope="col" class="num">"Forecast units"</th>
                            <th scope="col" class="num">"On hand"</th><th scope="col" class="num">"Reorder point"</th><th scope="col" class="num">"Order now"</th><th scope="col" class="num">"Stock cash"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </ScrollBox>
                <nav class="pager" aria-label="Pages">
                    {prev.map(|href| view! { <a href=href>"← Previous"</a> })}
                    <span>{format!("Page {} of {} ({} products)", o.page, o.pages, o.products)}</span>
                    {next.map(|href| view! { <a href=href>"Next →"</a> })}
                </nav>
            </section>
            <section class="card">
                <h2>"Categories"</h2>
                <ScrollBox label="Category forecasts">
                    <table class="data">
                        <thead><tr><th scope="col">"Category"</th><th scope="col">"Method"</th><th scope="col" class="num">"Accuracy (MASE)"</th><th scope="col" class="num">"Forecast units"</th></tr></thead>
                        <tbody>{categories}</tbody>
                    </table>
                </ScrollBox>
            </section>
        })}
    }
}

#[component]
pub fn ProductForecastPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| Uuid::parse_str(&id).ok())
    };
    let forecast = Resource::new(
        move || (slug(), id()),
        |(slug, id)| async move {
            match id {
                Some(id) => get_product_forecast(slug, id).await,
                None => Err(crate::AppError::not_found("A forecast for this product")),
            }
        },
    );
    view! {
        <Title text="Product forecast" />
        <p><a href=move || format!("/app/{}/forecasts", slug())>"← All forecasts"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || forecast.get().map(|r| match r {
                Err(err) => upgrade_or_error(err, TITLE, PITCH),
                Ok(f) => {
                    let months = f.points.iter().map(|p| view! {
                        <tr><td>{p.month.clone()}</td><td class="num">{units(p.value)}</td>
                            <td class="num">{units(p.lower)}</td><td class="num">{units(p.upper)}</td></tr>
                    }).collect_view();
                    let r = f.reorder;
                    view! {
                        <h1>{format!("{} · {}", f.sku, f.name)}</h1>
                        {f.message.clone().map(|m| view! { <p class="banner">{m}</p> })}
                        <div class="tiles">
                            <div class="tile"><h3>"Method"</h3><p class="value small">{f.method.clone()}</p>
                                <p class="formula">"Chosen on the held-out months against the seasonal-naive baseline"</p></div>
                            <div class="tile"><h3>"Accuracy (MASE)"</h3><p class="value">{accuracy(f.mase)}</p>
                                <p class="formula">{format!("Baseline {}; MAPE {}", accuracy(f.baseline_mase), f.mape.map_or("—".into(), |m| format!("{m:.0}%")))}</p></div>
                            <div class="tile"><h3>"Reorder point"</h3><p class="value">{units(r.reorder_point)}</p>
                                <p class="formula">{format!("{} lead-time demand ({} days) + {} safety stock at {:.0}% service", units(r.lead_time_demand), f.lead_time_days, units(r.safety_stock), f.service_level * 100.0)}</p></div>
                            <div class="tile"><h3>"Order now"</h3><p class="value">{units(r.order_quantity)}</p>
                                <p class="formula">{format!("{} on hand", units(f.on_hand))}</p></div>
                            <div class="tile"><h3>"Stock cash"</h3><p class="value">{money(r.cash_tied_up)}</p>
                                <p class="formula">{format!("(safety stock + half a month) × ${:.2}; on hand now {}", f.unit_cost, money(r.cash_on_hand))}</p></div>
                        </div>
                        <figure class="card chart-card">
                            <figcaption><h2>"History and forecast"</h2></figcaption>
                            <div inner_html=f.chart.clone()></div>
                        </figure>
                        <section class="card">
                            <h2>"Forecast by month (80% interval)"</h2>
                            <ScrollBox label="Forecast by month">
                                <table class="data">
                                    <thead><tr><th scope="col">"Month"</th><th scope="col" class="num">"Units"</th><th scope="col" class="num">"Low"</th><th scope="col" class="num">"High"</th></tr></thead>
                                    <tbody>{months}</tbody>
                                </table>
                            </ScrollBox>
                        </section>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
