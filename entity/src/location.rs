//! `location`: A place where incidents happen.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "location")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub address: String,
    #[sea_orm(column_type = "Text")]
    pub premises_name: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub postcode: String,
    #[sea_orm(column_type = "Text")]
    pub ward: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub created_by_agency_id: Uuid,
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
    #[sea_orm(has_many = "super::incident::Entity")]
    Incident,
    #[sea_orm(has_many = "super::case_location::Entity")]
    CaseLocation,
}

impl Related<super::agency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agency.def()
    }
}

impl Related<super::incident::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Incident.def()
    }
}

impl Related<super::case_location::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CaseLocation.def()
    }
}

impl Related<super::asb_case::Entity> for Entity {
    fn to() -> RelationDef {
        super::case_location::Relation::AsbCase.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::case_location::Relation::Location.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
