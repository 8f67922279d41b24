//! CSV uploads: `POST /app/{slug}/import` (multipart: `kind`, `file`) stores the file
//! as an import job and sends the browser to its review page; `GET
//! /templates/{kind}.csv` gives a template with the expected columns.

use app::{AppError, tenancy::TenantContext, workspace::import};
use axum::{
    extract::{Multipart, Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};

use super::AppState;

/// Largest file accepted (about 200,000 rows of products).
pub const MAX_UPLOAD_BYTES: usize = 25 * 1024 * 1024;

fn back_with(slug: &str, message: &str) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(message.as_bytes()).collect();
    Redirect::to(&format!("/app/{slug}/import?error={encoded}")).into_response()
}

pub async fn upload(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ctx: TenantContext,
    mut form: Multipart,
) -> Response {
    let (mut kind, mut file) = (String::new(), None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("kind") => kind = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("upload.csv").to_owned();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes.to_vec())),
                        Err(_) => {
                            return back_with(&slug, "The file could not be read (at most 25 MB).");
                        }
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return back_with(&slug, "The upload could not be read (at most 25 MB)."),
        }
    }
    let Some((name, content)) = file.filter(|(_, c)| !c.is_empty()) else {
        return back_with(&slug, "Choose a CSV file to upload.");
    };
    match import::store::create(&state.pool, &ctx, &kind, &name, content).await {
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
