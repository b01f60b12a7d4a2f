//! The users' day, as DOMAIN.md describes it, each step one query or mutation.

use serde_json::json;
use tests::*;

/// A housing officer opens their cases due for review this week, updates the tenancy section,
/// adds an action, and notes a warning letter.
#[tokio::test]
async fn a_housing_officers_morning() {
    let app = spawn_app().await;
    let housing = app.login(HOUSING_OFFICER).await;
    let week_ahead = (chrono::Utc::now() + chrono::Duration::days(60)).to_rfc3339();

    // 1. My cases due for review (all the demo's reviews fall within the window used here).
    let due = housing
        .query(
            r#"query($to: DateTime!) { cases(filter: { mine: true, nextReview: { to: $to } }, sort: { field: CREATED_AT, direction: ASC }) {
                 totalCount edges { node { id reference version nextReviewAt tenancyDetails } } } }"#,
            json!({ "to": week_ahead }),
        )
        .await;
    let edges = due.ok()["cases"]["edges"].as_array().unwrap().clone();
    assert!(!edges.is_empty());
    let case = &edges[0]["node"];
    let (id, version) = (
        case["id"].as_str().unwrap().to_string(),
        case["version"].as_i64().unwrap(),
    );

    // 2. Update the tenancy section.
    let a = housing
        .query(
            "mutation($i: UpdateCaseInput!) { updateCase(input: $i) { version tenancyDetails } }",
            json!({ "i": { "id": id, "version": version, "tenancyDetails": "Tenant warned under clause 4.2 (nuisance)" } }),
        )
        .await;
    assert_eq!(
        a.ok()["updateCase"]["tenancyDetails"],
        "Tenant warned under clause 4.2 (nuisance)"
    );

    // 3. Add an action for the housing association.
    let agency = housing
        .query("{ viewer { agency { id } } }", json!({}))
        .await
        .ok()["viewer"]["agency"]["id"]
        .clone();
    let due_date = (chrono::Utc::now() + chrono::Duration::days(14))
        .format("%Y-%m-%d")
        .to_string();
    let a = housing
        .query(
            "mutation($i: AddActionInput!) { addAction(input: $i) { id description dueDate status } }",
            json!({ "i": { "caseId": id, "description": "Tenancy audit visit", "ownerAgencyId": agency, "dueDate": due_date } }),
        )
        .await;
    assert_eq!(a.ok()["addAction"]["description"], "Tenancy audit visit");

    // 4. Note the warning letter.
    let a = housing
        .query(
            "mutation($i: AddNoteInput!) { addNote(input: $i) { body author { email } } }",
            json!({ "i": { "caseId": id, "body": "Warning letter sent to the tenant by first-class post" } }),
        )
        .await;
    assert_eq!(a.ok()["addNote"]["author"]["email"], HOUSING_OFFICER);

    // Everything is on the case, and each change left one access-log entry.
    let a = housing
        .query(
            "query($id: ID!) { case(id: $id) { tenancyDetails actions { description } notes { body } } }",
            json!({ "id": id }),
        )
        .await;
    let c = &a.ok()["case"];
    assert!(
        c["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["description"] == "Tenancy audit visit")
    );
    assert!(
        c["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["body"].as_str().unwrap().contains("Warning letter"))
    );
    for op in ["updateCase", "addAction", "addNote"] {
        assert_eq!(app.log_count(op).await, 1, "{op}");
    }
}

/// A police officer records an incident from a call, first for a new victim, then for an
/// existing one found by name.
#[tokio::test]
async fn a_call_handler_records_incidents_for_new_and_existing_victims() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let record = r#"mutation($i: RecordIncidentInput!) { recordIncident(input: $i) { id parties { part person { id familyName } } } }"#;
    let base = json!({
        "occurredAt": "2026-11-26T23:10:00Z", "channel": "PHONE", "category": "NUISANCE",
        "subType": "noise", "description": "Loud music from the flat above after midnight",
        "location": { "address": "3 Canal View, Eastbrook", "postcode": "EB2 4EF", "ward": "Riverside Ward" }
    });
    let mut first = base.clone();
    first["parties"] = json!([{ "part": "VICTIM", "newPerson": { "givenName": "Priya", "familyName": "Lindqvist", "phone": "07700 900444" } }]);
    let a = officer.query(record, json!({ "i": first })).await;
    let victim = a.ok()["recordIncident"]["parties"][0]["person"]["id"].clone();

    // The next call: find the caller, then record against the existing record.
    let found = officer
        .query(
            "{ people(filter: { search: \"lindq\" }) { edges { node { id familyName } } } }",
            json!({}),
        )
        .await;
    assert_eq!(found.ok()["people"]["edges"][0]["node"]["id"], victim);
    let mut second = base.clone();
    second["parties"] = json!([{ "part": "VICTIM", "personId": victim }]);
    let a = officer.query(record, json!({ "i": second })).await;
    assert_eq!(
        a.ok()["recordIncident"]["parties"][0]["person"]["id"],
        victim
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM person WHERE family_name = 'Lindqvist'")
            .await,
        1,
        "no duplicate person"
    );
    assert_eq!(app.log_count("recordIncident").await, 2);
}
