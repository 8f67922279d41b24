//! Which tenant a request is for, and whether it may be served.

use axum::{
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, header, request::Parts},
};
use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::Session;
use uuid::Uuid;

use super::{Slug, TenantContext, TenantStatus, registry};
use crate::AppError;

pub const TENANT_SLUG_HEADER: &str = "x-tenant-slug";
pub const ORGANIZATION_ID_HEADER: &str = "x-organization-id";

/// How a request names its tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantKey {
    Slug(Slug),
    Id(Uuid),
}

/// Reads the tenant a request names: the path `/app/{slug}/...` first, then the
/// `X-Tenant-Slug` or `X-Organization-ID` header, then the subdomain
/// `{slug}.{base_domain}` when a base domain is configured. Malformed values are
/// refused with a message, never looked up.
pub fn tenant_key(
    path: &str,
    headers: &HeaderMap,
    base_domain: Option<&str>,
) -> Result<Option<TenantKey>, AppError> {
    if let Some(rest) = path.strip_prefix("/app/") {
        let segment = rest.split('/').next().unwrap_or_default();
        return slug_from("The organization in the address", segment).map(Some);
    }
    if let Some(value) = headers.get(TENANT_SLUG_HEADER) {
        let value = value
            .to_str()
            .map_err(|_| AppError::bad_request("X-Tenant-Slug must be plain text."))?;
        return slug_from("X-Tenant-Slug", value).map(Some);
    }
    if let Some(value) = headers.get(ORGANIZATION_ID_HEADER) {
        let id = value
            .to_str()
            .ok()
            .filter(|v| v.len() <= 36)
            .and_then(|v| Uuid::parse_str(v).ok())
            .ok_or_else(|| {
                AppError::bad_request("X-Organization-ID must be an organization id (a UUID).")
            })?;
        return Ok(Some(TenantKey::Id(id)));
    }
    if let (Some(base), Some(host)) = (base_domain, headers.get(header::HOST)) {
        let host = host.to_str().unwrap_or_default();
        let host = host
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if let Some(label) = host
            .strip_suffix(base)
            .and_then(|h| h.strip_suffix('.'))
            .filter(|label| *label != "www")
        {
            return slug_from("The organization in the host name", label).map(Some);
        }
    }
    Ok(None)
}

fn slug_from(source: &str, value: &str) -> Result<TenantKey, AppError> {
    if value.len() > 64 {
        return Err(AppError::bad_request(format!(
            "{source} is too long to be an organization."
        )));
    }
    Slug::parse(value).map(TenantKey::Slug).map_err(|err| {
        AppError::bad_request(format!("{source} is not a valid organization: {err}"))
    })
}

/// Looks the tenant up, checks that `user` is a member, and applies the status
/// gates. Checked on every call, so a removed member loses access at once. Unknown
/// tenants, deleted ones and ones the user does not belong to all answer "not
/// found": outsiders learn nothing about which organizations exist.
pub async fn resolve(
    pool: &PgPool,
    key: &TenantKey,
    user: Uuid,
) -> Result<TenantContext, AppError> {
    let (tenant, role) = resolve_member(pool, key, user).await?;
    TenantContext::admit(tenant, user, role, OffsetDateTime::now_utc())
}

/// The tenant and the user's role in it, without the status gates: billing must stay
/// reachable while an organization is suspended or its trial has ended. Gives no
/// access to tenant tables.
pub async fn resolve_member(
    pool: &PgPool,
    key: &TenantKey,
    user: Uuid,
) -> Result<(super::Tenant, crate::accounts::Role), AppError> {
    let (tenant, role) = registry::find_with_role(pool, key, user)
        .await?
        .filter(|(t, _)| t.status != TenantStatus::Deleted)
        .ok_or_else(|| AppError::not_found("Organization"))?;
    let role = role.ok_or_else(|| AppError::not_found("Organization"))?;
    Ok((tenant, role))
}

/// The context for work a member queued (a forecast run, an import), made when a
/// worker takes it: membership and status gates are checked again, so queued work
/// does not outlive its starter's access.
pub async fn resolve_starter(
    pool: &PgPool,
    tenant: Uuid,
    user: Uuid,
) -> Result<TenantContext, AppError> {
    resolve(pool, &TenantKey::Id(tenant), user)
        .await
        .map_err(|err| match err {
            AppError::NotFound { .. } => AppError::Denied {
                message: "Whoever started this is no longer a member of the organization.".into(),
            },
            err => err,
        })
}

/// The context of a REST API call made with a key of tenant `tenant` (the key's id
/// stands for the actor), with the role its scope allows and the usual status gates.
pub async fn resolve_api_key(
    pool: &PgPool,
    tenant: Uuid,
    key: Uuid,
    role: crate::accounts::Role,
) -> Result<TenantContext, AppError> {
    let tenant = registry::find(pool, tenant)
        .await?
        .ok_or_else(|| AppError::not_found("Organization"))?;
    TenantContext::admit(tenant, key, role, OffsetDateTime::now_utc())
}

/// The context of a request for the tenant `key` names: the signed-in user's
/// membership, or else the running support grant of the operator signed in on the
/// same session (read-only; the request, `path`, is audited under their name).
pub async fn resolve_request(
    pool: &PgPool,
    session: &Session,
    key: &TenantKey,
    path: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<TenantContext, AppError> {
    let user = crate::accounts::session::user_id(pool, session).await?;
    if let Some(user) = user {
        match resolve(pool, key, user).await {
            Err(AppError::NotFound { .. }) => {}
            other => return other,
        }
    }
    if let Some(ctx) = crate::admin::support::context(pool, session, key, path, ip).await? {
        return Ok(ctx);
    }
    Err(match user {
        Some(_) => AppError::not_found("Organization"),
        None => AppError::Unauthenticated,
    })
}

/// Tenancy settings the request extractor needs.
#[derive(Debug, Clone, Default)]
pub struct TenancyConfig {
    pub base_domain: Option<String>,
}

/// Extracts the tenant context of a request from a signed-in member. A request that
/// names no tenant, or comes from no one, is refused.
impl<S> FromRequestParts<S> for TenantContext
where
    S: Send + Sync,
    PgPool: FromRef<S>,
    TenancyConfig: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::internal("no session layer"))?;
        let pool = PgPool::from_ref(state);
        let config = TenancyConfig::from_ref(state);
        let key = tenant_key(parts.uri.path(), &parts.headers, config.base_domain.as_deref())?
            .ok_or_else(|| {
                AppError::bad_request(
                    "No organization given: use /app/{slug}/..., or the X-Tenant-Slug or X-Organization-ID header.",
                )
            })?;
        let ip = parts
            .extensions
            .get::<crate::server::client_ip::ClientIp>()
            .map(|c| c.0);
        resolve_request(&pool, &session, &key, parts.uri.path(), ip).await
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn key(
        path: &str,
        headers: &[(&'static str, &str)],
        base: Option<&str>,
    ) -> Result<Option<TenantKey>, AppError> {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        tenant_key(path, &map, base)
    }

    fn slug(s: &str) -> Option<TenantKey> {
        Some(TenantKey::Slug(Slug::parse(s).unwrap()))
    }

    #[test]
    fn path_header_and_subdomain_name_the_tenant() {
        assert_eq!(key("/app/acme/products", &[], None).unwrap(), slug("acme"));
        assert_eq!(key("/app/acme", &[], None).unwrap(), slug("acme"));
        assert_eq!(
            key("/api/v1/x", &[("x-tenant-slug", "acme")], None).unwrap(),
            slug("acme")
        );
        let id = Uuid::new_v4();
        assert_eq!(
            key("/api/v1/x", &[("x-organization-id", &id.to_string())], None).unwrap(),
            Some(TenantKey::Id(id))
        );
        assert_eq!(
            key(
                "/",
                &[("host", "acme.capliquify.com:443")],
                Some("capliquify.com")
            )
            .unwrap(),
            slug("acme")
        );
        assert_eq!(
            key("/", &[("host", "capliquify.com")], Some("capliquify.com")).unwrap(),
            None
        );
        assert_eq!(
            key(
                "/",
                &[("host", "www.capliquify.com")],
                Some("capliquify.com")
            )
            .unwrap(),
            None
        );
        // Subdomains only count when a base domain is configured.
        assert_eq!(
            key("/", &[("host", "acme.capliquify.com")], None).unwrap(),
            None
        );
        // The path wins over headers.
        assert_eq!(
            key("/app/acme/x", &[("x-tenant-slug", "other")], None).unwrap(),
            slug("acme")
        );
    }

    #[test]
    fn hostile_values_are_refused_with_a_message() {
        let long = "a".repeat(500);
        for (path, headers) in [
            ("/app/ac'me/x", vec![]),
            ("/app/acme;drop/x", vec![]),
            ("/app/ACME/x", vec![]),
            (
                "/",
                vec![("x-tenant-slug", "acme\"; DROP SCHEMA public; --")],
            ),
            ("/", vec![("x-tenant-slug", long.as_str())]),
            ("/", vec![("x-organization-id", "1 OR 1=1")]),
            ("/", vec![("x-organization-id", long.as_str())]),
        ] {
            let err = key(path, &headers, None).unwrap_err();
            assert!(
                matches!(err, AppError::BadRequest { .. }),
                "{path} {headers:?}: {err:?}"
            );
        }
        let err = key(
            "/",
            &[("host", "ev'il.capliquify.com")],
            Some("capliquify.com"),
        )
        .unwrap_err();
        assert!(matches!(err, AppError::BadRequest { .. }));
    }
}
