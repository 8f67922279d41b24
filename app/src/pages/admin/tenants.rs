//! `/admin/tenants` (the list: search, filters, sort and page in the address) and
//! `/admin/tenants/{id}` (one tenant, with the actions operators take).

use crate::pages::scroll_box::ScrollBox;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use super::{ConsoleNav, failed};
use crate::{
    admin::{
        AdminStartSupport, AdminTenantAction, TenantDetail, TenantQuery, admin_tenant,
        admin_tenants,
    },
    billing::Plan,
    format::{dollars, urlencode},
    pages::forms::{field_error, form_error},
};

fn list_link(q: &TenantQuery, change: impl FnOnce(&mut TenantQuery)) -> String {
    let mut q = q.clone();
    change(&mut q);
    let page = q.page.map(|p| p.to_string());
    let pairs = [
        ("q", q.q.as_deref()),
        ("status", q.status.as_deref()),
        ("plan", q.plan.as_deref()),
        ("sort", q.sort.as_deref()),
        ("page", page.as_deref()),
    ];
    let encoded: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(v)))
        })
        .collect();
    format!("/admin/tenants?{}", encoded.join("&"))
}

#[component]
pub fn AdminTenantsPage() -> impl IntoView {
    let query = use_query_map();
    let current = move || {
        let q = query.read();
        TenantQuery {
            q: q.get("q"),
            status: q.get("status"),
            plan: q.get("plan"),
            sort: q.get("sort"),
            page: q.get("page").and_then(|p| p.parse().ok()),
        }
    };
    let list = Resource::new(current, admin_tenants);
    view! {
        <Title text="Tenants · Console" />
        <ConsoleNav current="/admin/tenants" />
        <h1>"Tenants"</h1>
        <section class="card">
            {move || {
                let q = current();
                let selected = |v: &Option<String>, option: &str| v.as_deref() == Some(option);
                view! {
                    <form class="filters" method="get" action="/admin/tenants">
                        <label for="q">"Search"</label>
                        <input id="q" name="q" type="search" placeholder="Name or address" value=q.q.clone().unwrap_or_default() />
                        <label for="status">"Status"</label>
                        <select id="status" name="status">
                            <option value="">"Any"</option>
                            {crate::admin::TENANT_STATUSES.iter().map(|s| view! {
                                <option value=*s selected=selected(&q.status, s)>{s.replace('_', " ")}</option>
                            }).collect_view()}
                        </select>
                        <label for="plan">"Plan"</label>
                        <select id="plan" name="plan">
                            <option value="">"Any"</option>
                            {Plan::ALL.into_iter().map(|p| view! {
                                <option value=p.id() selected=selected(&q.plan, p.id())>{p.name()}</option>
                            }).collect_view()}
                        </select>
                        <input type="hidden" name="sort" value=q.sort.clone().unwrap_or_default() />
                        <button class="button" type="submit">"Filter"</button>
                    </form>
                }
            }}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || list.get().map(|r| match r {
                    Err(err) => failed(err),
                    Ok(list) => {
                        let q = current();
                        let sort = |key: &'static str, label: &'static str, num: bool| {
                            let href = list_link(&q, |q| { q.sort = Some(key.into()); q.page = None; });
                            let active = q.sort.as_deref().unwrap_or("created") == key;
                            view! { <th scope="col" class:num=num aria-sort=active.then_some("descending")><a href=href>{label}</a></th> }
                        };
                        let rows = list.rows.into_iter().map(|t| view! {
                            <tr>
                                <td><a href=format!("/admin/tenants/{}", t.id)>{t.name}</a><br /><span class="muted">{t.slug}</span></td>
                                <td>{t.status}</td>
                                <td>{t.plan}</td>
                                <td>{t.created}</td>
                                <td class="num">{t.members}</td>
                                <td>{t.last_activity.unwrap_or_else(|| "—".into())}</td>
                                <td class="num">{dollars(t.mrr)}</td>
                            </tr>
                        }).collect_view();
                        let head = view! {
                            <tr>
                                {sort("name", "Tenant", false)}
                                <th scope="col">"Status"</th>
                                {sort("plan", "Plan", false)}
                                {sort("created", "Created", false)}
                                {sort("members", "Members", true)}
                                {sort("activity", "Last activity", false)}
                                {sort("mrr", "MRR", true)}
                            </tr>
                        };
                        let prev = (list.page > 1).then(|| list_link(&q, |q| q.page = Some(list.page - 1)));
                        let next = (list.page < list.pages).then(|| list_link(&q, |q| q.page = Some(list.page + 1)));
                        view! {
                            <p class="muted">{format!("{} tenants", list.total)}</p>
                            <ScrollBox label="Tenants">
                                <table class="data tenants">
                                    <thead>{head}</thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </ScrollBox>
                            <nav class="pager" aria-label="Pages">
                                {prev.map(|href| view! { <a href=href>"← Previous"</a> })}
                                <span>{format!("Page {} of {}", list.page, list.pages)}</span>
                                {next.map(|href| view! { <a href=href>"Next →"</a> })}
                            </nav>
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn AdminTenantPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| Uuid::parse_str(&id).ok())
    };
    let act = ServerAction::<AdminTenantAction>::new();
    let support = ServerAction::<AdminStartSupport>::new();
    let detail = Resource::new(
        move || (id(), act.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => admin_tenant(id).await,
                None => Err(crate::AppError::not_found("Tenant")),
            }
        },
    );
    view! {
        <Title text="Tenant · Console" />
        <ConsoleNav current="/admin/tenants" />
        <p><a href="/admin/tenants">"← All tenants"</a></p>
        <div role="status" class="action-result">
            {move || matches!(act.value().get(), Some(Ok(()))).then(|| view! { <p class="banner">"Done, and recorded in the audit log."</p> })}
        </div>
        {form_error(act.value())}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || detail.get().map(|r| match r {
                Err(err) => failed(err),
                Ok(t) => view! { <TenantView t act support /> }.into_any(),
            })}
        </Suspense>
    }
}

/// Which tenant and which action a form is for.
fn hidden(id: Uuid, action: &'static str) -> impl IntoView {
    view! {
        <input type="hidden" name="id" value=id.to_string() />
        <input type="hidden" name="action" value=action />
    }
}

/// The reason field every action form carries.
fn reason_field<S>(result: S, id: &'static str) -> impl IntoView
where
    S: Get<Value = Option<Result<(), crate::AppError>>> + Copy + Send + Sync + 'static,
{
    view! {
        <label for=id>"Reason (kept in the audit log)"</label>
        <input id=id name="reason" required minlength="5" maxlength="500" />
        {field_error(result, "reason")}
    }
}

#[component]
fn TenantView(
    t: TenantDetail,
    act: ServerAction<AdminTenantAction>,
    support: ServerAction<AdminStartSupport>,
) -> impl IntoView {
    let result = act.value();
    let id = t.row.id;
    let members = t.members.iter().map(|m| view! {
        <tr><td>{m.name.clone()}</td><td>{m.email.clone()}</td><td>{m.role.clone()}</td><td>{m.joined.clone()}</td></tr>
    }).collect_view();
    let usage = t.usage.iter().map(|u| view! {
        <li>{format!("{}: {} of {}", u.what, u.used, u.limit.map_or("unlimited".to_owned(), |l| l.to_string()))}</li>
    }).collect_view();
    let features = t.features.iter().map(|f| view! {
        <li>{format!("{}: {}{}", f.name, if f.in_plan { "in plan" } else { "not in plan" },
            match f.overridden { Some(true) => ", switched ON by an operator", Some(false) => ", switched OFF by an operator", None => "" })}</li>
    }).collect_view();
    let audit = t.recent_audit.iter().map(|a| view! {
        <tr><td>{a.at.clone()}</td><td>{a.actor.clone()}</td><td>{a.action.clone()}</td><td>{a.details.clone()}</td></tr>
    }).collect_view();
    let slug = t.row.slug.clone();
    // After an action succeeds every action form starts empty again, so a reason is
    // never carried over to the next action by mistake.
    let actions_ref = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        if matches!(result.get(), Some(Ok(())))
            && let Some(section) = actions_ref.get()
        {
            let forms = section.get_elements_by_tag_name("form");
            use leptos::wasm_bindgen::JsCast;
            for i in 0..forms.length() {
                if let Some(form) = forms
                    .item(i)
                    .and_then(|n| n.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
                {
                    form.reset();
                }
            }
        }
    });
    let actions = (!t.deleted).then(|| view! {
        <section class="card admin-actions" node_ref=actions_ref>
            <h2>"Actions"</h2>
            {if t.suspended_by_operator {
                view! {
                    <ActionForm action=act attr:class="action" attr:aria-label="Reactivate">
                        {hidden(id, "reactivate")}
                        {reason_field(result, "reason-reactivate")}
                        <button class="button primary" type="submit">"Reactivate"</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! {
                    <ActionForm action=act attr:class="action" attr:aria-label="Suspend">
                        {hidden(id, "suspend")}
                        {reason_field(result, "reason-suspend")}
                        <button class="button danger" type="submit">"Suspend"</button>
                    </ActionForm>
                }.into_any()
            }}
            {(t.billing_status == "trial").then(|| view! {
                <ActionForm action=act attr:class="action" attr:aria-label="Extend the trial">
                    {hidden(id, "extend_trial")}
                    <label for="days">"Extend the trial by (days)"</label>
                    <input id="days" name="days" type="number" min="1" max="90" value="14" required />
                    {reason_field(result, "reason-trial")}
                    <button class="button" type="submit">"Extend trial"</button>
                </ActionForm>
            })}
            <ActionForm action=act attr:class="action" attr:aria-label="Comp a plan">
                {hidden(id, "comp_plan")}
                <label for="plan">"Give a plan free of charge"</label>
                <select id="plan" name="plan">
                    {Plan::ALL.into_iter().map(|p| view! { <option value=p.id()>{p.name()}</option> }).collect_view()}
                </select>
                {reason_field(result, "reason-comp")}
                <button class="button" type="submit">"Comp plan"</button>
            </ActionForm>
            <ActionForm action=act attr:class="action" attr:aria-label="Override a feature">
                {hidden(id, "override_feature")}
                <label for="feature">"Feature"</label>
                <select id="feature" name="feature">
                    {t.features.iter().map(|f| view! { <option value=f.id.clone()>{f.name.clone()}</option> }).collect_view()}
                </select>
                <label for="setting">"Setting"</label>
                <select id="setting" name="setting">
                    <option value="on">"On"</option>
                    <option value="off">"Off"</option>
                    <option value="plan">"As the plan says"</option>
                </select>
                {reason_field(result, "reason-feature")}
                <button class="button" type="submit">"Override feature"</button>
            </ActionForm>
            <ActionForm action=support attr:class="action" attr:aria-label="Support access">
                <input type="hidden" name="id" value=id.to_string() />
                <label for="minutes">"View read-only for support (minutes)"</label>
                <input id="minutes" name="minutes" type="number" min="5" max="240" value="30" required />
                <label for="reason-support">"Reason (kept in the audit log)"</label>
                <input id="reason-support" name="reason" required minlength="5" maxlength="500" />
                {field_error(support.value(), "reason")}
                {form_error(support.value())}
                <button class="button" type="submit">"Open support view"</button>
            </ActionForm>
            <ActionForm action=act attr:class="action danger-zone" attr:aria-label="Delete">
                {hidden(id, "delete")}
                <label for="confirm_slug">{format!("Type {slug} to start deletion (the schema is purged after 30 days)")}</label>
                <input id="confirm_slug" name="confirm_slug" required />
                {field_error(result, "confirm_slug")}
                {reason_field(result, "reason-delete")}
                <button class="button danger" type="submit">"Start deletion"</button>
            </ActionForm>
        </section>
    });
    view! {
        <section class="card">
            <h1>{t.row.name.clone()}</h1>
            <dl class="facts">
                <dt>"Address"</dt><dd>{t.row.slug.clone()}</dd>
                <dt>"Status"</dt><dd class="tenant-status">{t.row.status.clone()}</dd>
                <dt>"Billing standing"</dt><dd>{t.billing_status.clone()}</dd>
                <dt>"Plan"</dt><dd>{format!("{}{}", t.row.plan, if t.comped { " (comped)" } else { "" })}</dd>
                <dt>"MRR"</dt><dd>{dollars(t.row.mrr)}</dd>
                <dt>"Trial ends"</dt><dd>{t.trial_ends.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Subscription"</dt><dd>{format!("{} · {} · {}",
                    t.subscription_status.clone().unwrap_or_else(|| "none".into()),
                    t.billing_interval.clone().unwrap_or_else(|| "—".into()),
                    t.stripe_subscription.clone().unwrap_or_else(|| "no Stripe subscription".into()))}</dd>
                <dt>"Stripe customer"</dt><dd>{t.stripe_customer.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Period ends"</dt><dd>{t.current_period_end.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Created"</dt><dd>{t.row.created.clone()}</dd>
                <dt>"Schema version"</dt><dd>{t.schema_version}</dd>
            </dl>
            <h2>"Usage against limits"</h2>
            <ul>{usage}</ul>
            <h2>"Features"</h2>
            <ul>{features}</ul>
        </section>
        {actions}
        <section class="card">
            <h2>{format!("Members ({})", t.members.len())}</h2>
            <ScrollBox label="Members">
                <table class="data">
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Joined"</th></tr></thead>
                    <tbody>{members}</tbody>
                </table>
            </ScrollBox>
        </section>
        <section class="card">
            <h2>"Recent audit events"</h2>
            <p><a href=format!("/admin/audit?tenant={}", t.row.slug)>"All events of this tenant"</a></p>
            <ScrollBox label="Recent audit events">
                <table class="data">
                    <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th><th scope="col">"Details"</th></tr></thead>
                    <tbody>{audit}</tbody>
                </table>
            </ScrollBox>
        </section>
    }
}
