//! Who is asking, and what they may do.
//!
//! - [`tokens`]: signing and verifying access tokens.
//! - [`external`]: the optional external identity provider (RS256/ES256 tokens from a JWKS).
//! - [`passwords`]: argon2id hashing.
//! - [`policy`]: the single place where authorization is decided.
//!
//! [`authenticate`] turns a request's `Authorization: Bearer` header into a [`Principal`]. The
//! token proves only who the user is and which session they hold; their agency, roles and
//! permissions are loaded from the database on every request, so disabling a user, revoking a
//! session or changing roles takes effect at the user's next request.
//!
//! A token whose `iss` is the configured external issuer is verified by [`external`] and names the
//! user by `app_user.external_subject`; any other token is verified as a local one. Both paths end
//! in the same user, agency and permission checks.

pub mod external;
pub mod passwords;
pub mod policy;
pub mod tokens;

use std::sync::Arc;

use actix_web::{HttpRequest, http::header};
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::IntoCondition};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    http::AppState,
};
use policy::{Operation, Permissions};

/// A signed-in user, as loaded for this request.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Uuid,
    /// The session the access token belongs to. `None` for a user signed in through the external
    /// identity provider: there is no session row, and `logout` has nothing to revoke.
    pub session_id: Option<Uuid>,
    pub agency_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub team: Option<String>,
    pub role_ids: Vec<Uuid>,
    pub role_names: Vec<String>,
    pub permissions: Arc<Permissions>,
    pub request_id: String,
    pub client_addr: Option<String>,
}

impl Actor {
    pub fn require(&self, op: Operation) -> AppResult<()> {
        policy::require(&self.permissions, op)
    }
}

/// Who is making a request.
#[derive(Clone, Debug)]
pub enum Principal {
    Anonymous {
        request_id: String,
        client_addr: Option<String>,
    },
    User(Box<Actor>),
}

impl Principal {
    pub fn actor(&self) -> AppResult<&Actor> {
        match self {
            Principal::User(a) => Ok(a),
            Principal::Anonymous { .. } => Err(AppError::Unauthenticated),
        }
    }

    pub fn permissions(&self) -> Option<&Permissions> {
        match self {
            Principal::User(a) => Some(&a.permissions),
            Principal::Anonymous { .. } => None,
        }
    }

    pub fn request_id(&self) -> &str {
        match self {
            Principal::User(a) => &a.request_id,
            Principal::Anonymous { request_id, .. } => request_id,
        }
    }

    pub fn client_addr(&self) -> Option<&str> {
        match self {
            Principal::User(a) => a.client_addr.as_deref(),
            Principal::Anonymous { client_addr, .. } => client_addr.as_deref(),
        }
    }
}

/// Reads the bearer token, if any. A token that is present but fails any check is refused with
/// `UNAUTHENTICATED` rather than treated as anonymous.
pub async fn authenticate(
    state: &AppState,
    req: &HttpRequest,
    client_addr: Option<String>,
    request_id: String,
) -> AppResult<Principal> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(Principal::Anonymous {
            request_id,
            client_addr,
        });
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or(AppError::Unauthenticated)?;
    let actor = authenticate_token(&state.db, &state.keys, token, request_id, client_addr).await?;
    Ok(Principal::User(Box::new(actor)))
}

/// Verifies a bearer token (ours or the external identity provider's) and loads its user.
pub async fn authenticate_token(
    db: &sea_orm::DatabaseConnection,
    keys: &tokens::TokenKeys,
    token: &str,
    request_id: String,
    client_addr: Option<String>,
) -> AppResult<Actor> {
    let actor = match keys.external().filter(|idp| idp.claims_issuer(token)) {
        Some(idp) => {
            let subject = idp.verify(token).await.ok_or(AppError::Unauthenticated)?;
            load_external_actor(db, &subject, request_id, client_addr).await?
        }
        None => {
            let (user_id, session_id) = keys.verify(token).ok_or(AppError::Unauthenticated)?;
            load_actor(db, user_id, session_id, request_id, client_addr).await?
        }
    };
    actor.ok_or(AppError::Unauthenticated)
}

/// The same user loaded afresh, for long-lived connections: `None` once they, their agency or
/// their session is no longer in force.
pub async fn reload<C: ConnectionTrait>(db: &C, actor: &Actor) -> AppResult<Option<Actor>> {
    use entity::app_user;
    match actor.session_id {
        Some(session_id) => {
            load_actor(
                db,
                actor.user_id,
                session_id,
                actor.request_id.clone(),
                actor.client_addr.clone(),
            )
            .await
        }
        None => {
            let Some(user) = active_user(db, app_user::Column::Id.eq(actor.user_id)).await? else {
                return Ok(None);
            };
            self::actor(
                db,
                user,
                None,
                actor.request_id.clone(),
                actor.client_addr.clone(),
            )
            .await
            .map(Some)
        }
    }
}

/// Loads a user whose account, agency and session are all still in force.
pub async fn load_actor<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    session_id: Uuid,
    request_id: String,
    client_addr: Option<String>,
) -> AppResult<Option<Actor>> {
    use entity::{app_user, auth_session};
    let Some(user) = active_user(db, app_user::Column::Id.eq(user_id)).await? else {
        return Ok(None);
    };
    let session = auth_session::Entity::find_by_id(session_id)
        .filter(auth_session::Column::UserId.eq(user_id))
        .one(db)
        .await?;
    match session {
        Some(s) if s.revoked_at.is_none() && s.expires_at > Utc::now() => {}
        _ => return Ok(None),
    }
    actor(db, user, Some(session_id), request_id, client_addr)
        .await
        .map(Some)
}

/// Loads the user an external identity provider's subject maps to, if they and their agency are
/// enabled.
pub async fn load_external_actor<C: ConnectionTrait>(
    db: &C,
    subject: &str,
    request_id: String,
    client_addr: Option<String>,
) -> AppResult<Option<Actor>> {
    use entity::app_user;
    let Some(user) = active_user(db, app_user::Column::ExternalSubject.eq(subject)).await? else {
        return Ok(None);
    };
    actor(db, user, None, request_id, client_addr)
        .await
        .map(Some)
}

/// The one user matching `condition`, if neither they nor their agency is disabled.
async fn active_user<C: ConnectionTrait>(
    db: &C,
    condition: impl IntoCondition,
) -> AppResult<Option<entity::app_user::Model>> {
    use entity::{agency, app_user};
    let found = app_user::Entity::find()
        .filter(condition)
        .find_also_related(agency::Entity)
        .one(db)
        .await?;
    Ok(match found {
        Some((user, Some(agency))) if !user.disabled && !agency.disabled => Some(user),
        _ => None,
    })
}

async fn actor<C: ConnectionTrait>(
    db: &C,
    user: entity::app_user::Model,
    session_id: Option<Uuid>,
    request_id: String,
    client_addr: Option<String>,
) -> AppResult<Actor> {
    let (role_ids, role_names, permissions) = load_permissions(db, user.id).await?;
    Ok(Actor {
        user_id: user.id,
        session_id,
        agency_id: user.agency_id,
        email: user.email,
        display_name: user.display_name,
        team: user.team,
        role_ids,
        role_names,
        permissions: Arc::new(permissions),
        request_id,
        client_addr,
    })
}

/// The union of what the user's roles grant.
pub async fn load_permissions<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
) -> AppResult<(Vec<Uuid>, Vec<String>, Permissions)> {
    use entity::{role, role_field_permission, role_operation, user_role};
    let roles: Vec<role::Model> = role::Entity::find()
        .inner_join(user_role::Entity)
        .filter(user_role::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let role_ids: Vec<Uuid> = roles.iter().map(|r| r.id).collect();
    let role_names = roles.into_iter().map(|r| r.name).collect();
    let mut permissions = Permissions::default();
    if role_ids.is_empty() {
        return Ok((role_ids, role_names, permissions));
    }
    let ops = role_operation::Entity::find()
        .filter(role_operation::Column::RoleId.is_in(role_ids.clone()))
        .all(db)
        .await?;
    permissions.operations = ops
        .iter()
        .filter_map(|o| Operation::parse(&o.operation))
        .collect();
    let fields = role_field_permission::Entity::find()
        .filter(role_field_permission::Column::RoleId.is_in(role_ids.clone()))
        .all(db)
        .await?;
    for f in fields {
        let key = (f.type_name, f.field_name);
        if f.can_read {
            permissions.read.insert(key.clone());
        }
        if f.can_write {
            permissions.write.insert(key);
        }
    }
    Ok((role_ids, role_names, permissions))
}
