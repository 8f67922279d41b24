//! `/developers/api`: the REST API reference, made from the same endpoint list as the
//! OpenAPI document.

use leptos::prelude::*;

use super::site::PageMeta;
use crate::integrations::openapi::ENDPOINTS;

#[component]
pub fn ApiReferencePage() -> impl IntoView {
    let endpoints = ENDPOINTS
        .iter()
        .map(|e| {
            let params = (!e.query.is_empty()).then(|| {
                view! {
                    <ul>
                        {e.query.iter().map(|p| view! { <li><code>{p.name}</code>" — "{p.description}</li> }).collect_view()}
                    </ul>
                }
            });
            view! {
                <section class="card endpoint">
                    <h3><code>{format!("{} /api/v1{}", e.method.to_uppercase(), e.path)}</code></h3>
                    <p>{e.summary}". "
                        {format!("Key scope: {}.", if e.scope == "read" { "read" } else { "read and write" })}
                        {e.feature.map(|f| format!(" Also needs the {f} feature."))}
                    </p>
                    {e.body.map(|b| view! { <p>"Body: a JSON "<code>{b}</code>" object."</p> })}
                    <p>{if e.list { format!("Returns {{ data: [{}], page, per_page, total }}.", e.item) } else { format!("Returns a {} object.", e.item) }}</p>
                    {params}
                </section>
            }
        })
        .collect_view();
    view! {
        <PageMeta path="/developers/api" />
        <article class="narrow legal">
            <h1>"REST API reference"</h1>
            <p>"Connect your ERP, accounting or planning tools to CapLiquify. The API is part of the Enterprise plan; the machine-readable description is at "
                <a href="/api/v1/openapi.json">"/api/v1/openapi.json"</a>" (OpenAPI 3.0)."</p>
            <h2>"Authentication"</h2>
            <p>"Owners and admins create API keys under Integrations in the app. A key is shown once; keep it like a password. Send it with every request:"</p>
            <pre tabindex="0"><code>"curl -H 'Authorization: Bearer cql_…' https://your-host/api/v1/products"</code></pre>
            <p>"A key belongs to one organization and reads only its data. Read keys can only read; read and write keys can also create. Revoked keys are refused at once."</p>
            <h2>"Limits and usage"</h2>
            <p>"Each key may make a limited number of requests per minute (120 by default). Past it, the answer is 429 with a Retry-After header in seconds; so is every request from an address that sent too many unknown keys in the last minute. Every call is counted as usage and shown on the Integrations page."</p>
            <h2>"Errors"</h2>
            <p>"Errors are JSON with a "<code>"code"</code>" and a "<code>"message"</code>": 400 unreadable parameters, 401 missing or invalid key, 403 read-only key or a plan without the feature (then also "
                <code>"feature"</code>", "<code>"plan"</code>" and "<code>"upgrade_url"</code>"), 404 unknown endpoint, 422 validation with "<code>"fields"</code>", 429 rate limited."</p>
            <h2>"Endpoints"</h2>
            {endpoints}
        </article>
    }
}
