//! The operators' console under `/admin`: revenue (the overview), tenants, system
//! health and the audit log. The HTTP layer answers 404 to anyone but a signed-in
//! operator, and every server function checks again.

mod audit;
mod tenants;

pub use audit::AdminAuditPage;
pub use tenants::{AdminTenantPage, AdminTenantsPage};

use crate::pages::scroll_box::ScrollBox;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::{Meta, Title};

use crate::{
    AppError,
    admin::{OperatorSignOut, admin_health, admin_me, admin_revenue},
    format::dollars,
};

/// The console's header: who is signed in, the sections, sign-out.
#[component]
fn ConsoleNav(current: &'static str) -> impl IntoView {
    let me = Resource::new(|| (), |_| admin_me());
    let sign_out = ServerAction::<OperatorSignOut>::new();
    let link = move |href: &'static str, label: &'static str| {
        view! { <a href=href aria-current=(current == href).then_some("page")>{label}</a> }
    };
    view! {
        <Meta name="robots" content="noindex" />
        <nav class="app-header console-nav" aria-label="Console">
            <strong>"Operator console"</strong>
            {link("/admin", "Revenue")}
            {link("/admin/tenants", "Tenants")}
            {link("/admin/health", "System health")}
            {link("/admin/audit", "Audit log")}
            <Suspense fallback=|| ()>
                {move || me.get().and_then(Result::ok).map(|me| view! { <span class="user">{me.name}</span> })}
            </Suspense>
            <ActionForm action=sign_out>
                <button class="button" type="submit">"Sign out"</button>
            </ActionForm>
        </nav>
    }
}

fn failed(err: AppError) -> AnyView {
    view! { <p class="error">{err.to_string()}</p> }.into_any()
}

fn tile(name: &'static str, value: String, note: String) -> impl IntoView {
    view! {
        <div class="tile">
            <h3>{name}</h3>
            <p class="value">{value}</p>
            <p class="formula">{note}</p>
        </div>
    }
}

fn percent(r: crate::admin::revenue::Ratio) -> String {
    r.percent().map_or("—".to_owned(), |p| format!("{p:.0}%"))
}

/// `/admin`: revenue from the subscription records.
#[component]
pub fn AdminRevenuePage() -> impl IntoView {
    let revenue = Resource::new(|| (), |_| admin_revenue());
    view! {
        <Title text="Revenue · Console" />
        <ConsoleNav current="/admin" />
        <h1>"Revenue"</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || revenue.get().map(|r| match r {
                Err(err) => failed(err),
                Ok(v) => {
                    let r = v.revenue;
                    let rows = r.months.iter().rev().map(|m| view! {
                        <tr>
                            <td>{m.month.clone()}</td>
                            <td class="num">{dollars(m.mrr)}</td>
                            <td class="num">{dollars(m.new)}</td>
                            <td class="num">{dollars(m.expansion)}</td>
                            <td class="num">{dollars(m.contraction)}</td>
                            <td class="num">{dollars(m.churned)}</td>
                        </tr>
                    }).collect_view();
                    view! {
                        <div class="tiles">
                            {tile("MRR", dollars(r.mrr), "Paying subscriptions per month; annual ones count a twelfth".into())}
                            {tile("ARR", dollars(r.arr), "MRR × 12".into())}
                            {tile("Paying tenants", r.paying.to_string(), format!("{} comped (no revenue)", r.comped))}
                            {tile("Trials running", r.trials.to_string(), String::new())}
                            {tile("Trial-to-paid", percent(r.trial_conversion), format!("{} of {} trials ended in 12 months", r.trial_conversion.part, r.trial_conversion.whole))}
                            {tile("Churn last month", percent(r.churn_last_month), format!("{} of {} paying tenants stopped", r.churn_last_month.part, r.churn_last_month.whole))}
                        </div>
                        <div class="charts">
                            <figure class="card chart-card"><figcaption><h3>"MRR"</h3></figcaption><div inner_html=v.mrr_chart></div></figure>
                            <figure class="card chart-card"><figcaption><h3>"MRR movement"</h3></figcaption><div inner_html=v.movement_chart></div></figure>
                            <figure class="card chart-card"><figcaption><h3>"Active subscriptions by plan"</h3></figcaption><div inner_html=v.plans_chart></div></figure>
                        </div>
                        <section class="card">
                            <h2>"MRR movement by month"</h2>
                            <ScrollBox label="MRR movement by month">
                                <table class="data">
                                    <thead><tr>
                                        <th scope="col">"Month"</th><th scope="col" class="num">"MRR at end"</th><th scope="col" class="num">"New"</th>
                                        <th scope="col" class="num">"Expansion"</th><th scope="col" class="num">"Contraction"</th><th scope="col" class="num">"Churn"</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </ScrollBox>
                        </section>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

fn duration(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else {
        format!("{h} h {m} min")
    }
}

/// `/admin/health`: this process, the database, jobs, webhooks and migrations.
#[component]
pub fn AdminHealthPage() -> impl IntoView {
    let health = Resource::new(|| (), |_| admin_health());
    view! {
        <Title text="System health · Console" />
        <ConsoleNav current="/admin/health" />
        <h1>"System health"</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || health.get().map(|h| match h {
                Err(err) => failed(err),
                Ok(h) => {
                    let error_rate = if h.requests == 0 { "—".to_owned() } else {
                        format!("{:.2}%", h.server_errors as f64 * 100.0 / h.requests as f64)
                    };
                    let behind: i64 = h.schema_versions.iter().filter(|(v, _)| *v < h.template_version).map(|(_, n)| n).sum();
                    let idle = h.jobs.is_empty().then(|| view! { <p class="muted">"No jobs waiting, running or failed."</p> });
                    let jobs = h.jobs.iter().map(|(queue, state, n)| view! {
                        <tr><td>{queue.clone()}</td><td>{state.clone()}</td><td class="num">{*n}</td></tr>
                    }).collect_view();
                    let versions = h.schema_versions.iter().map(|(v, n)| view! {
                        <tr><td>{*v}</td><td class="num">{*n}</td><td>{if *v == h.template_version { "current" } else { "behind: run capliquify migrate" }}</td></tr>
                    }).collect_view();
                    view! {
                        <div class="tiles">
                            {tile("Version", h.version.clone(), format!("up {}", duration(h.uptime_secs)))}
                            {tile("Database", if h.database_ok { "up".into() } else { "DOWN".into() }, format!("{:.1} ms round trip", h.database_ms))}
                            {tile("Connection pool", format!("{} / {}", h.pool_size - h.pool_idle.min(h.pool_size), h.pool_max), format!("{} open, {} idle", h.pool_size, h.pool_idle))}
                            {tile("Error rate", error_rate, format!("{} server errors in {} responses since start", h.server_errors, h.requests))}
                            {tile("Failed jobs", h.jobs_failed_24h.to_string(), "in the last 24 hours".into())}
                            {tile("Stripe webhooks waiting", h.webhooks_unprocessed.to_string(),
                                h.webhook_oldest_unprocessed_secs.map_or("none waiting".into(), |s| format!("oldest {s:.0} s")))}
                            {tile("Webhook lag", h.webhook_mean_lag_secs.map_or("—".into(), |s| format!("{s:.1} s")), "mean, receipt to processed, 24 h".into())}
                            {tile("Tenants behind", behind.to_string(), format!("template version {}", h.template_version))}
                        </div>
                        <section class="card">
                            <h2>"Job queue"</h2>
                            {idle}
                            <ScrollBox label="Job queue">
                                <table class="data">
                                    <thead><tr><th scope="col">"Queue"</th><th scope="col">"State"</th><th scope="col" class="num">"Jobs"</th></tr></thead>
                                    <tbody>{jobs}</tbody>
                                </table>
                            </ScrollBox>
                            <h2>"Tenant schemas by version"</h2>
                            <ScrollBox label="Tenant schemas by version">
                                <table class="data">
                                    <thead><tr><th scope="col">"Version"</th><th scope="col" class="num">"Tenants"</th><th scope="col">"Status"</th></tr></thead>
                                    <tbody>{versions}</tbody>
                                </table>
                            </ScrollBox>
                        </section>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
