use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuthSession::Table)
                    .col(uuid(AuthSession::Id).primary_key())
                    .col(uuid(AuthSession::UserId))
                    .col(timestamp_with_time_zone(AuthSession::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AuthSession::RevokedAt))
                    .col(text_null(AuthSession::RevokedReason))
                    .col(text_null(AuthSession::ClientAddr))
                    .col(timestamp_with_time_zone(AuthSession::CreatedAt))
                    .col(timestamp_with_time_zone(AuthSession::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_auth_session_user_id")
                            .from(AuthSession::Table, AuthSession::UserId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_auth_session_user_id")
                    .table(AuthSession::Table)
                    .col(AuthSession::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RefreshToken::Table)
                    .col(uuid(RefreshToken::Id).primary_key())
                    .col(uuid(RefreshToken::SessionId))
                    .col(text(RefreshToken::TokenHash).unique_key())
                    .col(timestamp_with_time_zone(RefreshToken::IssuedAt))
                    .col(timestamp_with_time_zone_null(RefreshToken::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_token_session_id")
                            .from(RefreshToken::Table, RefreshToken::SessionId)
                            .to(AuthSession::Table, AuthSession::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_refresh_token_session_id")
                    .table(RefreshToken::Table)
                    .col(RefreshToken::SessionId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RefreshToken::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AuthSession::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum AuthSession {
    Table,
    Id,
    UserId,
    ExpiresAt,
    RevokedAt,
    RevokedReason,
    ClientAddr,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RefreshToken {
    Table,
    Id,
    SessionId,
    TokenHash,
    IssuedAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}
