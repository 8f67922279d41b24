//! Server functions of operator sign-in (`/api/fn/operator/…`) and of the console
//! (`/api/fn/admin/…`). Every console function starts with [`console`], which answers
//! "not found" to anyone but an operator past the second factor; the HTTP layer
//! refuses `/admin` and `/api/fn/admin` the same way before any of this runs.

// `admin_tenant_action` takes one plain form field per argument, and the server macro
// repeats them in code generated at module level, out of reach of a function's allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use uuid::Uuid;

use super::types::{
    AuditPage, AuditQuery, Enrolment, Health, OperatorInfo, RevenueView, SupportView, TenantDetail,
    TenantList, TenantQuery,
};
use crate::AppError;

/// Where an operator's sign-in stands, for the sign-in pages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SignInStage {
    SignedOut,
    /// Password accepted; `enrolled` says whether to ask for a code or to enrol.
    SecondFactorDue {
        enrolled: bool,
    },
    SignedIn,
}

#[cfg(feature = "ssr")]
async fn console() -> Result<(sqlx::PgPool, super::operators::Operator), AppError> {
    use crate::server::request;
    let pool = request::pool()?;
    let operator = super::session::require(&pool, &request::session().await?).await?;
    Ok((pool, operator))
}

/// The operator between password and second factor.
#[cfg(feature = "ssr")]
async fn half_signed_in() -> Result<(sqlx::PgPool, super::operators::Operator), AppError> {
    use super::session::{self, Stage};
    use crate::server::request;
    let pool = request::pool()?;
    match session::current(&pool, &request::session().await?).await? {
        Some((operator, Stage::Password)) => Ok((pool, operator)),
        _ => Err(AppError::Denied {
            message: "Sign in with your operator password first.".into(),
        }),
    }
}

#[server(prefix = "/api/fn/operator", endpoint = "stage")]
pub async fn operator_stage() -> Result<SignInStage, AppError> {
    use super::session::{self, Stage};
    use crate::server::request;
    let pool = request::pool()?;
    Ok(
        match session::current(&pool, &request::session().await?).await? {
            None => SignInStage::SignedOut,
            Some((operator, Stage::Password)) => SignInStage::SecondFactorDue {
                enrolled: operator.enrolled,
            },
            Some((_, Stage::Verified)) => SignInStage::SignedIn,
        },
    )
}

/// First step of an operator's sign-in: the password. Wrong address and wrong
/// password get the same answer, and failures are throttled like users' sign-ins.
#[server(prefix = "/api/fn/operator", endpoint = "sign_in")]
pub async fn operator_sign_in(email: String, password: String) -> Result<(), AppError> {
    use super::{operators, session};
    use crate::{
        accounts::{password as pw, throttle, users},
        server::{audit, request},
    };
    let pool = request::pool()?;
    let ip = request::client_ip().await;
    let email_key = users::email_key(&email);
    let key = throttle::operator_key(&email_key, ip);
    let attempt = throttle::attempt(&pool, &crate::server::limits::current()?, &key, ip).await?;
    let found = operators::credentials(&pool, &email).await?;
    let ok = pw::verify(password, found.as_ref().map(|(_, hash)| hash.clone())).await?;
    match found {
        Some((id, _)) if ok => {
            attempt.succeeded(&pool).await?;
            session::password_passed(&pool, &request::session().await?, id).await?;
            leptos_axum::redirect("/operators/two-factor");
            Ok(())
        }
        _ => {
            audit::record(
                &pool,
                audit::Actor::Anonymous,
                None,
                "operator.sign_in_failed",
                &format!("operator:{email_key}"),
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

/// The authenticator to enrol, for an operator who has none yet.
#[server(prefix = "/api/fn/operator", endpoint = "enrolment")]
pub async fn operator_enrolment() -> Result<Enrolment, AppError> {
    use super::totp;
    let (pool, operator) = half_signed_in().await?;
    let secret = totp::pending_secret(&pool, &crate::server::request::cipher()?, operator.id)
        .await?
        .ok_or_else(|| AppError::Conflict {
            message: "An authenticator is already enrolled: enter its code.".into(),
        })?;
    let url = totp::otpauth_url(&secret, &operator.email)?;
    Ok(Enrolment {
        qr_svg: totp::qr_svg(&url)?,
        secret,
    })
}

/// Confirms enrolment with a first code; returns the recovery codes, shown this once.
#[server(prefix = "/api/fn/operator", endpoint = "confirm_enrolment")]
pub async fn confirm_enrolment(code: String) -> Result<Vec<String>, AppError> {
    use super::{recovery_codes, session, totp};
    use crate::server::{audit, request};
    let (pool, operator) = half_signed_in().await?;
    if !totp::confirm(
        &pool,
        &crate::server::request::cipher()?,
        operator.id,
        &code,
    )
    .await?
    {
        return Err(AppError::invalid(
            "code",
            "That code does not match. Enter the 6 digits your app shows now.",
        ));
    }
    let mut tx = crate::server::db::begin(&pool).await?;
    let codes = recovery_codes::replace(&mut tx, operator.id).await?;
    audit::record_in(
        &mut tx,
        audit::Actor::Operator(operator.id),
        None,
        "operator.two_factor_enrolled",
        &operator.email,
        request::client_ip().await,
    )
    .await?;
    tx.commit().await?;
    session::second_factor_passed(&request::session().await?).await?;
    Ok(codes)
}

/// Second step of sign-in: a code from the authenticator, or a recovery code.
#[server(prefix = "/api/fn/operator", endpoint = "verify")]
pub async fn operator_verify(code: String) -> Result<(), AppError> {
    use super::{recovery_codes, session, totp};
    use crate::{
        accounts::throttle,
        server::{audit, request},
    };
    let (pool, operator) = half_signed_in().await?;
    let ip = request::client_ip().await;
    let key = format!(
        "{}|code",
        throttle::operator_key(&operator.email.to_lowercase(), ip)
    );
    let attempt = throttle::attempt(&pool, &crate::server::limits::current()?, &key, ip).await?;
    let digits = code.chars().filter(char::is_ascii_alphanumeric).count() == 6;
    let (ok, method) = if digits {
        (
            totp::accept(
                &pool,
                &crate::server::request::cipher()?,
                operator.id,
                &code,
            )
            .await?,
            "totp",
        )
    } else {
        let mut conn = pool.acquire().await?;
        (
            recovery_codes::consume(&mut conn, operator.id, &code).await?,
            "recovery_code",
        )
    };
    if !ok {
        audit::record(
            &pool,
            audit::Actor::Operator(operator.id),
            None,
            "operator.second_factor_failed",
            &operator.email,
            ip,
        )
        .await?;
        return Err(AppError::invalid(
            "code",
            "That code is not valid (each code works once). Try the current one, or a recovery code.",
        ));
    }
    attempt.succeeded(&pool).await?;
    let mut conn = pool.acquire().await?;
    audit::record_detailed(
        &mut conn,
        audit::Actor::Operator(operator.id),
        None,
        "operator.signed_in",
        &operator.email,
        ip,
        &serde_json::json!({ "method": method }),
    )
    .await?;
    session::second_factor_passed(&request::session().await?).await?;
    leptos_axum::redirect("/admin");
    Ok(())
}

#[server(prefix = "/api/fn/operator", endpoint = "sign_out")]
pub async fn operator_sign_out() -> Result<(), AppError> {
    use crate::server::request;
    super::session::end(&request::session().await?).await?;
    leptos_axum::redirect("/operators/sign-in");
    Ok(())
}

/// The support banner for a tenant page (`path` under `/app/{slug}`), when the
/// operator on this session has a running grant there; nothing for anyone else.
#[server(prefix = "/api/fn/operator", endpoint = "support_banner")]
pub async fn support_banner(path: String) -> Result<Option<(String, SupportView)>, AppError> {
    use super::session::{self, Stage};
    use crate::{
        server::request,
        tenancy::{self, TenantKey},
    };
    let Some(slug) = path
        .strip_prefix("/app/")
        .and_then(|rest| rest.split('/').next())
        .and_then(|s| tenancy::Slug::parse(s).ok())
    else {
        return Ok(None);
    };
    let pool = request::pool()?;
    let Some((operator, Stage::Verified)) =
        session::current(&pool, &request::session().await?).await?
    else {
        return Ok(None);
    };
    let Some(tenant) = tenancy::find_by_key(&pool, &TenantKey::Slug(slug)).await? else {
        return Ok(None);
    };
    Ok(super::support::active(&pool, &operator, tenant.id)
        .await?
        .map(|view| (tenant.slug, view)))
}

/// Ends the operator's support access to `slug` and returns to its console page.
#[server(prefix = "/api/fn/operator", endpoint = "end_support")]
pub async fn end_support(slug: String) -> Result<(), AppError> {
    use crate::{
        server::request,
        tenancy::{self, TenantKey},
    };
    let (pool, operator) = console().await?;
    let slug = tenancy::Slug::parse(&slug).map_err(|_| AppError::not_found("Tenant"))?;
    let tenant = tenancy::find_by_key(&pool, &TenantKey::Slug(slug))
        .await?
        .ok_or_else(|| AppError::not_found("Tenant"))?;
    super::support::end(&pool, &operator, tenant.id, request::client_ip().await).await?;
    leptos_axum::redirect(&format!("/admin/tenants/{}", tenant.id));
    Ok(())
}

#[server(prefix = "/api/fn/admin", endpoint = "me")]
pub async fn admin_me() -> Result<OperatorInfo, AppError> {
    let (_, operator) = console().await?;
    Ok(OperatorInfo {
        name: operator.name,
        email: operator.email,
    })
}

#[server(prefix = "/api/fn/admin", endpoint = "revenue")]
pub async fn admin_revenue() -> Result<RevenueView, AppError> {
    use super::revenue;
    use crate::workspace::charts::{self, Series};
    let (pool, _) = console().await?;
    let r = revenue::compute(
        &revenue::load(&pool).await?,
        time::OffsetDateTime::now_utc(),
    );
    let labels: Vec<String> = r.months.iter().map(|m| m.month.clone()).collect();
    let dollars = |v: u64| Some(v as f64 / 100.0);
    let series = |name, class, f: fn(&revenue::MonthMovement) -> u64| Series {
        name,
        class,
        values: r.months.iter().map(|m| dollars(f(m))).collect(),
    };
    let mrr_chart = charts::lines(
        "Monthly recurring revenue, last 12 months",
        &labels,
        &[series("MRR", "s1", |m| m.mrr)],
        "",
    );
    let movement_chart = charts::lines(
        "MRR movement per month",
        &labels,
        &[
            series("New", "s1", |m| m.new),
            series("Expansion", "s2", |m| m.expansion),
            series("Contraction", "s3", |m| m.contraction),
            series("Churn", "s4", |m| m.churned),
        ],
        "",
    );
    let plan_names: Vec<&str> = r.by_plan.iter().map(|p| p.plan.as_str()).collect();
    let counts: Vec<f64> = r.by_plan.iter().map(|p| p.subscriptions as f64).collect();
    let plans_chart = charts::bars("Active subscriptions by plan", &plan_names, &counts, "");
    Ok(RevenueView {
        revenue: r,
        mrr_chart,
        movement_chart,
        plans_chart,
    })
}

#[server(prefix = "/api/fn/admin", endpoint = "tenants")]
pub async fn admin_tenants(query: TenantQuery) -> Result<TenantList, AppError> {
    let (pool, _) = console().await?;
    super::tenants::list(&pool, &query).await
}

#[server(prefix = "/api/fn/admin", endpoint = "tenant")]
pub async fn admin_tenant(id: Uuid) -> Result<TenantDetail, AppError> {
    let (pool, _) = console().await?;
    super::tenants::detail(&pool, id).await
}

/// One action on a tenant (`action` names it; the optional fields are its arguments,
/// one form field each, so every action form posts plain fields).
#[server(prefix = "/api/fn/admin", endpoint = "tenant_action")]
pub async fn admin_tenant_action(
    id: Uuid,
    action: String,
    reason: String,
    #[server(default)] days: Option<u16>,
    #[server(default)] plan: Option<String>,
    #[server(default)] feature: Option<String>,
    #[server(default)] setting: Option<String>,
    #[server(default)] confirm_slug: Option<String>,
) -> Result<(), AppError> {
    use super::tenants::{self, Action};
    use crate::{
        billing::{Feature, Plan},
        server::request,
    };
    let (pool, operator) = console().await?;
    let action = match action.as_str() {
        "suspend" => Action::Suspend,
        "reactivate" => Action::Reactivate,
        "extend_trial" => Action::ExtendTrial {
            days: days.ok_or_else(|| AppError::invalid("days", "Extend by 1 to 90 days."))?,
        },
        "comp_plan" => Action::CompPlan {
            plan: plan
                .as_deref()
                .and_then(Plan::parse)
                .ok_or_else(|| AppError::invalid("plan", "Choose a plan."))?,
        },
        "override_feature" => Action::OverrideFeature {
            feature: Feature::ALL
                .into_iter()
                .find(|f| Some(f.id()) == feature.as_deref())
                .ok_or_else(|| AppError::invalid("feature", "Choose a feature."))?,
            enabled: match setting.as_deref() {
                Some("on") => Some(true),
                Some("off") => Some(false),
                Some("plan") => None,
                _ => {
                    return Err(AppError::invalid(
                        "setting",
                        "Choose on, off or as the plan says.",
                    ));
                }
            },
        },
        "delete" => Action::Delete {
            confirm_slug: confirm_slug.unwrap_or_default(),
        },
        other => return Err(AppError::bad_request(format!("unknown action {other:?}"))),
    };
    tenants::act(
        &pool,
        &operator,
        id,
        action,
        &reason,
        request::client_ip().await,
    )
    .await
}

/// Starts read-only support access to a tenant and opens its app.
#[server(prefix = "/api/fn/admin", endpoint = "start_support")]
pub async fn admin_start_support(id: Uuid, reason: String, minutes: u16) -> Result<(), AppError> {
    use crate::server::request;
    let (pool, operator) = console().await?;
    let slug = super::support::start(
        &pool,
        &operator,
        id,
        &reason,
        minutes,
        request::client_ip().await,
    )
    .await?;
    leptos_axum::redirect(&format!("/app/{slug}"));
    Ok(())
}

#[server(prefix = "/api/fn/admin", endpoint = "health")]
pub async fn admin_health() -> Result<Health, AppError> {
    let (pool, _) = console().await?;
    super::health::check(&pool).await
}

#[server(prefix = "/api/fn/admin", endpoint = "audit")]
pub async fn admin_audit(query: AuditQuery) -> Result<AuditPage, AppError> {
    let (pool, _) = console().await?;
    super::audit_log::search(&pool, &query, super::audit_log::PAGE_SIZE).await
}

/// Walks the audit log's hash chain; the answer is a sentence for the page.
#[server(prefix = "/api/fn/admin", endpoint = "verify_audit_chain")]
pub async fn admin_verify_audit_chain() -> Result<String, AppError> {
    use crate::server::audit_chain::{self, Broken};
    let (pool, _) = console().await?;
    let verified = audit_chain::verify(&pool).await?;
    Ok(match verified.broken {
        None => format!(
            "Intact: {} records, each chained to the one before.",
            verified.records
        ),
        Some(Broken::Altered { id, .. }) => format!("BROKEN: record {id} was edited."),
        Some(Broken::Gap { id, .. }) => {
            format!("BROKEN: the record before {id} was removed or changed.")
        }
    })
}
