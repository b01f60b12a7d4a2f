//! Prometheus metrics: GraphQL requests and latency by operation name and outcome, and the
//! database pool's use.

use std::{collections::HashSet, sync::Mutex, time::Duration};

use actix_web::{HttpResponse, web};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::http::AppState;

/// Distinct operation names kept as labels; later names are counted as `other`, so a client
/// cannot blow up the metric's cardinality.
const MAX_OPERATION_LABELS: usize = 200;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
    /// SQL statements run by this server, so a benchmark or test can divide by requests.
    pub statements: prometheus::IntCounter,
    seen: Mutex<HashSet<String>>,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("asb_hub".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new(
                "graphql_requests_total",
                "GraphQL operations by name and outcome",
            ),
            &["operation", "outcome"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "graphql_request_duration_seconds",
                "GraphQL operation latency",
            )
            .buckets(vec![
                0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["operation", "outcome"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state"),
            &["state"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        let statements =
            prometheus::IntCounter::new("db_statements_total", "SQL statements executed")?;
        registry.register(Box::new(statements.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool,
            statements,
            seen: Mutex::new(HashSet::new()),
        })
    }

    pub fn observe(&self, operation: &str, outcome: &str, elapsed: Duration) {
        let operation = self.bounded(operation);
        self.requests
            .with_label_values(&[operation.as_str(), outcome])
            .inc();
        self.latency
            .with_label_values(&[operation.as_str(), outcome])
            .observe(elapsed.as_secs_f64());
    }

    fn bounded(&self, operation: &str) -> String {
        let Ok(mut seen) = self.seen.lock() else {
            return "other".into();
        };
        if seen.contains(operation) {
            return operation.to_string();
        }
        if seen.len() < MAX_OPERATION_LABELS {
            seen.insert(operation.to_string());
            return operation.to_string();
        }
        "other".into()
    }
}

/// A label for an operation: the `operationName` sent, else the name of the document's first
/// operation, when it is a plain GraphQL name; otherwise `anonymous`.
pub fn operation_label(name: Option<&str>, query: &str) -> String {
    let from_doc;
    let name = match name {
        Some(n) => Some(n),
        None => {
            from_doc = first_operation_name(query);
            from_doc.as_deref()
        }
    };
    match name {
        Some(n)
            if !n.is_empty()
                && n.len() <= 64
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            n.to_string()
        }
        _ => "anonymous".into(),
    }
}

/// `query Name`, `mutation Name` or `subscription Name` at the start of the document.
fn first_operation_name(query: &str) -> Option<String> {
    let mut rest = query.trim_start();
    while let Some(stripped) = rest.strip_prefix('#') {
        rest = stripped
            .split_once('\n')
            .map(|(_, r)| r)
            .unwrap_or("")
            .trim_start();
    }
    let rest = ["query", "mutation", "subscription"]
        .iter()
        .find_map(|kw| rest.strip_prefix(kw))?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let name: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(65)
        .collect();
    (!name.is_empty()).then_some(name)
}

pub async fn render(state: web::Data<AppState>) -> HttpResponse {
    let (size, idle) = pool_use(&state.db);
    state.metrics.pool.with_label_values(&["open"]).set(size);
    state.metrics.pool.with_label_values(&["idle"]).set(idle);
    state
        .metrics
        .pool
        .with_label_values(&["in_use"])
        .set(size - idle);
    let mut buf = Vec::new();
    if TextEncoder::new()
        .encode(&state.metrics.registry.gather(), &mut buf)
        .is_err()
    {
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(buf)
}

fn pool_use(db: &sea_orm::DatabaseConnection) -> (i64, i64) {
    use sea_orm::DatabaseConnectionType as T;
    match &db.inner {
        T::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size() as i64, pool.num_idle() as i64)
        }
        T::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            (pool.size() as i64, pool.num_idle() as i64)
        }
        _ => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_the_name_or_the_document() {
        assert_eq!(operation_label(Some("Cases"), "{ x }"), "Cases");
        assert_eq!(operation_label(None, "query WhoAmI { x }"), "WhoAmI");
        assert_eq!(
            operation_label(None, "# c\n mutation Rec($a: Int) { x }"),
            "Rec"
        );
        assert_eq!(operation_label(None, "{ x }"), "anonymous");
        assert_eq!(operation_label(Some("bad name!"), "{ x }"), "anonymous");
    }
}
