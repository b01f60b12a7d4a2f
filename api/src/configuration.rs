//! Typed settings, read once at start-up.
//!
//! Precedence, lowest first: built-in defaults, an optional TOML file (`--config` or
//! `ASB_HUB_CONFIG`), `ASB_HUB_*` environment variables, then command-line flags. Every value is
//! validated here; a wrong setting stops start-up with a message naming it. Secrets are wrapped in
//! [`Secret`] so that they never print in logs or `Debug` output.

use std::{
    collections::BTreeMap,
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use serde::Deserialize;

use crate::http::persisted::PersistedQueries;

/// Environment variable prefix for every setting.
pub const ENV_PREFIX: &str = "ASB_HUB_";

/// Password every demo account gets unless `ASB_HUB_DEMO_PASSWORD` says otherwise.
pub const DEFAULT_DEMO_PASSWORD: &str = "asb-demo-2026";

/// A value that must never be printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "text" | "pretty" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("expected `text` or `json`, got `{other}`")),
        }
    }
}

/// Limits applied to every GraphQL request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub max_batch: usize,
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub max_root_fields: usize,
    pub max_page_size: u64,
    pub request_timeout: Duration,
    /// GraphQL requests per minute per signed-in user, and per client address.
    pub rate_limit_per_user: u32,
    pub rate_limit_per_client: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 2 * 1024 * 1024,
            max_batch: 1,
            max_depth: 12,
            max_complexity: 10_000,
            max_aliases: 30,
            max_root_fields: 10,
            max_page_size: 100,
            request_timeout: Duration::from_secs(15),
            rate_limit_per_user: 600,
            rate_limit_per_client: 1200,
        }
    }
}

/// Everything the server needs, validated.
#[derive(Clone, Debug)]
pub struct Settings {
    pub bind: SocketAddr,
    pub database_url: Secret,
    pub data_dir: PathBuf,
    pub jwt_secret: Secret,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub demo_password: Secret,
    pub log_format: LogFormat,
    pub graphiql: bool,
    pub introspection: bool,
    pub db_max_connections: u32,
    pub db_acquire_timeout: Duration,
    pub shutdown_timeout: Duration,
    pub limits: Limits,
    /// Browser origins allowed to call the API cross-origin; none by default.
    pub cors_allowed_origins: Vec<String>,
    /// How often each instance looks for reviews that have become overdue.
    pub overdue_check_interval: Duration,
    /// How long an instance reuses the dashboard's figures for the same agency and question;
    /// zero counts every request afresh.
    pub dashboard_cache: Duration,
    /// The optional external identity provider; `None` unless `oidc_issuer` is set.
    pub oidc: Option<OidcSettings>,
    /// Persisted-query allow-list mode: only these operations run. Off (`None`) by default.
    pub persisted_queries: Option<Arc<PersistedQueries>>,
    /// Load balancers whose `X-Forwarded-For` is believed; none by default.
    pub trusted_proxies: Vec<crate::http::client_addr::ProxyNet>,
}

/// Where the external identity provider publishes its signing keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwksSource {
    /// Fetched over HTTPS (plain HTTP only for a loopback host).
    Url(String),
    /// Read from a local file, re-read when an unknown `kid` arrives.
    File(PathBuf),
}

/// An external OpenID Connect provider whose RS256/ES256 tokens are also accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcSettings {
    pub issuer: String,
    pub audience: String,
    pub jwks: JwksSource,
    /// The claim whose value is matched against `app_user.external_subject`.
    pub subject_claim: String,
    /// The shortest time between two fetches of the key set.
    pub jwks_min_refresh: Duration,
}

impl Settings {
    /// Settings good enough to build the schema and print its SDL: no files, no secrets.
    pub fn for_schema_printing() -> Self {
        Settings {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: Secret::new(""),
            data_dir: PathBuf::new(),
            jwt_secret: Secret::new(""),
            jwt_issuer: String::new(),
            jwt_audience: String::new(),
            access_token_ttl: Duration::from_secs(900),
            refresh_token_ttl: Duration::from_secs(3600),
            demo_password: Secret::new(""),
            log_format: LogFormat::Text,
            graphiql: false,
            introspection: true,
            db_max_connections: 1,
            db_acquire_timeout: Duration::from_secs(1),
            shutdown_timeout: Duration::from_secs(1),
            limits: Limits::default(),
            cors_allowed_origins: Vec::new(),
            overdue_check_interval: Duration::from_secs(60),
            dashboard_cache: Duration::ZERO,
            oidc: None,
            persisted_queries: None,
            trusted_proxies: Vec::new(),
        }
    }
}

/// A setting that could not be accepted, naming the setting.
#[derive(Debug, thiserror::Error)]
#[error("configuration error in `{setting}`: {message}")]
pub struct ConfigError {
    pub setting: String,
    pub message: String,
}

impl ConfigError {
    fn new(setting: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            setting: setting.into(),
            message: message.into(),
        }
    }
}

/// Raw, unvalidated values. Every field is optional; later sources override earlier ones.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    pub bind: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<String>,
    pub jwt_secret: Option<String>,
    pub jwt_issuer: Option<String>,
    pub jwt_audience: Option<String>,
    pub access_token_ttl_seconds: Option<u64>,
    pub refresh_token_ttl_seconds: Option<u64>,
    pub demo_password: Option<String>,
    pub log_format: Option<String>,
    pub graphiql: Option<bool>,
    pub introspection: Option<bool>,
    pub db_max_connections: Option<u32>,
    pub db_acquire_timeout_ms: Option<u64>,
    pub shutdown_timeout_seconds: Option<u64>,
    pub max_body_bytes: Option<usize>,
    pub max_batch: Option<usize>,
    pub max_depth: Option<usize>,
    pub max_complexity: Option<usize>,
    pub max_aliases: Option<usize>,
    pub max_root_fields: Option<usize>,
    pub max_page_size: Option<u64>,
    pub request_timeout_ms: Option<u64>,
    /// Comma-separated origins, e.g. `https://portal.example.gov.uk`.
    pub cors_allowed_origins: Option<String>,
    pub overdue_check_seconds: Option<u64>,
    pub dashboard_cache_seconds: Option<u64>,
    pub rate_limit_per_user: Option<u32>,
    pub rate_limit_per_client: Option<u32>,
    pub oidc_issuer: Option<String>,
    pub oidc_audience: Option<String>,
    pub oidc_jwks_url: Option<String>,
    pub oidc_jwks_file: Option<String>,
    pub oidc_subject_claim: Option<String>,
    pub oidc_jwks_min_refresh_seconds: Option<u64>,
    /// Path of a persisted-query manifest (see `http::persisted`).
    pub persisted_queries: Option<String>,
    /// Comma-separated addresses or CIDR networks of trusted load balancers.
    pub trusted_proxies: Option<String>,
}

macro_rules! overlay {
    ($self:ident, $other:ident, $($field:ident),* $(,)?) => {
        $( if $other.$field.is_some() { $self.$field = $other.$field; } )*
    };
}

impl RawSettings {
    /// Values of `other` replace ours where present.
    pub fn overlay(&mut self, other: RawSettings) {
        overlay!(
            self,
            other,
            bind,
            database_url,
            data_dir,
            jwt_secret,
            jwt_issuer,
            jwt_audience,
            access_token_ttl_seconds,
            refresh_token_ttl_seconds,
            demo_password,
            log_format,
            graphiql,
            introspection,
            db_max_connections,
            db_acquire_timeout_ms,
            shutdown_timeout_seconds,
            max_body_bytes,
            max_batch,
            max_depth,
            max_complexity,
            max_aliases,
            max_root_fields,
            max_page_size,
            request_timeout_ms,
            cors_allowed_origins,
            overdue_check_seconds,
            dashboard_cache_seconds,
            rate_limit_per_user,
            rate_limit_per_client,
            oidc_issuer,
            oidc_audience,
            oidc_jwks_url,
            oidc_jwks_file,
            oidc_subject_claim,
            oidc_jwks_min_refresh_seconds,
            persisted_queries,
            trusted_proxies,
        );
    }

    /// Reads a TOML file. Unknown keys are refused, so a typo cannot silently fall back to a
    /// default.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::new("config", format!("cannot read {}: {e}", path.display()))
        })?;
        toml::from_str(&text)
            .map_err(|e| ConfigError::new("config", format!("{}: {e}", path.display())))
    }

    /// Reads `ASB_HUB_*` variables from an iterator of (name, value) pairs. Unknown names under
    /// the prefix are refused.
    pub fn from_env<I>(vars: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let mut table = toml::Table::new();
        let known = Self::known_keys();
        for (name, value) in vars {
            let Some(key) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            if key == "config" {
                continue;
            }
            let Some(kind) = known.get(key.as_str()) else {
                return Err(ConfigError::new(name, "unknown setting"));
            };
            let parsed = match kind {
                Kind::Text => toml::Value::String(value),
                Kind::Int => value
                    .trim()
                    .parse::<i64>()
                    .map(toml::Value::Integer)
                    .map_err(|_| ConfigError::new(&name, "expected a whole number"))?,
                Kind::Bool => match value.trim().to_ascii_lowercase().as_str() {
                    "1" | "true" | "yes" | "on" => toml::Value::Boolean(true),
                    "0" | "false" | "no" | "off" => toml::Value::Boolean(false),
                    _ => return Err(ConfigError::new(&name, "expected true or false")),
                },
            };
            table.insert(key, parsed);
        }
        table
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::new("environment", e.to_string()))
    }

    fn known_keys() -> BTreeMap<&'static str, Kind> {
        use Kind::*;
        BTreeMap::from([
            ("bind", Text),
            ("database_url", Text),
            ("data_dir", Text),
            ("jwt_secret", Text),
            ("jwt_issuer", Text),
            ("jwt_audience", Text),
            ("access_token_ttl_seconds", Int),
            ("refresh_token_ttl_seconds", Int),
            ("demo_password", Text),
            ("log_format", Text),
            ("graphiql", Bool),
            ("introspection", Bool),
            ("db_max_connections", Int),
            ("db_acquire_timeout_ms", Int),
            ("shutdown_timeout_seconds", Int),
            ("max_body_bytes", Int),
            ("max_batch", Int),
            ("max_depth", Int),
            ("max_complexity", Int),
            ("max_aliases", Int),
            ("max_root_fields", Int),
            ("max_page_size", Int),
            ("request_timeout_ms", Int),
            ("cors_allowed_origins", Text),
            ("overdue_check_seconds", Int),
            ("dashboard_cache_seconds", Int),
            ("rate_limit_per_user", Int),
            ("rate_limit_per_client", Int),
            ("oidc_issuer", Text),
            ("oidc_audience", Text),
            ("oidc_jwks_url", Text),
            ("oidc_jwks_file", Text),
            ("oidc_subject_claim", Text),
            ("oidc_jwks_min_refresh_seconds", Int),
            ("persisted_queries", Text),
            ("trusted_proxies", Text),
        ])
    }

    /// Validates the raw values into [`Settings`]. Creates the data directory, and reads or
    /// generates the token signing secret there when none is configured.
    pub fn resolve(self) -> Result<Settings, ConfigError> {
        let bind = self
            .bind
            .as_deref()
            .unwrap_or("127.0.0.1:8080")
            .parse::<SocketAddr>()
            .map_err(|_| {
                ConfigError::new(
                    "bind (ASB_HUB_BIND)",
                    "expected an address such as 127.0.0.1:8080",
                )
            })?;
        let data_dir = PathBuf::from(self.data_dir.as_deref().unwrap_or("./data"));
        std::fs::create_dir_all(&data_dir).map_err(|e| {
            ConfigError::new(
                "data_dir (ASB_HUB_DATA_DIR)",
                format!("cannot create {}: {e}", data_dir.display()),
            )
        })?;
        let database_url = match self.database_url {
            Some(url) => {
                if !(url.starts_with("sqlite:")
                    || url.starts_with("postgres://")
                    || url.starts_with("postgresql://"))
                {
                    return Err(ConfigError::new(
                        "database_url (ASB_HUB_DATABASE_URL)",
                        "expected a sqlite: or postgres:// URL",
                    ));
                }
                url
            }
            None => format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("asb-hub.sqlite").display()
            ),
        };
        let jwt_secret = match self.jwt_secret {
            Some(secret) if secret.len() < 32 => {
                return Err(ConfigError::new(
                    "jwt_secret (ASB_HUB_JWT_SECRET)",
                    "must be at least 32 characters",
                ));
            }
            Some(secret) => secret,
            None => load_or_create_secret(&data_dir)?,
        };
        let log_format = self
            .log_format
            .as_deref()
            .unwrap_or("text")
            .parse()
            .map_err(|e| ConfigError::new("log_format (ASB_HUB_LOG_FORMAT)", e))?;
        let defaults = Limits::default();
        let limits = Limits {
            max_body_bytes: positive(
                "max_body_bytes",
                self.max_body_bytes,
                defaults.max_body_bytes,
            )?,
            max_batch: positive("max_batch", self.max_batch, defaults.max_batch)?,
            max_depth: positive("max_depth", self.max_depth, defaults.max_depth)?,
            max_complexity: positive(
                "max_complexity",
                self.max_complexity,
                defaults.max_complexity,
            )?,
            max_aliases: positive("max_aliases", self.max_aliases, defaults.max_aliases)?,
            max_root_fields: positive(
                "max_root_fields",
                self.max_root_fields,
                defaults.max_root_fields,
            )?,
            max_page_size: positive("max_page_size", self.max_page_size, defaults.max_page_size)?,
            request_timeout: Duration::from_millis(positive(
                "request_timeout_ms",
                self.request_timeout_ms,
                defaults.request_timeout.as_millis() as u64,
            )?),
            rate_limit_per_user: positive(
                "rate_limit_per_user",
                self.rate_limit_per_user,
                defaults.rate_limit_per_user,
            )?,
            rate_limit_per_client: positive(
                "rate_limit_per_client",
                self.rate_limit_per_client,
                defaults.rate_limit_per_client,
            )?,
        };
        let jwt_issuer = self.jwt_issuer.unwrap_or_else(|| "asb-hub".into());
        let oidc = oidc_settings(
            OidcRaw {
                issuer: self.oidc_issuer,
                audience: self.oidc_audience,
                jwks_url: self.oidc_jwks_url,
                jwks_file: self.oidc_jwks_file,
                subject_claim: self.oidc_subject_claim,
                jwks_min_refresh_seconds: self.oidc_jwks_min_refresh_seconds,
            },
            &jwt_issuer,
        )?;
        Ok(Settings {
            bind,
            database_url: Secret::new(database_url),
            data_dir,
            jwt_secret: Secret::new(jwt_secret),
            jwt_issuer,
            jwt_audience: self.jwt_audience.unwrap_or_else(|| "asb-hub-api".into()),
            access_token_ttl: Duration::from_secs(positive(
                "access_token_ttl_seconds",
                self.access_token_ttl_seconds,
                15 * 60,
            )?),
            refresh_token_ttl: Duration::from_secs(positive(
                "refresh_token_ttl_seconds",
                self.refresh_token_ttl_seconds,
                12 * 60 * 60,
            )?),
            demo_password: Secret::new(
                self.demo_password
                    .unwrap_or_else(|| DEFAULT_DEMO_PASSWORD.into()),
            ),
            log_format,
            graphiql: self.graphiql.unwrap_or(true),
            introspection: self.introspection.unwrap_or(true),
            db_max_connections: positive("db_max_connections", self.db_max_connections, 10)?,
            db_acquire_timeout: Duration::from_millis(positive(
                "db_acquire_timeout_ms",
                self.db_acquire_timeout_ms,
                3_000,
            )?),
            shutdown_timeout: Duration::from_secs(self.shutdown_timeout_seconds.unwrap_or(30)),
            limits,
            cors_allowed_origins: parse_origins(self.cors_allowed_origins.as_deref())?,
            overdue_check_interval: Duration::from_secs(positive(
                "overdue_check_seconds",
                self.overdue_check_seconds,
                60,
            )?),
            dashboard_cache: Duration::from_secs(self.dashboard_cache_seconds.unwrap_or(60)),
            oidc,
            persisted_queries: persisted_queries(self.persisted_queries)?,
            trusted_proxies: crate::http::client_addr::parse_list(self.trusted_proxies.as_deref())
                .map_err(|e| ConfigError::new(setting_name("trusted_proxies"), e))?,
        })
    }
}

/// Loads and checks the persisted-query manifest, when one is configured.
fn persisted_queries(path: Option<String>) -> Result<Option<Arc<PersistedQueries>>, ConfigError> {
    let Some(path) = path.map(|p| p.trim().to_string()).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    PersistedQueries::load(Path::new(&path))
        .map(|m| Some(Arc::new(m)))
        .map_err(|e| ConfigError::new(setting_name("persisted_queries"), e))
}

/// Each origin must be a plain `scheme://host[:port]`; `*` is refused, so that credentials can
/// never be sent to any site.
fn parse_origins(raw: Option<&str>) -> Result<Vec<String>, ConfigError> {
    let setting = "cors_allowed_origins (ASB_HUB_CORS_ALLOWED_ORIGINS)";
    let mut out = Vec::new();
    for origin in raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        let ok = (origin.starts_with("https://") || origin.starts_with("http://"))
            && !origin.ends_with('/')
            && origin
                .split("://")
                .nth(1)
                .is_some_and(|h| !h.is_empty() && !h.contains('/') && !h.contains('*'));
        if !ok {
            return Err(ConfigError::new(
                setting,
                format!("`{origin}` is not an origin such as https://portal.example.org"),
            ));
        }
        out.push(origin.to_string());
    }
    Ok(out)
}

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Int,
    Bool,
}

fn positive<T>(name: &str, value: Option<T>, default: T) -> Result<T, ConfigError>
where
    T: PartialOrd + Default + Copy,
{
    let v = value.unwrap_or(default);
    if v <= T::default() {
        return Err(ConfigError::new(
            format!("{name} ({ENV_PREFIX}{})", name.to_ascii_uppercase()),
            "must be greater than zero",
        ));
    }
    Ok(v)
}

/// The `oidc_*` settings before validation.
struct OidcRaw {
    issuer: Option<String>,
    audience: Option<String>,
    jwks_url: Option<String>,
    jwks_file: Option<String>,
    subject_claim: Option<String>,
    jwks_min_refresh_seconds: Option<u64>,
}

fn setting_name(key: &str) -> String {
    format!("{key} ({ENV_PREFIX}{})", key.to_ascii_uppercase())
}

/// Validates the external identity provider settings. None of them may be set without
/// `oidc_issuer`; with it, an audience and exactly one of the JWKS URL or file are required.
fn oidc_settings(raw: OidcRaw, jwt_issuer: &str) -> Result<Option<OidcSettings>, ConfigError> {
    let non_empty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let issuer = non_empty(raw.issuer);
    let audience = non_empty(raw.audience);
    let jwks_url = non_empty(raw.jwks_url);
    let jwks_file = non_empty(raw.jwks_file);
    let subject_claim = non_empty(raw.subject_claim);
    let Some(issuer) = issuer else {
        let stray = [
            ("oidc_audience", audience.is_some()),
            ("oidc_jwks_url", jwks_url.is_some()),
            ("oidc_jwks_file", jwks_file.is_some()),
            ("oidc_subject_claim", subject_claim.is_some()),
            (
                "oidc_jwks_min_refresh_seconds",
                raw.jwks_min_refresh_seconds.is_some(),
            ),
        ];
        if let Some((key, _)) = stray.iter().find(|(_, set)| *set) {
            return Err(ConfigError::new(
                setting_name(key),
                "has no effect without oidc_issuer (ASB_HUB_OIDC_ISSUER)",
            ));
        }
        return Ok(None);
    };
    if issuer == jwt_issuer {
        return Err(ConfigError::new(
            setting_name("oidc_issuer"),
            "must differ from jwt_issuer (ASB_HUB_JWT_ISSUER)",
        ));
    }
    let Some(audience) = audience else {
        return Err(ConfigError::new(
            setting_name("oidc_audience"),
            "is required when oidc_issuer is set",
        ));
    };
    let jwks = match (jwks_url, jwks_file) {
        (Some(url), None) => JwksSource::Url(jwks_url_checked(url)?),
        (None, Some(file)) => {
            let path = PathBuf::from(file);
            if !path.is_file() {
                return Err(ConfigError::new(
                    setting_name("oidc_jwks_file"),
                    format!("{} is not a readable file", path.display()),
                ));
            }
            JwksSource::File(path)
        }
        _ => {
            return Err(ConfigError::new(
                format!(
                    "{} / {}",
                    setting_name("oidc_jwks_url"),
                    setting_name("oidc_jwks_file")
                ),
                "exactly one is required when oidc_issuer is set",
            ));
        }
    };
    Ok(Some(OidcSettings {
        issuer,
        audience,
        jwks,
        subject_claim: subject_claim.unwrap_or_else(|| "sub".into()),
        jwks_min_refresh: Duration::from_secs(positive(
            "oidc_jwks_min_refresh_seconds",
            raw.jwks_min_refresh_seconds,
            30,
        )?),
    }))
}

/// Keys fetched over plain HTTP could be swapped in transit, so HTTPS is required except for a
/// provider on the same machine.
fn jwks_url_checked(url: String) -> Result<String, ConfigError> {
    let host = |rest: &str| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.rsplit('@').next().unwrap_or("");
        if host.starts_with('[') {
            host.split(']').next().map(|h| format!("{h}]"))
        } else {
            host.split(':').next().map(str::to_string)
        }
        .unwrap_or_default()
    };
    let ok = match url.split_once("://") {
        Some(("https", rest)) => !host(rest).is_empty(),
        Some(("http", rest)) => matches!(host(rest).as_str(), "127.0.0.1" | "localhost" | "[::1]"),
        _ => false,
    };
    if !ok {
        return Err(ConfigError::new(
            setting_name("oidc_jwks_url"),
            "expected an https:// URL (http:// only for 127.0.0.1, localhost or [::1])",
        ));
    }
    Ok(url)
}

/// The signing secret kept in the data directory, so that a restart keeps tokens valid.
fn load_or_create_secret(data_dir: &Path) -> Result<String, ConfigError> {
    use rand::RngCore;
    let path = data_dir.join("jwt_secret");
    let setting = "jwt_secret (ASB_HUB_JWT_SECRET)";
    if path.exists() {
        let secret = std::fs::read_to_string(&path).map_err(|e| {
            ConfigError::new(setting, format!("cannot read {}: {e}", path.display()))
        })?;
        let secret = secret.trim().to_string();
        if secret.len() < 32 {
            return Err(ConfigError::new(
                setting,
                format!("{} is too short", path.display()),
            ));
        }
        return Ok(secret);
    }
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    write_private(&path, &secret)
        .map_err(|e| ConfigError::new(setting, format!("cannot write {}: {e}", path.display())))?;
    Ok(secret)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn unknown_env_setting_is_refused_by_name() {
        let err = RawSettings::from_env(env(&[("ASB_HUB_DATABSE_URL", "x")])).unwrap_err();
        assert_eq!(err.setting, "ASB_HUB_DATABSE_URL");
    }

    #[test]
    fn bad_number_names_the_variable() {
        let err = RawSettings::from_env(env(&[("ASB_HUB_MAX_DEPTH", "deep")])).unwrap_err();
        assert_eq!(err.setting, "ASB_HUB_MAX_DEPTH");
    }

    #[test]
    fn later_sources_override_earlier_ones() {
        let mut raw = RawSettings {
            bind: Some("127.0.0.1:1".into()),
            graphiql: Some(true),
            ..Default::default()
        };
        raw.overlay(
            RawSettings::from_env(env(&[("ASB_HUB_GRAPHIQL", "off"), ("OTHER", "1")])).unwrap(),
        );
        assert_eq!(raw.bind.as_deref(), Some("127.0.0.1:1"));
        assert_eq!(raw.graphiql, Some(false));
    }

    #[test]
    fn secrets_do_not_print() {
        let dir = std::env::temp_dir().join(format!("asb-cfg-{}", uuid::Uuid::new_v4()));
        let raw = RawSettings {
            data_dir: Some(dir.display().to_string()),
            jwt_secret: Some("s".repeat(40)),
            database_url: Some("postgres://u:hunter2@localhost/db".into()),
            ..Default::default()
        };
        let settings = raw.resolve().unwrap();
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hunter2"));
        assert!(!printed.contains(&"s".repeat(40)));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn generated_secret_is_kept_across_restarts() {
        let dir = std::env::temp_dir().join(format!("asb-cfg-{}", uuid::Uuid::new_v4()));
        let raw = RawSettings {
            data_dir: Some(dir.display().to_string()),
            ..Default::default()
        };
        let first = raw.clone().resolve().unwrap();
        let second = raw.resolve().unwrap();
        assert_eq!(first.jwt_secret, second.jwt_secret);
        assert!(first.database_url.expose().starts_with("sqlite://"));
        let _ = std::fs::remove_dir_all(dir);
    }

    fn oidc(pairs: &[(&str, &str)]) -> Result<Option<OidcSettings>, ConfigError> {
        let dir = std::env::temp_dir().join(format!("asb-cfg-{}", uuid::Uuid::new_v4()));
        let mut raw = RawSettings {
            data_dir: Some(dir.display().to_string()),
            jwt_secret: Some("s".repeat(40)),
            ..Default::default()
        };
        raw.overlay(RawSettings::from_env(env(pairs))?);
        let result = raw.resolve().map(|s| s.oidc);
        let _ = std::fs::remove_dir_all(dir);
        result
    }

    #[test]
    fn oidc_is_off_by_default_and_configured_by_env() {
        assert_eq!(oidc(&[]).unwrap(), None);
        let s = oidc(&[
            ("ASB_HUB_OIDC_ISSUER", "https://idp.example"),
            ("ASB_HUB_OIDC_AUDIENCE", "asb"),
            ("ASB_HUB_OIDC_JWKS_URL", "https://idp.example/jwks"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(s.subject_claim, "sub");
        assert_eq!(s.jwks, JwksSource::Url("https://idp.example/jwks".into()));
        assert_eq!(s.jwks_min_refresh, Duration::from_secs(30));
    }

    #[test]
    fn oidc_errors_name_the_setting() {
        let iss = ("ASB_HUB_OIDC_ISSUER", "https://idp.example");
        let aud = ("ASB_HUB_OIDC_AUDIENCE", "asb");
        let url = ("ASB_HUB_OIDC_JWKS_URL", "https://idp.example/jwks");
        let file = ("ASB_HUB_OIDC_JWKS_FILE", "/nonexistent/jwks.json");
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[aud], "ASB_HUB_OIDC_AUDIENCE"),
            (&[url], "ASB_HUB_OIDC_JWKS_URL"),
            (&[iss, url], "ASB_HUB_OIDC_AUDIENCE"),
            (&[iss, aud], "ASB_HUB_OIDC_JWKS_URL"),
            (&[iss, aud, url, file], "ASB_HUB_OIDC_JWKS_FILE"),
            (&[iss, aud, file], "ASB_HUB_OIDC_JWKS_FILE"),
            (
                &[
                    iss,
                    aud,
                    ("ASB_HUB_OIDC_JWKS_URL", "http://idp.example/jwks"),
                ],
                "ASB_HUB_OIDC_JWKS_URL",
            ),
            (
                &[("ASB_HUB_OIDC_ISSUER", "asb-hub"), aud, url],
                "ASB_HUB_OIDC_ISSUER",
            ),
        ];
        for (pairs, setting) in cases {
            let err = oidc(pairs).unwrap_err();
            assert!(err.setting.contains(setting), "{pairs:?}: {err}");
        }
        let local = oidc(&[
            iss,
            aud,
            ("ASB_HUB_OIDC_JWKS_URL", "http://127.0.0.1:9/jwks"),
        ]);
        assert!(
            local.unwrap().is_some(),
            "plain HTTP is allowed on loopback"
        );
    }

    #[test]
    fn bad_bind_names_the_setting() {
        let raw = RawSettings {
            bind: Some("nowhere".into()),
            ..Default::default()
        };
        let err = raw.resolve().unwrap_err();
        assert!(err.setting.contains("ASB_HUB_BIND"));
    }
}
