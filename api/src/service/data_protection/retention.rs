//! Retention periods per agency and record type, and the records past them.
//!
//! A record is due when its agency has a period for its type and the record's clock started at
//! least that many days ago:
//!
//! - `CASE`: a closed case the agency leads, from `closed_at`;
//! - `INCIDENT`: an incident the agency reported that is not linked to a case, from `occurred_at`
//!   (an incident in a case is kept with the case);
//! - `PERSON`: a person the agency created whom no other record refers to (case or incident
//!   party, assessment, contact, satisfaction, repeat-victim flag, intervention subject, merged
//!   duplicate), from `updated_at`.
//!
//! Without a period nothing of that type is due: nothing is erased by default. The list and the
//! erasure use the same condition ([`due_condition`]), so what is listed is exactly what may be
//! erased.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    agency, asb_case, case_party, incident, incident_party, intervention, person, retention_policy,
    risk_assessment, victim_contact, victim_flag, victim_satisfaction,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Query, SelectStatement},
};
use uuid::Uuid;

use crate::{
    auth::{Actor, Principal, policy::Operation},
    domain::{
        Cursor, PageRequest,
        retention::{RecordType, RetainDays},
    },
    error::{AppError, AppResult},
    service::{
        audit::{self, Entry},
        page::{self, Direction, Page},
        paging::time_key,
    },
};

/// A policy to set.
#[derive(Debug)]
pub struct NewPolicy {
    pub agency_id: Uuid,
    pub record_type: RecordType,
    pub retain_days: RetainDays,
}

/// Every agency's policies for an administrator (who manages agencies), otherwise the user's own
/// agency's; by agency, then record type.
pub async fn policies(
    db: &DatabaseConnection,
    principal: &Principal,
) -> AppResult<Vec<retention_policy::Model>> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageRetention)?;
    let mut q = retention_policy::Entity::find();
    if !actor.permissions.can(Operation::ManageUsers) {
        q = q.filter(retention_policy::Column::AgencyId.eq(actor.agency_id));
    }
    Ok(q.order_by_asc(retention_policy::Column::AgencyId)
        .order_by_asc(retention_policy::Column::RecordType)
        .all(db)
        .await?)
}

/// Sets one agency's period for one record type. A user sets their own agency's periods; an
/// administrator (who also manages agencies) any agency's.
pub async fn set_policy(
    db: &DatabaseConnection,
    principal: &Principal,
    new: NewPolicy,
) -> AppResult<retention_policy::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageRetention)?;
    if new.agency_id != actor.agency_id && !actor.permissions.can(Operation::ManageUsers) {
        return Err(AppError::ForbiddenBecause(
            "you may set only your own agency's retention periods".into(),
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    if agency::Entity::find_by_id(new.agency_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(AppError::bad_input("agencyId", "no such agency"));
    }
    let now = Utc::now();
    let existing = retention_policy::Entity::find()
        .filter(retention_policy::Column::AgencyId.eq(new.agency_id))
        .filter(retention_policy::Column::RecordType.eq(new.record_type.as_str()))
        .one(&txn)
        .await?;
    let was = existing
        .as_ref()
        .map(|p| format!("{} days", p.retain_days))
        .unwrap_or_else(|| "none".into());
    let saved = match existing {
        Some(p) => {
            let mut m = p.into_active_model();
            m.retain_days = Set(new.retain_days.days());
            m.updated_at = Set(now);
            m.updated_by = Set(Some(actor.user_id));
            m.update(&txn).await?
        }
        None => {
            retention_policy::ActiveModel {
                id: Set(Uuid::new_v4()),
                agency_id: Set(new.agency_id),
                record_type: Set(new.record_type.as_str().into()),
                retain_days: Set(new.retain_days.days()),
                updated_at: Set(now),
                updated_by: Set(Some(actor.user_id)),
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        principal,
        Entry::new("setRetentionPolicy")
            .entity("Agency", new.agency_id)
            .fields(["retentionPolicies"])
            .detail(format!(
                "{}: {} days (was {was})",
                new.record_type.as_str(),
                new.retain_days.days()
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// One agency's periods by record type.
pub async fn periods<C: ConnectionTrait>(
    db: &C,
    agency_id: Uuid,
) -> AppResult<HashMap<RecordType, RetainDays>> {
    let rows = retention_policy::Entity::find()
        .filter(retention_policy::Column::AgencyId.eq(agency_id))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let t = RecordType::from_stored(&p.record_type)?;
            let d = RetainDays::parse("retainDays", p.retain_days).ok()?;
            Some((t, d))
        })
        .collect())
}

/// A record past its agency's retention period.
#[derive(Clone, Debug)]
pub struct DueRecord {
    pub record_type: RecordType,
    pub id: Uuid,
    /// The case reference; incidents and people have none that is not personal data.
    pub reference: Option<String>,
    pub clock_started_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

/// `SELECT <col> FROM <table> WHERE <col> IS NOT NULL`: the people a table refers to.
fn referenced<C: ColumnTrait, E: EntityTrait>(entity: E, col: C) -> SelectStatement {
    Query::select()
        .column(col)
        .from(entity)
        .and_where(col.is_not_null())
        .to_owned()
}

/// The condition, on the type's table, that a record is the agency's and due at `cutoff`
/// (its clock started at or before it).
pub fn due_condition(record_type: RecordType, agency_id: Uuid, cutoff: DateTime<Utc>) -> Condition {
    match record_type {
        RecordType::Case => Condition::all()
            .add(asb_case::Column::LeadAgencyId.eq(agency_id))
            .add(asb_case::Column::Status.eq("closed"))
            .add(asb_case::Column::ClosedAt.is_not_null())
            .add(asb_case::Column::ClosedAt.lte(cutoff)),
        RecordType::Incident => Condition::all()
            .add(incident::Column::ReportingAgencyId.eq(agency_id))
            .add(incident::Column::CaseId.is_null())
            .add(incident::Column::OccurredAt.lte(cutoff)),
        RecordType::Person => Condition::all()
            .add(person::Column::CreatedByAgencyId.eq(agency_id))
            .add(person::Column::UpdatedAt.lte(cutoff))
            .add(
                person::Column::Id
                    .not_in_subquery(referenced(case_party::Entity, case_party::Column::PersonId)),
            )
            .add(person::Column::Id.not_in_subquery(referenced(
                incident_party::Entity,
                incident_party::Column::PersonId,
            )))
            .add(person::Column::Id.not_in_subquery(referenced(
                risk_assessment::Entity,
                risk_assessment::Column::PersonId,
            )))
            .add(person::Column::Id.not_in_subquery(referenced(
                victim_contact::Entity,
                victim_contact::Column::PersonId,
            )))
            .add(person::Column::Id.not_in_subquery(referenced(
                victim_satisfaction::Entity,
                victim_satisfaction::Column::PersonId,
            )))
            .add(person::Column::Id.not_in_subquery(referenced(
                victim_flag::Entity,
                victim_flag::Column::PersonId,
            )))
            .add(person::Column::Id.not_in_subquery(referenced(
                intervention::Entity,
                intervention::Column::SubjectPersonId,
            )))
            .add(
                person::Column::Id
                    .not_in_subquery(referenced(person::Entity, person::Column::MergedIntoId)),
            ),
    }
}

/// Whether one record is due for erasure by `actor`'s agency now.
pub async fn is_due<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    record_type: RecordType,
    id: Uuid,
) -> AppResult<bool> {
    let Some(days) = periods(db, actor.agency_id)
        .await?
        .get(&record_type)
        .copied()
    else {
        return Ok(false);
    };
    let cond = due_condition(record_type, actor.agency_id, days.cutoff(Utc::now()));
    let n = match record_type {
        RecordType::Case => {
            asb_case::Entity::find()
                .filter(asb_case::Column::Id.eq(id))
                .filter(cond)
                .count(db)
                .await?
        }
        RecordType::Incident => {
            incident::Entity::find()
                .filter(incident::Column::Id.eq(id))
                .filter(cond)
                .count(db)
                .await?
        }
        RecordType::Person => {
            person::Entity::find()
                .filter(person::Column::Id.eq(id))
                .filter(cond)
                .count(db)
                .await?
        }
    };
    Ok(n > 0)
}

/// The user's agency's records past their retention period, by due date then id.
///
/// Each type is one indexed query ordered by its clock (for one type, the due date is the clock
/// plus a constant), continuing after the cursor's (due date, id); the pages are merged. The
/// cost of a page does not depend on how deep it is.
pub async fn due(
    db: &DatabaseConnection,
    principal: &Principal,
    request: &PageRequest,
) -> AppResult<Page<DueRecord>> {
    let actor = principal.actor()?;
    actor.require(Operation::EraseRecords)?;
    let now = Utc::now();
    let after = match request.after() {
        Some(c) => Some((
            DateTime::parse_from_rfc3339(c.sort_key())
                .map_err(|_| AppError::bad_input("after", "is not a valid cursor"))?
                .with_timezone(&Utc),
            c.id(),
        )),
        None => None,
    };
    let mut rows = Vec::new();
    let mut total = 0;
    let periods = periods(db, actor.agency_id).await?;
    for record_type in RecordType::ALL {
        let Some(days) = periods.get(record_type).copied() else {
            continue;
        };
        let cond = due_condition(*record_type, actor.agency_id, days.cutoff(now));
        // Strictly after the cursor's (due, id): for this type, after (due - days, id).
        let after = after.map(|(due, id)| (days.cutoff(due), id));
        let (n, mut found) = match record_type {
            RecordType::Case => {
                type_page::<asb_case::Entity, _>(
                    db,
                    cond,
                    asb_case::Column::ClosedAt,
                    asb_case::Column::Id,
                    after,
                    request.fetch_limit(),
                    |m| {
                        m.closed_at.map(|closed| DueRecord {
                            record_type: RecordType::Case,
                            id: m.id,
                            reference: Some(m.reference.clone()),
                            clock_started_at: closed,
                            due_at: days.due(closed),
                        })
                    },
                )
                .await?
            }
            RecordType::Incident => {
                type_page::<incident::Entity, _>(
                    db,
                    cond,
                    incident::Column::OccurredAt,
                    incident::Column::Id,
                    after,
                    request.fetch_limit(),
                    |m| {
                        Some(DueRecord {
                            record_type: RecordType::Incident,
                            id: m.id,
                            reference: None,
                            clock_started_at: m.occurred_at,
                            due_at: days.due(m.occurred_at),
                        })
                    },
                )
                .await?
            }
            RecordType::Person => {
                type_page::<person::Entity, _>(
                    db,
                    cond,
                    person::Column::UpdatedAt,
                    person::Column::Id,
                    after,
                    request.fetch_limit(),
                    |m| {
                        Some(DueRecord {
                            record_type: RecordType::Person,
                            id: m.id,
                            reference: None,
                            clock_started_at: m.updated_at,
                            due_at: days.due(m.updated_at),
                        })
                    },
                )
                .await?
            }
        };
        total += n;
        rows.append(&mut found);
    }
    rows.sort_by_key(|a| (a.due_at, a.id));
    rows.truncate(usize::try_from(request.fetch_limit()).unwrap_or(usize::MAX));
    Ok(Page::from_rows(rows, request, total, |r| {
        Cursor::new(time_key(&r.due_at), r.id)
    }))
}

/// One type's due rows after `after` (clock, id), ordered by (clock, id), and how many are due
/// in all.
async fn type_page<E, C>(
    db: &DatabaseConnection,
    cond: Condition,
    clock: C,
    id: C,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
    row: impl Fn(&E::Model) -> Option<DueRecord>,
) -> AppResult<(u64, Vec<DueRecord>)>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ColumnTrait,
{
    let total = E::find().filter(cond.clone()).count(db).await?;
    let mut q = E::find().filter(cond);
    if let Some((key, last)) = after {
        q = q.filter(page::after(clock, id, key, last, Direction::Ascending));
    }
    let models = q
        .order_by_asc(clock)
        .order_by_asc(id)
        .limit(limit)
        .all(db)
        .await?;
    Ok((total, models.iter().filter_map(row).collect()))
}
