//! Roles and what each may do: the one permission table.

use serde::{Deserialize, Serialize};

/// A member's role in an organization, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Member,
    Viewer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ViewData,
    EditData,
    ImportExport,
    ManageMembers,
    /// API keys and stored credentials of outside systems.
    ManageIntegrations,
    ManageBilling,
    DeleteOrganization,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Member, Role::Viewer];

    /// The permission table. Every server function asks it through the tenant context.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner => true,
            Role::Admin => matches!(
                permission,
                ViewData | EditData | ImportExport | ManageMembers | ManageIntegrations
            ),
            Role::Member => matches!(permission, ViewData | EditData | ImportExport),
            Role::Viewer => matches!(permission, ViewData),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Member => "Member",
            Role::Viewer => "Viewer",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Permission::*, Role::*, *};

    #[test]
    fn the_permission_table() {
        let table = [
            (Owner, [true, true, true, true, true, true, true]),
            (Admin, [true, true, true, true, true, false, false]),
            (Member, [true, true, true, false, false, false, false]),
            (Viewer, [true, false, false, false, false, false, false]),
        ];
        let perms = [
            ViewData,
            EditData,
            ImportExport,
            ManageMembers,
            ManageIntegrations,
            ManageBilling,
            DeleteOrganization,
        ];
        for (role, row) in table {
            for (perm, expected) in perms.iter().zip(row) {
                assert_eq!(role.allows(*perm), expected, "{role:?} {perm:?}");
            }
        }
    }

    #[test]
    fn roles_order_from_strongest() {
        assert!(Owner < Admin && Admin < Member && Member < Viewer);
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }
}
