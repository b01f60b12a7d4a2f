//! Access-token validation: every forged, altered or stale token is refused with
//! `UNAUTHENTICATED`.
//!
//! Each attack differs from a control token in one respect. The control is forged here with the
//! right secret and claims and must be accepted, so a refusal below is caused by the one thing
//! the case changes, not by a mistake in the forging.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, crypto::sign, dangerous::insecure_decode};
use serde_json::{Value, json};
use tests::*;
use uuid::Uuid;

const VIEWER: &str = "{ viewer { user { email } } }";
const RSA_KEY: &[u8] = include_bytes!("../fixtures/oidc/rsa-1.key.pem");

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// A token with exactly this header and payload, signed by `key` with `alg`.
fn forge(header: &Value, claims: &Value, alg: Algorithm, key: &EncodingKey) -> String {
    let message = format!("{}.{}", b64(header), b64(claims));
    let signature = sign(message.as_bytes(), key, alg).expect("sign");
    format!("{message}.{signature}")
}

fn hs256(header: &Value, claims: &Value, secret: &str) -> String {
    forge(
        header,
        claims,
        Algorithm::HS256,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
}

/// Claims like the server's own, for this user and session.
fn claims(user: &str, session: &str) -> Value {
    let now = now();
    json!({
        "sub": user, "sid": session, "iss": "asb-hub", "aud": "asb-hub-api",
        "iat": now, "nbf": now, "exp": now + 600, "jti": Uuid::new_v4().to_string(),
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

/// The (sub, sid) of a real token, read without verification.
fn ids(token: &str) -> (String, String) {
    let data = insecure_decode::<Value>(token).expect("decode");
    (
        data.claims["sub"].as_str().expect("sub").to_string(),
        data.claims["sid"].as_str().expect("sid").to_string(),
    )
}

async fn viewer_email(app: &TestApp, token: &str) -> Result<String, Answer> {
    let answer = app.post(Some(token), VIEWER, json!({})).await;
    match answer.data()["viewer"]["user"]["email"].as_str() {
        Some(email) if answer.errors().is_empty() => Ok(email.to_string()),
        _ => Err(answer),
    }
}

#[tokio::test]
async fn genuine_and_correctly_forged_tokens_are_accepted() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    assert_eq!(
        viewer_email(&app, &officer.token).await.ok().as_deref(),
        Some(POLICE_OFFICER),
        "the genuine token works"
    );
    let (user, session) = ids(&officer.token);
    let control = hs256(
        &json!({ "alg": "HS256", "typ": "JWT" }),
        &claims(&user, &session),
        TEST_JWT_SECRET,
    );
    assert_eq!(
        viewer_email(&app, &control).await.ok().as_deref(),
        Some(POLICE_OFFICER),
        "the control token (right secret, right claims) works"
    );
}

#[tokio::test]
async fn every_bad_token_is_refused_with_unauthenticated() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let other = app.login(HOUSING_OFFICER).await;
    let revoked = app.login(POLICE_OFFICER).await;
    revoked.query("mutation { logout }", json!({})).await.ok();

    let (user, session) = ids(&officer.token);
    let (other_user, _) = ids(&other.token);
    let (_, other_session) = ids(&other.token);
    let good = || claims(&user, &session);
    let hs = json!({ "alg": "HS256", "typ": "JWT" });
    let now = now();
    let secret = TEST_JWT_SECRET;
    let wrong_secret = "another-secret-that-is-long-enough-0123456789";

    let control = hs256(&hs, &good(), secret);
    let (control_head, control_body, control_sig) = {
        let mut parts = control.split('.');
        let mut next = || parts.next().unwrap_or_default().to_string();
        (next(), next(), next())
    };
    let rsa = EncodingKey::from_rsa_pem(RSA_KEY).expect("rsa key");

    let cases: Vec<(&str, String)> = vec![
        (
            "expired beyond the 5 s leeway",
            hs256(
                &hs,
                &with(
                    with(good(), "exp", json!(now - 30)),
                    "nbf",
                    json!(now - 600),
                ),
                secret,
            ),
        ),
        (
            "not yet valid (nbf in the future)",
            hs256(&hs, &with(good(), "nbf", json!(now + 120)), secret),
        ),
        (
            "wrong issuer",
            hs256(&hs, &with(good(), "iss", json!("someone-else")), secret),
        ),
        (
            "wrong audience",
            hs256(&hs, &with(good(), "aud", json!("another-api")), secret),
        ),
        (
            "audience list without ours",
            hs256(&hs, &with(good(), "aud", json!(["a", "b"])), secret),
        ),
        ("missing aud", hs256(&hs, &without(good(), "aud"), secret)),
        ("missing iss", hs256(&hs, &without(good(), "iss"), secret)),
        ("missing exp", hs256(&hs, &without(good(), "exp"), secret)),
        ("missing nbf", hs256(&hs, &without(good(), "nbf"), secret)),
        (
            "exp as a string (type confusion)",
            hs256(&hs, &with(good(), "exp", json!("9999999999")), secret),
        ),
        (
            "nbf as a string (type confusion)",
            hs256(
                &hs,
                &with(good(), "nbf", json!((now + 3600).to_string())),
                secret,
            ),
        ),
        (
            "exp as null",
            hs256(&hs, &with(good(), "exp", Value::Null), secret),
        ),
        (
            "tampered payload with the original signature",
            format!(
                "{control_head}.{}.{control_sig}",
                b64(&with(good(), "sub", json!(other_user)))
            ),
        ),
        (
            "tampered header with the original signature",
            format!(
                "{}.{control_body}.{control_sig}",
                b64(&json!({ "alg": "HS256", "typ": "JWT", "kid": "x" }))
            ),
        ),
        (
            "signature stripped",
            format!("{control_head}.{control_body}."),
        ),
        (
            "signed with another secret",
            hs256(&hs, &good(), wrong_secret),
        ),
        (
            "alg: none, no signature",
            format!(
                "{}.{}.",
                b64(&json!({ "alg": "none", "typ": "JWT" })),
                b64(&good())
            ),
        ),
        (
            "alg: none, original signature",
            format!(
                "{}.{}.{control_sig}",
                b64(&json!({ "alg": "none", "typ": "JWT" })),
                b64(&good())
            ),
        ),
        (
            "alg: HS512 with the right secret (algorithm pinned)",
            forge(
                &json!({ "alg": "HS512", "typ": "JWT" }),
                &good(),
                Algorithm::HS512,
                &EncodingKey::from_secret(secret.as_bytes()),
            ),
        ),
        (
            "alg: HS384 with the right secret (algorithm pinned)",
            forge(
                &json!({ "alg": "HS384", "typ": "JWT" }),
                &good(),
                Algorithm::HS384,
                &EncodingKey::from_secret(secret.as_bytes()),
            ),
        ),
        (
            "RS256 header over an HMAC signature with the right secret (HS/RS confusion)",
            hs256(&json!({ "alg": "RS256", "typ": "JWT" }), &good(), secret),
        ),
        (
            "a genuine RS256 signature by a key the server never trusted",
            forge(
                &json!({ "alg": "RS256", "typ": "JWT", "kid": "rsa-1" }),
                &good(),
                Algorithm::RS256,
                &rsa,
            ),
        ),
        (
            "header kid pointing elsewhere, signed with a wrong key",
            hs256(
                &json!({ "alg": "HS256", "kid": "attacker" }),
                &good(),
                wrong_secret,
            ),
        ),
        (
            "header jku pointing elsewhere, signed with a wrong key",
            hs256(
                &json!({ "alg": "HS256", "jku": "http://127.0.0.1:9/jwks.json" }),
                &good(),
                wrong_secret,
            ),
        ),
        (
            "header x5u pointing elsewhere, signed with a wrong key",
            hs256(
                &json!({ "alg": "HS256", "x5u": "http://127.0.0.1:9/cert.pem" }),
                &good(),
                wrong_secret,
            ),
        ),
        (
            "header jwk embedding the attacker's key",
            hs256(
                &json!({ "alg": "HS256", "jwk": { "kty": "oct", "k": URL_SAFE_NO_PAD.encode(wrong_secret) } }),
                &good(),
                wrong_secret,
            ),
        ),
        ("garbage", "not-a-token".to_string()),
        ("two segments", format!("{control_head}.{control_body}")),
        ("empty", String::new()),
        ("non-base64 segments", "%%%.&&&.***".to_string()),
        ("revoked session (after logout)", revoked.token.clone()),
        (
            "unknown user with a real session",
            hs256(
                &hs,
                &with(good(), "sub", json!(Uuid::new_v4().to_string())),
                secret,
            ),
        ),
        (
            "real user with an unknown session",
            hs256(
                &hs,
                &with(good(), "sid", json!(Uuid::new_v4().to_string())),
                secret,
            ),
        ),
        (
            "real user with another user's session",
            hs256(&hs, &with(good(), "sid", json!(other_session)), secret),
        ),
        (
            "subject that is not a user id",
            hs256(&hs, &with(good(), "sub", json!(POLICE_OFFICER)), secret),
        ),
        ("missing sid", hs256(&hs, &without(good(), "sid"), secret)),
    ];

    let mut failures = Vec::new();
    for (name, token) in &cases {
        let answer = app.post(Some(token), VIEWER, json!({})).await;
        let refused = answer.codes() == ["UNAUTHENTICATED"] && answer.data().is_null();
        if !refused {
            failures.push(format!("{name}: {}", answer.body));
        }
    }
    assert!(
        failures.is_empty(),
        "tokens that were not refused with UNAUTHENTICATED:\n{}",
        failures.join("\n")
    );

    // The control, built the same way, still works: the refusals above are the cases' doing.
    assert_eq!(
        viewer_email(&app, &control).await.ok().as_deref(),
        Some(POLICE_OFFICER),
        "control token"
    );
}

#[tokio::test]
async fn a_token_within_the_leeway_is_accepted() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    let (user, session) = ids(&officer.token);
    let hs = json!({ "alg": "HS256", "typ": "JWT" });
    let just_expired = hs256(
        &hs,
        &with(claims(&user, &session), "exp", json!(now() - 1)),
        TEST_JWT_SECRET,
    );
    assert!(
        viewer_email(&app, &just_expired).await.is_ok(),
        "a second of clock skew is tolerated"
    );
}

#[tokio::test]
async fn a_malformed_authorization_header_is_refused_not_treated_as_anonymous() {
    let app = spawn_app().await;
    let officer = app.login(POLICE_OFFICER).await;
    for value in [
        format!("Basic {}", officer.token),
        officer.token.clone(),
        "Bearer".to_string(),
    ] {
        let res = app
            .client
            .post(app.url("/graphql"))
            .header("authorization", &value)
            .json(&json!({ "query": VIEWER }))
            .send()
            .await
            .expect("request");
        let answer = to_answer(res).await;
        assert_eq!(answer.codes(), ["UNAUTHENTICATED"], "header {value:?}");
    }
}
