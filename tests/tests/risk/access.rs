//! Who may assess and read assessments, row scope, `Incident.assessmentRequired`, and the demo
//! questionnaire and assessments.

use api::seed::demo_id;
use serde_json::{Value, json};
use tests::*;

use super::*;

const SMALL: &str = r#"mutation($input: SubmitRiskAssessmentInput!) {
  submitRiskAssessment(input: $input) { id score level } }"#;

#[tokio::test]
async fn only_roles_with_assess_risk_may_assess() {
    let app = spawn_app().await;
    let before = rows(&app, "risk_assessment").await;
    // Demo case 0 is shared with victim support; its victim is person 0.
    let input = on_case(&person(0), &case(0), answers(SCORE_12));
    for email in [ADMIN, AUDITOR] {
        let s = app.login(email).await;
        assert_eq!(
            s.query(SMALL, input.clone()).await.code(),
            "FORBIDDEN",
            "{email}"
        );
        let q = s.query("{ riskQuestionnaire { id } }", json!({})).await;
        assert_eq!(q.code(), "FORBIDDEN", "{email}");
    }
    // Administrators manage the questionnaire but read no assessment.
    let admin = app.login(ADMIN).await;
    let list = admin
        .query(
            "{ riskQuestionnaires { name versions { version inForce questions { key } } } }",
            json!({}),
        )
        .await;
    let versions = &list.ok()["riskQuestionnaires"][0]["versions"];
    assert_eq!(versions[0]["questions"].as_array().unwrap().len(), 15);
    let read = admin
        .query(
            "query($id: ID!) { riskAssessment(id: $id) { id } }",
            json!({ "id": demo_id("risk_assessment", 0).to_string() }),
        )
        .await;
    assert_eq!(read.code(), "FORBIDDEN");

    // Victim support assesses victims of cases shared with it...
    let caseworker = app.login(CASEWORKER).await;
    let a = caseworker.query(SMALL, input.clone()).await;
    assert_eq!(a.ok()["submitRiskAssessment"]["level"], "MEDIUM");
    let read = caseworker
        .query(
            r#"query($id: ID!) { case(id: $id) { riskAssessments {
                 level score assessedBy { email } answers { questionKey } person { givenName } } } }"#,
            json!({ "id": case(0) }),
        )
        .await;
    let list = read.ok()["case"]["riskAssessments"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(list.len(), 2, "the demo assessment and this one");
    assert_eq!(list[1]["assessedBy"]["email"], CASEWORKER);
    // ...until its role loses ASSESS_RISK, which applies at the next request.
    let revoke = admin
        .query(
            r#"mutation($r: ID!) { revokeOperation(roleId: $r, operation: "ASSESS_RISK") { id } }"#,
            json!({ "r": demo_id("role", "victim_caseworker").to_string() }),
        )
        .await;
    revoke.ok();
    assert_eq!(caseworker.query(SMALL, input).await.code(), "FORBIDDEN");
    assert_eq!(rows(&app, "risk_assessment").await, before + 1);
    assert_eq!(app.log_count("submitRiskAssessment").await, 1);
}

#[tokio::test]
async fn assessments_outside_the_users_scope_are_not_found() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let before = (
        rows(&app, "risk_assessment").await,
        rows(&app, "access_log").await,
    );
    let cases = [
        // Demo case 5: led by the council, shared with nobody (its victim, person 10, is visible
        // to the police through incidents they reported).
        on_case(&person(10), &case(5), answers(SCORE_12)),
        // An unknown person.
        on_incident(
            &uuid::Uuid::new_v4().to_string(),
            &incident(36),
            answers(SCORE_12),
        ),
        // Incident 39: reported by the council, no case; its victim is person 27.
        on_incident(&person(27), &incident(39), answers(SCORE_12)),
    ];
    for input in cases {
        let a = officer.query(SMALL, input).await;
        assert_eq!(a.code(), "NOT_FOUND", "{}", a.body);
    }
    assert_eq!(
        (
            rows(&app, "risk_assessment").await,
            rows(&app, "access_log").await
        ),
        before,
        "nothing written, nothing logged"
    );

    // Reading: the demo assessment of case 5 is the council's to see.
    let q = "query($id: ID!) { riskAssessment(id: $id) { level case { id } } }";
    let id = json!({ "id": demo_id("risk_assessment", 5).to_string() });
    assert_eq!(officer.query(q, id.clone()).await.code(), "NOT_FOUND");
    let a = council.query(q, id).await;
    assert_eq!(a.ok()["riskAssessment"]["level"], "MEDIUM");
    assert_eq!(a.ok()["riskAssessment"]["case"]["id"], case(5));
    let p = "query($id: ID!) { person(id: $id) { riskAssessments { level } } }";
    let mine = officer.query(p, json!({ "id": person(10) })).await;
    assert_eq!(mine.ok()["person"]["riskAssessments"], json!([]));
    let theirs = council.query(p, json!({ "id": person(10) })).await;
    assert_eq!(
        theirs.ok()["person"]["riskAssessments"],
        json!([{ "level": "MEDIUM" }])
    );
}

#[tokio::test]
async fn an_incident_requires_an_assessment_until_its_victim_has_one() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let q = "query($id: ID!) { incident(id: $id) { assessmentRequired } }";
    let required = |a: Answer| a.ok()["incident"]["assessmentRequired"].clone();
    // Incident 36's victim (person 24) was never assessed; incident 0's (person 0, case 0) was.
    assert_eq!(
        required(officer.query(q, json!({ "id": incident(36) })).await),
        true
    );
    assert_eq!(
        required(officer.query(q, json!({ "id": incident(0) })).await),
        false
    );

    let a = officer
        .query(SMALL, on_incident(&person(24), &incident(36), answers(&[])))
        .await;
    a.ok();
    assert_eq!(
        required(officer.query(q, json!({ "id": incident(36) })).await),
        false
    );

    // One statement for a whole page, however long.
    let list = "query($first: Int) { incidents(first: $first) { edges { node { id assessmentRequired } } } }";
    let measure = |first: i64| {
        let officer = &officer;
        let app = &app;
        async move {
            let before = app.statements().await;
            let a = officer.query(list, json!({ "first": first })).await;
            let nodes = a.ok()["incidents"]["edges"].as_array().unwrap().clone();
            let flags: Vec<Value> = nodes
                .iter()
                .map(|e| e["node"]["assessmentRequired"].clone())
                .collect();
            assert!(flags.iter().all(Value::is_boolean), "{flags:?}");
            (app.statements().await - before, nodes.len())
        }
    };
    let (small, n_small) = measure(2).await;
    let (large, n_large) = measure(40).await;
    assert!(n_large >= n_small + 10, "{n_small} vs {n_large}");
    assert!(
        large <= small + 1 && small <= large + 1,
        "statements for {n_small} incidents: {small}, for {n_large}: {large}"
    );
}

#[tokio::test]
async fn the_demo_has_a_questionnaire_and_high_medium_and_standard_victims() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let q = officer
        .query(
            "{ riskQuestionnaire { version inForce mediumThreshold highThreshold questions { key kind } forcedHigh { questionKey answer } } }",
            json!({}),
        )
        .await;
    let v = &q.ok()["riskQuestionnaire"];
    assert_eq!(v["version"], 1);
    assert_eq!(v["inForce"], true);
    assert_eq!(
        (v["mediumThreshold"].clone(), v["highThreshold"].clone()),
        (json!(12), json!(22))
    );
    assert_eq!(v["questions"].as_array().unwrap().len(), 15);
    assert_eq!(
        v["forcedHigh"],
        json!([{ "questionKey": "self_harm", "answer": "yes" }])
    );
    for (level, n) in [("high", 3), ("medium", 6), ("standard", 3)] {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) AS n FROM risk_assessment WHERE level = '{level}'"
            ))
            .await,
            n,
            "{level}"
        );
    }
    // No demo lead agency names a dedicated officer: the three high cases wait.
    let queue = officer
        .query("{ vulnerableVictimQueue { totalCount } }", json!({}))
        .await;
    assert_eq!(queue.ok()["vulnerableVictimQueue"]["totalCount"], 3);

    // Seeding again adds nothing.
    let tables = [
        "risk_questionnaire",
        "risk_questionnaire_version",
        "risk_assessment",
        "vulnerable_victim_queue",
    ];
    let mut before = Vec::new();
    for t in tables {
        before.push(rows(&app, t).await);
    }
    let settings = api::configuration::RawSettings {
        data_dir: Some(app.data_dir.display().to_string()),
        jwt_secret: Some(TEST_JWT_SECRET.into()),
        ..Default::default()
    }
    .resolve()
    .unwrap();
    api::seed::demo::seed(&app.db, &settings).await.unwrap();
    for (t, b) in tables.iter().zip(before) {
        assert_eq!(rows(&app, t).await, b, "{t}");
    }
}

/// The worklist of victims awaiting a risk assessment: a new victim appears at once, leaves when
/// assessed, and another agency never sees them.
#[tokio::test]
async fn victims_awaiting_an_assessment_are_listed_until_assessed() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let worklist = "{ victimsAwaitingAssessment(first: 100) { totalCount edges { node { person { id } incident { id } } } } }";
    let ids = |a: &Answer| -> Vec<String> {
        a.ok()["victimsAwaitingAssessment"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["person"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    let a = officer
        .query(
            r#"mutation($i: RecordIncidentInput!) { recordIncident(input: $i) { id parties { person { id } } } }"#,
            json!({ "i": {
                "occurredAt": "2026-11-26T20:00:00Z", "channel": "PHONE", "category": "PERSONAL",
                "subType": "intimidation", "description": "Group outside the caller's door",
                "parties": [{ "part": "VICTIM", "newPerson": { "givenName": "Hal", "familyName": "Ruiz" } }]
            } }),
        )
        .await;
    let incident_id = a.ok()["recordIncident"]["id"].as_str().unwrap().to_string();
    let victim = a.ok()["recordIncident"]["parties"][0]["person"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let supervisor = app.login(POLICE_SUPERVISOR).await;
    let dashboard = r#"{ dashboard(from: "2026-11-01T00:00:00Z", to: "2026-11-30T23:59:59Z") { assessmentsRequired assessmentsDone assessmentRate } }"#;
    let d0 = supervisor.query(dashboard, json!({})).await.ok()["dashboard"].clone();

    let before = officer.query(worklist, json!({})).await;
    assert!(ids(&before).contains(&victim), "{}", before.body);
    let total = before.ok()["victimsAwaitingAssessment"]["totalCount"]
        .as_i64()
        .unwrap();
    assert_eq!(total as usize, ids(&before).len(), "one row per person");

    let a = officer
        .query(
            SUBMIT,
            on_incident(&victim, &incident_id, answers(SCORE_11)),
        )
        .await;
    a.ok();
    let after = officer.query(worklist, json!({})).await;
    assert!(!ids(&after).contains(&victim));
    // The dashboard counts the same victim as required and, now, done.
    let d1 = supervisor.query(dashboard, json!({})).await.ok()["dashboard"].clone();
    assert_eq!(d1["assessmentsRequired"], d0["assessmentsRequired"]);
    assert_eq!(
        d1["assessmentsDone"].as_i64().unwrap(),
        d0["assessmentsDone"].as_i64().unwrap() + 1
    );
    let rate = d1["assessmentRate"].as_f64().unwrap();
    let expected = 100.0 * d1["assessmentsDone"].as_f64().unwrap()
        / d1["assessmentsRequired"].as_f64().unwrap();
    assert!((rate - expected).abs() < 1e-9);
    assert_eq!(
        after.ok()["victimsAwaitingAssessment"]["totalCount"]
            .as_i64()
            .unwrap(),
        total - 1
    );

    // The council cannot see the police's incident or its victim.
    let council = app.login(COUNCIL_OFFICER).await;
    let c = council.query(worklist, json!({})).await;
    assert!(!ids(&c).contains(&victim));
}
