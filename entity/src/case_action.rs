//! `case_action`: An action in a case plan.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "case_action")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub owner_agency_id: Uuid,
    pub owner_id: Option<Uuid>,
    pub due_date: Date,
    #[sea_orm(column_type = "Text")]
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub completion_note: Option<String>,
    pub completed_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::asb_case::Entity",
        from = "Column::CaseId",
        to = "super::asb_case::Column::Id",
        on_delete = "Cascade"
    )]
    AsbCase,
    #[sea_orm(
        belongs_to = "super::agency::Entity",
        from = "Column::OwnerAgencyId",
        to = "super::agency::Column::Id",
        on_delete = "Restrict"
    )]
    Agency,
    #[sea_orm(
        belongs_to = "super::app_user::Entity",
        from = "Column::OwnerId",
        to = "super::app_user::Column::Id",
        on_delete = "Restrict"
    )]
    AppUser,
}

impl Related<super::asb_case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsbCase.def()
    }
}

impl Related<super::agency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agency.def()
    }
}

impl Related<super::app_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AppUser.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
