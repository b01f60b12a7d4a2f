use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Agency::Table)
                    .col(uuid(Agency::Id).primary_key())
                    .col(text(Agency::Name).unique_key())
                    .col(text(Agency::Kind))
                    .col(boolean(Agency::Disabled).default(false))
                    .col(timestamp_with_time_zone(Agency::CreatedAt))
                    .col(timestamp_with_time_zone(Agency::UpdatedAt))
                    .col(uuid_null(Agency::CreatedBy))
                    .col(uuid_null(Agency::UpdatedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AppUser::Table)
                    .col(uuid(AppUser::Id).primary_key())
                    .col(uuid(AppUser::AgencyId))
                    .col(text(AppUser::Email).unique_key())
                    .col(text(AppUser::DisplayName))
                    .col(text_null(AppUser::PasswordHash))
                    .col(boolean(AppUser::Disabled).default(false))
                    .col(text_null(AppUser::ExternalSubject).unique_key())
                    .col(text_null(AppUser::Team))
                    .col(boolean(AppUser::IsVulnerableVictimOfficer).default(false))
                    .col(timestamp_with_time_zone(AppUser::CreatedAt))
                    .col(timestamp_with_time_zone(AppUser::UpdatedAt))
                    .col(uuid_null(AppUser::CreatedBy))
                    .col(uuid_null(AppUser::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_app_user_agency_id")
                            .from(AppUser::Table, AppUser::AgencyId)
                            .to(Agency::Table, Agency::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_app_user_agency_id")
                    .table(AppUser::Table)
                    .col(AppUser::AgencyId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Role::Table)
                    .col(uuid(Role::Id).primary_key())
                    .col(text(Role::Name).unique_key())
                    .col(text(Role::Description).default(""))
                    .col(timestamp_with_time_zone(Role::CreatedAt))
                    .col(timestamp_with_time_zone(Role::UpdatedAt))
                    .col(uuid_null(Role::CreatedBy))
                    .col(uuid_null(Role::UpdatedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserRole::Table)
                    .col(uuid(UserRole::UserId))
                    .col(uuid(UserRole::RoleId))
                    .col(timestamp_with_time_zone(UserRole::CreatedAt))
                    .col(uuid_null(UserRole::CreatedBy))
                    .primary_key(Index::create().col(UserRole::UserId).col(UserRole::RoleId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_role_user_id")
                            .from(UserRole::Table, UserRole::UserId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_role_role_id")
                            .from(UserRole::Table, UserRole::RoleId)
                            .to(Role::Table, Role::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_role_role_id")
                    .table(UserRole::Table)
                    .col(UserRole::RoleId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoleOperation::Table)
                    .col(uuid(RoleOperation::RoleId))
                    .col(text(RoleOperation::Operation))
                    .col(timestamp_with_time_zone(RoleOperation::CreatedAt))
                    .col(uuid_null(RoleOperation::CreatedBy))
                    .primary_key(
                        Index::create()
                            .col(RoleOperation::RoleId)
                            .col(RoleOperation::Operation),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_role_operation_role_id")
                            .from(RoleOperation::Table, RoleOperation::RoleId)
                            .to(Role::Table, Role::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoleFieldPermission::Table)
                    .col(uuid(RoleFieldPermission::RoleId))
                    .col(text(RoleFieldPermission::TypeName))
                    .col(text(RoleFieldPermission::FieldName))
                    .col(boolean(RoleFieldPermission::CanRead))
                    .col(boolean(RoleFieldPermission::CanWrite))
                    .col(timestamp_with_time_zone(RoleFieldPermission::CreatedAt))
                    .col(timestamp_with_time_zone(RoleFieldPermission::UpdatedAt))
                    .col(uuid_null(RoleFieldPermission::UpdatedBy))
                    .primary_key(
                        Index::create()
                            .col(RoleFieldPermission::RoleId)
                            .col(RoleFieldPermission::TypeName)
                            .col(RoleFieldPermission::FieldName),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_role_field_permission_role_id")
                            .from(RoleFieldPermission::Table, RoleFieldPermission::RoleId)
                            .to(Role::Table, Role::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RoleFieldPermission::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RoleOperation::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(UserRole::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Role::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AppUser::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Agency::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Agency {
    Table,
    Id,
    Name,
    Kind,
    Disabled,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    AgencyId,
    Email,
    DisplayName,
    PasswordHash,
    Disabled,
    ExternalSubject,
    Team,
    IsVulnerableVictimOfficer,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Role {
    Table,
    Id,
    Name,
    Description,
    CreatedAt,
    UpdatedAt,
    CreatedBy,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum UserRole {
    Table,
    UserId,
    RoleId,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum RoleOperation {
    Table,
    RoleId,
    Operation,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum RoleFieldPermission {
    Table,
    RoleId,
    TypeName,
    FieldName,
    CanRead,
    CanWrite,
    CreatedAt,
    UpdatedAt,
    UpdatedBy,
}
