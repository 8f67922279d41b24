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
/// migration of the schema run it; for an existing role it grants only what is missing
/// (tables a migration made as another role), so a migration that needs nothing costs
/// one catalog query.
pub(crate) async fn ensure(conn: &mut PgConnection, schema: &SchemaName) -> sqlx::Result<()> {
    // Names come from the catalog, quoted by `format('%I.%I')`.
    let (exists, member, usage, ungranted): (bool, bool, bool, Vec<String>) = sqlx::query_as(
        "SELECT r.oid IS NOT NULL,
                EXISTS (SELECT 1 FROM pg_auth_members m
                         WHERE m.roleid = r.oid AND m.member = current_user::regrole),
                coalesce(has_schema_privilege(r.oid, n.oid, 'USAGE'), false),
                ARRAY(SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
                       WHERE c.relnamespace = n.oid AND r.oid IS NOT NULL
                         AND ((c.relkind IN ('r', 'p') AND NOT has_table_privilege(
                                 r.oid, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'))
                           OR (c.relkind = 'S' AND NOT has_sequence_privilege(
                                 r.oid, c.oid, 'USAGE, SELECT, UPDATE'))))
           FROM pg_namespace n LEFT JOIN pg_roles r ON r.rolname = n.nspname
          WHERE n.nspname = $1",
    )
    .bind(schema.as_str())
    .fetch_one(&mut *conn)
    .await?;
    let name = schema.quoted();
    let mut sql = String::new();
    if !exists {
        sql.push_str(&format!(
            "CREATE ROLE {name} NOLOGIN;
             GRANT ALL ON ALL TABLES IN SCHEMA {name} TO {name};
             GRANT ALL ON ALL SEQUENCES IN SCHEMA {name} TO {name};
             ALTER DEFAULT PRIVILEGES IN SCHEMA {name} GRANT ALL ON TABLES TO {name};
             ALTER DEFAULT PRIVILEGES IN SCHEMA {name} GRANT ALL ON SEQUENCES TO {name};"
        ));
    }
    // Granted once: granting again only makes PostgreSQL send a notice per tenant.
    if !member {
        sql.push_str(&format!("GRANT {name} TO CURRENT_USER;"));
    }
    if !usage {
        sql.push_str(&format!("GRANT USAGE ON SCHEMA {name} TO {name};"));
    }
    // GRANT ALL ON TABLE also serves sequences.
    if !ungranted.is_empty() {
        sql.push_str(&format!(
            "GRANT ALL ON TABLE {} TO {name};",
            ungranted.join(", ")
        ));
    }
    if !sql.is_empty() {
        conn.execute(sqlx::raw_sql(&sql)).await?;
    }
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
