//! `/app/{slug}/welcome`: the onboarding wizard's steps after the company: data,
//! team, plan; with a progress indicator, back and next, and "skip setup". The step is
//! kept on the organization, so leaving and coming back resumes it.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_params_map};

use super::{forms::form_error, members::InvitationsPanel};
use crate::{
    AppError,
    accounts::{OrganizationHome, get_organization_home},
    workspace::{
        LoadSampleData,
        onboarding::{STEPS, SetOnboardingStep},
    },
};

/// The wizard's steps as a list, the current one marked for assistive technology.
pub fn progress(current: usize) -> impl IntoView {
    view! {
        <ol class="steps" aria-label="Setup progress">
            {STEPS
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let n = i + 1;
                    view! {
                        <li class:done=n < current aria-current=(n == current).then_some("step")>
                            {format!("{n}. {name}")}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        <p class="muted">{format!("Step {current} of {}", STEPS.len())}</p>
    }
}

#[component]
pub fn WelcomePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    // Each step's action redirects back here: refetch when one completes.
    let go = ServerAction::<SetOnboardingStep>::new();
    let load = ServerAction::<LoadSampleData>::new();
    let home = Resource::new(
        move || (slug(), go.version().get(), load.version().get()),
        |(slug, ..)| get_organization_home(slug),
    );
    view! {
        <Title text="Set up your organization" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                home.get().map(|result| match result {
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                    Ok(home) => match home.onboarding_step {
                        None => view! { <Redirect path=format!("/app/{}", home.slug) /> }.into_any(),
                        Some(step) => view! { <Wizard home step=step as usize go load /> }.into_any(),
                    },
                })
            }}
        </Suspense>
    }
}

#[component]
fn Wizard(
    home: OrganizationHome,
    step: usize,
    go: ServerAction<SetOnboardingStep>,
    load: ServerAction<LoadSampleData>,
) -> impl IntoView {
    let slug = home.slug.clone();
    let nav = |label: &'static str, to: Option<usize>, primary: bool| {
        let slug = slug.clone();
        view! {
            <ActionForm action=go attr:class="inline">
                <input type="hidden" name="slug" value=slug />
                {to.map(|s| view! { <input type="hidden" name="step" value=s.to_string() /> })}
                <button class=if primary { "button primary" } else { "button" } type="submit">{label}</button>
            </ActionForm>
        }
    };
    let body = match step {
        2 => {
            let slug = slug.clone();
            view! {
                <h2>"Bring in your data"</h2>
                <p>"The dashboard works from your invoices, bills, orders and stock. Upload CSV files now, explore with a sample manufacturer, or do this later."</p>
                <p><a class="button" href=format!("/app/{slug}/import")>"Upload a CSV file"</a></p>
                <ActionForm action=load>
                    <input type="hidden" name="slug" value=slug.clone() />
                    <input type="hidden" name="next" value=format!("/app/{slug}/welcome") />
                    <button class="button" type="submit">"Load sample data"</button>
                </ActionForm>
                {move || {
                    if load.pending().get() {
                        Some(view! { <p role="status">"Loading the sample manufacturer…"</p> }.into_any())
                    } else if matches!(load.value().get(), Some(Ok(()))) {
                        Some(view! { <p class="success" role="status">"Sample data loaded: 200 products and two years of orders."</p> }.into_any())
                    } else {
                        None
                    }
                }}
                {form_error(load.value())}
            }
            .into_any()
        }
        3 => view! {
            <h2>"Invite your team"</h2>
            <p>"Colleagues get an email with a link to join; you can change their roles later on the members page."</p>
            <InvitationsPanel slug=slug.clone() />
        }
        .into_any(),
        _ => {
            let slug = slug.clone();
            view! {
                <h2>"Choose a plan, or keep the trial"</h2>
                <p>{home.trial_days_left.map(|d| format!("Your free trial of Professional has {d} days left. No card is needed until you choose a plan."))}</p>
                <p><a class="button" href=format!("/app/{slug}/billing")>"See the plans"</a></p>
            }
            .into_any()
        }
    };
    let back = (step > 2).then(|| nav("Back", Some(step - 1), false));
    let next = if step < STEPS.len() {
        nav("Next", Some(step + 1), true).into_any()
    } else {
        nav("Continue with the free trial", None, true).into_any()
    };
    view! {
        <section class="narrow card wizard">
            <h1>{format!("Set up {}", home.name)}</h1>
            {progress(step)}
            {body}
            {form_error(go.value())}
            <div class="wizard-nav">
                {back}
                {next}
                {(step < STEPS.len()).then(|| nav("Skip setup", None, false))}
            </div>
        </section>
    }
}
