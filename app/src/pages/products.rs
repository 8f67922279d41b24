//! `/app/{slug}/products`: the product list (search, filters, sorting, pages — all in
//! the URL, so they work without JavaScript and can be bookmarked) and the product
//! form for creating and editing.

use crate::pages::scroll_box::ScrollBox;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    components::Redirect,
    hooks::{use_params_map, use_query_map},
};
use uuid::Uuid;

use super::forms::{field_error, form_error};
use crate::{
    AppError,
    workspace::products::{
        ProductPage, ProductQuery, ProductRow, SaveProduct, SetProductActive, get_product,
        list_products,
    },
};

fn money(v: f64) -> String {
    format!("{v:.2}")
}

#[component]
pub fn ProductsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let query = use_query_map();
    let current = move || {
        let q = query.read();
        ProductQuery {
            q: q.get("q"),
            category: q.get("category"),
            status: q.get("status"),
            sort: q.get("sort"),
            dir: q.get("dir"),
            page: q.get("page").and_then(|p| p.parse().ok()),
        }
    };
    let toggle = ServerAction::<SetProductActive>::new();
    let page = Resource::new(
        move || (slug(), current(), toggle.version().get()),
        |(slug, query, _)| list_products(slug, query),
    );
    view! {
        <Title text="Products" />
        <p>
            <a href=move || format!("/app/{}", slug())>"← Back to the dashboard"</a>
        </p>
        <section class="card">
            <h1>"Products"</h1>
            {form_error(toggle.value())}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    page.get().map(|result| match result {
                        Err(AppError::Unauthenticated) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                        Ok(p) => view! { <ProductList p query=current() slug=slug() toggle /> }.into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}

/// A link to the list with `change` applied to the current query.
fn link(slug: &str, query: &ProductQuery, change: impl FnOnce(&mut ProductQuery)) -> String {
    let mut q = query.clone();
    change(&mut q);
    let mut pairs = url_pairs(&q);
    pairs.retain(|(_, v)| !v.is_empty());
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::format::urlencode(v)))
        .collect();
    format!("/app/{slug}/products?{}", encoded.join("&"))
}

fn url_pairs(q: &ProductQuery) -> Vec<(&'static str, String)> {
    vec![
        ("q", q.q.clone().unwrap_or_default()),
        ("category", q.category.clone().unwrap_or_default()),
        ("status", q.status.clone().unwrap_or_default()),
        ("sort", q.sort.clone().unwrap_or_default()),
        ("dir", q.dir.clone().unwrap_or_default()),
        ("page", q.page.map(|p| p.to_string()).unwrap_or_default()),
    ]
}

#[component]
fn ProductList(
    p: ProductPage,
    query: ProductQuery,
    slug: String,
    toggle: ServerAction<SetProductActive>,
) -> impl IntoView {
    let sort_header = |label: &'static str, key: &'static str, num: bool| {
        let active = query.sort.as_deref().unwrap_or("sku") == key;
        let desc = query.dir.as_deref() == Some("desc");
        let href = link(&slug, &query, |q| {
            q.dir = Some(if active && !desc { "desc" } else { "asc" }.into());
            q.sort = Some(key.into());
            q.page = None;
        });
        let aria = active.then_some(if desc { "descending" } else { "ascending" });
        view! {
            <th scope="col" aria-sort=aria class:num=num>
                <a href=href>{label}{active.then_some(if desc { " ↓" } else { " ↑" })}</a>
            </th>
        }
    };
    let head = view! {
        <tr>
            {sort_header("SKU", "sku", false)}
            {sort_header("Name", "name", false)}
            {sort_header("Category", "category", false)}
            {sort_header("Unit cost", "unit_cost", true)}
            {sort_header("Unit price", "unit_price", true)}
            {sort_header("Lead time", "lead_time_days", true)}
            {sort_header("On hand", "on_hand", true)}
            <th scope="col">"Actions"</th>
        </tr>
    };
    let new_link = p.can_edit.then(|| {
        view! { <a class="button primary" href=format!("/app/{slug}/products/new")>"New product"</a> }
    });
    let status = query.status.clone().unwrap_or_else(|| "active".into());
    let category_options = p
        .categories
        .iter()
        .map(|c| {
            let selected = query.category.as_deref() == Some(c.as_str());
            view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
        })
        .collect_view();
    let rows = p
        .rows
        .iter()
        .cloned()
        .map(|row| view! { <ProductLine row slug=slug.clone() can_edit=p.can_edit toggle /> })
        .collect_view();
    let empty = p.rows.is_empty().then(|| {
        view! {
            <p class="empty-state">
                "No products match. "
                {if query.q.is_some() || query.category.is_some() {
                    "Clear the search or the filters to see more."
                } else {
                    "Add your first product, or load sample data from the dashboard."
                }}
            </p>
        }
    });
    let prev = (p.page > 1).then(|| {
        view! { <a rel="prev" href=link(&slug, &query, |q| q.page = Some(p.page - 1))>"← Previous"</a> }
    });
    let next = (p.page < p.pages).then(|| {
        view! { <a rel="next" href=link(&slug, &query, |q| q.page = Some(p.page + 1))>"Next →"</a> }
    });
    view! {
        <form method="get" class="filters" role="search">
            <label for="q">"Search SKU or name"</label>
            <input id="q" name="q" type="search" value=query.q.clone().unwrap_or_default() />
            <label for="category">"Category"</label>
            <select id="category" name="category">
                <option value="">"All categories"</option>
                {category_options}
            </select>
            <label for="status">"Status"</label>
            <select id="status" name="status">
                <option value="active" selected=status == "active">"Active"</option>
                <option value="inactive" selected=status == "inactive">"Inactive"</option>
                <option value="all" selected=status == "all">"All"</option>
            </select>
            <button class="button" type="submit">"Apply"</button>
            <a href=format!("/app/{slug}/export/products.csv") download>"Export CSV"</a>
            {new_link}
        </form>
        <p class="muted" role="status">{format!("{} product(s) · page {} of {}", p.total, p.page, p.pages)}</p>
        <ScrollBox label="Products">
            <table class="members data">
                <thead>{head}</thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollBox>
        {empty}
        <nav class="pager" aria-label="Pages">{prev}{next}</nav>
    }
}

#[component]
fn ProductLine(
    row: ProductRow,
    slug: String,
    can_edit: bool,
    toggle: ServerAction<SetProductActive>,
) -> impl IntoView {
    let actions = can_edit.then(|| {
        let id = row.id.to_string();
        view! {
            <a href=format!("/app/{slug}/products/{id}")>"Edit"</a>
            <ActionForm action=toggle attr:class="inline">
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="id" value=id.clone() />
                <input type="hidden" name="active" value=(!row.active).to_string() />
                <button class="button" type="submit">{if row.active { "Deactivate" } else { "Reactivate" }}</button>
            </ActionForm>
        }
    });
    view! {
        <tr class:inactive=!row.active>
            <td>{row.sku.clone()}</td>
            <td>{row.name.clone()}{(!row.active).then_some(" (inactive)")}</td>
            <td>{row.category.clone()}</td>
            <td class="num">{money(row.unit_cost)}</td>
            <td class="num">{money(row.unit_price)}</td>
            <td class="num">{format!("{} d", row.lead_time_days)}</td>
            <td class="num">{format!("{:.0}", row.on_hand)}</td>
            <td class="actions">{actions}</td>
        </tr>
    }
}

/// `/app/{slug}/products/new` and `/app/{slug}/products/{id}`.
#[component]
pub fn ProductFormPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<Uuid>().ok())
    };
    let existing = Resource::new(
        move || (slug(), id()),
        |(slug, id)| async move {
            match id {
                Some(id) => get_product(slug, id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                existing.get().map(|result| match result {
                    Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                    Ok(product) => view! { <ProductForm product slug=slug() /> }.into_any(),
                })
            }}
        </Suspense>
    }
}

#[component]
fn ProductForm(product: Option<ProductRow>, slug: String) -> impl IntoView {
    let save = ServerAction::<SaveProduct>::new();
    let result = save.value();
    let title = if product.is_some() {
        "Edit product"
    } else {
        "New product"
    };
    let p = product.clone();
    let value = move |f: fn(&ProductRow) -> String| p.as_ref().map(f).unwrap_or_default();
    view! {
        <Title text=title />
        <p>
            <a href=format!("/app/{slug}/products")>"← Back to products"</a>
        </p>
        <section class="narrow card">
            <h1>{title}</h1>
            <ActionForm action=save>
                <input type="hidden" name="slug" value=slug.clone() />
                {product.as_ref().map(|p| view! { <input type="hidden" name="id" value=p.id.to_string() /> })}
                <div class="field">
                    <label for="sku">"SKU"</label>
                    <input id="sku" name="input[sku]" required maxlength="64" value=value(|p| p.sku.clone()) />
                    {field_error(result, "sku")}
                </div>
                <div class="field">
                    <label for="name">"Name"</label>
                    <input id="name" name="input[name]" required maxlength="200" value=value(|p| p.name.clone()) />
                    {field_error(result, "name")}
                </div>
                <div class="field">
                    <label for="category">"Category"</label>
                    <input id="category" name="input[category]" maxlength="100" value=value(|p| p.category.clone()) />
                    {field_error(result, "category")}
                </div>
                <div class="field">
                    <label for="unit_cost">"Unit cost"</label>
                    <input id="unit_cost" name="input[unit_cost]" inputmode="decimal" required value=value(|p| money(p.unit_cost)) />
                    {field_error(result, "unit_cost")}
                </div>
                <div class="field">
                    <label for="unit_price">"Unit price"</label>
                    <input id="unit_price" name="input[unit_price]" inputmode="decimal" required value=value(|p| money(p.unit_price)) />
                    {field_error(result, "unit_price")}
                </div>
                <div class="field">
                    <label for="lead_time_days">"Lead time (days)"</label>
                    <input id="lead_time_days" name="input[lead_time_days]" inputmode="numeric" required value=value(|p| p.lead_time_days.to_string()) />
                    {field_error(result, "lead_time_days")}
                </div>
                {form_error(result)}
                <button class="button primary" type="submit">"Save product"</button>
            </ActionForm>
        </section>
    }
}
