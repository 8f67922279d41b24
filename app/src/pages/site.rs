//! The public site's shared parts: the list of public pages (which the sitemap also
//! reads), per-page SEO tags, and JSON-LD blocks.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// Every public page: path, title, description. The sitemap lists exactly these.
pub const PUBLIC_PAGES: &[(&str, &str, &str)] = &[
    (
        "/",
        "Working-capital intelligence for manufacturers",
        "CapLiquify shows manufacturers where cash is tied up in inventory, receivables and payables, forecasts demand and tests what-if scenarios.",
    ),
    (
        "/pricing",
        "Pricing",
        "CapLiquify plans for manufacturers: Starter, Professional and Enterprise, monthly or annual, with a 14-day free trial and no card needed.",
    ),
    (
        "/faq",
        "Frequently asked questions",
        "Answers about CapLiquify: data, security, the free trial, billing, imports and how the working-capital metrics are computed.",
    ),
    (
        "/contact",
        "Contact and demo requests",
        "Ask CapLiquify a question or book a demo of working-capital intelligence for your manufacturing business.",
    ),
    (
        "/developers/api",
        "REST API reference",
        "The CapLiquify REST API: API keys, rate limits, errors and every endpoint for products, inventory, orders, invoices, metrics and forecasts.",
    ),
    (
        "/terms",
        "Terms of service",
        "The terms under which CapLiquify provides its working-capital software to manufacturers.",
    ),
    (
        "/privacy",
        "Privacy policy",
        "How CapLiquify collects, uses and protects personal data and your company's data.",
    ),
];

/// The site's public origin (PUBLIC_URL), provided to every render on the server.
#[derive(Debug, Clone)]
pub struct SiteOrigin(pub String);

fn origin() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<SiteOrigin>().map(|o| o.0).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        window().location().origin().unwrap_or_default()
    }
}

/// Title, description, canonical URL, Open Graph and Twitter card of public page
/// `path` (one of [`PUBLIC_PAGES`]).
#[component]
pub fn PageMeta(path: &'static str) -> impl IntoView {
    let (_, title, description) = PUBLIC_PAGES
        .iter()
        .copied()
        .find(|(p, _, _)| *p == path)
        .unwrap_or(PUBLIC_PAGES[0]);
    let url = format!("{}{path}", origin());
    view! {
        <Title text=title />
        <Meta name="description" content=description />
        <Link rel="canonical" href=url.clone() />
        <Meta property="og:type" content="website" />
        <Meta property="og:site_name" content="CapLiquify" />
        <Meta property="og:title" content=format!("{title} · CapLiquify") />
        <Meta property="og:description" content=description />
        <Meta property="og:url" content=url />
        <Meta name="twitter:card" content="summary" />
        <Meta name="twitter:title" content=format!("{title} · CapLiquify") />
        <Meta name="twitter:description" content=description />
    }
}

/// A JSON-LD block. `<`, `>` and `&` are escaped so no value can close the script.
pub fn json_ld(value: serde_json::Value) -> impl IntoView {
    let text = value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    view! { <script type="application/ld+json" inner_html=text></script> }
}
