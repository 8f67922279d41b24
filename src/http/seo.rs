//! `robots.txt` and `sitemap.xml`, generated from the list of public pages.

use app::pages::site::PUBLIC_PAGES;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};

use super::AppState;

pub async fn robots(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "User-agent: *\nDisallow: /app/\nDisallow: /api/\nDisallow: /dev/\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
            state.public_origin
        ),
    )
        .into_response()
}

pub async fn sitemap(State(state): State<AppState>) -> Response {
    let urls: String = PUBLIC_PAGES
        .iter()
        .map(|(path, _, _)| format!("  <url><loc>{}{path}</loc></url>\n", state.public_origin))
        .collect();
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{urls}</urlset>\n"
        ),
    )
        .into_response()
}
