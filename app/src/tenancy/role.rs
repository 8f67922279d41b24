//! Each tenant's PostgreSQL role: the only role with rights on the tenant's schema.
//! Tenant transactions take it, so PostgreSQL itself refuses a query that names
//! another tenant's schema or a platform table, whatever the application gets wrong.
//!
//! The role is NOLOGIN and has the schema's name (`tenant_<hex>`), made from the
//! validated [`SchemaName`] only. Roles are cluster-wide; tenant ids are random, so
//! names do not collide between databases. The platform's login role creates the
//! roles and is a member of each, so it can take them (`CREATEROLE` in production).

use sqlx::{Executor, PgConnection};

use super::SchemaName;

/// Creates the tenant's role if it is missing, makes the platform role a member, and
/// grants it the schema: usage, every table and sequence, and (default privileges)
/// the tables later template migrations create. Idempotent: provisioning and every
/// migration of the schema run it, so new tables are always granted.
pub(crate) async fn ensure(conn: &mut PgConnection, schema: &SchemaName) -> sqlx::Result<()> {
    let (exists, member): (bool, bool) = sqlx::query_as(
        "SELECT r.oid IS NOT NULL,
                EXISTS (SELECT 1 FROM pg_auth_members m
                         WHERE m.roleid = r.oid AND m.member = current_user::regrole)
           FROM (SELECT NULL) one LEFT JOIN pg_roles r ON r.rolname = $1",
    )
    .bind(schema.as_str())
    .fetch_one(&mut *conn)
    .await?;
    let name = schema.quoted();
    let create = if exists {
        String::new()
    } else {
        format!("CREATE ROLE {name} NOLOGIN;")
    };
    // Granted once: granting again only makes PostgreSQL send a notice per tenant.
    let membership = if member {
        String::new()
    } else {
        format!("GRANT {name} TO CURRENT_USER;")
    };
    // One round trip; the role's name is the validated schema name, quoted.
    let grants = format!(
        "{create}{membership}
         GRANT USAGE ON SCHEMA {name} TO {name};
         GRANT ALL ON ALL TABLES IN SCHEMA {name} TO {name};
         GRANT ALL ON ALL SEQUENCES IN SCHEMA {name} TO {name};
         ALTER DEFAULT PRIVILEGES IN SCHEMA {name} GRANT ALL ON TABLES TO {name};
         ALTER DEFAULT PRIVILEGES IN SCHEMA {name} GRANT ALL ON SEQUENCES TO {name};"
    );
    conn.execute(sqlx::raw_sql(&grants)).await?;
    Ok(())
}

/// Drops the tenant's role, after its schema: what it still holds in this database
/// (default privileges, grants elsewhere) goes first. Nothing to do for a tenant that
/// never had one.
pub(crate) async fn remove(conn: &mut PgConnection, schema: &SchemaName) -> sqlx::Result<()> {
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(schema.as_str())
            .fetch_one(&mut *conn)
            .await?;
    if exists {
        let name = schema.quoted();
        conn.execute(sqlx::raw_sql(&format!(
            "DROP OWNED BY {name}; DROP ROLE {name};"
        )))
        .await?;
    }
    Ok(())
}

/// Makes the current transaction the tenant's: its schema first on the search path and
/// its role, both until the transaction ends (never session-level: that would leak to
/// the next user of a pooled connection). One round trip.
pub(crate) async fn enter(conn: &mut PgConnection, schema: &SchemaName) -> sqlx::Result<()> {
    sqlx::query("SELECT set_config('search_path', $1, true), set_config('role', $1, true)")
        .bind(schema.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Steps back to the login role inside a tenant transaction, for platform work that
/// belongs to the tenant's change (an audit record, a queued job): a tenant's role has
/// no rights on platform tables. Returns the tenant role for [`resume`] to take again,
/// `None` outside a tenant transaction. One round trip.
pub(crate) async fn step_out(conn: &mut PgConnection) -> sqlx::Result<Option<String>> {
    // The subquery (kept apart by OFFSET 0) reads the role before the outer query
    // resets it.
    let (role, _): (String, String) = sqlx::query_as(
        "SELECT was, set_config('role', 'none', true)
           FROM (SELECT current_setting('role') AS was OFFSET 0) now",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((role != "none").then_some(role))
}

/// Takes again the tenant role [`step_out`] left, if there was one.
pub(crate) async fn resume(conn: &mut PgConnection, role: Option<String>) -> sqlx::Result<()> {
    if let Some(role) = role {
        sqlx::query("SELECT set_config('role', $1, true)")
            .bind(role)
            .execute(conn)
            .await?;
    }
    Ok(())
}
