//! `/app/{slug}/integrations`: API keys (created by owners and admins, shown once,
//! revocable) with this month's API calls, and credentials of outside systems (sealed
//! at rest, never shown again).

use crate::pages::scroll_box::ScrollBox;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    forms::{field_error, form_error},
    upgrade::upgrade_or_error,
};
use crate::integrations::{
    CONNECTION_KINDS as KINDS, CreateApiKey, DeleteConnection, IntegrationsView, RevokeApiKey,
    SaveConnection, get_integrations,
};

const TITLE: &str = "Integrations and API";
const PITCH: &str = "Create API keys for the CapLiquify REST API to feed your ERP, accounting \
    and planning tools, and store the credentials of connected systems, encrypted.";

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let save = ServerAction::<SaveConnection>::new();
    let delete = ServerAction::<DeleteConnection>::new();
    let view = Resource::new(
        move || {
            (
                slug(),
                create.version().get(),
                revoke.version().get(),
                save.version().get(),
                delete.version().get(),
            )
        },
        |(slug, ..)| get_integrations(slug),
    );
    view! {
        <Title text=TITLE />
        <p><a href=move || format!("/app/{}", slug())>"← Back to the dashboard"</a></p>
        <h1>{TITLE}</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || view.get().map(|r| match r {
                Err(err) => upgrade_or_error(err, TITLE, PITCH),
                Ok(v) => view! { <Integrations v slug=slug() create revoke save delete /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Integrations(
    v: IntegrationsView,
    slug: String,
    create: ServerAction<CreateApiKey>,
    revoke: ServerAction<RevokeApiKey>,
    save: ServerAction<SaveConnection>,
    delete: ServerAction<DeleteConnection>,
) -> impl IntoView {
    let created = create.value();
    let saved = save.value();
    // A saved connection's secret does not stay in the form.
    let connection_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(saved.get(), Some(Ok(_)))
            && let Some(form) = connection_form.get()
        {
            form.reset();
        }
    });
    let keys = v.keys.iter().map(|k| {
        let (slug, id) = (slug.clone(), k.id.to_string());
        let label = format!("Revoke {}", k.name);
        let active = k.revoked.is_none();
        view! {
            <tr>
                <td>{k.name.clone()}</td>
                <td><code>{format!("{}…", k.prefix)}</code></td>
                <td>{if k.scope == "read" { "Read" } else { "Read and write" }}</td>
                <td>{k.created.clone()}</td>
                <td>{k.last_used.clone().unwrap_or_else(|| "never".into())}</td>
                <td>{match &k.revoked {
                    Some(when) => view! { <span>{format!("revoked {when}")}</span> }.into_any(),
                    None => view! {
                        <ActionForm action=revoke attr:class="inline">
                            <input type="hidden" name="slug" value=slug />
                            <input type="hidden" name="id" value=id />
                            <button class="button danger" type="submit" aria-label=label disabled=!active>"Revoke"</button>
                        </ActionForm>
                    }.into_any(),
                }}</td>
            </tr>
        }
    }).collect_view();
    let connections = v.connections.iter().map(|c| {
        let (slug, id) = (slug.clone(), c.id.to_string());
        let label = format!("Remove {}", c.name);
        view! {
            <tr>
                <td>{c.name.clone()}</td>
                <td>{c.kind.clone()}</td>
                <td>{c.status.clone()}</td>
                <td>{if c.credentials_stored { "stored, encrypted" } else { "none" }}</td>
                <td>{v.can_manage.then(|| view! {
                    <ActionForm action=delete attr:class="inline">
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="id" value=id />
                        <button class="button danger" type="submit" aria-label=label>"Remove"</button>
                    </ActionForm>
                })}</td>
            </tr>
        }
    }).collect_view();
    let manage = v.can_manage.then(|| {
        let (key_slug, conn_slug) = (slug.clone(), slug.clone());
        view! {
            <section class="card">
                <h2>"New API key"</h2>
                <ActionForm action=create attr:class="filters">
                    <input type="hidden" name="slug" value=key_slug />
                    <label for="key-name">"Name"</label>
                    <input id="key-name" name="name" required maxlength="100" placeholder="e.g. NetSuite sync" />
                    <label for="scope">"Access"</label>
                    <select id="scope" name="scope">
                        <option value="read">"Read"</option>
                        <option value="read_write">"Read and write"</option>
                    </select>
                    <button class="button primary" type="submit">"Create key"</button>
                    {field_error(created, "name")}
                </ActionForm>
                {form_error(created)}
                {move || created.get().and_then(Result::ok).map(|k| view! {
                    <div class="banner new-key" role="status">
                        <p><strong>"Copy this key now: it will not be shown again."</strong></p>
                        <p><code class="api-key">{k.key}</code></p>
                    </div>
                })}
            </section>
            <section class="card">
                <h2>"Connect a system"</h2>
                <ActionForm action=save node_ref=connection_form attr:class="scenario-form">
                    <input type="hidden" name="slug" value=conn_slug />
                    <div class="lever-grid">
                        <div class="field">
                            <label for="kind">"System"</label>
                            <select id="kind" name="kind">
                                {KINDS.iter().map(|(id, label)| view! { <option value=*id>{*label}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="conn-name">"Name"</label>
                            <input id="conn-name" name="name" required maxlength="100" />
                            {field_error(saved, "name")}
                        </div>
                        <div class="field">
                            <label for="url">"Address (https://)"</label>
                            <input id="url" name="url" type="url" required />
                            {field_error(saved, "url")}
                        </div>
                        <div class="field">
                            <label for="username">"User or client id"</label>
                            <input id="username" name="username" autocomplete="off" />
                        </div>
                        <div class="field">
                            <label for="secret">"Password, token or secret"</label>
                            <input id="secret" name="secret" type="password" autocomplete="new-password" required />
                            {field_error(saved, "secret")}
                        </div>
                    </div>
                    {form_error(saved)}
                    <button class="button primary" type="submit">"Save connection"</button>
                    <p class="muted">"Credentials are encrypted before they are stored and are never shown again."</p>
                </ActionForm>
            </section>
        }
    });
    view! {
        <p class="muted">{format!("API calls this month: {}. ", v.calls_this_month)}
            <a href="/developers/api">"API reference"</a>" · "<a href="/api/v1/openapi.json">"OpenAPI document"</a></p>
        {v.can_manage.then(|| view! {
            <section class="card">
                <h2>"API keys"</h2>
                {if v.keys.is_empty() {
                    view! { <p class="muted">"No keys yet."</p> }.into_any()
                } else {
                    view! {
                        <ScrollBox label="API keys">
                            <table class="data">
                                <thead><tr><th scope="col">"Name"</th><th scope="col">"Key"</th><th scope="col">"Access"</th>
                                    <th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col">"Status"</th></tr></thead>
                                <tbody>{keys}</tbody>
                            </table>
                        </ScrollBox>
                    }.into_any()
                }}
            </section>
        })}
        {manage}
        <section class="card">
            <h2>"Connected systems"</h2>
            {if v.connections.is_empty() {
                view! { <p class="muted">"No connections yet."</p> }.into_any()
            } else {
                view! {
                    <ScrollBox label="Connected systems">
                        <table class="data">
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"System"</th><th scope="col">"Status"</th>
                                <th scope="col">"Credentials"</th><th scope="col">"Actions"</th></tr></thead>
                            <tbody>{connections}</tbody>
                        </table>
                    </ScrollBox>
                }.into_any()
            }}
        </section>
    }
}
