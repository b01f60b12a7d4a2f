//! `eraseRecord`: a due record and every row that hangs off it go in one transaction, with one
//! access-log entry naming the reason and holding none of the erased values; refusals write
//! nothing.

use chrono::{Duration, Utc};
use sea_orm::Value as SqlValue;
use serde_json::json;
use tests::*;

use super::{
    case_9::{case_9_rows, counts, enrich_case_9},
    *,
};

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
