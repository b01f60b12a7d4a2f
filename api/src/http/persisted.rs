//! Persisted-query allow-list mode (`ASB_HUB_PERSISTED_QUERIES`, off by default).
//!
//! When a manifest is configured, only the operations a partner's front-end build registered in
//! it can run. The manifest maps the SHA-256 (lower-case hex) of each operation's exact text to
//! that text, either as a plain JSON object `{ "<sha256>": "<query text>", ... }` or in the
//! Apollo persisted-query manifest format
//! (`{ "format": "apollo-persisted-query-manifest", "operations": [{ "id", "body", ... }] }`).
//! Every entry is checked at start-up: an id that is not the SHA-256 of its text stops the server.
//!
//! A request names its operation with Apollo's APQ extension,
//! `"extensions": { "persistedQuery": { "version": 1, "sha256Hash": "<sha256>" } }`, with or
//! without the text, or sends the full text of a registered operation. Anything else is refused
//! before parsing, with a stable code:
//! - `PERSISTED_QUERY_NOT_FOUND`: the hash is not in the manifest;
//! - `PERSISTED_QUERY_MISMATCH`: the hash sent is not the SHA-256 of the text sent with it;
//! - `OPERATION_NOT_ALLOWED`: a text that is not in the manifest, or no operation at all.
//!
//! The check is a schema extension ([`PersistedQueryGate`]), so POST, GET and WebSocket
//! subscriptions pass the same gate; the GET handler only looks the text up by hash first, so that
//! its "queries only" rule sees the operation.

use std::{collections::HashMap, fmt, path::Path, sync::Arc};

use async_graphql::{
    Request, ServerError, ServerResult, Value,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest},
};
use sha2::{Digest, Sha256};

/// The registered operations, by the SHA-256 of their text.
pub struct PersistedQueries {
    by_hash: HashMap<String, String>,
}

impl fmt::Debug for PersistedQueries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersistedQueries")
            .field("operations", &self.by_hash.len())
            .finish()
    }
}

/// Why a request may not run in allow-list mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotFound,
    Mismatch,
    NotAllowed,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            Refusal::Mismatch => "PERSISTED_QUERY_MISMATCH",
            Refusal::NotAllowed => "OPERATION_NOT_ALLOWED",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Refusal::NotFound => "no registered operation has this hash (persisted queries only)",
            Refusal::Mismatch => {
                "the query text does not match extensions.persistedQuery.sha256Hash"
            }
            Refusal::NotAllowed => {
                "only operations registered in the persisted-query manifest may run"
            }
        }
    }

    pub fn to_server_error(self) -> ServerError {
        let mut e = ServerError::new(self.message(), None);
        let mut ext = async_graphql::ErrorExtensionValues::default();
        ext.set("code", self.code());
        e.extensions = Some(ext);
        e
    }
}

/// The SHA-256 of a text, in lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl PersistedQueries {
    /// Reads and checks a manifest file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses a manifest: a plain `{hash: text}` object or an Apollo manifest. Every hash must
    /// be the SHA-256 of its text, and there must be at least one operation.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let obj = json
            .as_object()
            .ok_or("expected a JSON object mapping SHA-256 hashes to query texts")?;
        let mut entries = Vec::new();
        if let Some(ops) = obj.get("operations") {
            let ops = ops.as_array().ok_or("`operations` must be an array")?;
            for (i, op) in ops.iter().enumerate() {
                let id = op["id"]
                    .as_str()
                    .ok_or(format!("operations[{i}].id missing"))?;
                let body = op["body"]
                    .as_str()
                    .ok_or(format!("operations[{i}].body missing"))?;
                entries.push((id.to_string(), body.to_string()));
            }
        } else {
            for (hash, body) in obj {
                let body = body
                    .as_str()
                    .ok_or(format!("the value for {hash} must be the query text"))?;
                entries.push((hash.clone(), body.to_string()));
            }
        }
        if entries.is_empty() {
            return Err("the manifest registers no operation".into());
        }
        let mut by_hash = HashMap::with_capacity(entries.len());
        for (hash, body) in entries {
            let actual = sha256_hex(&body);
            if !hash.eq_ignore_ascii_case(&actual) {
                return Err(format!(
                    "{hash} is not the SHA-256 of its query text (that would be {actual})"
                ));
            }
            by_hash.insert(actual, body);
        }
        Ok(Self { by_hash })
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// The registered text for a hash.
    pub fn text(&self, hash: &str) -> Option<&str> {
        self.by_hash
            .get(&hash.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Admits a request, filling in its text when only the hash was sent, or says why not.
    pub fn admit(&self, mut request: Request) -> Result<Request, Refusal> {
        let hash = requested_hash(&request.extensions)?;
        let has_text = !request.query.trim().is_empty();
        match (hash, has_text) {
            (Some(hash), false) => {
                let text = self.text(&hash).ok_or(Refusal::NotFound)?;
                request.query = text.to_string();
                Ok(request)
            }
            (Some(hash), true) => {
                if !sha256_hex(&request.query).eq_ignore_ascii_case(&hash) {
                    return Err(Refusal::Mismatch);
                }
                self.text(&hash).ok_or(Refusal::NotFound)?;
                Ok(request)
            }
            (None, true) if self.by_hash.contains_key(&sha256_hex(&request.query)) => Ok(request),
            (None, _) => Err(Refusal::NotAllowed),
        }
    }
}

/// `extensions.persistedQuery.sha256Hash`, if the request names one. A `persistedQuery` without
/// a string hash names nothing that could be allowed.
pub fn requested_hash(extensions: &async_graphql::Extensions) -> Result<Option<String>, Refusal> {
    let Some(pq) = extensions.0.get("persistedQuery") else {
        return Ok(None);
    };
    let Value::Object(pq) = pq else {
        return Err(Refusal::NotFound);
    };
    match pq.get("sha256Hash") {
        Some(Value::String(h)) => Ok(Some(h.clone())),
        _ => Err(Refusal::NotFound),
    }
}

/// The schema extension that enforces the allow-list on every request, whatever its transport.
#[derive(Clone)]
pub struct PersistedQueryGate(pub Arc<PersistedQueries>);

impl ExtensionFactory for PersistedQueryGate {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

#[async_trait::async_trait]
impl Extension for PersistedQueryGate {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let request = self.0.admit(request).map_err(Refusal::to_server_error)?;
        next.run(ctx, request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::Name;

    const Q: &str = "query Viewer { viewer { roles } }";

    fn manifest() -> PersistedQueries {
        PersistedQueries::from_json(&serde_json::json!({ sha256_hex(Q): Q }).to_string()).unwrap()
    }

    fn with_hash(query: &str, hash: &str) -> Request {
        let mut r = Request::new(query);
        let mut pq = async_graphql::indexmap::IndexMap::new();
        pq.insert(Name::new("version"), Value::from(1));
        pq.insert(Name::new("sha256Hash"), Value::from(hash));
        r.extensions
            .0
            .insert("persistedQuery".into(), Value::Object(pq));
        r
    }

    #[test]
    fn known_hash_known_text_and_both_are_admitted() {
        let m = manifest();
        let h = sha256_hex(Q);
        assert_eq!(m.admit(with_hash("", &h)).unwrap().query, Q);
        assert_eq!(m.admit(Request::new(Q)).unwrap().query, Q);
        assert_eq!(m.admit(with_hash(Q, &h.to_uppercase())).unwrap().query, Q);
    }

    #[test]
    fn anything_else_is_refused_with_its_code() {
        let m = manifest();
        let h = sha256_hex(Q);
        let other = "{ viewer { roles } }";
        assert_eq!(
            m.admit(with_hash("", &sha256_hex(other))).unwrap_err(),
            Refusal::NotFound
        );
        assert_eq!(
            m.admit(with_hash(other, &h)).unwrap_err(),
            Refusal::Mismatch
        );
        assert_eq!(
            m.admit(with_hash(other, &sha256_hex(other))).unwrap_err(),
            Refusal::NotFound
        );
        assert_eq!(
            m.admit(Request::new(other)).unwrap_err(),
            Refusal::NotAllowed
        );
        assert_eq!(m.admit(Request::new("")).unwrap_err(), Refusal::NotAllowed);
        // The same text with different white space is a different operation.
        assert_eq!(
            m.admit(Request::new(format!("{Q} "))).unwrap_err(),
            Refusal::NotAllowed
        );
    }

    #[test]
    fn apollo_manifests_are_read_and_wrong_hashes_refused() {
        let apollo = serde_json::json!({
            "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{ "id": sha256_hex(Q), "name": "Viewer", "type": "query", "body": Q }]
        });
        assert_eq!(
            PersistedQueries::from_json(&apollo.to_string())
                .unwrap()
                .len(),
            1
        );
        let wrong = serde_json::json!({ "0".repeat(64): Q });
        assert!(
            PersistedQueries::from_json(&wrong.to_string())
                .unwrap_err()
                .contains("not the SHA-256")
        );
        assert!(PersistedQueries::from_json("{}").is_err());
        assert!(PersistedQueries::from_json("[]").is_err());
    }
}
