//! Retention: how long each agency keeps each type of record before it is due for review and
//! erasure (DPA 2018: kept only while needed). One row per agency and record type; an agency
//! without a row for a type has nothing of that type due.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RetentionPolicy::Table)
                    .col(uuid(RetentionPolicy::Id).primary_key())
                    .col(uuid(RetentionPolicy::AgencyId))
                    .col(text(RetentionPolicy::RecordType))
                    .col(integer(RetentionPolicy::RetainDays))
                    .col(timestamp_with_time_zone(RetentionPolicy::UpdatedAt))
                    .col(uuid_null(RetentionPolicy::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_retention_policy_agency_id")
                            .from(RetentionPolicy::Table, RetentionPolicy::AgencyId)
                            .to(Agency::Table, Agency::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_retention_policy_agency_id_record_type")
                    .table(RetentionPolicy::Table)
                    .col(RetentionPolicy::AgencyId)
                    .col(RetentionPolicy::RecordType)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Cases are due from their closing date: find an agency's closed cases by it.
        manager
            .create_index(
                Index::create()
                    .name("idx_asb_case_lead_agency_id_closed_at")
                    .table(AsbCase::Table)
                    .col(AsbCase::LeadAgencyId)
                    .col(AsbCase::ClosedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_asb_case_lead_agency_id_closed_at")
                    .table(AsbCase::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(RetentionPolicy::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum RetentionPolicy {
    Table,
    Id,
    AgencyId,
    RecordType,
    RetainDays,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AsbCase {
    Table,
    LeadAgencyId,
    ClosedAt,
}
