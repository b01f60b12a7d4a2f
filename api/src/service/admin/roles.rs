//! Roles: list, create, rename and delete, and the operations and field permissions they grant.

use chrono::Utc;
use entity::{role, role_field_permission, role_operation, user_role};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    FieldGrant, NewRole, conflict, ensure_an_administrator_remains, lock_administrators,
    unique_conflict,
};
use crate::{
    auth::{Principal, policy::Operation},
    domain::{LongText, ShortText},
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

const NAME_TAKEN: &str = "a role with this name already exists";

/// Every role, by name.
pub async fn list_roles(
    db: &DatabaseConnection,
    principal: &Principal,
) -> AppResult<Vec<role::Model>> {
    principal.actor()?.require(Operation::ManageRoles)?;
    Ok(role::Entity::find()
        .order_by_asc(role::Column::Name)
        .all(db)
        .await?)
}

pub async fn get_role(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
) -> AppResult<role::Model> {
    principal.actor()?.require(Operation::ManageRoles)?;
    find_role(db, id).await
}

async fn find_role<C: sea_orm::ConnectionTrait>(db: &C, id: Uuid) -> AppResult<role::Model> {
    role::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn name_is_free<C: sea_orm::ConnectionTrait>(
    db: &C,
    name: &str,
    except: Option<Uuid>,
) -> AppResult<()> {
    let mut query = role::Entity::find().filter(role::Column::Name.eq(name));
    if let Some(id) = except {
        query = query.filter(role::Column::Id.ne(id));
    }
    match query.one(db).await? {
        Some(_) => Err(conflict(NAME_TAKEN)),
        None => Ok(()),
    }
}

/// A new role, granting nothing until operations and field permissions are granted to it.
pub async fn create_role(
    db: &DatabaseConnection,
    principal: &Principal,
    new: NewRole,
) -> AppResult<role::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageRoles)?;
    let now = Utc::now();
    let model = role::Model {
        id: Uuid::new_v4(),
        name: new.name.into_string(),
        description: new.description.into_string(),
        created_at: now,
        updated_at: now,
        created_by: Some(actor.user_id),
        updated_by: Some(actor.user_id),
    };
    let txn = crate::db::begin_write(db).await?;
    name_is_free(&txn, &model.name, None).await?;
    role::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(&txn)
        .await
        .map_err(|e| unique_conflict(e, NAME_TAKEN))?;
    audit::record(
        &txn,
        principal,
        Entry::new("createRole")
            .entity("Role", model.id)
            .fields(["name", "description"])
            .detail(format!("created role {}", model.name)),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Renames a role, and replaces its description when one is given.
pub async fn rename_role(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    name: ShortText,
    description: Option<LongText>,
) -> AppResult<role::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageRoles)?;
    let txn = crate::db::begin_write(db).await?;
    let before = find_role(&txn, id).await?;
    name_is_free(&txn, name.as_str(), Some(id)).await?;
    let mut update = role::Entity::update_many()
        .col_expr(role::Column::Name, Expr::value(name.as_str()))
        .col_expr(role::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(role::Column::UpdatedBy, Expr::value(actor.user_id));
    let mut fields = vec!["name"];
    if let Some(d) = &description {
        update = update.col_expr(role::Column::Description, Expr::value(d.as_str()));
        fields.push("description");
    }
    update
        .filter(role::Column::Id.eq(id))
        .exec(&txn)
        .await
        .map_err(|e| unique_conflict(e, NAME_TAKEN))?;
    audit::record(
        &txn,
        principal,
        Entry::new("renameRole")
            .entity("Role", id)
            .fields(fields)
            .detail(format!("renamed role {} to {}", before.name, name)),
    )
    .await?;
    let after = find_role(&txn, id).await?;
    txn.commit().await?;
    Ok(after)
}

/// Deletes a role and its grants. Refused with `CONFLICT` while any user holds it.
pub async fn delete_role(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
) -> AppResult<Uuid> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageRoles)?;
    let txn = crate::db::begin_write(db).await?;
    lock_administrators(&txn).await?;
    let before = find_role(&txn, id).await?;
    let holders = user_role::Entity::find()
        .filter(user_role::Column::RoleId.eq(id))
        .count(&txn)
        .await?;
    if holders > 0 {
        return Err(conflict(format!(
            "the role is held by {holders} user(s): withdraw it from them first"
        )));
    }
    // The role's grants go with it (ON DELETE CASCADE), but say so explicitly.
    role_operation::Entity::delete_many()
        .filter(role_operation::Column::RoleId.eq(id))
        .exec(&txn)
        .await?;
    role_field_permission::Entity::delete_many()
        .filter(role_field_permission::Column::RoleId.eq(id))
        .exec(&txn)
        .await?;
    role::Entity::delete_by_id(id).exec(&txn).await?;
    ensure_an_administrator_remains(&txn).await?;
    audit::record(
        &txn,
        principal,
        Entry::new("deleteRole")
            .entity("Role", id)
            .detail(format!("deleted role {}", before.name)),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Grants an operation to a role. Granting one it already has changes nothing (still logged).
pub async fn grant_operation(
    db: &DatabaseConnection,
    principal: &Principal,
    role_id: Uuid,
    op: Operation,
) -> AppResult<role::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageRoles)?;
    let txn = crate::db::begin_write(db).await?;
    let role = find_role(&txn, role_id).await?;
    let held = role_operation::Entity::find_by_id((role_id, op.as_str().to_string()))
        .one(&txn)
        .await?
        .is_some();
    let detail = if held {
        format!("unchanged: {} already has {}", role.name, op.as_str())
    } else {
        role_operation::Entity::insert(role_operation::ActiveModel {
            role_id: Set(role_id),
            operation: Set(op.as_str().to_string()),
            created_at: Set(Utc::now()),
            created_by: Set(Some(actor.user_id)),
        })
        .exec_without_returning(&txn)
        .await?;
        format!("granted {} to {}", op.as_str(), role.name)
    };
    audit::record(
        &txn,
        principal,
        Entry::new("grantOperation")
            .entity("Role", role_id)
            .fields(["operations"])
            .detail(detail),
    )
    .await?;
    txn.commit().await?;
    Ok(role)
}

/// Revokes an operation from a role. Refused with `CONFLICT` if it would leave no
/// administrator.
pub async fn revoke_operation(
    db: &DatabaseConnection,
    principal: &Principal,
    role_id: Uuid,
    op: Operation,
) -> AppResult<role::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageRoles)?;
    let txn = crate::db::begin_write(db).await?;
    lock_administrators(&txn).await?;
    let role = find_role(&txn, role_id).await?;
    let removed = role_operation::Entity::delete_many()
        .filter(role_operation::Column::RoleId.eq(role_id))
        .filter(role_operation::Column::Operation.eq(op.as_str()))
        .exec(&txn)
        .await?
        .rows_affected;
    if matches!(op, Operation::ManageUsers | Operation::ManageRoles) {
        ensure_an_administrator_remains(&txn).await?;
    }
    let detail = if removed > 0 {
        format!("revoked {} from {}", op.as_str(), role.name)
    } else {
        format!("unchanged: {} did not have {}", role.name, op.as_str())
    };
    audit::record(
        &txn,
        principal,
        Entry::new("revokeOperation")
            .entity("Role", role_id)
            .fields(["operations"])
            .detail(detail),
    )
    .await?;
    txn.commit().await?;
    Ok(role)
}

/// Sets a role's read and write permission on one restricted field. Neither read nor write
/// removes the permission.
pub async fn set_field_permission(
    db: &DatabaseConnection,
    principal: &Principal,
    grant: FieldGrant,
) -> AppResult<role::Model> {
    use role_field_permission::{ActiveModel, Column, Entity};
    let actor = principal.actor()?;
    actor.require(Operation::ManageRoles)?;
    let txn = crate::db::begin_write(db).await?;
    let role = find_role(&txn, grant.role_id).await?;
    let key = (
        grant.role_id,
        grant.type_name.to_string(),
        grant.field_name.to_string(),
    );
    let before = Entity::find_by_id(key).one(&txn).await?;
    let now = Utc::now();
    let matches_row = Condition::all()
        .add(Column::RoleId.eq(grant.role_id))
        .add(Column::TypeName.eq(grant.type_name))
        .add(Column::FieldName.eq(grant.field_name));
    match (&before, grant.read || grant.write) {
        (Some(_), false) => {
            Entity::delete_many().filter(matches_row).exec(&txn).await?;
        }
        (Some(_), true) => {
            Entity::update_many()
                .col_expr(Column::CanRead, Expr::value(grant.read))
                .col_expr(Column::CanWrite, Expr::value(grant.write))
                .col_expr(Column::UpdatedAt, Expr::value(now))
                .col_expr(Column::UpdatedBy, Expr::value(actor.user_id))
                .filter(matches_row)
                .exec(&txn)
                .await?;
        }
        (None, true) => {
            Entity::insert(ActiveModel {
                role_id: Set(grant.role_id),
                type_name: Set(grant.type_name.to_string()),
                field_name: Set(grant.field_name.to_string()),
                can_read: Set(grant.read),
                can_write: Set(grant.write),
                created_at: Set(now),
                updated_at: Set(now),
                updated_by: Set(Some(actor.user_id)),
            })
            .exec_without_returning(&txn)
            .await?;
        }
        (None, false) => {}
    }
    let was = before
        .map(|b| format!("read={} write={}", b.can_read, b.can_write))
        .unwrap_or_else(|| "read=false write=false".into());
    audit::record(
        &txn,
        principal,
        Entry::new("setFieldPermission")
            .entity("Role", grant.role_id)
            .fields(["fieldPermissions"])
            .detail(format!(
                "{}: {}.{} read={} write={} (was {was})",
                role.name, grant.type_name, grant.field_name, grant.read, grant.write
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(role)
}
