//! mergePeople.

use serde_json::json;
use tests::*;

use crate::*;

const MERGE: &str = "mutation($i: MergePeopleInput!) {
    mergePeople(input: $i) { id version cases { role case { id } } incidents { part } } }";

fn person_is(id: &str) -> String {
    format!("person_id = {}", id_sql(id))
}

#[tokio::test]
async fn merge_people_moves_every_link_to_the_kept_record_without_doubling_any() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let c = load_case(&police, POLICE_ONLY_CASE).await;
    let case = str_of(&c["id"]);
    let perpetrator = person_in_role(&c, "perpetrator");
    // The same perpetrator, entered again; already recorded as this case's perpetrator and
    // as a witness, so the perpetrator role would double and the witness role is new.
    let keep = new_person(&police, "Kept", None).await;
    for role in ["PERPETRATOR", "WITNESS"] {
        police
            .query(
                ADD_PARTY,
                json!({ "i": { "caseId": case, "personId": keep, "role": role } }),
            )
            .await
            .ok();
    }
    let dup_incident_parts = rows(&app, "incident_party", &person_is(&perpetrator)).await;
    let dup_case_roles = rows(&app, "case_party", &person_is(&perpetrator)).await;
    assert!(dup_incident_parts > 0 && dup_case_roles > 0);

    let a = police
        .query(
            MERGE,
            json!({ "i": { "keepId": keep, "duplicateId": perpetrator } }),
        )
        .await;
    let kept = &a.ok()["mergePeople"];
    assert_eq!(kept["id"], keep.as_str());
    assert_eq!(kept["version"], 2);
    // Every incident part moved; the case role the kept record already had stayed behind.
    assert_eq!(
        kept["incidents"].as_array().unwrap().len() as i64,
        dup_incident_parts
    );
    assert_eq!(
        rows(&app, "incident_party", &person_is(&keep)).await,
        dup_incident_parts
    );
    assert_eq!(
        rows(&app, "incident_party", &person_is(&perpetrator)).await,
        0
    );
    assert_eq!(
        rows(&app, "case_party", &person_is(&keep)).await,
        2 + dup_case_roles - 1
    );
    assert_eq!(rows(&app, "case_party", &person_is(&perpetrator)).await, 1);
    let merged = format!(
        "id = {} AND merged_into_id = {} AND version = 2",
        id_sql(&perpetrator),
        id_sql(&keep)
    );
    assert_eq!(rows(&app, "person", &merged).await, 1);
    assert_eq!(logged(&app, "mergePeople").await, 1);
    let entry = format!(
        "operation = 'mergePeople' AND entity = 'Person' AND entity_id = '{keep}' \
         AND detail LIKE '%{perpetrator}%'"
    );
    assert_eq!(rows(&app, "access_log", &entry).await, 1);

    // Merging the duplicate again, or into it, is refused; nothing more is written.
    for (vars, field) in [
        (
            json!({ "keepId": keep, "duplicateId": perpetrator }),
            "duplicateId",
        ),
        (
            json!({ "keepId": perpetrator, "duplicateId": keep }),
            "keepId",
        ),
        (
            json!({ "keepId": keep, "duplicateId": keep }),
            "duplicateId",
        ),
    ] {
        let a = police.query(MERGE, json!({ "i": vars })).await;
        assert_eq!(bad_field(&a), field);
    }
    assert_eq!(rows(&app, "person", "merged_into_id IS NOT NULL").await, 1);
    assert_eq!(
        rows(
            &app,
            "person",
            &format!("id = {} AND version = 2", id_sql(&keep))
        )
        .await,
        1
    );
    assert_eq!(logged(&app, "mergePeople").await, 1);
}

#[tokio::test]
async fn merge_people_is_refused_without_permission_and_for_people_out_of_scope() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let caseworker = app.login(CASEWORKER).await;
    let auditor = app.login(AUDITOR).await;
    let a = new_person(&police, "First", None).await;
    let b = new_person(&police, "Second", None).await;
    let c = new_person(&council, "Third", None).await;
    let vars = json!({ "i": { "keepId": a, "duplicateId": b } });

    for s in [&caseworker, &auditor] {
        assert_eq!(s.query(MERGE, vars.clone()).await.code(), "FORBIDDEN");
    }
    // Police-only people do not exist for the council, whichever side they are on.
    assert_eq!(council.query(MERGE, vars).await.code(), "NOT_FOUND");
    let mixed = json!({ "i": { "keepId": c, "duplicateId": a } });
    assert_eq!(council.query(MERGE, mixed).await.code(), "NOT_FOUND");
    assert_eq!(rows(&app, "person", "merged_into_id IS NOT NULL").await, 0);
    assert_eq!(rows(&app, "person", "version > 1").await, 0);
    assert_eq!(logged(&app, "mergePeople").await, 0);
}
