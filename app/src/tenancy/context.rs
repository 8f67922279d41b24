//! The tenant context: the only way to reach a tenant's tables.

use std::ops::{Deref, DerefMut};

use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{SchemaName, Tenant, TenantStatus, role};
use crate::{
    AppError,
    accounts::{Permission, Role},
    server::db,
};

/// What the tenant's state allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// Payment is overdue: members can look but not change anything.
    ReadOnly,
}

/// A resolved tenant that may be served to one of its members. Only
/// [`super::resolve`] makes one (registry lookup, membership, status gates),
/// and only a context hands out [`TenantTx`], so code without a context has no way to
/// tenant tables: pooled connections' search path does not include any tenant schema.
#[derive(Debug, Clone)]
pub struct TenantContext {
    tenant: Tenant,
    access: Access,
    user: Uuid,
    role: Role,
    /// Set when an operator views the tenant for support (read-only, as a viewer).
    support: Option<crate::admin::SupportView>,
}

impl TenantContext {
    /// An operator's read-only support view: only a deleted tenant is refused (an
    /// operator must be able to look at a suspended one), the role is viewer and no
    /// transaction is ever writable. Made by `admin::support::context` only once a
    /// running grant is found.
    pub(crate) fn for_support(
        tenant: Tenant,
        operator: Uuid,
        view: crate::admin::SupportView,
    ) -> Result<Self, AppError> {
        if tenant.status == TenantStatus::Deleted {
            return Err(AppError::not_found("Organization"));
        }
        Ok(Self {
            tenant,
            access: Access::ReadOnly,
            user: operator,
            role: Role::Viewer,
            support: Some(view),
        })
    }

    /// The support view this context serves, if it is one.
    pub fn support(&self) -> Option<&crate::admin::SupportView> {
        self.support.as_ref()
    }

    /// Applies the status gates to a tenant from the registry.
    pub(super) fn admit(
        tenant: Tenant,
        user: Uuid,
        role: Role,
        now: OffsetDateTime,
    ) -> Result<Self, AppError> {
        if tenant.status == TenantStatus::Deleted {
            return Err(AppError::not_found("Organization"));
        }
        if tenant.operator_suspended_at.is_some() {
            return Err(AppError::Locked {
                message: format!(
                    "{} is suspended by CapLiquify. Its data is kept; contact support to restore access.",
                    tenant.name
                ),
            });
        }
        let access = match tenant.status {
            TenantStatus::Deleted => return Err(AppError::not_found("Organization")),
            TenantStatus::Suspended => {
                return Err(AppError::Locked {
                    message: format!(
                        "{} is suspended. Its data is kept; an owner can settle the account under billing to restore access.",
                        tenant.name
                    ),
                });
            }
            TenantStatus::Cancelled => {
                return Err(AppError::Locked {
                    message: format!(
                        "{} has cancelled its subscription. Its data is kept; an owner can subscribe again under billing.",
                        tenant.name
                    ),
                });
            }
            TenantStatus::Trial if tenant.trial_ends_at.is_some_and(|end| end <= now) => {
                return Err(AppError::BillingRequired {
                    message: format!(
                        "The free trial of {} has ended. Choose a plan to continue; your data is kept.",
                        tenant.name
                    ),
                });
            }
            TenantStatus::PastDue => Access::ReadOnly,
            TenantStatus::Trial | TenantStatus::Active => Access::ReadWrite,
        };
        Ok(Self {
            tenant,
            access,
            user,
            role,
            support: None,
        })
    }

    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    pub fn access(&self) -> Access {
        self.access
    }

    /// The member this context acts for.
    pub fn user(&self) -> Uuid {
        self.user
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// Refuses unless the member's role grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.role.allows(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The guard of every change to the organization: its tenant data (through
    /// [`Self::write`]) and its rows on the platform (API keys, members, invitations,
    /// the onboarding step). Refuses unless the role grants `permission`, and while the
    /// context is a support view or the organization is read-only. Withdrawing access
    /// (revoking a key or an invitation, removing a member) and billing ask only
    /// [`Self::require`]: an organization that has not paid must still be able to shut
    /// out a leaked key and to settle its account.
    pub fn require_change(&self, permission: Permission) -> Result<(), AppError> {
        self.require(permission)?;
        if self.support.is_some() {
            return Err(AppError::ReadOnly {
                message: "Support access is read-only.".into(),
            });
        }
        if self.access == Access::ReadOnly {
            return Err(read_only(&self.tenant.name));
        }
        Ok(())
    }

    /// A read-only transaction on the tenant's schema. It reads one snapshot, so
    /// figures computed from several queries agree with each other.
    pub async fn read(&self, pool: &PgPool) -> Result<TenantTx, AppError> {
        TenantTx::begin(pool, &self.tenant.schema, None).await
    }

    /// A read-write transaction; refused to roles that may not edit and while the
    /// tenant is read-only.
    pub async fn write(&self, pool: &PgPool) -> Result<TenantTx, AppError> {
        self.require_change(Permission::EditData)?;
        TenantTx::begin(pool, &self.tenant.schema, Some(self.tenant.id)).await
    }
}

/// The refusal of a change to a past-due organization.
pub(crate) fn read_only(organization: &str) -> AppError {
    AppError::ReadOnly {
        message: format!(
            "{organization} is read-only until the overdue payment is settled. An owner can update the payment method under billing."
        ),
    }
}

/// A transaction whose unqualified table names are the tenant's, acting as the tenant's
/// role (nothing else is reachable). Dereferences to the
/// connection for queries; dropped without [`TenantTx::commit`] it rolls back.
pub struct TenantTx {
    tx: Transaction<'static, Postgres>,
    /// The tenant a read-write transaction writes to (its commit is a change).
    writes_to: Option<uuid::Uuid>,
}

impl TenantTx {
    /// For the context and for operator tools (export, import) that act on a tenant
    /// whatever its state.
    #[allow(clippy::disallowed_methods)] // begins detached, like `db::begin`
    pub(super) async fn begin(
        pool: &PgPool,
        schema: &SchemaName,
        writes_to: Option<uuid::Uuid>,
    ) -> Result<Self, AppError> {
        let (pool, schema) = (pool.clone(), schema.clone());
        // Begin, search path and role in one detached task: see `db::detached`.
        let tx = db::detached(async move {
            let mut tx = if writes_to.is_none() {
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?
            } else {
                pool.begin().await?
            };
            role::enter(&mut tx, &schema).await?;
            Ok(tx)
        })
        .await?;
        Ok(Self { tx, writes_to })
    }

    pub async fn commit(self) -> Result<(), AppError> {
        self.tx.commit().await?;
        if let Some(tenant) = self.writes_to {
            super::changes::changed(tenant);
        }
        Ok(())
    }
}

impl Deref for TenantTx {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.tx
    }
}

impl DerefMut for TenantTx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}
