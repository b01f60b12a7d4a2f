//! Administration: agencies, users, roles and what each role may do, changed at run time.
//!
//! Every mutation here follows one shape: its input arrives already parsed into domain types; it
//! asks the policy for the operation (`MANAGE_USERS` for agencies, users and role assignments,
//! `MANAGE_ROLES` for roles and their grants); then one transaction makes the change and appends
//! exactly one access-log entry. A refusal writes nothing.
//!
//! Rules enforced here:
//! - **An administrator always remains.** A change that could leave no enabled user, in an
//!   enabled agency, holding both `MANAGE_USERS` and `MANAGE_ROLES` (disabling a user or agency,
//!   withdrawing a role, deleting a role, revoking either operation) is checked inside its
//!   transaction after the write, and refused with `CONFLICT` (rolled back) if none would be
//!   left. On PostgreSQL these changes also take a transaction-scoped advisory lock, so two
//!   administrators cannot each remove the other concurrently; SQLite runs one writer at a time.
//! - **A user holds at least one role.** Creating a user needs one; withdrawing a user's last
//!   role is refused with `CONFLICT` (disable the user instead).
//! - **A role still held by users cannot be deleted** (`CONFLICT`): withdraw it first, so that
//!   nobody loses access as a side effect of tidying roles.
//! - **Only permissions that exist can be granted**: operations from [`Operation`], and field
//!   permissions only on fields the policy catalog lists as restricted.
//! - Disabling a user or resetting their password also revokes their sessions. Permissions are
//!   loaded from the database on every request, so any change here applies to the affected
//!   users' next request.
//!
//! Administrators get no case content from any of this: what they may read is whatever their own
//! role's grants say.

mod agencies;
mod roles;
mod users;

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::Utc;
use entity::{agency, app_user, auth_session, role, role_operation, user_role};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, JoinType, QueryFilter,
    QuerySelect, RelationTrait, SqlErr, sea_query::Expr,
};
use uuid::Uuid;

pub use agencies::{create_agency, list_agencies, set_agency_disabled};
pub use roles::{
    create_role, delete_role, get_role, grant_operation, list_roles, rename_role, revoke_operation,
    set_field_permission,
};
pub use users::{
    assign_role, create_user, get_user, list_users, reset_password, set_user_disabled,
    withdraw_role,
};

use crate::{
    auth::policy::{self, Operation},
    domain::{AgencyKind, Email, LongText, PersonName, ShortText},
    error::{AppError, AppResult},
};

/// A new agency.
#[derive(Clone, Debug)]
pub struct NewAgency {
    pub name: ShortText,
    pub kind: AgencyKind,
}

/// A new user. `role_ids` must name at least one role.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub agency_id: Uuid,
    pub email: Email,
    pub display_name: PersonName,
    pub team: Option<ShortText>,
    pub password: NewPassword,
    pub role_ids: Vec<Uuid>,
    /// A dedicated vulnerable-victim officer: high-risk cases of the agency are assigned to them.
    pub vulnerable_victim_officer: bool,
}

/// Which users to list.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    pub agency_id: Option<Uuid>,
    /// Filtering on `User.disabled` needs read permission on it.
    pub disabled: Option<bool>,
}

/// A new role.
#[derive(Clone, Debug)]
pub struct NewRole {
    pub name: ShortText,
    pub description: LongText,
}

/// A password an administrator sets: 12 to 1024 characters, kept exactly as typed (never
/// trimmed). Its `Debug` never shows it.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    /// Bounds the hashing work one request can ask for.
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(field: &str, raw: &str) -> AppResult<Self> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(AppError::bad_input(
                field,
                format!("must be at least {} characters", Self::MIN_CHARS),
            ));
        }
        if n > Self::MAX_CHARS {
            return Err(AppError::bad_input(
                field,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if raw.trim().is_empty() {
            return Err(AppError::bad_input(field, "must not be only spaces"));
        }
        Ok(Self(raw.to_string()))
    }

    fn expose(self) -> String {
        self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

/// An operation name, refused (naming `field`) unless the code defines it.
pub fn parse_operation(field: &str, raw: &str) -> AppResult<Operation> {
    Operation::parse(raw.trim())
        .ok_or_else(|| AppError::bad_input(field, format!("`{}` is not an operation", raw.trim())))
}

/// A read/write permission on one restricted field, for one role.
#[derive(Clone, Debug)]
pub struct FieldGrant {
    pub role_id: Uuid,
    pub type_name: &'static str,
    pub field_name: &'static str,
    pub read: bool,
    pub write: bool,
}

impl FieldGrant {
    /// Refuses (naming `fieldName`) any pair the policy catalog does not list as restricted:
    /// public fields need no grant and unknown fields cannot be granted.
    pub fn parse(
        role_id: Uuid,
        type_name: &str,
        field_name: &str,
        read: bool,
        write: bool,
    ) -> AppResult<Self> {
        let (type_name, field_name) = policy::catalog()
            .restricted_fields()
            .into_iter()
            .find(|(t, f)| *t == type_name.trim() && *f == field_name.trim())
            .ok_or_else(|| {
                AppError::bad_input(
                    "fieldName",
                    format!(
                        "{}.{} is not a restricted field",
                        type_name.trim(),
                        field_name.trim()
                    ),
                )
            })?;
        Ok(Self {
            role_id,
            type_name,
            field_name,
            read,
            write,
        })
    }
}

fn conflict(message: impl Into<String>) -> AppError {
    AppError::Conflict {
        message: message.into(),
        current_version: None,
    }
}

/// A unique-key violation becomes `CONFLICT` with `message`; anything else stays internal.
fn unique_conflict(err: DbErr, message: &str) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => conflict(message),
        _ => err.into(),
    }
}

/// Serialises the changes that can remove an administrator (PostgreSQL; SQLite has one writer).
async fn lock_administrators<C: ConnectionTrait>(db: &C) -> AppResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        // An arbitrary constant key that names "the set of administrators".
        db.execute_unprepared("SELECT pg_advisory_xact_lock(7305143219)")
            .await?;
    }
    Ok(())
}

/// Refuses with `CONFLICT` unless some enabled user in an enabled agency holds both
/// `MANAGE_USERS` and `MANAGE_ROLES` (through any of their roles). Run inside the transaction,
/// after the write, so that the transaction rolls back when it fails.
async fn ensure_an_administrator_remains<C: ConnectionTrait>(db: &C) -> AppResult<()> {
    let needed = [Operation::ManageUsers, Operation::ManageRoles];
    let rows: Vec<(Uuid, String)> = user_role::Entity::find()
        .select_only()
        .column(user_role::Column::UserId)
        .column(role_operation::Column::Operation)
        .join(JoinType::InnerJoin, user_role::Relation::AppUser.def())
        .join(JoinType::InnerJoin, app_user::Relation::Agency.def())
        .join(JoinType::InnerJoin, user_role::Relation::Role.def())
        .join(JoinType::InnerJoin, role::Relation::RoleOperation.def())
        .filter(app_user::Column::Disabled.eq(false))
        .filter(agency::Column::Disabled.eq(false))
        .filter(role_operation::Column::Operation.is_in(needed.iter().map(|o| o.as_str())))
        .into_tuple()
        .all(db)
        .await?;
    let mut held: HashMap<Uuid, HashSet<String>> = HashMap::new();
    for (user_id, op) in rows {
        held.entry(user_id).or_default().insert(op);
    }
    if held.values().any(|ops| ops.len() == needed.len()) {
        Ok(())
    } else {
        Err(conflict(
            "refused: no enabled user would be left holding both MANAGE_USERS and MANAGE_ROLES",
        ))
    }
}

/// Revokes every live session of a user, so old tokens do not come back if they are re-enabled.
async fn revoke_sessions<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    reason: &str,
) -> AppResult<u64> {
    let now = Utc::now();
    let res = auth_session::Entity::update_many()
        .col_expr(auth_session::Column::RevokedAt, Expr::value(now))
        .col_expr(auth_session::Column::RevokedReason, Expr::value(reason))
        .col_expr(auth_session::Column::UpdatedAt, Expr::value(now))
        .filter(auth_session::Column::UserId.eq(user_id))
        .filter(auth_session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn field_of(err: AppError) -> String {
        match err {
            AppError::BadUserInput { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn passwords_need_twelve_characters_and_never_print() {
        assert_eq!(
            field_of(NewPassword::parse("password", "short").unwrap_err()),
            "password"
        );
        assert!(NewPassword::parse("password", &" ".repeat(12)).is_err());
        assert!(NewPassword::parse("password", &"x".repeat(1025)).is_err());
        let p = NewPassword::parse("password", "correct horse battery").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
        assert_eq!(p.expose(), "correct horse battery");
    }

    #[test]
    fn only_existing_operations_and_restricted_fields_can_be_granted() {
        assert_eq!(
            parse_operation("operation", " MANAGE_USERS ").unwrap(),
            Operation::ManageUsers
        );
        assert_eq!(
            field_of(parse_operation("operation", "LAUNCH_MISSILES").unwrap_err()),
            "operation"
        );
        let id = Uuid::nil();
        let ok = FieldGrant::parse(id, "User", "disabled", true, false).unwrap();
        assert_eq!((ok.type_name, ok.field_name), ("User", "disabled"));
        // Public fields and unknown fields are not grantable.
        for (t, f) in [("User", "email"), ("User", "nope"), ("Nope", "disabled")] {
            assert_eq!(
                field_of(FieldGrant::parse(id, t, f, true, true).unwrap_err()),
                "fieldName"
            );
        }
    }
}
