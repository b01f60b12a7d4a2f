//! The staff directory types every area shares (`User`, `Agency`, `Role`) and the types that
//! describe what a role may do (`OperationInfo`, `FieldPermission`, `RestrictedField`).
//!
//! Who someone is (name, email, team, agency) is public, so that a case's owner can be shown to
//! anyone who can see the case. `User.roles`, `User.disabled`, `Agency.disabled` and `Role.users`
//! are restricted: by default only the administrator role may read them. The classification is in
//! `auth/policy/rules/identity.rs` and `rules/admin.rs`.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::{agency, role, role_field_permission};
use uuid::Uuid;

use crate::{
    auth::policy::Operation,
    error::{AppError, AppResult},
    graphql::ContextExt,
    service::staff::UserDetails,
};

/// An id argument as a UUID, refused (naming `field`) if it is not one.
pub fn parse_id(field: &str, id: &ID) -> AppResult<Uuid> {
    Uuid::parse_str(id.as_str().trim()).map_err(|_| AppError::bad_input(field, "is not a valid id"))
}

/// A partner organisation.
pub struct Agency(pub agency::Model);

#[Object]
impl Agency {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// `police`, `council`, `housing`, `fire`, `health`, `victim_support` or `other`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    /// Whether the agency is disabled: its users cannot sign in or use their tokens.
    async fn disabled(&self) -> Option<bool> {
        Some(self.0.disabled)
    }
}

/// A member of staff who signs in.
pub struct User(pub UserDetails);

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(self.0.user.id.to_string())
    }

    async fn email(&self) -> &str {
        &self.0.user.email
    }

    async fn display_name(&self) -> &str {
        &self.0.user.display_name
    }

    async fn team(&self) -> Option<&str> {
        self.0.user.team.as_deref()
    }

    async fn agency(&self) -> Agency {
        Agency(self.0.agency.clone())
    }

    /// The roles the user holds.
    async fn roles(&self) -> Option<Vec<Role>> {
        Some(self.0.roles.iter().cloned().map(Role).collect())
    }

    /// Whether the user is disabled: they cannot sign in, and their tokens stop working.
    async fn disabled(&self) -> Option<bool> {
        Some(self.0.user.disabled)
    }
}

/// A named set of permissions, held by users.
pub struct Role(pub role::Model);

#[Object]
impl Role {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The operations the role grants.
    async fn operations(&self, ctx: &Context<'_>) -> AppResult<Vec<OperationInfo>> {
        let rows = ctx
            .loaders()?
            .staff
            .role_operations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let mut ops: Vec<Operation> = rows
            .iter()
            .filter_map(|o| Operation::parse(&o.operation))
            .collect();
        ops.sort();
        Ok(ops.into_iter().map(Into::into).collect())
    }

    /// The restricted fields the role may read or write.
    async fn field_permissions(&self, ctx: &Context<'_>) -> AppResult<Vec<FieldPermission>> {
        let mut rows = ctx
            .loaders()?
            .staff
            .role_fields
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        rows.sort_by(|a, b| (&a.type_name, &a.field_name).cmp(&(&b.type_name, &b.field_name)));
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// The users who hold the role.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn users(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<User>>> {
        let users = ctx
            .loaders()?
            .staff
            .role_users
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(Some(users.into_iter().map(User).collect()))
    }
}

/// An operation a role may be granted.
#[derive(SimpleObject)]
pub struct OperationInfo {
    pub name: String,
    pub description: String,
}

impl From<Operation> for OperationInfo {
    fn from(op: Operation) -> Self {
        Self {
            name: op.as_str().to_string(),
            description: op.description().to_string(),
        }
    }
}

/// A read or write permission on one field of one type.
#[derive(SimpleObject, Clone)]
pub struct FieldPermission {
    pub type_name: String,
    pub field_name: String,
    pub read: bool,
    pub write: bool,
}

impl From<role_field_permission::Model> for FieldPermission {
    fn from(m: role_field_permission::Model) -> Self {
        Self {
            type_name: m.type_name,
            field_name: m.field_name,
            read: m.can_read,
            write: m.can_write,
        }
    }
}

/// A field that needs a per-role read (or write) permission: what `setFieldPermission` accepts.
#[derive(SimpleObject)]
pub struct RestrictedField {
    pub type_name: String,
    pub field_name: String,
}
