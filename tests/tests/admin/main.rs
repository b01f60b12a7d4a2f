//! Administration over HTTP: agencies, users, roles and grants; changes apply on the next
//! request; the last administrator cannot be locked out; refusals write nothing; every mutation
//! leaves exactly one access-log entry.
//!
//! - `access`: building agencies, users and roles; changes on the next request; lockouts.
//! - `refusals`: bad input, non-administrators, and no case content for administrators.
//! - `bookkeeping`: one access-log entry per mutation, user pages, role deletion.

mod access;
mod bookkeeping;
mod refusals;

use api::seed::demo_id;
use serde_json::json;
use tests::*;

pub const NEW_PASSWORD: &str = "a-long-enough-passphrase";

pub fn user_id(email: &str) -> String {
    demo_id("user", email).to_string()
}

pub fn role_id(name: &str) -> String {
    demo_id("role", name).to_string()
}

pub fn agency_id(key: &str) -> String {
    demo_id("agency", key).to_string()
}

pub async fn sign_in<'a>(app: &'a TestApp, email: &str, password: &str) -> Session<'a> {
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

pub async fn log_count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM access_log").await
}

pub const CREATE_USER: &str = "mutation($i: CreateUserInput!) { createUser(input: $i) { id email displayName team agency { id name } roles { name } disabled } }";

pub async fn create_user(admin: &Session<'_>, email: &str, roles: &[String]) -> String {
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

pub async fn create_role(admin: &Session<'_>, name: &str, ops: &[&str]) -> String {
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
