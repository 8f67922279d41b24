//! What a plan without a feature shows instead of it: what the feature would do, the
//! plan that has it, and the way to upgrade.

use leptos::prelude::*;

use crate::AppError;

/// Renders `err` as an upgrade prompt when it is one, as a plain error otherwise.
pub fn upgrade_or_error(err: AppError, title: &'static str, pitch: &'static str) -> AnyView {
    match err {
        AppError::UpgradeRequired {
            message,
            upgrade_url,
            ..
        } => view! {
            <section class="card upgrade-prompt" aria-labelledby="upgrade-heading">
                <h2 id="upgrade-heading">{title}</h2>
                <p>{pitch}</p>
                <p class="muted">{message}</p>
                <p><a class="button primary" href=upgrade_url>"See plans and upgrade"</a></p>
            </section>
        }
        .into_any(),
        AppError::Unauthenticated => {
            view! { <leptos_router::components::Redirect path="/login" /> }.into_any()
        }
        other => view! { <p class="error">{other.to_string()}</p> }.into_any(),
    }
}
