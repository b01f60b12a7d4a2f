//! Writing the access log (DPA 2018 s.62): who did or read what, when, from where.
//!
//! Entries are written with the same connection or transaction as the change they record, so there
//! is never a change without its entry, nor an entry for a change that rolled back.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::{auth::Principal, error::AppResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// One entry, built fluently.
#[derive(Clone, Debug)]
pub struct Entry {
    pub operation: String,
    pub outcome: Outcome,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub fields: Vec<String>,
    pub detail: Option<String>,
    pub user_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
}

impl Entry {
    pub fn new(operation: impl Into<String>) -> Self {
        Self {
            operation: operation.into(),
            outcome: Outcome::Success,
            entity: None,
            entity_id: None,
            fields: Vec::new(),
            detail: None,
            user_id: None,
            agency_id: None,
        }
    }

    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    pub fn entity(mut self, entity: &str, id: impl ToString) -> Self {
        self.entity = Some(entity.to_string());
        self.entity_id = Some(id.to_string());
        self
    }

    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Names the user when the principal is anonymous (a sign-in).
    pub fn user(mut self, user_id: Uuid, agency_id: Uuid) -> Self {
        self.user_id = Some(user_id);
        self.agency_id = Some(agency_id);
        self
    }

    fn into_model(self, principal: &Principal) -> entity::access_log::ActiveModel {
        let (user_id, agency_id) = match principal {
            Principal::User(a) => (Some(a.user_id), Some(a.agency_id)),
            Principal::Anonymous { .. } => (self.user_id, self.agency_id),
        };
        entity::access_log::ActiveModel {
            id: Set(Uuid::new_v4()),
            at: Set(Utc::now()),
            user_id: Set(user_id),
            agency_id: Set(agency_id),
            operation: Set(self.operation),
            outcome: Set(self.outcome.as_str().to_string()),
            entity: Set(self.entity),
            entity_id: Set(self.entity_id),
            fields: Set((!self.fields.is_empty())
                .then(|| serde_json::to_string(&self.fields).unwrap_or_default())),
            request_id: Set(Some(principal.request_id().to_string())),
            client_addr: Set(principal.client_addr().map(str::to_string)),
            detail: Set(self.detail),
        }
    }
}

/// Appends one entry.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    entry: Entry,
) -> AppResult<()> {
    entity::access_log::Entity::insert(entry.into_model(principal))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Appends several entries in one statement.
pub async fn record_many<C: ConnectionTrait>(
    db: &C,
    principal: &Principal,
    entries: Vec<Entry>,
) -> AppResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let models: Vec<_> = entries
        .into_iter()
        .map(|e| e.into_model(principal))
        .collect();
    entity::access_log::Entity::insert_many(models)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
