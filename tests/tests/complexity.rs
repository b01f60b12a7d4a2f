//! Query complexity with list multipliers: a connection counts `first` (or the default page size)
//! times what each item selects, a nested list three times. Over `max_complexity` (or
//! `max_depth`) a query is refused before execution with `LIMIT_EXCEEDED` naming the limit, while
//! the front-end's realistic pages pass under the defaults.

use serde_json::json;
use tests::*;

/// A page of cases with everything a case list shows, as `cases.rs` measures it.
const NESTED_PAGE: &str = r#"query($first: Int) { cases(first: $first, sort: { field: REFERENCE, direction: ASC }) { totalCount edges { node {
    reference title leadAgency { name } owner { displayName }
    parties { role person { familyName cases { role case { reference } } incidents { part } } }
    incidents { occurredAt location { postcode } parties { part person { givenName } } }
    actions { description owner { email } } notes { body author { email } } shares { agency { name } } } } } }"#;

/// Every restricted field of a case and its people, as `access_control.rs` reads them.
const WIDE_PAGE: &str = r#"query($first: Int) { cases(first: $first) { edges { node {
    title summary category status closureReason closedAt riskLevel nextReviewAt createdAt updatedAt
    policeIntelligence tenancyDetails healthSafeguardingNotes
    leadAgency { name } owner { email }
    parties { role person { givenName familyName dateOfBirth address postcode phone email preferredContact
      vulnerabilityPersonal vulnerabilitySituational vulnerabilityIncidental consentToShare consentLawfulBasis consentDate } }
    actions { description status dueDate } notes { body } shares { legalBasis } interventions { status } } } } }"#;

fn assert_limit(a: &Answer, limit: &str) {
    assert_eq!(a.code(), "LIMIT_EXCEEDED", "{}", a.body);
    assert!(a.body.to_string().contains(limit), "{}", a.body);
    assert!(a.body.get("data").is_none(), "{}", a.body);
}

#[tokio::test]
async fn realistic_pages_pass_and_a_hundred_nested_ones_are_refused_before_execution() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    for page in [NESTED_PAGE, WIDE_PAGE] {
        let a = officer.query(page, json!({ "first": 50 })).await;
        assert!(
            !a.codes().iter().any(|c| c == "LIMIT_EXCEEDED"),
            "{}",
            a.body
        );
        assert!(!a.data()["cases"]["edges"].as_array().unwrap().is_empty());
    }
    // What signing a request in costs, with nothing to execute.
    let start = app.statements().await;
    officer.query("{ __typename }", json!({})).await.ok();
    let sign_in = app.statements().await - start;

    let before = app.statements().await;
    let a = officer.query(NESTED_PAGE, json!({ "first": 100 })).await;
    assert_limit(&a, "max_complexity = 10000");
    assert_eq!(app.statements().await - before, sign_in, "nothing ran");

    // Under application/graphql-response+json the refusal is a 400.
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .bearer_auth(&officer.token)
        .json(&json!({ "query": NESTED_PAGE, "variables": { "first": 100 } }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn first_multiplies_literally_by_variable_and_by_default() {
    let app = spawn_app_with(Options {
        demo: true,
        raw: api::configuration::RawSettings {
            max_complexity: Some(50),
            ..Default::default()
        },
    })
    .await;
    let officer = app.login(POLICE_OFFICER).await;
    // edges { node { id reference } } costs 4 per item, the field 1: 41 for ten.
    let a = officer
        .query(
            "{ cases(first: 10) { edges { node { id reference } } } }",
            json!({}),
        )
        .await;
    assert_eq!(a.ok()["cases"]["edges"].as_array().unwrap().len(), 8);
    let a = officer
        .query(
            "{ cases(first: 20) { edges { node { id reference } } } }",
            json!({}),
        )
        .await;
    assert_limit(&a, "query too complex: 81 (limit: max_complexity = 50)");
    let a = officer
        .query(
            "query($n: Int) { cases(first: $n) { edges { node { id reference } } } }",
            json!({ "n": 20 }),
        )
        .await;
    assert_limit(&a, "81");
    let a = officer
        .query(
            "query($n: Int = 20) { cases(first: $n) { edges { node { id reference } } } }",
            json!({}),
        )
        .await;
    assert_limit(&a, "81");
    // No `first`: the default page size (20).
    let a = officer
        .query("{ cases { edges { node { id reference } } } }", json!({}))
        .await;
    assert_limit(&a, "81");
    // Every connection counts, not only cases.
    let a = officer
        .query(
            "{ people(first: 20) { edges { node { id familyName } } } }",
            json!({}),
        )
        .await;
    assert_limit(&a, "81");
}

#[tokio::test]
async fn nested_lists_multiply_and_depth_is_named() {
    let app = spawn_app_with(Options {
        demo: true,
        raw: api::configuration::RawSettings {
            max_complexity: Some(50),
            max_depth: Some(7),
            ..Default::default()
        },
    })
    .await;
    let officer = app.login(POLICE_OFFICER).await;
    let id = app.case_id(1).await;
    // role 1; parties 1 + 3 x 1; case 1 + 4; cases 1 + 3 x 5; person 1 + 16; parties 1 + 3 x 17;
    // case 1 + 52 = 53. Counted flat it would be 7.
    let a = officer
        .query(
            "query($id: ID!) { case(id: $id) { parties { person { cases { case { parties { role } } } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_limit(&a, "query too complex: 53 (limit: max_complexity = 50)");
    let a = officer
        .query(
            "query($id: ID!) { case(id: $id) { parties { person { cases { case { reference } } } } } }",
            json!({ "id": id }),
        )
        .await;
    a.ok();

    let a = officer
        .query(
            "query($id: ID!) { case(id: $id) { owner { agency { id } } parties { person { cases { case { owner { agency { id } } } } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_limit(&a, "max_depth = 7");

    // Far deeper, the parser's own guard refuses it, with the same code.
    let deep = format!(
        "{{ cases {{ edges {{ node {{ {} id {} }} }} }} }}",
        "parties { person { cases { case { ".repeat(8),
        "} } } } ".repeat(8)
    );
    let a = officer.query(&deep, json!({})).await;
    assert_limit(&a, "max_depth = 7");
}

#[tokio::test]
async fn a_page_size_out_of_range_is_bad_input_not_a_cost() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    for (first, message) in [
        (100_000, "must be at most 100"),
        (0, "must be a positive number"),
        (-1, "must be a positive number"),
    ] {
        let a = officer.query(NESTED_PAGE, json!({ "first": first })).await;
        assert_eq!(a.code(), "BAD_USER_INPUT", "{}", a.body);
        assert_eq!(a.errors()[0]["extensions"]["field"], "first");
        assert!(a.body.to_string().contains(message), "{}", a.body);
    }
    let a = officer
        .query("{ auditLog(first: 2147483647) { totalCount } }", json!({}))
        .await;
    assert_eq!(a.code(), "BAD_USER_INPUT", "{}", a.body);
}

/// The standard introspection query (graphql-js and graphql-core, which GraphiQL, code generators
/// and schemathesis send): its `ofType` chain is nine levels deep.
const INTROSPECTION: &str = r#"query IntrospectionQuery {
  __schema {
    queryType { name kind }
    mutationType { name kind }
    subscriptionType { name kind }
    types {
      ...FullType
    }
    directives {
      name
      description
      locations
      args {
        ...InputValue
      }
    }
  }
}
fragment FullType on __Type {
  kind
  name
  description
  fields(includeDeprecated: true) {
    name
    description
    args {
      ...InputValue
    }
    type {
      ...TypeRef
    }
    isDeprecated
    deprecationReason
  }
  inputFields {
    ...InputValue
  }
  interfaces {
    ...TypeRef
  }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes {
    ...TypeRef
  }
}
fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
}
fragment TypeRef on __Type {
  kind
  name
  ofType {
    name
    kind
    ofType {
      name
      kind
      ofType {
        name
        kind
        ofType {
          name
          kind
          ofType {
            name
            kind
            ofType {
              name
              kind
              ofType {
                name
                kind
                ofType {
                  name
                  kind
                  ofType {
                    name
                    kind
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}"#;

#[tokio::test]
async fn the_standard_introspection_query_fits_the_limits() {
    let app = spawn_app().await;
    let a = app.anonymous(INTROSPECTION, json!({})).await;
    let types = a.ok()["__schema"]["types"].as_array().unwrap().len();
    assert!(types > 50, "{types} types");
    // Depth still counts everything else inside introspection.
    let deep = "{ __type(name: \"Case\") { fields { type { fields { type { fields { type { fields { type { fields { type { fields { name } } } } } } } } } } } } }";
    let a = app.anonymous(deep, json!({})).await;
    assert_limit(&a, "max_depth = 12");
}
