//! Raising, listing and acknowledging alerts.
//!
//! An alert is raised inside the transaction of the change that causes it, one row per agency
//! concerned, so it exists exactly when the change does. On PostgreSQL the same transaction sends
//! `NOTIFY asb_alerts`, delivered only on commit; every instance listens and passes the alert to
//! its connected subscribers (see `crate::events`).

use chrono::Utc;
use entity::{alert, alert_ack, asb_case, case_share};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, Statement, sea_query::OnConflict,
};
use uuid::Uuid;

use crate::{
    auth::{Actor, Principal, policy::scope::Scope},
    domain::PageRequest,
    error::{AppError, AppResult},
    service::{
        audit::{self, Entry},
        paging::{self, KeyKind, Page, time_key},
    },
};

/// The channel every instance listens on.
pub const CHANNEL: &str = "asb_alerts";

#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum AlertKind {
    HighRiskVictim,
    NewRepeatVictim,
    CaseReviewEligible,
    CaseShared,
    ReviewOverdue,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::HighRiskVictim => "high_risk_victim",
            AlertKind::NewRepeatVictim => "new_repeat_victim",
            AlertKind::CaseReviewEligible => "case_review_eligible",
            AlertKind::CaseShared => "case_shared",
            AlertKind::ReviewOverdue => "review_overdue",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            AlertKind::HighRiskVictim,
            AlertKind::NewRepeatVictim,
            AlertKind::CaseReviewEligible,
            AlertKind::CaseShared,
            AlertKind::ReviewOverdue,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// What an alert is about. The message is written for staff and never names a person.
pub struct Draft {
    pub kind: AlertKind,
    pub case_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub incident_id: Option<Uuid>,
    pub message: String,
}

/// Raises one alert for `agency_id`, in the caller's transaction.
pub async fn raise<C: ConnectionTrait>(db: &C, agency_id: Uuid, draft: &Draft) -> AppResult<Uuid> {
    let id = Uuid::new_v4();
    alert::Entity::insert(alert::ActiveModel {
        id: Set(id),
        agency_id: Set(agency_id),
        kind: Set(draft.kind.as_str().into()),
        case_id: Set(draft.case_id),
        person_id: Set(draft.person_id),
        incident_id: Set(draft.incident_id),
        message: Set(draft.message.clone()),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(db)
    .await?;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), id.to_string().into()],
        ))
        .await?;
    }
    Ok(id)
}

/// Raises an alert for every agency that can see a case: its lead agency and those it is shared
/// with.
pub async fn raise_for_case<C: ConnectionTrait>(
    db: &C,
    case: &asb_case::Model,
    draft: &Draft,
) -> AppResult<()> {
    let mut agencies = vec![case.lead_agency_id];
    let shares = case_share::Entity::find()
        .filter(case_share::Column::CaseId.eq(case.id))
        .filter(case_share::Column::RevokedAt.is_null())
        .all(db)
        .await?;
    agencies.extend(shares.into_iter().map(|s| s.agency_id));
    agencies.sort();
    agencies.dedup();
    for agency in agencies {
        raise(db, agency, draft).await?;
    }
    Ok(())
}

/// Whether `actor` may see this alert now: it is for their agency, and the case it concerns (if
/// any) is still visible to them.
pub async fn visible_to<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    a: &alert::Model,
) -> AppResult<bool> {
    if a.agency_id != actor.agency_id {
        return Ok(false);
    }
    match a.case_id {
        None => Ok(true),
        Some(case_id) => Ok(asb_case::Entity::find()
            .filter(crate::auth::policy::scope::case_by_id(
                &Scope::new(actor.agency_id),
                case_id,
            ))
            .count(db)
            .await?
            == 1),
    }
}

/// The user's agency's alerts, newest first, over cases still visible to it.
pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    unacknowledged_only: bool,
    page: &PageRequest,
) -> AppResult<Page<alert::Model>> {
    use alert::Column as C;
    let scope = Scope::new(actor.agency_id);
    let mut q = alert::Entity::find()
        .filter(C::AgencyId.eq(actor.agency_id))
        .filter(
            sea_orm::Condition::any()
                .add(C::CaseId.is_null())
                .add(C::CaseId.in_subquery(scope.visible_case_ids())),
        );
    if unacknowledged_only {
        q = q.filter(
            C::Id.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(alert_ack::Column::AlertId)
                    .from(alert_ack::Entity)
                    .and_where(alert_ack::Column::UserId.eq(actor.user_id))
                    .to_owned(),
            ),
        );
    }
    let total = q.clone().count(db).await?;
    let rows = paging::apply(q, C::CreatedAt, C::Id, KeyKind::Time, true, page)?
        .all(db)
        .await?;
    Ok(paging::finish(rows, page, total, |m| {
        (time_key(&m.created_at), m.id)
    }))
}

/// Acknowledges an alert for the signed-in user.
pub async fn acknowledge(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
) -> AppResult<alert::Model> {
    let actor = principal.actor()?;
    let txn = crate::db::begin_write(db).await?;
    let a = alert::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if !visible_to(&txn, actor, &a).await? {
        return Err(AppError::NotFound);
    }
    alert_ack::Entity::insert(alert_ack::ActiveModel {
        alert_id: Set(id),
        user_id: Set(actor.user_id),
        acked_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([alert_ack::Column::AlertId, alert_ack::Column::UserId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        principal,
        Entry::new("acknowledgeAlert").entity("Alert", id),
    )
    .await?;
    txn.commit().await?;
    Ok(a)
}

/// Which of these alerts the user has acknowledged.
pub async fn acknowledged<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    ids: Vec<Uuid>,
) -> AppResult<Vec<Uuid>> {
    Ok(alert_ack::Entity::find()
        .filter(alert_ack::Column::UserId.eq(user_id))
        .filter(alert_ack::Column::AlertId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.alert_id)
        .collect())
}

/// Raises a `REVIEW_OVERDUE` alert for every open case whose review date has passed and that has
/// no such alert since that date yet. Run periodically by every instance; on PostgreSQL a
/// transaction-scoped advisory lock lets only one instance do a round at a time.
pub async fn raise_overdue_reviews(db: &DatabaseConnection) -> AppResult<usize> {
    let txn = crate::db::begin_write(db).await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        let row = txn
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT pg_try_advisory_xact_lock(727274) AS locked",
            ))
            .await?;
        let locked: bool = match row {
            Some(r) => r.try_get("", "locked")?,
            None => false,
        };
        if !locked {
            return Ok(0);
        }
    }
    let now = Utc::now();
    let due = asb_case::Entity::find()
        .filter(asb_case::Column::Status.ne("closed"))
        .filter(asb_case::Column::NextReviewAt.lt(now))
        .all(&txn)
        .await?;
    let mut raised = 0;
    for case in due {
        let Some(due_at) = case.next_review_at else {
            continue;
        };
        let already = alert::Entity::find()
            .filter(alert::Column::Kind.eq(AlertKind::ReviewOverdue.as_str()))
            .filter(alert::Column::CaseId.eq(case.id))
            .filter(alert::Column::CreatedAt.gte(due_at))
            .count(&txn)
            .await?;
        if already > 0 {
            continue;
        }
        raise_for_case(
            &txn,
            &case,
            &Draft {
                kind: AlertKind::ReviewOverdue,
                case_id: Some(case.id),
                person_id: None,
                incident_id: None,
                message: format!("The review of case {} is overdue", case.reference),
            },
        )
        .await?;
        raised += 1;
    }
    txn.commit().await?;
    Ok(raised)
}
