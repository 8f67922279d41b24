//! `/app/{slug}/members`: who belongs to the organization, and changing that.

use crate::pages::scroll_box::ScrollBox;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_params_map};

use super::forms::{field_error, form_error};
use crate::{
    AppError,
    accounts::{
        ChangeMemberRole, MemberRow, RemoveMember, Role, TransferOwnership,
        invitations::{InviteMember, ResendInvitation, RevokeInvitation, list_invitations},
        list_members,
    },
};

#[component]
pub fn MembersPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let change = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let transfer = ServerAction::<TransferOwnership>::new();
    let members = Resource::new(
        move || {
            (
                slug(),
                change.version().get(),
                remove.version().get(),
                transfer.version().get(),
            )
        },
        |(slug, ..)| list_members(slug),
    );

    view! {
        <Title text="Members" />
        <p>
            <a href=move || format!("/app/{}", slug())>"← Back to the organization"</a>
        </p>
        <section class="card">
            <h1>"Members"</h1>
            {form_error(change.value())}
            {form_error(remove.value())}
            {form_error(transfer.value())}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    members
                        .get()
                        .map(|result| match result {
                            Err(AppError::Unauthenticated) => {
                                view! { <Redirect path="/login" /> }.into_any()
                            }
                            Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                            Ok(rows) => {
                                let me = rows.iter().find(|r| r.you).map(|r| r.role).unwrap_or(Role::Viewer);
                                let owners = rows.iter().filter(|r| r.role == Role::Owner).count();
                                view! {
                                    <ScrollBox label="Members">
                                        <table class="members">
                                            <thead>
                                                <tr>
                                                    <th scope="col">"Name"</th>
                                                    <th scope="col">"Email"</th>
                                                    <th scope="col">"Role"</th>
                                                    <th scope="col">"Actions"</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {rows
                                                    .into_iter()
                                                    .map(|row| {
                                                        let sole_owner = row.role == Role::Owner && owners == 1;
                                                        view! { <MemberLine row me sole_owner slug=slug() change remove transfer /> }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    </ScrollBox>
                                    {matches!(me, Role::Owner | Role::Admin)
                                        .then(|| view! { <InvitationsPanel slug=slug() /> })}
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn MemberLine(
    row: MemberRow,
    me: Role,
    /// The organization's only owner: neither demoted nor removed (the server refuses
    /// too), so no control is offered.
    sole_owner: bool,
    slug: String,
    change: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
    transfer: ServerAction<TransferOwnership>,
) -> impl IntoView {
    let manages = matches!(me, Role::Owner | Role::Admin);
    // Admins neither grant ownership nor touch owners; the server enforces the same.
    let may_change =
        manages && !row.you && !sole_owner && (me == Role::Owner || row.role != Role::Owner);
    let choices: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| me == Role::Owner || *r != Role::Owner)
        .collect();
    let user_id = row.user_id.to_string();
    let label = format!("Role of {}", row.name);
    let change_form = may_change.then(|| {
        let (slug, user_id) = (slug.clone(), user_id.clone());
        view! {
            <ActionForm action=change attr:class="inline">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="user_id" value=user_id />
                <select name="role" aria-label=label.clone()>
                    {choices
                        .iter()
                        .map(|r| view! { <option value=r.as_str() selected=*r == row.role>{r.label()}</option> })
                        .collect_view()}
                </select>
                <button class="button" type="submit">"Change role"</button>
            </ActionForm>
        }
    });
    let remove_form = (may_change || (row.you && !sole_owner)).then(|| {
        let (slug, user_id) = (slug.clone(), user_id.clone());
        view! {
            <ActionForm action=remove attr:class="inline">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="user_id" value=user_id />
                <button class="button" type="submit">{if row.you { "Leave" } else { "Remove" }}</button>
            </ActionForm>
        }
    });
    let transfer_form = (me == Role::Owner && !row.you && row.role != Role::Owner).then(|| {
        view! {
            <ActionForm action=transfer attr:class="inline">
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="user_id" value=user_id.clone() />
                <button class="button" type="submit">"Make owner"</button>
            </ActionForm>
        }
    });
    view! {
        <tr>
            <td>{row.name.clone()}{row.you.then_some(" (you)")}</td>
            <td>{row.email.clone()}</td>
            <td>{row.role.label()}</td>
            <td class="actions">{change_form}{transfer_form}{remove_form}</td>
        </tr>
    }
}

/// Inviting people, and the invitations still open (for owners and admins); also the
/// onboarding wizard's team step.
#[component]
pub fn InvitationsPanel(slug: String) -> impl IntoView {
    let invite = ServerAction::<InviteMember>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let result = invite.value();
    let pending = Resource::new(
        {
            let slug = slug.clone();
            move || {
                (
                    slug.clone(),
                    invite.version().get(),
                    resend.version().get(),
                    revoke.version().get(),
                )
            }
        },
        |(slug, ..)| list_invitations(slug),
    );
    let sent = move || {
        matches!(result.get(), Some(Ok(())))
            .then(|| view! { <p class="success" role="status">"Invitation sent."</p> })
    };
    let rows = {
        let slug = slug.clone();
        move || {
            let slug = slug.clone();
            pending.get().map(move |result| match result {
                Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                Ok(rows) if rows.is_empty() => {
                    view! { <p class="muted">"No invitations waiting."</p> }.into_any()
                }
                Ok(rows) => view! {
                    <ScrollBox label="Pending invitations">
                        <table class="members">
                            <thead>
                                <tr>
                                    <th scope="col">"Email"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col">"Invited by"</th>
                                    <th scope="col">"Expires"</th>
                                    <th scope="col">"Actions"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|row| {
                                        let (resend_id, revoke_id) = (row.id.to_string(), row.id.to_string());
                                        let (resend_slug, revoke_slug) = (slug.clone(), slug.clone());
                                        view! {
                                            <tr>
                                                <td>{row.email.clone()}</td>
                                                <td>{row.role.label()}</td>
                                                <td>{row.invited_by.clone().unwrap_or_default()}</td>
                                                <td class:error=row.expired>{row.expires.clone()}</td>
                                                <td class="actions">
                                                    <ActionForm action=resend attr:class="inline">
                                                        <input type="hidden" name="slug" value=resend_slug />
                                                        <input type="hidden" name="id" value=resend_id />
                                                        <button class="button" type="submit">"Resend"</button>
                                                    </ActionForm>
                                                    <ActionForm action=revoke attr:class="inline">
                                                        <input type="hidden" name="slug" value=revoke_slug />
                                                        <input type="hidden" name="id" value=revoke_id />
                                                        <button class="button" type="submit">"Revoke"</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </ScrollBox>
                }
                .into_any(),
            })
        }
    };
    view! {
        <h2>"Invite a colleague"</h2>
        <ActionForm action=invite attr:class="invite">
            <input type="hidden" name="slug" value=slug.clone() />
            <div class="field">
                <label for="invite-email">"Email"</label>
                <input id="invite-email" name="email" type="email" autocomplete="off" required />
                {field_error(result, "email")}
            </div>
            <div class="field">
                <label for="invite-role">"Role"</label>
                <select id="invite-role" name="role">
                    <option value="member" selected>"Member"</option>
                    <option value="viewer">"Viewer"</option>
                    <option value="admin">"Admin"</option>
                </select>
                {field_error(result, "role")}
            </div>
            {form_error(result)}
            {sent}
            <button class="button primary" type="submit">"Send invitation"</button>
        </ActionForm>
        {form_error(resend.value())}
        {form_error(revoke.value())}
        <h2>"Pending invitations"</h2>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>{rows}</Suspense>
    }
}
