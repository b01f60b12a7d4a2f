//! `victim_contact`: A contact with a victim about a case: how, with what outcome, by whom.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "victim_contact")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub person_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub method: String,
    #[sea_orm(column_type = "Text")]
    pub outcome: String,
    pub contacted_at: DateTimeUtc,
    pub user_id: Uuid,
    pub agency_id: Uuid,
    /// Whether the user was a dedicated vulnerable-victim officer when they made the contact.
    pub by_dedicated_officer: bool,
    pub created_at: DateTimeUtc,
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
