//! The access log over HTTP: the auditor's filtered, paginated search; a person's access
//! history; who may read it; and the database refusing to change it.

use api::seed::demo_id;
use chrono::{Duration, Utc};
use entity::access_log;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tests::*;
use uuid::Uuid;

const LOG: &str = "query($f: AccessLogFilter, $first: Int, $after: String) { auditLog(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id at operation outcome entity entityId fields requestId detail user { email } agency { name } } } } }";

const HISTORY: &str = "query($p: ID!, $first: Int, $after: String) { accessHistory(personId: $p, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id at operation fields user { email } } } } }";

/// Every node of every page, following `endCursor`.
async fn all_pages(session: &Session<'_>, query: &str, root: &str, mut vars: Value) -> Vec<Value> {
    let mut nodes = Vec::new();
    loop {
        let a = session.query(query, vars.clone()).await;
        let c = a.ok()[root].clone();
        for e in c["edges"].as_array().expect("test setup") {
            nodes.push(e["node"].clone());
        }
        if c["pageInfo"]["hasNextPage"] != true {
            return nodes;
        }
        vars["after"] = c["pageInfo"]["endCursor"].clone();
    }
}

fn assert_newest_first(nodes: &[Value]) {
    let times: Vec<chrono::DateTime<Utc>> = nodes
        .iter()
        .map(|n| {
            n["at"]
                .as_str()
                .expect("test setup")
                .parse()
                .expect("test setup")
        })
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
}

#[tokio::test]
async fn the_auditor_searches_the_log_with_filters_and_pages() {
    let app = spawn_app().await;
    for email in [POLICE_OFFICER, POLICE_OFFICER, HOUSING_OFFICER, CASEWORKER] {
        app.login(email).await;
    }
    let auditor = app.login(AUDITOR).await;

    // Everything, two at a time: each entry once, newest first, and totalCount is the table.
    let total = app.count("SELECT COUNT(*) AS n FROM access_log").await;
    let first = auditor.query(LOG, json!({ "first": 2 })).await;
    let c = &first.ok()["auditLog"];
    assert_eq!(c["totalCount"], total);
    assert_eq!(c["edges"].as_array().unwrap().len(), 2);
    assert_eq!(c["pageInfo"]["hasNextPage"], true);
    assert_eq!(c["pageInfo"]["hasPreviousPage"], false);
    let nodes = all_pages(&auditor, LOG, "auditLog", json!({ "first": 2 })).await;
    assert_eq!(nodes.len() as i64, total);
    let mut ids: Vec<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len() as i64, total, "no entry twice");
    assert_newest_first(&nodes);
    assert_eq!(nodes[0]["operation"], "login");
    assert_eq!(nodes[0]["user"]["email"], AUDITOR);
    assert_eq!(nodes[0]["agency"]["name"], "Partnership Hub Team");
    assert!(!nodes[0]["requestId"].as_str().unwrap().is_empty());

    // By user, by agency, by entity and id, by operation.
    let officer = demo_id("user", POLICE_OFFICER).to_string();
    let a = auditor
        .query(LOG, json!({ "f": { "userId": officer } }))
        .await;
    let c = &a.ok()["auditLog"];
    assert_eq!(c["totalCount"], 2);
    for e in c["edges"].as_array().unwrap() {
        assert_eq!(e["node"]["user"]["email"], POLICE_OFFICER);
        assert_eq!(e["node"]["entity"], "User");
        assert_eq!(e["node"]["entityId"], officer);
    }
    let police = demo_id("agency", "police").to_string();
    let a = auditor
        .query(LOG, json!({ "f": { "agencyId": police } }))
        .await;
    assert_eq!(a.ok()["auditLog"]["totalCount"], 2);
    let a = auditor
        .query(
            LOG,
            json!({ "f": { "entity": "User", "entityId": officer, "operation": "login" } }),
        )
        .await;
    assert_eq!(a.ok()["auditLog"]["totalCount"], 2);
    let a = auditor
        .query(LOG, json!({ "f": { "operation": "createUser" } }))
        .await;
    assert_eq!(a.ok()["auditLog"]["totalCount"], 0);

    // By time: nothing in the future, everything since an hour ago; a backwards range is refused.
    let soon = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let ago = (Utc::now() - Duration::hours(1)).to_rfc3339();
    let a = auditor.query(LOG, json!({ "f": { "from": soon } })).await;
    assert_eq!(a.ok()["auditLog"]["totalCount"], 0);
    let a = auditor
        .query(LOG, json!({ "f": { "from": ago, "to": soon } }))
        .await;
    assert_eq!(a.ok()["auditLog"]["totalCount"], total);
    let a = auditor
        .query(LOG, json!({ "f": { "from": soon, "to": ago } }))
        .await;
    assert_eq!(a.code(), "BAD_USER_INPUT");
    assert_eq!(a.errors()[0]["extensions"]["field"], "from");

    // Bad paging input names its field.
    for (vars, field) in [
        (json!({ "first": 0 }), "first"),
        (json!({ "first": 101 }), "first"),
        (json!({ "after": "not-a-cursor" }), "after"),
        (json!({ "f": { "userId": "nope" } }), "userId"),
        (json!({ "f": { "entity": "" } }), "entity"),
    ] {
        let a = auditor.query(LOG, vars).await;
        assert_eq!(a.code(), "BAD_USER_INPUT");
        assert_eq!(a.errors()[0]["extensions"]["field"], field);
    }

    // Reading the log writes nothing to it.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM access_log").await,
        total
    );
}

#[tokio::test]
async fn only_auditors_read_the_log() {
    let app = spawn_app().await;
    for email in [POLICE_OFFICER, ADMIN, CASEWORKER] {
        let session = app.login(email).await;
        let a = session.query(LOG, json!({})).await;
        assert_eq!(a.code(), "FORBIDDEN", "{email}");
        assert!(a.data().is_null());
        let a = session
            .query(HISTORY, json!({ "p": Uuid::new_v4().to_string() }))
            .await;
        assert_eq!(a.code(), "FORBIDDEN", "{email}");
    }
    let a = app.anonymous(LOG, json!({})).await;
    assert_eq!(a.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_admin_change_shows_in_the_log_with_its_fields() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let role = demo_id("role", "police_officer").to_string();
    admin
        .query(
            r#"mutation($r: ID!) { setFieldPermission(input: { roleId: $r, typeName: "User", fieldName: "disabled", read: true, write: false }) { id } }"#,
            json!({ "r": role }),
        )
        .await
        .ok();
    let auditor = app.login(AUDITOR).await;
    let a = auditor
        .query(LOG, json!({ "f": { "operation": "setFieldPermission" } }))
        .await;
    let c = &a.ok()["auditLog"];
    assert_eq!(c["totalCount"], 1);
    let e = &c["edges"][0]["node"];
    assert_eq!(e["entity"], "Role");
    assert_eq!(e["entityId"], role);
    assert_eq!(e["outcome"], "success");
    assert_eq!(e["fields"], json!(["fieldPermissions"]));
    assert_eq!(e["user"]["email"], ADMIN);
    assert!(
        e["detail"]
            .as_str()
            .unwrap()
            .contains("User.disabled read=true write=false")
    );
    // The auditor sees who acted, but not which roles they hold.
    let a = auditor
        .query(
            r#"{ auditLog(filter: { operation: "setFieldPermission" }) { edges { node { user { email roles { name } } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(a.code(), "FORBIDDEN_FIELD");
    assert_eq!(
        a.data()["auditLog"]["edges"][0]["node"]["user"]["email"],
        ADMIN
    );
}

fn entry(entity: &str, id: Uuid, at: chrono::DateTime<Utc>, op: &str) -> access_log::ActiveModel {
    access_log::ActiveModel {
        id: Set(Uuid::new_v4()),
        at: Set(at),
        user_id: Set(Some(demo_id("user", CASEWORKER))),
        agency_id: Set(Some(demo_id("agency", "victimsupport"))),
        operation: Set(op.into()),
        outcome: Set("success".into()),
        entity: Set(Some(entity.into())),
        entity_id: Set(Some(id.to_string())),
        fields: Set(Some(r#"["dateOfBirth","phone"]"#.into())),
        request_id: Set(Some(Uuid::new_v4().to_string())),
        client_addr: Set(Some("127.0.0.1".into())),
        detail: Set(None),
    }
}

#[tokio::test]
async fn access_history_lists_who_read_or_changed_a_person() {
    let app = spawn_app().await;
    let person = Uuid::new_v4();
    let other = Uuid::new_v4();
    let now = Utc::now();
    // Three about the person (two in the same instant), one about someone else, and one about a
    // case that happens to share the id.
    let rows = vec![
        entry("Person", person, now - Duration::minutes(3), "person"),
        entry("Person", person, now - Duration::minutes(1), "updatePerson"),
        entry("Person", person, now - Duration::minutes(1), "person"),
        entry("Person", other, now, "person"),
        entry("Case", person, now, "case"),
    ];
    access_log::Entity::insert_many(rows)
        .exec_without_returning(&app.db)
        .await
        .unwrap();

    let auditor = app.login(AUDITOR).await;
    let vars = json!({ "p": person.to_string(), "first": 2 });
    let a = auditor.query(HISTORY, vars.clone()).await;
    let c = &a.ok()["accessHistory"];
    assert_eq!(c["totalCount"], 3);
    assert_eq!(c["pageInfo"]["hasNextPage"], true);
    let nodes = all_pages(&auditor, HISTORY, "accessHistory", vars).await;
    assert_eq!(nodes.len(), 3);
    assert_newest_first(&nodes);
    assert_eq!(nodes[2]["operation"], "person");
    for n in &nodes {
        assert_eq!(n["user"]["email"], CASEWORKER);
        assert_eq!(n["fields"], json!(["dateOfBirth", "phone"]));
    }
    let a = auditor
        .query(HISTORY, json!({ "p": Uuid::new_v4().to_string() }))
        .await;
    assert_eq!(a.ok()["accessHistory"]["totalCount"], 0);
    let a = auditor.query(HISTORY, json!({ "p": "x" })).await;
    assert_eq!(a.errors()[0]["extensions"]["field"], "personId");
}

#[tokio::test]
async fn the_database_refuses_to_change_the_access_log() {
    let app = spawn_app().await;
    app.login(POLICE_OFFICER).await;
    let before = access_log::Entity::find().count(&app.db).await.unwrap();
    assert!(before > 0);
    let mut statements = vec![
        "UPDATE access_log SET detail = 'tampered'",
        "UPDATE access_log SET operation = 'nothing' WHERE operation = 'login'",
        "DELETE FROM access_log",
        "DELETE FROM access_log WHERE operation = 'login'",
    ];
    if backend_is_postgres() {
        statements.push("TRUNCATE access_log");
    }
    for sql in statements {
        let res = app.db.execute_unprepared(sql).await;
        assert!(res.is_err(), "{sql} was allowed");
    }
    assert_eq!(
        access_log::Entity::find().count(&app.db).await.unwrap(),
        before
    );
    let tampered = access_log::Entity::find()
        .filter(access_log::Column::Detail.eq("tampered"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(tampered, 0);
}
