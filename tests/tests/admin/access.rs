//! Building agencies, users and roles; role changes on the next request; lockouts.

use api::seed::demo_id;
use serde_json::json;
use tests::*;

use super::*;
use entity::{app_user, auth_session, role_operation, user_role};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

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
        json!([
            { "name": "MANAGE_USERS" },
            { "name": "MANAGE_ROLES" },
            { "name": "MANAGE_QUESTIONNAIRES" },
            { "name": "MANAGE_SAFETY_RULES" },
            { "name": "MANAGE_RETENTION" }
        ])
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
