//! Scores and levels at the threshold edges, forced-high rules, upward-only overrides, bad
//! answers, and assessments that keep their meaning after a new questionnaire version.

use serde_json::{Value, json};
use tests::*;

use super::*;

#[tokio::test]
async fn scores_and_levels_change_exactly_at_the_thresholds() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    // Incident 36 (reported by the police, no case) and its victim, person 24.
    let (victim, inc) = (person(24), incident(36));
    let cases: [(Given, i64, &str); 5] = [
        (&[], 0, "STANDARD"),
        (SCORE_11, 11, "STANDARD"),
        (SCORE_12, 12, "MEDIUM"),
        (SCORE_21, 21, "MEDIUM"),
        (SCORE_22, 22, "HIGH"),
    ];
    for (given, score, level) in cases {
        let a = officer
            .query(SUBMIT, on_incident(&victim, &inc, answers(given)))
            .await;
        let r = &a.ok()["submitRiskAssessment"];
        assert_eq!(r["score"], score, "{given:?}");
        assert_eq!(r["computedLevel"], level, "score {score}");
        assert_eq!(r["level"], level, "score {score}");
        assert_eq!(r["overrideLevel"], Value::Null);
        assert_eq!(r["forcedBy"], json!([]));
        assert_eq!(r["person"]["id"], victim);
        assert_eq!(r["incident"]["id"], inc);
        assert_eq!(r["case"], Value::Null);
        assert_eq!(r["assessedBy"]["email"], POLICE_OFFICER);
        assert_eq!(r["questionnaireVersion"]["version"], 1);
        // The answers carry their weights, which add up to the score.
        let answers = r["answers"].as_array().unwrap();
        assert_eq!(answers.len(), 15);
        let sum: i64 = answers.iter().map(|a| a["weight"].as_i64().unwrap()).sum();
        assert_eq!(sum, score);
        assert!((364..=365).contains(&days_from_now(&r["validUntil"])));
    }
    assert_eq!(app.log_count("submitRiskAssessment").await, 5);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM risk_assessment WHERE incident_id IS NOT NULL")
            .await,
        5
    );
}

#[tokio::test]
async fn a_forced_high_answer_makes_the_level_high_whatever_the_score() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let a = officer
        .query(
            SUBMIT,
            on_incident(&person(25), &incident(37), answers(&[("self_harm", "yes")])),
        )
        .await;
    let r = &a.ok()["submitRiskAssessment"];
    assert_eq!(r["score"], 10, "below medium by score");
    assert_eq!(r["computedLevel"], "HIGH");
    assert_eq!(r["level"], "HIGH");
    assert_eq!(r["forcedBy"], json!(["self_harm"]));
    // No override can go above a forced high.
    let mut input = on_incident(&person(25), &incident(37), answers(&[("self_harm", "yes")]));
    input["input"]["overrideLevel"] = json!("HIGH");
    input["input"]["overrideReason"] = json!("seen at the visit");
    let b = officer.query(SUBMIT, input).await;
    assert_eq!(b.code(), "BAD_USER_INPUT");
    assert_eq!(b.errors()[0]["extensions"]["field"], "overrideLevel");
    assert_eq!(app.log_count("submitRiskAssessment").await, 1);
}

#[tokio::test]
async fn an_officer_may_raise_the_level_but_never_lower_it() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let with_override = |level: Value, reason: Value| {
        let mut i = on_incident(&person(24), &incident(36), answers(SCORE_12));
        i["input"]["overrideLevel"] = level;
        i["input"]["overrideReason"] = reason;
        i
    };
    let a = officer
        .query(
            SUBMIT,
            with_override(
                json!("HIGH"),
                json!("Victim disclosed threats at the visit"),
            ),
        )
        .await;
    let r = &a.ok()["submitRiskAssessment"];
    assert_eq!(r["score"], 12);
    assert_eq!(r["computedLevel"], "MEDIUM");
    assert_eq!(r["overrideLevel"], "HIGH");
    assert_eq!(r["level"], "HIGH");
    assert_eq!(r["overrideReason"], "Victim disclosed threats at the visit");

    let before = (
        rows(&app, "risk_assessment").await,
        rows(&app, "access_log").await,
    );
    let refusals = [
        (
            with_override(json!("STANDARD"), json!("calmer now")),
            "overrideLevel",
        ),
        (
            with_override(json!("MEDIUM"), json!("same level")),
            "overrideLevel",
        ),
        (with_override(json!("HIGH"), Value::Null), "overrideReason"),
        (with_override(json!("HIGH"), json!("   ")), "overrideReason"),
        (
            with_override(Value::Null, json!("no level")),
            "overrideReason",
        ),
    ];
    for (input, field) in refusals {
        let b = officer.query(SUBMIT, input).await;
        assert_eq!(b.code(), "BAD_USER_INPUT", "{}", b.body);
        assert_eq!(b.errors()[0]["extensions"]["field"], field, "{}", b.body);
    }
    assert_eq!(
        (
            rows(&app, "risk_assessment").await,
            rows(&app, "access_log").await
        ),
        before,
        "refusals write nothing"
    );
    assert_eq!(app.log_count("submitRiskAssessment").await, 1);
}

#[tokio::test]
async fn bad_answers_name_the_question_and_write_nothing() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let with = |f: &dyn Fn(&mut Vec<Value>)| {
        let mut list = answers(SCORE_12).as_array().unwrap().clone();
        f(&mut list);
        on_incident(&person(24), &incident(36), Value::Array(list))
    };
    let set = |key: &'static str, answer: &'static str| {
        move |l: &mut Vec<Value>| {
            for a in l.iter_mut() {
                if a["questionKey"] == key {
                    a["answer"] = json!(answer);
                }
            }
        }
    };
    let before = (
        rows(&app, "risk_assessment").await,
        rows(&app, "access_log").await,
    );
    let cases: Vec<(Value, &str)> = vec![
        (with(&set("frequency", "hourly")), "answers.frequency"),
        (with(&set("fear", "maybe")), "answers.fear"),
        (
            with(&|l| l.retain(|a| a["questionKey"] != "self_harm")),
            "answers.self_harm",
        ),
        (
            with(&|l| l.push(json!({ "questionKey": "pets", "answer": "yes" }))),
            "answers.pets",
        ),
        (
            with(&|l| l.push(json!({ "questionKey": "sleep", "answer": "no" }))),
            "answers.sleep",
        ),
        (
            {
                let mut i = with(&|_| {});
                i["input"]["caseId"] = json!(case(0));
                i
            },
            "incidentId",
        ),
        (
            {
                let mut i = with(&|_| {});
                i["input"]["incidentId"] = Value::Null;
                i
            },
            "incidentId",
        ),
        (
            // Person 25 is the perpetrator of incident 36, not its victim.
            on_incident(&person(25), &incident(36), answers(SCORE_12)),
            "personId",
        ),
        (
            on_incident("not-an-id", &incident(36), answers(SCORE_12)),
            "personId",
        ),
    ];
    for (input, field) in cases {
        let a = officer.query(SUBMIT, input).await;
        assert_eq!(a.code(), "BAD_USER_INPUT", "{field}: {}", a.body);
        assert_eq!(a.errors()[0]["extensions"]["field"], field, "{}", a.body);
    }
    assert_eq!(
        (
            rows(&app, "risk_assessment").await,
            rows(&app, "access_log").await
        ),
        before
    );
}

const PUBLISH: &str = r#"mutation($input: PublishQuestionnaireVersionInput!) {
  publishQuestionnaireVersion(input: $input) {
    id version inForce mediumThreshold highThreshold validityDays
    questions { key kind yesWeight options { value weight } } forcedHigh { questionKey answer }
    questionnaire { name versions { version inForce retiredAt } } } }"#;

/// Version 2: three questions, different weights, medium from 5 and high from 10.
fn version_2() -> Value {
    json!({ "input": {
        "questionnaire": api::seed::questionnaire::NAME,
        "questions": [
            { "key": "fear", "text": "Is the victim afraid for their safety?", "yesWeight": 10 },
            { "key": "frequency", "text": "How often?", "options": [
                { "value": "rarely", "label": "Rarely", "weight": 0 },
                { "value": "often", "label": "Often", "weight": 5 } ] },
            { "key": "self_harm", "text": "Thoughts of self-harm?", "yesWeight": 1 }
        ],
        "forcedHigh": [ { "questionKey": "self_harm", "answer": "yes" } ],
        "mediumThreshold": 5,
        "highThreshold": 10,
        "validityDays": 180
    }})
}

#[tokio::test]
async fn an_assessment_keeps_the_meaning_of_its_own_version() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let admin = app.login(ADMIN).await;
    let a = officer
        .query(
            SUBMIT,
            on_incident(&person(24), &incident(36), answers(SCORE_12)),
        )
        .await;
    let old_id = a.ok()["submitRiskAssessment"]["id"].clone();

    // Only administrators publish; a bad version is refused whole.
    let refused = officer.query(PUBLISH, version_2()).await;
    assert_eq!(refused.code(), "FORBIDDEN");
    let mut bad = version_2();
    bad["input"]["questions"][1]["key"] = json!("fear");
    let refused = admin.query(PUBLISH, bad).await;
    assert_eq!(refused.code(), "BAD_USER_INPUT");
    assert_eq!(
        refused.errors()[0]["extensions"]["field"],
        "questions.1.key"
    );
    let mut bad = version_2();
    bad["input"]["highThreshold"] = json!(5);
    let refused = admin.query(PUBLISH, bad).await;
    assert_eq!(refused.errors()[0]["extensions"]["field"], "highThreshold");
    assert_eq!(rows(&app, "risk_questionnaire_version").await, 1);

    let p = admin.query(PUBLISH, version_2()).await;
    let v2 = &p.ok()["publishQuestionnaireVersion"];
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["inForce"], true);
    assert_eq!(v2["validityDays"], 180);
    assert_eq!(
        v2["forcedHigh"],
        json!([{ "questionKey": "self_harm", "answer": "yes" }])
    );
    let versions = v2["questionnaire"]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["inForce"], false, "version 1 retired");
    assert!(versions[0]["retiredAt"].is_string());
    assert_eq!(app.log_count("publishQuestionnaireVersion").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM risk_questionnaire_version WHERE in_force = true")
            .await,
        1
    );

    // The old assessment still says what it said, with its own questions.
    let q = r#"query($id: ID!) { riskAssessment(id: $id) { score computedLevel level
        questionnaireVersion { version inForce highThreshold questions { key } }
        answers { questionKey answer weight question { text } } } }"#;
    let old = officer.query(q, json!({ "id": old_id })).await;
    let old = &old.ok()["riskAssessment"];
    assert_eq!(old["score"], 12);
    assert_eq!(old["level"], "MEDIUM");
    assert_eq!(old["questionnaireVersion"]["version"], 1);
    assert_eq!(old["questionnaireVersion"]["inForce"], false);
    assert_eq!(old["questionnaireVersion"]["highThreshold"], 22);
    assert_eq!(
        old["questionnaireVersion"]["questions"]
            .as_array()
            .unwrap()
            .len(),
        15
    );
    let fear = old["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["questionKey"] == "fear")
        .unwrap();
    assert_eq!(fear["weight"], 3, "version 1's weight, not version 2's 10");
    assert_eq!(
        fear["question"]["text"],
        "Is the victim afraid to leave home, or afraid for their safety?"
    );

    // New assessments answer version 2; version 1's answers no longer fit.
    let stale = officer
        .query(
            SUBMIT,
            on_incident(&person(24), &incident(36), answers(SCORE_12)),
        )
        .await;
    assert_eq!(stale.code(), "BAD_USER_INPUT");
    assert_eq!(stale.errors()[0]["extensions"]["field"], "answers.age_band");
    let current = officer
        .query(
            "{ riskQuestionnaire { version questions { key } } }",
            json!({}),
        )
        .await;
    assert_eq!(current.ok()["riskQuestionnaire"]["version"], 2);
    let v2_answers = json!([
        { "questionKey": "fear", "answer": "yes" },
        { "questionKey": "frequency", "answer": "rarely" },
        { "questionKey": "self_harm", "answer": "no" }
    ]);
    let new = officer
        .query(SUBMIT, on_incident(&person(24), &incident(36), v2_answers))
        .await;
    let new = &new.ok()["submitRiskAssessment"];
    assert_eq!(new["score"], 10);
    assert_eq!(new["level"], "HIGH", "10 is high under version 2");
    assert_eq!(new["questionnaireVersion"]["version"], 2);
    assert!((179..=180).contains(&days_from_now(&new["validUntil"])));
    assert_eq!(app.log_count("submitRiskAssessment").await, 2);
}
