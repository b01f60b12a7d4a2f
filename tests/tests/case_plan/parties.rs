//! addParty, removeParty and linkIncident.

use serde_json::json;
use tests::*;

use crate::*;

async fn party_rows(app: &TestApp, case: &str) -> i64 {
    rows(app, "case_party", &format!("case_id = {}", id_sql(case))).await
}

#[tokio::test]
async fn add_party_adds_a_visible_person_once_per_role() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let case = case_id(&police, POLICE_ONLY_CASE).await;
    // The perpetrator of another police case: visible to the police, not yet in this one.
    let other = load_case(&police, SHARED_POLICE_CASE).await;
    let person = str_of(&other["parties"][1]["person"]["id"]);
    let before = party_rows(&app, &case).await;

    let vars = json!({ "i": { "caseId": case, "personId": person, "role": "WITNESS" } });
    let a = police.query(ADD_PARTY, vars.clone()).await;
    let party = &a.ok()["addParty"];
    assert_eq!(party["role"], "witness");
    assert_eq!(party["person"]["id"], person.as_str());
    assert_eq!(party_rows(&app, &case).await, before + 1);
    let cond = format!(
        "case_id = {} AND person_id = {} AND role = 'witness'",
        id_sql(&case),
        id_sql(&person)
    );
    assert_eq!(rows(&app, "case_party", &cond).await, 1);
    assert_eq!(logged(&app, "addParty").await, 1);

    // The same person in the same role again: refused, nothing written.
    let again = police.query(ADD_PARTY, vars).await;
    assert_eq!(bad_field(&again), "personId");
    assert_eq!(party_rows(&app, &case).await, before + 1);
    assert_eq!(logged(&app, "addParty").await, 1);
}

#[tokio::test]
async fn add_party_refuses_a_person_the_user_cannot_see_as_bad_input() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let hidden = new_person(&police, "Hidden", None).await;
    let case = case_id(&council, SHARED_COUNCIL_CASE).await;
    let before = party_rows(&app, &case).await;

    for person in [hidden.clone(), uuid::Uuid::new_v4().to_string()] {
        let a = council
            .query(
                ADD_PARTY,
                json!({ "i": { "caseId": case, "personId": person, "role": "VICTIM" } }),
            )
            .await;
        assert_eq!(bad_field(&a), "personId");
        // The same answer whether or not the person exists.
        assert_eq!(a.errors()[0]["message"], "personId: no such person");
    }
    let bad_id = council
        .query(
            ADD_PARTY,
            json!({ "i": { "caseId": case, "personId": "nope", "role": "VICTIM" } }),
        )
        .await;
    assert_eq!(bad_field(&bad_id), "personId");
    assert_eq!(party_rows(&app, &case).await, before);
    assert_eq!(logged(&app, "addParty").await, 0);
}

#[tokio::test]
async fn add_and_remove_party_are_refused_without_the_write_permission_or_the_case() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let caseworker = app.login(CASEWORKER).await;
    let auditor = app.login(AUDITOR).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let shared = load_case(&police, SHARED_POLICE_CASE).await;
    let shared_id = str_of(&shared["id"]);
    let person = str_of(&shared["parties"][0]["person"]["id"]);
    let party = str_of(&shared["parties"][0]["id"]);
    let vars = json!({ "i": { "caseId": shared_id, "personId": person, "role": "WITNESS" } });
    let remove = "mutation($i: RemovePartyInput!) { removeParty(input: $i) }";
    let before = party_rows(&app, &shared_id).await;

    // Victim support can see the case and may update cases, but not write its parties.
    for s in [&caseworker, &auditor] {
        assert_eq!(s.query(ADD_PARTY, vars.clone()).await.code(), "FORBIDDEN");
        let a = s.query(remove, json!({ "i": { "partyId": party } })).await;
        assert_eq!(a.code(), "FORBIDDEN");
    }
    // The council cannot see this police case: it does not exist for them.
    let private = load_case(&police, POLICE_ONLY_CASE).await;
    let a = council
        .query(
            ADD_PARTY,
            json!({ "i": { "caseId": private["id"], "personId": person, "role": "WITNESS" } }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    let a = council
        .query(
            remove,
            json!({ "i": { "partyId": private["parties"][0]["id"] } }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    assert_eq!(party_rows(&app, &shared_id).await, before);
    assert_eq!(logged(&app, "addParty").await, 0);
    assert_eq!(logged(&app, "removeParty").await, 0);
}

#[tokio::test]
async fn remove_party_deletes_the_role_and_logs_it() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let c = load_case(&police, POLICE_ONLY_CASE).await;
    let case = str_of(&c["id"]);
    let party = str_of(&c["parties"][1]["id"]);
    let before = party_rows(&app, &case).await;

    let remove = "mutation($i: RemovePartyInput!) { removeParty(input: $i) }";
    let a = police
        .query(remove, json!({ "i": { "partyId": party } }))
        .await;
    assert_eq!(a.ok()["removeParty"], true);
    assert_eq!(party_rows(&app, &case).await, before - 1);
    assert_eq!(
        rows(&app, "case_party", &format!("id = {}", id_sql(&party))).await,
        0
    );
    assert_eq!(logged(&app, "removeParty").await, 1);

    // Gone: a second removal finds nothing, and writes nothing.
    let again = police
        .query(remove, json!({ "i": { "partyId": party } }))
        .await;
    assert_eq!(again.code(), "NOT_FOUND");
    assert_eq!(logged(&app, "removeParty").await, 1);
}

const LINK: &str = "mutation($i: LinkIncidentInput!) {
    linkIncident(input: $i) { id case { id } parties { person { id } } location { id } } }";

/// An incident the police reported that is in no case yet.
async fn unlinked_police_incident(s: &Session<'_>) -> String {
    let a = s
        .query(
            "{ incidents(filter: { withoutCase: true }, first: 50) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    str_of(&a.ok()["incidents"]["edges"][0]["node"]["id"])
}

#[tokio::test]
async fn link_incident_brings_its_people_and_location_into_the_case() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let case = case_id(&police, POLICE_ONLY_CASE).await;
    let incident = unlinked_police_incident(&police).await;
    let parties_before = party_rows(&app, &case).await;
    let locations_before = rows(
        &app,
        "case_location",
        &format!("case_id = {}", id_sql(&case)),
    )
    .await;

    let a = police
        .query(
            LINK,
            json!({ "i": { "caseId": case, "incidentId": incident } }),
        )
        .await;
    let linked = &a.ok()["linkIncident"];
    assert_eq!(linked["case"]["id"], case.as_str());
    let cond = format!("id = {} AND case_id = {}", id_sql(&incident), id_sql(&case));
    assert_eq!(rows(&app, "incident", &cond).await, 1);
    // The demo incidents without a case have a victim and a perpetrator from outside this case,
    // and a location this case does not have yet.
    assert_eq!(party_rows(&app, &case).await, parties_before + 2);
    for p in linked["parties"].as_array().unwrap() {
        let cond = format!(
            "case_id = {} AND person_id = {}",
            id_sql(&case),
            id_sql(&str_of(&p["person"]["id"]))
        );
        assert_eq!(rows(&app, "case_party", &cond).await, 1);
    }
    let location = str_of(&linked["location"]["id"]);
    let cond = format!(
        "case_id = {} AND location_id = {}",
        id_sql(&case),
        id_sql(&location)
    );
    assert_eq!(rows(&app, "case_location", &cond).await, 1);
    assert_eq!(
        rows(
            &app,
            "case_location",
            &format!("case_id = {}", id_sql(&case))
        )
        .await,
        locations_before + 1
    );
    assert_eq!(logged(&app, "linkIncident").await, 1);

    // Already in a case: refused, nothing written.
    let again = police
        .query(
            LINK,
            json!({ "i": { "caseId": case, "incidentId": incident } }),
        )
        .await;
    assert_eq!(bad_field(&again), "incidentId");
    assert_eq!(party_rows(&app, &case).await, parties_before + 2);
    assert_eq!(logged(&app, "linkIncident").await, 1);
}

#[tokio::test]
async fn link_incident_refuses_hidden_incidents_hidden_cases_and_missing_permission() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let caseworker = app.login(CASEWORKER).await;
    let incident = unlinked_police_incident(&police).await;
    let council_case = case_id(&council, SHARED_COUNCIL_CASE).await;
    let police_case = case_id(&police, POLICE_ONLY_CASE).await;
    let shared_case = case_id(&police, SHARED_POLICE_CASE).await;
    let unlinked = "case_id IS NULL";
    let before = rows(&app, "incident", unlinked).await;

    // The council cannot see a police incident that is in no case: no such incident.
    let a = council
        .query(
            LINK,
            json!({ "i": { "caseId": council_case, "incidentId": incident } }),
        )
        .await;
    assert_eq!(bad_field(&a), "incidentId");
    // ... nor the police-only case: not found.
    let a = council
        .query(
            LINK,
            json!({ "i": { "caseId": police_case, "incidentId": incident } }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    // Victim support may not write a case's incidents.
    let a = caseworker
        .query(
            LINK,
            json!({ "i": { "caseId": shared_case, "incidentId": incident } }),
        )
        .await;
    assert_eq!(a.code(), "FORBIDDEN");
    assert_eq!(rows(&app, "incident", unlinked).await, before);
    assert_eq!(logged(&app, "linkIncident").await, 0);
}
