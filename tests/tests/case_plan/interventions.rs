//! recordIntervention and updateIntervention.

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tests::*;

use crate::*;

const FIELDS: &str = "id version tool { code } subject { id } status issuedOn servedOn expiresOn
    notes breaches { occurredOn description }";

fn record() -> String {
    format!(
        "mutation($i: RecordInterventionInput!) {{ recordIntervention(input: $i) {{ {FIELDS} }} }}"
    )
}
fn update() -> String {
    format!(
        "mutation($i: UpdateInterventionInput!) {{ updateIntervention(input: $i) {{ {FIELDS} }} }}"
    )
}

async fn tool(s: &Session<'_>, code: &str) -> String {
    let a = s
        .query("{ interventionTools { id code } }", json!({}))
        .await;
    let tools = a.ok()["interventionTools"]
        .as_array()
        .expect("tools")
        .clone();
    let t = tools
        .iter()
        .find(|t| t["code"] == code)
        .expect("a demo tool");
    str_of(&t["id"])
}

async fn intervention_rows(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM intervention").await
}

/// A CPW against the perpetrator of the police-only case: (case, input).
async fn cpw(s: &Session<'_>) -> (String, Value) {
    let c = load_case(s, POLICE_ONLY_CASE).await;
    let perpetrator = person_in_role(&c, "perpetrator");
    let case = str_of(&c["id"]);
    let input = json!({ "caseId": case, "toolId": tool(s, "CPW").await,
        "subjectPersonId": perpetrator, "status": "SERVED", "issuedOn": "2026-03-01",
        "servedOn": "2026-03-02", "expiresOn": "2026-09-01", "notes": "Served by hand" });
    (case, input)
}

/// Records the CPW, returning (id, version).
async fn recorded(s: &Session<'_>) -> (String, i64) {
    let (_, input) = cpw(s).await;
    let a = s.query(&record(), json!({ "i": input })).await;
    let i = &a.ok()["recordIntervention"];
    (str_of(&i["id"]), i["version"].as_i64().expect("a version"))
}

#[tokio::test]
async fn record_intervention_stores_the_tool_subject_status_and_dates() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let (case, input) = cpw(&police).await;
    let before = intervention_rows(&app).await;

    let a = police.query(&record(), json!({ "i": input.clone() })).await;
    let i = &a.ok()["recordIntervention"];
    assert_eq!(i["tool"]["code"], "CPW");
    assert_eq!(i["subject"]["id"], input["subjectPersonId"]);
    assert_eq!(i["status"], "served");
    assert_eq!(i["issuedOn"], "2026-03-01");
    assert_eq!(i["servedOn"], "2026-03-02");
    assert_eq!(i["expiresOn"], "2026-09-01");
    assert_eq!(i["version"], 1);
    assert_eq!(intervention_rows(&app).await, before + 1);
    let cond = format!(
        "id = {} AND case_id = {} AND status = 'served'",
        id_sql(&str_of(&i["id"])),
        id_sql(&case)
    );
    assert_eq!(rows(&app, "intervention", &cond).await, 1);
    assert_eq!(logged(&app, "recordIntervention").await, 1);
}

#[tokio::test]
async fn record_intervention_refuses_dates_out_of_order_unknown_tools_and_non_parties() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let (_, input) = cpw(&police).await;
    let outsider = new_person(&police, "Outsider", None).await;
    app.db
        .execute_unprepared("UPDATE intervention_tool SET active = false WHERE code = 'ABC'")
        .await
        .unwrap();
    let retired = tool(&police, "ABC").await;
    let before = intervention_rows(&app).await;

    let with = |k: &str, v: Value| {
        let mut i = input.clone();
        i[k] = v;
        json!({ "i": i })
    };
    for (vars, field) in [
        (with("servedOn", json!("2026-02-28")), "servedOn"),
        (with("expiresOn", json!("2026-02-01")), "expiresOn"),
        (with("subjectPersonId", json!(outsider)), "subjectPersonId"),
        (
            with("toolId", json!(uuid::Uuid::new_v4().to_string())),
            "toolId",
        ),
        (with("toolId", json!(retired)), "toolId"),
        (with("notes", json!("bad\u{0007}bell")), "notes"),
    ] {
        let a = police.query(&record(), vars).await;
        assert_eq!(bad_field(&a), field);
    }
    assert_eq!(intervention_rows(&app).await, before);
    assert_eq!(logged(&app, "recordIntervention").await, 0);
}

#[tokio::test]
async fn interventions_are_refused_without_permission_and_hidden_out_of_scope() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let caseworker = app.login(CASEWORKER).await;
    let auditor = app.login(AUDITOR).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let (_, input) = cpw(&police).await;
    let (id, version) = recorded(&police).await;
    let mut on_shared = input.clone();
    on_shared["caseId"] = json!(case_id(&police, SHARED_POLICE_CASE).await);
    on_shared.as_object_mut().unwrap().remove("subjectPersonId");
    let before = intervention_rows(&app).await;
    let upd = json!({ "i": { "id": id, "version": version, "status": "BREACHED" } });

    // Victim support is not granted interventions; the auditor may not update cases.
    for s in [&caseworker, &auditor] {
        let a = s.query(&record(), json!({ "i": on_shared })).await;
        assert_eq!(a.code(), "FORBIDDEN");
        assert_eq!(s.query(&update(), upd.clone()).await.code(), "FORBIDDEN");
    }
    let a = council.query(&record(), json!({ "i": input })).await;
    assert_eq!(a.code(), "NOT_FOUND");
    assert_eq!(council.query(&update(), upd).await.code(), "NOT_FOUND");
    assert_eq!(intervention_rows(&app).await, before);
    assert_eq!(rows(&app, "intervention", "version > 1").await, 0);
    assert_eq!(logged(&app, "recordIntervention").await, 1);
    assert_eq!(logged(&app, "updateIntervention").await, 0);
}

#[tokio::test]
async fn update_intervention_records_a_breach_and_refuses_stale_versions() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let (id, version) = recorded(&police).await;

    let a = police
        .query(
            &update(),
            json!({ "i": { "id": id, "version": version, "status": "BREACHED", "notes": null,
                "breach": { "occurredOn": "2026-04-10", "description": "Music past midnight" } } }),
        )
        .await;
    let i = &a.ok()["updateIntervention"];
    assert_eq!(i["status"], "breached");
    assert_eq!(i["version"], version + 1);
    assert!(i["notes"].is_null());
    assert_eq!(i["breaches"][0]["occurredOn"], "2026-04-10");
    assert_eq!(i["breaches"][0]["description"], "Music past midnight");
    let cond = format!(
        "id = {} AND version = {} AND status = 'breached'",
        id_sql(&id),
        version + 1
    );
    assert_eq!(rows(&app, "intervention", &cond).await, 1);
    let breach = format!("intervention_id = {}", id_sql(&id));
    assert_eq!(rows(&app, "intervention_breach", &breach).await, 1);
    assert_eq!(logged(&app, "updateIntervention").await, 1);

    let stale = police
        .query(
            &update(),
            json!({ "i": { "id": id, "version": version, "status": "EXPIRED" } }),
        )
        .await;
    assert_eq!(stale.code(), "CONFLICT");
    assert_eq!(
        stale.errors()[0]["extensions"]["currentVersion"],
        version + 1
    );
    assert_eq!(rows(&app, "intervention", &cond).await, 1);
    assert_eq!(logged(&app, "updateIntervention").await, 1);
}

#[tokio::test]
async fn update_intervention_checks_dates_against_the_stored_ones_and_writes_nothing() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let (id, version) = recorded(&police).await;
    let at = |extra: Value| {
        let mut i = json!({ "id": id, "version": version });
        i.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "i": i })
    };

    for (vars, field) in [
        // Served before the stored issue date.
        (at(json!({ "servedOn": "2026-02-01" })), "servedOn"),
        // Issued after the stored service and expiry dates.
        (at(json!({ "issuedOn": "2026-03-05" })), "servedOn"),
        (at(json!({ "expiresOn": "2026-03-01" })), "expiresOn"),
        (
            at(json!({ "breach": { "occurredOn": "2026-02-01", "description": "Before" } })),
            "breach.occurredOn",
        ),
        (
            at(json!({ "breach": { "occurredOn": "2999-01-01", "description": "Future" } })),
            "breach.occurredOn",
        ),
        (at(json!({})), "input"),
    ] {
        let a = police.query(&update(), vars).await;
        assert_eq!(bad_field(&a), field, "{}", a.body);
    }
    let cond = format!(
        "id = {} AND version = {version} AND served_on IS NOT NULL",
        id_sql(&id)
    );
    assert_eq!(rows(&app, "intervention", &cond).await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM intervention_breach")
            .await,
        0
    );
    assert_eq!(logged(&app, "updateIntervention").await, 0);
}

#[tokio::test]
async fn two_officers_updating_one_intervention_at_once_never_both_win() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let supervisor = app.login(POLICE_SUPERVISOR).await;
    let (id, version) = recorded(&officer).await;
    let save = |status: &str| json!({ "i": { "id": id, "version": version, "status": status } });

    let q = update();
    let (a, b) = tokio::join!(
        officer.query(&q, save("EXPIRED")),
        supervisor.query(&q, save("REVOKED")),
    );
    let ok: Vec<_> = [(&a, "expired"), (&b, "revoked")]
        .into_iter()
        .filter(|(x, _)| x.errors().is_empty())
        .collect();
    assert_eq!(ok.len(), 1, "{} / {}", a.body, b.body);
    let loser = if a.errors().is_empty() { &b } else { &a };
    assert_eq!(loser.code(), "CONFLICT");
    let cond = format!(
        "id = {} AND version = {} AND status = '{}'",
        id_sql(&id),
        version + 1,
        ok[0].1
    );
    assert_eq!(rows(&app, "intervention", &cond).await, 1);
    assert_eq!(logged(&app, "updateIntervention").await, 1);
}
