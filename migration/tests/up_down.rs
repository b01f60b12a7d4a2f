//! Runs every migration up, down, and up again on SQLite and on PostgreSQL, and checks that the
//! schema appears, disappears and reappears (tables, indexes, the append-only `access_log`).

use migration::{Migrator, MigratorTrait, SchemaManager};
use sea_orm_migration::sea_orm::{
    ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const TABLES: [&str; 25] = [
    "agency",
    "app_user",
    "role",
    "user_role",
    "role_operation",
    "role_field_permission",
    "auth_session",
    "refresh_token",
    "access_log",
    "person",
    "location",
    "asb_case",
    "case_reference_counter",
    "incident",
    "incident_party",
    "case_party",
    "case_location",
    "case_share",
    "case_action",
    "case_note",
    "intervention_tool",
    "intervention",
    "intervention_breach",
    "document",
    "retention_policy",
];

/// A few of the indexes, one per migration.
const INDEXES: [(&str, &str); 10] = [
    ("app_user", "idx_app_user_agency_id"),
    ("refresh_token", "idx_refresh_token_session_id"),
    ("access_log", "idx_access_log_operation_entity_id_at"),
    ("person", "idx_person_merged_into_id"),
    ("case_share", "idx_case_share_agency_id_case_id"),
    (
        "incident_party",
        "idx_incident_party_incident_id_person_id_part",
    ),
    ("document", "idx_document_case_id"),
    (
        "retention_policy",
        "idx_retention_policy_agency_id_record_type",
    ),
    ("asb_case", "idx_asb_case_lead_agency_id_closed_at"),
    ("asb_case", "idx_asb_case_open_next_review_at"),
];

async fn assert_schema_present(db: &DatabaseConnection) -> TestResult {
    let manager = SchemaManager::new(db);
    for table in TABLES {
        assert!(
            manager.has_table(table).await?,
            "table {table} missing after up"
        );
    }
    for (table, index) in INDEXES {
        assert!(
            manager.has_index(table, index).await?,
            "index {index} missing after up"
        );
    }
    assert!(Migrator::get_pending_migrations(db).await?.is_empty());
    Ok(())
}

async fn assert_schema_absent(db: &DatabaseConnection) -> TestResult {
    let manager = SchemaManager::new(db);
    for table in TABLES {
        assert!(
            !manager.has_table(table).await?,
            "table {table} left after down"
        );
    }
    assert!(Migrator::get_applied_migrations(db).await?.is_empty());
    if db.get_database_backend() == DbBackend::Postgres {
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT count(*) AS n FROM pg_proc WHERE proname = 'access_log_append_only'",
            ))
            .await?
            .ok_or("no row")?;
        let n: i64 = row.try_get("", "n")?;
        assert_eq!(n, 0, "access_log_append_only() left after down");
    }
    Ok(())
}

fn expect_append_only(result: Result<impl std::fmt::Debug, DbErr>, what: &str) {
    match result {
        Ok(r) => panic!("{what} on access_log succeeded: {r:?}"),
        Err(e) => assert!(
            e.to_string().contains("access_log is append-only"),
            "{what}: unexpected error {e}"
        ),
    }
}

/// Inserting into `access_log` works; changing or removing rows does not.
async fn assert_access_log_append_only(db: &DatabaseConnection) -> TestResult {
    let backend = db.get_database_backend();
    let id = uuid::Uuid::new_v4();
    let insert = match backend {
        DbBackend::Postgres => format!(
            "INSERT INTO access_log (id, at, operation, outcome) VALUES ('{id}', now(), 'test', 'ok')"
        ),
        _ => format!(
            "INSERT INTO access_log (id, at, operation, outcome) \
             VALUES ('{id}', '2026-11-27T12:00:00Z', 'test', 'ok')"
        ),
    };
    db.execute_unprepared(&insert).await?;
    expect_append_only(
        db.execute_unprepared("UPDATE access_log SET outcome = 'changed'")
            .await,
        "UPDATE",
    );
    expect_append_only(
        db.execute_unprepared("DELETE FROM access_log").await,
        "DELETE",
    );
    if backend == DbBackend::Postgres {
        expect_append_only(
            db.execute_unprepared("TRUNCATE access_log").await,
            "TRUNCATE",
        );
    }
    Ok(())
}

async fn up_down_up(db: &DatabaseConnection) -> TestResult {
    Migrator::up(db, None).await?;
    assert_schema_present(db).await?;
    assert_access_log_append_only(db).await?;

    Migrator::down(db, None).await?;
    assert_schema_absent(db).await?;

    Migrator::up(db, None).await?;
    assert_schema_present(db).await?;
    assert_access_log_append_only(db).await?;
    Ok(())
}

async fn connect_and_run(url: &str) -> TestResult {
    let db = Database::connect(url).await?;
    let result = up_down_up(&db).await;
    db.close().await?;
    result
}

/// Runs on the backend the suite runs on: SQLite unless `TEST_DATABASE_URL` names a PostgreSQL
/// server, in which case a uniquely named database is created there and dropped afterwards.
#[tokio::test]
async fn migrations_run_up_down_and_up_again() -> TestResult {
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        None => up_down_up_sqlite().await,
        Some(base) => up_down_up_postgres(&base).await,
    }
}

async fn up_down_up_sqlite() -> TestResult {
    let path =
        std::env::temp_dir().join(format!("asb_mig_{}.sqlite", uuid::Uuid::new_v4().simple()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let result = connect_and_run(&url).await;
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    result
}

async fn up_down_up_postgres(base: &str) -> TestResult {
    let name = format!("asb_mig_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(base).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    let server = base.rsplit_once('/').map(|(s, _)| s).unwrap_or(base);
    let result = connect_and_run(&format!("{server}/{name}")).await;

    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    admin.close().await?;
    result
}
