//! The session lifecycle: refresh-token rotation and reuse detection, logout, and changes to a
//! user (disabled, roles changed) taking effect at their next request. Also how failed sign-ins
//! are answered, logged and throttled.
//!
//! Users are changed with raw SQL (portable between SQLite and PostgreSQL), standing in for the
//! administration API, so these tests prove that nothing about a user is trusted from the token.

use serde_json::{Value, json};
use tests::*;

const VIEWER: &str = "{ viewer { user { email } roles } }";
const REFRESH: &str =
    "mutation($t: String!) { refreshToken(token: $t) { accessToken refreshToken } }";
const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }";

/// Exchanges a refresh token: the new (access, refresh) pair, or the refusal's error codes.
async fn refresh(app: &TestApp, token: &str) -> Result<(String, String), Vec<String>> {
    let answer = app.anonymous(REFRESH, json!({ "t": token })).await;
    if !answer.errors().is_empty() {
        return Err(answer.codes());
    }
    let data = &answer.data()["refreshToken"];
    Ok((
        data["accessToken"].as_str().expect("access").to_string(),
        data["refreshToken"].as_str().expect("refresh").to_string(),
    ))
}

async fn works(app: &TestApp, token: &str) -> bool {
    let answer = app.post(Some(token), VIEWER, json!({})).await;
    answer.errors().is_empty() && answer.data()["viewer"]["user"]["email"].is_string()
}

async fn refused(app: &TestApp, token: &str) -> bool {
    app.post(Some(token), VIEWER, json!({})).await.codes() == ["UNAUTHENTICATED"]
}

async fn exec(app: &TestApp, sql: &str) {
    use sea_orm::ConnectionTrait;
    app.db.execute_unprepared(sql).await.expect(sql);
}

async fn log_rows(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM access_log").await
}

async fn login_attempt(app: &TestApp, email: &str, password: &str) -> Answer {
    app.anonymous(LOGIN, json!({ "e": email, "p": password }))
        .await
}

fn roles(answer: &Answer) -> Vec<String> {
    let mut roles: Vec<String> = answer.ok()["viewer"]["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    roles.sort();
    roles
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token() {
    let app = spawn_app().await;
    let s = app.login(POLICE_OFFICER).await;

    let (access1, refresh1) = refresh(&app, &s.refresh_token)
        .await
        .expect("first refresh");
    assert_ne!(refresh1, s.refresh_token, "a new refresh token is issued");
    assert!(works(&app, &access1).await, "the new access token works");

    let (access2, _refresh2) = refresh(&app, &refresh1)
        .await
        .expect("the new one refreshes");
    assert!(works(&app, &access2).await);

    let old = refresh(&app, &s.refresh_token).await;
    assert_eq!(
        old.err(),
        Some(vec!["UNAUTHENTICATED".to_string()]),
        "the old refresh token no longer works"
    );
    assert_eq!(
        refresh(&app, "made-up-token").await.err(),
        Some(vec!["UNAUTHENTICATED".to_string()]),
        "an unknown refresh token is refused"
    );
}

#[tokio::test]
async fn reusing_an_old_refresh_token_revokes_the_whole_session() {
    let app = spawn_app().await;
    let s = app.login(POLICE_OFFICER).await;
    let bystander = app.login(POLICE_OFFICER).await;
    let (_, refresh1) = refresh(&app, &s.refresh_token).await.expect("refresh 1");
    let (access2, refresh2) = refresh(&app, &refresh1).await.expect("refresh 2");
    assert!(works(&app, &access2).await);

    // An attacker replays the stolen first refresh token.
    let replay = refresh(&app, &s.refresh_token).await;
    assert_eq!(replay.err(), Some(vec!["UNAUTHENTICATED".to_string()]));

    assert!(
        refused(&app, &access2).await,
        "the newest access token stops working"
    );
    assert!(
        refused(&app, &s.token).await,
        "the first access token stops working"
    );
    assert!(
        refresh(&app, &refresh2).await.is_err(),
        "the newest refresh token stops working"
    );
    assert!(
        works(&app, &bystander.token).await,
        "the user's other sessions are untouched"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM auth_session WHERE revoked_at IS NOT NULL \
             AND revoked_reason = 'refresh token reused'"
        )
        .await,
        1
    );
    let entry = "SELECT COUNT(*) AS n FROM access_log l \
         JOIN app_user u ON u.id = l.user_id AND u.agency_id = l.agency_id \
         WHERE l.operation = 'refreshToken' AND l.outcome = 'denied' \
         AND l.entity = 'Session' AND u.email = 'officer@police.demo'";
    assert_eq!(
        app.count(entry).await,
        1,
        "one access-log entry records the reuse, with the user and their real agency"
    );
}

#[tokio::test]
async fn logout_revokes_the_session_at_once() {
    let app = spawn_app().await;
    let s = app.login(POLICE_OFFICER).await;
    let other = app.login(POLICE_OFFICER).await;
    assert!(works(&app, &s.token).await);

    let before = log_rows(&app).await;
    assert_eq!(
        s.query("mutation { logout }", json!({})).await.ok()["logout"],
        true
    );
    assert_eq!(log_rows(&app).await, before + 1, "logout is logged once");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM access_log WHERE operation = 'logout'")
            .await,
        1
    );

    assert!(
        refused(&app, &s.token).await,
        "the access token is refused at once"
    );
    assert!(
        refresh(&app, &s.refresh_token).await.is_err(),
        "the refresh token is refused"
    );
    assert!(works(&app, &other.token).await, "other sessions continue");
    assert_eq!(
        s.query("mutation { logout }", json!({})).await.codes(),
        ["UNAUTHENTICATED"],
        "logging out twice is refused"
    );
}

#[tokio::test]
async fn a_disabled_user_is_locked_out_at_their_next_request() {
    let app = spawn_app().await;
    let s = app.login(HOUSING_OFFICER).await;
    assert!(works(&app, &s.token).await);

    exec(
        &app,
        "UPDATE app_user SET disabled = TRUE WHERE email = 'housing.officer@housing.demo'",
    )
    .await;
    assert!(refused(&app, &s.token).await, "the access token is refused");
    assert!(
        refresh(&app, &s.refresh_token).await.is_err(),
        "the session cannot be refreshed"
    );
    let again = login_attempt(&app, HOUSING_OFFICER, DEMO_PASSWORD).await;
    assert_eq!(again.codes(), ["UNAUTHENTICATED"], "nor can they sign in");

    exec(
        &app,
        "UPDATE app_user SET disabled = FALSE WHERE email = 'housing.officer@housing.demo'",
    )
    .await;
    assert!(
        works(&app, &s.token).await,
        "re-enabling restores the session"
    );
}

#[tokio::test]
async fn disabling_an_agency_locks_out_its_users_at_their_next_request() {
    let app = spawn_app().await;
    let s = app.login(HOUSING_OFFICER).await;
    let police = app.login(POLICE_OFFICER).await;
    exec(
        &app,
        "UPDATE agency SET disabled = TRUE WHERE id = \
         (SELECT agency_id FROM app_user WHERE email = 'housing.officer@housing.demo')",
    )
    .await;
    assert!(refused(&app, &s.token).await);
    assert!(works(&app, &police.token).await, "other agencies carry on");
}

#[tokio::test]
async fn a_role_change_applies_on_the_next_request_with_the_same_token() {
    let app = spawn_app().await;
    let s = app.login(POLICE_OFFICER).await;
    let before = s.query(VIEWER, json!({})).await;
    assert_eq!(roles(&before), ["police_officer"]);
    let ops = "{ viewer { operations { name } } }";
    let has_op = |a: &Answer, op: &str| {
        a.ok()["viewer"]["operations"]
            .as_array()
            .is_some_and(|ops| ops.iter().any(|o| o["name"] == op))
    };
    let ops_before = s.query(ops, json!({})).await;
    assert!(has_op(&ops_before, "RECORD_INCIDENT"));

    exec(
        &app,
        "DELETE FROM user_role WHERE user_id = \
         (SELECT id FROM app_user WHERE email = 'officer@police.demo')",
    )
    .await;
    assert_eq!(
        roles(&s.query(VIEWER, json!({})).await),
        Vec::<String>::new(),
        "withdrawn roles are gone at once"
    );

    exec(
        &app,
        "INSERT INTO user_role (user_id, role_id, created_at, created_by) \
         SELECT u.id, r.id, u.created_at, NULL FROM app_user u, role r \
         WHERE u.email = 'officer@police.demo' AND r.name = 'auditor'",
    )
    .await;
    assert_eq!(
        roles(&s.query(VIEWER, json!({})).await),
        ["auditor"],
        "a granted role applies at once"
    );
    let ops_after = s.query(ops, json!({})).await;
    assert!(has_op(&ops_before, "RECORD_INCIDENT"));
    assert!(
        !has_op(&ops_after, "RECORD_INCIDENT"),
        "operations of the withdrawn role are gone"
    );
    assert!(
        has_op(&ops_after, "READ_AUDIT_LOG"),
        "operations of the granted role apply"
    );
}

/// The error the client sees, without the request id that differs per request.
fn refusal(answer: &Answer) -> (u16, Value) {
    let mut errors = answer.body["errors"].clone();
    if let Some(list) = errors.as_array_mut() {
        for e in list {
            if let Some(ext) = e["extensions"].as_object_mut() {
                ext.remove("requestId");
            }
        }
    }
    (
        answer.status,
        json!({ "data": answer.body["data"], "errors": errors }),
    )
}

#[tokio::test]
async fn login_failures_are_answered_identically_for_unknown_email_and_wrong_password() {
    let app = spawn_app().await;
    exec(
        &app,
        "UPDATE app_user SET disabled = TRUE WHERE email = 'caseworker@victimsupport.demo'",
    )
    .await;
    let unknown = login_attempt(&app, "nobody@nowhere.demo", DEMO_PASSWORD).await;
    let wrong = login_attempt(&app, POLICE_OFFICER, "not-the-password").await;
    let disabled = login_attempt(&app, CASEWORKER, DEMO_PASSWORD).await;

    assert_eq!(unknown.codes(), ["UNAUTHENTICATED"]);
    let (status, body) = refusal(&unknown);
    assert_eq!(refusal(&wrong), (status, body.clone()), "wrong password");
    assert_eq!(refusal(&disabled), (status, body), "disabled account");
    assert_eq!(unknown.errors()[0]["message"], wrong.errors()[0]["message"]);
}

#[tokio::test]
async fn each_sign_in_and_failed_sign_in_leaves_exactly_one_log_entry() {
    let app = spawn_app().await;
    let secret = "a-wrong-password-that-must-never-be-logged";
    let attempts: [(&str, &str, &str); 3] = [
        (POLICE_OFFICER, DEMO_PASSWORD, "success"),
        (POLICE_OFFICER, secret, "failure"),
        ("nobody@nowhere.demo", secret, "failure"),
    ];
    for (email, password, outcome) in attempts {
        let before = log_rows(&app).await;
        let before_kind = app
            .count(&format!(
                "SELECT COUNT(*) AS n FROM access_log WHERE operation = 'login' AND outcome = '{outcome}'"
            ))
            .await;
        login_attempt(&app, email, password).await;
        assert_eq!(log_rows(&app).await, before + 1, "{email} / {outcome}");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) AS n FROM access_log WHERE operation = 'login' AND outcome = '{outcome}'"
            ))
            .await,
            before_kind + 1,
            "{email} / {outcome}"
        );
    }
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM access_log l JOIN app_user u \
             ON u.id = l.user_id AND u.agency_id = l.agency_id \
             WHERE l.operation = 'login' AND l.outcome = 'success' AND u.email = 'officer@police.demo'"
        )
        .await,
        1,
        "a sign-in names the user and their agency"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM access_log WHERE detail LIKE '%{secret}%' \
             OR entity_id LIKE '%{secret}%' OR fields LIKE '%{secret}%'"
        ))
        .await,
        0,
        "the password is never logged"
    );
}

#[tokio::test]
async fn a_client_is_throttled_after_20_failures_across_different_emails() {
    let app = spawn_app().await;
    for i in 0..20 {
        let a = login_attempt(&app, &format!("guess{i}@nowhere.demo"), "wrong").await;
        assert_eq!(a.codes(), ["UNAUTHENTICATED"], "attempt {i}");
    }
    let before = log_rows(&app).await;
    let throttled = login_attempt(&app, POLICE_OFFICER, DEMO_PASSWORD).await;
    assert_eq!(
        throttled.codes(),
        ["RATE_LIMITED"],
        "even the right password is refused while throttled"
    );
    assert_eq!(
        log_rows(&app).await,
        before + 1,
        "the throttled attempt is logged"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM auth_session").await,
        0,
        "no session was started"
    );
}

#[tokio::test]
async fn an_account_is_throttled_after_5_failures() {
    let app = spawn_app().await;
    for i in 0..5 {
        let a = login_attempt(&app, AUDITOR, "wrong").await;
        assert_eq!(a.codes(), ["UNAUTHENTICATED"], "attempt {i}");
    }
    let throttled = login_attempt(&app, AUDITOR, DEMO_PASSWORD).await;
    assert_eq!(throttled.codes(), ["RATE_LIMITED"]);
    let other = login_attempt(&app, ADMIN, DEMO_PASSWORD).await;
    assert!(
        other.errors().is_empty(),
        "other accounts from the same client still sign in: {}",
        other.body
    );
}
