//! Risk questionnaires (versioned data), risk assessments, and the queue of high-risk cases
//! waiting for a dedicated vulnerable-victim officer.
//!
//! A version's questions and forced-high rules are one JSON document (`definition`), written once
//! at publication and never changed. `in_force` is `true` on the one version in force and `NULL`
//! on every other; its unique index lets at most one version be in force on both backends.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create().name(name).table(table).to_owned();
    for c in cols {
        i.col(Alias::new(*c));
    }
    i
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict};
        manager
            .create_table(
                Table::create()
                    .table(RiskQuestionnaire::Table)
                    .col(uuid(RiskQuestionnaire::Id).primary_key())
                    .col(text(RiskQuestionnaire::Name).unique_key())
                    .col(timestamp_with_time_zone(RiskQuestionnaire::CreatedAt))
                    .col(uuid_null(RiskQuestionnaire::CreatedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RiskQuestionnaireVersion::Table)
                    .col(uuid(RiskQuestionnaireVersion::Id).primary_key())
                    .col(uuid(RiskQuestionnaireVersion::QuestionnaireId))
                    .col(integer(RiskQuestionnaireVersion::VersionNumber))
                    .col(boolean_null(RiskQuestionnaireVersion::InForce))
                    .col(text(RiskQuestionnaireVersion::Definition))
                    .col(integer(RiskQuestionnaireVersion::MediumThreshold))
                    .col(integer(RiskQuestionnaireVersion::HighThreshold))
                    .col(integer(RiskQuestionnaireVersion::ValidityDays))
                    .col(timestamp_with_time_zone(
                        RiskQuestionnaireVersion::PublishedAt,
                    ))
                    .col(uuid_null(RiskQuestionnaireVersion::PublishedBy))
                    .col(timestamp_with_time_zone_null(
                        RiskQuestionnaireVersion::RetiredAt,
                    ))
                    .foreign_key(&mut fk(
                        "fk_risk_questionnaire_version_questionnaire_id",
                        (
                            RiskQuestionnaireVersion::Table,
                            RiskQuestionnaireVersion::QuestionnaireId,
                        ),
                        (RiskQuestionnaire::Table, RiskQuestionnaire::Id),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_risk_questionnaire_version_published_by",
                        (
                            RiskQuestionnaireVersion::Table,
                            RiskQuestionnaireVersion::PublishedBy,
                        ),
                        (AppUser::Table, AppUser::Id),
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "idx_risk_questionnaire_version_number",
                    RiskQuestionnaireVersion::Table,
                    &["questionnaire_id", "version_number"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "idx_risk_questionnaire_version_in_force",
                    RiskQuestionnaireVersion::Table,
                    &["in_force"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RiskAssessment::Table)
                    .col(uuid(RiskAssessment::Id).primary_key())
                    .col(uuid(RiskAssessment::PersonId))
                    .col(uuid_null(RiskAssessment::IncidentId))
                    .col(uuid_null(RiskAssessment::CaseId))
                    .col(uuid(RiskAssessment::QuestionnaireVersionId))
                    .col(text(RiskAssessment::Answers))
                    .col(integer(RiskAssessment::Score))
                    .col(text(RiskAssessment::ComputedLevel))
                    .col(text_null(RiskAssessment::OverrideLevel))
                    .col(text_null(RiskAssessment::OverrideReason))
                    .col(text(RiskAssessment::Level))
                    .col(uuid(RiskAssessment::AssessedBy))
                    .col(uuid(RiskAssessment::AssessedByAgencyId))
                    .col(timestamp_with_time_zone(RiskAssessment::AssessedAt))
                    .col(timestamp_with_time_zone(RiskAssessment::ValidUntil))
                    .foreign_key(&mut fk(
                        "fk_risk_assessment_person_id",
                        (RiskAssessment::Table, RiskAssessment::PersonId),
                        (Person::Table, Person::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_risk_assessment_incident_id",
                        (RiskAssessment::Table, RiskAssessment::IncidentId),
                        (Incident::Table, Incident::Id),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_risk_assessment_case_id",
                        (RiskAssessment::Table, RiskAssessment::CaseId),
                        (AsbCase::Table, AsbCase::Id),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_risk_assessment_questionnaire_version_id",
                        (
                            RiskAssessment::Table,
                            RiskAssessment::QuestionnaireVersionId,
                        ),
                        (
                            RiskQuestionnaireVersion::Table,
                            RiskQuestionnaireVersion::Id,
                        ),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_risk_assessment_assessed_by",
                        (RiskAssessment::Table, RiskAssessment::AssessedBy),
                        (AppUser::Table, AppUser::Id),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_risk_assessment_assessed_by_agency_id",
                        (RiskAssessment::Table, RiskAssessment::AssessedByAgencyId),
                        (Agency::Table, Agency::Id),
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_risk_assessment_person_id_valid_until",
                &["person_id", "valid_until"][..],
            ),
            (
                "idx_risk_assessment_case_id_assessed_at",
                &["case_id", "assessed_at"][..],
            ),
            ("idx_risk_assessment_incident_id", &["incident_id"][..]),
        ] {
            manager
                .create_index(index(name, RiskAssessment::Table, cols))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(VulnerableVictimQueue::Table)
                    .col(uuid(VulnerableVictimQueue::Id).primary_key())
                    .col(uuid(VulnerableVictimQueue::CaseId))
                    .col(uuid(VulnerableVictimQueue::AgencyId))
                    .col(uuid(VulnerableVictimQueue::AssessmentId))
                    .col(timestamp_with_time_zone(VulnerableVictimQueue::QueuedAt))
                    .col(timestamp_with_time_zone_null(
                        VulnerableVictimQueue::AssignedAt,
                    ))
                    .col(uuid_null(VulnerableVictimQueue::AssignedTo))
                    .foreign_key(&mut fk(
                        "fk_vulnerable_victim_queue_case_id",
                        (VulnerableVictimQueue::Table, VulnerableVictimQueue::CaseId),
                        (AsbCase::Table, AsbCase::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_vulnerable_victim_queue_agency_id",
                        (
                            VulnerableVictimQueue::Table,
                            VulnerableVictimQueue::AgencyId,
                        ),
                        (Agency::Table, Agency::Id),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_vulnerable_victim_queue_assessment_id",
                        (
                            VulnerableVictimQueue::Table,
                            VulnerableVictimQueue::AssessmentId,
                        ),
                        (RiskAssessment::Table, RiskAssessment::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_vulnerable_victim_queue_assigned_to",
                        (
                            VulnerableVictimQueue::Table,
                            VulnerableVictimQueue::AssignedTo,
                        ),
                        (AppUser::Table, AppUser::Id),
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_vulnerable_victim_queue_case_id",
                VulnerableVictimQueue::Table,
                &["case_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_vulnerable_victim_queue_agency_id_queued_at",
                VulnerableVictimQueue::Table,
                &["agency_id", "queued_at"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            VulnerableVictimQueue::Table.into_iden(),
            RiskAssessment::Table.into_iden(),
            RiskQuestionnaireVersion::Table.into_iden(),
            RiskQuestionnaire::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum RiskQuestionnaire {
    Table,
    Id,
    Name,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum RiskQuestionnaireVersion {
    Table,
    Id,
    QuestionnaireId,
    VersionNumber,
    InForce,
    Definition,
    MediumThreshold,
    HighThreshold,
    ValidityDays,
    PublishedAt,
    PublishedBy,
    RetiredAt,
}

#[derive(DeriveIden)]
enum RiskAssessment {
    Table,
    Id,
    PersonId,
    IncidentId,
    CaseId,
    QuestionnaireVersionId,
    Answers,
    Score,
    ComputedLevel,
    OverrideLevel,
    OverrideReason,
    Level,
    AssessedBy,
    AssessedByAgencyId,
    AssessedAt,
    ValidUntil,
}

#[derive(DeriveIden)]
enum VulnerableVictimQueue {
    Table,
    Id,
    CaseId,
    AgencyId,
    AssessmentId,
    QueuedAt,
    AssignedAt,
    AssignedTo,
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
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Incident {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AsbCase {
    Table,
    Id,
}
