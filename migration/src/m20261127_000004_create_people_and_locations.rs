use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Person::Table)
                    .col(uuid(Person::Id).primary_key())
                    .col(text(Person::GivenName))
                    .col(text(Person::FamilyName))
                    .col(date_null(Person::DateOfBirth))
                    .col(text_null(Person::Address))
                    .col(text_null(Person::Postcode))
                    .col(text_null(Person::Phone))
                    .col(text_null(Person::Email))
                    .col(text_null(Person::PreferredContact))
                    .col(text_null(Person::VulnerabilityPersonal))
                    .col(text_null(Person::VulnerabilitySituational))
                    .col(text_null(Person::VulnerabilityIncidental))
                    .col(boolean_null(Person::ConsentToShare))
                    .col(text_null(Person::ConsentLawfulBasis))
                    .col(date_null(Person::ConsentDate))
                    .col(uuid(Person::CreatedByAgencyId))
                    .col(uuid_null(Person::MergedIntoId))
                    .col(integer(Person::Version).default(1))
                    .col(timestamp_with_time_zone(Person::CreatedAt))
                    .col(timestamp_with_time_zone(Person::UpdatedAt))
                    .col(uuid_null(Person::CreatedBy))
                    .col(uuid_null(Person::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_created_by_agency_id")
                            .from(Person::Table, Person::CreatedByAgencyId)
                            .to(Agency::Table, Agency::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_merged_into_id")
                            .from(Person::Table, Person::MergedIntoId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::NoAction),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_person_family_name")
                    .table(Person::Table)
                    .col(Person::FamilyName)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_person_postcode")
                    .table(Person::Table)
                    .col(Person::Postcode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_person_created_by_agency_id")
                    .table(Person::Table)
                    .col(Person::CreatedByAgencyId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_person_merged_into_id")
                    .table(Person::Table)
                    .col(Person::MergedIntoId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Location::Table)
                    .col(uuid(Location::Id).primary_key())
                    .col(text(Location::Address))
                    .col(text_null(Location::PremisesName))
                    .col(text(Location::Postcode))
                    .col(text_null(Location::Ward))
                    .col(double_null(Location::Latitude))
                    .col(double_null(Location::Longitude))
                    .col(uuid(Location::CreatedByAgencyId))
                    .col(timestamp_with_time_zone(Location::CreatedAt))
                    .col(timestamp_with_time_zone(Location::UpdatedAt))
                    .col(uuid_null(Location::CreatedBy))
                    .col(uuid_null(Location::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_location_created_by_agency_id")
                            .from(Location::Table, Location::CreatedByAgencyId)
                            .to(Agency::Table, Agency::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_location_postcode")
                    .table(Location::Table)
                    .col(Location::Postcode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_location_ward")
                    .table(Location::Table)
                    .col(Location::Ward)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Location::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Person::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    GivenName,
    FamilyName,
    DateOfBirth,
    Address,
    Postcode,
    Phone,
    Email,
    PreferredContact,
    VulnerabilityPersonal,
    VulnerabilitySituational,
    VulnerabilityIncidental,
    ConsentToShare,
    ConsentLawfulBasis,
    ConsentDate,
    CreatedByAgencyId,
    MergedIntoId,
    Version,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Location {
    Table,
    Id,
    Address,
    PremisesName,
    Postcode,
    Ward,
    Latitude,
    Longitude,
    CreatedByAgencyId,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}
