//! Sign-up and sign-in.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use super::forms::{field_error, form_error};
use crate::accounts::{LogIn, SignUp};

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let result = action.value();
    view! {
        <Title text="Create your account" />
        <section class="narrow card auth">
            <h1>"Start your 14-day free trial"</h1>
            <p class="muted">"No card needed. You can invite your team once you are in."</p>
            <ActionForm action>
                <div class="field">
                    <label for="name">"Your name"</label>
                    <input id="name" name="name" autocomplete="name" required />
                    {field_error(result, "name")}
                </div>
                <div class="field">
                    <label for="email">"Work email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required />
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
            <p>"Already have an account? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}

#[component]
pub fn LogInPage() -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let result = action.value();
    view! {
        <Title text="Sign in" />
        <section class="narrow card auth">
            <h1>"Sign in to CapLiquify"</h1>
            <ActionForm action>
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
            <p>"New to CapLiquify? " <a href="/signup">"Start a free trial"</a></p>
        </section>
    }
}
