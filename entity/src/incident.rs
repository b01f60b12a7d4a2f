//! `incident`: A reported incident of anti-social behaviour.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "incident")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub reported_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub channel: String,
    pub reporting_agency_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub category: String,
    #[sea_orm(column_type = "Text")]
    pub sub_type: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub location_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub police_reference: Option<String>,
    pub case_id: Option<Uuid>,
    pub hate_motivated: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::agency::Entity",
        from = "Column::ReportingAgencyId",
        to = "super::agency::Column::Id",
        on_delete = "Restrict"
    )]
    Agency,
    #[sea_orm(
        belongs_to = "super::location::Entity",
        from = "Column::LocationId",
        to = "super::location::Column::Id",
        on_delete = "Restrict"
    )]
    Location,
    #[sea_orm(
        belongs_to = "super::asb_case::Entity",
        from = "Column::CaseId",
        to = "super::asb_case::Column::Id",
        on_delete = "Restrict"
    )]
    AsbCase,
    #[sea_orm(has_many = "super::incident_party::Entity")]
    IncidentParty,
}

impl Related<super::agency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agency.def()
    }
}

impl Related<super::location::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Location.def()
    }
}

impl Related<super::asb_case::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsbCase.def()
    }
}

impl Related<super::incident_party::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IncidentParty.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
