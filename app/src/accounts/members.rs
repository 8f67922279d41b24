//! Changing who belongs to an organization: roles, removal, ownership transfer.
//! Each change runs in one transaction that locks the organization's memberships, so
//! two concurrent changes cannot leave it without an owner.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{MemberRow, Permission, Role};
use crate::{AppError, server::audit, tenancy::TenantContext};

pub async fn list(pool: &PgPool, ctx: &TenantContext) -> Result<Vec<MemberRow>, AppError> {
    ctx.require(Permission::ViewData)?;
    let rows: Vec<(Uuid, String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.name, u.email, m.role
           FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = $1
          ORDER BY array_position(ARRAY['owner','admin','member','viewer'], m.role), lower(u.name)",
    )
    .bind(ctx.tenant().id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, name, email, role)| {
            Some(MemberRow {
                you: user_id == ctx.user(),
                user_id,
                name,
                email,
                role: Role::parse(&role)?,
            })
        })
        .collect())
}

/// Locks the organization's memberships and returns `target`'s role and the number
/// of owners.
async fn lock(
    conn: &mut PgConnection,
    tenant: Uuid,
    target: Uuid,
) -> Result<(Role, i64), AppError> {
    let rows: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT user_id, role FROM memberships WHERE tenant_id = $1 FOR UPDATE")
            .bind(tenant)
            .fetch_all(&mut *conn)
            .await?;
    let owners = rows.iter().filter(|(_, r)| r == "owner").count() as i64;
    let role = rows
        .iter()
        .find(|(u, _)| *u == target)
        .and_then(|(_, r)| Role::parse(r))
        .ok_or_else(|| AppError::not_found("Member"))?;
    Ok((role, owners))
}

fn last_owner() -> AppError {
    AppError::Conflict {
        message: "An organization needs at least one owner. Make someone else owner first.".into(),
    }
}

pub async fn change_role(
    pool: &PgPool,
    ctx: &TenantContext,
    target: Uuid,
    new: Role,
) -> Result<(), AppError> {
    ctx.require_change(Permission::ManageMembers)?;
    let tenant = ctx.tenant().id;
    let mut tx = crate::server::db::begin(pool).await?;
    let (current, owners) = lock(&mut tx, tenant, target).await?;
    // Only owners grant or take away ownership.
    if (new == Role::Owner || current == Role::Owner) && ctx.role() != Role::Owner {
        return Err(AppError::Forbidden);
    }
    if current == Role::Owner && new != Role::Owner && owners <= 1 {
        return Err(last_owner());
    }
    sqlx::query("UPDATE memberships SET role = $3 WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant)
        .bind(target)
        .bind(new.as_str())
        .execute(&mut *tx)
        .await?;
    let detail = format!("{target}: {} -> {}", current.as_str(), new.as_str());
    audit::record_in(
        &mut tx,
        audit::Actor::User(ctx.user()),
        Some(tenant),
        "member.role_changed",
        &detail,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes `target` (or lets a member leave when `target` is themselves).
pub async fn remove(pool: &PgPool, ctx: &TenantContext, target: Uuid) -> Result<(), AppError> {
    if target != ctx.user() {
        ctx.require(Permission::ManageMembers)?;
    }
    let tenant = ctx.tenant().id;
    let mut tx = crate::server::db::begin(pool).await?;
    let (current, owners) = lock(&mut tx, tenant, target).await?;
    if current == Role::Owner && target != ctx.user() && ctx.role() != Role::Owner {
        return Err(AppError::Forbidden);
    }
    if current == Role::Owner && owners <= 1 {
        return Err(last_owner());
    }
    sqlx::query("DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant)
        .bind(target)
        .execute(&mut *tx)
        .await?;
    audit::record_in(
        &mut tx,
        audit::Actor::User(ctx.user()),
        Some(tenant),
        "member.removed",
        &target.to_string(),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The acting owner hands ownership to `target` and becomes an admin.
pub async fn transfer_ownership(
    pool: &PgPool,
    ctx: &TenantContext,
    target: Uuid,
) -> Result<(), AppError> {
    if ctx.role() != Role::Owner {
        return Err(AppError::Forbidden);
    }
    ctx.require_change(Permission::ManageMembers)?;
    if target == ctx.user() {
        return Err(AppError::bad_request("You already own this organization."));
    }
    let tenant = ctx.tenant().id;
    let mut tx = crate::server::db::begin(pool).await?;
    lock(&mut tx, tenant, target).await?;
    sqlx::query(
        "UPDATE memberships SET role = CASE WHEN user_id = $2 THEN 'owner' ELSE 'admin' END
          WHERE tenant_id = $1 AND user_id IN ($2, $3)",
    )
    .bind(tenant)
    .bind(target)
    .bind(ctx.user())
    .execute(&mut *tx)
    .await?;
    audit::record_in(
        &mut tx,
        audit::Actor::User(ctx.user()),
        Some(tenant),
        "ownership.transferred",
        &target.to_string(),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
