//! Supervision: the review cadence by risk level, overdue reviews, no self-review, and closing a
//! medium- or high-risk case only with a sign-off made after its latest change.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tests::*;

use super::*;

const REVIEW: &str = r#"mutation($input: ReviewCaseInput!) { reviewCase(input: $input) {
  id outcome level comment reviewedAt nextReviewAt reviewer { email }
  actions { description dueDate owner { email } } } }"#;

const CASE: &str = r#"query($id: ID!) { case(id: $id) { version status nextReviewAt
  reviews { outcome level } actions { description } } }"#;

const STATUS: &str = r#"mutation($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { status version } }"#;

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str().expect("a time").parse().expect("RFC 3339")
}

async fn approve(s: &Session<'_>, case: &str) -> Value {
    let a = s
        .query(REVIEW, json!({ "input": { "caseId": case, "outcome": "APPROVED", "comment": "Plan is sound" } }))
        .await;
    a.ok()["reviewCase"].clone()
}

async fn version(s: &Session<'_>, case: &str) -> i64 {
    s.query(CASE, json!({ "id": case })).await.ok()["case"]["version"]
        .as_i64()
        .expect("a version")
}

#[tokio::test]
async fn the_next_review_follows_the_cadence_for_the_risk_level() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let supervisor = app.login(POLICE_SUPERVISOR).await;
    let mut reviews = 0;
    for (risk, first, steps) in [
        ("STANDARD", 56, vec![("supervisor", 56), ("supervisor", 56)]),
        (
            "MEDIUM",
            28,
            vec![("supervisor", 28), ("senior", 28), ("supervisor", 28)],
        ),
        (
            "HIGH",
            14,
            vec![
                ("supervisor", 14),
                ("senior", 28),
                ("chain", 14),
                ("supervisor", 14),
            ],
        ),
    ] {
        let case = new_case(&officer, risk, None).await;
        let id = id_of(&case["id"]);
        assert_eq!(
            time(&case["nextReviewAt"]) - time(&case["createdAt"]),
            days(first),
            "{risk}"
        );
        for (i, (level, gap)) in steps.into_iter().enumerate() {
            let r = approve(&supervisor, &id).await;
            reviews += 1;
            assert_eq!(r["level"], level, "{risk} review {i}");
            assert_eq!(r["reviewer"]["email"], POLICE_SUPERVISOR);
            assert_eq!(
                time(&r["nextReviewAt"]) - time(&r["reviewedAt"]),
                days(gap),
                "{risk} review {i}"
            );
            let c = officer.query(CASE, json!({ "id": id })).await;
            assert_eq!(c.ok()["case"]["nextReviewAt"], r["nextReviewAt"]);
            assert_eq!(c.ok()["case"]["reviews"].as_array().unwrap().len(), i + 1);
        }
    }
    assert_eq!(app.log_count("reviewCase").await, reviews);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM case_review WHERE outcome = 'approved'")
            .await,
        reviews + 1,
        "and the demo's one"
    );
}

#[tokio::test]
async fn a_configured_cadence_replaces_the_default() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    admin
        .query(
            "mutation($i: SafetyRulesInput!) { updateSafetyRules(input: $i) { version } }",
            json!({ "i": { "version": 1, "reviewCadence": { "high": [
                { "days": 7, "level": "SUPERVISOR" }, { "days": 21, "level": "CHAIN" } ] } } }),
        )
        .await
        .ok();
    let officer = app.login(POLICE_OFFICER).await;
    let supervisor = app.login(POLICE_SUPERVISOR).await;
    let case = new_case(&officer, "HIGH", None).await;
    assert_eq!(
        time(&case["nextReviewAt"]) - time(&case["createdAt"]),
        days(7)
    );
    let id = id_of(&case["id"]);
    for (level, gap) in [("supervisor", 14), ("chain", 7), ("supervisor", 14)] {
        let r = approve(&supervisor, &id).await;
        assert_eq!(
            (
                r["level"].as_str().unwrap(),
                time(&r["nextReviewAt"]) - time(&r["reviewedAt"])
            ),
            (level, days(gap))
        );
    }
}

const OVERDUE: &str =
    "{ overdueReviews(first: 100) { totalCount edges { node { id nextReviewAt } } } }";

#[tokio::test]
async fn an_overdue_review_is_listed_until_a_supervisor_reviews_the_case() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let supervisor = app.login(POLICE_SUPERVISOR).await;
    let case = new_case(&officer, "MEDIUM", None).await;
    let id = id_of(&case["id"]);
    let listed = |a: &Answer| node_ids(&a.ok()["overdueReviews"], "/id").contains(&id);
    assert!(!listed(&officer.query(OVERDUE, json!({})).await));

    let due = iso(Utc::now() - days(2));
    officer
        .query(
            "mutation($input: UpdateCaseInput!) { updateCase(input: $input) { version } }",
            json!({ "input": { "id": id, "version": 1, "nextReviewAt": due } }),
        )
        .await
        .ok();
    let a = officer.query(OVERDUE, json!({})).await;
    assert!(listed(&a));
    let (sql, values) = bind(
        &format!(
            "SELECT COUNT(*) AS n FROM asb_case WHERE status <> 'closed' AND next_review_at < ? AND id IN ({VISIBLE_CASES})"
        ),
        agency_of(POLICE_OFFICER),
        vec![Utc::now().into()],
    );
    assert_eq!(
        a.ok()["overdueReviews"]["totalCount"].as_i64().unwrap(),
        count_with(&app, &sql, values).await
    );

    let r = approve(&supervisor, &id).await;
    assert!(time(&r["nextReviewAt"]) > Utc::now());
    assert!(!listed(&officer.query(OVERDUE, json!({})).await));
}

#[tokio::test]
async fn nobody_reviews_their_own_case_and_changes_need_actions() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let supervisor = app.login(POLICE_SUPERVISOR).await;
    // The supervisor's own case.
    let own = new_case(&supervisor, "HIGH", None).await;
    let a = supervisor
        .query(
            REVIEW,
            json!({ "input": { "caseId": own["id"], "outcome": "APPROVED", "comment": "Fine" } }),
        )
        .await;
    assert_eq!(a.code(), "FORBIDDEN");
    assert!(
        a.errors()[0]["message"].as_str().unwrap().contains("own"),
        "{}",
        a.body
    );

    let case = new_case(&officer, "HIGH", None).await;
    let id = id_of(&case["id"]);
    let review = |input: Value| supervisor.query(REVIEW, json!({ "input": input }));
    let a =
        review(json!({ "caseId": id, "outcome": "CHANGES_REQUESTED", "comment": "Needs more" }))
            .await;
    assert_eq!(a.code(), "BAD_USER_INPUT");
    assert_eq!(a.errors()[0]["extensions"]["field"], "actions");
    let yesterday = (Utc::now() - days(1)).date_naive().to_string();
    let a = review(
        json!({ "caseId": id, "outcome": "CHANGES_REQUESTED", "comment": "Needs more",
        "actions": [{ "description": "Visit", "dueDate": yesterday }] }),
    )
    .await;
    assert_eq!(
        a.errors()[0]["extensions"]["field"],
        "actions.0.dueDate",
        "{}",
        a.body
    );
    // Only supervisors review; only the lead agency's; only cases in scope.
    let a = officer
        .query(
            REVIEW,
            json!({ "input": { "caseId": id, "outcome": "APPROVED", "comment": "x" } }),
        )
        .await;
    assert_eq!(a.code(), "FORBIDDEN");
    let shared_council_case = app.case_id(3).await;
    let a = review(json!({ "caseId": shared_council_case, "outcome": "APPROVED", "comment": "x" }))
        .await;
    assert_eq!(a.code(), "FORBIDDEN");
    let unshared_council_case = app.case_id(6).await;
    let a =
        review(json!({ "caseId": unshared_council_case, "outcome": "APPROVED", "comment": "x" }))
            .await;
    assert_eq!(a.code(), "NOT_FOUND");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM case_review").await,
        1,
        "only the demo's"
    );
    assert_eq!(app.log_count("reviewCase").await, 0);

    let due = (Utc::now() + days(7)).date_naive().to_string();
    let a = review(
        json!({ "caseId": id, "outcome": "CHANGES_REQUESTED", "comment": "Needs a home visit",
        "actions": [{ "description": "Home visit with victim support", "dueDate": due }] }),
    )
    .await;
    let r = &a.ok()["reviewCase"];
    assert_eq!(r["outcome"], "changes_requested");
    assert_eq!(
        r["actions"][0]["owner"]["email"], POLICE_OFFICER,
        "the case's owner by default"
    );
    assert_eq!(r["actions"][0]["dueDate"], due);
    let c = officer.query(CASE, json!({ "id": id })).await;
    let actions: Vec<&str> = c.ok()["case"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["description"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["Home visit with victim support"]);
    assert_eq!(app.log_count("reviewCase").await, 1);
}

#[tokio::test]
async fn closing_a_medium_or_high_risk_case_needs_a_sign_off_after_its_latest_change() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let supervisor = app.login(POLICE_SUPERVISOR).await;
    let close = |id: String, version: i64| {
        officer.query(STATUS, json!({ "input": { "id": id, "version": version, "status": "CLOSED", "closureReason": "RESOLVED" } }))
    };
    for risk in ["MEDIUM", "HIGH"] {
        let case = new_case(&officer, risk, None).await;
        let id = id_of(&case["id"]);
        let a = close(id.clone(), 1).await;
        assert_eq!(a.code(), "FORBIDDEN", "{risk}");
        assert!(
            a.errors()[0]["message"]
                .as_str()
                .unwrap()
                .contains("approval"),
            "{}",
            a.body
        );

        // Changes requested is not a sign-off.
        let due = (Utc::now() + days(3)).date_naive().to_string();
        supervisor
            .query(
                REVIEW,
                json!({ "input": { "caseId": id, "outcome": "CHANGES_REQUESTED", "comment": "More",
                "actions": [{ "description": "Call back", "dueDate": due }] } }),
            )
            .await
            .ok();
        assert_eq!(
            close(id.clone(), version(&officer, &id).await).await.code(),
            "FORBIDDEN"
        );

        // Approved, then changed: the sign-off no longer holds.
        approve(&supervisor, &id).await;
        let v = version(&officer, &id).await;
        officer
            .query(
                "mutation($input: UpdateCaseInput!) { updateCase(input: $input) { version } }",
                json!({ "input": { "id": id, "version": v, "title": "Changed after sign-off" } }),
            )
            .await
            .ok();
        assert_eq!(close(id.clone(), v + 1).await.code(), "FORBIDDEN", "{risk}");

        approve(&supervisor, &id).await;
        let v = version(&officer, &id).await;
        let a = close(id.clone(), v).await;
        assert_eq!(a.ok()["changeCaseStatus"]["status"], "closed", "{risk}");
        // A review of a closed case is refused.
        let a = supervisor
            .query(
                REVIEW,
                json!({ "input": { "caseId": id, "outcome": "APPROVED", "comment": "x" } }),
            )
            .await;
        assert_eq!(a.code(), "BAD_USER_INPUT");
    }
    // A standard-risk case closes without a review.
    let case = new_case(&officer, "STANDARD", None).await;
    let a = close(id_of(&case["id"]), 1).await;
    assert_eq!(a.ok()["changeCaseStatus"]["status"], "closed");
    assert_eq!(
        app.log_count("changeCaseStatus").await,
        3,
        "refusals are not logged as changes"
    );
}
