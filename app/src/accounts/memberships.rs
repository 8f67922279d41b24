//! Who belongs to which organization, with which role.

use sqlx::PgPool;
use uuid::Uuid;

use super::{OrganizationSummary, Role};
use crate::AppError;

pub async fn role_of(pool: &PgPool, tenant: Uuid, user: Uuid) -> Result<Option<Role>, AppError> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2")
            .bind(tenant)
            .bind(user)
            .fetch_optional(pool)
            .await?;
    Ok(role.as_deref().and_then(Role::parse))
}

/// The user's organizations (not deleted), the one used last first, then by name.
pub async fn organizations_of(
    pool: &PgPool,
    user: Uuid,
) -> Result<Vec<OrganizationSummary>, AppError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT t.slug, t.name, m.role
           FROM memberships m
           JOIN tenants t ON t.id = m.tenant_id
           JOIN users u ON u.id = m.user_id
          WHERE m.user_id = $1 AND t.status <> 'deleted'
          ORDER BY (t.id = u.last_tenant_id) DESC NULLS LAST, lower(t.name)",
    )
    .bind(user)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(slug, name, role)| {
            Some(OrganizationSummary {
                slug,
                name,
                role: Role::parse(&role)?,
            })
        })
        .collect())
}
