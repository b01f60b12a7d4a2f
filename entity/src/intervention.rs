//! `intervention`: An intervention used in a case.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "intervention")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub tool_id: Uuid,
    pub subject_person_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub status: String,
    pub issued_on: Option<Date>,
    pub served_on: Option<Date>,
    pub expires_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub notes: Option<String>,
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
        belongs_to = "super::intervention_tool::Entity",
        from = "Column::ToolId",
        to = "super::intervention_tool::Column::Id",
        on_delete = "Restrict"
    )]
    InterventionTool,
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::SubjectPersonId",
        to = "super::person::Column::Id",
        on_delete = "Restrict"
    )]
    Person,
    #[sea_orm(has_many = "super::intervention_breach::Entity")]
    InterventionBreach,
}

impl Related<super::asb_case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsbCase.def()
    }
}

impl Related<super::intervention_tool::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::InterventionTool.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl Related<super::intervention_breach::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::InterventionBreach.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
