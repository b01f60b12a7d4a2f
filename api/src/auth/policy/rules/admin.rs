//! Administration: agencies, users and their roles (`MANAGE_USERS`), roles and what they grant
//! (`MANAGE_ROLES`). `User` and `Agency` are classified with the staff directory in
//! `identity.rs`. Managing access grants no case content: that needs field permissions.

use super::connection::{connection_fields, edge_fields};
use crate::auth::policy::{Access, Area, Operation::*, TypeFields};

pub static AREA: Area = Area {
    roots: &[
        ("Query", "agencies", Access::Op(ManageUsers)),
        ("Query", "users", Access::Op(ManageUsers)),
        ("Query", "user", Access::Op(ManageUsers)),
        ("Query", "roles", Access::Op(ManageRoles)),
        ("Query", "role", Access::Op(ManageRoles)),
        ("Query", "operations", Access::Op(ManageRoles)),
        ("Query", "restrictedFields", Access::Op(ManageRoles)),
        ("Mutation", "createAgency", Access::Op(ManageUsers)),
        ("Mutation", "setAgencyDisabled", Access::Op(ManageUsers)),
        ("Mutation", "createUser", Access::Op(ManageUsers)),
        ("Mutation", "setUserDisabled", Access::Op(ManageUsers)),
        ("Mutation", "resetPassword", Access::Op(ManageUsers)),
        ("Mutation", "assignRole", Access::Op(ManageUsers)),
        ("Mutation", "withdrawRole", Access::Op(ManageUsers)),
        ("Mutation", "createRole", Access::Op(ManageRoles)),
        ("Mutation", "renameRole", Access::Op(ManageRoles)),
        ("Mutation", "deleteRole", Access::Op(ManageRoles)),
        ("Mutation", "grantOperation", Access::Op(ManageRoles)),
        ("Mutation", "revokeOperation", Access::Op(ManageRoles)),
        ("Mutation", "setFieldPermission", Access::Op(ManageRoles)),
    ],
    types: &[
        // A role is reached only through `roles`/`role` (MANAGE_ROLES) or the restricted
        // `User.roles`; who holds it is restricted in its own right.
        TypeFields {
            type_name: "Role",
            public: &[
                "id",
                "name",
                "description",
                "operations",
                "fieldPermissions",
            ],
            restricted: &["users"],
        },
        TypeFields {
            type_name: "RestrictedField",
            public: &["typeName", "fieldName"],
            restricted: &[],
        },
        connection_fields!("User"),
        edge_fields!("User"),
    ],
};
