//! WebSocket clients for subscriptions (graphql-transport-ws).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, http::HeaderValue};

use crate::TestApp;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(app: &TestApp, init: Value) -> Socket {
    connect_to(app.port, init).await
}

/// Opens a socket to the server on `port` and sends `connection_init` with `init`.
pub async fn connect_to(port: u16, init: Value) -> Socket {
    let mut req = format!("ws://127.0.0.1:{port}/graphql")
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
        json!({ "type": "connection_init", "payload": init }).to_string(),
    ))
    .await
    .expect("websocket");
    ws
}

pub async fn next_json(ws: &mut Socket, wait: Duration) -> Option<Value> {
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

pub async fn subscribe(app: &TestApp, token: &str) -> Socket {
    subscribe_on(app.port, token).await
}

/// Signs in on the server on `port` and subscribes to `alerts`.
pub async fn subscribe_on(port: u16, token: &str) -> Socket {
    let mut ws = connect_to(port, json!({ "authorization": format!("Bearer {token}") })).await;
    let ack = next_json(&mut ws, Duration::from_secs(5))
        .await
        .expect("ack");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe",
                "payload": { "query": "subscription { alerts { kind message caseId acknowledged } }" } })
        .to_string(),
    ))
    .await
    .expect("websocket");
    // Let the subscription register before anything is raised.
    tokio::time::sleep(Duration::from_millis(300)).await;
    ws
}
