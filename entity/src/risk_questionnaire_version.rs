//! `risk_questionnaire_version`: One published, immutable version of a questionnaire. `definition`
//! is the JSON document of its questions and forced-high rules; `in_force` is `Some(true)` on the
//! one version in force and `None` on all others (a unique index keeps it to one).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "risk_questionnaire_version")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub questionnaire_id: Uuid,
    pub version_number: i32,
    pub in_force: Option<bool>,
    #[sea_orm(column_type = "Text")]
    pub definition: String,
    pub medium_threshold: i32,
    pub high_threshold: i32,
    pub validity_days: i32,
    pub published_at: DateTimeUtc,
    pub published_by: Option<Uuid>,
    pub retired_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::risk_questionnaire::Entity",
        from = "Column::QuestionnaireId",
        to = "super::risk_questionnaire::Column::Id",
        on_delete = "Restrict"
    )]
    RiskQuestionnaire,
}

impl Related<super::risk_questionnaire::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RiskQuestionnaire.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
