//! The onboarding wizard after an organization is created: company (the creation
//! form itself), data, team, plan. The step is stored on the organization, so the
//! wizard resumes where it was left.

use leptos::prelude::*;

use crate::AppError;

pub const STEPS: [&str; 4] = ["Company", "Data", "Team", "Plan"];

/// Moves organization `slug`'s wizard to `step` (2–4), or finishes it (no step).
#[server(prefix = "/api/fn", endpoint = "set_onboarding_step")]
pub async fn set_onboarding_step(
    slug: String,
    #[server(default)] step: Option<i16>,
) -> Result<(), AppError> {
    use crate::accounts::{Permission, member_context};
    let (pool, ctx) = member_context(&slug).await?;
    ctx.require_change(Permission::ManageMembers)?;
    if step.is_some_and(|s| !(2..=4).contains(&s)) {
        return Err(AppError::bad_request("no such step"));
    }
    sqlx::query("UPDATE public.tenants SET onboarding_step = $2 WHERE id = $1")
        .bind(ctx.tenant().id)
        .bind(step)
        .execute(&pool)
        .await?;
    leptos_axum::redirect(&match step {
        Some(_) => format!("/app/{slug}/welcome"),
        None => format!("/app/{slug}"),
    });
    Ok(())
}
