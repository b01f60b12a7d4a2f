//! Supervision and contact: supervisors' case reviews (and the actions a review added to the
//! plan), contact with victims, and their satisfaction.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000011_create_safety::{fk, i, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        reviews(manager).await?;
        contact(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            VictimSatisfaction::Table.into_iden(),
            VictimContact::Table.into_iden(),
            CaseReviewAction::Table.into_iden(),
            CaseReview::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
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

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}
