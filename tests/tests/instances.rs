//! Two instances on one database behave as one service: a permission change made through one is
//! in force on the other at its next request, and an alert raised on one reaches a subscriber
//! connected to the other (LISTEN/NOTIFY on PostgreSQL).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tests::*;
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, http::HeaderValue};

async fn post(app: &TestApp, base: &str, token: &str, query: &str, variables: Value) -> Answer {
    let res = app
        .client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request");
    to_answer(res).await
}

#[tokio::test]
async fn a_permission_change_on_one_instance_applies_on_the_other() {
    let app = spawn_app().await;
    let (other, _) = app.second_instance().await;
    let housing = app.login(HOUSING_OFFICER).await;
    let admin = app.login(ADMIN).await;
    let id = app.case_id(2).await; // housing-led
    let read = "query($id: ID!) { case(id: $id) { tenancyDetails } }";
    let a = post(&app, &other, &housing.token, read, json!({ "id": id })).await;
    assert!(a.ok()["case"]["tenancyDetails"].is_string(), "{}", a.body);

    let role =
        housing.query("{ viewer { roles } }", json!({})).await.ok()["viewer"]["roles"][0].clone();
    assert_eq!(role, "housing_officer");
    let role_id = api::seed::demo_id("role", "housing_officer").to_string();
    let a = admin
        .query(
            "mutation($i: FieldPermissionInput!) { setFieldPermission(input: $i) { name } }",
            json!({ "i": { "roleId": role_id, "typeName": "Case", "fieldName": "tenancyDetails", "read": false, "write": false } }),
        )
        .await;
    a.ok();

    let a = post(&app, &other, &housing.token, read, json!({ "id": id })).await;
    assert!(a.data()["case"]["tenancyDetails"].is_null(), "{}", a.body);
    assert_eq!(a.code(), "FORBIDDEN_FIELD");
}

#[tokio::test]
async fn an_alert_raised_on_one_instance_reaches_a_subscriber_on_the_other() {
    let app = spawn_app().await;
    let (_, other_port) = app.second_instance().await;
    let council = app.login(COUNCIL_OFFICER).await;
    let officer = app.login(POLICE_OFFICER).await;

    let mut req = format!("ws://127.0.0.1:{other_port}/graphql")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {}", council.token) } });
    ws.send(Message::text(init.to_string())).await.unwrap();
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { alerts { kind caseId } }" } });
    ws.send(Message::text(subscribe.to_string())).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Case 3 is council-led and shared with the police; the police raise it to high on the
    // first instance.
    let id = app.case_id(3).await;
    officer
        .query(
            "mutation($i: UpdateCaseInput!) { updateCase(input: $i) { riskLevel } }",
            json!({ "i": { "id": id, "version": 1, "riskLevel": "HIGH" } }),
        )
        .await
        .ok();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut got = None;
    while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline, ws.next()).await {
        if let Message::Text(t) = msg {
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "next" {
                got = Some(v);
                break;
            }
        }
    }
    let msg = got.expect("the alert crossed to the other instance");
    assert_eq!(
        msg["payload"]["data"]["alerts"]["kind"], "HIGH_RISK_VICTIM",
        "{msg}"
    );
    assert_eq!(msg["payload"]["data"]["alerts"]["caseId"], id.as_str());
}
