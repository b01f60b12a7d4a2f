//! DataLoaders for the staff directory: a role's operations, field permissions and holders,
//! so listing users with their roles and each role's users costs a fixed number of statements
//! whatever the page size.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{app_user, role_field_permission, role_operation, user_role};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::loaders::{ChildrenOf, children};
use crate::{
    error::AppError,
    service::staff::{self, UserDetails},
};

pub struct StaffLoaders {
    pub role_operations: DataLoader<ChildrenOf<role_operation::Entity>>,
    pub role_fields: DataLoader<ChildrenOf<role_field_permission::Entity>>,
    pub role_users: DataLoader<RoleUsers>,
}

impl StaffLoaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            role_operations: children(
                db,
                role_operation::Column::RoleId,
                role_operation::Column::Operation,
            ),
            role_fields: children(
                db,
                role_field_permission::Column::RoleId,
                role_field_permission::Column::TypeName,
            ),
            role_users: DataLoader::new(RoleUsers { db: db.clone() }, tokio::spawn),
        }
    }
}

/// The users holding each role, by email, with their agency and roles.
pub struct RoleUsers {
    db: DatabaseConnection,
}

impl Loader<Uuid> for RoleUsers {
    type Value = Vec<UserDetails>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<UserDetails>>, AppError> {
        let rows = user_role::Entity::find()
            .filter(user_role::Column::RoleId.is_in(keys.to_vec()))
            .find_also_related(app_user::Entity)
            .order_by_asc(app_user::Column::Email)
            .all(&self.db)
            .await?;
        let mut users: Vec<app_user::Model> = Vec::new();
        let mut holders: Vec<(Uuid, Uuid)> = Vec::new();
        for (link, user) in rows {
            if let Some(user) = user {
                holders.push((link.role_id, user.id));
                if !users.iter().any(|u| u.id == user.id) {
                    users.push(user);
                }
            }
        }
        let details: HashMap<Uuid, UserDetails> = staff::details(&self.db, users)
            .await?
            .into_iter()
            .map(|d| (d.user.id, d))
            .collect();
        let mut out: HashMap<Uuid, Vec<UserDetails>> = HashMap::new();
        for (role, user) in holders {
            if let Some(d) = details.get(&user) {
                out.entry(role).or_default().push(d.clone());
            }
        }
        Ok(out)
    }
}
