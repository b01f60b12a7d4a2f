//! attachDocument, and reading documents back: metadata in listings, content on demand.

use api::configuration::RawSettings;
use serde_json::{Value, json};
use tests::*;

use crate::*;

const ATTACH: &str = "mutation($i: AttachDocumentInput!) { attachDocument(input: $i) {
    id fileName contentType sizeBytes sha256 description uploadedAt uploadedBy { id } } }";

/// `%PDF-1.4\n% diary sheet, week 1\n`
const PDF_BASE64: &str = "JVBERi0xLjQKJSBkaWFyeSBzaGVldCwgd2VlayAxCg==";
const PDF_SHA256: &str = "617c2f1422780c031914699f2a0b5e63cc5d85ea9c8bf6fba4380323b754a1f0";
const PDF_LEN: i64 = 31;

/// Standard, padded base64, so the tests need no encoder crate.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

async fn document_rows(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM document").await
}

#[test]
fn the_test_encoder_is_standard_base64() {
    assert_eq!(base64(b"%PDF-1.4\n% diary sheet, week 1\n"), PDF_BASE64);
    assert_eq!(base64(b"ab"), "YWI=");
    assert_eq!(base64(b"abc"), "YWJj");
    assert_eq!(base64(b"a"), "YQ==");
}

#[tokio::test]
async fn attach_document_stores_checked_evidence_and_lists_metadata_only() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let (me, _) = viewer(&police).await;
    let case = case_id(&police, POLICE_ONLY_CASE).await;

    let a = police
        .query(
            ATTACH,
            json!({ "i": { "caseId": case, "fileName": "Diary sheet week 1.pdf",
                "contentType": "application/pdf", "contentBase64": PDF_BASE64,
                "description": "Victim's diary" } }),
        )
        .await;
    let doc = a.ok()["attachDocument"].clone();
    assert_eq!(doc["fileName"], "Diary sheet week 1.pdf");
    assert_eq!(doc["contentType"], "application/pdf");
    assert_eq!(doc["sizeBytes"], PDF_LEN);
    assert_eq!(doc["sha256"], PDF_SHA256);
    assert_eq!(doc["description"], "Victim's diary");
    assert_eq!(doc["uploadedBy"]["id"], me.as_str());
    assert!(doc["uploadedAt"].is_string());
    let id = str_of(&doc["id"]);
    let cond = format!(
        "id = {} AND case_id = {} AND size_bytes = {PDF_LEN} AND sha256 = '{PDF_SHA256}'",
        id_sql(&id),
        id_sql(&case)
    );
    assert_eq!(rows(&app, "document", &cond).await, 1);
    assert_eq!(logged(&app, "attachDocument").await, 1);

    // The listing carries metadata; the content comes only when asked for.
    let list = police
        .query(
            "query($id: ID!) { case(id: $id) { documents { id fileName sizeBytes sha256 } } }",
            json!({ "id": case }),
        )
        .await;
    let docs = list.ok()["case"]["documents"].as_array().unwrap().clone();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], id.as_str());
    assert!(docs[0].get("contentBase64").is_none());
    let consulted = format!(
        "operation = 'consult' AND entity = 'Document' AND entity_id = '{id}' \
         AND fields LIKE '%contentBase64%'"
    );
    assert_eq!(
        rows(&app, "access_log", &consulted).await,
        0,
        "metadata alone is not a reading of the content"
    );
    let content = police
        .query(
            "query($id: ID!) { case(id: $id) { documents { contentBase64 } } }",
            json!({ "id": case }),
        )
        .await;
    assert_eq!(
        content.ok()["case"]["documents"][0]["contentBase64"],
        PDF_BASE64
    );
    assert_eq!(
        rows(&app, "access_log", &consulted).await,
        1,
        "reading the content is logged (DPA 2018 s.62)"
    );
}

#[tokio::test]
async fn attach_document_refuses_oversized_mislabelled_and_disallowed_files() {
    // A body limit above the document limit, so the document check is what refuses.
    let app = spawn_app_with(Options {
        demo: true,
        raw: RawSettings {
            max_body_bytes: Some(4 * 1024 * 1024),
            ..Default::default()
        },
    })
    .await;
    let police = app.login(POLICE_OFFICER).await;
    let case = case_id(&police, POLICE_ONLY_CASE).await;
    let input = json!({ "caseId": case, "fileName": "evidence.pdf",
        "contentType": "application/pdf", "contentBase64": PDF_BASE64 });
    let with = |pairs: &[(&str, Value)]| {
        let mut i = input.clone();
        for (k, v) in pairs {
            i[*k] = v.clone();
        }
        json!({ "i": i })
    };
    let mut oversized = b"%PDF-1.4\n".to_vec();
    oversized.resize(1024 * 1024 + 1, b'A');
    let mut largest = oversized.clone();
    largest.truncate(1024 * 1024);
    let png = base64(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);

    for (vars, field) in [
        (
            with(&[("contentBase64", json!(base64(&oversized)))]),
            "contentBase64",
        ),
        // A PDF declared as a PNG, and a PNG declared as a PDF.
        (
            with(&[("contentType", json!("image/png"))]),
            "contentBase64",
        ),
        (with(&[("contentBase64", json!(png))]), "contentBase64"),
        // Plain text must be UTF-8 without NUL.
        (
            with(&[
                ("contentType", json!("text/plain")),
                ("contentBase64", json!(base64(b"MZ\0\x90\xff"))),
            ]),
            "contentBase64",
        ),
        (
            with(&[("contentType", json!("application/zip"))]),
            "contentType",
        ),
        (with(&[("contentType", json!("text/html"))]), "contentType"),
        (
            with(&[("contentBase64", json!("%%%not base64"))]),
            "contentBase64",
        ),
        (with(&[("fileName", json!("../../etc/passwd"))]), "fileName"),
        (
            with(&[("fileName", json!("C:\\evidence\\a.pdf"))]),
            "fileName",
        ),
        (
            with(&[("fileName", json!(format!("{}.pdf", "a".repeat(200))))]),
            "fileName",
        ),
    ] {
        let a = police.query(ATTACH, vars).await;
        assert_eq!(bad_field(&a), field, "{}", a.body);
    }
    assert_eq!(document_rows(&app).await, 0);
    assert_eq!(logged(&app, "attachDocument").await, 0);

    // Exactly 1 MiB is accepted.
    let a = police
        .query(ATTACH, with(&[("contentBase64", json!(base64(&largest)))]))
        .await;
    assert_eq!(a.ok()["attachDocument"]["sizeBytes"], 1024 * 1024);
    assert_eq!(document_rows(&app).await, 1);
}

#[tokio::test]
async fn documents_are_refused_without_permission_and_hidden_out_of_scope() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let caseworker = app.login(CASEWORKER).await;
    let auditor = app.login(AUDITOR).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let shared = case_id(&police, SHARED_POLICE_CASE).await;
    let private = case_id(&police, POLICE_ONLY_CASE).await;
    let vars = |case: &str| {
        json!({ "i": { "caseId": case, "fileName": "a.pdf", "contentType": "application/pdf",
            "contentBase64": PDF_BASE64 } })
    };

    for s in [&caseworker, &auditor] {
        assert_eq!(s.query(ATTACH, vars(&shared)).await.code(), "FORBIDDEN");
    }
    assert_eq!(
        council.query(ATTACH, vars(&private)).await.code(),
        "NOT_FOUND"
    );
    assert_eq!(document_rows(&app).await, 0);
    assert_eq!(logged(&app, "attachDocument").await, 0);

    // Victim support is not granted documents: the field is null with FORBIDDEN_FIELD.
    police.query(ATTACH, vars(&shared)).await.ok();
    let a = caseworker
        .query(
            "query($id: ID!) { case(id: $id) { id documents { id fileName } } }",
            json!({ "id": shared }),
        )
        .await;
    assert!(a.data()["case"]["documents"].is_null(), "{}", a.body);
    assert_eq!(a.code(), "FORBIDDEN_FIELD");
}
