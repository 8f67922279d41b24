//! `/contact`: questions and demo requests, stored, rate limited per address and
//! answered with a confirmation email.

use leptos::{form::ActionForm, prelude::*};

use super::{
    forms::{field_error, form_error},
    site::PageMeta,
};
use crate::AppError;

/// Requests accepted from one IP address per hour.
pub const PER_HOUR: i64 = 5;

#[server(prefix = "/api/fn", endpoint = "send_contact")]
pub async fn send_contact(
    name: String,
    email: String,
    #[server(default)] company: String,
    message: String,
) -> Result<(), AppError> {
    use crate::{
        accounts::users,
        email::{recipient_limit, templates},
        server::{limits, request},
    };
    let name = users::validate_name(&name)?;
    let email = users::validate_email(&email)?;
    let company = company.trim().chars().take(200).collect::<String>();
    let message = message.trim().to_owned();
    if message.is_empty() || message.chars().count() > 5000 {
        return Err(AppError::invalid(
            "message",
            "Write your message (at most 5,000 characters).",
        ));
    }
    let pool = request::pool()?;
    let outbox = request::outbox()?;
    let ip = request::client_ip().await.map(|ip| ip.to_string());
    let mut tx = crate::server::db::begin(&pool).await?;
    let recent: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM public.contact_requests WHERE ip = $1::inet AND created_at > now() - interval '1 hour'",
    )
    .bind(&ip)
    .fetch_one(&mut *tx)
    .await?;
    if recent >= PER_HOUR {
        return Err(AppError::RateLimited {
            message: "We have received several messages from you in the last hour. Please try again later.".into(),
        });
    }
    sqlx::query(
        "INSERT INTO public.contact_requests (id, name, email, company, message, ip) VALUES ($1, $2, $3, $4, $5, $6::inet)",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(&name)
    .bind(&email)
    .bind(&company)
    .bind(&message)
    .bind(&ip)
    .execute(&mut *tx)
    .await?;
    let link = outbox.link("/faq");
    // The address is whatever the sender typed: it gets no more than anyone else.
    let confirmation = templates::contact_received(&email, &name, &link);
    recipient_limit::enqueue(&outbox, &mut tx, &limits::current()?, &confirmation).await?;
    tx.commit().await?;
    Ok(())
}

#[component]
pub fn ContactPage() -> impl IntoView {
    let send = ServerAction::<SendContact>::new();
    let result = send.value();
    view! {
        <PageMeta path="/contact" />
        <section class="narrow card">
            <h1>"Talk to us"</h1>
            <p>"Questions, a demo with your own data, or help with an import: we answer within one working day."</p>
            {move || {
                if matches!(result.get(), Some(Ok(()))) {
                    view! { <p class="success" role="status">"Thank you. We have sent you a confirmation and will reply soon."</p> }.into_any()
                } else {
                    view! {
                        <ActionForm action=send>
                            <div class="field">
                                <label for="name">"Your name"</label>
                                <input id="name" name="name" autocomplete="name" required />
                                {field_error(result, "name")}
                            </div>
                            <div class="field">
                                <label for="email">"Work email"</label>
                                <input id="email" name="email" type="email" autocomplete="email" required />
                                {field_error(result, "email")}
                            </div>
                            <div class="field">
                                <label for="company">"Company"</label>
                                <input id="company" name="company" autocomplete="organization" />
                            </div>
                            <div class="field">
                                <label for="message">"How can we help?"</label>
                                <textarea id="message" name="message" rows="5" required></textarea>
                                {field_error(result, "message")}
                            </div>
                            {form_error(result)}
                            <button class="button primary" type="submit">"Send"</button>
                        </ActionForm>
                    }.into_any()
                }
            }}
        </section>
    }
}
