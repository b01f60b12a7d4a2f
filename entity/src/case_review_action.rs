//! `case_review_action`: An action a review added to the case's plan.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "case_review_action")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub review_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub action_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::case_review::Entity",
        from = "Column::ReviewId",
        to = "super::case_review::Column::Id",
        on_delete = "Cascade"
    )]
    CaseReview,
    #[sea_orm(
        belongs_to = "super::case_action::Entity",
        from = "Column::ActionId",
        to = "super::case_action::Column::Id",
        on_delete = "Cascade"
    )]
    CaseAction,
}

impl Related<super::case_review::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseReview.def()
    }
}

impl Related<super::case_action::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseAction.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
