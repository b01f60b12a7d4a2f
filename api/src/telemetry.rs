//! Structured logging through `tracing`.
//!
//! Human-readable by default, JSON with `--log-format json`. Every line logged while a request is
//! handled carries that request's `request_id` from the root span that `tracing-actix-web` opens.
//! `RUST_LOG` adjusts the filter; statement logging from sqlx is kept at `warn`.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::configuration::LogFormat;

const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn";

/// Installs the global subscriber. Calling it twice is harmless (tests do).
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Text => registry.with(fmt::layer().with_target(false)).try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(true)
                    .flatten_event(true),
            )
            .try_init(),
    };
    // A subscriber already installed (a second call in tests) is fine.
    drop(result);
}
