//! The partnership's victim-safety rules: read by detection, reviews and worklists in the caller's
//! transaction, changed by administrators (`MANAGE_SAFETY_RULES`) with optimistic concurrency.
//!
//! The rules are one row (`safety_rules`, id 1). Until it exists the defaults apply
//! ([`SafetySettings::default`]) and report version 0; the first save creates the row.

use chrono::{DateTime, Utc};
use entity::safety_rules;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, SqlErr,
};
use uuid::Uuid;

use crate::{
    auth::{Principal, policy::Operation},
    domain::{
        review::Cadence,
        safety::{CaseReviewRule, RepeatRule, SafetySettings},
    },
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

const ROW: i32 = 1;

/// The rules in force and their bookkeeping.
#[derive(Clone, Debug)]
pub struct StoredRules {
    pub settings: SafetySettings,
    /// 0 while the defaults have never been saved.
    pub version: i32,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<Uuid>,
}

fn to_u32(v: i32) -> AppResult<u32> {
    u32::try_from(v).map_err(|_| AppError::internal("negative number in safety_rules"))
}

fn settings_of(m: &safety_rules::Model) -> AppResult<SafetySettings> {
    let cadence = |json: &str| {
        Cadence::from_json(json)
            .ok_or_else(|| AppError::internal("invalid cadence in safety_rules"))
    };
    let reporters = to_u32(m.case_review_min_reporters)?;
    Ok(SafetySettings {
        repeat_victim: RepeatRule {
            min_incidents: to_u32(m.repeat_victim_min_incidents)?,
            window_days: to_u32(m.repeat_victim_window_days)?,
        },
        repeat_location: RepeatRule {
            min_incidents: to_u32(m.repeat_location_min_incidents)?,
            window_days: to_u32(m.repeat_location_window_days)?,
        },
        case_review: CaseReviewRule {
            min_complaints: to_u32(m.case_review_min_complaints)?,
            window_days: to_u32(m.case_review_window_days)?,
            report_within_days: to_u32(m.case_review_report_within_days)?,
            min_reporters: m.case_review_by_reporters.then_some(reporters),
            any_hate: m.case_review_any_hate,
        },
        reporters_when_on: reporters,
        cadences: crate::domain::review::ReviewCadences {
            standard: cadence(&m.cadence_standard)?,
            medium: cadence(&m.cadence_medium)?,
            high: cadence(&m.cadence_high)?,
        },
        first_contact_hours: to_u32(m.first_contact_hours)?,
    })
}

fn i(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn model_of(
    s: &SafetySettings,
    version: i32,
    at: DateTime<Utc>,
    by: Uuid,
) -> safety_rules::ActiveModel {
    let reporters = s.case_review.min_reporters.unwrap_or(s.reporters_when_on);
    safety_rules::ActiveModel {
        id: Set(ROW),
        repeat_victim_min_incidents: Set(i(s.repeat_victim.min_incidents)),
        repeat_victim_window_days: Set(i(s.repeat_victim.window_days)),
        repeat_location_min_incidents: Set(i(s.repeat_location.min_incidents)),
        repeat_location_window_days: Set(i(s.repeat_location.window_days)),
        case_review_min_complaints: Set(i(s.case_review.min_complaints)),
        case_review_window_days: Set(i(s.case_review.window_days)),
        case_review_report_within_days: Set(i(s.case_review.report_within_days)),
        case_review_by_reporters: Set(s.case_review.min_reporters.is_some()),
        case_review_min_reporters: Set(i(reporters)),
        case_review_any_hate: Set(s.case_review.any_hate),
        cadence_standard: Set(s.cadences.standard.to_json()),
        cadence_medium: Set(s.cadences.medium.to_json()),
        cadence_high: Set(s.cadences.high.to_json()),
        first_contact_hours: Set(i(s.first_contact_hours)),
        version: Set(version),
        updated_at: Set(at),
        updated_by: Set(Some(by)),
    }
}

/// The rules in force, read with the caller's connection or transaction.
pub async fn load<C: ConnectionTrait>(db: &C) -> AppResult<StoredRules> {
    Ok(match safety_rules::Entity::find_by_id(ROW).one(db).await? {
        Some(m) => StoredRules {
            settings: settings_of(&m)?,
            version: m.version,
            updated_at: Some(m.updated_at),
            updated_by: m.updated_by,
        },
        None => StoredRules {
            settings: SafetySettings::default(),
            version: 0,
            updated_at: None,
            updated_by: None,
        },
    })
}

/// Writes the defaults as the stored rules if none are stored (the demo seed); returns whether
/// it wrote.
pub async fn ensure_stored<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<bool, DbErr> {
    if safety_rules::Entity::find_by_id(ROW)
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let mut m = model_of(&SafetySettings::default(), 1, now, Uuid::nil());
    m.updated_by = Set(None);
    safety_rules::Entity::insert(m)
        .exec_without_returning(db)
        .await?;
    Ok(true)
}

/// A change to the rules: the complete new settings (the caller applies its partial input to
/// the current ones) and the input fields it touched, for the access log.
pub struct RulesChange {
    pub settings: SafetySettings,
    pub fields: Vec<&'static str>,
}

/// Saves new rules if `version` is still current (`CONFLICT` with the current version if not).
pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    version: i32,
    change: impl FnOnce(SafetySettings) -> AppResult<RulesChange>,
) -> AppResult<StoredRules> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageSafetyRules)?;
    let txn = crate::db::begin_write(db).await?;
    let current = load(&txn).await?;
    if current.version != version {
        return Err(AppError::stale(current.version));
    }
    let RulesChange { settings, fields } = change(current.settings)?;
    if fields.is_empty() {
        return Err(AppError::bad_input("input", "nothing to change"));
    }
    let now = Utc::now();
    let model = model_of(&settings, version + 1, now, actor.user_id);
    if version == 0 {
        // Two first saves at once: the second finds the row the first created.
        let inserted = safety_rules::Entity::insert(model)
            .exec_without_returning(&txn)
            .await;
        if let Err(e) = inserted {
            return Err(match e.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(_)) => AppError::stale(1),
                _ => e.into(),
            });
        }
    } else {
        let res = safety_rules::Entity::update_many()
            .set(model)
            .filter(safety_rules::Column::Id.eq(ROW))
            .filter(safety_rules::Column::Version.eq(version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(AppError::stale(load(&txn).await?.version));
        }
    }
    audit::record(
        &txn,
        principal,
        Entry::new("updateSafetyRules")
            .entity("SafetyRules", ROW)
            .fields(fields),
    )
    .await?;
    txn.commit().await?;
    Ok(StoredRules {
        settings,
        version: version + 1,
        updated_at: Some(now),
        updated_by: Some(actor.user_id),
    })
}
