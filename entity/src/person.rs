//! `person`: A victim, perpetrator, witness or reporter.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub given_name: String,
    #[sea_orm(column_type = "Text")]
    pub family_name: String,
    pub date_of_birth: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub address: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub postcode: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub phone: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub email: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub preferred_contact: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub vulnerability_personal: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub vulnerability_situational: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub vulnerability_incidental: Option<String>,
    pub consent_to_share: Option<bool>,
    #[sea_orm(column_type = "Text")]
    pub consent_lawful_basis: Option<String>,
    pub consent_date: Option<Date>,
    pub created_by_agency_id: Uuid,
    pub merged_into_id: Option<Uuid>,
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
        from = "Column::CreatedByAgencyId",
        to = "super::agency::Column::Id",
        on_delete = "Restrict"
    )]
    Agency,
    #[sea_orm(
        belongs_to = "Entity",
        from = "Column::MergedIntoId",
        to = "Column::Id",
        on_delete = "NoAction"
    )]
    MergedInto,
    #[sea_orm(has_many = "super::incident_party::Entity")]
    IncidentParty,
    #[sea_orm(has_many = "super::case_party::Entity")]
    CaseParty,
    #[sea_orm(has_many = "super::intervention::Entity")]
    Intervention,
}

impl Related<super::agency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agency.def()
    }
}

impl Related<super::incident_party::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IncidentParty.def()
    }
}

impl Related<super::case_party::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseParty.def()
    }
}

impl Related<super::intervention::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Intervention.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
