//! The dashboard: the figures an inspection asks a partnership for, over one period and the rows
//! the user's agency may see, optionally for one agency or one ward.
//!
//! | figure | what is counted |
//! |---|---|
//! | incidents by category | visible incidents that occurred in the period |
//! | open cases by risk level | visible cases open at some time in the period: opened by its end, not closed before its start |
//! | repeat victims | different people flagged as repeat victims on a visible incident in the period |
//! | median days to first contact | victims who joined a visible high-risk case in the period and have been contacted: days from joining to their first contact on that case (never negative) |
//! | overdue reviews | visible cases, not closed, whose next review was due by the end of the period and is now past |
//! | average satisfaction | scores recorded in the period on visible cases |
//! | Case Review activations | different people whose incident in the period met the Case Review threshold |
//! | assessments done vs required | different victims of the period's incidents, and those of them with an assessment in force at some time in the period |
//!
//! "For one agency" means incidents it reported and cases it leads; "for one ward" means
//! incidents at, and cases linked to, a location in that ward (compared without case). The
//! median is computed in Rust over the bounded list of (joined, contacted) pairs, since SQLite
//! has no percentile function.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    asb_case, case_location, case_party, incident, location, victim_contact, victim_flag,
    victim_satisfaction,
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QuerySelect,
    sea_query::{Expr, ExprTrait, Func, Query, SelectStatement},
};
use uuid::Uuid;

use super::dashboard_cache::{DashboardCache, Key};
use crate::{
    auth::{
        Actor,
        policy::{self, scope::Scope},
    },
    domain::{AsbCategory, CaseStatus, PartyRole, RiskLevel, safety::median},
    error::AppResult,
};

pub struct DashboardQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub agency_id: Option<Uuid>,
    /// Already trimmed; compared in lower case.
    pub ward: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    /// When the counting started (figures may be reused for a short time: `dashboard_cache`).
    pub computed_at: DateTime<Utc>,
    pub incidents_by_category: Vec<(AsbCategory, i64)>,
    pub open_cases_by_risk: Vec<(RiskLevel, i64)>,
    pub repeat_victims: i64,
    pub median_days_to_first_contact: Option<f64>,
    pub high_risk_victims_contacted: i64,
    pub overdue_reviews: i64,
    pub average_satisfaction: Option<f64>,
    pub satisfaction_responses: i64,
    pub case_review_activations: i64,
    /// Different victims of incidents in the period, each of whom needs an assessment.
    pub assessments_required: i64,
    /// Those of them with an assessment in force at some time in the period.
    pub assessments_done: i64,
}

fn ward_locations(ward: &str) -> SelectStatement {
    Query::select()
        .column(location::Column::Id)
        .from(location::Entity)
        .and_where(
            Expr::expr(Func::lower(Expr::col(location::Column::Ward))).eq(ward.to_lowercase()),
        )
        .to_owned()
}

impl DashboardQuery {
    fn incidents(&self, scope: &Scope) -> Condition {
        use incident::Column as I;
        let mut c = Condition::all()
            .add(scope.incidents())
            .add(I::OccurredAt.gte(self.from))
            .add(I::OccurredAt.lte(self.to));
        if let Some(a) = self.agency_id {
            c = c.add(I::ReportingAgencyId.eq(a));
        }
        if let Some(w) = &self.ward {
            c = c.add(I::LocationId.in_subquery(ward_locations(w)));
        }
        c
    }

    fn incident_ids(&self, scope: &Scope) -> SelectStatement {
        Query::select()
            .column(incident::Column::Id)
            .from(incident::Entity)
            .cond_where(self.incidents(scope))
            .to_owned()
    }

    fn cases(&self, scope: &Scope) -> Condition {
        use asb_case::Column as C;
        let mut c = Condition::all().add(scope.cases());
        if let Some(a) = self.agency_id {
            c = c.add(C::LeadAgencyId.eq(a));
        }
        if let Some(w) = &self.ward {
            c = c.add(
                C::Id.in_subquery(
                    Query::select()
                        .column(case_location::Column::CaseId)
                        .from(case_location::Entity)
                        .and_where(case_location::Column::LocationId.in_subquery(ward_locations(w)))
                        .to_owned(),
                ),
            );
        }
        c
    }

    fn case_ids(&self, scope: &Scope, extra: Condition) -> SelectStatement {
        Query::select()
            .column(asb_case::Column::Id)
            .from(asb_case::Entity)
            .cond_where(self.cases(scope))
            .cond_where(extra)
            .to_owned()
    }
}

/// Fills in zero for values with no rows, in the enum's order.
fn by<T: Copy>(all: &[T], text: fn(T) -> &'static str, rows: Vec<(String, i64)>) -> Vec<(T, i64)> {
    let counts: HashMap<String, i64> = rows.into_iter().collect();
    all.iter()
        .map(|v| (*v, counts.get(text(*v)).copied().unwrap_or(0)))
        .collect()
}

/// The figures for `q` over the rows the actor's agency may see. The actor's permissions are
/// checked on every call; only then may figures counted earlier for the same agency and
/// question be reused (`cache`).
pub async fn dashboard(
    db: &DatabaseConnection,
    cache: &DashboardCache,
    actor: &Actor,
    q: &DashboardQuery,
) -> AppResult<Dashboard> {
    let perms = &actor.permissions;
    if q.agency_id.is_some() {
        policy::check_reads(perms, "Incident", &["reportingAgency"])?;
        policy::check_reads(perms, "Case", &["leadAgency"])?;
    }
    if q.ward.is_some() {
        policy::check_reads(perms, "Location", &["ward"])?;
    }
    let scope = Scope::new(actor.agency_id);
    let key = Key {
        scope_agency: scope.agency_id,
        from: q.from,
        to: q.to,
        agency_id: q.agency_id,
        ward: q.ward.as_ref().map(|w| w.to_lowercase()),
    };
    cache.get_or_compute(key, || count(db, scope, q)).await
}

/// Counts every figure (see the module documentation).
async fn count(db: &DatabaseConnection, scope: Scope, q: &DashboardQuery) -> AppResult<Dashboard> {
    let computed_at = Utc::now();

    let categories: Vec<(String, i64)> = incident::Entity::find()
        .select_only()
        .column(incident::Column::Category)
        .column_as(Expr::col(incident::Column::Id).count(), "n")
        .filter(q.incidents(&scope))
        .group_by(incident::Column::Category)
        .into_tuple()
        .all(db)
        .await?;

    use asb_case::Column as C;
    let open_in_period = Condition::all().add(C::CreatedAt.lte(q.to)).add(
        Condition::any()
            .add(C::ClosedAt.is_null())
            .add(C::ClosedAt.gte(q.from)),
    );
    let risks: Vec<(String, i64)> = asb_case::Entity::find()
        .select_only()
        .column(C::RiskLevel)
        .column_as(Expr::col(C::Id).count(), "n")
        .filter(q.cases(&scope))
        .filter(open_in_period)
        .group_by(C::RiskLevel)
        .into_tuple()
        .all(db)
        .await?;

    let distinct_flagged = |col: victim_flag::Column| {
        victim_flag::Entity::find()
            .select_only()
            .column_as(
                Expr::col(victim_flag::Column::PersonId).count_distinct(),
                "n",
            )
            .filter(col.eq(true))
            // A flag's `occurred_at` is its incident's: the flag's own index finds the period.
            .filter(victim_flag::Column::OccurredAt.gte(q.from))
            .filter(victim_flag::Column::OccurredAt.lte(q.to))
            .filter(victim_flag::Column::IncidentId.in_subquery(q.incident_ids(&scope)))
            .into_tuple::<i64>()
            .one(db)
    };
    let repeat_victims = distinct_flagged(victim_flag::Column::IsRepeat)
        .await?
        .unwrap_or(0);
    let activations = distinct_flagged(victim_flag::Column::CaseReviewEligible)
        .await?
        .unwrap_or(0);

    let (median_days, contacted) = first_contact(db, &scope, q).await?;

    let now = Utc::now();
    let overdue = asb_case::Entity::find()
        .filter(q.cases(&scope))
        .filter(C::Status.ne(CaseStatus::Closed.as_str()))
        .filter(C::NextReviewAt.lt(now))
        .filter(C::NextReviewAt.lte(q.to))
        .count(db)
        .await?;

    use victim_satisfaction::Column as S;
    let (responses, total): (i64, Option<i64>) = victim_satisfaction::Entity::find()
        .select_only()
        .column_as(Expr::col(S::Id).count(), "n")
        .column_as(Expr::col(S::Score).sum(), "total")
        .filter(S::RecordedAt.gte(q.from))
        .filter(S::RecordedAt.lte(q.to))
        .filter(S::CaseId.in_subquery(q.case_ids(&scope, Condition::all())))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, None));

    let (assessments_required, assessments_done) = assessments(db, &scope, q).await?;

    Ok(Dashboard {
        computed_at,
        incidents_by_category: by(AsbCategory::ALL, AsbCategory::as_str, categories),
        open_cases_by_risk: by(RiskLevel::ALL, RiskLevel::as_str, risks),
        repeat_victims,
        median_days_to_first_contact: median_days,
        high_risk_victims_contacted: contacted,
        overdue_reviews: i64::try_from(overdue).unwrap_or(i64::MAX),
        average_satisfaction: (responses > 0).then(|| total.unwrap_or(0) as f64 / responses as f64),
        satisfaction_responses: responses,
        case_review_activations: activations,
        assessments_required,
        assessments_done,
    })
}

/// Victims of the period's incidents, and how many of them had an assessment in force at some
/// time in the period (assessed by its end, still valid at its start).
async fn assessments(
    db: &DatabaseConnection,
    scope: &Scope,
    q: &DashboardQuery,
) -> AppResult<(i64, i64)> {
    use entity::{incident_party, risk_assessment};
    let victims = || {
        incident_party::Entity::find()
            .select_only()
            .column_as(
                Expr::col(incident_party::Column::PersonId).count_distinct(),
                "n",
            )
            .filter(incident_party::Column::Part.eq(PartyRole::Victim.as_str()))
            .filter(incident_party::Column::IncidentId.in_subquery(q.incident_ids(scope)))
    };
    let required = victims().into_tuple::<i64>().one(db).await?.unwrap_or(0);
    let assessed = Query::select()
        .column(risk_assessment::Column::PersonId)
        .from(risk_assessment::Entity)
        .and_where(risk_assessment::Column::AssessedAt.lte(q.to))
        .and_where(risk_assessment::Column::ValidUntil.gte(q.from))
        .to_owned();
    let done = victims()
        .filter(incident_party::Column::PersonId.in_subquery(assessed))
        .into_tuple::<i64>()
        .one(db)
        .await?
        .unwrap_or(0);
    Ok((required, done))
}

/// The median days from joining a high-risk case to the first contact, over victims who joined
/// in the period and have been contacted, and how many they are.
async fn first_contact(
    db: &DatabaseConnection,
    scope: &Scope,
    q: &DashboardQuery,
) -> AppResult<(Option<f64>, i64)> {
    use case_party::Column as P;
    let high = Condition::all().add(asb_case::Column::RiskLevel.eq(RiskLevel::High.as_str()));
    let rows: Vec<(Uuid, DateTime<Utc>, DateTime<Utc>)> = case_party::Entity::find()
        .select_only()
        .column(P::Id)
        .column(P::CreatedAt)
        .column(victim_contact::Column::ContactedAt)
        .join(
            JoinType::InnerJoin,
            case_party::Entity::belongs_to(victim_contact::Entity)
                .from(P::CaseId)
                .to(victim_contact::Column::CaseId)
                .on_condition(|party, contact| {
                    Expr::col((contact, victim_contact::Column::PersonId))
                        .equals((party, P::PersonId))
                        .into()
                })
                .into(),
        )
        .filter(P::Role.eq(PartyRole::Victim.as_str()))
        .filter(P::CreatedAt.gte(q.from))
        .filter(P::CreatedAt.lte(q.to))
        .filter(P::CaseId.in_subquery(q.case_ids(scope, high)))
        .into_tuple()
        .all(db)
        .await?;
    let mut first: HashMap<Uuid, (DateTime<Utc>, DateTime<Utc>)> = HashMap::new();
    for (party, joined, contacted) in rows {
        let e = first.entry(party).or_insert((joined, contacted));
        if contacted < e.1 {
            e.1 = contacted;
        }
    }
    let days: Vec<f64> = first
        .values()
        .map(|(joined, contacted)| {
            (Ord::max((*contacted - *joined).num_seconds(), 0) as f64) / 86_400.0
        })
        .collect();
    let n = i64::try_from(days.len()).unwrap_or(i64::MAX);
    Ok((median(days), n))
}
