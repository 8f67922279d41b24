//! The signed-in part of the site: choosing or creating an organization, and an
//! organization's home with the header and org switcher.

use leptos::{either::Either, form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_params_map};

use super::forms::{field_error, form_error};
use crate::{
    AppError,
    accounts::{
        CreateOrganization, LogOut, OrganizationHome, get_organization_home, my_organizations,
    },
};

/// `/app`: straight to the organization used last, or to creating the first one.
#[component]
pub fn AppIndex() -> impl IntoView {
    let organizations = Resource::new(|| (), |_| my_organizations());
    view! {
        <Title text="Your organizations" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                organizations
                    .get()
                    .map(|result| match result {
                        Err(AppError::Unauthenticated) => {
                            view! { <Redirect path="/login" /> }.into_any()
                        }
                        Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                        Ok(orgs) if !orgs.is_empty() => {
                            view! { <Redirect path=format!("/app/{}", orgs[0].slug) /> }.into_any()
                        }
                        Ok(_) => view! { <NewOrganizationForm first=true /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// `/app/new`
#[component]
pub fn NewOrganizationPage() -> impl IntoView {
    view! {
        <Title text="New organization" />
        <NewOrganizationForm first=false />
    }
}

#[component]
fn NewOrganizationForm(first: bool) -> impl IntoView {
    let action = ServerAction::<CreateOrganization>::new();
    let result = action.value();
    view! {
        <section class="narrow card">
            <h1>{if first { "Create your organization" } else { "Create another organization" }}</h1>
            {super::onboarding::progress(1)}
            <p class="muted">
                "Each organization keeps its own data. You will be its owner, on a 14-day free trial."
            </p>
            <ActionForm action>
                <div class="field">
                    <label for="org-name">"Company name"</label>
                    <input id="org-name" name="name" autocomplete="organization" required />
                    {field_error(result, "name")}
                </div>
                <div class="field">
                    <label for="org-slug">"Address: capliquify.com/app/…"</label>
                    <input
                        id="org-slug"
                        name="slug"
                        required
                        minlength="3"
                        maxlength="40"
                        pattern="[a-z0-9][a-z0-9-]*[a-z0-9]"
                        aria-describedby="org-slug-help"
                    />
                    <p id="org-slug-help" class="muted small">
                        "3–40 lowercase letters, digits and hyphens."
                    </p>
                    {field_error(result, "slug")}
                </div>
                <div class="field">
                    <label for="org-industry">"Industry"</label>
                    <input id="org-industry" name="industry" placeholder="e.g. Industrial valves" />
                </div>
                <div class="field">
                    <label for="org-currency">"Currency"</label>
                    <select id="org-currency" name="currency">
                        <option value="EUR" selected>"EUR — euro"</option>
                        <option value="USD">"USD — US dollar"</option>
                        <option value="GBP">"GBP — pound sterling"</option>
                        <option value="CHF">"CHF — Swiss franc"</option>
                    </select>
                    {field_error(result, "currency")}
                </div>
                <div class="field">
                    <label for="org-decimal-separator">"Numbers in imported files"</label>
                    <select id="org-decimal-separator" name="decimal_separator">
                        <option value="." selected>"1,234.56 (decimal point)"</option>
                        <option value=",">"1.234,56 (decimal comma)"</option>
                    </select>
                    {field_error(result, "decimal_separator")}
                </div>
                {form_error(result)}
                <button class="button primary" type="submit">
                    "Create organization"
                </button>
            </ActionForm>
        </section>
    }
}

/// `/app/{slug}`: an organization's home.
#[component]
pub fn OrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let home = Resource::new(slug, get_organization_home);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                home.get()
                    .map(|result| match result {
                        Err(AppError::Unauthenticated) => {
                            Either::Left(view! { <Redirect path="/login" /> })
                        }
                        Err(err) => {
                            Either::Right(
                                Either::Left(
                                    view! {
                                        <Title text="Organization unavailable" />
                                        <section class="narrow card">
                                            <h1>"This organization is not available"</h1>
                                            <p class="error">{err.to_string()}</p>
                                            {matches!(err, AppError::BillingRequired { .. } | AppError::Locked { .. })
                                                .then(|| view! {
                                                    <p>
                                                        <a class="button primary" href=format!("/app/{}/billing", slug())>
                                                            "Go to billing"
                                                        </a>
                                                    </p>
                                                })}
                                            <p>
                                                <a href="/app">"Go to your organizations"</a>
                                            </p>
                                        </section>
                                    },
                                ),
                            )
                        }
                        Ok(home) => Either::Right(Either::Right(view! { <OrganizationHomeView home /> })),
                    })
            }}
        </Suspense>
    }
}

/// The organization's pages, in the order its navigation lists them.
const SECTIONS: [(&str, &str); 13] = [
    ("products", "Products"),
    ("inventory", "Inventory"),
    ("sales", "Sales"),
    ("receivables", "Receivables"),
    ("purchases", "Purchases"),
    ("payables", "Payables"),
    ("forecasts", "Forecasts"),
    ("scenarios", "Scenarios"),
    ("integrations", "Integrations"),
    ("import", "Import"),
    ("settings", "Company"),
    ("members", "Members"),
    ("billing", "Billing"),
];

#[component]
fn OrganizationHomeView(home: OrganizationHome) -> impl IntoView {
    let log_out = ServerAction::<LogOut>::new();
    let trial = home.trial_days_left.map(|days| {
        view! {
            <p class="banner">
                {format!("Free trial: {days} day{} left.", if days == 1 { "" } else { "s" })}
            </p>
        }
    });
    let read_only = home.read_only.then(|| {
        view! {
            <p class="banner warning">
                "Read-only: a payment is overdue. An owner can settle it under billing."
            </p>
        }
    });
    let others = home
        .organizations
        .iter()
        .map(|org| {
            let current = org.slug == home.slug;
            view! {
                <li>
                    <a
                        href=format!("/app/{}", org.slug)
                        aria-current=if current { Some("page") } else { None }
                    >
                        {org.name.clone()}
                        <span class="role">{org.role.label()}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=home.name.clone() />
        <div class="app-header">
            <details class="org-switcher">
                <summary>
                    <span class="org-name">{home.name.clone()}</span>
                    <span class="role">{home.role.label()}</span>
                </summary>
                <nav aria-label="Your organizations">
                    <ul>{others}</ul>
                    <a href="/app/new">"+ New organization"</a>
                </nav>
            </details>
            <nav class="app-nav" aria-label="Organization">
                {SECTIONS
                    .iter()
                    .map(|(path, label)| view! { <a href=format!("/app/{}/{path}", home.slug)>{*label}</a> })
                    .collect_view()}
            </nav>
            <div class="account">
                <span class="user">{home.user.name.clone()}</span>
                <ActionForm action=log_out>
                    <button class="button" type="submit">
                        "Sign out"
                    </button>
                </ActionForm>
            </div>
        </div>
        {trial}
        {read_only}
        {home.onboarding_step.map(|step| view! {
            <p class="banner">
                {format!("Finish setting up: step {step} of 4. ")}
                <a href=format!("/app/{}/welcome", home.slug)>"Continue setup"</a>
            </p>
        })}
        <section class="card">
            <h1>{format!("Welcome to {}", home.name)}</h1>
            <p class="muted">
                {format!("You are signed in as {} ({}).", home.user.email, home.role.label())}
            </p>
        </section>
        <super::dashboard::DashboardPanel slug=home.slug.clone() />
    }
}
