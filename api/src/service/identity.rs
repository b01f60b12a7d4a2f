//! Reading agencies, users and roles.

use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

pub async fn agency(db: &DatabaseConnection, id: Uuid) -> AppResult<entity::agency::Model> {
    entity::agency::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}
