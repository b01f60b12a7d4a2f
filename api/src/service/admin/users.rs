//! Users: list, create, disable and re-enable, reset passwords, assign and withdraw roles.

use chrono::Utc;
use entity::{agency, app_user, role, user_role};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    NewPassword, NewUser, UserFilter, conflict, ensure_an_administrator_remains,
    lock_administrators, revoke_sessions, unique_conflict,
};
use crate::{
    auth::{
        Principal, passwords,
        policy::{self, Operation},
    },
    domain::{Cursor, PageRequest},
    error::{AppError, AppResult},
    service::{
        audit::{self, Entry},
        page::{self, Direction, Page},
        staff::{self, UserDetails},
    },
};

const EMAIL_TAKEN: &str = "a user with this email already exists";

/// Users by email, optionally of one agency, a page at a time.
pub async fn list_users(
    db: &DatabaseConnection,
    principal: &Principal,
    filter: UserFilter,
    request: PageRequest,
) -> AppResult<Page<UserDetails>> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageUsers)?;
    let mut cond = Condition::all();
    if let Some(agency_id) = filter.agency_id {
        cond = cond.add(app_user::Column::AgencyId.eq(agency_id));
    }
    if let Some(disabled) = filter.disabled {
        policy::check_reads(&actor.permissions, "User", &["disabled"])?;
        cond = cond.add(app_user::Column::Disabled.eq(disabled));
    }
    let total = app_user::Entity::find()
        .filter(cond.clone())
        .count(db)
        .await?;
    let mut query = app_user::Entity::find().filter(cond);
    if let Some(c) = request.after() {
        query = query.filter(page::after(
            app_user::Column::Email,
            app_user::Column::Id,
            c.sort_key().to_string(),
            c.id(),
            Direction::Ascending,
        ));
    }
    let rows = query
        .order_by_asc(app_user::Column::Email)
        .order_by_asc(app_user::Column::Id)
        .limit(request.fetch_limit())
        .all(db)
        .await?;
    let page = Page::from_rows(rows, &request, total, |u| {
        Cursor::new(u.email.clone(), u.id)
    });
    let users = page.items.iter().map(|(_, u)| u.clone()).collect();
    let details = staff::details(db, users).await?;
    Ok(page.with_rows(details))
}

pub async fn get_user(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
) -> AppResult<UserDetails> {
    principal.actor()?.require(Operation::ManageUsers)?;
    staff::user(db, id).await
}

pub async fn create_user(
    db: &DatabaseConnection,
    principal: &Principal,
    new: NewUser,
) -> AppResult<UserDetails> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageUsers)?;
    let mut role_ids = new.role_ids.clone();
    role_ids.sort();
    role_ids.dedup();
    if role_ids.is_empty() {
        return Err(AppError::bad_input(
            "roleIds",
            "must name at least one role",
        ));
    }
    // Hash before the transaction: argon2 is deliberately slow.
    let hash = passwords::hash(new.password.expose()).await?;
    let txn = crate::db::begin_write(db).await?;
    let agency = agency::Entity::find_by_id(new.agency_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::bad_input("agencyId", "no such agency"))?;
    if agency.disabled {
        return Err(AppError::bad_input("agencyId", "the agency is disabled"));
    }
    let roles = role::Entity::find()
        .filter(role::Column::Id.is_in(role_ids.clone()))
        .order_by_asc(role::Column::Name)
        .all(&txn)
        .await?;
    if roles.len() != role_ids.len() {
        return Err(AppError::bad_input(
            "roleIds",
            "names a role that does not exist",
        ));
    }
    let taken = app_user::Entity::find()
        .filter(app_user::Column::Email.eq(new.email.as_str()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(conflict(EMAIL_TAKEN));
    }
    let now = Utc::now();
    let user = app_user::Model {
        id: Uuid::new_v4(),
        agency_id: agency.id,
        email: new.email.into_string(),
        display_name: new.display_name.into_string(),
        password_hash: Some(hash),
        disabled: false,
        external_subject: None,
        team: new.team.map(|t| t.into_string()),
        is_vulnerable_victim_officer: new.vulnerable_victim_officer,
        created_at: now,
        updated_at: now,
        created_by: Some(actor.user_id),
        updated_by: Some(actor.user_id),
    };
    app_user::Entity::insert(user.clone().into_active_model())
        .exec_without_returning(&txn)
        .await
        .map_err(|e| unique_conflict(e, EMAIL_TAKEN))?;
    let links = roles.iter().map(|r| user_role::ActiveModel {
        user_id: Set(user.id),
        role_id: Set(r.id),
        created_at: Set(now),
        created_by: Set(Some(actor.user_id)),
    });
    user_role::Entity::insert_many(links)
        .exec_without_returning(&txn)
        .await?;
    let role_names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    audit::record(
        &txn,
        principal,
        Entry::new("createUser")
            .entity("User", user.id)
            .fields([
                "agency",
                "email",
                "displayName",
                "team",
                "password",
                "roles",
            ])
            .detail(format!(
                "created {} in {} with roles: {}",
                user.email,
                agency.name,
                role_names.join(", ")
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(UserDetails {
        user,
        agency,
        roles,
    })
}

/// Disables (revoking their sessions at once) or re-enables a user. Refused with `CONFLICT` if
/// it would leave no administrator.
pub async fn set_user_disabled(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    disabled: bool,
) -> AppResult<UserDetails> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageUsers)?;
    let txn = crate::db::begin_write(db).await?;
    lock_administrators(&txn).await?;
    let before = app_user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    app_user::Entity::update_many()
        .col_expr(app_user::Column::Disabled, Expr::value(disabled))
        .col_expr(app_user::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(app_user::Column::UpdatedBy, Expr::value(actor.user_id))
        .filter(app_user::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let mut detail = match (before.disabled, disabled) {
        (false, true) => format!("disabled {}", before.email),
        (true, false) => format!("re-enabled {}", before.email),
        _ => format!("unchanged: {}", before.email),
    };
    if disabled {
        let revoked = revoke_sessions(&txn, id, "user disabled").await?;
        detail.push_str(&format!("; {revoked} sessions revoked"));
        ensure_an_administrator_remains(&txn).await?;
    }
    audit::record(
        &txn,
        principal,
        Entry::new("setUserDisabled")
            .entity("User", id)
            .fields(["disabled"])
            .detail(detail),
    )
    .await?;
    let after = staff::user(&txn, id).await?;
    txn.commit().await?;
    Ok(after)
}

/// Sets a new password and revokes the user's sessions.
pub async fn reset_password(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    password: NewPassword,
) -> AppResult<UserDetails> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageUsers)?;
    let hash = passwords::hash(password.expose()).await?;
    let txn = crate::db::begin_write(db).await?;
    let updated = app_user::Entity::update_many()
        .col_expr(app_user::Column::PasswordHash, Expr::value(hash))
        .col_expr(app_user::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(app_user::Column::UpdatedBy, Expr::value(actor.user_id))
        .filter(app_user::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    let revoked = revoke_sessions(&txn, id, "password reset").await?;
    audit::record(
        &txn,
        principal,
        Entry::new("resetPassword")
            .entity("User", id)
            .fields(["password"])
            .detail(format!("password reset; {revoked} sessions revoked")),
    )
    .await?;
    let after = staff::user(&txn, id).await?;
    txn.commit().await?;
    Ok(after)
}

/// Gives a user a role. Assigning a role already held changes nothing (and is still logged).
pub async fn assign_role(
    db: &DatabaseConnection,
    principal: &Principal,
    user_id: Uuid,
    role_id: Uuid,
) -> AppResult<UserDetails> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageUsers)?;
    let txn = crate::db::begin_write(db).await?;
    let (user, role, held) = user_and_role(&txn, user_id, role_id).await?;
    let detail = if held {
        format!("unchanged: {} already holds {}", user.email, role.name)
    } else {
        user_role::Entity::insert(user_role::ActiveModel {
            user_id: Set(user_id),
            role_id: Set(role_id),
            created_at: Set(Utc::now()),
            created_by: Set(Some(actor.user_id)),
        })
        .exec_without_returning(&txn)
        .await?;
        format!("assigned {} to {}", role.name, user.email)
    };
    audit::record(
        &txn,
        principal,
        Entry::new("assignRole")
            .entity("User", user_id)
            .fields(["roles"])
            .detail(detail),
    )
    .await?;
    let after = staff::user(&txn, user_id).await?;
    txn.commit().await?;
    Ok(after)
}

/// Takes a role from a user. Refused with `CONFLICT` for the user's last role, or if it would
/// leave no administrator. Withdrawing a role not held changes nothing (and is still logged).
pub async fn withdraw_role(
    db: &DatabaseConnection,
    principal: &Principal,
    user_id: Uuid,
    role_id: Uuid,
) -> AppResult<UserDetails> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageUsers)?;
    let txn = crate::db::begin_write(db).await?;
    lock_administrators(&txn).await?;
    let (user, role, held) = user_and_role(&txn, user_id, role_id).await?;
    let detail = if held {
        let count = user_role::Entity::find()
            .filter(user_role::Column::UserId.eq(user_id))
            .count(&txn)
            .await?;
        if count <= 1 {
            return Err(conflict(
                "a user must hold at least one role: assign another first, or disable the user",
            ));
        }
        user_role::Entity::delete_many()
            .filter(user_role::Column::UserId.eq(user_id))
            .filter(user_role::Column::RoleId.eq(role_id))
            .exec(&txn)
            .await?;
        ensure_an_administrator_remains(&txn).await?;
        format!("withdrew {} from {}", role.name, user.email)
    } else {
        format!("unchanged: {} does not hold {}", user.email, role.name)
    };
    audit::record(
        &txn,
        principal,
        Entry::new("withdrawRole")
            .entity("User", user_id)
            .fields(["roles"])
            .detail(detail),
    )
    .await?;
    let after = staff::user(&txn, user_id).await?;
    txn.commit().await?;
    Ok(after)
}

/// The user and the role (`NOT_FOUND` if either is missing), and whether the user holds it.
async fn user_and_role<C: sea_orm::ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    role_id: Uuid,
) -> AppResult<(app_user::Model, role::Model, bool)> {
    let user = app_user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = role::Entity::find_by_id(role_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let held = user_role::Entity::find_by_id((user_id, role_id))
        .one(db)
        .await?
        .is_some();
    Ok((user, role, held))
}
