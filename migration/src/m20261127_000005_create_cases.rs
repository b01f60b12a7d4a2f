use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AsbCase::Table)
                    .col(uuid(AsbCase::Id).primary_key())
                    .col(text(AsbCase::Reference).unique_key())
                    .col(text(AsbCase::Title))
                    .col(text(AsbCase::Summary).default(""))
                    .col(text(AsbCase::Category))
                    .col(text(AsbCase::Status))
                    .col(text_null(AsbCase::ClosureReason))
                    .col(timestamp_with_time_zone_null(AsbCase::ClosedAt))
                    .col(uuid(AsbCase::LeadAgencyId))
                    .col(uuid_null(AsbCase::OwnerId))
                    .col(text(AsbCase::RiskLevel).default("standard"))
                    .col(timestamp_with_time_zone_null(AsbCase::NextReviewAt))
                    .col(text_null(AsbCase::PoliceIntelligence))
                    .col(text_null(AsbCase::TenancyDetails))
                    .col(text_null(AsbCase::HealthSafeguardingNotes))
                    .col(integer(AsbCase::Version).default(1))
                    .col(timestamp_with_time_zone(AsbCase::CreatedAt))
                    .col(timestamp_with_time_zone(AsbCase::UpdatedAt))
                    .col(uuid_null(AsbCase::CreatedBy))
                    .col(uuid_null(AsbCase::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_asb_case_lead_agency_id")
                            .from(AsbCase::Table, AsbCase::LeadAgencyId)
                            .to(Agency::Table, Agency::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_asb_case_owner_id")
                            .from(AsbCase::Table, AsbCase::OwnerId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_asb_case_lead_agency_id")
                    .table(AsbCase::Table)
                    .col(AsbCase::LeadAgencyId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_asb_case_owner_id")
                    .table(AsbCase::Table)
                    .col(AsbCase::OwnerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_asb_case_status")
                    .table(AsbCase::Table)
                    .col(AsbCase::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_asb_case_next_review_at")
                    .table(AsbCase::Table)
                    .col(AsbCase::NextReviewAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_asb_case_created_at")
                    .table(AsbCase::Table)
                    .col(AsbCase::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseReferenceCounter::Table)
                    .col(integer(CaseReferenceCounter::Year).primary_key())
                    .col(big_integer(CaseReferenceCounter::LastValue))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseParty::Table)
                    .col(uuid(CaseParty::Id).primary_key())
                    .col(uuid(CaseParty::CaseId))
                    .col(uuid(CaseParty::PersonId))
                    .col(text(CaseParty::Role))
                    .col(timestamp_with_time_zone(CaseParty::CreatedAt))
                    .col(timestamp_with_time_zone(CaseParty::UpdatedAt))
                    .col(uuid_null(CaseParty::CreatedBy))
                    .col(uuid_null(CaseParty::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_party_case_id")
                            .from(CaseParty::Table, CaseParty::CaseId)
                            .to(AsbCase::Table, AsbCase::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_party_person_id")
                            .from(CaseParty::Table, CaseParty::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_party_case_id_person_id_role")
                    .table(CaseParty::Table)
                    .col(CaseParty::CaseId)
                    .col(CaseParty::PersonId)
                    .col(CaseParty::Role)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_party_person_id")
                    .table(CaseParty::Table)
                    .col(CaseParty::PersonId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseLocation::Table)
                    .col(uuid(CaseLocation::CaseId))
                    .col(uuid(CaseLocation::LocationId))
                    .col(timestamp_with_time_zone(CaseLocation::CreatedAt))
                    .col(uuid_null(CaseLocation::CreatedBy))
                    .primary_key(
                        Index::create()
                            .col(CaseLocation::CaseId)
                            .col(CaseLocation::LocationId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_location_case_id")
                            .from(CaseLocation::Table, CaseLocation::CaseId)
                            .to(AsbCase::Table, AsbCase::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_location_location_id")
                            .from(CaseLocation::Table, CaseLocation::LocationId)
                            .to(Location::Table, Location::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_location_location_id")
                    .table(CaseLocation::Table)
                    .col(CaseLocation::LocationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseShare::Table)
                    .col(uuid(CaseShare::Id).primary_key())
                    .col(uuid(CaseShare::CaseId))
                    .col(uuid(CaseShare::AgencyId))
                    .col(text(CaseShare::LegalBasis))
                    .col(uuid(CaseShare::SharedBy))
                    .col(timestamp_with_time_zone(CaseShare::SharedAt))
                    .col(timestamp_with_time_zone_null(CaseShare::RevokedAt))
                    .col(uuid_null(CaseShare::RevokedBy))
                    .col(text_null(CaseShare::RevokeReason))
                    .col(timestamp_with_time_zone(CaseShare::CreatedAt))
                    .col(timestamp_with_time_zone(CaseShare::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_share_case_id")
                            .from(CaseShare::Table, CaseShare::CaseId)
                            .to(AsbCase::Table, AsbCase::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_share_agency_id")
                            .from(CaseShare::Table, CaseShare::AgencyId)
                            .to(Agency::Table, Agency::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_share_agency_id_case_id")
                    .table(CaseShare::Table)
                    .col(CaseShare::AgencyId)
                    .col(CaseShare::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_share_case_id")
                    .table(CaseShare::Table)
                    .col(CaseShare::CaseId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CaseShare::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CaseLocation::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CaseParty::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CaseReferenceCounter::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AsbCase::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum AsbCase {
    Table,
    Id,
    Reference,
    Title,
    Summary,
    Category,
    Status,
    ClosureReason,
    ClosedAt,
    LeadAgencyId,
    OwnerId,
    RiskLevel,
    NextReviewAt,
    PoliceIntelligence,
    TenancyDetails,
    HealthSafeguardingNotes,
    Version,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum CaseReferenceCounter {
    Table,
    Year,
    LastValue,
}

#[derive(DeriveIden)]
enum CaseParty {
    Table,
    Id,
    CaseId,
    PersonId,
    Role,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum CaseLocation {
    Table,
    CaseId,
    LocationId,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum CaseShare {
    Table,
    Id,
    CaseId,
    AgencyId,
    LegalBasis,
    SharedBy,
    SharedAt,
    RevokedAt,
    RevokedBy,
    RevokeReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AppUser {
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
