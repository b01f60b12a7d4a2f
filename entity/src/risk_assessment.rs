//! `risk_assessment`: A victim's answers to the questionnaire version in force when they were
//! given, with the score and levels computed then. Linked to exactly one incident or case.
//! Levels are `standard`, `medium` or `high`; `answers` is a JSON list of
//! `{question_key, answer}`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "risk_assessment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub incident_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub questionnaire_version_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub answers: String,
    pub score: i32,
    #[sea_orm(column_type = "Text")]
    pub computed_level: String,
    #[sea_orm(column_type = "Text")]
    pub override_level: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub override_reason: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub level: String,
    pub assessed_by: Uuid,
    pub assessed_by_agency_id: Uuid,
    pub assessed_at: DateTimeUtc,
    /// Until when this assessment counts as current (the version's validity period).
    pub valid_until: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "Cascade"
    )]
    Person,
    #[sea_orm(
        belongs_to = "super::incident::Entity",
        from = "Column::IncidentId",
        to = "super::incident::Column::Id",
        on_delete = "Restrict"
    )]
    Incident,
    #[sea_orm(
        belongs_to = "super::asb_case::Entity",
        from = "Column::CaseId",
        to = "super::asb_case::Column::Id",
        on_delete = "Restrict"
    )]
    AsbCase,
    #[sea_orm(
        belongs_to = "super::risk_questionnaire_version::Entity",
        from = "Column::QuestionnaireVersionId",
        to = "super::risk_questionnaire_version::Column::Id",
        on_delete = "Restrict"
    )]
    RiskQuestionnaireVersion,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl Related<super::risk_questionnaire_version::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RiskQuestionnaireVersion.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
