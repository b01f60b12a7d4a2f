//! Field- and row-level access control over HTTP: no demo role reads a field or a row it may not,
//! by any path; reads of personal data are logged; the policy matches the committed golden table.

use serde_json::{Value, json};
use tests::*;

/// Every path to `Case.policeIntelligence` for a housing officer: direct, alias, fragment, inline
/// fragment, and a nested path through a person's other cases.
#[tokio::test]
async fn a_forbidden_field_is_null_with_forbidden_field_by_every_path() {
    let app = spawn_app().await;
    let housing = app.login(HOUSING_OFFICER).await;
    // Case 5 is led by the housing association and shared with the police.
    let id = app.case_id(5).await;
    let queries = [
        (
            "direct",
            "query($id: ID!) { case(id: $id) { reference policeIntelligence } }",
        ),
        (
            "alias",
            "query($id: ID!) { case(id: $id) { reference intel: policeIntelligence } }",
        ),
        (
            "fragment",
            "query($id: ID!) { case(id: $id) { reference ...F } } fragment F on Case { policeIntelligence }",
        ),
        (
            "inline fragment",
            "query($id: ID!) { case(id: $id) { reference ... on Case { policeIntelligence } } }",
        ),
        (
            "nested",
            "query($id: ID!) { case(id: $id) { reference parties { person { cases { case { policeIntelligence } } } } } }",
        ),
        (
            "list",
            "query { cases(first: 50) { edges { node { reference policeIntelligence } } } }",
        ),
    ];
    for (how, q) in queries {
        let a = housing.query(q, json!({ "id": id })).await;
        let text = a.body.to_string();
        assert!(!text.contains("Intelligence log"), "{how}: leaked {text}");
        assert!(!a.errors().is_empty(), "{how}: expected FORBIDDEN_FIELD");
        for e in a.errors() {
            assert_eq!(e["extensions"]["code"], "FORBIDDEN_FIELD", "{how}: {e}");
            assert_eq!(e["extensions"]["field"], "policeIntelligence");
        }
        assert!(
            !a.data().is_null(),
            "{how}: the rest of the data still arrives"
        );
    }
    // The police officer, granted the field, reads it.
    let officer = app.login(POLICE_OFFICER).await;
    let a = officer
        .query(
            "query($id: ID!) { case(id: $id) { policeIntelligence } }",
            json!({ "id": id }),
        )
        .await;
    assert!(
        a.ok()["case"]["policeIntelligence"]
            .as_str()
            .unwrap()
            .contains("Intelligence log")
    );
}

#[tokio::test]
async fn no_demo_role_reads_a_field_it_is_not_granted() {
    let app = spawn_app().await;
    // A query touching every restricted field of a case and its people.
    let q = r#"query { cases(first: 50) { edges { node {
        title summary category status closureReason closedAt riskLevel nextReviewAt createdAt updatedAt
        policeIntelligence tenancyDetails healthSafeguardingNotes
        leadAgency { name } owner { email }
        parties { role person { givenName familyName dateOfBirth address postcode phone email preferredContact
          vulnerabilityPersonal vulnerabilitySituational vulnerabilityIncidental consentToShare consentLawfulBasis consentDate } }
        actions { description status dueDate } notes { body } shares { legalBasis } interventions { status } } } } }"#;
    for email in ALL_DEMO_USERS {
        let session = app.login(email).await;
        let viewer = session
            .query(
                "{ viewer { operations { name } fieldPermissions { typeName fieldName read } } }",
                json!({}),
            )
            .await;
        let granted: Vec<(String, String)> = viewer.ok()["viewer"]["fieldPermissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["read"] == true)
            .map(|p| {
                (
                    p["typeName"].as_str().unwrap().to_string(),
                    p["fieldName"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let a = session.query(q, json!({})).await;
        if a.data().is_null() || a.data()["cases"].is_null() {
            // No VIEW_CASES at all (administrator, auditor): refused outright.
            assert_eq!(a.code(), "FORBIDDEN", "{email}");
            continue;
        }
        // Every non-null restricted value must be one the role was granted.
        for edge in a.data()["cases"]["edges"].as_array().unwrap() {
            check_node(&edge["node"], "Case", &granted, email);
        }
        for e in a.errors() {
            assert_eq!(e["extensions"]["code"], "FORBIDDEN_FIELD", "{email}: {e}");
            let key = (
                e["extensions"]["type"].as_str().unwrap().to_string(),
                e["extensions"]["field"].as_str().unwrap().to_string(),
            );
            assert!(
                !granted.contains(&key),
                "{email}: refused a granted field {key:?}"
            );
        }
    }
}

fn check_node(node: &Value, type_name: &str, granted: &[(String, String)], who: &str) {
    check_node_as(node, type_name, granted, who, false)
}

/// `victim`: the node is a person reached as a case's victim, so `Victim.<field>` grants apply.
fn check_node_as(
    node: &Value,
    type_name: &str,
    granted: &[(String, String)],
    who: &str,
    victim: bool,
) {
    let Some(obj) = node.as_object() else { return };
    let is_victim_party =
        type_name == "CaseParty" && obj.get("role").and_then(Value::as_str) == Some("victim");
    for (field, value) in obj {
        if value.is_null() {
            continue;
        }
        let catalog = api::auth::policy::catalog();
        if catalog.is_restricted(type_name, field) {
            let direct = granted.contains(&(type_name.to_string(), field.to_string()));
            let as_victim = type_name == "Person"
                && victim
                && granted.contains(&("Victim".to_string(), field.to_string()));
            assert!(
                direct || as_victim,
                "{who} read {type_name}.{field} (victim path: {victim}) in {node}"
            );
        }
        let child = match (type_name, field.as_str()) {
            ("Case", "parties") => Some("CaseParty"),
            ("CaseParty", "person") => Some("Person"),
            ("Case", "actions") => Some("CaseAction"),
            ("Case", "notes") => Some("CaseNote"),
            ("Case", "shares") => Some("CaseShare"),
            ("Case", "interventions") => Some("Intervention"),
            _ => None,
        };
        if let Some(child) = child {
            let victim = child == "Person" && is_victim_party;
            match value {
                Value::Array(items) => items
                    .iter()
                    .for_each(|i| check_node_as(i, child, granted, who, victim)),
                other => check_node_as(other, child, granted, who, victim),
            }
        }
    }
}

#[tokio::test]
async fn filtering_sorting_or_searching_by_a_forbidden_field_is_refused() {
    let app = spawn_app().await;
    let caseworker = app.login(CASEWORKER).await;
    // Victim support may not read locations, so may not filter cases by ward or postcode.
    for filter in [
        json!({ "ward": "Castle Ward" }),
        json!({ "postcode": "EB1" }),
    ] {
        let a = caseworker
            .query(
                "query($f: CaseFilter) { cases(filter: $f) { totalCount } }",
                json!({ "f": filter }),
            )
            .await;
        assert_eq!(a.code(), "FORBIDDEN", "{filter}");
        assert!(a.data().is_null() || a.data()["cases"].is_null());
    }
    // Nor list people by postcode.
    let a = caseworker
        .query(
            "{ people(filter: { postcode: \"EB1 2AB\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(a.code(), "FORBIDDEN");

    // Withdraw a read grant and the matching sort is refused too.
    let housing = app.login(HOUSING_OFFICER).await;
    let sort = "{ cases(sort: { field: UPDATED_AT }) { totalCount } }";
    assert!(housing.query(sort, json!({})).await.errors().is_empty());
    app.db
        .execute_unprepared(
            "DELETE FROM role_field_permission WHERE type_name = 'Case' AND field_name = 'updatedAt' \
             AND role_id IN (SELECT id FROM role WHERE name = 'housing_officer')",
        )
        .await
        .unwrap();
    assert_eq!(
        housing.query(sort, json!({})).await.code(),
        "FORBIDDEN",
        "applies at the next request"
    );
}

#[tokio::test]
async fn counts_range_over_visible_rows_only() {
    let app = spawn_app().await;
    for email in [POLICE_OFFICER, HOUSING_OFFICER, COUNCIL_OFFICER, CASEWORKER] {
        let s = app.login(email).await;
        let a = s.query("{ cases { totalCount } }", json!({})).await;
        let expected = app
            .count(&format!(
                "SELECT COUNT(*) AS n FROM asb_case c WHERE c.lead_agency_id = (SELECT agency_id FROM app_user WHERE email = '{email}') \
                 OR c.id IN (SELECT case_id FROM case_share WHERE revoked_at IS NULL AND agency_id = (SELECT agency_id FROM app_user WHERE email = '{email}'))"
            ))
            .await;
        let all = app.count("SELECT COUNT(*) AS n FROM asb_case").await;
        assert_eq!(
            a.ok()["cases"]["totalCount"].as_i64().unwrap(),
            expected,
            "{email}"
        );
        assert!(expected < all, "{email} sees a subset");
    }
}

#[tokio::test]
async fn a_case_outside_scope_answers_exactly_like_a_missing_one() {
    let app = spawn_app().await;
    let council = app.login(COUNCIL_OFFICER).await;
    // Case 4 (c = 3) is police-led and not shared.
    let hidden = app.case_id(4).await;
    let missing = uuid::Uuid::new_v4().to_string();
    let q = "query($id: ID!) { case(id: $id) { id reference } }";
    let a = council.query(q, json!({ "id": hidden })).await;
    let b = council.query(q, json!({ "id": missing })).await;
    assert_eq!(a.code(), "NOT_FOUND");
    let strip = |v: &Value| {
        let mut v = v.clone();
        v["errors"][0]["extensions"]
            .as_object_mut()
            .unwrap()
            .remove("requestId");
        v
    };
    assert_eq!(strip(&a.body), strip(&b.body));

    // The same through every door: by reference, through an incident, as a write.
    let year = chrono::Utc::now().format("%Y");
    let a = council
        .query(
            "query($r: String!) { caseByReference(reference: $r) { id } }",
            json!({ "r": format!("ASB-{year}-000004") }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    let a = council
        .query(
            "mutation($i: UpdateCaseInput!) { updateCase(input: $i) { id } }",
            json!({ "i": { "id": hidden, "version": 1, "title": "mine now" } }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM asb_case WHERE title = 'mine now'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_administrator_manages_access_but_does_not_see_case_content() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    for q in [
        "{ cases { totalCount } }",
        "{ people { totalCount } }",
        "{ incidents { totalCount } }",
    ] {
        assert_eq!(admin.query(q, json!({})).await.code(), "FORBIDDEN", "{q}");
    }
    let id = app.case_id(1).await;
    let a = admin
        .query(
            "query($id: ID!) { case(id: $id) { title } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(a.code(), "FORBIDDEN");
    assert!(!a.body.to_string().contains("harassment"));
}

#[tokio::test]
async fn reading_personal_data_leaves_a_consultation_entry() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let id = app.case_id(1).await;
    let before = app.log_count("consult").await;
    let a = officer
        .query(
            "query($id: ID!) { case(id: $id) { parties { person { id familyName phone } } } }",
            json!({ "id": id }),
        )
        .await;
    let parties = a.ok()["case"]["parties"].as_array().unwrap().clone();
    assert_eq!(parties.len(), 2);
    assert_eq!(
        app.log_count("consult").await,
        before + 2,
        "one entry per person read"
    );
    let person = parties[0]["person"]["id"].as_str().unwrap();
    let fields = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM access_log WHERE operation = 'consult' AND entity = 'Person' \
             AND entity_id = '{person}' AND fields LIKE '%phone%' AND fields LIKE '%familyName%'"
        ))
        .await;
    assert_eq!(fields, 1);

    // Fields that were refused are not recorded as read; a query with no personal data logs nothing.
    let caseworker = app.login(CASEWORKER).await;
    caseworker
        .query(
            "query($id: ID!) { case(id: $id) { parties { person { phone } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM access_log WHERE operation = 'consult' AND fields LIKE '%phone%'").await,
        3,
        "the caseworker's read of the victim's phone was logged; the refused perpetrator's was not"
    );
    let before = app.log_count("consult").await;
    officer
        .query(
            "query($id: ID!) { case(id: $id) { reference } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(app.log_count("consult").await, before);
}

/// The whole demo matrix as the server enforces it (read through `viewer`), compared with the
/// committed `tests/golden/policy.txt`. Regenerate with `UPDATE_GOLDEN=1`.
#[tokio::test]
async fn the_policy_matches_the_golden_table() {
    let app = spawn_app().await;
    let catalog = api::auth::policy::catalog();
    let mut table = String::from(
        "# role | operations, then one line per restricted field: R = read, W = write, - = none\n",
    );
    for email in ALL_DEMO_USERS {
        let s = app.login(email).await;
        let v = s
            .query(
                "{ viewer { roles operations { name } fieldPermissions { typeName fieldName read write } } }",
                json!({}),
            )
            .await;
        let v = &v.ok()["viewer"];
        let role = v["roles"][0].as_str().unwrap();
        let ops: Vec<&str> = v["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        table.push_str(&format!("\n[{role}] {}\n", ops.join(" ")));
        let perms = v["fieldPermissions"].as_array().unwrap();
        for (t, f) in catalog.restricted_fields() {
            let p = perms
                .iter()
                .find(|p| p["typeName"] == t && p["fieldName"] == f);
            let r = if p.is_some_and(|p| p["read"] == true) {
                "R"
            } else {
                "-"
            };
            let w = if p.is_some_and(|p| p["write"] == true) {
                "W"
            } else {
                "-"
            };
            table.push_str(&format!("{r}{w} {t}.{f}\n"));
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/golden/policy.txt");
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        std::fs::write(path, &table).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        golden == table,
        "the policy changed; review and run `UPDATE_GOLDEN=1 cargo test -p tests --test access_control`"
    );
}

/// Victim support sees a victim's contact details and vulnerability, but not the perpetrator's.
#[tokio::test]
async fn victim_support_sees_victims_contact_details_but_not_perpetrators() {
    let app = spawn_app().await;
    let caseworker = app.login(CASEWORKER).await;
    // Case 1 is police-led and shared with victim support.
    let id = app.case_id(1).await;
    let a = caseworker
        .query(
            "query($id: ID!) { case(id: $id) { parties { role person { familyName phone postcode vulnerabilityPersonal } } } }",
            json!({ "id": id }),
        )
        .await;
    let parties = a.data()["case"]["parties"].as_array().unwrap().clone();
    assert_eq!(parties.len(), 2);
    for p in &parties {
        let person = &p["person"];
        assert!(person["familyName"].is_string(), "names are visible: {p}");
        match p["role"].as_str().unwrap() {
            "victim" => {
                assert!(person["phone"].is_string(), "victim phone: {p} {}", a.body);
                assert!(person["postcode"].is_string(), "victim's postcode: {p}");
            }
            "perpetrator" => {
                assert!(person["phone"].is_null(), "perpetrator's phone hidden: {p}");
                assert!(
                    person["postcode"].is_null(),
                    "perpetrator's postcode hidden: {p}"
                );
            }
            other => panic!("unexpected role {other}"),
        }
    }
    // Every refusal is at the perpetrator's path.
    let perpetrator_index = parties
        .iter()
        .position(|p| p["role"] == "perpetrator")
        .unwrap();
    let refused: Vec<Value> = a.errors();
    assert_eq!(refused.len(), 3, "{}", a.body);
    for e in &refused {
        assert_eq!(e["extensions"]["code"], "FORBIDDEN_FIELD", "{e}");
        assert_eq!(e["path"][2], perpetrator_index, "{e}");
    }
    // Filtering people by postcode would reveal non-victims' postcodes: refused.
    let a = caseworker
        .query(
            "{ people(filter: { postcode: \"EB1\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(a.code(), "FORBIDDEN");
}
