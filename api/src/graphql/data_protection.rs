//! Data protection: the subject access export, retention periods, records due for review and
//! their erasure. Resolvers parse arguments and call `service::data_protection`, which asks the
//! policy.

use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, Utc};
use entity::retention_policy;

use crate::{
    domain::{
        PageRequest,
        retention::{ErasureReason, RecordType, RetainDays},
    },
    error::{AppError, AppResult},
    graphql::{
        ContextExt,
        cases::types::{agency, user},
        connection::{Connection, from_page},
        staff::{Agency, User, parse_id},
    },
    service::data_protection::{
        erase::{self, Erasure},
        export,
        retention::{self, DueRecord, NewPolicy},
    },
};

#[derive(Default)]
pub struct DataProtectionQuery;

#[Object]
impl DataProtectionQuery {
    /// Everything the user's agency may disclose about one person, with the access history of
    /// the person and of each exported record, as one JSON document (format
    /// `asb-hub/subject-access-export/v1`). Only records within the agency's scope, and only
    /// fields the user's roles may read, are included; a section the roles may not read is
    /// absent. The export is logged as a disclosure. An unknown person, or one outside the
    /// agency's scope, is `NOT_FOUND`.
    async fn subject_access_export(
        &self,
        ctx: &Context<'_>,
        person_id: ID,
    ) -> AppResult<Json<serde_json::Value>> {
        let id = parse_id("personId", &person_id)?;
        Ok(Json(export::export(ctx.db()?, ctx.principal()?, id).await?))
    }

    /// Retention periods: every agency's for an administrator, otherwise the user's agency's.
    async fn retention_policies(&self, ctx: &Context<'_>) -> AppResult<Vec<RetentionPolicy>> {
        let rows = retention::policies(ctx.db()?, ctx.principal()?).await?;
        Ok(rows.into_iter().map(RetentionPolicy).collect())
    }

    /// The user's agency's records past their retention period, soonest due first.
    async fn records_due_for_review(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<RecordDue>> {
        let page = PageRequest::parse(
            first,
            after.as_deref(),
            ctx.settings()?.limits.max_page_size,
        )?;
        let rows = retention::due(ctx.db()?, ctx.principal()?, &page).await?;
        Ok(from_page(rows, RecordDue))
    }
}

#[derive(Default)]
pub struct DataProtectionMutation;

#[Object]
impl DataProtectionMutation {
    /// Sets how many days (1 to 36 500) an agency keeps one type of record before it is due for
    /// review. Users set their own agency's periods; administrators any agency's.
    async fn set_retention_policy(
        &self,
        ctx: &Context<'_>,
        agency_id: ID,
        record_type: RecordType,
        retain_days: i32,
    ) -> AppResult<RetentionPolicy> {
        let new = NewPolicy {
            agency_id: parse_id("agencyId", &agency_id)?,
            record_type,
            retain_days: RetainDays::parse("retainDays", retain_days)?,
        };
        Ok(RetentionPolicy(
            retention::set_policy(ctx.db()?, ctx.principal()?, new).await?,
        ))
    }

    /// Erases one record of the user's agency that is due under its retention period, with
    /// everything that hangs off it, in one transaction. The reason is required (3 to 200
    /// characters, not repeating the record's content): it is kept in the access log's single
    /// erasure entry, which holds none of the erased data.
    async fn erase_record(
        &self,
        ctx: &Context<'_>,
        record_type: RecordType,
        id: ID,
        reason: Option<String>,
    ) -> AppResult<ErasureReport> {
        let erasure = Erasure {
            record_type,
            id: parse_id("id", &id)?,
            reason: ErasureReason::parse("reason", reason.as_deref())?,
        };
        Ok(ErasureReport(
            erase::erase(ctx.db()?, ctx.principal()?, erasure).await?,
        ))
    }
}

/// How long one agency keeps one type of record.
pub struct RetentionPolicy(retention_policy::Model);

#[Object]
impl RetentionPolicy {
    async fn agency(&self, ctx: &Context<'_>) -> AppResult<Option<Agency>> {
        agency(ctx, self.0.agency_id).await
    }
    async fn record_type(&self) -> AppResult<RecordType> {
        RecordType::from_stored(&self.0.record_type)
            .ok_or_else(|| AppError::internal("unknown stored record type"))
    }
    async fn retain_days(&self) -> i32 {
        self.0.retain_days
    }
    /// What starts the clock: `closedAt` (cases), `occurredAt` (incidents), `updatedAt`
    /// (people nothing refers to any more).
    async fn clock_starts_at(&self) -> Option<&'static str> {
        RecordType::from_stored(&self.0.record_type).map(RecordType::clock_starts_at)
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn updated_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, self.0.updated_by).await
    }
}

/// A record past its agency's retention period.
pub struct RecordDue(DueRecord);

#[Object]
impl RecordDue {
    async fn record_type(&self) -> RecordType {
        self.0.record_type
    }
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// A case's reference; null for incidents and people.
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    async fn clock_started_at(&self) -> DateTime<Utc> {
        self.0.clock_started_at
    }
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.due_at
    }
}

/// What an erasure removed.
pub struct ErasureReport(erase::ErasureReport);

#[Object]
impl ErasureReport {
    async fn record_type(&self) -> RecordType {
        self.0.record_type
    }
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn erased_at(&self) -> DateTime<Utc> {
        self.0.erased_at
    }
    /// Rows deleted, the record's own included.
    async fn rows_erased(&self) -> u64 {
        self.0.rows_erased
    }
    /// Other agencies' incidents taken out of an erased case (they are kept under their own
    /// agencies' periods).
    async fn incidents_unlinked(&self) -> u64 {
        self.0.incidents_unlinked
    }
}
