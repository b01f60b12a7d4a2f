//! What an assessment linked to a case does to the case: its risk level is the highest final
//! level of its victims' latest assessments, its next review follows that level, and a high
//! assessment assigns it to the lead agency's dedicated vulnerable-victim officer or queues it.

use serde_json::{Value, json};
use tests::*;

use super::*;

const CASE: &str = r#"query($id: ID!) { case(id: $id) { riskLevel nextReviewAt version owner { email }
    riskAssessments { level person { id } } } }"#;

const QUEUE: &str = r#"{ vulnerableVictimQueue(first: 50) { totalCount
    edges { node { case { id } agency { name } assessment { level } queuedAt } } } }"#;

fn queued_cases(a: &Answer) -> Vec<String> {
    a.ok()["vulnerableVictimQueue"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            e["node"]["case"]["id"]
                .as_str()
                .expect("case id")
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_high_assessment_assigns_the_case_to_the_dedicated_officer() {
    let app = spawn_app().await;
    make_dedicated_officer(&app, POLICE_SUPERVISOR).await;
    let officer = app.login(POLICE_OFFICER).await;
    // Demo case 3: led by the police, standard risk, owned by the officer; victim person 6.
    let before = officer.query(CASE, json!({ "id": case(3) })).await;
    let before = &before.ok()["case"];
    assert_eq!(before["riskLevel"], "standard");
    assert_eq!(before["owner"]["email"], POLICE_OFFICER);
    let queue_rows = rows(&app, "vulnerable_victim_queue").await;

    let a = officer
        .query(SUBMIT, on_case(&person(6), &case(3), answers(SCORE_22)))
        .await;
    let r = &a.ok()["submitRiskAssessment"];
    assert_eq!(r["level"], "HIGH");
    assert_eq!(r["case"]["riskLevel"], "high");
    assert_eq!(r["case"]["owner"]["email"], POLICE_SUPERVISOR);
    assert_eq!(
        r["case"]["version"],
        before["version"].as_i64().unwrap() + 1
    );
    assert_eq!(days_from_now(&r["case"]["nextReviewAt"]), 14);
    assert_eq!(
        rows(&app, "vulnerable_victim_queue").await,
        queue_rows,
        "not queued"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM asb_case WHERE risk_level = 'high' AND version = 2")
            .await,
        1
    );
    assert_eq!(app.log_count("submitRiskAssessment").await, 1);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM access_log WHERE operation = 'submitRiskAssessment' \
             AND (detail LIKE '%22%' OR detail LIKE '%high%' OR detail LIKE '%score%')"
        )
        .await,
        0,
        "the log keeps the fact of the assessment, not its score or level"
    );

    // Demo case 0 (police, high) waits in the queue; now that the police name an officer, the
    // next high assessment assigns it and takes it off the queue.
    let q = officer.query(QUEUE, json!({})).await;
    assert!(queued_cases(&q).contains(&case(0)), "{}", q.body);
    let a = officer
        .query(SUBMIT, on_case(&person(0), &case(0), answers(SCORE_22)))
        .await;
    assert_eq!(
        a.ok()["submitRiskAssessment"]["case"]["owner"]["email"],
        POLICE_SUPERVISOR
    );
    let q = officer.query(QUEUE, json!({})).await;
    assert!(!queued_cases(&q).contains(&case(0)), "{}", q.body);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM vulnerable_victim_queue WHERE assigned_at IS NOT NULL"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn without_a_dedicated_officer_a_high_case_waits_in_the_queue() {
    let app = spawn_app().await;
    let housing = app.login(HOUSING_OFFICER).await;
    // Demo case 7: led by the housing association, standard risk; victim person 14.
    let q = housing.query(QUEUE, json!({})).await;
    let waiting_before = queued_cases(&q);
    assert!(!waiting_before.contains(&case(7)));
    let queue_rows = rows(&app, "vulnerable_victim_queue").await;

    let forced = answers(&[("self_harm", "yes")]);
    let a = housing
        .query(SUBMIT, on_case(&person(14), &case(7), forced.clone()))
        .await;
    let r = &a.ok()["submitRiskAssessment"];
    assert_eq!(r["level"], "HIGH");
    assert_eq!(r["case"]["riskLevel"], "high");
    assert_eq!(
        r["case"]["owner"]["email"], HOUSING_OFFICER,
        "nobody to assign"
    );
    assert_eq!(r["case"]["version"], 2);
    let q = housing.query(QUEUE, json!({})).await;
    let waiting = queued_cases(&q);
    assert_eq!(waiting.len(), waiting_before.len() + 1);
    let entry = q.ok()["vulnerableVictimQueue"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["case"]["id"] == case(7))
        .unwrap()["node"]
        .clone();
    assert_eq!(
        entry["agency"]["name"],
        "Riverside Homes Housing Association"
    );
    assert_eq!(entry["assessment"]["level"], "HIGH");

    // A second high assessment while it waits queues nothing more and changes nothing.
    let a = housing
        .query(SUBMIT, on_case(&person(14), &case(7), answers(SCORE_22)))
        .await;
    assert_eq!(a.ok()["submitRiskAssessment"]["case"]["version"], 2);
    assert_eq!(rows(&app, "vulnerable_victim_queue").await, queue_rows + 1);

    // The housing association names its officer; the next high assessment assigns the case
    // and takes it off the queue.
    make_dedicated_officer(&app, HOUSING_OFFICER).await;
    let a = housing
        .query(SUBMIT, on_case(&person(14), &case(7), forced))
        .await;
    assert_eq!(
        a.ok()["submitRiskAssessment"]["case"]["owner"]["email"],
        HOUSING_OFFICER
    );
    let q = housing.query(QUEUE, json!({})).await;
    assert!(!queued_cases(&q).contains(&case(7)));
    assert_eq!(rows(&app, "vulnerable_victim_queue").await, queue_rows + 1);
    assert_eq!(app.log_count("submitRiskAssessment").await, 3);
}

#[tokio::test]
async fn the_case_level_is_the_highest_of_its_victims_latest_assessments() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    // Demo case 9: led by the police, medium risk; victim person 18. A second victim joins it
    // through a new incident.
    let a = officer
        .query(
            r#"mutation($input: RecordIncidentInput!) { recordIncident(input: $input) {
                 parties { person { id } } } }"#,
            json!({ "input": {
                "occurredAt": "2026-11-20T21:30:00Z",
                "channel": "PHONE",
                "category": "PERSONAL",
                "subType": "harassment",
                "description": "Neighbour's friend also targeted on the landing",
                "caseId": case(9),
                "parties": [ { "part": "VICTIM",
                               "newPerson": { "givenName": "Ada", "familyName": "Quinn" } } ]
            }}),
        )
        .await;
    let second = a.ok()["recordIncident"]["parties"][0]["person"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let level_after = |a: &Answer| a.ok()["submitRiskAssessment"]["case"].clone();

    let steps: [(&str, Given, &str, i64); 4] = [
        // The new victim is high: the case is high.
        (&second, SCORE_22, "high", 14),
        // The first victim's latest is standard, the second's still high: still high.
        (&person(18), SCORE_11, "high", 14),
        // The second victim is now medium: the highest latest is medium.
        (&second, SCORE_12, "medium", 28),
        // Both standard.
        (&second, &[], "standard", 56),
    ];
    let mut version = 1;
    for (who, given, level, days) in steps {
        let a = officer
            .query(SUBMIT, on_case(who, &case(9), answers(given)))
            .await;
        let c = level_after(&a);
        assert_eq!(c["riskLevel"], level, "{given:?}");
        if c["version"].as_i64().unwrap() > version {
            assert_eq!(days_from_now(&c["nextReviewAt"]), days, "{level}");
        }
        version = c["version"].as_i64().unwrap();
    }
    // The level changed three times (medium -> high, high -> medium, medium -> standard); the
    // unchanged step kept the case's version and schedule.
    assert_eq!(version, 4);
    let c = officer.query(CASE, json!({ "id": case(9) })).await;
    let c = &c.ok()["case"];
    assert_eq!(
        c["riskAssessments"].as_array().unwrap().len(),
        5,
        "demo + 4"
    );
    assert_eq!(c["riskLevel"], "standard");
    assert_eq!(app.log_count("submitRiskAssessment").await, 4);
}

#[tokio::test]
async fn two_high_assessments_at_once_queue_the_case_once() {
    let app = spawn_app().await;
    let council = app.login(COUNCIL_OFFICER).await;
    // Demo case 11: led by the council, standard risk, shared with nobody; victim person 22.
    let queue_rows = rows(&app, "vulnerable_victim_queue").await;
    let input = on_case(&person(22), &case(11), answers(SCORE_22));
    let (a, b) = tokio::join!(
        council.query(SUBMIT, input.clone()),
        council.query(SUBMIT, input)
    );
    let versions: Vec<Value> = [&a, &b]
        .iter()
        .map(|x| x.ok()["submitRiskAssessment"]["case"]["version"].clone())
        .collect();
    assert!(versions.contains(&json!(2)), "{versions:?}");
    assert_eq!(rows(&app, "vulnerable_victim_queue").await, queue_rows + 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM asb_case WHERE risk_level = 'high' AND version = 2")
            .await,
        1
    );
    assert_eq!(app.log_count("submitRiskAssessment").await, 2);
}

/// An administrator names a dedicated vulnerable-victim officer; the agency's next high-risk
/// case goes to them rather than to the queue.
#[tokio::test]
async fn an_administrator_names_the_dedicated_officer_who_then_takes_high_risk_cases() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let a = admin
        .query(
            "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
            json!({ "i": {
                "agencyId": demo_id("agency", "council").to_string(),
                "email": "vvo@council.demo", "displayName": "Val Okoye",
                "password": "a-long-enough-password-1", "vulnerableVictimOfficer": true,
                "roleIds": [demo_id("role", "council_asb_officer").to_string()],
            }}),
        )
        .await;
    a.ok();
    let council = app.login(COUNCIL_OFFICER).await;
    // Demo case 11: council-led; person 22 is its victim.
    let a = council
        .query(SUBMIT, on_case(&person(22), &case(11), answers(SCORE_22)))
        .await;
    let case = &a.ok()["submitRiskAssessment"]["case"];
    assert_eq!(case["riskLevel"], "high");
    assert_eq!(case["owner"]["email"], "vvo@council.demo");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM vulnerable_victim_queue WHERE assigned_at IS NULL AND case_id IN (SELECT id FROM asb_case WHERE owner_id IN (SELECT id FROM app_user WHERE email = 'vvo@council.demo'))")
        .await,
        0
    );
}
