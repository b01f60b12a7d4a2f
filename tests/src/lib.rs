//! Integration-test harness: starts the real server on port 0 against a fresh, migrated database
//! per test, and talks to it over HTTP.
//!
//! `TEST_DATABASE_URL` chooses the backend:
//! - unset: each test gets its own SQLite file in a temporary directory;
//! - `postgres://...`: each test creates its own uniquely named database on that server and drops
//!   it when the test ends (even when it fails).

use std::{path::PathBuf, sync::OnceLock};

pub mod private_pg;
pub mod ws;

use api::{configuration::RawSettings, startup::Application};
pub use sea_orm::ConnectionTrait;
use sea_orm::{Database, DatabaseBackend, DatabaseConnection, Statement, Value as SqlValue};
use serde_json::{Value, json};
use uuid::Uuid;

pub use api::configuration::DEFAULT_DEMO_PASSWORD as DEMO_PASSWORD;

/// The demo accounts, by role.
pub const POLICE_OFFICER: &str = "officer@police.demo";
pub const POLICE_SUPERVISOR: &str = "supervisor@police.demo";
pub const HOUSING_OFFICER: &str = "housing.officer@housing.demo";
pub const COUNCIL_OFFICER: &str = "asb.officer@council.demo";
pub const CASEWORKER: &str = "caseworker@victimsupport.demo";
pub const ADMIN: &str = "admin@hub.demo";
pub const AUDITOR: &str = "auditor@hub.demo";
pub const POLICE_DPO: &str = "dpo@police.demo";
pub const COUNCIL_DPO: &str = "dpo@council.demo";

pub const ALL_DEMO_USERS: &[&str] = &[
    POLICE_OFFICER,
    POLICE_SUPERVISOR,
    HOUSING_OFFICER,
    COUNCIL_OFFICER,
    CASEWORKER,
    ADMIN,
    AUDITOR,
    POLICE_DPO,
    COUNCIL_DPO,
];

/// The signing secret every test server uses, so tests can forge tokens to attack it.
pub const TEST_JWT_SECRET: &str = "test-secret-for-integration-tests-only-0123456789";

pub struct TestApp {
    pub address: String,
    pub port: u16,
    /// The server's own pool (closing it makes the database unreachable for the server).
    pub server_db: DatabaseConnection,
    /// A separate connection for the test's own checks.
    pub db: DatabaseConnection,
    pub client: reqwest::Client,
    pub data_dir: PathBuf,
    /// The database this server runs on, so a second instance can share it.
    pub database_url: String,
    _cleanup: Cleanup,
}

/// Options for [`spawn_app_with`].
#[derive(Default, Clone)]
pub struct Options {
    pub demo: bool,
    pub raw: RawSettings,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options {
        demo: true,
        ..Default::default()
    })
    .await
}

pub fn backend_is_postgres() -> bool {
    test_database_url().is_some()
}

fn test_database_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    spawn(options, test_database_url()).await
}

/// A server on a database created on the PostgreSQL server at `postgres_url`, whatever
/// `TEST_DATABASE_URL` says.
pub async fn spawn_app_on_postgres(postgres_url: &str, options: Options) -> TestApp {
    spawn(options, Some(postgres_url.to_string())).await
}

async fn spawn(options: Options, postgres: Option<String>) -> TestApp {
    init_logging();
    let data_dir = std::env::temp_dir().join(format!("asb-test-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&data_dir).expect("create data dir");
    let (database_url, cleanup) = match postgres {
        None => (
            format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("test.sqlite").display()
            ),
            Cleanup::Dir(data_dir.clone()),
        ),
        Some(base) => {
            let name = format!("asb_test_{}", Uuid::new_v4().simple());
            let admin = Database::connect(&base)
                .await
                .expect("connect to TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            (
                replace_database(&base, &name),
                Cleanup::Postgres {
                    base,
                    name,
                    dir: data_dir.clone(),
                },
            )
        }
    };
    let mut raw = RawSettings {
        bind: Some("127.0.0.1:0".into()),
        database_url: Some(database_url.clone()),
        data_dir: Some(data_dir.display().to_string()),
        jwt_secret: Some(TEST_JWT_SECRET.into()),
        db_max_connections: Some(5),
        // Tests change data between two dashboard questions and want fresh figures; the
        // dashboard cache has its own test (safety::dashboard_cache).
        dashboard_cache_seconds: Some(0),
        ..Default::default()
    };
    raw.overlay(options.raw);
    let settings = raw.resolve().expect("test settings");
    let app = Application::build(settings, options.demo)
        .await
        .expect("build app");
    let port = app.port();
    let server_db = app.db().clone();
    tokio::spawn(app.run_until_stopped());
    let db = Database::connect(&database_url)
        .await
        .expect("test connection");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        server_db,
        db,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        data_dir,
        database_url: database_url.clone(),
        _cleanup: cleanup,
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let base = match head.rfind('/') {
        Some(i) if i > "postgres://".len() => &head[..i],
        _ => head,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

enum Cleanup {
    Dir(PathBuf),
    Postgres {
        base: String,
        name: String,
        dir: PathBuf,
    },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { base, name, dir } => {
                let _ = std::fs::remove_dir_all(dir);
                let (base, name) = (base.clone(), name.clone());
                // Drop runs inside the test's runtime; use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async move {
                        if let Ok(admin) = Database::connect(&base).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

fn init_logging() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        if std::env::var("TEST_LOG").is_ok() {
            api::telemetry::init(api::configuration::LogFormat::Text);
        }
    });
}

/// A raw HTTP answer.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    pub fn errors(&self) -> Vec<Value> {
        self.body["errors"].as_array().cloned().unwrap_or_default()
    }

    /// The `extensions.code` of every error.
    pub fn codes(&self) -> Vec<String> {
        self.errors()
            .iter()
            .map(|e| {
                e["extensions"]["code"]
                    .as_str()
                    .unwrap_or("(no code)")
                    .to_string()
            })
            .collect()
    }

    /// The single error code, failing the test if there is not exactly one error.
    pub fn code(&self) -> String {
        let codes = self.codes();
        assert_eq!(codes.len(), 1, "expected one error, got {}", self.body);
        codes[0].clone()
    }

    /// Panics with the body when there are errors.
    pub fn ok(&self) -> &Value {
        assert!(self.errors().is_empty(), "unexpected errors: {}", self.body);
        &self.body["data"]
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// POSTs a GraphQL operation, optionally with a bearer token.
    pub async fn post(&self, token: Option<&str>, query: &str, variables: Value) -> Answer {
        let mut req = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("request");
        to_answer(res).await
    }

    pub async fn anonymous(&self, query: &str, variables: Value) -> Answer {
        self.post(None, query, variables).await
    }

    /// Signs in as a demo user.
    pub async fn login(&self, email: &str) -> Session<'_> {
        let a = self
            .anonymous(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken expiresAt } }",
                json!({ "e": email, "p": DEMO_PASSWORD }),
            )
            .await;
        let data = a.ok();
        Session {
            app: self,
            token: data["login"]["accessToken"]
                .as_str()
                .expect("token")
                .to_string(),
            refresh_token: data["login"]["refreshToken"]
                .as_str()
                .expect("refresh")
                .to_string(),
        }
    }

    /// Counts rows with a raw SQL query returning one integer column named `n`.
    pub async fn count(&self, sql: &str) -> i64 {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(backend, sql.to_string()))
            .await
            .expect("count query")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("column n")
    }
}

pub async fn to_answer(res: reqwest::Response) -> Answer {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        headers,
        body,
    }
}

/// A signed-in demo user.
pub struct Session<'a> {
    pub app: &'a TestApp,
    pub token: String,
    pub refresh_token: String,
}

impl Session<'_> {
    pub async fn query(&self, query: &str, variables: Value) -> Answer {
        self.app.post(Some(&self.token), query, variables).await
    }
}

impl TestApp {
    /// SQL statements this server has run so far (from its own metrics).
    pub async fn statements(&self) -> u64 {
        let body = self
            .client
            .get(self.url("/metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics body");
        body.lines()
            .find_map(|l| l.strip_prefix("asb_hub_db_statements_total "))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|v| v as u64)
            .expect("statement counter")
    }

    /// The id of a demo case by its sequence number (1..=12) this year.
    pub async fn case_id(&self, seq: u32) -> String {
        let year = chrono::Utc::now().format("%Y");
        let reference = format!("ASB-{year}-{seq:06}");
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                backend,
                match backend {
                    sea_orm::DatabaseBackend::Postgres => {
                        "SELECT id FROM asb_case WHERE reference = $1"
                    }
                    _ => "SELECT id FROM asb_case WHERE reference = ?",
                },
                [reference.into()],
            ))
            .await
            .expect("case id query")
            .expect("case exists");
        row.try_get::<Uuid>("", "id").expect("id").to_string()
    }

    /// Rows in the access log for one operation.
    pub async fn log_count(&self, operation: &str) -> i64 {
        self.count(&format!(
            "SELECT COUNT(*) AS n FROM access_log WHERE operation = '{}'",
            operation.replace('\'', "''")
        ))
        .await
    }
}

impl TestApp {
    /// A second server on the same database (another instance behind the load balancer). It
    /// shares the signing secret, so a token from one works on the other.
    pub async fn second_instance(&self) -> (String, u16) {
        let settings = RawSettings {
            bind: Some("127.0.0.1:0".into()),
            database_url: Some(self.database_url.clone()),
            data_dir: Some(self.data_dir.display().to_string()),
            jwt_secret: Some(TEST_JWT_SECRET.into()),
            db_max_connections: Some(5),
            ..Default::default()
        }
        .resolve()
        .expect("second instance settings");
        let app = Application::build(settings, false)
            .await
            .expect("second instance");
        let port = app.port();
        tokio::spawn(app.run_until_stopped());
        (format!("http://127.0.0.1:{port}"), port)
    }
}

/// One statement written with `?` placeholders, binding `values` (so timestamps are compared as
/// the database stores them, never as string literals); `?` becomes `$n` on PostgreSQL.
pub fn statement(app: &TestApp, sql: &str, values: Vec<SqlValue>) -> Statement {
    let backend = app.db.get_database_backend();
    let sql = if backend == DatabaseBackend::Postgres {
        let mut out = String::new();
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                out.push_str(&format!("${n}"));
            } else {
                out.push(c);
            }
        }
        out
    } else {
        sql.to_string()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Runs one statement with bound values (see [`statement`]).
pub async fn execute(app: &TestApp, sql: &str, values: Vec<SqlValue>) {
    app.db
        .execute_raw(statement(app, sql, values))
        .await
        .expect("test statement");
}

/// `SELECT ... AS n` with bound values.
pub async fn count_with(app: &TestApp, sql: &str, values: Vec<SqlValue>) -> i64 {
    let row = app
        .db
        .query_one_raw(statement(app, sql, values))
        .await
        .expect("count query")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("column n")
}

/// Every value of the uuid column `id` from a query with bound values, as text, sorted.
pub async fn ids_with(app: &TestApp, sql: &str, values: Vec<SqlValue>) -> Vec<String> {
    let rows = app
        .db
        .query_all_raw(statement(app, sql, values))
        .await
        .expect("ids query");
    let mut ids: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<Uuid>("", "id").expect("column id").to_string())
        .collect();
    ids.sort();
    ids
}

impl TestApp {
    /// Loads `asb-hub seed --scale` data into this app's database (what `bench/` loads, smaller).
    pub async fn seed_scale(&self, scale: f64, seed: u64) -> Result<String, api::error::AppError> {
        let settings = RawSettings {
            database_url: Some(self.database_url.clone()),
            data_dir: Some(self.data_dir.display().to_string()),
            jwt_secret: Some(TEST_JWT_SECRET.into()),
            ..Default::default()
        }
        .resolve()
        .expect("settings");
        let options = api::seed::scale::ScaleOptions { scale, seed };
        api::seed::scale::seed(&self.db, &settings, options).await
    }
}
