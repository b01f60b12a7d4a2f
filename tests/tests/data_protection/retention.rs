//! Retention periods (`setRetentionPolicy`, `retentionPolicies`) and the records past them
//! (`recordsDueForReview`), compared with SQL.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use tests::*;
use uuid::Uuid;

use super::*;

const POLICIES: &str =
    "{ retentionPolicies { agency { name } recordType retainDays clockStartsAt } }";

#[tokio::test]
async fn retention_periods_are_validated_and_set_by_their_agency() {
    let app = spawn_app().await;
    let dpo = app.login(POLICE_DPO).await;
    let police = agency("police");
    let rows =
        "SELECT COUNT(*) AS n FROM retention_policy WHERE agency_id = ? AND retain_days = 2190";
    assert_eq!(count_with(&app, rows, vec![police.into()]).await, 3);

    for days in [0, -5, 36_501] {
        let a = set_policy(&dpo, police, "CASE", days).await;
        assert_eq!(a.code(), "BAD_USER_INPUT", "{days}");
        assert_eq!(a.errors()[0]["extensions"]["field"], "retainDays");
    }
    let a = dpo
        .query(SET_POLICY, json!({ "a": "police", "t": "CASE", "d": 10 }))
        .await;
    assert_eq!(a.errors()[0]["extensions"]["field"], "agencyId");
    // Setting one's own agency only; an unknown agency is refused the same way.
    let a = set_policy(&dpo, agency("council"), "CASE", 10).await;
    assert_eq!(a.code(), "FORBIDDEN");
    let admin = app.login(ADMIN).await;
    let a = set_policy(&admin, Uuid::new_v4(), "CASE", 10).await;
    assert_eq!(a.code(), "BAD_USER_INPUT");
    assert_eq!(a.errors()[0]["extensions"]["field"], "agencyId");
    let officer = app.login(POLICE_OFFICER).await;
    assert_eq!(
        set_policy(&officer, police, "CASE", 10).await.code(),
        "FORBIDDEN"
    );
    assert_eq!(officer.query(POLICIES, json!({})).await.code(), "FORBIDDEN");
    // Nothing was written.
    assert_eq!(app.log_count("setRetentionPolicy").await, 0);
    assert_eq!(count_with(&app, rows, vec![police.into()]).await, 3);

    let a = set_policy(&dpo, police, "INCIDENT", 400).await;
    let p = &a.ok()["setRetentionPolicy"];
    assert_eq!(p["retainDays"], 400);
    assert_eq!(p["recordType"], "INCIDENT");
    assert_eq!(p["clockStartsAt"], "occurredAt");
    assert_eq!(p["updatedBy"]["email"], POLICE_DPO);
    assert_eq!(app.log_count("setRetentionPolicy").await, 1);
    assert_eq!(
        count_with(
            &app,
            "SELECT COUNT(*) AS n FROM retention_policy WHERE agency_id = ? AND record_type = 'incident' AND retain_days = 400",
            vec![police.into()],
        )
        .await,
        1
    );
    // The administrator sets any agency's; the DPO lists only its own agency's.
    set_policy(&admin, agency("council"), "CASE", 1000)
        .await
        .ok();
    let mine = dpo.query(POLICIES, json!({})).await;
    let mine = mine.ok()["retentionPolicies"]
        .as_array()
        .expect("list")
        .clone();
    assert_eq!(mine.len(), 3);
    assert!(
        mine.iter()
            .all(|p| p["agency"]["name"] == "Northshire Police")
    );
    let all = admin.query(POLICIES, json!({})).await;
    let all = all.ok()["retentionPolicies"]
        .as_array()
        .expect("list")
        .clone();
    assert_eq!(all.len(), 12);
    assert!(
        all.iter()
            .any(|p| p["agency"]["name"] == "Eastbrook District Council"
                && p["recordType"] == "CASE"
                && p["retainDays"] == 1000)
    );
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str().and_then(|s| s.parse().ok()).expect("a time")
}

#[tokio::test]
async fn records_due_for_review_lists_exactly_the_due_records() {
    let app = spawn_app().await;
    let dpo = app.login(POLICE_DPO).await;
    let police = agency("police");
    // Every demo record is younger than six years.
    let (rows, total) = all_due(&dpo, 5).await;
    assert!(rows.is_empty());
    assert_eq!(total, 0);

    let person_id = stale_person(&app, "Stale", 10).await;
    // Person 0, created by the police, is as old but takes part in cases: never due.
    execute(
        &app,
        "UPDATE person SET updated_at = ? WHERE id = ?",
        vec![(Utc::now() - Duration::days(10)).into(), person(0).into()],
    )
    .await;
    set_policy(&dpo, police, "CASE", 1).await.ok();
    set_policy(&dpo, police, "INCIDENT", 30).await.ok();
    set_policy(&dpo, police, "PERSON", 5).await.ok();
    let now = Utc::now();

    let mut expected = ids_with(
        &app,
        "SELECT id FROM asb_case WHERE lead_agency_id = ? AND status = 'closed' AND closed_at <= ?",
        vec![police.into(), (now - Duration::days(1)).into()],
    )
    .await;
    assert_eq!(expected, vec![case(9).to_string()]);
    let incidents = ids_with(
        &app,
        "SELECT id FROM incident WHERE reporting_agency_id = ? AND case_id IS NULL AND occurred_at <= ?",
        vec![police.into(), (now - Duration::days(30)).into()],
    )
    .await;
    assert!(!incidents.is_empty());
    expected.extend(incidents.clone());
    expected.push(person_id.to_string());
    expected.sort();

    let (rows, total) = all_due(&dpo, 2).await;
    assert_eq!(ids_of(&rows), expected);
    assert_eq!(total, expected.len() as i64);
    // Soonest due first, each due its period after its clock started.
    let dues: Vec<DateTime<Utc>> = rows.iter().map(|r| time(&r["dueAt"])).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{rows:?}");
    for r in &rows {
        let days = match r["recordType"].as_str() {
            Some("CASE") => 1,
            Some("INCIDENT") => 30,
            Some("PERSON") => 5,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            time(&r["dueAt"]) - time(&r["clockStartedAt"]),
            Duration::days(days)
        );
        assert!(time(&r["dueAt"]) <= Utc::now());
    }
    let c = rows
        .iter()
        .find(|r| r["recordType"] == "CASE")
        .expect("the case");
    assert_eq!(c["reference"], reference(9));
    assert!(
        rows.iter()
            .filter(|r| r["recordType"] != "CASE")
            .all(|r| r["reference"].is_null())
    );

    // Another agency's list holds none of these, and only its own records.
    let council_dpo = app.login(COUNCIL_DPO).await;
    assert_eq!(all_due(&council_dpo, 10).await.1, 0);
    let admin = app.login(ADMIN).await;
    set_policy(&admin, agency("council"), "INCIDENT", 30)
        .await
        .ok();
    let (council_rows, _) = all_due(&council_dpo, 10).await;
    let council_ids = ids_of(&council_rows);
    assert!(!council_ids.is_empty());
    let expected_council = ids_with(
        &app,
        "SELECT id FROM incident WHERE reporting_agency_id = ? AND case_id IS NULL AND occurred_at <= ?",
        vec![agency("council").into(), (Utc::now() - Duration::days(30)).into()],
    )
    .await;
    assert_eq!(council_ids, expected_council);
    assert!(council_ids.iter().all(|id| !expected.contains(id)));

    // Refused to a role without the grant.
    let officer = app.login(POLICE_OFFICER).await;
    assert_eq!(officer.query(DUE, json!({})).await.code(), "FORBIDDEN");
    let a = dpo.query(DUE, json!({ "a": "garbage" })).await;
    assert_eq!(a.code(), "BAD_USER_INPUT");
}
