//! `submitRiskAssessment`: a victim's answers, scored against the version in force and stored
//! with it, in one transaction with its access-log entry.

use chrono::Utc;
use entity::{asb_case, case_party, incident, incident_party, risk_assessment};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::{case_effects, questionnaire};
use crate::{
    auth::{
        Principal,
        policy::{self, Operation, scope::Scope},
    },
    domain::{
        PartyRole,
        risk::{self, Override, RawAnswer},
    },
    error::{AppError, AppResult},
    service::{
        audit::{self, Entry},
        cases::records,
    },
};

/// What the assessment is about: exactly one incident or one case.
#[derive(Clone, Copy, Debug)]
pub enum Subject {
    Incident(Uuid),
    Case(Uuid),
}

pub struct NewAssessment {
    pub person_id: Uuid,
    pub subject: Subject,
    /// Checked against the version in force inside the transaction.
    pub answers: Vec<RawAnswer>,
    pub override_level: Option<Override>,
}

impl NewAssessment {
    fn fields(&self) -> Vec<&'static str> {
        let mut f = vec![
            "person",
            match self.subject {
                Subject::Incident(_) => "incident",
                Subject::Case(_) => "case",
            },
            "answers",
        ];
        if self.override_level.is_some() {
            f.extend(["overrideLevel", "overrideReason"]);
        }
        f
    }
}

fn not_a_victim(of: &str) -> AppError {
    AppError::bad_input("personId", format!("is not a victim in this {of}"))
}

/// Whether `person` is a victim in the incident (`Incident`) or the case (`Case`).
async fn is_victim<C: ConnectionTrait>(db: &C, person: Uuid, subject: Subject) -> AppResult<bool> {
    let victim = PartyRole::Victim.as_str();
    let n = match subject {
        Subject::Incident(id) => {
            incident_party::Entity::find()
                .filter(incident_party::Column::IncidentId.eq(id))
                .filter(incident_party::Column::PersonId.eq(person))
                .filter(incident_party::Column::Part.eq(victim))
                .select_only()
                .column(incident_party::Column::Id)
                .into_tuple::<Uuid>()
                .one(db)
                .await?
        }
        Subject::Case(id) => {
            case_party::Entity::find()
                .filter(case_party::Column::CaseId.eq(id))
                .filter(case_party::Column::PersonId.eq(person))
                .filter(case_party::Column::Role.eq(victim))
                .select_only()
                .column(case_party::Column::Id)
                .into_tuple::<Uuid>()
                .one(db)
                .await?
        }
    };
    Ok(n.is_some())
}

/// Scores and stores an assessment. Refusals write nothing: `BAD_USER_INPUT` naming
/// `answers.<key>`, `overrideLevel`, `overrideReason` or `personId`; `NOT_FOUND` for a person,
/// incident or case the user may not see; `CONFLICT` when no questionnaire is in force.
pub async fn submit(
    db: &DatabaseConnection,
    principal: &Principal,
    new: NewAssessment,
) -> AppResult<risk_assessment::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::AssessRisk)?;
    let fields = new.fields();
    policy::check_writes(&actor.permissions, "RiskAssessment", &fields)?;
    let txn = crate::db::begin_write(db).await?;
    let version = questionnaire::in_force(&txn)
        .await?
        .ok_or_else(|| AppError::Conflict {
            message: "no risk questionnaire is in force; an administrator must publish one".into(),
            current_version: None,
        })?;
    let spec = questionnaire::spec_of(&version)?;
    let answers = spec.check_answers(new.answers)?;
    let scored = spec.score(&answers);
    let level = risk::final_level(scored.computed, new.override_level.as_ref())?;

    records::person(&txn, actor, new.person_id).await?;
    let scope = Scope::new(actor.agency_id);
    let case = match new.subject {
        Subject::Incident(id) => {
            incident::Entity::find()
                .filter(incident::Column::Id.eq(id))
                .filter(scope.incidents())
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            if !is_victim(&txn, new.person_id, new.subject).await? {
                return Err(not_a_victim("incident"));
            }
            None
        }
        Subject::Case(id) => {
            // Locked until commit, so two assessments of one case apply their effects in turn.
            let case = asb_case::Entity::find()
                .filter(policy::scope::case_by_id(&scope, id))
                .lock_exclusive()
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            if !is_victim(&txn, new.person_id, new.subject).await? {
                return Err(not_a_victim("case"));
            }
            Some(case)
        }
    };

    let now = Utc::now();
    let assessment = risk_assessment::ActiveModel {
        id: Set(Uuid::new_v4()),
        person_id: Set(new.person_id),
        incident_id: Set(match new.subject {
            Subject::Incident(id) => Some(id),
            Subject::Case(_) => None,
        }),
        case_id: Set(case.as_ref().map(|c| c.id)),
        questionnaire_version_id: Set(version.id),
        answers: Set(answers.to_json()?),
        score: Set(scored.score),
        computed_level: Set(scored.computed.as_str().into()),
        override_level: Set(new.override_level.as_ref().map(|o| o.level.as_str().into())),
        override_reason: Set(new.override_level.map(|o| o.reason.into_string())),
        level: Set(level.as_str().into()),
        assessed_by: Set(actor.user_id),
        assessed_by_agency_id: Set(actor.agency_id),
        assessed_at: Set(now),
        valid_until: Set(risk::valid_until(now, spec.validity_days())),
    }
    .insert(&txn)
    .await?;

    // The log says what was done, never the answers, the score or the level: those are the
    // victim's data, and the log outlives them when they are erased.
    let mut detail = String::from("assessment recorded");
    if let Some(case) = case {
        let effects = case_effects::apply(&txn, actor, case, &assessment, level, now).await?;
        detail.push_str(&effects.describe());
    }
    audit::record(
        &txn,
        principal,
        Entry::new("submitRiskAssessment")
            .entity("RiskAssessment", assessment.id)
            .fields(fields)
            .detail(detail),
    )
    .await?;
    txn.commit().await?;
    Ok(assessment)
}
