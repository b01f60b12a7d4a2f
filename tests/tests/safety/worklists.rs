//! Each worklist on the demo data returns exactly what raw SQL, written independently of the
//! server's scope code, says the user's agency may see; and nothing else.

use chrono::Utc;
use serde_json::json;
use tests::*;

use super::*;

const USERS: [&str; 3] = [POLICE_OFFICER, HOUSING_OFFICER, COUNCIL_OFFICER];

#[tokio::test]
async fn victim_and_place_worklists_match_the_database_for_each_agency() {
    let app = spawn_app().await;
    for email in USERS {
        let s = app.login(email).await;
        let agency = agency_of(email);
        for (root, column) in [
            ("repeatVictims", "is_repeat"),
            ("caseReviewEligibleVictims", "case_review_eligible"),
        ] {
            let a = s.query(&format!("{{ {root}(first: 100) {{ totalCount edges {{ node {{ person {{ id }} incident {{ id }} }} }} }} }}"), json!({})).await;
            let conn = &a.ok()[root];
            let (sql, values) = bind(
                &format!(
                    "SELECT DISTINCT person_id AS id FROM victim_flag WHERE {column} = ? \
                     AND incident_id IN ({}) AND person_id IN ({})",
                    visible_incidents(),
                    visible_people()
                ),
                agency,
                vec![true.into()],
            );
            let expected = ids_with(&app, &sql, values).await;
            if email == POLICE_OFFICER {
                assert!(
                    !expected.is_empty(),
                    "{root}: the demo has some for the police"
                );
            }
            assert_eq!(node_ids(conn, "/person/id"), expected, "{email} {root}");
            assert_eq!(
                conn["totalCount"].as_u64().unwrap() as usize,
                expected.len()
            );
            // Every incident shown is one the agency may see.
            let (sql, values) = bind(&visible_incidents(), agency, vec![]);
            let visible = ids_with(&app, &sql, values).await;
            for id in node_ids(conn, "/incident/id") {
                assert!(visible.contains(&id), "{email} {root}: {id}");
            }
        }
        let a = s
            .query(
                "{ repeatLocations(first: 100) { totalCount edges { node { location { id } } } } }",
                json!({}),
            )
            .await;
        let (sql, values) = bind(
            &format!(
                "SELECT DISTINCT location_id AS id FROM incident_flag WHERE is_repeat_location = ? AND incident_id IN ({})",
                visible_incidents()
            ),
            agency,
            vec![true.into()],
        );
        let expected = ids_with(&app, &sql, values).await;
        assert!(
            !expected.is_empty(),
            "{email}: the demo has repeat locations"
        );
        assert_eq!(
            node_ids(&a.ok()["repeatLocations"], "/location/id"),
            expected,
            "{email}"
        );
    }
    // The demo's story: case 1's victim meets the Case Review threshold, for the police.
    let police = app.login(POLICE_OFFICER).await;
    let a = police
        .query(
            "{ caseReviewEligibleVictims(first: 100) { edges { node { person { id } } } } }",
            json!({}),
        )
        .await;
    assert!(
        node_ids(&a.ok()["caseReviewEligibleVictims"], "/person/id").contains(&demo("person", 0))
    );
    // Pages of two walk the same people once each, newest first.
    let q = "query($after: String) { repeatVictims(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { person { id } occurredAt } } } }";
    let (mut walked, mut times, mut after) = (Vec::new(), Vec::new(), None::<String>);
    loop {
        let a = police.query(q, json!({ "after": after })).await;
        let conn = a.ok()["repeatVictims"].clone();
        for e in conn["edges"].as_array().unwrap() {
            walked.push(id_of(&e["node"]["person"]["id"]));
            times.push(
                e["node"]["occurredAt"]
                    .as_str()
                    .unwrap()
                    .parse::<chrono::DateTime<Utc>>()
                    .unwrap(),
            );
        }
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let all = police
        .query(
            "{ repeatVictims(first: 100) { edges { node { person { id } } } } }",
            json!({}),
        )
        .await;
    walked.sort();
    assert_eq!(walked, node_ids(&all.ok()["repeatVictims"], "/person/id"));
    // Victim support may not read incidents' flags, so may not list by them.
    let caseworker = app.login(CASEWORKER).await;
    assert_eq!(
        caseworker
            .query("{ repeatVictims { totalCount } }", json!({}))
            .await
            .code(),
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn only_uncontacted_high_risk_victims_await_contact() {
    let app = spawn_app().await;
    let q = "query($o: Boolean) { victimsAwaitingContact(first: 50, overdueOnly: $o) { totalCount edges { node { person { id } case { id } overdue dueBy since } } } }";
    for (email, expected) in [
        (POLICE_OFFICER, vec![(demo("person", 0), demo("case", 0))]),
        (HOUSING_OFFICER, vec![(demo("person", 0), demo("case", 0))]),
        (CASEWORKER, vec![(demo("person", 0), demo("case", 0))]),
        (COUNCIL_OFFICER, vec![]),
    ] {
        let s = app.login(email).await;
        for overdue_only in [false, true] {
            let a = s.query(q, json!({ "o": overdue_only })).await;
            let conn = &a.ok()["victimsAwaitingContact"];
            let got: Vec<(String, String)> = conn["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        id_of(&e["node"]["person"]["id"]),
                        id_of(&e["node"]["case"]["id"]),
                    )
                })
                .collect();
            assert_eq!(got, expected, "{email}");
            for e in conn["edges"].as_array().unwrap() {
                assert_eq!(e["node"]["overdue"], true);
                let since: chrono::DateTime<Utc> =
                    e["node"]["since"].as_str().unwrap().parse().unwrap();
                let due: chrono::DateTime<Utc> =
                    e["node"]["dueBy"].as_str().unwrap().parse().unwrap();
                assert_eq!(due - since, chrono::Duration::hours(24));
            }
        }
    }
    // The raw SQL agrees for the police.
    let (sql, values) = bind(
        &format!(
            "SELECT COUNT(*) AS n FROM case_party p WHERE p.role = 'victim' AND p.case_id IN ({VISIBLE_CASES}) \
             AND p.case_id IN (SELECT id FROM asb_case WHERE risk_level = 'high' AND status <> 'closed') \
             AND NOT EXISTS (SELECT 1 FROM victim_contact c WHERE c.case_id = p.case_id AND c.person_id = p.person_id AND c.by_dedicated_officer = ?)"
        ),
        agency_of(POLICE_OFFICER),
        vec![true.into()],
    );
    assert_eq!(count_with(&app, &sql, values).await, 1);
}

#[tokio::test]
async fn overdue_reviews_and_actions_match_the_database_for_each_agency() {
    let app = spawn_app().await;
    let today = Utc::now().date_naive();
    for email in USERS {
        let s = app.login(email).await;
        let agency = agency_of(email);
        let a = s
            .query(
                "{ overdueReviews(first: 100) { totalCount edges { node { id } } } }",
                json!({}),
            )
            .await;
        let (sql, values) = bind(
            &format!(
                "SELECT id FROM asb_case WHERE status <> 'closed' AND next_review_at < ? AND id IN ({VISIBLE_CASES})"
            ),
            agency,
            vec![Utc::now().into()],
        );
        let expected = ids_with(&app, &sql, values).await;
        assert!(
            !expected.is_empty(),
            "{email}: the demo has overdue reviews"
        );
        assert_eq!(
            node_ids(&a.ok()["overdueReviews"], "/id"),
            expected,
            "{email}"
        );

        let a = s.query("{ overdueActions(first: 100) { totalCount edges { node { count actions { id } } } } }", json!({})).await;
        let conn = &a.ok()["overdueActions"];
        let mut shown: Vec<String> = Vec::new();
        for e in conn["edges"].as_array().unwrap() {
            let ids: Vec<String> = e["node"]["actions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| id_of(&a["id"]))
                .collect();
            assert_eq!(e["node"]["count"].as_u64().unwrap() as usize, ids.len());
            shown.extend(ids);
        }
        shown.sort();
        let (sql, values) = bind(
            &format!(
                "SELECT id FROM case_action WHERE status IN ('planned', 'in_progress') AND due_date < ? AND case_id IN ({VISIBLE_CASES})"
            ),
            agency,
            vec![today.into()],
        );
        assert_eq!(shown, ids_with(&app, &sql, values).await, "{email}");
    }
}

#[tokio::test]
async fn overdue_actions_are_grouped_by_owner_and_team_and_paginate() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let q = "query($after: String) { overdueActions(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { ownerAgency { name } owner { email } team count oldestDueDate actions { description } } } } }";
    let mut groups = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let a = police.query(q, json!({ "after": after })).await;
        let conn = a.ok()["overdueActions"].clone();
        assert_eq!(conn["totalCount"], 2);
        groups.extend(
            conn["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    let mut summary: Vec<(String, String, u64, String)> = groups
        .iter()
        .map(|g| {
            (
                g["owner"]["email"].as_str().unwrap_or("-").to_string(),
                g["team"].as_str().unwrap_or("-").to_string(),
                g["count"].as_u64().unwrap(),
                g["actions"][0]["description"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    summary.sort();
    assert_eq!(
        summary,
        vec![
            (
                "-".into(),
                "-".into(),
                1,
                "Write to the landlord about the noise".into()
            ),
            (
                POLICE_OFFICER.into(),
                "Eastbrook SNT".into(),
                1,
                "Fit a video doorbell for the victim".into()
            ),
        ]
    );
    for g in &groups {
        assert_eq!(g["ownerAgency"]["name"], "Northshire Police");
    }
}

#[tokio::test]
async fn a_groups_actions_are_bounded_and_its_count_is_whole() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    // Every open action falls due long ago, so owners have several overdue at once.
    app.db
        .execute_unprepared(
            "UPDATE case_action SET due_date = '2020-01-01' \
             WHERE status IN ('planned', 'in_progress')",
        )
        .await
        .unwrap();
    let q = "query($n: Int) { overdueActions(first: 20) { edges { node { count actions(first: $n) { id dueDate } } } } }";
    let whole = police.query(q, json!({ "n": 100 })).await;
    let one = police.query(q, json!({ "n": 1 })).await;
    let groups = |a: &Answer| {
        a.ok()["overdueActions"]["edges"]
            .as_array()
            .unwrap()
            .clone()
    };
    let (whole, one) = (groups(&whole), groups(&one));
    assert_eq!(whole.len(), one.len());
    assert!(
        whole
            .iter()
            .any(|g| g["node"]["count"].as_u64().unwrap() > 1),
        "a group with more than one action"
    );
    for (w, o) in whole.iter().zip(&one) {
        let count = w["node"]["count"].as_u64().unwrap();
        assert_eq!(o["node"]["count"], count, "count is the whole group");
        assert_eq!(w["node"]["actions"].as_array().unwrap().len() as u64, count);
        let shown = o["node"]["actions"].as_array().unwrap();
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0], w["node"]["actions"][0], "the oldest comes first");
    }
    for bad in [0, -1, 101] {
        let a = police.query(q, json!({ "n": bad })).await;
        assert!(
            a.codes().contains(&"BAD_USER_INPUT".to_string()),
            "{bad}: {}",
            a.body
        );
    }
}
