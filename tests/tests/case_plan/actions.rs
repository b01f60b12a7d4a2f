//! addAction, updateAction and completeAction.

use serde_json::{Value, json};
use tests::*;

use crate::*;

const FIELDS: &str = "id version description ownerAgency { id } owner { id } dueDate status
    completionNote completedAt";

fn add() -> String {
    format!("mutation($i: AddActionInput!) {{ addAction(input: $i) {{ {FIELDS} }} }}")
}
fn update() -> String {
    format!("mutation($i: UpdateActionInput!) {{ updateAction(input: $i) {{ {FIELDS} }} }}")
}
fn complete() -> String {
    format!("mutation($i: CompleteActionInput!) {{ completeAction(input: $i) {{ {FIELDS} }} }}")
}

async fn action_rows(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM case_action").await
}

/// The first action of a case, as (id, version).
async fn first_action(s: &Session<'_>, n: u32) -> (String, i64) {
    let c = load_case(s, n).await;
    let a = &c["actions"][0];
    (str_of(&a["id"]), a["version"].as_i64().expect("a version"))
}

#[tokio::test]
async fn add_action_puts_an_owned_dated_action_on_the_plan() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let (officer, police_agency) = viewer(&police).await;
    let case = case_id(&police, POLICE_ONLY_CASE).await;
    let before = action_rows(&app).await;

    let a = police
        .query(
            &add(),
            json!({ "i": {
                "caseId": case, "description": "Door-knock the block", "ownerAgencyId": police_agency,
                "ownerId": officer, "dueDate": "2030-01-31" } }),
        )
        .await;
    let action = &a.ok()["addAction"];
    assert_eq!(action["description"], "Door-knock the block");
    assert_eq!(action["ownerAgency"]["id"], police_agency.as_str());
    assert_eq!(action["owner"]["id"], officer.as_str());
    assert_eq!(action["dueDate"], "2030-01-31");
    assert_eq!(action["status"], "planned");
    assert_eq!(action["version"], 1);
    assert_eq!(action_rows(&app).await, before + 1);
    let cond = format!(
        "id = {} AND case_id = {} AND status = 'planned'",
        id_sql(&str_of(&action["id"])),
        id_sql(&case)
    );
    assert_eq!(rows(&app, "case_action", &cond).await, 1);
    assert_eq!(logged(&app, "addAction").await, 1);
}

#[tokio::test]
async fn add_action_refuses_bad_owners_and_text_and_writes_nothing() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let (_, police_agency) = viewer(&police).await;
    let (council_officer, council_agency) = viewer(&council).await;
    let case = case_id(&police, POLICE_ONLY_CASE).await;
    let before = action_rows(&app).await;
    let base = json!({ "caseId": case, "description": "Visit", "ownerAgencyId": police_agency,
        "dueDate": "2030-01-31" });

    let with = |k: &str, v: Value| {
        let mut i = base.clone();
        i[k] = v;
        json!({ "i": i })
    };
    for (vars, field) in [
        // A council officer cannot own a police action.
        (with("ownerId", json!(council_officer)), "ownerId"),
        // The council does not hold this case, so cannot own an action on it.
        (
            with("ownerAgencyId", json!(council_agency)),
            "ownerAgencyId",
        ),
        (with("description", json!("   ")), "description"),
        (with("caseId", json!("nope")), "caseId"),
    ] {
        let a = police.query(&add(), vars).await;
        assert_eq!(bad_field(&a), field);
    }
    assert_eq!(action_rows(&app).await, before);
    assert_eq!(logged(&app, "addAction").await, 0);
}

#[tokio::test]
async fn actions_are_refused_without_permission_and_hidden_out_of_scope() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let caseworker = app.login(CASEWORKER).await;
    let auditor = app.login(AUDITOR).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let (_, police_agency) = viewer(&police).await;
    let shared = case_id(&police, SHARED_POLICE_CASE).await;
    let (shared_action, _) = first_action(&police, SHARED_POLICE_CASE).await;
    let private = case_id(&police, POLICE_ONLY_CASE).await;
    let (private_action, _) = first_action(&police, POLICE_ONLY_CASE).await;
    let new = |case: &str| {
        json!({ "i": { "caseId": case, "description": "Visit", "ownerAgencyId": police_agency,
            "dueDate": "2030-01-31" } })
    };
    let before = action_rows(&app).await;
    let unchanged = "version = 1";
    let versions = rows(&app, "case_action", unchanged).await;

    // Victim support reads the plan of a shared case but may not write it.
    for s in [&caseworker, &auditor] {
        assert_eq!(s.query(&add(), new(&shared)).await.code(), "FORBIDDEN");
        let upd = json!({ "i": { "id": shared_action, "version": 1, "description": "x" } });
        assert_eq!(s.query(&update(), upd).await.code(), "FORBIDDEN");
        let done = json!({ "i": { "id": shared_action, "version": 1, "completionNote": "x" } });
        assert_eq!(s.query(&complete(), done).await.code(), "FORBIDDEN");
    }
    // The council cannot see the police-only case, nor reach its actions by id.
    assert_eq!(
        council.query(&add(), new(&private)).await.code(),
        "NOT_FOUND"
    );
    let upd = json!({ "i": { "id": private_action, "version": 1, "description": "x" } });
    assert_eq!(council.query(&update(), upd).await.code(), "NOT_FOUND");
    let done = json!({ "i": { "id": private_action, "version": 1, "completionNote": "x" } });
    assert_eq!(council.query(&complete(), done).await.code(), "NOT_FOUND");

    assert_eq!(action_rows(&app).await, before);
    assert_eq!(rows(&app, "case_action", unchanged).await, versions);
    for op in ["addAction", "updateAction", "completeAction"] {
        assert_eq!(logged(&app, op).await, 0, "{op}");
    }
}

#[tokio::test]
async fn update_action_writes_the_changes_and_refuses_a_stale_version() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let (id, version) = first_action(&police, POLICE_ONLY_CASE).await;

    let a = police
        .query(
            &update(),
            json!({ "i": { "id": id, "version": version, "description": "Visit with housing",
                "dueDate": "2030-02-01", "status": "IN_PROGRESS", "ownerId": null } }),
        )
        .await;
    let action = &a.ok()["updateAction"];
    assert_eq!(action["version"], version + 1);
    assert_eq!(action["description"], "Visit with housing");
    assert_eq!(action["status"], "in_progress");
    assert_eq!(action["dueDate"], "2030-02-01");
    assert!(action["owner"].is_null());
    let cond = format!(
        "id = {} AND version = {} AND status = 'in_progress' AND owner_id IS NULL",
        id_sql(&id),
        version + 1
    );
    assert_eq!(rows(&app, "case_action", &cond).await, 1);
    assert_eq!(logged(&app, "updateAction").await, 1);

    // The version the client saw is now stale.
    let stale = police
        .query(
            &update(),
            json!({ "i": { "id": id, "version": version, "description": "Overwrite" } }),
        )
        .await;
    assert_eq!(stale.code(), "CONFLICT");
    assert_eq!(
        stale.errors()[0]["extensions"]["currentVersion"],
        version + 1
    );
    // Completing is its own mutation; an empty change is refused.
    for (input, field) in [
        (
            json!({ "id": id, "version": version + 1, "status": "DONE" }),
            "status",
        ),
        (json!({ "id": id, "version": version + 1 }), "input"),
        (
            json!({ "id": id, "version": version + 1, "description": "" }),
            "description",
        ),
    ] {
        let a = police.query(&update(), json!({ "i": input })).await;
        assert_eq!(bad_field(&a), field);
    }
    assert_eq!(rows(&app, "case_action", &cond).await, 1);
    assert_eq!(logged(&app, "updateAction").await, 1);
}

#[tokio::test]
async fn two_officers_saving_the_same_action_at_once_never_both_win() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let supervisor = app.login(POLICE_SUPERVISOR).await;
    let (id, version) = first_action(&officer, POLICE_ONLY_CASE).await;
    let save = |text: &str| json!({ "i": { "id": id, "version": version, "description": text } });

    let q = update();
    let (a, b) = tokio::join!(
        officer.query(&q, save("Officer's plan")),
        supervisor.query(&q, save("Supervisor's plan")),
    );
    let outcomes = [(&a, "Officer's plan"), (&b, "Supervisor's plan")];
    let winners: Vec<_> = outcomes
        .iter()
        .filter(|(x, _)| x.errors().is_empty())
        .collect();
    let losers: Vec<_> = outcomes
        .iter()
        .filter(|(x, _)| !x.errors().is_empty())
        .collect();
    assert_eq!(winners.len(), 1, "{} / {}", a.body, b.body);
    assert_eq!(losers.len(), 1);
    assert_eq!(losers[0].0.code(), "CONFLICT");
    assert_eq!(
        losers[0].0.errors()[0]["extensions"]["currentVersion"],
        version + 1
    );
    let winner_text = winners[0].1;
    let cond = format!(
        "id = {} AND version = {} AND description = '{}'",
        id_sql(&id),
        version + 1,
        winner_text.replace('\'', "''")
    );
    assert_eq!(rows(&app, "case_action", &cond).await, 1);
    assert_eq!(logged(&app, "updateAction").await, 1);
}

#[tokio::test]
async fn complete_action_records_the_note_and_time_once() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let (id, version) = first_action(&police, POLICE_ONLY_CASE).await;

    let empty = police
        .query(
            &complete(),
            json!({ "i": { "id": id, "version": version, "completionNote": " " } }),
        )
        .await;
    assert_eq!(bad_field(&empty), "completionNote");
    assert_eq!(logged(&app, "completeAction").await, 0);

    let a = police
        .query(
            &complete(),
            json!({ "i": { "id": id, "version": version, "completionNote": "Visited; diary left" } }),
        )
        .await;
    let action = &a.ok()["completeAction"];
    assert_eq!(action["status"], "done");
    assert_eq!(action["completionNote"], "Visited; diary left");
    assert!(action["completedAt"].is_string());
    assert_eq!(action["version"], version + 1);
    let cond = format!(
        "id = {} AND status = 'done' AND completed_at IS NOT NULL AND version = {}",
        id_sql(&id),
        version + 1
    );
    assert_eq!(rows(&app, "case_action", &cond).await, 1);
    assert_eq!(logged(&app, "completeAction").await, 1);

    // Stale, then already done: neither writes.
    let stale = police
        .query(
            &complete(),
            json!({ "i": { "id": id, "version": version, "completionNote": "again" } }),
        )
        .await;
    assert_eq!(stale.code(), "CONFLICT");
    assert_eq!(
        stale.errors()[0]["extensions"]["currentVersion"],
        version + 1
    );
    let done = police
        .query(
            &complete(),
            json!({ "i": { "id": id, "version": version + 1, "completionNote": "again" } }),
        )
        .await;
    assert_eq!(bad_field(&done), "id");
    assert_eq!(rows(&app, "case_action", &cond).await, 1);
    assert_eq!(logged(&app, "completeAction").await, 1);
}
