//! Supervision: a supervisor's review of a case on the configured cadence, and the sign-off a
//! medium- or high-risk case needs before it may close.
//!
//! Rules enforced here:
//! - a review needs `REVIEW_CASE`, a case the user's agency leads (another agency's supervisor
//!   gets `FORBIDDEN`; a case out of scope `NOT_FOUND`), and a case that is not closed;
//! - nobody reviews a case they own (`FORBIDDEN`);
//! - "changes requested" must add at least one action to the plan (`BAD_USER_INPUT`);
//! - the review's level comes from the cadence step (see `domain::review`), and the case's
//!   `nextReviewAt` moves to the next step; the case's version goes up, since the case changed;
//! - a medium- or high-risk case closes only with an approved review made at its current
//!   version, i.e. after its latest change, by someone other than its owner.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{app_user, asb_case, case_action, case_review, case_review_action};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use super::rules;
use crate::{
    auth::{
        Actor, Principal,
        policy::{self, Operation},
    },
    domain::{ActionStatus, CaseStatus, NonEmptyLongText, RiskLevel, review::ReviewOutcome},
    error::{AppError, AppResult},
    service::{
        audit::{self, Entry},
        cases::query,
    },
};

/// An action a review adds to the plan. Without an owner it goes to the case's owner.
pub struct NewReviewAction {
    pub description: NonEmptyLongText,
    pub owner_id: Option<Uuid>,
    pub due_date: NaiveDate,
}

pub struct NewReview {
    pub case_id: Uuid,
    pub outcome: ReviewOutcome,
    pub comment: NonEmptyLongText,
    pub actions: Vec<NewReviewAction>,
}

fn risk_of(case: &asb_case::Model) -> AppResult<RiskLevel> {
    RiskLevel::parse("riskLevel", &case.risk_level)
        .map_err(|_| AppError::internal("unknown risk level stored on a case"))
}

/// When a case of `risk` opened at `opened` is first due for review, under the rules in force.
pub async fn first_review_due<C: ConnectionTrait>(
    db: &C,
    risk: RiskLevel,
    opened: DateTime<Utc>,
) -> AppResult<DateTime<Utc>> {
    let rules = rules::load(db).await?.settings;
    Ok(rules.cadences.for_risk(risk).first_due(opened))
}

fn validate(new: &NewReview, today: NaiveDate) -> AppResult<()> {
    if new.outcome == ReviewOutcome::ChangesRequested && new.actions.is_empty() {
        return Err(AppError::bad_input(
            "actions",
            "requesting changes needs at least one new action for the plan",
        ));
    }
    for (i, a) in new.actions.iter().enumerate() {
        if a.due_date < today {
            return Err(AppError::bad_input(
                format!("actions.{i}.dueDate"),
                "must not be in the past",
            ));
        }
    }
    Ok(())
}

/// Records a supervisor's review of a case and schedules the next one.
pub async fn review(
    db: &DatabaseConnection,
    principal: &Principal,
    new: NewReview,
) -> AppResult<case_review::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::ReviewCase)?;
    let now = Utc::now();
    validate(&new, now.date_naive())?;
    let perms = &actor.permissions;
    policy::check_writes(perms, "CaseReview", &["outcome", "comment"])?;
    if !new.actions.is_empty() {
        policy::check_writes(
            perms,
            "CaseAction",
            &["description", "ownerAgency", "owner", "dueDate", "status"],
        )?;
    }
    let txn = crate::db::begin_write(db).await?;
    let case = query::get(&txn, actor, new.case_id).await?;
    if case.lead_agency_id != actor.agency_id {
        return Err(AppError::ForbiddenBecause(
            "only supervisors of the lead agency review a case".into(),
        ));
    }
    if case.owner_id == Some(actor.user_id) {
        return Err(AppError::ForbiddenBecause(
            "a supervisor cannot review a case they own; another supervisor must".into(),
        ));
    }
    if case.status == CaseStatus::Closed.as_str() {
        return Err(AppError::bad_input("caseId", "the case is closed"));
    }
    let risk = risk_of(&case)?;
    let settings = rules::load(&txn).await?.settings;
    let cadence = settings.cadences.for_risk(risk);
    let previous = case_review::Entity::find()
        .filter(case_review::Column::CaseId.eq(case.id))
        .order_by_desc(case_review::Column::CreatedAt)
        .one(&txn)
        .await?;
    let step = cadence.step_after(
        previous
            .filter(|p| p.risk_level == case.risk_level)
            .and_then(|p| usize::try_from(p.step).ok()),
    );
    let next_review_at = cadence.next_due(step, now);

    let version = case.version + 1;
    let moved = asb_case::Entity::update_many()
        .col_expr(asb_case::Column::NextReviewAt, Expr::value(next_review_at))
        .col_expr(asb_case::Column::Version, Expr::value(version))
        .col_expr(asb_case::Column::UpdatedAt, Expr::value(now))
        .col_expr(asb_case::Column::UpdatedBy, Expr::value(actor.user_id))
        .filter(asb_case::Column::Id.eq(case.id))
        .filter(asb_case::Column::Version.eq(case.version))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::stale(
            query::get(&txn, actor, case.id).await?.version,
        ));
    }
    let action_ids = add_actions(&txn, actor, &case, new.actions, now).await?;
    let review = case_review::ActiveModel {
        id: Set(Uuid::new_v4()),
        case_id: Set(case.id),
        reviewer_id: Set(actor.user_id),
        reviewer_agency_id: Set(actor.agency_id),
        outcome: Set(new.outcome.as_str().into()),
        comment: Set(new.comment.into_string()),
        level: Set(cadence.level(step).as_str().into()),
        risk_level: Set(case.risk_level.clone()),
        step: Set(i32::try_from(step).unwrap_or(0)),
        case_version: Set(version),
        next_review_at: Set(next_review_at),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    if !action_ids.is_empty() {
        case_review_action::Entity::insert_many(action_ids.iter().map(|a| {
            case_review_action::ActiveModel {
                review_id: Set(review.id),
                action_id: Set(*a),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    let mut fields = vec!["reviews", "nextReviewAt"];
    if !action_ids.is_empty() {
        fields.push("actions");
    }
    audit::record(
        &txn,
        principal,
        Entry::new("reviewCase")
            .entity("Case", case.id)
            .fields(fields)
            .detail(format!(
                "{} at {} level; {} new action(s)",
                review.outcome,
                review.level,
                action_ids.len()
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(review)
}

/// Adds a review's actions to the plan, owned by the lead agency.
async fn add_actions<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    case: &asb_case::Model,
    actions: Vec<NewReviewAction>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    let mut ids = Vec::with_capacity(actions.len());
    for (i, a) in actions.into_iter().enumerate() {
        let owner = a.owner_id.or(case.owner_id);
        if let Some(owner) = owner {
            let ok = app_user::Entity::find_by_id(owner)
                .one(db)
                .await?
                .is_some_and(|u| u.agency_id == case.lead_agency_id && !u.disabled);
            if !ok {
                return Err(AppError::bad_input(
                    format!("actions.{i}.ownerId"),
                    "must be an active user of the lead agency",
                ));
            }
        }
        let id = Uuid::new_v4();
        case_action::ActiveModel {
            id: Set(id),
            case_id: Set(case.id),
            description: Set(a.description.into_string()),
            owner_agency_id: Set(case.lead_agency_id),
            owner_id: Set(owner),
            due_date: Set(a.due_date),
            status: Set(ActionStatus::Planned.as_str().into()),
            completion_note: Set(None),
            completed_at: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(actor.user_id)),
            updated_by: Set(Some(actor.user_id)),
        }
        .insert(db)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// Refuses to close a medium- or high-risk case that has no approved review at `version` (the
/// version the caller is closing from) by someone other than its owner. Cases that are missing,
/// out of scope, stale or led elsewhere pass through to the caller's own checks, which refuse
/// them with their own codes.
pub async fn check_closure_sign_off<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    case_id: Uuid,
    version: i32,
) -> AppResult<()> {
    let case = match query::get(db, actor, case_id).await {
        Ok(case) => case,
        Err(AppError::NotFound) => return Ok(()),
        Err(e) => return Err(e),
    };
    if case.version != version
        || case.lead_agency_id != actor.agency_id
        || case.status == CaseStatus::Closed.as_str()
        || risk_of(&case)? == RiskLevel::Standard
    {
        return Ok(());
    }
    let mut signed = case_review::Entity::find()
        .filter(case_review::Column::CaseId.eq(case.id))
        .filter(case_review::Column::Outcome.eq(ReviewOutcome::Approved.as_str()))
        .filter(case_review::Column::CaseVersion.eq(version));
    if let Some(owner) = case.owner_id {
        signed = signed.filter(case_review::Column::ReviewerId.ne(owner));
    }
    if signed.count(db).await? == 0 {
        return Err(AppError::ForbiddenBecause(format!(
            "closing a {}-risk case needs a supervisor's approval (reviewCase with outcome \
             APPROVED) after its latest change, by someone other than its owner",
            case.risk_level
        )));
    }
    Ok(())
}
