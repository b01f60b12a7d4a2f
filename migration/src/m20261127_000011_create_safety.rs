//! Victim safety: the partnership's safety rules (at most one row; until one is saved the
//! application's defaults apply), the repeat and Case Review flags computed when an incident is
//! recorded, supervisors' case reviews, and contact with victims and their satisfaction.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rules(manager).await?;
        flags(manager).await?;
        reviews(manager).await?;
        contact(manager).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            VictimSatisfaction::Table.into_iden(),
            VictimContact::Table.into_iden(),
            CaseReviewAction::Table.into_iden(),
            CaseReview::Table.into_iden(),
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

async fn index(
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

fn fk(
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

fn i<T: IntoIden>(t: T) -> DynIden {
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

async fn reviews(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use CaseReview as R;
    manager
        .create_table(
            Table::create()
                .table(R::Table)
                .col(uuid(R::Id).primary_key())
                .col(uuid(R::CaseId))
                .col(uuid(R::ReviewerId))
                .col(uuid(R::ReviewerAgencyId))
                .col(text(R::Outcome))
                .col(text(R::Comment))
                .col(text(R::Level))
                .col(text(R::RiskLevel))
                .col(integer(R::Step))
                .col(integer(R::CaseVersion))
                .col(timestamp_with_time_zone(R::NextReviewAt))
                .col(timestamp_with_time_zone(R::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_case_review_case_id",
                    (i(R::Table), i(R::CaseId)),
                    (i(AsbCase::Table), i(AsbCase::Id)),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_case_review_reviewer_id",
                    (i(R::Table), i(R::ReviewerId)),
                    (i(AppUser::Table), i(AppUser::Id)),
                    false,
                ))
                .foreign_key(&mut fk(
                    "fk_case_review_reviewer_agency_id",
                    (i(R::Table), i(R::ReviewerAgencyId)),
                    (i(Agency::Table), i(Agency::Id)),
                    false,
                ))
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_case_review_case_id_created_at",
        R::Table,
        vec![i(R::CaseId), i(R::CreatedAt)],
    )
    .await?;

    use CaseReviewAction as A;
    manager
        .create_table(
            Table::create()
                .table(A::Table)
                .col(uuid(A::ReviewId))
                .col(uuid(A::ActionId))
                .primary_key(Index::create().col(A::ReviewId).col(A::ActionId))
                .foreign_key(&mut fk(
                    "fk_case_review_action_review_id",
                    (i(A::Table), i(A::ReviewId)),
                    (i(R::Table), i(R::Id)),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_case_review_action_action_id",
                    (i(A::Table), i(A::ActionId)),
                    (i(CaseAction::Table), i(CaseAction::Id)),
                    true,
                ))
                .to_owned(),
        )
        .await
}

async fn contact(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use VictimContact as C;
    manager
        .create_table(
            Table::create()
                .table(C::Table)
                .col(uuid(C::Id).primary_key())
                .col(uuid(C::CaseId))
                .col(uuid(C::PersonId))
                .col(text(C::Method))
                .col(text(C::Outcome))
                .col(timestamp_with_time_zone(C::ContactedAt))
                .col(uuid(C::UserId))
                .col(uuid(C::AgencyId))
                .col(boolean(C::ByDedicatedOfficer))
                .col(timestamp_with_time_zone(C::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_victim_contact_case_id",
                    (i(C::Table), i(C::CaseId)),
                    (i(AsbCase::Table), i(AsbCase::Id)),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_victim_contact_person_id",
                    (i(C::Table), i(C::PersonId)),
                    (i(Person::Table), i(Person::Id)),
                    false,
                ))
                .foreign_key(&mut fk(
                    "fk_victim_contact_user_id",
                    (i(C::Table), i(C::UserId)),
                    (i(AppUser::Table), i(AppUser::Id)),
                    false,
                ))
                .foreign_key(&mut fk(
                    "fk_victim_contact_agency_id",
                    (i(C::Table), i(C::AgencyId)),
                    (i(Agency::Table), i(Agency::Id)),
                    false,
                ))
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_victim_contact_case_id_person_id_contacted_at",
        C::Table,
        vec![i(C::CaseId), i(C::PersonId), i(C::ContactedAt)],
    )
    .await?;
    index(
        manager,
        "idx_victim_contact_contacted_at",
        C::Table,
        vec![i(C::ContactedAt)],
    )
    .await?;

    use VictimSatisfaction as S;
    manager
        .create_table(
            Table::create()
                .table(S::Table)
                .col(uuid(S::Id).primary_key())
                .col(uuid(S::CaseId))
                .col(uuid(S::PersonId))
                .col(integer(S::Score))
                .col(text_null(S::Comments))
                .col(timestamp_with_time_zone(S::RecordedAt))
                .col(uuid(S::UserId))
                .col(uuid(S::AgencyId))
                .foreign_key(&mut fk(
                    "fk_victim_satisfaction_case_id",
                    (i(S::Table), i(S::CaseId)),
                    (i(AsbCase::Table), i(AsbCase::Id)),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_victim_satisfaction_person_id",
                    (i(S::Table), i(S::PersonId)),
                    (i(Person::Table), i(Person::Id)),
                    false,
                ))
                .foreign_key(&mut fk(
                    "fk_victim_satisfaction_user_id",
                    (i(S::Table), i(S::UserId)),
                    (i(AppUser::Table), i(AppUser::Id)),
                    false,
                ))
                .foreign_key(&mut fk(
                    "fk_victim_satisfaction_agency_id",
                    (i(S::Table), i(S::AgencyId)),
                    (i(Agency::Table), i(Agency::Id)),
                    false,
                ))
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_victim_satisfaction_case_id",
        S::Table,
        vec![i(S::CaseId)],
    )
    .await?;
    index(
        manager,
        "idx_victim_satisfaction_recorded_at",
        S::Table,
        vec![i(S::RecordedAt)],
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
enum CaseReview {
    Table,
    Id,
    CaseId,
    ReviewerId,
    ReviewerAgencyId,
    Outcome,
    Comment,
    Level,
    RiskLevel,
    Step,
    CaseVersion,
    NextReviewAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CaseReviewAction {
    Table,
    ReviewId,
    ActionId,
}

#[derive(DeriveIden)]
enum VictimContact {
    Table,
    Id,
    CaseId,
    PersonId,
    Method,
    Outcome,
    ContactedAt,
    UserId,
    AgencyId,
    ByDedicatedOfficer,
    CreatedAt,
}

#[derive(DeriveIden)]
enum VictimSatisfaction {
    Table,
    Id,
    CaseId,
    PersonId,
    Score,
    Comments,
    RecordedAt,
    UserId,
    AgencyId,
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

#[derive(DeriveIden)]
enum AsbCase {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CaseAction {
    Table,
    Id,
}
