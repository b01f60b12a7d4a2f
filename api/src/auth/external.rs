//! The optional external identity provider: RS256 or ES256 tokens from one configured OpenID
//! Connect issuer, verified with the keys it publishes as a JWKS (URL or file).
//!
//! How a key is chosen, and why an attacker cannot choose it:
//! - Only tokens whose `iss` equals `oidc_issuer` come here (see [`ExternalIdp::claims_issuer`]);
//!   every other token goes to the local HS256 check.
//! - The key comes only from the configured JWKS, found by the header's `kid`. The header's
//!   `jku`, `x5u`, `x5c` and `jwk` are never read.
//! - The JWK decides the algorithm: an RSA key verifies RS256 only, a P-256 key ES256 only. The
//!   header's `alg` must be in the pinned list and equal the key's; it never picks the key
//!   family, so an HS256 token "signed" with a public key is refused.
//! - JWKs that are not signing keys, whose own `alg` disagrees, or RSA keys under 2048 bits are
//!   ignored.
//! - Keys are cached. An unknown `kid` triggers one refetch of the JWKS, at most once per
//!   `oidc_jwks_min_refresh_seconds`, before the token is refused; so a provider's key rotation
//!   works without a restart, and a flood of made-up `kid`s cannot hammer the provider.
//!
//! `exp`, `nbf`, `iss` and `aud` are all required and checked. The configured claim
//! (`oidc_subject_claim`, `sub` by default) names the user through `app_user.external_subject`;
//! the caller then loads the user and their permissions from the database as for a local token.
//! There is no session row: such a principal's `Actor::session_id` is `None`.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use base64::Engine;
use jsonwebtoken::{
    Algorithm, DecodingKey, Validation, decode, decode_header,
    jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse},
};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::{
    auth::tokens::LEEWAY_SECS,
    configuration::{JwksSource, OidcSettings},
};

/// The only algorithms an external token may use.
const PINNED: [Algorithm; 2] = [Algorithm::RS256, Algorithm::ES256];
/// Time allowed for one fetch of the key set.
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);
/// A key set larger than this is refused.
const MAX_JWKS_BYTES: usize = 256 * 1024;
/// RSA keys shorter than this are ignored.
const MIN_RSA_BITS: usize = 2048;

/// One usable key from the JWKS and the single algorithm it verifies.
struct VerifyingKey {
    key: DecodingKey,
    alg: Algorithm,
}

type KeySet = HashMap<String, Arc<VerifyingKey>>;

pub struct ExternalIdp {
    issuer: String,
    source: JwksSource,
    subject_claim: String,
    min_refresh: Duration,
    validation: Validation,
    keys: RwLock<Arc<KeySet>>,
    /// When the key set was last fetched; held while fetching, so one fetch runs at a time.
    last_fetch: tokio::sync::Mutex<Option<Instant>>,
}

#[derive(Debug, thiserror::Error)]
enum FetchError {
    #[error("fetching the JWKS failed: {0}")]
    Http(reqwest::Error),
    #[error("reading the JWKS file failed: {0}")]
    File(std::io::Error),
    #[error("the JWKS is larger than {MAX_JWKS_BYTES} bytes")]
    TooLarge,
    #[error("the JWKS is not a JSON key set: {0}")]
    Json(serde_json::Error),
}

#[derive(Deserialize)]
struct RawKeySet {
    keys: Vec<Value>,
}

#[derive(Deserialize)]
struct IssuerOnly {
    iss: Option<Value>,
}

impl ExternalIdp {
    pub fn new(settings: &OidcSettings) -> Self {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[settings.issuer.as_str()]);
        validation.set_audience(&[settings.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud"]);
        Self {
            issuer: settings.issuer.clone(),
            source: settings.jwks.clone(),
            subject_claim: settings.subject_claim.clone(),
            min_refresh: settings.jwks_min_refresh,
            validation,
            keys: RwLock::new(Arc::new(KeySet::new())),
            last_fetch: tokio::sync::Mutex::new(None),
        }
    }

    /// Whether the token *says* it comes from our external issuer. Nothing is verified here: this
    /// only routes the token to the right check, and both checks verify `iss` again.
    pub fn claims_issuer(&self, token: &str) -> bool {
        jsonwebtoken::dangerous::insecure_decode_claims::<IssuerOnly>(token)
            .ok()
            .and_then(|c| c.iss)
            .is_some_and(|iss| iss.as_str() == Some(self.issuer.as_str()))
    }

    /// The verified external subject (the configured claim), or `None` for any token that fails a
    /// check.
    pub async fn verify(&self, token: &str) -> Option<String> {
        let header = decode_header(token).ok()?;
        // Refuse other algorithms before looking up keys, so they cannot trigger a fetch.
        if !PINNED.contains(&header.alg) {
            return None;
        }
        let kid = header.kid.as_deref().filter(|k| !k.is_empty())?;
        let key = self.key_for(kid).await?;
        if key.alg != header.alg {
            return None;
        }
        let mut validation = self.validation.clone();
        validation.algorithms = vec![key.alg];
        let data = decode::<Map<String, Value>>(token, &key.key, &validation).ok()?;
        data.claims
            .get(&self.subject_claim)?
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    fn cached(&self, kid: &str) -> Option<Arc<VerifyingKey>> {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        keys.get(kid).cloned()
    }

    async fn key_for(&self, kid: &str) -> Option<Arc<VerifyingKey>> {
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        let mut last_fetch = self.last_fetch.lock().await;
        // Another request may have refreshed the set while this one waited.
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        if last_fetch.is_some_and(|at| at.elapsed() < self.min_refresh) {
            return None;
        }
        *last_fetch = Some(Instant::now());
        match self.fetch().await {
            Ok(set) => {
                tracing::info!(
                    jwks.keys = set.len(),
                    "external identity provider keys loaded"
                );
                *self.keys.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(set);
            }
            // The old keys stay in use; the provider may be briefly unreachable.
            Err(e) => tracing::warn!(error = %e, "external identity provider keys not refreshed"),
        }
        self.cached(kid)
    }

    async fn fetch(&self) -> Result<KeySet, FetchError> {
        let bytes = match &self.source {
            JwksSource::Url(url) => fetch_url(url).await?,
            JwksSource::File(path) => read_file(path.clone()).await?,
        };
        let raw: RawKeySet = serde_json::from_slice(&bytes).map_err(FetchError::Json)?;
        Ok(parse_keys(raw.keys))
    }
}

async fn fetch_url(url: &str) -> Result<Vec<u8>, FetchError> {
    // The URL is configuration, but keep query strings out of the logs anyway.
    let http = |e: reqwest::Error| FetchError::Http(e.without_url());
    // Built per fetch (at most one per refresh interval), so a TLS set-up failure is an ordinary
    // error here rather than a panic at start-up.
    let client = reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(http)?;
    let mut res = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(http)?;
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(http)? {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

async fn read_file(path: PathBuf) -> Result<Vec<u8>, FetchError> {
    let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(|e| FetchError::File(std::io::Error::other(e)))?
        .map_err(FetchError::File)?;
    if bytes.len() > MAX_JWKS_BYTES {
        return Err(FetchError::TooLarge);
    }
    Ok(bytes)
}

/// The usable signing keys, by `kid`. Keys that cannot be used safely are skipped, not fatal, so
/// one odd key in a provider's set does not lock everyone out.
fn parse_keys(raw: Vec<Value>) -> KeySet {
    let mut set = KeySet::new();
    for value in raw {
        let Ok(jwk) = serde_json::from_value::<Jwk>(value) else {
            continue;
        };
        let Some((kid, key)) = usable(&jwk) else {
            continue;
        };
        // The first key with a given kid wins; a duplicate cannot replace it.
        set.entry(kid).or_insert_with(|| Arc::new(key));
    }
    set
}

fn usable(jwk: &Jwk) -> Option<(String, VerifyingKey)> {
    let kid = jwk.common.key_id.clone().filter(|k| !k.is_empty())?;
    if jwk
        .common
        .public_key_use
        .as_ref()
        .is_some_and(|u| *u != PublicKeyUse::Signature)
    {
        return None;
    }
    let alg = match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            let modulus = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(rsa.n.trim_end_matches('='))
                .ok()?;
            let leading_zeros = modulus.iter().take_while(|b| **b == 0).count();
            ((modulus.len() - leading_zeros) * 8 >= MIN_RSA_BITS).then_some(Algorithm::RS256)?
        }
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        _ => return None,
    };
    if let Some(declared) = jwk.common.key_algorithm
        && declared != KeyAlgorithm::from(alg)
    {
        return None;
    }
    let key = DecodingKey::from_jwk(jwk).ok()?;
    Some((kid, VerifyingKey { key, alg }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rsa_jwk(kid: &str, n_bytes: usize) -> Value {
        let mut n = vec![0xC5u8; n_bytes];
        n[n_bytes - 1] = 0x01;
        json!({
            "kty": "RSA", "kid": kid,
            "n": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(n),
            "e": "AQAB",
        })
    }

    #[test]
    fn only_safe_signing_keys_are_kept() {
        let mut enc = rsa_jwk("enc", 256);
        enc["use"] = json!("enc");
        let mut wrong_alg = rsa_jwk("wrong-alg", 256);
        wrong_alg["alg"] = json!("RS512");
        let mut declared = rsa_jwk("declared", 256);
        declared["alg"] = json!("RS256");
        let set = parse_keys(vec![
            rsa_jwk("good", 256),
            declared,
            rsa_jwk("short", 128),
            enc,
            wrong_alg,
            json!({ "kty": "oct", "kid": "hmac", "k": "c2VjcmV0" }),
            json!({ "kty": "EC", "kid": "p384", "crv": "P-384", "x": "AA", "y": "AA" }),
            json!({ "kty": "RSA", "n": "AQAB", "e": "AQAB" }),
            json!("not a key"),
        ]);
        let mut kids: Vec<&str> = set.keys().map(String::as_str).collect();
        kids.sort();
        assert_eq!(kids, ["declared", "good"]);
        assert!(set.values().all(|k| k.alg == Algorithm::RS256));
    }

    #[test]
    fn a_duplicate_kid_cannot_replace_the_first_key() {
        let mut second = rsa_jwk("k", 256);
        second["n"] = json!(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 256]));
        let set = parse_keys(vec![rsa_jwk("k", 256), second]);
        assert_eq!(set.len(), 1);
    }
}
