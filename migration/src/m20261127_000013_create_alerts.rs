//! Alerts: what concerns an agency's users (a high-risk victim, a new repeat victim, a Case
//! Review eligibility, a case shared with them, an overdue review), kept so that nothing is lost
//! when nobody is connected, and acknowledged per user.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alert::Table)
                    .col(uuid(Alert::Id).primary_key())
                    .col(uuid(Alert::AgencyId))
                    .col(text(Alert::Kind))
                    .col(uuid_null(Alert::CaseId))
                    .col(uuid_null(Alert::PersonId))
                    .col(uuid_null(Alert::IncidentId))
                    .col(text(Alert::Message))
                    .col(timestamp_with_time_zone(Alert::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_alert_agency_id")
                            .from(Alert::Table, Alert::AgencyId)
                            .to(Agency::Table, Agency::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_alert_agency_id_created_at")
                    .table(Alert::Table)
                    .col(Alert::AgencyId)
                    .col(Alert::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_alert_created_at")
                    .table(Alert::Table)
                    .col(Alert::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AlertAck::Table)
                    .col(uuid(AlertAck::AlertId))
                    .col(uuid(AlertAck::UserId))
                    .col(timestamp_with_time_zone(AlertAck::AckedAt))
                    .primary_key(Index::create().col(AlertAck::AlertId).col(AlertAck::UserId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_alert_ack_alert_id")
                            .from(AlertAck::Table, AlertAck::AlertId)
                            .to(Alert::Table, Alert::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AlertAck::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Alert::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Alert {
    Table,
    Id,
    AgencyId,
    Kind,
    CaseId,
    PersonId,
    IncidentId,
    Message,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AlertAck {
    Table,
    AlertId,
    UserId,
    AckedAt,
}

#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}
