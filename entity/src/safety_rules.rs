//! `safety_rules`: The partnership's victim-safety rules (one row, id 1): repeat victims and
//! locations, the ASB Case Review threshold, review cadences and the first-contact time. Cadences
//! are JSON lists of `{"days": n, "level": "supervisor"|"senior"|"chain"}`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "safety_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub repeat_victim_min_incidents: i32,
    pub repeat_victim_window_days: i32,
    pub repeat_location_min_incidents: i32,
    pub repeat_location_window_days: i32,
    pub case_review_min_complaints: i32,
    pub case_review_window_days: i32,
    pub case_review_report_within_days: i32,
    pub case_review_by_reporters: bool,
    pub case_review_min_reporters: i32,
    pub case_review_any_hate: bool,
    #[sea_orm(column_type = "Text")]
    pub cadence_standard: String,
    #[sea_orm(column_type = "Text")]
    pub cadence_medium: String,
    #[sea_orm(column_type = "Text")]
    pub cadence_high: String,
    pub first_contact_hours: i32,
    pub version: i32,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
