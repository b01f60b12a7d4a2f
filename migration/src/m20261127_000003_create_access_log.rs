use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::{ConnectionTrait, DbBackend},
};

/// PostgreSQL: the trigger function that refuses any change to `access_log`.
const PG_FUNCTION: &str = "CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger \
LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'access_log is append-only'; END; $$";

/// PostgreSQL: refuse UPDATE and DELETE, row by row.
const PG_TRIGGER_ROW: &str = "CREATE TRIGGER access_log_no_update_delete \
BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION access_log_append_only()";

/// PostgreSQL: refuse TRUNCATE (row triggers do not fire on it).
const PG_TRIGGER_TRUNCATE: &str = "CREATE TRIGGER access_log_no_truncate \
BEFORE TRUNCATE ON access_log FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()";

/// SQLite: refuse UPDATE.
const SQLITE_TRIGGER_UPDATE: &str = "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log \
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;";

/// SQLite: refuse DELETE.
const SQLITE_TRIGGER_DELETE: &str = "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log \
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccessLog::Table)
                    .col(uuid(AccessLog::Id).primary_key())
                    .col(timestamp_with_time_zone(AccessLog::At))
                    .col(uuid_null(AccessLog::UserId))
                    .col(uuid_null(AccessLog::AgencyId))
                    .col(text(AccessLog::Operation))
                    .col(text(AccessLog::Outcome))
                    .col(text_null(AccessLog::Entity))
                    .col(text_null(AccessLog::EntityId))
                    .col(text_null(AccessLog::Fields))
                    .col(text_null(AccessLog::RequestId))
                    .col(text_null(AccessLog::ClientAddr))
                    .col(text_null(AccessLog::Detail))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_access_log_at")
                    .table(AccessLog::Table)
                    .col(AccessLog::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_access_log_user_id_at")
                    .table(AccessLog::Table)
                    .col(AccessLog::UserId)
                    .col(AccessLog::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_access_log_agency_id_at")
                    .table(AccessLog::Table)
                    .col(AccessLog::AgencyId)
                    .col(AccessLog::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_access_log_entity_entity_id_at")
                    .table(AccessLog::Table)
                    .col(AccessLog::Entity)
                    .col(AccessLog::EntityId)
                    .col(AccessLog::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_access_log_operation_entity_id_at")
                    .table(AccessLog::Table)
                    .col(AccessLog::Operation)
                    .col(AccessLog::EntityId)
                    .col(AccessLog::At)
                    .to_owned(),
            )
            .await?;
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                let db = manager.get_connection();
                db.execute_unprepared(PG_FUNCTION).await?;
                db.execute_unprepared(PG_TRIGGER_ROW).await?;
                db.execute_unprepared(PG_TRIGGER_TRUNCATE).await?;
            }
            DbBackend::Sqlite => {
                let db = manager.get_connection();
                db.execute_unprepared(SQLITE_TRIGGER_UPDATE).await?;
                db.execute_unprepared(SQLITE_TRIGGER_DELETE).await?;
            }
            other => {
                return Err(DbErr::Migration(format!(
                    "access_log append-only triggers are not implemented for {other:?}"
                )));
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                let db = manager.get_connection();
                db.execute_unprepared(
                    "DROP TRIGGER IF EXISTS access_log_no_truncate ON access_log",
                )
                .await?;
                db.execute_unprepared(
                    "DROP TRIGGER IF EXISTS access_log_no_update_delete ON access_log",
                )
                .await?;
            }
            DbBackend::Sqlite => {
                let db = manager.get_connection();
                db.execute_unprepared("DROP TRIGGER IF EXISTS access_log_no_update")
                    .await?;
                db.execute_unprepared("DROP TRIGGER IF EXISTS access_log_no_delete")
                    .await?;
            }
            _ => {}
        }
        manager
            .drop_table(Table::drop().table(AccessLog::Table).to_owned())
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS access_log_append_only()")
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum AccessLog {
    Table,
    Id,
    At,
    UserId,
    AgencyId,
    Operation,
    Outcome,
    Entity,
    EntityId,
    Fields,
    RequestId,
    ClientAddr,
    Detail,
}
