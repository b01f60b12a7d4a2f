//! One error type for the whole API, and its mapping to GraphQL errors.
//!
//! Inside the server an [`AppError`] carries what happened; outside, a client sees only a stable
//! `extensions.code` and a message written for it. Unexpected failures (database, I/O) become
//! [`AppError::Internal`]: the cause chain is logged once, here, inside the request's span (which
//! carries the request id), and the client sees "internal error" with the request id added by the
//! HTTP layer. `AppError` deliberately does not implement `Display`, so async-graphql's blanket
//! `From<T: Display>` cannot copy an internal message into a response by accident.

use async_graphql::ErrorExtensions;

/// Stable codes partner front-ends can rely on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Unauthenticated,
    Forbidden,
    ForbiddenField,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unauthenticated => "UNAUTHENTICATED",
            Code::Forbidden => "FORBIDDEN",
            Code::ForbiddenField => "FORBIDDEN_FIELD",
            Code::NotFound => "NOT_FOUND",
            Code::BadUserInput => "BAD_USER_INPUT",
            Code::Conflict => "CONFLICT",
            Code::RateLimited => "RATE_LIMITED",
            Code::Internal => "INTERNAL",
        }
    }
}

pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;
/// Shared so that errors can be cloned, as async-graphql requires of resolver errors.
pub type SharedError = std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, Clone)]
pub enum AppError {
    Unauthenticated,
    Forbidden,
    /// `FORBIDDEN` with a message saying which rule refused, for refusals the user can act on
    /// (a closure that needs a supervisor's sign-off); never for a refusal that would reveal data.
    ForbiddenBecause(String),
    ForbiddenField {
        type_name: String,
        field: String,
    },
    NotFound,
    BadUserInput {
        field: String,
        message: String,
    },
    Conflict {
        message: String,
        current_version: Option<i32>,
    },
    RateLimited {
        retry_after_secs: u64,
    },
    Internal(SharedError),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn internal(err: impl Into<BoxError>) -> Self {
        Self::Internal(std::sync::Arc::from(err.into()))
    }

    pub fn stale(current_version: i32) -> Self {
        Self::Conflict {
            message: "the record was changed by someone else; reload and try again".into(),
            current_version: Some(current_version),
        }
    }

    pub fn code(&self) -> Code {
        match self {
            AppError::Unauthenticated => Code::Unauthenticated,
            AppError::Forbidden | AppError::ForbiddenBecause(_) => Code::Forbidden,
            AppError::ForbiddenField { .. } => Code::ForbiddenField,
            AppError::NotFound => Code::NotFound,
            AppError::BadUserInput { .. } => Code::BadUserInput,
            AppError::Conflict { .. } => Code::Conflict,
            AppError::RateLimited { .. } => Code::RateLimited,
            AppError::Internal(_) => Code::Internal,
        }
    }

    /// The message written for the client. Never contains internal detail.
    pub fn client_message(&self) -> String {
        match self {
            AppError::Unauthenticated => "authentication required".into(),
            AppError::Forbidden => "not permitted".into(),
            AppError::ForbiddenBecause(why) => format!("not permitted: {why}"),
            AppError::ForbiddenField { type_name, field } => {
                format!("not permitted to read {type_name}.{field}")
            }
            AppError::NotFound => "not found".into(),
            AppError::BadUserInput { field, message } => format!("{field}: {message}"),
            AppError::Conflict { message, .. } => message.clone(),
            AppError::RateLimited { .. } => "too many requests; slow down".into(),
            AppError::Internal(_) => "internal error".into(),
        }
    }

    /// Logs an internal error once, with its cause chain.
    fn log(&self) {
        if let AppError::Internal(err) = self {
            let mut chain = vec![err.to_string()];
            let mut source = err.source();
            while let Some(s) = source {
                chain.push(s.to_string());
                source = s.source();
            }
            tracing::error!(error.cause_chain = ?chain, "internal error");
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::Internal(std::sync::Arc::new(err))
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.log();
        let code = err.code();
        let message = err.client_message();
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code.as_str());
            match &err {
                AppError::BadUserInput { field, .. } => ext.set("field", field.as_str()),
                AppError::ForbiddenField { type_name, field } => {
                    ext.set("type", type_name.as_str());
                    ext.set("field", field.as_str());
                }
                AppError::Conflict {
                    current_version: Some(v),
                    ..
                } => ext.set("currentVersion", *v),
                AppError::RateLimited { retry_after_secs } => {
                    ext.set("retryAfter", *retry_after_secs)
                }
                _ => {}
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let err = AppError::from(sea_orm::DbErr::Custom("SELECT secret FROM person".into()));
        let gql: async_graphql::Error = err.into();
        assert_eq!(gql.message, "internal error");
        let ext = format!("{:?}", gql.extensions);
        assert!(ext.contains("INTERNAL"));
        assert!(!ext.contains("SELECT"));
    }

    #[test]
    fn bad_input_names_the_field() {
        let gql: async_graphql::Error = AppError::bad_input("postcode", "not a UK postcode").into();
        let ext = format!("{:?}", gql.extensions);
        assert!(ext.contains("BAD_USER_INPUT"));
        assert!(ext.contains("postcode"));
    }
}
