//! `/app/{slug}/inventory`, `/receivables`, `/payables`: the working-capital lists,
//! with search, a status filter and pages in the URL, and their CSV export.

use crate::pages::scroll_box::ScrollBox;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::Redirect,
    hooks::{use_params_map, use_query_map},
};

use crate::{
    AppError,
    workspace::records::{RecordPage, RecordQuery, SCREENS, list_records},
};

/// The export that goes with each screen.
fn export_kind(kind: &str) -> &'static str {
    match kind {
        "receivables" => "invoices",
        "payables" => "bills",
        "sales" => "sales",
        "purchases" => "purchases",
        _ => "inventory",
    }
}

#[component]
pub fn RecordsPage(kind: &'static str) -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let query = use_query_map();
    let current = move || {
        let q = query.read();
        RecordQuery {
            q: q.get("q"),
            status: q.get("status"),
            page: q.get("page").and_then(|p| p.parse().ok()),
        }
    };
    let page = Resource::new(
        move || (slug(), current()),
        move |(slug, query)| list_records(slug, kind.to_owned(), query),
    );
    let title = screen_title(kind);
    view! {
        <Title text=title />
        <p>
            <a href=move || format!("/app/{}", slug())>"← Back to the dashboard"</a>
        </p>
        <section class="card">
            <h1>{title}</h1>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    page.get().map(|result| match result {
                        Err(AppError::Unauthenticated) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                        Ok(p) => view! { <Table p query=current() slug=slug() kind /> }.into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Table(p: RecordPage, query: RecordQuery, slug: String, kind: &'static str) -> impl IntoView {
    let status = query
        .status
        .clone()
        .unwrap_or_else(|| p.statuses[0].0.clone());
    let options = p
        .statuses
        .iter()
        .map(|(v, l)| view! { <option value=v.clone() selected=*v == status>{l.clone()}</option> })
        .collect_view();
    let page_link = |n: i64| {
        format!(
            "/app/{slug}/{kind}?q={}&status={}&page={n}",
            query
                .q
                .clone()
                .unwrap_or_default()
                .replace('&', "%26")
                .replace(' ', "+"),
            status
        )
    };
    let prev =
        (p.page > 1).then(|| view! { <a rel="prev" href=page_link(p.page - 1)>"← Previous"</a> });
    let next =
        (p.page < p.pages).then(|| view! { <a rel="next" href=page_link(p.page + 1)>"Next →"</a> });
    let numeric = p.numeric.clone();
    let head = p
        .columns
        .iter()
        .zip(&numeric)
        .map(|(c, &num)| view! { <th scope="col" class:num=num>{c.clone()}</th> })
        .collect_view();
    let rows = p
        .rows
        .into_iter()
        .map(|row| {
            let numeric = numeric.clone();
            view! {
                <tr>
                    {row
                        .into_iter()
                        .enumerate()
                        .map(|(i, cell)| view! { <td class:num=numeric[i]>{cell}</td> })
                        .collect_view()}
                </tr>
            }
        })
        .collect_view();
    let empty = (p.total == 0).then(|| {
        view! { <p class="empty-state">"Nothing here yet. Load sample data from the dashboard, or change the filter."</p> }
    });
    let summary = format!(
        "{} row(s){} · page {} of {}",
        p.total,
        p.sum.map(|s| format!(", total {s}")).unwrap_or_default(),
        p.page,
        p.pages
    );
    view! {
        <form method="get" class="filters" role="search">
            <label for="q">"Search"</label>
            <input id="q" name="q" type="search" value=query.q.clone().unwrap_or_default() />
            <label for="status">"Show"</label>
            <select id="status" name="status">{options}</select>
            <button class="button" type="submit">"Apply"</button>
            <a href=format!("/app/{slug}/export/{}.csv", export_kind(kind)) download>"Export CSV"</a>
        </form>
        <p class="muted" role="status">{summary}</p>
        <ScrollBox label=screen_title(kind)>
            <table class="members data">
                <thead>
                    <tr>{head}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollBox>
        {empty}
        <nav class="pager" aria-label="Pages">{prev}{next}</nav>
    }
}

/// The heading of the screen for `kind`.
fn screen_title(kind: &str) -> &'static str {
    SCREENS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("Records", |(_, t)| t)
}
