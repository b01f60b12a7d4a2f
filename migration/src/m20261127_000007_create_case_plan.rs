use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CaseAction::Table)
                    .col(uuid(CaseAction::Id).primary_key())
                    .col(uuid(CaseAction::CaseId))
                    .col(text(CaseAction::Description))
                    .col(uuid(CaseAction::OwnerAgencyId))
                    .col(uuid_null(CaseAction::OwnerId))
                    .col(date(CaseAction::DueDate))
                    .col(text(CaseAction::Status))
                    .col(text_null(CaseAction::CompletionNote))
                    .col(timestamp_with_time_zone_null(CaseAction::CompletedAt))
                    .col(integer(CaseAction::Version).default(1))
                    .col(timestamp_with_time_zone(CaseAction::CreatedAt))
                    .col(timestamp_with_time_zone(CaseAction::UpdatedAt))
                    .col(uuid_null(CaseAction::CreatedBy))
                    .col(uuid_null(CaseAction::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_action_case_id")
                            .from(CaseAction::Table, CaseAction::CaseId)
                            .to(AsbCase::Table, AsbCase::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_action_owner_agency_id")
                            .from(CaseAction::Table, CaseAction::OwnerAgencyId)
                            .to(Agency::Table, Agency::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_action_owner_id")
                            .from(CaseAction::Table, CaseAction::OwnerId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_action_case_id")
                    .table(CaseAction::Table)
                    .col(CaseAction::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_action_status_due_date")
                    .table(CaseAction::Table)
                    .col(CaseAction::Status)
                    .col(CaseAction::DueDate)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_action_owner_id")
                    .table(CaseAction::Table)
                    .col(CaseAction::OwnerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseNote::Table)
                    .col(uuid(CaseNote::Id).primary_key())
                    .col(uuid(CaseNote::CaseId))
                    .col(uuid(CaseNote::AuthorId))
                    .col(text(CaseNote::Body))
                    .col(uuid_null(CaseNote::CorrectsNoteId))
                    .col(timestamp_with_time_zone(CaseNote::CreatedAt))
                    .col(timestamp_with_time_zone(CaseNote::UpdatedAt))
                    .col(uuid_null(CaseNote::CreatedBy))
                    .col(uuid_null(CaseNote::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_note_case_id")
                            .from(CaseNote::Table, CaseNote::CaseId)
                            .to(AsbCase::Table, AsbCase::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_note_author_id")
                            .from(CaseNote::Table, CaseNote::AuthorId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_note_corrects_note_id")
                            .from(CaseNote::Table, CaseNote::CorrectsNoteId)
                            .to(CaseNote::Table, CaseNote::Id)
                            .on_delete(ForeignKeyAction::NoAction),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_note_case_id_created_at")
                    .table(CaseNote::Table)
                    .col(CaseNote::CaseId)
                    .col(CaseNote::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InterventionTool::Table)
                    .col(uuid(InterventionTool::Id).primary_key())
                    .col(text(InterventionTool::Code).unique_key())
                    .col(text(InterventionTool::Name))
                    .col(boolean(InterventionTool::Statutory))
                    .col(integer_null(InterventionTool::MaxDurationDays))
                    .col(boolean(InterventionTool::Active).default(true))
                    .col(timestamp_with_time_zone(InterventionTool::CreatedAt))
                    .col(timestamp_with_time_zone(InterventionTool::UpdatedAt))
                    .col(uuid_null(InterventionTool::CreatedBy))
                    .col(uuid_null(InterventionTool::UpdatedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Intervention::Table)
                    .col(uuid(Intervention::Id).primary_key())
                    .col(uuid(Intervention::CaseId))
                    .col(uuid(Intervention::ToolId))
                    .col(uuid_null(Intervention::SubjectPersonId))
                    .col(text(Intervention::Status))
                    .col(date_null(Intervention::IssuedOn))
                    .col(date_null(Intervention::ServedOn))
                    .col(date_null(Intervention::ExpiresOn))
                    .col(text_null(Intervention::Notes))
                    .col(integer(Intervention::Version).default(1))
                    .col(timestamp_with_time_zone(Intervention::CreatedAt))
                    .col(timestamp_with_time_zone(Intervention::UpdatedAt))
                    .col(uuid_null(Intervention::CreatedBy))
                    .col(uuid_null(Intervention::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_intervention_case_id")
                            .from(Intervention::Table, Intervention::CaseId)
                            .to(AsbCase::Table, AsbCase::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_intervention_tool_id")
                            .from(Intervention::Table, Intervention::ToolId)
                            .to(InterventionTool::Table, InterventionTool::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_intervention_subject_person_id")
                            .from(Intervention::Table, Intervention::SubjectPersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_intervention_case_id")
                    .table(Intervention::Table)
                    .col(Intervention::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InterventionBreach::Table)
                    .col(uuid(InterventionBreach::Id).primary_key())
                    .col(uuid(InterventionBreach::InterventionId))
                    .col(date(InterventionBreach::OccurredOn))
                    .col(text(InterventionBreach::Description))
                    .col(timestamp_with_time_zone(InterventionBreach::CreatedAt))
                    .col(timestamp_with_time_zone(InterventionBreach::UpdatedAt))
                    .col(uuid_null(InterventionBreach::CreatedBy))
                    .col(uuid_null(InterventionBreach::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_intervention_breach_intervention_id")
                            .from(
                                InterventionBreach::Table,
                                InterventionBreach::InterventionId,
                            )
                            .to(Intervention::Table, Intervention::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_intervention_breach_intervention_id")
                    .table(InterventionBreach::Table)
                    .col(InterventionBreach::InterventionId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Document::Table)
                    .col(uuid(Document::Id).primary_key())
                    .col(uuid(Document::CaseId))
                    .col(text(Document::FileName))
                    .col(text(Document::ContentType))
                    .col(big_integer(Document::SizeBytes))
                    .col(text(Document::Sha256))
                    .col(blob(Document::Content))
                    .col(text_null(Document::Description))
                    .col(timestamp_with_time_zone(Document::CreatedAt))
                    .col(timestamp_with_time_zone(Document::UpdatedAt))
                    .col(uuid_null(Document::CreatedBy))
                    .col(uuid_null(Document::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_document_case_id")
                            .from(Document::Table, Document::CaseId)
                            .to(AsbCase::Table, AsbCase::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_document_case_id")
                    .table(Document::Table)
                    .col(Document::CaseId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Document::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InterventionBreach::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Intervention::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InterventionTool::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CaseNote::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CaseAction::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum CaseAction {
    Table,
    Id,
    CaseId,
    Description,
    OwnerAgencyId,
    OwnerId,
    DueDate,
    Status,
    CompletionNote,
    CompletedAt,
    Version,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum CaseNote {
    Table,
    Id,
    CaseId,
    AuthorId,
    Body,
    CorrectsNoteId,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum InterventionTool {
    Table,
    Id,
    Code,
    Name,
    Statutory,
    MaxDurationDays,
    Active,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Intervention {
    Table,
    Id,
    CaseId,
    ToolId,
    SubjectPersonId,
    Status,
    IssuedOn,
    ServedOn,
    ExpiresOn,
    Notes,
    Version,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum InterventionBreach {
    Table,
    Id,
    InterventionId,
    OccurredOn,
    Description,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Document {
    Table,
    Id,
    CaseId,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    Content,
    Description,
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

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AsbCase {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}
