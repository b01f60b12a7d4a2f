//! Reading the access log: the auditor's search, and "who has looked at this person's record?".
//!
//! Entries come newest first, a page at a time, ordered by `(at, id)` so that entries written in
//! the same instant still page without gaps or repeats. Each entry comes with its user and agency
//! as they are now (looked up in a batch per page); entries outlive both, so either may be absent.
//! Nothing here writes: the log is append-only, and the database refuses UPDATE and DELETE on it.

use chrono::{DateTime, SecondsFormat, Utc};
use entity::{access_log, agency};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::{
    auth::{Principal, policy::Operation},
    domain::{Cursor, DateRange, PageRequest},
    error::{AppError, AppResult},
    service::{
        page::{self, Direction, Page},
        staff::{self, UserDetails},
    },
};

/// The entity name under which reads and changes of a person's record are logged.
pub const PERSON_ENTITY: &str = "Person";

/// Longest text accepted in a filter (an entity id may be an email address).
const MAX_FILTER_CHARS: usize = 320;

/// Which entries to return; every filter given must match.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    pub user_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub operation: Option<String>,
    pub range: DateRange,
}

impl LogFilter {
    /// Checks a free-text filter value (naming `field`): trimmed, 1 to 320 characters.
    pub fn text(field: &str, raw: Option<String>) -> AppResult<Option<String>> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        let text = raw.trim();
        if text.is_empty() || text.chars().count() > MAX_FILTER_CHARS {
            return Err(AppError::bad_input(
                field,
                format!("must be 1 to {MAX_FILTER_CHARS} characters"),
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(AppError::bad_input(
                field,
                "must not contain control characters",
            ));
        }
        Ok(Some(text.to_string()))
    }

    fn condition(&self) -> Condition {
        use access_log::Column;
        let mut cond = Condition::all();
        if let Some(id) = self.user_id {
            cond = cond.add(Column::UserId.eq(id));
        }
        if let Some(id) = self.agency_id {
            cond = cond.add(Column::AgencyId.eq(id));
        }
        if let Some(e) = &self.entity {
            cond = cond.add(Column::Entity.eq(e.as_str()));
        }
        if let Some(e) = &self.entity_id {
            cond = cond.add(Column::EntityId.eq(e.as_str()));
        }
        if let Some(op) = &self.operation {
            cond = cond.add(Column::Operation.eq(op.as_str()));
        }
        if let Some(from) = self.range.from() {
            cond = cond.add(Column::At.gte(from));
        }
        if let Some(to) = self.range.to() {
            cond = cond.add(Column::At.lte(to));
        }
        cond
    }
}

/// An entry with its user and agency, when they still exist.
#[derive(Clone, Debug)]
pub struct LogEntry {
    pub entry: access_log::Model,
    pub user: Option<UserDetails>,
    pub agency: Option<agency::Model>,
}

/// Entries matching `filter`, newest first.
pub async fn search(
    db: &DatabaseConnection,
    principal: &Principal,
    filter: LogFilter,
    request: PageRequest,
) -> AppResult<Page<LogEntry>> {
    principal.actor()?.require(Operation::ReadAuditLog)?;
    fetch(db, filter.condition(), &request).await
}

/// Every entry about one person (reads, consultations and changes), newest first. Entries are
/// kept after a person is erased, so the person need not exist.
pub async fn access_history(
    db: &DatabaseConnection,
    principal: &Principal,
    person_id: Uuid,
    request: PageRequest,
) -> AppResult<Page<LogEntry>> {
    principal.actor()?.require(Operation::ReadAuditLog)?;
    let filter = LogFilter {
        entity: Some(PERSON_ENTITY.to_string()),
        entity_id: Some(person_id.to_string()),
        ..LogFilter::default()
    };
    fetch(db, filter.condition(), &request).await
}

fn sort_key(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

async fn fetch(
    db: &DatabaseConnection,
    cond: Condition,
    request: &PageRequest,
) -> AppResult<Page<LogEntry>> {
    use access_log::{Column, Entity};
    let total = Entity::find().filter(cond.clone()).count(db).await?;
    let mut query = Entity::find().filter(cond);
    if let Some(c) = request.after() {
        let at = DateTime::parse_from_rfc3339(c.sort_key())
            .map_err(|_| AppError::bad_input("after", "is not a valid cursor"))?
            .with_timezone(&Utc);
        query = query.filter(page::after(
            Column::At,
            Column::Id,
            at,
            c.id(),
            Direction::Descending,
        ));
    }
    let rows = query
        .order_by_desc(Column::At)
        .order_by_desc(Column::Id)
        .limit(request.fetch_limit())
        .all(db)
        .await?;
    let page = Page::from_rows(rows, request, total, |e| Cursor::new(sort_key(e.at), e.id));
    let mut user_ids: Vec<Uuid> = page.items.iter().filter_map(|(_, e)| e.user_id).collect();
    user_ids.sort();
    user_ids.dedup();
    let mut agency_ids: Vec<Uuid> = page.items.iter().filter_map(|(_, e)| e.agency_id).collect();
    agency_ids.sort();
    agency_ids.dedup();
    let users = staff::users_by_id(db, user_ids).await?;
    let agencies = staff::agencies_by_id(db, agency_ids).await?;
    Ok(page.map(|entry| LogEntry {
        user: entry.user_id.and_then(|id| users.get(&id).cloned()),
        agency: entry.agency_id.and_then(|id| agencies.get(&id).cloned()),
        entry,
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_round_trip_exactly() {
        let at = Utc::now();
        let back = DateTime::parse_from_rfc3339(&sort_key(at))
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(back, at);
    }

    #[test]
    fn text_filters_are_bounded() {
        assert_eq!(
            LogFilter::text("entity", Some(" Person ".into())).unwrap(),
            Some("Person".into())
        );
        assert_eq!(LogFilter::text("entity", None).unwrap(), None);
        assert!(LogFilter::text("entity", Some("  ".into())).is_err());
        assert!(LogFilter::text("entityId", Some("x".repeat(321))).is_err());
    }
}
