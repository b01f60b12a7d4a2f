//! `agency`: A partner organisation (police force, council, housing provider, ...).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "agency")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique, column_type = "Text")]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub kind: String,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::app_user::Entity")]
    AppUser,
    #[sea_orm(has_many = "super::person::Entity")]
    Person,
    #[sea_orm(has_many = "super::location::Entity")]
    Location,
    #[sea_orm(has_many = "super::asb_case::Entity")]
    AsbCase,
    #[sea_orm(has_many = "super::incident::Entity")]
    Incident,
    #[sea_orm(has_many = "super::case_share::Entity")]
    CaseShare,
    #[sea_orm(has_many = "super::case_action::Entity")]
    CaseAction,
}

impl Related<super::app_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AppUser.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl Related<super::location::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Location.def()
    }
}

impl Related<super::asb_case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsbCase.def()
    }
}

impl Related<super::incident::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Incident.def()
    }
}

impl Related<super::case_share::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseShare.def()
    }
}

impl Related<super::case_action::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseAction.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
