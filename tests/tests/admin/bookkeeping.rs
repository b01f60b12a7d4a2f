//! One access-log entry per mutation; pages of users; deleting roles.

use api::seed::demo_id;
use serde_json::json;
use tests::*;

use super::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

/// Runs an admin mutation, checking it added exactly one entry, under its own name.
async fn run(admin: &Session<'_>, op: &str, q: String) -> Value {
    let app = admin.app;
    let before = log_count(app).await;
    let a = admin.query(&q, json!({})).await;
    let data = a.ok().clone();
    assert_eq!(log_count(app).await, before + 1, "{op}");
    let latest = entity::access_log::Entity::find()
        .filter(entity::access_log::Column::Operation.eq(op))
        .all(&app.db)
        .await
        .expect("test setup");
    assert!(!latest.is_empty(), "{op} logged under its own name");
    assert!(
        latest
            .iter()
            .all(|e| e.user_id == Some(demo_id("user", ADMIN)))
    );
    data
}

#[tokio::test]
async fn every_admin_mutation_leaves_exactly_one_entry() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let d = run(
        &admin,
        "createAgency",
        r#"mutation { createAgency(input: { name: "Fire", kind: "fire" }) { id } }"#.into(),
    )
    .await;
    let agency = d["createAgency"]["id"].as_str().unwrap().to_string();
    run(
        &admin,
        "setAgencyDisabled",
        format!(r#"mutation {{ setAgencyDisabled(id: "{agency}", disabled: true) {{ id }} }}"#),
    )
    .await;
    run(
        &admin,
        "setAgencyDisabled",
        format!(r#"mutation {{ setAgencyDisabled(id: "{agency}", disabled: false) {{ id }} }}"#),
    )
    .await;
    let d = run(
        &admin,
        "createRole",
        r#"mutation { createRole(input: { name: "temp", description: "for a test" }) { id } }"#
            .into(),
    )
    .await;
    let role = d["createRole"]["id"].as_str().unwrap().to_string();
    run(
        &admin,
        "renameRole",
        format!(r#"mutation {{ renameRole(id: "{role}", name: "temporary") {{ name }} }}"#),
    )
    .await;
    run(
        &admin,
        "grantOperation",
        format!(
            r#"mutation {{ grantOperation(roleId: "{role}", operation: "VIEW_CASES") {{ id }} }}"#
        ),
    )
    .await;
    run(
        &admin,
        "revokeOperation",
        format!(
            r#"mutation {{ revokeOperation(roleId: "{role}", operation: "VIEW_CASES") {{ id }} }}"#
        ),
    )
    .await;
    run(&admin, "setFieldPermission", format!(r#"mutation {{ setFieldPermission(input: {{ roleId: "{role}", typeName: "User", fieldName: "roles", read: true, write: false }}) {{ id }} }}"#)).await;
    let d = run(&admin, "createUser", format!(r#"mutation {{ createUser(input: {{ agencyId: "{agency}", email: "f@fire.example", displayName: "F G", password: "{NEW_PASSWORD}", roleIds: ["{role}"] }}) {{ id }} }}"#)).await;
    let user = d["createUser"]["id"].as_str().unwrap().to_string();
    let auditor = role_id("auditor");
    run(
        &admin,
        "assignRole",
        format!(r#"mutation {{ assignRole(userId: "{user}", roleId: "{auditor}") {{ id }} }}"#),
    )
    .await;
    run(
        &admin,
        "withdrawRole",
        format!(r#"mutation {{ withdrawRole(userId: "{user}", roleId: "{role}") {{ id }} }}"#),
    )
    .await;
    run(&admin, "resetPassword", format!(r#"mutation {{ resetPassword(id: "{user}", password: "another-long-passphrase") {{ id }} }}"#)).await;
    run(
        &admin,
        "setUserDisabled",
        format!(r#"mutation {{ setUserDisabled(id: "{user}", disabled: true) {{ id }} }}"#),
    )
    .await;
    let d = run(
        &admin,
        "deleteRole",
        format!(r#"mutation {{ deleteRole(id: "{role}") }}"#),
    )
    .await;
    assert_eq!(d["deleteRole"], role.as_str());
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM access_log WHERE entity = 'Role' AND entity_id = '{role}'"
        ))
        .await,
        6
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM role WHERE name = 'temporary'")
            .await,
        0
    );
    // No entry carries the password.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM access_log WHERE detail LIKE '%passphrase%'")
            .await,
        0
    );
}

#[tokio::test]
async fn users_page_by_email_and_a_filter_needs_read_permission() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let q = "query($f: UserFilter, $a: String) { users(filter: $f, first: 1, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { email agency { name } roles { name } disabled } } } }";
    let police = json!({ "agencyId": agency_id("police") });
    let page1 = admin.query(q, json!({ "f": police })).await;
    let c = &page1.ok()["users"];
    assert_eq!(c["totalCount"], 3);
    assert_eq!(c["pageInfo"]["hasNextPage"], true);
    assert_eq!(c["edges"][0]["node"]["email"], POLICE_DPO);
    assert_eq!(
        c["edges"][0]["node"]["roles"],
        json!([{ "name": "data_protection_officer" }])
    );
    let page2 = admin
        .query(q, json!({ "f": police, "a": c["pageInfo"]["endCursor"] }))
        .await;
    let c2 = &page2.ok()["users"];
    assert_eq!(c2["edges"][0]["node"]["email"], POLICE_OFFICER);
    assert_eq!(c2["pageInfo"]["hasNextPage"], true);
    let page3 = admin
        .query(q, json!({ "f": police, "a": c2["pageInfo"]["endCursor"] }))
        .await;
    let c3 = &page3.ok()["users"];
    assert_eq!(c3["edges"][0]["node"]["email"], POLICE_SUPERVISOR);
    assert_eq!(c3["pageInfo"]["hasNextPage"], false);
    let all = admin
        .query(
            "{ users(first: 100) { totalCount edges { node { email } } } }",
            json!({}),
        )
        .await;
    assert_eq!(all.ok()["users"]["totalCount"], ALL_DEMO_USERS.len());
    let bad = admin.query(q, json!({ "a": "garbage" })).await;
    assert_eq!(bad.errors()[0]["extensions"]["field"], "after");

    // A user manager without read permission on User.disabled may not filter or read it.
    let manager = create_role(&admin, "user_manager", &["MANAGE_USERS"]).await;
    create_user(&admin, "manager@hub.example", &[manager]).await;
    let m = sign_in(&app, "manager@hub.example", NEW_PASSWORD).await;
    let a = m.query(q, json!({ "f": { "disabled": false } })).await;
    assert_eq!(a.code(), "FORBIDDEN");
    let a = m.query(q, json!({ "f": police })).await;
    assert!(
        a.codes().iter().all(|c| c == "FORBIDDEN_FIELD"),
        "{}",
        a.body
    );
    assert_eq!(a.data()["users"]["edges"][0]["node"]["email"], POLICE_DPO);
    assert!(a.data()["users"]["edges"][0]["node"]["disabled"].is_null());
}

#[tokio::test]
async fn roles_held_by_users_cannot_be_deleted() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let a = admin
        .query(
            "mutation($r: ID!) { deleteRole(id: $r) }",
            json!({ "r": role_id("police_officer") }),
        )
        .await;
    assert_eq!(a.code(), "CONFLICT");
    let role = create_role(&admin, "short_lived", &["VIEW_CASES"]).await;
    let a = admin
        .query(
            "{ roles { name } operations { name } restrictedFields { typeName fieldName } }",
            json!({}),
        )
        .await;
    let d = a.ok();
    assert!(
        d["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "short_lived")
    );
    assert!(
        d["operations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["name"] == "READ_AUDIT_LOG")
    );
    assert!(
        d["restrictedFields"]
            .as_array()
            .unwrap()
            .contains(&json!({ "typeName": "User", "fieldName": "roles" }))
    );
    let a = admin
        .query(
            "query($r: ID!) { role(id: $r) { name users { email } } }",
            json!({ "r": role_id("auditor") }),
        )
        .await;
    assert_eq!(a.ok()["role"]["users"], json!([{ "email": AUDITOR }]));
    admin
        .query(
            "mutation($r: ID!) { deleteRole(id: $r) }",
            json!({ "r": role }),
        )
        .await
        .ok();
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM role WHERE name = 'short_lived'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM role_operation WHERE operation = 'VIEW_CASES'")
            .await,
        5,
        "only the demo roles' grants remain"
    );
    let a = admin
        .query(
            "query($r: ID!) { role(id: $r) { name } }",
            json!({ "r": role }),
        )
        .await;
    assert_eq!(a.code(), "NOT_FOUND");
}
