//! The HTTP surface: GraphQL, GraphiQL, health and metrics.

pub mod client_addr;
pub mod graphql;
mod health;
pub mod persisted;
pub mod rate_limit;
pub mod ws;

use std::sync::Arc;

use actix_web::{
    HttpMessage, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    web,
};
use sea_orm::DatabaseConnection;
use tracing_actix_web::RequestId;

use crate::{
    auth::tokens::TokenKeys, configuration::Settings, graphql::AppSchema, metrics::Metrics,
};

/// Shared by every worker.
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: AppSchema,
    pub settings: Arc<Settings>,
    pub metrics: Metrics,
    pub keys: Arc<TokenKeys>,
    pub rate_limiter: rate_limit::RateLimiter,
}

pub fn routes(cfg: &mut web::ServiceConfig, settings: &Settings) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(graphql::post))
            .route(
                web::get()
                    .guard(actix_web::guard::Header("upgrade", "websocket"))
                    .to(ws::handler),
            )
            .route(web::get().to(graphql::get))
            .default_service(web::to(method_not_allowed)),
    )
    .route("/health/live", web::get().to(health::live))
    .route("/health/ready", web::get().to(health::ready))
    .route("/metrics", web::get().to(crate::metrics::render));
    if settings.graphiql {
        cfg.route("/graphiql", web::get().to(graphiql));
    }
}

async fn method_not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header(("Allow", "GET, POST"))
        .finish()
}

async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(
            async_graphql::http::GraphiQLSource::build()
                .endpoint("/graphql")
                .title("ASB Partnership Hub")
                .finish(),
        )
}

/// Copies the request id that `tracing-actix-web` generated into an `x-request-id` response
/// header, so a partner can quote it when reporting a problem.
pub async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().copied();
    let mut res = next.call(req).await?;
    if let Some(id) = id
        && let Ok(value) = HeaderValue::from_str(&id.to_string())
    {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}
