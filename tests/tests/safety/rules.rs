//! The rules are configuration: anyone signed in reads them; administrators change them with
//! optimistic concurrency; a bad value names its field and changes nothing.

use serde_json::json;
use tests::*;

const READ: &str = r#"{ safetyRules { version repeatVictimMinIncidents repeatVictimWindowDays
  repeatLocationMinIncidents repeatLocationWindowDays caseReviewMinComplaints caseReviewWindowDays
  caseReviewReportWithinDays caseReviewByReporters caseReviewMinReporters caseReviewAnyHate
  highRiskFirstContactHours reviewCadence { standard { days level } medium { days level } high { days level } } } }"#;

const UPDATE: &str = r#"mutation($i: SafetyRulesInput!) { updateSafetyRules(input: $i) {
  version repeatVictimWindowDays highRiskFirstContactHours caseReviewByReporters caseReviewMinReporters
  reviewCadence { medium { days level } } } }"#;

#[tokio::test]
async fn the_defaults_are_seeded_and_administrators_change_them() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let a = officer.query(READ, json!({})).await;
    assert_eq!(
        a.ok()["safetyRules"],
        json!({
            "version": 1, "repeatVictimMinIncidents": 2, "repeatVictimWindowDays": 365,
            "repeatLocationMinIncidents": 2, "repeatLocationWindowDays": 365,
            "caseReviewMinComplaints": 3, "caseReviewWindowDays": 183, "caseReviewReportWithinDays": 31,
            "caseReviewByReporters": false, "caseReviewMinReporters": 5, "caseReviewAnyHate": false,
            "highRiskFirstContactHours": 24,
            "reviewCadence": {
                "standard": [{ "days": 56, "level": "SUPERVISOR" }],
                "medium": [{ "days": 28, "level": "SUPERVISOR" }, { "days": 56, "level": "SENIOR" }],
                "high": [{ "days": 14, "level": "SUPERVISOR" }, { "days": 28, "level": "SENIOR" }, { "days": 56, "level": "CHAIN" }]
            }
        })
    );

    // Only administrators change them.
    let change = json!({ "i": { "version": 1, "repeatVictimWindowDays": 90 } });
    assert_eq!(
        officer.query(UPDATE, change.clone()).await.code(),
        "FORBIDDEN"
    );

    let admin = app.login(ADMIN).await;
    for (input, field) in [
        (
            json!({ "version": 1, "repeatVictimMinIncidents": 1 }),
            "repeatVictimMinIncidents",
        ),
        (
            json!({ "version": 1, "repeatLocationWindowDays": 0 }),
            "repeatLocationWindowDays",
        ),
        (
            json!({ "version": 1, "caseReviewReportWithinDays": 400 }),
            "caseReviewReportWithinDays",
        ),
        (
            json!({ "version": 1, "caseReviewMinReporters": 1 }),
            "caseReviewMinReporters",
        ),
        (
            json!({ "version": 1, "highRiskFirstContactHours": 0 }),
            "highRiskFirstContactHours",
        ),
        (
            json!({ "version": 1, "reviewCadence": { "high": [{ "days": 28, "level": "SUPERVISOR" }, { "days": 14, "level": "SENIOR" }] } }),
            "reviewCadence.high",
        ),
        (json!({ "version": 1 }), "input"),
    ] {
        let a = admin.query(UPDATE, json!({ "i": input })).await;
        assert_eq!(a.code(), "BAD_USER_INPUT", "{field}: {}", a.body);
        assert_eq!(a.errors()[0]["extensions"]["field"], field);
    }
    assert_eq!(app.log_count("updateSafetyRules").await, 0);

    let a = admin
        .query(
            UPDATE,
            json!({ "i": { "version": 1, "repeatVictimWindowDays": 90, "highRiskFirstContactHours": 48,
                "caseReviewByReporters": true, "reviewCadence": { "medium": [{ "days": 21, "level": "SENIOR" }] } } }),
        )
        .await;
    let r = &a.ok()["updateSafetyRules"];
    assert_eq!(r["version"], 2);
    assert_eq!(r["repeatVictimWindowDays"], 90);
    assert_eq!(r["highRiskFirstContactHours"], 48);
    assert_eq!(
        (
            r["caseReviewByReporters"].clone(),
            r["caseReviewMinReporters"].clone()
        ),
        (json!(true), json!(5))
    );
    assert_eq!(
        r["reviewCadence"]["medium"],
        json!([{ "days": 21, "level": "SENIOR" }])
    );

    // A stale version is refused with the current one.
    let a = admin.query(UPDATE, change).await;
    assert_eq!(a.code(), "CONFLICT");
    assert_eq!(a.errors()[0]["extensions"]["currentVersion"], 2);
    assert_eq!(app.log_count("updateSafetyRules").await, 1);
    assert_eq!(
        officer
            .query(
                "{ safetyRules { version repeatVictimWindowDays } }",
                json!({})
            )
            .await
            .ok()["safetyRules"],
        json!({ "version": 2, "repeatVictimWindowDays": 90 })
    );
}
