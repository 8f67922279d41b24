//! Operator sign-in: `/operators/sign-in` (password), then `/operators/two-factor`
//! (enrol an authenticator the first time, a code every time after). Outside `/admin`
//! on purpose: the console itself answers 404 until both steps are done.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::{Meta, Title};
use leptos_router::components::Redirect;

use super::forms::{field_error, form_error};
use crate::admin::{
    ConfirmEnrolment, OperatorSignIn, OperatorVerify, SignInStage, operator_enrolment,
    operator_stage,
};

#[component]
pub fn OperatorSignInPage() -> impl IntoView {
    let action = ServerAction::<OperatorSignIn>::new();
    let result = action.value();
    view! {
        <Title text="Operator sign-in" />
        <Meta name="robots" content="noindex" />
        <section class="narrow card auth">
            <h1>"Operator sign-in"</h1>
            <p class="muted">"For the people who run CapLiquify. Customers sign in at "<a href="/login">"/login"</a>"."</p>
            <ActionForm action>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required />
                </div>
                {form_error(result)}
                <button class="button primary" type="submit">"Continue"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn OperatorTwoFactorPage() -> impl IntoView {
    let stage = Resource::new(|| (), |_| operator_stage());
    view! {
        <Title text="Two-factor authentication" />
        <Meta name="robots" content="noindex" />
        <section class="narrow card auth">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || stage.get().map(|stage| match stage {
                    Ok(SignInStage::SecondFactorDue { enrolled: true }) => view! { <CodeForm /> }.into_any(),
                    Ok(SignInStage::SecondFactorDue { enrolled: false }) => view! { <Enrol /> }.into_any(),
                    Ok(SignInStage::SignedIn) => view! { <Redirect path="/admin" /> }.into_any(),
                    Ok(SignInStage::SignedOut) => view! { <Redirect path="/operators/sign-in" /> }.into_any(),
                    Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CodeForm() -> impl IntoView {
    let action = ServerAction::<OperatorVerify>::new();
    let result = action.value();
    view! {
        <h1>"Enter your code"</h1>
        <p class="muted">"The 6-digit code from your authenticator app, or one of your recovery codes."</p>
        <ActionForm action>
            <div class="field">
                <label for="code">"Code"</label>
                <input id="code" name="code" autocomplete="one-time-code" required />
                {field_error(result, "code")}
            </div>
            {form_error(result)}
            <button class="button primary" type="submit">"Sign in"</button>
        </ActionForm>
    }
}

#[component]
fn Enrol() -> impl IntoView {
    let enrolment = Resource::new(|| (), |_| operator_enrolment());
    let action = ServerAction::<ConfirmEnrolment>::new();
    let result = action.value();
    view! {
        <h1>"Set up two-factor authentication"</h1>
        {move || match result.get() {
            Some(Ok(codes)) => view! {
                <p>"Two-factor authentication is on. Keep these recovery codes somewhere safe: each signs you in once without your phone, and they are shown only now."</p>
                <ul class="recovery-codes">
                    {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                </ul>
                <p><a class="button primary" href="/admin">"Continue to the console"</a></p>
            }.into_any(),
            _ => view! {
                <p class="muted">"Operators must use a second factor. Scan this code with an authenticator app (1Password, Google Authenticator, Authy…), then enter the 6-digit code it shows."</p>
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || enrolment.get().map(|e| match e {
                        Ok(e) => view! {
                            <div class="qr" role="img" aria-label="QR code to scan with an authenticator app" inner_html=e.qr_svg></div>
                            <p class="muted">"Cannot scan? Enter this key: "<code class="totp-secret">{e.secret}</code></p>
                        }.into_any(),
                        Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                    })}
                </Suspense>
                <ActionForm action>
                    <div class="field">
                        <label for="code">"Code from the app"</label>
                        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required />
                        {field_error(result, "code")}
                    </div>
                    {form_error(result)}
                    <button class="button primary" type="submit">"Turn on two-factor authentication"</button>
                </ActionForm>
            }.into_any(),
        }}
    }
}
