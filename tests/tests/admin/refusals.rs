//! Refusals write nothing: bad input, non-administrators; and administrators get no case content.

use serde_json::json;
use tests::*;

use super::*;
use serde_json::Value;
use uuid::Uuid;

#[tokio::test]
async fn granting_what_does_not_exist_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let role = role_id("police_officer");
    let before = (
        log_count(&app).await,
        app.count("SELECT COUNT(*) AS n FROM role_operation").await,
        app.count("SELECT COUNT(*) AS n FROM role_field_permission")
            .await,
        app.count("SELECT COUNT(*) AS n FROM app_user").await,
        app.count("SELECT COUNT(*) AS n FROM agency").await,
    );
    let grant_field = r#"mutation($r: ID!, $t: String!, $f: String!) { setFieldPermission(input: { roleId: $r, typeName: $t, fieldName: $f, read: true, write: true }) { id } }"#;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "mutation($r: ID!) { grantOperation(roleId: $r, operation: \"LAUNCH_MISSILES\") { id } }",
            json!({ "r": role }),
            "operation",
        ),
        (
            grant_field,
            json!({ "r": role, "t": "User", "f": "email" }),
            "fieldName",
        ),
        (
            grant_field,
            json!({ "r": role, "t": "User", "f": "shoeSize" }),
            "fieldName",
        ),
        (
            grant_field,
            json!({ "r": role, "t": "Nothing", "f": "disabled" }),
            "fieldName",
        ),
        (
            grant_field,
            json!({ "r": "not-an-id", "t": "User", "f": "disabled" }),
            "roleId",
        ),
        (
            CREATE_USER,
            json!({ "i": { "agencyId": agency_id("hub"), "email": "x@hub.example", "displayName": "X Y", "password": "too-short", "roleIds": [role] } }),
            "password",
        ),
        (
            CREATE_USER,
            json!({ "i": { "agencyId": agency_id("hub"), "email": "no-at-sign", "displayName": "X Y", "password": NEW_PASSWORD, "roleIds": [role] } }),
            "email",
        ),
        (
            CREATE_USER,
            json!({ "i": { "agencyId": agency_id("hub"), "email": "x@hub.example", "displayName": "X Y", "password": NEW_PASSWORD, "roleIds": [] } }),
            "roleIds",
        ),
        (
            CREATE_USER,
            json!({ "i": { "agencyId": Uuid::new_v4().to_string(), "email": "x@hub.example", "displayName": "X Y", "password": NEW_PASSWORD, "roleIds": [role] } }),
            "agencyId",
        ),
        (
            r#"mutation { createAgency(input: { name: "Somewhere", kind: "bakery" }) { id } }"#,
            json!({}),
            "kind",
        ),
        // A name that would display reversed (right-to-left override), or with a hidden
        // zero-width space: refused, so one agency cannot pass for another on screen.
        (
            r#"mutation($n: String!) { createAgency(input: { name: $n, kind: "police" }) { id } }"#,
            json!({ "n": "Northshire \u{202E}eciloP" }),
            "name",
        ),
        (
            r#"mutation($n: String!) { createAgency(input: { name: $n, kind: "police" }) { id } }"#,
            json!({ "n": "Northshire\u{200B} Police" }),
            "name",
        ),
    ];
    for (q, vars, field) in cases {
        let a = admin.query(q, vars).await;
        assert_eq!(a.code(), "BAD_USER_INPUT", "{q}: {}", a.body);
        assert_eq!(a.errors()[0]["extensions"]["field"], field, "{}", a.body);
    }
    let after = (
        log_count(&app).await,
        app.count("SELECT COUNT(*) AS n FROM role_operation").await,
        app.count("SELECT COUNT(*) AS n FROM role_field_permission")
            .await,
        app.count("SELECT COUNT(*) AS n FROM app_user").await,
        app.count("SELECT COUNT(*) AS n FROM agency").await,
    );
    assert_eq!(after, before);

    // Duplicates are conflicts, and write nothing either.
    let a = admin
        .query(
            CREATE_USER,
            json!({ "i": { "agencyId": agency_id("hub"), "email": POLICE_OFFICER, "displayName": "X Y", "password": NEW_PASSWORD, "roleIds": [role] } }),
        )
        .await;
    assert_eq!(a.code(), "CONFLICT");
    let a = admin
        .query(
            r#"mutation { createRole(input: { name: "auditor" }) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(a.code(), "CONFLICT");
    assert_eq!(log_count(&app).await, before.0);
}

#[tokio::test]
async fn non_administrators_are_forbidden_and_nothing_is_written() {
    let app = spawn_app().await;
    let before = (
        log_count(&app).await,
        app.count("SELECT COUNT(*) AS n FROM app_user").await,
        app.count("SELECT COUNT(*) AS n FROM role").await,
        app.count("SELECT COUNT(*) AS n FROM role_operation").await,
        app.count("SELECT COUNT(*) AS n FROM agency").await,
    );
    let role = role_id("police_officer");
    let me = user_id(POLICE_OFFICER);
    let mutations = [
        r#"mutation { createAgency(input: { name: "X", kind: "other" }) { id } }"#.to_string(),
        format!(
            r#"mutation {{ setAgencyDisabled(id: "{}", disabled: true) {{ id }} }}"#,
            agency_id("police")
        ),
        format!(
            r#"mutation {{ createUser(input: {{ agencyId: "{}", email: "a@b.example", displayName: "A B", password: "{NEW_PASSWORD}", roleIds: ["{role}"] }}) {{ id }} }}"#,
            agency_id("police")
        ),
        format!(
            r#"mutation {{ setUserDisabled(id: "{}", disabled: true) {{ id }} }}"#,
            user_id(ADMIN)
        ),
        format!(
            r#"mutation {{ resetPassword(id: "{}", password: "{NEW_PASSWORD}") {{ id }} }}"#,
            user_id(ADMIN)
        ),
        r#"mutation { createRole(input: { name: "mine" }) { id } }"#.to_string(),
        format!(r#"mutation {{ renameRole(id: "{role}", name: "boss") {{ id }} }}"#),
        format!(r#"mutation {{ deleteRole(id: "{}") }}"#, role_id("auditor")),
        format!(
            r#"mutation {{ assignRole(userId: "{me}", roleId: "{}") {{ id }} }}"#,
            role_id("administrator")
        ),
        format!(r#"mutation {{ withdrawRole(userId: "{me}", roleId: "{role}") {{ id }} }}"#),
        format!(
            r#"mutation {{ grantOperation(roleId: "{role}", operation: "MANAGE_USERS") {{ id }} }}"#
        ),
        format!(
            r#"mutation {{ revokeOperation(roleId: "{role}", operation: "VIEW_CASES") {{ id }} }}"#
        ),
        format!(
            r#"mutation {{ setFieldPermission(input: {{ roleId: "{role}", typeName: "User", fieldName: "roles", read: true, write: true }}) {{ id }} }}"#
        ),
    ];
    for email in [POLICE_OFFICER, AUDITOR] {
        let session = app.login(email).await;
        let logged_in = log_count(&app).await;
        for q in &mutations {
            let a = session.query(q, json!({})).await;
            assert_eq!(a.code(), "FORBIDDEN", "{email} {q}: {}", a.body);
        }
        for q in [
            "{ agencies { id } }",
            "{ users { totalCount } }",
            "{ roles { id } }",
            "{ operations { name } }",
            "{ restrictedFields { typeName } }",
        ] {
            assert_eq!(
                session.query(q, json!({})).await.code(),
                "FORBIDDEN",
                "{email} {q}"
            );
        }
        assert_eq!(log_count(&app).await, logged_in, "{email}: nothing logged");
    }
    let after = (
        log_count(&app).await - 2, // the two sign-ins
        app.count("SELECT COUNT(*) AS n FROM app_user").await,
        app.count("SELECT COUNT(*) AS n FROM role").await,
        app.count("SELECT COUNT(*) AS n FROM role_operation").await,
        app.count("SELECT COUNT(*) AS n FROM agency").await,
    );
    assert_eq!(after, before);
}

#[tokio::test]
async fn the_administrator_gets_no_case_content() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let a = admin
        .query(
            "{ viewer { operations { name } fieldPermissions { typeName fieldName } } }",
            json!({}),
        )
        .await;
    let v = &a.ok()["viewer"];
    let perms = v["fieldPermissions"].as_array().unwrap();
    assert!(!perms.is_empty());
    for p in perms {
        let t = p["typeName"].as_str().unwrap();
        assert!(
            ["User", "Agency", "Role"].contains(&t),
            "admin may read {p}"
        );
    }
    let ops: Vec<&str> = v["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert!(ops.iter().all(|o| !o.starts_with("VIEW_")), "{ops:?}");
}
