//! Creating a tenant: registry row, schema, role, template tables and indexes in one
//! transaction, so a failure or crash part-way leaves nothing behind.

use sqlx::{PgConnection, PgPool, migrate::Migrator};
use uuid::Uuid;

use super::{
    SchemaName, Slug, Tenant, TenantStatus,
    registry::{self, COLUMNS},
    template::{self, TENANT_TEMPLATE},
};
use crate::AppError;

/// Length of the free trial every new organization starts with.
pub const TRIAL_DAYS: i32 = 14;

#[derive(Debug)]
pub struct Provisioned {
    pub tenant: Tenant,
    /// False when the same tenant already existed (creation is idempotent).
    pub created: bool,
}

/// Creates the tenant `slug` named `name` at the latest template version. Asking again
/// for the same slug and name returns the existing tenant; a slug already taken by
/// another organization is a conflict.
pub async fn provision(pool: &PgPool, name: &str, slug: &str) -> Result<Provisioned, AppError> {
    provision_with(pool, &TENANT_TEMPLATE, name, slug, None).await
}

/// [`provision`] for a signed-in user, who becomes the owner in the same transaction.
/// Asking again returns the existing tenant only to a member of it.
pub async fn provision_owned(
    pool: &PgPool,
    name: &str,
    slug: &str,
    owner: Uuid,
) -> Result<Provisioned, AppError> {
    provision_with(pool, &TENANT_TEMPLATE, name, slug, Some(owner)).await
}

/// [`provision_owned`] for a user who may own at most `max_owned` organizations
/// (each is a schema and a trial). The user's row is locked while counting, so
/// parallel requests cannot overrun the limit; asking again for an organization the
/// user already has still returns it.
pub async fn provision_within_limit(
    pool: &PgPool,
    name: &str,
    slug: &str,
    owner: Uuid,
    max_owned: u32,
) -> Result<Provisioned, AppError> {
    let slug = Slug::parse_new(slug)?;
    let name = validate_name(name)?;
    let mut tx = crate::server::db::begin(pool).await?;
    let owned: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM public.memberships m
           JOIN public.tenants t ON t.id = m.tenant_id AND t.status <> 'deleted'
          WHERE m.user_id = (SELECT id FROM public.users WHERE id = $1 FOR UPDATE)
            AND m.role = 'owner'",
    )
    .bind(owner)
    .fetch_one(&mut *tx)
    .await?;
    if owned >= i64::from(max_owned) {
        tx.rollback().await?;
        return existing(pool, &name, &slug, Some(owner))
            .await
            .map_err(|_| AppError::Conflict {
                message: format!(
                    "You already own {owned} organizations, the most one person may own. \
                     Delete one, or transfer its ownership, to create another."
                ),
            });
    }
    finish(pool, tx, &TENANT_TEMPLATE, &name, &slug, Some(owner)).await
}

/// [`provision`] with an explicit template (tests use broken ones) and owner.
pub async fn provision_with(
    pool: &PgPool,
    template: &Migrator,
    name: &str,
    slug: &str,
    owner: Option<Uuid>,
) -> Result<Provisioned, AppError> {
    let slug = Slug::parse_new(slug)?;
    let name = validate_name(name)?;
    let tx = crate::server::db::begin(pool).await?;
    finish(pool, tx, template, &name, &slug, owner).await
}

/// Creates the tenant in `tx` and commits, or returns the existing one.
async fn finish(
    pool: &PgPool,
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    template: &Migrator,
    name: &str,
    slug: &Slug,
    owner: Option<Uuid>,
) -> Result<Provisioned, AppError> {
    match create_in(&mut tx, template, name, slug, owner).await? {
        Some(tenant) => {
            tx.commit().await?;
            Ok(Provisioned {
                tenant,
                created: true,
            })
        }
        None => {
            tx.rollback().await?;
            existing(pool, name, slug, owner).await
        }
    }
}

/// Inside the caller's transaction: registry row, schema, template, the tenant's role,
/// the owner's
/// membership and the audit record. `None` when the
/// slug is taken (a concurrent creator waits here until the first one finishes).
/// Leaves the transaction's search path on the new schema.
pub(super) async fn create_in(
    conn: &mut PgConnection,
    template: &Migrator,
    name: &str,
    slug: &Slug,
    owner: Option<Uuid>,
) -> Result<Option<Tenant>, AppError> {
    let id = Uuid::new_v4();
    let schema = SchemaName::for_tenant(id);
    let inserted: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO tenants (id, slug, name, schema_name, status, trial_ends_at)
         VALUES ($1, $2, $3, $4, 'trial', now() + make_interval(days => $5))
         ON CONFLICT (slug) DO NOTHING RETURNING id",
    )
    .bind(id)
    .bind(slug.as_str())
    .bind(name)
    .bind(schema.as_str())
    .bind(TRIAL_DAYS)
    .fetch_optional(&mut *conn)
    .await?;
    if inserted.is_none() {
        return Ok(None);
    }
    sqlx::query(&format!("CREATE SCHEMA {}", schema.quoted()))
        .execute(&mut *conn)
        .await?;
    template::apply(conn, &schema, template).await?;
    super::role::ensure(conn, &schema).await?;
    if let Some(owner) = owner {
        sqlx::query(
            "INSERT INTO public.memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')",
        )
        .bind(id)
        .bind(owner)
        .execute(&mut *conn)
        .await?;
    }
    crate::server::audit::record_in(
        conn,
        crate::server::audit::Actor::user_or_cli(owner),
        Some(id),
        "tenant.created",
        slug.as_str(),
        None,
    )
    .await?;
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM public.tenants WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Tenant::from_row(&row).map(Some)
}

async fn existing(
    pool: &PgPool,
    name: &str,
    slug: &Slug,
    owner: Option<Uuid>,
) -> Result<Provisioned, AppError> {
    let tenant = registry::find_by_slug(pool, slug).await?;
    let mine = match (&tenant, owner) {
        (Some(t), Some(user)) => crate::accounts::memberships::role_of(pool, t.id, user)
            .await?
            .is_some(),
        (_, None) => true,
        (None, Some(_)) => false,
    };
    match tenant {
        Some(tenant) if mine && tenant.name == name && tenant.status != TenantStatus::Deleted => {
            Ok(Provisioned {
                tenant,
                created: false,
            })
        }
        _ => Err(AppError::Conflict {
            message: format!("The address {slug} is already taken; please choose another."),
        }),
    }
}

fn validate_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "Enter the organization's name."));
    }
    if name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "Use at most 200 characters and no control characters.",
        ));
    }
    Ok(name.to_owned())
}
