//! Alerts: the `alerts` subscription over WebSocket (graphql-transport-ws) delivers an alert to a
//! connected client of the right agency and not to one of another; alerts can be listed and
//! acknowledged; only subscriptions run over the socket.

use std::time::Duration;

use futures_util::SinkExt;
use serde_json::json;
use tests::ws::*;
use tests::*;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn an_alert_reaches_the_right_agency_and_no_other() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let housing = app.login(HOUSING_OFFICER).await;
    let mut council_ws = subscribe(&app, &council.token).await;
    let mut housing_ws = subscribe(&app, &housing.token).await;

    // Case 3 is council-led, medium risk, and shared with the police (and victim support), not
    // with the housing association. The police raise it to high.
    let id = app.case_id(3).await;
    let a = officer
        .query(
            "mutation($i: UpdateCaseInput!) { updateCase(input: $i) { riskLevel } }",
            json!({ "i": { "id": id, "version": 1, "riskLevel": "HIGH" } }),
        )
        .await;
    assert_eq!(a.ok()["updateCase"]["riskLevel"], "high");

    let msg = next_json(&mut council_ws, Duration::from_secs(5))
        .await
        .expect("an alert for the council");
    assert_eq!(msg["type"], "next", "{msg}");
    let alert = &msg["payload"]["data"]["alerts"];
    assert_eq!(alert["kind"], "HIGH_RISK_VICTIM", "{msg}");
    assert_eq!(alert["caseId"], id.as_str());
    assert!(alert["message"].as_str().unwrap().contains("high risk"));

    assert!(
        next_json(&mut housing_ws, Duration::from_millis(1500))
            .await
            .is_none(),
        "the housing association cannot see the case and gets nothing"
    );

    // One alert row per agency that can see the case.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM alert WHERE kind = 'high_risk_victim'")
            .await,
        3
    );
}

#[tokio::test]
async fn alerts_are_listed_and_acknowledged_when_nobody_was_connected() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    // Case 3: council-led, shared with the police and victim support.
    let id = app.case_id(3).await;
    officer
        .query(
            "mutation($i: UpdateCaseInput!) { updateCase(input: $i) { riskLevel } }",
            json!({ "i": { "id": id, "version": 1, "riskLevel": "HIGH" } }),
        )
        .await
        .ok();
    let list = "{ alerts(unacknowledgedOnly: true) { totalCount edges { node { id kind acknowledged } } } }";
    let council = app.login(COUNCIL_OFFICER).await;
    let a = council.query(list, json!({})).await;
    assert_eq!(a.ok()["alerts"]["totalCount"], 1);
    let alert_id = a.ok()["alerts"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let a = council
        .query(
            "mutation($id: ID!) { acknowledgeAlert(id: $id) { acknowledged } }",
            json!({ "id": alert_id }),
        )
        .await;
    assert_eq!(a.ok()["acknowledgeAlert"]["acknowledged"], true);
    assert_eq!(app.log_count("acknowledgeAlert").await, 1);
    assert_eq!(
        council.query(list, json!({})).await.ok()["alerts"]["totalCount"],
        0
    );

    // Another agency's alert answers NOT_FOUND, and it has none of its own.
    let housing = app.login(HOUSING_OFFICER).await;
    let a = housing
        .query(
            "mutation($id: ID!) { acknowledgeAlert(id: $id) { acknowledged } }",
            json!({ "id": alert_id }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
    assert_eq!(
        housing.query(list, json!({})).await.ok()["alerts"]["totalCount"],
        0
    );
}

#[tokio::test]
async fn the_socket_needs_a_valid_token_and_runs_only_subscriptions() {
    let app = spawn_app().await;
    let mut anon = connect(&app, json!({})).await;
    let answer = next_json(&mut anon, Duration::from_secs(5)).await;
    assert!(
        answer.is_none()
            || answer
                .as_ref()
                .is_some_and(|v| v["type"] != "connection_ack"),
        "{answer:?}"
    );
    let mut forged = connect(&app, json!({ "authorization": "Bearer not.a.token" })).await;
    let answer = next_json(&mut forged, Duration::from_secs(5)).await;
    assert!(
        answer.is_none()
            || answer
                .as_ref()
                .is_some_and(|v| v["type"] != "connection_ack")
    );

    let officer = app.login(POLICE_OFFICER).await;
    let mut ws = connect(
        &app,
        json!({ "authorization": format!("Bearer {}", officer.token) }),
    )
    .await;
    assert_eq!(
        next_json(&mut ws, Duration::from_secs(5)).await.unwrap()["type"],
        "connection_ack"
    );
    ws.send(Message::text(
        json!({ "id": "q", "type": "subscribe", "payload": { "query": "{ cases { totalCount } }" } }).to_string(),
    ))
    .await
    .unwrap();
    let msg = next_json(&mut ws, Duration::from_secs(5)).await.unwrap();
    assert!(msg["payload"]["data"].is_null(), "{msg}");
    assert!(msg.to_string().contains("only subscriptions"), "{msg}");
}

#[tokio::test]
async fn sharing_a_case_alerts_the_agency_it_is_shared_with() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    // Case 4 is police-led and not shared.
    let id = app.case_id(4).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let council_agency = council
        .query("{ viewer { agency { id } } }", json!({}))
        .await
        .ok()["viewer"]["agency"]["id"]
        .clone();
    let a = officer
        .query(
            "mutation($i: ShareCaseInput!) { shareCase(input: $i) { id } }",
            json!({ "i": { "caseId": id, "agencyId": council_agency, "legalBasis": "Crime and Disorder Act 1998 s.115" } }),
        )
        .await;
    a.ok();
    let list = council
        .query(
            "{ alerts { totalCount edges { node { kind caseId } } } }",
            json!({}),
        )
        .await;
    let edges = list.ok()["alerts"]["edges"].as_array().unwrap().clone();
    assert_eq!(edges.len(), 1, "{}", list.body);
    assert_eq!(edges[0]["node"]["kind"], "CASE_SHARED");
    assert_eq!(edges[0]["node"]["caseId"], id.as_str());
}

#[tokio::test]
async fn a_new_repeat_victim_raises_an_alert_for_the_reporting_agency() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let record = r#"mutation($i: RecordIncidentInput!) { recordIncident(input: $i) { id isRepeatVictim parties { person { id } } } }"#;
    let mut input = json!({
        "occurredAt": "2026-11-20T21:00:00Z", "channel": "PHONE", "category": "PERSONAL",
        "subType": "harassment", "description": "Shouting through the letterbox",
        "parties": [{ "part": "VICTIM", "newPerson": { "givenName": "Ola", "familyName": "Brennan" } }]
    });
    let a = officer.query(record, json!({ "i": input })).await;
    let first = a.ok()["recordIncident"].clone();
    assert_eq!(first["isRepeatVictim"], false);
    input["occurredAt"] = json!("2026-11-25T21:00:00Z");
    input["parties"] =
        json!([{ "part": "VICTIM", "personId": first["parties"][0]["person"]["id"] }]);
    let a = officer.query(record, json!({ "i": input })).await;
    assert_eq!(a.ok()["recordIncident"]["isRepeatVictim"], true);

    let list = officer
        .query(
            "{ alerts { edges { node { kind personId incidentId message } } } }",
            json!({}),
        )
        .await;
    let edges = list.ok()["alerts"]["edges"].as_array().unwrap().clone();
    let repeat: Vec<_> = edges
        .iter()
        .filter(|e| e["node"]["kind"] == "NEW_REPEAT_VICTIM")
        .collect();
    assert_eq!(repeat.len(), 1, "{}", list.body);
    assert_eq!(
        repeat[0]["node"]["personId"],
        first["parties"][0]["person"]["id"]
    );
    assert!(
        !repeat[0]["node"]["message"]
            .as_str()
            .unwrap()
            .contains("Brennan")
    );
    // The council, which reported nothing and sees no case, hears nothing.
    let council = app.login(COUNCIL_OFFICER).await;
    let a = council.query("{ alerts { totalCount } }", json!({})).await;
    assert_eq!(a.ok()["alerts"]["totalCount"], 0);
}

#[tokio::test]
async fn an_overdue_review_raises_one_alert_per_case_and_due_date() {
    let app = spawn_app_with(Options {
        demo: true,
        raw: api::configuration::RawSettings {
            overdue_check_seconds: Some(1),
            ..Default::default()
        },
    })
    .await;
    use sea_orm::EntityTrait;
    let now = chrono::Utc::now();
    let overdue_cases = entity::asb_case::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.status != "closed" && c.next_review_at.is_some_and(|t| t < now))
        .count() as i64;
    assert!(overdue_cases > 0, "the demo has overdue reviews");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let cases_alerted = app
        .count("SELECT COUNT(DISTINCT case_id) AS n FROM alert WHERE kind = 'review_overdue'")
        .await;
    assert_eq!(cases_alerted, overdue_cases);
    let rows = app
        .count("SELECT COUNT(*) AS n FROM alert WHERE kind = 'review_overdue'")
        .await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM alert WHERE kind = 'review_overdue'")
            .await,
        rows,
        "later rounds raise nothing new"
    );
    let officer = app.login(POLICE_OFFICER).await;
    let a = officer
        .query("{ alerts { edges { node { kind message } } } }", json!({}))
        .await;
    assert!(
        a.ok()["alerts"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["node"]["kind"] == "REVIEW_OVERDUE"),
        "{}",
        a.body
    );
}
