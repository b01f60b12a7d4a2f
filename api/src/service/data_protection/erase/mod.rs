//! Erasing one record that is due under its agency's retention period (`ERASE_RECORDS`).
//!
//! Only the agency that owns the record erases it: the lead agency of a case, the reporting
//! agency of an incident, the agency that created a person. A record the user's agency cannot
//! see is `NOT_FOUND`; one it sees but does not own is `FORBIDDEN`; one not yet due is
//! `CONFLICT` (no early erasure: a record is erased when its period has passed, so the list of
//! due records is the only way in).
//!
//! Everything that hangs off the record goes in the same transaction, table by table (the
//! foreign keys would refuse a partial erasure):
//!
//! - a case: parties, locations, shares, plan actions and their review links, reviews, notes,
//!   interventions and breaches, documents, victim contacts and satisfaction, risk assessments
//!   made on the case, queue entries, alerts about it; the incidents its lead agency reported are
//!   erased with it, and other agencies' incidents are unlinked (they are those agencies'
//!   records, kept under their own periods);
//! - an incident: its parties, repeat flags, risk assessments and their queue entries, alerts;
//! - a person: alerts naming them (nothing else refers to a person that is due).
//!
//! People and places are never erased with a case: they are records of their own.
//!
//! The access log is append-only and keeps every earlier entry (they hold ids and field names,
//! not values). The erasure adds one entry naming the record's type and id, the reason and the
//! number of rows erased; a reason that repeats the record's reference, title or name is refused,
//! so that no erased value survives in the log.

use chrono::{DateTime, Utc};
use entity::{asb_case, incident, person};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::retention;
use crate::{
    auth::{
        Actor, Principal,
        policy::{Operation, scope::Scope},
    },
    domain::retention::{ErasureReason, RecordType},
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

mod rows;

/// What to erase and why.
#[derive(Debug)]
pub struct Erasure {
    pub record_type: RecordType,
    pub id: Uuid,
    pub reason: ErasureReason,
}

/// What was erased.
#[derive(Clone, Debug)]
pub struct ErasureReport {
    pub record_type: RecordType,
    pub id: Uuid,
    pub erased_at: DateTime<Utc>,
    /// Rows deleted, the record's own included.
    pub rows_erased: u64,
    /// Other agencies' incidents taken out of an erased case.
    pub incidents_unlinked: u64,
}

pub async fn erase(
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    erasure: Erasure,
) -> AppResult<ErasureReport> {
    let actor = principal.actor()?;
    actor.require(Operation::EraseRecords)?;
    let Erasure {
        record_type,
        id,
        reason,
    } = erasure;
    let txn = crate::db::begin_write(db).await?;
    // Found and owned, and the values the reason must not repeat.
    let values = owned_record(&txn, actor, record_type, id).await?;
    if values.iter().any(|v| reason.repeats(v)) {
        return Err(AppError::bad_input(
            "reason",
            "must not repeat the record's content: the reason is kept in the access log",
        ));
    }
    if !retention::is_due(&txn, actor, record_type, id).await? {
        return Err(AppError::Conflict {
            message: "not due for erasure: the record has not passed your agency's retention \
                      period for its type (see recordsDueForReview)"
                .into(),
            current_version: None,
        });
    }
    let now = Utc::now();
    let (rows_erased, incidents_unlinked) = match record_type {
        RecordType::Case => rows::erase_case(&txn, actor.agency_id, id, now).await?,
        RecordType::Incident => (rows::erase_incidents(&txn, vec![id]).await?, 0),
        RecordType::Person => (rows::erase_person(&txn, id).await?, 0),
    };
    let mut detail = format!(
        "erasure ({} due under retention): {}; {rows_erased} row(s) erased",
        record_type.as_str(),
        reason.as_str()
    );
    if incidents_unlinked > 0 {
        detail.push_str(&format!(
            "; {incidents_unlinked} other agencies' incident(s) unlinked"
        ));
    }
    audit::record(
        &txn,
        principal,
        Entry::new("eraseRecord")
            .entity(record_type.entity(), id)
            .detail(detail),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        record.kind = record_type.as_str(),
        record.id = %id,
        rows = rows_erased,
        "record erased under retention"
    );
    Ok(ErasureReport {
        record_type,
        id,
        erased_at: now,
        rows_erased,
        incidents_unlinked,
    })
}

/// Loads the record within the user's scope (`NOT_FOUND` otherwise), checks that the user's
/// agency owns it (`FORBIDDEN` otherwise), and returns the values an erasure reason must not
/// repeat.
async fn owned_record<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    record_type: RecordType,
    id: Uuid,
) -> AppResult<Vec<String>> {
    let scope = Scope::new(actor.agency_id);
    let refuse = |what: &str| {
        Err(AppError::ForbiddenBecause(format!(
            "only {what} may erase it"
        )))
    };
    match record_type {
        RecordType::Case => {
            let c = asb_case::Entity::find()
                .filter(crate::auth::policy::scope::case_by_id(&scope, id))
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            if c.lead_agency_id != actor.agency_id {
                return refuse("the case's lead agency");
            }
            Ok(vec![c.reference, c.title])
        }
        RecordType::Incident => {
            let i = incident::Entity::find()
                .filter(incident::Column::Id.eq(id))
                .filter(scope.incidents())
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            if i.reporting_agency_id != actor.agency_id {
                return refuse("the reporting agency");
            }
            Ok(i.police_reference.into_iter().collect())
        }
        RecordType::Person => {
            let p = person::Entity::find()
                .filter(person::Column::Id.eq(id))
                .filter(scope.people())
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            if p.created_by_agency_id != actor.agency_id {
                return refuse("the agency that created the record");
            }
            Ok([Some(p.given_name), Some(p.family_name), p.email, p.phone]
                .into_iter()
                .flatten()
                .collect())
        }
    }
}
