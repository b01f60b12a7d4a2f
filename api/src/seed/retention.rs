//! The demo's retention periods: the police keep records six years (a common minimum while a
//! policing purpose remains), the partners their own schedules. The hub team holds no case
//! records and has none. Inserted only when missing, so a period an administrator changed stays.

use chrono::{DateTime, Utc};
use entity::retention_policy;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr};

use super::{demo::insert_missing, demo_id};
use crate::domain::retention::RecordType;

/// (agency key, days) for every record type.
pub const PERIODS: &[(&str, i32)] = &[
    ("police", 2190),
    ("council", 1095),
    ("housing", 2190),
    ("victimsupport", 730),
];

pub async fn seed<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let models = PERIODS
        .iter()
        .flat_map(|(agency, days)| {
            RecordType::ALL
                .iter()
                .map(move |t| retention_policy::ActiveModel {
                    id: Set(demo_id(
                        "retention_policy",
                        format!("{agency}:{}", t.as_str()),
                    )),
                    agency_id: Set(demo_id("agency", agency)),
                    record_type: Set(t.as_str().into()),
                    retain_days: Set(*days),
                    updated_at: Set(now),
                    updated_by: Set(None),
                })
        })
        .collect();
    insert_missing(db, models, retention_policy::Column::Id).await
}
