//! Reading assessments and the vulnerable-victim queue over the user's visible rows.
//!
//! An assessment is visible when the incident or case it is linked to is visible. Whether an
//! incident's victims have a current assessment (`Incident.assessmentRequired`) counts every
//! assessment, whoever made it, so that partners do not assess a victim again for nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{incident_party, risk_assessment, vulnerable_victim_queue as queue};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use uuid::Uuid;

use crate::{
    auth::{Actor, policy::scope::Scope},
    domain::{PageRequest, PartyRole},
    error::{AppError, AppResult},
    service::paging::{self, KeyKind, Page, time_key},
};

/// Condition on `risk_assessment`: its incident or case is visible.
pub fn visible(scope: &Scope) -> Condition {
    Condition::any()
        .add(risk_assessment::Column::CaseId.in_subquery(scope.visible_case_ids()))
        .add(risk_assessment::Column::IncidentId.in_subquery(scope.visible_incident_ids()))
}

/// One assessment the user may see; `NOT_FOUND` otherwise.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
) -> AppResult<risk_assessment::Model> {
    risk_assessment::Entity::find()
        .filter(risk_assessment::Column::Id.eq(id))
        .filter(visible(&Scope::new(actor.agency_id)))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The visible assessments of each person, oldest first.
pub async fn of_people(
    db: &DatabaseConnection,
    scope: &Scope,
    people: Vec<Uuid>,
) -> AppResult<HashMap<Uuid, Vec<risk_assessment::Model>>> {
    let rows = risk_assessment::Entity::find()
        .filter(risk_assessment::Column::PersonId.is_in(people))
        .filter(visible(scope))
        .order_by_asc(risk_assessment::Column::AssessedAt)
        .order_by_asc(risk_assessment::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<risk_assessment::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.person_id).or_default().push(r);
    }
    Ok(out)
}

/// For each incident: whether any of its victims lacks an assessment still current at `now`.
/// One statement for the whole batch. An incident with no victim needs none.
pub async fn assessment_required(
    db: &DatabaseConnection,
    incidents: Vec<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, bool>> {
    let current = Query::select()
        .expr(Expr::val(1))
        .from(risk_assessment::Entity)
        .and_where(
            Expr::col((risk_assessment::Entity, risk_assessment::Column::PersonId))
                .equals((incident_party::Entity, incident_party::Column::PersonId)),
        )
        .and_where(
            Expr::col((risk_assessment::Entity, risk_assessment::Column::ValidUntil)).gt(now),
        )
        .to_owned();
    let rows: Vec<(Uuid, bool)> = incident_party::Entity::find()
        .select_only()
        .column(incident_party::Column::IncidentId)
        .expr_as(Expr::exists(current), "assessed")
        .filter(incident_party::Column::IncidentId.is_in(incidents.clone()))
        .filter(incident_party::Column::Part.eq(PartyRole::Victim.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, bool> = incidents.into_iter().map(|i| (i, false)).collect();
    for (incident, assessed) in rows {
        if !assessed {
            out.insert(incident, true);
        }
    }
    Ok(out)
}

/// High-risk cases the user may see that wait for a vulnerable-victim officer, oldest first.
pub async fn queue(
    db: &DatabaseConnection,
    actor: &Actor,
    page: &PageRequest,
) -> AppResult<Page<queue::Model>> {
    let scope = Scope::new(actor.agency_id);
    let base = queue::Entity::find()
        .filter(queue::Column::AssignedAt.is_null())
        .filter(queue::Column::CaseId.in_subquery(scope.visible_case_ids()));
    let total = if page.wants_count() {
        base.clone().count(db).await?
    } else {
        0
    };
    let q = paging::apply(
        base,
        queue::Column::QueuedAt,
        queue::Column::Id,
        KeyKind::Time,
        false,
        page,
    )?;
    let rows = q.all(db).await?;
    Ok(paging::finish(rows, page, total, |m| {
        (time_key(&m.queued_at), m.id)
    }))
}
