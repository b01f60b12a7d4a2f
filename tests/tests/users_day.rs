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

/// A supervisor lists the team's overdue actions, grouped by owner and team, in one query.
#[tokio::test]
async fn a_supervisor_lists_the_teams_overdue_actions() {
    let app = spawn_app().await;
    let supervisor = app.login(POLICE_SUPERVISOR).await;
    let a = supervisor
        .query(
            "{ overdueActions { totalCount edges { node { team owner { email } count oldestDueDate actions { description dueDate status } } } } }",
            json!({}),
        )
        .await;
    let groups = a.ok()["overdueActions"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!groups.is_empty(), "{}", a.body);
    let today = chrono::Utc::now().date_naive();
    let mut listed = 0;
    for g in &groups {
        let node = &g["node"];
        let actions = node["actions"].as_array().unwrap();
        assert_eq!(node["count"].as_u64().unwrap() as usize, actions.len());
        for action in actions {
            let due: chrono::NaiveDate = action["dueDate"].as_str().unwrap().parse().unwrap();
            assert!(due < today, "overdue only: {action}");
            assert_ne!(action["status"], "done");
            listed += 1;
        }
    }
    // Exactly the overdue open actions of cases the police may see.
    let expected = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM case_action a JOIN asb_case c ON c.id = a.case_id \
             WHERE a.status IN ('planned', 'in_progress') AND a.due_date < '{today}' AND c.status <> 'closed' AND \
             (c.lead_agency_id = (SELECT agency_id FROM app_user WHERE email = '{POLICE_SUPERVISOR}') \
              OR c.id IN (SELECT case_id FROM case_share WHERE revoked_at IS NULL AND agency_id = (SELECT agency_id FROM app_user WHERE email = '{POLICE_SUPERVISOR}')))"
        ))
        .await;
    assert_eq!(listed as i64, expected);
}
