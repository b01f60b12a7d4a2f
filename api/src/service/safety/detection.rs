//! Repeat-victim, repeat-location and ASB Case Review detection, run by `recordIncident` inside
//! its transaction, after the incident and its parties are written, so the incident counts
//! itself and its flags commit (or roll back) with it.
//!
//! Every query starts from an indexed key (the victim, or the place and the window), so its cost
//! depends on one person's or one place's incidents, never on the size of the tables:
//!
//! | question | query | index |
//! |---|---|---|
//! | incidents with this victim in `D` days | `COUNT` of `incident` rows whose id is among the person's victim parts | `incident_party(person_id, part)`, then `incident` by id |
//! | incidents at this place in `D` days | `COUNT` over `incident` | `incident(location_id, occurred_at)` |
//! | the victim's complaints in `M` days | their `(occurred_at, reported_at, hate)` | as the first |
//! | people reporting at this place in `M` days (alternative on) | `(occurred_at, reported_at, reporter)` | `incident(location_id, occurred_at)`, `incident_party(incident_id, ...)` |
//! | was the victim already eligible | their latest earlier flag | `victim_flag(person_id, occurred_at)` |
//!
//! The Case Review threshold fetches its bounded rows rather than counting in SQL because
//! "reported within `R` days of the incident" compares two columns with an offset, which has no
//! portable SQL form; the pure rule in `domain::safety` then decides.
//!
//! Detection is partnership-wide: it counts every agency's incidents, which is the point (each
//! agency alone would miss repeats reported elsewhere). Only the flags are stored and shown, as
//! restricted fields of `Incident`.

use chrono::{DateTime, Utc};
use entity::{incident, incident_flag, incident_party, victim_flag};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, sea_query::Query,
};
use uuid::Uuid;

use super::rules;
use crate::{
    domain::{
        PartyRole,
        safety::{CaseReviewBasis, Complaint, SafetySettings, window_start},
    },
    error::AppResult,
};

/// What detection found for one victim of the incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VictimOutcome {
    pub person_id: Uuid,
    /// Incidents with this person as victim in the window, this one included.
    pub incident_count: u64,
    pub is_repeat: bool,
    /// This incident is the one that reached the threshold (the count equals it).
    pub newly_repeat: bool,
    pub case_review: Option<CaseReviewBasis>,
    /// Eligible now, and the person's previous flag was not.
    pub newly_eligible: bool,
}

/// What detection found for the incident's place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocationOutcome {
    pub location_id: Uuid,
    pub incident_count: u64,
    pub is_repeat: bool,
}

/// Everything an alert about this incident needs: which incident, case and agency, who became a
/// repeat victim or eligible for a Case Review, and whether the place is a repeat location.
#[derive(Clone, Debug)]
pub struct Detection {
    pub incident_id: Uuid,
    pub case_id: Option<Uuid>,
    pub reporting_agency_id: Uuid,
    pub victim_window_days: u32,
    pub victims: Vec<VictimOutcome>,
    pub location: Option<LocationOutcome>,
    pub case_review: Option<CaseReviewBasis>,
}

impl Detection {
    pub fn is_repeat_victim(&self) -> bool {
        self.victims.iter().any(|v| v.is_repeat)
    }

    /// Logs what was found, once, after the transaction committed.
    pub fn trace(&self) {
        tracing::info!(
            incident.id = %self.incident_id,
            safety.repeat_victim = self.is_repeat_victim(),
            safety.repeat_location = self.location.as_ref().is_some_and(|l| l.is_repeat),
            safety.case_review = self.case_review.map(|b| b.as_str()),
            "repeat and Case Review detection"
        );
    }
}

#[derive(FromQueryResult)]
struct ComplaintRow {
    occurred_at: DateTime<Utc>,
    reported_at: DateTime<Utc>,
    hate_motivated: bool,
}

impl From<ComplaintRow> for Complaint {
    fn from(r: ComplaintRow) -> Self {
        Complaint {
            occurred_at: r.occurred_at,
            reported_at: r.reported_at,
            hate: r.hate_motivated,
        }
    }
}

#[derive(FromQueryResult)]
struct ReportRow {
    occurred_at: DateTime<Utc>,
    reported_at: DateTime<Utc>,
    person_id: Uuid,
}

/// `incident` rows in which `person` took part as a victim, as a subquery on the person index.
fn as_victim(person: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(incident_party::Column::IncidentId)
        .from(incident_party::Entity)
        .and_where(incident_party::Column::PersonId.eq(person))
        .and_where(incident_party::Column::Part.eq(PartyRole::Victim.as_str()))
        .to_owned()
}

fn between(start: DateTime<Utc>, at: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(incident::Column::OccurredAt.gte(start))
        .add(incident::Column::OccurredAt.lte(at))
}

async fn victim<C: ConnectionTrait>(
    db: &C,
    rules: &SafetySettings,
    at: DateTime<Utc>,
    person_id: Uuid,
    reporters_here: usize,
) -> AppResult<VictimOutcome> {
    let repeat = rules.repeat_victim;
    let count = incident::Entity::find()
        .filter(incident::Column::Id.in_subquery(as_victim(person_id)))
        .filter(between(window_start(at, repeat.window_days), at))
        .count(db)
        .await?;
    let review = rules.case_review;
    let complaints: Vec<Complaint> = incident::Entity::find()
        .select_only()
        .columns([
            incident::Column::OccurredAt,
            incident::Column::ReportedAt,
            incident::Column::HateMotivated,
        ])
        .filter(incident::Column::Id.in_subquery(as_victim(person_id)))
        .filter(between(window_start(at, review.window_days), at))
        .into_model::<ComplaintRow>()
        .all(db)
        .await?
        .into_iter()
        .map(Complaint::from)
        .collect();
    let case_review = review.evaluate(at, &complaints, reporters_here);
    // The person's previous flag, on `victim_flag(person_id, occurred_at)`.
    let was_eligible = match case_review {
        None => false,
        Some(_) => victim_flag::Entity::find()
            .filter(victim_flag::Column::PersonId.eq(person_id))
            .filter(victim_flag::Column::OccurredAt.lte(at))
            .order_by_desc(victim_flag::Column::OccurredAt)
            .one(db)
            .await?
            .is_some_and(|f| f.case_review_eligible),
    };
    Ok(VictimOutcome {
        person_id,
        incident_count: count,
        is_repeat: repeat.is_repeat(count),
        newly_repeat: count == u64::from(repeat.min_incidents),
        case_review,
        newly_eligible: case_review.is_some() && !was_eligible,
    })
}

/// How many different people reported qualifying incidents at `location` (0 when the
/// alternative is off: no query).
async fn reporters_at<C: ConnectionTrait>(
    db: &C,
    rules: &SafetySettings,
    at: DateTime<Utc>,
    location: Uuid,
) -> AppResult<usize> {
    let review = rules.case_review;
    if review.min_reporters.is_none() {
        return Ok(0);
    }
    let rows = incident::Entity::find()
        .select_only()
        .columns([incident::Column::OccurredAt, incident::Column::ReportedAt])
        .column(incident_party::Column::PersonId)
        .join(JoinType::InnerJoin, incident::Relation::IncidentParty.def())
        .filter(incident::Column::LocationId.eq(location))
        .filter(between(window_start(at, review.window_days), at))
        .filter(incident_party::Column::Part.eq(PartyRole::Reporter.as_str()))
        .into_model::<ReportRow>()
        .all(db)
        .await?;
    let reports: Vec<(Complaint, Uuid)> = rows
        .into_iter()
        .map(|r| {
            (
                Complaint {
                    occurred_at: r.occurred_at,
                    reported_at: r.reported_at,
                    hate: false,
                },
                r.person_id,
            )
        })
        .collect();
    Ok(review.distinct_reporters(at, &reports))
}

/// Checks `inc` (already written with its parties) against the rules in force and stores its
/// flags, in the caller's transaction.
pub async fn detect<C: ConnectionTrait>(db: &C, inc: &incident::Model) -> AppResult<Detection> {
    let rules = rules::load(db).await?.settings;
    let at = inc.occurred_at;
    let location = match inc.location_id {
        None => None,
        Some(location_id) => {
            let r = rules.repeat_location;
            let count = incident::Entity::find()
                .filter(incident::Column::LocationId.eq(location_id))
                .filter(between(window_start(at, r.window_days), at))
                .count(db)
                .await?;
            let reporters = reporters_at(db, &rules, at, location_id).await?;
            Some((
                LocationOutcome {
                    location_id,
                    incident_count: count,
                    is_repeat: r.is_repeat(count),
                },
                reporters,
            ))
        }
    };
    let reporters_here = location.as_ref().map_or(0, |(_, n)| *n);
    let victim_ids: Vec<Uuid> = incident_party::Entity::find()
        .filter(incident_party::Column::IncidentId.eq(inc.id))
        .filter(incident_party::Column::Part.eq(PartyRole::Victim.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let mut victims = Vec::with_capacity(victim_ids.len());
    for person_id in victim_ids {
        victims.push(victim(db, &rules, at, person_id, reporters_here).await?);
    }
    // The incident meets the threshold through a victim, or through its place or its own hate
    // motivation when it has no victim recorded.
    let review = rules.case_review;
    let case_review = victims
        .iter()
        .find_map(|v| v.case_review)
        .or_else(|| {
            review
                .min_reporters
                .filter(|n| reporters_here >= *n as usize)
                .map(|_| CaseReviewBasis::Reporters)
        })
        .or_else(|| (review.any_hate && inc.hate_motivated).then_some(CaseReviewBasis::Hate));
    let detection = Detection {
        incident_id: inc.id,
        case_id: inc.case_id,
        reporting_agency_id: inc.reporting_agency_id,
        victim_window_days: rules.repeat_victim.window_days,
        victims,
        location: location.map(|(l, _)| l),
        case_review,
    };
    store(db, &rules, inc, &detection).await?;
    Ok(detection)
}

fn i32_of(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

async fn store<C: ConnectionTrait>(
    db: &C,
    rules: &SafetySettings,
    inc: &incident::Model,
    d: &Detection,
) -> AppResult<()> {
    let now = Utc::now();
    let window = i32_of(u64::from(rules.repeat_victim.window_days));
    let flag = incident_flag::ActiveModel {
        incident_id: Set(inc.id),
        occurred_at: Set(inc.occurred_at),
        location_id: Set(inc.location_id),
        is_repeat_victim: Set(d.is_repeat_victim()),
        repeat_victim_count: Set(i32_of(
            d.victims
                .iter()
                .map(|v| v.incident_count)
                .max()
                .unwrap_or(0),
        )),
        repeat_window_days: Set(window),
        is_repeat_location: Set(d.location.as_ref().is_some_and(|l| l.is_repeat)),
        repeat_location_count: Set(i32_of(d.location.as_ref().map_or(0, |l| l.incident_count))),
        location_window_days: Set(i32_of(u64::from(rules.repeat_location.window_days))),
        case_review_eligible: Set(d.case_review.is_some()),
        case_review_basis: Set(d.case_review.map(|b| b.as_str().to_string())),
        detected_at: Set(now),
    };
    incident_flag::Entity::insert(flag)
        .exec_without_returning(db)
        .await?;
    if d.victims.is_empty() {
        return Ok(());
    }
    victim_flag::Entity::insert_many(d.victims.iter().map(|v| victim_flag::ActiveModel {
        id: Set(Uuid::new_v4()),
        incident_id: Set(inc.id),
        person_id: Set(v.person_id),
        occurred_at: Set(inc.occurred_at),
        incident_count: Set(i32_of(v.incident_count)),
        window_days: Set(window),
        is_repeat: Set(v.is_repeat),
        case_review_eligible: Set(v.case_review.is_some()),
        case_review_basis: Set(v.case_review.map(|b| b.as_str().to_string())),
        detected_at: Set(now),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}
