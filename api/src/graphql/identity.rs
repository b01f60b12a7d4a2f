//! Signing in and out, and who the signed-in user is.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::{
    auth::policy::{self, Operation},
    error::AppResult,
    graphql::ContextExt,
    service,
};

#[derive(Default)]
pub struct IdentityQuery;

#[derive(Default)]
pub struct IdentityMutation;

#[derive(SimpleObject)]
pub struct AuthPayload {
    /// A signed JWT to send as `Authorization: Bearer <token>`.
    access_token: String,
    /// When the access token stops being accepted.
    expires_at: DateTime<Utc>,
    /// Exchange with `refreshToken` for new tokens; each can be used once.
    refresh_token: String,
    /// When the session ends and the user must sign in again.
    refresh_expires_at: DateTime<Utc>,
}

impl From<service::auth::Tokens> for AuthPayload {
    fn from(t: service::auth::Tokens) -> Self {
        Self {
            access_token: t.access_token,
            expires_at: t.expires_at,
            refresh_token: t.refresh_token,
            refresh_expires_at: t.refresh_expires_at,
        }
    }
}

/// An operation a role may be granted.
#[derive(SimpleObject)]
pub struct OperationInfo {
    name: String,
    description: String,
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
    type_name: String,
    field_name: String,
    read: bool,
    write: bool,
}

/// The signed-in user and what they may do, so a front-end can hide what they cannot use.
#[derive(SimpleObject)]
pub struct Viewer {
    user: ViewerUser,
    agency: ViewerAgency,
    roles: Vec<String>,
    operations: Vec<OperationInfo>,
    field_permissions: Vec<FieldPermission>,
}

/// A member of staff, as the staff directory shows them.
#[derive(SimpleObject)]
#[graphql(name = "User")]
pub struct ViewerUser {
    id: ID,
    display_name: String,
    email: String,
    team: Option<String>,
}

impl From<entity::app_user::Model> for ViewerUser {
    fn from(m: entity::app_user::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            display_name: m.display_name,
            email: m.email,
            team: m.team,
        }
    }
}

/// A partner agency.
#[derive(SimpleObject)]
#[graphql(name = "Agency")]
pub struct ViewerAgency {
    id: ID,
    name: String,
    kind: String,
}

impl From<entity::agency::Model> for ViewerAgency {
    fn from(m: entity::agency::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            name: m.name,
            kind: m.kind,
        }
    }
}

#[Object]
impl IdentityQuery {
    /// The signed-in user, their agency, roles and effective permissions.
    async fn viewer(&self, ctx: &Context<'_>) -> AppResult<Viewer> {
        let principal = ctx.principal()?;
        let actor = principal.actor()?;
        let db = ctx.db()?;
        let agency = service::identity::agency(db, actor.agency_id).await?;
        let p = &actor.permissions;
        let mut operations: Vec<Operation> = p.operations.iter().copied().collect();
        operations.sort();
        let field_permissions = policy::catalog()
            .restricted_fields()
            .into_iter()
            .map(|(t, f)| FieldPermission {
                type_name: t.to_string(),
                field_name: f.to_string(),
                read: p.can_read(t, f),
                write: p.can_write(t, f),
            })
            .filter(|fp| fp.read || fp.write)
            .collect();
        Ok(Viewer {
            user: ViewerUser {
                id: ID(actor.user_id.to_string()),
                display_name: actor.display_name.clone(),
                email: actor.email.clone(),
                team: actor.team.clone(),
            },
            agency: agency.into(),
            roles: actor.role_names.clone(),
            operations: operations.into_iter().map(Into::into).collect(),
            field_permissions,
        })
    }
}

#[Object]
impl IdentityMutation {
    /// Signs in. Failures are answered identically whether or not the email exists, and
    /// repeated failures are throttled (`RATE_LIMITED`).
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> AppResult<AuthPayload> {
        let tokens = service::auth::login(
            ctx.db()?,
            ctx.keys()?,
            ctx.settings()?,
            ctx.principal()?,
            &email,
            password,
        )
        .await?;
        Ok(tokens.into())
    }

    /// Exchanges a refresh token for new tokens. A refresh token works once; presenting it a
    /// second time revokes the whole session.
    async fn refresh_token(&self, ctx: &Context<'_>, token: String) -> AppResult<AuthPayload> {
        let tokens =
            service::auth::refresh(ctx.db()?, ctx.keys()?, ctx.principal()?, &token).await?;
        Ok(tokens.into())
    }

    /// Ends the current session.
    async fn logout(&self, ctx: &Context<'_>) -> AppResult<bool> {
        service::auth::logout(ctx.db()?, ctx.principal()?).await?;
        Ok(true)
    }
}
