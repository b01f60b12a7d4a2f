//! Reading staff: users with their agency and roles, and what a role grants.
//!
//! These loaders run after the policy has allowed the read (a root field's operation, or a
//! restricted field's grant); they decide nothing. Users are loaded in batches, so a page of users
//! or of access-log entries costs a fixed number of queries whatever its size.

use std::collections::HashMap;

use entity::{agency, app_user, role, user_role};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// A user with their agency and roles (roles ordered by name).
#[derive(Clone, Debug)]
pub struct UserDetails {
    pub user: app_user::Model,
    pub agency: agency::Model,
    pub roles: Vec<role::Model>,
}

/// Adds agency and roles to each user, keeping the order given.
pub async fn details<C: ConnectionTrait>(
    db: &C,
    users: Vec<app_user::Model>,
) -> AppResult<Vec<UserDetails>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let agency_ids: Vec<Uuid> = users.iter().map(|u| u.agency_id).collect();
    let agencies = agencies_by_id(db, agency_ids).await?;
    let user_ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let held = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(user_ids))
        .find_also_related(role::Entity)
        .order_by_asc(role::Column::Name)
        .all(db)
        .await?;
    let mut roles: HashMap<Uuid, Vec<role::Model>> = HashMap::new();
    for (link, role) in held {
        if let Some(role) = role {
            roles.entry(link.user_id).or_default().push(role);
        }
    }
    users
        .into_iter()
        .map(|user| {
            let agency = agencies
                .get(&user.agency_id)
                .cloned()
                .ok_or_else(|| AppError::internal("user without an agency"))?;
            let roles = roles.remove(&user.id).unwrap_or_default();
            Ok(UserDetails {
                user,
                agency,
                roles,
            })
        })
        .collect()
}

/// One user with details, or `NOT_FOUND`.
pub async fn user<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<UserDetails> {
    let user = app_user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    details(db, vec![user])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The users with these ids that exist, with details.
pub async fn users_by_id<C: ConnectionTrait>(
    db: &C,
    ids: Vec<Uuid>,
) -> AppResult<HashMap<Uuid, UserDetails>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let users = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(details(db, users)
        .await?
        .into_iter()
        .map(|d| (d.user.id, d))
        .collect())
}

/// The agencies with these ids that exist.
pub async fn agencies_by_id<C: ConnectionTrait>(
    db: &C,
    ids: Vec<Uuid>,
) -> AppResult<HashMap<Uuid, agency::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(agency::Entity::find()
        .filter(agency::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}
