//! The HTML shell, the router and the site-wide layout.

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::pages::{
    admin::{AdminAuditPage, AdminHealthPage, AdminRevenuePage, AdminTenantPage, AdminTenantsPage},
    auth::{LogInPage, SignUpPage},
    billing::BillingPage,
    contact::ContactPage,
    developers::ApiReferencePage,
    faq::FaqPage,
    forecasts::{ForecastsPage, ProductForecastPage},
    home::HomePage,
    import::{ImportJobPage, ImportPage},
    integrations::IntegrationsPage,
    invitation::InvitationPage,
    legal::{PrivacyPage, TermsPage},
    members::MembersPage,
    not_found::NotFound,
    onboarding::WelcomePage,
    operators::{OperatorSignInPage, OperatorTwoFactorPage},
    pricing::PricingPage,
    products::{ProductFormPage, ProductsPage},
    records::RecordsPage,
    recovery::{CheckEmailPage, ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage},
    scenarios::ScenariosPage,
    settings::SettingsPage,
    workspace::{AppIndex, NewOrganizationPage, OrganizationPage},
};

/// The document around every server-rendered page. Each response gets a fresh CSP
/// nonce; the hydration scripts carry it and the policy header names it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::security::provide_page_csp();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, so this marks the moment hydration finished
    // (browser tests wait for it before they interact).
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/capliquify.css" />
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Title formatter=|page: String| format!("{page} · CapLiquify") />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <SiteHeader />
            <SupportBanner />
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("/pricing") view=PricingPage />
                    <Route path=path!("/faq") view=FaqPage />
                    <Route path=path!("/contact") view=ContactPage />
                    <Route path=path!("/terms") view=TermsPage />
                    <Route path=path!("/privacy") view=PrivacyPage />
                    <Route path=path!("/signup") view=SignUpPage />
                    <Route path=path!("/login") view=LogInPage />
                    <Route path=path!("/check-email") view=CheckEmailPage />
                    <Route path=path!("/verify-email") view=VerifyEmailPage />
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage />
                    <Route path=path!("/reset-password") view=ResetPasswordPage />
                    <Route path=path!("/invite/:token") view=InvitationPage />
                    <Route path=path!("/app") view=AppIndex />
                    <Route path=path!("/app/new") view=NewOrganizationPage />
                    <Route path=path!("/app/:slug") view=OrganizationPage />
                    <Route path=path!("/app/:slug/members") view=MembersPage />
                    <Route path=path!("/app/:slug/billing") view=BillingPage />
                    <Route path=path!("/app/:slug/products") view=ProductsPage />
                    <Route path=path!("/app/:slug/products/new") view=ProductFormPage />
                    <Route path=path!("/app/:slug/products/:id") view=ProductFormPage />
                    <Route path=path!("/app/:slug/settings") view=SettingsPage />
                    <Route path=path!("/app/:slug/welcome") view=WelcomePage />
                    <Route path=path!("/app/:slug/import") view=ImportPage />
                    <Route path=path!("/app/:slug/import/:id") view=ImportJobPage />
                    <Route path=path!("/app/:slug/inventory") view=|| view! { <RecordsPage kind="inventory" /> } />
                    <Route path=path!("/app/:slug/sales") view=|| view! { <RecordsPage kind="sales" /> } />
                    <Route path=path!("/app/:slug/purchases") view=|| view! { <RecordsPage kind="purchases" /> } />
                    <Route path=path!("/app/:slug/receivables") view=|| view! { <RecordsPage kind="receivables" /> } />
                    <Route path=path!("/app/:slug/payables") view=|| view! { <RecordsPage kind="payables" /> } />
                    <Route path=path!("/app/:slug/forecasts") view=ForecastsPage />
                    <Route path=path!("/app/:slug/scenarios") view=ScenariosPage />
                    <Route path=path!("/app/:slug/integrations") view=IntegrationsPage />
                    <Route path=path!("/developers/api") view=ApiReferencePage />
                    <Route path=path!("/app/:slug/forecasts/:id") view=ProductForecastPage />
                    <Route path=path!("/operators/sign-in") view=OperatorSignInPage />
                    <Route path=path!("/operators/two-factor") view=OperatorTwoFactorPage />
                    <Route path=path!("/admin") view=AdminRevenuePage />
                    <Route path=path!("/admin/tenants") view=AdminTenantsPage />
                    <Route path=path!("/admin/tenants/:id") view=AdminTenantPage />
                    <Route path=path!("/admin/health") view=AdminHealthPage />
                    <Route path=path!("/admin/audit") view=AdminAuditPage />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

#[component]
fn SiteHeader() -> impl IntoView {
    // Refetched on navigation, so signing in or out shows at once.
    let location = leptos_router::hooks::use_location();
    let user = Resource::new(
        move || location.pathname.get(),
        |_| crate::accounts::get_current_user(),
    );
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "CapLiquify"
            </a>
            <nav class="site-nav" aria-label="Account">
                <a href="/pricing">"Pricing"</a>
                <Suspense fallback=|| ()>
                    {move || {
                        user.get()
                            .map(|user| match user {
                                Ok(Some(_)) => {
                                    view! { <a class="button primary" href="/app">"Your organizations"</a> }
                                        .into_any()
                                }
                                _ => {
                                    view! {
                                        <a href="/login">"Sign in"</a>
                                        <a class="button primary" href="/signup">"Start free trial"</a>
                                    }
                                        .into_any()
                                }
                            })
                    }}
                </Suspense>
            </nav>
        </header>
    }
}

/// On tenant pages an operator views for support: who, why, until when, and the way
/// out. Nothing for anyone else.
#[component]
fn SupportBanner() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let banner = Resource::new(
        move || location.pathname.get(),
        |path| async move {
            if path.starts_with("/app/") {
                crate::admin::support_banner(path).await.ok().flatten()
            } else {
                None
            }
        },
    );
    let end = ServerAction::<crate::admin::EndSupport>::new();
    view! {
        <Suspense fallback=|| ()>
            {move || banner.get().flatten().map(|(slug, view)| view! {
                <div class="banner warning support-banner" role="status">
                    <strong>"Support view (read-only). "</strong>
                    {format!("{} is viewing this organization for support until {}: {}. Every page viewed is recorded in the audit log.", view.operator, view.ends, view.reason)}
                    <leptos::form::ActionForm action=end attr:class="inline">
                        <input type="hidden" name="slug" value=slug />
                        <button class="button" type="submit">"End support view"</button>
                    </leptos::form::ActionForm>
                </div>
            })}
        </Suspense>
    }
}

#[component]
fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <nav aria-label="Site">
                <a href="/pricing">"Pricing"</a>
                <a href="/faq">"FAQ"</a>
                <a href="/contact">"Contact"</a>
                <a href="/developers/api">"API"</a>
                <a href="/terms">"Terms"</a>
                <a href="/privacy">"Privacy"</a>
            </nav>
            <p>"© CapLiquify — working-capital intelligence for manufacturers."</p>
        </footer>
    }
}
