//! `/dev/mailbox`: the emails the app would have sent, when no SMTP server is
//! configured. Routed only in that mode.

use app::email::{mailbox, templates::escape_html as esc};
use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

use super::AppState;

/// Email HTML carries inline styles and nothing else: no scripts, no remote content.
const EMAIL_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
/// The list page uses the site's stylesheet and nothing else.
const LIST_CSP: &str = "default-src 'none'; style-src 'self'";

fn page(title: &str, body: &str) -> Response {
    let mut response = Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>{title}</title>
<link rel="stylesheet" href="/pkg/capliquify.css"></head>
<body><main id="main" class="card"><h1>{title}</h1>{body}</main></body></html>"#,
        title = esc(title)
    ))
    .into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(LIST_CSP),
    );
    response
}

pub async fn list(State(state): State<AppState>) -> Response {
    let Some(dir) = state.outbox.mailbox_dir() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let emails = match mailbox::list(dir).await {
        Ok(emails) => emails,
        Err(err) => return app::AppError::internal(err).into_response(),
    };
    let mut body = String::from(
        "<p class=\"muted\">Emails are written here because SMTP_URL is not set. Newest first.</p>",
    );
    if emails.is_empty() {
        body.push_str("<p>No emails yet.</p>");
    } else {
        body.push_str(
            "<table class=\"members\"><thead><tr><th>Sent</th><th>To</th><th>Subject</th><th>Text</th></tr></thead><tbody>",
        );
        for e in &emails {
            body.push_str(&format!(
                "<tr><td>{sent}</td><td>{to}</td><td><a href=\"/dev/mailbox/{id}.html\">{subject}</a></td><td><a href=\"/dev/mailbox/{id}.txt\">text</a></td></tr>",
                sent = format_args!(
                    "{} {:02}:{:02}:{:02} UTC",
                    e.sent_at.date(),
                    e.sent_at.hour(),
                    e.sent_at.minute(),
                    e.sent_at.second()
                ),
                to = esc(&e.email.to),
                subject = esc(&e.email.subject),
                id = e.id,
            ));
        }
        body.push_str("</tbody></table>");
    }
    page("Dev mailbox", &body)
}

/// `{id}.html` shows the HTML part, `{id}.txt` the plain-text part.
pub async fn show(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(dir) = state.outbox.mailbox_dir() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some((id, html)) = file
        .strip_suffix(".html")
        .map(|id| (id, true))
        .or_else(|| file.strip_suffix(".txt").map(|id| (id, false)))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(id) = id.parse() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match mailbox::get(dir, id).await {
        Ok(Some(stored)) if html => {
            let mut response = Html(stored.email.html).into_response();
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(EMAIL_CSP),
            );
            response
        }
        Ok(Some(stored)) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            stored.email.text,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => app::AppError::internal(err).into_response(),
    }
}
