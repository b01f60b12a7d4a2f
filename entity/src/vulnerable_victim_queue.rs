//! `vulnerable_victim_queue`: A high-risk case waiting for a dedicated vulnerable-victim officer
//! because its lead agency names none. `assigned_at` is set when one takes it.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "vulnerable_victim_queue")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub agency_id: Uuid,
    pub assessment_id: Uuid,
    pub queued_at: DateTimeUtc,
    pub assigned_at: Option<DateTimeUtc>,
    pub assigned_to: Option<Uuid>,
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
        belongs_to = "super::risk_assessment::Entity",
        from = "Column::AssessmentId",
        to = "super::risk_assessment::Column::Id",
        on_delete = "Cascade"
    )]
    RiskAssessment,
}

impl Related<super::asb_case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsbCase.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
