//! `/invite/{token}`: the page an invitation email links to. It works for a new user
//! (create an account with the invited address), an existing one (sign in, then
//! join) and says plainly when the link is used, expired, withdrawn or unknown.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::forms::form_error;
use crate::{
    AppError,
    accounts::{
        LogOut,
        invitations::{AcceptInvitation, InvitationStatus, InvitationView, get_invitation},
    },
};

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invitation = Resource::new(token, get_invitation);
    view! {
        <Title text="Invitation" />
        <section class="narrow card auth">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    invitation
                        .get()
                        .map(|result| match result {
                            Ok(view) => view! { <Invitation view token=token() /> }.into_any(),
                            Err(AppError::NotFound { .. }) => {
                                view! {
                                    <h1>"This invitation link is not valid"</h1>
                                    <p>
                                        "It may have been replaced by a newer invitation. Ask the person who invited you to send it again."
                                    </p>
                                }
                                    .into_any()
                            }
                            Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Invitation(view: InvitationView, token: String) -> impl IntoView {
    let organization = view.organization.clone();
    match view.status {
        InvitationStatus::Open => view! { <OpenInvitation view token /> }.into_any(),
        InvitationStatus::Accepted => view! {
            <h1>"This invitation has already been used"</h1>
            <p>"If it was you, open " <a href=format!("/app/{}", view.slug)>{organization}</a> "."</p>
        }
        .into_any(),
        InvitationStatus::Expired => view! {
            <h1>"This invitation has expired"</h1>
            <p>
                "Invitations work for 7 days. Ask the person who invited you to "
                {organization} " to send it again."
            </p>
        }
        .into_any(),
        InvitationStatus::Revoked => view! {
            <h1>"This invitation was withdrawn"</h1>
            <p>"Ask an admin of " {organization} " for a new invitation if you still need access."</p>
        }
        .into_any(),
    }
}

#[component]
fn OpenInvitation(view: InvitationView, token: String) -> impl IntoView {
    let accept = ServerAction::<AcceptInvitation>::new();
    let log_out = ServerAction::<LogOut>::new();
    let inviter = view
        .invited_by
        .clone()
        .unwrap_or_else(|| "A colleague".into());
    let intro = format!(
        "{inviter} invited {} to join {} as {}.",
        view.email,
        view.organization,
        view.role.label().to_lowercase()
    );
    let join = format!("Join {}", view.organization);
    let heading = format!("Join {} on CapLiquify", view.organization);
    let next = match &view.signed_in_as {
        Some(me) if me.eq_ignore_ascii_case(&view.email) => view! {
            <ActionForm action=accept>
                <input type="hidden" name="token" value=token.clone() />
                {form_error(accept.value())}
                <button class="button primary" type="submit">
                    {join}
                </button>
            </ActionForm>
        }
        .into_any(),
        Some(me) => view! {
            <p class="error">
                {format!(
                    "You are signed in as {me}, but this invitation is for {}. Sign out, then open the link again.",
                    view.email,
                )}
            </p>
            <ActionForm action=log_out>
                <button class="button" type="submit">"Sign out"</button>
            </ActionForm>
        }
        .into_any(),
        None => view! {
            <p>
                <a class="button primary" href=format!("/signup?invitation={token}")>
                    "Create my account"
                </a>
            </p>
            <p>
                "Already use CapLiquify with " {view.email.clone()} "? "
                <a href=format!("/login?next=/invite/{token}")>"Sign in to accept"</a>
            </p>
        }
        .into_any(),
    };
    view! {
        <h1>{heading}</h1>
        <p>{intro}</p>
        {next}
    }
}
