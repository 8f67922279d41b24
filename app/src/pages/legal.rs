//! `/terms` and `/privacy`.

use leptos::prelude::*;

use super::site::PageMeta;

#[component]
pub fn TermsPage() -> impl IntoView {
    view! {
        <PageMeta path="/terms" />
        <article class="narrow legal">
            <h1>"Terms of service"</h1>
            <p>"These terms govern your use of CapLiquify, the working-capital software for manufacturers."</p>
            <h2>"Accounts and organizations"</h2>
            <p>"You are responsible for the people you invite to your organization and for the roles you give them. Keep your password secret; we never ask for it."</p>
            <h2>"Your data"</h2>
            <p>"The data you upload remains yours. We process it only to provide the service, and you can export every list as CSV at any time."</p>
            <h2>"Subscriptions"</h2>
            <p>"Plans renew monthly or annually until cancelled. A payment that fails makes the organization read-only until it is settled; if it cannot be collected, the organization is suspended and its data kept."</p>
            <h2>"Availability and changes"</h2>
            <p>"We work to keep the service available and will announce material changes to these terms by email before they take effect."</p>
        </article>
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <PageMeta path="/privacy" />
        <article class="narrow legal">
            <h1>"Privacy policy"</h1>
            <p>"This policy explains which personal data CapLiquify processes and why."</p>
            <h2>"What we collect"</h2>
            <p>"Your name, work email address and a hash of your password; the organizations you belong to and your role; the IP address and time of sign-ins and other security-relevant actions, kept in an audit log."</p>
            <h2>"Cookies"</h2>
            <p>"One session cookie keeps you signed in. It is HttpOnly, not readable by scripts, and expires after 12 hours without use. We use no advertising or tracking cookies."</p>
            <h2>"Payments"</h2>
            <p>"Payments are handled by Stripe; we store only Stripe's identifiers for your organization and subscription, never card numbers."</p>
            <h2>"Your rights"</h2>
            <p>"You can ask for a copy or the deletion of your personal data through the contact page."</p>
        </article>
    }
}
