//! Victim safety over HTTP, on SQLite and PostgreSQL.
//!
//! - `detection`: repeat victims and places flagged in the `recordIncident` request itself, at
//!   the window edges; the ASB Case Review threshold and each alternative.
//! - `supervision`: review cadence by risk level, overdue reviews, no self-review, closing
//!   medium- and high-risk cases only with a current sign-off.
//! - `contact`: contact and satisfaction, bad input, denials.
//! - `worklists`: each worklist against raw SQL on the demo data, per agency.
//! - `dashboard`: figures against hand-computed values on data the test creates.
//! - `rules`: administrators change the rules; others cannot.

mod contact;
mod dashboard;
mod detection;
mod rules;
mod supervision;
mod worklists;

use chrono::{DateTime, Duration, Utc};
use sea_orm::Value as SqlValue;
use serde_json::{Value, json};
use tests::*;

pub const RECORD: &str = r#"mutation($input: RecordIncidentInput!) { recordIncident(input: $input) {
  id isRepeatVictim repeatVictimCount repeatWindowDays isRepeatLocation caseReviewEligible
  location { id } parties { part person { id } } } }"#;

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("test timestamp")
}

pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn days(n: i64) -> Duration {
    Duration::days(n)
}

pub fn id_of(v: &Value) -> String {
    v.as_str().expect("an id").to_string()
}

/// A demo record's id, as the API shows it.
pub fn demo(kind: &str, key: impl std::fmt::Display) -> String {
    api::seed::demo_id(kind, key).to_string()
}

pub fn new_victim(family: &str) -> Value {
    json!({ "part": "VICTIM", "newPerson": { "givenName": "Test", "familyName": family } })
}

pub fn party(part: &str, person: &str) -> Value {
    json!({ "part": part, "personId": person })
}

pub fn new_party(part: &str, family: &str) -> Value {
    json!({ "part": part, "newPerson": { "givenName": "Test", "familyName": family } })
}

pub fn new_place(address: &str, ward: &str) -> Value {
    json!({ "address": address, "postcode": "EB9 9ZZ", "ward": ward })
}

/// Records an incident that occurred at `occurred`, reported `delay` later, with `extra` input
/// fields (`parties`, `location` or `locationId`, `hateMotivated`, `category`, ...). Returns the
/// `recordIncident` object.
pub async fn record(
    s: &Session<'_>,
    occurred: DateTime<Utc>,
    delay: Duration,
    extra: Value,
) -> Value {
    let mut input = json!({
        "occurredAt": iso(occurred),
        "reportedAt": iso(occurred + delay),
        "channel": "PHONE",
        "category": "PERSONAL",
        "subType": "harassment",
        "description": "Shouting and banging at the door",
    });
    for (k, v) in extra.as_object().expect("extra fields").clone() {
        input[k] = v;
    }
    let a = s.query(RECORD, json!({ "input": input })).await;
    a.ok()["recordIncident"].clone()
}

/// The person id of the first party of a recorded incident.
pub fn first_person(incident: &Value) -> String {
    id_of(&incident["parties"][0]["person"]["id"])
}

pub const OPEN: &str = r#"mutation($input: OpenCaseInput!) { openCase(input: $input) {
  id version riskLevel createdAt nextReviewAt parties { person { id } } } }"#;

/// Records an incident with a new victim now and opens a case of `risk` from it.
pub async fn new_case(s: &Session<'_>, risk: &str, owner: Option<&str>) -> Value {
    let inc = record(
        s,
        Utc::now() - days(1),
        Duration::hours(1),
        json!({ "parties": [new_victim("Casefile")] }),
    )
    .await;
    let mut input = json!({ "title": "Test case", "category": "PERSONAL", "riskLevel": risk, "incidentIds": [inc["id"]] });
    if let Some(o) = owner {
        input["ownerId"] = json!(o);
    }
    s.query(OPEN, json!({ "input": input })).await.ok()["openCase"].clone()
}

/// The ids at `path` (a JSON pointer into each edge's node) of a connection, sorted.
pub fn node_ids(connection: &Value, pointer: &str) -> Vec<String> {
    let mut ids: Vec<String> = connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| id_of(e["node"].pointer(pointer).expect("node field")))
        .collect();
    ids.sort();
    ids
}

/// Binds a query template: `?A` is the agency's id, each other `?` the next of `values`.
pub fn bind(template: &str, agency: uuid::Uuid, values: Vec<SqlValue>) -> (String, Vec<SqlValue>) {
    let mut sql = String::new();
    let mut out = Vec::new();
    let mut extra = values.into_iter();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' {
            if chars.peek() == Some(&'A') {
                chars.next();
                out.push(agency.into());
            } else {
                out.push(extra.next().expect("a value for each ?"));
            }
        }
        sql.push(c);
    }
    (sql, out)
}

/// Visible cases, incidents and people of agency `?A`, as SQL written independently of the
/// server's own scope code.
pub const VISIBLE_CASES: &str = "SELECT id FROM asb_case WHERE lead_agency_id = ?A \
     OR id IN (SELECT case_id FROM case_share WHERE agency_id = ?A AND revoked_at IS NULL)";

pub fn visible_incidents() -> String {
    format!(
        "SELECT id FROM incident WHERE reporting_agency_id = ?A OR case_id IN ({VISIBLE_CASES})"
    )
}

pub fn visible_people() -> String {
    format!(
        "SELECT id FROM person WHERE created_by_agency_id = ?A \
         OR id IN (SELECT person_id FROM case_party WHERE case_id IN ({VISIBLE_CASES})) \
         OR id IN (SELECT person_id FROM incident_party WHERE incident_id IN ({}))",
        visible_incidents()
    )
}

pub fn agency_of(email: &str) -> uuid::Uuid {
    let key = match email {
        POLICE_OFFICER | POLICE_SUPERVISOR => "police",
        HOUSING_OFFICER => "housing",
        COUNCIL_OFFICER => "council",
        CASEWORKER => "victimsupport",
        _ => "hub",
    };
    api::seed::demo_id("agency", key)
}
