//! Access tokens: HS256 JWTs signed with the server's secret.
//!
//! Validation pins the algorithm and checks signature, `exp`, `nbf`, `iss` and `aud`, all of which
//! are required. The token header never chooses the key: there is one key per algorithm, chosen
//! by our configuration, and `kid`, `jku` and `x5u` are ignored.
//!
//! [`TokenKeys`] also holds the optional [`ExternalIdp`], so that everything that verifies a
//! bearer token lives behind one handle.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{auth::external::ExternalIdp, configuration::Settings};

/// Seconds of clock skew tolerated on `exp` and `nbf`, for local and external tokens alike.
pub(crate) const LEEWAY_SECS: u64 = 5;

#[derive(Debug, Serialize, Deserialize, Clone, PartialEq)]
pub struct Claims {
    pub sub: String,
    /// The session (refresh-token family) this token belongs to.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: String,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: chrono::Duration,
    external: Option<ExternalIdp>,
}

/// A signed token and when it stops being valid.
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl TokenKeys {
    pub fn new(settings: &Settings) -> Self {
        let secret = settings.jwt_secret.expose().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[settings.jwt_issuer.as_str()]);
        validation.set_audience(&[settings.jwt_audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
            ttl: chrono::Duration::from_std(settings.access_token_ttl)
                .unwrap_or(chrono::Duration::minutes(15)),
            external: settings.oidc.as_ref().map(ExternalIdp::new),
        }
    }

    /// The external identity provider, when one is configured.
    pub fn external(&self) -> Option<&ExternalIdp> {
        self.external.as_ref()
    }

    pub fn issue(
        &self,
        user_id: Uuid,
        session_id: Uuid,
    ) -> Result<IssuedToken, jsonwebtoken::errors::Error> {
        let now = Utc::now();
        let expires_at = now + self.ttl;
        let claims = Claims {
            sub: user_id.to_string(),
            sid: session_id.to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: expires_at.timestamp(),
            jti: Uuid::new_v4().to_string(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(IssuedToken { token, expires_at })
    }

    /// The verified (user id, session id), or `None` for any token that fails a check.
    pub fn verify(&self, token: &str) -> Option<(Uuid, Uuid)> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        let user = Uuid::parse_str(&data.claims.sub).ok()?;
        let session = Uuid::parse_str(&data.claims.sid).ok()?;
        Some((user, session))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::RawSettings;

    fn keys() -> TokenKeys {
        let dir = std::env::temp_dir().join(format!("asb-tok-{}", Uuid::new_v4()));
        let settings = RawSettings {
            data_dir: Some(dir.display().to_string()),
            jwt_secret: Some("k".repeat(48)),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        TokenKeys::new(&settings)
    }

    #[test]
    fn round_trip() {
        let k = keys();
        let (u, s) = (Uuid::new_v4(), Uuid::new_v4());
        let t = k.issue(u, s).unwrap();
        assert_eq!(k.verify(&t.token), Some((u, s)));
    }

    #[test]
    fn alg_none_is_refused() {
        let k = keys();
        let t = k.issue(Uuid::new_v4(), Uuid::new_v4()).unwrap().token;
        let payload = t.split('.').nth(1).unwrap();
        let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert_eq!(k.verify(&none), None);
    }
}
