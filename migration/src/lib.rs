//! Schema migrations of the ASB Partnership Hub.
//!
//! Every migration runs forward on SQLite and PostgreSQL, and `down` drops what `up` created.
//! Migrations do not use the `entity` crate: they describe the schema as it was when written.

pub use sea_orm_migration::prelude::*;

/// The `MigrationTrait` of a migration whose module defines `UP` and `DOWN`: lists of SQL written
/// the same for SQLite and PostgreSQL (the index migrations).
macro_rules! sql_migration {
    () => {
        #[async_trait::async_trait]
        impl MigrationTrait for Migration {
            async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                crate::execute_all(manager, UP).await
            }

            async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                crate::execute_all(manager, DOWN).await
            }
        }
    };
}

/// Runs SQL written the same for SQLite and PostgreSQL, in order (index migrations).
pub(crate) async fn execute_all(
    manager: &SchemaManager<'_>,
    statements: &[&str],
) -> Result<(), DbErr> {
    for sql in statements {
        manager.get_connection().execute_unprepared(sql).await?;
    }
    Ok(())
}

mod m20261127_000001_create_identity;
mod m20261127_000002_create_sessions;
mod m20261127_000003_create_access_log;
mod m20261127_000004_create_people_and_locations;
mod m20261127_000005_create_cases;
mod m20261127_000006_create_incidents;
mod m20261127_000007_create_case_plan;
mod m20261127_000010_create_risk_assessment;
mod m20261127_000011_create_safety;
mod m20261127_000012_create_supervision;
mod m20261127_000013_create_alerts;
mod m20261127_000014_create_retention;
mod m20261127_000015_performance_indexes;
mod m20261127_000016_period_indexes;

/// Runs the migrations of this crate in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_identity::Migration),
            Box::new(m20261127_000002_create_sessions::Migration),
            Box::new(m20261127_000003_create_access_log::Migration),
            Box::new(m20261127_000004_create_people_and_locations::Migration),
            Box::new(m20261127_000005_create_cases::Migration),
            Box::new(m20261127_000006_create_incidents::Migration),
            Box::new(m20261127_000007_create_case_plan::Migration),
            Box::new(m20261127_000010_create_risk_assessment::Migration),
            Box::new(m20261127_000011_create_safety::Migration),
            Box::new(m20261127_000012_create_supervision::Migration),
            Box::new(m20261127_000013_create_alerts::Migration),
            Box::new(m20261127_000014_create_retention::Migration),
            Box::new(m20261127_000015_performance_indexes::Migration),
            Box::new(m20261127_000016_period_indexes::Migration),
        ]
    }
}
