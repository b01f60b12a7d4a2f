//! Signing in and the signed-in user's own view.

use crate::auth::policy::{Access, Area, TypeFields};

pub static AREA: Area = Area {
    roots: &[
        ("Mutation", "login", Access::Anonymous),
        ("Mutation", "refreshToken", Access::Anonymous),
        ("Mutation", "logout", Access::SignedIn),
        ("Query", "viewer", Access::SignedIn),
    ],
    types: &[
        TypeFields {
            type_name: "AuthPayload",
            public: &[
                "accessToken",
                "refreshToken",
                "expiresAt",
                "refreshExpiresAt",
            ],
            restricted: &[],
        },
        TypeFields {
            type_name: "Viewer",
            public: &["user", "agency", "roles", "operations", "fieldPermissions"],
            restricted: &[],
        },
        TypeFields {
            type_name: "FieldPermission",
            public: &["typeName", "fieldName", "read", "write"],
            restricted: &[],
        },
        // Staff directory: who owns a case must be visible to those who can see the case. Who
        // holds which roles, and who is locked out, is for administrators.
        TypeFields {
            type_name: "User",
            public: &["id", "displayName", "email", "team", "agency"],
            restricted: &["roles", "disabled"],
        },
        TypeFields {
            type_name: "Agency",
            public: &["id", "name", "kind"],
            restricted: &["disabled"],
        },
        TypeFields {
            type_name: "OperationInfo",
            public: &["name", "description"],
            restricted: &[],
        },
    ],
};
