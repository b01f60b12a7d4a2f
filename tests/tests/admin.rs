//! Administration over HTTP: agencies, users, roles and grants; changes apply on the next
//! request; the last administrator cannot be locked out; refusals write nothing; every mutation
//! leaves exactly one access-log entry.

use api::seed::demo_id;
use entity::{app_user, auth_session, role_operation, user_role};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tests::*;
use uuid::Uuid;

const NEW_PASSWORD: &str = "a-long-enough-passphrase";

fn user_id(email: &str) -> String {
    demo_id("user", email).to_string()
}

fn role_id(name: &str) -> String {
    demo_id("role", name).to_string()
}

fn agency_id(key: &str) -> String {
    demo_id("agency", key).to_string()
}

async fn sign_in<'a>(app: &'a TestApp, email: &str, password: &str) -> Session<'a> {
    let a = app
        .anonymous(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }",
            json!({ "e": email, "p": password }),
        )
        .await;
    let data = a.ok();
    Session {
        app,
        token: data["login"]["accessToken"]
            .as_str()
            .expect("test setup")
            .to_string(),
        refresh_token: data["login"]["refreshToken"]
            .as_str()
            .expect("test setup")
            .to_string(),
    }
}

async fn log_count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM access_log").await
}

const CREATE_USER: &str = "mutation($i: CreateUserInput!) { createUser(input: $i) { id email displayName team agency { id name } roles { name } disabled } }";

async fn create_user(admin: &Session<'_>, email: &str, roles: &[String]) -> String {
    let a = admin
        .query(
            CREATE_USER,
            json!({ "i": {
                "agencyId": agency_id("hub"), "email": email, "displayName": "Test Person",
                "password": NEW_PASSWORD, "roleIds": roles,
            }}),
        )
        .await;
    a.ok()["createUser"]["id"]
        .as_str()
        .expect("test setup")
        .to_string()
}

async fn create_role(admin: &Session<'_>, name: &str, ops: &[&str]) -> String {
    let a = admin
        .query(
            "mutation($n: String!) { createRole(input: { name: $n }) { id } }",
            json!({ "n": name }),
        )
        .await;
    let id = a.ok()["createRole"]["id"]
        .as_str()
        .expect("test setup")
        .to_string();
    for op in ops {
        admin
            .query(
                "mutation($r: ID!, $o: String!) { grantOperation(roleId: $r, operation: $o) { id } }",
                json!({ "r": id, "o": op }),
            )
            .await
            .ok();
    }
    id
}

#[tokio::test]
async fn an_administrator_builds_an_agency_user_and_role_and_the_new_user_sees_the_effect() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;

    let a = admin
        .query(
            r#"mutation { createAgency(input: { name: "Westshire Fire and Rescue", kind: "FIRE" }) { id name kind disabled } }"#,
            json!({}),
        )
        .await;
    let agency = a.ok()["createAgency"].clone();
    assert_eq!(agency["name"], "Westshire Fire and Rescue");
    assert_eq!(agency["kind"], "fire");
    assert_eq!(agency["disabled"], false);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM agency WHERE name = 'Westshire Fire and Rescue' AND kind = 'fire'")
            .await,
        1
    );

    let role = create_role(&admin, "fire_liaison", &["READ_AUDIT_LOG"]).await;
    let a = admin
        .query(
            r#"mutation($r: ID!) { setFieldPermission(input: { roleId: $r, typeName: "Agency", fieldName: "disabled", read: true, write: false }) { name operations { name } fieldPermissions { typeName fieldName read write } } }"#,
            json!({ "r": role }),
        )
        .await;
    let r = &a.ok()["setFieldPermission"];
    assert_eq!(r["operations"], json!([{ "name": "READ_AUDIT_LOG" }]));
    assert_eq!(
        r["fieldPermissions"],
        json!([{ "typeName": "Agency", "fieldName": "disabled", "read": true, "write": false }])
    );

    let a = admin
        .query(
            CREATE_USER,
            json!({ "i": {
                "agencyId": agency["id"], "email": "  Liaison@Fire.Example ", "displayName": "Jo  Bloggs",
                "team": "Community Safety", "password": NEW_PASSWORD, "roleIds": [role],
            }}),
        )
        .await;
    let user = &a.ok()["createUser"];
    assert_eq!(user["email"], "liaison@fire.example");
    assert_eq!(user["displayName"], "Jo Bloggs");
    assert_eq!(user["agency"]["name"], "Westshire Fire and Rescue");
    assert_eq!(user["roles"], json!([{ "name": "fire_liaison" }]));
    let stored = app_user::Entity::find()
        .filter(app_user::Column::Email.eq("liaison@fire.example"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.password_hash.unwrap().starts_with("$argon2id$"));

    let liaison = sign_in(&app, "liaison@fire.example", NEW_PASSWORD).await;
    let a = liaison
        .query(
            "{ viewer { agency { name disabled } operations { name } fieldPermissions { typeName fieldName } } auditLog(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    let d = a.ok();
    assert_eq!(d["viewer"]["agency"]["disabled"], false);
    assert_eq!(
        d["viewer"]["operations"],
        json!([{ "name": "READ_AUDIT_LOG" }])
    );
    assert_eq!(
        d["viewer"]["fieldPermissions"],
        json!([{ "typeName": "Agency", "fieldName": "disabled" }])
    );
    assert!(d["auditLog"]["totalCount"].as_i64().unwrap() > 0);
    // Granted nothing else: no user management, and User.roles is hidden.
    let a = liaison.query("{ agencies { id } }", json!({})).await;
    assert_eq!(a.code(), "FORBIDDEN");
    let a = liaison
        .query("{ viewer { user { email roles { name } } } }", json!({}))
        .await;
    assert_eq!(a.code(), "FORBIDDEN_FIELD");
    assert_eq!(a.data()["viewer"]["user"]["email"], "liaison@fire.example");
    assert!(a.data()["viewer"]["user"]["roles"].is_null());
}

#[tokio::test]
async fn a_role_change_applies_on_the_users_next_request() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let id = create_user(&admin, "changing@hub.example", &[role_id("auditor")]).await;
    let user = sign_in(&app, "changing@hub.example", NEW_PASSWORD).await;
    let audit = "{ auditLog(first: 1) { totalCount } }";
    let manage = "{ agencies { name } }";
    user.query(audit, json!({})).await.ok();
    assert_eq!(user.query(manage, json!({})).await.code(), "FORBIDDEN");

    let assign =
        "mutation($u: ID!, $r: ID!) { assignRole(userId: $u, roleId: $r) { roles { name } } }";
    let a = admin
        .query(assign, json!({ "u": id, "r": role_id("administrator") }))
        .await;
    assert_eq!(
        a.ok()["assignRole"]["roles"],
        json!([{ "name": "administrator" }, { "name": "auditor" }])
    );
    // The same token, next request: the new role counts.
    assert!(
        !user.query(manage, json!({})).await.ok()["agencies"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let withdraw =
        "mutation($u: ID!, $r: ID!) { withdrawRole(userId: $u, roleId: $r) { roles { name } } }";
    admin
        .query(withdraw, json!({ "u": id, "r": role_id("auditor") }))
        .await
        .ok();
    assert_eq!(user.query(audit, json!({})).await.code(), "FORBIDDEN");

    // A change to a role's grants applies too.
    let revoke = r#"mutation($r: ID!) { revokeOperation(roleId: $r, operation: "MANAGE_REFERENCE_DATA") { id } }"#;
    admin
        .query(revoke, json!({ "r": role_id("administrator") }))
        .await
        .ok();
    let a = user
        .query("{ viewer { operations { name } } }", json!({}))
        .await;
    assert_eq!(
        a.ok()["viewer"]["operations"],
        json!([{ "name": "MANAGE_USERS" }, { "name": "MANAGE_ROLES" }])
    );
}

#[tokio::test]
async fn disabling_a_user_or_agency_locks_them_out_at_once() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let officer = app.login(POLICE_OFFICER).await;
    let viewer = "{ viewer { user { email } } }";
    officer.query(viewer, json!({})).await.ok();

    let disable = "mutation($id: ID!, $d: Boolean!) { setUserDisabled(id: $id, disabled: $d) { email disabled } }";
    let a = admin
        .query(disable, json!({ "id": user_id(POLICE_OFFICER), "d": true }))
        .await;
    assert_eq!(a.ok()["setUserDisabled"]["disabled"], true);
    assert_eq!(
        officer.query(viewer, json!({})).await.code(),
        "UNAUTHENTICATED"
    );
    let refused = app
        .anonymous(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
            json!({ "e": POLICE_OFFICER, "p": DEMO_PASSWORD }),
        )
        .await;
    assert_eq!(refused.code(), "UNAUTHENTICATED");
    let live = auth_session::Entity::find()
        .filter(auth_session::Column::UserId.eq(demo_id("user", POLICE_OFFICER)))
        .filter(auth_session::Column::RevokedAt.is_null())
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(live, 0, "disabling revokes the user's sessions");

    // Re-enabled: the old token stays dead, a new sign-in works.
    admin
        .query(
            disable,
            json!({ "id": user_id(POLICE_OFFICER), "d": false }),
        )
        .await
        .ok();
    assert_eq!(
        officer.query(viewer, json!({})).await.code(),
        "UNAUTHENTICATED"
    );
    let again = app.login(POLICE_OFFICER).await;
    again.query(viewer, json!({})).await.ok();

    // Disabling the agency locks out its users too, and re-enabling lets them back.
    let agency = "mutation($id: ID!, $d: Boolean!) { setAgencyDisabled(id: $id, disabled: $d) { name disabled } }";
    let a = admin
        .query(agency, json!({ "id": agency_id("police"), "d": true }))
        .await;
    assert_eq!(a.ok()["setAgencyDisabled"]["disabled"], true);
    assert_eq!(
        again.query(viewer, json!({})).await.code(),
        "UNAUTHENTICATED"
    );
    admin
        .query(agency, json!({ "id": agency_id("police"), "d": false }))
        .await
        .ok();
    again.query(viewer, json!({})).await.ok();
}

/// What a refused lockout must leave unchanged.
async fn snapshot(app: &TestApp) -> (u64, u64, u64, i64, i64, i64) {
    (
        app_user::Entity::find()
            .filter(app_user::Column::Disabled.eq(true))
            .count(&app.db)
            .await
            .expect("test setup"),
        user_role::Entity::find()
            .count(&app.db)
            .await
            .expect("test setup"),
        role_operation::Entity::find()
            .count(&app.db)
            .await
            .expect("test setup"),
        app.count("SELECT COUNT(*) AS n FROM agency WHERE disabled = (1 = 1)")
            .await,
        app.count("SELECT COUNT(*) AS n FROM role").await,
        log_count(app).await,
    )
}

#[tokio::test]
async fn the_last_administrator_cannot_be_locked_out() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let admin_role = role_id("administrator");
    // Give the admin a second role so that withdrawing the administrator role is not refused
    // for being their last role.
    admin
        .query(
            "mutation($u: ID!, $r: ID!) { assignRole(userId: $u, roleId: $r) { id } }",
            json!({ "u": user_id(ADMIN), "r": role_id("auditor") }),
        )
        .await
        .ok();
    // Someone holding MANAGE_USERS alone is not an administrator.
    let half = create_role(&admin, "user_manager", &["MANAGE_USERS"]).await;
    create_user(&admin, "half@hub.example", std::slice::from_ref(&half)).await;

    let before = snapshot(&app).await;
    let attempts = [
        (
            "mutation($id: ID!) { setUserDisabled(id: $id, disabled: true) { id } }",
            json!({ "id": user_id(ADMIN) }),
        ),
        (
            "mutation($id: ID!) { setAgencyDisabled(id: $id, disabled: true) { id } }",
            json!({ "id": agency_id("hub") }),
        ),
        (
            "mutation($u: ID!, $r: ID!) { withdrawRole(userId: $u, roleId: $r) { id } }",
            json!({ "u": user_id(ADMIN), "r": admin_role }),
        ),
        (
            r#"mutation($r: ID!) { revokeOperation(roleId: $r, operation: "MANAGE_USERS") { id } }"#,
            json!({ "r": admin_role }),
        ),
        (
            r#"mutation($r: ID!) { revokeOperation(roleId: $r, operation: "MANAGE_ROLES") { id } }"#,
            json!({ "r": admin_role }),
        ),
        (
            "mutation($r: ID!) { deleteRole(id: $r) }",
            json!({ "r": admin_role }),
        ),
    ];
    for (q, vars) in &attempts {
        let a = admin.query(q, vars.clone()).await;
        assert_eq!(a.code(), "CONFLICT", "{q}: {}", a.body);
        assert!(a.data().is_null(), "{}", a.body);
    }
    assert_eq!(snapshot(&app).await, before, "nothing was written");
    admin.query("{ agencies { id } }", json!({})).await.ok();

    // With a second administrator, the first may be disabled.
    create_user(
        &admin,
        "deputy@hub.example",
        std::slice::from_ref(&admin_role),
    )
    .await;
    let a = admin.query(attempts[0].0, attempts[0].1.clone()).await;
    a.ok();
    let a = admin.query("{ agencies { id } }", json!({})).await;
    assert_eq!(a.code(), "UNAUTHENTICATED", "the disabled admin is out");
}

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
    assert_eq!(c["totalCount"], 2);
    assert_eq!(c["pageInfo"]["hasNextPage"], true);
    assert_eq!(c["edges"][0]["node"]["email"], POLICE_OFFICER);
    assert_eq!(
        c["edges"][0]["node"]["roles"],
        json!([{ "name": "police_officer" }])
    );
    let page2 = admin
        .query(q, json!({ "f": police, "a": c["pageInfo"]["endCursor"] }))
        .await;
    let c2 = &page2.ok()["users"];
    assert_eq!(c2["edges"][0]["node"]["email"], POLICE_SUPERVISOR);
    assert_eq!(c2["pageInfo"]["hasNextPage"], false);
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
    assert_eq!(
        a.data()["users"]["edges"][0]["node"]["email"],
        POLICE_OFFICER
    );
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
