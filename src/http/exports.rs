//! `GET /app/{slug}/export/{kind}.csv`: a list (or the what-if scenarios) as a CSV
//! download, for members with import and export rights. The tenant and the membership come from the tenant
//! context extractor, as for every tenant request.

use app::{AppError, tenancy::TenantContext};
use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};

use super::AppState;

pub async fn csv(
    State(state): State<AppState>,
    Path((_slug, file)): Path<(String, String)>,
    ctx: TenantContext,
) -> Response {
    let Some(kind) = file.strip_suffix(".csv") else {
        return AppError::not_found("Export").into_response();
    };
    let csv = match kind {
        "scenarios" => app::scenarios::store::csv(&state.pool, &ctx).await,
        _ => app::workspace::export::export(&state.pool, &ctx, kind).await,
    };
    match csv {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}-{kind}.csv\"", ctx.tenant().slug),
                ),
            ],
            body,
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}
