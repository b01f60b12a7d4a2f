//! The optional external identity provider: RS256/ES256 tokens from the configured issuer,
//! verified with keys from its JWKS, served here by a small HTTP server on 127.0.0.1:0.
//!
//! The keys are committed test fixtures (`tests/fixtures/oidc`): `rsa-1` and `ec-1` are published
//! from the start, `rsa-2` is published later (rotation), and `rogue` never is.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicUsize, Ordering},
};

use actix_web::{App, HttpResponse, HttpServer, web};
use api::configuration::RawSettings;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};
use tests::*;

const ISSUER: &str = "https://idp.test.example";
const AUDIENCE: &str = "asb-hub-external";
const SUBJECT: &str = "ext-officer-42";
const VIEWER: &str = "{ viewer { user { email } roles } }";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/oidc/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn jwk(kid: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("{kid}.jwk.json"))).expect("jwk fixture")
}

fn private_key(kid: &str) -> EncodingKey {
    let pem = fixture(&format!("{kid}.key.pem"));
    if kid.starts_with("ec") {
        EncodingKey::from_ec_pem(&pem).expect("ec key")
    } else {
        EncodingKey::from_rsa_pem(&pem).expect("rsa key")
    }
}

/// A JWKS endpoint whose keys the test can change, counting how often it is fetched.
struct JwksServer {
    url: String,
    keys: Arc<Mutex<Vec<Value>>>,
    hits: Arc<AtomicUsize>,
}

impl JwksServer {
    async fn start(keys: Vec<Value>) -> Self {
        let keys = Arc::new(Mutex::new(keys));
        let hits = Arc::new(AtomicUsize::new(0));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (k, h) = (keys.clone(), hits.clone());
        let server = HttpServer::new(move || {
            let (k, h) = (k.clone(), h.clone());
            App::new().route(
                "/jwks.json",
                web::get().to(move || {
                    let (k, h) = (k.clone(), h.clone());
                    async move {
                        h.fetch_add(1, Ordering::SeqCst);
                        let keys = k.lock().expect("keys").clone();
                        HttpResponse::Ok().json(json!({ "keys": keys }))
                    }
                }),
            )
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}/jwks.json"),
            keys,
            hits,
        }
    }

    fn publish(&self, key: Value) {
        self.keys.lock().expect("keys").push(key);
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn oidc_settings(jwks_url: &str) -> RawSettings {
    RawSettings {
        oidc_issuer: Some(ISSUER.into()),
        oidc_audience: Some(AUDIENCE.into()),
        oidc_jwks_url: Some(jwks_url.into()),
        ..Default::default()
    }
}

async fn exec(app: &TestApp, sql: &str) {
    use sea_orm::ConnectionTrait;
    app.db.execute_unprepared(sql).await.expect(sql);
}

/// Starts the app with `raw` and links the demo police officer to [`SUBJECT`].
async fn app_with(raw: RawSettings) -> TestApp {
    let app = spawn_app_with(Options { demo: true, raw }).await;
    exec(
        &app,
        &format!(
            "UPDATE app_user SET external_subject = '{SUBJECT}' WHERE email = '{POLICE_OFFICER}'"
        ),
    )
    .await;
    app
}

fn claims() -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": SUBJECT,
        "iat": now, "nbf": now, "exp": now + 300,
    })
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn without(mut claims: Value, key: &str) -> Value {
    if let Some(map) = claims.as_object_mut() {
        map.remove(key);
    }
    claims
}

/// A token signed by the key `signer`, with `alg` and `kid` in its header.
fn token_by(signer: &str, alg: Algorithm, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_string);
    encode(&header, claims, &private_key(signer)).expect("sign")
}

fn rs256(kid: &str, claims: &Value) -> String {
    token_by(kid, Algorithm::RS256, Some(kid), claims)
}

fn es256(kid: &str, claims: &Value) -> String {
    token_by(kid, Algorithm::ES256, Some(kid), claims)
}

async fn viewer_email(app: &TestApp, token: &str) -> Result<String, String> {
    let answer = app.post(Some(token), VIEWER, json!({})).await;
    match answer.data()["viewer"]["user"]["email"].as_str() {
        Some(email) if answer.errors().is_empty() => Ok(email.to_string()),
        _ => Err(answer.body.to_string()),
    }
}

async fn is_refused(app: &TestApp, token: &str) -> bool {
    let answer = app.post(Some(token), VIEWER, json!({})).await;
    answer.codes() == ["UNAUTHENTICATED"] && answer.data().is_null()
}

/// Asserts that every named token is refused with `UNAUTHENTICATED`, listing all that are not.
async fn assert_all_refused(app: &TestApp, cases: &[(&str, String)]) {
    let mut failures = Vec::new();
    for (name, token) in cases {
        if !is_refused(app, token).await {
            failures.push(*name);
        }
    }
    assert!(failures.is_empty(), "not refused: {failures:?}");
}

#[tokio::test]
async fn valid_rs256_and_es256_tokens_sign_in_the_mapped_user() {
    let jwks = JwksServer::start(vec![jwk("rsa-1"), jwk("ec-1")]).await;
    let app = app_with(oidc_settings(&jwks.url)).await;

    let rsa = rs256("rsa-1", &claims());
    let ec = es256("ec-1", &claims());
    assert_eq!(
        viewer_email(&app, &rsa).await.as_deref(),
        Ok(POLICE_OFFICER)
    );
    assert_eq!(viewer_email(&app, &ec).await.as_deref(), Ok(POLICE_OFFICER));
    let answer = app.post(Some(&rsa), VIEWER, json!({})).await;
    assert_eq!(
        answer.ok()["viewer"]["roles"],
        json!(["police_officer"]),
        "permissions come from the database"
    );
    assert_eq!(
        viewer_email(&app, &app.login(HOUSING_OFFICER).await.token)
            .await
            .as_deref(),
        Ok(HOUSING_OFFICER),
        "local sign-in still works alongside"
    );

    // An audience list that includes ours is accepted, as OIDC allows.
    let listed = rs256("rsa-1", &with(claims(), "aud", json!(["other", AUDIENCE])));
    assert!(viewer_email(&app, &listed).await.is_ok());

    // A subject that maps to nobody, and a mapped user who is disabled, are refused.
    let stranger = rs256("rsa-1", &with(claims(), "sub", json!("ext-nobody")));
    assert!(is_refused(&app, &stranger).await, "unmapped subject");
    exec(
        &app,
        &format!("UPDATE app_user SET disabled = TRUE WHERE email = '{POLICE_OFFICER}'"),
    )
    .await;
    assert!(is_refused(&app, &rsa).await, "disabled user");
    exec(
        &app,
        &format!("UPDATE app_user SET disabled = FALSE WHERE email = '{POLICE_OFFICER}'"),
    )
    .await;

    // No session exists for an external token: logout succeeds, is logged, and revokes nothing.
    let before = app
        .count("SELECT COUNT(*) AS n FROM access_log WHERE operation = 'logout'")
        .await;
    let logout = app.post(Some(&rsa), "mutation { logout }", json!({})).await;
    assert_eq!(logout.ok()["logout"], true);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM access_log WHERE operation = 'logout'")
            .await,
        before + 1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM auth_session WHERE revoked_at IS NOT NULL")
            .await,
        0
    );
    assert!(viewer_email(&app, &rsa).await.is_ok());
}

#[tokio::test]
async fn wrong_kids_and_keys_outside_the_jwks_are_refused() {
    let jwks = JwksServer::start(vec![jwk("rsa-1"), jwk("ec-1")]).await;
    let attacker = JwksServer::start(vec![jwk("rogue")]).await;
    let app = app_with(oidc_settings(&jwks.url)).await;
    assert!(viewer_email(&app, &rs256("rsa-1", &claims())).await.is_ok());

    let c = claims();
    let mut jku = Header::new(Algorithm::RS256);
    jku.kid = Some("rogue".into());
    jku.jku = Some(attacker.url.clone());
    let mut x5u = Header::new(Algorithm::RS256);
    x5u.kid = Some("rogue".into());
    x5u.x5u = Some(attacker.url.clone());
    let mut embedded = Header::new(Algorithm::RS256);
    embedded.kid = Some("rsa-1".into());
    embedded.jwk = Some(serde_json::from_value(jwk("rogue")).expect("jwk"));
    let rogue = private_key("rogue");
    let cases = [
        (
            "unknown kid",
            token_by("rsa-1", Algorithm::RS256, Some("no-such-key"), &c),
        ),
        ("no kid", token_by("rsa-1", Algorithm::RS256, None, &c)),
        (
            "signed by a key not in the JWKS, claiming a published kid",
            token_by("rogue", Algorithm::RS256, Some("rsa-1"), &c),
        ),
        (
            "signed by a key not in the JWKS, with its own kid",
            rs256("rogue", &c),
        ),
        (
            "jku pointing at the attacker's JWKS",
            encode(&jku, &c, &rogue).expect("sign"),
        ),
        (
            "x5u pointing at the attacker's key",
            encode(&x5u, &c, &rogue).expect("sign"),
        ),
        (
            "jwk header embedding the attacker's key",
            encode(&embedded, &c, &rogue).expect("sign"),
        ),
        (
            "RS256 token naming the EC key",
            token_by("rsa-1", Algorithm::RS256, Some("ec-1"), &c),
        ),
        (
            "ES256 token naming the RSA key",
            token_by("ec-1", Algorithm::ES256, Some("rsa-1"), &c),
        ),
        (
            "PS256 with the published RSA key (not pinned)",
            token_by("rsa-1", Algorithm::PS256, Some("rsa-1"), &c),
        ),
        (
            "RS512 with the published RSA key (not pinned)",
            token_by("rsa-1", Algorithm::RS512, Some("rsa-1"), &c),
        ),
    ];
    assert_all_refused(&app, &cases).await;
    assert_eq!(attacker.hits(), 0, "the header's jku/x5u is never fetched");
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_refused() {
    let jwks = JwksServer::start(vec![jwk("rsa-1"), jwk("ec-1")]).await;
    let app = app_with(oidc_settings(&jwks.url)).await;
    let hs = |secret: &[u8], kid: &str| {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(kid.into());
        encode(&header, &claims(), &EncodingKey::from_secret(secret)).expect("sign")
    };
    let cases = [
        (
            "HS256 keyed with the RSA public key PEM",
            hs(&fixture("rsa-1.pub.pem"), "rsa-1"),
        ),
        (
            "HS256 keyed with the RSA JWK",
            hs(&fixture("rsa-1.jwk.json"), "rsa-1"),
        ),
        (
            "HS256 keyed with the EC public key PEM",
            hs(&fixture("ec-1.pub.pem"), "ec-1"),
        ),
        (
            "HS256 keyed with the local secret",
            hs(TEST_JWT_SECRET.as_bytes(), "rsa-1"),
        ),
    ];
    assert_all_refused(&app, &cases).await;
}

#[tokio::test]
async fn every_claim_is_checked() {
    let jwks = JwksServer::start(vec![jwk("rsa-1")]).await;
    let app = app_with(oidc_settings(&jwks.url)).await;
    let now = chrono::Utc::now().timestamp();
    let cases = [
        (
            "expired",
            rs256("rsa-1", &with(claims(), "exp", json!(now - 60))),
        ),
        (
            "not yet valid",
            rs256("rsa-1", &with(claims(), "nbf", json!(now + 120))),
        ),
        (
            "wrong audience",
            rs256("rsa-1", &with(claims(), "aud", json!("asb-hub-api"))),
        ),
        ("missing aud", rs256("rsa-1", &without(claims(), "aud"))),
        ("missing exp", rs256("rsa-1", &without(claims(), "exp"))),
        ("missing nbf", rs256("rsa-1", &without(claims(), "nbf"))),
        (
            "exp as a string",
            rs256("rsa-1", &with(claims(), "exp", json!("9999999999"))),
        ),
        ("missing subject", rs256("rsa-1", &without(claims(), "sub"))),
        (
            "subject not a string",
            rs256("rsa-1", &with(claims(), "sub", json!(42))),
        ),
        ("tampered payload", {
            let t = rs256("rsa-1", &claims());
            let mut parts: Vec<String> = t.split('.').map(str::to_string).collect();
            let forged = with(claims(), "sub", json!("ext-someone-else"));
            parts[1] = base64_url(&forged);
            parts.join(".")
        }),
    ];
    assert_all_refused(&app, &cases).await;
}

fn base64_url(value: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

#[tokio::test]
async fn an_issuer_mismatch_falls_through_to_local_validation_and_is_refused() {
    let jwks = JwksServer::start(vec![jwk("rsa-1")]).await;
    let app = app_with(oidc_settings(&jwks.url)).await;
    let cases = [
        (
            "another issuer",
            rs256(
                "rsa-1",
                &with(claims(), "iss", json!("https://other.example")),
            ),
        ),
        (
            "the local issuer, signed with the external key",
            rs256("rsa-1", &with(claims(), "iss", json!("asb-hub"))),
        ),
        ("no issuer", rs256("rsa-1", &without(claims(), "iss"))),
    ];
    assert_all_refused(&app, &cases).await;
    assert_eq!(
        jwks.hits(),
        0,
        "tokens for other issuers never touch the JWKS"
    );
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_by_refreshing_on_an_unknown_kid() {
    let jwks = JwksServer::start(vec![jwk("rsa-1")]).await;
    let app = app_with(RawSettings {
        oidc_jwks_min_refresh_seconds: Some(1),
        ..oidc_settings(&jwks.url)
    })
    .await;
    assert!(viewer_email(&app, &rs256("rsa-1", &claims())).await.is_ok());
    assert_eq!(jwks.hits(), 1);

    jwks.publish(jwk("rsa-2"));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        viewer_email(&app, &rs256("rsa-2", &claims()))
            .await
            .as_deref(),
        Ok(POLICE_OFFICER),
        "a token with the new kid works"
    );
    assert_eq!(jwks.hits(), 2, "one refresh fetched the new key");
    assert!(viewer_email(&app, &rs256("rsa-1", &claims())).await.is_ok());
    assert!(viewer_email(&app, &rs256("rsa-2", &claims())).await.is_ok());
    assert_eq!(jwks.hits(), 2, "known keys come from the cache");
}

#[tokio::test]
async fn unknown_kids_cannot_make_the_server_hammer_the_provider() {
    let jwks = JwksServer::start(vec![jwk("rsa-1")]).await;
    let app = app_with(oidc_settings(&jwks.url)).await;
    assert!(viewer_email(&app, &rs256("rsa-1", &claims())).await.is_ok());
    assert_eq!(jwks.hits(), 1);
    for i in 0..5 {
        let t = token_by(
            "rsa-1",
            Algorithm::RS256,
            Some(&format!("made-up-{i}")),
            &claims(),
        );
        assert!(is_refused(&app, &t).await);
    }
    let hs = {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("made-up-hs".into());
        encode(&header, &claims(), &EncodingKey::from_secret(b"x")).expect("sign")
    };
    assert!(is_refused(&app, &hs).await);
    assert_eq!(
        jwks.hits(),
        1,
        "no refetch within the 30 s refresh interval, and none for an algorithm not pinned"
    );
}

#[tokio::test]
async fn a_jwks_file_is_read_and_reread_on_an_unknown_kid() {
    let dir = std::env::temp_dir().join(format!("asb-jwks-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("jwks.json");
    let write = |keys: Value| std::fs::write(&file, json!({ "keys": keys }).to_string());
    write(json!([jwk("rsa-1")])).expect("write");
    let app = app_with(RawSettings {
        oidc_issuer: Some(ISSUER.into()),
        oidc_audience: Some(AUDIENCE.into()),
        oidc_jwks_file: Some(file.display().to_string()),
        oidc_jwks_min_refresh_seconds: Some(1),
        ..Default::default()
    })
    .await;
    assert!(viewer_email(&app, &rs256("rsa-1", &claims())).await.is_ok());
    write(json!([jwk("rsa-1"), jwk("ec-1")])).expect("rewrite");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        viewer_email(&app, &es256("ec-1", &claims()))
            .await
            .as_deref(),
        Ok(POLICE_OFFICER)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_subject_claim_is_configurable() {
    let jwks = JwksServer::start(vec![jwk("rsa-1")]).await;
    let app = app_with(RawSettings {
        oidc_subject_claim: Some("email".into()),
        ..oidc_settings(&jwks.url)
    })
    .await;
    let by_email = with(
        with(claims(), "email", json!(SUBJECT)),
        "sub",
        json!("opaque-id"),
    );
    assert!(viewer_email(&app, &rs256("rsa-1", &by_email)).await.is_ok());
    assert!(
        is_refused(&app, &rs256("rsa-1", &claims())).await,
        "`sub` is not consulted when another claim is configured"
    );
}

#[tokio::test]
async fn an_unreachable_provider_refuses_external_tokens_but_not_local_ones() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let app = app_with(oidc_settings(&format!("http://127.0.0.1:{port}/jwks.json"))).await;
    let answer = app
        .post(Some(&rs256("rsa-1", &claims())), VIEWER, json!({}))
        .await;
    assert_eq!(answer.codes(), ["UNAUTHENTICATED"]);
    let local = app.login(HOUSING_OFFICER).await;
    assert!(viewer_email(&app, &local.token).await.is_ok());
}
