//! A per-client limit on what visitors who are not signed in can post (sign-in,
//! sign-up, password reset, contact, invitations, operator sign-in: every form and
//! server function), counted in PostgreSQL so that it holds across server processes.

use app::{
    accounts::session as user_session,
    admin::session as operator_session,
    server::{client_ip::ClientIp, rate_limit},
};
use axum::{
    extract::{Request, State},
    http::Method,
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_sessions::Session;

use super::{AppState, csrf};

pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(ClientIp(ip)) = req.extensions().get::<ClientIp>().copied() else {
        return next.run(req).await;
    };
    let session = req.extensions().get::<Session>().cloned();
    if !is_limited(req.method(), req.uri().path()) || signed_in(&state, session).await {
        return next.run(req).await;
    }
    match rate_limit::Limit::per_minute(state.public_rate_per_minute.get())
        .hit(&state.pool, &format!("public:{ip}"))
        .await
    {
        Ok(Ok(())) => next.run(req).await,
        Ok(Err(wait)) => rate_limit::refusal(wait, "Too many requests from your address"),
        Err(err) => err.into_response(),
    }
}

/// Posts of forms and server functions; the REST API and webhooks have limits and
/// checks of their own.
fn is_limited(method: &Method, path: &str) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        && !csrf::CSRF_EXEMPT_PATHS.contains(&path)
        && !csrf::CSRF_EXEMPT_PREFIXES
            .iter()
            .any(|p| path.starts_with(p))
}

async fn signed_in(state: &AppState, session: Option<Session>) -> bool {
    let Some(session) = session else {
        return false;
    };
    matches!(
        user_session::user_id(&state.pool, &session).await,
        Ok(Some(_))
    ) || matches!(
        operator_session::current(&state.pool, &session).await,
        Ok(Some((_, operator_session::Stage::Verified)))
    )
}

#[cfg(test)]
mod tests {
    use axum::http::Method;

    #[test]
    fn forms_are_limited_but_not_the_api_webhooks_or_reads() {
        assert!(super::is_limited(&Method::POST, "/api/fn/log_in"));
        assert!(super::is_limited(&Method::POST, "/app/acme/import"));
        assert!(!super::is_limited(&Method::GET, "/login"));
        assert!(!super::is_limited(&Method::POST, "/api/v1/products"));
        assert!(!super::is_limited(&Method::POST, "/webhooks/stripe"));
    }
}
