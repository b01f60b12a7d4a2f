//! Signing in and out, and who the signed-in user is.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::{
    auth::policy::{self, Operation},
    error::AppResult,
    graphql::{
        ContextExt,
        staff::{Agency, FieldPermission, OperationInfo, User},
    },
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

/// The signed-in user and what they may do, so a front-end can hide what they cannot use.
#[derive(SimpleObject)]
pub struct Viewer {
    user: User,
    agency: Agency,
    roles: Vec<String>,
    operations: Vec<OperationInfo>,
    field_permissions: Vec<FieldPermission>,
}

#[Object]
impl IdentityQuery {
    /// The signed-in user, their agency, roles and effective permissions.
    async fn viewer(&self, ctx: &Context<'_>) -> AppResult<Viewer> {
        let principal = ctx.principal()?;
        let actor = principal.actor()?;
        let db = ctx.db()?;
        let me = service::staff::user(db, actor.user_id).await?;
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
            agency: Agency(me.agency.clone()),
            user: User(me),
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
