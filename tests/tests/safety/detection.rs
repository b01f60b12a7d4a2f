//! Detection happens in the `recordIncident` request: its answer already carries the flags.
//! Windows are closed intervals: an earlier incident exactly `D` days before counts.

use chrono::Duration;
use serde_json::json;
use tests::*;

use super::*;

const RULES: &str =
    r#"mutation($i: SafetyRulesInput!) { updateSafetyRules(input: $i) { version } }"#;

const ELIGIBLE: &str = r#"query($from: DateTime, $to: DateTime) {
  caseReviewEligibleVictims(from: $from, to: $to, first: 100) { totalCount
    edges { node { person { id } caseReviewBasis incidentCount } } } }"#;

#[tokio::test]
async fn repeat_victims_are_flagged_when_recorded_at_the_window_edges() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let t0 = at("2025-01-10T10:00:00Z");
    let hour = Duration::hours(1);
    let second = Duration::seconds(1);
    for (name, gap, repeat) in [
        ("Exactly", days(365), true),
        ("Inside", days(365) - second, true),
        ("Outside", days(365) + second, false),
    ] {
        let first = record(&officer, t0, hour, json!({ "parties": [new_victim(name)] })).await;
        assert_eq!(first["isRepeatVictim"], false, "{name}");
        assert_eq!(first["repeatVictimCount"], 1, "{name}");
        assert_eq!(first["repeatWindowDays"], 365);
        let person = first_person(&first);
        let next = record(
            &officer,
            t0 + gap,
            hour,
            json!({ "parties": [party("VICTIM", &person)] }),
        )
        .await;
        assert_eq!(next["isRepeatVictim"], repeat, "{name}: {next}");
        assert_eq!(
            next["repeatVictimCount"],
            if repeat { 2 } else { 1 },
            "{name}"
        );
        // The flag was stored with the incident, in the same transaction.
        let stored = count_with(
            &app,
            "SELECT COUNT(*) AS n FROM victim_flag WHERE person_id = ? AND is_repeat = ?",
            vec![uuid::Uuid::parse_str(&person).unwrap().into(), true.into()],
        )
        .await;
        assert_eq!(stored, i64::from(repeat), "{name}");
    }
    // A later query shows the same flags; detection wrote no access-log entry of its own.
    assert_eq!(app.log_count("recordIncident").await, 6);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM incident_flag").await,
        app.count("SELECT COUNT(*) AS n FROM incident").await
    );
}

#[tokio::test]
async fn repeat_locations_are_flagged_at_the_window_edges() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let t0 = at("2025-02-01T22:00:00Z");
    let hour = Duration::hours(1);
    for (address, gap, repeat) in [
        ("1 Edge Row, Eastbrook", days(365), true),
        (
            "2 Edge Row, Eastbrook",
            days(365) - Duration::seconds(1),
            true,
        ),
        (
            "3 Edge Row, Eastbrook",
            days(365) + Duration::seconds(1),
            false,
        ),
    ] {
        let first = record(
            &officer,
            t0,
            hour,
            json!({ "location": new_place(address, "Edge Ward") }),
        )
        .await;
        assert_eq!(first["isRepeatLocation"], false);
        let place = id_of(&first["location"]["id"]);
        let next = record(&officer, t0 + gap, hour, json!({ "locationId": place })).await;
        assert_eq!(next["isRepeatLocation"], repeat, "{address}");
        assert_eq!(next["isRepeatVictim"], false, "no victim recorded");
    }
    // The worklist lists each repeat place once, by its latest incident.
    let a = officer
        .query(
            "query($from: DateTime) { repeatLocations(from: $from, first: 50) { totalCount edges { node { location { address } incidentCount windowDays } } } }",
            json!({ "from": "2025-01-01T00:00:00Z" }),
        )
        .await;
    let conn = &a.ok()["repeatLocations"];
    let mut addresses: Vec<&str> = conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["node"]["location"]["address"].as_str())
        .filter(|a| a.contains("Edge Row"))
        .collect();
    addresses.sort();
    assert_eq!(
        addresses,
        ["1 Edge Row, Eastbrook", "2 Edge Row, Eastbrook"]
    );
}

#[tokio::test]
async fn the_case_review_threshold_counts_timely_complaints_in_the_window() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let t0 = at("2025-03-03T18:00:00Z");
    let hour = Duration::hours(1);
    // (victim, first complaint's reporting delay, last complaint's offset from the first)
    for (name, first_delay, last, eligible) in [
        ("Threshold", days(31), days(183), true),
        (
            "Late Report",
            days(31) + Duration::seconds(1),
            days(183),
            false,
        ),
        (
            "Outside Window",
            hour,
            days(183) + Duration::seconds(1),
            false,
        ),
    ] {
        let first = record(
            &officer,
            t0,
            first_delay,
            json!({ "parties": [new_victim(name)] }),
        )
        .await;
        let person = first_person(&first);
        let middle = record(
            &officer,
            t0 + days(90),
            hour,
            json!({ "parties": [party("VICTIM", &person)] }),
        )
        .await;
        assert_eq!(
            middle["caseReviewEligible"], false,
            "{name}: two complaints"
        );
        let third = record(
            &officer,
            t0 + last,
            hour,
            json!({ "parties": [party("VICTIM", &person)] }),
        )
        .await;
        assert_eq!(third["caseReviewEligible"], eligible, "{name}: {third}");
    }
    let a = officer
        .query(
            ELIGIBLE,
            json!({ "from": "2025-01-01T00:00:00Z", "to": "2025-12-31T00:00:00Z" }),
        )
        .await;
    let conn = &a.ok()["caseReviewEligibleVictims"];
    assert_eq!(conn["totalCount"], 1, "{conn}");
    assert_eq!(conn["edges"][0]["node"]["caseReviewBasis"], "complaints");
    // All three complaints also fall in the 365-day repeat window.
    assert_eq!(conn["edges"][0]["node"]["incidentCount"], 3);
}

#[tokio::test]
async fn each_case_review_alternative_applies_only_when_turned_on() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let admin = app.login(ADMIN).await;
    let t0 = at("2025-04-01T12:00:00Z");
    let hour = Duration::hours(1);
    let hate = |name: &str| json!({ "hateMotivated": true, "parties": [new_victim(name)] });

    // Off by default: one hate incident, or three people reporting at one place, is not enough.
    let a = record(&officer, t0, hour, hate("Hate Off")).await;
    assert_eq!(a["caseReviewEligible"], false);
    let place = record(&officer, t0, hour, json!({ "location": new_place("7 Report Row, Eastbrook", "Report Ward"), "parties": [new_party("REPORTER", "Reporter One")] })).await;
    let place_id = id_of(&place["location"]["id"]);
    record(
        &officer,
        t0 + days(1),
        hour,
        json!({ "locationId": place_id, "parties": [new_party("REPORTER", "Reporter Two")] }),
    )
    .await;
    let third = record(&officer, t0 + days(2), hour, json!({ "locationId": place_id, "parties": [new_party("REPORTER", "Reporter Three"), new_victim("Reported Off")] })).await;
    assert_eq!(third["caseReviewEligible"], false);

    let a = admin
        .query(RULES, json!({ "i": { "version": 1, "caseReviewAnyHate": true, "caseReviewByReporters": true, "caseReviewMinReporters": 3 } }))
        .await;
    assert_eq!(a.ok()["updateSafetyRules"]["version"], 2);

    let a = record(&officer, t0 + days(3), hour, hate("Hate On")).await;
    assert_eq!(a["caseReviewEligible"], true, "{a}");
    let hate_victim = first_person(&a);
    // A fourth incident at the place, with a new victim: three different people have reported
    // there in the window.
    let fourth = record(
        &officer,
        t0 + days(4),
        hour,
        json!({ "locationId": place_id, "parties": [new_victim("Reported On")] }),
    )
    .await;
    assert_eq!(fourth["caseReviewEligible"], true, "{fourth}");
    let reported_victim = first_person(&fourth);
    // Two reporters at another place are not enough.
    let other = record(&officer, t0, hour, json!({ "location": new_place("8 Report Row, Eastbrook", "Report Ward"), "parties": [new_party("REPORTER", "Reporter Four")] })).await;
    let control = record(&officer, t0 + days(1), hour, json!({ "locationId": id_of(&other["location"]["id"]), "parties": [new_party("REPORTER", "Reporter Five"), new_victim("Control")] })).await;
    assert_eq!(control["caseReviewEligible"], false);

    let a = officer
        .query(
            ELIGIBLE,
            json!({ "from": "2025-01-01T00:00:00Z", "to": "2025-12-31T00:00:00Z" }),
        )
        .await;
    let mut found: Vec<(String, String)> = a.ok()["caseReviewEligibleVictims"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                id_of(&e["node"]["person"]["id"]),
                e["node"]["caseReviewBasis"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let mut expected = vec![
        (hate_victim, "hate".to_string()),
        (reported_victim, "reporters".to_string()),
    ];
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(app.log_count("updateSafetyRules").await, 1);
}

#[tokio::test]
async fn a_stricter_repeat_rule_applies_to_incidents_recorded_after_it() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let admin = app.login(ADMIN).await;
    admin
        .query(RULES, json!({ "i": { "version": 1, "repeatVictimMinIncidents": 3, "repeatVictimWindowDays": 30 } }))
        .await
        .ok();
    let t0 = at("2025-06-01T09:00:00Z");
    let hour = Duration::hours(1);
    let first = record(
        &officer,
        t0,
        hour,
        json!({ "parties": [new_victim("Stricter")] }),
    )
    .await;
    let person = first_person(&first);
    let second = record(
        &officer,
        t0 + days(10),
        hour,
        json!({ "parties": [party("VICTIM", &person)] }),
    )
    .await;
    assert_eq!(
        (
            second["isRepeatVictim"].clone(),
            second["repeatWindowDays"].clone()
        ),
        (json!(false), json!(30))
    );
    let third = record(
        &officer,
        t0 + days(30),
        hour,
        json!({ "parties": [party("VICTIM", &person)] }),
    )
    .await;
    assert_eq!(third["isRepeatVictim"], true);
    assert_eq!(third["repeatVictimCount"], 3);
}
