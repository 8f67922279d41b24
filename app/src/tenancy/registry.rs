//! The tenants table in `public`: the registry of every tenant and its schema.

use sqlx::{PgPool, Row, postgres::PgRow};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{SchemaName, Slug, TenantKey, TenantStatus};
use crate::{AppError, accounts::Role};

#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub schema: SchemaName,
    pub status: TenantStatus,
    pub plan: String,
    pub trial_ends_at: Option<OffsetDateTime>,
    pub schema_version: i64,
    pub created_at: OffsetDateTime,
    pub deleted_at: Option<OffsetDateTime>,
    /// Suspended by an operator (apart from billing standing, which Stripe drives).
    pub operator_suspended_at: Option<OffsetDateTime>,
    /// On a plan given free of charge by an operator.
    pub comped: bool,
    /// Features an operator switched on or off whatever the plan, by feature id.
    pub feature_overrides: std::collections::BTreeMap<String, bool>,
}

pub(crate) const COLUMNS: &str = "id, slug, name, schema_name, status, plan, trial_ends_at, \
     schema_version, created_at, deleted_at, operator_suspended_at, comped, feature_overrides";

impl Tenant {
    /// The plan whose features and limits apply: a trial gets [`Plan::TRIAL`].
    pub fn effective_plan(&self) -> crate::billing::Plan {
        crate::billing::Plan::effective(self.status, &self.plan)
    }

    /// Reads a registry row, refusing one whose schema name or status is malformed.
    pub(crate) fn from_row(row: &PgRow) -> Result<Self, AppError> {
        let schema_name: String = row.try_get("schema_name")?;
        let status: String = row.try_get("status")?;
        Ok(Self {
            id: row.try_get("id")?,
            slug: row.try_get("slug")?,
            name: row.try_get("name")?,
            schema: SchemaName::parse(&schema_name).ok_or_else(|| {
                AppError::internal(format!(
                    "registry holds a malformed schema name {schema_name:?}"
                ))
            })?,
            status: TenantStatus::parse(&status)
                .ok_or_else(|| AppError::internal(format!("unknown tenant status {status:?}")))?,
            plan: row.try_get("plan")?,
            trial_ends_at: row.try_get("trial_ends_at")?,
            schema_version: row.try_get("schema_version")?,
            created_at: row.try_get("created_at")?,
            deleted_at: row.try_get("deleted_at")?,
            operator_suspended_at: row.try_get("operator_suspended_at")?,
            comped: row.try_get("comped")?,
            feature_overrides: row
                .try_get::<sqlx::types::Json<_>, _>("feature_overrides")?
                .0,
        })
    }
}

pub(crate) async fn find_by_slug(pool: &PgPool, slug: &Slug) -> Result<Option<Tenant>, AppError> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM tenants WHERE slug = $1"))
        .bind(slug.as_str())
        .fetch_optional(pool)
        .await?
        .map(|row| Tenant::from_row(&row))
        .transpose()
}

/// The tenant named by `key` and `user`'s role in it, in one round trip.
pub(crate) async fn find_with_role(
    pool: &PgPool,
    key: &TenantKey,
    user: Uuid,
) -> Result<Option<(Tenant, Option<Role>)>, AppError> {
    let columns: Vec<String> = COLUMNS.split(", ").map(|c| format!("t.{c}")).collect();
    let filter = match key {
        TenantKey::Slug(_) => "t.slug = $1",
        TenantKey::Id(_) => "t.id = $1::text::uuid",
    };
    let value = match key {
        TenantKey::Slug(slug) => slug.as_str().to_owned(),
        TenantKey::Id(id) => id.to_string(),
    };
    let row = sqlx::query(&format!(
        "SELECT {}, m.role AS member_role
           FROM tenants t
           LEFT JOIN memberships m ON m.tenant_id = t.id AND m.user_id = $2
          WHERE {filter}",
        columns.join(", ")
    ))
    .bind(value)
    .bind(user)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let role: Option<String> = row.try_get("member_role")?;
    Ok(Some((
        Tenant::from_row(&row)?,
        role.as_deref().and_then(Role::parse),
    )))
}

/// The tenant `key` names, whatever its state.
pub(crate) async fn find_by_key(
    pool: &PgPool,
    key: &TenantKey,
) -> Result<Option<Tenant>, AppError> {
    match key {
        TenantKey::Slug(slug) => find_by_slug(pool, slug).await,
        TenantKey::Id(id) => find(pool, *id).await,
    }
}

/// The tenant with this id, whatever its state.
pub async fn find(pool: &PgPool, id: Uuid) -> Result<Option<Tenant>, AppError> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM tenants WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(|row| Tenant::from_row(&row))
        .transpose()
}

/// Every tenant, deleted ones included, oldest first.
pub async fn list(pool: &PgPool) -> Result<Vec<Tenant>, AppError> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM tenants ORDER BY created_at, slug"
    ))
    .fetch_all(pool)
    .await?
    .iter()
    .map(Tenant::from_row)
    .collect()
}

/// Soft delete: the tenant is locked at once; its schema is dropped later by
/// [`purge_deleted`].
pub async fn delete(pool: &PgPool, slug: &Slug) -> Result<Tenant, AppError> {
    let mut tx = crate::server::db::begin(pool).await?;
    let row = sqlx::query(&format!(
        "UPDATE tenants SET status = 'deleted', deleted_at = now(), updated_at = now() \
         WHERE slug = $1 AND status <> 'deleted' RETURNING {COLUMNS}"
    ))
    .bind(slug.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(format!("Tenant {slug}")))?;
    let tenant = Tenant::from_row(&row)?;
    crate::server::audit::record_system(&mut tx, Some(tenant.id), "tenant.deleted", &tenant.slug)
        .await?;
    tx.commit().await?;
    Ok(tenant)
}

/// Drops the schemas and roles of tenants deleted before `older_than` ago and removes their
/// registry rows, each in its own transaction. Returns the purged slugs.
pub async fn purge_deleted(
    pool: &PgPool,
    older_than: time::Duration,
) -> Result<Vec<String>, AppError> {
    let cutoff = OffsetDateTime::now_utc() - older_than;
    let due: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM tenants WHERE status = 'deleted' AND deleted_at <= $1 ORDER BY deleted_at",
    )
    .bind(cutoff)
    .fetch_all(pool)
    .await?;
    let mut purged = Vec::new();
    for id in due {
        let mut tx = crate::server::db::begin(pool).await?;
        let Some(row) = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM tenants WHERE id = $1 AND status = 'deleted' FOR UPDATE"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            continue;
        };
        let tenant = Tenant::from_row(&row)?;
        sqlx::query(&format!(
            "DROP SCHEMA IF EXISTS {} CASCADE",
            tenant.schema.quoted()
        ))
        .execute(&mut *tx)
        .await?;
        super::role::remove(&mut tx, &tenant.schema).await?;
        sqlx::query("DELETE FROM tenants WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        crate::server::audit::record_system(&mut tx, Some(id), "tenant.purged", &tenant.slug)
            .await?;
        tx.commit().await?;
        purged.push(tenant.slug);
    }
    Ok(purged)
}
