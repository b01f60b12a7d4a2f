//! Database connection and migrations.
//!
//! SQLite is the embedded default; PostgreSQL is production. SQLite gets WAL so readers and the
//! writer do not block each other, and a busy timeout so concurrent writers wait rather than fail.

use std::time::Duration;

use migration::MigratorTrait;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::configuration::Settings;

pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbErr> {
    let url = settings.database_url.expose().to_string();
    let is_sqlite = url.starts_with("sqlite:");
    let mut opts = ConnectOptions::new(url);
    opts.max_connections(settings.db_max_connections)
        .min_connections(if is_sqlite { 1 } else { 2 })
        .connect_timeout(Duration::from_secs(3))
        .acquire_timeout(settings.db_acquire_timeout)
        .idle_timeout(Duration::from_secs(300))
        .sqlx_logging(false);
    if is_sqlite {
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    } else {
        // Keep a runaway statement from holding a connection forever. JIT compilation is off:
        // it starts on statements the planner thinks costly (the dashboard's counts over a
        // month) and spent more time compiling (~50 ms each, measured by the benchmark) than
        // it saved on statements that run in milliseconds.
        let timeout = format!("{}ms", settings.limits.request_timeout.as_millis());
        opts.map_sqlx_postgres_opts(move |o| {
            o.options([("statement_timeout", timeout.as_str()), ("jit", "off")])
        });
    }
    Database::connect(opts).await
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await
}

/// (applied, pending) migration names.
pub async fn migration_status(
    db: &DatabaseConnection,
) -> Result<(Vec<String>, Vec<String>), DbErr> {
    let applied = migration::Migrator::get_applied_migrations(db)
        .await?
        .into_iter()
        .map(|m| m.name().to_string())
        .collect();
    let pending = migration::Migrator::get_pending_migrations(db)
        .await?
        .into_iter()
        .map(|m| m.name().to_string())
        .collect();
    Ok((applied, pending))
}

/// True when the database answers within a second.
pub async fn is_ready(db: &DatabaseConnection) -> bool {
    matches!(
        tokio::time::timeout(Duration::from_secs(1), db.ping()).await,
        Ok(Ok(()))
    )
}

/// Begins a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`IMMEDIATE`), so a transaction that reads before it writes waits for other writers instead
/// of failing when another commits first; PostgreSQL ignores the option.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
