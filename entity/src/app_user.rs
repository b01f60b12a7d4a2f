//! `app_user`: A person who signs in. `email` is stored lower-case.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agency_id: Uuid,
    #[sea_orm(unique, column_type = "Text")]
    pub email: String,
    #[sea_orm(column_type = "Text")]
    pub display_name: String,
    #[sea_orm(column_type = "Text")]
    pub password_hash: Option<String>,
    pub disabled: bool,
    #[sea_orm(unique, column_type = "Text")]
    pub external_subject: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub team: Option<String>,
    pub is_vulnerable_victim_officer: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::agency::Entity",
        from = "Column::AgencyId",
        to = "super::agency::Column::Id",
        on_delete = "Restrict"
    )]
    Agency,
    #[sea_orm(has_many = "super::user_role::Entity")]
    UserRole,
    #[sea_orm(has_many = "super::auth_session::Entity")]
    AuthSession,
    #[sea_orm(has_many = "super::asb_case::Entity")]
    AsbCase,
    #[sea_orm(has_many = "super::case_action::Entity")]
    CaseAction,
    #[sea_orm(has_many = "super::case_note::Entity")]
    CaseNote,
}

impl Related<super::agency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agency.def()
    }
}

impl Related<super::user_role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserRole.def()
    }
}

impl Related<super::auth_session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AuthSession.def()
    }
}

impl Related<super::asb_case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsbCase.def()
    }
}

impl Related<super::case_action::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseAction.def()
    }
}

impl Related<super::case_note::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseNote.def()
    }
}

impl Related<super::role::Entity> for Entity {
    fn to() -> RelationDef {
        super::user_role::Relation::Role.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::user_role::Relation::AppUser.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
