//! Products: the list (search, filters, sorting, pages) and creating, editing and
//! deactivating them. Every call goes through the tenant context: members read,
//! editors write, viewers and read-only (past due) organizations change nothing.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::AppError;

pub const PER_PAGE: i64 = 25;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductRow {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit_cost: f64,
    pub unit_price: f64,
    pub lead_time_days: i32,
    pub active: bool,
    /// On hand over all locations.
    pub on_hand: f64,
}

/// What the list was asked for; every field is optional in the query string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductQuery {
    pub q: Option<String>,
    pub category: Option<String>,
    /// "active" (default), "inactive" or "all".
    pub status: Option<String>,
    /// sku, name, category, unit_cost, unit_price, lead_time_days, on_hand.
    pub sort: Option<String>,
    /// "asc" (default) or "desc".
    pub dir: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductPage {
    pub rows: Vec<ProductRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub categories: Vec<String>,
    pub can_edit: bool,
}

#[cfg(feature = "ssr")]
const COLUMNS: &str = "p.id, p.sku, p.name, p.category, p.unit_cost::float8, p.unit_price::float8, \
     p.lead_time_days, p.active, coalesce((SELECT sum(on_hand) FROM inventory_levels i WHERE i.product_id = p.id), 0)::float8";

#[cfg(feature = "ssr")]
type Row = (Uuid, String, String, String, f64, f64, i32, bool, f64);

#[cfg(feature = "ssr")]
fn to_product(
    (id, sku, name, category, unit_cost, unit_price, lead_time_days, active, on_hand): Row,
) -> ProductRow {
    ProductRow {
        id,
        sku,
        name,
        category,
        unit_cost,
        unit_price,
        lead_time_days,
        active,
        on_hand,
    }
}

#[server(prefix = "/api/fn", endpoint = "list_products")]
pub async fn list_products(
    slug: String,
    #[server(default)] query: ProductQuery,
) -> Result<ProductPage, AppError> {
    use crate::accounts::{Permission, member_context};
    let (pool, ctx) = member_context(&slug).await?;
    let mut tx = ctx.read(&pool).await?;
    let order = match query.sort.as_deref() {
        Some("name") => "lower(p.name)",
        Some("category") => "lower(p.category)",
        Some("unit_cost") => "p.unit_cost",
        Some("unit_price") => "p.unit_price",
        Some("lead_time_days") => "p.lead_time_days",
        Some("on_hand") => "9",
        _ => "p.sku",
    };
    let dir = if query.dir.as_deref() == Some("desc") {
        "DESC"
    } else {
        "ASC"
    };
    let status = match query.status.as_deref() {
        Some("inactive") => Some(false),
        Some("all") => None,
        _ => Some(true),
    };
    let q = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let category = query.category.filter(|c| !c.is_empty());
    let filter =
        "($1::text IS NULL OR strpos(lower(p.sku), $1) > 0 OR strpos(lower(p.name), $1) > 0)
          AND ($2::text IS NULL OR p.category = $2)
          AND ($3::bool IS NULL OR p.active = $3)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM products p WHERE {filter}"))
        .bind(&q)
        .bind(&category)
        .bind(status)
        .fetch_one(&mut *tx)
        .await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM products p WHERE {filter}
          ORDER BY {order} {dir}, p.sku LIMIT $4 OFFSET $5"
    ))
    .bind(&q)
    .bind(&category)
    .bind(status)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(&mut *tx)
    .await?;
    let categories: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT category FROM products WHERE category <> '' ORDER BY 1",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ProductPage {
        rows: rows.into_iter().map(to_product).collect(),
        total,
        page,
        pages,
        categories,
        can_edit: ctx.role().allows(Permission::EditData)
            && ctx.access() == crate::tenancy::Access::ReadWrite,
    })
}

#[server(prefix = "/api/fn", endpoint = "get_product")]
pub async fn get_product(slug: String, id: Uuid) -> Result<ProductRow, AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    let mut tx = ctx.read(&pool).await?;
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM products p WHERE p.id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;
    row.map(to_product)
        .ok_or_else(|| AppError::not_found("Product"))
}

/// A product's fields as entered in the form (text, checked by the server).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductInput {
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub category: String,
    pub unit_cost: String,
    pub unit_price: String,
    pub lead_time_days: String,
}

/// A product as entered in the form, checked field by field.
#[cfg(feature = "ssr")]
struct Valid {
    sku: String,
    name: String,
    category: String,
    unit_cost: f64,
    unit_price: f64,
    lead_time_days: i32,
}

#[cfg(feature = "ssr")]
fn validate(input: &ProductInput) -> Result<Valid, AppError> {
    let ProductInput {
        sku,
        name,
        category,
        unit_cost,
        unit_price,
        lead_time_days,
    } = input;
    let mut fields = std::collections::BTreeMap::new();
    let sku = sku.trim();
    if sku.is_empty()
        || sku.len() > 64
        || !sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        fields.insert(
            "sku".into(),
            "Use 1–64 letters, digits, '-', '_', '.' or '/'.".to_owned(),
        );
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        fields.insert(
            "name".into(),
            "Enter a name of at most 200 characters.".to_owned(),
        );
    }
    let category = category.trim();
    if category.chars().count() > 100 {
        fields.insert("category".into(), "At most 100 characters.".to_owned());
    }
    let money = |field: &str,
                 raw: &str,
                 fields: &mut std::collections::BTreeMap<String, String>| {
        match raw.trim().replace(',', "").parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..1e10).contains(&v) => v,
            _ => {
                fields.insert(
                    field.into(),
                    "Enter an amount of zero or more, e.g. 12.50.".to_owned(),
                );
                0.0
            }
        }
    };
    let unit_cost = money("unit_cost", unit_cost, &mut fields);
    let unit_price = money("unit_price", unit_price, &mut fields);
    let lead = match lead_time_days.trim().parse::<i32>() {
        Ok(d) if (0..=730).contains(&d) => d,
        _ => {
            fields.insert(
                "lead_time_days".into(),
                "Enter whole days from 0 to 730.".to_owned(),
            );
            0
        }
    };
    if !fields.is_empty() {
        return Err(AppError::Validation {
            message: "Some fields need attention.".into(),
            fields,
        });
    }
    Ok(Valid {
        sku: sku.to_owned(),
        name: name.to_owned(),
        category: category.to_owned(),
        unit_cost,
        unit_price,
        lead_time_days: lead,
    })
}

/// Creates a product (`id` empty) or updates one. Creating counts against the plan's
/// product limit.
#[server(prefix = "/api/fn", endpoint = "save_product")]
pub async fn save_product(
    slug: String,
    #[server(default)] id: Option<Uuid>,
    input: ProductInput,
) -> Result<(), AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    save(&pool, &ctx, id, &input).await?;
    leptos_axum::redirect(&format!("/app/{slug}/products"));
    Ok(())
}

/// Creates a product (within the plan's limit), or updates `id`: the one place the
/// form and the API save products through.
#[cfg(feature = "ssr")]
pub async fn save(
    pool: &sqlx::PgPool,
    ctx: &crate::tenancy::TenantContext,
    id: Option<Uuid>,
    input: &ProductInput,
) -> Result<(), AppError> {
    use crate::billing::gates;
    let valid = validate(input)?;
    let mut tx = ctx.write(pool).await?;
    let result = match id {
        None => {
            let count: i64 = sqlx::query_scalar("SELECT count(*) FROM products")
                .fetch_one(&mut *tx)
                .await?;
            let limit = ctx.tenant().effective_plan().limits().products;
            gates::within_limit(ctx.tenant(), "products", limit, count as u64 + 1)?;
            sqlx::query(
                "INSERT INTO products (sku, name, category, unit_cost, unit_price, lead_time_days)
                 VALUES ($1, $2, $3, $4::float8::numeric, $5::float8::numeric, $6)
                 ON CONFLICT (sku) DO NOTHING",
            )
            .bind(&valid.sku)
            .bind(&valid.name)
            .bind(&valid.category)
            .bind(valid.unit_cost)
            .bind(valid.unit_price)
            .bind(valid.lead_time_days)
            .execute(&mut *tx)
            .await?
        }
        Some(id) => {
            let taken: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM products WHERE sku = $1 AND id <> $2)",
            )
            .bind(&valid.sku)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if taken {
                return Err(sku_taken());
            }
            let updated = sqlx::query(
                "UPDATE products SET sku = $2, name = $3, category = $4,
                        unit_cost = $5::float8::numeric, unit_price = $6::float8::numeric,
                        lead_time_days = $7, updated_at = now()
                  WHERE id = $1",
            )
            .bind(id)
            .bind(&valid.sku)
            .bind(&valid.name)
            .bind(&valid.category)
            .bind(valid.unit_cost)
            .bind(valid.unit_price)
            .bind(valid.lead_time_days)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(AppError::not_found("Product"));
            }
            updated
        }
    };
    if result.rows_affected() == 0 {
        return Err(sku_taken());
    }
    tx.commit().await
}

#[cfg(feature = "ssr")]
fn sku_taken() -> AppError {
    AppError::invalid("sku", "Another product already uses this SKU.")
}

/// Deactivates a product (kept with its history) or makes it active again.
#[server(prefix = "/api/fn", endpoint = "set_product_active")]
pub async fn set_product_active(slug: String, id: Uuid, active: bool) -> Result<(), AppError> {
    let (pool, ctx) = crate::accounts::member_context(&slug).await?;
    let mut tx = ctx.write(&pool).await?;
    let updated = sqlx::query("UPDATE products SET active = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(active)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::not_found("Product"));
    }
    tx.commit().await
}
