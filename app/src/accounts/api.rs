//! Server functions for accounts and organizations, and the types they return.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Role;
use crate::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: Uuid,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSummary {
    pub slug: String,
    pub name: String,
    pub role: Role,
}

/// What the app header and an organization's home page show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationHome {
    pub user: CurrentUser,
    pub slug: String,
    pub name: String,
    pub role: Role,
    pub status: crate::tenancy::TenantStatus,
    pub trial_days_left: Option<i64>,
    pub read_only: bool,
    pub organizations: Vec<OrganizationSummary>,
    /// The onboarding step left to finish, if any (2 data, 3 team, 4 plan).
    pub onboarding_step: Option<i16>,
    /// Set when an operator is looking at the organization for support.
    pub support: Option<crate::admin::SupportView>,
}

/// Creates an account. Without an invitation the address must be confirmed: the
/// answer is "check your inbox" whether or not the address already had an account
/// (which gets a reminder instead), so sign-up reveals nothing about who is a
/// customer. An account whose address was never confirmed does not belong to anyone
/// yet: a new sign-up replaces its name and password, and only the newest emailed
/// link confirms it. With an invitation link for this address, the account is
/// created (or that unconfirmed one taken over) confirmed, signed in and joined to
/// the organization at once.
#[server(prefix = "/api/fn", endpoint = "sign_up")]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    #[server(default)] invitation: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        accounts::{invitations::store as invitations, password as pw, session, tokens, users},
        email::{recipient_limit, templates},
        server::{audit, limits, request},
    };
    let name = users::validate_name(&name)?;
    let email = users::validate_email(&email)?;
    pw::validate_new(&password)?;
    let pool = request::pool()?;
    let outbox = request::outbox()?;
    let limits = limits::current()?;
    let ip = request::client_ip().await;
    let invitation = invitation.filter(|t| !t.trim().is_empty());
    // Limits and the invitation are checked before the deliberately slow hash.
    sign_up_allowed(&pool, &limits, ip).await?;
    if let Some(token) = &invitation {
        invitations::check_open(&pool, token, &email).await?;
    }
    let hash = pw::hash(password).await?;
    let mut tx = crate::server::db::begin(&pool).await?;
    let created = match users::create(&mut tx, &name, &email, &hash, invitation.is_some()).await? {
        Some(user) => Some(user),
        None => users::replace_unconfirmed(&mut tx, &name, &email, &hash).await?,
    };
    let Some(token) = invitation else {
        // What this browser will be remembered to have chosen (see verify_email).
        let mut chosen = (uuid::Uuid::new_v4(), 0);
        match created {
            Some(user) => {
                chosen = (user, users::generation(&mut tx, user).await?);
                let token = tokens::issue(&mut tx, user, tokens::Purpose::VerifyEmail).await?;
                let link = outbox.link(&format!("/verify-email?token={token}"));
                let message = templates::verify_email(&email, &name, &link);
                recipient_limit::enqueue(&outbox, &mut tx, &limits, &message).await?;
                let target = users::email_key(&email);
                audit::record_in(
                    &mut tx,
                    audit::Actor::User(user),
                    None,
                    "user.signed_up",
                    &target,
                    ip,
                )
                .await?;
            }
            None => {
                let existing = users::find_by_email(&mut tx, &email)
                    .await?
                    .ok_or_else(|| AppError::internal("account vanished during sign-up"))?;
                let link = outbox.link("/forgot-password");
                let message = templates::account_exists(&existing.email, &existing.name, &link);
                recipient_limit::enqueue(&outbox, &mut tx, &limits, &message).await?;
            }
        }
        tx.commit().await?;
        // A known address keeps a marker that matches no account, so the answer (a
        // session cookie included) is the same either way.
        session::remember_sign_up(&request::session().await?, chosen.0, chosen.1).await?;
        leptos_axum::redirect("/check-email?for=signup");
        return Ok(());
    };
    let Some(user) = created else {
        return Err(AppError::invalid(
            "email",
            "You already have an account with this address: sign in to accept the invitation.",
        ));
    };
    let target = users::email_key(&email);
    audit::record_in(
        &mut tx,
        audit::Actor::User(user),
        None,
        "user.signed_up",
        &target,
        ip,
    )
    .await?;
    let me = CurrentUser {
        id: user,
        name,
        email,
    };
    let joined = invitations::accept(&mut tx, &token, &me, ip).await?;
    sqlx::query("UPDATE public.users SET last_tenant_id = $2 WHERE id = $1")
        .bind(user)
        .bind(joined.tenant_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    session::sign_in(&pool, &request::session().await?, user).await?;
    leptos_axum::redirect(&format!("/app/{}", joined.slug));
    Ok(())
}

/// Counts a sign-up from this client address and refuses it past the hourly limit.
#[cfg(feature = "ssr")]
async fn sign_up_allowed(
    pool: &sqlx::PgPool,
    limits: &crate::server::limits::Limits,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    use crate::server::{limits::SIGN_UP_WINDOW, rate_counters};
    let Some(ip) = ip else { return Ok(()) };
    let mut conn = pool.acquire().await?;
    if rate_counters::hit(&mut conn, &format!("sign_up:{ip}"), SIGN_UP_WINDOW).await?
        > limits.sign_ups_per_client
    {
        return Err(AppError::RateLimited {
            message: "Too many accounts were created from your network in the last hour. \
                      Please try again later."
                .into(),
        });
    }
    Ok(())
}

/// Signs in. Wrong address and wrong password get the same answer; an account whose
/// address is not confirmed yet gets a new confirmation link instead of a session.
#[server(prefix = "/api/fn", endpoint = "log_in")]
pub async fn log_in(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        accounts::{password as pw, session, throttle, tokens, users},
        email::templates,
        server::{audit, request, return_path},
    };
    let pool = request::pool()?;
    let ip = request::client_ip().await;
    let key = users::email_key(&email);
    let attempt = throttle::attempt(&pool, &crate::server::limits::current()?, &key, ip).await?;
    let found = users::credentials(&pool, &email).await?;
    let ok = pw::verify(
        password,
        found.as_ref().and_then(|c| c.password_hash.clone()),
    )
    .await?;
    match found {
        Some(account) if ok && !account.verified => {
            attempt.succeeded(&pool).await?;
            // This browser knows the password: the link may sign it in.
            session::remember_sign_up(&request::session().await?, account.id, account.generation)
                .await?;
            let outbox = request::outbox()?;
            let purpose = tokens::Purpose::VerifyEmail;
            let mut tx = crate::server::db::begin(&pool).await?;
            if !tokens::recently_issued(&mut tx, account.id, purpose, time::Duration::minutes(2))
                .await?
            {
                let user = users::get(&pool, account.id)
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                let token = tokens::issue(&mut tx, account.id, purpose).await?;
                let link = outbox.link(&format!("/verify-email?token={token}"));
                let message = templates::verify_email(&user.email, &user.name, &link);
                let limits = crate::server::limits::current()?;
                crate::email::recipient_limit::enqueue(&outbox, &mut tx, &limits, &message).await?;
            }
            tx.commit().await?;
            Err(AppError::Denied {
                message: "Confirm your email address first: we have sent you a new link.".into(),
            })
        }
        Some(account) if ok => {
            attempt.succeeded(&pool).await?;
            audit::record(
                &pool,
                audit::Actor::User(account.id),
                None,
                "user.signed_in",
                &key,
                ip,
            )
            .await?;
            session::sign_in(&pool, &request::session().await?, account.id).await?;
            leptos_axum::redirect(&return_path::or(next, "/app".to_owned()));
            Ok(())
        }
        _ => {
            audit::record(
                &pool,
                audit::Actor::Anonymous,
                None,
                "user.sign_in_failed",
                &key,
                ip,
            )
            .await?;
            Err(AppError::Validation {
                message: "Email or password is incorrect.".into(),
                fields: Default::default(),
            })
        }
    }
}

#[server(prefix = "/api/fn", endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::{accounts::session, server::request};
    session::sign_out(&request::session().await?).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in user, or `None`.
#[server(prefix = "/api/fn", endpoint = "get_current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::{
        accounts::{session, users},
        server::request,
    };
    let pool = request::pool()?;
    let Some(id) = session::user_id(&pool, &request::session().await?).await? else {
        return Ok(None);
    };
    users::get(&pool, id).await
}

/// The signed-in user's organizations, the one used last first.
#[server(prefix = "/api/fn", endpoint = "my_organizations")]
pub async fn my_organizations() -> Result<Vec<OrganizationSummary>, AppError> {
    use crate::{
        accounts::{memberships, session},
        server::request,
    };
    let pool = request::pool()?;
    let user = session::require_user(&pool, &request::session().await?).await?;
    memberships::organizations_of(&pool, user).await
}

/// Creates an organization (its own tenant schema) with the signed-in user as owner,
/// on a 14-day trial. Returns its slug.
#[server(prefix = "/api/fn", endpoint = "create_organization")]
pub async fn create_organization(
    name: String,
    slug: String,
    #[server(default)] industry: String,
    #[server(default)] currency: String,
    #[server(default)] decimal_separator: String,
) -> Result<String, AppError> {
    use crate::{
        accounts::{session, users},
        server::request,
        tenancy,
    };
    let session = request::session().await?;
    let pool = request::pool()?;
    let user = session::require_user(&pool, &session).await?;
    let industry = industry.trim().chars().take(100).collect::<String>();
    let currency = match currency.trim().to_ascii_uppercase() {
        c if c.is_empty() => "EUR".to_owned(),
        c if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()) => c,
        _ => {
            return Err(AppError::invalid(
                "currency",
                "Use a three-letter code such as EUR or USD.",
            ));
        }
    };
    // How imported files write numbers; "." unless the form says otherwise.
    let decimal_separator = match decimal_separator.trim() {
        "" | "." => ".",
        "," => ",",
        _ => {
            return Err(AppError::invalid(
                "decimal_separator",
                "Choose a number format.",
            ));
        }
    };
    let max_owned = crate::server::limits::current()?.organizations_per_user;
    let created = tenancy::provision_within_limit(&pool, &name, &slug, user, max_owned).await?;
    let tenant = &created.tenant;
    if created.created {
        // The wizard's first step filled in the profile; the next one is data.
        sqlx::query(&format!(
            "UPDATE {}.company_profile SET legal_name = $1, industry = $2, currency = $3,
                    decimal_separator = $4",
            tenant.schema.quoted()
        ))
        .bind(&tenant.name)
        .bind(&industry)
        .bind(&currency)
        .bind(decimal_separator)
        .execute(&pool)
        .await?;
        sqlx::query("UPDATE public.tenants SET onboarding_step = 2 WHERE id = $1")
            .bind(tenant.id)
            .execute(&pool)
            .await?;
    }
    users::remember_organization(&pool, user, tenant.id).await?;
    // Privileges changed: a new session id.
    session.cycle_id().await.map_err(AppError::internal)?;
    leptos_axum::redirect(&format!("/app/{}/welcome", tenant.slug));
    Ok(tenant.slug.clone())
}

/// The header and home page of organization `slug`, for one of its members (or an
/// operator with support access, who sees it read-only under a banner).
#[server(prefix = "/api/fn", endpoint = "get_organization_home")]
pub async fn get_organization_home(slug: String) -> Result<OrganizationHome, AppError> {
    use crate::{
        accounts::{memberships, users},
        tenancy::{Access, TenantStatus},
    };
    let (pool, ctx) = member_context(&slug).await?;
    let tenant = ctx.tenant();
    let (user, organizations) = match ctx.support() {
        Some(view) => (
            CurrentUser {
                id: ctx.user(),
                name: format!("{} (CapLiquify support)", view.operator),
                email: String::new(),
            },
            Vec::new(),
        ),
        None => {
            users::remember_organization(&pool, ctx.user(), tenant.id).await?;
            (
                users::get(&pool, ctx.user())
                    .await?
                    .ok_or(AppError::Unauthenticated)?,
                memberships::organizations_of(&pool, ctx.user()).await?,
            )
        }
    };
    let trial_days_left = (tenant.status == TenantStatus::Trial)
        .then(|| {
            tenant
                .trial_ends_at
                .map(|end| (end - time::OffsetDateTime::now_utc()).whole_days().max(0))
        })
        .flatten();
    Ok(OrganizationHome {
        user,
        slug: tenant.slug.clone(),
        name: tenant.name.clone(),
        role: ctx.role(),
        status: tenant.status,
        trial_days_left,
        read_only: ctx.access() == Access::ReadOnly && ctx.support().is_none(),
        organizations,
        onboarding_step: sqlx::query_scalar(
            "SELECT onboarding_step FROM public.tenants WHERE id = $1",
        )
        .bind(tenant.id)
        .fetch_one(&pool)
        .await?,
        support: ctx.support().cloned(),
    })
}

/// One row of the members page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The row of the user looking at the page.
    pub you: bool,
}

/// Resolves organization `slug` for the signed-in user (membership checked now), or
/// for an operator's running support access.
#[cfg(feature = "ssr")]
pub(crate) async fn member_context(
    slug: &str,
) -> Result<(sqlx::PgPool, crate::tenancy::TenantContext), AppError> {
    use crate::{
        server::request,
        tenancy::{self, TenantKey},
    };
    let pool = request::pool()?;
    let key = TenantKey::Slug(
        tenancy::Slug::parse(slug).map_err(|_| AppError::not_found("Organization"))?,
    );
    let path = leptos_axum::extract::<axum::http::Uri>()
        .await
        .map(|uri| uri.path().to_owned())
        .unwrap_or_default();
    let ctx = tenancy::resolve_request(
        &pool,
        &request::session().await?,
        &key,
        &path,
        request::client_ip().await,
    )
    .await?;
    Ok((pool, ctx))
}

#[server(prefix = "/api/fn", endpoint = "list_members")]
pub async fn list_members(slug: String) -> Result<Vec<MemberRow>, AppError> {
    let (pool, ctx) = member_context(&slug).await?;
    super::members::list(&pool, &ctx).await
}

#[server(prefix = "/api/fn", endpoint = "change_member_role")]
pub async fn change_member_role(slug: String, user_id: Uuid, role: Role) -> Result<(), AppError> {
    let (pool, ctx) = member_context(&slug).await?;
    super::members::change_role(&pool, &ctx, user_id, role).await?;
    if user_id == ctx.user() {
        // Own privileges changed: a new session id.
        crate::server::request::session()
            .await?
            .cycle_id()
            .await
            .map_err(AppError::internal)?;
    }
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "remove_member")]
pub async fn remove_member(slug: String, user_id: Uuid) -> Result<(), AppError> {
    let (pool, ctx) = member_context(&slug).await?;
    super::members::remove(&pool, &ctx, user_id).await
}

#[server(prefix = "/api/fn", endpoint = "transfer_ownership")]
pub async fn transfer_ownership(slug: String, user_id: Uuid) -> Result<(), AppError> {
    let (pool, ctx) = member_context(&slug).await?;
    super::members::transfer_ownership(&pool, &ctx, user_id).await?;
    crate::server::request::session()
        .await?
        .cycle_id()
        .await
        .map_err(AppError::internal)?;
    Ok(())
}
