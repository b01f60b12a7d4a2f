//! `subjectAccessExport`: the person's data across the agency's visible records only, through the
//! field policy, with the access history, logged as a disclosure; refusals write nothing.

use chrono::Utc;
use sea_orm::Value as SqlValue;
use serde_json::json;
use tests::*;
use uuid::Uuid;

use super::*;

/// Makes person 0 (victim of police case 0) also a witness in case 7 (housing, not shared with
/// police) and in its incident 7 (reported by the council): records the police may not see.
async fn add_hidden_links(app: &TestApp) {
    let now = Utc::now();
    execute(
        app,
        "INSERT INTO case_party (id, case_id, person_id, role, created_at, updated_at) \
         VALUES (?, ?, ?, 'witness', ?, ?)",
        vec![
            Uuid::new_v4().into(),
            case(7).into(),
            person(0).into(),
            now.into(),
            now.into(),
        ],
    )
    .await;
    execute(
        app,
        "INSERT INTO incident_party (id, incident_id, person_id, part, created_at) \
         VALUES (?, ?, ?, 'witness', ?)",
        vec![
            Uuid::new_v4().into(),
            incident(7).into(),
            person(0).into(),
            now.into(),
        ],
    )
    .await;
}

/// Incidents of `p` the police may see, by SQL: reported by police, or in a case police lead or
/// that is shared with them.
async fn police_visible_incidents_of(app: &TestApp, p: Uuid) -> Vec<String> {
    let police = agency("police");
    ids_with(
        app,
        "SELECT ip.incident_id AS id FROM incident_party ip JOIN incident i ON i.id = ip.incident_id \
         WHERE ip.person_id = ? AND (i.reporting_agency_id = ? OR i.case_id IN \
         (SELECT c.id FROM asb_case c WHERE c.lead_agency_id = ? OR c.id IN \
         (SELECT s.case_id FROM case_share s WHERE s.agency_id = ? AND s.revoked_at IS NULL)))",
        vec![p.into(), police.into(), police.into(), police.into()],
    )
    .await
}

#[tokio::test]
async fn the_export_holds_the_person_across_visible_records_only() {
    let app = spawn_app().await;
    add_hidden_links(&app).await;
    let p0 = person(0);
    // The hidden links exist: the export must leave them out, not fail to find them.
    assert_eq!(
        count_with(
            &app,
            "SELECT COUNT(*) AS n FROM incident_party WHERE person_id = ? AND incident_id IN (?, ?)",
            vec![p0.into(), incident(7).into(), incident(47).into()],
        )
        .await,
        2
    );
    // An officer reads the person: the access history must show it.
    let officer = app.login(POLICE_OFFICER).await;
    officer
        .query(
            "query($id: ID!) { person(id: $id) { givenName phone } }",
            json!({ "id": p0.to_string() }),
        )
        .await
        .ok();

    let dpo = app.login(POLICE_DPO).await;
    let doc = export_of(&dpo, p0).await;
    assert_eq!(doc["format"], "asb-hub/subject-access-export/v1");
    assert_eq!(doc["exportedBy"]["agency"]["name"], "Northshire Police");

    // The person's own fields.
    assert_eq!(doc["person"]["id"], p0.to_string());
    for f in [
        "givenName",
        "familyName",
        "dateOfBirth",
        "phone",
        "address",
        "consentToShare",
    ] {
        assert!(doc["person"].get(f).is_some(), "person.{f} missing: {doc}");
    }
    let phone_matches = count_with(
        &app,
        "SELECT COUNT(*) AS n FROM person WHERE id = ? AND phone = ? AND given_name = ?",
        vec![
            p0.into(),
            SqlValue::from(doc["person"]["phone"].as_str().expect("phone").to_string()),
            SqlValue::from(
                doc["person"]["givenName"]
                    .as_str()
                    .expect("name")
                    .to_string(),
            ),
        ],
    )
    .await;
    assert_eq!(phone_matches, 1);

    // Cases: case 0 (police) with the part played; not case 7 (housing, not shared).
    let cases = doc["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 1, "{doc}");
    assert_eq!(cases[0]["role"], "victim");
    let c0 = &cases[0]["case"];
    assert_eq!(c0["reference"], reference(0));
    assert!(c0["title"].is_string() && c0["policeIntelligence"].is_string());
    assert_eq!(c0["leadAgency"]["name"], "Northshire Police");
    assert!(!c0["notes"].as_array().expect("notes").is_empty());
    assert!(!c0["actions"].as_array().expect("actions").is_empty());
    assert!(c0["documents"].is_array() && c0["contacts"].is_array());

    // Incidents: exactly those the police may see, by SQL; not 7 or 47 (council, no police case).
    let incidents: Vec<&Value> = doc["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .map(|p| &p["incident"])
        .collect();
    let expected = police_visible_incidents_of(&app, p0).await;
    assert!(expected.len() >= 3);
    assert_eq!(ids_of(incidents.iter().copied()), expected);
    // Risk assessments: the demo assessed case 0's victim.
    let assessed = count_with(
        &app,
        "SELECT COUNT(*) AS n FROM risk_assessment WHERE person_id = ?",
        vec![p0.into()],
    )
    .await;
    assert!(assessed > 0);
    assert_eq!(
        doc["riskAssessments"]
            .as_array()
            .expect("assessments")
            .len() as i64,
        assessed
    );

    // Nothing of the hidden records, anywhere in the document.
    let text = doc.to_string();
    for hidden in [
        case(7).to_string(),
        reference(7),
        incident(7).to_string(),
        incident(47).to_string(),
    ] {
        assert!(!text.contains(&hidden), "{hidden} leaked into the export");
    }

    // The access history shows the officer's read, naming fields and never values.
    let history = doc["accessHistory"].as_array().expect("history");
    let read = history
        .iter()
        .find(|e| e["operation"] == "consult" && e["entityId"] == p0.to_string())
        .expect("the officer's read");
    assert_eq!(read["user"]["displayName"], "PC Sam Okafor");
    assert_eq!(read["agency"]["name"], "Northshire Police");
    assert_eq!(read["entity"], "Person");
    assert!(read["at"].is_string());
    assert_eq!(read["fields"], json!(["givenName", "phone"]));

    // The export is logged as a disclosure by the DPO, naming the person fields it held.
    assert_eq!(app.log_count("subjectAccessExport").await, 1);
    assert_eq!(
        count_with(
            &app,
            "SELECT COUNT(*) AS n FROM access_log WHERE operation = 'subjectAccessExport' \
             AND entity = 'Person' AND entity_id = ? AND user_id = ? AND agency_id = ? \
             AND outcome = 'success' AND detail LIKE 'disclosure%' AND fields LIKE '%givenName%'",
            vec![
                p0.to_string().into(),
                user(POLICE_DPO).into(),
                agency("police").into()
            ],
        )
        .await,
        1
    );
    // A second export shows the first in its history.
    let again = export_of(&dpo, p0).await;
    assert!(
        again["accessHistory"]
            .as_array()
            .expect("history")
            .iter()
            .any(|e| e["operation"] == "subjectAccessExport"
                && e["user"]["id"] == user(POLICE_DPO).to_string())
    );
}

#[tokio::test]
async fn fields_the_role_may_not_read_are_absent() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let dpo_role = demo_id("role", "data_protection_officer");
    let set = "mutation($i: FieldPermissionInput!) { setFieldPermission(input: $i) { id } }";
    for (t, f) in [("Person", "dateOfBirth"), ("Case", "policeIntelligence")] {
        admin
            .query(
                set,
                json!({ "i": { "roleId": dpo_role.to_string(), "typeName": t, "fieldName": f, "read": false, "write": false } }),
            )
            .await
            .ok();
    }
    let dpo = app.login(POLICE_DPO).await;
    let doc = export_of(&dpo, person(0)).await;
    assert!(doc["person"].get("dateOfBirth").is_none(), "{doc}");
    assert!(doc["person"]["familyName"].is_string());
    let c0 = &doc["cases"][0]["case"];
    assert!(c0.get("policeIntelligence").is_none(), "{c0}");
    assert!(c0["title"].is_string());
    // Without `Person.cases` the whole section is absent.
    admin
        .query(
            set,
            json!({ "i": { "roleId": dpo_role.to_string(), "typeName": "Person", "fieldName": "cases", "read": false, "write": false } }),
        )
        .await
        .ok();
    let doc = export_of(&dpo, person(0)).await;
    assert!(doc.get("cases").is_none(), "{doc}");
    assert!(doc["incidents"].is_array());

    // Victim support, given the operation, sees a victim's contact details through its
    // `Victim` grants, and not a perpetrator's.
    let vs_role = demo_id("role", "victim_caseworker");
    admin
        .query(
            "mutation($r: ID!) { grantOperation(roleId: $r, operation: \"SUBJECT_ACCESS_EXPORT\") { id } }",
            json!({ "r": vs_role.to_string() }),
        )
        .await
        .ok();
    let caseworker = app.login(CASEWORKER).await;
    let victim = export_of(&caseworker, person(0)).await;
    assert!(victim["person"]["phone"].is_string(), "{victim}");
    assert!(victim["person"].get("dateOfBirth").is_none());
    let perpetrator = export_of(&caseworker, person(1)).await;
    assert!(perpetrator["person"]["familyName"].is_string());
    assert!(
        perpetrator["person"].get("phone").is_none(),
        "{perpetrator}"
    );
    // Nor may it read the case's police intelligence, or incidents at all.
    let c = &victim["cases"][0]["case"];
    assert!(c["title"].is_string() && c.get("policeIntelligence").is_none());
    assert!(victim.get("incidents").is_none());
}

#[tokio::test]
async fn the_export_is_refused_without_the_grant_and_outside_the_scope() {
    let app = spawn_app().await;
    for email in [POLICE_OFFICER, POLICE_SUPERVISOR, ADMIN, AUDITOR] {
        let s = app.login(email).await;
        let a = s.query(EXPORT, json!({ "p": person(0).to_string() })).await;
        assert_eq!(a.code(), "FORBIDDEN", "{email}");
        assert!(a.data().is_null() || a.data()["subjectAccessExport"].is_null());
    }
    let dpo = app.login(POLICE_DPO).await;
    // Person 15 (council-created perpetrator of housing case 7, never in a police record), an
    // unknown id: both not found.
    for p in [person(15), Uuid::new_v4()] {
        let a = dpo.query(EXPORT, json!({ "p": p.to_string() })).await;
        assert_eq!(a.code(), "NOT_FOUND", "{p}");
    }
    let a = dpo.query(EXPORT, json!({ "p": "not-an-id" })).await;
    assert_eq!(a.code(), "BAD_USER_INPUT");
    assert_eq!(a.errors()[0]["extensions"]["field"], "personId");
    assert_eq!(app.log_count("subjectAccessExport").await, 0);
    // The police officer cannot see person 15 either: the same scope.
    let officer = app.login(POLICE_OFFICER).await;
    let a = officer
        .query(
            "query($id: ID!) { person(id: $id) { id } }",
            json!({ "id": person(15).to_string() }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    // The council's DPO may export the person the council created.
    let council = app.login(COUNCIL_DPO).await;
    let doc = export_of(&council, person(15)).await;
    assert_eq!(doc["person"]["id"], person(15).to_string());
    assert_eq!(app.log_count("subjectAccessExport").await, 1);
}
