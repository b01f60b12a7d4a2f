//! shareCase and revokeShare.

use serde_json::json;
use tests::*;

use crate::*;

const SHARE: &str = "mutation($i: ShareCaseInput!) {
    shareCase(input: $i) { id agency { id } legalBasis sharedBy { id } sharedAt revokedAt } }";
const REVOKE: &str = "mutation($i: RevokeShareInput!) {
    revokeShare(input: $i) { id revokedAt revokedBy { id } revokeReason } }";
const BASIS: &str = "Crime and Disorder Act 1998 s.115";

async fn share_rows(app: &TestApp, case: &str) -> i64 {
    rows(app, "case_share", &format!("case_id = {}", id_sql(case))).await
}

#[tokio::test]
async fn a_share_opens_the_case_to_the_agency_and_revoking_closes_it_at_once() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let (officer_id, _) = viewer(&police).await;
    let (_, council_agency) = viewer(&council).await;
    let case = case_id(&police, POLICE_ONLY_CASE).await;
    let read = "query($id: ID!) { case(id: $id) { id title } }";
    assert_eq!(
        council.query(read, json!({ "id": case })).await.code(),
        "NOT_FOUND"
    );

    let a = police
        .query(
            SHARE,
            json!({ "i": { "caseId": case, "agencyId": council_agency, "legalBasis": BASIS } }),
        )
        .await;
    let share = a.ok()["shareCase"].clone();
    assert_eq!(share["agency"]["id"], council_agency.as_str());
    assert_eq!(share["legalBasis"], BASIS);
    assert_eq!(share["sharedBy"]["id"], officer_id.as_str());
    assert!(share["revokedAt"].is_null());
    let share_id = str_of(&share["id"]);
    let active = format!(
        "case_id = {} AND agency_id = {} AND revoked_at IS NULL",
        id_sql(&case),
        id_sql(&council_agency)
    );
    assert_eq!(rows(&app, "case_share", &active).await, 1);
    assert_eq!(logged(&app, "shareCase").await, 1);

    let seen = council.query(read, json!({ "id": case })).await;
    assert_eq!(seen.ok()["case"]["id"], case.as_str());
    assert!(seen.ok()["case"]["title"].is_string());

    let a = police
        .query(
            REVOKE,
            json!({ "i": { "shareId": share_id, "reason": "Referral closed" } }),
        )
        .await;
    let revoked = &a.ok()["revokeShare"];
    assert!(revoked["revokedAt"].is_string());
    assert_eq!(revoked["revokedBy"]["id"], officer_id.as_str());
    assert_eq!(revoked["revokeReason"], "Referral closed");
    assert_eq!(rows(&app, "case_share", &active).await, 0);
    assert_eq!(logged(&app, "revokeShare").await, 1);

    // Immediately: the council no longer finds the case by id, by reference, or in lists.
    assert_eq!(
        council.query(read, json!({ "id": case })).await.code(),
        "NOT_FOUND"
    );
    let by_ref = council
        .query(
            "query($r: String!) { caseByReference(reference: $r) { id } }",
            json!({ "r": reference(POLICE_ONLY_CASE) }),
        )
        .await;
    assert_eq!(by_ref.code(), "NOT_FOUND");

    // A revoked share cannot be revoked again.
    let again = police
        .query(
            REVOKE,
            json!({ "i": { "shareId": share_id, "reason": "again" } }),
        )
        .await;
    assert_eq!(bad_field(&again), "shareId");
    assert_eq!(logged(&app, "revokeShare").await, 1);
}

#[tokio::test]
async fn share_case_refuses_the_lead_an_existing_share_and_unknown_agencies() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let housing = app.login(HOUSING_OFFICER).await;
    let (_, police_agency) = viewer(&police).await;
    let (_, housing_agency) = viewer(&housing).await;
    let case = case_id(&police, SHARED_POLICE_CASE).await;
    let before = share_rows(&app, &case).await;

    for (agency, basis, field) in [
        (police_agency.clone(), BASIS, "agencyId"),
        (housing_agency.clone(), BASIS, "agencyId"),
        (uuid::Uuid::new_v4().to_string(), BASIS, "agencyId"),
        ("not-an-id".to_string(), BASIS, "agencyId"),
        (police_agency.clone(), "  ", "legalBasis"),
    ] {
        let a = police
            .query(
                SHARE,
                json!({ "i": { "caseId": case, "agencyId": agency, "legalBasis": basis } }),
            )
            .await;
        assert_eq!(bad_field(&a), field, "{agency} {basis:?}");
    }
    assert_eq!(share_rows(&app, &case).await, before);
    assert_eq!(logged(&app, "shareCase").await, 0);
}

#[tokio::test]
async fn share_case_refuses_parties_without_consent_or_a_lawful_basis_naming_nobody() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let (_, council_agency) = viewer(&council).await;
    let case = case_id(&police, POLICE_ONLY_CASE).await;
    let person = new_person(&police, "Withheld", Some((false, "CONSENT"))).await;
    police
        .query(
            ADD_PARTY,
            json!({ "i": { "caseId": case, "personId": person, "role": "WITNESS" } }),
        )
        .await
        .ok();
    let before = share_rows(&app, &case).await;

    let a = police
        .query(
            SHARE,
            json!({ "i": { "caseId": case, "agencyId": council_agency, "legalBasis": BASIS } }),
        )
        .await;
    assert_eq!(bad_field(&a), "caseId");
    let message = str_of(&a.errors()[0]["message"]);
    assert!(message.contains("1 of"), "{message}");
    for personal in ["Withheld", "Testperson", person.as_str()] {
        assert!(!message.contains(personal), "{message}");
    }
    assert_eq!(share_rows(&app, &case).await, before);
    assert_eq!(logged(&app, "shareCase").await, 0);
    // The council still cannot see it.
    let read = council
        .query(
            "query($id: ID!) { case(id: $id) { id } }",
            json!({ "id": case }),
        )
        .await;
    assert_eq!(read.code(), "NOT_FOUND");
}

#[tokio::test]
async fn only_the_lead_agency_shares_or_revokes() {
    let app = spawn_app().await;
    let police = app.login(POLICE_OFFICER).await;
    let housing = app.login(HOUSING_OFFICER).await;
    let council = app.login(COUNCIL_OFFICER).await;
    let caseworker = app.login(CASEWORKER).await;
    let auditor = app.login(AUDITOR).await;
    let (_, council_agency) = viewer(&council).await;
    let (_, housing_agency) = viewer(&housing).await;
    let shared = load_case(&police, SHARED_POLICE_CASE).await;
    let case = str_of(&shared["id"]);
    let housing_share = shared["shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["agency"]["id"] == housing_agency.as_str())
        .map(|s| str_of(&s["id"]))
        .expect("the demo shares this case with housing");
    let share_vars =
        json!({ "i": { "caseId": case, "agencyId": council_agency, "legalBasis": BASIS } });
    let revoke_vars = json!({ "i": { "shareId": housing_share, "reason": "mine now" } });
    let before = share_rows(&app, &case).await;
    let revoked = "revoked_at IS NOT NULL";

    // Housing sees the case through its share, but does not lead it.
    assert_eq!(
        housing.query(SHARE, share_vars.clone()).await.code(),
        "FORBIDDEN"
    );
    assert_eq!(
        housing.query(REVOKE, revoke_vars.clone()).await.code(),
        "FORBIDDEN"
    );
    // Victim support and the auditor lack the operation.
    for s in [&caseworker, &auditor] {
        assert_eq!(s.query(SHARE, share_vars.clone()).await.code(), "FORBIDDEN");
        assert_eq!(
            s.query(REVOKE, revoke_vars.clone()).await.code(),
            "FORBIDDEN"
        );
    }
    // The council cannot see the case or its shares at all.
    assert_eq!(council.query(SHARE, share_vars).await.code(), "NOT_FOUND");
    assert_eq!(council.query(REVOKE, revoke_vars).await.code(), "NOT_FOUND");
    assert_eq!(share_rows(&app, &case).await, before);
    assert_eq!(rows(&app, "case_share", revoked).await, 0);
    assert_eq!(logged(&app, "shareCase").await, 0);
    assert_eq!(logged(&app, "revokeShare").await, 0);
}
