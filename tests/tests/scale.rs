//! Scale data (`asb-hub seed --scale N`) and the benchmark build's authorization bypass.

use api::seed::scale::Sizes;
use serde_json::json;
use tests::{HOUSING_OFFICER, POLICE_OFFICER, POLICE_SUPERVISOR, TestApp, spawn_app};

const SCALE: f64 = 0.002;
const POLICE_VISIBLE: &str = "(lead_agency_id = (SELECT id FROM agency WHERE name = 'Northshire Police') \
     OR id IN (SELECT case_id FROM case_share WHERE revoked_at IS NULL \
     AND agency_id = (SELECT id FROM agency WHERE name = 'Northshire Police')))";

async fn seed(app: &TestApp, seed: u64) -> Result<String, api::error::AppError> {
    app.seed_scale(SCALE, seed).await
}

#[tokio::test]
async fn a_small_scale_loads_every_table_and_the_server_serves_it() {
    let app = spawn_app().await;
    let before = |table: &'static str| {
        let app = &app;
        async move {
            app.count(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .await
        }
    };
    let (people, incidents, cases, flags, victim_flags) = (
        before("person").await,
        before("incident").await,
        before("asb_case").await,
        before("incident_flag").await,
        before("victim_flag").await,
    );
    let summary = seed(&app, 7).await.expect("seeded");
    assert!(summary.contains("incident 2000"), "{summary}");
    let sizes = Sizes::of(SCALE);
    assert_eq!(
        before("person").await,
        people + i64::from(sizes.people),
        "{summary}"
    );
    assert_eq!(
        before("incident").await,
        incidents + i64::from(sizes.incidents)
    );
    assert_eq!(before("asb_case").await, cases + i64::from(sizes.cases));
    // Every scale incident has its detection flags, and its victim.
    assert_eq!(
        before("incident_flag").await,
        flags + i64::from(sizes.incidents)
    );
    assert_eq!(
        before("victim_flag").await,
        victim_flags + i64::from(sizes.incidents)
    );
    assert!(before("case_party").await >= 2 * i64::from(sizes.cases));
    assert!(before("case_action").await >= 2 * i64::from(sizes.cases));
    assert!(before("risk_assessment").await >= i64::from(sizes.cases));
    assert!(
        app.count("SELECT COUNT(*) AS n FROM incident_flag WHERE is_repeat_victim")
            .await
            > 100
    );
    // Case references stay unique and the year counters are ahead of them, so a new case
    // gets a fresh reference.
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT reference) AS n FROM asb_case")
            .await,
        before("asb_case").await
    );

    // The same seed twice is refused, and adds nothing.
    let again = seed(&app, 7).await.expect_err("refused");
    assert!(format!("{again:?}").contains("already"), "{again:?}");
    assert_eq!(before("asb_case").await, cases + i64::from(sizes.cases));

    let officer = app.login(POLICE_OFFICER).await;
    let page = officer
        .query(
            r#"{ cases(first: 50) { totalCount edges { node { id reference
                parties { role person { familyName } } incidents { occurredAt } actions { dueDate } } } } }"#,
            json!({}),
        )
        .await;
    let data = page.ok();
    let visible = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM asb_case WHERE {POLICE_VISIBLE}"
        ))
        .await;
    assert_eq!(data["cases"]["totalCount"], visible);
    let edges = data["cases"]["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 50);
    assert!(
        edges
            .iter()
            .all(|e| !e["node"]["parties"].as_array().expect("parties").is_empty())
    );
    assert!(
        edges
            .iter()
            .any(|e| e["node"]["incidents"].as_array().expect("incidents").len() >= 2)
    );
    let id = edges[0]["node"]["id"].clone();
    let one = officer
        .query(
            "query($id: ID!) { case(id: $id) { reference riskLevel parties { person { givenName dateOfBirth } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(one.ok()["case"]["reference"], edges[0]["node"]["reference"]);

    // The worklists and the dashboard find work in it.
    let lists = officer
        .query(
            r#"{ repeatVictims(first: 5) { edges { node { incidentCount } } }
                 overdueReviews(first: 5) { edges { node { reference } } } }"#,
            json!({}),
        )
        .await;
    let data = lists.ok().clone();
    let supervisor = app.login(POLICE_SUPERVISOR).await;
    let dashboard = supervisor
        .query(
            r#"{ dashboard(from: "2000-01-01T00:00:00Z", to: "2999-01-01T00:00:00Z") { repeatVictims assessmentsRequired } }"#,
            json!({}),
        )
        .await;
    let figures = dashboard.ok();
    assert_eq!(
        data["repeatVictims"]["edges"]
            .as_array()
            .expect("list")
            .len(),
        5
    );
    assert!(
        !data["overdueReviews"]["edges"]
            .as_array()
            .expect("list")
            .is_empty()
    );
    assert!(
        figures["dashboard"]["repeatVictims"]
            .as_i64()
            .expect("count")
            > 50
    );
    assert!(
        figures["dashboard"]["assessmentsRequired"]
            .as_i64()
            .expect("count")
            > 50
    );

    // Rows stay scoped: the housing officer sees fewer cases than exist.
    let housing = app.login(HOUSING_OFFICER).await;
    let a = housing
        .query("{ cases(first: 1) { totalCount } }", json!({}))
        .await;
    let seen = a.ok()["cases"]["totalCount"].as_i64().expect("count");
    assert!(seen > 0 && seen < before("asb_case").await, "{seen}");
}

/// CI builds the default features: this proves the bypass is not compiled in, and that row
/// scope holds in that build.
#[tokio::test]
async fn the_default_build_does_not_bypass_authorization() {
    // Read at run time, as the binary was built.
    assert!(
        !std::hint::black_box(api::auth::policy::AUTHZ_BYPASSED),
        "the bench-no-authz feature must never be on in a normal build"
    );
    let app = spawn_app().await;
    let housing = app.login(HOUSING_OFFICER).await;
    // Demo case 3 is council-led and not shared with housing.
    let id = app.case_id(3).await;
    let a = housing
        .query(
            "query($id: ID!) { case(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
}
