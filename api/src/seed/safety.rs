//! The demo's victim-safety story, on top of the casework in `demo.rs`: the default rules, a
//! victim whose recent calls meet the ASB Case Review threshold, overdue actions on a police case,
//! a supervisor's sign-off, a dedicated officer's contact and a satisfaction response, and the
//! flags detection would have stored for every demo incident. So every worklist has something
//! to show the demo users:
//!
//! - **Case Review eligible / repeat victim / repeat location**: the victim of case 1 (police,
//!   high risk, shared with the housing association and victim support) called three times in
//!   the last six weeks about Alder Court.
//! - **awaiting contact**: that victim has not heard from a dedicated officer; the victim of
//!   case 9 (council, high risk) has, so only case 1's victim is listed.
//! - **overdue reviews**: most demo cases are past their first review date.
//! - **overdue actions**: case 1 has an action for its owner and an unowned one, both late.
//!
//! Everything is inserted only when missing, with deterministic ids.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::{
    asb_case, case_action, case_review, incident, incident_flag, incident_party, victim_contact,
    victim_satisfaction,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{OnConflict, Query},
};

use super::demo_id;
use crate::{error::AppResult, service::safety};

async fn insert_new<E, A, C>(db: &C, models: Vec<A>, pk: E::Column) -> AppResult<u64>
where
    C: ConnectionTrait,
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    if models.is_empty() {
        return Ok(0);
    }
    match E::insert_many(models)
        .on_conflict(OnConflict::column(pk).do_nothing().to_owned())
        .exec_without_returning(db)
        .await
    {
        Ok(n) => Ok(n),
        Err(sea_orm::DbErr::RecordNotInserted) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

fn at_evening(now: DateTime<Utc>, days_ago: i64) -> DateTime<Utc> {
    let day = (now - Duration::days(days_ago)).date_naive();
    Utc.from_utc_datetime(&day.and_hms_opt(20, 30, 0).unwrap_or_default())
}

pub async fn seed<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> AppResult<u64> {
    let mut total = u64::from(safety::rules::ensure_stored(db, now).await?);
    let police = demo_id("agency", "police");
    let officer = demo_id("user", "officer@police.demo");
    let supervisor = demo_id("user", "supervisor@police.demo");
    let caseworker = demo_id("user", "caseworker@victimsupport.demo");
    let victim_support = demo_id("agency", "victimsupport");
    let case1 = demo_id("case", 0);
    let case9 = demo_id("case", 8);

    // Three recent calls from case 1's victim about Alder Court, each reported the same evening.
    let mut incidents = Vec::new();
    let mut parties = Vec::new();
    for (i, days_ago) in [40i64, 20, 5].into_iter().enumerate() {
        let id = demo_id("incident", format!("story:{i}"));
        let occurred = at_evening(now, days_ago);
        incidents.push(incident::ActiveModel {
            id: Set(id),
            occurred_at: Set(occurred),
            reported_at: Set(occurred + Duration::minutes(40)),
            channel: Set("phone".into()),
            reporting_agency_id: Set(police),
            category: Set("personal".into()),
            sub_type: Set("harassment".into()),
            description: Set("Neighbours banging on the caller's door late at night".into()),
            location_id: Set(Some(demo_id("location", 0))),
            police_reference: Set(Some(format!("NP/STORY/{i}"))),
            case_id: Set(Some(case1)),
            hate_motivated: Set(false),
            created_at: Set(occurred + Duration::minutes(40)),
            updated_at: Set(occurred + Duration::minutes(40)),
            created_by: Set(Some(officer)),
            updated_by: Set(Some(officer)),
        });
        for (part, person) in [("victim", 0), ("perpetrator", 1)] {
            parties.push(incident_party::ActiveModel {
                id: Set(demo_id("incident_party", format!("story:{i}:{part}"))),
                incident_id: Set(id),
                person_id: Set(demo_id("person", person)),
                part: Set(part.into()),
                created_at: Set(occurred),
                created_by: Set(Some(officer)),
            });
        }
    }
    total += insert_new(db, incidents, incident::Column::Id).await?;
    total += insert_new(db, parties, incident_party::Column::Id).await?;

    // Late actions on case 1: one for its owner, one nobody has picked up.
    let today = now.date_naive();
    let actions = [
        (
            "cctv",
            Some(officer),
            5,
            "Fit a video doorbell for the victim",
        ),
        ("letter", None, 1, "Write to the landlord about the noise"),
    ]
    .into_iter()
    .map(|(key, owner, days_late, text)| case_action::ActiveModel {
        id: Set(demo_id("case_action", format!("story:{key}"))),
        case_id: Set(case1),
        description: Set(text.into()),
        owner_agency_id: Set(police),
        owner_id: Set(owner),
        due_date: Set(today - Duration::days(days_late)),
        status: Set("planned".into()),
        completion_note: Set(None),
        completed_at: Set(None),
        version: Set(1),
        created_at: Set(now - Duration::days(9)),
        updated_at: Set(now - Duration::days(9)),
        created_by: Set(Some(supervisor)),
        updated_by: Set(Some(supervisor)),
    })
    .collect();
    total += insert_new(db, actions, case_action::Column::Id).await?;

    // The sergeant approved case 1's plan when it opened: its first scheduled review.
    if let Some(case) = asb_case::Entity::find_by_id(case1).one(db).await? {
        total += insert_new(
            db,
            vec![case_review::ActiveModel {
                id: Set(demo_id("case_review", 0)),
                case_id: Set(case.id),
                reviewer_id: Set(supervisor),
                reviewer_agency_id: Set(police),
                outcome: Set("approved".into()),
                comment: Set("Plan agreed; victim support engaged.".into()),
                level: Set("supervisor".into()),
                risk_level: Set(case.risk_level.clone()),
                step: Set(0),
                case_version: Set(case.version),
                next_review_at: Set(case.next_review_at.unwrap_or(case.created_at)),
                created_at: Set(case.created_at),
            }],
            case_review::Column::Id,
        )
        .await?;
    }

    // Victim support's dedicated officer has reached case 9's victim, who is fairly satisfied.
    let victim9 = demo_id("person", 16);
    total += insert_new(
        db,
        vec![victim_contact::ActiveModel {
            id: Set(demo_id("victim_contact", 0)),
            case_id: Set(case9),
            person_id: Set(victim9),
            method: Set("phone".into()),
            outcome: Set("Safety plan agreed; weekly calls arranged".into()),
            contacted_at: Set(now - Duration::days(70)),
            user_id: Set(caseworker),
            agency_id: Set(victim_support),
            by_dedicated_officer: Set(true),
            created_at: Set(now - Duration::days(70)),
        }],
        victim_contact::Column::Id,
    )
    .await?;
    total += insert_new(
        db,
        vec![victim_satisfaction::ActiveModel {
            id: Set(demo_id("victim_satisfaction", 0)),
            case_id: Set(case9),
            person_id: Set(victim9),
            score: Set(4),
            comments: Set(Some("Kept informed, though the noise continues".into())),
            recorded_at: Set(now - Duration::days(30)),
            user_id: Set(caseworker),
            agency_id: Set(victim_support),
        }],
        victim_satisfaction::Column::Id,
    )
    .await?;

    total += flag_unflagged(db).await?;
    Ok(total)
}

/// Runs detection, oldest first, over incidents that have no flags yet, as if each had been
/// recorded in turn.
async fn flag_unflagged<C: ConnectionTrait>(db: &C) -> AppResult<u64> {
    let flagged = Query::select()
        .column(incident_flag::Column::IncidentId)
        .from(incident_flag::Entity)
        .to_owned();
    let pending = incident::Entity::find()
        .filter(incident::Column::Id.not_in_subquery(flagged))
        .order_by_asc(incident::Column::OccurredAt)
        .order_by_asc(incident::Column::Id)
        .all(db)
        .await?;
    let n = pending.len() as u64;
    for inc in pending {
        safety::detection::detect(db, &inc).await?;
    }
    Ok(n)
}
