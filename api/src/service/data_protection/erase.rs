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
use entity::{
    alert, alert_ack, asb_case, case_action, case_location, case_note, case_party, case_review,
    case_review_action, case_share, document, incident, incident_flag, incident_party,
    intervention, intervention_breach, person, risk_assessment, victim_contact, victim_flag,
    victim_satisfaction, vulnerable_victim_queue,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, Query},
};
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
        RecordType::Case => erase_case(&txn, actor.agency_id, id, now).await?,
        RecordType::Incident => (erase_incidents(&txn, vec![id]).await?, 0),
        RecordType::Person => (erase_person(&txn, id).await?, 0),
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

async fn ids<C, E, K>(db: &C, col: K, cond: Condition) -> AppResult<Vec<Uuid>>
where
    C: ConnectionTrait,
    E: EntityTrait,
    K: ColumnTrait,
{
    Ok(E::find()
        .select_only()
        .column(col)
        .filter(cond)
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}

async fn delete<C: ConnectionTrait, E: EntityTrait>(
    db: &C,
    _entity: E,
    cond: Condition,
) -> AppResult<u64> {
    Ok(E::delete_many().filter(cond).exec(db).await?.rows_affected)
}

/// Alerts matching `cond`, and their acknowledgements.
async fn delete_alerts<C: ConnectionTrait>(db: &C, cond: Condition) -> AppResult<u64> {
    let alerts = Query::select()
        .column(alert::Column::Id)
        .from(alert::Entity)
        .cond_where(cond.clone())
        .to_owned();
    let acks = delete(
        db,
        alert_ack::Entity,
        Condition::all().add(alert_ack::Column::AlertId.in_subquery(alerts)),
    )
    .await?;
    Ok(acks + delete(db, alert::Entity, cond).await?)
}

/// Risk assessments matching `cond`, and the queue entries they raised.
async fn delete_assessments<C: ConnectionTrait>(
    db: &C,
    cond: Condition,
    extra_queue: Option<Condition>,
) -> AppResult<u64> {
    let assessments =
        ids::<_, risk_assessment::Entity, _>(db, risk_assessment::Column::Id, cond).await?;
    let queue = delete(
        db,
        vulnerable_victim_queue::Entity,
        Condition::any()
            .add(vulnerable_victim_queue::Column::AssessmentId.is_in(assessments.clone()))
            .add_option(extra_queue),
    )
    .await?;
    Ok(queue
        + delete(
            db,
            risk_assessment::Entity,
            Condition::all().add(risk_assessment::Column::Id.is_in(assessments)),
        )
        .await?)
}

/// Incidents and everything that hangs off them.
async fn erase_incidents<C: ConnectionTrait>(db: &C, incidents: Vec<Uuid>) -> AppResult<u64> {
    if incidents.is_empty() {
        return Ok(0);
    }
    let mut n = delete_alerts(
        db,
        Condition::all().add(alert::Column::IncidentId.is_in(incidents.clone())),
    )
    .await?;
    n += delete_assessments(
        db,
        Condition::all().add(risk_assessment::Column::IncidentId.is_in(incidents.clone())),
        None,
    )
    .await?;
    n += delete(
        db,
        incident_flag::Entity,
        Condition::all().add(incident_flag::Column::IncidentId.is_in(incidents.clone())),
    )
    .await?;
    n += delete(
        db,
        victim_flag::Entity,
        Condition::all().add(victim_flag::Column::IncidentId.is_in(incidents.clone())),
    )
    .await?;
    n += delete(
        db,
        incident_party::Entity,
        Condition::all().add(incident_party::Column::IncidentId.is_in(incidents.clone())),
    )
    .await?;
    n += delete(
        db,
        incident::Entity,
        Condition::all().add(incident::Column::Id.is_in(incidents)),
    )
    .await?;
    Ok(n)
}

/// A case, everything that hangs off it, and the incidents its lead agency reported in it; other
/// agencies' incidents are unlinked. Returns (rows deleted, incidents unlinked).
async fn erase_case<C: ConnectionTrait>(
    db: &C,
    lead_agency_id: Uuid,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(u64, u64)> {
    let own_incidents = ids::<_, incident::Entity, _>(
        db,
        incident::Column::Id,
        Condition::all()
            .add(incident::Column::CaseId.eq(case_id))
            .add(incident::Column::ReportingAgencyId.eq(lead_agency_id)),
    )
    .await?;
    let mut n = delete_alerts(db, Condition::all().add(alert::Column::CaseId.eq(case_id))).await?;
    n += delete_assessments(
        db,
        Condition::all().add(risk_assessment::Column::CaseId.eq(case_id)),
        Some(Condition::all().add(vulnerable_victim_queue::Column::CaseId.eq(case_id))),
    )
    .await?;
    n += delete(
        db,
        victim_contact::Entity,
        Condition::all().add(victim_contact::Column::CaseId.eq(case_id)),
    )
    .await?;
    n += delete(
        db,
        victim_satisfaction::Entity,
        Condition::all().add(victim_satisfaction::Column::CaseId.eq(case_id)),
    )
    .await?;
    let reviews = Query::select()
        .column(case_review::Column::Id)
        .from(case_review::Entity)
        .and_where(case_review::Column::CaseId.eq(case_id))
        .to_owned();
    let actions = Query::select()
        .column(case_action::Column::Id)
        .from(case_action::Entity)
        .and_where(case_action::Column::CaseId.eq(case_id))
        .to_owned();
    n += delete(
        db,
        case_review_action::Entity,
        Condition::any()
            .add(case_review_action::Column::ReviewId.in_subquery(reviews))
            .add(case_review_action::Column::ActionId.in_subquery(actions)),
    )
    .await?;
    n += delete(
        db,
        case_review::Entity,
        Condition::all().add(case_review::Column::CaseId.eq(case_id)),
    )
    .await?;
    n += delete(
        db,
        case_action::Entity,
        Condition::all().add(case_action::Column::CaseId.eq(case_id)),
    )
    .await?;
    n += delete(
        db,
        case_note::Entity,
        Condition::all().add(case_note::Column::CaseId.eq(case_id)),
    )
    .await?;
    let interventions = Query::select()
        .column(intervention::Column::Id)
        .from(intervention::Entity)
        .and_where(intervention::Column::CaseId.eq(case_id))
        .to_owned();
    n += delete(
        db,
        intervention_breach::Entity,
        Condition::all()
            .add(intervention_breach::Column::InterventionId.in_subquery(interventions)),
    )
    .await?;
    n += delete(
        db,
        intervention::Entity,
        Condition::all().add(intervention::Column::CaseId.eq(case_id)),
    )
    .await?;
    n += delete(
        db,
        document::Entity,
        Condition::all().add(document::Column::CaseId.eq(case_id)),
    )
    .await?;
    n += delete(
        db,
        case_party::Entity,
        Condition::all().add(case_party::Column::CaseId.eq(case_id)),
    )
    .await?;
    n += delete(
        db,
        case_location::Entity,
        Condition::all().add(case_location::Column::CaseId.eq(case_id)),
    )
    .await?;
    n += delete(
        db,
        case_share::Entity,
        Condition::all().add(case_share::Column::CaseId.eq(case_id)),
    )
    .await?;
    n += erase_incidents(db, own_incidents).await?;
    let unlinked = incident::Entity::update_many()
        .col_expr(incident::Column::CaseId, Expr::value(Option::<Uuid>::None))
        .col_expr(incident::Column::UpdatedAt, Expr::value(now))
        .filter(incident::Column::CaseId.eq(case_id))
        .exec(db)
        .await?
        .rows_affected;
    n += delete(
        db,
        asb_case::Entity,
        Condition::all().add(asb_case::Column::Id.eq(case_id)),
    )
    .await?;
    Ok((n, unlinked))
}

/// A person nothing refers to any more, and alerts naming them.
async fn erase_person<C: ConnectionTrait>(db: &C, person_id: Uuid) -> AppResult<u64> {
    let n = delete_alerts(
        db,
        Condition::all().add(alert::Column::PersonId.eq(person_id)),
    )
    .await?;
    Ok(n + delete(
        db,
        person::Entity,
        Condition::all().add(person::Column::Id.eq(person_id)),
    )
    .await?)
}
