//! The case-plan mutations over HTTP: parties and incidents, sharing, actions, notes,
//! interventions, documents and merging people. For each: the success path (the answer, the rows
//! and exactly one access-log entry), bad input (the field, and nothing written), permission
//! denial, rows out of scope, and for versioned records stale versions and racing clients.
//!
//! Demo data: case `c` (reference `ASB-<year>-<c+1>`) is led by police when `c % 3 == 0`,
//! housing when 1, council when 2; even cases are shared with housing-or-police and victim
//! support. So `ASB-…-000004` is a police case shared with nobody.

mod case_plan {
    pub mod actions;
    pub mod documents;
    pub mod interventions;
    pub mod merge;
    pub mod notes;
    pub mod parties;
    pub mod sharing;
}

use chrono::Datelike;
use serde_json::{Value, json};
use tests::*;

/// The reference of demo case number `n` (1-based).
pub fn reference(n: u32) -> String {
    format!("ASB-{}-{n:06}", chrono::Utc::now().year())
}

/// Police-led, shared with housing and victim support.
pub const SHARED_POLICE_CASE: u32 = 1;
/// Council-led, shared with police and victim support.
pub const SHARED_COUNCIL_CASE: u32 = 3;
/// Police-led, shared with nobody.
pub const POLICE_ONLY_CASE: u32 = 4;

/// A case as the session sees it: id, version and the ids of what hangs off it.
pub async fn load_case(s: &Session<'_>, n: u32) -> Value {
    let a = s
        .query(
            "query($r: String!) { caseByReference(reference: $r) {
                id version
                parties { id role person { id } }
                actions { id version }
                notes { id }
                shares { id agency { id } revokedAt }
            } }",
            json!({ "r": reference(n) }),
        )
        .await;
    a.ok()["caseByReference"].clone()
}

pub async fn case_id(s: &Session<'_>, n: u32) -> String {
    str_of(&load_case(s, n).await["id"])
}

/// The person holding `role` in a case loaded with [`load_case`].
pub fn person_in_role(case: &Value, role: &str) -> String {
    case["parties"]
        .as_array()
        .expect("parties")
        .iter()
        .find(|p| p["role"] == role)
        .map(|p| str_of(&p["person"]["id"]))
        .unwrap_or_else(|| panic!("no {role} in {case}"))
}

pub fn str_of(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

/// The signed-in user's own id and agency id.
pub async fn viewer(s: &Session<'_>) -> (String, String) {
    let a = s
        .query("{ viewer { user { id } agency { id } } }", json!({}))
        .await;
    let v = &a.ok()["viewer"];
    (str_of(&v["user"]["id"]), str_of(&v["agency"]["id"]))
}

/// A uuid as an SQL literal: sqlx stores uuids as 16-byte blobs on SQLite, native on PostgreSQL.
pub fn id_sql(id: &str) -> String {
    if backend_is_postgres() {
        format!("'{id}'")
    } else {
        format!("X'{}'", id.replace('-', ""))
    }
}

pub async fn rows(app: &TestApp, table: &str, condition: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE {condition}"
    ))
    .await
}

/// Access-log entries for one operation.
pub async fn logged(app: &TestApp, operation: &str) -> i64 {
    rows(app, "access_log", &format!("operation = '{operation}'")).await
}

/// The code and `extensions.field` of the answer's single error.
pub fn bad_field(a: &Answer) -> String {
    assert_eq!(a.code(), "BAD_USER_INPUT", "{}", a.body);
    str_of(&a.errors()[0]["extensions"]["field"])
}

/// Creates a person known only to the session's agency.
pub async fn new_person(s: &Session<'_>, given: &str, consent: Option<(bool, &str)>) -> String {
    let mut input = json!({ "givenName": given, "familyName": "Testperson" });
    if let Some((to_share, basis)) = consent {
        input["consentToShare"] = json!(to_share);
        input["consentLawfulBasis"] = json!(basis);
    }
    let a = s
        .query(
            "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
            json!({ "i": input }),
        )
        .await;
    str_of(&a.ok()["createPerson"]["id"])
}

pub const ADD_PARTY: &str =
    "mutation($i: AddPartyInput!) { addParty(input: $i) { id role person { id } } }";
