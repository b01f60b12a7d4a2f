//! `intervention_tool`: A kind of intervention (warning letter, ABC, CPW, CPN, civil injunction, ...).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "intervention_tool")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique, column_type = "Text")]
    pub code: String,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    pub statutory: bool,
    pub max_duration_days: Option<i32>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::intervention::Entity")]
    Intervention,
}

impl Related<super::intervention::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Intervention.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
