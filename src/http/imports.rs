//! CSV uploads: `POST /app/{slug}/import` (multipart: `kind`, `file`) stores the file
//! as an import job and sends the browser to its review page; `GET
//! /templates/{kind}.csv` gives a template with the expected columns.

use app::{
    AppError,
    tenancy::TenantContext,
    workspace::import::{self, limits::ImportLimits},
};
use axum::{
    extract::{Multipart, Path, State, multipart::Field},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};

use super::AppState;

/// The request body may exceed the file by the multipart framing and the `kind` field.
pub fn body_limit(limits: &ImportLimits) -> usize {
    limits.max_bytes.saturating_add(64 * 1024)
}

fn back_with(slug: &str, message: &str) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(message.as_bytes()).collect();
    Redirect::to(&format!("/app/{slug}/import?error={encoded}")).into_response()
}

/// The file, read a chunk at a time and given up as soon as it passes the limit, so
/// an upload never holds more than `max_bytes` in memory.
async fn read_file(mut field: Field<'_>, limits: &ImportLimits) -> Result<Vec<u8>, String> {
    let mut content = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) if content.len() + chunk.len() > limits.max_bytes => {
                return Err(limits.too_large().to_string());
            }
            Ok(Some(chunk)) => content.extend_from_slice(&chunk),
            Ok(None) => return Ok(content),
            Err(_) => return Err(unreadable(limits)),
        }
    }
}

fn unreadable(limits: &ImportLimits) -> String {
    format!(
        "The upload could not be read (at most {} MB).",
        limits.max_bytes / (1024 * 1024)
    )
}

pub async fn upload(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ctx: TenantContext,
    mut form: Multipart,
) -> Response {
    let limits = &state.import_limits;
    let (mut kind, mut file) = (String::new(), None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("kind") => kind = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("upload.csv").to_owned();
                    match read_file(field, limits).await {
                        Ok(bytes) => file = Some((name, bytes)),
                        Err(message) => return back_with(&slug, &message),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return back_with(&slug, &unreadable(limits)),
        }
    }
    let Some((name, content)) = file.filter(|(_, c)| !c.is_empty()) else {
        return back_with(&slug, "Choose a CSV file to upload.");
    };
    match import::store::create(&state.pool, &ctx, &kind, &name, content, limits).await {
        Ok(id) => Redirect::to(&format!("/app/{slug}/import/{id}")).into_response(),
        Err(AppError::Validation { message, .. }) => back_with(&slug, &message),
        Err(err) => err.into_response(),
    }
}

pub async fn template(Path(file): Path<String>) -> Response {
    let kind = file.strip_suffix(".csv").unwrap_or_default();
    let (Some(headers), Some(example)) = (
        app::workspace::export::headers(kind).filter(|_| import::fields(kind).is_some()),
        match kind {
            "products" => Some("VAL-001,Ball valve DN50,Hydraulics,12.50,24.90,21,true"),
            "inventory" => Some("VAL-001,MAIN,120,10,40,20"),
            "invoices" => Some("INV-1001,C001,2026-03-01,2026-03-31,,1250.00"),
            "bills" => Some("B-2001,S001,2026-03-02,2026-04-01,2026-03-30,830.00"),
            "sales" => Some("SO-1001,C001,2026-03-01,shipped,VAL-001,10,24.90"),
            "purchases" => Some("PO-2001,S001,2026-03-02,received,VAL-001,50,12.50"),
            _ => None,
        },
    ) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{kind}-template.csv\""),
            ),
        ],
        format!("{}\n{example}\n", headers.join(",")),
    )
        .into_response()
}
