//! Risk assessment over HTTP, on SQLite and PostgreSQL: scoring at the threshold edges,
//! forced-high rules, upward-only overrides, answers kept against the version they were given
//! on, what a case-linked assessment does to the case (risk level, next review, the dedicated
//! vulnerable-victim officer or the queue), refusals that write nothing, and
//! `Incident.assessmentRequired`.
//!
//! - `scoring`: scores, levels, forced-high rules, overrides, bad answers, versions.
//! - `cases`: risk level, next review, owner and queue of a linked case.
//! - `access`: who may assess and read, row scope, `assessmentRequired`, the demo seed.
//!
//! The demo questionnaire (`api::seed::questionnaire`): medium from 12, high from 22,
//! `self_harm = yes` forces high. Demo incidents 36..=47 have no case; their victims (people
//! 24..=35) have no assessment. Demo case `c` has victim person `2c`.

mod access;
mod cases;
mod scoring;

use api::{
    domain::risk::AnswerKind,
    seed::{demo_id, questionnaire::default_spec},
};
use serde_json::{Value, json};
use tests::*;

pub const SUBMIT: &str = r#"mutation($input: SubmitRiskAssessmentInput!) {
  submitRiskAssessment(input: $input) {
    id score computedLevel level overrideLevel overrideReason forcedBy assessedAt validUntil
    assessedBy { email } person { id } incident { id }
    case { id riskLevel nextReviewAt version owner { email } }
    questionnaireVersion { version inForce }
    answers { questionKey answer weight question { text } } } }"#;

/// A full answer set for the demo questionnaire: `given`, and "no" or the first (zero-weight)
/// option everywhere else.
pub fn answers(given: &[(&str, &str)]) -> Value {
    let spec = default_spec().expect("the demo questionnaire");
    let list: Vec<Value> = spec
        .questions()
        .iter()
        .map(|q| {
            let default = match &q.kind {
                AnswerKind::YesNo { .. } => "no".to_string(),
                AnswerKind::Choice { options } => options[0].value.clone(),
            };
            let answer = given
                .iter()
                .find(|(k, _)| *k == q.key)
                .map_or(default, |(_, a)| a.to_string());
            json!({ "questionKey": q.key, "answer": answer })
        })
        .collect();
    Value::Array(list)
}

/// Answers that differ from "no" or the first option.
pub type Given = &'static [(&'static str, &'static str)];

/// Score 11: standard, one below medium.
pub const SCORE_11: Given = &[
    ("age_band", "65_to_79"),
    ("lives_alone", "yes"),
    ("targeted_at_home", "yes"),
    ("frequency", "weekly"),
    ("sleep", "yes"),
];
/// Score 12: medium, exactly at the threshold.
pub const SCORE_12: Given = &[
    ("disability", "yes"),
    ("fear", "yes"),
    ("frequency", "weekly"),
    ("sleep", "yes"),
    ("work_or_school", "yes"),
];
/// Score 21: medium, one below high.
pub const SCORE_21: Given = &[
    ("age_band", "80_or_over"),
    ("disability", "yes"),
    ("lives_alone", "yes"),
    ("isolated", "yes"),
    ("duration", "1_to_6_months"),
    ("frequency", "weekly"),
    ("fear", "yes"),
    ("sleep", "yes"),
];
/// Score 22: high, exactly at the threshold.
pub const SCORE_22: Given = &[
    ("mental_health", "yes"),
    ("targeted_at_home", "yes"),
    ("duration", "1_to_6_months"),
    ("frequency", "daily"),
    ("fear", "yes"),
    ("sleep", "yes"),
    ("hate_motivated", "yes"),
];

pub fn person(i: usize) -> String {
    demo_id("person", i).to_string()
}

pub fn incident(n: usize) -> String {
    demo_id("incident", n).to_string()
}

pub fn case(c: usize) -> String {
    demo_id("case", c).to_string()
}

pub fn on_incident(person: &str, incident: &str, answers: Value) -> Value {
    json!({ "input": { "personId": person, "incidentId": incident, "answers": answers } })
}

pub fn on_case(person: &str, case: &str, answers: Value) -> Value {
    json!({ "input": { "personId": person, "caseId": case, "answers": answers } })
}

/// Rows in a table.
pub async fn rows(app: &TestApp, table: &str) -> i64 {
    app.count(&format!("SELECT COUNT(*) AS n FROM {table}"))
        .await
}

/// Whole days from now until an RFC 3339 time in a response.
pub fn days_from_now(v: &Value) -> i64 {
    let t: chrono::DateTime<chrono::Utc> = v.as_str().and_then(|s| s.parse().ok()).expect("a time");
    (t - chrono::Utc::now() + chrono::Duration::minutes(1)).num_days()
}

/// Makes a demo user their agency's dedicated vulnerable-victim officer (no mutation does this
/// yet: it is set on the user record).
pub async fn make_dedicated_officer(app: &TestApp, email: &str) {
    app.db
        .execute_unprepared(&format!(
            "UPDATE app_user SET is_vulnerable_victim_officer = true WHERE email = '{email}'"
        ))
        .await
        .expect("flag the officer");
}
