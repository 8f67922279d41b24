//! Pages behind the links in emails: confirming an address, choosing a new password,
//! and the "check your inbox" page that follows sign-up and reset requests.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::forms::{field_error, form_error};
use crate::accounts::recovery::{RequestPasswordReset, ResetPassword, VerifyEmail};

#[component]
pub fn CheckEmailPage() -> impl IntoView {
    let query = use_query_map();
    let reset = move || query.read().get("for").as_deref() == Some("reset");
    view! {
        <Title text="Check your inbox" />
        <section class="narrow card auth">
            <h1>"Check your inbox"</h1>
            {move || {
                if reset() {
                    view! {
                        <p>
                            "If an account uses that address, we have sent it a link to choose a new password. The link works once, for one hour."
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <p>
                            "We have sent you a link to confirm your email address. Follow it to finish creating your account; it works once, for 24 hours."
                        </p>
                    }
                        .into_any()
                }
            }}
            <p class="muted">
                "Nothing there after a few minutes? Look in your spam folder, or "
                <a href="/login">"sign in"</a> " to have a new confirmation link sent."
            </p>
        </section>
    }
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<VerifyEmail>::new();
    view! {
        <Title text="Confirm your email address" />
        <section class="narrow card auth">
            <h1>"Confirm your email address"</h1>
            <p>"One click and your CapLiquify account is ready."</p>
            <ActionForm action>
                <input type="hidden" name="token" prop:value=token />
                {form_error(action.value())}
                <button class="button primary" type="submit">
                    "Confirm my email address"
                </button>
            </ActionForm>
            <p class="muted">
                "Link expired? " <a href="/login">"Sign in"</a>
                " and we will send you a new one."
            </p>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let result = action.value();
    view! {
        <Title text="Reset your password" />
        <section class="narrow card auth">
            <h1>"Reset your password"</h1>
            <p>"Enter the address you sign in with and we will email you a link to choose a new password."</p>
            <ActionForm action>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required />
                    {field_error(result, "email")}
                </div>
                {form_error(result)}
                <button class="button primary" type="submit">
                    "Email me a link"
                </button>
            </ActionForm>
            <p>
                "Remembered it? " <a href="/login">"Sign in"</a>
            </p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    // Sent here by a confirmation link opened in another browser than the sign-up's.
    let confirmed = move || query.read().get("confirmed").is_some();
    let action = ServerAction::<ResetPassword>::new();
    let result = action.value();
    view! {
        <Title text="Choose a new password" />
        <section class="narrow card auth">
            <h1>"Choose a new password"</h1>
            <Show
                when=confirmed
                fallback=|| view! { <p class="muted">"You will be signed out on every other device."</p> }
            >
                <p class="muted">
                    "Your address is confirmed. This link was opened in another browser than "
                    "the one that signed up, so choose your password here to finish."
                </p>
            </Show>
            <ActionForm action>
                <input type="hidden" name="token" prop:value=token />
                <div class="field">
                    <label for="password">"New password (at least 10 characters)"</label>
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
                    "Save and sign in"
                </button>
            </ActionForm>
            <p class="muted">
                "Link expired? " <a href="/forgot-password">"Ask for a new one"</a> "."
            </p>
        </section>
    }
}
