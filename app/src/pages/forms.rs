//! Pieces shared by forms: the error summary and per-field messages.

use leptos::prelude::*;

use crate::AppError;

type Outcome<T> = Option<Result<T, AppError>>;

/// The message of a failed submission, announced to screen readers.
pub fn form_error<T, S>(result: S) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Outcome<T>> + Copy + Send + Sync + 'static,
{
    view! {
        <div role="alert" class="form-error">
            {move || match result.get() {
                Some(Err(err)) => {
                    // A plan limit or missing feature comes with the way to upgrade.
                    let upgrade = match &err {
                        AppError::UpgradeRequired { upgrade_url, .. } => Some(view! {
                            " " <a href=upgrade_url.clone()>"See plans and upgrade"</a>
                        }),
                        _ => None,
                    };
                    Some(view! { <p class="error">{err.to_string()}{upgrade}</p> })
                }
                _ => None,
            }}
        </div>
    }
}

/// The message for one field, shown under it.
pub fn field_error<T, S>(result: S, field: &'static str) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Outcome<T>> + Copy + Send + Sync + 'static,
{
    move || match result.get() {
        Some(Err(AppError::Validation { fields, .. })) => fields
            .get(field)
            .cloned()
            .map(|message| view! { <p class="field-error">{message}</p> }),
        _ => None,
    }
}
