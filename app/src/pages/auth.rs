//! Sign-up and sign-in.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::forms::{field_error, form_error};
use crate::accounts::{LogIn, SignUp, invitations::get_invitation};

/// `/signup`, or `/signup?invitation=…` from an invitation email: then the address is
/// the invited one and the new account joins the organization at once.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("invitation").filter(|t| !t.is_empty());
    let invitation = Resource::new(token, |token| async move {
        match token {
            Some(token) => get_invitation(token).await.ok(),
            None => None,
        }
    });
    let action = ServerAction::<SignUp>::new();
    let result = action.value();
    view! {
        <Title text="Create your account" />
        <section class="narrow card auth">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    let invited = invitation.get().flatten();
                    let (heading, intro) = match &invited {
                        Some(v) => (
                            format!("Join {} on CapLiquify", v.organization),
                            "Create your account to accept the invitation.".to_owned(),
                        ),
                        None => (
                            "Start your 14-day free trial".to_owned(),
                            "No card needed. You can invite your team once you are in.".to_owned(),
                        ),
                    };
                    let email = invited.as_ref().map(|v| v.email.clone());
                    view! {
                        <h1>{heading}</h1>
                        <p class="muted">{intro}</p>
                        <ActionForm action>
                            <input type="hidden" name="invitation" value=token().unwrap_or_default() />
                            <div class="field">
                                <label for="name">"Your name"</label>
                                <input id="name" name="name" autocomplete="name" required />
                                {field_error(result, "name")}
                            </div>
                            <div class="field">
                                <label for="email">"Work email"</label>
                                <input
                                    id="email"
                                    name="email"
                                    type="email"
                                    autocomplete="email"
                                    required
                                    readonly=email.is_some()
                                    value=email.clone().unwrap_or_default()
                                />
                                {field_error(result, "email")}
                            </div>
                            <div class="field">
                                <label for="password">"Password (at least 10 characters)"</label>
                                <input
                                    id="password"
                                    name="password"
                                    type="password"
                                    autocomplete="new-password"
                                    minlength="10"
                                    required
                                />
                                {field_error(result, "password")}
                            </div>
                            {form_error(result)}
                            <button class="button primary" type="submit">
                                "Create account"
                            </button>
                        </ActionForm>
                    }
                }}
            </Suspense>
            <p>"Already have an account? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}

/// `/login`, or `/login?next=/path` to return somewhere after signing in.
#[component]
pub fn LogInPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let action = ServerAction::<LogIn>::new();
    let result = action.value();
    view! {
        <Title text="Sign in" />
        <section class="narrow card auth">
            <h1>"Sign in to CapLiquify"</h1>
            <ActionForm action>
                <input type="hidden" name="next" prop:value=next />
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                </div>
                {form_error(result)}
                <button class="button primary" type="submit">
                    "Sign in"
                </button>
            </ActionForm>
            <p>
                <a href="/forgot-password">"Forgot your password?"</a>
            </p>
            <p>"New to CapLiquify? " <a href="/signup">"Start a free trial"</a></p>
        </section>
    }
}
