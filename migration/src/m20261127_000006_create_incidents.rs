use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Incident::Table)
                    .col(uuid(Incident::Id).primary_key())
                    .col(timestamp_with_time_zone(Incident::OccurredAt))
                    .col(timestamp_with_time_zone(Incident::ReportedAt))
                    .col(text(Incident::Channel))
                    .col(uuid(Incident::ReportingAgencyId))
                    .col(text(Incident::Category))
                    .col(text(Incident::SubType))
                    .col(text(Incident::Description))
                    .col(uuid_null(Incident::LocationId))
                    .col(text_null(Incident::PoliceReference))
                    .col(uuid_null(Incident::CaseId))
                    .col(boolean(Incident::HateMotivated).default(false))
                    .col(timestamp_with_time_zone(Incident::CreatedAt))
                    .col(timestamp_with_time_zone(Incident::UpdatedAt))
                    .col(uuid_null(Incident::CreatedBy))
                    .col(uuid_null(Incident::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_incident_reporting_agency_id")
                            .from(Incident::Table, Incident::ReportingAgencyId)
                            .to(Agency::Table, Agency::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_incident_location_id")
                            .from(Incident::Table, Incident::LocationId)
                            .to(Location::Table, Location::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_incident_case_id")
                            .from(Incident::Table, Incident::CaseId)
                            .to(AsbCase::Table, AsbCase::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_incident_case_id")
                    .table(Incident::Table)
                    .col(Incident::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_incident_location_id_occurred_at")
                    .table(Incident::Table)
                    .col(Incident::LocationId)
                    .col(Incident::OccurredAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_incident_reporting_agency_id")
                    .table(Incident::Table)
                    .col(Incident::ReportingAgencyId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_incident_occurred_at")
                    .table(Incident::Table)
                    .col(Incident::OccurredAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IncidentParty::Table)
                    .col(uuid(IncidentParty::Id).primary_key())
                    .col(uuid(IncidentParty::IncidentId))
                    .col(uuid(IncidentParty::PersonId))
                    .col(text(IncidentParty::Part))
                    .col(timestamp_with_time_zone(IncidentParty::CreatedAt))
                    .col(uuid_null(IncidentParty::CreatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_incident_party_incident_id")
                            .from(IncidentParty::Table, IncidentParty::IncidentId)
                            .to(Incident::Table, Incident::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_incident_party_person_id")
                            .from(IncidentParty::Table, IncidentParty::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_incident_party_incident_id_person_id_part")
                    .table(IncidentParty::Table)
                    .col(IncidentParty::IncidentId)
                    .col(IncidentParty::PersonId)
                    .col(IncidentParty::Part)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_incident_party_person_id_part")
                    .table(IncidentParty::Table)
                    .col(IncidentParty::PersonId)
                    .col(IncidentParty::Part)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IncidentParty::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Incident::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Incident {
    Table,
    Id,
    OccurredAt,
    ReportedAt,
    Channel,
    ReportingAgencyId,
    Category,
    SubType,
    Description,
    LocationId,
    PoliceReference,
    CaseId,
    HateMotivated,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum IncidentParty {
    Table,
    Id,
    IncidentId,
    PersonId,
    Part,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AsbCase {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Location {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}
