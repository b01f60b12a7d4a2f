//! The dashboard's figures equal values computed by hand on data the test creates in a ward of
//! its own, so the demo data cannot disturb them.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use tests::*;

use super::*;

const WARD: &str = "Fixture Ward";

const DASHBOARD: &str = r#"query($from: DateTime!, $to: DateTime!, $agency: ID, $ward: String) {
  dashboard(from: $from, to: $to, agencyId: $agency, ward: $ward) {
    incidentsByCategory { category count } openCasesByRisk { riskLevel count }
    repeatVictims medianDaysToFirstContact highRiskVictimsContacted overdueReviews
    averageSatisfaction satisfactionResponses caseReviewActivations } }"#;

fn counts(list: &Value, key: &str) -> Vec<(String, i64)> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|c| {
            (
                c[key].as_str().expect("a name").to_string(),
                c["count"].as_i64().expect("a count"),
            )
        })
        .collect()
}

async fn open(s: &Session<'_>, risk: &str, incidents: Vec<Value>) -> Value {
    let a = s
        .query(OPEN, json!({ "input": { "title": "Dashboard case", "category": "PERSONAL", "riskLevel": risk, "incidentIds": incidents } }))
        .await;
    a.ok()["openCase"].clone()
}

#[tokio::test]
async fn dashboard_figures_match_hand_computed_values() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let supervisor = app.login(POLICE_SUPERVISOR).await;
    let hour = Duration::hours(1);

    // Incidents at one place in the fixture ward; the period starts on 1 March 2025.
    let a1 = record(&officer, at("2025-03-02T20:00:00Z"), hour, json!({
        "location": new_place("9 Fixture Street, Eastbrook", WARD), "parties": [new_victim("Alpha")] })).await;
    let place = id_of(&a1["location"]["id"]);
    let alpha = first_person(&a1);
    let at_place = |parties: Value, category: &str| json!({ "locationId": place, "parties": parties, "category": category });
    let de = record(
        &officer,
        at("2025-03-05T20:00:00Z"),
        hour,
        at_place(json!([new_victim("Delta"), new_victim("Echo")]), "PERSONAL"),
    )
    .await;
    let a2 = record(
        &officer,
        at("2025-03-10T20:00:00Z"),
        hour,
        at_place(json!([party("VICTIM", &alpha)]), "PERSONAL"),
    )
    .await;
    let b1 = record(
        &officer,
        at("2025-03-15T20:00:00Z"),
        hour,
        at_place(json!([new_victim("Bravo")]), "NUISANCE"),
    )
    .await;
    let a3 = record(
        &officer,
        at("2025-03-20T20:00:00Z"),
        hour,
        at_place(json!([party("VICTIM", &alpha)]), "PERSONAL"),
    )
    .await;
    assert_eq!(
        (
            a2["isRepeatVictim"].clone(),
            a3["caseReviewEligible"].clone()
        ),
        (json!(true), json!(true))
    );
    // Before the period: not counted.
    let c1 = record(
        &officer,
        at("2025-02-01T20:00:00Z"),
        hour,
        at_place(json!([new_victim("Charlie")]), "ENVIRONMENTAL"),
    )
    .await;

    // Cases: high risk (Alpha, Delta, Echo), medium (Bravo), and a standard one closed today,
    // which was open during the period.
    let high = open(
        &officer,
        "HIGH",
        vec![
            a1["id"].clone(),
            de["id"].clone(),
            a2["id"].clone(),
            a3["id"].clone(),
        ],
    )
    .await;
    let medium = open(&officer, "MEDIUM", vec![b1["id"].clone()]).await;
    let standard = open(&officer, "STANDARD", vec![c1["id"].clone()]).await;
    officer
        .query(
            "mutation($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { status } }",
            json!({ "input": { "id": standard["id"], "version": 1, "status": "CLOSED", "closureReason": "RESOLVED" } }),
        )
        .await
        .ok();
    // The high-risk case's review is overdue.
    officer
        .query(
            "mutation($input: UpdateCaseInput!) { updateCase(input: $input) { version } }",
            json!({ "input": { "id": high["id"], "version": 1, "nextReviewAt": "2025-06-01T09:00:00Z" } }),
        )
        .await
        .ok();

    // The victims joined the high-risk case on 1 April 2025; first contacts 2, 5.5 and 1 days
    // later (Alpha's second contact does not count): median 2.
    let high_id = uuid::Uuid::parse_str(&id_of(&high["id"])).unwrap();
    execute(
        &app,
        "UPDATE case_party SET created_at = ? WHERE case_id = ?",
        vec![at("2025-04-01T00:00:00Z").into(), high_id.into()],
    )
    .await;
    let delta = id_of(&de["parties"][0]["person"]["id"]);
    let echo = id_of(&de["parties"][1]["person"]["id"]);
    for (person, when) in [
        (&alpha, "2025-04-03T00:00:00Z"),
        (&alpha, "2025-04-10T00:00:00Z"),
        (&delta, "2025-04-06T12:00:00Z"),
        (&echo, "2025-04-02T00:00:00Z"),
    ] {
        officer
            .query(
                "mutation($input: RecordVictimContactInput!) { recordVictimContact(input: $input) { id } }",
                json!({ "input": { "personId": person, "caseId": high["id"], "method": "IN_PERSON", "outcome": "Visited", "contactedAt": when } }),
            )
            .await
            .ok();
    }
    // Satisfaction 4 and 2 on the high-risk case, 5 on the medium one: mean 11/3.
    let bravo = id_of(&medium["parties"][0]["person"]["id"]);
    for (person, case, score) in [(&alpha, &high, 4), (&delta, &high, 2), (&bravo, &medium, 5)] {
        officer
            .query(
                "mutation($input: RecordSatisfactionInput!) { recordSatisfaction(input: $input) { id } }",
                json!({ "input": { "personId": person, "caseId": case["id"], "score": score } }),
            )
            .await
            .ok();
    }

    let period = json!({ "from": "2025-03-01T00:00:00Z", "to": iso(Utc::now() + days(1)), "ward": "fixture ward" });
    let a = supervisor.query(DASHBOARD, period.clone()).await;
    let d = &a.ok()["dashboard"];
    assert_eq!(
        counts(&d["incidentsByCategory"], "category"),
        vec![
            ("personal".into(), 4),
            ("nuisance".into(), 1),
            ("environmental".into(), 0)
        ]
    );
    assert_eq!(
        counts(&d["openCasesByRisk"], "riskLevel"),
        vec![
            ("standard".into(), 1),
            ("medium".into(), 1),
            ("high".into(), 1)
        ]
    );
    assert_eq!(d["repeatVictims"], 1);
    assert_eq!(d["caseReviewActivations"], 1);
    assert_eq!(d["medianDaysToFirstContact"], 2.0);
    assert_eq!(d["highRiskVictimsContacted"], 3);
    assert_eq!(d["overdueReviews"], 1);
    assert_eq!(d["satisfactionResponses"], 3);
    assert!(
        (d["averageSatisfaction"].as_f64().unwrap() - 11.0 / 3.0).abs() < 1e-9,
        "{d}"
    );

    // A period before any of it: nothing, and no median or average.
    let a = supervisor
        .query(
            DASHBOARD,
            json!({ "from": "2024-01-01T00:00:00Z", "to": "2024-12-31T00:00:00Z", "ward": WARD }),
        )
        .await;
    let d = &a.ok()["dashboard"];
    assert_eq!(d["repeatVictims"], 0);
    assert!(d["medianDaysToFirstContact"].is_null() && d["averageSatisfaction"].is_null());

    // For another agency, or as another agency that sees none of these records: zeros.
    let mut council_only = period.clone();
    council_only["agency"] = json!(demo("agency", "council"));
    let council = app.login(COUNCIL_OFFICER).await;
    for d in [
        supervisor.query(DASHBOARD, council_only).await.ok()["dashboard"].clone(),
        council.query(DASHBOARD, period.clone()).await.ok()["dashboard"].clone(),
    ] {
        assert!(
            counts(&d["incidentsByCategory"], "category")
                .iter()
                .all(|(_, n)| *n == 0),
            "{d}"
        );
        assert!(
            counts(&d["openCasesByRisk"], "riskLevel")
                .iter()
                .all(|(_, n)| *n == 0),
            "{d}"
        );
        assert_eq!(
            (
                d["repeatVictims"].clone(),
                d["satisfactionResponses"].clone(),
                d["overdueReviews"].clone()
            ),
            (json!(0), json!(0), json!(0))
        );
    }
    // Without the operation; and a period that ends before it starts.
    let caseworker = app.login(CASEWORKER).await;
    assert_eq!(
        caseworker.query(DASHBOARD, period).await.code(),
        "FORBIDDEN"
    );
    let a = supervisor
        .query(
            DASHBOARD,
            json!({ "from": "2025-02-01T00:00:00Z", "to": "2025-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(a.code(), "BAD_USER_INPUT");
}

/// With the cache on (as by default), figures are reused for the same agency and question, and
/// only then: another period counts afresh, another agency gets its own figures, and a user
/// without the operation is refused even though figures are held.
#[tokio::test]
async fn dashboard_figures_are_reused_per_agency_and_question_only() {
    let app = spawn_app_with(Options {
        demo: true,
        raw: api::configuration::RawSettings {
            dashboard_cache_seconds: Some(600),
            ..Default::default()
        },
    })
    .await;
    let officer = app.login(POLICE_OFFICER).await;
    let supervisor = app.login(POLICE_SUPERVISOR).await;
    let council = app.login(COUNCIL_OFFICER).await;
    const Q: &str = r#"query($from: DateTime!, $to: DateTime!, $ward: String) {
      dashboard(from: $from, to: $to, ward: $ward) { computedAt incidentsByCategory { category count } } }"#;
    let personal = |d: &Value| {
        counts(&d["incidentsByCategory"], "category")
            .into_iter()
            .find(|(c, _)| c == "personal")
            .map(|(_, n)| n)
            .expect("personal listed")
    };
    let place = json!({ "location": new_place("1 Cache Row, Eastbrook", "Cache Ward"), "parties": [new_victim("Cached")] });
    record(&officer, Utc::now() - days(1), Duration::hours(1), place).await;
    let from = Utc::now() - days(2);
    let to = Utc::now() + days(1);
    let vars = json!({ "from": iso(from), "to": iso(to), "ward": "Cache Ward" });

    let first = supervisor.query(Q, vars.clone()).await.ok()["dashboard"].clone();
    assert_eq!(personal(&first), 1);

    let more = json!({ "location": new_place("2 Cache Row, Eastbrook", "Cache Ward"), "parties": [new_victim("Later")] });
    record(&officer, Utc::now() - days(1), Duration::hours(1), more).await;
    // The same question again (also in another letter case for the ward): the held figures.
    for ward in ["Cache Ward", "cache ward"] {
        let mut v = vars.clone();
        v["ward"] = json!(ward);
        let again = supervisor.query(Q, v).await.ok()["dashboard"].clone();
        assert_eq!(personal(&again), 1, "{again}");
        assert_eq!(again["computedAt"], first["computedAt"]);
    }
    // Another period is another question: counted afresh.
    let other =
        json!({ "from": iso(from - Duration::seconds(1)), "to": iso(to), "ward": "Cache Ward" });
    let fresh = supervisor.query(Q, other).await.ok()["dashboard"].clone();
    assert_eq!(personal(&fresh), 2, "{fresh}");
    // Another agency asking the same question gets its own figures, not the police's.
    let theirs = council.query(Q, vars.clone()).await.ok()["dashboard"].clone();
    assert_eq!(personal(&theirs), 0, "{theirs}");
    assert_ne!(theirs["computedAt"], first["computedAt"]);
    // Permissions are checked on every request, before any held figures.
    let caseworker = app.login(CASEWORKER).await;
    assert_eq!(caseworker.query(Q, vars).await.code(), "FORBIDDEN");
}
