//! GraphQL subscriptions over WebSocket (graphql-transport-ws, and the older graphql-ws).
//!
//! The client signs in with its first message: `connection_init` with a payload
//! `{ "authorization": "Bearer <access token>" }`. Anonymous connections are refused. Only
//! subscriptions run over this connection: queries and mutations go over HTTP, where limits,
//! rate limits and the consultation log apply.

use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::Data;
use async_graphql_actix_web::GraphQLSubscription;
use tracing_actix_web::RequestId;

use crate::{
    auth::{self, Principal, policy::scope::Scope},
    graphql::loaders::Loaders,
    http::AppState,
};

/// Marks a WebSocket connection, so that the schema refuses anything but subscriptions on it.
pub struct WsConnection;

pub async fn handler(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> actix_web::Result<HttpResponse> {
    let db = state.db.clone();
    let keys = state.keys.clone();
    let client_addr = super::client_addr::of(&req, &state.settings.trusted_proxies);
    let request_id = request_id.to_string();
    let mut data = Data::default();
    data.insert(WsConnection);
    GraphQLSubscription::new(state.schema.clone())
        .with_data(data)
        .on_connection_init(move |payload: serde_json::Value| async move {
            let token = ["authorization", "Authorization", "token"]
                .iter()
                .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))
                .map(|t| t.strip_prefix("Bearer ").unwrap_or(t).trim().to_string())
                .ok_or_else(|| async_graphql::Error::new("authentication required"))?;
            let actor = auth::authenticate_token(&db, &keys, &token, request_id, client_addr)
                .await
                .map_err(|_| async_graphql::Error::new("authentication required"))?;
            let mut data = Data::default();
            data.insert(Loaders::new(&db, Scope::new(actor.agency_id)));
            data.insert(Principal::User(Box::new(actor)));
            Ok(data)
        })
        .start(&req, payload)
}
