//! The company profile: legal name, industry, currency (used on the dashboard),
//! default payment terms, the first month of the fiscal year and the number format
//! of the files it imports.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyProfile {
    pub legal_name: String,
    pub industry: String,
    pub currency: String,
    pub default_payment_terms_days: i32,
    pub fiscal_year_start_month: i32,
    /// "." (1,234.56) or "," (1.234,56): how numbers in imported files are read.
    pub decimal_separator: String,
    pub can_edit: bool,
}

#[server(prefix = "/api/fn", endpoint = "get_company_profile")]
pub async fn get_company_profile(slug: String) -> Result<CompanyProfile, AppError> {
    use crate::accounts::{Permission, member_context};
    let (pool, ctx) = member_context(&slug).await?;
    let mut tx = ctx.read(&pool).await?;
    let (legal_name, industry, currency, terms, month, decimal_separator): (String, String, String, i32, i32, String) = sqlx::query_as(
        "SELECT legal_name, industry, currency::text, default_payment_terms_days, fiscal_year_start_month,
                decimal_separator
           FROM company_profile",
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(CompanyProfile {
        legal_name,
        industry,
        currency,
        default_payment_terms_days: terms,
        fiscal_year_start_month: month,
        decimal_separator,
        can_edit: ctx.role().allows(Permission::EditData)
            && ctx.access() == crate::tenancy::Access::ReadWrite,
    })
}

#[server(prefix = "/api/fn", endpoint = "save_company_profile")]
pub async fn save_company_profile(
    slug: String,
    legal_name: String,
    #[server(default)] industry: String,
    currency: String,
    default_payment_terms_days: String,
    fiscal_year_start_month: String,
    // A form without the field leaves the format as it is.
    #[server(default)] decimal_separator: String,
) -> Result<(), AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    let mut fields = std::collections::BTreeMap::new();
    let legal_name = legal_name.trim().to_owned();
    if legal_name.chars().count() > 200 {
        fields.insert(
            "legal_name".to_owned(),
            "At most 200 characters.".to_owned(),
        );
    }
    let industry = industry.trim().to_owned();
    if industry.chars().count() > 100 {
        fields.insert("industry".to_owned(), "At most 100 characters.".to_owned());
    }
    let currency = currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        fields.insert(
            "currency".to_owned(),
            "Use a three-letter code such as EUR or USD.".to_owned(),
        );
    }
    let terms = default_payment_terms_days
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| (0..=365).contains(d));
    if terms.is_none() {
        fields.insert(
            "default_payment_terms_days".to_owned(),
            "Enter days from 0 to 365.".to_owned(),
        );
    }
    let month = fiscal_year_start_month
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|m| (1..=12).contains(m));
    if month.is_none() {
        fields.insert(
            "fiscal_year_start_month".to_owned(),
            "Choose a month.".to_owned(),
        );
    }
    let decimal_separator = match decimal_separator.trim() {
        "" => None,
        s @ ("." | ",") => Some(s.to_owned()),
        _ => {
            fields.insert(
                "decimal_separator".to_owned(),
                "Choose a number format.".to_owned(),
            );
            None
        }
    };
    if !fields.is_empty() {
        return Err(AppError::Validation {
            message: "Some fields need attention.".into(),
            fields,
        });
    }
    let mut tx = ctx.write(&pool).await?;
    sqlx::query(
        "UPDATE company_profile SET legal_name = $1, industry = $2, currency = $3,
                default_payment_terms_days = $4, fiscal_year_start_month = $5,
                decimal_separator = coalesce($6, decimal_separator), updated_at = now()",
    )
    .bind(&legal_name)
    .bind(&industry)
    .bind(&currency)
    .bind(terms)
    .bind(month)
    .bind(decimal_separator)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
