//! `capliquify serve --demo` (the run command): a ready-made account and organization with sample data,
//! on Enterprise free of charge, so every feature can be tried at once. Idempotent: an
//! existing demo is kept.

use sqlx::PgPool;

use super::sample;
use crate::{
    AppError,
    accounts::{password, users},
    tenancy::{self, TenantStatus},
};

pub const EMAIL: &str = "demo@capliquify.test";
pub const PASSWORD: &str = "demo-password";
const SLUG: &str = "demo";

pub async fn ensure(pool: &PgPool) -> Result<(), AppError> {
    let mut conn = pool.acquire().await?;
    let user = match users::find_by_email(&mut conn, EMAIL).await? {
        Some(user) => user.id,
        None => {
            let hash = password::hash(PASSWORD.to_owned()).await?;
            users::create(&mut conn, "Demo User", EMAIL, &hash, true)
                .await?
                .ok_or_else(|| AppError::internal("the demo account could not be created"))?
        }
    };
    drop(conn);
    let provisioned = tenancy::provision_owned(pool, "Demo Manufacturing", SLUG, user).await?;
    let tenant = provisioned.tenant;
    let members: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM memberships WHERE tenant_id = $1 AND user_id = $2",
    )
    .bind(tenant.id)
    .bind(user)
    .fetch_one(pool)
    .await?;
    if members == 0 || tenant.status == TenantStatus::Deleted {
        return Err(AppError::Conflict {
            message: format!(
                "the slug \"{SLUG}\" belongs to another organization: no demo created"
            ),
        });
    }
    // Everything to try, and no trial to run out: Enterprise, free of charge.
    sqlx::query(
        "UPDATE tenants SET plan = 'enterprise', comped = true, status = 'active'
          WHERE id = $1 AND NOT comped",
    )
    .bind(tenant.id)
    .execute(pool)
    .await?;
    let mut tx = crate::server::db::begin(pool).await?;
    tenancy::template::set_local_search_path(&mut tx, &tenant.schema).await?;
    let products: i64 = sqlx::query_scalar("SELECT count(*) FROM products")
        .fetch_one(&mut *tx)
        .await?;
    if products == 0 {
        let made = sample::generate(&mut tx, time::OffsetDateTime::now_utc().date(), 7).await?;
        tracing::info!(
            products = made.products,
            orders = made.sales_orders,
            "demo data generated"
        );
    }
    tx.commit().await?;
    tracing::info!("demo: sign in as {EMAIL} with password {PASSWORD}");
    Ok(())
}
