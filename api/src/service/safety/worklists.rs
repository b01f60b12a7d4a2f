//! Victim worklists: repeat victims, repeat locations, victims eligible for an ASB Case Review, and
//! high-risk victims still waiting for a dedicated officer's contact.
//!
//! Each is one keyset-paginated query (plus its count) over rows the user's agency may see, in
//! SQL: a flag counts only when its incident is visible, a victim only when the person is. Each
//! refuses (`FORBIDDEN`) a user who may not read the fields the list is selected by, since the
//! list would reveal them. Lists of flags hold one row per person (or place): the latest
//! qualifying incident in the period, found with `NOT EXISTS` over later ones.

use chrono::{DateTime, Duration, Utc};
use entity::{asb_case, case_party, incident_flag, person, victim_contact, victim_flag};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::{Alias, Expr, ExprTrait, IntoColumnRef, Query, SelectStatement},
};

use super::rules;
use crate::{
    auth::{
        Actor,
        policy::{self, scope::Scope},
    },
    domain::{CaseStatus, DateRange, PageRequest, PartyRole, RiskLevel},
    error::AppResult,
    service::paging::{self, KeyKind, Page, time_key},
};

/// Which victim flag a list is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VictimList {
    RepeatVictims,
    CaseReviewEligible,
}

impl VictimList {
    fn column(self) -> victim_flag::Column {
        match self {
            VictimList::RepeatVictims => victim_flag::Column::IsRepeat,
            VictimList::CaseReviewEligible => victim_flag::Column::CaseReviewEligible,
        }
    }

    /// The restricted `Incident` field the list is selected by.
    fn field(self) -> &'static str {
        match self {
            VictimList::RepeatVictims => "isRepeatVictim",
            VictimList::CaseReviewEligible => "caseReviewEligible",
        }
    }
}

/// `col BETWEEN from AND to`, either end open.
fn in_period<C: IntoColumnRef + Clone>(col: C, period: &DateRange) -> Condition {
    let mut c = Condition::all();
    if let Some(from) = period.from() {
        c = c.add(Expr::col(col.clone()).gte(from));
    }
    if let Some(to) = period.to() {
        c = c.add(Expr::col(col).lte(to));
    }
    c
}

/// `(g.at, g.id) > (outer.at, outer.id)`: a later row than the outer one.
fn later<I: sea_orm::sea_query::IntoIden + Clone, T: sea_orm::sea_query::IntoIden + Clone>(
    g: &Alias,
    outer: T,
    at: I,
    id: I,
) -> Condition {
    Condition::any()
        .add(Expr::col((g.clone(), at.clone())).gt(Expr::col((outer.clone(), at.clone()))))
        .add(
            Condition::all()
                .add(Expr::col((g.clone(), at.clone())).eq(Expr::col((outer.clone(), at))))
                .add(Expr::col((g.clone(), id.clone())).gt(Expr::col((outer, id)))),
        )
}

fn visible_people(scope: &Scope) -> SelectStatement {
    Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .cond_where(scope.people())
        .to_owned()
}

/// The latest flag per visible person in `period` on a visible incident.
pub async fn victims(
    db: &DatabaseConnection,
    actor: &Actor,
    list: VictimList,
    period: &DateRange,
    page: &PageRequest,
) -> AppResult<Page<victim_flag::Model>> {
    use victim_flag::Column as V;
    policy::check_reads(
        &actor.permissions,
        "Incident",
        &[list.field(), "occurredAt", "parties"],
    )?;
    let scope = Scope::new(actor.agency_id);
    let g = Alias::new("g");
    let newer = Query::select()
        .expr(Expr::val(1))
        .from_as(victim_flag::Entity, g.clone())
        .and_where(
            Expr::col((g.clone(), V::PersonId)).eq(Expr::col((victim_flag::Entity, V::PersonId))),
        )
        .and_where(Expr::col((g.clone(), list.column())).eq(true))
        .and_where(Expr::col((g.clone(), V::IncidentId)).in_subquery(scope.visible_incident_ids()))
        .cond_where(in_period((g.clone(), V::OccurredAt), period))
        .cond_where(later(&g, victim_flag::Entity, V::OccurredAt, V::Id))
        .to_owned();
    let base = victim_flag::Entity::find()
        .filter(list.column().eq(true))
        .filter(in_period((victim_flag::Entity, V::OccurredAt), period))
        .filter(V::IncidentId.in_subquery(scope.visible_incident_ids()))
        .filter(V::PersonId.in_subquery(visible_people(&scope)))
        .filter(Expr::exists(newer).not());
    let total = if page.wants_count() {
        base.clone().count(db).await?
    } else {
        0
    };
    let rows = paging::apply(base, V::OccurredAt, V::Id, KeyKind::Time, true, page)?
        .all(db)
        .await?;
    Ok(paging::finish(rows, page, total, |m| {
        (time_key(&m.occurred_at), m.id)
    }))
}

/// The latest repeat-location flag per place in `period` on a visible incident.
pub async fn locations(
    db: &DatabaseConnection,
    actor: &Actor,
    period: &DateRange,
    page: &PageRequest,
) -> AppResult<Page<incident_flag::Model>> {
    use incident_flag::Column as F;
    policy::check_reads(
        &actor.permissions,
        "Incident",
        &["isRepeatLocation", "occurredAt", "location"],
    )?;
    let scope = Scope::new(actor.agency_id);
    let g = Alias::new("g");
    let newer = Query::select()
        .expr(Expr::val(1))
        .from_as(incident_flag::Entity, g.clone())
        .and_where(
            Expr::col((g.clone(), F::LocationId))
                .eq(Expr::col((incident_flag::Entity, F::LocationId))),
        )
        .and_where(Expr::col((g.clone(), F::IsRepeatLocation)).eq(true))
        .and_where(Expr::col((g.clone(), F::IncidentId)).in_subquery(scope.visible_incident_ids()))
        .cond_where(in_period((g.clone(), F::OccurredAt), period))
        .cond_where(later(
            &g,
            incident_flag::Entity,
            F::OccurredAt,
            F::IncidentId,
        ))
        .to_owned();
    let base = incident_flag::Entity::find()
        .filter(F::IsRepeatLocation.eq(true))
        .filter(F::LocationId.is_not_null())
        .filter(in_period((incident_flag::Entity, F::OccurredAt), period))
        .filter(F::IncidentId.in_subquery(scope.visible_incident_ids()))
        .filter(Expr::exists(newer).not());
    let total = if page.wants_count() {
        base.clone().count(db).await?
    } else {
        0
    };
    let rows = paging::apply(
        base,
        F::OccurredAt,
        F::IncidentId,
        KeyKind::Time,
        true,
        page,
    )?
    .all(db)
    .await?;
    Ok(paging::finish(rows, page, total, |m| {
        (time_key(&m.occurred_at), m.incident_id)
    }))
}

/// A victim of a high-risk case waiting for a dedicated officer's first contact.
#[derive(Clone, Debug)]
pub struct ContactDue {
    pub party: case_party::Model,
    /// When the victim joined the case plus the first-contact time.
    pub due_by: DateTime<Utc>,
}

/// Victims of visible, open, high-risk cases with no contact yet from a dedicated
/// vulnerable-victim officer on that case, soonest due first; `overdue_only` keeps those already
/// past the first-contact time.
pub async fn awaiting_contact(
    db: &DatabaseConnection,
    actor: &Actor,
    overdue_only: bool,
    page: &PageRequest,
) -> AppResult<Page<ContactDue>> {
    use case_party::Column as P;
    let perms = &actor.permissions;
    policy::check_reads(
        perms,
        "Case",
        &["riskLevel", "status", "parties", "contacts"],
    )?;
    policy::check_reads(perms, "CaseParty", &["role"])?;
    let hours = rules::load(db).await?.settings.first_contact_hours;
    let window = Duration::hours(i64::from(hours));
    let scope = Scope::new(actor.agency_id);
    let high_risk_open = Query::select()
        .column(asb_case::Column::Id)
        .from(asb_case::Entity)
        .cond_where(scope.cases())
        .and_where(asb_case::Column::RiskLevel.eq(RiskLevel::High.as_str()))
        .and_where(asb_case::Column::Status.ne(CaseStatus::Closed.as_str()))
        .to_owned();
    let contacted = Query::select()
        .expr(Expr::val(1))
        .from(victim_contact::Entity)
        .and_where(
            Expr::col((victim_contact::Entity, victim_contact::Column::CaseId))
                .eq(Expr::col((case_party::Entity, P::CaseId))),
        )
        .and_where(
            Expr::col((victim_contact::Entity, victim_contact::Column::PersonId))
                .eq(Expr::col((case_party::Entity, P::PersonId))),
        )
        .and_where(victim_contact::Column::ByDedicatedOfficer.eq(true))
        .to_owned();
    let mut base = case_party::Entity::find()
        .filter(P::Role.eq(PartyRole::Victim.as_str()))
        .filter(P::CaseId.in_subquery(high_risk_open))
        .filter(Expr::exists(contacted).not());
    if overdue_only {
        base = base.filter(P::CreatedAt.lt(Utc::now() - window));
    }
    let total = if page.wants_count() {
        base.clone().count(db).await?
    } else {
        0
    };
    let rows = paging::apply(base, P::CreatedAt, P::Id, KeyKind::Time, false, page)?
        .all(db)
        .await?;
    let page = paging::finish(rows, page, total, |m| (time_key(&m.created_at), m.id));
    Ok(page.map(|party| ContactDue {
        due_by: party.created_at + window,
        party,
    }))
}

/// Victims of visible incidents in `period` who have no current risk assessment (none whose
/// validity has not yet run out), one row per person: their latest such incident part, newest
/// first. This is the step inspections found was skipped.
pub async fn awaiting_assessment(
    db: &DatabaseConnection,
    actor: &Actor,
    period: &DateRange,
    page: &PageRequest,
) -> AppResult<Page<entity::incident_party::Model>> {
    use entity::{incident, incident_party, risk_assessment};
    use incident_party::Column as P;
    policy::check_reads(
        &actor.permissions,
        "Incident",
        &["assessmentRequired", "occurredAt", "parties"],
    )?;
    let scope = Scope::new(actor.agency_id);
    let in_scope_incidents = Query::select()
        .column(incident::Column::Id)
        .from(incident::Entity)
        .cond_where(scope.incidents())
        .cond_where(in_period(
            (incident::Entity, incident::Column::OccurredAt),
            period,
        ))
        .to_owned();
    let assessed = Query::select()
        .expr(Expr::val(1))
        .from(risk_assessment::Entity)
        .and_where(
            Expr::col((risk_assessment::Entity, risk_assessment::Column::PersonId))
                .eq(Expr::col((incident_party::Entity, P::PersonId))),
        )
        .and_where(
            Expr::col((risk_assessment::Entity, risk_assessment::Column::ValidUntil))
                .gte(Utc::now()),
        )
        .to_owned();
    let g = Alias::new("g");
    let newer = Query::select()
        .expr(Expr::val(1))
        .from_as(incident_party::Entity, g.clone())
        .and_where(
            Expr::col((g.clone(), P::PersonId))
                .eq(Expr::col((incident_party::Entity, P::PersonId))),
        )
        .and_where(Expr::col((g.clone(), P::Part)).eq(PartyRole::Victim.as_str()))
        .and_where(Expr::col((g.clone(), P::IncidentId)).in_subquery(in_scope_incidents.clone()))
        .cond_where(later(&g, incident_party::Entity, P::CreatedAt, P::Id))
        .to_owned();
    let base = incident_party::Entity::find()
        .filter(P::Part.eq(PartyRole::Victim.as_str()))
        .filter(P::IncidentId.in_subquery(in_scope_incidents))
        .filter(P::PersonId.in_subquery(visible_people(&scope)))
        .filter(Expr::exists(assessed).not())
        .filter(Expr::exists(newer).not());
    let total = if page.wants_count() {
        base.clone().count(db).await?
    } else {
        0
    };
    let rows = paging::apply(base, P::CreatedAt, P::Id, KeyKind::Time, true, page)?
        .all(db)
        .await?;
    Ok(paging::finish(rows, page, total, |m| {
        (time_key(&m.created_at), m.id)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::DbBackend;

    /// The "latest per person" subquery really compares the aliased row with the outer one.
    #[test]
    fn later_compares_the_inner_row_with_the_outer() {
        let g = Alias::new("g");
        let q = Query::select()
            .expr(Expr::val(1))
            .from_as(victim_flag::Entity, g.clone())
            .cond_where(later(
                &g,
                victim_flag::Entity,
                victim_flag::Column::OccurredAt,
                victim_flag::Column::Id,
            ))
            .to_owned();
        let sql = DbBackend::Postgres.build(&q).to_string();
        assert!(
            sql.contains(r#""g"."occurred_at" > "victim_flag"."occurred_at""#),
            "{sql}"
        );
        assert!(sql.contains(r#""g"."id" > "victim_flag"."id""#), "{sql}");
    }
}
