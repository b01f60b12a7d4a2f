//! What an assessment linked to a case does to the case, inside the assessment's transaction
//! (the case row is already locked):
//!
//! - the case's risk level becomes the highest final level of its victims' latest assessments in
//!   the case; when that changes the level, the next review follows `domain::review` for the new
//!   level (an unchanged level keeps its schedule);
//! - an assessment whose final level is high assigns the case to the lead agency's dedicated
//!   vulnerable-victim officer (the earliest created enabled one), closing any queue entry; when
//!   the agency names none, the case waits in `vulnerable_victim_queue` (once, however many high
//!   assessments arrive while it waits).
//!
//! Any change bumps the case's `version`.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entity::{app_user, asb_case, case_party, risk_assessment, vulnerable_victim_queue as queue};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::Actor,
    domain::{
        PartyRole, RiskLevel, review,
        risk::{highest, rank},
    },
    error::{AppError, AppResult},
};

/// What changed on the case, for the access log.
#[derive(Debug, Default)]
pub struct Effects {
    pub level: Option<(String, RiskLevel)>,
    pub assigned_to: Option<Uuid>,
    pub queued: bool,
}

impl Effects {
    pub fn describe(&self) -> String {
        let mut s = String::new();
        if self.level.is_some() {
            s.push_str("; case risk level changed");
        }
        if let Some(u) = self.assigned_to {
            s.push_str(&format!("; case assigned to vulnerable-victim officer {u}"));
        }
        if self.queued {
            s.push_str("; case queued for a vulnerable-victim officer");
        }
        s
    }
}

fn stored_level(raw: &str) -> AppResult<RiskLevel> {
    RiskLevel::parse("level", raw).map_err(|_| AppError::internal("unknown stored risk level"))
}

/// The highest final level of the victims' latest assessments in the case.
async fn case_level<C: ConnectionTrait>(db: &C, case_id: Uuid) -> AppResult<Option<RiskLevel>> {
    let victims: Vec<Uuid> = case_party::Entity::find()
        .filter(case_party::Column::CaseId.eq(case_id))
        .filter(case_party::Column::Role.eq(PartyRole::Victim.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let rows = risk_assessment::Entity::find()
        .filter(risk_assessment::Column::CaseId.eq(case_id))
        .filter(risk_assessment::Column::PersonId.is_in(victims))
        .order_by_desc(risk_assessment::Column::AssessedAt)
        .order_by_desc(risk_assessment::Column::Id)
        .all(db)
        .await?;
    let mut seen = HashSet::new();
    let mut level: Option<RiskLevel> = None;
    for r in rows {
        if seen.insert(r.person_id) {
            let l = stored_level(&r.level)?;
            level = Some(level.map_or(l, |cur| highest(cur, l)));
        }
    }
    Ok(level)
}

pub async fn apply<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    case: asb_case::Model,
    assessment: &risk_assessment::Model,
    level: RiskLevel,
    now: DateTime<Utc>,
) -> AppResult<Effects> {
    let mut effects = Effects::default();
    let mut m = <asb_case::ActiveModel as Default>::default();
    let mut changed = false;
    if let Some(new_level) = case_level(db, case.id).await? {
        let current = RiskLevel::parse("riskLevel", &case.risk_level).ok();
        if current.map(rank) != Some(rank(new_level)) {
            m.risk_level = Set(new_level.as_str().into());
            m.next_review_at = Set(Some(review::next_review(new_level, now)));
            effects.level = Some((case.risk_level.clone(), new_level));
            changed = true;
            if new_level == RiskLevel::High {
                crate::service::cases::case_cmd::high_risk_alert(db, &case).await?;
            }
        }
    }
    if level == RiskLevel::High {
        let officers = app_user::Entity::find()
            .filter(app_user::Column::AgencyId.eq(case.lead_agency_id))
            .filter(app_user::Column::IsVulnerableVictimOfficer.eq(true))
            .filter(app_user::Column::Disabled.eq(false))
            .order_by_asc(app_user::Column::CreatedAt)
            .order_by_asc(app_user::Column::Id)
            .all(db)
            .await?;
        let current = case
            .owner_id
            .filter(|o| officers.iter().any(|u| u.id == *o));
        match current.or_else(|| officers.first().map(|u| u.id)) {
            Some(officer) => {
                if case.owner_id != Some(officer) {
                    m.owner_id = Set(Some(officer));
                    changed = true;
                }
                effects.assigned_to = Some(officer);
                queue::Entity::update_many()
                    .col_expr(queue::Column::AssignedAt, Expr::value(now))
                    .col_expr(queue::Column::AssignedTo, Expr::value(officer))
                    .filter(queue::Column::CaseId.eq(case.id))
                    .filter(queue::Column::AssignedAt.is_null())
                    .exec(db)
                    .await?;
            }
            None => {
                let waiting = queue::Entity::find()
                    .filter(queue::Column::CaseId.eq(case.id))
                    .filter(queue::Column::AssignedAt.is_null())
                    .one(db)
                    .await?;
                if waiting.is_none() {
                    queue::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        case_id: Set(case.id),
                        agency_id: Set(case.lead_agency_id),
                        assessment_id: Set(assessment.id),
                        queued_at: Set(now),
                        assigned_at: Set(None),
                        assigned_to: Set(None),
                    }
                    .insert(db)
                    .await?;
                }
                effects.queued = true;
            }
        }
    }
    if changed {
        m.version = Set(case.version + 1);
        m.updated_at = Set(now);
        m.updated_by = Set(Some(actor.user_id));
        let res = asb_case::Entity::update_many()
            .set(m)
            .filter(asb_case::Column::Id.eq(case.id))
            .filter(asb_case::Column::Version.eq(case.version))
            .exec(db)
            .await?;
        if res.rows_affected != 1 {
            return Err(AppError::stale(case.version));
        }
    }
    Ok(effects)
}
