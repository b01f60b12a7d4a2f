//! Contact with victims and their satisfaction: recorded with who, which agency and when; bad
//! input and denials write nothing.

use chrono::Utc;
use serde_json::{Value, json};
use tests::*;

use super::*;

const CONTACT: &str = r#"mutation($input: RecordVictimContactInput!) { recordVictimContact(input: $input) {
  id method outcome contactedAt byDedicatedOfficer contactedBy { email } agency { name } person { id } } }"#;

const SATISFACTION: &str = r#"mutation($input: RecordSatisfactionInput!) { recordSatisfaction(input: $input) {
  id score comments recordedAt recordedBy { email } agency { name } } }"#;

const AWAITING: &str = "{ victimsAwaitingContact(first: 50) { totalCount edges { node { person { id } case { id } } } } }";

fn contact(person: &str, case: &str) -> Value {
    json!({ "input": { "personId": person, "caseId": case, "method": "PHONE", "outcome": "Safety plan agreed" } })
}

#[tokio::test]
async fn a_dedicated_officer_records_contact_and_satisfaction() {
    let app = spawn_app().await;
    let caseworker = app.login(CASEWORKER).await;
    let (victim, case) = (demo("person", 0), demo("case", 0));
    assert_eq!(
        caseworker.query(AWAITING, json!({})).await.ok()["victimsAwaitingContact"]["totalCount"],
        1
    );

    let a = caseworker.query(CONTACT, contact(&victim, &case)).await;
    let c = &a.ok()["recordVictimContact"];
    assert_eq!(c["method"], "phone");
    assert_eq!(c["outcome"], "Safety plan agreed");
    assert_eq!(c["byDedicatedOfficer"], true);
    assert_eq!(c["contactedBy"]["email"], CASEWORKER);
    assert_eq!(c["agency"]["name"], "Northshire Victim Support");
    let at: chrono::DateTime<Utc> = c["contactedAt"].as_str().unwrap().parse().unwrap();
    assert!((Utc::now() - at).num_seconds().abs() < 60);
    // No longer waiting for a dedicated officer.
    assert_eq!(
        caseworker.query(AWAITING, json!({})).await.ok()["victimsAwaitingContact"]["totalCount"],
        0
    );

    let a = caseworker
        .query(SATISFACTION, json!({ "input": { "personId": victim, "caseId": case, "score": 5, "comments": "Listened to" } }))
        .await;
    let s = &a.ok()["recordSatisfaction"];
    assert_eq!(
        (s["score"].clone(), s["comments"].clone()),
        (json!(5), json!("Listened to"))
    );
    assert_eq!(s["recordedBy"]["email"], CASEWORKER);

    let a = caseworker
        .query(
            "query($id: ID!) { case(id: $id) { contacts { method contactedBy { email } } satisfaction { score } } }",
            json!({ "id": case }),
        )
        .await;
    let c = &a.ok()["case"];
    assert_eq!(c["contacts"].as_array().unwrap().len(), 1);
    assert_eq!(c["satisfaction"][0]["score"], 5);
    assert_eq!(app.log_count("recordVictimContact").await, 1);
    assert_eq!(app.log_count("recordSatisfaction").await, 1);
    // An officer's contact is recorded too, but is not a dedicated officer's.
    let officer = app.login(POLICE_OFFICER).await;
    let a = officer.query(CONTACT, contact(&victim, &case)).await;
    assert_eq!(a.ok()["recordVictimContact"]["byDedicatedOfficer"], false);
}

#[tokio::test]
async fn bad_input_and_denials_write_nothing() {
    let app = spawn_app().await;
    let caseworker = app.login(CASEWORKER).await;
    let (victim, perpetrator, case) = (demo("person", 0), demo("person", 1), demo("case", 0));
    let rows = || async {
        (
            app.count("SELECT COUNT(*) AS n FROM victim_contact").await,
            app.count("SELECT COUNT(*) AS n FROM victim_satisfaction")
                .await,
        )
    };
    let before = rows().await;

    for score in [0, 6, -1] {
        let a = caseworker
            .query(
                SATISFACTION,
                json!({ "input": { "personId": victim, "caseId": case, "score": score } }),
            )
            .await;
        assert_eq!(a.code(), "BAD_USER_INPUT", "{score}");
        assert_eq!(a.errors()[0]["extensions"]["field"], "score");
    }
    let mut empty = contact(&victim, &case);
    empty["input"]["outcome"] = json!("   ");
    let mut future = contact(&victim, &case);
    future["input"]["contactedAt"] = json!(iso(Utc::now() + days(1)));
    for (input, field) in [
        (empty, "outcome"),
        (future, "contactedAt"),
        (contact(&perpetrator, &case), "personId"),
        (contact("not-an-id", &case), "personId"),
    ] {
        let a = caseworker.query(CONTACT, input).await;
        assert_eq!(a.code(), "BAD_USER_INPUT", "{field}: {}", a.body);
        assert_eq!(a.errors()[0]["extensions"]["field"], field);
    }
    // Without the operation; and for a case the agency cannot see.
    let auditor = app.login(AUDITOR).await;
    assert_eq!(
        auditor.query(CONTACT, contact(&victim, &case)).await.code(),
        "FORBIDDEN"
    );
    let council = app.login(COUNCIL_OFFICER).await;
    assert_eq!(
        council.query(CONTACT, contact(&victim, &case)).await.code(),
        "NOT_FOUND"
    );
    let a = council
        .query(
            SATISFACTION,
            json!({ "input": { "personId": victim, "caseId": case, "score": 3 } }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");

    assert_eq!(rows().await, before);
    assert_eq!(app.log_count("recordVictimContact").await, 0);
    assert_eq!(app.log_count("recordSatisfaction").await, 0);
}
