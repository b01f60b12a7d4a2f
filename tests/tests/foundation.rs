//! The HTTP surface: health, GraphQL over HTTP, request ids, error codes and metrics.

use serde_json::json;
use tests::*;

#[tokio::test]
async fn liveness_and_readiness_answer_200() {
    let app = spawn_app().await;
    let live = app
        .client
        .get(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    let ready = app
        .client
        .get(app.url("/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
}

#[tokio::test]
async fn readiness_is_503_and_graphql_internal_when_the_database_is_unreachable() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    app.server_db.close_by_ref().await.unwrap();

    let ready = app
        .client
        .get(app.url("/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    let live = app
        .client
        .get(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200, "the process is still alive");

    let answer = officer
        .query("{ viewer { user { email } } }", json!({}))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.code(), "INTERNAL");
    let error = &answer.errors()[0];
    assert_eq!(error["message"], "internal error");
    let request_id = answer.headers["x-request-id"].to_str().unwrap();
    assert_eq!(error["extensions"]["requestId"], request_id);
    let text = answer.body.to_string().to_lowercase();
    for leak in ["select", "sqlx", "pool", "sqlite", "postgres", "closed"] {
        assert!(
            !text.contains(leak),
            "internal detail `{leak}` leaked: {text}"
        );
    }
}

#[tokio::test]
async fn a_mutation_over_get_is_refused_with_405_and_executes_nothing() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let before = app.count("SELECT COUNT(*) AS n FROM access_log").await;

    let res = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { logout }")])
        .bearer_auth(&officer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "POST");

    // The session still works and nothing was logged: the mutation never ran.
    let viewer = officer
        .query("{ viewer { user { email } } }", json!({}))
        .await;
    assert_eq!(viewer.ok()["viewer"]["user"]["email"], POLICE_OFFICER);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM access_log").await,
        before
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM auth_session WHERE revoked_at IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn a_named_mutation_among_queries_over_get_is_refused() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            ("query", "query A { __typename } mutation B { logout }"),
            ("operationName", "B"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
}

#[tokio::test]
async fn queries_over_get_run() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ __typename }")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let answer = to_answer(res).await;
    assert_eq!(answer.ok()["__typename"], "Query");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let mut seen = std::collections::HashSet::new();
    for path in [
        "/health/live",
        "/health/ready",
        "/metrics",
        "/graphql?query=%7B__typename%7D",
        "/nowhere",
    ] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(id.len(), 36, "{path}: {id}");
        assert!(seen.insert(id), "request ids are unique");
    }
    let answer = app
        .anonymous("{ viewer { user { email } } }", json!({}))
        .await;
    let id = answer.headers["x-request-id"].to_str().unwrap();
    assert_eq!(answer.errors()[0]["extensions"]["requestId"], id);
}

#[tokio::test]
async fn error_codes_are_stable() {
    let app = spawn_app().await;
    // UNAUTHENTICATED: data needs a signed-in user.
    let a = app
        .anonymous("{ viewer { user { email } } }", json!({}))
        .await;
    assert_eq!(a.code(), "UNAUTHENTICATED");
    assert!(a.body["data"].is_null());

    // BAD_USER_INPUT names the field.
    let a = app
        .anonymous(
            r#"mutation { login(email: "   ", password: "x") { accessToken } }"#,
            json!({}),
        )
        .await;
    assert_eq!(a.code(), "BAD_USER_INPUT");
    assert_eq!(a.errors()[0]["extensions"]["field"], "email");

    // FORBIDDEN: a root field the caller's roles do not grant, or a field nobody classified.
    let auditor = app.login(AUDITOR).await;
    let a = auditor
        .query("{ viewer { user { email } } }", json!({}))
        .await;
    assert_eq!(a.ok()["viewer"]["user"]["email"], AUDITOR);

    // RATE_LIMITED after repeated failures for one account, with a retry hint.
    for _ in 0..5 {
        let a = app
            .anonymous(
                r#"mutation { login(email: "supervisor@police.demo", password: "wrong") { accessToken } }"#,
                json!({}),
            )
            .await;
        assert_eq!(a.code(), "UNAUTHENTICATED");
    }
    let a = app
        .anonymous(
            r#"mutation { login(email: "supervisor@police.demo", password: "wrong") { accessToken } }"#,
            json!({}),
        )
        .await;
    assert_eq!(a.code(), "RATE_LIMITED");
    assert!(a.errors()[0]["extensions"]["retryAfter"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn post_needs_json_and_a_valid_body() {
    let app = spawn_app().await;
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let res = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", ct)
            .body(r#"{"query":"{ __typename }"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 415, "{ct}");
    }
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let answer = to_answer(res).await;
    assert_eq!(answer.code(), "BAD_REQUEST");
}

#[tokio::test]
async fn batches_are_refused_by_default() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(to_answer(res).await.code(), "BATCH_REFUSED");
}

#[tokio::test]
async fn the_response_media_type_follows_accept() {
    let app = spawn_app().await;
    let ask = |accept: &'static str, query: &'static str| {
        app.client
            .post(app.url("/graphql"))
            .header("accept", accept)
            .json(&json!({ "query": query }))
            .send()
    };
    let res = ask("application/json", "{ __typename }").await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );

    let res = ask("application/graphql-response+json", "{ __typename }")
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/graphql-response+json")
    );

    // A validation error: 400 without `data` under graphql-response+json, 200 under json.
    let res = ask("application/graphql-response+json", "{ noSuchField }")
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body = to_answer(res).await.body;
    assert!(body.get("data").is_none(), "{body}");
    let res = ask("application/json", "{ noSuchField }").await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn validation_errors_do_not_suggest_field_names() {
    let app = spawn_app().await;
    let a = app
        .anonymous("{ viewr { user { email } } }", json!({}))
        .await;
    let text = a.body.to_string();
    assert!(!text.contains("Did you mean"), "{text}");
}

#[tokio::test]
async fn metrics_count_operations_by_name_and_outcome() {
    let app = spawn_app().await;
    app.anonymous("query WhoAmI { viewer { user { email } } }", json!({}))
        .await;
    let body = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains(
            r#"asb_hub_graphql_requests_total{operation="WhoAmI",outcome="UNAUTHENTICATED"} 1"#
        ),
        "{body}"
    );
    assert!(body.contains("asb_hub_graphql_request_duration_seconds_bucket"));
    assert!(body.contains(r#"asb_hub_db_pool_connections{state="open"}"#));
}

#[tokio::test]
async fn graphiql_is_served_and_can_be_turned_off() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/graphiql")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("graphiql"));

    let off = spawn_app_with(Options {
        demo: false,
        raw: api::configuration::RawSettings {
            graphiql: Some(false),
            ..Default::default()
        },
    })
    .await;
    let res = off.client.get(off.url("/graphiql")).send().await.unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn seeding_twice_duplicates_nothing() {
    let app = spawn_app().await;
    let tables = [
        "agency",
        "app_user",
        "role",
        "person",
        "incident",
        "asb_case",
        "case_party",
    ];
    let mut before = Vec::new();
    for t in tables {
        before.push(app.count(&format!("SELECT COUNT(*) AS n FROM {t}")).await);
    }
    let settings = api::configuration::RawSettings {
        data_dir: Some(app.data_dir.display().to_string()),
        jwt_secret: Some(TEST_JWT_SECRET.into()),
        ..Default::default()
    }
    .resolve()
    .unwrap();
    api::seed::demo::seed(&app.db, &settings).await.unwrap();
    for (t, b) in tables.iter().zip(before) {
        assert!(b > 0, "{t} was seeded");
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) AS n FROM {t}")).await,
            b,
            "{t}"
        );
    }
}

#[tokio::test]
async fn alias_root_field_and_depth_bombs_are_refused_before_execution() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    // What signing a request in costs, with nothing to execute.
    let start = app.statements().await;
    officer.query("{ __typename }", json!({})).await;
    let sign_in = app.statements().await - start;
    let before = app.statements().await;

    let aliases: String = (0..40).map(|i| format!("a{i}: roles ")).collect();
    let a = officer
        .query(&format!("{{ viewer {{ {aliases} }} }}"), json!({}))
        .await;
    assert_eq!(a.code(), "LIMIT_EXCEEDED", "{}", a.body);
    assert!(a.body.to_string().contains("max_aliases"));
    assert!(a.body.get("data").is_none() || a.data().is_null());

    let roots: String = (0..11).map(|_| "__typename ".to_string()).collect();
    let a = officer.query(&format!("{{ {roots} }}"), json!({})).await;
    assert_eq!(a.code(), "LIMIT_EXCEEDED", "{}", a.body);
    assert!(a.body.to_string().contains("max_root_fields"));

    let deep = "{ cases { edges { node { parties { person { cases { case { parties { person { cases { case { parties { person { familyName } } } } } } } } } } } } } }";
    let a = officer.query(deep, json!({})).await;
    assert!(!a.errors().is_empty(), "{}", a.body);
    assert!(a.data().is_null());
    // Only the sign-in checks ran for each: nothing was executed.
    let spent = app.statements().await - before;
    assert_eq!(spent, 3 * sign_in, "refused before execution");
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = spawn_app_with(Options {
        demo: false,
        raw: api::configuration::RawSettings {
            cors_allowed_origins: Some("https://portal.partner.example".into()),
            ..Default::default()
        },
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
    };
    let ok = preflight("https://portal.partner.example").await.unwrap();
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://portal.partner.example"
    );
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());

    // A simple cross-site POST from an unknown origin gets no CORS grant either.
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("origin", "https://evil.example")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());

    // A bad origin setting stops start-up, naming it.
    let err = api::configuration::RawSettings {
        data_dir: Some(app.data_dir.display().to_string()),
        cors_allowed_origins: Some("*".into()),
        ..Default::default()
    }
    .resolve()
    .unwrap_err();
    assert!(err.to_string().contains("ASB_HUB_CORS_ALLOWED_ORIGINS"));
}

#[tokio::test]
async fn an_oversized_body_gets_413() {
    let app = spawn_app_with(Options {
        demo: false,
        raw: api::configuration::RawSettings {
            max_body_bytes: Some(4096),
            ..Default::default()
        },
    })
    .await;
    let big = "x".repeat(10_000);
    let res = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": format!("{{ __typename }} # {big}") }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn introspection_can_be_turned_off() {
    let app = spawn_app_with(Options {
        demo: false,
        raw: api::configuration::RawSettings {
            introspection: Some(false),
            ..Default::default()
        },
    })
    .await;
    let a = app
        .anonymous("{ __schema { types { name } } }", json!({}))
        .await;
    // The schema is not disclosed: async-graphql answers `null` for it.
    assert!(a.data()["__schema"].is_null(), "{}", a.body);
    assert!(!a.body.to_string().contains("\"Case\""));
}

#[tokio::test]
async fn requests_over_the_rate_limit_get_429_with_retry_after() {
    let app = spawn_app_with(Options {
        demo: true,
        raw: api::configuration::RawSettings {
            rate_limit_per_user: Some(3),
            rate_limit_per_client: Some(7),
            ..Default::default()
        },
    })
    .await;
    // Each sign-in is one anonymous request from this client.
    let officer = app.login(POLICE_OFFICER).await;
    let housing = app.login(HOUSING_OFFICER).await;
    for _ in 0..3 {
        officer.query("{ viewer { roles } }", json!({})).await.ok();
    }
    let a = officer.query("{ viewer { roles } }", json!({})).await;
    assert_eq!(a.status, 429);
    assert_eq!(a.code(), "RATE_LIMITED");
    let retry: u64 = a.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    // Another user has their own allowance until the client's is spent.
    housing.query("{ viewer { roles } }", json!({})).await.ok();
    housing.query("{ viewer { roles } }", json!({})).await.ok();
    let a = housing.query("{ viewer { roles } }", json!({})).await;
    assert_eq!(
        a.code(),
        "RATE_LIMITED",
        "the client has spent its 7 requests"
    );
}

#[tokio::test]
async fn a_document_that_does_not_validate_gets_a_code() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    for (query, variables) in [
        ("{ viewer { nosuchfield } }", json!({})),
        ("{ viewer { user { email } ", json!({})),
        (
            "query($id: ID!) { case(id: $id) { id } }",
            json!({ "id": { "not": "an id" } }),
        ),
        (
            "mutation($i: RecordIncidentInput!) { recordIncident(input: $i) { id } }",
            json!({ "i": { "channel": "CARRIER_PIGEON" } }),
        ),
    ] {
        let a = officer.query(query, variables).await;
        assert_eq!(a.code(), "GRAPHQL_VALIDATION_FAILED", "{query}: {}", a.body);
        assert!(a.body.get("data").is_none() || a.body["data"].is_null());
    }
    assert_eq!(app.log_count("recordIncident").await, 0);
}

async fn from_client(app: &TestApp, forwarded_for: &str) -> Answer {
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("request");
    to_answer(res).await
}

async fn login_from(app: &TestApp, forwarded_for: &str) {
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({
            "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
            "variables": { "e": POLICE_OFFICER, "p": DEMO_PASSWORD }
        }))
        .send()
        .await
        .expect("request");
    assert!(to_answer(res).await.codes().is_empty());
}

#[tokio::test]
async fn behind_a_trusted_balancer_limits_and_the_log_follow_the_forwarded_client() {
    let limits = |trusted: Option<&str>| Options {
        demo: true,
        raw: api::configuration::RawSettings {
            rate_limit_per_client: Some(3),
            trusted_proxies: trusted.map(str::to_string),
            ..Default::default()
        },
    };
    // The balancer (here: loopback) is trusted; each client behind it has its own allowance.
    let app = spawn_app_with(limits(Some("127.0.0.1, 10.0.0.0/8"))).await;
    for _ in 0..3 {
        assert!(from_client(&app, "203.0.113.5").await.codes().is_empty());
    }
    let a = from_client(&app, "203.0.113.5").await;
    assert_eq!((a.status, a.code()), (429, "RATE_LIMITED".to_string()));
    // A client cannot escape by forging entries to the left of the balancer's.
    let a = from_client(&app, "198.51.100.1, 203.0.113.5").await;
    assert_eq!(a.code(), "RATE_LIMITED");
    assert!(from_client(&app, "203.0.113.6").await.codes().is_empty());
    login_from(&app, "203.0.113.9, 10.1.2.3").await;
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM access_log WHERE operation = 'login' \
             AND client_addr = '203.0.113.9'"
        )
        .await,
        1,
        "the access log names the client, not the balancer"
    );

    // By default no proxy is trusted: the header is anyone's to write and changes nothing.
    let app = spawn_app_with(limits(None)).await;
    login_from(&app, "203.0.113.9").await;
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM access_log WHERE operation = 'login' \
             AND client_addr = '127.0.0.1'"
        )
        .await,
        1
    );
    for i in 0..2 {
        assert!(
            from_client(&app, &format!("203.0.113.{i}"))
                .await
                .codes()
                .is_empty()
        );
    }
    assert_eq!(
        from_client(&app, "203.0.113.77").await.code(),
        "RATE_LIMITED"
    );
}
