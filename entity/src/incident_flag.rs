//! `incident_flag`: What repeat and Case Review detection found when an incident was recorded.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "incident_flag")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub incident_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub location_id: Option<Uuid>,
    pub is_repeat_victim: bool,
    /// The largest count among the incident's victims, this incident included.
    pub repeat_victim_count: i32,
    pub repeat_window_days: i32,
    pub is_repeat_location: bool,
    pub repeat_location_count: i32,
    pub location_window_days: i32,
    pub case_review_eligible: bool,
    #[sea_orm(column_type = "Text")]
    pub case_review_basis: Option<String>,
    pub detected_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::incident::Entity",
        from = "Column::IncidentId",
        to = "super::incident::Column::Id",
        on_delete = "Cascade"
    )]
    Incident,
}

impl Related<super::incident::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Incident.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
