//! Reading the access log: the auditor's search and a person's access history. Root fields need
//! `READ_AUDIT_LOG` (`auth/policy/rules/audit.rs`).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::{
    domain::{DateRange, PageRequest},
    error::AppResult,
    graphql::{
        ContextExt,
        connection::{Connection, from_page},
        staff::{Agency, User, parse_id},
    },
    service::audit_query::{self, LogEntry, LogFilter},
};

#[derive(Default)]
pub struct AuditQuery;

/// One access-log entry: who did or read what, when, and from where.
#[derive(SimpleObject)]
pub struct AccessLogEntry {
    id: ID,
    at: DateTime<Utc>,
    /// Who acted; absent for anonymous requests (such as a failed sign-in).
    user: Option<User>,
    /// The user's agency at the time.
    agency: Option<Agency>,
    /// The GraphQL operation (`createUser`, `login`, ...).
    operation: String,
    /// `success`, `failure` or `denied`.
    outcome: String,
    /// The kind of record (`User`, `Person`, `Case`, ...).
    entity: Option<String>,
    entity_id: Option<String>,
    /// The fields read or changed.
    fields: Vec<String>,
    request_id: Option<String>,
    client_addr: Option<String>,
    detail: Option<String>,
}

impl From<LogEntry> for AccessLogEntry {
    fn from(e: LogEntry) -> Self {
        let fields = e
            .entry
            .fields
            .as_deref()
            .and_then(|f| serde_json::from_str(f).ok())
            .unwrap_or_default();
        Self {
            id: ID(e.entry.id.to_string()),
            at: e.entry.at,
            user: e.user.map(User),
            agency: e.agency.map(Agency),
            operation: e.entry.operation,
            outcome: e.entry.outcome,
            entity: e.entry.entity,
            entity_id: e.entry.entity_id,
            fields,
            request_id: e.entry.request_id,
            client_addr: e.entry.client_addr,
            detail: e.entry.detail,
        }
    }
}

/// Filters for `auditLog`; every filter given must match.
#[derive(InputObject, Default)]
pub struct AccessLogFilter {
    user_id: Option<ID>,
    agency_id: Option<ID>,
    entity: Option<String>,
    entity_id: Option<String>,
    operation: Option<String>,
    /// Entries at or after this time.
    from: Option<DateTime<Utc>>,
    /// Entries at or before this time.
    to: Option<DateTime<Utc>>,
}

impl TryFrom<AccessLogFilter> for LogFilter {
    type Error = crate::error::AppError;

    fn try_from(f: AccessLogFilter) -> AppResult<Self> {
        Ok(LogFilter {
            user_id: f
                .user_id
                .as_ref()
                .map(|id| parse_id("userId", id))
                .transpose()?,
            agency_id: f
                .agency_id
                .as_ref()
                .map(|id| parse_id("agencyId", id))
                .transpose()?,
            entity: LogFilter::text("entity", f.entity)?,
            entity_id: LogFilter::text("entityId", f.entity_id)?,
            operation: LogFilter::text("operation", f.operation)?,
            range: DateRange::parse("from", f.from, f.to)?,
        })
    }
}

#[Object]
impl AuditQuery {
    /// The access log, newest first.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AccessLogFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<AccessLogEntry>> {
        let filter = LogFilter::try_from(filter.unwrap_or_default())?;
        let page = PageRequest::parse(
            first,
            after.as_deref(),
            ctx.settings()?.limits.max_page_size,
        )?;
        let entries = audit_query::search(ctx.db()?, ctx.principal()?, filter, page).await?;
        Ok(from_page(entries, AccessLogEntry::from))
    }

    /// Who has read or changed this person's record, newest first.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn access_history(
        &self,
        ctx: &Context<'_>,
        person_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<AccessLogEntry>> {
        let person_id = parse_id("personId", &person_id)?;
        let page = PageRequest::parse(
            first,
            after.as_deref(),
            ctx.settings()?.limits.max_page_size,
        )?;
        let entries =
            audit_query::access_history(ctx.db()?, ctx.principal()?, person_id, page).await?;
        Ok(from_page(entries, AccessLogEntry::from))
    }
}
