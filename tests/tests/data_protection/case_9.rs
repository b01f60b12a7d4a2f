//! Case 9 (police, closed two days ago) with a row in every table that can refer to a case, and
//! a count query per table, so an erasure can be checked table by table.

use chrono::{Duration, Utc};
use entity::{
    alert, alert_ack, case_location, case_note, case_review, case_review_action, case_share,
    document, intervention, intervention_breach, victim_contact, victim_satisfaction,
    vulnerable_victim_queue,
};
use sea_orm::{ActiveValue::Set, EntityTrait, Value as SqlValue};
use tests::*;
use uuid::Uuid;

use super::*;

async fn insert<E, A>(app: &TestApp, model: A)
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    E::insert(model)
        .exec_without_returning(&app.db)
        .await
        .expect("insert a test row");
}

/// Ids of the rows the test adds to case 9, so they can be counted after the case is gone.
pub struct Added {
    review: Uuid,
    intervention: Uuid,
    alert: Uuid,
}

/// Gives case 9 (police, closed two days ago) a row in every table that can refer to a case, and
/// links a council incident (47) to it.
pub async fn enrich_case_9(app: &TestApp) -> Added {
    let now = Utc::now();
    let c9 = case(9);
    let officer = user(POLICE_OFFICER);
    let police = agency("police");
    insert(
        app,
        case_share::ActiveModel {
            id: Set(Uuid::new_v4()),
            case_id: Set(c9),
            agency_id: Set(agency("housing")),
            legal_basis: Set("Crime and Disorder Act 1998 s.115".into()),
            shared_by: Set(officer),
            shared_at: Set(now),
            revoked_at: Set(None),
            revoked_by: Set(None),
            revoke_reason: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await;
    insert(
        app,
        case_location::ActiveModel {
            case_id: Set(c9),
            location_id: Set(demo_id("location", 0)),
            created_at: Set(now),
            created_by: Set(Some(officer)),
        },
    )
    .await;
    insert(
        app,
        document::ActiveModel {
            id: Set(Uuid::new_v4()),
            case_id: Set(c9),
            file_name: Set("diary.txt".into()),
            content_type: Set("text/plain".into()),
            size_bytes: Set(5),
            sha256: Set("0".repeat(64)),
            content: Set(b"diary".to_vec()),
            description: Set(Some("Diary sheet".into())),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(officer)),
            updated_by: Set(Some(officer)),
        },
    )
    .await;
    // A note that corrects the demo note (a self-reference within the case).
    insert(
        app,
        case_note::ActiveModel {
            id: Set(Uuid::new_v4()),
            case_id: Set(c9),
            author_id: Set(officer),
            body: Set("Correction: visited on the Tuesday.".into()),
            corrects_note_id: Set(Some(demo_id("case_note", 9))),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(officer)),
            updated_by: Set(Some(officer)),
        },
    )
    .await;
    let intervention_id = Uuid::new_v4();
    let tool = ids_with(
        app,
        "SELECT id FROM intervention_tool WHERE code = 'ABC'",
        vec![],
    )
    .await;
    insert(
        app,
        intervention::ActiveModel {
            id: Set(intervention_id),
            case_id: Set(c9),
            tool_id: Set(tool[0].parse().expect("tool id")),
            subject_person_id: Set(Some(person(19))),
            status: Set("issued".into()),
            issued_on: Set(Some(now.date_naive())),
            served_on: Set(None),
            expires_on: Set(None),
            notes: Set(Some("Signed at the station".into())),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(officer)),
            updated_by: Set(Some(officer)),
        },
    )
    .await;
    insert(
        app,
        intervention_breach::ActiveModel {
            id: Set(Uuid::new_v4()),
            intervention_id: Set(intervention_id),
            occurred_on: Set(now.date_naive()),
            description: Set("Shouting in the stairwell".into()),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(officer)),
            updated_by: Set(Some(officer)),
        },
    )
    .await;
    let review = Uuid::new_v4();
    insert(
        app,
        case_review::ActiveModel {
            id: Set(review),
            case_id: Set(c9),
            reviewer_id: Set(user(POLICE_SUPERVISOR)),
            reviewer_agency_id: Set(police),
            outcome: Set("changes_requested".into()),
            comment: Set("Chase the landlord".into()),
            level: Set("supervisor".into()),
            risk_level: Set("medium".into()),
            step: Set(0),
            case_version: Set(1),
            next_review_at: Set(now + Duration::days(28)),
            created_at: Set(now),
        },
    )
    .await;
    insert(
        app,
        case_review_action::ActiveModel {
            review_id: Set(review),
            action_id: Set(demo_id("case_action", "9:0")),
        },
    )
    .await;
    insert(
        app,
        victim_contact::ActiveModel {
            id: Set(Uuid::new_v4()),
            case_id: Set(c9),
            person_id: Set(person(18)),
            method: Set("phone".into()),
            outcome: Set("Reassured".into()),
            contacted_at: Set(now),
            user_id: Set(officer),
            agency_id: Set(police),
            by_dedicated_officer: Set(false),
            created_at: Set(now),
        },
    )
    .await;
    insert(
        app,
        victim_satisfaction::ActiveModel {
            id: Set(Uuid::new_v4()),
            case_id: Set(c9),
            person_id: Set(person(18)),
            score: Set(3),
            comments: Set(None),
            recorded_at: Set(now),
            user_id: Set(officer),
            agency_id: Set(police),
        },
    )
    .await;
    let assessment = ids_with(
        app,
        "SELECT id FROM risk_assessment WHERE case_id = ?",
        vec![c9.into()],
    )
    .await;
    assert!(!assessment.is_empty(), "the demo assessed case 9's victim");
    insert(
        app,
        vulnerable_victim_queue::ActiveModel {
            id: Set(Uuid::new_v4()),
            case_id: Set(c9),
            agency_id: Set(police),
            assessment_id: Set(assessment[0].parse().expect("assessment id")),
            queued_at: Set(now),
            assigned_at: Set(None),
            assigned_to: Set(None),
        },
    )
    .await;
    let alert_id = Uuid::new_v4();
    insert(
        app,
        alert::ActiveModel {
            id: Set(alert_id),
            agency_id: Set(police),
            kind: Set("HIGH_RISK_VICTIM".into()),
            case_id: Set(Some(c9)),
            person_id: Set(Some(person(18))),
            incident_id: Set(None),
            message: Set("A case became high risk".into()),
            created_at: Set(now),
        },
    )
    .await;
    insert(
        app,
        alert_ack::ActiveModel {
            alert_id: Set(alert_id),
            user_id: Set(officer),
            acked_at: Set(now),
        },
    )
    .await;
    // A council incident in the police case: unlinked, not erased.
    execute(
        app,
        "UPDATE incident SET case_id = ? WHERE id = ?",
        vec![c9.into(), incident(47).into()],
    )
    .await;
    // Person 18 (case 9's victim) is also a witness in police case 0, so stays visible.
    execute(
        app,
        "INSERT INTO case_party (id, case_id, person_id, role, created_at, updated_at) \
         VALUES (?, ?, ?, 'witness', ?, ?)",
        vec![
            Uuid::new_v4().into(),
            case(0).into(),
            person(18).into(),
            now.into(),
            now.into(),
        ],
    )
    .await;
    Added {
        review,
        intervention: intervention_id,
        alert: alert_id,
    }
}

/// (table, count query, values) for every row of case 9 and its own incidents (9, 21, 33).
pub fn case_9_rows(added: &Added) -> Vec<(&'static str, String, Vec<SqlValue>)> {
    let c9: SqlValue = case(9).into();
    let own =
        || -> Vec<SqlValue> { vec![incident(9).into(), incident(21).into(), incident(33).into()] };
    let by_case = |table: &'static str| {
        (
            table,
            format!("SELECT COUNT(*) AS n FROM {table} WHERE case_id = ?"),
            vec![c9.clone()],
        )
    };
    let by_incident = |table: &'static str| {
        (
            table,
            format!("SELECT COUNT(*) AS n FROM {table} WHERE incident_id IN (?, ?, ?)"),
            own(),
        )
    };
    let mut assessment_values = vec![c9.clone()];
    assessment_values.extend(own());
    vec![
        (
            "asb_case",
            "SELECT COUNT(*) AS n FROM asb_case WHERE id = ?".into(),
            vec![c9.clone()],
        ),
        by_case("case_party"),
        by_case("case_share"),
        by_case("case_location"),
        by_case("case_action"),
        by_case("case_note"),
        by_case("case_review"),
        (
            "case_review_action",
            "SELECT COUNT(*) AS n FROM case_review_action WHERE review_id = ?".into(),
            vec![added.review.into()],
        ),
        by_case("intervention"),
        (
            "intervention_breach",
            "SELECT COUNT(*) AS n FROM intervention_breach WHERE intervention_id = ?".into(),
            vec![added.intervention.into()],
        ),
        by_case("document"),
        by_case("victim_contact"),
        by_case("victim_satisfaction"),
        (
            "risk_assessment",
            "SELECT COUNT(*) AS n FROM risk_assessment WHERE case_id = ? OR incident_id IN (?, ?, ?)"
                .into(),
            assessment_values,
        ),
        by_case("vulnerable_victim_queue"),
        by_case("alert"),
        (
            "alert_ack",
            "SELECT COUNT(*) AS n FROM alert_ack WHERE alert_id = ?".into(),
            vec![added.alert.into()],
        ),
        (
            "incident",
            "SELECT COUNT(*) AS n FROM incident WHERE id IN (?, ?, ?)".into(),
            own(),
        ),
        by_incident("incident_party"),
        by_incident("incident_flag"),
        by_incident("victim_flag"),
    ]
}

pub async fn counts(
    app: &TestApp,
    rows: &[(&'static str, String, Vec<SqlValue>)],
) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for (table, sql, values) in rows {
        out.push((*table, count_with(app, sql, values.clone()).await));
    }
    out
}
