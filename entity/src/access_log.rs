//! `access_log`: Append-only access/audit log (DPA 2018 s.62). No foreign keys: it must survive erasure.
//! `fields` is a JSON array stored as text.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "access_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub at: DateTimeUtc,
    pub user_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub operation: String,
    #[sea_orm(column_type = "Text")]
    pub outcome: String,
    #[sea_orm(column_type = "Text")]
    pub entity: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub entity_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub fields: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub request_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub client_addr: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
