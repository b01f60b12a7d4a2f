//! Every list query costs a number of SQL statements that does not depend on its page size:
//! nested lists and objects are batched per request (DataLoaders), never loaded row by row.
//!
//! Each list runs with `first: 1` and `first: 20` over scale data, selecting its nested lists,
//! and the two counts must agree. A per-row query would add at least one statement for each of
//! the 19 extra rows.

use serde_json::json;
use tests::{ADMIN, AUDITOR, POLICE_OFFICER, POLICE_SUPERVISOR, Session, TestApp, spawn_app};

/// DataLoaders batch by time (a 1 ms window), so a loader used at two depths is sometimes one
/// batch and sometimes two: counts vary by a few statements between runs either way.
const JITTER: u64 = 8;

const CASE: &str = "id reference title leadAgency { name } owner { displayName }
    parties { role person { familyName cases { role case { reference } } incidents { part } } }
    incidents { occurredAt location { postcode } parties { part person { givenName } } }
    locations { postcode } shares { agency { name } } actions { description owner { email } }
    notes { body author { email } } riskAssessments { level assessedBy { email } }
    reviews { outcome reviewer { email } actions { description } }
    contacts { method } satisfaction { score } interventions { status } documents { fileName }";
const PERSON: &str = "id familyName createdByAgency { name } cases { role case { reference } }
    riskAssessments { level } incidents { part incident { occurredAt } }";
const INCIDENT: &str =
    "id occurredAt reportingAgency { name } location { postcode } case { reference }
    parties { part person { familyName } } assessmentRequired isRepeatVictim";

/// (name, user, query with `$first`, whether the data guarantees more than one row).
fn lists() -> Vec<(&'static str, &'static str, String, bool)> {
    let page = |root: &str, node: &str| {
        format!(
            "query($first: Int) {{ {root}(first: $first) {{ edges {{ node {{ {node} }} }} }} }}"
        )
    };
    vec![
        ("cases", POLICE_OFFICER, page("cases", CASE), true),
        (
            "incidents",
            POLICE_OFFICER,
            page("incidents", INCIDENT),
            true,
        ),
        ("people", POLICE_OFFICER, page("people", PERSON), true),
        (
            "repeatVictims",
            POLICE_OFFICER,
            page(
                "repeatVictims",
                &format!("id incidentCount person {{ {PERSON} }} incident {{ {INCIDENT} }}"),
            ),
            true,
        ),
        (
            "caseReviewEligibleVictims",
            POLICE_OFFICER,
            page(
                "caseReviewEligibleVictims",
                &format!("id person {{ {PERSON} }} incident {{ {INCIDENT} }}"),
            ),
            true,
        ),
        (
            "repeatLocations",
            POLICE_OFFICER,
            page(
                "repeatLocations",
                &format!("id location {{ postcode }} incident {{ {INCIDENT} }}"),
            ),
            true,
        ),
        (
            "victimsAwaitingAssessment",
            POLICE_OFFICER,
            page(
                "victimsAwaitingAssessment",
                &format!("id person {{ {PERSON} }} incident {{ {INCIDENT} }}"),
            ),
            true,
        ),
        (
            "victimsAwaitingContact",
            POLICE_OFFICER,
            page(
                "victimsAwaitingContact",
                &format!("id dueBy person {{ familyName }} case {{ {CASE} }}"),
            ),
            false,
        ),
        (
            "overdueReviews",
            POLICE_SUPERVISOR,
            page("overdueReviews", CASE),
            true,
        ),
        (
            "overdueActions",
            POLICE_OFFICER,
            page(
                "overdueActions",
                "count ownerAgency { name } owner { email } actions { description dueDate }",
            ),
            false,
        ),
        (
            "vulnerableVictimQueue",
            POLICE_OFFICER,
            page(
                "vulnerableVictimQueue",
                &format!("id agency {{ name }} assessment {{ level }} case {{ {CASE} }}"),
            ),
            false,
        ),
        (
            "alerts",
            POLICE_OFFICER,
            page("alerts", "id kind message caseId"),
            false,
        ),
        (
            "users",
            ADMIN,
            page(
                "users",
                "id email agency { name } roles { name users { email } }",
            ),
            false,
        ),
        (
            "auditLog",
            AUDITOR,
            page("auditLog", "id operation user { email } agency { name }"),
            true,
        ),
    ]
}

async fn measure(app: &TestApp, session: &Session<'_>, query: &str, first: i64) -> (u64, usize) {
    let before = app.statements().await;
    let a = session.query(query, json!({ "first": first })).await;
    let data = a.ok().clone();
    let spent = app.statements().await - before;
    let rows = data
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(|c| c["edges"].as_array())
        .map_or(0, Vec::len);
    (spent, rows)
}

#[tokio::test]
async fn every_list_query_costs_the_same_statements_for_one_row_as_for_twenty() {
    let app = spawn_app().await;
    app.seed_scale(0.002, 11).await.expect("scale data");
    let mut failures = Vec::new();
    let mut sessions = std::collections::HashMap::new();
    for (name, user, query, grows) in lists() {
        if !sessions.contains_key(user) {
            sessions.insert(user, app.login(user).await);
        }
        let session = &sessions[user];
        // Warm up (first use of a session loads its permissions, as every request does).
        measure(&app, session, &query, 1).await;
        let (small, n_small) = measure(&app, session, &query, 1).await;
        let (large, n_large) = measure(&app, session, &query, 20).await;
        if grows {
            assert!(n_large >= 10, "{name}: only {n_large} rows for first: 20");
        }
        assert!(n_small <= 1, "{name}: {n_small} rows for first: 1");
        if large > small + JITTER || small > large + JITTER {
            failures.push(format!(
                "{name}: {small} statements for {n_small} rows, {large} for {n_large}"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
