//! Agencies: list, create, disable and re-enable.

use chrono::Utc;
use entity::agency;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use uuid::Uuid;

use super::{NewAgency, conflict, ensure_an_administrator_remains, lock_administrators};
use crate::{
    auth::{Principal, policy::Operation},
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

const EXISTS: &str = "an agency with this name already exists";

/// Every agency, by name.
pub async fn list_agencies(
    db: &DatabaseConnection,
    principal: &Principal,
) -> AppResult<Vec<agency::Model>> {
    principal.actor()?.require(Operation::ManageUsers)?;
    Ok(agency::Entity::find()
        .order_by_asc(agency::Column::Name)
        .all(db)
        .await?)
}

pub async fn create_agency(
    db: &DatabaseConnection,
    principal: &Principal,
    new: NewAgency,
) -> AppResult<agency::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageUsers)?;
    let now = Utc::now();
    let model = agency::Model {
        id: Uuid::new_v4(),
        name: new.name.into_string(),
        kind: new.kind.as_str().to_string(),
        disabled: false,
        created_at: now,
        updated_at: now,
        created_by: Some(actor.user_id),
        updated_by: Some(actor.user_id),
    };
    let txn = crate::db::begin_write(db).await?;
    let taken = agency::Entity::find()
        .filter(agency::Column::Name.eq(model.name.as_str()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(conflict(EXISTS));
    }
    agency::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(&txn)
        .await
        .map_err(|e| super::unique_conflict(e, EXISTS))?;
    audit::record(
        &txn,
        principal,
        Entry::new("createAgency")
            .entity("Agency", model.id)
            .fields(["name", "kind"])
            .detail(format!("created agency {} ({})", model.name, model.kind)),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Disables or re-enables an agency. Its users cannot sign in, or use tokens they hold, while it
/// is disabled. Refused with `CONFLICT` if it would leave no administrator.
pub async fn set_agency_disabled(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    disabled: bool,
) -> AppResult<agency::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageUsers)?;
    let txn = crate::db::begin_write(db).await?;
    lock_administrators(&txn).await?;
    let before = agency::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    agency::Entity::update_many()
        .col_expr(agency::Column::Disabled, Expr::value(disabled))
        .col_expr(agency::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(agency::Column::UpdatedBy, Expr::value(actor.user_id))
        .filter(agency::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if disabled {
        ensure_an_administrator_remains(&txn).await?;
    }
    let detail = match (before.disabled, disabled) {
        (false, true) => "disabled",
        (true, false) => "re-enabled",
        _ => "unchanged",
    };
    audit::record(
        &txn,
        principal,
        Entry::new("setAgencyDisabled")
            .entity("Agency", id)
            .fields(["disabled"])
            .detail(format!("{detail}: {}", before.name)),
    )
    .await?;
    let after = agency::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(after)
}
