//! `/admin/audit`: the audit log, filtered by tenant, actor, action and dates (all in
//! the address), a page at a time, with the filtered set as a CSV download and a
//! check of the hash chain.

use crate::pages::scroll_box::ScrollBox;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{ConsoleNav, failed};
use crate::{
    admin::{AdminVerifyAuditChain, AuditQuery, admin_audit},
    format::urlencode,
};

fn query_string(q: &AuditQuery, page: Option<u32>) -> String {
    let page = page.map(|p| p.to_string());
    [
        ("tenant", q.tenant.as_deref()),
        ("actor", q.actor.as_deref()),
        ("action", q.action.as_deref()),
        ("from", q.from.as_deref()),
        ("to", q.to.as_deref()),
        ("page", page.as_deref()),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.filter(|v| !v.is_empty())
            .map(|v| format!("{k}={}", urlencode(v)))
    })
    .collect::<Vec<_>>()
    .join("&")
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = use_query_map();
    let current = move || {
        let q = query.read();
        AuditQuery {
            tenant: q.get("tenant"),
            actor: q.get("actor"),
            action: q.get("action"),
            from: q.get("from"),
            to: q.get("to"),
            page: q.get("page").and_then(|p| p.parse().ok()),
        }
    };
    let page = Resource::new(current, admin_audit);
    let verify = ServerAction::<AdminVerifyAuditChain>::new();
    view! {
        <Title text="Audit log · Console" />
        <ConsoleNav current="/admin/audit" />
        <h1>"Audit log"</h1>
        <section class="card">
            {move || {
                let q = current();
                let field = |id: &'static str, label: &'static str, kind: &'static str, value: Option<String>, hint: &'static str| view! {
                    <label for=id>{label}</label>
                    <input id=id name=id type=kind placeholder=hint value=value.unwrap_or_default() />
                };
                view! {
                    <form class="filters" method="get" action="/admin/audit">
                        {field("tenant", "Tenant", "text", q.tenant.clone(), "address")}
                        {field("actor", "Actor", "email", q.actor.clone(), "email")}
                        {field("action", "Action", "text", q.action.clone(), "e.g. tenant.")}
                        {field("from", "From", "date", q.from.clone(), "YYYY-MM-DD")}
                        {field("to", "To", "date", q.to.clone(), "YYYY-MM-DD")}
                        <button class="button" type="submit">"Filter"</button>
                        <a class="button" href=format!("/admin/audit.csv?{}", query_string(&q, None)) download>"Export CSV"</a>
                    </form>
                }
            }}
            <ActionForm action=verify attr:class="inline">
                <button class="button" type="submit">"Verify the hash chain"</button>
            </ActionForm>
            <p role="status" class="chain-status">
                {move || verify.value().get().map(|r| match r {
                    Ok(sentence) => sentence,
                    Err(err) => err.to_string(),
                })}
            </p>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || page.get().map(|r| match r {
                    Err(err) => failed(err),
                    Ok(p) => {
                        let q = current();
                        let rows = p.rows.into_iter().map(|a| view! {
                            <tr>
                                <td>{a.at}</td>
                                <td>{a.actor}<br /><span class="muted">{a.actor_kind}</span></td>
                                <td>{a.tenant.unwrap_or_default()}</td>
                                <td>{a.action}</td>
                                <td>{a.target}</td>
                                <td>{a.ip.unwrap_or_default()}</td>
                                <td><code>{a.details}</code></td>
                            </tr>
                        }).collect_view();
                        let prev = (p.page > 1).then(|| format!("/admin/audit?{}", query_string(&q, Some(p.page - 1))));
                        let next = (p.page < p.pages).then(|| format!("/admin/audit?{}", query_string(&q, Some(p.page + 1))));
                        view! {
                            <p class="muted">{format!("{} records", p.total)}</p>
                            <ScrollBox label="Audit events">
                                <table class="data audit">
                                    <thead><tr>
                                        <th scope="col">"When"</th><th scope="col">"Actor"</th><th scope="col">"Tenant"</th>
                                        <th scope="col">"Action"</th><th scope="col">"Target"</th><th scope="col">"IP"</th><th scope="col">"Details"</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </ScrollBox>
                            <nav class="pager" aria-label="Pages">
                                {prev.map(|href| view! { <a href=href>"← Newer"</a> })}
                                <span>{format!("Page {} of {}", p.page, p.pages)}</span>
                                {next.map(|href| view! { <a href=href>"Older →"</a> })}
                            </nav>
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}
