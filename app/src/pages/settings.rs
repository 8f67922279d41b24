//! `/app/{slug}/settings`: the company profile.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::forms::{field_error, form_error};
use crate::workspace::profile::{CompanyProfile, SaveCompanyProfile, get_company_profile};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[component]
pub fn SettingsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let save = ServerAction::<SaveCompanyProfile>::new();
    let profile = Resource::new(
        move || (slug(), save.version().get()),
        |(slug, _)| get_company_profile(slug),
    );
    view! {
        <Title text="Company profile" />
        <p>
            <a href=move || format!("/app/{}", slug())>"← Back to the dashboard"</a>
        </p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                profile.get().map(|result| match result {
                    Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                    Ok(p) => view! { <ProfileForm p slug=slug() save /> }.into_any(),
                })
            }}
        </Suspense>
    }
}

#[component]
fn ProfileForm(
    p: CompanyProfile,
    slug: String,
    save: ServerAction<SaveCompanyProfile>,
) -> impl IntoView {
    let result = save.value();
    let saved = move || {
        matches!(result.get(), Some(Ok(())))
            .then(|| view! { <p class="success" role="status">"Saved."</p> })
    };
    let months = MONTHS
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let n = i as i32 + 1;
            view! { <option value=n.to_string() selected=n == p.fiscal_year_start_month>{*m}</option> }
        })
        .collect_view();
    view! {
        <section class="narrow card">
            <h1>"Company profile"</h1>
            <ActionForm action=save>
                <input type="hidden" name="slug" value=slug />
                <fieldset disabled=!p.can_edit>
                    <div class="field">
                        <label for="legal_name">"Legal name"</label>
                        <input id="legal_name" name="legal_name" value=p.legal_name.clone() />
                        {field_error(result, "legal_name")}
                    </div>
                    <div class="field">
                        <label for="industry">"Industry"</label>
                        <input id="industry" name="industry" value=p.industry.clone() />
                        {field_error(result, "industry")}
                    </div>
                    <div class="field">
                        <label for="currency">"Currency (ISO code)"</label>
                        <input id="currency" name="currency" maxlength="3" value=p.currency.clone() />
                        {field_error(result, "currency")}
                    </div>
                    <div class="field">
                        <label for="default_payment_terms_days">"Default payment terms (days)"</label>
                        <input id="default_payment_terms_days" name="default_payment_terms_days" inputmode="numeric" value=p.default_payment_terms_days.to_string() />
                        {field_error(result, "default_payment_terms_days")}
                    </div>
                    <div class="field">
                        <label for="fiscal_year_start_month">"Fiscal year starts in"</label>
                        <select id="fiscal_year_start_month" name="fiscal_year_start_month">{months}</select>
                        {field_error(result, "fiscal_year_start_month")}
                    </div>
                    <div class="field">
                        <label for="decimal_separator">"Numbers in imported files"</label>
                        <select id="decimal_separator" name="decimal_separator" aria-describedby="decimal_separator_hint">
                            <option value="." selected=p.decimal_separator == ".">"1,234.56 (decimal point)"</option>
                            <option value="," selected=p.decimal_separator == ",">"1.234,56 (decimal comma)"</option>
                        </select>
                        <p class="muted small" id="decimal_separator_hint">"How CSV imports read amounts and quantities. A number that does not fit is reported, never guessed."</p>
                        {field_error(result, "decimal_separator")}
                    </div>
                    {form_error(result)}
                    {saved}
                    <button class="button primary" type="submit">"Save"</button>
                </fieldset>
            </ActionForm>
        </section>
    }
}
