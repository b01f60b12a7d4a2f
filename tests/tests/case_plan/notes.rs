//! addNote: append-only, corrections are new notes on the same case.

use serde_json::json;
use tests::*;

use crate::*;

const ADD_NOTE: &str = "mutation($i: AddNoteInput!) {
    addNote(input: $i) { id body author { id } createdAt correctsNoteId } }";

async fn note_rows(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM case_note").await
}

#[tokio::test]
async fn victim_support_adds_a_note_and_a_correction_to_a_shared_case() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let caseworker = app.login(CASEWORKER).await;
    let (me, _) = viewer(&caseworker).await;
    let case = case_id(&police, SHARED_POLICE_CASE).await;
    let before = note_rows(&app).await;

    let a = caseworker
        .query(
            ADD_NOTE,
            json!({ "i": { "caseId": case, "body": "Called the victim; support plan agreed." } }),
        )
        .await;
    let note = a.ok()["addNote"].clone();
    assert_eq!(note["body"], "Called the victim; support plan agreed.");
    assert_eq!(note["author"]["id"], me.as_str());
    assert!(note["correctsNoteId"].is_null());
    let note_id = str_of(&note["id"]);
    assert_eq!(note_rows(&app).await, before + 1);
    assert_eq!(logged(&app, "addNote").await, 1);

    // A correction is a new note pointing at the corrected one, which stays as it was.
    let a = caseworker
        .query(
            ADD_NOTE,
            json!({ "i": { "caseId": case, "body": "Correction: agreed by phone, not in person.",
                "correctsNoteId": note_id } }),
        )
        .await;
    assert_eq!(a.ok()["addNote"]["correctsNoteId"], note_id.as_str());
    assert_eq!(note_rows(&app).await, before + 2);
    let cond = format!(
        "id = {} AND body = 'Called the victim; support plan agreed.'",
        id_sql(&note_id)
    );
    assert_eq!(rows(&app, "case_note", &cond).await, 1);
    let cond = format!("corrects_note_id = {}", id_sql(&note_id));
    assert_eq!(rows(&app, "case_note", &cond).await, 1);
    assert_eq!(logged(&app, "addNote").await, 2);

    // No mutation edits or deletes a note.
    let sdl = api::graphql::sdl();
    for verb in ["updateNote", "deleteNote", "removeNote", "editNote"] {
        assert!(!sdl.contains(verb), "{verb}");
    }
}

#[tokio::test]
async fn add_note_refuses_empty_bodies_and_corrections_of_other_cases_notes() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let case = case_id(&police, POLICE_ONLY_CASE).await;
    let other = load_case(&police, SHARED_POLICE_CASE).await;
    let other_note = str_of(&other["notes"][0]["id"]);
    let before = note_rows(&app).await;

    for (input, field) in [
        (json!({ "caseId": case, "body": "   " }), "body"),
        (
            json!({ "caseId": case, "body": "Correction", "correctsNoteId": other_note }),
            "correctsNoteId",
        ),
        (
            json!({ "caseId": case, "body": "Correction", "correctsNoteId": uuid::Uuid::new_v4().to_string() }),
            "correctsNoteId",
        ),
        (
            json!({ "caseId": case, "body": "x".repeat(10_001) }),
            "body",
        ),
    ] {
        let a = police.query(ADD_NOTE, json!({ "i": input })).await;
        assert_eq!(bad_field(&a), field);
    }
    assert_eq!(note_rows(&app).await, before);
    assert_eq!(logged(&app, "addNote").await, 0);
}

#[tokio::test]
async fn add_note_is_refused_without_permission_and_hidden_out_of_scope() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let auditor = app.login(AUDITOR).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let caseworker = app.login(CASEWORKER).await;
    let private = case_id(&police, POLICE_ONLY_CASE).await;
    let shared = case_id(&police, SHARED_POLICE_CASE).await;
    let before = note_rows(&app).await;
    let vars = |case: &str| json!({ "i": { "caseId": case, "body": "Note" } });

    assert_eq!(
        auditor.query(ADD_NOTE, vars(&shared)).await.code(),
        "FORBIDDEN"
    );
    assert_eq!(
        council.query(ADD_NOTE, vars(&private)).await.code(),
        "NOT_FOUND"
    );
    // Victim support sees only cases shared with it.
    assert_eq!(
        caseworker.query(ADD_NOTE, vars(&private)).await.code(),
        "NOT_FOUND"
    );
    assert_eq!(note_rows(&app).await, before);
    assert_eq!(logged(&app, "addNote").await, 0);
}
