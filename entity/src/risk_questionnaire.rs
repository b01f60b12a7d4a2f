//! `risk_questionnaire`: A partnership's risk questionnaire; its content lives in its versions.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "risk_questionnaire")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique, column_type = "Text")]
    pub name: String,
    pub created_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::risk_questionnaire_version::Entity")]
    RiskQuestionnaireVersion,
}

impl Related<super::risk_questionnaire_version::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RiskQuestionnaireVersion.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
