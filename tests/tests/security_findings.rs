//! Regressions for what the security suite (`security/run`) found. Each test names the attack
//! that found it; the suite's report is `security/last-run.md`.

use serde_json::json;
use tests::*;

/// "Unicode and very long strings in every mutation input", on PostgreSQL: a NUL in the sign-in
/// email reached the database, which refuses NUL in text, and the answer was INTERNAL.
#[tokio::test]
async fn a_control_character_in_the_sign_in_email_is_bad_input_not_internal() {
    let app = spawn_app().await;
    let login =
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";
    for email in [
        "officer@police.demo\u{0}",
        "a\u{0}b@police.demo",
        "officer@police.demo\u{7}",
        "\u{1b}[31mofficer@police.demo",
    ] {
        let a = app
            .anonymous(login, json!({ "e": email, "p": DEMO_PASSWORD }))
            .await;
        assert_eq!(a.code(), "BAD_USER_INPUT", "{email:?}: {}", a.body);
        assert_eq!(a.errors()[0]["extensions"]["field"], "email");
    }
    // Nothing was looked up or logged for them; a real sign-in still works.
    assert_eq!(app.log_count("login").await, 0);
    app.login(POLICE_OFFICER).await;
    assert_eq!(app.log_count("login").await, 1);
}
