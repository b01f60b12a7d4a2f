//! Failure and load: many clients writing the same cases at once, a write that dies half-way, and
//! a database that goes away under load and comes back.

use std::{
    collections::BTreeSet,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use api::configuration::RawSettings;
use sea_orm::{Statement, TransactionTrait};
use serde_json::{Value, json};
use tests::{private_pg::PrivatePostgres, *};

/// Limits out of the way: these tests are about the database, not about throttling.
fn busy_settings() -> RawSettings {
    RawSettings {
        rate_limit_per_user: Some(1_000_000),
        rate_limit_per_client: Some(1_000_000),
        db_max_connections: Some(10),
        overdue_check_seconds: Some(3600),
        ..Default::default()
    }
}

const CASE_VERSION: &str = "query($id: ID!) { case(id: $id) { version } }";
const UPDATE_CASE: &str = r#"mutation($input: UpdateCaseInput!) {
  updateCase(input: $input) { id version title } }"#;
const ADD_NOTE: &str = "mutation($i: AddNoteInput!) { addNote(input: $i) { id } }";

const CLIENTS: usize = 50;
const ROUNDS: usize = 3;

#[tokio::test]
async fn fifty_clients_writing_the_same_cases_lose_no_update() {
    let app = spawn_app_with(Options {
        demo: true,
        raw: busy_settings(),
    })
    .await;
    let housing = app.login(HOUSING_OFFICER).await;
    let token = housing.token.clone();
    // Two cases led by the housing association, written by every client at once.
    let cases = [app.case_id(2).await, app.case_id(8).await];
    let mut start_versions = Vec::new();
    for id in &cases {
        let a = housing.query(CASE_VERSION, json!({ "id": id })).await;
        start_versions.push(a.ok()["case"]["version"].as_i64().expect("version"));
    }

    // Versioned updates: each client reads the version, then saves its own title with it.
    let tasks = (0..CLIENTS).map(|c| {
        let app = &app;
        let token = token.as_str();
        let id = cases[c % cases.len()].clone();
        async move {
            let mut outcomes = Vec::new();
            for r in 0..ROUNDS {
                let read = app
                    .post(Some(token), CASE_VERSION, json!({ "id": id }))
                    .await;
                let version = read.ok()["case"]["version"].as_i64().expect("version");
                let title = format!("Saved by client {c} in round {r}");
                let a = app
                    .post(
                        Some(token),
                        UPDATE_CASE,
                        json!({ "input": { "id": id, "version": version, "title": title } }),
                    )
                    .await;
                outcomes.push((id.clone(), title, a));
            }
            outcomes
        }
    });
    let outcomes: Vec<_> = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(outcomes.len(), CLIENTS * ROUNDS);

    for (i, id) in cases.iter().enumerate() {
        let mine: Vec<_> = outcomes.iter().filter(|(c, _, _)| c == id).collect();
        let mut accepted: Vec<(i64, &str)> = Vec::new();
        for (_, title, a) in &mine {
            if a.codes().is_empty() {
                let version = a.ok()["updateCase"]["version"].as_i64().expect("version");
                accepted.push((version, title.as_str()));
            } else {
                assert_eq!(
                    a.codes(),
                    vec!["CONFLICT".to_string()],
                    "a refused save says CONFLICT and nothing else: {}",
                    a.body
                );
                assert!(a.errors()[0]["extensions"]["currentVersion"].is_i64());
            }
        }
        assert!(!accepted.is_empty(), "some saves are accepted");
        assert!(accepted.len() < mine.len(), "the race really happened");
        accepted.sort();
        // Every accepted save produced its own version, one after the other from the start:
        // none was written over another.
        let versions: Vec<i64> = accepted.iter().map(|(v, _)| *v).collect();
        let expected: Vec<i64> =
            (start_versions[i] + 1..=start_versions[i] + accepted.len() as i64).collect();
        assert_eq!(versions, expected, "case {id}");
        let (last_version, last_title) = accepted.last().copied().expect("accepted");
        let now = housing
            .query(
                "query($id: ID!) { case(id: $id) { version title } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(now.ok()["case"]["version"], last_version);
        assert_eq!(now.ok()["case"]["title"], last_title);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) AS n FROM access_log WHERE operation = 'updateCase' \
                 AND entity_id = '{id}' AND outcome = 'success'"
            ))
            .await,
            accepted.len() as i64,
            "one access-log entry per accepted save, none for a refused one"
        );
    }

    // Appends: every note that fifty clients add at once is there.
    let notes_before = app.count("SELECT COUNT(*) AS n FROM case_note").await;
    let tasks = (0..CLIENTS).map(|c| {
        let app = &app;
        let token = token.as_str();
        let id = cases[c % cases.len()].clone();
        async move {
            let mut bodies = Vec::new();
            for r in 0..ROUNDS {
                let body = format!("Concurrent note {c}-{r}");
                let a = app
                    .post(
                        Some(token),
                        ADD_NOTE,
                        json!({ "i": { "caseId": id, "body": body } }),
                    )
                    .await;
                assert!(a.codes().is_empty(), "{}", a.body);
                bodies.push(body);
            }
            bodies
        }
    });
    let bodies: BTreeSet<String> = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(bodies.len(), CLIENTS * ROUNDS);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM case_note").await,
        notes_before + (CLIENTS * ROUNDS) as i64
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(DISTINCT body) AS n FROM case_note WHERE body LIKE 'Concurrent note %'"
        )
        .await,
        (CLIENTS * ROUNDS) as i64
    );
    assert_eq!(app.log_count("addNote").await, (CLIENTS * ROUNDS) as i64);
}

const RECORD: &str = r#"mutation($input: RecordIncidentInput!) {
  recordIncident(input: $input) { id } }"#;

fn probe_incident() -> Value {
    json!({ "input": {
        "occurredAt": "2026-11-20T21:30:00Z",
        "channel": "PHONE",
        "category": "PERSONAL",
        "subType": "harassment",
        "description": "Atomicity probe: neighbour shouting through the letterbox",
        "location": { "address": "1 Probe Street, Eastbrook", "postcode": "EB1 9ZZ", "ward": "Castle Ward" },
        "hateMotivated": false,
        "parties": [
            { "part": "VICTIM", "newPerson": { "givenName": "Ada", "familyName": "Probeworth", "consentToShare": true } },
            { "part": "PERPETRATOR", "newPerson": { "givenName": "Bert", "familyName": "Probeworth", "consentToShare": false } }
        ]
    }})
}

/// Row counts of every table `recordIncident` writes to.
async fn written(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "incident",
        "person",
        "location",
        "incident_party",
        "incident_flag",
        "victim_flag",
        "alert",
        "access_log",
    ] {
        let n = app
            .count(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .await;
        counts.push((table, n));
    }
    counts
}

async fn raw(app: &TestApp, sql: &str) {
    app.db.execute_unprepared(sql).await.expect(sql);
}

/// Breaks a write half-way through its transaction, after it has written its first rows and
/// before its access-log entry: on PostgreSQL by killing its connection while it waits on a lock;
/// on SQLite (in-process, no connection to kill) by failing its access-log insert.
async fn record_with_a_fault(app: &TestApp, officer: &Session<'_>) -> Answer {
    if backend_is_postgres() {
        let blocker = app.db.begin().await.expect("begin");
        blocker
            .execute_unprepared("LOCK TABLE access_log IN EXCLUSIVE MODE")
            .await
            .expect("lock the access log");
        let killer = async move {
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let waiting = app
                    .db
                    .query_all_raw(Statement::from_string(
                        sea_orm::DatabaseBackend::Postgres,
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                         AND wait_event_type = 'Lock' AND query ILIKE '%insert%access_log%'",
                    ))
                    .await
                    .expect("pg_stat_activity");
                if let Some(row) = waiting.first() {
                    let pid: i32 = row.try_get("", "pid").expect("pid");
                    raw(app, &format!("SELECT pg_terminate_backend({pid})")).await;
                    blocker.rollback().await.expect("release the lock");
                    return;
                }
                assert!(
                    Instant::now() < deadline,
                    "the mutation never reached its access-log insert"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        let (answer, ()) = tokio::join!(officer.query(RECORD, probe_incident()), killer);
        answer
    } else {
        raw(
            app,
            "CREATE TRIGGER fault BEFORE INSERT ON access_log \
             WHEN NEW.operation = 'recordIncident' \
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
        )
        .await;
        let answer = officer.query(RECORD, probe_incident()).await;
        raw(app, "DROP TRIGGER fault").await;
        answer
    }
}

#[tokio::test]
async fn a_write_killed_half_way_leaves_no_partial_rows_and_no_log_entry() {
    let app = spawn_app_with(Options {
        demo: true,
        raw: busy_settings(),
    })
    .await;
    let officer = app.login(POLICE_OFFICER).await;
    let before = written(&app).await;

    let answer = record_with_a_fault(&app, &officer).await;
    assert_eq!(answer.code(), "INTERNAL", "{}", answer.body);
    assert_eq!(answer.errors()[0]["message"], "internal error");
    let text = answer.body.to_string().to_lowercase();
    for leak in ["injected", "terminat", "access_log", "insert", "sqlx"] {
        assert!(!text.contains(leak), "`{leak}` leaked: {text}");
    }
    assert_eq!(
        written(&app).await,
        before,
        "no incident, person, location, party, alert or access-log row survives"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM person WHERE family_name = 'Probeworth'")
            .await,
        0
    );

    // The server carries on: the same call now succeeds, once, with its log entry.
    let again = officer.query(RECORD, probe_incident()).await;
    assert!(again.codes().is_empty(), "{}", again.body);
    let after = written(&app).await;
    let grew = |table: &str| {
        let of = |v: &Vec<(&str, i64)>| v.iter().find(|(t, _)| *t == table).map(|(_, n)| *n);
        of(&after).expect("table") - of(&before).expect("table")
    };
    assert_eq!(grew("incident"), 1);
    assert_eq!(grew("person"), 2);
    assert_eq!(grew("location"), 1);
    assert_eq!(grew("incident_party"), 2);
    assert_eq!(app.log_count("recordIncident").await, 1);
}

const CASES_PAGE: &str = "{ cases(first: 5) { edges { node { id reference } } } }";

/// Load that runs until told to stop, recording every answer with the time it took.
fn start_load(
    app: &TestApp,
    token: &str,
    clients: usize,
    stop: Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Vec<(Instant, Duration, Answer)>>> {
    (0..clients)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url("/graphql");
            let token = token.to_string();
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    let res = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&json!({ "query": CASES_PAGE }))
                        .send()
                        .await
                        .expect("the server answers");
                    seen.push((started, started.elapsed(), to_answer(res).await));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                seen
            })
        })
        .collect()
}

async fn ready_status(app: &TestApp) -> u16 {
    app.client
        .get(app.url("/health/ready"))
        .send()
        .await
        .expect("readiness answers")
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_server_rides_out_a_database_restart_under_load() {
    if !PrivatePostgres::available() {
        eprintln!(
            "not run: needs PostgreSQL's server binaries (the PostgreSQL pass requires them)"
        );
        return;
    }
    // A PostgreSQL of the test's own, so stopping it disturbs no other test.
    let cluster = PrivatePostgres::start();
    let app = spawn_app_on_postgres(
        &cluster.url(),
        Options {
            demo: true,
            raw: RawSettings {
                db_acquire_timeout_ms: Some(2000),
                ..busy_settings()
            },
        },
    )
    .await;
    let officer = app.login(POLICE_OFFICER).await;
    officer.query(CASES_PAGE, json!({})).await.ok();
    // A council officer's alert subscription on a second instance, held open through the outage.
    let (_, other_port) = app.second_instance().await;
    let council = app.login(COUNCIL_OFFICER).await;
    let mut council_ws = ws::subscribe_on(other_port, &council.token).await;

    let stop = Arc::new(AtomicBool::new(false));
    let load = start_load(&app, &officer.token, 6, stop.clone());
    tokio::time::sleep(Duration::from_millis(500)).await;

    cluster.stop();
    let down_at = Instant::now();
    // While it is down: readiness says so, and requests fail at once with INTERNAL.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(ready_status(&app).await, 503);
    let asked = Instant::now();
    let during = officer.query(CASES_PAGE, json!({})).await;
    let took = asked.elapsed();
    assert_eq!(during.code(), "INTERNAL", "{}", during.body);
    assert_eq!(during.errors()[0]["message"], "internal error");
    assert!(
        took < Duration::from_secs(10),
        "a request hung for {took:?} while the database was down"
    );
    let text = during.body.to_string().to_lowercase();
    for leak in ["postgres", "sqlx", "connection refused", "pool"] {
        assert!(!text.contains(leak), "`{leak}` leaked: {text}");
    }
    let login = app
        .anonymous(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
            json!({ "e": POLICE_OFFICER, "p": DEMO_PASSWORD }),
        )
        .await;
    assert_eq!(login.code(), "INTERNAL", "{}", login.body);
    tokio::time::sleep(Duration::from_secs(2)).await;

    cluster.resume();
    let up_at = Instant::now();
    // It recovers by itself: no restart of the server.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let a = officer.query(CASES_PAGE, json!({})).await;
        if a.codes().is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not recover within 30 s of the database's return: {}",
            a.body
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let recovered_at = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut seen = Vec::new();
    for task in load {
        seen.extend(task.await.expect("load task"));
    }
    assert_eq!(ready_status(&app).await, 200);

    let mut failed_while_down = 0;
    for (started, took, a) in &seen {
        assert_eq!(a.status, 200, "{}", a.body);
        assert!(
            *took < Duration::from_secs(10),
            "a request hung for {took:?}"
        );
        if *started < down_at {
            continue; // it may have been cut off by the stop itself
        }
        if *started > down_at && *started + *took < up_at {
            assert_eq!(a.code(), "INTERNAL", "{}", a.body);
            failed_while_down += 1;
        }
        if *started > recovered_at {
            assert!(a.codes().is_empty(), "after recovery: {}", a.body);
        }
    }
    assert!(
        failed_while_down > 0,
        "the load saw the outage ({} requests)",
        seen.len()
    );
    assert!(seen.iter().any(|(s, _, _)| *s > recovered_at));

    // Alerts cross instances again once both listeners are back; the socket held open through
    // the outage receives one.
    let deadline = Instant::now() + Duration::from_secs(30);
    while app
        .count(
            "SELECT COUNT(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
        )
        .await
        < 2
    {
        assert!(
            Instant::now() < deadline,
            "the alert listeners did not come back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let shared = app.case_id(3).await; // council-led, shared with the police
    let version = officer
        .query(CASE_VERSION, json!({ "id": shared }))
        .await
        .ok()["case"]["version"]
        .clone();
    officer
        .query(
            "mutation($i: UpdateCaseInput!) { updateCase(input: $i) { riskLevel } }",
            json!({ "i": { "id": shared, "version": version, "riskLevel": "HIGH" } }),
        )
        .await
        .ok();
    let alert = loop {
        let msg = ws::next_json(&mut council_ws, Duration::from_secs(10))
            .await
            .expect("the subscriber on the other instance got the alert");
        if msg["type"] == "next" {
            break msg;
        }
    };
    assert_eq!(
        alert["payload"]["data"]["alerts"]["kind"],
        "HIGH_RISK_VICTIM"
    );
    assert_eq!(
        alert["payload"]["data"]["alerts"]["caseId"],
        shared.as_str()
    );

    // Writes work again, and sign-in too.
    let again = app.login(POLICE_OFFICER).await;
    let a = again.query(RECORD, probe_incident()).await;
    assert!(a.codes().is_empty(), "{}", a.body);
    assert_eq!(app.log_count("recordIncident").await, 1);
}
