use actix_web::{HttpResponse, web};
use serde_json::json;

use super::AppState;

/// 200 while the process runs.
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "live" }))
}

/// 200 only while the database answers.
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    if crate::db::is_ready(&state.db).await {
        HttpResponse::Ok().json(json!({ "status": "ready" }))
    } else {
        HttpResponse::ServiceUnavailable()
            .json(json!({ "status": "unavailable", "reason": "database" }))
    }
}
