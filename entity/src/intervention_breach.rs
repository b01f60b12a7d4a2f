//! `intervention_breach`: A breach of an intervention.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "intervention_breach")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub intervention_id: Uuid,
    pub occurred_on: Date,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::intervention::Entity",
        from = "Column::InterventionId",
        to = "super::intervention::Column::Id",
        on_delete = "Cascade"
    )]
    Intervention,
}

impl Related<super::intervention::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Intervention.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
