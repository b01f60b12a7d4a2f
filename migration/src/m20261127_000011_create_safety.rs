//! Victim safety: the partnership's safety rules (at most one row; until one is saved the
//! application's defaults apply), and the repeat and Case Review flags computed when an incident
//! is recorded. Supervision and contact follow in `m20261127_000012`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rules(manager).await?;
        flags(manager).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            VictimFlag::Table.into_iden(),
            IncidentFlag::Table.into_iden(),
            SafetyRules::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Creates a plain index on `cols` (helpers shared with `m20261127_000012`).
pub(crate) async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
) -> Result<(), DbErr> {
    let mut idx = Index::create().name(name).table(table).to_owned();
    for c in cols {
        idx.col(c);
    }
    manager.create_index(idx).await
}

/// A foreign key that cascades deletes, or restricts them.
pub(crate) fn fk(
    name: &str,
    from: (DynIden, DynIden),
    to: (DynIden, DynIden),
    cascade: bool,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(if cascade {
            ForeignKeyAction::Cascade
        } else {
            ForeignKeyAction::Restrict
        })
        .to_owned()
}

/// An identifier, boxed, so different enums' columns can share a list.
pub(crate) fn i<T: IntoIden>(t: T) -> DynIden {
    t.into_iden()
}

async fn rules(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use SafetyRules as S;
    manager
        .create_table(
            Table::create()
                .table(S::Table)
                .col(integer(S::Id).primary_key())
                .col(integer(S::RepeatVictimMinIncidents))
                .col(integer(S::RepeatVictimWindowDays))
                .col(integer(S::RepeatLocationMinIncidents))
                .col(integer(S::RepeatLocationWindowDays))
                .col(integer(S::CaseReviewMinComplaints))
                .col(integer(S::CaseReviewWindowDays))
                .col(integer(S::CaseReviewReportWithinDays))
                .col(boolean(S::CaseReviewByReporters).default(false))
                .col(integer(S::CaseReviewMinReporters))
                .col(boolean(S::CaseReviewAnyHate).default(false))
                .col(text(S::CadenceStandard))
                .col(text(S::CadenceMedium))
                .col(text(S::CadenceHigh))
                .col(integer(S::FirstContactHours))
                .col(integer(S::Version).default(1))
                .col(timestamp_with_time_zone(S::UpdatedAt))
                .col(uuid_null(S::UpdatedBy))
                .to_owned(),
        )
        .await
}

async fn flags(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use IncidentFlag as F;
    manager
        .create_table(
            Table::create()
                .table(F::Table)
                .col(uuid(F::IncidentId).primary_key())
                .col(timestamp_with_time_zone(F::OccurredAt))
                .col(uuid_null(F::LocationId))
                .col(boolean(F::IsRepeatVictim))
                .col(integer(F::RepeatVictimCount))
                .col(integer(F::RepeatWindowDays))
                .col(boolean(F::IsRepeatLocation))
                .col(integer(F::RepeatLocationCount))
                .col(integer(F::LocationWindowDays))
                .col(boolean(F::CaseReviewEligible))
                .col(text_null(F::CaseReviewBasis))
                .col(timestamp_with_time_zone(F::DetectedAt))
                .foreign_key(&mut fk(
                    "fk_incident_flag_incident_id",
                    (i(F::Table), i(F::IncidentId)),
                    (i(Incident::Table), i(Incident::Id)),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_incident_flag_location_id",
                    (i(F::Table), i(F::LocationId)),
                    (i(Location::Table), i(Location::Id)),
                    false,
                ))
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_incident_flag_occurred_at",
        F::Table,
        vec![i(F::OccurredAt)],
    )
    .await?;
    index(
        manager,
        "idx_incident_flag_location_id_occurred_at",
        F::Table,
        vec![i(F::LocationId), i(F::OccurredAt)],
    )
    .await?;

    use VictimFlag as V;
    manager
        .create_table(
            Table::create()
                .table(V::Table)
                .col(uuid(V::Id).primary_key())
                .col(uuid(V::IncidentId))
                .col(uuid(V::PersonId))
                .col(timestamp_with_time_zone(V::OccurredAt))
                .col(integer(V::IncidentCount))
                .col(integer(V::WindowDays))
                .col(boolean(V::IsRepeat))
                .col(boolean(V::CaseReviewEligible))
                .col(text_null(V::CaseReviewBasis))
                .col(timestamp_with_time_zone(V::DetectedAt))
                .foreign_key(&mut fk(
                    "fk_victim_flag_incident_id",
                    (i(V::Table), i(V::IncidentId)),
                    (i(Incident::Table), i(Incident::Id)),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_victim_flag_person_id",
                    (i(V::Table), i(V::PersonId)),
                    (i(Person::Table), i(Person::Id)),
                    false,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_victim_flag_incident_id_person_id")
                .table(V::Table)
                .col(V::IncidentId)
                .col(V::PersonId)
                .unique()
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_victim_flag_person_id_occurred_at",
        V::Table,
        vec![i(V::PersonId), i(V::OccurredAt)],
    )
    .await?;
    index(
        manager,
        "idx_victim_flag_occurred_at",
        V::Table,
        vec![i(V::OccurredAt)],
    )
    .await
}

#[derive(DeriveIden)]
enum SafetyRules {
    Table,
    Id,
    RepeatVictimMinIncidents,
    RepeatVictimWindowDays,
    RepeatLocationMinIncidents,
    RepeatLocationWindowDays,
    CaseReviewMinComplaints,
    CaseReviewWindowDays,
    CaseReviewReportWithinDays,
    CaseReviewByReporters,
    CaseReviewMinReporters,
    CaseReviewAnyHate,
    CadenceStandard,
    CadenceMedium,
    CadenceHigh,
    FirstContactHours,
    Version,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum IncidentFlag {
    Table,
    IncidentId,
    OccurredAt,
    LocationId,
    IsRepeatVictim,
    RepeatVictimCount,
    RepeatWindowDays,
    IsRepeatLocation,
    RepeatLocationCount,
    LocationWindowDays,
    CaseReviewEligible,
    CaseReviewBasis,
    DetectedAt,
}

#[derive(DeriveIden)]
enum VictimFlag {
    Table,
    Id,
    IncidentId,
    PersonId,
    OccurredAt,
    IncidentCount,
    WindowDays,
    IsRepeat,
    CaseReviewEligible,
    CaseReviewBasis,
    DetectedAt,
}

#[derive(DeriveIden)]
enum Incident {
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
