//! `asb_case`: An anti-social behaviour case.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "asb_case")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique, column_type = "Text")]
    pub reference: String,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub category: String,
    #[sea_orm(column_type = "Text")]
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub closure_reason: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub lead_agency_id: Uuid,
    pub owner_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub risk_level: String,
    pub next_review_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub police_intelligence: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub tenancy_details: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub health_safeguarding_notes: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::agency::Entity",
        from = "Column::LeadAgencyId",
        to = "super::agency::Column::Id",
        on_delete = "Restrict"
    )]
    Agency,
    #[sea_orm(
        belongs_to = "super::app_user::Entity",
        from = "Column::OwnerId",
        to = "super::app_user::Column::Id",
        on_delete = "Restrict"
    )]
    AppUser,
    #[sea_orm(has_many = "super::incident::Entity")]
    Incident,
    #[sea_orm(has_many = "super::case_party::Entity")]
    CaseParty,
    #[sea_orm(has_many = "super::case_location::Entity")]
    CaseLocation,
    #[sea_orm(has_many = "super::case_share::Entity")]
    CaseShare,
    #[sea_orm(has_many = "super::case_action::Entity")]
    CaseAction,
    #[sea_orm(has_many = "super::case_note::Entity")]
    CaseNote,
    #[sea_orm(has_many = "super::intervention::Entity")]
    Intervention,
    #[sea_orm(has_many = "super::document::Entity")]
    Document,
}

impl Related<super::agency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agency.def()
    }
}

impl Related<super::app_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AppUser.def()
    }
}

impl Related<super::incident::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Incident.def()
    }
}

impl Related<super::case_party::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseParty.def()
    }
}

impl Related<super::case_location::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseLocation.def()
    }
}

impl Related<super::case_share::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseShare.def()
    }
}

impl Related<super::case_action::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseAction.def()
    }
}

impl Related<super::case_note::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseNote.def()
    }
}

impl Related<super::intervention::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Intervention.def()
    }
}

impl Related<super::document::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Document.def()
    }
}

impl Related<super::location::Entity> for Entity {
    fn to() -> RelationDef {
        super::case_location::Relation::Location.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::case_location::Relation::AsbCase.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
