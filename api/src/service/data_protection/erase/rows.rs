//! Deleting a record's rows, table by table, children before parents, counting what goes.

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

use crate::error::AppResult;

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
pub(super) async fn erase_incidents<C: ConnectionTrait>(
    db: &C,
    incidents: Vec<Uuid>,
) -> AppResult<u64> {
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
pub(super) async fn erase_case<C: ConnectionTrait>(
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
pub(super) async fn erase_person<C: ConnectionTrait>(db: &C, person_id: Uuid) -> AppResult<u64> {
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
