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
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(schema.as_str())
            .fetch_one(&mut *conn)
            .await?;
    let name = schema.quoted();
    let create = if exists {
        String::new()
    } else {
        format!("CREATE ROLE {name} NOLOGIN;")
    };
    // One round trip; the role's name is the validated schema name, quoted.
    let grants = format!(
        "{create}
         GRANT {name} TO CURRENT_USER;
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
/// belongs to the tenant's change (queueing a job). Returns the role to take again
/// with [`resume`]; outside a tenant transaction both change nothing.
pub(crate) async fn step_out(conn: &mut PgConnection) -> sqlx::Result<String> {
    let role: String = sqlx::query_scalar("SELECT current_setting('role')")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("SELECT set_config('role', 'none', true)")
        .execute(conn)
        .await?;
    Ok(role)
}

/// Takes again the role [`step_out`] left.
pub(crate) async fn resume(conn: &mut PgConnection, role: &str) -> sqlx::Result<()> {
    sqlx::query("SELECT set_config('role', $1, true)")
        .bind(role)
        .execute(conn)
        .await?;
    Ok(())
}
