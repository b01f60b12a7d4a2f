//! The GraphQL schema: one module per area, merged into one schema.
//!
//! GraphQL types are not entities: each area defines its own output types and converts from the
//! entity models, so the API contract does not follow the table layout.

mod admin;
pub mod alerts;
mod audit;
mod cases;
pub mod connection;
pub mod consultation;
mod data_protection;
pub mod guard;
pub mod identity;
pub mod limits;
pub mod loaders;
mod risk;
mod safety;
pub mod staff;
pub mod staff_loaders;

use std::sync::Arc;

use async_graphql::{Context, MergedObject, Schema};
use sea_orm::DatabaseConnection;

use crate::{
    auth::{Principal, tokens::TokenKeys},
    configuration::Settings,
    error::{AppError, AppResult},
};

#[derive(MergedObject, Default)]
pub struct Query(
    identity::IdentityQuery,
    admin::AdminQuery,
    audit::AuditQuery,
    cases::CaseQuery,
    alerts::AlertQuery,
    risk::RiskQuery,
    safety::SafetyQuery,
    data_protection::DataProtectionQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    identity::IdentityMutation,
    admin::AdminMutation,
    cases::CaseMutation,
    cases::CasePlanMutation,
    alerts::AlertMutation,
    risk::RiskMutation,
    safety::SafetyMutation,
    data_protection::DataProtectionMutation,
);

/// The subscription root. One area has subscriptions today; when a second comes, merge them, and
/// keep the root named `Subscription` (the field guard's rules name it).
pub type Subscription = alerts::AlertSubscription;

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Per-request facts the HTTP layer hands to resolvers.
#[derive(Clone, Debug)]
pub struct RequestMeta {
    pub request_id: String,
    pub client_addr: Option<String>,
}

/// Builds the schema with its limits. The same function serves `asb-hub schema`, so the printed
/// SDL is exactly what the server runs.
pub fn build_schema(
    db: Option<DatabaseConnection>,
    settings: Arc<Settings>,
    keys: Option<Arc<TokenKeys>>,
    alerts: Option<crate::events::AlertBus>,
) -> AppSchema {
    let limits = &settings.limits;
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .extension(guard::FieldGuard)
    // Depth and complexity are checked by `limits`, which names the limit in its refusal.
    .extension(self::limits::QueryLimits)
    .limit_recursive_depth(limits.max_depth * 2)
    .limit_directives(10)
    .disable_suggestions();
    if let Some(manifest) = &settings.persisted_queries {
        builder = builder.extension(crate::http::persisted::PersistedQueryGate(manifest.clone()));
    }
    if !settings.introspection {
        builder = builder.disable_introspection();
    }
    if let Some(db) = db {
        builder = builder.data(db);
    }
    if let Some(alerts) = alerts {
        builder = builder.data(alerts);
    }
    if let Some(keys) = keys {
        builder = builder.data(keys);
    }
    builder
        .data(Arc::new(
            crate::service::safety::dashboard_cache::DashboardCache::new(settings.dashboard_cache),
        ))
        .data(settings)
        .finish()
}

/// The SDL of the schema the server runs, independent of any database or secret.
pub fn sdl() -> String {
    let settings = Settings::for_schema_printing();
    build_schema(None, Arc::new(settings), None, None).sdl()
}

/// Helpers every resolver uses to reach shared state.
pub trait ContextExt {
    fn db(&self) -> AppResult<&DatabaseConnection>;
    fn principal(&self) -> AppResult<&Principal>;
    fn settings(&self) -> AppResult<&Arc<Settings>>;
    fn keys(&self) -> AppResult<&Arc<TokenKeys>>;
    fn loaders(&self) -> AppResult<&loaders::Loaders>;
    /// Notes that a personal-data field of a person was disclosed.
    fn consult(&self, person: uuid::Uuid, field: &'static str);
    /// Notes that a field of another kind of record (a document's content) was disclosed.
    fn consult_on(&self, entity: &'static str, id: uuid::Uuid, field: &'static str);
}

impl ContextExt for Context<'_> {
    fn consult(&self, person: uuid::Uuid, field: &'static str) {
        if let Ok(c) = self.data::<Arc<consultation::Consultations>>() {
            c.note(person, field);
        }
    }

    fn consult_on(&self, entity: &'static str, id: uuid::Uuid, field: &'static str) {
        if let Ok(c) = self.data::<Arc<consultation::Consultations>>() {
            c.note_on(entity, id, field);
        }
    }

    fn loaders(&self) -> AppResult<&loaders::Loaders> {
        self.data::<loaders::Loaders>()
            .map_err(|_| AppError::Unauthenticated)
    }

    fn db(&self) -> AppResult<&DatabaseConnection> {
        self.data::<DatabaseConnection>()
            .map_err(|_| AppError::internal("database missing from schema data"))
    }
    fn principal(&self) -> AppResult<&Principal> {
        self.data::<Principal>()
            .map_err(|_| AppError::Unauthenticated)
    }
    fn settings(&self) -> AppResult<&Arc<Settings>> {
        self.data::<Arc<Settings>>()
            .map_err(|_| AppError::internal("settings missing from schema data"))
    }
    fn keys(&self) -> AppResult<&Arc<TokenKeys>> {
        self.data::<Arc<TokenKeys>>()
            .map_err(|_| AppError::internal("token keys missing from schema data"))
    }
}
