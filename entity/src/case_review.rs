//! `case_review`: A supervisor's review of a case, at the level its cadence step called for.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "case_review")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub reviewer_id: Uuid,
    pub reviewer_agency_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub outcome: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    #[sea_orm(column_type = "Text")]
    pub level: String,
    /// The case's risk level when reviewed; the cadence step counts within one risk level.
    #[sea_orm(column_type = "Text")]
    pub risk_level: String,
    pub step: i32,
    /// The case's version once the review was written: a sign-off holds only while it is current.
    pub case_version: i32,
    pub next_review_at: DateTimeUtc,
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
