//! Persisted-query allow-list mode (`ASB_HUB_PERSISTED_QUERIES`): only operations registered in
//! the manifest run, named by their SHA-256 (Apollo APQ shape) or sent as their exact text, over
//! POST, GET and WebSocket alike; everything else is refused before execution with a stable code.

use std::time::Duration;

use api::http::persisted::sha256_hex;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tests::*;
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, http::HeaderValue};

/// `TestApp::login` sends exactly this text, so it must be registered.
const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken expiresAt } }";
const VIEWER: &str = "query Viewer { viewer { user { email } roles } }";
const RAISE: &str = "mutation Raise($i: UpdateCaseInput!) { updateCase(input: $i) { riskLevel } }";
const ALERTS: &str = "subscription Alerts { alerts { kind caseId } }";
/// Not registered.
const CASES: &str = "{ cases { totalCount } }";
const GQL_RESPONSE: &str = "application/graphql-response+json";

async fn spawn_with_manifest() -> TestApp {
    let dir = std::env::temp_dir().join(format!("asb-pq-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("manifest dir");
    let path = dir.join("persisted-queries.json");
    let manifest: serde_json::Map<String, Value> = [LOGIN, VIEWER, RAISE, ALERTS]
        .iter()
        .map(|q| (sha256_hex(q), json!(q)))
        .collect();
    std::fs::write(&path, Value::Object(manifest).to_string()).expect("manifest");
    spawn_app_with(Options {
        demo: true,
        raw: api::configuration::RawSettings {
            persisted_queries: Some(path.display().to_string()),
            ..Default::default()
        },
    })
    .await
}

fn apq(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// POSTs a raw GraphQL-over-HTTP body, asking for `application/graphql-response+json`.
async fn post(app: &TestApp, token: &str, body: Value) -> Answer {
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("accept", GQL_RESPONSE)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    to_answer(res).await
}

async fn get(app: &TestApp, token: &str, params: &[(&str, String)]) -> Answer {
    let res = app
        .client
        .get(app.url("/graphql"))
        .header("accept", GQL_RESPONSE)
        .bearer_auth(token)
        .query(params)
        .send()
        .await
        .expect("request");
    to_answer(res).await
}

fn assert_refused(a: &Answer, code: &str) {
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.code(), code, "{}", a.body);
    assert!(a.body.get("data").is_none(), "{}", a.body);
}

#[tokio::test]
async fn a_registered_operation_runs_by_hash_or_by_its_text() {
    let app = spawn_with_manifest().await;
    let officer = app.login(POLICE_OFFICER).await;
    let by_hash = post(
        &app,
        &officer.token,
        json!({ "extensions": apq(&sha256_hex(VIEWER)) }),
    )
    .await;
    assert_eq!(by_hash.status, 200, "{}", by_hash.body);
    assert_eq!(by_hash.ok()["viewer"]["user"]["email"], POLICE_OFFICER);

    let by_text = post(&app, &officer.token, json!({ "query": VIEWER })).await;
    assert_eq!(by_text.ok()["viewer"]["user"]["email"], POLICE_OFFICER);

    let both = post(
        &app,
        &officer.token,
        json!({ "query": VIEWER, "extensions": apq(&sha256_hex(VIEWER)) }),
    )
    .await;
    assert_eq!(both.ok()["viewer"]["roles"], json!(["police_officer"]));
}

#[tokio::test]
async fn anything_else_is_refused_before_execution() {
    let app = spawn_with_manifest().await;
    let officer = app.login(POLICE_OFFICER).await;
    let start = app.statements().await;
    post(&app, &officer.token, json!({ "query": VIEWER }))
        .await
        .ok();
    let registered = app.statements().await - start;

    let refusals = [
        // A text that is not registered, even one the user may run.
        (json!({ "query": CASES }), "OPERATION_NOT_ALLOWED"),
        // A registered text with different white space is a different operation.
        (
            json!({ "query": format!(" {VIEWER}") }),
            "OPERATION_NOT_ALLOWED",
        ),
        // An unknown hash, alone or with its own (unregistered) text.
        (
            json!({ "extensions": apq(&sha256_hex(CASES)) }),
            "PERSISTED_QUERY_NOT_FOUND",
        ),
        (
            json!({ "query": CASES, "extensions": apq(&sha256_hex(CASES)) }),
            "PERSISTED_QUERY_NOT_FOUND",
        ),
        // A registered hash with another text: the text is not run.
        (
            json!({ "query": CASES, "extensions": apq(&sha256_hex(VIEWER)) }),
            "PERSISTED_QUERY_MISMATCH",
        ),
        // A persistedQuery without a usable hash, and no operation at all.
        (
            json!({ "query": VIEWER, "extensions": { "persistedQuery": { "sha256Hash": 7 } } }),
            "PERSISTED_QUERY_NOT_FOUND",
        ),
        (json!({}), "OPERATION_NOT_ALLOWED"),
    ];
    let mut costs = Vec::new();
    for (body, code) in refusals {
        let before = app.statements().await;
        let a = post(&app, &officer.token, body.clone()).await;
        assert_refused(&a, code);
        costs.push(app.statements().await - before);
    }
    // Each refusal cost only the sign-in checks: the same for all, less than running anything.
    assert!(
        costs.iter().all(|c| *c == costs[0] && *c < registered),
        "statements per refusal {costs:?}, for a registered query {registered}"
    );

    // Under application/json the refusal is the same, with 200 as for other request errors.
    let a = officer.query(CASES, json!({})).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (200, "OPERATION_NOT_ALLOWED")
    );
}

#[tokio::test]
async fn get_runs_registered_queries_only_and_never_a_mutation() {
    let app = spawn_with_manifest().await;
    let officer = app.login(POLICE_OFFICER).await;
    let ext = apq(&sha256_hex(VIEWER)).to_string();
    let a = get(&app, &officer.token, &[("extensions", ext)]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.ok()["viewer"]["user"]["email"], POLICE_OFFICER);

    let a = get(&app, &officer.token, &[("query", VIEWER.to_string())]).await;
    assert_eq!(a.ok()["viewer"]["user"]["email"], POLICE_OFFICER);

    let a = get(&app, &officer.token, &[("query", CASES.to_string())]).await;
    assert_refused(&a, "OPERATION_NOT_ALLOWED");
    let ext = apq(&sha256_hex(CASES)).to_string();
    let a = get(&app, &officer.token, &[("extensions", ext)]).await;
    assert_refused(&a, "PERSISTED_QUERY_NOT_FOUND");
    let a = get(
        &app,
        &officer.token,
        &[
            ("query", CASES.to_string()),
            ("extensions", apq(&sha256_hex(VIEWER)).to_string()),
        ],
    )
    .await;
    assert_refused(&a, "PERSISTED_QUERY_MISMATCH");

    // A registered mutation named only by its hash is still a mutation: 405, nothing runs.
    let id = app.case_id(3).await;
    let res = app
        .client
        .get(app.url("/graphql"))
        .bearer_auth(&officer.token)
        .query(&[
            ("extensions", apq(&sha256_hex(RAISE)).to_string()),
            (
                "variables",
                json!({ "i": { "id": id, "version": 1, "riskLevel": "HIGH" } }).to_string(),
            ),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "POST");
    assert_eq!(app.log_count("updateCase").await, 0);
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn socket(app: &TestApp, token: &str) -> Socket {
    let mut req = format!("ws://127.0.0.1:{}/graphql", app.port)
        .into_client_request()
        .expect("websocket");
    req.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("websocket");
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } })
            .to_string(),
    ))
    .await
    .expect("websocket");
    let ack = next_json(&mut ws, Duration::from_secs(5)).await;
    assert_eq!(
        ack.as_ref().map(|a| a["type"].clone()),
        Some(json!("connection_ack"))
    );
    ws
}

async fn next_json(ws: &mut Socket, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let msg = match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(m))) => m,
            _ => return None,
        };
        match msg {
            Message::Text(t) => {
                let v: Value = serde_json::from_str(&t).ok()?;
                if v["type"] == "ping" || v["type"] == "pong" {
                    continue;
                }
                return Some(v);
            }
            Message::Close(_) => return None,
            _ => continue,
        }
    }
}

async fn subscribe(ws: &mut Socket, id: &str, payload: Value) {
    ws.send(Message::text(
        json!({ "id": id, "type": "subscribe", "payload": payload }).to_string(),
    ))
    .await
    .expect("websocket");
}

#[tokio::test]
async fn websocket_subscriptions_pass_the_same_gate() {
    let app = spawn_with_manifest().await;
    let council = app.login(COUNCIL_OFFICER).await;
    let mut ws = socket(&app, &council.token).await;

    // Unregistered text, unknown hash, and a mismatched pair: each answers an error.
    let unregistered = "subscription { alerts { kind } }";
    for (id, payload, code) in [
        (
            "a",
            json!({ "query": unregistered }),
            "OPERATION_NOT_ALLOWED",
        ),
        (
            "b",
            json!({ "extensions": apq(&sha256_hex(unregistered)) }),
            "PERSISTED_QUERY_NOT_FOUND",
        ),
        (
            "c",
            json!({ "query": unregistered, "extensions": apq(&sha256_hex(ALERTS)) }),
            "PERSISTED_QUERY_MISMATCH",
        ),
    ] {
        subscribe(&mut ws, id, payload).await;
        // A request error arrives as `next` with errors and no data (then `complete`), or as
        // `error`.
        let msg = loop {
            let msg = next_json(&mut ws, Duration::from_secs(5))
                .await
                .expect("an answer");
            if msg["type"] != "complete" {
                break msg;
            }
        };
        assert_eq!(msg["id"], id, "{msg}");
        let errors = if msg["type"] == "error" {
            &msg["payload"]
        } else {
            assert_eq!(msg["type"], "next", "{msg}");
            assert!(msg["payload"]["data"].is_null(), "{msg}");
            &msg["payload"]["errors"]
        };
        assert_eq!(errors[0]["extensions"]["code"], code, "{msg}");
    }

    // The registered subscription, by hash, delivers an alert.
    subscribe(
        &mut ws,
        "ok",
        json!({ "extensions": apq(&sha256_hex(ALERTS)) }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let officer = app.login(POLICE_OFFICER).await;
    let id = app.case_id(3).await; // council-led, shared with the police
    let a = post(
        &app,
        &officer.token,
        json!({ "extensions": apq(&sha256_hex(RAISE)),
                "variables": { "i": { "id": id, "version": 1, "riskLevel": "HIGH" } } }),
    )
    .await;
    assert_eq!(a.ok()["updateCase"]["riskLevel"], "high");
    let msg = loop {
        let msg = next_json(&mut ws, Duration::from_secs(5))
            .await
            .expect("an alert");
        if msg["type"] != "complete" {
            break msg;
        }
    };
    assert_eq!(msg["type"], "next", "{msg}");
    assert_eq!(msg["id"], "ok", "{msg}");
    assert_eq!(msg["payload"]["data"]["alerts"]["caseId"], id.as_str());
}

#[tokio::test]
async fn the_mode_is_off_by_default_and_a_bad_manifest_stops_start_up() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let a = officer.query(CASES, json!({})).await;
    assert!(a.ok()["cases"]["totalCount"].as_u64().unwrap() > 0);

    let dir = std::env::temp_dir().join(format!("asb-pq-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("bad.json");
    // An id that is not the SHA-256 of its text (a stale or hand-edited manifest).
    std::fs::write(&bad, json!({ sha256_hex(CASES): VIEWER }).to_string()).expect("write");
    for path in [bad.clone(), dir.join("missing.json")] {
        let err = api::configuration::RawSettings {
            data_dir: Some(dir.display().to_string()),
            jwt_secret: Some(TEST_JWT_SECRET.into()),
            persisted_queries: Some(path.display().to_string()),
            ..Default::default()
        }
        .resolve()
        .expect_err("a bad manifest is refused");
        assert!(
            err.to_string().contains("ASB_HUB_PERSISTED_QUERIES"),
            "{err}"
        );
    }
    let vars = [(
        "ASB_HUB_PERSISTED_QUERIES".to_string(),
        bad.display().to_string(),
    )];
    let raw = api::configuration::RawSettings::from_env(vars).expect("a known setting");
    assert_eq!(raw.persisted_queries, Some(bad.display().to_string()));
    let _ = std::fs::remove_dir_all(dir);
}
