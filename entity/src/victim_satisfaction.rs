//! `victim_satisfaction`: A victim's satisfaction (1 to 5) with how their case was handled.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "victim_satisfaction")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub person_id: Uuid,
    pub score: i32,
    #[sea_orm(column_type = "Text")]
    pub comments: Option<String>,
    pub recorded_at: DateTimeUtc,
    pub user_id: Uuid,
    pub agency_id: Uuid,
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
}

impl Related<super::asb_case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsbCase.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
