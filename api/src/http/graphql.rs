//! GraphQL over HTTP, by our own handler rather than the stock one.
//!
//! The stock async-graphql actix handler runs mutations over GET, parses any body as JSON whatever
//! its content type, accepts batches and always answers `application/graphql-response+json`. Here:
//! - POST needs `application/json` (415 otherwise), so a browser cannot send a simple cross-site
//!   POST with a form or `text/plain` body;
//! - GET runs queries only; a mutation or subscription gets 405 with `Allow: POST`;
//! - batches are refused unless `max_batch` allows them;
//! - the response media type follows `Accept`; under `application/graphql-response+json` a
//!   request error (parse, validation, limits) answers 400 with no `data`.

use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
use async_graphql::{BatchRequest, Request, Variables, parser::types::OperationType};
use serde::Deserialize;
use serde_json::{Value as Json, json};
use tracing_actix_web::RequestId;

use crate::{auth, http::AppState, metrics};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// Media type for the answer, from the client's `Accept` header.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ResponseType {
    Json,
    GraphqlResponse,
}

impl ResponseType {
    pub fn from_request(req: &HttpRequest) -> Self {
        let Some(accept) = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
        else {
            return ResponseType::Json;
        };
        // Take the most preferred of the two we speak; ties go to application/json, which every
        // client understands.
        let mut best: Option<(f32, ResponseType)> = None;
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let kind = match media.as_str() {
                GRAPHQL_RESPONSE => ResponseType::GraphqlResponse,
                JSON | "application/*" | "*/*" => ResponseType::Json,
                _ => continue,
            };
            if q <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((bq, bk)) => {
                    q > bq
                        || (q == bq
                            && bk == ResponseType::GraphqlResponse
                            && kind == ResponseType::Json
                            && media == JSON)
                }
            };
            if better {
                best = Some((q, kind));
            }
        }
        best.map(|(_, k)| k).unwrap_or(ResponseType::Json)
    }

    fn content_type(self) -> &'static str {
        match self {
            ResponseType::Json => "application/json; charset=utf-8",
            ResponseType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
        }
    }
}

/// A request error answered before execution: bad JSON, missing query, wrong method.
pub fn request_error(
    status: StatusCode,
    rt: ResponseType,
    code: &str,
    message: &str,
    request_id: Option<&RequestId>,
) -> HttpResponse {
    let mut ext = json!({ "code": code });
    if let Some(id) = request_id {
        ext["requestId"] = json!(id.to_string());
    }
    HttpResponse::build(status)
        .content_type(rt.content_type())
        .json(json!({ "errors": [{ "message": message, "extensions": ext }] }))
}

pub async fn post(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let rt = ResponseType::from_request(&req);
    if !is_json(&req) {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            rt,
            "UNSUPPORTED_MEDIA_TYPE",
            "GraphQL requests must be sent as application/json",
            Some(&request_id),
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(_) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                rt,
                "BAD_REQUEST",
                "the body is not a valid GraphQL-over-HTTP request",
                Some(&request_id),
            );
        }
    };
    let requests = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(rs) => {
            if rs.is_empty()
                || rs.len() > state.settings.limits.max_batch
                || state.settings.limits.max_batch == 1
            {
                return request_error(
                    StatusCode::BAD_REQUEST,
                    rt,
                    "BATCH_REFUSED",
                    &format!(
                        "batched requests are limited to {} operation(s) (limit: max_batch)",
                        state.settings.limits.max_batch
                    ),
                    Some(&request_id),
                );
            }
            rs
        }
    };
    let single = requests.len() == 1;
    let mut answers = Vec::with_capacity(requests.len());
    let mut worst = StatusCode::OK;
    for request in requests {
        let (status, body) = execute(&req, &state, request, rt, &request_id).await;
        if status != StatusCode::OK {
            worst = status;
        }
        answers.push(body);
    }
    let body = if single {
        answers.remove(0)
    } else {
        Json::Array(answers)
    };
    respond(if single { worst } else { StatusCode::OK }, rt, body)
}

/// The HTTP answer; a rate-limited one carries `Retry-After`.
fn respond(status: StatusCode, rt: ResponseType, body: Json) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    res.content_type(rt.content_type());
    if status == StatusCode::TOO_MANY_REQUESTS
        && let Some(wait) = body["errors"][0]["extensions"]["retryAfter"].as_u64()
    {
        res.insert_header((header::RETRY_AFTER, wait.to_string()));
    }
    res.json(body)
}

#[derive(Deserialize)]
pub struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

pub async fn get(
    req: HttpRequest,
    params: Result<web::Query<GetParams>, actix_web::Error>,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let rt = ResponseType::from_request(&req);
    let bad = |msg: &str| {
        request_error(
            StatusCode::BAD_REQUEST,
            rt,
            "BAD_REQUEST",
            msg,
            Some(&request_id),
        )
    };
    let Ok(web::Query(params)) = params else {
        return bad("the query string is not a valid GraphQL-over-HTTP request");
    };
    let extensions: Option<async_graphql::Extensions> = match params.extensions.as_deref() {
        Some(ext) => match serde_json::from_str(ext) {
            Ok(v) => Some(v),
            Err(_) => return bad("`extensions` is not valid JSON"),
        },
        None => None,
    };
    // In persisted-query mode a registered operation may be named by its hash alone; look its
    // text up now, so that the rule below sees what would run. The schema's gate decides.
    let query = match (params.query, &state.settings.persisted_queries, &extensions) {
        (Some(q), _, _) => q,
        (None, Some(manifest), Some(ext)) => match crate::http::persisted::requested_hash(ext) {
            Ok(Some(hash)) => manifest.text(&hash).unwrap_or_default().to_string(),
            _ => String::new(),
        },
        (None, _, _) => return bad("the `query` parameter is required"),
    };
    if query.len() > state.settings.limits.max_body_bytes {
        return request_error(
            StatusCode::URI_TOO_LONG,
            rt,
            "BAD_REQUEST",
            "the query is too long (limit: max_body_bytes)",
            Some(&request_id),
        );
    }
    // Only queries may run over GET: a link or an image tag must never change data.
    if let Ok(doc) = async_graphql::parser::parse_query(&query) {
        let op = match &params.operation_name {
            Some(name) => doc
                .operations
                .iter()
                .find(|(n, _)| n.map(|n| n.as_str()) == Some(name.as_str()))
                .map(|(_, o)| o),
            None => doc.operations.iter().next().map(|(_, o)| o),
        };
        if let Some(op) = op
            && op.node.ty != OperationType::Query
        {
            return HttpResponse::MethodNotAllowed()
                .insert_header((header::ALLOW, "POST"))
                .content_type(rt.content_type())
                .json(json!({ "errors": [{
                    "message": "only queries may be sent over GET; use POST for mutations and subscriptions",
                    "extensions": { "code": "METHOD_NOT_ALLOWED", "requestId": request_id.to_string() }
                }]}));
        }
    }
    let mut request = Request::new(query);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(vars) = params.variables {
        match serde_json::from_str::<Json>(&vars) {
            Ok(v) => request = request.variables(Variables::from_json(v)),
            Err(_) => return bad("`variables` is not valid JSON"),
        }
    }
    if let Some(ext) = extensions {
        request.extensions = ext;
    }
    let (status, body) = execute(&req, &state, request, rt, &request_id).await;
    respond(status, rt, body)
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case(JSON)
        })
        .unwrap_or(false)
}

/// Authenticates, executes one operation, and shapes the answer.
async fn execute(
    req: &HttpRequest,
    state: &AppState,
    request: Request,
    rt: ResponseType,
    request_id: &RequestId,
) -> (StatusCode, Json) {
    let started = std::time::Instant::now();
    let operation = metrics::operation_label(request.operation_name.as_deref(), &request.query);
    let client_addr = super::client_addr::of(req, &state.settings.trusted_proxies);
    let principal = match auth::authenticate(
        state,
        req,
        client_addr.clone(),
        request_id.to_string(),
    )
    .await
    {
        Ok(p) => p,
        Err(err) => {
            let code = err.code().as_str();
            let gql: async_graphql::Error = err.into();
            state.metrics.observe(&operation, code, started.elapsed());
            let status = if rt == ResponseType::GraphqlResponse && code == "UNAUTHENTICATED" {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::OK
            };
            let mut body =
                json!({ "errors": [{ "message": gql.message, "extensions": { "code": code } }] });
            add_request_id(&mut body, request_id);
            return (status, body);
        }
    };
    let user = match &principal {
        auth::Principal::User(a) => Some(a.user_id.to_string()),
        auth::Principal::Anonymous { .. } => None,
    };
    if let Err(retry_after) = state
        .rate_limiter
        .check(user.as_deref(), client_addr.as_deref())
    {
        state
            .metrics
            .observe(&operation, "RATE_LIMITED", started.elapsed());
        let mut body = json!({ "errors": [{
            "message": "too many requests; slow down",
            "extensions": { "code": "RATE_LIMITED", "retryAfter": retry_after }
        }]});
        add_request_id(&mut body, request_id);
        return (StatusCode::TOO_MANY_REQUESTS, body);
    }
    let mut request = request;
    let consultations = std::sync::Arc::new(crate::graphql::consultation::Consultations::default());
    if let auth::Principal::User(actor) = &principal {
        request = request
            .data(crate::graphql::loaders::Loaders::new(
                &state.db,
                crate::auth::policy::scope::Scope::new(actor.agency_id),
            ))
            .data(consultations.clone());
    }
    let audit_principal = principal.clone();
    let request = request.data(principal).data(crate::graphql::RequestMeta {
        request_id: request_id.to_string(),
        client_addr,
    });
    let response = tokio::time::timeout(
        state.settings.limits.request_timeout,
        state.schema.execute(request),
    )
    .await;
    let response = match response {
        Ok(r) => r,
        Err(_) => {
            tracing::warn!(
                duration_ms = started.elapsed().as_millis() as u64,
                "request timed out"
            );
            state
                .metrics
                .observe(&operation, "TIMEOUT", started.elapsed());
            let mut body = json!({ "errors": [{
                "message": "the request took too long (limit: request_timeout_ms)",
                "extensions": { "code": "TIMEOUT" }
            }]});
            add_request_id(&mut body, request_id);
            return (StatusCode::SERVICE_UNAVAILABLE, body);
        }
    };
    // What was disclosed about people is logged before the answer leaves.
    let entries = consultations.entries(&operation);
    if !entries.is_empty()
        && let Err(err) =
            crate::service::audit::record_many(&state.db, &audit_principal, entries).await
    {
        let gql: async_graphql::Error = err.into();
        let mut body =
            json!({ "errors": [{ "message": gql.message, "extensions": { "code": "INTERNAL" } }] });
        add_request_id(&mut body, request_id);
        return (StatusCode::OK, body);
    }
    // A request error happened before execution: there is no data and no error has a path.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let mut response = response;
    for e in &mut response.errors {
        add_missing_code(e);
    }
    let outcome = response
        .errors
        .first()
        .map(|e| error_code(e).unwrap_or("REQUEST_ERROR"))
        .unwrap_or("OK");
    state
        .metrics
        .observe(&operation, outcome, started.elapsed());
    let mut body = serde_json::to_value(&response)
        .unwrap_or_else(|_| json!({ "errors": [{ "message": "internal error" }] }));
    if request_error && let Some(obj) = body.as_object_mut() {
        obj.remove("data");
    }
    add_request_id(&mut body, request_id);
    let status = if request_error && rt == ResponseType::GraphqlResponse {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    (status, body)
}

/// Every error carries a code. The only ones that arrive without are async-graphql's own: a
/// document that does not parse or validate (no path), or an argument it could not coerce.
fn add_missing_code(e: &mut async_graphql::ServerError) {
    let ext = e.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        let code = if e.path.is_empty() {
            "GRAPHQL_VALIDATION_FAILED"
        } else {
            "BAD_USER_INPUT"
        };
        ext.set("code", code);
    }
}

fn error_code(e: &async_graphql::ServerError) -> Option<&'static str> {
    let code = e.extensions.as_ref()?.get("code")?;
    let async_graphql::Value::String(code) = code else {
        return None;
    };
    // Metric labels come from a closed set.
    const CODES: [&str; 8] = [
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "FORBIDDEN_FIELD",
        "NOT_FOUND",
        "BAD_USER_INPUT",
        "CONFLICT",
        "RATE_LIMITED",
        "INTERNAL",
    ];
    CODES.into_iter().find(|c| c == code)
}

/// Internal errors carry the request id, so that support can find the log line.
fn add_request_id(body: &mut Json, request_id: &RequestId) {
    let Some(errors) = body.get_mut("errors").and_then(|e| e.as_array_mut()) else {
        return;
    };
    for error in errors {
        if let Some(obj) = error.as_object_mut() {
            let ext = obj.entry("extensions").or_insert_with(|| json!({}));
            if let Some(ext) = ext.as_object_mut() {
                ext.insert("requestId".into(), json!(request_id.to_string()));
            }
        }
    }
}
