//! Data protection over HTTP, on SQLite and PostgreSQL: the subject access export (scope, field
//! policy, access history, its own log entry, refusals), retention periods (validation, who may
//! set them), the records due for review (compared with SQL, paged, per agency) and erasure
//! (every dependent row, one log entry holding no erased value, refusals that write nothing).
//!
//! - `export`: `subjectAccessExport`.
//! - `retention`: `setRetentionPolicy`, `retentionPolicies`, `recordsDueForReview`.
//! - `erasure`: `eraseRecord`, on case 9 prepared by `case_9`.
//!
//! Demo facts used: case `c` (reference `ASB-<year>-<c+1>`) is led by police when `c % 3 == 0`,
//! housing when 1, council when 2, shared (with police or housing, and victim support) when `c`
//! is even, and closed two days ago when `c % 5 == 4` (cases 4 and 9). Its victim is person `2c`
//! and its perpetrator person `2c + 1`. Incident `n < 36` belongs to case `n % 12`; incidents 36
//! to 47 have no case. Incident `n` is reported by police when `n % 4` is 0 or 1, housing when 2,
//! council when 3. Every demo record is younger than the demo retention periods.

mod case_9;
mod erasure;
mod export;
mod retention;

use api::seed::demo_id;
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use tests::*;
use uuid::Uuid;

pub fn agency(key: &str) -> Uuid {
    demo_id("agency", key)
}

pub fn person(i: usize) -> Uuid {
    demo_id("person", i)
}

pub fn case(c: usize) -> Uuid {
    demo_id("case", c)
}

pub fn incident(n: usize) -> Uuid {
    demo_id("incident", n)
}

pub fn user(email: &str) -> Uuid {
    demo_id("user", email)
}

/// The reference of demo case `c`.
pub fn reference(c: usize) -> String {
    format!("ASB-{}-{:06}", chrono::Utc::now().format("%Y"), c + 1)
}

pub const EXPORT: &str = "query($p: ID!) { subjectAccessExport(personId: $p) }";

/// The export of `p`, failing the test on any error.
pub async fn export_of(s: &Session<'_>, p: Uuid) -> Value {
    s.query(EXPORT, json!({ "p": p.to_string() })).await.ok()["subjectAccessExport"].clone()
}

pub const SET_POLICY: &str = "mutation($a: ID!, $t: RecordType!, $d: Int!) {
  setRetentionPolicy(agencyId: $a, recordType: $t, retainDays: $d) {
    agency { id name } recordType retainDays clockStartsAt updatedBy { email } } }";

pub async fn set_policy(s: &Session<'_>, agency: Uuid, record_type: &str, days: i64) -> Answer {
    s.query(
        SET_POLICY,
        json!({ "a": agency.to_string(), "t": record_type, "d": days }),
    )
    .await
}

pub const DUE: &str = "query($f: Int, $a: String) { recordsDueForReview(first: $f, after: $a) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { recordType id reference clockStartedAt dueAt } } } }";

/// Every due record, page by page (`size` a page), and the total count of the first page.
pub async fn all_due(s: &Session<'_>, size: i64) -> (Vec<Value>, i64) {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    let mut total = None;
    for _ in 0..200 {
        let a = s.query(DUE, json!({ "f": size, "a": after })).await;
        let conn = a.ok()["recordsDueForReview"].clone();
        let edges = conn["edges"].as_array().expect("edges").clone();
        assert!(edges.len() as i64 <= size, "a page larger than asked");
        total.get_or_insert(conn["totalCount"].as_i64().expect("totalCount"));
        out.extend(edges.iter().map(|e| e["node"].clone()));
        if conn["pageInfo"]["hasNextPage"] != true {
            return (out, total.unwrap_or(0));
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    panic!("paging did not end");
}

pub const ERASE: &str = "mutation($t: RecordType!, $id: ID!, $r: String) {
  eraseRecord(recordType: $t, id: $id, reason: $r) {
    recordType id erasedAt rowsErased incidentsUnlinked } }";

pub async fn erase(s: &Session<'_>, record_type: &str, id: Uuid, reason: Option<&str>) -> Answer {
    s.query(
        ERASE,
        json!({ "t": record_type, "id": id.to_string(), "r": reason }),
    )
    .await
}

/// The sorted `id`s of JSON objects.
pub fn ids_of<'a>(items: impl IntoIterator<Item = &'a Value>) -> Vec<String> {
    let mut ids: Vec<String> = items
        .into_iter()
        .map(|v| v["id"].as_str().expect("an id").to_string())
        .collect();
    ids.sort();
    ids
}

/// Creates a person through the API (police) and backdates their record by `days`.
pub async fn stale_person(app: &TestApp, family_name: &str, days: i64) -> Uuid {
    let officer = app.login(POLICE_OFFICER).await;
    let a = officer
        .query(
            "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
            json!({ "i": { "givenName": "Olwen", "familyName": family_name, "phone": "07700 900999" } }),
        )
        .await;
    let id: Uuid = a.ok()["createPerson"]["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("uuid");
    execute(
        app,
        "UPDATE person SET updated_at = ? WHERE id = ?",
        vec![(Utc::now() - Duration::days(days)).into(), id.into()],
    )
    .await;
    id
}
