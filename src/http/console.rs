//! The operators' console at the HTTP layer: hiding it from everyone else, and the
//! audit log's CSV download.

use app::{
    AppError,
    admin::{
        AuditQuery, audit_log,
        session::{self, Stage},
    },
    server::{
        audit::{self, Actor},
        client_ip::ClientIp,
    },
};
use axum::{
    Extension,
    extract::{Query, Request, State},
    http::{Uri, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_sessions::Session;

use super::AppState;

/// Whether `path` belongs to the console (pages, downloads, server functions).
fn is_console(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/") || path.starts_with("/api/fn/admin/")
}

/// For anyone but an operator past the second factor, a console request is sent on
/// to a path nothing serves, so the answer is the site's ordinary 404 page: the
/// console does not reveal that it exists. Runs before routing (see `router`).
pub async fn hide(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if is_console(req.uri().path()) {
        let allowed = match req.extensions().get::<Session>() {
            Some(s) => matches!(
                session::current(&state.pool, s).await,
                Ok(Some((_, Stage::Verified)))
            ),
            None => false,
        };
        if !allowed {
            *req.uri_mut() = Uri::from_static("/404");
        }
    }
    next.run(req).await
}

/// `GET /admin/audit.csv?…`: the filtered audit log, whole, as CSV. The export is
/// itself audited with its filter.
pub async fn audit_csv(
    State(state): State<AppState>,
    session: Session,
    client: Option<Extension<ClientIp>>,
    Query(query): Query<AuditQuery>,
) -> Response {
    let result = async {
        let operator = session::require(&state.pool, &session).await?;
        let body = audit_log::csv(&state.pool, &query).await?;
        audit::record_detailed(
            &mut *state.pool.acquire().await?,
            Actor::Operator(operator.id),
            None,
            "audit.exported",
            "",
            client.map(|Extension(ClientIp(ip))| ip),
            &serde_json::to_value(&query).map_err(AppError::internal)?,
        )
        .await?;
        Ok::<_, AppError>(body)
    }
    .await;
    match result {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"capliquify-audit-{}.csv\"",
                        app::format::utc_day(time::OffsetDateTime::now_utc())
                    ),
                ),
            ],
            body,
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_console_is_every_admin_path_and_server_function() {
        for path in [
            "/admin",
            "/admin/",
            "/admin/tenants/x",
            "/api/fn/admin/revenue",
        ] {
            assert!(super::is_console(path), "{path}");
        }
        for path in [
            "/administrator",
            "/app/admin",
            "/api/fn/operator/sign_in",
            "/",
        ] {
            assert!(!super::is_console(path), "{path}");
        }
    }
}
