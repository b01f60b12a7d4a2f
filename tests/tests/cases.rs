//! Case management over HTTP: the users' day, every mutation's success, bad input, conflicts and
//! denials, pagination, filters, sorting and the statement count of nested lists.

use serde_json::{Value, json};
use tests::*;

const RECORD: &str = r#"mutation($input: RecordIncidentInput!) {
  recordIncident(input: $input) { id occurredAt category subType
    parties { part person { id givenName familyName } } location { postcode ward } } }"#;

fn call_input(victim: Value) -> Value {
    json!({ "input": {
        "occurredAt": "2026-11-20T21:30:00Z",
        "reportedAt": "2026-11-20T22:05:00Z",
        "channel": "PHONE",
        "category": "PERSONAL",
        "subType": "harassment",
        "description": "Caller reports neighbours banging on her door and shouting abuse",
        "location": { "address": "14 Alder Court, Eastbrook", "postcode": "eb1 2ab", "ward": "Castle Ward" },
        "hateMotivated": false,
        "parties": [ { "part": "VICTIM", "newPerson": victim } ]
    }})
}

#[tokio::test]
async fn a_police_officer_records_an_incident_from_a_call_and_opens_a_case() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let incidents_before = app.count("SELECT COUNT(*) AS n FROM incident").await;

    // The call: a new victim at a new address.
    let a = officer
        .query(
            RECORD,
            call_input(
                json!({ "givenName": "Joan", "familyName": "Ashworth", "phone": "07700 900111",
                               "dateOfBirth": "1941-03-02", "consentToShare": true }),
            ),
        )
        .await;
    let incident = a.ok()["recordIncident"].clone();
    assert_eq!(incident["subType"], "harassment");
    assert_eq!(
        incident["location"]["postcode"], "EB1 2AB",
        "postcode normalised"
    );
    assert_eq!(incident["parties"][0]["part"], "victim");
    assert_eq!(incident["parties"][0]["person"]["familyName"], "Ashworth");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM incident").await,
        incidents_before + 1
    );
    assert_eq!(app.log_count("recordIncident").await, 1);

    // A second call about the same victim, now an existing person.
    let victim_id = incident["parties"][0]["person"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut second = call_input(json!(null));
    second["input"]["parties"] = json!([{ "part": "VICTIM", "personId": victim_id }]);
    let b = officer.query(RECORD, second).await;
    let second_id = b.ok()["recordIncident"]["id"].as_str().unwrap().to_string();

    // Open a case from both incidents.
    let a = officer
        .query(
            r#"mutation($input: OpenCaseInput!) { openCase(input: $input) {
                 id reference status riskLevel nextReviewAt leadAgency { name } owner { email }
                 parties { role person { familyName } } incidents { id } locations { postcode } } }"#,
            json!({ "input": {
                "title": "Harassment of elderly resident at Alder Court",
                "category": "PERSONAL",
                "riskLevel": "HIGH",
                "incidentIds": [incident["id"], second_id],
                "policeIntelligence": "Suspects known to the SNT"
            }}),
        )
        .await;
    let case = &a.ok()["openCase"];
    let reference = case["reference"].as_str().unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(
        reference.starts_with(&format!("ASB-{year}-")),
        "{reference}"
    );
    assert_eq!(
        reference,
        format!("ASB-{year}-000013"),
        "after the 12 demo cases"
    );
    assert_eq!(case["status"], "open");
    assert_eq!(case["leadAgency"]["name"], "Northshire Police");
    assert_eq!(case["owner"]["email"], POLICE_OFFICER);
    assert_eq!(
        case["parties"].as_array().unwrap().len(),
        1,
        "one victim, deduplicated"
    );
    assert_eq!(case["incidents"].as_array().unwrap().len(), 2);
    assert_eq!(case["locations"][0]["postcode"], "EB1 2AB");
    let next_review: chrono::DateTime<chrono::Utc> =
        case["nextReviewAt"].as_str().unwrap().parse().unwrap();
    let days = (next_review - chrono::Utc::now()).num_days();
    assert!(
        (13..=14).contains(&days),
        "high risk: reviewed within 14 days, got {days}"
    );
    assert_eq!(app.log_count("openCase").await, 1);
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let before = (
        app.count("SELECT COUNT(*) AS n FROM incident").await,
        app.count("SELECT COUNT(*) AS n FROM person").await,
        app.count("SELECT COUNT(*) AS n FROM access_log").await,
    );
    let cases: Vec<(Value, &str)> = vec![
        (
            {
                let mut i = call_input(json!({"givenName": "A", "familyName": "B"}));
                i["input"]["reportedAt"] = json!("2026-11-20T20:00:00Z");
                i
            },
            "reportedAt",
        ),
        (
            {
                let mut i = call_input(json!({"givenName": "A", "familyName": "B"}));
                i["input"]["location"]["postcode"] = json!("NOT A POSTCODE");
                i
            },
            "postcode",
        ),
        (
            call_input(json!({"givenName": "A", "familyName": "B", "email": "not-an-email"})),
            "email",
        ),
        (
            call_input(json!({"givenName": "", "familyName": "B"})),
            "givenName",
        ),
        (
            {
                let mut i = call_input(json!({"givenName": "A", "familyName": "B"}));
                i["input"]["occurredAt"] = json!("2099-01-01T00:00:00Z");
                i
            },
            "occurredAt",
        ),
        (
            {
                let mut i = call_input(json!({"givenName": "A", "familyName": "B"}));
                i["input"]["description"] = json!("   ");
                i
            },
            "description",
        ),
    ];
    for (input, field) in cases {
        let a = officer.query(RECORD, input).await;
        assert_eq!(a.code(), "BAD_USER_INPUT", "{field}: {}", a.body);
        assert_eq!(a.errors()[0]["extensions"]["field"], field, "{}", a.body);
    }
    let after = (
        app.count("SELECT COUNT(*) AS n FROM incident").await,
        app.count("SELECT COUNT(*) AS n FROM person").await,
        app.count("SELECT COUNT(*) AS n FROM access_log").await,
    );
    // The sign-in added one access-log row before we counted; nothing since.
    assert_eq!(before, after);
}

const UPDATE_CASE: &str = r#"mutation($input: UpdateCaseInput!) {
  updateCase(input: $input) { id version title tenancyDetails } }"#;

#[tokio::test]
async fn a_stale_version_gets_conflict_with_the_current_version() {
    let app = spawn_app().await;
    let housing = app.login(HOUSING_OFFICER).await;
    let id = app.case_id(2).await; // led by the housing association
    let a = housing
        .query(UPDATE_CASE, json!({ "input": { "id": id, "version": 1, "tenancyDetails": "Notice seeking possession served" } }))
        .await;
    assert_eq!(a.ok()["updateCase"]["version"], 2);
    assert_eq!(
        a.ok()["updateCase"]["tenancyDetails"],
        "Notice seeking possession served"
    );

    let a = housing
        .query(
            UPDATE_CASE,
            json!({ "input": { "id": id, "version": 1, "title": "Overwrite" } }),
        )
        .await;
    assert_eq!(a.code(), "CONFLICT");
    assert_eq!(a.errors()[0]["extensions"]["currentVersion"], 2);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM asb_case WHERE title = 'Overwrite'")
            .await,
        0
    );
    assert_eq!(
        app.log_count("updateCase").await,
        1,
        "only the accepted change is logged"
    );
}

#[tokio::test]
async fn two_officers_saving_at_once_never_overwrite_each_other() {
    let app = spawn_app().await;
    let one = app.login(HOUSING_OFFICER).await;
    let two = app.login(HOUSING_OFFICER).await;
    let id = app.case_id(2).await;
    let (a, b) = tokio::join!(
        one.query(
            UPDATE_CASE,
            json!({ "input": { "id": id, "version": 1, "title": "Title from one" } })
        ),
        two.query(
            UPDATE_CASE,
            json!({ "input": { "id": id, "version": 1, "title": "Title from two" } })
        ),
    );
    let mut codes = vec![a.codes(), b.codes()];
    codes.sort();
    assert_eq!(
        codes,
        vec![Vec::<String>::new(), vec!["CONFLICT".to_string()]],
        "{} / {}",
        a.body,
        b.body
    );
    let winner = if a.codes().is_empty() {
        "Title from one"
    } else {
        "Title from two"
    };
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM asb_case WHERE title = '{winner}' AND version = 2"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn writing_a_forbidden_field_is_refused_whole_and_changes_nothing() {
    let app = spawn_app().await;
    let housing = app.login(HOUSING_OFFICER).await;
    let id = app.case_id(2).await;
    // Housing officers may not write police intelligence: the title change must not land either.
    let a = housing
        .query(
            UPDATE_CASE,
            json!({ "input": { "id": id, "version": 1, "title": "Changed", "policeIntelligence": "x" } }),
        )
        .await;
    assert_eq!(a.code(), "FORBIDDEN");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM asb_case WHERE title = 'Changed'")
            .await,
        0
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM asb_case WHERE version = 1 AND reference LIKE '%000002'"
        )
        .await,
        1
    );
    assert_eq!(app.log_count("updateCase").await, 0);

    // A role without the operation at all.
    let auditor = app.login(AUDITOR).await;
    let a = auditor
        .query(
            RECORD,
            call_input(json!({"givenName": "A", "familyName": "B"})),
        )
        .await;
    assert_eq!(a.code(), "FORBIDDEN");
    assert_eq!(app.log_count("recordIncident").await, 0);
}

#[tokio::test]
async fn case_status_follows_its_lifecycle() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let id = app.case_id(1).await; // police-led, active
    let change = |version: i64, status: &str, reason: Option<&str>| {
        let mut input = json!({ "id": id, "version": version, "status": status });
        if let Some(r) = reason {
            input["closureReason"] = json!(r);
        }
        officer.query(
            "mutation($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { status closureReason version } }",
            json!({ "input": input }),
        )
    };
    let a = change(1, "CLOSED", None).await;
    assert_eq!(a.code(), "BAD_USER_INPUT");
    assert_eq!(a.errors()[0]["extensions"]["field"], "closureReason");

    let a = change(1, "CLOSED", Some("RESOLVED")).await;
    assert_eq!(a.ok()["changeCaseStatus"]["status"], "closed");
    assert_eq!(a.ok()["changeCaseStatus"]["closureReason"], "resolved");

    let a = change(2, "MONITORING", None).await;
    assert_eq!(
        a.code(),
        "BAD_USER_INPUT",
        "closed cases reopen to active only"
    );

    let a = change(2, "ACTIVE", None).await;
    assert_eq!(a.ok()["changeCaseStatus"]["status"], "active");
    assert!(a.ok()["changeCaseStatus"]["closureReason"].is_null());
    assert_eq!(app.log_count("changeCaseStatus").await, 2);

    // A partner the case is shared with may read it but not change its status.
    let housing = app.login(HOUSING_OFFICER).await;
    let a = housing
        .query(
            "mutation($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { status } }",
            json!({ "input": { "id": id, "version": 3, "status": "MONITORING" } }),
        )
        .await;
    assert_eq!(a.code(), "FORBIDDEN");
}

#[tokio::test]
async fn people_are_created_and_updated_with_optimistic_concurrency() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let a = officer
        .query(
            "mutation($input: PersonInput!) { createPerson(input: $input) { id version givenName postcode } }",
            json!({ "input": { "givenName": "Ruth", "familyName": "Okoro", "postcode": "eb3 6jk", "consentLawfulBasis": "PUBLIC_TASK" } }),
        )
        .await;
    let person = a.ok()["createPerson"].clone();
    assert_eq!(person["postcode"], "EB3 6JK");
    assert_eq!(app.log_count("createPerson").await, 1);

    let update = "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { version phone postcode } }";
    let a = officer
        .query(update, json!({ "input": { "id": person["id"], "version": 1, "phone": "07700 900222", "postcode": null } }))
        .await;
    assert_eq!(a.ok()["updatePerson"]["version"], 2);
    assert_eq!(a.ok()["updatePerson"]["phone"], "07700 900222");
    assert!(a.ok()["updatePerson"]["postcode"].is_null(), "null clears");

    let a = officer
        .query(
            update,
            json!({ "input": { "id": person["id"], "version": 1, "phone": "07700 900333" } }),
        )
        .await;
    assert_eq!(a.code(), "CONFLICT");
    assert_eq!(a.errors()[0]["extensions"]["currentVersion"], 2);

    let a = officer
        .query(
            update,
            json!({ "input": { "id": person["id"], "version": 2, "email": "nope" } }),
        )
        .await;
    assert_eq!(a.code(), "BAD_USER_INPUT");
    assert_eq!(a.errors()[0]["extensions"]["field"], "email");
    assert_eq!(app.log_count("updatePerson").await, 1);

    // Another agency that has no link to this person cannot see or change them.
    let council = app.login(COUNCIL_OFFICER).await;
    let a = council
        .query(
            update,
            json!({ "input": { "id": person["id"], "version": 2, "phone": "1234567" } }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
}

const PAGE: &str = r#"query($first: Int, $after: String, $filter: CaseFilter, $sort: CaseSort) {
  cases(first: $first, after: $after, filter: $filter, sort: $sort) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id reference } } } }"#;

#[tokio::test]
async fn pagination_at_the_edges() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let all = officer.query(PAGE, json!({ "first": 100 })).await;
    let total = all.ok()["cases"]["totalCount"].as_u64().unwrap();
    // Police lead cases 1, 4, 7, 10 and see cases shared with them (2, 8 from housing... by demo rule).
    let expected = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM asb_case c WHERE c.lead_agency_id = (SELECT agency_id FROM app_user WHERE email = '{POLICE_OFFICER}') \
             OR c.id IN (SELECT case_id FROM case_share WHERE revoked_at IS NULL AND agency_id = (SELECT agency_id FROM app_user WHERE email = '{POLICE_OFFICER}'))"
        ))
        .await as u64;
    assert_eq!(total, expected);
    assert_eq!(
        all.ok()["cases"]["edges"].as_array().unwrap().len() as u64,
        total
    );
    assert_eq!(
        all.ok()["cases"]["pageInfo"]["hasNextPage"],
        false,
        "exactly one page"
    );

    // Walk in pages of 3: every row once, in order, then an empty page past the end.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let a = officer
            .query(PAGE, json!({ "first": 3, "after": after }))
            .await;
        let conn = &a.ok()["cases"];
        assert_eq!(conn["totalCount"].as_u64().unwrap(), total);
        for e in conn["edges"].as_array().unwrap() {
            seen.push(e["node"]["reference"].as_str().unwrap().to_string());
        }
        if conn["pageInfo"]["hasNextPage"] == false {
            after = conn["pageInfo"]["endCursor"].as_str().map(str::to_string);
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len() as u64, total);
    assert_eq!(seen.len() as u64, total);
    let past = officer
        .query(PAGE, json!({ "first": 3, "after": after }))
        .await;
    assert_eq!(past.ok()["cases"]["edges"].as_array().unwrap().len(), 0);
    assert_eq!(past.ok()["cases"]["pageInfo"]["hasNextPage"], false);

    // Empty.
    let none = officer
        .query(
            PAGE,
            json!({ "filter": { "search": "no such case anywhere" } }),
        )
        .await;
    assert_eq!(none.ok()["cases"]["totalCount"], 0);
    assert_eq!(none.ok()["cases"]["edges"].as_array().unwrap().len(), 0);

    // Bad arguments.
    for (vars, field) in [
        (json!({ "first": -1 }), "first"),
        (json!({ "first": 0 }), "first"),
        (json!({ "first": 100000 }), "first"),
        (json!({ "first": 2, "after": "garbage!" }), "after"),
    ] {
        let a = officer.query(PAGE, vars).await;
        assert_eq!(a.code(), "BAD_USER_INPUT");
        assert_eq!(a.errors()[0]["extensions"]["field"], field);
    }
}

#[tokio::test]
async fn filters_and_sorting() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let by_ref = officer
        .query(
            PAGE,
            json!({ "first": 100, "sort": { "field": "REFERENCE", "direction": "ASC" } }),
        )
        .await;
    let refs: Vec<String> = by_ref.ok()["cases"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["reference"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = refs.clone();
    sorted.sort();
    assert_eq!(refs, sorted);
    assert!(refs.len() > 3);

    let mine = officer
        .query(PAGE, json!({ "first": 100, "filter": { "mine": true } }))
        .await;
    let n_mine = mine.ok()["cases"]["totalCount"].as_i64().unwrap();
    let expected = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM asb_case WHERE owner_id = (SELECT id FROM app_user WHERE email = '{POLICE_OFFICER}')"
        ))
        .await;
    assert_eq!(n_mine, expected);

    let closed = officer
        .query(
            "{ cases(first: 100, filter: { status: [CLOSED, MONITORING], myAgency: true }) { totalCount edges { node { status leadAgency { name } } } } }",
            json!({}),
        )
        .await;
    let edges = closed.ok()["cases"]["edges"].as_array().unwrap().clone();
    assert!(!edges.is_empty());
    for e in &edges {
        assert!(["closed", "monitoring"].contains(&e["node"]["status"].as_str().unwrap()));
        assert_eq!(e["node"]["leadAgency"]["name"], "Northshire Police");
    }
    let expected = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM asb_case WHERE status IN ('closed', 'monitoring') AND lead_agency_id = (SELECT agency_id FROM app_user WHERE email = '{POLICE_OFFICER}')"
        ))
        .await;
    assert_eq!(edges.len() as i64, expected);

    // LIKE metacharacters match themselves, not everything.
    for meta in ["%", "_", "\\", "%%", "' OR 1=1 --"] {
        let a = officer
            .query(PAGE, json!({ "filter": { "search": meta } }))
            .await;
        assert_eq!(a.ok()["cases"]["totalCount"], 0, "search {meta:?}");
    }
    // Names of parties are searchable (the demo's first victim is Margaret Thompson).
    let a = officer
        .query(PAGE, json!({ "filter": { "search": "thomp" } }))
        .await;
    assert!(a.ok()["cases"]["totalCount"].as_i64().unwrap() >= 1);
}

#[tokio::test]
async fn nested_lists_cost_the_same_number_of_statements_whatever_the_page_size() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    // Twenty more police cases, each with a victim, an incident and a location, so that a page
    // of 24 has ten times the rows of a page of 2.
    for n in 0..20 {
        let a = officer
            .query(
                RECORD,
                call_input(json!({ "givenName": "Extra", "familyName": format!("Victim {}", ["Ann", "Bo", "Cy", "Di", "Ed"][n % 5]) })),
            )
            .await;
        let incident = a.ok()["recordIncident"]["id"].clone();
        officer
            .query(
                "mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }",
                json!({ "input": { "title": format!("Extra case {n}"), "category": "PERSONAL", "incidentIds": [incident] } }),
            )
            .await
            .ok();
    }
    // Sorted by reference, the first two demo cases already have every relation populated
    // (parties, incidents with locations, actions, notes, a share), so both pages exercise every
    // loader.
    let nested = r#"query($first: Int) { cases(first: $first, sort: { field: REFERENCE, direction: ASC }) { totalCount edges { node {
        reference title leadAgency { name } owner { displayName }
        parties { role person { familyName cases { role case { reference } } incidents { part } } }
        incidents { occurredAt location { postcode } parties { part person { givenName } } }
        actions { description owner { email } } notes { body author { email } } shares { agency { name } } } } } }"#;
    let measure = |first: i64| {
        let officer = &officer;
        let app = &app;
        async move {
            let before = app.statements().await;
            let a = officer.query(nested, json!({ "first": first })).await;
            let n = a.ok()["cases"]["edges"].as_array().unwrap().len();
            (app.statements().await - before, n)
        }
    };
    let (small, n_small) = measure(2).await;
    let (large, n_large) = measure(50).await;
    assert_eq!(
        (n_small, n_large),
        (2, 28),
        "8 demo cases visible to the police, plus 20"
    );
    // DataLoaders batch by time (a 1 ms window), so a loader used at two depths of the query is
    // sometimes one batch and sometimes two, more so on a loaded machine: the count varies by a
    // few statements between runs, in either direction. A per-row query would add a statement
    // for each of the 26 extra rows; there are 15 relations in this query.
    assert!(
        large <= small + 8,
        "statements for {n_small} cases: {small}, for {n_large} cases: {large}"
    );
    // And it is small in absolute terms: sign-in checks, the page, its count, one query per
    // relation in the query, and the consultation log entry.
    assert!(large <= 40, "{large} statements");
}

#[tokio::test]
async fn a_new_risk_level_brings_its_review_cadence() {
    let app = spawn_app().await;
    let council = app.login(COUNCIL_OFFICER).await;
    let id = app.case_id(3).await; // council-led, medium risk
    let a = council
        .query(
            "mutation($i: UpdateCaseInput!) { updateCase(input: $i) { riskLevel nextReviewAt } }",
            json!({ "i": { "id": id, "version": 1, "riskLevel": "HIGH" } }),
        )
        .await;
    let next: chrono::DateTime<chrono::Utc> = a.ok()["updateCase"]["nextReviewAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let days = (next - chrono::Utc::now()).num_days();
    assert!(
        (13..=14).contains(&days),
        "high risk: next review in 14 days, got {days}"
    );
}
