//! An organization's pages answer 404 to a signed-in visitor who is not a member, as
//! a page that does not exist would. The pages stream, so the status must be decided
//! before rendering starts: the request is sent on to a path nothing serves, the way
//! the console gate does it.

use app::{
    AppError,
    accounts::session as user_session,
    admin::session as operator_session,
    tenancy::{self, Slug, TenantKey},
};
use axum::{
    extract::{Request, State},
    http::{Method, Uri},
    middleware::Next,
    response::Response,
};
use tower_sessions::Session;

use super::AppState;

pub async fn hide_unknown(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD)
        && let Some(slug) = org_slug(req.uri().path())
        && let Some(session) = req.extensions().get::<Session>().cloned()
        && !may_see(&state, &session, slug).await
    {
        *req.uri_mut() = Uri::from_static("/404");
    }
    next.run(req).await
}

/// The organization an `/app/{slug}…` path names (`/app/new` names none).
fn org_slug(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/app/")?;
    let slug = rest.split('/').next().filter(|s| !s.is_empty())?;
    (slug != "new").then_some(slug)
}

/// False only when the visitor is signed in and neither a member nor an operator who
/// might have support access; anything else the page itself decides (sign-in
/// redirect, locked organization, support view).
async fn may_see(state: &AppState, session: &Session, slug: &str) -> bool {
    let Ok(Some(user)) = user_session::user_id(&state.pool, session).await else {
        return true;
    };
    let Ok(slug) = Slug::parse(slug) else {
        return false;
    };
    match tenancy::resolve_member(&state.pool, &TenantKey::Slug(slug), user).await {
        Err(AppError::NotFound { .. }) => matches!(
            operator_session::current(&state.pool, session).await,
            Ok(Some((_, operator_session::Stage::Verified)))
        ),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::org_slug;

    #[test]
    fn organization_paths_name_their_slug() {
        assert_eq!(org_slug("/app/acme"), Some("acme"));
        assert_eq!(org_slug("/app/acme/products/1"), Some("acme"));
        assert_eq!(org_slug("/app/new"), None);
        assert_eq!(org_slug("/app"), None);
        assert_eq!(org_slug("/app/"), None);
        assert_eq!(org_slug("/apps/acme"), None);
    }
}
