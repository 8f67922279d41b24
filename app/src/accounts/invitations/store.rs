//! Invitations in the database. Inviting and accepting lock the organization's
//! registry row, so concurrent invitations and acceptances cannot overrun the plan's
//! member limit.

use std::net::IpAddr;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{InvitationRow, InvitationStatus, InvitationView};
use crate::{
    AppError,
    accounts::{CurrentUser, Permission, Role, tokens, users},
    billing::{Plan, gates},
    email::{Outbox, recipient_limit, templates},
    server::{
        audit::{self, Actor},
        limits::{INVITATION_WINDOW, Limits},
        rate_counters,
    },
    tenancy::{self, TenantContext, TenantStatus},
};

/// How long an invitation link works.
pub const LIFETIME: time::Duration = time::Duration::days(7);

/// The organization a user joined.
pub struct Joined {
    pub tenant_id: Uuid,
    pub slug: String,
}

/// Locks the organization's row and returns its plan in force, name, slug and member
/// count.
async fn lock_tenant(conn: &mut PgConnection, tenant: Uuid) -> Result<Locked, AppError> {
    let (status, plan, name, slug): (String, String, String, String) = sqlx::query_as(
        "SELECT status, plan, name, slug FROM public.tenants WHERE id = $1 FOR UPDATE",
    )
    .bind(tenant)
    .fetch_one(&mut *conn)
    .await?;
    let members: i64 =
        sqlx::query_scalar("SELECT count(*) FROM public.memberships WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_one(&mut *conn)
            .await?;
    let status = TenantStatus::parse(&status).unwrap_or(TenantStatus::Active);
    Ok(Locked {
        status,
        plan: Plan::effective(status, &plan),
        name,
        slug,
        members,
    })
}

struct Locked {
    status: TenantStatus,
    plan: Plan,
    name: String,
    slug: String,
    members: i64,
}

fn over_limit(locked: &Locked) -> AppError {
    let max = locked.plan.limits().members.0.unwrap_or(u32::MAX);
    AppError::UpgradeRequired {
        message: format!(
            "The {} plan allows {max} members, pending invitations included. Upgrade the \
             plan, or revoke an invitation or remove a member first.",
            locked.plan.name()
        ),
        feature: None,
        plan: locked.plan.id().to_owned(),
        upgrade_url: gates::upgrade_url(&locked.slug),
    }
}

/// Counts an invitation (or a resend) against the organization's daily limit, in the
/// transaction that sends it: a refused one changes nothing.
async fn count_invitation(
    conn: &mut PgConnection,
    limits: &Limits,
    tenant: Uuid,
) -> Result<(), AppError> {
    let key = format!("invitations:{tenant}");
    if rate_counters::hit(conn, &key, INVITATION_WINDOW).await?
        > limits.invitations_per_organization
    {
        return Err(AppError::RateLimited {
            message: format!(
                "This organization has sent {} invitations in the last 24 hours, the most \
                 allowed. Please try again tomorrow.",
                limits.invitations_per_organization
            ),
        });
    }
    Ok(())
}

fn check_role(ctx: &TenantContext, role: Role) -> Result<(), AppError> {
    ctx.require_change(Permission::ManageMembers)?;
    if role == Role::Owner {
        return Err(AppError::invalid(
            "role",
            "Invite as admin, then transfer ownership on the members page.",
        ));
    }
    Ok(())
}

async fn inviter_name(conn: &mut PgConnection, user: Uuid) -> Result<String, AppError> {
    Ok(
        sqlx::query_scalar("SELECT name FROM public.users WHERE id = $1")
            .bind(user)
            .fetch_one(conn)
            .await?,
    )
}

fn invitation_email(
    outbox: &Outbox,
    to: &str,
    inviter: &str,
    organization: &str,
    role: Role,
    token: &str,
) -> crate::email::Email {
    let link = outbox.link(&format!("/invite/{token}"));
    templates::invitation(
        to,
        inviter,
        organization,
        &role.label().to_lowercase(),
        &link,
    )
}

pub async fn invite(
    pool: &PgPool,
    outbox: &Outbox,
    limits: &Limits,
    ctx: &TenantContext,
    email: &str,
    role: Role,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    check_role(ctx, role)?;
    let email = users::validate_email(email)?;
    let tenant = ctx.tenant().id;
    let mut tx = crate::server::db::begin(pool).await?;
    let locked = lock_tenant(&mut tx, tenant).await?;
    count_invitation(&mut tx, limits, tenant).await?;
    let organization = locked.name.clone();
    let already_member: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM public.memberships m JOIN public.users u ON u.id = m.user_id
          WHERE m.tenant_id = $1 AND lower(u.email) = $2)",
    )
    .bind(tenant)
    .bind(users::email_key(&email))
    .fetch_one(&mut *tx)
    .await?;
    if already_member {
        return Err(AppError::invalid(
            "email",
            format!("{email} is already a member of {organization}."),
        ));
    }
    // Open invitations to other addresses count against the limit; inviting the same
    // address again replaces its invitation.
    let pending: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM public.invitations
          WHERE tenant_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
            AND expires_at > now() AND lower(email) <> $2",
    )
    .bind(tenant)
    .bind(users::email_key(&email))
    .fetch_one(&mut *tx)
    .await?;
    if !locked
        .plan
        .limits()
        .members
        .allows((locked.members + pending + 1) as u64)
    {
        return Err(over_limit(&locked));
    }
    let (token, hash) = tokens::generate()?;
    sqlx::query(
        "INSERT INTO public.invitations (id, tenant_id, email, role, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
         ON CONFLICT (tenant_id, lower(email)) WHERE accepted_at IS NULL AND revoked_at IS NULL
         DO UPDATE SET role = EXCLUDED.role, token_hash = EXCLUDED.token_hash,
                       invited_by = EXCLUDED.invited_by, sent_at = now(),
                       expires_at = EXCLUDED.expires_at",
    )
    .bind(Uuid::new_v4())
    .bind(tenant)
    .bind(&email)
    .bind(role.as_str())
    .bind(hash)
    .bind(ctx.user())
    .bind(LIFETIME.whole_seconds() as f64)
    .execute(&mut *tx)
    .await?;
    let inviter = inviter_name(&mut tx, ctx.user()).await?;
    let message = invitation_email(outbox, &email, &inviter, &organization, role, &token);
    recipient_limit::enqueue(outbox, &mut tx, limits, &message).await?;
    let target = format!("{} as {}", users::email_key(&email), role.as_str());
    audit::record_in(
        &mut tx,
        Actor::User(ctx.user()),
        Some(tenant),
        "invitation.sent",
        &target,
        ip,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sends an open invitation again with a new link (the old one stops working) and
/// a fresh 7 days.
pub async fn resend(
    pool: &PgPool,
    outbox: &Outbox,
    limits: &Limits,
    ctx: &TenantContext,
    id: Uuid,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    ctx.require_change(Permission::ManageMembers)?;
    let tenant = ctx.tenant().id;
    let mut tx = crate::server::db::begin(pool).await?;
    let organization = lock_tenant(&mut tx, tenant).await?.name;
    count_invitation(&mut tx, limits, tenant).await?;
    let (token, hash) = tokens::generate()?;
    let row: Option<(String, String)> = sqlx::query_as(
        "UPDATE public.invitations
            SET token_hash = $3, sent_at = now(), expires_at = now() + make_interval(secs => $4)
          WHERE id = $1 AND tenant_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL
          RETURNING email, role",
    )
    .bind(id)
    .bind(tenant)
    .bind(hash)
    .bind(LIFETIME.whole_seconds() as f64)
    .fetch_optional(&mut *tx)
    .await?;
    let (email, role) = row.ok_or_else(|| AppError::not_found("Invitation"))?;
    let role = Role::parse(&role).unwrap_or(Role::Viewer);
    let inviter = inviter_name(&mut tx, ctx.user()).await?;
    let message = invitation_email(outbox, &email, &inviter, &organization, role, &token);
    recipient_limit::enqueue(outbox, &mut tx, limits, &message).await?;
    audit::record_in(
        &mut tx,
        Actor::User(ctx.user()),
        Some(tenant),
        "invitation.resent",
        &users::email_key(&email),
        ip,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn revoke(
    pool: &PgPool,
    ctx: &TenantContext,
    id: Uuid,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    ctx.require(Permission::ManageMembers)?;
    let tenant = ctx.tenant().id;
    let mut tx = crate::server::db::begin(pool).await?;
    let email: Option<String> = sqlx::query_scalar(
        "UPDATE public.invitations SET revoked_at = now()
          WHERE id = $1 AND tenant_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL
          RETURNING email",
    )
    .bind(id)
    .bind(tenant)
    .fetch_optional(&mut *tx)
    .await?;
    let email = email.ok_or_else(|| AppError::not_found("Invitation"))?;
    audit::record_in(
        &mut tx,
        Actor::User(ctx.user()),
        Some(tenant),
        "invitation.revoked",
        &users::email_key(&email),
        ip,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list(pool: &PgPool, ctx: &TenantContext) -> Result<Vec<InvitationRow>, AppError> {
    ctx.require(Permission::ManageMembers)?;
    let rows: Vec<(Uuid, String, String, Option<String>, time::OffsetDateTime)> = sqlx::query_as(
        "SELECT i.id, i.email, i.role, u.name, i.expires_at
           FROM public.invitations i LEFT JOIN public.users u ON u.id = i.invited_by
          WHERE i.tenant_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
          ORDER BY i.sent_at DESC",
    )
    .bind(ctx.tenant().id)
    .fetch_all(pool)
    .await?;
    let now = time::OffsetDateTime::now_utc();
    Ok(rows
        .into_iter()
        .map(|(id, email, role, invited_by, expires_at)| {
            let left = expires_at - now;
            let expired = left <= time::Duration::ZERO;
            let expires = if expired {
                "expired".to_owned()
            } else if left.whole_days() >= 1 {
                format!("in {} days", left.whole_days())
            } else {
                format!("in {} hours", left.whole_hours().max(1))
            };
            InvitationRow {
                id,
                email,
                role: Role::parse(&role).unwrap_or(Role::Viewer),
                invited_by,
                expires,
                expired,
            }
        })
        .collect())
}

type Found = (
    Uuid,
    Uuid,
    String,
    String,
    bool,
    bool,
    bool,
    String,
    String,
    Option<String>,
);

const FIND: &str = "SELECT i.id, i.tenant_id, i.email, i.role, i.expires_at <= now(),
        i.accepted_at IS NOT NULL, i.revoked_at IS NOT NULL, t.slug, t.name, u.name
   FROM public.invitations i
   JOIN public.tenants t ON t.id = i.tenant_id AND t.status <> 'deleted'
   LEFT JOIN public.users u ON u.id = i.invited_by
  WHERE i.token_hash = $1";

fn status(expired: bool, accepted: bool, revoked: bool) -> InvitationStatus {
    if accepted {
        InvitationStatus::Accepted
    } else if revoked {
        InvitationStatus::Revoked
    } else if expired {
        InvitationStatus::Expired
    } else {
        InvitationStatus::Open
    }
}

/// Refuses an invitation that is not open, or not for `email`.
fn usable(status: InvitationStatus, invited: &str, email: &str) -> Result<(), AppError> {
    let used = |message: &str| {
        Err(AppError::Conflict {
            message: message.into(),
        })
    };
    match status {
        InvitationStatus::Open => {}
        InvitationStatus::Accepted => return used("This invitation has already been used."),
        InvitationStatus::Revoked => {
            return used("This invitation was withdrawn. Ask for a new one.");
        }
        InvitationStatus::Expired => {
            return used("This invitation has expired. Ask for a new one.");
        }
    }
    if users::email_key(invited) != users::email_key(email) {
        return Err(AppError::Denied {
            message: format!(
                "This invitation is for {invited}, and you are signed in as {email}. Sign out \
                 and use that address."
            ),
        });
    }
    Ok(())
}

/// Whether `token` is an open invitation for `email`, checked without using it
/// (before a sign-up spends time hashing a password for it).
pub async fn check_open(pool: &PgPool, token: &str, email: &str) -> Result<(), AppError> {
    let view = view(pool, token)
        .await?
        .ok_or_else(|| AppError::not_found("This invitation"))?;
    usable(view.status, &view.email, email)
}

/// The invitation behind `token`, whatever its status; `None` for an unknown link.
pub async fn view(pool: &PgPool, token: &str) -> Result<Option<InvitationView>, AppError> {
    let found: Option<Found> = sqlx::query_as(FIND)
        .bind(tokens::hash(token))
        .fetch_optional(pool)
        .await?;
    Ok(found.map(
        |(_, _, email, role, expired, accepted, revoked, slug, organization, invited_by)| {
            InvitationView {
                status: status(expired, accepted, revoked),
                organization,
                slug,
                email,
                role: Role::parse(&role).unwrap_or(Role::Viewer),
                invited_by,
                signed_in_as: None,
            }
        },
    ))
}

/// Uses the invitation behind `token` for `user`, inside the caller's transaction:
/// only the invited address, only once, only while open, only within the plan.
pub async fn accept(
    conn: &mut PgConnection,
    token: &str,
    user: &CurrentUser,
    ip: Option<IpAddr>,
) -> Result<Joined, AppError> {
    let found: Option<Found> = sqlx::query_as(&format!("{FIND} FOR UPDATE OF i"))
        .bind(tokens::hash(token))
        .fetch_optional(&mut *conn)
        .await?;
    let (id, tenant, email, role, expired, accepted, revoked, slug, _, _) =
        found.ok_or_else(|| AppError::not_found("This invitation"))?;
    usable(status(expired, accepted, revoked), &email, &user.email)?;
    let locked = lock_tenant(conn, tenant).await?;
    // No context exists before joining, so the read-only rule is applied here; the
    // invitation stays open for when the account is settled.
    if locked.status == TenantStatus::PastDue {
        return Err(tenancy::read_only(&locked.name));
    }
    let inserted = sqlx::query(
        "INSERT INTO public.memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(user.id)
    .bind(&role)
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 1
        && !locked
            .plan
            .limits()
            .members
            .allows(locked.members as u64 + 1)
    {
        return Err(over_limit(&locked));
    }
    sqlx::query(
        "UPDATE public.invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(user.id)
    .execute(&mut *conn)
    .await?;
    // Following the link proved the address.
    users::mark_verified(conn, user.id).await?;
    audit::record_in(
        conn,
        Actor::User(user.id),
        Some(tenant),
        "invitation.accepted",
        &format!("{} as {role}", users::email_key(&email)),
        ip,
    )
    .await?;
    Ok(Joined {
        tenant_id: tenant,
        slug,
    })
}
