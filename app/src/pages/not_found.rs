use leptos::prelude::*;
use leptos_meta::Title;

/// Rendered for any path no route matches, with HTTP status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Page not found" />
        <section class="narrow not-found">
            <h1>"We could not find that page"</h1>
            <p>"The address may be mistyped, or the page may have moved."</p>
            <p>
                <a class="button" href="/">"Go to the home page"</a>
            </p>
        </section>
    }
}
