//! `eraseRecord`: a due record and every row that hangs off it go in one transaction, with one
//! access-log entry naming the reason and holding none of the erased values; refusals write
//! nothing.

use chrono::{Duration, Utc};
use entity::{
    alert, alert_ack, case_location, case_note, case_review, case_review_action, case_share,
    document, intervention, intervention_breach, victim_contact, victim_satisfaction,
    vulnerable_victim_queue,
};
use sea_orm::{ActiveValue::Set, EntityTrait, Value as SqlValue};
use serde_json::json;
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
struct Added {
    review: Uuid,
    intervention: Uuid,
    alert: Uuid,
}

/// Gives case 9 (police, closed two days ago) a row in every table that can refer to a case, and
/// links a council incident (47) to it.
async fn enrich_case_9(app: &TestApp) -> Added {
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
fn case_9_rows(added: &Added) -> Vec<(&'static str, String, Vec<SqlValue>)> {
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

async fn counts(
    app: &TestApp,
    rows: &[(&'static str, String, Vec<SqlValue>)],
) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for (table, sql, values) in rows {
        out.push((*table, count_with(app, sql, values.clone()).await));
    }
    out
}

const REASON: &str = "Retention period passed; no policing purpose remains";

#[tokio::test]
async fn erasing_a_case_removes_every_dependent_row_and_logs_once() {
    let app = spawn_app().await;
    let added = enrich_case_9(&app).await;
    let officer = app.login(POLICE_OFFICER).await;
    let dpo = app.login(POLICE_DPO).await;
    let before_export = export_of(&dpo, person(18)).await;
    let mut refs: Vec<String> = before_export["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["case"]["reference"].as_str().expect("ref").to_string())
        .collect();
    refs.sort();
    assert_eq!(refs, vec![reference(0), reference(9)]);
    let case_q = "query($id: ID!) { case(id: $id) { title policeIntelligence } }";
    let content = officer
        .query(case_q, json!({ "id": case(9).to_string() }))
        .await;
    let title = content.ok()["case"]["title"]
        .as_str()
        .expect("title")
        .to_string();
    let intel = content.ok()["case"]["policeIntelligence"]
        .as_str()
        .expect("intel")
        .to_string();

    set_policy(&dpo, agency("police"), "CASE", 1).await.ok();
    let rows = case_9_rows(&added);
    let before = counts(&app, &rows).await;
    for (table, n) in &before {
        assert!(
            *n > 0,
            "no {table} row to erase: the test would prove nothing"
        );
    }
    let log_before = app.count("SELECT COUNT(*) AS n FROM access_log").await;

    let a = erase(&dpo, "CASE", case(9), Some(REASON)).await;
    let report = &a.ok()["eraseRecord"];
    assert_eq!(report["recordType"], "CASE");
    assert_eq!(report["id"], case(9).to_string());
    let expected: i64 = before.iter().map(|(_, n)| n).sum();
    assert_eq!(report["rowsErased"], expected, "{before:?}");
    assert_eq!(report["incidentsUnlinked"], 1);

    let after = counts(&app, &rows).await;
    for (table, n) in &after {
        assert_eq!(*n, 0, "{table} rows of the erased case remain");
    }
    // The council's incident stays, out of the case; the people stay.
    assert_eq!(
        count_with(
            &app,
            "SELECT COUNT(*) AS n FROM incident WHERE id = ? AND case_id IS NULL",
            vec![incident(47).into()],
        )
        .await,
        1
    );
    assert_eq!(
        count_with(
            &app,
            "SELECT COUNT(*) AS n FROM person WHERE id IN (?, ?)",
            vec![person(18).into(), person(19).into()],
        )
        .await,
        2
    );

    // Exactly one new entry: the erasure, by the DPO, with the reason.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM access_log").await,
        log_before + 1
    );
    assert_eq!(
        count_with(
            &app,
            "SELECT COUNT(*) AS n FROM access_log WHERE operation = 'eraseRecord' AND entity = 'Case' \
             AND entity_id = ? AND user_id = ? AND detail LIKE ?",
            vec![
                case(9).to_string().into(),
                user(POLICE_DPO).into(),
                format!("%{REASON}%").into(),
            ],
        )
        .await,
        1
    );
    // No erased value anywhere in the log.
    for value in [reference(9), title, intel] {
        let pattern = format!("%{value}%");
        let n = count_with(
            &app,
            "SELECT COUNT(*) AS n FROM access_log WHERE detail LIKE ? OR entity_id LIKE ? OR fields LIKE ?",
            vec![pattern.clone().into(), pattern.clone().into(), pattern.into()],
        )
        .await;
        assert_eq!(n, 0, "{value} is in the access log");
    }

    // Not found anywhere any more.
    let a = officer
        .query(case_q, json!({ "id": case(9).to_string() }))
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    let a = officer
        .query(
            "query($r: String!) { caseByReference(reference: $r) { id } }",
            json!({ "r": reference(9) }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    let a = officer
        .query(
            "query($id: ID!) { incident(id: $id) { id } }",
            json!({ "id": incident(9).to_string() }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    let doc = export_of(&dpo, person(18)).await;
    let refs: Vec<&str> = doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["case"]["reference"].as_str().expect("ref"))
        .collect();
    assert_eq!(refs, vec![reference(0).as_str()]);
    let text = doc.to_string();
    for gone in [case(9), incident(9), incident(21), incident(33)] {
        assert!(!text.contains(&gone.to_string()), "{gone} still exported");
    }
    let (due, _) = all_due(&dpo, 10).await;
    assert!(due.iter().all(|r| r["id"] != case(9).to_string()));
    // Erasing it again: it is not there.
    assert_eq!(
        erase(&dpo, "CASE", case(9), Some(REASON)).await.code(),
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn erasure_refusals_write_nothing() {
    let app = spawn_app().await;
    let dpo = app.login(POLICE_DPO).await;
    set_policy(&dpo, agency("police"), "CASE", 1).await.ok();
    set_policy(&dpo, agency("police"), "PERSON", 1).await.ok();
    let case_rows = "SELECT COUNT(*) AS n FROM case_party WHERE case_id = ?";
    assert_eq!(count_with(&app, case_rows, vec![case(9).into()]).await, 2);

    // A reason is required, and must not repeat the record's content.
    for reason in [None, Some(""), Some("   "), Some("ok")] {
        let a = erase(&dpo, "CASE", case(9), reason).await;
        assert_eq!(a.code(), "BAD_USER_INPUT", "{reason:?}");
        assert_eq!(a.errors()[0]["extensions"]["field"], "reason");
    }
    let a = erase(
        &dpo,
        "CASE",
        case(9),
        Some(&format!("Erase {}", reference(9))),
    )
    .await;
    assert_eq!(a.code(), "BAD_USER_INPUT");
    assert_eq!(a.errors()[0]["extensions"]["field"], "reason");
    // Another agency's case: housing's case 4 is shared with the police (and closed), the
    // council's case 5 is not shared.
    assert_eq!(
        erase(&dpo, "CASE", case(4), Some(REASON)).await.code(),
        "FORBIDDEN"
    );
    assert_eq!(
        erase(&dpo, "CASE", case(5), Some(REASON)).await.code(),
        "NOT_FOUND"
    );
    // Not due: an active case; a person still in cases, however old.
    let a = erase(&dpo, "CASE", case(0), Some(REASON)).await;
    assert_eq!(a.code(), "CONFLICT");
    execute(
        &app,
        "UPDATE person SET updated_at = ? WHERE id = ?",
        vec![(Utc::now() - Duration::days(30)).into(), person(0).into()],
    )
    .await;
    assert_eq!(
        erase(&dpo, "PERSON", person(0), Some(REASON)).await.code(),
        "CONFLICT"
    );
    // Without the grant.
    let officer = app.login(POLICE_OFFICER).await;
    assert_eq!(
        erase(&officer, "CASE", case(9), Some(REASON)).await.code(),
        "FORBIDDEN"
    );
    // Not due under six years.
    set_policy(&dpo, agency("police"), "CASE", 2190).await.ok();
    assert_eq!(
        erase(&dpo, "CASE", case(9), Some(REASON)).await.code(),
        "CONFLICT"
    );

    assert_eq!(app.log_count("eraseRecord").await, 0);
    assert_eq!(count_with(&app, case_rows, vec![case(9).into()]).await, 2);
    assert_eq!(
        count_with(
            &app,
            "SELECT COUNT(*) AS n FROM asb_case WHERE id IN (?, ?, ?)",
            vec![case(9).into(), case(4).into(), case(0).into()]
        )
        .await,
        3
    );
}

#[tokio::test]
async fn erasing_an_incident_and_a_person() {
    let app = spawn_app().await;
    let dpo = app.login(POLICE_DPO).await;
    let police = agency("police");
    set_policy(&dpo, police, "INCIDENT", 1).await.ok();
    set_policy(&dpo, police, "PERSON", 5).await.ok();
    let family = "Quillfeather";
    let stale = stale_person(&app, family, 10).await;

    // Incident 36: police, no case, at least two days old.
    let i36 = incident(36);
    let parts = "SELECT COUNT(*) AS n FROM incident_party WHERE incident_id = ?";
    assert_eq!(count_with(&app, parts, vec![i36.into()]).await, 2);
    let a = erase(&dpo, "INCIDENT", i36, Some(REASON)).await;
    assert!(a.ok()["eraseRecord"]["rowsErased"].as_i64().expect("rows") >= 3);
    assert_eq!(count_with(&app, parts, vec![i36.into()]).await, 0);
    for table in ["incident_flag", "victim_flag", "risk_assessment", "alert"] {
        let n = count_with(
            &app,
            &format!("SELECT COUNT(*) AS n FROM {table} WHERE incident_id = ?"),
            vec![i36.into()],
        )
        .await;
        assert_eq!(n, 0, "{table}");
    }
    let officer = app.login(POLICE_OFFICER).await;
    let a = officer
        .query(
            "query($id: ID!) { incident(id: $id) { id } }",
            json!({ "id": i36.to_string() }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    // A council incident is not the police's to erase (nor to see).
    assert_eq!(
        erase(&dpo, "INCIDENT", incident(39), Some(REASON))
            .await
            .code(),
        "NOT_FOUND"
    );

    // A person nothing refers to, unchanged for ten days.
    let a = erase(
        &dpo,
        "PERSON",
        stale,
        Some(&format!("Olwen {family} left the area")),
    )
    .await;
    assert_eq!(a.errors()[0]["extensions"]["field"], "reason");
    let a = erase(&dpo, "PERSON", stale, Some(REASON)).await;
    assert_eq!(a.ok()["eraseRecord"]["rowsErased"], 1);
    assert_eq!(
        count_with(
            &app,
            "SELECT COUNT(*) AS n FROM person WHERE id = ?",
            vec![stale.into()]
        )
        .await,
        0
    );
    let a = officer
        .query(
            "query($id: ID!) { person(id: $id) { id } }",
            json!({ "id": stale.to_string() }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    assert_eq!(app.log_count("eraseRecord").await, 2);
    let pattern: SqlValue = format!("%{family}%").into();
    assert_eq!(
        count_with(
            &app,
            "SELECT COUNT(*) AS n FROM access_log WHERE detail LIKE ? OR entity_id LIKE ? OR fields LIKE ?",
            vec![pattern.clone(), pattern.clone(), pattern],
        )
        .await,
        0
    );
    // The person's earlier entries (their creation) stay: the log is append-only.
    assert_eq!(
        count_with(
            &app,
            "SELECT COUNT(*) AS n FROM access_log WHERE entity = 'Person' AND entity_id = ?",
            vec![stale.to_string().into()],
        )
        .await,
        2
    );
}
