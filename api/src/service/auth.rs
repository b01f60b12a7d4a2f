//! Sign-in, token refresh and sign-out.
//!
//! Refresh tokens are random, stored only as SHA-256 hashes, and rotate on every use. A session
//! is a family of refresh tokens: presenting one that was already used means it was stolen or
//! replayed, so the whole session is revoked.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, sea_query::Expr,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    auth::{Principal, passwords, tokens::TokenKeys},
    configuration::Settings,
    error::{AppError, AppResult},
    service::audit::{self, Entry, Outcome},
};

/// Failed sign-ins allowed per account, and per client address, in [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_FAILURES_PER_ACCOUNT: u64 = 5;
pub const MAX_FAILURES_PER_CLIENT: u64 = 20;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

pub struct Tokens {
    pub access_token: String,
    pub expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
}

pub async fn login(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    settings: &Settings,
    principal: &Principal,
    email: &str,
    password: String,
) -> AppResult<Tokens> {
    use entity::{agency, app_user};
    let email = email.trim().to_lowercase();
    // Control characters cannot be in an address; a NUL would also reach PostgreSQL, which
    // refuses it in text, as an internal error.
    if email.is_empty() || email.len() > 320 || email.chars().any(char::is_control) {
        return Err(AppError::bad_input("email", "must be an email address"));
    }
    if throttled(db, principal, &email).await? {
        // A refused attempt is still a failed sign-in, and the log must show it; it is recorded
        // as denied so that it does not itself extend the throttling.
        audit::record(
            db,
            principal,
            Entry::new("login")
                .outcome(Outcome::Denied)
                .entity("Account", &email)
                .detail("too many failed sign-ins; throttled"),
        )
        .await?;
        return Err(AppError::RateLimited {
            retry_after_secs: (THROTTLE_WINDOW_MINUTES * 60) as u64,
        });
    }

    let found = app_user::Entity::find()
        .filter(app_user::Column::Email.eq(email.as_str()))
        .find_also_related(agency::Entity)
        .one(db)
        .await?;
    let stored_hash = found.as_ref().and_then(|(u, _)| u.password_hash.clone());
    let password_ok = passwords::verify(password, stored_hash).await?;
    let usable = match &found {
        Some((user, Some(agency))) => password_ok && !user.disabled && !agency.disabled,
        _ => false,
    };
    let Some((user, _)) = found.filter(|_| usable) else {
        audit::record(
            db,
            principal,
            Entry::new("login")
                .outcome(Outcome::Failure)
                .entity("Account", &email),
        )
        .await?;
        // The same answer whether or not the email exists.
        return Err(AppError::Unauthenticated);
    };
    let txn = crate::db::begin_write(db).await?;
    let tokens = start_session(&txn, keys, settings, user.id, principal.client_addr()).await?;
    audit::record(
        &txn,
        principal,
        Entry::new("login")
            .entity("User", user.id)
            .user(user.id, user.agency_id),
    )
    .await?;
    txn.commit().await?;
    Ok(tokens)
}

/// Whether the account or the client has had too many failed sign-ins in the window.
async fn throttled<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    email: &str,
) -> AppResult<bool> {
    use entity::access_log::{Column, Entity};
    let since = Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let account_failures = Entity::find()
        .filter(Column::Operation.eq("login"))
        .filter(Column::Outcome.eq(Outcome::Failure.as_str()))
        .filter(Column::Entity.eq("Account"))
        .filter(Column::EntityId.eq(email))
        .filter(Column::At.gt(since))
        .count(db)
        .await?;
    let client_failures = match principal.client_addr() {
        Some(addr) => {
            Entity::find()
                .filter(Column::Operation.eq("login"))
                .filter(Column::Outcome.eq(Outcome::Failure.as_str()))
                .filter(Column::ClientAddr.eq(addr))
                .filter(Column::At.gt(since))
                .count(db)
                .await?
        }
        None => 0,
    };
    Ok(account_failures >= MAX_FAILURES_PER_ACCOUNT || client_failures >= MAX_FAILURES_PER_CLIENT)
}

async fn start_session<C: ConnectionTrait>(
    db: &C,
    keys: &TokenKeys,
    settings: &Settings,
    user_id: Uuid,
    client_addr: Option<&str>,
) -> AppResult<Tokens> {
    let now = Utc::now();
    let session_id = Uuid::new_v4();
    let refresh_expires_at =
        now + Duration::from_std(settings.refresh_token_ttl).unwrap_or(Duration::hours(12));
    entity::auth_session::Entity::insert(entity::auth_session::ActiveModel {
        id: Set(session_id),
        user_id: Set(user_id),
        expires_at: Set(refresh_expires_at),
        revoked_at: Set(None),
        revoked_reason: Set(None),
        client_addr: Set(client_addr.map(str::to_string)),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    let refresh_token = new_refresh_token(db, session_id).await?;
    let access = keys
        .issue(user_id, session_id)
        .map_err(AppError::internal)?;
    Ok(Tokens {
        access_token: access.token,
        expires_at: access.expires_at,
        refresh_token,
        refresh_expires_at,
    })
}

async fn new_refresh_token<C: ConnectionTrait>(db: &C, session_id: Uuid) -> AppResult<String> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    entity::refresh_token::Entity::insert(entity::refresh_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        session_id: Set(session_id),
        token_hash: Set(hash_token(&token)),
        issued_at: Set(Utc::now()),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Rotates a refresh token. Reusing an old one revokes the session it belongs to.
pub async fn refresh(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    principal: &Principal,
    token: &str,
) -> AppResult<Tokens> {
    use entity::{auth_session, refresh_token};
    let hash = hash_token(token.trim());
    let Some(stored) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash))
        .one(db)
        .await?
    else {
        return Err(AppError::Unauthenticated);
    };
    let Some(session) = auth_session::Entity::find_by_id(stored.session_id)
        .one(db)
        .await?
    else {
        return Err(AppError::Unauthenticated);
    };
    let now = Utc::now();
    if session.revoked_at.is_some() || session.expires_at <= now {
        return Err(AppError::Unauthenticated);
    }
    let txn = crate::db::begin_write(db).await?;
    // Mark the token used only if nobody else has: two racing refreshes cannot both succeed.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(stored.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        revoke_session(&txn, session.id, "refresh token reused").await?;
        let mut entry = Entry::new("refreshToken")
            .outcome(Outcome::Denied)
            .entity("Session", session.id)
            .detail("refresh token reused; session revoked");
        // Name the session's owner and their agency, so an auditor filtering by either finds it.
        if let Some(user) = entity::app_user::Entity::find_by_id(session.user_id)
            .one(&txn)
            .await?
        {
            entry = entry.user(user.id, user.agency_id);
        }
        audit::record(&txn, principal, entry).await?;
        txn.commit().await?;
        return Err(AppError::Unauthenticated);
    }
    let Some(actor) =
        crate::auth::load_actor(&txn, session.user_id, session.id, String::new(), None).await?
    else {
        return Err(AppError::Unauthenticated);
    };
    let refresh_token = new_refresh_token(&txn, session.id).await?;
    let access = keys
        .issue(session.user_id, session.id)
        .map_err(AppError::internal)?;
    audit::record(
        &txn,
        principal,
        Entry::new("refreshToken")
            .entity("Session", session.id)
            .user(actor.user_id, actor.agency_id),
    )
    .await?;
    txn.commit().await?;
    Ok(Tokens {
        access_token: access.token,
        expires_at: access.expires_at,
        refresh_token,
        refresh_expires_at: session.expires_at,
    })
}

async fn revoke_session<C: ConnectionTrait>(
    db: &C,
    session_id: Uuid,
    reason: &str,
) -> AppResult<()> {
    use entity::auth_session::{Column, Entity};
    let now = Utc::now();
    Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .col_expr(Column::RevokedReason, Expr::value(reason))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(session_id))
        .filter(Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends the caller's session: its access and refresh tokens stop working at once.
///
/// A user signed in through the external identity provider has no session here: their token
/// lives until it expires at the provider, so logout succeeds, is logged, and revokes nothing.
pub async fn logout(db: &DatabaseConnection, principal: &Principal) -> AppResult<()> {
    let actor = principal.actor()?;
    let Some(session_id) = actor.session_id else {
        return audit::record(
            db,
            principal,
            Entry::new("logout").detail("external identity provider token: no session to revoke"),
        )
        .await;
    };
    let txn = crate::db::begin_write(db).await?;
    revoke_session(&txn, session_id, "logout").await?;
    audit::record(
        &txn,
        principal,
        Entry::new("logout").entity("Session", session_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
