//! Building and running the server from [`Settings`].
//!
//! [`Application::build`] connects to the database, migrates it, binds the listener (port 0 picks
//! a free port, which tests use) and returns a handle that knows the port it got.

use std::{net::TcpListener, sync::Arc};

use actix_web::{App, HttpServer, dev::Server, middleware, web};
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;

use crate::{
    auth::tokens::TokenKeys,
    configuration::Settings,
    db,
    graphql::build_schema,
    http::{self, AppState},
    metrics::Metrics,
};

pub struct Application {
    port: u16,
    server: Server,
    db: DatabaseConnection,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot connect to the database (ASB_HUB_DATABASE_URL): {0}")]
    Database(#[source] sea_orm::DbErr),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[source] sea_orm::DbErr),
    #[error("cannot bind {addr} (ASB_HUB_BIND): {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot set up metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("cannot load demo data: {0}")]
    Seed(String),
    #[error("{0}")]
    AuthzBypass(String),
}

impl Application {
    /// Connects, migrates, optionally seeds demo data, and binds.
    pub async fn build(settings: Settings, demo: bool) -> Result<Self, StartupError> {
        // Before touching the database: a bypassing build never gets that far off loopback.
        crate::auth::policy::check_bypass_bind(crate::auth::policy::AUTHZ_BYPASSED, settings.bind)
            .map_err(StartupError::AuthzBypass)?;
        let db = db::connect(&settings)
            .await
            .map_err(StartupError::Database)?;
        db::migrate(&db).await.map_err(StartupError::Migrate)?;
        if demo {
            crate::seed::demo::seed(&db, &settings)
                .await
                .map_err(|e| StartupError::Seed(format!("{e:?}")))?;
        }
        Self::build_with_db(settings, db)
    }

    /// Binds a server on an already-migrated database.
    pub fn build_with_db(
        settings: Settings,
        mut db: DatabaseConnection,
    ) -> Result<Self, StartupError> {
        // The alert listener's own queries are not requests': it gets a handle without the
        // statement counter.
        crate::auth::policy::check_bypass_bind(crate::auth::policy::AUTHZ_BYPASSED, settings.bind)
            .map_err(StartupError::AuthzBypass)?;
        if crate::auth::policy::AUTHZ_BYPASSED {
            tracing::warn!(
                bind = %settings.bind,
                "AUTHORIZATION IS BYPASSED: this is a benchmark build (feature bench-no-authz); \
                 every user sees every field and row. Never run it with real data."
            );
        }
        let alerts = crate::events::AlertBus::start(db.clone());
        crate::events::AlertBus::watch_overdue_reviews(db.clone(), settings.overdue_check_interval);
        let metrics = Metrics::new()?;
        let statements = metrics.statements.clone();
        db.set_metric_callback(move |_| statements.inc());
        let listener = TcpListener::bind(settings.bind).map_err(|source| StartupError::Bind {
            addr: settings.bind.to_string(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind {
                addr: settings.bind.to_string(),
                source,
            })?
            .port();
        let settings = Arc::new(settings);
        let keys = Arc::new(TokenKeys::new(&settings));
        let schema = build_schema(
            Some(db.clone()),
            settings.clone(),
            Some(keys.clone()),
            Some(alerts),
        );
        let state = web::Data::new(AppState {
            db: db.clone(),
            schema,
            settings: settings.clone(),
            metrics,
            keys,
            rate_limiter: crate::http::rate_limit::RateLimiter::new(
                settings.limits.rate_limit_per_user,
                settings.limits.rate_limit_per_client,
            ),
        });
        let body_limit = settings.limits.max_body_bytes;
        let route_settings = settings.clone();
        let origins = settings.cors_allowed_origins.clone();
        let server = HttpServer::new(move || {
            // Only configured origins; anything else gets no CORS headers, so browsers refuse.
            let mut cors = actix_cors::Cors::default()
                .allowed_methods(["GET", "POST"])
                .allowed_headers(["authorization", "content-type", "accept"])
                .expose_headers(["x-request-id"])
                .max_age(600);
            for origin in &origins {
                cors = cors.allowed_origin(origin);
            }
            App::new()
                .wrap(cors)
                .wrap(middleware::from_fn(http::request_id_header))
                .wrap(TracingLogger::default())
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(body_limit))
                .configure(|cfg| http::routes(cfg, &route_settings))
        })
        .shutdown_timeout(settings.shutdown_timeout.as_secs())
        .client_request_timeout(std::time::Duration::from_secs(10))
        .client_disconnect_timeout(std::time::Duration::from_secs(5))
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: settings.bind.to_string(),
            source,
        })?
        .run();
        Ok(Self { port, server, db })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Serves until SIGINT or SIGTERM; in-flight requests finish first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
